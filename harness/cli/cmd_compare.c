// SPDX-License-Identifier: MIT
/*
 * `probecost compare BASE NEW`: which figures changed between two runs,
 * and is any change a regression?
 *
 * Rows are matched on (mechanism, variant, state, metric, unit): a
 * different variant (a kprobe no longer optimized) is a different row,
 * listed as present on one side only. For a matched row:
 *
 *   significance  Mann-Whitney U on the raw repeats of samples.csv,
 *                 two-sided; p-values are adjusted over all tested rows
 *                 with Benjamini-Hochberg (q), so hundreds of rows do
 *                 not produce false alarms by the dozen. Rows from an
 *                 exact backend (ELF sizes) differ with certainty.
 *   size          median(new) - median(base), with a seeded bootstrap
 *                 95% CI, relative to a scale: the base median of the
 *                 row itself, or for overhead-like rows (overhead,
 *                 <event>-overhead, disabled-*) of the matching cost
 *                 row, since an overhead sits near zero and may change
 *                 sign; never less than the base row's CI half-width.
 *   direction     higher is worse, except rates (unit ".../s").
 *
 * A regression is a change that is significant (q < alpha), worse and at
 * least --threshold percent of the scale. Noise-floor rows (absent'
 * minus absent) are compared but never called regressions.
 */
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "errors.h"
#include "opts.h"
#include "ranktest.h"
#include "rundir.h"

#define DEFAULT_THRESHOLD 10.0
#define DEFAULT_ALPHA 0.05
#define BOOT_ROUNDS 1000

static void compare_usage(FILE *f)
{
	fprintf(f, "usage: probecost compare [options] BASE_DIR NEW_DIR\n\n"
		   "Matches the rows of two runs on (mechanism, variant, state, metric,\n"
		   "unit), tests every change on the raw samples (Mann-Whitney U,\n"
		   "Benjamini-Hochberg adjusted; bootstrap 95%% CI of the difference of\n"
		   "medians) and flags a regression when a change is significant, for\n"
		   "the worse, and beyond the threshold. Rows found on one side only are\n"
		   "listed as such.\n\n"
		   "  --threshold PCT  smallest change that counts, in percent of the\n"
		   "                   row's scale (default %.0f; 0..1000)\n"
		   "  --alpha A        false discovery rate for significance (default\n"
		   "                   %.2f; 0 < A < 1)\n"
		   "  --ktap           KTAP v1: one test per row, figures in # lines\n"
		   "  --all            list unchanged rows too (text output)\n"
		   "  --help           this text\n\n"
		   "Exit status: 0 no regression, 1 regression, 2 usage error or a\n"
		   "missing, malformed or foreign input file (named with file:line).\n",
		DEFAULT_THRESHOLD, DEFAULT_ALPHA);
}

enum verdict {
	V_REGRESSION,
	V_IMPROVEMENT,
	V_SHIFT,	/* significant but within the threshold, or noise */
	V_SAME,
	V_UNTESTED,	/* matched, but no samples to test */
	V_BASE_ONLY,
	V_NEW_ONLY,
};

static const char *const verdict_name[] = {
	[V_REGRESSION] = "REGRESSION",
	[V_IMPROVEMENT] = "improvement",
	[V_SHIFT] = "shift",
	[V_SAME] = "unchanged",
	[V_UNTESTED] = "untested",
	[V_BASE_ONLY] = "only in base",
	[V_NEW_ONLY] = "only in new",
};

struct cmp {
	const struct pc_rrow *b, *n;	/* either may be NULL */
	enum verdict v;
	double p, q, diff, lo, hi, rel;	/* rel in percent of the scale */
	bool tested, noise;
	char why[256];		/* one-sided or untested: the reason */
};

struct opts {
	double threshold, alpha;
	bool ktap, all;
};

static bool same_key(const struct pc_rrow *a, const struct pc_rrow *b)
{
	return !strcmp(a->mechanism, b->mechanism) && !strcmp(a->variant, b->variant) &&
	       !strcmp(a->state, b->state) && !strcmp(a->metric, b->metric) &&
	       !strcmp(a->unit, b->unit);
}

static const struct pc_rrow *match(const struct pc_run *r, const struct pc_rrow *k)
{
	for (size_t i = 0; i < r->nrows; i++)
		if (same_key(&r->rows[i], k))
			return &r->rows[i];
	return NULL;
}

