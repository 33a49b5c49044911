/* SPDX-License-Identifier: MIT */
/*
 * Is B different from A? Two-sample statistics on raw repeats, for
 * `probecost compare` and the analyses that test against the noise floor.
 *
 * Samples of per-event cost are skewed and often tied (the TSC ticks in
 * whole cycles, the emulated guest counts whole instructions), so the
 * tests are rank-based and distribution-free:
 *
 *   Mann-Whitney U     P(B > A) differs from 1/2? Exact null
 *                      distribution when there are no ties and
 *                      n_a + n_b <= PC_MW_EXACT_MAX; otherwise the normal
 *                      approximation with tie and continuity correction.
 *                      Two samples that are each constant (an exact
 *                      backend: ELF sizes, deterministic instruction
 *                      counts) differ with certainty or not at all.
 *   bootstrap          percentile CI of median(B) - median(A) from
 *                      resampling both sides; seeded, so reproducible.
 *   Benjamini-Hochberg many rows tested at once: q-values controlling
 *                      the false discovery rate, so a nightly compare of
 *                      300 rows does not flag 15 of them by chance.
 */
#ifndef PC_RANKTEST_H
#define PC_RANKTEST_H

#include <stddef.h>

#define PC_MW_EXACT_MAX 40

struct pc_mw {
	double u;		/* U statistic of B: pairs (a, b) with b > a, ties 1/2 */
	double p_greater;	/* one-sided: B stochastically greater than A */
	double p_less;		/* one-sided: B stochastically less than A */
	double p_two;		/* two-sided */
	int exact;		/* 1: exact distribution, 0: normal approximation */
};

/* Mann-Whitney U test of @b against @a (NaN entries are refused). */
int pc_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
		    struct pc_mw *out);

/*
 * Percentile bootstrap CI at level @conf of median(b) - median(a), from
 * @rounds resamples drawn with a generator seeded by @seed.
 */
int pc_boot_median_diff(const double *a, size_t na, const double *b,
			size_t nb, unsigned int rounds, unsigned long seed,
			double conf, double *lo, double *hi);

/* Benjamini-Hochberg adjusted p-values (q-values) of @p[0..n-1] into @q. */
int pc_bh_adjust(const double *p, size_t n, double *q);

/* Median of @x[0..n-1] (copied, @x untouched); NaN when n == 0. */
double pc_median(const double *x, size_t n);

#endif
