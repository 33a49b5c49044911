// SPDX-License-Identifier: MIT
/*
 * `ftrace-function`: the function tracer on getppid's kernel entry
 * function (__x64_sys_getppid here), measured without a module.
 *
 * With CONFIG_DYNAMIC_FTRACE every traceable kernel function starts with
 * a 5-byte nop (the fentry site); attaching a tracer patches it into a
 * call to the ftrace trampoline, which runs the callbacks. Disabled is the
 * nop -- compiled in, so "absent" is the same measurement. Enabled is
 * perf's ftrace:function event narrowed by an "ip == FUNC" filter, and
 * hits are its count; recording is the function tracer in a private
 * instance with set_ftrace_filter = FUNC and set_ftrace_pid = this
 * thread, and hits are the function entries written to its ring buffer.
 */
#include "kevent.h"
#include "mech.h"
#include "uprobe_attach.h"

PC_GETPPID_SITE(ftrace_function)

static const struct pc_kevent_desc ff_desc = {
	.kind = PC_KEV_FUNCTION,
	.loop = ftrace_function_loop,
	.loop_absent = ftrace_function_loop_absent,
};

const struct pc_mech pc_mech_ftrace_function = {
	.name = "ftrace-function",
	.summary = "function tracer on getppid's kernel entry (fentry patching)",
	.family = PC_FAM_DYNAMIC,
	.data = &ff_desc,
	.tracers = { [PC_ENABLED] = "ftrace", [PC_RECORDING] = "ftrace" },
	PC_KEVENT_OPS,
	.flags = PC_MECH_MT,	/* opts->threads: inherit, event-fork (kevent.h) */
	.states = PC_ST_ALL,
};
