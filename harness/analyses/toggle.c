// SPDX-License-Identifier: MIT
/*
 * Toggle cost: what switching a site's instrumentation on and off costs,
 * for every mechanism with a toggle op (mech.h), nothing armed before or
 * after each cycle.
 *
 *   toggle-enable    switching on: a static key's text_poke, a
 *                    tracepoint's probe registration, a kprobe's
 *                    registration (a uprobe's attach is its enabled
 *                    arm(), which the engine times: no toggle op)
 *   toggle-disable   switching off again
 *   optimize-delay   for a mechanism whose fast variant arrives later
 *                    (an optimized kprobe): registration until the first
 *                    hit through the jump, kernel clock
 *
 * The module's mechanisms time their switches in the kernel
 * (rdtsc_ordered() around the call: variant "kernel"); the others are
 * timed around the op in this process (variant "user"), syscalls
 * included. Toggles wait on RCU, the optimizer, membarriers: at most
 * MAX_REPEATS cycles give a median and its CI without doubling a run;
 * with --warmup, one cycle before them is dropped (the first attach
 * pays cold page tables, the first patch a cold text_poke path: ten
 * times the steady cost was seen). Figures are in the timer's wait
 * unit: under icount, virtual ns. The switch is into the enabled state,
 * so the analysis runs only when enabled is among the states asked for.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyses.h"
#include "errors.h"

#define MAX_REPEATS 11

int pc_toggle_run(struct pc_actx *c, const struct pc_mech *m)
{
	struct pc_engine *e = c->e;
	unsigned int reps = e->cfg.repeats < MAX_REPEATS ? e->cfg.repeats : MAX_REPEATS;
	unsigned int warm = e->cfg.warmup ? 1 : 0;
	double *on = calloc(reps, sizeof(double)), *off = calloc(reps, sizeof(double));
	double *settle = calloc(reps, sizeof(double));
	char on_note[300], off_note[300];
	struct pc_toggled t = { 0 };
	const char *variant;
	struct pc_drive d;
	size_t n = 0;
	int ret = PC_OK;

	if (!on || !off || !settle) {
		ret = PC_ERR_NOMEM;
		goto out;
	}
	if (!m->toggle || !(pc_engine_states(e, m) & PC_ST(PC_ENABLED)))
		goto out;
	ret = pc_engine_open(e, m, "toggle-enable", &d);
	if (ret != PC_OK) {
		ret = ret == PC_ERR_INTR ? ret : PC_OK;
		goto out;
	}
	for (unsigned int i = 0; ret == PC_OK && i < reps + warm; i++) {
		if (pc_drive_stopped(&e->mt)) {
			ret = PC_ERR_INTR;
			break;
		}
		pc_progress_at(c->prog, m->name, "toggle", (double)i / (reps + warm));
		ret = pc_drive_toggle(&d, &t);
		if (ret != PC_OK || i < warm)
			continue;
		on[n] = t.on;
		off[n] = t.off;
		settle[n] = t.settle_ns;
		n++;
	}
	variant = m->where == PC_WHERE_MODULE ? "kernel" : "user";
	if (ret == PC_OK && n) {
		snprintf(on_note, sizeof(on_note), "%sswitching on: %s",
			 m->where == PC_WHERE_MODULE ? "in-kernel, " : "", t.what ? t.what : "the toggle op");
		snprintf(off_note, sizeof(off_note), "%sswitching off: %s",
			 m->where == PC_WHERE_MODULE ? "in-kernel, " : "", t.what ? t.what : "the toggle op");
		pc_sink_series(&e->out, m, &(struct pc_series){
			.variant = variant, .state = "enabled", .metric = "toggle-enable",
			.unit = t.unit, .backend = t.backend, .v = on, .n = n,
			.hit_ratio = NAN, .note = on_note,
		});
		pc_sink_series(&e->out, m, &(struct pc_series){
			.variant = variant, .state = "enabled", .metric = "toggle-disable",
			.unit = t.unit, .backend = t.backend, .v = off, .n = n,
			.hit_ratio = NAN, .note = off_note,
		});
		if (!isnan(t.settle_ns))
			pc_sink_series(&e->out, m, &(struct pc_series){
				.variant = variant, .state = "enabled",
				.metric = "optimize-delay", .unit = "ns", .backend = "ktime",
				.v = settle, .n = n, .hit_ratio = NAN,
				.note = "register_kprobe until the first hit through the jump (kernel clock; virtual time in the guest; a probe re-registered before the old one is freed is reused already optimized)",
			});
	} else if (ret != PC_ERR_INTR) {
		pc_sink_note(&e->out, m, "enabled", "toggle-enable", pc_status_of(ret),
			     d.in.why[0] ? d.in.why : pc_strerror(ret));
		/* a toggle that fails fails the run, as a failed arm would */
		ret = ret == PC_ERR_UNSUPPORTED ? PC_OK : ret;
	}
	pc_drive_close(&d);
out:
	free(on);
	free(off);
	free(settle);
	return ret;
}
