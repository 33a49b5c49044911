/* SPDX-License-Identifier: MIT */
/*
 * Driving one mechanism: the one place where the method's rules live.
 *
 * The engine (the main N/2N run) and every analysis reach a mechanism
 * only through these functions, so a rule changed here changes for all
 * of them (docs/method.md gives the why of each):
 *
 *   open       available(), then setup(); a refusal keeps its reason, and
 *              PC_ERR_UNSUPPORTED is never a failure (pc_status_of)
 *   arm        from nothing armed; a failed arm is disarmed again (it may
 *              have half-armed) and keeps its reason
 *   time       the run's timer around fire() alone; a self-timed
 *              mechanism's own ticks instead, TSC ticks converted to the
 *              timer's unit; count() after the closing timer read
 *   warm       fire(N/8) before a timed N, so the first timed fire does
 *              not pay first-touch costs
 *   calibrate  N, a power of two, with fire(2N) lasting about the
 *              target: per size the faster of two timings, since the
 *              first fire of a size may still pay first-touch costs
 *   pair       fire(N) then fire(2N): cost = [T(2N) - T(N)] / N, fixed
 *              costs cancel. A pair the thread was switched out during,
 *              or far from T(2N) = 2 T(N), is measured again, at most
 *              PC_DRIVE_RETRIES times; what stays disturbed is counted
 *              for the row's note, never hidden
 *   hits       enabled and recording count one hit per event, absent and
 *              disabled none (pc_hits_expected)
 *   toggle     the optional toggle op: each switch timed around the op in
 *              the timer's wait unit (it may block: virtual ns under
 *              icount), or the mechanism's own TSC ticks
 *   slot       an analysis's measurement of one state: arm, warm, one
 *              pair, disarm
 *   others     the optional others op (K probes armed elsewhere)
 *
 * A mechanism never sees the timer, the counters or the results: it
 * switches and fires its site, and this layer measures.
 */
#ifndef PC_DRIVE_H
#define PC_DRIVE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"
#include "mech.h"
#include "timer.h"

/* How often a disturbed N/2N pair is measured again. */
#define PC_DRIVE_RETRIES 4

/* What measures: one per run, shared by the engine and the analyses. */
struct pc_meter {
	struct pc_timer timer;
	struct pc_group hw;	/* nr == 0: no hardware counters */
	struct pc_group sw;	/* nr == 0: no disturbance guard */
	uint64_t events;	/* N fixed by the user; 0: calibrate */
	double target;		/* T(2N) to calibrate for, timer units */
	volatile sig_atomic_t *stop;	/* set by a signal handler, or NULL */
};

/* One live mechanism. */
struct pc_drive {
	const struct pc_meter *mt;
	struct pc_inst in;
	bool armed;
};

/* One N/2N pair, as pc_drive_pair() measured it. */
struct pc_pair {
	uint64_t n;
	double t_n, t_2n;		/* timer units, whole fire() calls */
	double cost;			/* timer units per event */
	double hw[PC_MAX_EVENTS];	/* per event, mt->hw's events */
	bool multiplexed;		/* the hardware group was not always on */
	bool hits_known;
	uint64_t hits, lost, missed;	/* over both fires */
	bool traps_known;
	uint64_t traps;			/* over both fires, if known */
	uint64_t ctxsw;			/* switches + migrations, kept pair */
	unsigned int retries;		/* pairs measured again */
	bool linear;			/* the kept pair has T(2N) ~ 2 T(N) */
};

/* A toggle's two switches, in a unit and backend of their own. */
struct pc_toggled {
	double on, off;			/* per switch */
	double settle_ns;		/* NaN: the mechanism has none */
	const char *unit, *backend;
	const char *what;		/* what the switch does */
};

/* "unsupported" for PC_ERR_UNSUPPORTED, "failed" for anything else. */
const char *pc_status_of(int err);

/* Hits per event an honest count gives in @st: 1 or 0. */
double pc_hits_expected(enum pc_state st);

/*
 * A counted hit ratio that is not the expected one (NaN: not counted,
 * never a miscount).
 */
bool pc_hits_miscount(enum pc_state st, double ratio);

/*
 * pc_hits_miscount() for @m: a PC_MECH_PER_HIT mechanism's workload run
 * hits its point as often as it does, so there a counting state is
 * wrong only at 0 hits per run (pc_drive_hits_check fails it first) and
 * a state that counts nothing only above 0.
 */
bool pc_drive_miscount(const struct pc_mech *m, enum pc_state st, double ratio);

/*
 * Append to @note ("; "-separated) why @m's rows in @st have no hit
 * ratio, when its hits were not counted (@known false) and it says why
 * (hits_why).
 */
