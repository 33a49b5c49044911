// SPDX-License-Identifier: MIT
/*
 * `probecost compare BASE NEW`: which figures changed between two runs,
 * and is any change a regression a nightly job should fail on?
 *
 * First the runs themselves (reports/comparable.h): an incomplete run,
 * another CPU, timer or payload is refused (exit 2) unless overridden;
 * other repeats, kernels or counters are warned about in the first
 * lines (and as a skipped KTAP test).
 *
 * Rows are matched on (mechanism, tracer, variant, state, metric, unit):
 * a different variant (a kprobe no longer optimized) or tracer is a
 * different row, listed as present on one side only. A run written before
 * the tracer axis (no tracer column) is matched without it. For a matched row:
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
 *                 sign; never less than the base row's CI half-width or
 *                 the absolute floor.
 *   floor         what runs cannot resolve, in the row's unit: the step
 *                 between distinct sample values (a timer tick for
 *                 single-event rows); --cycles CPU cycles for rows in ns
 *                 (between two processes the layout of code and data
 *                 moves a site's cost by up to about a cycle: user-branch
 *                 disabled measured -0.35 ns in one run and +0.30 ns in
 *                 another, each with a CI of +-0.1 ns); and, for overhead
 *                 rows, the CI width of the mechanism's noise-floor row
 *                 (absent' minus absent). A change inside it is never
 *                 practical.
 *   margin        max(--threshold percent of the scale, the floor).
 *   direction     higher is worse, except rates (unit ".../s").
 *
 * A row is worse (better) when q < alpha and the whole CI of the change
 * lies beyond the margin on the worse (better) side: a CI containing 0
 * is never a regression. A worse row is a regression only when its
 * metric is gated (--gate; by default the overhead rows, the product),
 * and never for noise-floor rows; worse ungated rows are reported.
 */
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "comparable.h"
#include "doc.h"
#include "errors.h"
#include "opts.h"
#include "ranktest.h"
#include "rundir.h"

#define DEFAULT_THRESHOLD 5.0
#define DEFAULT_CYCLES 1.0
#define DEFAULT_ALPHA 0.05
#define DEFAULT_GATE "overhead,disabled-overhead"
#define BOOT_ROUNDS 1000
#define MAX_GATE 16

static void compare_usage(FILE *f)
{
	fprintf(f, "usage: probecost compare [options] BASE_DIR NEW_DIR\n\n"
		   "Checks that the two runs can be compared (meta.csv), matches their\n"
		   "rows on (mechanism, tracer, variant, state, metric, unit), tests every change\n"
		   "on the raw samples (Mann-Whitney U, Benjamini-Hochberg adjusted;\n"
		   "bootstrap 95%% CI of the difference of medians) and calls a gated row\n"
		   "a regression when the change is significant and its whole CI lies\n"
		   "beyond the margin for the worse. The margin is the larger of\n"
		   "--threshold percent of the row's scale (its state's cost for overhead\n"
		   "rows) and an absolute floor: the row's timer step, --cycles CPU\n"
		   "cycles for rows in ns, and for overhead rows the CI width of the\n"
		   "mechanism's noise-floor row.\n\n"
		   "  --gate WHAT      rows that can fail the compare: 'overhead' (default:\n"
		   "                   metrics %s), 'all', or a comma\n"
		   "                   list of metrics (first-hit,arm-latency,...); other\n"
		   "                   rows are tested and reported, never fail\n"
		   "  --threshold PCT  practical margin in percent of the row's scale\n"
		   "                   (default %.0f; 0..1000)\n"
		   "  --cycles C       floor in CPU cycles per event for rows in ns\n"
		   "                   (default %.0f; 0..1000): a new process's layout\n"
		   "                   moves a site's cost by about a cycle between runs\n"
		   "  --alpha A        false discovery rate for significance (default\n"
		   "                   %.2f; 0 < A < 1)\n"
		   "  --force          compare runs of another CPU, timer or payload\n"
		   "  --allow-partial  compare an interrupted or failed run\n"
		   "  --ktap           KTAP v1: one test per row, figures in # lines\n"
		   "  --verbose        every changed, untested and one-sided row in detail\n"
		   "  --all            --verbose, and unchanged rows too\n"
		   "  --help           this text\n\n"
		   "Runs that differ in repeats, --quick, kernel, guest kernel or counters\n"
		   "are compared with a warning in the first lines (KTAP: a skipped\n"
		   "test 'comparable runs').\n\n"
		   "Exit status: 0 no regression, 1 regression, 2 usage error, a missing,\n"
		   "malformed or foreign input file (named with file:line), or runs that\n"
		   "cannot be compared (another CPU, timer or payload; an incomplete run).\n",
		DEFAULT_GATE, DEFAULT_THRESHOLD, DEFAULT_CYCLES, DEFAULT_ALPHA);
}

