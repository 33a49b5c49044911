// SPDX-License-Identifier: MIT
/*
 * Statistics against answers known in closed form: order-statistic ranks
 * of the median CI (binomial tables), quantiles of 1..100, and the
 * coverage of the CI on distributions whose median is known exactly.
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "errors.h"
#include "ktap.h"
#include "stats.h"

static const struct {
	size_t n, lo, hi;
	double level;
	int line;
} ranks[] = {
	/* the exact binomial coverage 1 - 2 P(B <= lo - 1), B ~ Bin(n, 1/2) */
	{ 6, 1, 6, 0.96875, __LINE__ },
	{ 7, 1, 7, 0.984375, __LINE__ },
	{ 10, 2, 9, 0.978515625, __LINE__ },
	{ 11, 2, 10, 0.98828125, __LINE__ },
	{ 20, 6, 15, 0.9586105346679688, __LINE__ },
	{ 31, 10, 22, 0.9705506265163422, __LINE__ },
	{ 100, 40, 61, 0.9647997997822952, __LINE__ },
};

#define NR_RANKS (sizeof(ranks) / sizeof(ranks[0]))

/* fraction of n-samples whose CI covers the true median */
static double coverage(gsl_rng *r, int dist, size_t n, int trials, double truth)
{
	double *x = malloc(n * sizeof(*x));
	int hit = 0;

	for (int t = 0; t < trials; t++) {
		struct pc_stats st;

		for (size_t i = 0; i < n; i++)
			x[i] = dist ? gsl_ran_exponential(r, 1.0) : 5.0 + gsl_ran_gaussian(r, 2.0);
		pc_stats_compute(x, n, &st);
		hit += st.ci_lo <= truth && truth <= st.ci_hi;
	}
	free(x);
	return (double)hit / trials;
}

int main(void)
{
	double x[100], one = 3.0, with_nan[3] = { 1, NAN, 2 };
	struct pc_stats st;
	size_t lo, hi;
	gsl_rng *r;
	double cov;

	ktap_plan((int)NR_RANKS + 11);

	for (size_t i = 0; i < NR_RANKS; i++) {
		double level = 0;
		int ret = pc_median_ci_ranks(ranks[i].n, 0.95, &lo, &hi, &level);

		KTAP_OK(ret == PC_OK && lo == ranks[i].lo && hi == ranks[i].hi &&
			fabs(level - ranks[i].level) < 1e-12,
			"median CI ranks n=%zu are (%zu,%zu) at %.6f (row line %d)",
			ranks[i].n, ranks[i].lo, ranks[i].hi, ranks[i].level, ranks[i].line);
	}
	KTAP_OK(pc_median_ci_ranks(5, 0.95, &lo, &hi, NULL) == PC_ERR_INVAL,
		"n=5 cannot reach 95%%: refused");

	for (int i = 0; i < 100; i++)
		x[99 - i] = i + 1;	/* reversed: compute must sort a copy */
	pc_stats_compute(x, 100, &st);
	KTAP_OK(st.median == 50.5 && st.min == 1 && st.max == 100,
		"1..100: median 50.5, min 1, max 100");
	KTAP_OK(fabs(st.p10 - 10.9) < 1e-12 && fabs(st.p90 - 90.1) < 1e-12,
		"1..100: p10 10.9, p90 90.1 (linear interpolation)");
	KTAP_OK(st.ci_lo == 40 && st.ci_hi == 61, "1..100: CI is [x(40), x(61)]");
	KTAP_OK(x[0] == 100, "input left unsorted");

	pc_stats_compute(&one, 1, &st);
	KTAP_OK(st.median == 3 && isnan(st.ci_lo) && isnan(st.ci_hi),
		"n=1: median given, CI NaN (no fake interval)");
	KTAP_OK(pc_stats_compute(with_nan, 3, &st) == PC_ERR_INVAL, "NaN input refused");
	KTAP_OK(pc_stats_compute(x, 0, &st) == PC_ERR_INVAL, "empty input refused");

	gsl_rng_env_setup();
	r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, 20261126);
	/* exact coverage for n=31 is 0.9706; 4000 trials: sd 0.0027 */
	cov = coverage(r, 0, 31, 4000, 5.0);
	KTAP_OK(cov > 0.955 && cov < 0.985, "normal(5,2), n=31: CI covers the median in %.4f of trials", cov);
	cov = coverage(r, 1, 31, 4000, log(2.0));
	KTAP_OK(cov > 0.955 && cov < 0.985,
		"exponential(1) (skewed like timings), n=31: coverage %.4f", cov);
	cov = coverage(r, 1, 10, 4000, log(2.0));
	KTAP_OK(cov > 0.963 && cov < 0.993, "exponential(1), n=10: coverage %.4f (exact 0.9785)", cov);
	gsl_rng_free(r);
	return ktap_finish();
}
