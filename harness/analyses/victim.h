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

#include <stdbool.h>
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
	size_t nst[PC_NR_STATES];		/* repeats stored, per state */
	double *walk[PC_VICTIM_MAX_SETS];	/* absent walk, per repeat */
	size_t lines[PC_VICTIM_MAX_SETS];
	size_t n;				/* repeats stored (absent) */
	char variant[PC_NR_STATES][64];
	char why[256];				/* when a state failed */
};

struct pc_victim_chain {
	void *mem;
	void *head;
	size_t lines;
};

/*
 * One mechanism's walk: the chains, the walk times of the repeat under
 * way per slot (the states, then absent' at PC_NR_STATES), the results.
 */
struct pc_victim {
	struct pc_victim_cfg cfg;
	struct pc_victim_chain ch[PC_VICTIM_MAX_SETS];
	double w[PC_NR_STATES + 1][PC_VICTIM_MAX_SETS][PC_VICTIM_MAX_K];
	bool done[PC_NR_STATES + 1];
	struct pc_victim_out out;
};

/*
 * Set up @v for @cfg (copied; absent is added to its states): the
 * chains and room for cfg->repeats repeats. PC_ERR_INVAL for a bad
 * @cfg, PC_ERR_NOMEM; pc_victim_close() on every path.
 */
int pc_victim_open(struct pc_victim *v, const struct pc_victim_cfg *cfg);

/*
 * The walks of one slot: @d armed in the slot's state (@slot: a state,
 * or PC_NR_STATES for absent'), every set and k; @variant: the variant
 * in force, read back by the caller. The mechanism's count is read after
 * each timed walk, never between the hits and the walk: a read-back
 * syscall's kernel entry would be charged to the hits.
 */
int pc_victim_slot(struct pc_victim *v, struct pc_drive *d, int slot, const char *variant);

/*
 * Fold the repeat whose slots pc_victim_slot() measured into the
 * results (nothing without both absent slots), and start the next.
 */
void pc_victim_fold(struct pc_victim *v);
/* Forget the repeat under way (a warm-up one) without folding it. */
void pc_victim_drop(struct pc_victim *v);

void pc_victim_close(struct pc_victim *v);

/*
 * Measure the open mechanism @d (nothing armed) with its meter's timer,
 * arming each state itself: cfg->warmup + cfg->repeats repeats of every
 * state, then absent'. States that cannot be armed are dropped from the
 * results with the reason in v->out.why. Returns PC_ERR_INTR when the
 * meter's stop flag was raised; @d is disarmed on return. Where the
 * engine's slots are armed anyway, pc_victim_slot() rides along in them
 * instead (engine.h, struct pc_rider).
 */
int pc_victim_measure(struct pc_drive *d, struct pc_victim *v);

#endif
