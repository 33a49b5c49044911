/* SPDX-License-Identifier: MIT */
/*
 * perf_event counter groups, opened from event names that libpfm4 encodes.
 *
 * One group per kind: the hardware group (cycles, instructions, cache and
 * branch misses) and the software set (context switches, migrations, page
 * faults, task-clock). Both count user *and* kernel mode -- a probe's cost
 * is mostly in the kernel. The hardware group is read with
 * PERF_FORMAT_GROUP plus time_enabled/time_running, so a group that was
 * multiplexed off the PMU is detected and flagged instead of silently
 * scaled; software events never multiplex and are opened one by one (see
 * counters.c for why).
 *
 * Where the hardware group cannot open (no PMU, as in most VMs, or
 * perf_event_paranoid forbids kernel counting) it stays closed with the
 * reason in ->why, and the run falls back to the timer alone.
 */
#ifndef PC_COUNTERS_H
#define PC_COUNTERS_H

#include <stdbool.h>
#include <stdint.h>

#define PC_MAX_EVENTS 8

struct pc_group {
	int nr;				/* events open */
	int fd[PC_MAX_EVENTS];
	const char *name[PC_MAX_EVENTS];
	bool user_only;			/* kernel mode excluded */
	bool solo;			/* software only: each event opened alone */
	char why[256];			/* why not open, when nr == 0 */
};

struct pc_counts {
	int nr;
	uint64_t val[PC_MAX_EVENTS];
	uint64_t enabled, running;	/* ns; running < enabled: multiplexed */
};

extern const char *const pc_hw_events[];	/* NULL-terminated */
extern const char *const pc_sw_events[];	/* indexed by enum pc_sw */

/* Where each software event sits in pc_sw_events and in its counts. */
enum pc_sw {
	PC_SW_CTXSW,
	PC_SW_MIGRATIONS,
	PC_SW_PAGE_FAULTS,
	PC_SW_TASK_CLOCK,
	PC_SW_NR,
};

/* libpfm4 must be initialised once before encoding names. */
int pc_pfm_init(char *why, size_t len);

/*
 * Encode @name with libpfm4 into @attr (user and kernel mode).
 * PC_ERR_INVAL with libpfm's message in @why for unknown names.
 */
struct perf_event_attr;
int pc_event_encode(const char *name, struct perf_event_attr *attr,
		    char *why, size_t len);
/* The same, counting user mode only when !@kernel. */
int pc_event_encode_plm(const char *name, struct perf_event_attr *attr,
			bool kernel, char *why, size_t len);

/*
 * Open @names on the calling thread (any CPU): as one group, or each
 * alone when all are software events. All or none: on failure nothing
 * stays open and g->why says which event failed and the errno text.
 */
int pc_group_open(struct pc_group *g, const char *const *names);
/*
 * The same, user mode only when !@kernel: for diagnostics (context
 * switches) where perf_event_paranoid forbids kernel counting, never for
 * costs, which would lose their kernel half.
 */
int pc_group_open_plm(struct pc_group *g, const char *const *names, bool kernel);
int pc_group_read(const struct pc_group *g, struct pc_counts *c);
void pc_group_close(struct pc_group *g);

/* Try to open @name alone; PC_OK, or the errno text in @why. */
int pc_event_probe(const char *name, char *why, size_t len);

/* True when the group did not run for the whole interval. */
static inline bool pc_counts_multiplexed(const struct pc_counts *a,
					 const struct pc_counts *b)
{
	return (b->running - a->running) < (b->enabled - a->enabled);
}

#endif
