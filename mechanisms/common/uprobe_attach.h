/* SPDX-License-Identifier: MIT */
/*
 * Uprobes on this process's own code, in the three forms a mechanism
 * needs, all attached at the site's file offset in /proc/self/exe:
 *
 *   disabled   the probe is *defined* (a line in uprobe_events, group
 *              probecost_<pid>) but not enabled anywhere: no breakpoint
 *              is written, so the site runs untouched. (A perf uprobe
 *              opened and then PERF_EVENT_IOC_DISABLEd is *not* this: its
 *              int3 stays in the text and every hit still traps, it only
 *              stops counting; docs/mechanisms-user.md has the figures.)
 *   enabled    a counting perf event on the uprobe PMU for this thread
 *              (u->inherit: and the threads it creates after arm, for
 *              several threads firing at once); hits = the perf count.
 *   recording  the defined event enabled in a private tracefs instance,
 *              each hit writing the payload into its ring buffer; hits =
 *              events written, lost = events overwritten or dropped.
 *   filtered   as recording, with the event's filter set to one no event
 *              passes (PC_UPROBE_REJECT): every hit traps, fetches and is
 *              discarded. hits = the probe's hits read back from
 *              uprobe_profile; an event written is an error.
 *
 * The payload is fetched by the kernel from the address the site
 * receives (@fetch, in uprobe_events syntax: "%di" for the first
 * argument register, "-8(%bp)" for a stack slot as USDT notes give it).
 */
#ifndef PC_UPROBE_ATTACH_H
#define PC_UPROBE_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mech.h"
#include "tracefs.h"

struct pc_uprobe {
	char name[48];		/* event name: [a-z0-9_] */
	uint64_t offset;	/* the site's file offset */
	uint64_t ref_ctr;	/* semaphore's file offset; 0: none */
	bool ret;		/* uretprobe */
	bool inherit;		/* enabled: count threads created after arm too */
	char fetch[32];		/* where the payload pointer is */
	enum pc_state state;	/* armed state; PC_ABSENT: nothing */
	int fd;			/* perf event, enabled state */
	bool defined;		/* line present in uprobe_events */
	char group[48];
	struct pc_tracefs_inst ti;	/* created on first recording */
	uint64_t last, last_lost;	/* counts at the previous read */
	uint64_t last_nhit;		/* uprobe_profile's, filtered state */
};

/* The filtered state's event filter: no task has pid 0 in user space. */
#define PC_UPROBE_REJECT "common_pid == 0"

/* For a uprobe entry not (yet) flagged PC_MECH_MT, as uprobe.c's are. */
#define PC_UPROBE_MT_WHY \
	"not checked for several threads at once: its enabled perf count is opened without inherit unless arm() passes opts->threads on (u.inherit), as the uprobe-* entries do"

/*
 * How a uprobe mechanism (PC_MECH_MT) counts the hits of several threads
 * firing at once, per state: its .mt_hits.
 */
#define PC_UPROBE_MT_HITS {						\
	[PC_ABSENT] = "none expected: the site is checked intact",	\
	[PC_DISABLED] = "none expected: the site is checked intact",	\
	[PC_ENABLED] = "perf uprobe count opened with inherit: a counter per thread, read summed", \
	[PC_RECORDING] = "events written to the instance's ring, all CPUs", \
	[PC_FILTERED] = "the event's hits in uprobe_profile, all threads", \
}

/* Root, a uprobe PMU and tracefs' uprobe_events; or why not. */
int pc_uprobe_available(char *why, size_t len);

/* The file offset of code or data at @addr in its mapped file. */
int pc_uprobe_file_offset(const void *addr, uint64_t *off, char *why,
			  size_t len);

/*
 * Prepare a probe on @site (and with @semaphore != NULL a USDT semaphore
 * the kernel raises while attached). Nothing is attached yet.
 */
int pc_uprobe_init(struct pc_uprobe *u, const char *name, const void *site,
		   bool ret, const void *semaphore, const char *fetch,
		   char *why, size_t len);
/* Attach in @st (from nothing attached); @payload bytes when recording. */
int pc_uprobe_arm(struct pc_uprobe *u, enum pc_state st, uint32_t payload,
		  char *why, size_t len);
/*
 * Hits (and lost events) since the previous call or the arm. Filtered:
 * the probe's hits, and PC_ERR_VERIFY with @why when an event was
 * written all the same.
 */
int pc_uprobe_hits(struct pc_uprobe *u, uint64_t *hits, uint64_t *lost,
		   char *why, size_t len);
/*
 * The filter in force on the event in the filtered state, read back from
 * the instance ("common_pid == 0"), or "none" / "?" when unreadable.
 */
void pc_uprobe_filter(const struct pc_uprobe *u, char *buf, size_t len);

/* Detach whatever is attached; safe when nothing is. */
int pc_uprobe_disarm(struct pc_uprobe *u, char *why, size_t len);
/* Remove the tracefs instance; call after disarm. */
void pc_uprobe_fini(struct pc_uprobe *u);

/*
 * How the kernel executes the probed instruction, read back: a forked
 * child attaches a uprobe to @site, calls @call once, and reports what
 * changed in its address space (@semaphore: a USDT semaphore the probe
 * must raise for @call to reach @site, or NULL) -- an [uprobes] XOL area created (the
 * instruction was single-stepped out of line), an [uprobes-trampoline]
 * and a call written over the site (optimized), or neither (emulated).
 * For a uretprobe it reports the return trampoline instead.
 */
int pc_uprobe_execution(const void *site, const void *semaphore,
			void (*call)(void), bool ret, char *buf, size_t len);

/*
 * Some probes act system-wide whatever we ask: a tracefs uprobe plants its
 * int3 in every process that maps the binary (so a second probecost run
 * would trap on, and count into, the first one's probe), and an enabled
 * tracepoint or ftrace site is live for every task. Mechanisms that use
 * them hold this cross-process lock from setup to teardown, so two runs
 * at once measure them one after the other. Nests within a process.
 */
int pc_probe_lock(char *why, size_t len);
void pc_probe_unlock(void);

/* The mechanism `reap` op shared by everything that uses tracefs. */
int pc_uprobe_reap(const struct pc_mech *m, char *report, size_t len);

#endif