static bool overhead_like(const char *metric)
{
	size_t n = strlen(metric);

	return !strcmp(metric, "overhead") || !strncmp(metric, "disabled-", 9) ||
	       (n > 9 && !strcmp(metric + n - 9, "-overhead"));
}

/*
 * Rows about the method or the machine rather than a probe: the noise
 * floors (absent' - absent) and the victim's bare walk time.
 */
static bool noise_row(const struct pc_rrow *w)
{
	size_t n = strlen(w->metric);

	if (!strncmp(w->metric, "victim-", 7) && n > 5 && !strcmp(w->metric + n - 5, "-walk"))
		return true;
	return !strcmp(w->state, "absent") &&
	       (!strcmp(w->metric, "overhead") || !strcmp(w->metric, "disabled-noise") ||
		!strncmp(w->metric, "victim-", 7));
}

/* What a change of this row is measured against (see the top comment). */
static double scale_of(const struct pc_run *base, const struct pc_rrow *b)
{
	double s = fabs(b->median), half = NAN;

	if (overhead_like(b->metric)) {
		char metric[128];
		size_t n = strlen(b->metric);
		const struct pc_rrow *c;

		if (n > 9 && !strcmp(b->metric + n - 9, "-overhead") &&
		    strncmp(b->metric, "disabled-", 9))
			snprintf(metric, sizeof(metric), "%.*s", (int)(n - 9), b->metric);
		else
			snprintf(metric, sizeof(metric), "cost");
		for (size_t i = 0; i < base->nrows; i++) {
			c = &base->rows[i];
			if (!strcmp(c->mechanism, b->mechanism) && !strcmp(c->state, b->state) &&
			    !strcmp(c->metric, metric) && pc_rrow_measured(c)) {
				s = fabs(c->median);
				break;
			}
		}
	}
	if (!isnan(b->ci_lo) && !isnan(b->ci_hi))
		half = (b->ci_hi - b->ci_lo) / 2;
	return isnan(half) ? s : fmax(s, half);
}

static unsigned long key_seed(const struct pc_rrow *w)
{
	const char *parts[5] = { w->mechanism, w->variant, w->state, w->metric, w->unit };
	unsigned long h = 5381;

	for (int i = 0; i < 5; i++)
		for (const char *s = parts[i]; *s; s++)
			h = h * 33 + (unsigned char)*s;
	return h;
}

static bool exact_backend(const char *backend)
{
	return !strcmp(backend, "elf");
}

/*
 * The raw values of a row. The engine keeps no samples of throughput, a
 * function of cost (1e3 / cost in ns): they are derived from cost's.
 */
static double *values(const struct pc_run *r, const struct pc_rrow *w, size_t *n)
{
	const struct pc_rsamples *s = pc_run_samples(r, w->mechanism, w->variant,
						     w->state, w->metric, w->unit);
	bool derived = false;
	double *v;

	*n = 0;
	if (!s && !strcmp(w->metric, "throughput") && !strcmp(w->unit, "Mevents/s")) {
		s = pc_run_samples(r, w->mechanism, w->variant, w->state, "cost", "ns");
		derived = true;
	}
	if (!s || !s->n)
		return NULL;
	v = malloc(s->n * sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < s->n; i++) {
		if (!derived)
			v[(*n)++] = s->v[i];
		else if (s->v[i] > 0)
			v[(*n)++] = 1e3 / s->v[i];
	}
	return v;
}

/* Test one matched row; fills p, diff, its CI and rel. */
static void test_row(const struct pc_run *base, const struct pc_run *neu, struct cmp *c)
{
	struct pc_mw mw;
	double scale, *vb, *vn;
	size_t nb, nn;

	c->diff = c->n->median - c->b->median;
	c->lo = c->hi = NAN;
	scale = scale_of(base, c->b);
	c->rel = scale > 0 ? 100 * c->diff / scale : (c->diff == 0 ? 0 : INFINITY);
	if (exact_backend(c->b->backend) && exact_backend(c->n->backend)) {
		c->p = c->diff == 0 ? 1 : 0;
		c->lo = c->hi = c->diff;
		c->tested = true;
		return;
	}
	vb = values(base, c->b, &nb);
	vn = values(neu, c->n, &nn);
	if (!nb || !nn) {
		c->v = V_UNTESTED;
		snprintf(c->why, sizeof(c->why), "%s", !nb ?
			 "no samples in base" : "no samples in new");
	} else if (pc_mann_whitney(vb, nb, vn, nn, &mw) != PC_OK) {
		c->v = V_UNTESTED;
		snprintf(c->why, sizeof(c->why), "samples could not be tested");
	} else {
		c->p = mw.p_two;
		c->diff = pc_median(vn, nn) - pc_median(vb, nb);
		c->rel = scale > 0 ? 100 * c->diff / scale : (c->diff == 0 ? 0 : INFINITY);
		pc_boot_median_diff(vb, nb, vn, nn, BOOT_ROUNDS, key_seed(c->b), 0.95,
				    &c->lo, &c->hi);
		c->tested = true;
	}
	free(vb);
	free(vn);
}

