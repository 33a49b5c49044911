// SPDX-License-Identifier: MIT
/*
 * Scaling: T threads, one per PU, fire the same armed probe at once.
 *
 * A probe that takes a global lock, bounces a shared counter's cache line
 * or funnels into one ring buffer gets dearer per event as CPUs are
 * added; a per-CPU design stays flat. Threads are placed with hwloc one
 * per core first, SMT siblings last (pc_topo_spread), so the first steps
 * of the curve are not confused with two threads sharing a core.
 *
 *   scaling-cost-t<T>        mean per-thread time per event (timer unit)
 *   scaling-throughput-t<T>  T * N events over the span from the first
 *                            thread's start to the last one's end, in
 *                            M events/s (time timers only)
 *
 * Thread counts: 1 to 4, then powers of two, the number of cores and all
 * PUs, so a big machine is covered in a few steps.
 *
 *   scaling-efficiency-t<T>  the one-thread cost over the T-thread cost
 *                            of the same repeat: 1 scales perfectly, 0.5
 *                            means each event costs a thread twice as
 *                            much as it does alone (T >= 2)
 *
 * Hits: a PC_MECH_MT mechanism whose fire() counts its own thread's hits
 * is summed over the threads; one with a count op is armed with
 * opts->threads (a perf count opened with inherit, an instance that
 * follows the new threads) and counted once, after the threads are
 * joined, by the thread that armed it; the count before the common start
 * absorbs the warm-ups. Either way the hit ratio is hits / (T x N), and
 * the note says how the hits were counted (the mechanism's mt_hits).
 *
 * Only mechanisms flagged PC_MECH_MT (fire() safe on several threads),
 * absent included: its curve is what the machine does without a probe.
 * Any other gets one unsupported row carrying its mt_why.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyses.h"
#include "errors.h"

#define MAX_THREADS 256
#define MAX_STEPS 32

/* Workers start only once all of them exist; a failed create cancels. */
struct gate {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int state;		/* 0 wait, 1 go, -1 cancel */
};

struct worker {
	pthread_t th;
	struct pc_actx *c;
	struct pc_drive *d;
	struct gate *gate;
	pthread_barrier_t *ready, *go;	/* all warmed; counted, go */
	int os;			/* PU to bind to */
	uint64_t n;
	uint64_t t0, t1;	/* timer ticks around the timed fire */
	double dur;		/* timer units, self-timed when the mechanism is */
	uint64_t hits;
	int ret;
	char why[256];
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct pc_fire f;
	int state;

	pthread_mutex_lock(&w->gate->mu);
	while (!(state = w->gate->state))
		pthread_cond_wait(&w->gate->cv, &w->gate->mu);
	pthread_mutex_unlock(&w->gate->mu);
	if (state < 0)
		return NULL;
	w->ret = pc_topo_bind(w->c->topo, w->os, w->why, sizeof(w->why));
	/*
	 * Warm this CPU's view of the site before the common start; no count
	 * here: the arming thread counts once for all (pc_drive_time_only).
	 */
	if (w->ret == PC_OK)
		w->ret = pc_drive_fire_only(w->d, pc_drive_warm_events(w->n), &f);
	pthread_barrier_wait(w->ready);
	pthread_barrier_wait(w->go);
	if (w->ret != PC_OK)
		return NULL;
	w->ret = pc_drive_time_only(w->d, w->n, &w->dur, &f, &w->t0, &w->t1);
	w->hits = f.hits;
	return NULL;
}

/* The count op once, on the arming thread: the hits since its last call. */
static int count_all(struct pc_drive *d, uint64_t *hits, char *why, size_t len)
{
	struct pc_fire f = { .hits = PC_HITS_UNKNOWN };
	int ret = pc_drive_count(d, &f);

	if (ret != PC_OK) {
		snprintf(why, len, "%s", d->in.why[0] ? d->in.why : pc_strerror(ret));
		return ret;
	}
	*hits = f.hits;
	return PC_OK;
}

