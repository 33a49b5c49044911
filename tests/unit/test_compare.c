// SPDX-License-Identifier: MIT
/*
 * `probecost compare` on generated runs with known truth (fixed seeds):
 *
 *   - 200 rows drawn twice from the same distributions: no regression,
 *     exit 0, every KTAP line ok;
 *   - 40 rows, 20 of them shifted 20% for the worse (cost up, a rate
 *     down): with --gate all exactly those 20 are "not ok", exit 1; a
 *     +20% rate (better) is an improvement, not a regression; a +5%
 *     shift is not beyond the 5% margin (its CI reaches below it);
 *     cost and throughput rows gate only with --gate all: by default
 *     the same shifts are reported as "worse (not gated)", exit 0;
 *   - rows on one side only are listed and skipped;
 *   - the KTAP output parses (header, plan, numbered results, # lines);
 *   - meta.csv: another CPU or an interrupted run is refused (exit 2)
 *     unless --force / --allow-partial; other repeats are compared with
 *     a warning and a skipped "comparable runs" test.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "cmd.h"
#include "errors.h"
#include "ktap.h"
#include "results.h"

#define REPEATS 21

struct spec {
	const char *metric, *unit;
	double scale;		/* multiplies new's samples */
	bool base_only, new_only;
};

/* meta.csv keys of the next make_run() beyond run_id: key, value, ... */
static const char *extra_meta[8];

/* One run directory: @n rows, row i drawn from N(mu_i, 5%) times scale. */
static int make_run(const char *dir, const struct spec *sp, size_t n,
		    unsigned long seed, bool is_new)
{
	struct pc_results r;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	char err[256];

	if (pc_results_open(&r, "", dir, err, sizeof(err)) != PC_OK) {
		ktap_diag("%s", err);
		return -1;
	}
	gsl_rng_set(rng, seed);
	pc_results_meta(&r, "run_id", is_new ? "new" : "base");
	for (size_t i = 0; i + 1 < 8 && extra_meta[i]; i += 2)
		pc_results_meta(&r, extra_meta[i], extra_meta[i + 1]);
	for (size_t i = 0; i < n; i++) {
		double v[REPEATS], mu = 50 + 10 * (double)(i % 7);
		char mech[32];
		struct pc_row row = {
			.family = "static", .where = "user", .variant = "v",
			.state = "enabled", .metric = sp[i].metric, .unit = sp[i].unit,
			.backend = "tsc", .events = 1000, .hit_ratio = 1, .status = "ok",
			.note = "",
		};

		if ((sp[i].base_only && is_new) || (sp[i].new_only && !is_new))
			continue;
		snprintf(mech, sizeof(mech), "m%03zu", i);
		row.mechanism = mech;
		for (int k = 0; k < REPEATS; k++) {
			v[k] = (mu + gsl_ran_gaussian(rng, mu * 0.05)) *
			       (is_new ? sp[i].scale : 1.0);
			pc_results_sample(&r, mech, "-", "v", "enabled", (unsigned int)k, sp[i].metric,
					  sp[i].unit, "tsc", 1000, v[k]);
		}
		pc_stats_compute(v, REPEATS, &row.st);
		pc_results_row(&r, &row);
	}
	gsl_rng_free(rng);
	return pc_results_close(&r, true, true) == PC_OK ? 0 : -1;
}

/* Run cmd_compare --ktap [@opt] with stdout into @out; its exit status. */
static int compare_opt(const char *out, const char *opt, const char *base,
		       const char *neu)
{
	char *argv[] = { "compare", "--ktap", (char *)(opt ? opt : base),
			 (char *)(opt ? base : neu), (char *)neu, NULL };
	int saved, fd, rc;

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	dup2(fd, STDOUT_FILENO);
	close(fd);
	argv[opt ? 5 : 4] = NULL;
	rc = cmd_compare(opt ? 5 : 4, argv);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	return rc;
}

static int compare(const char *out, const char *base, const char *neu)
{
	return compare_opt(out, NULL, base, neu);
}

/* Does file @path hold @text? */
static bool holds(const char *path, const char *text)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, text) != NULL;
	if (f)
		fclose(f);
	return found;
}

