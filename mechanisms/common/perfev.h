/* SPDX-License-Identifier: MIT */
/*
 * Single counting perf events that mechanisms attach as their "enabled"
 * state: a uprobe, a kprobe or a tracepoint, opened for the calling
 * thread only (with inherit: and the threads it creates afterwards, each
 * with a counter of its own that a read of the fd sums), counting hits
 * and nothing else (no sampling, no buffer).
 * Reading the fd gives the number of times the probe fired, which is the
 * hit count the engine checks against the events fired.
 *
 * Opening fails with the cause spelled out (no such PMU, the privilege
 * perf_event_paranoid requires, a probe the kernel rejects), so a
 * mechanism can pass the message straight on as its "unsupported" reason.
 */
#ifndef PC_PERFEV_H
#define PC_PERFEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The dynamic type of PMU @pmu ("uprobe", "kprobe"), or an error. */
int pc_perfev_pmu_type(const char *pmu, int *type, char *why, size_t len);

/*
 * The first bit of format field @field of @pmu, from
 * /sys/bus/event_source/devices/PMU/format/FIELD ("config:32-63" -> 32).
 */
int pc_perfev_format_shift(const char *pmu, const char *field, int *shift,
			   char *why, size_t len);

/*
 * A uprobe (or, with @ret, a uretprobe) at file offset @offset of @path;
 * @ref_ctr is the file offset of a USDT semaphore the kernel must raise
 * while the probe is attached, 0 for none. Enabled on return.
 */
int pc_perfev_uprobe(const char *path, uint64_t offset, bool ret,
		     uint64_t ref_ctr, int *fd, char *why, size_t len);
/* The same, with @inherit as pc_perfev_kprobe()'s. */
int pc_perfev_uprobe_inherit(const char *path, uint64_t offset, bool ret,
			     uint64_t ref_ctr, bool inherit, int *fd, char *why,
			     size_t len);
/*
 * A kprobe on kernel function @func (the perf kprobe PMU). With
 * @inherit, threads and processes the caller creates afterwards count
 * too (their counts join the caller's when they exit).
 */
int pc_perfev_kprobe(const char *func, bool inherit, int *fd, char *why,
		     size_t len);
/* The tracepoint @group:@event, its id read from tracefs; @inherit as above. */
int pc_perfev_tracepoint(const char *group, const char *event, bool inherit,
			 int *fd, char *why, size_t len);

/* Hits counted so far. */
int pc_perfev_count(int fd, uint64_t *count);
/* Close @fd if open and set it to -1. */
void pc_perfev_close(int *fd);

#endif
