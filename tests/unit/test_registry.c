// SPDX-License-Identifier: MIT
/*
 * The registry's start-up check accepts the real registry and refuses
 * each kind of broken entry; every registered mechanism is well formed.
 */
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "ktap.h"
#include "registry.h"

static int nop_arm(struct pc_inst *in, enum pc_state st)
{
	(void)in;
	(void)st;
	return PC_OK;
}

static int nop_disarm(struct pc_inst *in)
{
	(void)in;
	return PC_OK;
}

static int nop_fire(struct pc_inst *in, uint64_t n, struct pc_fire *f)
{
	(void)in;
	(void)n;
	(void)f;
	return PC_OK;
}

#define GOOD(nm) { .name = nm, .summary = "s", .states = PC_ST(PC_ABSENT), \
		   .arm = nop_arm, .disarm = nop_disarm, .fire = nop_fire }

static const struct pc_mech good_a = GOOD("a-1"), good_b = GOOD("b"), dup_a = GOOD("a-1");
static const struct pc_mech bad_name = GOOD("Bad_Name");
static const struct pc_mech no_fire = { .name = "x", .summary = "s",
	.states = PC_ST(PC_ABSENT), .arm = nop_arm, .disarm = nop_disarm };
static const struct pc_mech no_absent = { .name = "y", .summary = "s",
	.states = PC_ST(PC_ENABLED), .arm = nop_arm, .disarm = nop_disarm, .fire = nop_fire };

static const struct {
	const char *what;
	const struct pc_mech *list[3];
	size_t n;
	int expect;
	int line;
} cases[] = {
	{ "two good entries", { &good_a, &good_b }, 2, PC_OK, __LINE__ },
	{ "duplicate name", { &good_a, &good_b, &dup_a }, 3, PC_ERR_INVAL, __LINE__ },
	{ "name not [a-z0-9-]", { &bad_name }, 1, PC_ERR_INVAL, __LINE__ },
	{ "missing fire op", { &no_fire }, 1, PC_ERR_INVAL, __LINE__ },
	{ "states without absent", { &no_absent }, 1, PC_ERR_INVAL, __LINE__ },
};

#define NR_CASES (sizeof(cases) / sizeof(cases[0]))

int main(void)
{
	size_t n = pc_registry_count();
	int well_formed = 1;
	char names[2048];

	ktap_plan((int)NR_CASES + 6);
	/* the check prints the offender on stderr; keep KTAP on stdout clean */
	for (size_t i = 0; i < NR_CASES; i++)
		KTAP_OK(pc_registry_check_list(cases[i].list, cases[i].n) == cases[i].expect,
			"check: %s (row line %d)", cases[i].what, cases[i].line);

	KTAP_OK(pc_registry_check() == PC_OK, "the real registry (%zu mechanisms) passes", n);
	KTAP_OK(pc_registry_find("none") && pc_registry_find("user-branch"),
		"baseline none and user-branch are registered");
	KTAP_OK(!pc_registry_find("no-such-mech") && !pc_registry_get(n),
		"unknown names and indexes give NULL");
	for (size_t i = 0; i < n; i++) {
		const struct pc_mech *m = pc_registry_get(i);
		const struct pc_mech *f = pc_registry_find(m->name);

		/* a tracer entry's name finds its primitive, another tracer */
		well_formed &= (f == m || (f && m->tracer &&
					   strcmp(pc_mech_tool(f), m->tracer))) &&
			       strcmp(pc_family_name(m->family), "?") &&
			       strcmp(pc_where_name(m->where), "?");
	}
	KTAP_OK(well_formed, "every entry has a known family and place, and finds itself (a tracer entry its primitive)");
	pc_registry_names(names, sizeof(names));
	KTAP_OK(!strncmp(names, "none, ", 6), "name list starts with the baseline: %.60s", names);
	KTAP_OK(pc_state_parse("recording") == PC_RECORDING &&
		pc_state_parse("armed") == PC_NR_STATES &&
		!strcmp(pc_state_name(PC_DISABLED), "disabled"),
		"state names parse both ways, unknown refused");
	return ktap_finish();
}
