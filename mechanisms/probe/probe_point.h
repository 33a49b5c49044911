/* SPDX-License-Identifier: MIT */
/*
 * A user-chosen probe point (run --probe): a registry entry made at run
 * time for a real kernel point, armed by the live-kernel event code
 * (kevent.h) as syscall-tracepoint and live-kprobe are, fired by a
 * workload (probe_workload.h), measured per hit (PC_MECH_PER_HIT).
 *
 *   --probe tracepoint:SYSTEM:EVENT   entry "probe:tracepoint:SYSTEM:EVENT",
 *                                     family static: disabled = absent (the
 *                                     static key off), enabled = a counting
 *                                     perf tracepoint event, recording = the
 *                                     event in a private instance
 *   --probe kprobe:FUNCTION           entry "probe:kprobe:FUNCTION", family
 *                                     dynamic: disabled = defined in
 *                                     kprobe_events, enabled = the perf kprobe
 *                                     PMU, recording = the kprobe event in
 *                                     the instance; its variant says how the
 *                                     kernel placed it (kprobes/list)
 *
 * The point is checked before anything is armed: a malformed spec or a
 * point this kernel lacks is a usage error.
 */
#ifndef PC_PROBE_POINT_H
#define PC_PROBE_POINT_H

#include <stddef.h>

struct pc_mech;

/*
 * The entry for @spec fired by @trigger (NULL: the point's built-in
 * workload). PC_OK, or PC_ERR_USAGE with what is wrong and what to do
 * in @why. One entry per process: a second call replaces the first.
 */
int pc_probe_point(const char *spec, const char *trigger, const struct pc_mech **m,
		   char *why, size_t len);

/* Is @spec a kprobe point ("kprobe:...")? */
int pc_probe_point_is_kprobe(const char *spec);

#endif
