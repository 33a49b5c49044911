// SPDX-License-Identifier: MIT
/*
 * `ust-tracepoint`, tracer lttng: a user-space site instrumented with an
 * LTTng-UST tracepoint (lttng_ust_tp.h), beside its uninstrumented twin,
 * measured natively with LTTng's own session daemon and consumer.
 *
 * absent     the twin: no tracepoint compiled in.
 * disabled   the provider is loaded and registered with the session
 *            daemon, no session enables the event: the tracepoint's
 *            state-word test (lttng_ust_tp.h).
 * filtered   a session enables the event with a filter that rejects
 *            every event (i == -1; i is the loop index): the probe and
 *            its filter bytecode run, nothing is written.
 * enabled    the same session and filter. LTTng has no consumer that only
 *            counts (mech.h's enabled); its nearest, a probe that runs
 *            and records nothing, is the rejecting filter, so the entry
 *            lists it under both states: enabled as issue 11 defines it
 *            for this tracer, filtered as mech.h does for every
 *            mechanism. Same arm, same figure within noise.
 * recording  the event enabled without filter, written to the UST ring
 *            buffer: per-UID buffers, discard mode, the consumer daemon
 *            writing the trace to a tmpfs.
 *
 * The session daemon. As root, lttng-sessiond, liblttng-ctl and
 * liblttng-ust all use the hard-coded run directory /var/run/lttng (the
 * apps' socket, the client socket, the consumers' sockets, the lock
 * file) and the shared-memory wait word /dev/shm/lttng-ust-wait-8;
 * LTTNG_HOME only moves the per-user paths of non-root users (read from
 * the three binaries' strings and checked: a root sessiond started with
 * LTTNG_HOME set still takes /var/run/lttng). So a private LTTNG_HOME
 * cannot keep a root run apart from a system daemon. This file
 * isolates by mount namespace instead: at the first setup probecost
 * unshares its mount namespace (it is still single-threaded then) and
 * mounts a private tmpfs over /run/lttng and over /dev/shm, then starts
 * `lttng-sessiond --no-kernel` as its child in that namespace, then
 * dlopen()s the provider (lttng_ust_provider.c), whose liblttng-ust
 * constructor registers this process with that daemon and no other. A
 * daemon or session already running on the machine is neither seen nor
 * touched. LTTNG_HOME is set to a directory of the private tmpfs too,
 * so liblttng-ust's per-user socket path leads nowhere else.
 *
 * The daemon is a child with PR_SET_PDEATHSIG = SIGTERM and its own
 * process group: a ^C reaches probecost alone, whose teardown destroys
 * the sessions and stops the daemon; a SIGKILLed probecost takes the
 * daemon (and its consumer) with it, and the tmpfs, trace included,
 * disappears with the namespace. What the host sees of it is the
 * mountpoint /run/lttng (created when missing, then marked
 * .probecost-created) holding a mark .probecost-PID per run using it:
 * teardown removes its mark, reap those of dead runs, and either removes
 * the directory when a probecost run created it and no mark is left.
 * liblttng-ust stays loaded after teardown (it cannot be unloaded); its
 * listener threads then sleep on the private wait word until the next
 * setup's daemon wakes them.
 *
 * Hits. LTTng counts no events, it writes them: after each fire() the
 * count op stops the session (lttng_stop_tracing_no_wait, then
 * lttng_data_pending polled every ms until the consumer has written
 * everything), counts the events of the session's trace with
 * babeltrace2's sink.utils.counter (the difference to the previous count
 * is this fire's), reads the channel's discarded-event count and starts
 * the session again. Recording: hits = written + discarded, which must
 * equal n; lost = discarded. Filtered and enabled: written must be 0
 * (else the filter let events through: a verify error); the probe runs
 * but nothing counts its runs, so hits are unknown. Disabled and absent:
 * the tracepoint's state word must be 0. Rotating the session per fire
 * (lttng_rotate_session, a chunk to count and delete) was tried first:
 * 0.6-0.8 s a rotation here, as for lttng clear, against ~10 ms for a
 * stop and start. The read-back is outside the timed fire() but not
 * free: ~10 ms for the stop and start, a babeltrace2 process (~10 ms,
 * plus about 1.5 us per event counted, the slot's whole session
 * re-counted each time) per fire of the filtered, enabled and recording
 * states: a quick run of this entry alone takes 20-45 s.
 */
