// SPDX-License-Identifier: MIT
/* Uprobes on our own code: defined, counted by perf, or recording. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errors.h"
#include "perfev.h"
#include "sysinfo.h"
#include "uprobe_attach.h"

#define SELF_EXE "/proc/self/exe"
#define REC_BUFFER_KB 4096	/* per CPU; a slot writes ~1 MB at 64 B */

int pc_uprobe_available(char *why, size_t len)
{
	const char *root;
	char path[512];
	int type, ret;

	if (!pc_is_root()) {
		snprintf(why, len, "uprobes need root: the uprobe PMU and tracefs uprobe_events are root-only");
		return PC_ERR_UNSUPPORTED;
	}
	ret = pc_perfev_pmu_type("uprobe", &type, why, len);
	if (ret != PC_OK)
		return ret;
	ret = pc_tracefs_root(&root, why, len);
	if (ret != PC_OK)
		return PC_ERR_UNSUPPORTED;
	snprintf(path, sizeof(path), "%s/uprobe_events", root);
	if (access(path, W_OK) < 0) {
		snprintf(why, len, "%s: %s (CONFIG_UPROBE_EVENTS off?)", path, strerror(errno));
		return PC_ERR_UNSUPPORTED;
	}
	return PC_OK;
}

int pc_uprobe_file_offset(const void *addr, uint64_t *off, char *why,
			  size_t len)
{
	uintptr_t a = (uintptr_t)addr;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f) {
		snprintf(why, len, "open /proc/self/maps: %s", strerror(errno));
		return PC_ERR_SYS;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s, e, o;

		if (sscanf(line, "%llx-%llx %*s %llx", &s, &e, &o) == 3 && a >= s && a < e) {
			fclose(f);
			*off = a - s + o;
			return PC_OK;
		}
	}
	fclose(f);
	snprintf(why, len, "address %p is in no mapping of this process", addr);
	return PC_ERR_INVAL;
}

int pc_uprobe_init(struct pc_uprobe *u, const char *name, const void *site,
		   bool ret, const void *semaphore, const char *fetch,
		   char *why, size_t len)
{
	int r;

	memset(u, 0, sizeof(*u));
	u->fd = -1;
	u->ret = ret;
	u->state = PC_ABSENT;
	snprintf(u->name, sizeof(u->name), "%s", name);
	for (char *p = u->name; *p; p++)
		if (*p == '-')
			*p = '_';
	snprintf(u->fetch, sizeof(u->fetch), "%s", fetch ? fetch : "%di");
	pc_tracefs_group(u->group, sizeof(u->group));
	r = pc_uprobe_file_offset(site, &u->offset, why, len);
	if (r == PC_OK && semaphore)
		r = pc_uprobe_file_offset(semaphore, &u->ref_ctr, why, len);
	return r;
}

/*
 * Fetch arguments that make the kernel copy @payload bytes from the
 * address in u->fetch into each event: arrays of at most 64 elements
 * (the kernel's limit), 8 bytes wide, then single bytes for the rest.
 */
static void payload_args(const struct pc_uprobe *u, uint32_t payload,
			 char *buf, size_t len)
{
	uint32_t off = 0;
	size_t o = 0;
	int i = 0;

	buf[0] = '\0';
	while (off < payload && o < len) {
		uint32_t left = payload - off, k, w;

		if (left >= 8) {
			k = left / 8 > 64 ? 64 : left / 8;
			w = 8;
		} else {
			k = left;
			w = 1;
		}
		o += (size_t)snprintf(buf + o, len - o, " p%d=+%u(%s):x%u[%u]", i++, off,
				      u->fetch, w * 8, k);
		off += k * w;
	}
}

static int define(struct pc_uprobe *u, uint32_t payload, char *why, size_t len)
{
	char def[1024 + 256], args[1024];
	int n;

	payload_args(u, payload, args, sizeof(args));
	n = snprintf(def, sizeof(def), "%c:%s/%s %s:0x%" PRIx64, u->ret ? 'r' : 'p',
		     u->group, u->name, SELF_EXE, u->offset);
	if (u->ref_ctr)
		n += snprintf(def + n, sizeof(def) - (size_t)n, "(0x%" PRIx64 ")", u->ref_ctr);
	snprintf(def + n, sizeof(def) - (size_t)n, "%s", args);
	if (pc_tracefs_dynevent_add("uprobe_events", def, why, len) != PC_OK)
		return PC_ERR_SYS;
	u->defined = true;
	return PC_OK;
}

/*
 * The hits uprobe_profile counts for our event (the kernel bumps them
 * before any filter), by event name: the probe lock admits one run's
 * uprobes at a time, and its names are unique within the run.
 */
