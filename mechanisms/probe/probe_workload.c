// SPDX-License-Identifier: MIT
/* The workloads firing a user's probe point (see probe_workload.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errors.h"
#include "probe_workload.h"

extern char **environ;

/* Cheap syscalls without arguments: one run is one syscall. */
static const struct {
	const char *name;
	long nr;
} cheap[] = {
	{ "getppid", SYS_getppid }, { "getpid", SYS_getpid }, { "gettid", SYS_gettid },
	{ "getuid", SYS_getuid }, { "geteuid", SYS_geteuid }, { "getgid", SYS_getgid },
	{ "getegid", SYS_getegid }, { "sched_yield", SYS_sched_yield },
#ifdef SYS_getpgrp
	{ "getpgrp", SYS_getpgrp },
#endif
};

#define NCHEAP (sizeof(cheap) / sizeof(cheap[0]))

/* Prefixes under which kernels name a syscall's handler. */
static const char *const handler_prefix[] = {
	"__x64_sys_", "__arm64_sys_", "__do_sys_", "__se_sys_", "__ia32_sys_", "sys_",
};

static long cheap_nr(const char *name)
{
	for (size_t i = 0; i < NCHEAP; i++)
		if (!strcmp(cheap[i].name, name))
			return cheap[i].nr;
	return -1;
}

static void syscall_work(struct pc_probe_work *w, long nr, const char *name)
{
	memset(w, 0, sizeof(*w));
	w->nr = nr;
	snprintf(w->what, sizeof(w->what), "a loop of raw %s() syscalls", name);
}

int pc_probe_work_builtin(const char *group, const char *event, const char *func,
			  struct pc_probe_work *w)
{
	long nr;

	if (func) {
		for (size_t i = 0; i < sizeof(handler_prefix) / sizeof(handler_prefix[0]); i++) {
			size_t n = strlen(handler_prefix[i]);

			if (!strncmp(func, handler_prefix[i], n) &&
			    (nr = cheap_nr(func + n)) >= 0) {
				syscall_work(w, nr, func + n);
				return PC_OK;
			}
		}
		return PC_ERR_UNSUPPORTED;
	}
	if (!strcmp(group, "syscalls")) {
		const char *sc = !strncmp(event, "sys_enter_", 10) ? event + 10 :
				 !strncmp(event, "sys_exit_", 9) ? event + 9 : NULL;

		if (sc && (nr = cheap_nr(sc)) >= 0) {
			syscall_work(w, nr, sc);
			return PC_OK;
		}
		return PC_ERR_UNSUPPORTED;
	}
	if (!strcmp(group, "raw_syscalls") &&
	    (!strcmp(event, "sys_enter") || !strcmp(event, "sys_exit"))) {
		syscall_work(w, SYS_getppid, "getppid");
		return PC_OK;
	}
	if (!strcmp(group, "sched") && (!strcmp(event, "sched_switch") ||
					!strcmp(event, "sched_wakeup") ||
					!strcmp(event, "sched_waking"))) {
		memset(w, 0, sizeof(*w));
		w->nr = -1;
		w->pingpong = true;
		w->follow = true;
		snprintf(w->what, sizeof(w->what),
			 "a pipe round trip between this thread and a partner thread on its PU");
		return PC_OK;
	}
	return PC_ERR_UNSUPPORTED;
}

void pc_probe_work_trigger(const char *cmd, struct pc_probe_work *w)
{
	memset(w, 0, sizeof(*w));
	w->nr = -1;
	w->cmd = cmd;
	w->follow = true;
	snprintf(w->what, sizeof(w->what), "runs of /bin/sh -c '%.100s'", cmd);
}

const char *pc_probe_work_builtins(void)
{
	return "tracepoint:syscalls:sys_enter_X and sys_exit_X, kprobe:__x64_sys_X (or __do_sys_X ...) for X in getppid, getpid, gettid, getuid, geteuid, getgid, getegid, getpgrp, sched_yield; tracepoint:raw_syscalls:sys_enter and sys_exit; tracepoint:sched:sched_switch, sched_wakeup and sched_waking";
}

/* One syscall without libc in between, as pc_getppid() does. */
static void raw_syscall(long nr)
{
#if defined(__x86_64__)
	long ret;

	__asm__ __volatile__("syscall" : "=a"(ret) : "0"(nr) : "rcx", "r11", "memory");
	(void)ret;
#else
	syscall(nr);
#endif
}

struct partner {
	int in, out;
	uint64_t n;
	int err;
};

