// SPDX-License-Identifier: MIT
/*
 * `probecost plot DIR`: gnuplot charts of a run into DIR/plots/.
 *
 *   overhead-<family>-<unit>   horizontal bars, one per mechanism and
 *                              state, median with its 95% CI as error bar
 *   scaling-<unit>             aggregate M events/s (or cost with the
 *                              icount timer) over threads, one line per
 *                              mechanism and state
 *   victim-<set>               walk time added per probe hit over k hits
 *                              between walks, one line per mechanism and
 *                              state (absent: the method's noise floor)
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

static void plot_usage(FILE *f)
{
	fprintf(f, "usage: probecost plot DIR\n\n"
		   "Draws the run in DIR with gnuplot into DIR/plots/: per family and\n"
		   "unit, bars of overhead per mechanism and state with 95%% CI error\n"
		   "bars; scaling lines over threads; victim curves over probe hits.\n"
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

static int overhead_chart(struct pc_plot *p, const struct pc_run *run,
			  const struct group *g)
{
	static const char *const cols[] = { "y", "label", "state", "median", "ci95_low", "ci95_high", NULL };
	char name[128], title[256], xlabel[128];
	const struct pc_rrow *rows[1024];
	const char *states[16];
	size_t n = 0, nst = 0, label_w = 0;
	struct pc_csvw w;
	int ret;

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
	ret = pc_plot_dat_open(p, name, cols, &w);
	if (ret != PC_OK)
		return ret;
	for (size_t i = 0; i < n; i++) {
		char label[160];

		snprintf(label, sizeof(label), "%s %s", rows[i]->mechanism, rows[i]->state);
		if (strlen(label) > label_w)
			label_w = strlen(label);
		pc_csvw_u64(&w, n - i);
		pc_csvw_str(&w, label);
		pc_csvw_str(&w, rows[i]->state);
		pc_csvw_dbl(&w, rows[i]->median);
		pc_csvw_dbl(&w, rows[i]->ci_lo);
		pc_csvw_dbl(&w, rows[i]->ci_hi);
		pc_csvw_endrow(&w);
	}
	ret = pc_csvw_close(&w, true);
	if (ret != PC_OK)
		return ret;
	snprintf(title, sizeof(title), "%s family: overhead per event, state minus absent (median, 95%% CI)",
		 g->family);
	snprintf(xlabel, sizeof(xlabel), "%s per event (%s)", g->unit, g->backend);
	/* a colour for each state present, in the order rows list them */
	for (size_t i = 0; i < n; i++) {
		size_t k;

		for (k = 0; k < nst; k++)
			if (same(states[k], rows[i]->state))
				break;
		if (k == nst && nst < 16)
			states[nst++] = rows[i]->state;
	}
	return pc_plot_bars(p, name, title, xlabel, n, label_w, states, nst);
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

/*
 * One series per (mechanism, state) among rows whose metric is
 * @prefix<x>@tail and unit @unit; x from the metric name.
 */
static int line_chart(struct pc_plot *p, const struct pc_run *run, const char *name,
		      const char *prefix, const char *tail, const char *unit,
		      const char *title, const char *xlabel, const char *ylabel,
		      bool logx)
{
	double xmax = 0;
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
			char label[160];
			double x;

			if (!pc_rrow_measured(r) || !same(r->unit, unit) ||
			    !same(r->mechanism, ser[s].mech) || !same(r->state, ser[s].state) ||
			    !suffix_num(r->metric, prefix, tail, &x))
				continue;
			snprintf(label, sizeof(label), "%s %s", r->mechanism, r->state);
			pc_csvw_u64(&w, s + 1);
			pc_csvw_str(&w, label);
			pc_csvw_dbl(&w, x);
			pc_csvw_dbl(&w, r->median);
			pc_csvw_dbl(&w, r->ci_lo);
			pc_csvw_dbl(&w, r->ci_hi);
			pc_csvw_endrow(&w);
		}
	}
	ret = pc_csvw_close(&w, true);
	if (ret != PC_OK)
		return ret;
	return pc_plot_lines(p, name, &(struct pc_plot_axes){
		.title = title, .xlabel = xlabel, .ylabel = ylabel, .logx = logx,
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

static int victim_charts(struct pc_plot *p, const struct pc_run *run)
{
	static const char *const sets[] = { "l1d", "l2", "llc" };
	int ret = PC_OK;

	for (size_t s = 0; s < 3 && ret == PC_OK; s++) {
		const struct pc_rrow *any = NULL;
		char prefix[32], name[32], title[192], ylabel[96];
		double x;

		snprintf(prefix, sizeof(prefix), "victim-%s-k", sets[s]);
		for (size_t i = 0; i < run->nrows && !any; i++)
			if (pc_rrow_measured(&run->rows[i]) &&
			    suffix_num(run->rows[i].metric, prefix, "", &x))
				any = &run->rows[i];
		if (!any)
			continue;
		snprintf(name, sizeof(name), "victim-%s", sets[s]);
		snprintf(title, sizeof(title), "Victim over an %s-sized set: walk time added per probe hit",
			 sets[s]);
		snprintf(ylabel, sizeof(ylabel), "%s per probe hit (%s; median, 95%% CI)",
			 any->unit, any->backend);
		ret = line_chart(p, run, name, prefix, "", any->unit, title,
				 "probe hits k between walks", ylabel, true);
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
