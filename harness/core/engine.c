// SPDX-License-Identifier: MIT
/* The N/2N interleaved measurement of one mechanism (see engine.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "errors.h"

/* Metrics derived per state and repeat, in the order rows are written. */
enum metric {
	M_COST,		/* per-event cost, timer unit */
	M_OVERHEAD,	/* cost minus the bracketing absent reference */
	M_THROUGHPUT,	/* M events/s, only when the timer measures time */
	M_FIRST,	/* fire(1) right after arming: the cold hit */
	M_WARM,		/* fire(1) after warm-up, for comparison */
	M_ARM,		/* latency of arm() */
	M_DISARM,	/* latency of disarm() */
	M_TRAPS,	/* traps per event, where the mechanism knows them */
	M_HW0,		/* hardware event i: per event, then its overhead */
	NR_METRICS = M_HW0 + 2 * PC_MAX_EVENTS
};

/* Measurement slots of one repeat: the states plus the closing absent'. */
#define SLOT_REF2 PC_NR_STATES
#define NR_SLOTS (PC_NR_STATES + 1)

struct slot {
	struct pc_pair p;
	double first, warm, arm, disarm;	/* timer unit */
	char variant[128];
};

struct state_acc {
	bool active;
	char variant[128];
	bool variant_mixed;
	double *m[NR_METRICS];
	size_t n;			/* repeats stored */
	size_t nthr;			/* of them with a throughput (cost > 0) */
	size_t ntraps;			/* of them with traps known */
	uint64_t hits, fired, lost, missed;
	bool hits_known;
	unsigned int multiplexed;
	unsigned int disturbed;		/* repeats kept despite a switch */
	unsigned int retries;
	unsigned int nonlinear;		/* repeats where T(2N)/T(N) is off */
};

struct mrun {
	struct pc_engine *e;
	const struct pc_mech *m;
	struct pc_drive d;
	uint64_t n[PC_NR_STATES];	/* N of the N/2N pair, per state */
	struct state_acc acc[PC_NR_STATES];
	const struct pc_rider *rider;	/* may be NULL */
	/* PC_MECH_PER_HIT: hits per run counted in hit_state at calibration */
	double hits_per_run;
	enum pc_state hit_state;
};

/* Arm, the cold and the warm hit, the N/2N pair, a rider's turn, disarm. */
static int measure_slot(struct mrun *r, enum pc_state st, int slot, struct slot *s)
{
	struct pc_drive *d = &r->d;
	struct pc_fire f;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = pc_drive_arm(d, st, &s->arm);
	if (ret != PC_OK)
		return ret;
	pc_drive_variant(d, s->variant, sizeof(s->variant));
	ret = pc_drive_time(d, 1, &s->first, &f, NULL, NULL);
	if (ret == PC_OK)
		ret = pc_drive_warm(d, r->n[st]);
	if (ret == PC_OK)
		ret = pc_drive_time(d, 1, &s->warm, &f, NULL, NULL);
	if (ret == PC_OK)
		ret = pc_drive_pair(d, r->n[st], &s->p);
	if (ret == PC_OK)
		ret = pc_drive_hits_check(d, st, &s->p);
	if (ret == PC_OK && r->rider && r->rider->slot &&
	    r->rider->slot(r->rider->arg, d, slot, s->variant) == PC_ERR_INTR)
		ret = PC_ERR_INTR;
	if (d->armed) {
		int e = pc_drive_disarm(d, &s->disarm);

		if (ret == PC_OK && e != PC_OK)
			ret = e;
	}
	return ret;
}

static int acc_init(struct state_acc *a, size_t repeats)
{
	for (int i = 0; i < NR_METRICS; i++) {
		a->m[i] = calloc(repeats, sizeof(double));
		if (!a->m[i])
			return PC_ERR_NOMEM;
	}
	return PC_OK;
}

static void acc_free(struct state_acc *a)
{
	for (int i = 0; i < NR_METRICS; i++)
		free(a->m[i]);
}

/*
 * What a state's per-event figures are divided by: 1, or for a
 * PC_MECH_PER_HIT mechanism the hits per workload run, those the state
 * counted itself or, where it counts none (absent, disabled), those
 * counted at calibration, so every row of the entry is per hit.
 */
static double per_hit(const struct mrun *r, const struct pc_pair *p)
{
	if (!(r->m->flags & PC_MECH_PER_HIT))
		return 1.0;
	if (p->hits_known && p->hits)
		return (double)p->hits / (double)(3 * p->n);
	return r->hits_per_run > 0 ? r->hits_per_run : NAN;
}

