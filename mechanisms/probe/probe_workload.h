/* SPDX-License-Identifier: MIT */
/*
 * The workloads that fire a user's probe point (run --probe): the
 * user's own command (--trigger), or a built-in one for common points.
 *
 *   point                                  built-in workload (one run)
 *   syscalls:sys_enter_X, sys_exit_X       one raw syscall X (a cheap,
 *   kprobe on X's handler (__x64_sys_X,    argument-less one: getppid,
 *     __do_sys_X, __se_sys_X, ...)         getpid, gettid, getuid ...)
 *   raw_syscalls:sys_enter, sys_exit       one raw getppid
 *   sched:sched_switch, sched_wakeup,      one round trip of a byte over
 *     sched_waking                         two pipes between this thread
 *                                          and a partner on the same PU
 *
 * A run of the ping-pong or of a command involves other tasks (the
 * partner, the command's processes), so the point's kevent follows them
 * (struct pc_kevent_desc's follow). How many hits one run makes is what
 * the tracer counts, never assumed: the engine divides by it
 * (PC_MECH_PER_HIT).
 */
#ifndef PC_PROBE_WORKLOAD_H
#define PC_PROBE_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pc_probe_work {
	char what[160];		/* for the entry's summary */
	long nr;		/* the syscall of a syscall loop, -1: none */
	bool pingpong;		/* the two-thread pipe round trip */
	const char *cmd;	/* the --trigger command, or NULL */
	bool follow;		/* a run involves other tasks */
};

/*
 * The built-in workload of tracepoint @group:@event (@func NULL) or of a
 * kprobe on @func (@group, @event NULL): PC_OK, or PC_ERR_UNSUPPORTED
 * when there is none.
 */
int pc_probe_work_builtin(const char *group, const char *event, const char *func,
			  struct pc_probe_work *w);

/* @cmd run through /bin/sh -c, its output to /dev/null. */
void pc_probe_work_trigger(const char *cmd, struct pc_probe_work *w);

/* The points with a built-in workload, for a usage message. */
const char *pc_probe_work_builtins(void);

/*
 * Run the workload @n times. A command that fails (exit status, a
 * signal) stops it with the cause in @why: PC_ERR_SYS, or PC_ERR_INTR
 * when SIGINT, SIGTERM or SIGHUP killed it (the user's ^C).
 */
int pc_probe_work_run(const struct pc_probe_work *w, uint64_t n, char *why,
		      size_t len);

#endif
