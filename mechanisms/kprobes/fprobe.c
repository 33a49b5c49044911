// SPDX-License-Identifier: MIT
/*
 * fprobe events (dynamic_events `f:`, since 6.8) and tracepoint probes
 * (`t:`), both built on fprobe, so both need CONFIG_FPROBE_EVENTS:
 *
 *   fprobe          f: on getppid's kernel entry function: an ftrace
 *                   callback on its fentry site, where a kprobe on the
 *                   same function rides ftrace too (live-kprobe)
 *   fprobe-return   f:FUNC%return: the same entry hook plus a return
 *                   hook (rethook, or the function graph tracer's
 *                   return stack since 6.14), where a kretprobe hijacks
 *                   the return address
 *   tprobe          t: on the raw tracepoint sys_enter, fetching the
 *                   syscall number ($arg2) and filtered to getppid: a
 *                   probe on a tracepoint that has no trace event of its
 *                   own, beside syscall-tracepoint's event on the same
 *                   path. It fires for every syscall of every task; the
 *                   perf count and the instance keep this thread's
 *                   getppid calls, and the filter is part of its cost.
 *
 * Absent: nothing defined; disabled: defined, not enabled; enabled: a
 * counting perf event on the probe's event (fprobe events deliver to
 * perf); recording: the event in a private instance ring. The kernel
 * says whether it has them in tracefs' README, which lists the `f:` and
 * `t:` syntax only where CONFIG_FPROBE_EVENTS is on; where it does not,
 * the entries are unsupported with that reason.
 */
#include <sys/syscall.h>

#include "kevent.h"
#include "mech.h"
#include "uprobe_attach.h"

#define PC_STR_(x) #x
#define PC_STR(x) PC_STR_(x)

#define FPROBE_WHAT "fprobe events ('f:' in dynamic_events)"

#define PC_FPROBE_MECH(id, mname, sum, dtype, dwhat, dplace, dsuffix, dargs, dfilter)	\
	PC_GETPPID_SITE(id)						\
	static const struct pc_dynevent_desc id##_dyn = {		\
		.type = dtype,						\
		.what = dwhat,						\
		.config = "FPROBE_EVENTS",				\
		.readme = dtype == 'f' ? " f[:[<group>/]" : " t[:[<group>/]", \
		.place = dplace,					\
		.suffix = dsuffix,					\
		.args = dargs,						\
		.filter = dfilter,					\
	};								\
	static const struct pc_kevent_desc id##_desc = {		\
		.kind = PC_KEV_DYNEVENT,				\
		.dyn = &id##_dyn,					\
		.loop = id##_loop,					\
		.loop_absent = id##_loop_absent,			\
	};								\
	const struct pc_mech pc_mech_##id = {				\
		.name = mname,						\
		.summary = sum,						\
		.family = PC_FAM_DYNAMIC,				\
		.data = &id##_desc,					\
		.tracers = { [PC_ENABLED] = "perf", [PC_RECORDING] = "ftrace" }, \
		PC_KEVENT_OPS,						\
		.states = PC_ST_ALL,					\
	};

PC_FPROBE_MECH(fprobe, "fprobe", "fprobe event (f:) on getppid's kernel entry (live kernel)",
	       'f', FPROBE_WHAT, NULL, NULL, NULL, NULL)
PC_FPROBE_MECH(fprobe_return, "fprobe-return",
	       "fprobe event (f:FUNC%return) on getppid's kernel function (live kernel)",
	       'f', FPROBE_WHAT, NULL, "%return", NULL, NULL)
PC_FPROBE_MECH(tprobe, "tprobe",
	       "tracepoint probe (t:) on sys_enter, filtered to getppid (live kernel)",
	       't', "tracepoint probes ('t:' in dynamic_events)", "sys_enter",
	       NULL, "nr=$arg2:s64", "nr == " PC_STR(SYS_getppid))