static void classify(struct cmp *c, const struct opts *o)
{
	bool rate = strlen(c->b->unit) > 2 &&
		    !strcmp(c->b->unit + strlen(c->b->unit) - 2, "/s");
	bool worse = rate ? c->diff < 0 : c->diff > 0;

	c->noise = noise_row(c->b);
	if (!(c->q < o->alpha) || c->diff == 0)
		c->v = V_SAME;
	else if (c->noise || fabs(c->rel) < o->threshold)
		c->v = V_SHIFT;
	else
		c->v = worse ? V_REGRESSION : V_IMPROVEMENT;
}

static size_t build(const struct pc_run *base, const struct pc_run *neu,
		    const struct opts *o, struct cmp *out)
{
	size_t n = 0, nt = 0;
	double *p, *q;

	for (size_t i = 0; i < base->nrows; i++) {
		const struct pc_rrow *b = &base->rows[i], *m = match(neu, b);
		struct cmp *c = &out[n];

		if (!pc_rrow_measured(b) && (!m || !pc_rrow_measured(m)))
			continue;	/* not measured on either side: nothing to compare */
		memset(c, 0, sizeof(*c));
		c->b = b;
		c->n = m;
		c->q = 1;
		c->v = V_SAME;
		if (!m || !pc_rrow_measured(m)) {
			c->v = V_BASE_ONLY;
			if (m)
				snprintf(c->why, sizeof(c->why), "%.40s in new: %.200s",
					 m->status, m->note);
			else
				snprintf(c->why, sizeof(c->why), "no such row in new");
			c->n = NULL;
		} else if (!pc_rrow_measured(b)) {
			c->v = V_NEW_ONLY;
			snprintf(c->why, sizeof(c->why), "%.40s in base: %.200s", b->status,
				 b->note);
			c->b = NULL;
			c->n = m;
		} else {
			test_row(base, neu, c);
		}
		n++;
	}
	for (size_t i = 0; i < neu->nrows; i++) {
		const struct pc_rrow *m = &neu->rows[i];

		if (pc_rrow_measured(m) && !match(base, m)) {
			memset(&out[n], 0, sizeof(out[n]));
			out[n].n = m;
			out[n].q = 1;
			out[n].v = V_NEW_ONLY;
			snprintf(out[n].why, sizeof(out[n].why), "no such row in base");
			n++;
		}
	}
	p = malloc((n ? n : 1) * sizeof(*p));
	q = malloc((n ? n : 1) * sizeof(*q));
	if (!p || !q) {
		free(p);
		free(q);
		return SIZE_MAX;
	}
	{
		for (size_t i = 0; i < n; i++)
			if (out[i].tested)
				p[nt++] = out[i].p;
		pc_bh_adjust(p, nt, q);
		nt = 0;
		for (size_t i = 0; i < n; i++)
			if (out[i].tested) {
				out[i].q = q[nt++];
				classify(&out[i], o);
			}
	}
	free(p);
	free(q);
	return n;
}

/* ---- output ---- */

static void fnum(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else if (isinf(v))
		snprintf(buf, len, "%sinf", v < 0 ? "-" : "+");
	else
		snprintf(buf, len, "%.4g", v);
}

static void row_name(char *buf, size_t len, const struct pc_rrow *w, bool ktap)
{
	snprintf(buf, len, "%s %s %s %s (%s)", w->mechanism,
		 w->variant[0] ? w->variant : "-", w->state, w->metric,
		 w->unit[0] ? w->unit : "-");
	/* '#' starts a directive in KTAP */
	for (char *s = buf; ktap && *s; s++)
		if (*s == '#')
			*s = '_';
}

