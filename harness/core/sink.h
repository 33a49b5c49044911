/* SPDX-License-Identifier: MIT */
/*
 * Where rows go: results.csv and samples.csv of the run (results.c) and a
 * callback that prints them. The engine, the analyses and the guest merge
 * all write through it, so a row is shaped one way.
 *
 * Rows that do not belong to one state (footprint, "cannot run here")
 * carry the state "-".
 */
#ifndef PC_SINK_H
#define PC_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "mech.h"
#include "results.h"

struct pc_sink {
	struct pc_results *res;		/* NULL: rows go to on_row alone */
	const char *where;		/* overrides a module or kernel mechanism's (e.g. "guest"), or NULL */
	/* called for every row written, e.g. to print the human table */
	void (*on_row)(const struct pc_row *row, void *arg);
	void *arg;
};

/* A row summarising raw values @v[0..n-1] (stats.c), and the values as samples. */
struct pc_series {
	const char *variant, *state, *metric, *unit, *backend;
	const double *v;
	size_t n;
	uint64_t events;
	double hit_ratio;	/* NaN when unknown */
	uint64_t lost, missed;
	const char *status;	/* NULL: "ok" */
	const char *note;
};

/* Where @m ran in this run: its pc_where name, or the override. */
const char *pc_sink_where(const struct pc_sink *s, const struct pc_mech *m);

/* One row to results.csv and on_row. */
void pc_sink_row(struct pc_sink *s, const struct pc_row *row);
/* The tracer column of @m's rows in @state (a state name or "-"). */
const char *pc_sink_tracer(const struct pc_mech *m, const char *state);

/* One raw value to samples.csv (nothing without a results directory). */
void pc_sink_sample(struct pc_sink *s, const char *mech, const char *tracer,
		    const char *variant,
		    const char *state, unsigned int repeat, const char *metric,
		    const char *unit, const char *backend, uint64_t events,
		    double value);

/*
 * The row of @a's values and their samples; a series with no valid value
 * becomes a "failed" row saying so.
 */
void pc_sink_series(struct pc_sink *s, const struct pc_mech *m,
		    const struct pc_series *a);

/* A row of @metric in @state without figures: @status and why. */
void pc_sink_note(struct pc_sink *s, const struct pc_mech *m, const char *state,
		  const char *metric, const char *status, const char *why);

/*
 * The "overhead" rows without figures, one per state in @states, that
 * say why a mechanism or state was not measured.
 */
void pc_sink_status(struct pc_sink *s, const struct pc_mech *m,
		    unsigned int states, const char *status, const char *why);

#endif
