/* SPDX-License-Identifier: MIT */
/*
 * Analyses: measurements `probecost run` makes on a mechanism after the
 * main N/2N measurement, each in its own file. Each drives the mechanism
 * through drive.h -- the engine's own arming, timing, calibration and
 * disturbance rules -- and writes rows (with metric names of its own)
 * and raw samples through the run's sink into the same results.csv and
 * samples.csv.
 *
 *   disabled   disabled-probe overhead as a result of its own: absent,
 *              disabled, absent' interleaved (twice the repeats of the
 *              main run, N calibrated on the disabled site), tested
 *              against the noise floor; exact instruction deltas when a
 *              PMU counts instructions (or the timer is icount).
 *              disabled.c
 *   footprint  bytes the instrumentation adds at the site and out of
 *              line, from the ELF symbol table. footprint.c
 *   victim     cache impact without counters: a pointer-chasing walk
 *              over an L1d- and an L2-sized working set, k probe hits
 *              between walks; the walk's slowdown per probe hit. It
 *              rides in the engine's slots (pc_analyses_ride) rather
 *              than arming each state again. victim.c; the walk
 *              itself, victim_walk.c (victim.h)
 *   victim-llc the same over an LLC-sized set: slow (a walk over most
 *              of the LLC per pass), so asked for explicitly.
 *   scaling    1..all PUs firing the same armed probe at once, one
 *              thread per core first, then SMT siblings: per-event cost
 *              and aggregate M events/s. scaling.c
 *   toggle     what switching the instrumentation on and off costs, for
 *              every mechanism with a toggle op (in-kernel for the
 *              module's, around the op for the others). toggle.c
 *   armed      the enabled overhead with K other probes of the same kind
 *              armed on sites that never run, per K of --armed (default
 *              0,10,100,1000), for every mechanism with an others op.
 *              armed.c
 *
 * Cache misses per event with a PMU need no analysis of their own: they
 * are the engine's <event> and <event>-overhead rows.
 *
 * disabled and footprint measure the bare site: a tracer entry on a
 * primitive's site (its name found first as the primitive) shares them
 * with the primitive and does not repeat them.
 */
#ifndef PC_ANALYSES_H
#define PC_ANALYSES_H

#include <stdbool.h>
#include <stddef.h>

#include "engine.h"
#include "progress.h"
#include "topo.h"

enum pc_analysis {
	PC_AN_DISABLED,
	PC_AN_FOOTPRINT,
	PC_AN_VICTIM,
	PC_AN_VICTIM_LLC,
	PC_AN_SCALING,
	PC_AN_TOGGLE,
	PC_AN_ARMED,
	PC_NR_ANALYSES
};

#define PC_AN(a)	(1u << (a))
#define PC_AN_ALL	(PC_AN(PC_NR_ANALYSES) - 1)
/* --quick: the cheap ones; the rest on request */
#define PC_AN_QUICK	(PC_AN(PC_AN_DISABLED) | PC_AN(PC_AN_FOOTPRINT) | PC_AN(PC_AN_TOGGLE))
/*
 * A full run's default leaves out victim-llc (tens of seconds per
 * mechanism) and scaling: on a small VM its few thread counts are noise
 * (2 PUs: t1, t2 with CIs wider than the effect), and it needs every PU,
 * so with it the guest could not boot beside the host measurement.
 */
#define PC_AN_FULL	(PC_AN_ALL & ~PC_AN(PC_AN_VICTIM_LLC) & ~PC_AN(PC_AN_SCALING) & \
			 ~PC_AN(PC_AN_ARMED))
/* in the guest, where one vCPU cannot scale and TCG has no caches to victimise */
#define PC_AN_GUEST	(PC_AN(PC_AN_DISABLED) | PC_AN(PC_AN_FOOTPRINT) | PC_AN(PC_AN_TOGGLE))

/* For run --help: the list syntax and names, one per line. */
extern const char pc_analyses_help[];

struct pc_victim_ride;

/* What an analysis gets from the run. */
struct pc_actx {
	struct pc_engine *e;	/* cfg, meter (timer, counters, N, stop), sink */
	struct pc_topo *topo;
	struct pc_progress *prog;
	bool quick;
	/* armed: the K values (--armed), in the order given */
	unsigned int armed[16];
	size_t narmed;
	/* victim: riding in the engine's slots of the mechanism under way */
	struct pc_victim_ride *victim;
};

/* --armed's default: no other probe, then ten, a hundred, a thousand. */
extern const unsigned int pc_armed_default[4];

/*
 * Parse "disabled,victim", "all", "none", "cache" (= footprint,victim)
 * or "default"; prints the usage error naming the option.
 */
int pc_analyses_parse(const char *cmd, const char *list, unsigned int *mask);
void pc_analyses_names(unsigned int mask, char *buf, size_t len);
/* Progress units an analysis set will take for @m. */
double pc_analyses_units(const struct pc_mech *m, unsigned int mask);
/* True for the metric a row of an analysis is summarised by on screen. */
bool pc_analysis_headline(const char *metric);

/*
 * The analyses in @mask that ride along in the engine's slots of @m
 * (victim: each state is armed there anyway): @r set for
 * pc_engine_run_with(), r->slot NULL when none rides. Their rows come
 * from pc_analyses_run(); pc_analyses_unride() frees what they keep when
 * it is not called (the engine stopped). PC_ERR_NOMEM.
 */
int pc_analyses_ride(struct pc_actx *c, const struct pc_mech *m,
		     unsigned int mask, struct pc_rider *r);
void pc_analyses_unride(struct pc_actx *c);

/* Run the analyses in @mask on @m; PC_ERR_INTR when stopped. */
int pc_analyses_run(struct pc_actx *c, const struct pc_mech *m,
		    unsigned int mask);

/* ---- one per analysis file ---- */

int pc_disabled_run(struct pc_actx *c, const struct pc_mech *m);
int pc_footprint_run(struct pc_actx *c, const struct pc_mech *m);
int pc_victim_run(struct pc_actx *c, const struct pc_mech *m, bool llc);
int pc_victim_ride(struct pc_actx *c, const struct pc_mech *m, struct pc_rider *r);
void pc_victim_unride(struct pc_actx *c);
int pc_scaling_run(struct pc_actx *c, const struct pc_mech *m);
int pc_toggle_run(struct pc_actx *c, const struct pc_mech *m);
int pc_armed_run(struct pc_actx *c, const struct pc_mech *m);

#endif
