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
	M_HW0,		/* hardware event i: per event, then its overhead */
	NR_METRICS = M_HW0 + 2 * PC_MAX_EVENTS
};

/* Measurement slots of one repeat: the states plus the closing absent'. */
#define SLOT_REF2 PC_NR_STATES
#define NR_SLOTS (PC_NR_STATES + 1)

/* How often a measurement pair disturbed by a context switch is redone. */
#define MAX_RETRIES 4

struct slot {
	uint64_t n;
	double cost;			/* timer unit per event */
	double first, warm, arm, disarm;	/* timer unit */
	double total_n, total_2n;	/* timer unit, whole fire() calls */
	double hw[PC_MAX_EVENTS];	/* per event */
	bool multiplexed;
	uint64_t hits, lost, missed;
	bool hits_known;
	uint64_t ctxsw;			/* switches in the kept N/2N pair */
	unsigned int retries;		/* pairs measured again */
	bool linear;			/* the kept pair has T(2N) ~ 2 T(N) */
	char variant[64];
};

struct state_acc {
	bool active;
	int status;			/* PC_OK or why it stopped */
	char why[256];
	char variant[64];
	bool variant_mixed;
	double *m[NR_METRICS];
	size_t n;			/* repeats stored */
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
	struct pc_inst in;
	uint64_t n[PC_NR_STATES];	/* N of the N/2N pair, per state */
	bool armed;
	struct state_acc acc[PC_NR_STATES];
};

static double tval(const struct pc_engine *e, uint64_t ticks)
{
	return pc_timer_value(&e->timer, (double)ticks);
}

static int do_disarm(struct mrun *r, double *lat)
{
	uint64_t t0, t1;
	int ret;

	t0 = pc_timer_read(&r->e->timer);
	ret = r->m->disarm(&r->in);
	t1 = pc_timer_read(&r->e->timer);
	if (lat)
		*lat = tval(r->e, t1 - t0);
	if (ret == PC_OK)
		r->armed = false;
	return ret;
}

static int do_arm(struct mrun *r, enum pc_state st, double *lat)
{
	uint64_t t0, t1;
	int ret;

	r->in.why[0] = '\0';
	t0 = pc_timer_read(&r->e->timer);
	ret = r->m->arm(&r->in, st);
	t1 = pc_timer_read(&r->e->timer);
	if (lat)
		*lat = tval(r->e, t1 - t0);
	/* a failed arm may have half-armed: disarm is safe on anything */
	r->armed = true;
	if (ret != PC_OK) {
		char keep[sizeof(r->in.why)];

		memcpy(keep, r->in.why, sizeof(keep));
		do_disarm(r, NULL);
		memcpy(r->in.why, keep, sizeof(keep));
	}
	return ret;
}

/* One timed fire(n) with counter reads outside the timed region. */
static int timed_fire(struct mrun *r, uint64_t n, uint64_t *ticks,
		      struct pc_fire *f, struct pc_counts *hw0,
		      struct pc_counts *hw1, uint64_t *ctxsw)
{
	struct pc_engine *e = r->e;
	struct pc_counts s0, s1;
	uint64_t t0, t1;
	int ret;

	bool guard = ctxsw && e->sw.nr;

	memset(f, 0, sizeof(*f));
	f->hits = PC_HITS_UNKNOWN;
	if (guard)
		pc_group_read(&e->sw, &s0);
	if (hw0 && e->hw.nr)
		pc_group_read(&e->hw, hw0);
	t0 = pc_timer_read(&e->timer);
	ret = r->m->fire(&r->in, n, f);
	t1 = pc_timer_read(&e->timer);
	if (hw1 && e->hw.nr)
		pc_group_read(&e->hw, hw1);
	/*
	 * Context switches + migrations: the thread left the PU inside the
	 * region our timer measured. A self-timed fire measured only its
	 * own interrupts-off chunks, so switches around them cost it nothing.
	 */
	if (guard) {
		pc_group_read(&e->sw, &s1);
		if (!f->self_timed)
			*ctxsw += (s1.val[PC_SW_CTXSW] - s0.val[PC_SW_CTXSW]) +
				  (s1.val[PC_SW_MIGRATIONS] - s0.val[PC_SW_MIGRATIONS]);
	}
	*ticks = f->self_timed ? f->ticks : t1 - t0;
	return ret == PC_OK ? pc_mech_count(&r->in, f) : ret;
}

static void variant_of(struct mrun *r, char *buf, size_t len)
{
	if (!r->m->variant || r->m->variant(&r->in, buf, len) != PC_OK || !buf[0])
		snprintf(buf, len, "%s", "default");
}

