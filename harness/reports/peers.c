// SPDX-License-Identifier: MIT
/*
 * "Against published figures": see peers.h for what is compared and why
 * ratios, docs/peers.md for every figure with the sentence it was taken
 * from.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "peers.h"

/*
 * The sources, one string each: for figures from elsewhere, the source
 * (author, title, date, where to read it; the CPU and kernel as far as
 * the text says).
 */
#define SRC_OLSA_2507 \
	"Jiri Olsa, \"[PATCHv4 perf/core 10/22] uprobes/x86: Add support " \
	"to optimize uprobes\", 2025-07-08, lore " \
	"<20250708132333.2739553-11-jolsa@kernel.org>: " \
	"run_bench_uprobes.sh \"after the change\"; an Intel CPU (model " \
	"not stated); kernel perf/core of 2025-07 plus the series"
#define SRC_NAKRYIKO_2403 \
	"Andrii Nakryiko, \"uprobes: prepare uprobe args buffer lazily\", " \
	"commit 1b8f85defbc8 (Link: lore " \
	"<20240318181728.2795838-3-andrii@kernel.org>), the AFTER table; " \
	"CPU not stated; kernel of 2024-03 plus the patch"
#define SRC_KPROBES_RST \
	"Documentation/trace/kprobes.rst, \"Optimized Probe Overhead\" " \
	"(torvalds/linux 00c1d298d486), the x86-64 line: Intel(R) " \
	"Xeon(R) E5410, 2.33GHz; kernel not stated"
#define SRC_DONG_2511 \
	"Menglong Dong, \"[PATCH bpf-next v3 0/6] bpf trampoline support " \
	"\"jmp\" mode\", 2025-11-18, lore " \
	"<20251118123639.688444-1-dongml2@chinatelecom.cn>: " \
	"run_bench_trigger.sh before the series; CPU not stated; kernel " \
	"bpf-next of 2025-11"

/*
 * Every figure a ratio below uses, exactly as published (docs/peers.md
 * quotes the line). The bench programs only count hits, like probecost's
 * enabled state; they are BPF programs, so the tracer preferred is "bpf"
 * (any tracer is taken when the run has none: see pc_peer_measured()).
 * kprobes.rst's figures are for "a simple handler": a module's kprobe,
 * probecost's tracer "self".
 */
const struct pc_peer_fig pc_peer_figs[] = {
	{ "usermode-count", NULL, NULL, NULL, 152.448, "M/s", SRC_OLSA_2507, NULL },
	{ "uprobe-nop", "uprobe-nop", "enabled", "bpf", 3.148, "M/s", SRC_OLSA_2507, NULL },
	{ "uprobe-push", "uprobe-push", "enabled", "bpf", 2.976, "M/s", SRC_OLSA_2507, NULL },
	{ "uprobe-ret", "uprobe-ret", "enabled", "bpf", 1.068, "M/s", SRC_OLSA_2507, NULL },
	{ "uprobe-nop5", "uprobe-nop5", "enabled", "bpf", 7.038, "M/s", SRC_OLSA_2507, NULL },
	{ "uretprobe-nop", "uretprobe", "enabled", "bpf", 2.109, "M/s", SRC_OLSA_2507, NULL },

	{ "uprobe-nop", "uprobe-nop", "enabled", "bpf", 2.732, "M/s", SRC_NAKRYIKO_2403, NULL },
	{ "uprobe-push", "uprobe-push", "enabled", "bpf", 2.621, "M/s", SRC_NAKRYIKO_2403, NULL },
	{ "uprobe-ret", "uprobe-ret", "enabled", "bpf", 1.105, "M/s", SRC_NAKRYIKO_2403, NULL },
	{ "uretprobe-nop", "uretprobe", "enabled", "bpf", 1.396, "M/s", SRC_NAKRYIKO_2403, NULL },

	{ "k", "kprobe-int3", "enabled", "self", 0.99, "us", SRC_KPROBES_RST, "2" },
	{ "b", "kprobe-int3", "enabled", "self", 0.43, "us", SRC_KPROBES_RST, "1" },
	{ "o", "kprobe-optimized", "enabled", "self", 0.06, "us", SRC_KPROBES_RST, "0" },

	{ "kernel-count", NULL, NULL, NULL, 409.184, "M/s", SRC_DONG_2511, NULL },
	{ "kprobe", "kprobe-ftrace", "enabled", "bpf", 52.029, "M/s", SRC_DONG_2511, NULL },
	{ "kretprobe", "kretprobe", "enabled", "bpf", 23.779, "M/s", SRC_DONG_2511, NULL },
};
const size_t pc_peer_nfigs = sizeof(pc_peer_figs) / sizeof(pc_peer_figs[0]);