static int profile_hits(const struct pc_uprobe *u, uint64_t *hits, char *why, size_t len)
{
	return pc_tracefs_profile_hits("uprobe_profile", 1, u->name, hits, why, len);
}

int pc_uprobe_arm(struct pc_uprobe *u, enum pc_state st, uint32_t payload,
		  char *why, size_t len)
{
	uint64_t lost = 0;
	int ret = PC_OK;

	u->state = st;
	u->last = u->last_lost = 0;
	switch (st) {
	case PC_ABSENT:
		return PC_OK;
	case PC_DISABLED:
		return define(u, payload, why, len);
	case PC_ENABLED:
		return pc_perfev_uprobe_inherit(SELF_EXE, u->offset, u->ret, u->ref_ctr,
						u->inherit, &u->fd, why, len);
	case PC_RECORDING:
		if (!u->ti.path[0])
			ret = pc_tracefs_instance_create(&u->ti, u->name, REC_BUFFER_KB, why, len);
		if (ret == PC_OK)
			ret = define(u, payload, why, len);
		if (ret == PC_OK)
			ret = pc_tracefs_instance_event(&u->ti, u->group, u->name, true, why, len);
		if (ret == PC_OK)
			ret = pc_tracefs_instance_written(&u->ti, &u->last, &lost);
		u->last_lost = lost;
		return ret;
	case PC_FILTERED:
		if (!u->ti.path[0])
			ret = pc_tracefs_instance_create(&u->ti, u->name, REC_BUFFER_KB, why, len);
		if (ret == PC_OK)
			ret = define(u, payload, why, len);
		if (ret == PC_OK) {
			char file[128];

			snprintf(file, sizeof(file), "events/%s/%s/filter", u->group, u->name);
			ret = pc_tracefs_instance_set(&u->ti, file, PC_UPROBE_REJECT, why, len);
		}
		if (ret == PC_OK)
			ret = pc_tracefs_instance_event(&u->ti, u->group, u->name, true, why, len);
		if (ret == PC_OK)
			ret = pc_tracefs_instance_written(&u->ti, &u->last, &lost);
		u->last_lost = lost;
		if (ret == PC_OK)
			ret = profile_hits(u, &u->last_nhit, why, len);
		return ret;
	default:
		snprintf(why, len, "no such state");
		return PC_ERR_INVAL;
	}
}

int pc_uprobe_hits(struct pc_uprobe *u, uint64_t *hits, uint64_t *lost,
		   char *why, size_t len)
{
	uint64_t now = 0, now_lost = 0, nhit = 0;
	int ret = PC_OK;

	switch (u->state) {
	case PC_FILTERED:
		ret = pc_tracefs_instance_written(&u->ti, &now, &now_lost);
		if (ret == PC_OK)
			ret = profile_hits(u, &nhit, why, len);
		if (ret != PC_OK)
			return ret;
		if (now != u->last) {
			snprintf(why, len, "the filter '%s' let %" PRIu64 " events through",
				 PC_UPROBE_REJECT, now - u->last);
			return PC_ERR_VERIFY;
		}
		*hits = nhit - u->last_nhit;
		*lost = now_lost - u->last_lost;
		u->last_nhit = nhit;
		u->last_lost = now_lost;
		return PC_OK;
	case PC_ENABLED:
		ret = pc_perfev_count(u->fd, &now);
		break;
	case PC_RECORDING:
		ret = pc_tracefs_instance_written(&u->ti, &now, &now_lost);
		break;
	default:
		break;
	}
	if (ret != PC_OK)
		return ret;
	*hits = now - u->last;
	*lost = now_lost - u->last_lost;
	u->last = now;
	u->last_lost = now_lost;
	return PC_OK;
}

void pc_uprobe_filter(const struct pc_uprobe *u, char *buf, size_t len)
{
	char file[160];

	snprintf(file, sizeof(file), "events/%s/%s/filter", u->group, u->name);
	pc_tracefs_instance_get(&u->ti, file, buf, len);
}

int pc_uprobe_disarm(struct pc_uprobe *u, char *why, size_t len)
{
	int ret = PC_OK;

	pc_perfev_close(&u->fd);
	if (u->ti.path[0])
		pc_tracefs_instance_event(&u->ti, u->group, u->name, false, why, len);
	if (u->defined) {
		ret = pc_tracefs_dynevent_del("uprobe_events", u->group, u->name, why, len);
		if (ret == PC_OK)
			u->defined = false;
	}
	u->state = PC_ABSENT;
	return ret;
}

void pc_uprobe_fini(struct pc_uprobe *u)
{
	char why[256];

	pc_uprobe_disarm(u, why, sizeof(why));
	pc_tracefs_instance_remove(&u->ti);
}

