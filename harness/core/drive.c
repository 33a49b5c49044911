// SPDX-License-Identifier: MIT
/* Driving one mechanism by the method's rules (see drive.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "drive.h"
#include "errors.h"

const char *pc_status_of(int err)
{
	return err == PC_ERR_UNSUPPORTED ? "unsupported" : "failed";
}

double pc_hits_expected(enum pc_state st)
{
	/* filtered: the probe ran on every event (what it recorded: none) */
	return st == PC_ENABLED || st == PC_RECORDING || st == PC_FILTERED ? 1.0 : 0.0;
}

bool pc_hits_miscount(enum pc_state st, double ratio)
{
	return !isnan(ratio) && fabs(ratio - pc_hits_expected(st)) > 1e-9;
}

bool pc_drive_miscount(const struct pc_mech *m, enum pc_state st, double ratio)
{
	if (!(m->flags & PC_MECH_PER_HIT) || isnan(ratio))
		return pc_hits_miscount(st, ratio);
	return pc_hits_expected(st) > 0 ? !(ratio > 0) : ratio != 0;
}

void pc_hits_note(const struct pc_mech *m, enum pc_state st, bool known, char *note,
		  size_t len)
{
	size_t off = strlen(note);

	if (known || st >= PC_NR_STATES || !m->hits_why[st] || off >= len)
		return;
	snprintf(note + off, len - off, "%sno hit ratio: %s", off ? "; " : "", m->hits_why[st]);
}

int pc_drive_open(struct pc_drive *d, const struct pc_meter *mt,
		  const struct pc_opts *opts, const struct pc_mech *m)
{
	int ret;

	memset(d, 0, sizeof(*d));
	d->mt = mt;
	d->in.mech = m;
	d->in.opts = opts;
	ret = pc_mech_available(m, d->in.why, sizeof(d->in.why));
	/* a setup that fails frees what it took: no teardown after it */
	if (ret == PC_OK && m->setup)
		ret = m->setup(&d->in);
	if (ret != PC_OK && !d->in.why[0])
		snprintf(d->in.why, sizeof(d->in.why), "%s", pc_strerror(ret));
	if (ret != PC_OK)
		d->in.mech = NULL;
	return ret;
}

void pc_drive_close(struct pc_drive *d)
{
	const struct pc_mech *m = d->in.mech;

	if (!m)
		return;
	if (d->armed)
		pc_drive_disarm(d, NULL);
	if (m->teardown)
		m->teardown(&d->in);
	d->in.mech = NULL;
}

static double tval(const struct pc_meter *mt, uint64_t ticks)
{
	return pc_timer_value(&mt->timer, (double)ticks);
}

int pc_drive_disarm(struct pc_drive *d, double *lat)
{
	uint64_t t0, t1;
	int ret;

	t0 = pc_timer_read(&d->mt->timer);
	ret = d->in.mech->disarm(&d->in);
	t1 = pc_timer_read(&d->mt->timer);
	if (lat)
		*lat = tval(d->mt, t1 - t0);
	if (ret == PC_OK)
		d->armed = false;
	return ret;
}

int pc_drive_arm(struct pc_drive *d, enum pc_state st, double *lat)
{
	uint64_t t0, t1;
	int ret;

	d->in.why[0] = '\0';
	t0 = pc_timer_read(&d->mt->timer);
	ret = d->in.mech->arm(&d->in, st);
	t1 = pc_timer_read(&d->mt->timer);
	if (lat)
		*lat = tval(d->mt, t1 - t0);
	/* a failed arm may have half-armed: disarm is safe on anything */
	d->armed = true;
	if (ret != PC_OK) {
		char keep[sizeof(d->in.why)];

		memcpy(keep, d->in.why, sizeof(keep));
		pc_drive_disarm(d, NULL);
		memcpy(d->in.why, keep, sizeof(keep));
	}
	return ret;
}

void pc_drive_variant(struct pc_drive *d, char *buf, size_t len)
{
	const struct pc_mech *m = d->in.mech;

	if (!m->variant || m->variant(&d->in, buf, len) != PC_OK || !buf[0])
		snprintf(buf, len, "%s", "default");
}

int pc_drive_fire(struct pc_drive *d, uint64_t n, struct pc_fire *f)
{
	return pc_mech_fire(&d->in, n, f);
}

int pc_drive_fire_only(struct pc_drive *d, uint64_t n, struct pc_fire *f)
{
	memset(f, 0, sizeof(*f));
	f->hits = PC_HITS_UNKNOWN;
	return d->in.mech->fire(&d->in, n, f);
}