/* Fold a finished repeat into the accumulators and samples.csv. */
static void record_repeat(struct mrun *r, unsigned int rep,
			  struct slot *slots, const bool *done)
{
	struct pc_engine *e = r->e;
	const struct pc_meter *mt = &e->mt;
	struct pc_sink *o = &e->out;
	const char *unit = mt->timer.unit, *be = mt->timer.backend, *mn = r->m->name;
	bool is_time = mt->timer.kind != PC_TIMER_ICOUNT;
	double ref = (slots[PC_ABSENT].p.cost + slots[SLOT_REF2].p.cost) / 2.0;

	for (int st = 0; st < PC_NR_STATES; st++) {
		struct state_acc *a = &r->acc[st];
		struct slot *s = &slots[st];
		const struct pc_pair *p = &s->p;
		const char *sn = pc_state_name(st);
		const char *tr = pc_mech_tracer(r->m, st);
		size_t k = a->n;
		double h = per_hit(r, p);
		double v[NR_METRICS];
		bool have[NR_METRICS] = { false };

		if (!a->active || !done[st])
			continue;
		v[M_COST] = st == PC_ABSENT ? ref : p->cost;
		v[M_OVERHEAD] = st == PC_ABSENT ?
				slots[SLOT_REF2].p.cost - slots[PC_ABSENT].p.cost :
				p->cost - ref;
		v[M_COST] /= h;
		v[M_OVERHEAD] /= h;
		v[M_THROUGHPUT] = v[M_COST] > 0 ? 1e3 / v[M_COST] : NAN;
		v[M_FIRST] = s->first;
		v[M_WARM] = s->warm;
		v[M_ARM] = s->arm;
		v[M_DISARM] = s->disarm;
		for (int i = M_COST; i <= M_DISARM; i++)
			have[i] = true;
		if (p->traps_known) {
			v[M_TRAPS] = (double)p->traps / (double)(3 * p->n) / h;
			have[M_TRAPS] = true;
			a->ntraps++;
		}
		have[M_THROUGHPUT] = is_time && !isnan(v[M_THROUGHPUT]);
		for (int i = 0; i < mt->hw.nr; i++) {
			double rf = (slots[PC_ABSENT].p.hw[i] + slots[SLOT_REF2].p.hw[i]) / 2;

			v[M_HW0 + 2 * i] = (st == PC_ABSENT ? rf : p->hw[i]) / h;
			v[M_HW0 + 2 * i + 1] = (st == PC_ABSENT ?
				slots[SLOT_REF2].p.hw[i] - slots[PC_ABSENT].p.hw[i] :
				p->hw[i] - rf) / h;
			have[M_HW0 + 2 * i] = have[M_HW0 + 2 * i + 1] = true;
		}
		for (int i = 0; i < NR_METRICS; i++)
			if (i != M_THROUGHPUT)
				a->m[i][k] = have[i] ? v[i] : NAN;
		/*
		 * A repeat whose cost came out <= 0 (noise around a cost near
		 * zero) has no throughput: it is left out of that row alone,
		 * neither counted as 0 nor allowed to void the row.
		 */
		if (have[M_THROUGHPUT])
			a->m[M_THROUGHPUT][a->nthr++] = v[M_THROUGHPUT];
		a->n++;

		if (a->n == 1)
			memcpy(a->variant, s->variant, sizeof(a->variant));
		else if (strcmp(a->variant, s->variant))
			a->variant_mixed = true;
		if (p->hits_known) {
			a->hits_known = true;
			a->hits += p->hits;
		}
		a->fired += 3 * p->n;
		a->lost += p->lost;
		a->missed += p->missed;
		a->multiplexed += p->multiplexed;
		a->disturbed += p->ctxsw > 0;
		/* still off after the retries: said in the row, never hidden */
		a->nonlinear += !p->linear;
		a->retries += p->retries;

		pc_sink_sample(o, mn, tr, s->variant, sn, rep, "cost", unit, be, p->n, v[M_COST]);
		pc_sink_sample(o, mn, tr, s->variant, sn, rep, "overhead", unit, be, p->n,
			       v[M_OVERHEAD]);
		pc_sink_sample(o, mn, tr, s->variant, sn, rep, "time-n", unit, be, p->n, p->t_n);
		pc_sink_sample(o, mn, tr, s->variant, sn, rep, "time-2n", unit, be, p->n, p->t_2n);
		pc_sink_sample(o, mn, tr, s->variant, sn, rep, "first-hit", unit, be, 1, s->first);
		pc_sink_sample(o, mn, tr, s->variant, sn, rep, "warm-hit", unit, be, 1, s->warm);
		pc_sink_sample(o, mn, tr, s->variant, sn, rep, "arm-latency", mt->timer.wait_unit,
			       mt->timer.wait_backend, 0, s->arm);
		pc_sink_sample(o, mn, tr, s->variant, sn, rep, "disarm-latency",
			       mt->timer.wait_unit, mt->timer.wait_backend, 0, s->disarm);
		if (mt->sw.nr) {
			pc_sink_sample(o, mn, tr, s->variant, sn, rep, "context-switches", "count",
				       "software", 3 * p->n, (double)p->ctxsw);
			pc_sink_sample(o, mn, tr, s->variant, sn, rep, "retries", "count",
				       "software", 3 * p->n, (double)p->retries);
		}
		if (p->hits_known)
			pc_sink_sample(o, mn, tr, s->variant, sn, rep, "hits", "events", "mechanism",
				       3 * p->n, (double)p->hits);
		if (p->traps_known)
			pc_sink_sample(o, mn, tr, s->variant, sn, rep, "traps", "traps/event",
				       "mechanism", 3 * p->n, v[M_TRAPS]);
		for (int i = 0; i < mt->hw.nr; i++)
			pc_sink_sample(o, mn, tr, s->variant, sn, rep, mt->hw.name[i],
				       mt->hw.name[i], "pmu", p->n, v[M_HW0 + 2 * i]);
	}
	if (r->acc[PC_ABSENT].active && done[SLOT_REF2]) {
		struct slot *s = &slots[SLOT_REF2];

		pc_sink_sample(o, mn, pc_mech_tracer(r->m, PC_ABSENT), s->variant,
			       "absent", rep, "cost-ref2", unit, be,
			       s->p.n, s->p.cost);
	}
}

