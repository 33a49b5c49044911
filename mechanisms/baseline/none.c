// SPDX-License-Identifier: MIT
/*
 * `none`: the bare fire loop and an uninstrumented site, in user space.
 *
 * It has only the absent state. Its overhead row (absent' - absent, see
 * engine.h) is a difference of two identical measurements, i.e. the noise
 * floor of the method on this machine: no overhead another mechanism
 * reports can be told apart from zero if it lies within that interval.
 */
#include <stdio.h>

#include "errors.h"
#include "mech.h"
#include "site.h"

_Thread_local uint64_t pc_site_sink;

static PC_SITE void pcsite_none(uint64_t x)
{
	PC_SITE_WORK(x);
}

PC_FIRE_LOOP(none_loop, pcsite_none)

static int none_arm(struct pc_inst *in, enum pc_state st)
{
	if (st != PC_ABSENT)
		return pc_inst_fail(in, PC_ERR_UNSUPPORTED, "none has only the absent state");
	return PC_OK;
}

static int none_disarm(struct pc_inst *in)
{
	(void)in;
	return PC_OK;
}

static int none_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out)
{
	(void)in;
	none_loop(n);
	out->hits = 0;
	return PC_OK;
}

static int none_variant(struct pc_inst *in, char *buf, size_t len)
{
	(void)in;
	snprintf(buf, len, "loop");
	return PC_OK;
}

const struct pc_mech pc_mech_none = {
	.name = "none",
	.summary = "the bare fire loop: noise floor and reference",
	.family = PC_FAM_BASELINE,
	.where = PC_WHERE_USER,
	.states = PC_ST(PC_ABSENT),
	.flags = PC_MECH_MT,
	.arm = none_arm,
	.disarm = none_disarm,
	.fire = none_fire,
	.variant = none_variant,
};