/*
 * N/2N assumes T(k) = fixed + k * cost with fixed small against N * cost,
 * so T(2N)/T(N) should be near 2.
 */
static bool pair_linear(uint64_t tn, uint64_t t2n)
{
	return tn && (double)t2n >= 1.5 * (double)tn && (double)t2n <= 2.5 * (double)tn;
}

static int measure_slot(struct mrun *r, enum pc_state st, struct slot *s)
{
	struct pc_engine *e = r->e;
	struct pc_counts a1, b1, a2, b2;
	struct pc_fire f1, f2, f;
	uint64_t t1, t2, t, warm;
	int ret;

	memset(s, 0, sizeof(*s));
	s->n = r->n[st];
	ret = do_arm(r, st, &s->arm);
	if (ret != PC_OK)
		return ret;
	variant_of(r, s->variant, sizeof(s->variant));

	ret = timed_fire(r, 1, &t, &f, NULL, NULL, NULL);
	if (ret != PC_OK)
		goto out;
	s->first = tval(e, t);
	warm = s->n / 8 ? s->n / 8 : 1;
	ret = pc_mech_fire(&r->in, warm, &f);
	if (ret != PC_OK)
		goto out;
	ret = timed_fire(r, 1, &t, &f, NULL, NULL, NULL);
	if (ret != PC_OK)
		goto out;
	s->warm = tval(e, t);

	/*
	 * A pair during which the thread was switched out measured somebody
	 * else too, and a pair far from T(2N) = 2 T(N) had a burst of
	 * interrupts or a changing site in one half: measure it again, a
	 * bounded number of times, and keep the count so a reader can see
	 * how disturbed the machine was.
	 */
	for (int attempt = 0; ; attempt++) {
		s->ctxsw = 0;
		ret = timed_fire(r, s->n, &t1, &f1, &a1, &b1, &s->ctxsw);
		if (ret != PC_OK)
			goto out;
		ret = timed_fire(r, 2 * s->n, &t2, &f2, &a2, &b2, &s->ctxsw);
		if (ret != PC_OK)
			goto out;
		s->linear = pair_linear(t1, t2);
		if ((!s->ctxsw && s->linear) || attempt == MAX_RETRIES)
			break;
		s->retries++;
	}

	s->total_n = tval(e, t1);
	s->total_2n = tval(e, t2);
	s->cost = (s->total_2n - s->total_n) / (double)s->n;
	for (int i = 0; i < e->hw.nr; i++)
		s->hw[i] = ((double)(b2.val[i] - a2.val[i]) -
			    (double)(b1.val[i] - a1.val[i])) / (double)s->n;
	if (e->hw.nr)
		s->multiplexed = pc_counts_multiplexed(&a1, &b1) ||
				 pc_counts_multiplexed(&a2, &b2);
	s->hits_known = f1.hits != PC_HITS_UNKNOWN && f2.hits != PC_HITS_UNKNOWN;
	if (s->hits_known)
		s->hits = f1.hits + f2.hits;
	s->lost = f1.lost + f2.lost;
	s->missed = f1.missed + f2.missed;
out:
	if (r->armed) {
		int d = do_disarm(r, &s->disarm);

		if (ret == PC_OK && d != PC_OK)
			ret = d;
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

/* Fold a finished repeat into the accumulators and samples.csv. */
static void record_repeat(struct mrun *r, unsigned int rep,
			  struct slot *slots, const bool *done)
{
	struct pc_engine *e = r->e;
	const char *unit = e->timer.unit, *be = e->timer.backend;
	bool is_time = e->timer.kind != PC_TIMER_ICOUNT;
	double ref = (slots[PC_ABSENT].cost + slots[SLOT_REF2].cost) / 2.0;

	for (int st = 0; st < PC_NR_STATES; st++) {
		struct state_acc *a = &r->acc[st];
		struct slot *s = &slots[st];
		const char *sn = pc_state_name(st);
		size_t k = a->n;
		double v[NR_METRICS];
		bool have[NR_METRICS] = { false };

		if (!a->active || !done[st])
			continue;
		v[M_COST] = st == PC_ABSENT ? ref : s->cost;
		v[M_OVERHEAD] = st == PC_ABSENT ?
				slots[SLOT_REF2].cost - slots[PC_ABSENT].cost :
				s->cost - ref;
		v[M_THROUGHPUT] = v[M_COST] > 0 ? 1e3 / v[M_COST] : NAN;
		v[M_FIRST] = s->first;
		v[M_WARM] = s->warm;
		v[M_ARM] = s->arm;
		v[M_DISARM] = s->disarm;
		for (int i = M_COST; i <= M_DISARM; i++)
			have[i] = true;
		have[M_THROUGHPUT] = is_time && !isnan(v[M_THROUGHPUT]);
		for (int i = 0; i < e->hw.nr; i++) {
			double rf = (slots[PC_ABSENT].hw[i] + slots[SLOT_REF2].hw[i]) / 2;

			v[M_HW0 + 2 * i] = st == PC_ABSENT ? rf : s->hw[i];
			v[M_HW0 + 2 * i + 1] = st == PC_ABSENT ?
				slots[SLOT_REF2].hw[i] - slots[PC_ABSENT].hw[i] :
				s->hw[i] - rf;
			have[M_HW0 + 2 * i] = have[M_HW0 + 2 * i + 1] = true;
		}
		for (int i = 0; i < NR_METRICS; i++)
			if (have[i])
				a->m[i][k] = v[i];
		a->n++;

		if (a->n == 1)
			memcpy(a->variant, s->variant, sizeof(a->variant));
		else if (strcmp(a->variant, s->variant))
			a->variant_mixed = true;
		if (s->hits_known) {
			a->hits_known = true;
			a->hits += s->hits;
		}
		a->fired += 3 * s->n;
		a->lost += s->lost;
		a->missed += s->missed;
		a->multiplexed += s->multiplexed;
		a->disturbed += s->ctxsw > 0;
		/* still off after the retries: said in the row, never hidden */
		a->nonlinear += !s->linear;
		a->retries += s->retries;

		if (!e->res)
			continue;
		pc_results_sample(e->res, r->m->name, s->variant, sn, rep, "cost",
				  unit, be, s->n, v[M_COST]);
		pc_results_sample(e->res, r->m->name, s->variant, sn, rep, "overhead",
				  unit, be, s->n, v[M_OVERHEAD]);
		pc_results_sample(e->res, r->m->name, s->variant, sn, rep, "time-n",
				  unit, be, s->n, s->total_n);
		pc_results_sample(e->res, r->m->name, s->variant, sn, rep, "time-2n",
				  unit, be, s->n, s->total_2n);
		pc_results_sample(e->res, r->m->name, s->variant, sn, rep, "first-hit",
				  unit, be, 1, s->first);
		pc_results_sample(e->res, r->m->name, s->variant, sn, rep, "warm-hit",
				  unit, be, 1, s->warm);
		pc_results_sample(e->res, r->m->name, s->variant, sn, rep, "arm-latency",
				  e->timer.wait_unit, e->timer.wait_backend, 0, s->arm);
		pc_results_sample(e->res, r->m->name, s->variant, sn, rep, "disarm-latency",
				  e->timer.wait_unit, e->timer.wait_backend, 0, s->disarm);
		if (e->sw.nr) {
			pc_results_sample(e->res, r->m->name, s->variant, sn, rep,
					  "context-switches", "count", "software",
					  3 * s->n, (double)s->ctxsw);
			pc_results_sample(e->res, r->m->name, s->variant, sn, rep,
					  "retries", "count", "software", 3 * s->n,
					  (double)s->retries);
		}
		if (s->hits_known)
			pc_results_sample(e->res, r->m->name, s->variant, sn, rep, "hits",
					  "events", "mechanism", 3 * s->n, (double)s->hits);
		for (int i = 0; i < e->hw.nr; i++)
			pc_results_sample(e->res, r->m->name, s->variant, sn, rep,
					  e->hw.name[i], e->hw.name[i], "pmu", s->n,
					  v[M_HW0 + 2 * i]);
	}
	if (e->res && r->acc[PC_ABSENT].active && done[SLOT_REF2]) {
		struct slot *s = &slots[SLOT_REF2];

		pc_results_sample(e->res, r->m->name, s->variant, "absent", rep,
				  "cost-ref2", unit, be, s->n, s->cost);
	}
}

const char *pc_engine_where(const struct pc_engine *e, const struct pc_mech *m)
{
	if (m->where == PC_WHERE_MODULE && e->cfg.where)
		return e->cfg.where;
	return pc_where_name(m->where);
}

void pc_engine_emit(struct pc_engine *e, const struct pc_row *row)
{
	if (e->res)
		pc_results_row(e->res, row);
	if (e->on_row)
		e->on_row(row, e->arg);
}

void pc_engine_status(struct pc_engine *e, const struct pc_mech *m,
		      unsigned int states, const char *status, const char *why)
{
	for (int st = 0; st < PC_NR_STATES; st++) {
		struct pc_row row = {
			.mechanism = m->name,
			.family = pc_family_name(m->family),
			.where = pc_engine_where(e, m),
			.variant = "",
			.state = pc_state_name(st),
			.metric = "overhead",
			.unit = "",
			.backend = "",
			.hit_ratio = NAN,
			.status = status,
			.note = why,
		};

		if (states & PC_ST(st))
			pc_engine_emit(e, &row);
	}
}

static const char *metric_name(const struct pc_engine *e, int i, char *buf,
			       size_t len)
{
	static const char *const base[M_HW0] = {
		"cost", "overhead", "throughput", "first-hit", "warm-hit",
		"arm-latency", "disarm-latency",
	};
	int ev = (i - M_HW0) / 2;

	if (i < M_HW0)
		return base[i];
	snprintf(buf, len, "%s%s", e->hw.name[ev], (i - M_HW0) % 2 ? "-overhead" : "");
	return buf;
}

static void emit_rows(struct mrun *r, int st)
{
	struct pc_engine *e = r->e;
	struct state_acc *a = &r->acc[st];
	char note[512], name[64], variant[80];
	double expect = (st == PC_ENABLED || st == PC_RECORDING) ? 1.0 : 0.0;
	double ratio = a->hits_known && a->fired ? (double)a->hits / (double)a->fired : NAN;
	const char *status = "ok";

	note[0] = '\0';
	if (!isnan(ratio) && fabs(ratio - expect) > 1e-9) {
		status = "miscount";
		snprintf(note, sizeof(note), "instrumentation counted %.6g hits per event, expected %g",
			 ratio, expect);
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
	snprintf(variant, sizeof(variant), "%s%s", a->variant, a->variant_mixed ? "|mixed" : "");

	for (int i = 0; i < NR_METRICS; i++) {
		const char *unit = e->timer.unit, *be = e->timer.backend;
		struct pc_row row = {
			.mechanism = r->m->name,
			.family = pc_family_name(r->m->family),
			.where = pc_engine_where(e, r->m),
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
			if (e->timer.kind == PC_TIMER_ICOUNT)
				continue;
			unit = "Mevents/s";
		}
		if (i == M_ARM || i == M_DISARM) {
			unit = e->timer.wait_unit;
			be = e->timer.wait_backend;
		}
		if (i >= M_HW0) {
			int ev = (i - M_HW0) / 2;

			if (ev >= e->hw.nr)
				break;
			unit = e->hw.name[ev];
			be = "pmu";
		}
		row.metric = metric_name(e, i, name, sizeof(name));
		row.unit = unit;
		row.backend = be;
		if (pc_stats_compute(a->m[i], a->n, &row.st) != PC_OK)
			continue;
		pc_engine_emit(e, &row);
	}
}

/*
 * Pick N for state @st so that T(N) is about cfg.target. Each state gets
 * its own N: one N for all would give the cheap states of a mechanism
 * with an expensive recording state windows of a few microseconds, in
 * which timer jitter is no longer small against the cost measured. The
 * N/2N difference makes cost independent of N, so nothing else changes.
 */
static int calibrate(struct mrun *r, enum pc_state st)
{
	struct pc_engine *e = r->e;
	struct pc_fire f;
	uint64_t k = 64, t = 0, n;
	double per;
	int ret;

	if (e->cfg.events) {
		r->n[st] = e->cfg.events;
		return PC_OK;
	}
	ret = do_arm(r, st, NULL);
	if (ret != PC_OK)
		return ret;
	ret = pc_mech_fire(&r->in, 16, &f);
	while (ret == PC_OK) {
		uint64_t t2;

		/*
		 * The faster of two: the first fire(k) of a size may still pay
		 * first-touch costs (fresh ring-buffer pages) that the
		 * steady state does not, and would make N too small.
		 */
		ret = timed_fire(r, k, &t, &f, NULL, NULL, NULL);
		if (ret == PC_OK)
			ret = timed_fire(r, k, &t2, &f, NULL, NULL, NULL);
		if (ret == PC_OK && t2 < t)
			t = t2;
		if (ret != PC_OK || tval(e, t) >= e->cfg.target / 16 || k >= (1ull << 30))
			break;
		k *= 4;
	}
	if (r->armed) {
		int d = do_disarm(r, NULL);

		if (ret == PC_OK)
			ret = d;
	}
	if (ret != PC_OK)
		return ret;
	per = tval(e, t) / (double)k;
	n = 16;
	while (n < (1ull << 30) && (double)n * 2 * per <= e->cfg.target)
		n *= 2;
	r->n[st] = n;
	return PC_OK;
}

/* Calibrate every active state; a state that cannot arm drops out. */
static int calibrate_all(struct mrun *r, unsigned int want)
{
	for (int st = 0; st < PC_NR_STATES; st++) {
		struct state_acc *a = &r->acc[st];
		int ret;

		if (!a->active)
			continue;
		r->in.why[0] = '\0';
		ret = calibrate(r, st);
		if (ret == PC_OK)
			continue;
		if (st == PC_ABSENT)
			return ret;
		a->active = false;
		pc_engine_status(r->e, r->m, PC_ST(st) & want,
			    ret == PC_ERR_UNSUPPORTED ? "unsupported" : "failed",
			    r->in.why[0] ? r->in.why : pc_strerror(ret));
	}
	return PC_OK;
}

int pc_engine_run(struct pc_engine *e, const struct pc_mech *m)
{
	unsigned int want = (e->cfg.states & m->states) | PC_ST(PC_ABSENT);
	unsigned int total = e->cfg.warmup + e->cfg.repeats;
	struct slot slots[NR_SLOTS];
	bool done[NR_SLOTS];
	struct mrun r;
	char why[256];
	int ret;

	memset(&r, 0, sizeof(r));
	r.e = e;
	r.m = m;
	r.in.mech = m;
	r.in.opts = &e->cfg.opts;

	ret = pc_mech_available(m, why, sizeof(why));
	if (ret != PC_OK) {
		pc_engine_status(e, m, want, ret == PC_ERR_UNSUPPORTED ? "unsupported" : "failed",
			    why[0] ? why : pc_strerror(ret));
		return PC_OK;
	}
	for (int st = 0; st < PC_NR_STATES; st++) {
		r.acc[st].active = want & PC_ST(st);
		ret = acc_init(&r.acc[st], e->cfg.repeats);
		if (ret != PC_OK)
			goto out_free;
	}
	if (m->setup) {
		ret = m->setup(&r.in);
		if (ret != PC_OK) {
			pc_engine_status(e, m, want, ret == PC_ERR_UNSUPPORTED ? "unsupported" : "failed",
				    r.in.why[0] ? r.in.why : pc_strerror(ret));
			ret = ret == PC_ERR_UNSUPPORTED ? PC_OK : ret;
			goto out_free;
		}
	}
	ret = calibrate_all(&r, want);
	if (ret != PC_OK) {
		pc_engine_status(e, m, want, ret == PC_ERR_UNSUPPORTED ? "unsupported" : "failed",
			    r.in.why[0] ? r.in.why : pc_strerror(ret));
		ret = ret == PC_ERR_UNSUPPORTED ? PC_OK : ret;
		goto out_teardown;
	}

	for (unsigned int rep = 0; rep < total; rep++) {
		memset(done, 0, sizeof(done));
		for (int i = 0; i < NR_SLOTS; i++) {
			int slot = pc_slot_order(rep, i, NR_SLOTS);
			enum pc_state st = slot == SLOT_REF2 ? PC_ABSENT : slot;
			struct state_acc *a = &r.acc[st];

			if (!a->active)
				continue;
			if (e->stop && *e->stop) {
				ret = PC_ERR_INTR;
				goto out_teardown;
			}
			if (e->on_progress)
				e->on_progress(m, st, rep, total, e->progress_arg);
			ret = measure_slot(&r, st, &slots[slot]);
			if (ret == PC_OK) {
				done[slot] = true;
				continue;
			}
			/* an absent that cannot run invalidates the whole mechanism */
			a->status = ret;
			snprintf(a->why, sizeof(a->why), "%s",
				 r.in.why[0] ? r.in.why : pc_strerror(ret));
			if (st == PC_ABSENT) {
				pc_engine_status(e, m, want, ret == PC_ERR_UNSUPPORTED ? "unsupported" : "failed",
					    a->why);
				ret = ret == PC_ERR_UNSUPPORTED ? PC_OK : ret;
				goto out_teardown;
			}
			a->active = false;
			pc_engine_status(e, m, PC_ST(st),
				    ret == PC_ERR_UNSUPPORTED ? "unsupported" : "failed", a->why);
			ret = PC_OK;
		}
		if (rep >= e->cfg.warmup)
			record_repeat(&r, rep - e->cfg.warmup, slots, done);
	}
	for (int st = 0; st < PC_NR_STATES; st++)
		if (r.acc[st].active)
			emit_rows(&r, st);
	ret = PC_OK;

out_teardown:
	if (r.armed)
		do_disarm(&r, NULL);
	if (m->teardown)
		m->teardown(&r.in);
out_free:
	for (int st = 0; st < PC_NR_STATES; st++)
		acc_free(&r.acc[st]);
	return ret;
}