static void figures(char *buf, size_t len, const struct cmp *c)
{
	char bm[32], nm[32], d[32], lo[32], hi[32], rel[32], p[32], q[32];

	fnum(bm, sizeof(bm), c->b->median);
	fnum(nm, sizeof(nm), c->n->median);
	fnum(d, sizeof(d), c->diff);
	fnum(lo, sizeof(lo), c->lo);
	fnum(hi, sizeof(hi), c->hi);
	fnum(rel, sizeof(rel), c->rel);
	fnum(p, sizeof(p), c->p);
	fnum(q, sizeof(q), c->q);
	if (!c->tested)
		snprintf(buf, len, "%s -> %s %s; %s", bm, nm, c->b->unit, c->why);
	else
		snprintf(buf, len, "%s -> %s %s: %s%s (%s%s%%), 95%% CI [%s, %s], p=%s q=%s%s",
			 bm, nm, c->b->unit, c->diff > 0 ? "+" : "", d,
			 c->rel > 0 ? "+" : "", rel, lo, hi, p, q,
			 c->noise ? "; a noise floor or reference row" : "");
}

static void print_text(const struct cmp *c, size_t n, const struct opts *o,
		       const struct pc_run *base, const struct pc_run *neu)
{
	size_t count[V_NEW_ONLY + 1] = { 0 };
	char name[512], fig[512];

	printf("base %s (%s)\nnew  %s (%s)\n", base->dir,
	       pc_run_meta(base, "run_id", "?"), neu->dir, pc_run_meta(neu, "run_id", "?"));
	printf("threshold %.4g%%, false discovery rate %.4g\n\n", o->threshold, o->alpha);
	for (size_t i = 0; i < n; i++) {
		const struct pc_rrow *w = c[i].b ? c[i].b : c[i].n;

		count[c[i].v]++;
		if (c[i].v == V_SAME && !o->all)
			continue;
		row_name(name, sizeof(name), w, false);
		if (c[i].v == V_BASE_ONLY || c[i].v == V_NEW_ONLY)
			snprintf(fig, sizeof(fig), "%s", c[i].why);
		else
			figures(fig, sizeof(fig), &c[i]);
		printf("%-12s %s\n             %s\n", verdict_name[c[i].v], name, fig);
	}
	printf("\n%zu rows: %zu regression%s, %zu improvement%s, %zu shifted within the threshold or noise, %zu unchanged, %zu untested, %zu only in base, %zu only in new\n",
	       n, count[V_REGRESSION], count[V_REGRESSION] == 1 ? "" : "s",
	       count[V_IMPROVEMENT], count[V_IMPROVEMENT] == 1 ? "" : "s",
	       count[V_SHIFT], count[V_SAME], count[V_UNTESTED], count[V_BASE_ONLY],
	       count[V_NEW_ONLY]);
}

static void print_ktap(const struct cmp *c, size_t n, const struct opts *o,
		       const struct pc_run *base, const struct pc_run *neu)
{
	char name[512], fig[512];
	size_t fails = 0;

	printf("KTAP version 1\n1..%zu\n", n);
	printf("# base %s (%s), new %s (%s)\n", base->dir, pc_run_meta(base, "run_id", "?"),
	       neu->dir, pc_run_meta(neu, "run_id", "?"));
	printf("# threshold %.4g%%, false discovery rate %.4g (Benjamini-Hochberg)\n",
	       o->threshold, o->alpha);
	for (size_t i = 0; i < n; i++) {
		const struct pc_rrow *w = c[i].b ? c[i].b : c[i].n;

		row_name(name, sizeof(name), w, true);
		switch (c[i].v) {
		case V_BASE_ONLY:
		case V_NEW_ONLY:
			printf("# %s: %s\nok %zu %s # SKIP %s\n", name, c[i].why, i + 1, name,
			       verdict_name[c[i].v]);
			continue;
		case V_UNTESTED:
			printf("ok %zu %s # SKIP %s\n", i + 1, name, c[i].why);
			continue;
		default:
			break;
		}
		figures(fig, sizeof(fig), &c[i]);
		for (char *s = fig; *s; s++)
			if (*s == '#')
				*s = '_';
		printf("# %s: %s\n", verdict_name[c[i].v], fig);
		if (c[i].v == V_REGRESSION)
			fails++;
		printf("%sok %zu %s\n", c[i].v == V_REGRESSION ? "not " : "", i + 1, name);
	}
	printf("# totals: %zu rows, %zu regression%s\n", n, fails, fails == 1 ? "" : "s");
}

