/* SPDX-License-Identifier: MIT */
/*
 * Live-kernel sites without a module: a cheap system call (getppid)
 * fired from user space, and the kernel instrumentation on its path --
 * the syscall tracepoint, the function tracer's fentry site, a kprobe.
 *
 * Each mechanism's site is the same loop of getppid() calls; the
 * instrumentation is in the kernel, compiled in (tracepoint, fentry nop)
 * or planted at run time (kprobe). For the compiled-in ones "absent"
 * cannot be had without another kernel, so absent and disabled are the
 * same measurement of the same kernel, and the rows say so.
 *
 * Recording goes into a private instance that records only this thread
 * (set_event_pid / set_ftrace_pid), so other processes' getppid calls
 * neither count as hits nor fill the buffer. With opts->threads (the
 * scaling analysis's threads) or a desc's follow, the perf count is
 * opened with inherit and the instance follows the tasks the thread
 * creates (event-fork, function-fork), so their hits count too.
 */
#ifndef PC_KEVENT_H
#define PC_KEVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "site.h"
#include "tracefs.h"

/* One getppid() site, its absent twin and both fire loops. */
#define PC_GETPPID_SITE(id)						\
	static PC_SITE void pcsite_##id(uint64_t x)			\
	{								\
		PC_SITE_WORK(x);					\
		pc_getppid();						\
	}								\
	static PC_SITE void pcsite_##id##_absent(uint64_t x)		\
	{								\
		PC_SITE_WORK(x);					\
		pc_getppid();						\
	}								\
	PC_FIRE_LOOP(id##_loop, pcsite_##id)				\
	PC_FIRE_LOOP(id##_loop_absent, pcsite_##id##_absent)

/* getppid() without libc in between: one syscall instruction. */
void pc_getppid(void);

/*
 * The kernel function a getppid() enters (__x64_sys_getppid on x86-64,
 * or what this kernel calls it), looked up in available_filter_functions
 * (@ftrace: it must be traceable) or /proc/kallsyms (it must exist).
 */
int pc_kevent_getppid_func(bool ftrace, char *func, size_t flen, char *why,
			   size_t len);

/* Recording into a private, thread-filtered instance. */
struct pc_krec {
	struct pc_tracefs_inst ti;
	char group[64], event[64];	/* the event enabled, "" none */
	bool filtered;			/* its filter is set (pc_krec_event) */
	bool function;			/* function tracer on */
	bool follow;			/* record forked tasks too (event-fork) */
	bool hist;			/* a hist trigger counts @group/@event */
	uint64_t last, last_lost;
};

/*
 * Enable @group/@event in the instance probecost-<pid>-@tag, with the
 * event filter @filter first (NULL: none; cleared again by krec_off).
 * With k->follow set before, the instance records the tasks the thread
 * creates too (event-fork).
 */
int pc_krec_event(struct pc_krec *k, const char *tag, const char *group,
		  const char *event, const char *filter, char *why, size_t len);

/* The filtered state's event filter: no task has pid 0 in user space. */
#define PC_KEVENT_REJECT "common_pid == 0"
/* Turn the function tracer on for @func in the instance. */
int pc_krec_function(struct pc_krec *k, const char *tag, const char *func,
		     char *why, size_t len);
/*
 * Count @group/@event by a hist trigger keyed on the task
 * ("hist:keys=common_pid") in the instance: the count a tracefs event
 * has where perf gets nothing from it (an event probe). Removed again by
 * pc_krec_off.
 */
int pc_krec_hist(struct pc_krec *k, const char *tag, const char *group,
		 const char *event, char *why, size_t len);
/* This thread's hits counted by the hist trigger so far. */
int pc_krec_hist_hits(struct pc_krec *k, uint64_t *hits);
/* Events written (and lost) since the previous call or the start. */
int pc_krec_hits(struct pc_krec *k, uint64_t *hits, uint64_t *lost);
/* Stop recording; the instance stays for the next time. */
int pc_krec_off(struct pc_krec *k, char *why, size_t len);
/* Remove the instance. */
void pc_krec_fini(struct pc_krec *k);

/*
 * The mechanism ops shared by syscall-tracepoint, ftrace-function and
 * live-kprobe; each mechanism's .data is a struct pc_kevent_desc.
 *
 *              tracepoint           function tracer       kprobe
 *   absent     = disabled: compiled into the kernel   nothing planted
 *   disabled   static key off       fentry nop            defined, off
 *   enabled    perf tracepoint      perf ftrace:function  perf kprobe PMU
 *              count                count, ip filter      count
 *   recording  event in instance    function tracer in    kprobe event in
 *                                   instance, filtered    instance
 *   filtered   event in instance    -                     -
 *              with a filter no
 *              event passes
 *
 * PC_KEV_DYNEVENT: a probe defined in dynamic_events, the probe types
 * the kernel added since kprobe_events (dynevent in the desc): an event
 * probe 'e' on a trace event, an fprobe 'f' on a function's entry or
 * return, a tracepoint probe 't' on a raw tracepoint. Absent: nothing
 * defined; disabled: defined, not enabled; enabled: counted by a perf
 * event on it, or, where perf gets nothing (an event probe's
 * eprobe_register ignores perf), by a hist trigger in the instance;
 * recording: the event in the instance ring.
 */
enum pc_kevent_kind {
	PC_KEV_TRACEPOINT,
	PC_KEV_FUNCTION,
	PC_KEV_KPROBE,
	PC_KEV_DYNEVENT,
};

/* A dynamic_events probe: "<type>:GROUP/EVENT <place><suffix> <args>". */
struct pc_dynevent_desc {
	char type;		/* 'e' event probe, 'f' fprobe, 't' tracepoint probe */
	const char *what;	/* the probe type in words, for reasons */
	const char *config;	/* the kernel option it needs, without CONFIG_ */
	const char *readme;	/* its syntax in tracefs' README ("f[:"); NULL: unlisted or unreliable */
	const char *place;	/* event or tracepoint; NULL: getppid's function */
	const char *suffix;	/* "%return", or NULL */
	const char *args;	/* fetch arguments, or NULL */
	const char *filter;	/* event filter in enabled and recording, or NULL */
	bool hist;		/* enabled counts by a hist trigger, not perf */
};

struct pc_kevent_desc {
	enum pc_kevent_kind kind;
	const char *group, *event;	/* the tracepoint */
	const char *func;		/* kprobe: this function; NULL: getppid's entry */
	const struct pc_dynevent_desc *dyn;	/* PC_KEV_DYNEVENT's probe */
	/*
	 * The workload spans tasks it creates (a partner thread, a command's
	 * processes): perf counts with inherit and the recording instance
	 * follows forks (options/event-fork), so their hits count as the
	 * measuring thread's do.
	 */
	bool follow;
	void (*loop)(uint64_t n), (*loop_absent)(uint64_t n);
};

struct pc_mech;
struct pc_inst;
struct pc_fire;
enum pc_state;

int pc_kevent_available(const struct pc_mech *m, char *why, size_t len);
int pc_kevent_setup(struct pc_inst *in);
int pc_kevent_arm(struct pc_inst *in, enum pc_state st);
int pc_kevent_disarm(struct pc_inst *in);
int pc_kevent_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out);
int pc_kevent_count(struct pc_inst *in, struct pc_fire *out);
int pc_kevent_variant(struct pc_inst *in, char *buf, size_t len);
void pc_kevent_teardown(struct pc_inst *in);
/* The others op (mech.h): K other syscall events, for a syscall tracepoint only. */
int pc_kevent_others(struct pc_inst *in, unsigned int k, char *what, size_t len);

/*
 * The ops every live-kernel mechanism shares; a mechanism's table adds
 * its name, summary, family and desc (.data). Its stale-event reaper is
 * the uprobe one: both clean the probecost_<pid> event groups.
 */
#define PC_KEVENT_OPS					\
	.where = PC_WHERE_KERNEL,			\
	.mt_why = "not checked for several threads at once (no PC_MECH_MT): without it the perf count and the instance's pid filter cover the measuring thread only", \
	.mt_hits = {					\
		[PC_ABSENT] = "none expected: nothing counting is attached", \
		[PC_DISABLED] = "none expected: nothing counting is attached", \
		[PC_ENABLED] = "perf count opened with inherit: a counter per thread, read summed", \
		[PC_RECORDING] = "events written to the instance's ring; its pid filter follows the new threads (event-fork)", \
		[PC_FILTERED] = "none counted; the instance's ring, its pid filter following the new threads, is checked empty", \
	},						\
	.available = pc_kevent_available,		\
	.setup = pc_kevent_setup,			\
	.arm = pc_kevent_arm,				\
	.disarm = pc_kevent_disarm,			\
	.fire = pc_kevent_fire,				\
	.count = pc_kevent_count,			\
	.variant = pc_kevent_variant,			\
	.teardown = pc_kevent_teardown,			\
	.reap = pc_uprobe_reap

#endif