unsigned int pc_engine_states(const struct pc_engine *e, const struct pc_mech *m)
{
	return (e->cfg.states & m->states) | PC_ST(PC_ABSENT);
}

static const char *metric_name(const struct pc_engine *e, int i, char *buf,
			       size_t len)
{
	static const char *const base[M_HW0] = {
		"cost", "overhead", "throughput", "first-hit", "warm-hit",
		"arm-latency", "disarm-latency", "traps",
	};
	int ev = (i - M_HW0) / 2;

	if (i < M_HW0)
		return base[i];
	snprintf(buf, len, "%s%s", e->mt.hw.name[ev], (i - M_HW0) % 2 ? "-overhead" : "");
	return buf;
}

/* A PC_MECH_PER_HIT row says what its figures were divided by. */
static void per_hit_note(const struct mrun *r, int st, double ratio, char *note, size_t len)
{
	if (!isnan(ratio) && ratio > 0)
		snprintf(note, len, "per hit: each workload run hit the point %.4g times (counted by %s), the extra time per run divided by that; first-hit and warm-hit time one whole run",
			 ratio, pc_mech_tracer(r->m, st));
	else
		snprintf(note, len, "per hit: divided by the %.4g hits per workload run counted %s (by %s); first-hit and warm-hit time one whole run",
			 r->hits_per_run, pc_state_name(r->hit_state),
			 pc_mech_tracer(r->m, r->hit_state));
	/* a measured cost that is not the probe's: say it where it lands */
	if ((r->m->flags & PC_MECH_FORKS) && st == PC_ENABLED && strlen(note) < len)
		snprintf(note + strlen(note), len - strlen(note),
			 "; the perf count follows the command's processes (inherit), so every fork and exit of a run also copies and folds the counter: a fixed cost per run included here, the smaller per hit the more hits a run makes (recording's ring pays none)");
}

