/* SPDX-License-Identifier: MIT */
/*
 * Minimal KTAP v1 producer for probecost's C tests, after kselftest.h.
 *
 * Usage contract: call ktap_plan(n) once, then exactly n results
 * (KTAP_OK / ktap_skip), then return ktap_finish(). Each result line names
 * the source line that produced it, so a failure in a table-driven test
 * points at its row. Exit status as kselftest: 0 pass, 1 fail, 4 skip.
 */
#ifndef PC_TESTS_KTAP_H
#define PC_TESTS_KTAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int ktap_num, ktap_planned, ktap_failed, ktap_skipped;

static inline void ktap_plan(int n)
{
	ktap_planned = n;
	printf("KTAP version 1\n1..%d\n", n);
	fflush(stdout);
}

static inline void ktap_diag(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline void ktap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static inline int ktap_result(int ok, const char *file, int line,
			      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static inline int ktap_result(int ok, const char *file, int line,
			      const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d ", ok ? "" : "not ", ++ktap_num);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok) {
		printf("# failed at %s:%d\n", file, line);
		ktap_failed++;
	}
	fflush(stdout);
	return ok;
}

#define KTAP_OK(cond, ...) ktap_result(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

static inline void ktap_skip(const char *why, const char *name)
{
	printf("ok %d %s # SKIP %s\n", ++ktap_num, name, why);
	ktap_skipped++;
	fflush(stdout);
}

static inline int ktap_finish(void)
{
	if (ktap_num != ktap_planned) {
		printf("# planned %d tests but ran %d\n", ktap_planned, ktap_num);
		return 1;
	}
	printf("# totals: pass:%d fail:%d skip:%d\n",
	       ktap_num - ktap_failed - ktap_skipped, ktap_failed, ktap_skipped);
	if (ktap_failed)
		return 1;
	return ktap_skipped == ktap_num && ktap_num ? 4 : 0;
}

#endif
