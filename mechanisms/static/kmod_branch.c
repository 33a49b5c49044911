// SPDX-License-Identifier: GPL-2.0
/*
 * `branch`, kernel side: the markers-era static tracepoint.
 *
 * Before jump labels (2.6.37), a disabled tracepoint still loaded a
 * global "enabled" word, compared and branched around the call:
 *
 *	if (unlikely(READ_ONCE(pc_branch_on)))
 *		pchandler_branch(x);
 *
 * so the disabled site pays a load (a possible D-cache miss) and a
 * conditional branch (a BTB entry). enabled and recording add the call
 * to the common handler. Switching it is one store: the toggle has no
 * text patching, no IPI, no RCU grace period.
 */
#include "kmod_core.h"

static int pc_branch_on;

static PC_KSITE void pchandler_branch(u64 x)
{
	pc_khandle(x);
}

PC_KSITE void pcsite_branch(u64 x)
{
	PC_KSITE_WORK(x);
	if (unlikely(READ_ONCE(pc_branch_on)))
		pchandler_branch(x);
}

PC_KSITE_ABSENT(branch)
PC_KFIRE_LOOP(br_loop, pcsite_branch)
PC_KFIRE_LOOP(br_loop_absent, pcsite_branch_absent)

static int br_arm(enum probecost_state st, u32 flags)
{
	if (st != PROBECOST_DISABLED)
		WRITE_ONCE(pc_branch_on, 1);
	return 0;
}

static void br_disarm(void)
{
	WRITE_ONCE(pc_branch_on, 0);
}

static int br_toggle(struct probecost_toggle *t)
{
	u64 t0, t1, t2;

	t0 = pc_kticks();
	WRITE_ONCE(pc_branch_on, 1);
	t1 = pc_kticks();
	WRITE_ONCE(pc_branch_on, 0);
	t2 = pc_kticks();
	t->enable_ticks = t1 - t0;
	t->disable_ticks = t2 - t1;
	return 0;
}

const struct pc_kmech pc_kmech_branch = {
	.id = PROBECOST_MECH_BRANCH,
	.name = "branch",
	.site = "pcsite_branch",
	.fire = br_loop,
	.fire_absent = br_loop_absent,
	.arm = br_arm,
	.disarm = br_disarm,
	.toggle = br_toggle,
};
