// SPDX-License-Identifier: MIT
/* Median, its order-statistic confidence interval, and quantiles (GSL). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "errors.h"
#include "stats.h"

int pc_median_ci_ranks(size_t n, double conf, size_t *lo, size_t *hi,
		       double *level)
{
	double tail = (1.0 - conf) / 2.0;
	size_t j = 0;

	if (n < 1 || conf <= 0.0 || conf >= 1.0)
		return PC_ERR_INVAL;
	/* largest j >= 1 with P(B <= j - 1) <= tail */
	for (size_t k = 1; k <= (n + 1) / 2; k++) {
		if (gsl_cdf_binomial_P((unsigned int)(k - 1), 0.5,
				       (unsigned int)n) <= tail)
			j = k;
		else
			break;
	}
	if (!j)
		return PC_ERR_INVAL;
	*lo = j;
	*hi = n - j + 1;
	if (level)
		*level = 1.0 - 2.0 * gsl_cdf_binomial_P((unsigned int)(j - 1),
							0.5, (unsigned int)n);
	return PC_OK;
}

int pc_stats_compute(const double *x, size_t n, struct pc_stats *st)
{
	double *s;
	size_t lo, hi;

	memset(st, 0, sizeof(*st));
	st->median = st->ci_lo = st->ci_hi = st->p10 = st->p90 = NAN;
	st->min = st->max = NAN;
	st->ci_level = NAN;
	if (!n)
		return PC_ERR_INVAL;
	for (size_t i = 0; i < n; i++)
		if (isnan(x[i]))
			return PC_ERR_INVAL;

	s = malloc(n * sizeof(*s));
	if (!s)
		return PC_ERR_NOMEM;
	memcpy(s, x, n * sizeof(*s));
	gsl_sort(s, 1, n);

	st->n = n;
	st->median = gsl_stats_median_from_sorted_data(s, 1, n);
	st->p10 = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.10);
	st->p90 = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.90);
	st->min = s[0];
	st->max = s[n - 1];
	if (pc_median_ci_ranks(n, 0.95, &lo, &hi, &st->ci_level) == PC_OK) {
		st->ci_lo = s[lo - 1];
		st->ci_hi = s[hi - 1];
	}
	free(s);
	return PC_OK;
}
