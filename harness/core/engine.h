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
 *
 * How a mechanism is driven -- arming, timing, calibration, the N/2N pair
 * and its disturbance rules -- is drive.h's, shared with the analyses;
 * the engine adds the interleaving, the bracketing and the rows.
 */
#ifndef PC_ENGINE_H
#define PC_ENGINE_H

#include "drive.h"
#include "mech.h"
#include "sink.h"

struct pc_engine_cfg {
	unsigned int repeats;	/* measured repeats, >= PC_STATS_MIN_CI_N */
	unsigned int warmup;	/* repeats run first and dropped */
	unsigned int states;	/* PC_ST() mask asked for */
	struct pc_opts opts;
};

struct pc_engine {
	struct pc_engine_cfg cfg;
	struct pc_meter mt;	/* timer, counters, N, stop flag */
	struct pc_sink out;	/* where rows go */
	/* called before each measured slot, e.g. for a progress line */
	void (*on_progress)(const struct pc_mech *m, enum pc_state st,
			    unsigned int rep, unsigned int total, void *arg);
	void *progress_arg;
};


/* The states of @m this run measures: those asked for, and absent always. */
unsigned int pc_engine_states(const struct pc_engine *e, const struct pc_mech *m);

/*
 * Measure @m in the states asked for, writing rows and samples. An
 * unavailable mechanism or state yields "unsupported" rows with the
 * reason, and PC_OK. Returns PC_ERR_INTR when the stop flag was raised;
 * the mechanism is disarmed on every path.
 */
int pc_engine_run(struct pc_engine *e, const struct pc_mech *m);

/*
 * A measurement that rides along in the engine's slots: slot() is called
 * in every slot of every repeat, warm-up ones included, with the slot's
 * state armed, after the N/2N pair and before the disarm (@slot: the
 * state, or PC_NR_STATES for the closing absent'); fold() after each
 * measured repeat. An analysis that needs each state armed once per
 * repeat shares the engine's arming this way instead of arming it all
 * again: a uprobe's disarm alone waits tens of ms for RCU. A slot()
 * error other than PC_ERR_INTR is the rider's to keep: the engine's own
 * figures go on.
 */
struct pc_rider {
	/* @variant: what the engine read back for this slot (no second read) */
	int (*slot)(void *arg, struct pc_drive *d, int slot, const char *variant);
	void (*fold)(void *arg);
	/* called instead of fold() after a warm-up repeat, may be NULL */
	void (*drop)(void *arg);
	void *arg;
};

/* pc_engine_run() with @rider (NULL: none) riding along. */
int pc_engine_run_with(struct pc_engine *e, const struct pc_mech *m,
		       const struct pc_rider *rider);

/*
 * Open @m for an analysis (or any measurement beside the main one) in
 * @d, or write the row saying why it cannot be (state "-", metric
 * @metric) and return that error: nothing is left to close then.
 */
int pc_engine_open(struct pc_engine *e, const struct pc_mech *m,
		   const char *metric, struct pc_drive *d);

#endif
