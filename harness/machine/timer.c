// SPDX-License-Identifier: MIT
/* Choosing and calibrating the timing backend. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "timer.h"

static const char *const timer_names[PC_NR_TIMERS] = {
	[PC_TIMER_TSC] = "tsc",
	[PC_TIMER_ICOUNT] = "icount",
	[PC_TIMER_CLOCK] = "clock",
};

enum pc_timer_kind pc_timer_parse(const char *s)
{
	for (int i = 0; i < PC_NR_TIMERS; i++)
		if (!strcmp(s, timer_names[i]))
			return i;
	return PC_NR_TIMERS;
}

const char *pc_timer_name(enum pc_timer_kind k)
{
	return (unsigned int)k < PC_NR_TIMERS ? timer_names[k] : "?";
}

/* Both flags are needed for ticks to mean the same time on every PU. */
static int tsc_invariant(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	int constant = 0, nonstop = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		constant = strstr(line, " constant_tsc") != NULL;
		nonstop = strstr(line, " nonstop_tsc") != NULL;
		break;
	}
	fclose(f);
	return constant && nonstop;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of three 20 ms spins: a preemption in one spin cannot skew it. */
static double calibrate_mhz(const struct pc_timer *t)
{
	double mhz[3];

	for (int i = 0; i < 3; i++) {
		double n0 = now_ns(), n1;
		uint64_t c0 = pc_timer_read(t), c1;

		do {
			n1 = now_ns();
		} while (n1 - n0 < 20e6);
		c1 = pc_timer_read(t);
		mhz[i] = (double)(c1 - c0) * 1e3 / (n1 - n0);
	}
	qsort(mhz, 3, sizeof(mhz[0]), cmp_double);
	return mhz[1];
}

int pc_timer_init(struct pc_timer *t, enum pc_timer_kind kind)
{
	int is_x86 = 0;

	memset(t, 0, sizeof(*t));
#if defined(__x86_64__) || defined(__i386__)
	is_x86 = 1;
#endif
	if (kind == PC_NR_TIMERS) {
		if (is_x86 && tsc_invariant()) {
			kind = PC_TIMER_TSC;
			snprintf(t->why, sizeof(t->why),
				 "invariant TSC (constant_tsc, nonstop_tsc), serialized with lfence");
		} else {
			kind = PC_TIMER_CLOCK;
			snprintf(t->why, sizeof(t->why), "%s",
				 is_x86 ? "TSC not invariant (constant_tsc/nonstop_tsc missing): using CLOCK_MONOTONIC_RAW"
					: "no TSC on this architecture: using CLOCK_MONOTONIC_RAW");
		}
	} else if (kind == PC_TIMER_TSC || kind == PC_TIMER_ICOUNT) {
		if (!is_x86) {
			snprintf(t->why, sizeof(t->why),
				 "--timer %s needs an x86 TSC; use --timer clock",
				 timer_names[kind]);
			return PC_ERR_UNSUPPORTED;
		}
		snprintf(t->why, sizeof(t->why), "%s",
			 kind == PC_TIMER_ICOUNT ?
			 "TSC under QEMU -icount shift=0: one tick is one emulated instruction" :
			 "TSC asked for with --timer tsc");
	} else if (kind == PC_TIMER_CLOCK) {
		snprintf(t->why, sizeof(t->why), "CLOCK_MONOTONIC_RAW asked for with --timer clock");
	} else {
		return PC_ERR_INVAL;
	}

	t->kind = kind;
	t->backend = timer_names[kind];
	t->wait_backend = kind == PC_TIMER_ICOUNT ? "icount-clock" : t->backend;
	t->wait_unit = "ns";
	switch (kind) {
	case PC_TIMER_TSC:
		t->unit = "ns";
		t->tsc_mhz = calibrate_mhz(t);
		if (t->tsc_mhz <= 0) {
			snprintf(t->why, sizeof(t->why), "TSC calibration failed (%.1f MHz)",
				 t->tsc_mhz);
			return PC_ERR_VERIFY;
		}
		t->ns_per_tick = 1e3 / t->tsc_mhz;
		break;
	case PC_TIMER_ICOUNT:
		t->unit = "instructions";
		t->ns_per_tick = 0;
		break;
	default:
		t->unit = "ns";
		t->ns_per_tick = 1.0;
		break;
	}
	return PC_OK;
}

double pc_timer_value(const struct pc_timer *t, double ticks)
{
	return t->kind == PC_TIMER_ICOUNT ? ticks : ticks * t->ns_per_tick;
}
