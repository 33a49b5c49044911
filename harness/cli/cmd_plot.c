// SPDX-License-Identifier: MIT
/*
 * `probecost plot DIR`: gnuplot charts of a run into DIR/plots/.
 *
 *   headline-<where>-<unit>    the summary as a chart: per place, static
 *                              and dynamic mechanisms side by side, one bar
 *                              per mechanism and state (disabled, enabled,
 *                              recording), the rows the summary shows
 *   overhead-<family>-<unit>   horizontal bars, one per mechanism and
 *                              state, median with its 95% CI as error bar
 *
 * A bar chart whose medians span more than 100x gets a log axis
 * (plotgp.h), and every text plot fits 72 columns (short labels).
 *   scaling-<unit>             aggregate M events/s (or cost with the
 *                              icount timer) over threads, one line per
 *                              mechanism and state
 *   victim-<set>               walk time added per probe hit over k hits
 *                              between walks: the noise floor as a band,
 *                              a line per probe that steps out of it
 *                              (none: no chart)
 *
 * Each chart is a <name>.dat (CSV, written with libcsv) and a <name>.gp
 * that draws it on whatever terminal is set; render.gp renders all of
 * them as PNG, SVG and a `dumb` text plot (<name>.txt, for mailing
 * lists). Edit a .gp or .dat and run `gnuplot render.gp` in plots/.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "csvio.h"
#include "errors.h"
#include "mech.h"
#include "opts.h"
#include "plotgp.h"
#include "rundir.h"
#include "summary.h"

static void plot_usage(FILE *f)
{
	fprintf(f, "usage: probecost plot DIR\n\n"
		   "Draws the run in DIR with gnuplot into DIR/plots/: per place a\n"
		   "headline chart, static and dynamic mechanisms side by side; per\n"
		   "family and unit, bars of overhead per mechanism and state with 95%%\n"
		   "CI error bars (log scale when they span more than 100x); scaling\n"
		   "lines over threads; victim curves over probe hits.\n"
		   "Each chart is written as <name>.png, <name>.svg and <name>.txt (a\n"
		   "dumb-terminal text plot), with its <name>.gp script and <name>.dat\n"
		   "data beside it; `gnuplot render.gp` in plots/ re-renders them all.\n\n"
		   "  --help    this text\n\n"
		   "Needs gnuplot (Debian: gnuplot-nox, installed by scripts/deps.sh run).\n"
		   "Exit status: 0 drawn, 1 gnuplot missing or failed (the .gp and .dat\n"
		   "files are still written), 2 usage error, a missing, malformed or\n"
		   "foreign input file (named with file:line) or DIR not writable.\n");
}

static bool same(const char *a, const char *b)
{
	return !strcmp(a, b);
}

/* ---- overhead bars ---- */

struct group {
	const char *family, *unit, *backend;
};

/* One bar per row, top to bottom in @rows order; states coloured. */
static int bar_chart(struct pc_plot *p, const char *name, const char *title,
		     const char *xlabel, const struct pc_rrow *const *rows, size_t n)
{
	static const char *const cols[] = { "y", "label", "state", "median", "ci95_low", "ci95_high", "short", NULL };
	struct pc_plot_span span;
	const char *states[16];
	size_t nst = 0;
	struct pc_csvw w;
	int ret;

	pc_plot_span_init(&span);
	ret = pc_plot_dat_open(p, name, cols, &w);
	if (ret != PC_OK)
		return ret;
	for (size_t i = 0; i < n; i++) {
		char label[160], shrt[64];
		const char *t = rows[i]->tracer;
		bool tr = strcmp(t, "-") && strcmp(t, "?");

		/* a 47-character name would squeeze the PNG's plot to a strip */
		if (strlen(rows[i]->mechanism) > 32)
			snprintf(label, sizeof(label), "%.30s~ %s%s%s%s", rows[i]->mechanism,
				 rows[i]->state, tr ? " [" : "", tr ? t : "", tr ? "]" : "");
		else
			snprintf(label, sizeof(label), "%s %s%s%s%s", rows[i]->mechanism,
				 rows[i]->state, tr ? " [" : "", tr ? t : "", tr ? "]" : "");
		pc_plot_short_label(shrt, sizeof(shrt), rows[i]->mechanism, rows[i]->state);
		pc_plot_span_add(&span, rows[i]->median);
		pc_csvw_u64(&w, n - i);
		pc_csvw_str(&w, label);
		pc_csvw_str(&w, rows[i]->state);
		pc_csvw_dbl(&w, rows[i]->median);
		pc_csvw_dbl(&w, rows[i]->ci_lo);
		pc_csvw_dbl(&w, rows[i]->ci_hi);
		pc_csvw_str(&w, shrt);
		pc_csvw_endrow(&w);
	}
	ret = pc_csvw_close(&w, true);
	if (ret != PC_OK)
		return ret;
	/* a colour for each state present, in the order rows list them */
	for (size_t i = 0; i < n; i++) {
		size_t k;

		for (k = 0; k < nst; k++)
			if (same(states[k], rows[i]->state))
				break;
		if (k == nst && nst < 16)
			states[nst++] = rows[i]->state;
	}
	return pc_plot_bars(p, name, title, xlabel, n, &span, states, nst);
}

