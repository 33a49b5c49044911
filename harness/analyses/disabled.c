// SPDX-License-Identifier: MIT
/*
 * Disabled-probe overhead as a result of its own.
 *
 * The question every tracepoint patch is asked is "what does it cost when
 * nobody traces?", and the answer is usually below a nanosecond: the
 * main run, which interleaves all states and sizes N for the dearest one,
 * resolves it poorly. Here only absent, disabled and absent' alternate,
 * N is calibrated on the disabled site, and there are twice the repeats.
 * Each slot is the engine's N/2N pair (drive.h), disturbance rules
 * included.
 *
 *   disabled-overhead   cost(disabled) - mean(cost(absent), cost(absent'))
 *   disabled-noise      cost(absent') - cost(absent): the same difference
 *                       between two identical measurements; the overhead
 *                       is called resolved only when a one-sided
 *                       Mann-Whitney test puts it above this floor
 *   disabled-instructions  the overhead in retired instructions, when a
 *                       PMU counts them: exact, no noise floor needed
 *
 * With the icount timer (the deterministic guest) the overhead row is
 * already in instructions and exact.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyses.h"
#include "errors.h"
#include "ranktest.h"

#define ALPHA 0.05

struct slot {
	double cost;		/* per event, timer unit */
	double insn;		/* per event, NaN without a PMU */
	uint64_t hits;		/* PC_HITS_UNKNOWN if not counted */
	bool disturbed;		/* still switched out after the retries */
};

static int hw_index(const struct pc_group *g, const char *name)
{
	for (int i = 0; i < g->nr; i++)
		if (!strcmp(g->name[i], name))
			return i;
	return -1;
}

/* One slot (drive.h), its figures kept. */
static int measure(struct pc_drive *d, enum pc_state st, uint64_t n, int insn_ix,
		   struct slot *s, char *variant, size_t vlen)
{
	struct pc_pair p;
	int ret = pc_drive_slot(d, st, n, &p, variant, vlen);

	if (ret != PC_OK)
		return ret;
	s->cost = p.cost;
	s->insn = insn_ix < 0 ? NAN : p.hw[insn_ix];
	s->hits = p.hits_known ? p.hits : PC_HITS_UNKNOWN;
	s->disturbed = p.ctxsw > 0;
	return PC_OK;
}

struct tally {
	double *ovh, *noise, *insn;
	size_t k;
	uint64_t hits;
	bool hits_known;
	unsigned int disturbed;
};

static void emit_all(struct pc_actx *c, const struct pc_mech *m,
		     const char *variant, const char *ref_variant, uint64_t n,
		     const struct tally *t, bool insn)
{
	const struct pc_timer *tm = &c->e->mt.timer;
	struct pc_sink *o = &c->e->out;
	struct pc_mw mw;
	char note[384];
	bool resolved;
	const char *status = "ok";

	pc_mann_whitney(t->noise, t->k, t->ovh, t->k, &mw);
	resolved = mw.p_greater < ALPHA;
	/* the normal approximation's tail underflows to 0; no p is 0 */
	snprintf(note, sizeof(note), "%s the noise floor (one-sided Mann-Whitney vs disabled-noise, p%s%.2g)",
		 resolved ? "above" : "not distinguishable from",
		 mw.p_greater < 1e-6 ? "<" : "=", mw.p_greater < 1e-6 ? 1e-6 : mw.p_greater);
	if (t->hits_known && t->hits) {
		status = "miscount";
		snprintf(note + strlen(note), sizeof(note) - strlen(note),
			 "; the disabled site counted %llu hits, expected 0",
			 (unsigned long long)t->hits);
	}
	if (t->disturbed)
		snprintf(note + strlen(note), sizeof(note) - strlen(note),
			 "; context switch during %u of %zu kept repeats", t->disturbed, t->k);
	pc_sink_series(o, m, &(struct pc_series){
		.variant = variant, .state = "disabled", .metric = "disabled-overhead",
		.unit = tm->unit, .backend = tm->backend, .v = t->ovh, .n = t->k,
		.events = n, .hit_ratio = NAN, .status = status, .note = note,
	});
	pc_sink_series(o, m, &(struct pc_series){
		.variant = ref_variant, .state = "absent", .metric = "disabled-noise",
		.unit = tm->unit, .backend = tm->backend, .v = t->noise, .n = t->k,
		.events = n, .hit_ratio = NAN,
		.note = "absent' - absent, interleaved with the disabled site",
	});
	if (insn)
		pc_sink_series(o, m, &(struct pc_series){
			.variant = variant, .state = "disabled",
			.metric = "disabled-instructions", .unit = "instructions",
			.backend = "pmu", .v = t->insn, .n = t->k, .events = n,
			.hit_ratio = NAN,
			.note = "retired instructions per event, disabled minus absent",
		});
}

int pc_disabled_run(struct pc_actx *c, const struct pc_mech *m)
{
	static const enum pc_state order[3] = { PC_ABSENT, PC_DISABLED, PC_ABSENT };
	struct pc_engine *e = c->e;
	unsigned int reps = e->cfg.repeats * 2;
	unsigned int total = e->cfg.warmup + reps;
	int insn_ix = hw_index(&e->mt.hw, "instructions");
	char variant[64] = "", ref_variant[64] = "", tmp[64];
	struct tally t = { 0 };
	struct pc_drive d;
	uint64_t n;
	int ret;

	if (!(pc_engine_states(e, m) & PC_ST(PC_DISABLED)))
		return PC_OK;
	if (pc_engine_open(e, m, "disabled-overhead", &d) != PC_OK)
		return PC_OK;
	t.ovh = calloc(reps, sizeof(double));
	t.noise = calloc(reps, sizeof(double));
	t.insn = calloc(reps, sizeof(double));
	if (!t.ovh || !t.noise || !t.insn) {
		ret = PC_ERR_NOMEM;
		goto out;
	}
	ret = pc_drive_calibrate(&d, PC_DISABLED, &n);
	for (unsigned int rep = 0; ret == PC_OK && rep < total; rep++) {
		struct slot s[3];

		for (int i = 0; ret == PC_OK && i < 3; i++) {
			int j = pc_slot_order(rep, i, 3);

			if (pc_drive_stopped(&e->mt)) {
				ret = PC_ERR_INTR;
				goto out;
			}
			pc_progress_at(c->prog, m->name, "disabled overhead",
				       (double)rep / total);
			ret = measure(&d, order[j], n, insn_ix, &s[j],
				      j == 1 ? variant : tmp, sizeof(tmp));
			if (j != 1)
				memcpy(ref_variant, tmp, sizeof(tmp));
		}
		if (ret != PC_OK || rep < e->cfg.warmup)
			continue;
		t.ovh[t.k] = s[1].cost - (s[0].cost + s[2].cost) / 2;
		t.noise[t.k] = s[2].cost - s[0].cost;
		t.insn[t.k] = s[1].insn - (s[0].insn + s[2].insn) / 2;
		if (s[1].hits != PC_HITS_UNKNOWN) {
			t.hits_known = true;
			t.hits += s[1].hits;
		}
		t.disturbed += s[0].disturbed || s[1].disturbed || s[2].disturbed;
		t.k++;
	}
	if (ret == PC_OK)
		emit_all(c, m, variant, ref_variant, n, &t, insn_ix >= 0);
	else
		pc_sink_note(&e->out, m, "disabled", "disabled-overhead", pc_status_of(ret),
			     d.in.why[0] ? d.in.why : pc_strerror(ret));
	ret = PC_OK;
out:
	pc_drive_close(&d);
	free(t.ovh);
	free(t.noise);
	free(t.insn);
	return ret;
}