struct ktap {
	bool valid;
	size_t plan, results, not_ok, skips;
	char failed[64][64];	/* names of not-ok tests */
};

/* A strict reader of the KTAP v1 subset compare prints. */
static void parse_ktap(const char *path, struct ktap *k)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	size_t no = 0;

	memset(k, 0, sizeof(*k));
	k->valid = f != NULL;
	while (f && k->valid && fgets(line, sizeof(line), f)) {
		size_t num;
		int off = 0;

		line[strcspn(line, "\n")] = '\0';
		no++;
		if (no == 1) {
			k->valid = !strcmp(line, "KTAP version 1");
		} else if (no == 2) {
			k->valid = sscanf(line, "1..%zu%n", &k->plan, &off) == 1 && !line[off];
		} else if (!strncmp(line, "# ", 2)) {
			continue;
		} else if (sscanf(line, "not ok %zu %n", &num, &off) == 1 && off) {
			k->valid = num == ++k->results;
			if (k->not_ok < 64)
				snprintf(k->failed[k->not_ok], 64, "%s", line + off);
			k->not_ok++;
		} else if (sscanf(line, "ok %zu %n", &num, &off) == 1 && off) {
			k->valid = num == ++k->results;
			k->skips += strstr(line, " # SKIP ") != NULL;
		} else {
			k->valid = false;
			ktap_diag("not KTAP at line %zu: %s", no, line);
		}
	}
	if (f)
		fclose(f);
	k->valid = k->valid && k->plan == k->results && k->plan > 0;
}