static void emit_rows(struct mrun *r, int st)
{
	struct pc_engine *e = r->e;
	const struct pc_timer *tm = &e->mt.timer;
	struct state_acc *a = &r->acc[st];
	char note[1024], name[64], variant[144];
	double ratio = a->hits_known && a->fired ? (double)a->hits / (double)a->fired : NAN;
	const char *status = "ok";

	note[0] = '\0';
	if (r->m->flags & PC_MECH_PER_HIT)
		per_hit_note(r, st, ratio, note, sizeof(note));
	if (pc_drive_miscount(r->m, st, ratio)) {
		status = "miscount";
		snprintf(note + strlen(note), sizeof(note) - strlen(note),
			 "%sinstrumentation counted %.6g hits per event, expected %g",
			 note[0] ? "; " : "", ratio, pc_hits_expected(st));
	}
	if (a->multiplexed)
		snprintf(note + strlen(note), sizeof(note) - strlen(note),
			 "%scounter group multiplexed in %u of %zu repeats",
			 note[0] ? "; " : "", a->multiplexed, a->n);
	if (a->nonlinear)
		snprintf(note + strlen(note), sizeof(note) - strlen(note),
			 "%sT(2N)/T(N) outside 1.5..2.5 in %u of %zu repeats: fixed costs or a changing site",
			 note[0] ? "; " : "", a->nonlinear, a->n);
	if (a->disturbed)
		snprintf(note + strlen(note), sizeof(note) - strlen(note),
			 "%scontext switch during %u of %zu kept repeats (after %u retries)",
			 note[0] ? "; " : "", a->disturbed, a->n, a->retries);
	pc_hits_note(r->m, st, a->hits_known, note, sizeof(note));
	snprintf(variant, sizeof(variant), "%s%s", a->variant, a->variant_mixed ? "|mixed" : "");

	for (int i = 0; i < NR_METRICS; i++) {
		const char *unit = tm->unit, *be = tm->backend;
		struct pc_row row = {
			.mechanism = r->m->name,
			.tracer = pc_mech_tracer(r->m, st),
			.family = pc_family_name(r->m->family),
			.where = pc_sink_where(&e->out, r->m),
			.variant = variant,
			.state = pc_state_name(st),
			.events = r->n[st],
			.hit_ratio = ratio,
			.lost = a->lost,
			.missed = a->missed,
			.status = status,
			.note = note,
		};

		if (i == M_THROUGHPUT) {
			if (tm->kind == PC_TIMER_ICOUNT)
				continue;
			unit = "Mevents/s";
		}
		if (i == M_ARM || i == M_DISARM) {
			unit = tm->wait_unit;
			be = tm->wait_backend;
		}
		/* a count, the same in every timer: a row only when every repeat had it */
		if (i == M_TRAPS) {
			if (a->ntraps != a->n)
				continue;
			unit = "traps/event";
			be = "mechanism";
		}
		if (i >= M_HW0) {
			int ev = (i - M_HW0) / 2;

			if (ev >= e->mt.hw.nr)
				break;
			unit = e->mt.hw.name[ev];
			be = "pmu";
		}
		row.metric = metric_name(e, i, name, sizeof(name));
		row.unit = unit;
		row.backend = be;
		if (pc_stats_compute(a->m[i], i == M_THROUGHPUT ? a->nthr : a->n,
				     &row.st) != PC_OK)
			continue;
		pc_sink_row(&e->out, &row);
	}
}

/* @states of the mechanism cannot be measured: their rows, and the run goes on. */
static int give_up(struct mrun *r, unsigned int states, int err)
{
	/* a signal (^C while waiting for a lock) is no verdict on the mechanism */
	if (err == PC_ERR_INTR)
		return err;
	pc_sink_status(&r->e->out, r->m, states, pc_status_of(err),
		       r->d.in.why[0] ? r->d.in.why : pc_strerror(err));
	return err == PC_ERR_UNSUPPORTED ? PC_OK : err;
}

/* The states not dropped yet: those without a row of their own. */
static unsigned int still_active(const struct mrun *r)
{
	unsigned int m = 0;

	for (int st = 0; st < PC_NR_STATES; st++)
		if (r->acc[st].active)
			m |= PC_ST(st);
	return m;
}

/*
 * N per state, each calibrated on its own: one N for all would give the
 * cheap states of a mechanism with an expensive recording state windows
 * of a few microseconds, in which timer jitter is no longer small against
 * the cost measured. The N/2N difference makes cost independent of N, so
 * nothing else changes. A state that cannot arm drops out with its row.
 */
static int calibrate_all(struct mrun *r, unsigned int want)
{
	for (int st = 0; st < PC_NR_STATES; st++) {
		struct state_acc *a = &r->acc[st];
		int ret;

		if (!a->active)
			continue;
		r->d.in.why[0] = '\0';
		ret = pc_drive_calibrate(&r->d, st, &r->n[st]);
		if (ret == PC_OK)
			continue;
		if (st == PC_ABSENT || ret == PC_ERR_INTR)
			return ret;
		a->active = false;
		give_up(r, PC_ST(st) & want, ret);
	}
	/*
	 * Per hit: the hits a workload run makes, counted where the entry
	 * counts them, for the states that count nothing; a workload that
	 * does not fire the point fails every state here.
	 */
	if (r->m->flags & PC_MECH_PER_HIT) {
		r->hit_state = r->m->states & PC_ST(PC_ENABLED) ? PC_ENABLED : PC_RECORDING;
		r->d.in.why[0] = '\0';
		return pc_drive_hit_rate(&r->d, r->hit_state,
					 r->n[r->hit_state] ? r->n[r->hit_state] : r->n[PC_ABSENT],
					 &r->hits_per_run);
	}
	return PC_OK;
}