/* One round: @nt threads fire @n events each; per-event cost and M/s. */
static int round_once(struct pc_actx *c, struct pc_drive *d, const int *os,
		      int nt, uint64_t n, double *cost, double *mps,
		      uint64_t *hits, char *why, size_t len)
{
	struct worker w[MAX_THREADS];
	struct gate gate = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };
	bool counted = d->in.mech->count != NULL;
	pthread_barrier_t ready, go;
	uint64_t first = UINT64_MAX, last = 0, warm;
	double sum = 0;
	int started = 0, ret = PC_OK, cret = PC_OK;

	/* the arming thread waits at both barriers too: it counts between them */
	if (pthread_barrier_init(&ready, NULL, (unsigned int)nt + 1) != 0)
		return PC_ERR_SYS;
	if (pthread_barrier_init(&go, NULL, (unsigned int)nt + 1) != 0) {
		pthread_barrier_destroy(&ready);
		return PC_ERR_SYS;
	}
	*hits = 0;
	for (int i = 0; i < nt; i++) {
		w[i] = (struct worker){ .c = c, .d = d, .gate = &gate, .ready = &ready,
					.go = &go, .os = os[i], .n = n };
		if (pthread_create(&w[i].th, NULL, work, &w[i]) != 0)
			break;
		started++;
	}
	pthread_mutex_lock(&gate.mu);
	gate.state = started < nt ? -1 : 1;
	pthread_cond_broadcast(&gate.cv);
	pthread_mutex_unlock(&gate.mu);
	if (started == nt) {
		pthread_barrier_wait(&ready);
		/* the warm-ups' hits, so the round's count is the timed fires' */
		if (counted)
			cret = count_all(d, &warm, why, len);
		pthread_barrier_wait(&go);
	}
	for (int i = 0; i < started; i++)
		pthread_join(w[i].th, NULL);
	pthread_barrier_destroy(&ready);
	pthread_barrier_destroy(&go);
	if (started < nt) {
		snprintf(why, len, "could not start %d threads (only %d)", nt, started);
		return PC_ERR_SYS;
	}
	for (int i = 0; i < nt; i++) {
		if (w[i].ret != PC_OK) {
			snprintf(why, len, "thread on PU %d: %.200s", w[i].os,
				 w[i].why[0] ? w[i].why : d->in.why[0] ? d->in.why :
				 pc_strerror(w[i].ret));
			ret = w[i].ret;
			continue;
		}
		sum += w[i].dur;
		if (w[i].t0 < first)
			first = w[i].t0;
		if (w[i].t1 > last)
			last = w[i].t1;
		if (w[i].hits == PC_HITS_UNKNOWN || *hits == PC_HITS_UNKNOWN)
			*hits = PC_HITS_UNKNOWN;
		else
			*hits += w[i].hits;
	}
	if (ret != PC_OK)
		return ret;
	if (cret != PC_OK)
		return cret;
	/* every thread's hits, counted once now that all of them are done */
	if (counted) {
		ret = count_all(d, hits, why, len);
		if (ret != PC_OK)
			return ret;
	}
	*cost = sum / nt / (double)n;
	*mps = c->e->mt.timer.kind == PC_TIMER_ICOUNT ? NAN :
	       (double)nt * (double)n /
	       (pc_timer_value(&c->e->mt.timer, (double)(last - first)) * 1e-9) / 1e6;
	return PC_OK;
}

struct series {
	double *cost, *mps, *eff;
	size_t n;
	uint64_t hits, fired;
	bool hits_known;
};

/* @base: the one-thread cost of the same repeat and state */
static void record(struct series *s, double cost, double mps, double base,
		   uint64_t hits, uint64_t fired)
{
	s->cost[s->n] = cost;
	s->mps[s->n] = mps;
	s->eff[s->n] = base / cost;
	s->n++;
	s->fired += fired;
	if (hits != PC_HITS_UNKNOWN) {
		s->hits_known = true;
		s->hits += hits;
	}
}

/* How the hits of several threads were counted, for the rows' note. */
static const char *hits_how(const struct pc_mech *m, enum pc_state st)
{
	if (m->mt_hits[st])
		return m->mt_hits[st];
	if (!m->count)
		return "each thread's own count from fire(), summed";
	return "the count op once, after all threads were joined";
}