static int parse_pct(const char *arg, double lo, double hi, bool open_lo,
		     bool open_hi, const char *opt, double *out)
{
	double v;

	if (pc_parse_dbl(arg, &v) != PC_OK || isnan(v) || (open_lo ? v <= lo : v < lo) ||
	    (open_hi ? v >= hi : v > hi))
		return pc_usage_error("compare", "%s '%s': expected a number in %s%g, %g%s",
				      opt, arg, open_lo ? "(" : "[", lo, hi, open_hi ? ")" : "]");
	*out = v;
	return PC_OK;
}

/* Compare the two runs argv names and print the rows; count regressions. */
static int compare_main(int argc, char **argv, size_t *regressions)
{
	static const struct option lo[] = {
		{ "threshold", required_argument, NULL, 't' },
		{ "alpha", required_argument, NULL, 'a' },
		{ "ktap", no_argument, NULL, 'k' },
		{ "all", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { DEFAULT_THRESHOLD, DEFAULT_ALPHA, false, false };
	struct pc_run base, neu;
	struct cmp *rows;
	size_t n;
	int c, ret = PC_OK;

	opterr = 0;
	optind = 1;
	while (ret == PC_OK && (c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		switch (c) {
		case 't':
			ret = parse_pct(optarg, 0, 1000, false, false, "--threshold", &o.threshold);
			break;
		case 'a':
			ret = parse_pct(optarg, 0, 1, true, true, "--alpha", &o.alpha);
			break;
		case 'k':
			o.ktap = true;
			break;
		case 'A':
			o.all = true;
			break;
		case 'h':
			compare_usage(stdout);
			return PC_OK;
		default:
			ret = pc_opt_bad("compare", lo, argv, optind, optopt, c);
			break;
		}
	}
	if (ret != PC_OK)
		return ret;
	if (argc - optind != 2)
		return pc_usage_error("compare", "expected BASE_DIR NEW_DIR, got %d argument%s; see probecost compare --help",
				      argc - optind, argc - optind == 1 ? "" : "s");
	ret = pc_run_load_cmd("compare", "base", argv[optind], PC_RUN_SAMPLES, &base);
	if (ret != PC_OK)
		return ret;
	ret = pc_run_load_cmd("compare", "new", argv[optind + 1], PC_RUN_SAMPLES, &neu);
	if (ret != PC_OK) {
		pc_run_free(&base);
		return ret;
	}
	/* a torn run compares, but nobody should mistake its gaps for results */
	if (pc_run_incomplete(&base))
		fprintf(stderr, "probecost compare: warning: base run %s was %s\n", base.dir,
			pc_run_incomplete(&base));
	if (pc_run_incomplete(&neu))
		fprintf(stderr, "probecost compare: warning: new run %s was %s\n", neu.dir,
			pc_run_incomplete(&neu));
	rows = calloc(base.nrows + neu.nrows + 1, sizeof(*rows));
	if (!rows) {
		pc_run_free(&base);
		pc_run_free(&neu);
		return PC_ERR_NOMEM;
	}
	n = build(&base, &neu, &o, rows);
	if (n == SIZE_MAX) {
		fprintf(stderr, "probecost compare: out of memory\n");
		free(rows);
		pc_run_free(&base);
		pc_run_free(&neu);
		return PC_ERR_NOMEM;
	}
	if (o.ktap)
		print_ktap(rows, n, &o, &base, &neu);
	else
		print_text(rows, n, &o, &base, &neu);
	for (size_t i = 0; i < n; i++)
		*regressions += rows[i].v == V_REGRESSION;
	free(rows);
	pc_run_free(&base);
	pc_run_free(&neu);
	return PC_OK;
}

int cmd_compare(int argc, char **argv)
{
	size_t regressions = 0;
	int ret = compare_main(argc, argv, &regressions);

	if (ret == PC_OK && regressions)
		return PC_EXIT_REGRESSION;
	return pc_exit_status(ret);
}
