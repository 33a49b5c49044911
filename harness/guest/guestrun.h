/* SPDX-License-Identifier: MIT */
/*
 * Running the module's mechanisms in probecost's QEMU guest from a host
 * `probecost run`, and merging what comes back into the host's run.
 */
#ifndef PC_GUESTRUN_H
#define PC_GUESTRUN_H

#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sink.h"

struct pc_guest_req {
	const char *series;		/* "6.1", "6.12" or an ABI name */
	bool deterministic;		/* -icount shift=0, --timer icount */
	const char *const *args;	/* `probecost run` arguments, NULL-ended */
	const cpu_set_t *cpus;		/* PUs the guest may use; NULL: ours */
	bool lttng;			/* pack LTTng's kernel tracer (--lttng) */
	bool stap;			/* build and pack the stap modules (--stap) */
};

/* A guest booted by pc_guest_start(), not yet waited for. */
struct pc_guest {
	pid_t pid;
	char tmp[32];			/* its --out directory */
	bool merged;			/* pc_guest_finish() wrote its rows */
};

/* Is @s a kernel series scripts/guest.sh accepts? */
bool pc_guest_series_ok(const char *s);

/*
 * Boot the guest (scripts/guest.sh), run `probecost run ARGS --out
 * /out/run` in it and write its rows and samples through @out, its meta
 * as guest_<key>. *@stop (a signal) kills the guest. Returns PC_OK,
 * PC_ERR_UNSUPPORTED when the guest cannot run here (reason in @why), or
 * PC_ERR_INTR / PC_ERR_SYS.
 */
int pc_guest_run(struct pc_sink *out, volatile sig_atomic_t *stop,
		 const struct pc_guest_req *req, char *why, size_t len);

/*
 * pc_guest_run() in two halves, so the guest can boot while the host
 * measures: start forks scripts/guest.sh and returns; finish waits for
 * it (killing it first when *@stop is set, or becomes set while
 * waiting) and merges its results. Every started guest must be finished.
 */
int pc_guest_start(struct pc_guest *g, const struct pc_guest_req *req,
		   char *why, size_t len);
int pc_guest_finish(struct pc_guest *g, struct pc_sink *out,
		    volatile sig_atomic_t *stop, char *why, size_t len);

#endif
