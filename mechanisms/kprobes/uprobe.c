// SPDX-License-Identifier: MIT
/*
 * `uprobe-nop`, `uprobe-nop5`, `uprobe-nop10`, `uprobe-push`, `uprobe-ret`,
 * `uretprobe`: dynamic probes on user code, one generated family.
 *
 * A uprobe replaces the first byte of the probed instruction with int3;
 * each hit traps into the kernel, runs the consumers, then has to execute
 * the displaced instruction somehow -- and that is where the instruction
 * class shows in the cost (as in the BPF selftests' trigger benchmarks,
 * whose targets these mirror):
 *
 *   nop, push   emulated in the kernel: one trap, no return to user
 *               space until done;
 *   ret         not emulated: single-stepped out of line in the [uprobes]
 *               XOL page, which costs a second trap (the debug exception);
 *   nop5        on kernels with uprobe optimization (6.18+) the int3 is
 *               replaced, after the first hit, by a call into an
 *               [uprobes-trampoline] page that enters the kernel by the
 *               uprobe syscall: no trap at all;
 *   nop10       the 10-byte nop newer USDT headers emit for the optimized-
 *               uprobe work. The kernel emulates a nop only when its bytes
 *               are its own nop of that length (x86_nops[len]), and 6.18
 *               optimizes only nop5, so a nop10 is single-stepped out of
 *               line there: two traps, as ret. Its bytes are 66 66 0f 1f
 *               84 00 00 00 00 00 (data16 nopw), because the kernel's own
 *               nop10 (and gas's .nops 10), 66 2e 0f 1f 84 ..., carries a
 *               CS segment prefix, which uprobes refuse outright (ENOTSUPP
 *               at attach, measured on 6.18): a probe on it measures
 *               nothing;
 *   uretprobe   an entry int3 that swaps the return address for a
 *               trampoline, which re-enters the kernel on return.
 *
 * Which of these the kernel really does is read back at setup (see
 * pc_uprobe_execution()) and shown in the variant, never assumed.
 *
 * The sites are written in assembly so that their first instruction is
 * exactly the one named; each takes the payload address in %rdi (where
 * the recording probe fetches it from). The store every site does
 * (PC_SITE_WORK) is in the loop, because the ret site has no room for it.
 * A dynamic probe needs nothing compiled in, so the absent twin is the
 * same code: absent and disabled differ only in that the disabled probe
 * is defined in uprobe_events (and must cost nothing).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "mech.h"
#include "site.h"
#include "tracer_sites.h"
#include "uprobe_attach.h"
#include "uprobe_others.h"

#define UP_ASM_FN(sym, body)					\
	".p2align 4\n"						\
	".globl " sym "\n"					\
	".type " sym ", @function\n"				\
	sym ":\n" body "\n"					\
	".size " sym ", . - " sym "\n"

/* A site, its absent twin, their fire loops and a one-hit call. */
#define UP_SITE(id, body)						\
	__asm__(".pushsection .text\n"					\
		UP_ASM_FN("pcsite_" #id, body)				\
		UP_ASM_FN("pcsite_" #id "_absent", body)		\
		".popsection\n");					\
	void pcsite_##id(const void *payload);				\
	void pcsite_##id##_absent(const void *payload);			\
	static PC_SITE void up_loop_##id(uint64_t n)			\
	{								\
		for (uint64_t i = 0; i < n; i++) {			\
			pcsite_##id(pc_payload);			\
			PC_SITE_WORK(i);				\
		}							\
	}								\
	static PC_SITE void up_loop_##id##_absent(uint64_t n)		\
	{								\
		for (uint64_t i = 0; i < n; i++) {			\
			pcsite_##id##_absent(pc_payload);		\
			PC_SITE_WORK(i);				\
		}							\
	}								\
	static void up_call_##id(void)					\
	{								\
		pcsite_##id(pc_payload);				\
	}

UP_SITE(uprobe_nop, "nop\n ret")
UP_SITE(uprobe_nop5, ".byte 0x0f, 0x1f, 0x44, 0x00, 0x00\n ret")
UP_SITE(uprobe_nop10, ".byte 0x66, 0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00\n ret")
UP_SITE(uprobe_push, "push %rbp\n pop %rbp\n ret")
UP_SITE(uprobe_ret, "ret")
UP_SITE(uretprobe, "nop\n ret")

struct up_priv {
	struct pc_uprobe u;
	enum pc_state state;
	unsigned char orig;		/* first byte of the site, unprobed */
	char exec[96];			/* how the kernel runs it, read back */
	struct pc_uprobe_others others;	/* the armed analysis's K probes */
};

static const struct pc_user_site *variant_of(const struct pc_inst *in)
{
	return in->mech->data;
}

static int up_available(const struct pc_mech *m, char *why, size_t len)
{
	(void)m;
	return pc_uprobe_available(why, len);
}

static int up_setup_locked(struct pc_inst *in)
{
	const struct pc_user_site *v = variant_of(in);
	struct up_priv *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return PC_ERR_NOMEM;
	in->priv = p;
	p->orig = *(const volatile unsigned char *)v->site;
	ret = pc_uprobe_init(&p->u, in->mech->name, v->site, v->ret, NULL,
			     "%di", in->why, sizeof(in->why));
	if (ret != PC_OK)
		return ret;
	pc_uprobe_execution(v->site, NULL, v->call, v->ret, p->exec,
			    sizeof(p->exec));
	return PC_OK;
}

static void up_teardown(struct pc_inst *in);

static int up_setup(struct pc_inst *in)
{
	int ret = pc_probe_lock(in->why, sizeof(in->why));

	if (ret != PC_OK)
		return ret;
	ret = up_setup_locked(in);
	if (ret != PC_OK)
		up_teardown(in);	/* the engine skips teardown after a failed setup */
	return ret;
}

static int up_arm(struct pc_inst *in, enum pc_state st)
{
	struct up_priv *p = in->priv;

	p->state = st;
	p->u.inherit = in->opts->threads;	/* scaling: count every thread */
	return pc_uprobe_arm(&p->u, st, in->opts->payload, in->why, sizeof(in->why));
}

static int up_disarm(struct pc_inst *in)
{
	struct up_priv *p = in->priv;

	p->state = PC_ABSENT;
	return pc_uprobe_disarm(&p->u, in->why, sizeof(in->why));
}

static int up_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out)
{
	const struct pc_user_site *v = variant_of(in);
	struct up_priv *p = in->priv;

	(void)out;
	if (p->state == PC_ABSENT)
		v->loop_absent(n);
	else
		v->loop(n);
	return PC_OK;
}

static int up_count(struct pc_inst *in, struct pc_fire *out)
{
	const struct pc_user_site *v = variant_of(in);
	struct up_priv *p = in->priv;
	char why[200];
	int ret;

	if (p->state == PC_ABSENT || p->state == PC_DISABLED) {
		/* nothing counts here; what proves "no hits" is an intact site */
		if (*(const volatile unsigned char *)v->site != p->orig)
			return pc_inst_fail(in, PC_ERR_VERIFY,
					    "%s: a breakpoint is in the site although the probe is %s",
					    in->mech->name, pc_state_name(p->state));
		out->hits = 0;
		return PC_OK;
	}
	ret = pc_uprobe_hits(&p->u, &out->hits, &out->lost, why, sizeof(why));
	if (ret != PC_OK)
		return pc_inst_fail(in, ret, "%s: %s", in->mech->name, why);
	return PC_OK;
}

static int up_variant(struct pc_inst *in, char *buf, size_t len)
{
	const struct pc_user_site *v = variant_of(in);
	struct up_priv *p = in->priv;

	switch (p->state) {
	case PC_ABSENT:
		snprintf(buf, len, "%s", v->insn);
		break;
	case PC_DISABLED:
		snprintf(buf, len, "%s:defined-not-attached", v->insn);
		break;
	case PC_FILTERED: {
		char filter[96];

		pc_uprobe_filter(&p->u, filter, sizeof(filter));
		snprintf(buf, len, "%s:%s:filter %s", v->insn, p->exec, filter);
		break;
	}
	default:
		snprintf(buf, len, "%s:%s", v->insn, p->exec);
		break;
	}
	return PC_OK;
}

/*
 * Toggle: attaching the counting perf event writes the int3 into the
 * text (uprobe_register), closing it takes it out again: what perf, BPF
 * or a tracer pays per attach and detach of a uprobe.
 */
static int up_others(struct pc_inst *in, unsigned int k, char *what, size_t len)
{
	struct up_priv *p = in->priv;

	return pc_uprobe_others_set(&p->others, k, what, len, in->why, sizeof(in->why));
}

static void up_teardown(struct pc_inst *in)
{
	struct up_priv *p = in->priv;

	if (p) {
		char what[8], why[8];

		pc_uprobe_others_set(&p->others, 0, what, sizeof(what), why, sizeof(why));
		pc_uprobe_fini(&p->u);
		free(p);
		in->priv = NULL;
	}
	pc_probe_unlock();
}

/* exported (tracer_sites.h): the BPF entries fire the same sites */
#define UP_VARIANT(id, insn_, ret_)					\
	const struct pc_user_site pc_site_##id = {			\
		.insn = insn_,						\
		.site = (const void *)pcsite_##id,			\
		.loop = up_loop_##id,					\
		.loop_absent = up_loop_##id##_absent,			\
		.call = up_call_##id,					\
		.ret = ret_,						\
	}

