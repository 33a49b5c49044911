/* SPDX-License-Identifier: MIT */
/*
 * The liblttng-ctl plumbing the lttng tracer entries share: the user
 * space one (lttng_ust.c, natively) and the kernel ones (lttng_kernel.c,
 * in the QEMU guest). A session daemon of probecost's own, started as its
 * child and stopped again; a session stopped until its consumer has
 * written everything; its trace's events counted; its discarded count.
 *
 * LTTng counts no events, it writes them: the count of a state is what a
 * trace holds, read back with babeltrace2's counter sink, plus what the
 * channel reports discarded. All return PC_OK or a negative enum pc_err,
 * the cause in @why.
 */
#ifndef PC_LTTNG_CTL_H
#define PC_LTTNG_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct lttng_handle;

/* How long the daemon, the consumer's flush may take (ms). */
#define PC_LTTNG_WAIT_MS	10000

/*
 * Start `lttng-sessiond ARGV...` (@argv[0] is "lttng-sessiond") as our
 * child, its output to @log: PR_SET_PDEATHSIG = SIGTERM and a process
 * group of its own, so a ^C reaches probecost alone (whose teardown stops
 * it) and a SIGKILLed probecost takes it along. Returns when
 * lttng_session_daemon_alive() says so; *@pid is 0 when it did not start
 * (@why has the log's last line).
 */
int pc_lttng_daemon_start(pid_t *pid, char *const argv[], const char *log,
			  char *why, size_t len);
/* SIGTERM, and SIGKILL after PC_LTTNG_WAIT_MS; *@pid becomes 0. */
void pc_lttng_daemon_stop(pid_t *pid);

/*
 * Stop @session and wait until the consumer has written everything
 * (lttng_data_pending polled every ms: lttng_stop_tracing's own wait
 * polls every 200 ms).
 */
int pc_lttng_flush(const char *session, char *why, size_t len);

/* Events in the trace at @dir, by babeltrace2's counter sink. */
int pc_lttng_count_events(const char *dir, uint64_t *events, char *why, size_t len);

/* The discarded events of every channel of @h's session, summed. */
int pc_lttng_discarded(struct lttng_handle *h, uint64_t *total, char *why, size_t len);

/* @prog is an executable in $PATH. */
bool pc_lttng_in_path(const char *prog);

#endif
