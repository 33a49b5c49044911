/* SPDX-License-Identifier: MIT */
/*
 * A run's output directory: results.csv (tidy summary rows), samples.csv
 * (raw per-repeat values) and meta.csv (key,value facts about the run).
 *
 * Files grow as rows complete (as *.part) and are renamed into place by
 * pc_results_close(); then <root>/latest is pointed at the run if it is
 * whole (not interrupted). The column
 * lists are part of the file format that report/compare read back.
 */
#ifndef PC_RESULTS_H
#define PC_RESULTS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "csvio.h"
#include "stats.h"

/*
 * The columns, NULL-terminated. "tracer" (the tool consuming a row's
 * events) came with the tracer axis: run directories written before it
 * lack the column and still load (rundir.h says what their tracer is).
 */
extern const char *const pc_results_cols[];
extern const char *const pc_samples_cols[];
extern const char *const pc_meta_cols[];

struct pc_row {
	const char *mechanism, *family, *where, *variant, *state;
	const char *tracer;		/* consumer of the events (mech.h); NULL: "-" */
	const char *metric, *unit, *backend;
	struct pc_stats st;		/* n == 0: no figures (unsupported) */
	uint64_t events;		/* N of the N/2N pair */
	double hit_ratio;		/* hits / events fired, NaN if unknown */
	uint64_t lost, missed;
	const char *status;		/* ok, unsupported, failed, unverified */
	const char *note;
};

struct pc_results {
	char run_id[64];
	char dir[PATH_MAX];
	char root[PATH_MAX];		/* parent holding "latest", or "" */
	struct pc_csvw res, samp, meta;
	uint64_t rows, samples;
};

/*
 * Create the run directory: @out exactly when given, else
 * <@root>/<run-id>. Fails before any measuring when it cannot be written,
 * or (PC_ERR_USAGE) when it already holds a run's results.csv,
 * samples.csv or meta.csv, whole or partial, with the reason in @err.
 */
int pc_results_open(struct pc_results *r, const char *root, const char *out,
		    char *err, size_t len);
int pc_results_row(struct pc_results *r, const struct pc_row *row);
int pc_results_sample(struct pc_results *r, const char *mech,
		      const char *tracer, const char *variant, const char *state, unsigned int repeat,
		      const char *metric, const char *unit, const char *backend,
		      uint64_t events, double value);
int pc_results_meta(struct pc_results *r, const char *key, const char *value);
/*
 * Rename the files into place (@commit) and, for a run that ran to its
 * end (@latest), point <root>/latest at it.
 */
int pc_results_close(struct pc_results *r, bool commit, bool latest);

#endif
