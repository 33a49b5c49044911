/* SPDX-License-Identifier: MIT */
/*
 * Robust summary statistics of repeated measurements.
 *
 * The centre is the median, not the mean: samples on a shared machine are
 * right-skewed (an interrupt or a preemption only ever adds time). Its 95%
 * confidence interval is distribution-free, from order statistics: with
 * B ~ Binomial(n, 1/2), the interval [x_(j), x_(n-j+1)] covers the true
 * median with probability 1 - 2 P(B <= j-1); we take the largest j that
 * keeps that at or above 95%. It needs n >= 6; below that no pair of
 * order statistics reaches 95% and the interval is reported as NaN.
 */
#ifndef PC_STATS_H
#define PC_STATS_H

#include <stddef.h>

#define PC_STATS_MIN_CI_N 6

struct pc_stats {
	size_t n;
	double median;
	double ci_lo, ci_hi;	/* NaN when n < PC_STATS_MIN_CI_N */
	double ci_level;	/* coverage actually achieved, >= 0.95 */
	double p10, p90;
	double min, max;
};

/*
 * 1-based ranks (lo, hi) of the order statistics bounding a confidence
 * interval of the median at level >= @conf. PC_ERR_INVAL when n is too
 * small for @conf. @level gets the exact coverage.
 */
int pc_median_ci_ranks(size_t n, double conf, size_t *lo, size_t *hi,
		       double *level);

/* Summary of @x[0..n-1]; @x is left untouched. NaN entries are refused. */
int pc_stats_compute(const double *x, size_t n, struct pc_stats *st);

#endif