static int overhead_chart(struct pc_plot *p, const struct pc_run *run,
			  const struct group *g)
{
	char name[128], title[256], xlabel[128];
	const struct pc_rrow *rows[1024];
	size_t n = 0;

	/* mechanisms in file order, states in method order */
	for (size_t i = 0; i < run->nrows && n < 1024; i++) {
		const struct pc_rrow *r = &run->rows[i];

		if (!same(r->metric, "overhead") || !pc_rrow_measured(r) ||
		    !same(r->family, g->family) || !same(r->unit, g->unit) ||
		    !same(r->backend, g->backend))
			continue;
		rows[n++] = r;
	}
	if (!n)
		return PC_OK;
	pc_plot_name(name, sizeof(name), "overhead", g->family, g->unit);
	snprintf(title, sizeof(title), "%s family: overhead per event (median, 95%% CI)",
		 g->family);
	snprintf(xlabel, sizeof(xlabel), "%s per event (%s)", g->unit, g->backend);
	return bar_chart(p, name, title, xlabel, rows, n);
}

/*
 * The summary as a chart, per place and unit: static (and jump) then
 * dynamic mechanisms, each with its disabled, enabled and recording
 * figure, the rows pc_summary_figure() picks. Absent is left out: it is
 * the zero every bar is measured from.
 */
static int headline_charts(struct pc_plot *p, const struct pc_run *run)
{
	static const char *const fams[] = { "static", "jump", "dynamic" };
	static const char *const states[] = { "disabled", "enabled", "recording" };
	struct group done[16];
	size_t ndone = 0;
	int ret = PC_OK;

	for (size_t i = 0; i < run->nrows && ret == PC_OK; i++) {
		const struct pc_rrow *g = &run->rows[i], *rows[256];
		const char *seen[128];
		char name[128], title[256], xlabel[128];
		size_t n = 0, nseen = 0, k;

		if (!same(g->metric, "overhead") || !pc_rrow_measured(g) || same(g->state, "absent"))
			continue;
		for (k = 0; k < ndone; k++)
			if (same(done[k].family, g->where) && same(done[k].unit, g->unit) &&
			    same(done[k].backend, g->backend))
				break;
		if (k < ndone || ndone == 16)
			continue;
		done[ndone++] = (struct group){ g->where, g->unit, g->backend };
		for (size_t f = 0; f < 3; f++)
			for (size_t j = 0; j < run->nrows; j++) {
				const struct pc_rrow *r = &run->rows[j];
				bool dup = false;

				if (!same(r->family, fams[f]) || !same(r->where, g->where))
					continue;
				for (k = 0; k < nseen && !dup; k++)
					dup = same(seen[k], r->mechanism);
				if (dup || nseen == 128)
					continue;
				seen[nseen++] = r->mechanism;
				for (size_t s = 0; s < 3 && n < 256; s++) {
					const struct pc_rrow *w = pc_summary_figure(run, r->mechanism,
										    states[s]);

					if (w && same(w->unit, g->unit) && same(w->backend, g->backend))
						rows[n++] = w;
				}
			}
		if (!n)
			continue;
		pc_plot_name(name, sizeof(name), "headline", g->where, g->unit);
		snprintf(title, sizeof(title), "%s: static and dynamic, per event (median, 95%% CI)",
			 same(g->where, "user") ? "User space" : same(g->where, "kernel") ? "Live kernel" :
			 same(g->where, "guest") ? "In the QEMU guest" :
			 same(g->where, "module") ? "Module on this host" : g->where);
		snprintf(xlabel, sizeof(xlabel), "%s per event (%s)", g->unit, g->backend);
		ret = bar_chart(p, name, title, xlabel, rows, n);
	}
	return ret;
}

/* ---- lines: scaling and victim ---- */

