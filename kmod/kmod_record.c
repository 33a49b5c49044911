// SPDX-License-Identifier: GPL-2.0
/*
 * The recording consumer shared by every mechanism: the payload buffer,
 * and pc_record(), which writes one pc_record event.
 *
 * pc_payload holds pc_payload_len bytes: len - 1 bytes of 'p' and a NUL,
 * so a kprobe_events fetch of it as a string ("@pc_payload:string", the
 * string stored at the symbol) copies the same number of bytes as the
 * trace events' memcpy of the dynamic array.
 */
#include <linux/string.h>

#define CREATE_TRACE_POINTS
#include "kmod_events.h"

u32 pc_payload_len;
char pc_payload[PROBECOST_MAX_PAYLOAD + 1];
bool pc_krecording;

noinline void pc_record(u64 x)
{
	trace_pc_record(x);
}

void pc_record_payload(u32 len)
{
	if (len > PROBECOST_MAX_PAYLOAD)
		len = PROBECOST_MAX_PAYLOAD;
	memset(pc_payload, 'p', len);
	pc_payload[len ? len - 1 : 0] = '\0';
	WRITE_ONCE(pc_payload_len, len);
}
