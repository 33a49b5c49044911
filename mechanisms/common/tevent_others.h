/* SPDX-License-Identifier: MIT */
/*
 * K other trace events armed, for the others op (mech.h) of the syscall
 * tracepoint: syscall events (syscalls:sys_enter_*, then sys_exit_*) of
 * system calls other than the measured one, enabled in a private tracefs
 * instance, each with a filter no task passes (common_pid == 0: the idle
 * task makes no system call), so that they are armed but write nothing
 * when other tasks make those calls.
 *
 * What they change for the measured event: every syscall event hangs off
 * the one raw sys_enter (sys_exit) tracepoint, and an instance with any
 * of them enabled registers its own probe there (ftrace_syscall_enter,
 * one per trace instance), which then runs on every system call, the
 * measured getppid() included, and looks the call up in the instance's
 * table. The rows per K show whether the count matters or only the
 * first one does.
 */
#ifndef PC_TEVENT_OTHERS_H
#define PC_TEVENT_OTHERS_H

#include <stddef.h>

#include "tracefs.h"

struct pc_tevent_others {
	unsigned int k;			/* enabled now */
	struct pc_tracefs_inst ti;	/* where */
};

/*
 * Arm exactly @k syscall events other than syscalls:sys_enter_@call and
 * sys_exit_@call (0: remove all), read back from the instance's
 * set_event; @what says how, for the row's note. More than this kernel
 * has: PC_ERR_UNSUPPORTED, saying how many it has. On failure none is
 * left armed and @why says why.
 */
int pc_tevent_others_set(struct pc_tevent_others *o, const char *call, unsigned int k,
			 char *what, size_t wlen, char *why, size_t len);

#endif
