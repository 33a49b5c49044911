/* SPDX-License-Identifier: MIT */
/*
 * The probecost.ko mechanisms (harness/modmech.c): one generated
 * `struct pc_mech` per line of PROBECOST_MECHS, named pc_mech_<sym>.
 */
#ifndef PC_MODULE_MECHS_H
#define PC_MODULE_MECHS_H

#include <stdbool.h>

#include "engine.h"
#include "mech.h"

/* The run's timer, so the module's TSC ticks can be given in its unit. */
void pc_modmech_use_timer(const struct pc_timer *t);

/* Is @m one of the module's mechanisms? */
bool pc_modmech_is(const struct pc_mech *m);

/*
 * Measure the in-kernel toggle costs of @m (cfg.repeats times, at most 11) and write
 * them as rows: toggle-enable, toggle-disable, and for kprobe-optimized
 * optimize-delay. Unavailable: nothing is written (the engine's rows
 * already say why).
 */
int pc_modmech_toggle_rows(struct pc_engine *e, const struct pc_mech *m);

#endif
