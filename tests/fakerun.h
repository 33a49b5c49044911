/* SPDX-License-Identifier: MIT */
/*
 * A run directory written from a table of overhead rows, for the unit
 * tests of what reads runs back (test_peers, test_summary). Fields left
 * NULL take the defaults: state enabled, tracer perf, where user, ns,
 * tsc; status ok, hit ratio 1, 21 repeats of 1000 events.
 */
#ifndef PC_TESTS_FAKERUN_H
#define PC_TESTS_FAKERUN_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "errors.h"
#include "ktap.h"
#include "results.h"

struct fake {
	const char *mech, *tracer, *where, *unit, *backend;
	double median, lo, hi;
	const char *state;
};

static inline const char *fake_or(const char *v, const char *dflt)
{
	return v ? v : dflt;
}

static inline int make_run(const char *dir, const struct fake *rows, size_t n)
{
	struct pc_results r;
	char err[256];

	if (pc_results_open(&r, "", dir, err, sizeof(err)) != PC_OK) {
		ktap_diag("%s", err);
		return -1;
	}
	pc_results_meta(&r, "run_id", "fake");
	for (size_t i = 0; i < n; i++) {
		struct pc_row row = {
			.mechanism = rows[i].mech, .family = "dynamic",
			.where = fake_or(rows[i].where, "user"), .variant = "v",
			.state = fake_or(rows[i].state, "enabled"),
			.tracer = fake_or(rows[i].tracer, "perf"),
			/* a count's row by its unit; every other row an overhead */
			.metric = rows[i].unit && !strcmp(rows[i].unit, "traps/event") ?
				  "traps" : "overhead",
			.unit = fake_or(rows[i].unit, "ns"), .backend = fake_or(rows[i].backend, "tsc"),
			.st = { .n = 21, .median = rows[i].median, .ci_lo = rows[i].lo,
				.ci_hi = rows[i].hi, .ci_level = 0.95, .p10 = rows[i].lo,
				.p90 = rows[i].hi, .min = rows[i].lo, .max = rows[i].hi },
			.events = 1000, .hit_ratio = 1, .status = "ok", .note = "",
		};

		pc_results_row(&r, &row);
	}
	return pc_results_close(&r, true, false) == PC_OK ? 0 : -1;
}

/* Remove the scratch directory @dir and what the test wrote in it. */
static inline void fake_remove(const char *dir)
{
	char cmd[4096 + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		ktap_diag("could not remove %s", dir);
}

#endif