/* Start address of the special mapping @name ("[uprobes]"), or 0. */
static uintptr_t special_mapping(const char *name)
{
	char line[512];
	uintptr_t found = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s;

		if (strstr(line, name) && sscanf(line, "%llx-", &s) == 1)
			found = (uintptr_t)s;
	}
	fclose(f);
	return found;
}

/* In the child: attach, hit once, describe what the kernel did. */
static void execution_child(const void *site, const void *semaphore,
			    void (*call)(void), bool ret, char *buf, size_t len)
{
	uint64_t off, sem = 0, count = 0;
	uintptr_t xol;
	uint8_t tramp[16] = { 0 };
	char why[256];
	int fd;

	if (pc_uprobe_file_offset(site, &off, why, sizeof(why)) != PC_OK ||
	    (semaphore && pc_uprobe_file_offset(semaphore, &sem, why, sizeof(why)) != PC_OK) ||
	    pc_perfev_uprobe(SELF_EXE, off, ret, sem, &fd, why, sizeof(why)) != PC_OK) {
		snprintf(buf, len, "unknown (%.200s)", why);
		return;
	}
	if (special_mapping("[uprobes]")) {
		snprintf(buf, len, "unknown (XOL area present before the hit)");
		return;
	}
	call();
	call();
	pc_perfev_count(fd, &count);
	xol = special_mapping("[uprobes]");
	if (count != 2) {
		snprintf(buf, len, "unknown (probe counted %" PRIu64 " of 2 hits)", count);
	} else if (ret) {
		/*
		 * The return trampoline is the XOL area's first slot. The area
		 * is exec-only (not readable through /proc/self/mem), but x86
		 * page tables cannot express exec-only, so a plain load works;
		 * were it to fault, only this child dies and the caller says
		 * "unknown".
		 */
		if (xol)
			memcpy(tramp, (const void *)xol, sizeof(tramp));
		if (!xol)
			snprintf(buf, len, "ret-trampoline:unseen");
		else if (memmem(tramp, sizeof(tramp), "\x0f\x05", 2))
			snprintf(buf, len, "ret-trampoline:syscall");
		else if (tramp[0] == 0xcc)
			snprintf(buf, len, "ret-trampoline:int3");
		else
			snprintf(buf, len, "ret-trampoline:%02x%02x%02x", tramp[0], tramp[1],
				 tramp[2]);
	} else if (*(const volatile uint8_t *)site == 0xe8 &&
		   special_mapping("[uprobes-trampoline]")) {
		snprintf(buf, len, "optimized:call-trampoline");
	} else if (xol) {
		snprintf(buf, len, "int3+single-step");
	} else {
		snprintf(buf, len, "int3+emulated");
	}
	pc_perfev_close(&fd);
}

int pc_uprobe_execution(const void *site, const void *semaphore,
			void (*call)(void), bool ret, char *buf, size_t len)
{
	char msg[256] = "";
	int p[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe(p) < 0)
		return PC_ERR_SYS;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return PC_ERR_SYS;
	}
	if (pid == 0) {
		close(p[0]);
		execution_child(site, semaphore, call, ret, msg, sizeof(msg));
		if (write(p[1], msg, strlen(msg)) < 0)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	n = read(p[0], msg, sizeof(msg) - 1);
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n <= 0) {
		snprintf(buf, len, "unknown (read-back child failed)");
		return PC_ERR_SYS;
	}
	msg[n] = '\0';
	snprintf(buf, len, "%s", msg);
	return PC_OK;
}

int pc_uprobe_reap(const struct pc_mech *m, char *report, size_t len)
{
	(void)m;
	return pc_tracefs_reap(report, len);
}

static int lock_fd = -1, lock_depth;

int pc_probe_lock(char *why, size_t len)
{
	const char *path = access("/run/lock", W_OK) == 0 ? "/run/lock/probecost-probes.lock" :
			   "/tmp/probecost-probes.lock";

	int err = 0;

	if (lock_depth++)
		return PC_OK;
	lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock_fd < 0) {
		err = errno;
	} else if (flock(lock_fd, LOCK_EX | LOCK_NB) < 0) {
		/* say why the run stands still: another run holds the probes */
		fprintf(stderr, "probecost: waiting for another probecost run to finish with its system-wide probes (lock %s)\n",
			path);
		if (flock(lock_fd, LOCK_EX) < 0)
			err = errno;
	}
	if (!err)
		return PC_OK;
	snprintf(why, len, "lock %s (serializes system-wide probes between runs): %s",
		 path, strerror(err));
	if (lock_fd >= 0)
		close(lock_fd);
	lock_fd = -1;
	lock_depth = 0;
	return err == EINTR ? PC_ERR_INTR : PC_ERR_SYS;
}

void pc_probe_unlock(void)
{
	if (lock_depth && !--lock_depth && lock_fd >= 0) {
		close(lock_fd);	/* drops the flock */
		lock_fd = -1;
	}
}
