// SPDX-License-Identifier: MIT
/*
 * The victim analyses (victim, victim-llc): working sets sized from the
 * cache levels hwloc reports, the walk of victim_walk.c over them, and
 * the rows. victim.h has the method.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analyses.h"
#include "errors.h"
#include "victim.h"

/* an LLC walk this large takes ~50 ms per pass in a VM; beyond it, cap */
#define LLC_CAP (16ull << 20)

struct tick_arg {
	struct pc_actx *c;
	const char *mech;
	const char *what;
};

static void tick(void *arg, const char *state, double frac)
{
	struct tick_arg *a = arg;
	char what[64];

	snprintf(what, sizeof(what), "%s, %s", a->what, state);
	pc_progress_at(a->c->prog, a->mech, what, frac);
}

static void kib(char *buf, size_t len, uint64_t b)
{
	if (b >= (4u << 20))
		snprintf(buf, len, "%llu MiB", (unsigned long long)(b >> 20));
	else
		snprintf(buf, len, "%llu KiB", (unsigned long long)(b >> 10));
}

/*
 * A set fills the level but one way: every cache set keeps one way for
 * the walker's own code and stack, so a clean pass does not miss, while
 * probe lines beyond that way evict victim lines (ways unknown: 7/8).
 */
static int one_set(const struct pc_topo *tp, hwloc_obj_type_t type,
		   const char *name, uint64_t cap, size_t *bytes, char *note,
		   size_t len)
{
	hwloc_obj_t o = hwloc_get_obj_by_type(tp->t, type, 0);
	int ways = o && o->attr ? o->attr->cache.associativity : 0;
	uint64_t size = o && o->attr ? o->attr->cache.size : 0;
	char a[32], b[32];

	if (!size)
		return PC_ERR_UNSUPPORTED;
	*bytes = ways > 1 ? size / (uint64_t)ways * (uint64_t)(ways - 1) : size / 8 * 7;
	kib(b, sizeof(b), size);
	if (*bytes > cap) {
		*bytes = cap;
		kib(a, sizeof(a), *bytes);
		snprintf(note, len, "walk over %s, capped (%s %s would take seconds per pass)",
			 a, name, b);
		return PC_OK;
	}
	kib(a, sizeof(a), *bytes);
	if (ways > 1)
		snprintf(note, len, "walk over %s: %s %s, %d-way, less one way", a, name, b, ways);
	else
		snprintf(note, len, "walk over %s: 7/8 of %s %s", a, name, b);
	return PC_OK;
}

static int pick_sets(const struct pc_topo *tp, bool llc, struct pc_victim_cfg *cfg,
		     const char **names, char notes[][160], char *why, size_t len)
{
	if (!llc) {
		if (one_set(tp, HWLOC_OBJ_L1CACHE, "L1d", UINT64_MAX, &cfg->bytes[0],
			    notes[0], 160) != PC_OK) {
			snprintf(why, len, "hwloc reports no L1d size, so no working set can be sized to it");
			return PC_ERR_UNSUPPORTED;
		}
		names[0] = "l1d";
		cfg->nsets = 1;
		if (tp->l2 > tp->l1d &&
		    one_set(tp, HWLOC_OBJ_L2CACHE, "L2", UINT64_MAX, &cfg->bytes[1],
			    notes[1], 160) == PC_OK) {
			names[1] = "l2";
			cfg->nsets = 2;
		}
		return PC_OK;
	}
	if (tp->l3 <= tp->l2 ||
	    one_set(tp, HWLOC_OBJ_L3CACHE, "L3", LLC_CAP, &cfg->bytes[0], notes[0],
		    160) != PC_OK) {
		snprintf(why, len, "hwloc reports no cache level above L2 (L3 %llu KiB), so L2 is the LLC: see victim-l2",
			 (unsigned long long)(tp->l3 >> 10));
		return PC_ERR_UNSUPPORTED;
	}
	names[0] = "llc";
	cfg->nsets = 1;
	return PC_OK;
}

