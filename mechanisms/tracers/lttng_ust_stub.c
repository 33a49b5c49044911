// SPDX-License-Identifier: MIT
/*
 * `ust-tracepoint` where probecost was built without LTTng-UST (no
 * pkg-config lttng-ust or lttng-ctl when make parsed the Makefile): the
 * entry stays in the registry, so `list` and --mech name it, and says
 * what to install. The real mechanism is lttng_ust.c.
 */
#include <stdio.h>

#include "errors.h"
#include "mech.h"

static int ust_available(const struct pc_mech *m, char *why, size_t len)
{
	(void)m;
	snprintf(why, len, "probecost was built without LTTng-UST: apt-get install lttng-tools liblttng-ust-dev liblttng-ctl-dev babeltrace2, then make");
	return PC_ERR_UNSUPPORTED;
}

static int ust_arm(struct pc_inst *in, enum pc_state st)
{
	(void)st;
	return pc_inst_fail(in, PC_ERR_UNSUPPORTED, "ust-tracepoint: built without LTTng-UST");
}

static int ust_disarm(struct pc_inst *in)
{
	(void)in;
	return PC_OK;
}

static int ust_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out)
{
	(void)n;
	(void)out;
	return pc_inst_fail(in, PC_ERR_UNSUPPORTED, "ust-tracepoint: built without LTTng-UST");
}

const struct pc_mech pc_mech_ust_tracepoint = {
	.name = "ust-tracepoint",
	.summary = "LTTng-UST tracepoint (not built: no liblttng-ust-dev)",
	.family = PC_FAM_STATIC,
	.where = PC_WHERE_USER,
	.states = PC_ST_ALL | PC_ST(PC_FILTERED),
	.mt_why = "not built",
	.flags = PC_MECH_OPT_IN,	/* as the real entry: the suites match */
	.opt_in_why = "opt-in like the real entry (which reads every fire back); this build lacks LTTng-UST",
	.tracer = "lttng",
	.available = ust_available,
	.arm = ust_arm,
	.disarm = ust_disarm,
	.fire = ust_fire,
};
