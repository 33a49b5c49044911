// SPDX-License-Identifier: GPL-2.0
/*
 * The kprobe family, kernel side: four mechanisms, one per way a kprobe
 * can reach its handler, each on its own site.
 *
 *   kprobe-int3       int3 on a body instruction; the trap handler calls
 *                     the pre-handler, then the displaced instruction runs
 *                     out of line. The harness turns the optimizer off
 *                     (debug.kprobes-optimization = 0) while it measures.
 *   kprobe-optimized  the same place after the optimizer has replaced the
 *                     int3 with a jmp to a detour buffer (the successor of
 *                     djprobes): no trap, a call from the detour.
 *   kprobe-ftrace     on the function entry, where the fentry nop is: the
 *                     nop becomes a call into ftrace, which calls the
 *                     pre-handler without any trap.
 *   kretprobe         entry probe plus a hijacked return address: the
 *                     handler runs when the site returns.
 *
 * Which variant the kernel actually used is not assumed here: the harness
 * reads /sys/kernel/debug/kprobes/list ([OPTIMIZED], [FTRACE]) after
 * arming. The body probe offset is found at load by asking
 * register_kprobe() for the first instruction boundary after the entry
 * that is not the ftrace location (offset 5 without IBT, 9 with ENDBR),
 * and reported through the ABI so the harness's kprobe_events
 * definition for the recording state probes the very same instruction.
 *
 * enabled: the module registers a kprobe whose pre-handler counts the hit.
 * recording: the module registers nothing; the harness defines a
 * kprobe_events event at the same place, fetching the payload. With
 * PROBECOST_ARM_HANDLER_RECORDS it registers its kprobe, whose handler
 * writes pc_record like every other mechanism's (like-for-like).
 */
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/preempt.h>
#include <linux/string.h>

#include "kmod_core.h"

#define PC_KP_MAX_OFFSET	64
#define PC_KP_OPT_WAIT_MS	10000

enum pc_kp_kind { PC_KP_INT3, PC_KP_OPT, PC_KP_FTRACE, PC_KP_RET };

struct pc_kp {
	enum pc_kp_kind kind;
	void (*site)(u64 x);
	u32 offset;		/* body offset (INT3, OPT); 0 at the entry */
	u32 step_traps;		/* see struct probecost_info */
	bool registered;
	bool last_in_nmi;	/* the last hit came through the int3 trap */
	struct kprobe kp;
	struct kretprobe rp;
};

