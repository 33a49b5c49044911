// SPDX-License-Identifier: MIT
/*
 * `eprobe-syscall`: an event probe (dynamic_events `e:`, since 5.15) on
 * the syscall tracepoint syscalls/sys_enter_getppid, the same site
 * syscall-tracepoint measures, with nothing compiled for it.
 *
 * An event probe is a trigger on its attached event: enabling it turns
 * the attached event on in soft mode, and each hit of that event runs
 * the eprobe's trigger, which builds its own event from the attached
 * one's fields. So its cost is the tracepoint's plus a trigger call and
 * an event of its own. Absent: nothing defined; disabled: defined in
 * dynamic_events, not enabled (the tracepoint's static key stays off).
 *
 * Enabled is counted by a hist trigger keyed on the task, in a private
 * instance: perf can open an eprobe's event but gets no hit from it
 * (eprobe_register() answers TRACE_REG_PERF_* with 0 and attaches
 * nothing), so a perf count would read 0. A hist trigger needs the
 * record, so enabled builds the eprobe's event in the instance's ring
 * and discards it after the trigger ran: it costs nearly what recording
 * does. Recording: the eprobe's event in the instance ring.
 *
 * Where the kernel takes no `e:` definition (6.18 with
 * CONFIG_EPROBE_EVENTS off, as on this project's host; the README lists
 * the syntax all the same) the entry is unsupported with the kernel's
 * answer to the definition. The cost model is in kevent.h.
 */
#include "kevent.h"
#include "mech.h"
#include "uprobe_attach.h"

PC_GETPPID_SITE(eprobe_syscall)

static const struct pc_dynevent_desc ep_dyn = {
	.type = 'e',
	.what = "event probes ('e:' in dynamic_events)",
	.config = "EPROBE_EVENTS",
	.place = "syscalls.sys_enter_getppid",
	.hist = true,
};

static const struct pc_kevent_desc ep_desc = {
	.kind = PC_KEV_DYNEVENT,
	.dyn = &ep_dyn,
	.loop = eprobe_syscall_loop,
	.loop_absent = eprobe_syscall_loop_absent,
};

const struct pc_mech pc_mech_eprobe_syscall = {
	.name = "eprobe-syscall",
	.summary = "event probe (e:) on syscalls/sys_enter_getppid (live kernel)",
	.family = PC_FAM_DYNAMIC,
	.data = &ep_desc,
	.tracers = { [PC_ENABLED] = "ftrace", [PC_RECORDING] = "ftrace" },
	PC_KEVENT_OPS,
	.states = PC_ST_ALL,
};
