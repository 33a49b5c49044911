// SPDX-License-Identifier: MIT
/* Mann-Whitney U, bootstrap CI of a median difference, Benjamini-Hochberg. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "errors.h"
#include "ranktest.h"

/* Below this many values per side a constant sample may be chance. */
#define CONSTANT_MIN_N 5

struct ranked {
	double v;
	int from_b;
};

static int cmp_ranked(const void *x, const void *y)
{
	const struct ranked *a = x, *b = y;

	return (a->v > b->v) - (a->v < b->v);
}

static int has_nan(const double *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (isnan(x[i]))
			return 1;
	return 0;
}

static int constant(const double *x, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (x[i] != x[0])
			return 0;
	return 1;
}

/*
 * Exact null distribution of U for sizes (m, n) without ties: the
 * coefficients of the Gaussian binomial [m+n choose m]_q, built as
 * prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i). Long double holds
 * C(40, 20) exactly.
 */
static int exact_tails(size_t m, size_t n, double u, double *ge, double *le)
{
	size_t deg = m * n, cap = m * n + m + 1, d = 0;
	long double *c = calloc(cap, sizeof(*c)), total = 0, sge = 0, sle = 0;

	if (!c)
		return PC_ERR_NOMEM;
	c[0] = 1;
	for (size_t i = 1; i <= m; i++) {
		size_t s = n + i;

		for (size_t k = d + s; k >= s; k--)
			c[k] -= c[k - s];
		d += s;
		for (size_t k = i; k <= d; k++)
			c[k] += c[k - i];
		d -= i;
	}
	for (size_t k = 0; k <= deg; k++) {
		total += c[k];
		if ((double)k >= u)
			sge += c[k];
		if ((double)k <= u)
			sle += c[k];
	}
	*ge = (double)(sge / total);
	*le = (double)(sle / total);
	free(c);
	return PC_OK;
}

int pc_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
		    struct pc_mw *out)
{
	size_t n = na + nb, i = 0;
	struct ranked *r;
	double rank_b = 0, ties = 0, mu, sigma, nn = (double)n;
	int ret = PC_OK;

	memset(out, 0, sizeof(*out));
	out->p_greater = out->p_less = out->p_two = 1.0;
	if (!na || !nb || has_nan(a, na) || has_nan(b, nb))
		return PC_ERR_INVAL;
	if (na >= CONSTANT_MIN_N && nb >= CONSTANT_MIN_N && constant(a, na) &&
	    constant(b, nb)) {
		out->exact = 1;
		out->u = b[0] > a[0] ? (double)(na * nb) :
			 b[0] < a[0] ? 0 : (double)(na * nb) / 2;
		out->p_greater = b[0] > a[0] ? 0 : 1;
		out->p_less = b[0] < a[0] ? 0 : 1;
		out->p_two = b[0] != a[0] ? 0 : 1;
		return PC_OK;
	}
	r = malloc(n * sizeof(*r));
	if (!r)
		return PC_ERR_NOMEM;
	for (size_t k = 0; k < na; k++)
		r[k] = (struct ranked){ a[k], 0 };
	for (size_t k = 0; k < nb; k++)
		r[na + k] = (struct ranked){ b[k], 1 };
	qsort(r, n, sizeof(*r), cmp_ranked);
	/* mid-ranks over runs of equal values */
	while (i < n) {
		size_t j = i;
		double t, mid;

		while (j + 1 < n && r[j + 1].v == r[i].v)
			j++;
		t = (double)(j - i + 1);
		mid = ((double)i + (double)j) / 2.0 + 1.0;
		for (size_t k = i; k <= j; k++)
			if (r[k].from_b)
				rank_b += mid;
		ties += t * t * t - t;
		i = j + 1;
	}
	free(r);
	out->u = rank_b - (double)nb * ((double)nb + 1.0) / 2.0;

