// SPDX-License-Identifier: MIT
/*
 * Armed probes elsewhere: the enabled overhead of a probe while K other
 * probes of the same kind are armed on sites that never run.
 *
 * Upstream work on uprobe and kprobe scalability reports per-hit costs
 * that grow with the number of probes armed in the system (the lookup
 * from a trap address to its probe: a tree of uprobes, a hash of
 * kprobes). For every mechanism with an others op (mech.h) and each K of
 * --armed (default 0, 10, 100, 1000), the others op arms K probes and
 * reads back that K are armed; then absent, enabled and absent'
 * alternate as in the disabled analysis (each slot drive.h's N/2N pair,
 * N calibrated on the enabled site with the K probes armed), for the
 * run's repeats.
 *
 *   armed-overhead-k<K>   cost(enabled) - mean(cost(absent), cost(absent'))
 *                         with K others armed; state enabled; the note
 *                         says how they were armed and read back
 *
 * The measured probe must still count exactly one hit per event (the K
 * others none): a row whose hits differ is a miscount. A mechanism
 * without the op gets one unsupported row saying so; the K probes are
 * removed after the last K and on every error path.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyses.h"
#include "errors.h"

const unsigned int pc_armed_default[4] = { 0, 10, 100, 1000 };

struct tally {
	double *ovh;
	size_t k;
	uint64_t hits, fired;
	bool hits_known;
	unsigned int disturbed;
};

/* The repeats at one K: absent, enabled, absent' alternating. */
static int measure_k(struct pc_actx *c, struct pc_drive *d, const struct pc_mech *m,
		     unsigned int k, uint64_t n, struct tally *t, char *variant,
		     size_t vlen)
{
	static const enum pc_state order[3] = { PC_ABSENT, PC_ENABLED, PC_ABSENT };
	struct pc_engine *e = c->e;
	unsigned int total = e->cfg.warmup + e->cfg.repeats;
	char what[80], tmp[64];
	int ret = PC_OK;

	snprintf(what, sizeof(what), "%u armed elsewhere", k);
	for (unsigned int rep = 0; ret == PC_OK && rep < total; rep++) {
		struct pc_pair p[3];

		for (int i = 0; ret == PC_OK && i < 3; i++) {
			int j = pc_slot_order(rep, i, 3);

			if (pc_drive_stopped(&e->mt))
				return PC_ERR_INTR;
			pc_progress_at(c->prog, m->name, what, (double)rep / total);
			ret = pc_drive_slot(d, order[j], n, &p[j], j == 1 ? variant : tmp,
					    j == 1 ? vlen : sizeof(tmp));
		}
		if (ret != PC_OK || rep < e->cfg.warmup)
			continue;
		t->ovh[t->k++] = p[1].cost - (p[0].cost + p[2].cost) / 2;
		if (p[1].hits_known) {
			t->hits_known = true;
			t->hits += p[1].hits;
			t->fired += 3 * n;
		}
		t->disturbed += p[0].ctxsw || p[1].ctxsw || p[2].ctxsw;
	}
	return ret;
}

static void emit(struct pc_actx *c, const struct pc_mech *m, unsigned int k,
		 const char *variant, const char *how, uint64_t n, const struct tally *t)
{
	const struct pc_timer *tm = &c->e->mt.timer;
	double ratio = t->hits_known && t->fired ? (double)t->hits / (double)t->fired : NAN;
	bool bad = pc_hits_miscount(PC_ENABLED, ratio);
	char metric[48], note[400];

	snprintf(metric, sizeof(metric), "armed-overhead-k%u", k);
	snprintf(note, sizeof(note), "%s", how);
	if (bad)
		snprintf(note + strlen(note), sizeof(note) - strlen(note),
			 "; the measured probe counted %.4g hits per event, expected 1", ratio);
	if (t->disturbed)
		snprintf(note + strlen(note), sizeof(note) - strlen(note),
			 "; context switch during %u of %zu kept repeats", t->disturbed, t->k);
	pc_sink_series(&c->e->out, m, &(struct pc_series){
		.variant = variant, .state = "enabled", .metric = metric,
		.unit = tm->unit, .backend = tm->backend, .v = t->ovh, .n = t->k,
		.events = n, .hit_ratio = ratio, .status = bad ? "miscount" : NULL,
		.note = note,
	});
}

int pc_armed_run(struct pc_actx *c, const struct pc_mech *m)
{
	struct pc_engine *e = c->e;
	const unsigned int *ks = c->narmed ? c->armed : pc_armed_default;
	size_t nk = c->narmed ? c->narmed : sizeof(pc_armed_default) / sizeof(pc_armed_default[0]);
	struct tally t = { 0 };
	struct pc_drive d;
	int ret = PC_OK;

	if (!(pc_engine_states(e, m) & PC_ST(PC_ENABLED)))
		return PC_OK;
	if (!m->others) {
		pc_sink_note(&e->out, m, "enabled", "armed-overhead", "unsupported",
			     "no others op: arming other probes of this kind elsewhere is not implemented for this mechanism");
		return PC_OK;
	}
	if (pc_engine_open(e, m, "armed-overhead", &d) != PC_OK)
		return PC_OK;
	t.ovh = calloc(e->cfg.repeats, sizeof(double));
	if (!t.ovh) {
		pc_drive_close(&d);
		return PC_ERR_NOMEM;
	}
	for (size_t i = 0; ret == PC_OK && i < nk; i++) {
		char how[256], variant[64] = "", metric[48];
		uint64_t n;

		t.k = 0;
		t.hits = t.fired = 0;
		t.hits_known = false;
		t.disturbed = 0;
		ret = pc_drive_others(&d, ks[i], how, sizeof(how));
		if (ret == PC_OK)
			ret = pc_drive_calibrate(&d, PC_ENABLED, &n);
		if (ret == PC_OK)
			ret = measure_k(c, &d, m, ks[i], n, &t, variant, sizeof(variant));
		if (ret == PC_OK) {
			emit(c, m, ks[i], variant, how, n, &t);
		} else if (ret != PC_ERR_INTR) {
			snprintf(metric, sizeof(metric), "armed-overhead-k%u", ks[i]);
			pc_sink_note(&e->out, m, "enabled", metric, pc_status_of(ret),
				     d.in.why[0] ? d.in.why : pc_strerror(ret));
		}
	}
	/* none left armed, whatever happened */
	pc_drive_others(&d, 0, (char[8]){ 0 }, 8);
	pc_drive_close(&d);
	free(t.ovh);
	/* a K that could not be armed is a row, not the run's failure */
	return ret == PC_ERR_INTR || ret == PC_ERR_NOMEM ? ret : PC_OK;
}