/* Pre-handlers: count, and note whether we came through the trap. */
#define PC_KP_SITE(sym)							\
	PC_KSITE void pcsite_##sym(u64 x)				\
	{								\
		PC_KSITE_WORK(x);					\
	}								\
	PC_KSITE_ABSENT(sym)						\
	PC_KFIRE_LOOP(pcloop_##sym, pcsite_##sym)			\
	PC_KFIRE_LOOP(pcloop_##sym##_absent, pcsite_##sym##_absent)

PC_KP_SITE(kprobe_int3)
PC_KP_SITE(kprobe_optimized)
PC_KP_SITE(kprobe_ftrace)
PC_KP_SITE(kretprobe)

/*
 * The armed analysis's K other kprobes (the harness's kprobe_others.c)
 * sit on these nops, one per byte, in a function nothing calls: kprobes
 * armed elsewhere, which the per-hit lookup (a hash table of kprobes by
 * address) holds but never serves. No label of their own: kprobe events
 * are refused in a symbol without an ftrace site ("notrace"), and this
 * function's fentry call is what makes it probeable.
 */
static PC_KSITE void pcsite_others_sled(void)
{
	asm volatile(".rept 1024\n\tnop\n.endr\n");
}

static struct pc_kp pc_kp_int3 = { .kind = PC_KP_INT3, .site = pcsite_kprobe_int3 };
static struct pc_kp pc_kp_opt = { .kind = PC_KP_OPT, .site = pcsite_kprobe_optimized };
static struct pc_kp pc_kp_ftrace = { .kind = PC_KP_FTRACE, .site = pcsite_kprobe_ftrace };
static struct pc_kp pc_kp_ret = { .kind = PC_KP_RET, .site = pcsite_kretprobe };

static PC_KSITE int pc_kp_hit(struct pc_kp *k)
{
	k->last_in_nmi = in_nmi();
	if (k->last_in_nmi)
		pc_ktrapped++;
	pc_khandle(0);
	return 0;
}
NOKPROBE_SYMBOL(pc_kp_hit);

static int pchandler_kprobe_int3(struct kprobe *p, struct pt_regs *regs)
{
	return pc_kp_hit(&pc_kp_int3);
}
NOKPROBE_SYMBOL(pchandler_kprobe_int3);

static int pchandler_kprobe_optimized(struct kprobe *p, struct pt_regs *regs)
{
	return pc_kp_hit(&pc_kp_opt);
}
NOKPROBE_SYMBOL(pchandler_kprobe_optimized);

static int pchandler_kprobe_ftrace(struct kprobe *p, struct pt_regs *regs)
{
	return pc_kp_hit(&pc_kp_ftrace);
}
NOKPROBE_SYMBOL(pchandler_kprobe_ftrace);

static int pchandler_kretprobe(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return pc_kp_hit(&pc_kp_ret);
}
NOKPROBE_SYMBOL(pchandler_kretprobe);

static int pc_kp_register(struct pc_kp *k, u32 offset)
{
	int ret;

	/* register_*probe() writes into the struct: start from zero */
	if (k->kind == PC_KP_RET) {
		memset(&k->rp, 0, sizeof(k->rp));
		k->rp.kp.addr = (kprobe_opcode_t *)k->site;
		k->rp.handler = pchandler_kretprobe;
		ret = register_kretprobe(&k->rp);
	} else {
		memset(&k->kp, 0, sizeof(k->kp));
		k->kp.addr = (kprobe_opcode_t *)((char *)k->site + offset);
		k->kp.pre_handler = k->kind == PC_KP_INT3 ? pchandler_kprobe_int3 :
				    k->kind == PC_KP_OPT ? pchandler_kprobe_optimized :
				    pchandler_kprobe_ftrace;
		ret = register_kprobe(&k->kp);
	}
	k->registered = !ret;
	return ret;
}

static void pc_kp_unregister(struct pc_kp *k)
{
	if (!k->registered)
		return;
	if (k->kind == PC_KP_RET)
		unregister_kretprobe(&k->rp);
	else
		unregister_kprobe(&k->kp);
	k->registered = false;
}

/*
 * The traps an int3 hit takes after the int3, for the instruction the
 * int3 displaced (arch/x86/kernel/kprobes/core.c, setup_singlestep()):
 * an emulated one (jumps, calls, returns) none; otherwise its copy runs
 * out of line, followed since 5.14 by another int3 (a #DB single-step
 * trap before), unless boosted with a jmp back -- which the kernel only
 * does without CONFIG_PREEMPTION (Debian's kernels have it).
 */
static u32 pc_kp_step_traps(const struct kprobe *kp)
{
	if (kp->ainsn.emulate_op)
		return 0;
	if (!IS_ENABLED(CONFIG_PREEMPTION) && kp->ainsn.boostable)
		return 0;
	return 1;
}

/* The first instruction after the entry that ftrace does not own. */
static int pc_kp_find_offset(struct pc_kp *k)
{
	int ret = -ENOENT;
	u32 off;

	for (off = 1; off < PC_KP_MAX_OFFSET; off++) {
		bool on_ftrace;

		ret = pc_kp_register(k, off);
		if (ret == -EILSEQ)
			continue;
		if (ret)
			return ret;
		on_ftrace = k->kp.flags & KPROBE_FLAG_FTRACE;
		if (!on_ftrace)
			k->step_traps = pc_kp_step_traps(&k->kp);
		pc_kp_unregister(k);
		if (!on_ftrace) {
			k->offset = off;
			return 0;
		}
	}
	return ret;
}

static void pc_kp_probe(struct pc_kp *k, struct probecost_info *in)
{
	int ret = 0;

	if (!IS_ENABLED(CONFIG_KPROBES)) {
		in->err = -EOPNOTSUPP;
		strscpy(in->why, "CONFIG_KPROBES is off in this kernel", sizeof(in->why));
		return;
	}
	if (k->kind == PC_KP_OPT && !IS_ENABLED(CONFIG_OPTPROBES)) {
		in->err = -EOPNOTSUPP;
		strscpy(in->why, "CONFIG_OPTPROBES is off in this kernel", sizeof(in->why));
		return;
	}
	if (k->kind == PC_KP_FTRACE && !IS_ENABLED(CONFIG_KPROBES_ON_FTRACE)) {
		in->err = -EOPNOTSUPP;
		strscpy(in->why, "CONFIG_KPROBES_ON_FTRACE is off in this kernel",
			sizeof(in->why));
		return;
	}
	if (k->kind == PC_KP_INT3 || k->kind == PC_KP_OPT)
		ret = pc_kp_find_offset(k);
	if (ret) {
		in->err = ret;
		snprintf(in->why, sizeof(in->why),
			 "no probeable body instruction in %s (register_kprobe: %d)",
			 in->site, ret);
		return;
	}
	in->probe_offset = k->offset;
	in->step_traps = k->step_traps;
}

static int pc_kp_arm(struct pc_kp *k, enum probecost_state st, u32 flags)
{
	if (st == PROBECOST_ENABLED ||
	    (st == PROBECOST_RECORDING && (flags & PROBECOST_ARM_HANDLER_RECORDS)))
		return pc_kp_register(k, k->offset);
	return 0;
}

static u64 pc_kp_missed(struct pc_kp *k)
{
	if (k->kind == PC_KP_RET)
		return k->rp.nmissed + k->rp.kp.nmissed;
	return k->kp.nmissed;
}

/*
 * The probe address's first byte, read from the text (mapped readable):
 * which probe is really there, whoever registered it (see the ABI).
 */
static u8 pc_kp_probe_byte(struct pc_kp *k)
{
	return READ_ONCE(*((u8 *)k->site + k->offset));
}

/* Call the site until a hit arrives without the trap: optimized. */
static int pc_kp_wait_optimized(struct pc_kp *k, u64 *ns)
{
	u64 start = ktime_get_ns();

	while (ktime_get_ns() - start < PC_KP_OPT_WAIT_MS * NSEC_PER_MSEC) {
		k->last_in_nmi = true;
		preempt_disable();
		k->site(0);
		preempt_enable();
		if (!k->last_in_nmi) {
			*ns = ktime_get_ns() - start;
			return 0;
		}
		/* msleep(1) may oversleep a jiffy: too coarse for a delay */
		usleep_range(100, 200);
	}
	return -ETIMEDOUT;
}

static int pc_kp_toggle(struct pc_kp *k, struct probecost_toggle *t)
{
	u64 t0, t1, t2;
	int ret;

	t0 = pc_kticks();
	ret = pc_kp_register(k, k->offset);
	t1 = pc_kticks();
	if (ret)
		return ret;
	if (k->kind == PC_KP_OPT) {
		ret = pc_kp_wait_optimized(k, &t->optimize_ns);
		if (ret) {
			pc_kp_unregister(k);
			return ret;
		}
	}
	t2 = pc_kticks();
	pc_kp_unregister(k);
	t->enable_ticks = t1 - t0;
	t->disable_ticks = pc_kticks() - t2;
	return 0;
}

#define PC_KP_MECH(sym, var, ID, hname)					\
	static void pc_kp_probe_##sym(struct probecost_info *in)	\
	{								\
		pc_kp_probe(&var, in);					\
	}								\
	static int pc_kp_arm_##sym(enum probecost_state st, u32 flags)	\
	{								\
		return pc_kp_arm(&var, st, flags);			\
	}								\
	static void pc_kp_disarm_##sym(void)				\
	{								\
		pc_kp_unregister(&var);					\
	}								\
	static u64 pc_kp_missed_##sym(void)				\
	{								\
		return pc_kp_missed(&var);				\
	}								\
	static u8 pc_kp_probe_byte_##sym(void)				\
	{								\
		return pc_kp_probe_byte(&var);				\
	}								\
	static int pc_kp_toggle_##sym(struct probecost_toggle *t)	\
	{								\
		return pc_kp_toggle(&var, t);				\
	}								\
	const struct pc_kmech pc_kmech_##sym = {			\
		.id = PROBECOST_MECH_##ID,				\
		.name = hname,						\
		.site = "pcsite_" #sym,					\
		.fire = pcloop_##sym,					\
		.fire_absent = pcloop_##sym##_absent,			\
		.probe = pc_kp_probe_##sym,				\
		.arm = pc_kp_arm_##sym,					\
		.disarm = pc_kp_disarm_##sym,				\
		.missed = pc_kp_missed_##sym,				\
		.probe_byte = pc_kp_probe_byte_##sym,			\
		.toggle = pc_kp_toggle_##sym,				\
	}

PC_KP_MECH(kprobe_int3, pc_kp_int3, KPROBE_INT3, "kprobe-int3");
PC_KP_MECH(kprobe_optimized, pc_kp_opt, KPROBE_OPT, "kprobe-optimized");
PC_KP_MECH(kprobe_ftrace, pc_kp_ftrace, KPROBE_FTRACE, "kprobe-ftrace");
PC_KP_MECH(kretprobe, pc_kp_ret, KRETPROBE, "kretprobe");
