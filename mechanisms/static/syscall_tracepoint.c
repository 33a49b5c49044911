// SPDX-License-Identifier: MIT
/*
 * `syscall-tracepoint`: the kernel's own static tracepoint on a syscall
 * path, syscalls:sys_enter_getppid, measured without a module.
 *
 * A tracepoint is compiled into the kernel behind a static key: disabled
 * it is a 5-byte nop in the syscall entry path. It cannot be compiled out
 * on a running kernel, so "absent" is the same measurement as "disabled"
 * (the rows' variants say so) and the disabled cost is not separable from
 * the syscall itself. Enabled adds the tracepoint's callbacks, counted by
 * perf; recording writes the event into a private instance's ring buffer.
 * The cost model, with the other live-kernel mechanisms, is in kevent.h.
 */
#include "kevent.h"
#include "mech.h"
#include "tracer_sites.h"
#include "uprobe_attach.h"

PC_GETPPID_SITE(syscall_tracepoint)

/* exported (tracer_sites.h): the BPF entry fires the same loop */
const struct pc_kevent_desc pc_kevent_syscall_tracepoint = {
	.kind = PC_KEV_TRACEPOINT,
	.group = "syscalls",
	.event = "sys_enter_getppid",
	.loop = syscall_tracepoint_loop,
	.loop_absent = syscall_tracepoint_loop_absent,
};

const struct pc_mech pc_mech_syscall_tracepoint = {
	.name = "syscall-tracepoint",
	.summary = "syscalls:sys_enter_getppid on a getppid() loop (live kernel)",
	.family = PC_FAM_STATIC,
	.data = &pc_kevent_syscall_tracepoint,
	.tracers = { [PC_ENABLED] = "perf", [PC_RECORDING] = "ftrace", [PC_FILTERED] = "ftrace" },
	.hits_why = { [PC_FILTERED] = "a tracepoint event keeps no count of the times it ran, and the filter drops every event before the ring" },
	PC_KEVENT_OPS,
	.others = pc_kevent_others,	/* K other syscall events (tevent_others.h) */
	.flags = PC_MECH_MT,	/* opts->threads: inherit, event-fork (kevent.h) */
	.states = PC_ST_ALL | PC_ST(PC_FILTERED),
};
