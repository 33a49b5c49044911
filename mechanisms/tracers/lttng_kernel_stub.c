// SPDX-License-Identifier: MIT
/*
 * The lttng entries on kernel sites where probecost was built without
 * liblttng-ctl (no pkg-config lttng-ctl when make parsed the Makefile):
 * the entries stay in the registry, so `list` and --tracer name them, and
 * say what to install. The real ones are in lttng_kernel.c.
 */
#include <stdio.h>

#include "errors.h"
#include "mech.h"

#define LK_STUB_WHY "probecost was built without liblttng-ctl: apt-get install liblttng-ctl-dev lttng-tools babeltrace2, then make"

static int lk_available(const struct pc_mech *m, char *why, size_t len)
{
	(void)m;
	snprintf(why, len, "%s", LK_STUB_WHY);
	return PC_ERR_UNSUPPORTED;
}

static int lk_arm(struct pc_inst *in, enum pc_state st)
{
	(void)st;
	return pc_inst_fail(in, PC_ERR_UNSUPPORTED, "%s", LK_STUB_WHY);
}

static int lk_disarm(struct pc_inst *in)
{
	(void)in;
	return PC_OK;
}

static int lk_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out)
{
	(void)n;
	(void)out;
	return pc_inst_fail(in, PC_ERR_UNSUPPORTED, "%s", LK_STUB_WHY);
}

#define LK_STUB(sym, name_, fam, where_)					\
	const struct pc_mech pc_mech_lttng_##sym = {			\
		.name = name_,						\
		.summary = "LTTng kernel tracer (not built: no liblttng-ctl-dev)", \
		.family = fam,						\
		.where = where_,					\
		.states = PC_ST_ALL,					\
		.mt_why = "not built",					\
		.flags = PC_MECH_OPT_IN,	/* as the real entries */	\
		.opt_in_why = "opt-in like the real entries; this build lacks liblttng-ctl", \
		.tracer = "lttng",					\
		.available = lk_available,				\
		.arm = lk_arm,						\
		.disarm = lk_disarm,					\
		.fire = lk_fire,					\
	};
LK_STUB(syscall, "syscall-tracepoint", PC_FAM_STATIC, PC_WHERE_KERNEL)
LK_STUB(kprobe_ftrace, "kprobe-ftrace", PC_FAM_DYNAMIC, PC_WHERE_MODULE)
LK_STUB(tracepoint, "tracepoint", PC_FAM_STATIC, PC_WHERE_MODULE)
