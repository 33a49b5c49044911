// SPDX-License-Identifier: MIT
/*
 * The rank statistics behind compare: Mann-Whitney exact values, the
 * normal approximation against a brute-force permutation test with ties,
 * Benjamini-Hochberg against a hand-worked case, and the bootstrap CI.
 */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "errors.h"
#include "ktap.h"
#include "ranktest.h"

/* Exact permutation P(U_b >= u) by enumerating every split of x. */
static double perm_p_greater(const double *x, size_t na, size_t nb, double u_obs)
{
	size_t n = na + nb, hits = 0, total = 0;

	for (unsigned int mask = 0; mask < (1u << n); mask++) {
		double u = 0;

		if ((size_t)__builtin_popcount(mask) != nb)
			continue;
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < n; j++)
				if ((mask >> i & 1) && !(mask >> j & 1))
					u += x[i] > x[j] ? 1 : x[i] == x[j] ? 0.5 : 0;
		total++;
		hits += u >= u_obs - 1e-9;
	}
	return (double)hits / (double)total;
}

int main(void)
{
	static const double a3[] = { 1, 2, 3 }, b3[] = { 4, 5, 6 };
	static const double a7[] = { 1, 2, 3, 4, 5, 6, 7 }, b7[] = { 8, 9, 10, 11, 12, 13, 14 };
	static const double tie_a[] = { 1, 2, 2, 3, 3, 4, 5 }, tie_b[] = { 2, 3, 4, 4, 5, 5, 6 };
	static const double p[] = { 0.01, 0.04, 0.03, 0.005 }, want_q[] = { 0.02, 0.04, 0.04, 0.02 };
	static const double c3[] = { 3, 3, 3, 3, 3 }, c4[] = { 4, 4, 4, 4, 4 };
	double q[4], x[14], a[21], b[21], lo, hi, lo2, hi2, perm;
	struct pc_mw mw, mw2;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	bool bh_ok = true;

	ktap_plan(11);

	pc_mann_whitney(a3, 3, b3, 3, &mw);
	KTAP_OK(mw.exact && mw.u == 9 && fabs(mw.p_greater - 0.05) < 1e-12 &&
		fabs(mw.p_two - 0.1) < 1e-12 && mw.p_less == 1,
		"3 vs 3 separated: U=9, exact p> = 1/20, two-sided 1/10 (U %g p> %g)",
		mw.u, mw.p_greater);

	pc_mann_whitney(a7, 7, b7, 7, &mw);
	KTAP_OK(fabs(mw.p_two - 2.0 / 3432) < 1e-12,
		"7 vs 7 separated: two-sided p = 2/C(14,7) = %.3g (got %.3g)", 2.0 / 3432,
		mw.p_two);

	pc_mann_whitney(b7, 7, a7, 7, &mw2);
	KTAP_OK(fabs(mw2.p_less - mw.p_greater) < 1e-12 && mw2.u == 49 - mw.u,
		"swapping the samples mirrors U and the one-sided p");

	memcpy(x, tie_b, sizeof(tie_b));
	memcpy(x + 7, tie_a, sizeof(tie_a));
	pc_mann_whitney(tie_a, 7, tie_b, 7, &mw);
	perm = perm_p_greater(x, 7, 7, mw.u);
	KTAP_OK(!mw.exact && fabs(mw.p_greater - perm) < 0.02,
		"ties: normal approximation %.4f within 0.02 of the permutation p %.4f",
		mw.p_greater, perm);

	pc_mann_whitney(c3, 5, c4, 5, &mw);
	pc_mann_whitney(c3, 5, c3, 5, &mw2);
	KTAP_OK(mw.p_two == 0 && mw.p_greater == 0 && mw2.p_two == 1,
		"constant samples (an exact backend): different is certain, equal is not");

	KTAP_OK(pc_mann_whitney(a3, 0, b3, 3, &mw) == PC_ERR_INVAL,
		"an empty sample is refused");

	pc_bh_adjust(p, 4, q);
	for (int i = 0; i < 4; i++)
		bh_ok &= fabs(q[i] - want_q[i]) < 1e-12;
	KTAP_OK(bh_ok, "Benjamini-Hochberg q of {.01 .04 .03 .005} = {.02 .04 .04 .02}");

	gsl_rng_set(rng, 42);
	for (int i = 0; i < 21; i++) {
		a[i] = 100 + gsl_ran_gaussian(rng, 5);
		b[i] = 120 + gsl_ran_gaussian(rng, 5);
	}
	pc_boot_median_diff(a, 21, b, 21, 2000, 7, 0.95, &lo, &hi);
	KTAP_OK(lo > 10 && hi < 30 && lo < 20 && hi > 20,
		"bootstrap CI of a +20 shift [%.2f, %.2f] holds 20, excludes 0", lo, hi);
	pc_boot_median_diff(a, 21, b, 21, 2000, 7, 0.95, &lo2, &hi2);
	KTAP_OK(lo == lo2 && hi == hi2, "the same seed gives the same interval");

	pc_mann_whitney(a, 21, b, 21, &mw);
	KTAP_OK(mw.p_greater < 1e-6 && mw.p_less > 0.99,
		"21 vs 21 shifted by 4 sd: p> %.2g, p< %.2g", mw.p_greater, mw.p_less);
	KTAP_OK(fabs(pc_median(a3, 3) - 2) < 1e-12 && isnan(pc_median(a3, 0)),
		"median of {1,2,3} is 2, of nothing NaN");

	gsl_rng_free(rng);
	return ktap_finish();
}
