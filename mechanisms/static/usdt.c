// SPDX-License-Identifier: MIT
/*
 * `usdt`, `usdt-nop5`, `usdt-nop10`: user statically defined tracepoints
 * with a semaphore, as <sys/sdt.h> (DTrace/SystemTap) builds them, one
 * generated family that differs only in the nop at the probe address.
 *
 * The site holds a nop recorded in an ELF note, and -- because
 * evaluating a probe's arguments can cost more than the probe -- it is
 * guarded by a test of a 16-bit semaphore in the .probes section:
 *
 *	if (probecost_usdt_semaphore)		// load + branch
 *		STAP_PROBE1(probecost, usdt, args);	// nop, args live
 *
 * disabled   semaphore 0: the load and a not-taken branch; the nop is
 *            not even reached.
 * enabled    a uprobe on the note's nop, attached with the semaphore's
 *            offset as ref_ctr_offset so the kernel itself raises the
 *            semaphore while the probe is attached (and lowers it after);
 *            counted by perf.
 * recording  the same probe as a tracefs uprobe event with
 *            "(ref_ctr_offset)", fetching the payload from wherever the
 *            note says the argument lives.
 *
 * The nop is the whole difference between the three, because it decides
 * how the kernel runs the probed instruction (uprobe.c has the model):
 *
 *   usdt        the 1-byte nop of <sys/sdt.h>: int3, emulated
 *   usdt-nop5   the 5-byte nop newer USDT headers emit so that the
 *               optimized uprobe (6.18+) can turn it into a call into the
 *               uprobe trampoline after the first hit
 *   usdt-nop10  the 10-byte nop of the later headers (the same prefix-
 *               clean bytes as uprobe-nop10: the kernel's own nop10 has a
 *               CS prefix that uprobes refuse)
 *
 * <sys/sdt.h> hard-wires its nop, so the wider sites write the same note
 * by hand (PC_USDT_NOTE below: the layout usdt_note.c reads), around the
 * nop they need. The variant reads back what the kernel does with it.
 *
 * The probe is found the way tracers find it: parsed from .note.stapsdt
 * of /proc/self/exe, never from a symbol.
 */
#define _SDT_HAS_SEMAPHORES 1

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sdt.h>

#include "errors.h"
#include "mech.h"
#include "site.h"
#include "tracer_sites.h"
#include "uprobe_attach.h"
#include "usdt_note.h"

/* the name <sys/sdt.h> expects for probecost:usdt */
__attribute__((section(".probes"), used, visibility("hidden")))
unsigned short probecost_usdt_semaphore;

static PC_SITE void pcsite_usdt(uint64_t x)
{
	PC_SITE_WORK(x);
	if (__builtin_expect(__atomic_load_n(&probecost_usdt_semaphore,
					     __ATOMIC_RELAXED), 0))
		STAP_PROBE1(probecost, usdt, pc_payload);
}

/*
 * A stapsdt note for probecost:@name, as <sys/sdt.h> writes it: the probe
 * address (label 990, on @nop), .stapsdt.base for prelink's fix-up, the
 * semaphore's address, provider, name and one argument, a pointer in the
 * register operand %[arg] ("8@%rdi").
 */
#define PC_USDT_NOTE(name, nop, sem)					\
	"990:\t" nop "\n"						\
	".pushsection .note.stapsdt,\"?\",\"note\"\n"			\
	".balign 4\n"							\
	".4byte 992f-991f, 994f-993f, 3\n"				\
	"991:\t.asciz \"stapsdt\"\n"					\
	"992:\t.balign 4\n"						\
	"993:\t.8byte 990b\n"						\
	".8byte _.stapsdt.base\n"					\
	".8byte " sem "\n"						\
	".asciz \"probecost\"\n"					\
	".asciz \"" name "\"\n"						\
	".asciz \"8@%[arg]\"\n"						\
	"994:\t.balign 4\n"						\
	".popsection\n"							\
	".ifndef _.stapsdt.base\n"					\
	".pushsection .stapsdt.base,\"aG\",\"progbits\",.stapsdt.base,comdat\n" \
	".weak _.stapsdt.base\n"						\
	".hidden _.stapsdt.base\n"					\
	"_.stapsdt.base: .space 1\n"					\
	".size _.stapsdt.base, 1\n"					\
	".popsection\n"							\
	".endif\n"