static void emit(struct pc_actx *c, const struct pc_mech *m, int st, int nt,
		 const int *os, const struct series *s, const char *variant,
		 uint64_t n)
{
	const struct pc_timer *tm = &c->e->mt.timer;
	double ratio = s->hits_known && s->fired ? (double)s->hits / (double)s->fired : NAN;
	const char *status = "ok";
	char metric[48], note[256], pus[128] = "";
	size_t off = 0;

	for (int i = 0; i < nt && off < sizeof(pus); i++)
		off += (size_t)snprintf(pus + off, sizeof(pus) - off, "%s%d",
					i ? "," : "", os[i]);
	snprintf(note, sizeof(note), "%d thread%s on PUs (OS index) %s; hits: %s", nt,
		 nt == 1 ? "" : "s", pus, hits_how(m, st));
	pc_hits_note(m, st, s->hits_known, note, sizeof(note));
	if (pc_hits_miscount(st, ratio)) {
		status = "miscount";
		snprintf(note + strlen(note), sizeof(note) - strlen(note),
			 "; counted %.6g hits per event, expected %g", ratio,
			 pc_hits_expected(st));
	}
	snprintf(metric, sizeof(metric), "scaling-cost-t%d", nt);
	pc_sink_series(&c->e->out, m, &(struct pc_series){
		.variant = variant, .state = pc_state_name(st), .metric = metric,
		.unit = tm->unit, .backend = tm->backend, .v = s->cost,
		.n = s->n, .events = n, .hit_ratio = ratio, .status = status,
		.note = note,
	});
	if (nt > 1) {
		snprintf(metric, sizeof(metric), "scaling-efficiency-t%d", nt);
		pc_sink_series(&c->e->out, m, &(struct pc_series){
			.variant = variant, .state = pc_state_name(st), .metric = metric,
			.unit = "ratio", .backend = tm->backend, .v = s->eff,
			.n = s->n, .events = n * (uint64_t)nt, .hit_ratio = ratio,
			.status = status, .note = note,
		});
	}
	if (tm->kind == PC_TIMER_ICOUNT)
		return;
	snprintf(metric, sizeof(metric), "scaling-throughput-t%d", nt);
	pc_sink_series(&c->e->out, m, &(struct pc_series){
		.variant = variant, .state = pc_state_name(st), .metric = metric,
		.unit = "Mevents/s", .backend = tm->backend, .v = s->mps,
		.n = s->n, .events = n * (uint64_t)nt, .hit_ratio = ratio,
		.status = status, .note = note,
	});
}

static int steps(const struct pc_topo *tp, int npu, int *out)
{
	int n = 0;

	for (int t = 1; t <= npu && n < MAX_STEPS; t++)
		if (t <= 4 || !(t & (t - 1)) || t == tp->cores || t == npu)
			out[n++] = t;
	return n;
}