/* A metric with a numeric suffix after @prefix: "scaling-cost-t" + "4". */
static bool suffix_num(const char *metric, const char *prefix, const char *tail,
		       double *x)
{
	size_t lp = strlen(prefix), lt = strlen(tail), lm = strlen(metric);
	char *end;

	if (lm <= lp + lt || strncmp(metric, prefix, lp) ||
	    strcmp(metric + lm - lt, tail) || !isdigit((unsigned char)metric[lp]))
		return false;
	*x = strtod(metric + lp, &end);
	return end == metric + lm - lt;
}

/* One point of a series in a lines chart's .dat: series, label, x, median, CI. */
static void series_point(struct pc_csvw *w, size_t series, const struct pc_rrow *r, double x)
{
	char label[160];

	snprintf(label, sizeof(label), "%s %s", r->mechanism, r->state);
	pc_csvw_u64(w, series);
	pc_csvw_str(w, label);
	pc_csvw_dbl(w, x);
	pc_csvw_dbl(w, r->median);
	pc_csvw_dbl(w, r->ci_lo);
	pc_csvw_dbl(w, r->ci_hi);
	pc_csvw_endrow(w);
}

/*
 * One series per (mechanism, state) among rows whose metric is
 * @prefix<x>@tail and unit @unit; x from the metric name.
 */
static int line_chart(struct pc_plot *p, const struct pc_run *run, const char *name,
		      const char *prefix, const char *tail, const char *unit,
		      const char *title, const char *xlabel, const char *ylabel,
		      bool logx)
{
	double xmax = 0, ymin = NAN, ymax = 0;
	static const char *const cols[] = { "series", "label", "x", "median", "ci95_low", "ci95_high", NULL };
	struct pc_plot_series ser[PC_PLOT_MAX_SERIES];
	size_t nser = 0;
	struct pc_csvw w;
	int ret;

	for (size_t i = 0; i < run->nrows; i++) {
		const struct pc_rrow *r = &run->rows[i];
		double x;
		size_t s;

		if (!pc_rrow_measured(r) || !same(r->unit, unit) ||
		    !suffix_num(r->metric, prefix, tail, &x))
			continue;
		xmax = fmax(xmax, x);
		ymin = isnan(ymin) ? r->median : fmin(ymin, r->median);
		ymax = fmax(ymax, r->median);
		for (s = 0; s < nser; s++)
			if (same(ser[s].mech, r->mechanism) && same(ser[s].state, r->state))
				break;
		if (s == nser && nser < PC_PLOT_MAX_SERIES)
			ser[nser++] = (struct pc_plot_series){ r->mechanism, r->state };
	}
	if (!nser)
		return PC_OK;
	ret = pc_plot_dat_open(p, name, cols, &w);
	if (ret != PC_OK)
		return ret;
	for (size_t s = 0; s < nser; s++) {
		for (size_t i = 0; i < run->nrows; i++) {
			const struct pc_rrow *r = &run->rows[i];
			double x;

			if (!pc_rrow_measured(r) || !same(r->unit, unit) ||
			    !same(r->mechanism, ser[s].mech) || !same(r->state, ser[s].state) ||
			    !suffix_num(r->metric, prefix, tail, &x))
				continue;
			series_point(&w, s + 1, r, x);
		}
	}
	ret = pc_csvw_close(&w, true);
	if (ret != PC_OK)
		return ret;
	return pc_plot_lines(p, name, &(struct pc_plot_axes){
		.title = title, .xlabel = xlabel, .ylabel = ylabel, .logx = logx,
		/* every median above 0 and spanning > 100x: log y (plotgp.h) */
		.logy = ymin > 0 && ymax / ymin > PC_PLOT_LOG_SPAN,
		.xstep = !logx && xmax <= 16 ? 1 : 0,
	}, ser, nser);
}

static int scaling_charts(struct pc_plot *p, const struct pc_run *run)
{
	const struct pc_rrow *cost = NULL;
	char title[160], ylabel[96];

	for (size_t i = 0; i < run->nrows; i++) {
		double x;

		if (pc_rrow_measured(&run->rows[i]) &&
		    suffix_num(run->rows[i].metric, "scaling-throughput-t", "", &x))
			return line_chart(p, run, "scaling-throughput", "scaling-throughput-t", "",
					  "Mevents/s",
					  "Scaling: aggregate events/s, all threads firing one probe",
					  "threads (one per core first, then SMT siblings)",
					  "M events/s (median, 95% CI)", false);
		if (!cost && pc_rrow_measured(&run->rows[i]) &&
		    suffix_num(run->rows[i].metric, "scaling-cost-t", "", &x))
			cost = &run->rows[i];
	}
	if (!cost)
		return PC_OK;
	/* no throughput: the icount timer; per-thread cost it is */
	snprintf(title, sizeof(title), "Scaling: per-event cost per thread (%s)", cost->backend);
	snprintf(ylabel, sizeof(ylabel), "%s per event (median, 95%% CI)", cost->unit);
	return line_chart(p, run, "scaling-cost", "scaling-cost-t", "", cost->unit, title,
			  "threads (one per core first, then SMT siblings)", ylabel, false);
}

