// SPDX-License-Identifier: MIT
/*
 * The victim method tells a cache-hungry probe from an empty one.
 *
 * Two fake mechanisms: "empty", whose enabled hit does nothing, and
 * "hungry", whose enabled hit sweeps twice the L1d -- evicting the
 * victim's whole working set. Walking an L1d-sized set after one hit,
 * the victim must slow down more for every repeat of the hungry probe
 * than for any repeat of the empty one; and a state that cannot be armed
 * is dropped with its reason, not measured. A third, "readback", hits
 * nothing but its count op sweeps twice the L1d (as a counter read's
 * kernel entry evicts lines): the count is read after the timed walk,
 * so the victim must see no more of it than of the empty probe.
 */
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "ktap.h"
#include "mech.h"
#include "ranktest.h"
#include "stats.h"
#include "topo.h"
#include "victim.h"

static enum pc_state armed;
static volatile unsigned char *sweep;
static size_t sweep_len;

static int fake_arm(struct pc_inst *in, enum pc_state st)
{
	if (st == PC_RECORDING)
		return pc_inst_fail(in, PC_ERR_UNSUPPORTED, "fake has no recording");
	armed = st;
	return PC_OK;
}

static int fake_disarm(struct pc_inst *in)
{
	(void)in;
	armed = PC_ABSENT;
	return PC_OK;
}

static int empty_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out)
{
	(void)in;
	out->hits = armed == PC_ENABLED ? n : 0;
	return PC_OK;
}

static int hungry_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out)
{
	(void)in;
	for (uint64_t i = 0; armed == PC_ENABLED && i < n; i++)
		for (size_t k = 0; k < sweep_len; k += 64)
			sweep[k]++;
	out->hits = armed == PC_ENABLED ? n : 0;
	return PC_OK;
}

static int readback_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out)
{
	(void)in;
	out->hits = armed == PC_ENABLED ? n : 0;
	return PC_OK;
}

/* like the BPF entry's: a counter to read only once something is loaded */
static int readback_count(struct pc_inst *in, struct pc_fire *out)
{
	(void)in;
	(void)out;
	for (size_t k = 0; armed != PC_ABSENT && k < sweep_len; k += 64)
		sweep[k]++;
	return PC_OK;
}

static const struct pc_mech empty = {
	.name = "empty", .summary = "no work", .states = PC_ST_ALL,
	.arm = fake_arm, .disarm = fake_disarm, .fire = empty_fire,
};

static const struct pc_mech hungry = {
	.name = "hungry", .summary = "sweeps 2 x L1d per hit", .states = PC_ST_ALL,
	.arm = fake_arm, .disarm = fake_disarm, .fire = hungry_fire,
};

static const struct pc_mech readback = {
	.name = "readback", .summary = "count op sweeps 2 x L1d", .states = PC_ST_ALL,
	.arm = fake_arm, .disarm = fake_disarm, .fire = readback_fire,
	.count = readback_count,
};

static int measure(const struct pc_mech *m, const struct pc_timer *t, size_t bytes,
		   struct pc_victim *v)
{
	struct pc_opts opts = { 0 };
	struct pc_meter mt = { .timer = *t };
	struct pc_victim_cfg cfg = {
		.bytes = { bytes }, .nsets = 1, .k = { 1, 4 }, .nk = 2,
		.passes = 5, .repeats = 9, .warmup = 1,
		.states = PC_ST(PC_ENABLED) | PC_ST(PC_RECORDING),
	};
	struct pc_drive d;
	int ret = pc_victim_open(v, &cfg);

	if (ret != PC_OK)
		return ret;
	ret = pc_drive_open(&d, &mt, &opts, m);
	if (ret == PC_OK)
		ret = pc_victim_measure(&d, v);
	pc_drive_close(&d);
	return ret;
}

int main(void)
{
	static struct pc_victim ev, hv, rv;
	struct pc_victim_out *e = &ev.out, *h = &hv.out, *rb = &rv.out;
	struct pc_timer t;
	struct pc_topo tp;
	char why[256];
	size_t l1d;
	struct pc_stats ste, sth, str;
	double he, hh, hr;
	bool ok;

	ktap_plan(7);
	if (pc_topo_init(&tp) != PC_OK || pc_timer_init(&t, PC_NR_TIMERS) != PC_OK ||
	    t.kind == PC_TIMER_ICOUNT) {
		for (int i = 0; i < 7; i++)
			ktap_skip("no topology or no time-based timer (icount cannot see misses)",
				  "victim");
		return ktap_finish();
	}
	l1d = tp.l1d ? tp.l1d : 32768;
	pc_topo_bind(&tp, 0, why, sizeof(why));
	sweep_len = 2 * l1d;
	sweep = calloc(1, sweep_len);

	KTAP_OK(measure(&empty, &t, l1d / 8 * 7, &ev) == PC_OK && e->n == 9 &&
		e->nst[PC_ENABLED] == 9,
		"empty probe measured: 9 repeats over a %zu KiB set", l1d / 8 * 7 / 1024);
	KTAP_OK(measure(&hungry, &t, l1d / 8 * 7, &hv) == PC_OK && h->n == 9,
		"hungry probe measured");
	KTAP_OK(measure(&readback, &t, l1d / 8 * 7, &rv) == PC_OK && rb->n == 9,
		"readback probe measured");
	he = pc_median(e->slow[PC_ENABLED][0][0], e->n);
	hh = pc_median(h->slow[PC_ENABLED][0][0], h->n);
	hr = pc_median(rb->slow[PC_ENABLED][0][0], rb->n);
	ktap_diag("slowdown per hit, k=1: empty %.1f %s, hungry %.1f %s, readback %.1f; noise (absent) %.1f",
		  he, t.unit, hh, t.unit, hr, pc_median(e->slow[PC_ABSENT][0][0], e->n));
	KTAP_OK(hh > he, "hungry slows the victim more than empty (medians %.1f > %.1f)", hh, he);
	/* CIs, not extremes: one walk interrupted by the host is a lone outlier */
	ok = pc_stats_compute(h->slow[PC_ENABLED][0][0], h->n, &sth) == PC_OK &&
	     pc_stats_compute(e->slow[PC_ENABLED][0][0], e->n, &ste) == PC_OK;
	KTAP_OK(ok && sth.ci_lo > ste.ci_hi,
		"hungry's 95%% CI lies above empty's ([%.1f, %.1f] > [%.1f, %.1f])",
		sth.ci_lo, sth.ci_hi, ste.ci_lo, ste.ci_hi);
	/* read before the timed walk, the sweep would cost what hungry's does */
	ok = pc_stats_compute(rb->slow[PC_ENABLED][0][0], rb->n, &str) == PC_OK;
	KTAP_OK(ok && str.ci_hi < sth.ci_lo,
		"the count's read-back is not charged to the hits: readback's CI [%.1f, %.1f] below hungry's [%.1f, %.1f]",
		str.ci_lo, str.ci_hi, sth.ci_lo, sth.ci_hi);
	KTAP_OK(!(hv.cfg.states & PC_ST(PC_RECORDING)) && (hv.cfg.states & PC_ST(PC_ENABLED)) &&
		!h->nst[PC_RECORDING] && strstr(h->why, "fake has no recording"),
		"a state that cannot be armed is dropped with its reason: %s", h->why);

	pc_victim_close(&ev);
	pc_victim_close(&hv);
	pc_victim_close(&rv);
	free((void *)sweep);
	pc_topo_fini(&tp);
	return ktap_finish();
}