#define TRACEPOINT_DEFINE
#define TRACEPOINT_PROBE_DYNAMIC_LINKAGE
#include "lttng_ust_tp.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <lttng/lttng.h>

#include "errors.h"
#include "lttng_ctl.h"
#include "mech.h"
#include "site.h"

#define UST_RUNDIR	"/run/lttng"	/* = /var/run/lttng, root's rundir */
#define UST_HOME	UST_RUNDIR "/probecost-home"
#define UST_TRACES	UST_RUNDIR "/probecost-traces"
#define UST_LOG		UST_RUNDIR "/probecost-sessiond.log"
#define UST_MARK	".probecost-"	/* + the pid of a run using it */
#define UST_CREATED_NAME ".probecost-created"
#define UST_CREATED	UST_RUNDIR "/" UST_CREATED_NAME
#define UST_EVENT	"probecost_ust:site"
#define UST_CHANNEL	"probecost"
#define UST_FILTER	"i == -1"	/* i is the loop index: never -1 */
/* the note of the filtered and enabled rows, whose hit ratio is empty */
#define UST_NO_HITS	"LTTng counts only the events it writes or discards, and the rejecting filter passes none"
#define UST_SUBBUF	(1u << 20)	/* 8 x 1 MiB per CPU, per UID */
#define UST_NSUBBUF	8
#define UST_WAIT_MS	PC_LTTNG_WAIT_MS
#define UST_INSTALL	"apt-get install lttng-tools liblttng-ust-dev liblttng-ctl-dev babeltrace2"

static unsigned int ust_len;		/* --payload, for the site */

static PC_SITE void pcsite_ust_tracepoint(uint64_t x)
{
	PC_SITE_WORK(x);
	tracepoint(probecost_ust, site, x, pc_payload, ust_len);
}

static PC_SITE void pcsite_ust_tracepoint_absent(uint64_t x)
{
	PC_SITE_WORK(x);
}

PC_FIRE_LOOP(ust_loop, pcsite_ust_tracepoint)
PC_FIRE_LOOP(ust_loop_absent, pcsite_ust_tracepoint_absent)

struct ust_priv {
	pid_t daemon;
	enum pc_state state;
	bool mounted;
	struct pc_lttng_session s;
	uint64_t discarded;		/* the channel's count so far */
	uint64_t written;		/* events in the session's trace so far */
};

/* Process-wide: the namespace and the provider outlive one setup. */
static bool ust_ns, ust_loaded;

static int tp_state(void)
{
	return __atomic_load_n(&lttng_ust_tracepoint_probecost_ust___site.state,
			       __ATOMIC_ACQUIRE);
}

static int exe_dir(char *buf, size_t len)
{
	ssize_t k = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (k <= 0)
		return PC_ERR_SYS;
	buf[k] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return PC_ERR_SYS;
	*slash = '\0';
	return PC_OK;
}

/* build/lttng_ust_provider.so, beside the executable or one folder up */
static int provider_path(char *buf, size_t len)
{
	static const char *const rel[] = { "/lttng_ust_provider.so", "/../lttng_ust_provider.so" };
	char dir[PATH_MAX];

	if (exe_dir(dir, sizeof(dir)) != PC_OK)
		return PC_ERR_SYS;
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		int w = snprintf(buf, len, "%s%s", dir, rel[i]);

		if (w > 0 && (size_t)w < len && access(buf, R_OK) == 0)
			return PC_OK;
	}
	return PC_ERR_UNSUPPORTED;
}