#define VICTIM_MAX_SERIES 6
#define VICTIM_MAX_K 16

/* The noise floor at each k: the union of the absent rows' 95% CIs. */
struct band {
	double k[VICTIM_MAX_K], lo[VICTIM_MAX_K], hi[VICTIM_MAX_K];
	size_t n;
};

static void band_add(struct band *b, double k, const struct pc_rrow *r)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->k[i] == k)
			break;
	if (i == b->n) {
		if (b->n == VICTIM_MAX_K)
			return;
		b->k[b->n] = k;
		b->lo[b->n] = r->ci_lo;
		b->hi[b->n++] = r->ci_hi;
		return;
	}
	b->lo[i] = fmin(b->lo[i], r->ci_lo);
	b->hi[i] = fmax(b->hi[i], r->ci_hi);
}

/* How far @r stands out of the band at its k (0: inside, or CI holds 0). */
static double above_band(const struct band *b, double k, const struct pc_rrow *r)
{
	if (isnan(r->ci_lo) || (r->ci_lo <= 0 && r->ci_hi >= 0))
		return 0;
	for (size_t i = 0; i < b->n; i++)
		if (b->k[i] == k)
			return r->median > b->hi[i] ? r->median - b->hi[i] :
			       r->median < b->lo[i] ? b->lo[i] - r->median : 0;
	return 0;
}

/*
 * Per cache level: the probes whose effect stands out of the noise floor
 * (median outside the band of the absent rows' CIs, own CI excluding 0
 * at some k), at most VICTIM_MAX_SERIES of them, the largest first, over
 * the noise floor drawn as a grey band. A level where no probe stands
 * out gets no chart: 36 lines of noise say nothing. Every row stays in
 * results.csv and the report.
 */
static int victim_charts(struct pc_plot *p, const struct pc_run *run)
{
	static const char *const sets[] = { "l1d", "l2", "llc" };
	static const char *const cols[] = { "series", "label", "x", "median", "ci95_low", "ci95_high", NULL };
	int ret = PC_OK;

	for (size_t s = 0; s < 3 && ret == PC_OK; s++) {
		struct pc_plot_series ser[VICTIM_MAX_SERIES];
		double score[VICTIM_MAX_SERIES];
		const struct pc_rrow *any = NULL;
		char prefix[32], name[32], title[192], ylabel[96];
		struct band band = { .n = 0 };
		size_t nser = 0;
		struct pc_csvw w;
		double x;

		snprintf(prefix, sizeof(prefix), "victim-%s-k", sets[s]);
		for (size_t i = 0; i < run->nrows; i++) {
			const struct pc_rrow *r = &run->rows[i];

			if (!pc_rrow_measured(r) || !suffix_num(r->metric, prefix, "", &x))
				continue;
			if (!any)
				any = r;
			if (same(r->state, "absent") && !isnan(r->ci_lo))
				band_add(&band, x, r);
		}
		if (!any)
			continue;
		/* each (mechanism, state) scored by its largest step out of the band */
		for (size_t i = 0; i < run->nrows; i++) {
			const struct pc_rrow *r = &run->rows[i];
			double d;
			size_t k;

			if (!pc_rrow_measured(r) || same(r->state, "absent") ||
			    !suffix_num(r->metric, prefix, "", &x) || !(d = above_band(&band, x, r)))
				continue;
			for (k = 0; k < nser; k++)
				if (same(ser[k].mech, r->mechanism) && same(ser[k].state, r->state))
					break;
			if (k < nser) {
				score[k] = fmax(score[k], d);
				continue;
			}
			if (nser < VICTIM_MAX_SERIES) {
				k = nser++;
			} else {	/* replace the weakest if this one is stronger */
				size_t m = 0;

				for (size_t j = 1; j < nser; j++)
					if (score[j] < score[m])
						m = j;
				if (score[m] >= d)
					continue;
				k = m;
			}
			ser[k] = (struct pc_plot_series){ r->mechanism, r->state };
			score[k] = d;
		}
		if (!nser) {
			/* said, so a missing chart is not taken for a failed one */
			printf("probecost plot: victim-%s: no probe stands out of the noise floor;\n"
			       "  no chart (the rows are in the report)\n", sets[s]);
			continue;
		}
		snprintf(name, sizeof(name), "victim-%s", sets[s]);
		ret = pc_plot_dat_open(p, name, cols, &w);
		if (ret != PC_OK)
			return ret;
		for (size_t i = 0; i < band.n; i++) {
			pc_csvw_u64(&w, 0);
			pc_csvw_str(&w, "noise floor");
			pc_csvw_dbl(&w, band.k[i]);
			pc_csvw_dbl(&w, (band.lo[i] + band.hi[i]) / 2);
			pc_csvw_dbl(&w, band.lo[i]);
			pc_csvw_dbl(&w, band.hi[i]);
			pc_csvw_endrow(&w);
		}
		for (size_t k = 0; k < nser; k++)
			for (size_t i = 0; i < run->nrows; i++) {
				const struct pc_rrow *r = &run->rows[i];

				if (!pc_rrow_measured(r) || !same(r->mechanism, ser[k].mech) ||
				    !same(r->state, ser[k].state) || !suffix_num(r->metric, prefix, "", &x))
					continue;
				series_point(&w, k + 1, r, x);
			}
		ret = pc_csvw_close(&w, true);
		if (ret != PC_OK)
			return ret;
		snprintf(title, sizeof(title), "Victim, %s-sized set: walk time added per probe hit",
			 sets[s]);
		snprintf(ylabel, sizeof(ylabel), "%s per probe hit (%s; median, 95%% CI)",
			 any->unit, any->backend);
		ret = pc_plot_lines(p, name, &(struct pc_plot_axes){
			.title = title, .xlabel = "probe hits k between walks", .ylabel = ylabel,
			.logx = true, .band = "noise floor (absent)",
		}, ser, nser);
	}
	return ret;
}