int pc_engine_open(struct pc_engine *e, const struct pc_mech *m,
		   const char *metric, struct pc_drive *d)
{
	int ret = pc_drive_open(d, &e->mt, &e->cfg.opts, m);

	if (ret != PC_OK && ret != PC_ERR_INTR)
		pc_sink_note(&e->out, m, "-", metric, pc_status_of(ret), d->in.why);
	return ret;
}

int pc_engine_run(struct pc_engine *e, const struct pc_mech *m)
{
	return pc_engine_run_with(e, m, NULL);
}

int pc_engine_run_with(struct pc_engine *e, const struct pc_mech *m,
		       const struct pc_rider *rider)
{
	unsigned int want = pc_engine_states(e, m);
	unsigned int total = e->cfg.warmup + e->cfg.repeats;
	struct slot slots[NR_SLOTS];
	bool done[NR_SLOTS];
	struct mrun r;
	int ret;

	memset(&r, 0, sizeof(r));
	r.e = e;
	r.m = m;
	r.rider = rider;
	/*
	 * filtered is a state only some mechanisms have: asked for, the
	 * others say they lack it rather than leave it missing. (The four
	 * classic states are what a mechanism is; the baseline lacks them
	 * by design.)
	 */
	if ((e->cfg.states & PC_ST(PC_FILTERED)) && !(m->states & PC_ST(PC_FILTERED)) &&
	    m->family != PC_FAM_BASELINE)
		pc_sink_status(&e->out, m, PC_ST(PC_FILTERED), "unsupported",
			       "no filtered state: nothing here arms this probe with a filter that rejects every event");
	ret = pc_drive_open(&r.d, &e->mt, &e->cfg.opts, m);
	if (ret != PC_OK)
		return give_up(&r, want, ret);
	for (int st = 0; st < PC_NR_STATES; st++) {
		r.acc[st].active = want & PC_ST(st);
		ret = acc_init(&r.acc[st], e->cfg.repeats);
		if (ret != PC_OK)
			goto out;
	}
	ret = calibrate_all(&r, want);
	if (ret != PC_OK) {
		ret = give_up(&r, still_active(&r) & want, ret);
		goto out;
	}

	for (unsigned int rep = 0; rep < total; rep++) {
		memset(done, 0, sizeof(done));
		for (int i = 0; i < NR_SLOTS; i++) {
			int slot = pc_slot_order(rep, i, NR_SLOTS);
			enum pc_state st = slot == SLOT_REF2 ? PC_ABSENT : slot;
			struct state_acc *a = &r.acc[st];

			if (!a->active)
				continue;
			if (pc_drive_stopped(&e->mt)) {
				ret = PC_ERR_INTR;
				goto out;
			}
			if (e->on_progress)
				e->on_progress(m, st, rep, total, e->progress_arg);
			ret = measure_slot(&r, st, slot, &slots[slot]);
			if (ret == PC_OK) {
				done[slot] = true;
				continue;
			}
			/*
			 * An absent that cannot run invalidates the whole
			 * mechanism: the states still measured get its row (one
			 * that failed before has its own already).
			 */
			if (st == PC_ABSENT) {
				ret = give_up(&r, still_active(&r) & want, ret);
				goto out;
			}
			/* a state that fails is its row; the others go on */
			a->active = false;
			if (give_up(&r, PC_ST(st), ret) == PC_ERR_INTR)
				goto out;
			ret = PC_OK;
		}
		if (rep >= e->cfg.warmup) {
			record_repeat(&r, rep - e->cfg.warmup, slots, done);
			if (rider && rider->fold)
				rider->fold(rider->arg);
		} else if (rider && rider->drop) {
			rider->drop(rider->arg);
		}
	}
	for (int st = 0; st < PC_NR_STATES; st++)
		if (r.acc[st].active)
			emit_rows(&r, st);
	ret = PC_OK;
out:
	pc_drive_close(&r.d);
	for (int st = 0; st < PC_NR_STATES; st++)
		acc_free(&r.acc[st]);
	return ret;
}