/* The ratios compared: each of two figures of one table of one source. */
const struct pc_peer_ratio pc_peer_ratios[] = {
	{ "uprobe-push", "uprobe-nop", "usermode-count", SRC_OLSA_2507, NULL },
	{ "uprobe-ret", "uprobe-nop", "usermode-count", SRC_OLSA_2507,
	  "ret is not emulated: single-stepped out of line, a second trap" },
	{ "uretprobe-nop", "uprobe-nop", "usermode-count", SRC_OLSA_2507,
	  "an entry uprobe plus the return trampoline" },
	{ "uprobe-nop5", "uprobe-nop", "usermode-count", SRC_OLSA_2507,
	  "published with nop5 optimized (a call into a trampoline, no trap); the row's variant says whether this kernel optimized it" },
	{ "uprobe-push", "uprobe-nop", NULL, SRC_NAKRYIKO_2403,
	  "no baseline in that table: loop cost not subtracted" },
	{ "uprobe-ret", "uprobe-nop", NULL, SRC_NAKRYIKO_2403, NULL },
	{ "uretprobe-nop", "uprobe-nop", NULL, SRC_NAKRYIKO_2403, NULL },
	{ "k", "o", NULL, SRC_KPROBES_RST,
	  "k: unoptimized int3 kprobe, single-stepped: 2 traps per hit. kprobe-int3 is k or b, whichever the kernel makes of its probed instruction (x86 boosts or emulates one that allows it, never boosts under CONFIG_PREEMPTION); its traps row says which, and the other ratio is left out. A run without traps rows shows both: read them as the range it falls in" },
	{ "b", "o", NULL, SRC_KPROBES_RST,
	  "b: int3 kprobe, boosted (single-step skipped): 1 trap per hit; see k / o" },
	{ "kretprobe", "kprobe", "kernel-count", SRC_DONG_2511,
	  "bench's kprobe is at a function entry, an ftrace-based kprobe where the kernel has CONFIG_KPROBES_ON_FTRACE" },
};
const size_t pc_peer_nratios = sizeof(pc_peer_ratios) / sizeof(pc_peer_ratios[0]);

/* A short name for a source in the report's table. */
static const char *src_label(const char *source)
{
	if (!strcmp(source, SRC_OLSA_2507))
		return "bench, Olsa 2025-07";
	if (!strcmp(source, SRC_NAKRYIKO_2403))
		return "bench, Nakryiko 2024-03";
	if (!strcmp(source, SRC_KPROBES_RST))
		return "kprobes.rst, Xeon E5410";
	if (!strcmp(source, SRC_DONG_2511))
		return "bench, Dong 2025-11";
	return "?";
}

static const struct pc_peer_fig *fig(const char *source, const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < pc_peer_nfigs; i++)
		if (!strcmp(pc_peer_figs[i].source, source) &&
		    !strcmp(pc_peer_figs[i].name, name))
			return &pc_peer_figs[i];
	return NULL;
}

double pc_peer_ns(const struct pc_peer_fig *f)
{
	if (!f || !(f->value > 0))
		return NAN;
	if (!strcmp(f->unit, "M/s"))
		return 1000.0 / f->value;
	if (!strcmp(f->unit, "us"))
		return f->value * 1000.0;
	return NAN;
}

double pc_peer_published(const struct pc_peer_ratio *r)
{
	const struct pc_peer_fig *n = fig(r->source, r->num), *d = fig(r->source, r->den);
	double base = r->base ? pc_peer_ns(fig(r->source, r->base)) : 0;
	double cn = pc_peer_ns(n) - base, cd = pc_peer_ns(d) - base;

	if (isnan(cn) || isnan(cd) || !(cd > 0))
		return NAN;
	return cn / cd;
}

/* The first measured overhead row of @mech in @state by @tracer (NULL: any). */
static const struct pc_rrow *overhead(const struct pc_run *run, const char *mech,
				      const char *state, const char *tracer,
				      const struct pc_rrow *like)
{
	for (size_t i = 0; i < run->nrows; i++) {
		const struct pc_rrow *w = &run->rows[i];

		if (strcmp(w->mechanism, mech) || strcmp(w->state, state) ||
		    strcmp(w->metric, "overhead") || !pc_rrow_measured(w))
			continue;
		if (tracer && strcmp(w->tracer, tracer))
			continue;
		if (like && (strcmp(w->tracer, like->tracer) || strcmp(w->unit, like->unit) ||
			     strcmp(w->backend, like->backend)))
			continue;
		return w;
	}
	return NULL;
}