static int ust_available(const struct pc_mech *m, char *why, size_t len)
{
	char so[PATH_MAX];

	(void)m;
	if (geteuid() != 0) {
		snprintf(why, len, "ust-tracepoint needs root (a private mount namespace for its session daemon)");
		return PC_ERR_UNSUPPORTED;
	}
	if (!pc_lttng_in_path("lttng-sessiond") || !pc_lttng_in_path("babeltrace2")) {
		snprintf(why, len, "lttng-sessiond or babeltrace2 is not installed: %s", UST_INSTALL);
		return PC_ERR_UNSUPPORTED;
	}
	if (provider_path(so, sizeof(so)) != PC_OK) {
		snprintf(why, len, "lttng_ust_provider.so is not beside the probecost executable (make builds it)");
		return PC_ERR_UNSUPPORTED;
	}
	return PC_OK;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Once per process: a mount namespace of our own, /dev/shm private. */
static int ns_enter(struct pc_inst *in)
{
	if (ust_ns)
		return PC_OK;
	if (unshare(CLONE_NEWNS) < 0)
		return pc_inst_fail(in, errno == EINVAL ? PC_ERR_UNSUPPORTED : PC_ERR_SYS,
				    "ust-tracepoint: unshare(CLONE_NEWNS): %s%s", strerror(errno),
				    errno == EINVAL ? " (probecost has threads already)" : "");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("probecost-shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
		return pc_inst_fail(in, PC_ERR_SYS, "ust-tracepoint: private mounts: %s",
				    strerror(errno));
	ust_ns = true;
	return PC_OK;
}

static void mark_path(char *buf, size_t len, long pid)
{
	snprintf(buf, len, "%s/%s%ld", UST_RUNDIR, UST_MARK, pid);
}

/*
 * Remove the host's /run/lttng when a probecost run created it and no
 * run's mark is left in it: a directory that was there before (a system
 * daemon's) is never removed, nor one another live run still uses.
 */
static void rundir_release(void)
{
	DIR *d = opendir(UST_RUNDIR);
	struct dirent *e;
	bool created = false, other = false;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, "." ) || !strcmp(e->d_name, ".."))
			continue;
		if (!strcmp(e->d_name, UST_CREATED_NAME))
			created = true;
		else
			other = true;
	}
	closedir(d);
	if (created && !other && unlink(UST_CREATED) == 0)
		rmdir(UST_RUNDIR);
}