static void emit(struct pc_actx *c, const struct pc_mech *m,
		 const struct pc_victim_cfg *cfg, const struct pc_victim_out *o,
		 const char **names, char notes[][160])
{
	const struct pc_timer *tm = &c->e->mt.timer;
	struct pc_sink *so = &c->e->out;
	char metric[64], note[256];

	for (size_t s = 0; s < cfg->nsets; s++) {
		snprintf(metric, sizeof(metric), "victim-%s-walk", names[s]);
		snprintf(note, sizeof(note), "%.159s (%zu lines): time of one walk",
			 notes[s], o->lines[s]);
		pc_sink_series(so, m, &(struct pc_series){
			.variant = o->variant[PC_ABSENT], .state = "absent",
			.metric = metric, .unit = tm->unit,
			.backend = tm->backend, .v = o->walk[s], .n = o->n,
			.events = o->lines[s], .hit_ratio = NAN, .note = note,
		});
		for (int st = 0; st < PC_NR_STATES; st++) {
			if (!(cfg->states & PC_ST(st)))
				continue;
			for (size_t k = 0; k < cfg->nk; k++) {
				snprintf(metric, sizeof(metric), "victim-%s-k%llu", names[s],
					 (unsigned long long)cfg->k[k]);
				snprintf(note, sizeof(note), "%.159s: %s per probe hit, %llu hits between walks",
					 notes[s], st == PC_ABSENT ?
					 "noise floor (absent' - absent)" : "walk time added",
					 (unsigned long long)cfg->k[k]);
				pc_sink_series(so, m, &(struct pc_series){
					.variant = o->variant[st], .state = pc_state_name(st),
					.metric = metric, .unit = tm->unit,
					.backend = tm->backend, .v = o->slow[st][s][k],
					.n = o->n, .events = cfg->k[k], .hit_ratio = NAN,
					.note = note,
				});
			}
		}
	}
}

int pc_victim_run(struct pc_actx *c, const struct pc_mech *m, bool llc)
{
	struct pc_engine *e = c->e;
	const char *metric = llc ? "victim-llc" : "victim";
	struct pc_victim_cfg cfg = {
		.k = { 1, 8, 64 },
		.nk = 3,
		.passes = llc ? 2 : 5,
		.repeats = llc && e->cfg.repeats > 7 ? 7 : e->cfg.repeats,
		.warmup = e->cfg.warmup ? 1 : 0,
	};
	struct tick_arg ta = { c, m->name, llc ? "victim walk, LLC" : "victim walk" };
	struct pc_victim_out out;
	const char *names[PC_VICTIM_MAX_SETS];
	char notes[PC_VICTIM_MAX_SETS][160], why[256];
	struct pc_drive d;
	int ret;

	if (e->mt.timer.kind == PC_TIMER_ICOUNT) {
		pc_sink_note(&e->out, m, "-", metric, "unsupported",
			     "the icount timer counts instructions: a cache miss costs none, so a victim cannot see it");
		return PC_OK;
	}
	ret = pick_sets(c->topo, llc, &cfg, names, notes, why, sizeof(why));
	if (ret != PC_OK) {
		pc_sink_note(&e->out, m, "-", metric, "unsupported", why);
		return PC_OK;
	}
	cfg.states = pc_engine_states(e, m);
	cfg.tick = tick;
	cfg.arg = &ta;
	if (pc_engine_open(e, m, metric, &d) != PC_OK)
		return PC_OK;
	ret = pc_victim_measure(&d, &cfg, &out);
	if (ret == PC_OK && out.n) {
		emit(c, m, &cfg, &out, names, notes);
		if (out.why[0])
			pc_sink_note(&e->out, m, "-", metric, "unsupported", out.why);
	} else if (ret != PC_ERR_INTR) {
		pc_sink_note(&e->out, m, "-", metric, pc_status_of(ret),
			     out.why[0] ? out.why : pc_strerror(ret));
		ret = PC_OK;
	}
	pc_victim_out_free(&out);
	pc_drive_close(&d);
	return ret;
}
