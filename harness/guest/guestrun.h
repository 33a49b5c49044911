/* SPDX-License-Identifier: MIT */
/*
 * Running the module's mechanisms in probecost's QEMU guest from a host
 * `probecost run`, and merging what comes back into the host's run.
 */
#ifndef PC_GUESTRUN_H
#define PC_GUESTRUN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "sink.h"

struct pc_guest_req {
	const char *series;		/* "6.1", "6.12" or an ABI name */
	bool deterministic;		/* -icount shift=0, --timer icount */
	const char *const *args;	/* `probecost run` arguments, NULL-ended */
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

#endif
