/* SPDX-License-Identifier: MIT */
/*
 * The victim method: cache impact measured without cache counters.
 *
 * A victim walks a random cyclic chain of cache lines filling a working
 * set sized to a cache level, less one way per cache set (room for the
 * walker's own code and stack). Each pass: one untimed walk to warm the
 * set, k probe hits through the mechanism's fire op, then one timed walk
 * (the fastest of a few passes is kept: interrupts only add). Whatever
 * the k hits evicted, the timed walk pays for as misses:
 *
 *   slowdown per hit(s, k) = [walk(s, k) - mean(walk(absent, k),
 *                                              walk(absent', k))] / k
 *
 * The absent site's hits cost the victim nothing beyond the fire loop
 * itself, which every state shares; absent' - absent is the method's
 * noise floor. The curve over k tells a fixed footprint (the probe's own
 * code and data: the per-hit slowdown falls as 1/k) from one that grows
 * with every event (a ring buffer: it stays flat).
 *
 * Meaningless with the icount timer, where a miss costs no instruction.
 */
#ifndef PC_VICTIM_H
#define PC_VICTIM_H

#include <stddef.h>
#include <stdint.h>

#include "drive.h"

#define PC_VICTIM_MAX_SETS 3
#define PC_VICTIM_MAX_K 4

struct pc_victim_cfg {
	size_t bytes[PC_VICTIM_MAX_SETS];	/* working set sizes */
	size_t nsets;
	uint64_t k[PC_VICTIM_MAX_K];		/* probe hits per pass */
	size_t nk;
	unsigned int passes;	/* per measurement; the fastest is kept */
	unsigned int repeats, warmup;
	unsigned int states;	/* PC_ST() mask; absent is always measured */
	/* called before each slot with the fraction done, may be NULL */
	void (*tick)(void *arg, const char *state, double frac);
	void *arg;
};

struct pc_victim_out {
	/* [state][set][k]: per-hit slowdown, one per repeat; absent: noise */
	double *slow[PC_NR_STATES][PC_VICTIM_MAX_SETS][PC_VICTIM_MAX_K];
	double *walk[PC_VICTIM_MAX_SETS];	/* absent walk, per pass */
	size_t lines[PC_VICTIM_MAX_SETS];
	size_t n;				/* repeats stored */
	char variant[PC_NR_STATES][64];
	char why[256];				/* when a state failed */
};

/*
 * Measure the open mechanism @d (nothing armed) with its meter's timer.
 * States that cannot be armed are dropped from @cfg->states with the
 * reason in @out->why. Returns PC_ERR_INTR when the meter's stop flag
 * was raised; @d is disarmed on return.
 */
int pc_victim_measure(struct pc_drive *d, struct pc_victim_cfg *cfg,
		      struct pc_victim_out *out);
void pc_victim_out_free(struct pc_victim_out *out);

#endif
