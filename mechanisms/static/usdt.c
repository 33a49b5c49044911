// SPDX-License-Identifier: MIT
/*
 * `usdt`: a user statically defined tracepoint with a semaphore, as
 * <sys/sdt.h> (DTrace/SystemTap) builds them.
 *
 * The site holds a 1-byte nop recorded in an ELF note, and -- because
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

static PC_SITE void pcsite_usdt_absent(uint64_t x)
{
	PC_SITE_WORK(x);
}

PC_FIRE_LOOP(usdt_loop, pcsite_usdt)
PC_FIRE_LOOP(usdt_loop_absent, pcsite_usdt_absent)

static void usdt_call(void)
{
	pcsite_usdt(0);
}

/* exported (tracer_sites.h): the BPF entry fires the same site */
const struct pc_user_site pc_site_usdt = {
	.insn = "nop",
	.loop = usdt_loop,
	.loop_absent = usdt_loop_absent,
	.call = usdt_call,
};

struct usdt_priv {
	struct pc_usdt_note note;
	struct pc_uprobe u;
	enum pc_state state;
	unsigned char orig;
	char exec[96];
};

static int usdt_available(const struct pc_mech *m, char *why, size_t len)
{
	(void)m;
	return pc_uprobe_available(why, len);
}

static int usdt_setup_locked(struct pc_inst *in)
{
	struct usdt_priv *p = calloc(1, sizeof(*p));
	char fetch[32];
	int ret;

	if (!p)
		return PC_ERR_NOMEM;
	in->priv = p;
	ret = pc_usdt_note_find("probecost", "usdt", &p->note, in->why, sizeof(in->why));
	if (ret != PC_OK)
		return ret;
	if (p->note.semaphore != (uintptr_t)&probecost_usdt_semaphore)
		return pc_inst_fail(in, PC_ERR_VERIFY,
				    "usdt: the note's semaphore (%#lx) is not probecost_usdt_semaphore (%p)",
				    (unsigned long)p->note.semaphore,
				    (void *)&probecost_usdt_semaphore);
	if (pc_usdt_arg_fetch(p->note.args, 0, fetch, sizeof(fetch)) != PC_OK)
		return pc_inst_fail(in, PC_ERR_UNSUPPORTED,
				    "usdt: uprobes cannot fetch the note's argument \"%s\"",
				    p->note.args);
	p->orig = *(const volatile unsigned char *)p->note.pc;
	ret = pc_uprobe_init(&p->u, "usdt", (const void *)p->note.pc, false,
			     (const void *)p->note.semaphore, fetch, in->why, sizeof(in->why));
	if (ret != PC_OK)
		return ret;
	pc_uprobe_execution((const void *)p->note.pc, (const void *)p->note.semaphore,
			    usdt_call, false, p->exec, sizeof(p->exec));
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
	ret = pc_uprobe_arm(&p->u, st, in->opts->payload, in->why, sizeof(in->why));
	if (ret != PC_OK)
		return ret;
	/* the kernel, not us, must have raised the semaphore */
	if ((st == PC_ENABLED || st == PC_RECORDING || st == PC_FILTERED) &&
	    !__atomic_load_n(&probecost_usdt_semaphore, __ATOMIC_ACQUIRE))
		return pc_inst_fail(in, PC_ERR_VERIFY,
				    "usdt: probe attached but the kernel left the semaphore at 0 (ref_ctr_offset ignored?)");
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
	struct usdt_priv *p = in->priv;

	(void)out;
	if (p->state == PC_ABSENT)
		usdt_loop_absent(n);
	else
		usdt_loop(n);
	return PC_OK;
}

static int usdt_count(struct pc_inst *in, struct pc_fire *out)
{
	struct usdt_priv *p = in->priv;
	char why[200];
	int ret;

	if (p->state == PC_ABSENT || p->state == PC_DISABLED) {
		if (*(const volatile unsigned char *)p->note.pc != p->orig ||
		    __atomic_load_n(&probecost_usdt_semaphore, __ATOMIC_RELAXED))
			return pc_inst_fail(in, PC_ERR_VERIFY,
					    "usdt: breakpoint or raised semaphore while %s",
					    pc_state_name(p->state));
		out->hits = 0;
		return PC_OK;
	}
	ret = pc_uprobe_hits(&p->u, &out->hits, &out->lost, why, sizeof(why));
	if (ret != PC_OK)
		return pc_inst_fail(in, ret, "usdt: %s", why);
	return PC_OK;
}

static int usdt_variant(struct pc_inst *in, char *buf, size_t len)
{
	struct usdt_priv *p = in->priv;
	unsigned int sem = __atomic_load_n(&probecost_usdt_semaphore, __ATOMIC_ACQUIRE);

	switch (p->state) {
	case PC_ABSENT:
		snprintf(buf, len, "none");
		break;
	case PC_DISABLED:
		snprintf(buf, len, "semaphore=%u:nop", sem);
		break;
	case PC_FILTERED: {
		char filter[96];

		pc_uprobe_filter(&p->u, filter, sizeof(filter));
		snprintf(buf, len, "semaphore=%u:nop:%s:filter %s", sem, p->exec, filter);
		break;
	}
	default:
		snprintf(buf, len, "semaphore=%u:nop:%s", sem, p->exec);
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

const struct pc_mech pc_mech_usdt = {
	.name = "usdt",
	.summary = "<sys/sdt.h> probe with semaphore; uprobe with ref_ctr_offset",
	.family = PC_FAM_STATIC,
	.where = PC_WHERE_USER,
	.states = PC_ST_ALL | PC_ST(PC_FILTERED),
	.tracers = { [PC_ENABLED] = "perf", [PC_RECORDING] = "ftrace", [PC_FILTERED] = "ftrace" },
	.mt_why = PC_UPROBE_MT_WHY,
	.available = usdt_available,
	.setup = usdt_setup,
	.arm = usdt_arm,
	.disarm = usdt_disarm,
	.fire = usdt_fire,
	.count = usdt_count,
	.variant = usdt_variant,
	.teardown = usdt_teardown,
	.reap = pc_uprobe_reap,
};