int pc_drive_count(struct pc_drive *d, struct pc_fire *f)
{
	return pc_mech_count(&d->in, f);
}

int pc_drive_warm(struct pc_drive *d, uint64_t n)
{
	struct pc_fire f;

	return pc_drive_fire(d, pc_drive_warm_events(n), &f);
}

/*
 * Ticks of a self-timed fire in the unit of the timer's ticks: the
 * module counts TSC ticks, which are the tsc and icount timers' own; the
 * clock backend counts ns.
 */
static uint64_t self_ticks(const struct pc_meter *mt, uint64_t ticks, uint64_t khz)
{
	if (mt->timer.kind != PC_TIMER_CLOCK || !khz)
		return ticks;
	return (uint64_t)((double)ticks * 1e6 / (double)khz + 0.5);
}

/*
 * fire(n) between two timer reads; the hardware group read just outside
 * them (@hw0/@hw1) and the context switches of the thread added to
 * @ctxsw, when asked for.
 */
static int timed_fire(struct pc_drive *d, uint64_t n, uint64_t *ticks,
		      struct pc_fire *f, struct pc_counts *hw0, struct pc_counts *hw1,
		      uint64_t *ctxsw, uint64_t *t0p, uint64_t *t1p)
{
	const struct pc_meter *mt = d->mt;
	struct pc_inst *in = &d->in;
	/* a workload that switches by design is not disturbed by switching */
	bool guard = ctxsw && mt->sw.nr && !(in->mech->flags & PC_MECH_SWITCHES);
	struct pc_counts s0, s1;
	uint64_t t0, t1;
	int ret;

	memset(f, 0, sizeof(*f));
	f->hits = PC_HITS_UNKNOWN;
	if (guard)
		pc_group_read(&mt->sw, &s0);
	if (hw0 && mt->hw.nr)
		pc_group_read(&mt->hw, hw0);
	t0 = pc_timer_read(&mt->timer);
	ret = in->mech->fire(in, n, f);
	t1 = pc_timer_read(&mt->timer);
	if (hw1 && mt->hw.nr)
		pc_group_read(&mt->hw, hw1);
	/*
	 * Context switches + migrations: the thread left the PU inside the
	 * region the timer measured. A self-timed fire measured only its
	 * own interrupts-off chunks, so switches around them cost it nothing.
	 */
	if (guard) {
		pc_group_read(&mt->sw, &s1);
		if (!f->self_timed)
			*ctxsw += (s1.val[PC_SW_CTXSW] - s0.val[PC_SW_CTXSW]) +
				  (s1.val[PC_SW_MIGRATIONS] - s0.val[PC_SW_MIGRATIONS]);
	}
	*ticks = f->self_timed ? self_ticks(mt, f->ticks, f->tsc_khz) : t1 - t0;
	if (t0p)
		*t0p = t0;
	if (t1p)
		*t1p = t1;
	return ret;
}

/* timed_fire(), then the count op after the closing timer read */
static int timed(struct pc_drive *d, uint64_t n, uint64_t *ticks,
		 struct pc_fire *f, struct pc_counts *hw0, struct pc_counts *hw1,
		 uint64_t *ctxsw, uint64_t *t0p, uint64_t *t1p)
{
	int ret = timed_fire(d, n, ticks, f, hw0, hw1, ctxsw, t0p, t1p);

	return ret == PC_OK ? pc_mech_count(&d->in, f) : ret;
}

int pc_drive_time_only(struct pc_drive *d, uint64_t n, double *dur,
		       struct pc_fire *f, uint64_t *t0, uint64_t *t1)
{
	uint64_t ticks = 0;
	int ret;

	ret = timed_fire(d, n, &ticks, f, NULL, NULL, NULL, t0, t1);
	*dur = tval(d->mt, ticks);
	return ret;
}

int pc_drive_time(struct pc_drive *d, uint64_t n, double *dur,
		  struct pc_fire *f, uint64_t *t0, uint64_t *t1)
{
	int ret = pc_drive_time_only(d, n, dur, f, t0, t1);

	return ret == PC_OK ? pc_mech_count(&d->in, f) : ret;
}

