// SPDX-License-Identifier: MIT
/* The liblttng-ctl plumbing of the lttng tracer entries (lttng_ctl.h). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <lttng/lttng.h>

#include "errors.h"
#include "lttng_ctl.h"

extern char **environ;

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

bool pc_lttng_in_path(const char *prog)
{
	const char *p = getenv("PATH");
	char buf[PATH_MAX];

	if (!p)
		p = "/usr/bin:/bin:/usr/sbin:/sbin";
	while (*p) {
		size_t k = strcspn(p, ":");

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)k, p, prog);
		if (access(buf, X_OK) == 0)
			return true;
		p += k + (p[k] == ':');
	}
	return false;
}

/* The last line of the daemon's log, for a reason. */
static void log_tail(const char *log, char *buf, size_t len)
{
	char all[4096];
	FILE *f = fopen(log, "r");
	size_t k = 0;
	char *nl;

	buf[0] = '\0';
	if (!f)
		return;
	k = fread(all, 1, sizeof(all) - 1, f);
	fclose(f);
	all[k] = '\0';
	while (k && (all[k - 1] == '\n' || all[k - 1] == '\r'))
		all[--k] = '\0';
	nl = strrchr(all, '\n');
	snprintf(buf, len, "%.*s", (int)(len - 1), nl ? nl + 1 : all);
}

void pc_lttng_daemon_stop(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	for (int i = 0; i < PC_LTTNG_WAIT_MS / 10; i++) {
		if (waitpid(*pid, NULL, WNOHANG) == *pid) {
			*pid = 0;
			return;
		}
		sleep_ms(10);
	}
	kill(*pid, SIGKILL);
	waitpid(*pid, NULL, 0);
	*pid = 0;
}

