/* SPDX-License-Identifier: MIT */
/*
 * probecost.ko's sites for tracer entries (BPF, perf record), as
 * tracer_sites.h is for the user sites: the same site, fire loop and
 * variant check as the module's own mechanisms (module_mechs.c), with
 * the module's handler left unregistered, so that only the tracer
 * consumes the site's events.
 *
 * A tracer entry keeps an inner struct pc_inst on the primitive's table
 * (pc_mech_kprobe_int3 ...) and calls its setup, fire, variant, disarm
 * and teardown as they are; only arming goes through pc_modsite_arm():
 *
 *   absent     the module's absent: the uninstrumented twin runs
 *   disabled   the module's disabled: the site runs, nothing registered
 *   enabled,   the module's recording state with --payload: it registers
 *   recording  nothing of its own (kmod_kprobes.c, kmod_tracepoint.c),
 *              and sets the payload its pc_payload symbol and its trace
 *              events carry, which the tracer then records; for
 *              kprobe-int3 the kprobe optimizer is off, as for the
 *              primitive, so the tracer's kprobe stays an int3
 *
 * The tracer attaches its own kprobe (or trace event consumer) there;
 * pc_modsite_verify() then reads the kprobe variant back from
 * kprobes/list and fails unless it is the one the entry's name says
 * (for kprobe-optimized after waiting for the optimizer).
 * fire() is the module's self-timed run; its hits are 0 (no handler of
 * the module's ran), the tracer's count op says what the tracer saw.
 */
#ifndef PC_MODULE_SITE_H
#define PC_MODULE_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mech.h"

/* Why no entry on the module's sites runs in several threads at once. */
#define PC_MODSITE_MT_WHY \
	"probecost.ko runs one fire at a time: /dev/probecost admits one open (EBUSY) and its run loop is per device"

/*
 * Tracer entries on the module's sites are opt-in (PC_MECH_OPT_IN): the
 * guest's part of a default run (make run) measures the module's own
 * mechanisms; these would double it.
 */
#define PC_MODSITE_OPT_IN_WHY \
	"a tracer on probecost.ko's sites, in the guest: about 30 s more of a default run"

/* pc_modsite_arm(): also define a kprobe_events event on the kprobe site */
#define PC_MODSITE_KEVENT	(1u << 0)

struct pc_modsite {
	char func[32];		/* the site function, pcsite_<name> */
	uint32_t offset;	/* the kprobe's offset in it (0: the entry) */
	char kind;		/* 'p' kprobe, 'r' kretprobe, 0: the trace event */
	/*
	 * The tracefs event carrying the site's hits: the module's own trace
	 * event (kind 0), or the kprobe_events event PC_MODSITE_KEVENT
	 * defined; "" when none is defined.
	 */
	char group[64], event[64];
};

/* Is @m one of probecost.ko's mechanisms (module_mechs.c)? */
bool pc_modsite_is(const struct pc_mech *m);
/* Where the site of the set-up primitive @prim is, and its event. */
void pc_modsite_get(const struct pc_inst *prim, struct pc_modsite *out);
/* Arm @prim's site to @st with its own handler unregistered (above). */
int pc_modsite_arm(struct pc_inst *prim, enum pc_state st, unsigned int flags);
/*
 * After the tracer attached: the kprobe variant read back is @prim's;
 * for kprobe-optimized it then fires the site one event at a time until
 * the optimizer's jmp is in the text (module_mechs.c, wait_text()): the
 * tracer has seen those hits, and must drain them before the first fire.
 */
int pc_modsite_verify(struct pc_inst *prim);
/*
 * In the tracer's count op, once @out->hits is the tracer's: the traps
 * those hits took (struct pc_fire), from the text at the probe after the
 * fire (an int3: 1 + the probed instruction's step traps each; else 0).
 */
void pc_modsite_traps(const struct pc_inst *prim, struct pc_fire *out);
/*
 * The primitives' reap (a killed run's optimizer setting, instances and
 * kprobe events), for a tracer entry's table.
 */
int pc_modsite_reap(const struct pc_mech *m, char *report, size_t len);
/* The module's payload for @len bytes: what every record must carry. */
void pc_modsite_payload(uint32_t len, unsigned char *buf);

#endif