static int plot_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct group groups[64];
	size_t ngroups = 0;
	struct pc_run run;
	struct pc_plot p;
	char err[1024];
	int c, ret;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		if (c == 'h') {
			plot_usage(stdout);
			return PC_OK;
		}
		return pc_opt_bad("plot", lo, argv, optind, optopt, c);
	}
	ret = pc_run_load_operand("plot", "probecost plot DIR", argc, argv, optind, &run);
	if (ret != PC_OK)
		return ret;
	ret = pc_plot_open(&p, run.dir, err, sizeof(err));
	if (ret != PC_OK) {
		/* a run directory the charts cannot go into is bad input */
		fprintf(stderr, "probecost plot: %s; copy the run directory somewhere writable\n",
			err);
		pc_run_free(&run);
		return PC_ERR_INVAL;
	}
	for (size_t i = 0; i < run.nrows; i++) {
		const struct pc_rrow *r = &run.rows[i];
		size_t k;

		if (!same(r->metric, "overhead") || !pc_rrow_measured(r))
			continue;
		for (k = 0; k < ngroups; k++)
			if (same(groups[k].family, r->family) && same(groups[k].unit, r->unit) &&
			    same(groups[k].backend, r->backend))
				break;
		if (k == ngroups && ngroups < 64)
			groups[ngroups++] = (struct group){ r->family, r->unit, r->backend };
	}
	ret = headline_charts(&p, &run);
	for (size_t k = 0; k < ngroups && ret == PC_OK; k++)
		ret = overhead_chart(&p, &run, &groups[k]);
	if (ret == PC_OK)
		ret = scaling_charts(&p, &run);
	if (ret == PC_OK)
		ret = victim_charts(&p, &run);
	if (ret == PC_OK)
		ret = pc_plot_render(&p, err, sizeof(err));
	if (ret != PC_OK)
		fprintf(stderr, "probecost plot: %s\n", err);
	else if (!p.ncharts)
		fprintf(stderr, "probecost plot: %s has no measured rows to draw (all unsupported?)\n",
			run.dir);
	else
		fprintf(stderr, "probecost plot: %zu charts as PNG, SVG and text in %s\n",
			p.ncharts, p.dir);
	pc_plot_close(&p);
	pc_run_free(&run);
	/*
	 * The run was good input: whatever failed here was writing the charts
	 * or running gnuplot, exit 1 (a .dat writer's PC_ERR_INVAL included).
	 */
	return ret == PC_OK ? PC_OK : PC_ERR_IO;
}

int cmd_plot(int argc, char **argv)
{
	return pc_exit_status(plot_main(argc, argv));
}
