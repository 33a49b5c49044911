// SPDX-License-Identifier: MIT
/*
 * Disabled-probe overhead as a result of its own.
 *
 * The question every tracepoint patch is asked is "what does it cost when
 * nobody traces?", and the answer is usually below a nanosecond: the
 * main run, which interleaves all states and sizes N for the dearest one,
 * resolves it poorly. Here only absent, disabled and absent' alternate,
 * N is calibrated on the disabled site, and there are twice the repeats.
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
};

static int hw_index(const struct pc_group *g, const char *name)
{
	for (int i = 0; i < g->nr; i++)
		if (!strcmp(g->name[i], name))
			return i;
	return -1;
}

/* N/2N on one state: fixed costs cancel, as in the engine. */
static int measure(struct pc_actx *c, struct pc_inst *in, enum pc_state st,
		   uint64_t n, int insn_ix, struct slot *s, char *variant,
		   size_t vlen)
{
	const struct pc_engine *e = c->e;
	struct pc_counts a1, b1, a2, b2;
	struct pc_fire f1, f2, f;
	double t1, t2;
	int ret;

	ret = pc_an_arm(in, st);
	if (ret != PC_OK)
		return ret;
	pc_an_variant(in, variant, vlen);
	ret = pc_mech_fire(in, n / 8 ? n / 8 : 1, &f);
	if (ret == PC_OK && insn_ix >= 0)
		pc_group_read(&e->hw, &a1);
	if (ret == PC_OK)
		ret = pc_an_timed_fire(e, in, n, &t1, &f1);
	if (ret == PC_OK && insn_ix >= 0) {
		pc_group_read(&e->hw, &b1);
		pc_group_read(&e->hw, &a2);
	}
	if (ret == PC_OK)
		ret = pc_an_timed_fire(e, in, 2 * n, &t2, &f2);
	if (ret == PC_OK && insn_ix >= 0)
		pc_group_read(&e->hw, &b2);
	in->mech->disarm(in);
	if (ret != PC_OK)
		return ret;
	s->cost = (t2 - t1) / (double)n;
	s->insn = insn_ix < 0 ? NAN :
		  ((double)(b2.val[insn_ix] - a2.val[insn_ix]) -
		   (double)(b1.val[insn_ix] - a1.val[insn_ix])) / (double)n;
	s->hits = f1.hits == PC_HITS_UNKNOWN || f2.hits == PC_HITS_UNKNOWN ?
		  PC_HITS_UNKNOWN : f1.hits + f2.hits;
	return PC_OK;
}

static void emit_all(struct pc_actx *c, const struct pc_mech *m,
		     const char *variant, const char *ref_variant, uint64_t n,
		     const double *ovh, const double *noise, const double *insn,
		     size_t k, uint64_t hits, bool hits_known)
{
	const struct pc_engine *e = c->e;
	struct pc_mw mw;
	char note[256];
	bool resolved;
	const char *status = "ok";

	pc_mann_whitney(noise, k, ovh, k, &mw);
	resolved = mw.p_greater < ALPHA;
	snprintf(note, sizeof(note), "%s the noise floor (one-sided Mann-Whitney vs disabled-noise, p=%.2g)",
		 resolved ? "above" : "not distinguishable from", mw.p_greater);
	if (hits_known && hits) {
		status = "miscount";
		snprintf(note + strlen(note), sizeof(note) - strlen(note),
			 "; the disabled site counted %llu hits, expected 0",
			 (unsigned long long)hits);
	}
	pc_analysis_emit(c, m, &(struct pc_arow){
		.variant = variant, .state = "disabled", .metric = "disabled-overhead",
		.unit = e->timer.unit, .backend = e->timer.backend, .v = ovh, .n = k,
		.events = n, .hit_ratio = NAN, .status = status, .note = note,
	});
	pc_analysis_emit(c, m, &(struct pc_arow){
		.variant = ref_variant, .state = "absent", .metric = "disabled-noise",
		.unit = e->timer.unit, .backend = e->timer.backend, .v = noise, .n = k,
		.events = n, .hit_ratio = NAN,
		.note = "absent' - absent, interleaved with the disabled site",
	});
	if (insn)
		pc_analysis_emit(c, m, &(struct pc_arow){
			.variant = variant, .state = "disabled",
			.metric = "disabled-instructions", .unit = "instructions",
			.backend = "pmu", .v = insn, .n = k, .events = n,
			.hit_ratio = NAN,
			.note = "retired instructions per event, disabled minus absent",
		});
}

int pc_disabled_run(struct pc_actx *c, const struct pc_mech *m)
{
	static const enum pc_state order[3] = { PC_ABSENT, PC_DISABLED, PC_ABSENT };
	const struct pc_engine *e = c->e;
	unsigned int reps = e->cfg.repeats * 2;
	unsigned int total = e->cfg.warmup + reps;
	int insn_ix = hw_index(&e->hw, "instructions");
	double *ovh, *noise, *insn;
	char variant[64] = "", ref_variant[64] = "", tmp[64];
	uint64_t n, hits = 0;
	bool hits_known = false;
	struct pc_inst in;
	size_t k = 0;
	int ret;

	if (!pc_an_wants(c, m, PC_DISABLED))
		return PC_OK;
	if (pc_an_open(c, m, "disabled-overhead", &in) != PC_OK)
		return PC_OK;
	ovh = calloc(reps, sizeof(double));
	noise = calloc(reps, sizeof(double));
	insn = calloc(reps, sizeof(double));
	if (!ovh || !noise || !insn) {
		ret = PC_ERR_NOMEM;
		goto out;
	}
	ret = pc_an_calibrate(e, &in, PC_DISABLED, &n);
	for (unsigned int rep = 0; ret == PC_OK && rep < total; rep++) {
		struct slot s[3];

		for (int i = 0; ret == PC_OK && i < 3; i++) {
			int j = pc_slot_order(rep, i, 3);

			if (pc_an_stopped(c)) {
				ret = PC_ERR_INTR;
				goto out;
			}
			pc_progress_at(c->prog, m->name, "disabled overhead",
				       (double)rep / total);
			ret = measure(c, &in, order[j], n, insn_ix, &s[j],
				      j == 1 ? variant : tmp, sizeof(tmp));
			if (j != 1)
				memcpy(ref_variant, tmp, sizeof(tmp));
		}
		if (ret != PC_OK || rep < e->cfg.warmup)
			continue;
		ovh[k] = s[1].cost - (s[0].cost + s[2].cost) / 2;
		noise[k] = s[2].cost - s[0].cost;
		insn[k] = s[1].insn - (s[0].insn + s[2].insn) / 2;
		if (s[1].hits != PC_HITS_UNKNOWN) {
			hits_known = true;
			hits += s[1].hits;
		}
		k++;
	}
	if (ret == PC_OK)
		emit_all(c, m, variant, ref_variant, n, ovh, noise,
			 insn_ix >= 0 ? insn : NULL, k, hits, hits_known);
	else
		pc_analysis_status(c, m, "disabled", "disabled-overhead",
				   ret == PC_ERR_UNSUPPORTED ? "unsupported" : "failed",
				   in.why[0] ? in.why : pc_strerror(ret));
	ret = PC_OK;
out:
	pc_an_close(&in);
	free(ovh);
	free(noise);
	free(insn);
	return ret;
}
