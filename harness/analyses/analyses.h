/* SPDX-License-Identifier: MIT */
/*
 * Analyses: measurements `probecost run` makes on a mechanism after the
 * main N/2N measurement, each in its own file, each driving the
 * mechanism's ops directly and writing rows (with new metric names) and
 * raw samples into the same results.csv and samples.csv.
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
 *              between walks; the walk's slowdown per probe hit.
 *              victim.c
 *   victim-llc the same over an LLC-sized set: slow (a walk over most
 *              of the LLC per pass), so asked for explicitly.
 *   scaling    1..all PUs firing the same armed probe at once, one
 *              thread per core first, then SMT siblings: per-event cost
 *              and aggregate M events/s. scaling.c
 *
 * What needs no analysis of its own: cache misses per event with a PMU
 * (the engine's <event> and <event>-overhead rows) and the toggle cost
 * (its arm-latency and disarm-latency rows); report shows both.
 *
 * Rows that do not belong to one state (footprint, "cannot run here")
 * carry the state "-".
 */
#ifndef PC_ANALYSES_H
#define PC_ANALYSES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "progress.h"
#include "topo.h"

enum pc_analysis {
	PC_AN_DISABLED,
	PC_AN_FOOTPRINT,
	PC_AN_VICTIM,
	PC_AN_VICTIM_LLC,
	PC_AN_SCALING,
	PC_NR_ANALYSES
};

#define PC_AN(a)	(1u << (a))
#define PC_AN_ALL	(PC_AN(PC_NR_ANALYSES) - 1)
/* --quick: the cheap ones; the rest on request */
#define PC_AN_QUICK	(PC_AN(PC_AN_DISABLED) | PC_AN(PC_AN_FOOTPRINT))
#define PC_AN_FULL	(PC_AN_ALL & ~PC_AN(PC_AN_VICTIM_LLC))

/* For run --help: the list syntax and names, one per line. */
extern const char pc_analyses_help[];

/* What an analysis gets from the run. */
struct pc_actx {
	struct pc_engine *e;	/* timer, counters, results, stop flag, cfg */
	struct pc_topo *topo;
	struct pc_progress *prog;
	bool quick;
};

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

/* Run the analyses in @mask on @m; PC_ERR_INTR when stopped. */
int pc_analyses_run(struct pc_actx *c, const struct pc_mech *m,
		    unsigned int mask);

/* ---- for the analysis files ---- */

int pc_disabled_run(struct pc_actx *c, const struct pc_mech *m);
int pc_footprint_run(struct pc_actx *c, const struct pc_mech *m);
int pc_victim_run(struct pc_actx *c, const struct pc_mech *m, bool llc);
int pc_scaling_run(struct pc_actx *c, const struct pc_mech *m);

/* A row for @m: stats of @v[0..n-1] plus one sample per value. */
struct pc_arow {
	const char *variant, *state, *metric, *unit, *backend;
	const double *v;
	size_t n;
	uint64_t events;
	double hit_ratio;	/* NaN when unknown */
	const char *status;	/* NULL: "ok" */
	const char *note;
};
void pc_analysis_emit(struct pc_actx *c, const struct pc_mech *m,
		      const struct pc_arow *a);
/* A row saying the analysis @metric could not run on @m, and why. */
void pc_analysis_status(struct pc_actx *c, const struct pc_mech *m,
			const char *state, const char *metric,
			const char *status, const char *why);

/*
 * A live instance for an analysis: available() and setup() checked,
 * errors turned into a status row for @metric. PC_OK, or the code
 * after the row was written (PC_ERR_UNSUPPORTED: nothing to do).
 */
int pc_an_open(struct pc_actx *c, const struct pc_mech *m, const char *metric,
	       struct pc_inst *in);
void pc_an_close(struct pc_inst *in);
/* arm() that disarms again when arming failed half-way. */
int pc_an_arm(struct pc_inst *in, enum pc_state st);
/* Variant read back from the armed instance, "default" when none. */
void pc_an_variant(struct pc_inst *in, char *buf, size_t len);
/*
 * One fire(n), timed: returns PC_OK and the duration in timer units (the
 * mechanism's own timing when it is self-timed) and the hits.
 */
int pc_an_timed_fire(const struct pc_engine *e, struct pc_inst *in,
		     uint64_t n, double *dur, struct pc_fire *f);
/* N with fire(N) lasting about e->cfg.target in state @st. */
int pc_an_calibrate(const struct pc_engine *e, struct pc_inst *in,
		    enum pc_state st, uint64_t *n);
/* Whether the engine was asked to measure state @st of @m. */
bool pc_an_wants(const struct pc_actx *c, const struct pc_mech *m,
		 enum pc_state st);
bool pc_an_stopped(const struct pc_actx *c);

#endif