int pc_drive_calibrate(struct pc_drive *d, enum pc_state st, uint64_t *n)
{
	const struct pc_meter *mt = d->mt;
	uint64_t k = 64, t = 0;
	struct pc_fire f;
	double per;
	int ret;

	if (mt->events) {
		*n = mt->events;
		return PC_OK;
	}
	ret = pc_drive_arm(d, st, NULL);
	if (ret != PC_OK)
		return ret;
	ret = pc_drive_fire(d, 16, &f);
	while (ret == PC_OK) {
		uint64_t t2;

		/*
		 * The faster of two: the first fire(k) of a size may still pay
		 * first-touch costs (fresh ring-buffer pages) that the
		 * steady state does not, and would make N too small.
		 */
		ret = timed(d, k, &t, &f, NULL, NULL, NULL, NULL, NULL);
		if (ret == PC_OK)
			ret = timed(d, k, &t2, &f, NULL, NULL, NULL, NULL, NULL);
		if (ret == PC_OK && t2 < t)
			t = t2;
		if (ret != PC_OK || tval(mt, t) >= mt->target / 16 || k >= (1ull << 30))
			break;
		k *= 4;
	}
	if (d->armed) {
		int r = pc_drive_disarm(d, NULL);

		if (ret == PC_OK)
			ret = r;
	}
	if (ret != PC_OK)
		return ret;
	per = tval(mt, t) / (double)k;
	*n = 16;
	while (*n < (1ull << 30) && (double)*n * 2 * per <= mt->target)
		*n *= 2;
	return PC_OK;
}

/*
 * N/2N assumes T(k) = fixed + k * cost with fixed small against N * cost,
 * so T(2N)/T(N) should be near 2.
 */
static bool pair_linear(uint64_t tn, uint64_t t2n)
{
	return tn && (double)t2n >= 1.5 * (double)tn && (double)t2n <= 2.5 * (double)tn;
}

int pc_drive_pair(struct pc_drive *d, uint64_t n, struct pc_pair *p)
{
	const struct pc_meter *mt = d->mt;
	struct pc_counts a1, b1, a2, b2;
	struct pc_fire f1, f2;
	uint64_t t1, t2;
	int ret;

	memset(p, 0, sizeof(*p));
	p->n = n;
	/*
	 * A pair during which the thread was switched out measured somebody
	 * else too, and a pair far from T(2N) = 2 T(N) had a burst of
	 * interrupts or a changing site in one half: measure it again, a
	 * bounded number of times, and keep the count so a reader can see
	 * how disturbed the machine was.
	 */
	for (int attempt = 0; ; attempt++) {
		p->ctxsw = 0;
		ret = timed(d, n, &t1, &f1, &a1, &b1, &p->ctxsw, NULL, NULL);
		if (ret != PC_OK)
			return ret;
		ret = timed(d, 2 * n, &t2, &f2, &a2, &b2, &p->ctxsw, NULL, NULL);
		if (ret != PC_OK)
			return ret;
		p->linear = pair_linear(t1, t2);
		if ((!p->ctxsw && p->linear) || attempt == PC_DRIVE_RETRIES)
			break;
		p->retries++;
	}
	p->t_n = tval(mt, t1);
	p->t_2n = tval(mt, t2);
	p->cost = (p->t_2n - p->t_n) / (double)n;
	for (int i = 0; i < mt->hw.nr; i++)
		p->hw[i] = ((double)(b2.val[i] - a2.val[i]) -
			    (double)(b1.val[i] - a1.val[i])) / (double)n;
	if (mt->hw.nr)
		p->multiplexed = pc_counts_multiplexed(&a1, &b1) ||
				 pc_counts_multiplexed(&a2, &b2);
	p->hits_known = f1.hits != PC_HITS_UNKNOWN && f2.hits != PC_HITS_UNKNOWN;
	if (p->hits_known)
		p->hits = f1.hits + f2.hits;
	p->lost = f1.lost + f2.lost;
	p->missed = f1.missed + f2.missed;
	p->traps_known = f1.traps_known && f2.traps_known;
	if (p->traps_known)
		p->traps = f1.traps + f2.traps;
	return PC_OK;
}

/* "no hit counted by perf in 48 runs of the workload", the fail of both checks */
static int no_hits(struct pc_drive *d, enum pc_state st, uint64_t runs)
{
	return pc_inst_fail(&d->in, PC_ERR_VERIFY,
			    "the trigger did not fire the point: %s counted no hit in %llu runs of the workload (%s)",
			    pc_mech_tracer(d->in.mech, st), (unsigned long long)runs,
			    pc_state_name(st));
}

int pc_drive_hits_check(struct pc_drive *d, enum pc_state st, const struct pc_pair *p)
{
	if (!(d->in.mech->flags & PC_MECH_PER_HIT) || pc_hits_expected(st) == 0 ||
	    !p->hits_known || p->hits)
		return PC_OK;
	return no_hits(d, st, 3 * p->n);
}

