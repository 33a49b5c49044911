/* SPDX-License-Identifier: MIT */
/*
 * Reading a run directory back (results.csv, samples.csv, meta.csv) for
 * report, plot, compare and history.
 *
 * Loading is strict where a wrong file would otherwise produce a wrong
 * report: each file must be a CSV with the columns results.h writes, and
 * every numeric cell must parse. Any problem is one message of the form
 * "file:line: what was expected", and PC_ERR_INVAL (exit status 2).
 * Names (mechanisms, states, metrics, statuses) are taken as they are, so
 * rows from newer mechanisms or metrics pass through untouched.
 *
 * A row's identity is (mechanism, tracer, variant, state, metric, unit).
 * Run directories written before the tracer axis have no tracer column;
 * their rows get the tracer their variant names ("perf-count:..." perf,
 * "instance-ring:..." ftrace), "-" for absent, and "?" where the variant
 * does not say, and has_tracer is false so that compare can match them
 * on the other fields.
 */
#ifndef PC_RUNDIR_H
#define PC_RUNDIR_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "csvio.h"
#include "results.h"

struct pc_rrow {
	const char *mechanism, *tracer, *family, *where, *variant, *state;
	const char *metric, *unit, *backend, *status, *note;
	double median, ci_lo, ci_hi, p10, p90, min;	/* NaN: no value */
	double repeats, events, hit_ratio, lost, missed;
	size_t line;		/* in results.csv */
};

/* One line of samples.csv, as validated by the loader. */
struct pc_rsample {
	const char *mechanism, *tracer, *variant, *state, *metric, *unit, *backend;
	double repeat, events, value;	/* NaN: empty */
};

/* The raw repeats of one row key, sorted by repeat. */
struct pc_rsamples {
	const char *mechanism, *tracer, *variant, *state, *metric, *unit, *backend;
	double *v;
	size_t n;
};

struct pc_run {
	char dir[PATH_MAX];
	struct pc_table res, samp, meta;
	struct pc_rrow *rows;
	size_t nrows;
	struct pc_rsamples *keys;	/* sorted by key */
	size_t nkeys;
	bool have_samples;
	bool has_tracer;		/* results.csv has the tracer column */
};

#define PC_RUN_SAMPLES	(1u << 0)	/* read samples.csv too (compare) */

/*
 * pc_table_load() of a file probecost writes (run files, history.csv),
 * requiring every column of @cols but those added since files were first
 * written ("tracer"): older files lack them, and their cells read "".
 */
int pc_table_load_compat(const char *path, const char *const *cols,
			 struct pc_table *t, char *err, size_t len);

/*
 * Load the run in @dir: meta.csv and results.csv, and samples.csv with
 * PC_RUN_SAMPLES. On failure @err holds "file:line: ..." and the run is
 * left empty.
 */
int pc_run_load(const char *dir, unsigned int flags, struct pc_run *r,
		char *err, size_t len);
void pc_run_free(struct pc_run *r);

/*
 * pc_run_load() for a subcommand: on failure print "probecost CMD:
 * [WHAT: ]file:line: ..." and return its code (PC_ERR_INVAL, or
 * PC_ERR_NOMEM); PC_OK when loaded.
 */
int pc_run_load_cmd(const char *cmd, const char *what, const char *dir,
		    unsigned int flags, struct pc_run *r);
/*
 * For a subcommand whose one operand is a run directory: refuse a missing
 * or extra operand (naming @usage; PC_ERR_USAGE), else pc_run_load_cmd()
 * it.
 */
int pc_run_load_operand(const char *cmd, const char *usage, int argc,
			char **argv, int optind, struct pc_run *r);

/*
 * Why the run is not whole, or NULL if it ran to its end: interrupted
 * (an INTERRUPTED file, or meta status "interrupted"), or killed before
 * it could say (no status in meta.csv). A run whose mechanism failed ran
 * to its end: its other rows are whole.
 */
const char *pc_run_incomplete(const struct pc_run *r);

/* Value of a meta.csv key, or @dflt. */
const char *pc_run_meta(const struct pc_run *r, const char *key,
			const char *dflt);

/* Samples of a row key (unit and backend included), or NULL. */
const struct pc_rsamples *pc_run_samples(const struct pc_run *r,
					 const char *mech, const char *tracer,
					 const char *variant,
					 const char *state, const char *metric,
					 const char *unit);

/* First row with these fields (NULL fields match anything), or NULL. */
const struct pc_rrow *pc_run_find(const struct pc_run *r, const char *mech,
				  const char *tracer, const char *state,
				  const char *metric);

/* True for a row with figures (status ok or miscount and a median). */
bool pc_rrow_measured(const struct pc_rrow *row);

/*
 * @w as a row to write again (results.h), e.g. into another run; its
 * strings stay the loaded run's.
 */
void pc_rrow_row(const struct pc_rrow *w, struct pc_row *row);

/* Lines of samples.csv (PC_RUN_SAMPLES), in file order: 0 without it. */
size_t pc_run_nsamples(const struct pc_run *r);
/* The @i-th of them, @i < pc_run_nsamples(). */
void pc_run_sample_at(const struct pc_run *r, size_t i, struct pc_rsample *s);

#endif
