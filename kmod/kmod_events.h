/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's trace events, group "probecost".
 *
 *   pcsite_tracepoint  the tracepoint mechanism's own event: its site
 *                      calls trace_pcsite_tracepoint(x).
 *   pc_record          the recorder every other mechanism's handler calls
 *                      in the recording state (pc_khandle()).
 *
 * Both come from one class, so a recorded event is the same bytes in the
 * ring buffer whichever mechanism wrote it: x, then pc_payload_len bytes
 * of payload. The harness enables one of them in its private tracefs
 * instance; kprobe mechanisms record through a kprobe_events definition
 * instead, fetching the same payload bytes (see the ABI header).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM probecost

#if !defined(PC_KMOD_EVENTS_H) || defined(TRACE_HEADER_MULTI_READ)
#define PC_KMOD_EVENTS_H

#include <linux/string.h>
#include <linux/tracepoint.h>

#include "kmod_core.h"

DECLARE_EVENT_CLASS(pc_payload_class,
	TP_PROTO(u64 x),
	TP_ARGS(x),
	TP_STRUCT__entry(
		__field(u64, x)
		__dynamic_array(u8, payload, pc_payload_len)
	),
	TP_fast_assign(
		__entry->x = x;
		memcpy(__get_dynamic_array(payload), pc_payload, pc_payload_len);
	),
	TP_printk("x=%llu len=%u", __entry->x, __get_dynamic_array_len(payload))
);

DEFINE_EVENT(pc_payload_class, pcsite_tracepoint,
	TP_PROTO(u64 x),
	TP_ARGS(x)
);

DEFINE_EVENT(pc_payload_class, pc_record,
	TP_PROTO(u64 x),
	TP_ARGS(x)
);

#endif

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE kmod_events
#include <trace/define_trace.h>