int pc_drive_hit_rate(struct pc_drive *d, enum pc_state st, uint64_t n, double *rate)
{
	struct pc_fire f;
	int ret = pc_drive_arm(d, st, NULL);

	*rate = NAN;
	if (ret != PC_OK)
		return ret;
	ret = pc_drive_warm(d, n);
	if (ret == PC_OK)
		ret = pc_drive_fire(d, n, &f);
	if (ret == PC_OK && f.hits != PC_HITS_UNKNOWN)
		*rate = (double)f.hits / (double)n;
	if (ret == PC_OK && *rate == 0)
		ret = no_hits(d, st, n);
	/*
	 * Fewer hits than runs: what was counted is someone else's (another
	 * process reaching the point now and then), not the workload's, and
	 * a per-hit figure divided by it would be the whole run's cost.
	 */
	else if (ret == PC_OK && *rate < 1)
		ret = pc_inst_fail(&d->in, PC_ERR_VERIFY,
				   "the trigger does not fire the point once per run: %s counted %llu hits in %llu runs of the workload (%s), stray hits from elsewhere rather than the command's; check that the command reaches the point (strace -f, or the point's own event)",
				   pc_mech_tracer(d->in.mech, st), (unsigned long long)f.hits,
				   (unsigned long long)n, pc_state_name(st));
	if (d->armed) {
		char keep[sizeof(d->in.why)];
		int r;

		memcpy(keep, d->in.why, sizeof(keep));
		r = pc_drive_disarm(d, NULL);
		if (ret == PC_OK)
			ret = r;
		else
			memcpy(d->in.why, keep, sizeof(keep));
	}
	return ret;
}

/* One switch of the toggle op, in wait units: it may block. */
static int toggle_one(struct pc_drive *d, bool on, double *v, struct pc_toggle *t,
		      const char **unit, const char **backend)
{
	const struct pc_meter *mt = d->mt;
	uint64_t t0, t1;
	int ret;

	memset(t, 0, sizeof(*t));
	t->settle_ns = NAN;
	d->in.why[0] = '\0';
	t0 = pc_timer_read(&mt->timer);
	ret = d->in.mech->toggle(&d->in, on, t);
	t1 = pc_timer_read(&mt->timer);
	*unit = mt->timer.wait_unit;
	*backend = mt->timer.wait_backend;
	if (!t->self_timed) {
		*v = tval(mt, t1 - t0);
		return ret;
	}
	/* the mechanism's TSC, converted as a self-timed fire's ticks are */
	*v = tval(mt, self_ticks(mt, t->ticks, t->tsc_khz));
	/* with the clock backend, say that the kernel's TSC timed it */
	if (mt->timer.kind == PC_TIMER_CLOCK)
		*backend = "tsc-kernel";
	return ret;
}

int pc_drive_slot(struct pc_drive *d, enum pc_state st, uint64_t n,
		  struct pc_pair *p, char *variant, size_t vlen)
{
	int ret = pc_drive_arm(d, st, NULL);

	if (ret != PC_OK)
		return ret;
	pc_drive_variant(d, variant, vlen);
	ret = pc_drive_warm(d, n);
	if (ret == PC_OK)
		ret = pc_drive_pair(d, n, p);
	pc_drive_disarm(d, NULL);
	return ret;
}

int pc_drive_others(struct pc_drive *d, unsigned int k, char *what, size_t len)
{
	if (len)
		what[0] = '\0';
	if (!d->in.mech->others)
		return pc_inst_fail(&d->in, PC_ERR_UNSUPPORTED,
				    "%s cannot arm other probes of its kind elsewhere (no others op)",
				    d->in.mech->name);
	if (k > PC_OTHERS_MAX)
		return pc_inst_fail(&d->in, PC_ERR_INVAL, "%u other probes: at most %d",
				    k, PC_OTHERS_MAX);
	return d->in.mech->others(&d->in, k, what, len);
}

int pc_drive_toggle(struct pc_drive *d, struct pc_toggled *out)
{
	struct pc_toggle ton, toff;
	int ret;

	if (!d->in.mech->toggle)
		return PC_ERR_UNSUPPORTED;
	ret = toggle_one(d, true, &out->on, &ton, &out->unit, &out->backend);
	if (ret != PC_OK) {
		char keep[sizeof(d->in.why)];

		/* the off switch is safe on a half-done on switch, as disarm is */
		memcpy(keep, d->in.why, sizeof(keep));
		memset(&toff, 0, sizeof(toff));
		toff.settle_ns = NAN;
		d->in.mech->toggle(&d->in, false, &toff);
		memcpy(d->in.why, keep, sizeof(keep));
		return ret;
	}
	ret = toggle_one(d, false, &out->off, &toff, &out->unit, &out->backend);
	out->settle_ns = ton.settle_ns;
	out->what = ton.what;
	return ret;
}
