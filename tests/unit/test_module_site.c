// SPDX-License-Identifier: MIT
/*
 * What a tracer entry on probecost.ko's sites checks its records against
 * (module_site.h): the module's payload, as kmod_record.c's
 * pc_record_payload() makes it -- len - 1 bytes of 'p' and a NUL, so
 * that a kprobe event's string fetch and the trace event's memcpy carry
 * the same len bytes -- for the sizes at the edges.
 */
#include <stdint.h>
#include <string.h>

#include "ktap.h"
#include "module_site.h"
#include "probecost_abi.h"

static const struct {
	int line;
	uint32_t len;
	uint32_t ps;		/* leading 'p' bytes */
	uint32_t set;		/* bytes written */
} cases[] = {
	{ __LINE__, 0, 0, 0 },
	{ __LINE__, 1, 0, 1 },
	{ __LINE__, 100, 99, 100 },
	{ __LINE__, PROBECOST_MAX_PAYLOAD, PROBECOST_MAX_PAYLOAD - 1, PROBECOST_MAX_PAYLOAD },
	/* the module clamps: so must the check */
	{ __LINE__, PROBECOST_MAX_PAYLOAD + 10, PROBECOST_MAX_PAYLOAD - 1, PROBECOST_MAX_PAYLOAD },
};

int main(void)
{
	static unsigned char buf[PROBECOST_MAX_PAYLOAD + 64];
	size_t n = sizeof(cases) / sizeof(cases[0]);

	ktap_plan((int)n);
	for (size_t i = 0; i < n; i++) {
		bool ok = true;

		memset(buf, 'x', sizeof(buf));
		pc_modsite_payload(cases[i].len, buf);
		for (uint32_t j = 0; j < cases[i].ps; j++)
			ok &= buf[j] == 'p';
		if (cases[i].set)
			ok &= buf[cases[i].set - 1] == '\0';
		ok &= buf[cases[i].set] == 'x';	/* nothing written beyond */
		KTAP_OK(ok, "line %d: payload %u: %u bytes written, %u of them 'p', a NUL last", cases[i].line,
			cases[i].len, cases[i].set, cases[i].ps);
	}
	return ktap_finish();
}
