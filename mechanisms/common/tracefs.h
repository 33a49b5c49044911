/* SPDX-License-Identifier: MIT */
/*
 * tracefs access for mechanisms that record into the ftrace ring buffer.
 *
 * Recording always goes into a private instance,
 * <tracefs>/instances/probecost-<pid>-<tag>, never into the top-level
 * buffer, so a run neither disturbs nor is disturbed by other tracing
 * users, and a second probecost run has its own. Dynamic event
 * definitions (uprobe_events, kprobe_events) are global by nature; ours
 * are all in the event group "probecost_<pid>" so they can be told apart
 * from anybody else's and reaped when their process is gone.
 */
#ifndef PC_TRACEFS_H
#define PC_TRACEFS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pc_tracefs_inst {
	char path[PATH_MAX];	/* "" when not created */
};

/* The tracefs root, mounting it at /sys/kernel/tracing if needed. */
int pc_tracefs_root(const char **root, char *why, size_t len);

/* Write @val to @path (truncating, or appending with @append). */
int pc_tracefs_write(const char *path, const char *val, bool append,
		     char *why, size_t len);

/* Event group for this process's dynamic events: "probecost_<pid>". */
void pc_tracefs_group(char *buf, size_t len);

/* Create instances/probecost-<pid>-<tag>, with a buffer of @kb per CPU. */
int pc_tracefs_instance_create(struct pc_tracefs_inst *ti, const char *tag,
			       unsigned int kb, char *why, size_t len);
/* Disable everything in it and remove it; safe when not created. */
int pc_tracefs_instance_remove(struct pc_tracefs_inst *ti);
/* Enable (@on) event "@group/@event" in the instance. */
int pc_tracefs_instance_event(struct pc_tracefs_inst *ti, const char *group,
			      const char *event, bool on, char *why, size_t len);
/*
 * Events written and events lost, summed over the CPUs this thread may
 * run on only (cheaper than all CPUs: one small read per CPU). Written
 * is entries + overrun, which never decreases while nobody reads the
 * buffer; lost is overrun (overwritten unread) + dropped events.
 */
int pc_tracefs_instance_written(struct pc_tracefs_inst *ti, uint64_t *written,
				uint64_t *lost);
/*
 * The first line of the instance file @file (an event's filter read back),
 * without its newline; "?" when it cannot be read.
 */
void pc_tracefs_instance_get(const struct pc_tracefs_inst *ti, const char *file,
			     char *buf, size_t len);
/* Write @val to the instance file @file (e.g. "current_tracer"). */
int pc_tracefs_instance_set(struct pc_tracefs_inst *ti, const char *file,
			    const char *val, char *why, size_t len);

/*
 * Dynamic events. @file is "uprobe_events", "kprobe_events" or
 * "dynamic_events" (event probes, fprobes, tracepoint probes) below the
 * tracefs root; @def a full definition ("p:GROUP/EVENT PATH:OFFSET ...").
 * On failure @why carries the kernel's own complaint from error_log.
 */
int pc_tracefs_dynevent_add(const char *file, const char *def, char *why,
			    size_t len);
/* Remove "@group/@event" from @file; PC_OK when it does not exist. */
int pc_tracefs_dynevent_del(const char *file, const char *group,
			    const char *event, char *why, size_t len);
/*
 * The armed analysis's others (uprobe_others.h, kprobe_others.h): remove
 * the instance @ti (disabling its events first), then "@group/@stem<i>"
 * for i < @n from @file. PC_OK when all are gone; else PC_ERR_SYS with
 * the instance kept: the caller keeps @n and tries again (teardown), and
 * what still stays is reaped at the next run's start.
 */
int pc_tracefs_others_remove(struct pc_tracefs_inst *ti, const char *file,
			     const char *group, const char *stem, unsigned int n);
/*
 * A probe's hit count from <tracefs>/@profile ("uprobe_profile",
 * "kprobe_profile"), whose lines hold the event's name as whitespace
 * field @name_col (uprobes: 1, after the file; kprobes: 0) and its hits
 * in the next: the one line naming @event (the kernel counts a hit
 * before any filter). PC_ERR_SYS with @why when none or several do.
 */
int pc_tracefs_profile_hits(const char *profile, int name_col, const char *event,
			    uint64_t *hits, char *why, size_t len);
/* Lines of the instance's set_event that start with @prefix ("group:stem"). */
unsigned int pc_tracefs_instance_enabled(const struct pc_tracefs_inst *ti,
					 const char *prefix);
/*
 * The definition of "@group/@event" as @file shows it
 * ("e:probecost_1/x syscalls.sys_enter_getppid"); "?" and an error when
 * it is not there.
 */
int pc_tracefs_dynevent_line(const char *file, const char *group,
			     const char *event, char *buf, size_t len);
/* True when "@group/@event" is defined in @file. */
bool pc_tracefs_dynevent_exists(const char *file, const char *group,
				const char *event);

/*
 * Remove what killed probecost runs left behind: instances
 * probecost-<pid>-* and dynamic events of group probecost_<pid> whose
 * process is gone. Anything of a live process is left alone, so two runs
 * never reap each other. @report gets one sentence per thing removed (or
 * that could not be), "" when there was nothing. Serialized by a lock on
 * the instances directory, so concurrent runs report each item once.
 */
int pc_tracefs_reap(char *report, size_t len);

#endif