int main(void)
{
	static struct spec null_rows[200], shift_rows[44];
	char tmp[] = "/tmp/test_compare.XXXXXX", a[128], b[128], c[128], d[128], out[128];
	struct ktap k;
	bool names_ok = true;
	int rc;

	ktap_plan(15);
	if (!mkdtemp(tmp)) {
		for (int i = 0; i < 15; i++)
			ktap_skip("no temporary directory", "compare");
		return ktap_finish();
	}
	snprintf(a, sizeof(a), "%s/base", tmp);
	snprintf(b, sizeof(b), "%s/same", tmp);
	snprintf(c, sizeof(c), "%s/shift-base", tmp);
	snprintf(d, sizeof(d), "%s/shift-new", tmp);
	snprintf(out, sizeof(out), "%s/out", tmp);

	for (size_t i = 0; i < 200; i++)
		null_rows[i] = (struct spec){ .metric = i % 2 ? "cost" : "throughput",
					      .unit = i % 2 ? "ns" : "Mevents/s", .scale = 1.0 };
	make_run(a, null_rows, 200, 1, false);
	make_run(b, null_rows, 200, 2, true);
	rc = compare(out, a, b);
	parse_ktap(out, &k);
	KTAP_OK(rc == 0, "200 rows from the same distributions: exit 0 (got %d)", rc);
	KTAP_OK(k.valid && k.plan == 200 && k.not_ok == 0,
		"KTAP parses: plan %zu, %zu results, %zu not ok", k.plan, k.results, k.not_ok);

	/* rows 0..9 cost +20% (worse), 10..19 rate -20% (worse), 20..23
	 * rate +20% (better), 24..27 cost +5% (CI not beyond 5%), 28..39 same */
	for (size_t i = 0; i < 40; i++) {
		bool rate = (i >= 10 && i < 24);

		shift_rows[i] = (struct spec){ .metric = rate ? "throughput" : "cost",
					       .unit = rate ? "Mevents/s" : "ns",
					       .scale = i < 10 ? 1.2 : i < 20 ? 0.8 : i < 24 ? 1.2 :
							i < 28 ? 1.05 : 1.0 };
	}
	shift_rows[40] = (struct spec){ .metric = "cost", .unit = "ns", .scale = 1,
					.base_only = true };
	shift_rows[41] = (struct spec){ .metric = "cost", .unit = "ns", .scale = 1,
					.new_only = true };
	make_run(c, shift_rows, 42, 3, false);
	make_run(d, shift_rows, 42, 4, true);
	rc = compare(out, c, d);
	parse_ktap(out, &k);
	KTAP_OK(rc == 0 && k.not_ok == 0 && holds(out, "worse (not gated)"),
		"cost and rate rows do not gate by default: exit 0, reported worse (got %d, %zu not ok)",
		rc, k.not_ok);
	rc = compare_opt(out, "--gate=all", c, d);
	parse_ktap(out, &k);
	KTAP_OK(rc == 1, "a +20%% shift for the worse, --gate all: exit 1 (got %d)", rc);
	KTAP_OK(k.valid && k.plan == 42, "KTAP parses: plan %zu, %zu results", k.plan, k.results);
	KTAP_OK(k.not_ok == 20, "exactly the 20 shifted-for-the-worse rows are not ok (%zu)",
		k.not_ok);
	for (size_t i = 0; i < k.not_ok && i < 64; i++) {
		unsigned int m = 999;

		sscanf(k.failed[i], "m%u", &m);
		names_ok &= m < 20;
	}
	KTAP_OK(names_ok, "none of the better, within-threshold or same rows is flagged");
	KTAP_OK(k.skips == 2, "the two one-sided rows are listed as SKIP (%zu)", k.skips);

	/* meta.csv: the same rows as base/same, other settings */
	{
		char e[128], f[128], g[128], h[128];

		snprintf(e, sizeof(e), "%s/other-cpu", tmp);
		snprintf(f, sizeof(f), "%s/interrupted", tmp);
		snprintf(g, sizeof(g), "%s/fewer-repeats", tmp);
		/* a directory of its own: run directories are never rewritten */
		snprintf(h, sizeof(h), "%s/meta-base", tmp);
		extra_meta[0] = "cpu_model";
		extra_meta[1] = "Another CPU";
		make_run(e, null_rows, 200, 2, true);
		extra_meta[0] = "status";
		extra_meta[1] = "interrupted";
		make_run(f, null_rows, 200, 2, true);
		extra_meta[0] = "repeats";
		extra_meta[1] = "6";
		make_run(g, null_rows, 200, 2, true);
		extra_meta[0] = NULL;
		/* base has repeats 31 and cpu_model of its own */
		extra_meta[0] = "cpu_model";
		extra_meta[1] = "The CPU";
		extra_meta[2] = "repeats";
		extra_meta[3] = "31";
		extra_meta[4] = "status";
		extra_meta[5] = "complete";
		make_run(h, null_rows, 200, 1, false);
		extra_meta[0] = NULL;
		rc = compare(out, h, e);
		KTAP_OK(rc == 2, "another cpu_model: refused, exit 2 (got %d)", rc);
		rc = compare_opt(out, "--force", h, e);
		KTAP_OK(rc == 0, "another cpu_model with --force: compared, exit 0 (got %d)", rc);
		rc = compare(out, h, f);
		KTAP_OK(rc == 2, "an interrupted run: refused, exit 2 (got %d)", rc);
		rc = compare_opt(out, "--allow-partial", f, h);
		KTAP_OK(rc == 0, "an interrupted base with --allow-partial: exit 0 (got %d)", rc);
		rc = compare(out, h, g);
		parse_ktap(out, &k);
		KTAP_OK(rc == 0 && k.valid && k.plan == 201 && k.skips == 1 &&
			holds(out, "ok 1 comparable runs # SKIP") && holds(out, "repeats: base '31', new '6'"),
			"other repeats: warned, 'comparable runs' skipped first, exit 0 (got %d, plan %zu)",
			rc, k.plan);
	}

	{
		char *argv[] = { "compare", a, (char *)"/nonexistent-probecost-dir", NULL };

		KTAP_OK(cmd_compare(3, argv) == 2, "a missing run directory: exit 2");
	}
	{
		char *argv[] = { "compare", "--threshold", "-5", a, b, NULL };

		KTAP_OK(cmd_compare(5, argv) == 2, "--threshold -5: exit 2");
	}

	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
		if (system(cmd) != 0)
			ktap_diag("could not remove %s", tmp);
	}
	return ktap_finish();
}