/* The private run directory: a tmpfs over /run/lttng, the host's marked. */
static int run_mount(struct pc_inst *in, struct ust_priv *p)
{
	char mark[PATH_MAX];
	int fd;

	if (mkdir(UST_RUNDIR, 0755) == 0) {
		/* ours to remove when the last probecost run is done with it */
		fd = open(UST_CREATED, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd >= 0)
			close(fd);
	} else if (errno != EEXIST) {
		return pc_inst_fail(in, PC_ERR_SYS, "ust-tracepoint: mkdir %s: %s", UST_RUNDIR,
				    strerror(errno));
	}
	mark_path(mark, sizeof(mark), (long)getpid());
	fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	if (mount("probecost-lttng", UST_RUNDIR, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		return pc_inst_fail(in, PC_ERR_SYS, "ust-tracepoint: mount tmpfs on %s: %s",
				    UST_RUNDIR, strerror(errno));
	p->mounted = true;
	if (mkdir(UST_HOME, 0700) < 0 || mkdir(UST_TRACES, 0700) < 0)
		return pc_inst_fail(in, PC_ERR_SYS, "ust-tracepoint: mkdir in %s: %s", UST_RUNDIR,
				    strerror(errno));
	setenv("LTTNG_HOME", UST_HOME, 1);
	return PC_OK;
}

static void run_unmount(struct ust_priv *p)
{
	char mark[PATH_MAX];

	if (!p->mounted)
		return;
	pc_lttng_rm_tree(UST_TRACES);
	if (umount2(UST_RUNDIR, MNT_DETACH) == 0)
		p->mounted = false;
	mark_path(mark, sizeof(mark), (long)getpid());
	unlink(mark);
	rundir_release();
}

static void daemon_stop(struct ust_priv *p)
{
	pc_lttng_daemon_stop(&p->daemon);
}

/* lttng-sessiond --no-kernel, our child, alive until teardown or our death. */
static int daemon_start(struct pc_inst *in, struct ust_priv *p)
{
	char *argv[] = { "lttng-sessiond", "--no-kernel", NULL };
	char why[200];
	int ret = pc_lttng_daemon_start(&p->daemon, argv, UST_LOG, why, sizeof(why));

	if (ret != PC_OK)
		return pc_inst_fail(in, ret, "ust-tracepoint: %s", why);
	return PC_OK;
}

/* Until the daemon lists our pid's probecost_ust:site. */
static int wait_registered(struct pc_inst *in)
{
	struct lttng_domain dom = { .type = LTTNG_DOMAIN_UST };
	struct lttng_handle *h = lttng_create_handle(NULL, &dom);
	int ret = PC_ERR_VERIFY;

	if (!h)
		return pc_inst_fail(in, PC_ERR_NOMEM, "ust-tracepoint: lttng_create_handle failed");
	for (int i = 0; i < UST_WAIT_MS / 20 && ret != PC_OK; i++) {
		struct lttng_event *ev = NULL;
		int k = lttng_list_tracepoints(h, &ev);

		for (int j = 0; j < k; j++)
			if (ev[j].pid == getpid() && !strcmp(ev[j].name, UST_EVENT))
				ret = PC_OK;
		free(ev);
		if (ret != PC_OK)
			sleep_ms(20);
	}
	lttng_destroy_handle(h);
	if (ret != PC_OK)
		return pc_inst_fail(in, ret, "ust-tracepoint: probecost did not register %s with its session daemon within %d ms",
				    UST_EVENT, UST_WAIT_MS);
	return PC_OK;
}

static void ust_teardown(struct pc_inst *in);

static int ust_setup_steps(struct pc_inst *in, struct ust_priv *p)
{
	char so[PATH_MAX];
	int ret;

	ret = ns_enter(in);
	if (ret == PC_OK)
		ret = run_mount(in, p);
	if (ret == PC_OK)
		ret = daemon_start(in, p);
	if (ret != PC_OK)
		return ret;
	if (!ust_loaded) {
		if (provider_path(so, sizeof(so)) != PC_OK)
			return pc_inst_fail(in, PC_ERR_UNSUPPORTED, "ust-tracepoint: lttng_ust_provider.so not found");
		/* liblttng-ust's constructor registers with the daemon above */
		if (!dlopen(so, RTLD_NOW | RTLD_GLOBAL))
			return pc_inst_fail(in, PC_ERR_SYS, "ust-tracepoint: dlopen: %s", dlerror());
		ust_loaded = true;
	}
	return wait_registered(in);
}

static int ust_setup(struct pc_inst *in)
{
	struct ust_priv *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return PC_ERR_NOMEM;
	in->priv = p;
	ust_len = in->opts->payload;
	ret = ust_setup_steps(in, p);
	if (ret != PC_OK)
		ust_teardown(in);	/* the engine skips teardown after a failed setup */
	return ret;
}

static int ctl_fail(struct pc_inst *in, const char *what, int err)
{
	return pc_inst_fail(in, PC_ERR_SYS, "ust-tracepoint: %s: %s", what, lttng_strerror(err));
}

static int session_create(struct pc_inst *in, struct ust_priv *p, bool filter)
{
	struct lttng_event *ev;
	char why[256];
	int ret;

	p->discarded = 0;
	p->written = 0;
	ret = pc_lttng_session_open(&p->s, UST_TRACES, false, UST_CHANNEL, UST_SUBBUF,
				    UST_NSUBBUF, why, sizeof(why));
	if (ret != PC_OK)
		return pc_inst_fail(in, ret, "ust-tracepoint: %s", why);
	ev = lttng_event_create();
	if (!ev)
		return pc_inst_fail(in, PC_ERR_NOMEM, "ust-tracepoint: lttng_event_create failed");
	snprintf(ev->name, sizeof(ev->name), "%s", UST_EVENT);
	ev->type = LTTNG_EVENT_TRACEPOINT;
	ev->loglevel_type = LTTNG_EVENT_LOGLEVEL_ALL;
	ret = lttng_enable_event_with_filter(p->s.h, ev, UST_CHANNEL, filter ? UST_FILTER : NULL);
	lttng_event_destroy(ev);
	if (ret < 0)
		return ctl_fail(in, "lttng_enable_event_with_filter", ret);
	ret = lttng_start_tracing(p->s.name);
	if (ret < 0)
		return ctl_fail(in, "lttng_start_tracing", ret);
	return PC_OK;
}

static int ust_arm(struct pc_inst *in, enum pc_state st)
{
	struct ust_priv *p = in->priv;
	int ret = PC_OK;

	p->state = st;
	switch (st) {
	case PC_ABSENT:
	case PC_DISABLED:
		break;
	case PC_FILTERED:
	case PC_ENABLED:
	case PC_RECORDING:
		ret = session_create(in, p, st != PC_RECORDING);
		break;
	default:
		return pc_inst_fail(in, PC_ERR_UNSUPPORTED, "ust-tracepoint has no %s state",
				    pc_state_name(st));
	}
	if (ret == PC_OK && st != PC_ABSENT && st != PC_DISABLED && !tp_state())
		return pc_inst_fail(in, PC_ERR_VERIFY,
				    "ust-tracepoint: session started but the tracepoint's state word is 0");
	return ret;
}

static int ust_disarm(struct pc_inst *in)
{
	struct ust_priv *p = in->priv;

	p->state = PC_ABSENT;
	if (pc_lttng_session_close(&p->s) != PC_OK)
		return pc_inst_fail(in, PC_ERR_SYS, "ust-tracepoint: destroying session %s failed",
				    p->s.name);
	return PC_OK;
}

static int ust_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out)
{
	struct ust_priv *p = in->priv;

	(void)out;
	if (p->state == PC_ABSENT)
		ust_loop_absent(n);
	else
		ust_loop(n);
	return PC_OK;
}

/* pc_lttng_*()'s cause as this entry's */
static int ctl_why(struct pc_inst *in, int ret, const char *why)
{
	return ret == PC_OK ? PC_OK : pc_inst_fail(in, ret, "ust-tracepoint: %s", why);
}

static int ust_count(struct pc_inst *in, struct pc_fire *out)
{
	struct ust_priv *p = in->priv;
	uint64_t total = 0, written, disc = 0;
	char why[200];
	int ret;

	if (p->state == PC_ABSENT || p->state == PC_DISABLED) {
		if (tp_state())
			return pc_inst_fail(in, PC_ERR_VERIFY,
					    "ust-tracepoint: tracepoint enabled while %s",
					    pc_state_name(p->state));
		out->hits = 0;
		return PC_OK;
	}
	ret = ctl_why(in, pc_lttng_flush(p->s.name, why, sizeof(why)), why);
	if (ret == PC_OK)
		ret = ctl_why(in, pc_lttng_count_events(p->s.path, &total, why, sizeof(why)), why);
	if (ret == PC_OK)
		ret = ctl_why(in, pc_lttng_discarded(p->s.h, &disc, why, sizeof(why)), why);
	if (ret == PC_OK && lttng_start_tracing(p->s.name) < 0)
		ret = pc_inst_fail(in, PC_ERR_SYS, "ust-tracepoint: restarting session %s failed",
				   p->s.name);
	if (ret != PC_OK)
		return ret;
	if (total < p->written)
		return pc_inst_fail(in, PC_ERR_VERIFY, "ust-tracepoint: the trace lost events");
	written = total - p->written;
	p->written = total;
	if (disc < p->discarded)
		return pc_inst_fail(in, PC_ERR_VERIFY, "ust-tracepoint: discarded count went back");
	out->lost = disc - p->discarded;
	p->discarded = disc;
	if (p->state != PC_RECORDING) {
		if (written || out->lost)
			return pc_inst_fail(in, PC_ERR_VERIFY,
					    "ust-tracepoint: the rejecting filter let %" PRIu64 " events through (%" PRIu64 " discarded)",
					    written, out->lost);
		out->hits = PC_HITS_UNKNOWN;	/* the probe ran; nothing counts it */
		return PC_OK;
	}
	out->hits = written + out->lost;
	return PC_OK;
}

/*
 * The filter the session daemon holds for our event, read back as the
 * uprobe and kevent variants read theirs from tracefs: "?" where it
 * cannot say, "none" for an event without one.
 */
static void filter_of(struct ust_priv *p, char *buf, size_t len)
{
	struct lttng_event *evs = NULL;
	const char *f = NULL;
	int n = p->s.h ? lttng_list_events(p->s.h, UST_CHANNEL, &evs) : -1;

	snprintf(buf, len, "?");
	for (int i = 0; i < n; i++) {
		if (strcmp(evs[i].name, UST_EVENT))
			continue;
		if (!lttng_event_get_filter_expression(&evs[i], &f))
			snprintf(buf, len, "%s", f ? f : "none");
		break;
	}
	free(evs);
}

static int ust_variant(struct pc_inst *in, char *buf, size_t len)
{
	struct ust_priv *p = in->priv;
	char filter[96];

	switch (p->state) {
	case PC_ABSENT:
		snprintf(buf, len, "none");
		break;
	case PC_DISABLED:
		snprintf(buf, len, "state=%d:no-session", tp_state());
		break;
	case PC_ENABLED:
	case PC_FILTERED:
		filter_of(p, filter, sizeof(filter));
		snprintf(buf, len, "state=%d:filter %s", tp_state(), filter);
		break;
	default:
		snprintf(buf, len, "state=%d:per-uid:discard:%ux%uKiB", tp_state(),
			 UST_NSUBBUF, UST_SUBBUF >> 10);
		break;
	}
	return PC_OK;
}

static void ust_teardown(struct pc_inst *in)
{
	struct ust_priv *p = in->priv;

	if (!p)
		return;
	pc_lttng_session_close(&p->s);
	daemon_stop(p);
	run_unmount(p);
	free(p);
	in->priv = NULL;
}

/* The host's /run/lttng marks of dead runs (SIGKILLed), and the dir. */
static int ust_reap(const struct pc_mech *m, char *report, size_t len)
{
	DIR *d = opendir(UST_RUNDIR);
	struct dirent *e;
	size_t off = 0;

	(void)m;
	if (len)
		report[0] = '\0';
	if (!d)
		return PC_OK;
	while ((e = readdir(d))) {
		char mark[PATH_MAX], *end;
		long pid;

		if (strncmp(e->d_name, UST_MARK, strlen(UST_MARK)))
			continue;
		pid = strtol(e->d_name + strlen(UST_MARK), &end, 10);
		if (*end || pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		mark_path(mark, sizeof(mark), pid);
		if (unlink(mark) == 0 && off < len) {
			int w = snprintf(report + off, len - off, "%sremoved %s of dead run %ld",
					 off ? "; " : "", mark, pid);
			off += w > 0 ? (size_t)w : 0;
		}
	}
	closedir(d);
	rundir_release();
	return PC_OK;
}

const struct pc_mech pc_mech_ust_tracepoint = {
	.name = "ust-tracepoint",
	.summary = "LTTng-UST tracepoint, its own session daemon; per-UID ring, discard",
	.family = PC_FAM_STATIC,
	.where = PC_WHERE_USER,
	.states = PC_ST_ALL | PC_ST(PC_FILTERED),
	.mt_why = "hits are read back per fire from the session's trace, one count for the whole process",
	.flags = PC_MECH_OPT_IN,
	.opt_in_why = "every fire is read back (session stop, a babeltrace2 count, start): about 150 s of a default run",
	.tracer = "lttng",
	.hits_why = { [PC_FILTERED] = UST_NO_HITS, [PC_ENABLED] = UST_NO_HITS },
	.available = ust_available,
	.setup = ust_setup,
	.arm = ust_arm,
	.disarm = ust_disarm,
	.fire = ust_fire,
	.count = ust_count,
	.variant = ust_variant,
	.teardown = ust_teardown,
	.reap = ust_reap,
};