/*
 * The two rows of @r: both by the figures' own tracer where the run has
 * it, else the first pair with one tracer, unit and backend.
 */
static bool rows_of(const struct pc_run *run, const struct pc_peer_ratio *r,
		    const struct pc_rrow **nrow, const struct pc_rrow **drow)
{
	const struct pc_peer_fig *n = fig(r->source, r->num), *d = fig(r->source, r->den);

	*nrow = *drow = NULL;
	if (!n || !d || !n->mech || !d->mech)
		return false;
	if (n->tracer) {
		*nrow = overhead(run, n->mech, n->state, n->tracer, NULL);
		*drow = *nrow ? overhead(run, d->mech, d->state, NULL, *nrow) : NULL;
		if (*drow)
			return true;
	}
	for (size_t i = 0; i < run->nrows; i++) {
		const struct pc_rrow *w = &run->rows[i];

		if (strcmp(w->mechanism, n->mech) || strcmp(w->state, n->state) ||
		    strcmp(w->metric, "overhead") || !pc_rrow_measured(w))
			continue;
		*drow = overhead(run, d->mech, d->state, NULL, w);
		if (*drow) {
			*nrow = w;
			return true;
		}
	}
	*nrow = NULL;
	return false;
}

bool pc_peer_measured(const struct pc_run *run, const struct pc_peer_ratio *r,
		      double *ratio, double *lo, double *hi,
		      const struct pc_rrow **nrow, const struct pc_rrow **drow)
{
	const struct pc_rrow *n, *d;

	*ratio = *lo = *hi = NAN;
	if (!rows_of(run, r, &n, &d))
		return false;
	if (nrow)
		*nrow = n;
	if (drow)
		*drow = d;
	if (d->median != 0)
		*ratio = n->median / d->median;
	/*
	 * Interval arithmetic on the two 95% CIs: where both hold (at
	 * least 90% together, Bonferroni), the ratio of the true medians
	 * lies in [lo_n/hi_d, hi_n/lo_d]. Only for positive CIs: one that
	 * reaches 0 bounds nothing.
	 */
	if (n->ci_lo > 0 && d->ci_lo > 0 && !isnan(n->ci_hi) && !isnan(d->ci_hi)) {
		*lo = n->ci_lo / d->ci_hi;
		*hi = n->ci_hi / d->ci_lo;
	}
	return true;
}

/* What the two rows count in, for the reader of a ratio. */
static void basis(const struct pc_run *run, const struct pc_rrow *w, char *buf, size_t len)
{
	const char *cpu = pc_run_meta(run, "guest_cpu_model", "");

	if (!strncmp(w->backend, "icount", 6))
		snprintf(buf, len, "insn, icount [%s]", w->tracer);
	else if (!strcmp(w->unit, "ns") && !strcmp(w->where, "module") && strstr(cpu, "TCG"))
		snprintf(buf, len, "TCG ns [%s]", w->tracer);
	else
		snprintf(buf, len, "%s %s [%s]", w->unit, w->backend, w->tracer);
}

/* @r's probecost rows, "kprobe-int3 / kprobe-optimized". */
static void mechs_of(const struct pc_peer_ratio *r, char *buf, size_t len)
{
	const struct pc_peer_fig *n = fig(r->source, r->num), *d = fig(r->source, r->den);

	snprintf(buf, len, "%s / %s", n && n->mech ? n->mech : "?",
		 d && d->mech ? d->mech : "?");
}

/* What the reader should know of @r: its rows where named otherwise, its note. */
static void explain(struct pc_doc *d, const struct pc_peer_ratio *r)
{
	const struct pc_peer_fig *n = fig(r->source, r->num), *dn = fig(r->source, r->den);
	char key[96], mechs[96];
	bool renamed = strcmp(n->name, n->mech) || strcmp(dn->name, dn->mech);

	if (!renamed && !r->note)
		return;
	snprintf(key, sizeof(key), "%s / %s", r->num, r->den);
	mechs_of(r, mechs, sizeof(mechs));
	if (renamed)
		pc_doc_kv(d, key, "here %s%s%s", mechs, r->note ? "; " : "",
			  r->note ? r->note : "");
	else
		pc_doc_kv(d, key, "%s", r->note);
}