#define UP_MECH(id, name_, summary_)					\
	const struct pc_mech pc_mech_##id = {				\
		.name = name_,						\
		.summary = summary_,					\
		.family = PC_FAM_DYNAMIC,				\
		.where = PC_WHERE_USER,					\
		.states = PC_ST_ALL | PC_ST(PC_FILTERED),		\
		.flags = PC_MECH_MT | PC_MECH_GRACE,			\
		.mt_hits = PC_UPROBE_MT_HITS,				\
		.data = &pc_site_##id,					\
		.tracers = { [PC_ENABLED] = "perf", [PC_RECORDING] = "ftrace",	\
			     [PC_FILTERED] = "ftrace" },			\
		.available = up_available,				\
		.setup = up_setup,					\
		.arm = up_arm,						\
		.disarm = up_disarm,					\
		.fire = up_fire,					\
		.count = up_count,					\
		.variant = up_variant,					\
		.others = up_others,					\
		.teardown = up_teardown,				\
		.reap = pc_uprobe_reap,					\
	}

UP_VARIANT(uprobe_nop, "nop", false);
UP_VARIANT(uprobe_nop5, "nop5", false);
UP_VARIANT(uprobe_nop10, "nop10", false);
UP_VARIANT(uprobe_push, "push", false);
UP_VARIANT(uprobe_ret, "ret", false);
UP_VARIANT(uretprobe, "nop", true);

UP_MECH(uprobe_nop, "uprobe-nop", "uprobe on a 1-byte nop (emulated by the kernel)");
UP_MECH(uprobe_nop5, "uprobe-nop5", "uprobe on a 5-byte nop (optimizable into a call)");
UP_MECH(uprobe_nop10, "uprobe-nop10", "uprobe on a 10-byte nop (the newer USDT nop; the variant says how it runs)");
UP_MECH(uprobe_push, "uprobe-push", "uprobe on push %rbp (emulated by the kernel)");
UP_MECH(uprobe_ret, "uprobe-ret", "uprobe on ret (single-stepped out of line)");
UP_MECH(uretprobe, "uretprobe", "return probe via the kernel's return trampoline");
