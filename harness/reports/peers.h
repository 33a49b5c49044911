/* SPDX-License-Identifier: MIT */
/*
 * probecost beside the figures others published for the same mechanisms:
 * the BPF selftests' trigger benchmarks (`bench trig-*`, M events/s) as
 * their authors quoted them in commit messages and cover letters, and
 * the per-hit microseconds of the kernel's Documentation/trace/kprobes.rst.
 * docs/peers.md lists every figure with the sentence it was taken from.
 *
 * Absolute figures from another machine say little about this one, so
 * what is compared is a RATIO between two mechanisms measured in one
 * table of one source (same machine, same kernel): e.g. uprobe-push over
 * uprobe-nop, int3 over optimized kprobe. The published ratio is of
 * per-event costs: a throughput T (M/s) is 1000/T ns per event, less the
 * source's own uninstrumented baseline (usermode-count, kernel-count)
 * when its table has one; a kprobes.rst figure is already a cost per
 * hit. probecost's ratio is of the two rows' overhead medians.
 */
#ifndef PC_PEERS_H
#define PC_PEERS_H

#include <stdbool.h>
#include <stddef.h>

#include "doc.h"
#include "rundir.h"

/* One figure as published, and the probecost row it corresponds to. */
struct pc_peer_fig {
	const char *name;	/* as the source names it: "uprobe-nop" */
	const char *mech;	/* probecost's counterpart, NULL: none */
	const char *state;	/* its state ("enabled") */
	const char *tracer;	/* consumer of its events; NULL: any */
	double value;
	const char *unit;	/* "M/s" (events per second) or "us" (per hit) */
	const char *source;	/* who, where, when, CPU, kernel */
	/*
	 * Traps per hit of the variant measured ("2": int3 and single-step),
	 * where a probecost entry may be either of two published variants;
	 * NULL: not said. A run whose traps row differs is not its peer.
	 */
	const char *traps;
};

/* A ratio of two figures of one source; @base: its baseline, or NULL. */
struct pc_peer_ratio {
	const char *num, *den, *base;	/* pc_peer_fig names */
	const char *source;		/* the same string as the figures' */
	const char *note;		/* what to keep in mind, or NULL */
};

/* The tables, for tests and docs. */
extern const struct pc_peer_fig pc_peer_figs[];
extern const size_t pc_peer_nfigs;
extern const struct pc_peer_ratio pc_peer_ratios[];
extern const size_t pc_peer_nratios;

/* A figure as ns per event (M/s: 1000/value; us: value * 1000); NaN if unknown. */
double pc_peer_ns(const struct pc_peer_fig *f);
/* The published cost ratio of @r (baseline subtracted), or NaN. */
double pc_peer_published(const struct pc_peer_ratio *r);

/*
 * probecost's ratio for @r in @run: the two overhead medians, with
 * bounds [lo_n/hi_d, hi_n/lo_d] from the rows' 95% CIs (NaN where a CI
 * reaches 0 or below). Both rows must have the same unit, backend and
 * tracer; @nrow, @drow get them. Returns false when either is missing.
 */
bool pc_peer_measured(const struct pc_run *run, const struct pc_peer_ratio *r,
		      double *ratio, double *lo, double *hi,
		      const struct pc_rrow **nrow, const struct pc_rrow **drow);

/*
 * Append "Against published figures" to @d: for each published ratio
 * whose two rows are in @run, the published and the measured ratio and
 * what the rows count in; one line naming the ratios this run did not
 * measure; nothing at all when it measured none of them.
 */
void pc_peers(struct pc_doc *d, const struct pc_run *run);

#endif
