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

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct lttng_handle;

/* A recording session of probecost's own, and where its trace goes. */
struct pc_lttng_session {
	char name[64];			/* probecost-PID-SEQ */
	char path[PATH_MAX];		/* its trace directory; "" when removed */
	unsigned int seq;		/* sessions this entry made so far */
	bool created;			/* lttng_create_session() succeeded */
	struct lttng_handle *h;		/* for its domain, or NULL */
};

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

/*
 * A new session "probecost-PID-SEQ" writing below @dir, with a handle
 * for its domain -- @kernel: the kernel's, global buffers; else user
 * space's, per-UID buffers, mmap output -- and one channel @channel in
 * discard mode, @nsubbuf sub-buffers of @subbuf bytes. Not started.
 * PC_ERR_SYS or PC_ERR_NOMEM with the liblttng-ctl call in @why; what
 * was made stays in @s for pc_lttng_session_close().
 */
int pc_lttng_session_open(struct pc_lttng_session *s, const char *dir, bool kernel,
			  const char *channel, uint64_t subbuf, uint64_t nsubbuf,
			  char *why, size_t len);
/* Destroy @s's handle and session, remove its trace; PC_ERR_SYS/IO if one failed. */
int pc_lttng_session_close(struct pc_lttng_session *s);
/* Remove @path and everything below it; PC_OK when it is not there. */
int pc_lttng_rm_tree(const char *path);

/* @prog is an executable in $PATH. */
bool pc_lttng_in_path(const char *prog);

#endif