/* A wider-nop USDT site: its semaphore, the guarded note, the usual test. */
#define USDT_SITE(id, nop)						\
	__attribute__((section(".probes"), used, visibility("hidden")))	\
	unsigned short probecost_##id##_semaphore;			\
	static PC_SITE void pcsite_##id(uint64_t x)			\
	{								\
		PC_SITE_WORK(x);					\
		if (__builtin_expect(__atomic_load_n(&probecost_##id##_semaphore, \
						     __ATOMIC_RELAXED), 0)) \
			__asm__ __volatile__(PC_USDT_NOTE(#id, nop,	\
					     "probecost_" #id "_semaphore") \
					     : : [arg] "r" (pc_payload) : "memory"); \
	}

USDT_SITE(usdt_nop5, ".byte 0x0f, 0x1f, 0x44, 0x00, 0x00")
USDT_SITE(usdt_nop10, ".byte 0x66, 0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00")

/*
 * Per site: its twin (no instrumentation compiled in), fire loops, a
 * one-hit call, and the site's entry (exported in tracer_sites.h: the
 * tracer entries fire the same site).
 */
#define USDT_FAMILY(id, insn_)						\
	static PC_SITE void pcsite_##id##_absent(uint64_t x)		\
	{								\
		PC_SITE_WORK(x);					\
	}								\
	PC_FIRE_LOOP(id##_loop, pcsite_##id)				\
	PC_FIRE_LOOP(id##_loop_absent, pcsite_##id##_absent)		\
	static void id##_call(void)					\
	{								\
		pcsite_##id(0);						\
	}								\
	const struct pc_user_site pc_site_##id = {			\
		.insn = insn_,						\
		.probe = #id,						\
		.semaphore = &probecost_##id##_semaphore,		\
		.loop = id##_loop,					\
		.loop_absent = id##_loop_absent,			\
		.call = id##_call,					\
	};

USDT_FAMILY(usdt, "nop")
USDT_FAMILY(usdt_nop5, "nop5")
USDT_FAMILY(usdt_nop10, "nop10")

struct usdt_priv {
	struct pc_usdt_note note;
	struct pc_uprobe u;
	enum pc_state state;
	unsigned char orig;
	char exec[96];
};

static const struct pc_user_site *site_of(const struct pc_inst *in)
{
	return in->mech->data;
}

static unsigned int semaphore(const struct pc_user_site *v)
{
	return __atomic_load_n(v->semaphore, __ATOMIC_ACQUIRE);
}

static int usdt_available(const struct pc_mech *m, char *why, size_t len)
{
	(void)m;
	return pc_uprobe_available(why, len);
}

static int usdt_setup_locked(struct pc_inst *in)
{
	const struct pc_user_site *v = site_of(in);
	struct usdt_priv *p = calloc(1, sizeof(*p));
	char fetch[32];
	int ret;

	if (!p)
		return PC_ERR_NOMEM;
	in->priv = p;
	ret = pc_usdt_note_find("probecost", v->probe, &p->note, in->why, sizeof(in->why));
	if (ret != PC_OK)
		return ret;
	if (p->note.semaphore != (uintptr_t)v->semaphore)
		return pc_inst_fail(in, PC_ERR_VERIFY,
				    "%s: the note's semaphore (%#lx) is not probecost_%s_semaphore (%p)",
				    in->mech->name, (unsigned long)p->note.semaphore, v->probe,
				    (void *)v->semaphore);
	if (pc_usdt_arg_fetch(p->note.args, 0, fetch, sizeof(fetch)) != PC_OK)
		return pc_inst_fail(in, PC_ERR_UNSUPPORTED,
				    "%s: uprobes cannot fetch the note's argument \"%s\"",
				    in->mech->name, p->note.args);
	p->orig = *(const volatile unsigned char *)p->note.pc;
	ret = pc_uprobe_init(&p->u, in->mech->name, (const void *)p->note.pc, false,
			     (const void *)p->note.semaphore, fetch, in->why, sizeof(in->why));
	if (ret != PC_OK)
		return ret;
	pc_uprobe_execution((const void *)p->note.pc, (const void *)p->note.semaphore,
			    v->call, false, p->exec, sizeof(p->exec));
	return PC_OK;
}

static void usdt_teardown(struct pc_inst *in);

static int usdt_setup(struct pc_inst *in)
{
	int ret = pc_probe_lock(in->why, sizeof(in->why));

	if (ret != PC_OK)
		return ret;
	ret = usdt_setup_locked(in);
	if (ret != PC_OK)
		usdt_teardown(in);	/* the engine skips teardown after a failed setup */
	return ret;
}

static int usdt_arm(struct pc_inst *in, enum pc_state st)
{
	struct usdt_priv *p = in->priv;
	int ret;

	p->state = st;
	p->u.inherit = in->opts->threads;	/* scaling: count every thread */
	ret = pc_uprobe_arm(&p->u, st, in->opts->payload, in->why, sizeof(in->why));
	if (ret != PC_OK)
		return ret;
	/* the kernel, not us, must have raised the semaphore */
	if ((st == PC_ENABLED || st == PC_RECORDING || st == PC_FILTERED) &&
	    !semaphore(site_of(in)))
		return pc_inst_fail(in, PC_ERR_VERIFY,
				    "%s: probe attached but the kernel left the semaphore at 0 (ref_ctr_offset ignored?)",
				    in->mech->name);
	return PC_OK;
}

static int usdt_disarm(struct pc_inst *in)
{
	struct usdt_priv *p = in->priv;

	p->state = PC_ABSENT;
	return pc_uprobe_disarm(&p->u, in->why, sizeof(in->why));
}

static int usdt_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out)
{
	const struct pc_user_site *v = site_of(in);
	struct usdt_priv *p = in->priv;

	(void)out;
	if (p->state == PC_ABSENT)
		v->loop_absent(n);
	else
		v->loop(n);
	return PC_OK;
}

static int usdt_count(struct pc_inst *in, struct pc_fire *out)
{
	struct usdt_priv *p = in->priv;
	char why[200];
	int ret;

	if (p->state == PC_ABSENT || p->state == PC_DISABLED) {
		if (*(const volatile unsigned char *)p->note.pc != p->orig ||
		    semaphore(site_of(in)))
			return pc_inst_fail(in, PC_ERR_VERIFY,
					    "%s: breakpoint or raised semaphore while %s",
					    in->mech->name, pc_state_name(p->state));
		out->hits = 0;
		return PC_OK;
	}
	ret = pc_uprobe_hits(&p->u, &out->hits, &out->lost, why, sizeof(why));
	if (ret != PC_OK)
		return pc_inst_fail(in, ret, "%s: %s", in->mech->name, why);
	return PC_OK;
}

static int usdt_variant(struct pc_inst *in, char *buf, size_t len)
{
	const struct pc_user_site *v = site_of(in);
	struct usdt_priv *p = in->priv;
	unsigned int sem = semaphore(v);

	switch (p->state) {
	case PC_ABSENT:
		snprintf(buf, len, "none");
		break;
	case PC_DISABLED:
		snprintf(buf, len, "semaphore=%u:%s", sem, v->insn);
		break;
	case PC_FILTERED: {
		char filter[96];

		pc_uprobe_filter(&p->u, filter, sizeof(filter));
		snprintf(buf, len, "semaphore=%u:%s:%s:filter %s", sem, v->insn, p->exec, filter);
		break;
	}
	default:
		snprintf(buf, len, "semaphore=%u:%s:%s", sem, v->insn, p->exec);
		break;
	}
	return PC_OK;
}

static void usdt_teardown(struct pc_inst *in)
{
	struct usdt_priv *p = in->priv;

	if (p) {
		pc_uprobe_fini(&p->u);
		free(p);
		in->priv = NULL;
	}
	pc_probe_unlock();
}

#define USDT_MECH(id, name_, summary_)					\
	const struct pc_mech pc_mech_##id = {				\
		.name = name_,						\
		.summary = summary_,					\
		.family = PC_FAM_STATIC,				\
		.where = PC_WHERE_USER,					\
		.states = PC_ST_ALL | PC_ST(PC_FILTERED),		\
		.tracers = { [PC_ENABLED] = "perf", [PC_RECORDING] = "ftrace", \
			     [PC_FILTERED] = "ftrace" },			\
		.flags = PC_MECH_MT | PC_MECH_GRACE,			\
		.mt_hits = PC_UPROBE_MT_HITS,				\
		.data = &pc_site_##id,					\
		.available = usdt_available,				\
		.setup = usdt_setup,					\
		.arm = usdt_arm,					\
		.disarm = usdt_disarm,					\
		.fire = usdt_fire,					\
		.count = usdt_count,					\
		.variant = usdt_variant,				\
		.teardown = usdt_teardown,				\
		.reap = pc_uprobe_reap,					\
	}

USDT_MECH(usdt, "usdt", "<sys/sdt.h> probe with semaphore; uprobe with ref_ctr_offset");
USDT_MECH(usdt_nop5, "usdt-nop5",
	  "USDT probe on a 5-byte nop, with semaphore (optimizable into a call)");
USDT_MECH(usdt_nop10, "usdt-nop10",
	  "USDT probe on a 10-byte nop, with semaphore (the variant says how it runs)");