	if (ties == 0 && n <= PC_MW_EXACT_MAX) {
		ret = exact_tails(nb, na, out->u, &out->p_greater, &out->p_less);
		out->exact = 1;
	} else {
		mu = (double)na * (double)nb / 2.0;
		sigma = sqrt((double)na * (double)nb / 12.0 *
			     ((nn + 1.0) - ties / (nn * (nn - 1.0))));
		if (sigma > 0) {
			out->p_greater = gsl_cdf_ugaussian_Q((out->u - mu - 0.5) / sigma);
			out->p_less = gsl_cdf_ugaussian_P((out->u - mu + 0.5) / sigma);
		}
	}
	out->p_two = fmin(1.0, 2.0 * fmin(out->p_greater, out->p_less));
	return ret;
}

double pc_median(const double *x, size_t n)
{
	double *s, m;

	if (!n)
		return NAN;
	s = malloc(n * sizeof(*s));
	if (!s)
		return NAN;
	memcpy(s, x, n * sizeof(*s));
	m = gsl_stats_median(s, 1, n);
	free(s);
	return m;
}

/*
 * Median of a resample of sorted @x drawn with replacement: count how
 * often each rank is drawn, then walk the counts to the middle rank(s).
 * Order statistics of the resample are ranks of @x, so no sort is needed.
 */
static double resample_median(gsl_rng *rng, const double *x, size_t n,
			      unsigned int *count)
{
	size_t lo = (n - 1) / 2, hi = n / 2, seen = 0, i = 0;
	double a = NAN;

	memset(count, 0, n * sizeof(*count));
	for (size_t k = 0; k < n; k++)
		count[gsl_rng_uniform_int(rng, n)]++;
	for (;; i++) {
		if (isnan(a) && seen + count[i] > lo)
			a = x[i];
		seen += count[i];
		if (seen > hi)
			return (a + x[i]) / 2;
	}
}

static double *sorted_copy(const double *x, size_t n)
{
	double *s = malloc(n * sizeof(*s));

	if (s) {
		memcpy(s, x, n * sizeof(*s));
		gsl_sort(s, 1, n);
	}
	return s;
}

int pc_boot_median_diff(const double *a, size_t na, const double *b,
			size_t nb, unsigned int rounds, unsigned long seed,
			double conf, double *lo, double *hi)
{
	double *sa = NULL, *sb = NULL, *d = NULL;
	unsigned int *count = NULL;
	gsl_rng *rng = NULL;
	int ret = PC_ERR_NOMEM;

	*lo = *hi = NAN;
	if (!na || !nb || rounds < 2 || conf <= 0 || conf >= 1 ||
	    has_nan(a, na) || has_nan(b, nb))
		return PC_ERR_INVAL;
	sa = sorted_copy(a, na);
	sb = sorted_copy(b, nb);
	count = malloc((na > nb ? na : nb) * sizeof(*count));
	d = malloc(rounds * sizeof(*d));
	rng = gsl_rng_alloc(gsl_rng_taus2);
	if (!sa || !sb || !count || !d || !rng)
		goto out;
	gsl_rng_set(rng, seed);
	for (unsigned int r = 0; r < rounds; r++) {
		double ma = resample_median(rng, sa, na, count);

		d[r] = resample_median(rng, sb, nb, count) - ma;
	}
	gsl_sort(d, 1, rounds);
	*lo = gsl_stats_quantile_from_sorted_data(d, 1, rounds, (1 - conf) / 2);
	*hi = gsl_stats_quantile_from_sorted_data(d, 1, rounds, (1 + conf) / 2);
	ret = PC_OK;
out:
	free(sa);
	free(sb);
	free(count);
	free(d);
	if (rng)
		gsl_rng_free(rng);
	return ret;
}

int pc_bh_adjust(const double *p, size_t n, double *q)
{
	size_t *idx;
	double run = 1.0;

	if (!n)
		return PC_OK;
	idx = malloc(n * sizeof(*idx));
	if (!idx)
		return PC_ERR_NOMEM;
	gsl_sort_index(idx, p, 1, n);
	/* from the largest p down: q_(i) = min over j >= i of p_(j) n / j */
	for (size_t k = n; k-- > 0;) {
		double v = p[idx[k]] * (double)n / (double)(k + 1);

		if (v < run)
			run = v;
		q[idx[k]] = run;
	}
	free(idx);
	return PC_OK;
}
