/* SPDX-License-Identifier: MIT */
/*
 * The measurement engine: runs one mechanism through its states and turns
 * timings into rows. The method, in short (docs/method.md has the why):
 *
 *   per-event cost(s)  = [T(s, 2N) - T(s, N)] / N
 *                        fixed costs (timer reads, syscall entry, loop
 *                        setup) appear in both terms and cancel;
 *   overhead(s)        = cost(s) - mean(cost(absent), cost(absent'))
 *                        where absent is measured first and absent' last
 *                        in every repeat, bracketing the other states so
 *                        linear drift cancels too;
 *   overhead(absent)   = cost(absent') - cost(absent): a difference that
 *                        is zero by construction, i.e. the noise floor.
 *
 * Each repeat interleaves the states (absent, disabled, enabled,
 * recording, absent'), arming and disarming around each; the first
 * repeats are warm-up and dropped; the cold first hit after arming is
 * kept apart from the warm steady state.
 */
#ifndef PC_ENGINE_H
#define PC_ENGINE_H

#include <signal.h>
#include <stdint.h>

#include "counters.h"
#include "mech.h"
#include "results.h"
#include "timer.h"

struct pc_engine_cfg {
	unsigned int repeats;	/* measured repeats, >= PC_STATS_MIN_CI_N */
	unsigned int warmup;	/* repeats run first and dropped */
	uint64_t events;	/* N; 0: calibrate per mechanism */
	double target;		/* calibration: T(N) in timer units */
	unsigned int states;	/* PC_ST() mask asked for */
	struct pc_opts opts;
	const char *where;	/* overrides "module" (e.g. "guest"), or NULL */
};

struct pc_engine {
	struct pc_engine_cfg cfg;
	struct pc_timer timer;
	struct pc_group hw;	/* nr == 0: no hardware counters */
	struct pc_group sw;
	struct pc_results *res;
	volatile sig_atomic_t *stop;	/* set by a signal handler */
	/* called for every row written, e.g. to print the human table */
	void (*on_row)(const struct pc_row *row, void *arg);
	void *arg;
	/* called before each measured slot, e.g. for a progress line */
	void (*on_progress)(const struct pc_mech *m, enum pc_state st,
			    unsigned int rep, unsigned int total, void *arg);
	void *progress_arg;
};

/*
 * The @i-th slot measured in repeat @rep of @n: forward on even repeats
 * (absent, disabled, enabled, recording, absent'), backward on odd ones.
 * The bracketing absents cancel linear drift only for the middle slot;
 * reversing every other repeat gives every other state the opposite
 * error in the next repeat, and turns a position effect in the noise
 * floor (absent' - absent) into spread, where the CI shows it, instead
 * of a shift.
 */
static inline int pc_slot_order(unsigned int rep, int i, int n)
{
	return rep & 1 ? n - 1 - i : i;
}

/*
 * Measure @m in the states asked for, writing rows and samples. An
 * unavailable mechanism or state yields "unsupported" rows with the
 * reason, and PC_OK. Returns PC_ERR_INTR when *stop was raised; the
 * mechanism is disarmed on every path.
 */
int pc_engine_run(struct pc_engine *e, const struct pc_mech *m);

/*
 * For code that writes rows beside the engine's (analyses, toggle rows,
 * the guest merge): where a mechanism ran in this run, writing one row to
 * results.csv and the on_row callback, and the "unsupported"/"failed"
 * rows, one per state of @states, that carry the reason.
 */
const char *pc_engine_where(const struct pc_engine *e, const struct pc_mech *m);
void pc_engine_emit(struct pc_engine *e, const struct pc_row *row);
void pc_engine_status(struct pc_engine *e, const struct pc_mech *m,
		      unsigned int states, const char *status, const char *why);

#endif
