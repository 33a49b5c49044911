// SPDX-License-Identifier: GPL-2.0
/*
 * `static-key`, kernel side: a jump label.
 *
 *	if (static_branch_unlikely(&pc_static_key))
 *		pchandler_static_key(x);
 *
 * compiles to a 2- or 5-byte nop in line (disabled: no load, no
 * compare, nothing to predict) and the call out of line. Enabling
 * rewrites the nop into a jmp with text_poke_bp(): an int3 breakpoint,
 * IPIs to sync every CPU, then the final bytes -- which is what the
 * toggle cost measures, and why it is dear compared with a flag store.
 * recording: the handler writes the payload through pc_record.
 */
#include <linux/jump_label.h>

#include "kmod_core.h"

static DEFINE_STATIC_KEY_FALSE(pc_static_key);

static PC_KSITE void pchandler_static_key(u64 x)
{
	pc_khandle(x);
}

PC_KSITE void pcsite_static_key(u64 x)
{
	PC_KSITE_WORK(x);
	if (static_branch_unlikely(&pc_static_key))
		pchandler_static_key(x);
}

PC_KSITE_ABSENT(static_key)
PC_KFIRE_LOOP(sk_loop, pcsite_static_key)
PC_KFIRE_LOOP(sk_loop_absent, pcsite_static_key_absent)

static int sk_arm(enum probecost_state st, u32 flags)
{
	if (st != PROBECOST_DISABLED)
		static_branch_enable(&pc_static_key);
	return 0;
}

static void sk_disarm(void)
{
	static_branch_disable(&pc_static_key);
}

static int sk_toggle(struct probecost_toggle *t)
{
	u64 t0, t1, t2;

	t0 = pc_kticks();
	static_branch_enable(&pc_static_key);
	t1 = pc_kticks();
	static_branch_disable(&pc_static_key);
	t2 = pc_kticks();
	t->enable_ticks = t1 - t0;
	t->disable_ticks = t2 - t1;
	return 0;
}

const struct pc_kmech pc_kmech_static_key = {
	.id = PROBECOST_MECH_STATIC_KEY,
	.name = "static-key",
	.site = "pcsite_static_key",
	.fire = sk_loop,
	.fire_absent = sk_loop_absent,
	.arm = sk_arm,
	.disarm = sk_disarm,
	.toggle = sk_toggle,
};