enum verdict {
	V_REGRESSION,
	V_WORSE,	/* worse beyond the margin, but the metric is not gated */
	V_IMPROVEMENT,
	V_SHIFT,	/* significant but within the margin, or a noise row */
	V_SAME,
	V_UNTESTED,	/* matched, but no samples to test */
	V_BASE_ONLY,
	V_NEW_ONLY,
};

static const char *const verdict_name[] = {
	[V_REGRESSION] = "REGRESSION",
	[V_WORSE] = "worse (not gated)",
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
	double scale, floor, margin;	/* in the row's unit */
	bool tested, noise, gated;
	char why[256];		/* one-sided or untested: the reason */
};

struct opts {
	double threshold, alpha, cycles;
	double cycle_ns;	/* one CPU cycle in ns (base's tsc_mhz), 0 unknown */
	bool ktap, all, verbose, force, allow_partial, gate_all;
	bool by_tracer;		/* both runs have the tracer column */
	char gate_buf[256];
	const char *gate[MAX_GATE];
	size_t ngate;
};

static bool same_key(const struct pc_rrow *a, const struct pc_rrow *b,
		     bool by_tracer)
{
	return !strcmp(a->mechanism, b->mechanism) &&
	       (!by_tracer || !strcmp(a->tracer, b->tracer)) &&
	       !strcmp(a->variant, b->variant) &&
	       !strcmp(a->state, b->state) && !strcmp(a->metric, b->metric) &&
	       !strcmp(a->unit, b->unit);
}

static const struct pc_rrow *match(const struct pc_run *r, const struct pc_rrow *k,
				   bool by_tracer)
{
	for (size_t i = 0; i < r->nrows; i++)
		if (same_key(&r->rows[i], k, by_tracer))
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
			if (!strcmp(c->mechanism, b->mechanism) && !strcmp(c->tracer, b->tracer) &&
			    !strcmp(c->state, b->state) && !strcmp(c->metric, metric) &&
			    pc_rrow_measured(c)) {
				s = fabs(c->median);
				break;
			}
		}
	}
	if (!isnan(b->ci_lo) && !isnan(b->ci_hi))
		half = (b->ci_hi - b->ci_lo) / 2;
	return isnan(half) ? s : fmax(s, half);
}

/*
 * CI width of the noise-floor row that goes with overhead row @w in run
 * @r (absent' minus absent of the same mechanism: how far apart two
 * identical sites measure), or 0 when there is none. Any tracer's: the
 * absent twin is the site's, whichever entry measured it.
 */
static double noise_width(const struct pc_run *r, const struct pc_rrow *w)
{
	const char *metric = w->metric;
	const struct pc_rrow *f;

	if (!overhead_like(w->metric))
		return 0;
	if (!strcmp(w->metric, "disabled-overhead"))
		metric = "disabled-noise";
	for (size_t i = 0; i < r->nrows; i++) {
		f = &r->rows[i];
		if (!strcmp(f->mechanism, w->mechanism) && !strcmp(f->state, "absent") &&
		    !strcmp(f->metric, metric) && !strcmp(f->unit, w->unit) &&
		    pc_rrow_measured(f) && !isnan(f->ci_lo) && !isnan(f->ci_hi))
			return f->ci_hi - f->ci_lo;
	}
	return 0;
}

