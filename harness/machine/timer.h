/* SPDX-License-Identifier: MIT */
/*
 * The timing backend: what a "tick" is and how it converts to a unit.
 *
 *   tsc     x86 TSC, read serialized (lfence; rdtsc; lfence) so the read
 *           neither starts before earlier work retires nor lets later work
 *           start before it. Requires constant_tsc + nonstop_tsc; ticks are
 *           calibrated to ns against CLOCK_MONOTONIC_RAW. Unit: ns.
 *   icount  the same TSC read in a QEMU guest booted with -icount shift=0,
 *           where one tick is one emulated instruction. No calibration;
 *           unit: instructions. Exact and repeatable, but it is not time:
 *           cache misses and pipeline effects cost nothing there.
 *   clock   clock_gettime(CLOCK_MONOTONIC_RAW): the portable fallback when
 *           no usable TSC exists; ~20 ns of read cost, which the N/2N
 *           difference cancels. Unit: ns.
 */
#ifndef PC_TIMER_H
#define PC_TIMER_H

#include <stdint.h>
#include <time.h>

enum pc_timer_kind {
	PC_TIMER_TSC,
	PC_TIMER_ICOUNT,
	PC_TIMER_CLOCK,
	PC_NR_TIMERS
};

struct pc_timer {
	enum pc_timer_kind kind;
	double ns_per_tick;	/* 1.0 for clock; 0 for icount (not time) */
	double tsc_mhz;		/* calibrated frequency, tsc only */
	const char *backend;	/* "tsc", "icount", "clock" */
	const char *unit;	/* "ns" or "instructions" */
	/*
	 * The same ticks around code that may block (arm, disarm, toggles):
	 * under icount the virtual clock also skips over idle time, so
	 * there a tick is a virtual ns, not an instruction.
	 */
	const char *wait_backend;
	const char *wait_unit;
	char why[200];		/* why this backend (and not a better one) */
};

/* Parse "tsc" / "icount" / "clock"; PC_NR_TIMERS when unknown. */
enum pc_timer_kind pc_timer_parse(const char *s);
/* The name of @k, "?" when out of range. */
const char *pc_timer_name(enum pc_timer_kind k);

/*
 * Set up @t as @kind, or pick the best available when @kind is
 * PC_NR_TIMERS. Calibrates the TSC (about 60 ms). Fails with a reason in
 * t->why when @kind was asked for and cannot work here.
 */
int pc_timer_init(struct pc_timer *t, enum pc_timer_kind kind);

/* Convert a tick delta into t->unit. */
double pc_timer_value(const struct pc_timer *t, double ticks);

static inline uint64_t pc_timer_read(const struct pc_timer *t)
{
#if defined(__x86_64__) || defined(__i386__)
	if (t->kind != PC_TIMER_CLOCK) {
		uint32_t lo, hi;

		__asm__ __volatile__("lfence\n\trdtsc\n\tlfence"
				     : "=a"(lo), "=d"(hi) : : "memory");
		return ((uint64_t)hi << 32) | lo;
	}
#endif
	{
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
		return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	}
}

#endif
