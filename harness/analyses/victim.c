// SPDX-License-Identifier: MIT
/*
 * The victim analyses (victim, victim-llc): working sets sized from the
 * cache levels hwloc reports, the walk of victim_walk.c over them, and
 * the rows. victim.h has the method.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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
		 const struct pc_victim *v, const char **names, char notes[][160])
{
	const struct pc_victim_cfg *cfg = &v->cfg;
	const struct pc_victim_out *o = &v->out;
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
			if (!(cfg->states & PC_ST(st)) || !o->nst[st])
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
					.n = o->nst[st], .events = cfg->k[k], .hit_ratio = NAN,
					.note = note,
				});
			}
		}
	}
}

/* What a victim riding in the engine's slots keeps until its rows. */
struct pc_victim_ride {
	struct pc_victim v;
	const char *names[PC_VICTIM_MAX_SETS];
	char notes[PC_VICTIM_MAX_SETS][160];
};

/*
 * The walk's configuration for @m, or the unsupported row saying why
 * there is none (PC_ERR_UNSUPPORTED, the row written).
 */
static int setup(struct pc_actx *c, const struct pc_mech *m, bool llc,
		 struct pc_victim_cfg *cfg, const char **names, char notes[][160])
{
	struct pc_engine *e = c->e;
	const char *metric = llc ? "victim-llc" : "victim";
	char why[256];

	*cfg = (struct pc_victim_cfg){
		.k = { 1, 8, 64 },
		.nk = 3,
		.passes = llc ? 2 : 5,
		.repeats = llc && e->cfg.repeats > 7 ? 7 : e->cfg.repeats,
		.warmup = e->cfg.warmup ? 1 : 0,
		.states = pc_engine_states(e, m),
	};
	if (e->mt.timer.kind == PC_TIMER_ICOUNT) {
		pc_sink_note(&e->out, m, "-", metric, "unsupported",
			     "the icount timer counts instructions: a cache miss costs none, so a victim cannot see it");
		return PC_ERR_UNSUPPORTED;
	}
	if (pick_sets(c->topo, llc, cfg, names, notes, why, sizeof(why)) != PC_OK) {
		pc_sink_note(&e->out, m, "-", metric, "unsupported", why);
		return PC_ERR_UNSUPPORTED;
	}
	return PC_OK;
}

static int ride_slot(void *arg, struct pc_drive *d, int slot, const char *variant)
{
	struct pc_victim_ride *vr = arg;
	enum pc_state st = slot == PC_NR_STATES ? PC_ABSENT : slot;
	int ret = pc_victim_slot(&vr->v, d, slot, variant);

	if (ret != PC_OK && ret != PC_ERR_INTR && !vr->v.out.why[0])
		snprintf(vr->v.out.why, sizeof(vr->v.out.why), "%s: %.200s", pc_state_name(st),
			 d->in.why[0] ? d->in.why : pc_strerror(ret));
	return ret;
}

static void ride_fold(void *arg)
{
	pc_victim_fold(&((struct pc_victim_ride *)arg)->v);
}

static void ride_drop(void *arg)
{
	pc_victim_drop(&((struct pc_victim_ride *)arg)->v);
}

int pc_victim_ride(struct pc_actx *c, const struct pc_mech *m, struct pc_rider *r)
{
	struct pc_victim_ride *vr;
	struct pc_victim_cfg cfg;
	int ret;

	memset(r, 0, sizeof(*r));
	vr = calloc(1, sizeof(*vr));
	if (!vr)
		return PC_ERR_NOMEM;
	ret = setup(c, m, false, &cfg, vr->names, vr->notes);
	if (ret == PC_OK)
		ret = pc_victim_open(&vr->v, &cfg);
	if (ret != PC_OK) {
		pc_victim_close(&vr->v);
		free(vr);
		/* the unsupported row is written; anything else, say so at run */
		return ret == PC_ERR_UNSUPPORTED ? PC_OK : ret;
	}
	c->victim = vr;
	*r = (struct pc_rider){ .slot = ride_slot, .fold = ride_fold, .drop = ride_drop, .arg = vr };
	return PC_OK;
}

void pc_victim_unride(struct pc_actx *c)
{
	if (!c->victim)
		return;
	pc_victim_close(&c->victim->v);
	free(c->victim);
	c->victim = NULL;
}

/* The rows of a victim that rode in the engine's slots of @m, and measured. */
static int ride_rows(struct pc_actx *c, const struct pc_mech *m)
{
	struct pc_victim_ride *vr = c->victim;
	struct pc_sink *so = &c->e->out;

	emit(c, m, &vr->v, vr->names, vr->notes);
	if (vr->v.out.why[0])
		pc_sink_note(so, m, "-", "victim", "unsupported", vr->v.out.why);
	pc_victim_unride(c);
	return PC_OK;
}

int pc_victim_run(struct pc_actx *c, const struct pc_mech *m, bool llc)
{
	struct pc_engine *e = c->e;
	const char *metric = llc ? "victim-llc" : "victim";
	struct tick_arg ta = { c, m->name, llc ? "victim walk, LLC" : "victim walk" };
	struct pc_victim_cfg cfg;
	struct pc_victim v;
	const char *names[PC_VICTIM_MAX_SETS];
	char notes[PC_VICTIM_MAX_SETS][160];
	struct pc_drive d;
	int ret;

	/*
	 * A ride without a measured repeat (the engine could not arm the
	 * mechanism at all) measures on its own, which writes why not.
	 */
	if (!llc && c->victim) {
		if (c->victim->v.out.n)
			return ride_rows(c, m);
		pc_victim_unride(c);
	}
	if (setup(c, m, llc, &cfg, names, notes) != PC_OK)
		return PC_OK;
	cfg.tick = tick;
	cfg.arg = &ta;
	ret = pc_victim_open(&v, &cfg);
	if (ret != PC_OK) {
		pc_victim_close(&v);
		return ret;
	}
	if (pc_engine_open(e, m, metric, &d) != PC_OK) {
		pc_victim_close(&v);
		return PC_OK;
	}
	ret = pc_victim_measure(&d, &v);
	if (ret == PC_OK && v.out.n) {
		emit(c, m, &v, names, notes);
		if (v.out.why[0])
			pc_sink_note(&e->out, m, "-", metric, "unsupported", v.out.why);
	} else if (ret != PC_ERR_INTR) {
		pc_sink_note(&e->out, m, "-", metric, pc_status_of(ret),
			     v.out.why[0] ? v.out.why : pc_strerror(ret));
		ret = PC_OK;
	}
	pc_victim_close(&v);
	pc_drive_close(&d);
	return ret;
}