static void *partner_loop(void *arg)
{
	struct partner *p = arg;
	char c;

	for (uint64_t i = 0; i < p->n; i++)
		if (read(p->in, &c, 1) != 1 || write(p->out, &c, 1) != 1) {
			p->err = errno ? errno : EIO;
			break;
		}
	return NULL;
}

/*
 * @n round trips of a byte: this thread writes, the partner (created
 * here, so it inherits the PU binding and the perf event) answers.
 * Thread and pipes are per call: a fixed cost that N/2N cancels.
 */
static int pingpong(uint64_t n, char *why, size_t len)
{
	int to[2] = { -1, -1 }, from[2] = { -1, -1 };
	struct partner p = { .n = n };
	pthread_t th;
	int ret = PC_OK, e;
	char c = 'x';

	if (pipe2(to, O_CLOEXEC) < 0 || pipe2(from, O_CLOEXEC) < 0) {
		snprintf(why, len, "ping-pong workload: pipe: %s", strerror(errno));
		ret = PC_ERR_SYS;
		goto out;
	}
	p.in = to[0];
	p.out = from[1];
	e = pthread_create(&th, NULL, partner_loop, &p);
	if (e) {
		snprintf(why, len, "ping-pong workload: pthread_create: %s", strerror(e));
		ret = PC_ERR_SYS;
		goto out;
	}
	for (uint64_t i = 0; i < n; i++)
		if (write(to[1], &c, 1) != 1 || read(from[0], &c, 1) != 1) {
			snprintf(why, len, "ping-pong workload: round trip %llu: %s",
				 (unsigned long long)i, strerror(errno));
			ret = PC_ERR_SYS;
			break;
		}
	/* a failed round trip leaves the partner blocked: closing wakes it */
	if (ret != PC_OK) {
		close(to[1]);
		to[1] = -1;
	}
	pthread_join(th, NULL);
	if (ret == PC_OK && p.err) {
		snprintf(why, len, "ping-pong workload: partner: %s", strerror(p.err));
		ret = PC_ERR_SYS;
	}
out:
	for (int i = 0; i < 2; i++) {
		if (to[i] >= 0)
			close(to[i]);
		if (from[i] >= 0)
			close(from[i]);
	}
	return ret;
}

/* @n runs of the command, each waited for; the first failure stops them. */
static int trigger(const char *cmd, uint64_t n, char *why, size_t len)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	int ret = PC_OK;

	if (posix_spawn_file_actions_init(&fa) ||
	    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) ||
	    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0) ||
	    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0)) {
		snprintf(why, len, "--trigger: posix_spawn_file_actions: out of memory");
		return PC_ERR_NOMEM;
	}
	for (uint64_t i = 0; i < n && ret == PC_OK; i++) {
		pid_t pid;
		int st, e = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);

		if (e) {
			snprintf(why, len, "--trigger: cannot start /bin/sh: %s", strerror(e));
			ret = PC_ERR_SYS;
			break;
		}
		while (waitpid(pid, &st, 0) < 0)
			if (errno != EINTR) {
				snprintf(why, len, "--trigger: waitpid: %s", strerror(errno));
				posix_spawn_file_actions_destroy(&fa);
				return PC_ERR_SYS;
			}
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			continue;
		if (WIFSIGNALED(st) && (WTERMSIG(st) == SIGINT || WTERMSIG(st) == SIGTERM ||
					WTERMSIG(st) == SIGHUP)) {
			snprintf(why, len, "--trigger '%s' was killed by signal %d", cmd,
				 WTERMSIG(st));
			ret = PC_ERR_INTR;
		} else if (WIFSIGNALED(st)) {
			snprintf(why, len, "--trigger '%s' was killed by signal %d (run %llu of %llu): fix the command",
				 cmd, WTERMSIG(st), (unsigned long long)i + 1, (unsigned long long)n);
			ret = PC_ERR_SYS;
		} else {
			snprintf(why, len, "--trigger '%s' exited %d (run %llu of %llu): the trigger must succeed every time: run it yourself (/bin/sh -c 'CMD'; echo $?) until it exits 0",
				 cmd, WEXITSTATUS(st), (unsigned long long)i + 1, (unsigned long long)n);
			ret = PC_ERR_SYS;
		}
	}
	posix_spawn_file_actions_destroy(&fa);
	return ret;
}

int pc_probe_work_run(const struct pc_probe_work *w, uint64_t n, char *why,
		      size_t len)
{
	if (w->cmd)
		return trigger(w->cmd, n, why, len);
	if (w->pingpong)
		return pingpong(n, why, len);
	for (uint64_t i = 0; i < n; i++)
		raw_syscall(w->nr);
	return PC_OK;
}