int pc_scaling_run(struct pc_actx *c, const struct pc_mech *m)
{
	struct pc_engine *e = c->e;
	unsigned int reps = e->cfg.repeats, total = reps + (e->cfg.warmup ? 1 : 0);
	struct series ser[PC_NR_STATES][MAX_STEPS];
	char variant[PC_NR_STATES][64], why[256] = "";
	/* the count ops count every thread the arming thread creates */
	struct pc_opts opts = e->cfg.opts;
	double base;
	int os[MAX_THREADS], step[MAX_STEPS], npu, nstep, ret = PC_OK;
	unsigned int states;
	uint64_t n[PC_NR_STATES] = { 0 };
	struct pc_drive d;

	if (m->flags & PC_MECH_PER_HIT) {
		/* a workload per fire: its hits per event are the count's alone */
		pc_sink_note(&e->out, m, "-", "scaling", "unsupported",
			     "fire() runs a workload whose hits per run only its count knows (a --trigger command or the point's loop): scaling needs a site each thread hits once per event");
		return PC_OK;
	}
	if (!(m->flags & PC_MECH_MT)) {
		/* never a silently missing row: say why this one cannot scale */
		pc_sink_note(&e->out, m, "-", "scaling", "unsupported",
			     m->mt_why ? m->mt_why : "fire() is not safe on several threads at once");
		return PC_OK;
	}
	npu = pc_topo_spread(c->topo, os, MAX_THREADS);
	if (npu < 1) {
		pc_sink_note(&e->out, m, "-", "scaling", "unsupported",
			     "hwloc lists no PU this process may run on");
		return PC_OK;
	}
	nstep = steps(c->topo, npu, step);
	states = pc_engine_states(e, m);
	opts.threads = true;
	ret = pc_drive_open(&d, &e->mt, &opts, m);
	if (ret != PC_OK) {
		if (ret != PC_ERR_INTR)
			pc_sink_note(&e->out, m, "-", "scaling", pc_status_of(ret), d.in.why);
		return PC_OK;
	}
	memset(ser, 0, sizeof(ser));
	memset(variant, 0, sizeof(variant));
	/*
	 * This thread counts for all (count_all), and a count of per-CPU
	 * stats reads those of its affinity: widen it to every PU a thread
	 * fires on (the run's own PU is among them), narrowed again at the end.
	 */
	ret = pc_topo_bind_set(c->topo, os, npu, why, sizeof(why));
	for (int st = 0; ret == PC_OK && st < PC_NR_STATES; st++)
		for (int i = 0; i < nstep; i++) {
			ser[st][i].cost = calloc(reps, sizeof(double));
			ser[st][i].mps = calloc(reps, sizeof(double));
			ser[st][i].eff = calloc(reps, sizeof(double));
			if (!ser[st][i].cost || !ser[st][i].mps || !ser[st][i].eff)
				ret = PC_ERR_NOMEM;
		}
	/*
	 * N per state: the threads run side by side, so a round lasts about
	 * the target whatever T; one N for all (the dearest state's) would
	 * leave a cheap state's round so short that the threads' start skew,
	 * not the site, decides its throughput.
	 */
	for (int st = 0; ret == PC_OK && st < PC_NR_STATES; st++) {
		if (!(states & PC_ST(st)))
			continue;
		ret = pc_drive_calibrate(&d, st, &n[st]);
		if (ret == PC_OK || st == PC_ABSENT)
			continue;
		pc_sink_note(&e->out, m, pc_state_name(st), "scaling", "failed",
			     d.in.why[0] ? d.in.why : pc_strerror(ret));
		states &= ~PC_ST(st);
		ret = PC_OK;
	}
	/* arm once per state and repeat, then every thread count in turn */
	for (unsigned int rep = 0; ret == PC_OK && rep < total; rep++) {
		for (int st = 0; ret == PC_OK && st < PC_NR_STATES; st++) {
			if (!(states & PC_ST(st)))
				continue;
			if (pc_drive_stopped(&e->mt)) {
				ret = PC_ERR_INTR;
				goto out;
			}
			ret = pc_drive_arm(&d, st, NULL);
			if (ret == PC_OK)
				pc_drive_variant(&d, variant[st], sizeof(variant[st]));
			base = NAN;
			for (int i = 0; ret == PC_OK && i < nstep; i++) {
				char what[48];
				double cost, mps;
				uint64_t hits;

				snprintf(what, sizeof(what), "scaling, %s, %d thread%s",
					 pc_state_name(st), step[i], step[i] == 1 ? "" : "s");
				pc_progress_at(c->prog, m->name, what,
					       (rep + (double)st / PC_NR_STATES) / total);
				ret = round_once(c, &d, os, step[i], n[st], &cost, &mps, &hits,
						 why, sizeof(why));
				if (i == 0)
					base = cost;
				if (ret == PC_OK && !(e->cfg.warmup && rep == 0))
					record(&ser[st][i], cost, mps, base, hits,
					       n[st] * (uint64_t)step[i]);
			}
			if (d.armed)
				pc_drive_disarm(&d, NULL);
			if (ret == PC_OK)
				continue;
			if (!why[0])
				snprintf(why, sizeof(why), "%s", d.in.why[0] ? d.in.why : pc_strerror(ret));
			if (st == PC_ABSENT)
				break;
			/* a state that fails is dropped, the others go on */
			pc_sink_note(&e->out, m, pc_state_name(st), "scaling", "failed", why);
			states &= ~PC_ST(st);
			why[0] = '\0';
			ret = PC_OK;
		}
	}
	if (ret == PC_OK) {
		for (int st = 0; st < PC_NR_STATES; st++)
			for (int i = 0; i < nstep; i++)
				if ((states & PC_ST(st)) && ser[st][i].n)
					emit(c, m, st, step[i], os, &ser[st][i], variant[st], n[st]);
	} else if (ret != PC_ERR_INTR && ret != PC_ERR_NOMEM) {
		pc_sink_note(&e->out, m, "-", "scaling", pc_status_of(ret),
			     why[0] ? why : pc_strerror(ret));
		ret = PC_OK;
	}
out:
	for (int st = 0; st < PC_NR_STATES; st++)
		for (int i = 0; i < nstep; i++) {
			free(ser[st][i].cost);
			free(ser[st][i].mps);
			free(ser[st][i].eff);
		}
	pc_drive_close(&d);
	if (e->cfg.opts.cpu >= 0)
		pc_topo_bind(c->topo, e->cfg.opts.cpu, why, sizeof(why));
	return ret;
}