void pc_hits_note(const struct pc_mech *m, enum pc_state st, bool known, char *note,
		  size_t len);

/*
 * Open @m: available() and setup(). PC_OK, or the error with its reason
 * in d->in.why; nothing is left to close on failure.
 */
int pc_drive_open(struct pc_drive *d, const struct pc_meter *mt,
		  const struct pc_opts *opts, const struct pc_mech *m);
/* Disarm if armed, then teardown(). */
void pc_drive_close(struct pc_drive *d);

/*
 * Arm @st from nothing armed; @lat (optional) gets the latency in the
 * timer's wait unit. On failure the site is disarmed again and the
 * reason stays in d->in.why.
 */
int pc_drive_arm(struct pc_drive *d, enum pc_state st, double *lat);
int pc_drive_disarm(struct pc_drive *d, double *lat);

/* The variant in force, read back; "default" when the mechanism has none. */
void pc_drive_variant(struct pc_drive *d, char *buf, size_t len);

/* An untimed fire(n) and its count. */
int pc_drive_fire(struct pc_drive *d, uint64_t n, struct pc_fire *f);
/*
 * The same in two steps, for a measurement that must time what follows
 * the hits without the count's read-back (a counter read or a ring
 * drain is a syscall, whose kernel entry alone evicts cache lines):
 * fire(n) alone, then the count of everything fired since the last one.
 */
int pc_drive_fire_only(struct pc_drive *d, uint64_t n, struct pc_fire *f);
int pc_drive_count(struct pc_drive *d, struct pc_fire *f);
/* The warm-up before a timed fire of @n events: fire(n / 8), at least 1. */
int pc_drive_warm(struct pc_drive *d, uint64_t n);
static inline uint64_t pc_drive_warm_events(uint64_t n)
{
	return n / 8 ? n / 8 : 1;
}

/*
 * One timed fire(n): @dur in timer units, @f the hits; @t0/@t1
 * (optional) get the timer reads around the call.
 */
int pc_drive_time(struct pc_drive *d, uint64_t n, double *dur,
		  struct pc_fire *f, uint64_t *t0, uint64_t *t1);
/*
 * The same without the count op: @f has only what fire() counted itself.
 * Safe to call from several threads at once on a PC_MECH_MT mechanism,
 * whose count op is then called once, by the arming thread, after the
 * firing threads are joined (pc_drive_count): the count ops keep one
 * "since the last read" state per site, not per thread.
 */
int pc_drive_time_only(struct pc_drive *d, uint64_t n, double *dur,
		       struct pc_fire *f, uint64_t *t0, uint64_t *t1);

/*
 * N for state @st: mt->events when set, else calibrated (arms @st,
 * disarms after). A state that cannot arm returns the arm's error.
 */
int pc_drive_calibrate(struct pc_drive *d, enum pc_state st, uint64_t *n);

/* One N/2N pair on the armed site, with the disturbance rules. */
int pc_drive_pair(struct pc_drive *d, uint64_t n, struct pc_pair *p);

/*
 * A PC_MECH_PER_HIT mechanism's pair in a state that counts hits must
 * have some: PC_ERR_VERIFY ("the trigger did not fire the point") with
 * the reason in d->in.why when it has none, else PC_OK.
 */
int pc_drive_hits_check(struct pc_drive *d, enum pc_state st, const struct pc_pair *p);

/*
 * Hits per fired event in @st, counted over an untimed fire(@n) (arms
 * @st, disarms after): what a PC_MECH_PER_HIT mechanism's states that
 * count nothing are divided by. NaN when the state has no count;
 * PC_ERR_VERIFY as pc_drive_hits_check() when it counted none.
 */
int pc_drive_hit_rate(struct pc_drive *d, enum pc_state st, uint64_t n, double *rate);

/*
 * One state measured on its own: arm @st, read the variant into @variant,
 * warm, one N/2N pair into @p, disarm. The arm's or pair's error, the
 * site disarmed on every path.
 */
int pc_drive_slot(struct pc_drive *d, enum pc_state st, uint64_t n,
		  struct pc_pair *p, char *variant, size_t vlen);

/*
 * The others op: @k probes of the same kind armed elsewhere (0: none),
 * how in @what. PC_ERR_UNSUPPORTED, with the reason in d->in.why, when
 * the mechanism has no such op.
 */
int pc_drive_others(struct pc_drive *d, unsigned int k, char *what, size_t len);

/*
 * One on/off cycle of the toggle op, nothing armed before or after:
 * PC_ERR_UNSUPPORTED when the mechanism has no toggle op.
 */
int pc_drive_toggle(struct pc_drive *d, struct pc_toggled *t);

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

static inline bool pc_drive_stopped(const struct pc_meter *mt)
{
	return mt->stop && *mt->stop;
}

#endif