static int cmp_dbl(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

/*
 * The smallest step between distinct values of one run's samples: the
 * timer's tick for rows of one event (first-hit, latencies: 10 ns on a
 * VM whose clock steps so), negligible for per-event costs of a million
 * events. Taken per run, because each run calibrates its own tick
 * (30.0567 ns in one run is 30.0561 ns in the next), and pooled the two
 * would show a step of 0.0006 ns that no run can resolve. The caller
 * adds 1% so that one step measured with two calibrations stays inside.
 */
static double resolution(const double *x, size_t n)
{
	double *v = malloc((n ? n : 1) * sizeof(*v)), step = 0;

	if (!v)
		return 0;
	memcpy(v, x, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_dbl);
	for (size_t i = 1; i < n; i++) {
		double d = v[i] - v[i - 1];

		/* below 1e-9 of the value: the same tick printed twice */
		if (d > 1e-9 * fabs(v[i]) && (step == 0 || d < step))
			step = d;
	}
	free(v);
	return step;
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
	const struct pc_rsamples *s = pc_run_samples(r, w->mechanism, w->tracer, w->variant,
						     w->state, w->metric, w->unit);
	bool derived = false;
	double *v;

	*n = 0;
	if (!s && !strcmp(w->metric, "throughput") && !strcmp(w->unit, "Mevents/s")) {
		s = pc_run_samples(r, w->mechanism, w->tracer, w->variant, w->state,
				   "cost", "ns");
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

static void set_margin(struct cmp *c, const struct opts *o)
{
	c->scale = fmax(c->scale, c->floor);
	c->margin = fmax(o->threshold / 100 * c->scale, c->floor);
	c->rel = c->scale > 0 ? 100 * c->diff / c->scale : (c->diff == 0 ? 0 : INFINITY);
}

/* Test one matched row; fills p, diff, its CI, the margin and rel. */
static void test_row(const struct pc_run *base, const struct pc_run *neu,
		     const struct opts *o, struct cmp *c)
{
	struct pc_mw mw;
	double *vb, *vn;
	size_t nb, nn;

	c->diff = c->n->median - c->b->median;
	c->lo = c->hi = NAN;
	c->scale = scale_of(base, c->b);
	c->floor = 0;
	set_margin(c, o);
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
		c->floor = fmax(1.01 * fmax(resolution(vb, nb), resolution(vn, nn)),
				fmax(noise_width(base, c->b), noise_width(neu, c->n)));
		if (!strcmp(c->b->unit, "ns"))
			c->floor = fmax(c->floor, o->cycles * o->cycle_ns);
		set_margin(c, o);
		pc_boot_median_diff(vb, nb, vn, nn, BOOT_ROUNDS, key_seed(c->b), 0.95,
				    &c->lo, &c->hi);
		c->tested = true;
	}
	free(vb);
	free(vn);
}

static bool gated(const struct opts *o, const char *metric)
{
	for (size_t i = 0; i < o->ngate; i++)
		if (!strcmp(o->gate[i], metric))
			return true;
	return o->gate_all;
}

/*
 * Worse or better only when significant and the whole CI of the change
 * lies beyond the margin: a CI that reaches into the margin (or holds 0)
 * is a shift at most, whatever the point estimate.
 */
static void classify(struct cmp *c, const struct opts *o)
{
	bool rate = strlen(c->b->unit) > 2 &&
		    !strcmp(c->b->unit + strlen(c->b->unit) - 2, "/s");
	bool up = c->lo > c->margin, down = c->hi < -c->margin;
	bool worse = rate ? down : up, better = rate ? up : down;

	c->noise = noise_row(c->b);
	c->gated = gated(o, c->b->metric) && !c->noise;
	if (!(c->q < o->alpha) || c->diff == 0)
		c->v = V_SAME;
	else if (c->noise || (!worse && !better))
		c->v = V_SHIFT;
	else if (worse)
		c->v = c->gated ? V_REGRESSION : V_WORSE;
	else
		c->v = V_IMPROVEMENT;
}

static size_t build(const struct pc_run *base, const struct pc_run *neu,
		    const struct opts *o, struct cmp *out)
{
	size_t n = 0, nt = 0;
	double *p, *q;

	for (size_t i = 0; i < base->nrows; i++) {
		const struct pc_rrow *b = &base->rows[i], *m = match(neu, b, o->by_tracer);
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
			test_row(base, neu, o, c);
		}
		n++;
	}
	for (size_t i = 0; i < neu->nrows; i++) {
		const struct pc_rrow *m = &neu->rows[i];

		if (pc_rrow_measured(m) && !match(base, m, o->by_tracer)) {
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

/* Whether a row's name shows its tracer: not for "-" (none) or "?" (an old run's). */
static bool tracer_word(const struct pc_rrow *w)
{
	return strcmp(w->tracer, "-") && strcmp(w->tracer, "?");
}

static void row_name(char *buf, size_t len, const struct pc_rrow *w, bool ktap)
{
	snprintf(buf, len, "%s%s%s %s %s %s (%s)", w->mechanism, tracer_word(w) ? " " : "",
		 tracer_word(w) ? w->tracer : "", w->variant[0] ? w->variant : "-", w->state, w->metric,
		 w->unit[0] ? w->unit : "-");
	/* '#' starts a directive in KTAP */
	for (char *s = buf; ktap && *s; s++)
		if (*s == '#')
			*s = '_';
}

/* "median [lo, hi]" of a loaded row */
static void with_ci(char *buf, size_t len, const struct pc_rrow *w)
{
	char m[32], lo[32], hi[32];

	fnum(m, sizeof(m), w->median);
	fnum(lo, sizeof(lo), w->ci_lo);
	fnum(hi, sizeof(hi), w->ci_hi);
	snprintf(buf, len, "%s [%s, %s]", m, lo, hi);
}

/* A compared row's figures, formatted once for every line that shows them. */
struct cmp_text {
	char bm[112], nm[112];	/* base and new: median [CI] */
	char d[32], lo[32], hi[32], rel[32], p[32], q[32], mg[32], fl[32], sc[32];
};

static void cmp_text(struct cmp_text *t, const struct cmp *c)
{
	with_ci(t->bm, sizeof(t->bm), c->b);
	with_ci(t->nm, sizeof(t->nm), c->n);
	fnum(t->d, sizeof(t->d), c->diff);
	fnum(t->lo, sizeof(t->lo), c->lo);
	fnum(t->hi, sizeof(t->hi), c->hi);
	fnum(t->rel, sizeof(t->rel), c->rel);
	fnum(t->p, sizeof(t->p), c->p);
	fnum(t->q, sizeof(t->q), c->q);
	fnum(t->mg, sizeof(t->mg), c->margin);
	fnum(t->fl, sizeof(t->fl), c->floor);
	fnum(t->sc, sizeof(t->sc), c->scale);
}

static void figures(char *buf, size_t len, const struct cmp *c)
{
	struct cmp_text t;

	cmp_text(&t, c);
	if (!c->tested)
		snprintf(buf, len, "%s -> %s %s; %s", t.bm, t.nm, c->b->unit, c->why);
	else
		snprintf(buf, len, "%s -> %s %s: %s%s (%s%s%%), 95%% CI [%s, %s], margin %s, p=%s q=%s%s",
			 t.bm, t.nm, c->b->unit, c->diff > 0 ? "+" : "", t.d,
			 c->rel > 0 ? "+" : "", t.rel, t.lo, t.hi, t.mg, t.p, t.q,
			 c->noise ? "; a noise floor or reference row" : "");
}

/*
 * The default text's width: its lines are wrapped within it (a path or a
 * long variant may still overrun). --verbose and --ktap are not wrapped.
 */
#define TEXT_WIDTH 72

/* printf() into one line, then wrapped within TEXT_WIDTH, continued after @cont. */
static void wrapped(const char *cont, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void wrapped(const char *cont, const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pc_doc_put_wrapped(stdout, "", cont, line, TEXT_WIDTH);
}

/* What regressed, by how much, and why that counts; wrapped under the mechanism. */
static void regression_line(const struct cmp *c, const struct opts *o)
{
	const struct pc_rrow *w = c->b;
	struct cmp_text t;

	cmp_text(&t, c);
	wrapped("           ",
		"%-10s %s%s%s %s %s: %s -> %s %s, %s%s (%s%s%% of scale %s); change CI [%s, %s] beyond margin %s (%s: %.4g%% of scale, floor %s), q=%s",
		verdict_name[c->v], w->mechanism, tracer_word(w) ? " " : "",
		tracer_word(w) ? w->tracer : "", w->state, w->metric, t.bm, t.nm, w->unit,
		c->diff > 0 ? "+" : "", t.d, c->rel > 0 ? "+" : "", t.rel, t.sc, t.lo, t.hi,
		t.mg, c->margin > c->floor ? "threshold" : "floor", o->threshold, t.fl, t.q);
}

/* Regressions first, the largest relative change first. */
static int by_severity(const void *x, const void *y)
{
	const struct cmp *a = *(const struct cmp *const *)x, *b = *(const struct cmp *const *)y;
	double ra = fabs(a->rel), rb = fabs(b->rel);

	if (a->v != b->v)
		return (int)a->v - (int)b->v;
	return (ra < rb) - (ra > rb);
}

static void gate_text(char *buf, size_t len, const struct opts *o)
{
	size_t l = 0;

	if (o->gate_all) {
		snprintf(buf, len, "all rows");
		return;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < o->ngate && l < len; i++)
		l += (size_t)snprintf(buf + l, len - l, "%s%s", i ? "," : "", o->gate[i]);
}

static void print_text(const struct cmp *c, size_t n, const struct opts *o,
		       const struct pc_run *base, const struct pc_run *neu,
		       const struct pc_comparable *cmp)
{
	size_t count[V_NEW_ONLY + 1] = { 0 }, ngated = 0;
	const struct cmp **order = malloc((n ? n : 1) * sizeof(*order));
	char name[512], fig[768], gate[256];

	for (size_t i = 0; i < cmp->nwarn; i++)
		wrapped("  ", "warning: runs differ: %s", cmp->warn[i]);
	for (size_t i = 0; i < n; i++) {
		count[c[i].v]++;
		ngated += c[i].tested && c[i].gated;
	}
	gate_text(gate, sizeof(gate), o);
	if (count[V_REGRESSION])
		wrapped("  ", "verdict: REGRESSION: %zu of %zu gated row%s worse beyond the margin (gate: %s)",
			count[V_REGRESSION], ngated, ngated == 1 ? "" : "s", gate);
	else
		wrapped("  ", "verdict: no regression in %zu gated row%s (gate: %s)", ngated,
			ngated == 1 ? "" : "s", gate);
	if (order) {
		for (size_t i = 0; i < n; i++)
			order[i] = &c[i];
		qsort(order, n, sizeof(*order), by_severity);
		for (size_t i = 0; i < n && order[i]->v == V_REGRESSION; i++)
			regression_line(order[i], o);
	}
	wrapped("  ", "%zu row%s: %zu regression%s, %zu worse but not gated, %zu improvement%s, %zu unchanged (%zu of them shifted within the margin), %zu untested, %zu one-sided (%zu only in base, %zu only in new)",
		n, n == 1 ? "" : "s", count[V_REGRESSION], count[V_REGRESSION] == 1 ? "" : "s",
		count[V_WORSE], count[V_IMPROVEMENT], count[V_IMPROVEMENT] == 1 ? "" : "s",
		count[V_SAME] + count[V_SHIFT], count[V_SHIFT], count[V_UNTESTED],
		count[V_BASE_ONLY] + count[V_NEW_ONLY], count[V_BASE_ONLY], count[V_NEW_ONLY]);
	wrapped("  ", "base %s (%s), new %s (%s); threshold %.4g%%, false discovery rate %.4g",
		base->dir, pc_run_meta(base, "run_id", "?"), neu->dir,
		pc_run_meta(neu, "run_id", "?"), o->threshold, o->alpha);
	if (!o->verbose) {
		if (n > count[V_SAME] + count[V_REGRESSION])
			printf("(--verbose: every changed, untested and one-sided row)\n");
		free(order);
		return;
	}
	printf("\n");
	for (size_t i = 0; order && i < n; i++) {
		const struct cmp *r = order[i];
		const struct pc_rrow *w = r->b ? r->b : r->n;

		if (r->v == V_SAME && !o->all)
			continue;
		row_name(name, sizeof(name), w, false);
		if (r->v == V_BASE_ONLY || r->v == V_NEW_ONLY)
			snprintf(fig, sizeof(fig), "%s", r->why);
		else
			figures(fig, sizeof(fig), r);
		printf("%-12s %s\n             %s\n", verdict_name[r->v], name, fig);
	}
	free(order);
}

static void print_ktap(const struct cmp *c, size_t n, const struct opts *o,
		       const struct pc_run *base, const struct pc_run *neu,
		       const struct pc_comparable *cmp)
{
	char name[512], fig[768], gate[256];
	size_t fails = 0, t = 0;

	gate_text(gate, sizeof(gate), o);
	printf("KTAP version 1\n1..%zu\n", n + (cmp->nwarn ? 1 : 0));
	printf("# base %s (%s), new %s (%s)\n", base->dir, pc_run_meta(base, "run_id", "?"),
	       neu->dir, pc_run_meta(neu, "run_id", "?"));
	printf("# gate %s; threshold %.4g%%, false discovery rate %.4g (Benjamini-Hochberg)\n",
	       gate, o->threshold, o->alpha);
	if (cmp->nwarn) {
		for (size_t i = 0; i < cmp->nwarn; i++)
			printf("# warning: runs differ: %s\n", cmp->warn[i]);
		printf("ok %zu comparable runs # SKIP runs differ in %zu setting%s (see above)\n",
		       ++t, cmp->nwarn, cmp->nwarn == 1 ? "" : "s");
	}
	for (size_t i = 0; i < n; i++) {
		const struct pc_rrow *w = c[i].b ? c[i].b : c[i].n;

		row_name(name, sizeof(name), w, true);
		t++;
		switch (c[i].v) {
		case V_BASE_ONLY:
		case V_NEW_ONLY:
			printf("# %s: %s\nok %zu %s # SKIP %s\n", name, c[i].why, t, name,
			       verdict_name[c[i].v]);
			continue;
		case V_UNTESTED:
			printf("ok %zu %s # SKIP %s\n", t, name, c[i].why);
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
		printf("%sok %zu %s\n", c[i].v == V_REGRESSION ? "not " : "", t, name);
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

/*
 * --gate: "overhead" (the default set), "all", or metrics separated by
 * commas. Names are not checked against a list (rows of newer metrics
 * pass through), but they must look like metric names.
 */
static int parse_gate(const char *arg, struct opts *o)
{
	char *tok, *save = NULL;

	o->gate_all = !strcmp(arg, "all");
	o->ngate = 0;
	if (o->gate_all)
		return PC_OK;
	if (!strcmp(arg, "overhead"))
		arg = DEFAULT_GATE;
	if (strlen(arg) >= sizeof(o->gate_buf) || !arg[0] ||
	    strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_,") !=
	    strlen(arg))
		return pc_usage_error("compare", "--gate '%s': expected overhead, all, or metric names separated by commas (e.g. overhead,first-hit)",
				      arg);
	snprintf(o->gate_buf, sizeof(o->gate_buf), "%s", arg);
	for (tok = strtok_r(o->gate_buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (o->ngate == MAX_GATE)
			return pc_usage_error("compare", "--gate '%s': at most %d metrics; use --gate all",
					      arg, MAX_GATE);
		o->gate[o->ngate++] = tok;
	}
	if (!o->ngate)
		return pc_usage_error("compare", "--gate '%s': no metric named", arg);
	return PC_OK;
}

/* Compare the two runs argv names and print the rows; count regressions. */
static int compare_main(int argc, char **argv, size_t *regressions)
{
	static const struct option lo[] = {
		{ "threshold", required_argument, NULL, 't' },
		{ "alpha", required_argument, NULL, 'a' },
		{ "gate", required_argument, NULL, 'g' },
		{ "cycles", required_argument, NULL, 'c' },
		{ "force", no_argument, NULL, 'f' },
		{ "allow-partial", no_argument, NULL, 'p' },
		{ "ktap", no_argument, NULL, 'k' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "all", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .threshold = DEFAULT_THRESHOLD, .alpha = DEFAULT_ALPHA,
			  .cycles = DEFAULT_CYCLES };
	struct pc_comparable cmp;
	struct pc_run base, neu;
	struct cmp *rows;
	size_t n;
	int c, ret = parse_gate(DEFAULT_GATE, &o);

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
		case 'g':
			ret = parse_gate(optarg, &o);
			break;
		case 'c':
			ret = parse_pct(optarg, 0, 1000, false, false, "--cycles", &o.cycles);
			break;
		case 'f':
			o.force = true;
			break;
		case 'p':
			o.allow_partial = true;
			break;
		case 'k':
			o.ktap = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'A':
			o.all = o.verbose = true;
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
	o.by_tracer = base.has_tracer && neu.has_tracer;
	ret = pc_comparable_check(&base, &neu, o.force, o.allow_partial, &cmp);
	if (ret != PC_OK) {
		for (size_t i = 0; i < cmp.nrefuse; i++)
			fprintf(stderr, "probecost compare: cannot compare: %s\n", cmp.refuse[i]);
		pc_run_free(&base);
		pc_run_free(&neu);
		return ret;
	}
	{
		double mhz = strtod(pc_run_meta(&base, "tsc_mhz", "0"), NULL);

		o.cycle_ns = mhz > 0 && !strcmp(pc_run_meta(&base, "timer_unit", ""), "ns") ?
			     1e3 / mhz : 0;
	}
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
	/*
	 * A gate that tested nothing has not passed: when the runs have
	 * gated rows but share none (other mechanisms or states), "no
	 * regression" would be a verdict on nothing.
	 */
	{
		size_t ngated = 0, any = 0;

		for (size_t i = 0; i < n; i++) {
			const struct pc_rrow *r = rows[i].b ? rows[i].b : rows[i].n;

			ngated += rows[i].tested && rows[i].gated;
			any += r && gated(&o, r->metric) && !noise_row(r);
		}
		if (any && !ngated) {
			fprintf(stderr, "probecost compare: the runs share no gated row that could be tested (%s and %s): nothing was compared; compare runs of the same mechanisms and states, or widen --gate\n",
				base.dir, neu.dir);
			free(rows);
			pc_run_free(&base);
			pc_run_free(&neu);
			return PC_ERR_INVAL;
		}
	}
	if (o.ktap)
		print_ktap(rows, n, &o, &base, &neu, &cmp);
	else
		print_text(rows, n, &o, &base, &neu, &cmp);
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
