// SPDX-License-Identifier: MIT
/*
 * The probecost.ko ABI layout is pinned: every struct has the size the
 * ABI header lists, and its fields tile it exactly -- each one starts
 * where the previous ended, the last ends at sizeof -- so there is no
 * padding the compiler added behind our back (it would travel to the
 * kernel uninitialized and could not be checked for zero there). A
 * change here must come with a new PROBECOST_ABI_VERSION.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "ktap.h"
#include "probecost_abi.h"

struct field {
	int line;
	const char *type, *name;
	size_t off, size, type_size;
};

#define F(t, f) { __LINE__, #t, #f, offsetof(struct t, f), \
		  sizeof(((struct t *)0)->f), sizeof(struct t) }

static const struct field fields[] = {
	F(probecost_version, size), F(probecost_version, abi_version),
	F(probecost_version, nr_mechs), F(probecost_version, max_payload),
	F(probecost_version, max_events), F(probecost_version, tsc_khz),

	F(probecost_info, size), F(probecost_info, mech), F(probecost_info, states),
	F(probecost_info, err), F(probecost_info, probe_offset), F(probecost_info, step_traps),
	F(probecost_info, name), F(probecost_info, site), F(probecost_info, why),

	F(probecost_arm, size), F(probecost_arm, mech), F(probecost_arm, state),
	F(probecost_arm, payload), F(probecost_arm, flags), F(probecost_arm, pad),

	F(probecost_disarm, size), F(probecost_disarm, mech),

	F(probecost_run, size), F(probecost_run, mech), F(probecost_run, n),
	F(probecost_run, ticks), F(probecost_run, hits), F(probecost_run, missed),
	F(probecost_run, chunks), F(probecost_run, trapped),
	F(probecost_run, probe_byte), F(probecost_run, key_on),

	F(probecost_toggle, size), F(probecost_toggle, mech),
	F(probecost_toggle, enable_ticks), F(probecost_toggle, disable_ticks),
	F(probecost_toggle, optimize_ns),
};

#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

struct pinned {
	const char *type;
	size_t size, want;
};

#define PIN(t, bytes) { #t, sizeof(t), bytes },
static const struct pinned pinned[] = { PROBECOST_ABI_SIZES(PIN) };
#define NPINNED (sizeof(pinned) / sizeof(pinned[0]))

int main(void)
{
	size_t expect = 0, nstructs = 0;

	for (size_t i = 0; i < NFIELDS; i++)
		nstructs += i == 0 || strcmp(fields[i - 1].type, fields[i].type);
	ktap_plan((int)(NFIELDS + nstructs + NPINNED + 2));
	for (size_t i = 0; i < NFIELDS; i++) {
		const struct field *f = &fields[i];
		bool first = i == 0 || strcmp(fields[i - 1].type, f->type);

		if (first)
			expect = 0;
		KTAP_OK(f->off == expect, "struct %s.%s at offset %zu (previous field ends at %zu)",
			f->type, f->name, f->off, expect);
		expect = f->off + f->size;
		if (i + 1 == NFIELDS || strcmp(fields[i + 1].type, f->type))
			if (!KTAP_OK(expect == f->type_size, "struct %s: fields end at sizeof (%zu)",
				     f->type, f->type_size))
				ktap_diag("row at line %d: fields end at %zu", f->line, expect);
	}
	for (size_t i = 0; i < NPINNED; i++)
		KTAP_OK(pinned[i].size == pinned[i].want && pinned[i].size % 8 == 0,
			"%s is %zu bytes as pinned, a multiple of 8", pinned[i].type, pinned[i].size);
	KTAP_OK(PROBECOST_NR_STATES == 4 && PROBECOST_RECORDING == 3,
		"states are numbered as enum pc_state");
	KTAP_OK(PROBECOST_ABI_VERSION >= 1, "ABI version %d", PROBECOST_ABI_VERSION);
	return ktap_finish();
}
