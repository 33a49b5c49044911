/* SPDX-License-Identifier: MIT */
/*
 * Machine topology through hwloc: counts, cache sizes, and binding the
 * measuring thread to one PU. PUs are named by OS index (what taskset and
 * /proc use) and by hwloc logical index side by side.
 */
#ifndef PC_TOPO_H
#define PC_TOPO_H

#include <stddef.h>
#include <stdint.h>

#include <hwloc.h>

struct pc_topo {
	hwloc_topology_t t;
	int packages, cores, pus;
	uint64_t l1d, l1i, l2, l3;	/* bytes, 0 when unknown */
};

int pc_topo_init(struct pc_topo *tp);
void pc_topo_fini(struct pc_topo *tp);

/*
 * Choose the PU to measure on: @want_os >= 0 asks for that OS index
 * (refused with the allowed set in @why if absent); -1 picks the first PU
 * of the last core, away from CPU 0 which takes most housekeeping IRQs.
 */
int pc_topo_pick(struct pc_topo *tp, int want_os, int *os, int *logical,
		 char *why, size_t len);

/* Bind the calling thread to PU @os (OS index). */
int pc_topo_bind(struct pc_topo *tp, int os, char *why, size_t len);
/*
 * Bind the calling thread to any of the @n PUs in @os (OS indexes): a
 * thread that reads per-CPU counts of its affinity (a tracefs instance's
 * stats) while other threads fire on those PUs.
 */
int pc_topo_bind_set(struct pc_topo *tp, const int *os, int n, char *why, size_t len);

/* "1 package, 2 cores, 2 PUs (no SMT); L1d 32 KiB, ..." */
void pc_topo_summary(const struct pc_topo *tp, char *buf, size_t len);

/* OS indexes of the PUs, one per core first, then SMT siblings. */
int pc_topo_spread(const struct pc_topo *tp, int *os, int max);

#endif