int pc_lttng_daemon_start(pid_t *pid, char *const argv[], const char *log,
			  char *why, size_t len)
{
	pid_t parent = getpid();
	char tail[160];

	*pid = fork();
	if (*pid < 0) {
		*pid = 0;
		snprintf(why, len, "fork: %s", strerror(errno));
		return PC_ERR_SYS;
	}
	if (*pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
		sigset_t none;

		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(127);
		setpgid(0, 0);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		if (nul >= 0)
			dup2(nul, STDIN_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	for (int i = 0; i < PC_LTTNG_WAIT_MS / 20; i++) {
		int status;

		if (waitpid(*pid, &status, WNOHANG) == *pid) {
			*pid = 0;
			log_tail(log, tail, sizeof(tail));
			snprintf(why, len, "lttng-sessiond exited (status %d): %s",
				 WIFEXITED(status) ? WEXITSTATUS(status) : -1, tail);
			return PC_ERR_SYS;
		}
		if (lttng_session_daemon_alive() == 1)
			return PC_OK;
		sleep_ms(20);
	}
	log_tail(log, tail, sizeof(tail));
	snprintf(why, len, "lttng-sessiond not ready after %d ms: %s", PC_LTTNG_WAIT_MS, tail);
	return PC_ERR_SYS;
}

int pc_lttng_flush(const char *session, char *why, size_t len)
{
	int ret = lttng_stop_tracing_no_wait(session);

	if (ret < 0) {
		snprintf(why, len, "lttng_stop_tracing_no_wait: %s", lttng_strerror(ret));
		return PC_ERR_SYS;
	}
	for (int i = 0; i < PC_LTTNG_WAIT_MS; i++) {
		ret = lttng_data_pending(session);
		if (ret == 0)
			return PC_OK;
		if (ret < 0) {
			snprintf(why, len, "lttng_data_pending: %s", lttng_strerror(ret));
			return PC_ERR_SYS;
		}
		sleep_ms(1);
	}
	snprintf(why, len, "data still pending after %d ms", PC_LTTNG_WAIT_MS);
	return PC_ERR_SYS;
}

int pc_lttng_count_events(const char *dir, uint64_t *events, char *why, size_t len)
{
	char *argv[] = { "babeltrace2", (char *)dir, "-c", "sink.utils.counter",
			 "-p", "step=+0", NULL };
	posix_spawn_file_actions_t fa;
	char out[4096], *line;
	size_t k = 0;
	int pfd[2], status, ret;
	pid_t pid;
	ssize_t r;

	if (pipe2(pfd, O_CLOEXEC) < 0) {
		snprintf(why, len, "pipe: %s", strerror(errno));
		return PC_ERR_SYS;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	ret = posix_spawnp(&pid, "babeltrace2", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (ret) {
		close(pfd[0]);
		snprintf(why, len, "spawning babeltrace2: %s", strerror(ret));
		return PC_ERR_SYS;
	}
	while ((r = read(pfd[0], out + k, sizeof(out) - 1 - k)) > 0 || (r < 0 && errno == EINTR))
		if (r > 0)
			k += (size_t)r;
	close(pfd[0]);
	out[k] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		snprintf(why, len, "babeltrace2 %s failed (status %d)", dir,
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return PC_ERR_SYS;
	}
	for (line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned long long v;
		char what[32];

		if (sscanf(line, " %llu %31s", &v, what) == 2 && !strcmp(what, "Event") &&
		    strstr(line, "Event message")) {
			*events = v;
			return PC_OK;
		}
	}
	snprintf(why, len, "no event count in babeltrace2 output: %.160s", out);
	return PC_ERR_SYS;
}

int pc_lttng_discarded(struct lttng_handle *h, uint64_t *total, char *why, size_t len)
{
	struct lttng_channel *ch = NULL;
	int k = lttng_list_channels(h, &ch);

	*total = 0;
	if (k < 0) {
		snprintf(why, len, "lttng_list_channels: %s", lttng_strerror(k));
		return PC_ERR_SYS;
	}
	for (int i = 0; i < k; i++) {
		uint64_t v = 0;

		if (lttng_channel_get_discarded_event_count(&ch[i], &v) == 0)
			*total += v;
	}
	free(ch);
	return PC_OK;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p) < 0 && errno != ENOENT ? -1 : 0;
}

int pc_lttng_rm_tree(const char *path)
{
	if (access(path, F_OK) < 0)
		return PC_OK;
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? PC_OK : PC_ERR_IO;
}

int pc_lttng_session_open(struct pc_lttng_session *s, const char *dir, bool kernel,
			  const char *channel, uint64_t subbuf, uint64_t nsubbuf,
			  char *why, size_t len)
{
	struct lttng_domain dom = {
		.type = kernel ? LTTNG_DOMAIN_KERNEL : LTTNG_DOMAIN_UST,
		.buf_type = kernel ? LTTNG_BUFFER_GLOBAL : LTTNG_BUFFER_PER_UID,
	};
	struct lttng_channel *ch;
	int ret;

	snprintf(s->name, sizeof(s->name), "probecost-%ld-%u", (long)getpid(), ++s->seq);
	snprintf(s->path, sizeof(s->path), "%s/%s", dir, s->name);
	ret = lttng_create_session(s->name, s->path);
	if (ret < 0) {
		snprintf(why, len, "lttng_create_session: %s", lttng_strerror(ret));
		return PC_ERR_SYS;
	}
	s->created = true;
	s->h = lttng_create_handle(s->name, &dom);
	ch = s->h ? lttng_channel_create(&dom) : NULL;
	if (!ch) {
		snprintf(why, len, "%s failed", s->h ? "lttng_channel_create" : "lttng_create_handle");
		return PC_ERR_NOMEM;
	}
	snprintf(ch->name, sizeof(ch->name), "%s", channel);
	ch->enabled = 1;
	ch->attr.overwrite = 0;		/* discard mode */
	ch->attr.subbuf_size = subbuf;
	ch->attr.num_subbuf = nsubbuf;
	if (!kernel)
		ch->attr.output = LTTNG_EVENT_MMAP;
	ret = lttng_enable_channel(s->h, ch);
	lttng_channel_destroy(ch);
	if (ret < 0) {
		snprintf(why, len, "lttng_enable_channel: %s", lttng_strerror(ret));
		return PC_ERR_SYS;
	}
	return PC_OK;
}

int pc_lttng_session_close(struct pc_lttng_session *s)
{
	int ret = PC_OK;

	if (s->h) {
		lttng_destroy_handle(s->h);
		s->h = NULL;
	}
	if (s->created) {
		if (lttng_destroy_session(s->name) < 0)
			ret = PC_ERR_SYS;
		s->created = false;
	}
	if (s->path[0] && pc_lttng_rm_tree(s->path) != PC_OK)
		ret = PC_ERR_IO;
	s->path[0] = '\0';
	return ret;
}
