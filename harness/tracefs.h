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
/* Events now in the buffer and events lost (overrun), summed over CPUs. */
int pc_tracefs_instance_counts(struct pc_tracefs_inst *ti, uint64_t *entries,
			       uint64_t *overrun);
/* Empty the instance's buffer. */
int pc_tracefs_instance_clear(struct pc_tracefs_inst *ti);

#endif