/*
 * Whether @n, the run's row for @r's numerator, takes another number of
 * traps per event than the published variant (its traps row against the
 * figure's): then it is the other variant's peer, not this one's.
 */
static bool traps_differ(const struct pc_run *run, const struct pc_peer_ratio *r,
			 const struct pc_rrow *n)
{
	const struct pc_peer_fig *f = fig(r->source, r->num);
	const struct pc_rrow *t;

	if (!f || !f->traps)
		return false;
	t = pc_run_find(run, n->mechanism, n->tracer, n->state, "traps");
	return t && t->median != atof(f->traps);
}

void pc_peers(struct pc_doc *d, const struct pc_run *run)
{
	static const char *const head[] = { "ratio (enabled)", "published", "here",
					    "bounds", "rows in" };
	const char *last = NULL;
	char missing[1024] = "", other[256] = "";
	bool any = false, icount = false, tcg = false;

	for (size_t i = 0; i < pc_peer_nratios && !any; i++) {
		const struct pc_rrow *n, *dn;

		any = rows_of(run, &pc_peer_ratios[i], &n, &dn);
	}
	if (!any)
		return;
	pc_doc_heading(d, "Against published figures");
	pc_doc_para(d, "Ratios between two mechanisms, because absolute figures differ from machine to machine. \"published\": the ratio of per-event costs in one table of one source (a bench rate T M/s is 1000/T ns per event, less the table's own baseline where it has one). \"here\": the ratio of the two overhead medians of this run; \"bounds\": [lo/hi, hi/lo] of their 95%% CIs, where both hold (at least 90%% together); n/a where a CI reaches 0. Sources and every figure with its quoted line: docs/peers.md.");
	for (size_t i = 0; i < pc_peer_nratios; i++) {
		const struct pc_peer_ratio *r = &pc_peer_ratios[i];
		const struct pc_rrow *n = NULL, *dn = NULL;
		double q, lo, hi;
		char name[96], pub[32], here[32], ci[64], in[64];

		if (!pc_peer_measured(run, r, &q, &lo, &hi, &n, &dn)) {
			size_t off = strlen(missing);

			mechs_of(r, name, sizeof(name));
			if (!strstr(missing, name))
				snprintf(missing + off, sizeof(missing) - off, "%s%s",
					 off ? "; " : "", name);
			continue;
		}
		snprintf(name, sizeof(name), "%s / %s", r->num, r->den);
		if (traps_differ(run, r, n)) {
			const struct pc_rrow *t = pc_run_find(run, n->mechanism, n->tracer,
							      n->state, "traps");
			size_t off = strlen(other);

			snprintf(other + off, sizeof(other) - off, "%s%s left out: %s takes %g traps per event here, %s's variant %s",
				 off ? "; " : "", name, n->mechanism, t->median, r->num,
				 fig(r->source, r->num)->traps);
			continue;
		}
		if (!last || strcmp(last, r->source)) {
			if (!last)
				pc_doc_table(d, 5, head, "lrrrl");
			pc_doc_group(d, "%s", src_label(r->source));
			last = r->source;
		}
		pc_doc_num(pub, sizeof(pub), pc_peer_published(r));
		pc_doc_num(here, sizeof(here), q);
		pc_doc_ci(ci, sizeof(ci), lo, hi);
		basis(run, n, in, sizeof(in));
		icount |= !strncmp(n->backend, "icount", 6);
		tcg |= !!strstr(in, "TCG");
		pc_doc_row(d, (const char *[]){ name, pub, here, ci, in });
	}
	if (icount)
		pc_doc_para(d, "insn, icount: an instruction ratio, blind to trap cost. An int3 kprobe pays on hardware for a trap that an instruction count does not see: its instruction ratio to an optimized or ftrace-based kprobe is no estimate of their time ratio (compare the published column).");
	if (tcg)
		pc_doc_para(d, "TCG ns: QEMU's emulated time, in which a trap costs what its emulation costs: not a hardware ratio.");
	if (other[0])
		pc_doc_para(d, "%s.", other);
	last = NULL;
	for (size_t i = 0; i < pc_peer_nratios; i++) {
		const struct pc_peer_ratio *r = &pc_peer_ratios[i];
		const struct pc_rrow *n, *dn;

		if (!rows_of(run, r, &n, &dn))
			continue;
		if (!last || strcmp(last, r->source))
			pc_doc_kv(d, src_label(r->source), "%s", r->source);
		last = r->source;
		explain(d, r);
	}
	if (missing[0])
		pc_doc_para(d, "Not measured in this run: %s.", missing);
}
