// SPDX-License-Identifier: MIT
/*
 * `probecost history`: a CSV of medians over many runs, for nightly jobs.
 *
 *   history append FILE RUN_DIR   add the run's measured rows to FILE
 *                                 (created with its header when absent;
 *                                 a run already in FILE is not added
 *                                 twice); FILE is rewritten whole through
 *                                 a .part file, so a crash cannot leave
 *                                 it half-written
 *   history plot FILE OUT_DIR     trend lines over time of one metric,
 *                                 per family and unit, in OUT_DIR/plots
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "csvio.h"
#include "errors.h"
#include "opts.h"
#include "plotgp.h"
#include "rundir.h"

/* "tracer" came last with the tracer axis: older files load without it ("?"). */
static const char *const hist_cols[] = {
	"time", "run_id", "git_revision", "host", "kernel", "mechanism",
	"family", "where", "variant", "state", "metric", "unit", "backend",
	"median", "ci95_low", "ci95_high", "repeats", "status", "tracer", NULL,
};

#define NCOLS (sizeof(hist_cols) / sizeof(hist_cols[0]) - 1)

static void history_usage(FILE *f)
{
	fprintf(f, "usage: probecost history append FILE RUN_DIR\n"
		   "       probecost history plot [--metric M] FILE OUT_DIR\n\n"
		   "append  adds the measured rows of the run in RUN_DIR (median, 95%% CI,\n"
		   "        unit, backend, with the run's time, git revision, host and\n"
		   "        kernel) to the CSV FILE, creating it when absent; a run\n"
		   "        already in FILE is not added again\n"
		   "plot    draws FILE as trend lines over time, one chart per family\n"
		   "        and unit, into OUT_DIR/plots/trend-*.{png,svg,txt}\n\n"
		   "  --metric M  the metric to draw (default overhead; absent rows,\n"
		   "              the noise floor, are left out of overhead trends)\n"
		   "  --help      this text\n\n"
		   "Exit status: 0 done, 1 writing or gnuplot failed, 2 usage error or a\n"
		   "missing, malformed or foreign input file (named with file:line).\n");
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* Copy the existing history into @w; whether @run_id is already there. */
static int copy_old(const struct pc_table *t, struct pc_csvw *w, const char *run_id,
		    bool *have)
{
	int col[NCOLS];

	for (size_t c = 0; c < NCOLS; c++)
		col[c] = pc_table_col(t, hist_cols[c]);
	for (size_t r = 0; r < t->nrows; r++) {
		if (!strcmp(pc_table_cell(t, r, col[1]), run_id))
			*have = true;
		for (size_t c = 0; c < NCOLS; c++)
			pc_csvw_str(w, col[c] < 0 && !strcmp(hist_cols[c], "tracer") ? "?" :
				    pc_table_cell(t, r, col[c]));
		if (pc_csvw_endrow(w) != PC_OK)
			return PC_ERR_IO;
	}
	return PC_OK;
}

static int append(const char *file, const char *dir)
{
	struct pc_table old = { 0 };
	struct pc_run run;
	struct pc_csvw w;
	char err[1024];
	const char *run_id;
	bool have = false;
	size_t added = 0;
	int ret;

	ret = pc_run_load_cmd("history", NULL, dir, 0, &run);
	if (ret != PC_OK)
		return ret;
	if (exists(file)) {
		ret = pc_table_load_compat(file, hist_cols, &old, err, sizeof(err));
		if (ret != PC_OK) {
			/* a history FILE that cannot be read is bad input, exit 2 */
			fprintf(stderr, "probecost history: %s\n", err);
			pc_run_free(&run);
			return PC_ERR_INVAL;
		}
	}
	run_id = pc_run_meta(&run, "run_id", dir);
	ret = pc_csvw_open(&w, file, hist_cols, NCOLS);
	if (ret != PC_OK) {
		fprintf(stderr, "probecost history: cannot write %s.part\n", file);
		goto out;
	}
	ret = copy_old(&old, &w, run_id, &have);
	for (size_t i = 0; ret == PC_OK && !have && i < run.nrows; i++) {
		const struct pc_rrow *r = &run.rows[i];

		if (!pc_rrow_measured(r))
			continue;
		pc_csvw_str(&w, pc_run_meta(&run, "started_utc", ""));
		pc_csvw_str(&w, run_id);
		pc_csvw_str(&w, pc_run_meta(&run, "git_revision", ""));
		pc_csvw_str(&w, pc_run_meta(&run, "host", ""));
		pc_csvw_str(&w, pc_run_meta(&run, "kernel", ""));
		pc_csvw_str(&w, r->mechanism);
		pc_csvw_str(&w, r->family);
		pc_csvw_str(&w, r->where);
		pc_csvw_str(&w, r->variant);
		pc_csvw_str(&w, r->state);
		pc_csvw_str(&w, r->metric);
		pc_csvw_str(&w, r->unit);
		pc_csvw_str(&w, r->backend);
		pc_csvw_dbl(&w, r->median);
		pc_csvw_dbl(&w, r->ci_lo);
		pc_csvw_dbl(&w, r->ci_hi);
		pc_csvw_dbl(&w, r->repeats);
		pc_csvw_str(&w, r->status);
		pc_csvw_str(&w, r->tracer);
		ret = pc_csvw_endrow(&w);
		added++;
	}
	if (pc_csvw_close(&w, ret == PC_OK) != PC_OK && ret == PC_OK)
		ret = PC_ERR_IO;
	if (ret != PC_OK)
		fprintf(stderr, "probecost history: writing %s failed\n", file);
	else if (have)
		fprintf(stderr, "probecost history: run %s is already in %s; nothing added\n",
			run_id, file);
	else
		fprintf(stderr, "probecost history: added %zu rows of run %s to %s\n", added,
			run_id, file);
out:
	pc_table_free(&old);
	pc_run_free(&run);
	/* the inputs were good: a failure here was writing FILE, exit 1 */
	return ret == PC_OK ? PC_OK : PC_ERR_IO;
}

/* ---- trend plot ---- */

struct hview {
	const struct pc_table *t;
	int c[NCOLS];
};

static const char *hc(const struct hview *v, size_t row, size_t col)
{
	return pc_table_cell(v->t, row, v->c[col]);
}

enum { H_TIME, H_RUN, H_MECH = 5, H_FAM, H_STATE = 9, H_METRIC, H_UNIT, H_BACKEND,
	H_MED, H_LO, H_HI, H_TRACER = 18 };

static bool wanted(const struct hview *v, size_t r, const char *metric)
{
	return !strcmp(hc(v, r, H_METRIC), metric) && hc(v, r, H_TIME)[0] &&
	       !(!strcmp(metric, "overhead") && !strcmp(hc(v, r, H_STATE), "absent"));
}

/* Seconds from the first to the last run drawn; 0 when unknown. */
static double time_span(const struct hview *v, const char *metric, const char *family,
			const char *unit)
{
	double lo = INFINITY, hi = -INFINITY;

	for (size_t r = 0; r < v->t->nrows; r++) {
		struct tm tm;
		const char *end;

		if (!wanted(v, r, metric) || strcmp(hc(v, r, H_FAM), family) ||
		    strcmp(hc(v, r, H_UNIT), unit))
			continue;
		memset(&tm, 0, sizeof(tm));
		end = strptime(hc(v, r, H_TIME), "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (!end || *end)
			continue;
		lo = fmin(lo, (double)timegm(&tm));
		hi = fmax(hi, (double)timegm(&tm));
	}
	return hi > lo ? hi - lo : 0;
}

static int trend_chart(struct pc_plot *p, const struct hview *v, const char *metric,
		       const char *family, const char *unit, const char *backend)
{
	static const char *const cols[] = { "series", "label", "x", "median", "ci95_low", "ci95_high", NULL };
	struct pc_plot_series ser[PC_PLOT_MAX_SERIES];
	const char *tracer[PC_PLOT_MAX_SERIES];	/* each series' */
	char name[128], title[192], ylabel[128];
	size_t nser = 0;
	struct pc_csvw w;
	double span;
	int ret;

	for (size_t r = 0; r < v->t->nrows; r++) {
		size_t s;

		if (!wanted(v, r, metric) || strcmp(hc(v, r, H_FAM), family) ||
		    strcmp(hc(v, r, H_UNIT), unit))
			continue;
		for (s = 0; s < nser; s++)
			if (!strcmp(ser[s].mech, hc(v, r, H_MECH)) &&
			    !strcmp(ser[s].state, hc(v, r, H_STATE)) &&
			    !strcmp(tracer[s], hc(v, r, H_TRACER)))
				break;
		if (s == nser && nser < PC_PLOT_MAX_SERIES) {
			tracer[nser] = hc(v, r, H_TRACER);
			ser[nser++] = (struct pc_plot_series){ hc(v, r, H_MECH), hc(v, r, H_STATE) };
		}
	}
	if (!nser)
		return PC_OK;
	snprintf(name, sizeof(name), "trend-%s-%s-%s", metric, family, unit);
	pc_plot_sanitize(name);
	ret = pc_plot_dat_open(p, name, cols, &w);
	if (ret != PC_OK)
		return ret;
	for (size_t s = 0; s < nser; s++)
		for (size_t r = 0; r < v->t->nrows; r++) {
			char label[160];

			if (!wanted(v, r, metric) || strcmp(hc(v, r, H_FAM), family) ||
			    strcmp(hc(v, r, H_UNIT), unit) ||
			    strcmp(hc(v, r, H_MECH), ser[s].mech) ||
			    strcmp(hc(v, r, H_STATE), ser[s].state) ||
			    strcmp(hc(v, r, H_TRACER), tracer[s]))
				continue;
			if (*tracer[s] && strcmp(tracer[s], "-") && strcmp(tracer[s], "?"))
				snprintf(label, sizeof(label), "%s %s [%s]", ser[s].mech,
					 ser[s].state, tracer[s]);
			else
				snprintf(label, sizeof(label), "%s %s", ser[s].mech, ser[s].state);
			pc_csvw_u64(&w, s + 1);
			pc_csvw_str(&w, label);
			pc_csvw_str(&w, hc(v, r, H_TIME));
			pc_csvw_str(&w, hc(v, r, H_MED));
			pc_csvw_str(&w, hc(v, r, H_LO));
			pc_csvw_str(&w, hc(v, r, H_HI));
			pc_csvw_endrow(&w);
		}
	ret = pc_csvw_close(&w, true);
	if (ret != PC_OK)
		return ret;
	snprintf(title, sizeof(title), "%s family: %s over time (median, 95%% CI)", family,
		 metric);
	snprintf(ylabel, sizeof(ylabel), "%s (%s)", unit, backend);
	/* about four tics over the span, labelled by day or by time of day */
	span = time_span(v, metric, family, unit);
	return pc_plot_lines(p, name, &(struct pc_plot_axes){
		.title = title, .xlabel = "run start (UTC)", .ylabel = ylabel, .xtime = true,
		.xstep = span > 0 ? ceil(span / 4) : 0,
		.xformat = span > 86400 ? "%m-%d" : "%H:%M",
	}, ser, nser);
}

static int validate(const struct hview *v, char *err, size_t len)
{
	for (size_t r = 0; r < v->t->nrows; r++) {
		for (size_t c = H_MED; c <= H_HI; c++) {
			double x;

			if (pc_parse_dbl(hc(v, r, c), &x) != PC_OK) {
				snprintf(err, len, "%s:%zu: column %s: '%s' is not a number",
					 v->t->path, v->t->line[r], hist_cols[c], hc(v, r, c));
				return PC_ERR_INVAL;
			}
		}
	}
	return PC_OK;
}

static int plot(const char *file, const char *out, const char *metric)
{
	struct pc_table t;
	struct hview v = { .t = &t };
	struct pc_plot p;
	char err[1024];
	int ret;

	ret = pc_table_load_compat(file, hist_cols, &t, err, sizeof(err));
	if (ret != PC_OK) {
		fprintf(stderr, "probecost history: %s\n", err);
		return ret == PC_ERR_NOMEM ? ret : PC_ERR_INVAL;
	}
	for (size_t c = 0; c < NCOLS; c++)
		v.c[c] = pc_table_col(&t, hist_cols[c]);
	ret = validate(&v, err, sizeof(err));
	if (ret != PC_OK) {
		fprintf(stderr, "probecost history: %s\n", err);
		pc_table_free(&t);
		return ret;
	}
	if (mkdir(out, 0755) < 0 && !exists(out)) {
		fprintf(stderr, "probecost history: cannot create %s\n", out);
		pc_table_free(&t);
		return PC_ERR_IO;
	}
	ret = pc_plot_open(&p, out, err, sizeof(err));
	/* one chart per (family, unit) of the metric, in order of appearance */
	for (size_t r = 0; ret == PC_OK && r < t.nrows; r++) {
		bool seen = false;

		if (!wanted(&v, r, metric))
			continue;
		for (size_t k = 0; k < r && !seen; k++)
			seen = wanted(&v, k, metric) &&
			       !strcmp(hc(&v, k, H_FAM), hc(&v, r, H_FAM)) &&
			       !strcmp(hc(&v, k, H_UNIT), hc(&v, r, H_UNIT));
		if (!seen)
			ret = trend_chart(&p, &v, metric, hc(&v, r, H_FAM), hc(&v, r, H_UNIT),
					  hc(&v, r, H_BACKEND));
	}
	if (ret == PC_OK)
		ret = pc_plot_render(&p, err, sizeof(err));
	if (ret != PC_OK)
		fprintf(stderr, "probecost history: %s\n", err);
	else if (!p.ncharts)
		fprintf(stderr, "probecost history: %s has no rows of metric %s\n", file, metric);
	else
		fprintf(stderr, "probecost history: %zu trend charts in %s\n", p.ncharts, p.dir);
	pc_table_free(&t);
	/*
	 * FILE was good input: a failure here was writing the charts or
	 * running gnuplot, exit 1 (an OUT_DIR path too long included).
	 */
	return ret == PC_OK ? PC_OK : PC_ERR_IO;
}

static int history_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "metric", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *metric = "overhead";
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (!*optarg)
				return pc_usage_error("history", "--metric: empty name");
			metric = optarg;
			break;
		case 'h':
			history_usage(stdout);
			return PC_OK;
		default:
			return pc_opt_bad("history", lo, argv, optind, optopt, c);
		}
	}
	if (argc - optind == 3 && !strcmp(argv[optind], "append"))
		return append(argv[optind + 1], argv[optind + 2]);
	if (argc - optind == 3 && !strcmp(argv[optind], "plot"))
		return plot(argv[optind + 1], argv[optind + 2], metric);
	return pc_usage_error("history", "expected 'append FILE RUN_DIR' or 'plot FILE OUT_DIR'; see probecost history --help");
}

int cmd_history(int argc, char **argv)
{
	return pc_exit_status(history_main(argc, argv));
}
