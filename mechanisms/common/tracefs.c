// SPDX-License-Identifier: MIT
/* Private tracefs instances and writes to tracefs control files. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"
#include "sysinfo.h"
#include "tracefs.h"

int pc_tracefs_root(const char **root, char *why, size_t len)
{
	const char *r = pc_tracefs(true);

	if (!r) {
		snprintf(why, len, pc_is_root() ?
			 "tracefs is not mounted and mounting it at /sys/kernel/tracing failed (CONFIG_TRACING off?)" :
			 "tracefs is not mounted and only root can mount it: run as root");
		return pc_is_root() ? PC_ERR_UNSUPPORTED : PC_ERR_PERM;
	}
	if (access(r, W_OK) < 0) {
		snprintf(why, len, "%s is not writable: run as root", r);
		return PC_ERR_PERM;
	}
	*root = r;
	return PC_OK;
}

int pc_tracefs_write(const char *path, const char *val, bool append,
		     char *why, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | (append ? O_APPEND : O_TRUNC));
	size_t n = strlen(val);
	ssize_t w;

	if (fd < 0) {
		snprintf(why, len, "open %s: %s", path, strerror(errno));
		return errno == EACCES || errno == EPERM ? PC_ERR_PERM : PC_ERR_SYS;
	}
	w = write(fd, val, n);
	if (w < 0 || (size_t)w != n) {
		int e = w < 0 ? errno : EIO;

		snprintf(why, len, "write '%.*s' to %s: %s", (int)strcspn(val, "\n"), val,
			 path, strerror(e));
		close(fd);
		return PC_ERR_SYS;
	}
	if (close(fd) < 0) {
		snprintf(why, len, "write to %s: %s", path, strerror(errno));
		return PC_ERR_SYS;
	}
	return PC_OK;
}

void pc_tracefs_group(char *buf, size_t len)
{
	snprintf(buf, len, "probecost_%d", (int)getpid());
}

int pc_tracefs_instance_create(struct pc_tracefs_inst *ti, const char *tag,
			       unsigned int kb, char *why, size_t len)
{
	char file[PATH_MAX + 32], val[32];
	const char *root;
	int ret;

	ti->path[0] = '\0';
	ret = pc_tracefs_root(&root, why, len);
	if (ret != PC_OK)
		return ret;
	snprintf(ti->path, sizeof(ti->path), "%s/instances/probecost-%d-%s", root,
		 (int)getpid(), tag);
	if (mkdir(ti->path, 0700) < 0 && errno != EEXIST) {
		snprintf(why, len, "cannot create tracefs instance %s: %s", ti->path,
			 strerror(errno));
		ti->path[0] = '\0';
		return PC_ERR_SYS;
	}
	snprintf(file, sizeof(file), "%s/buffer_size_kb", ti->path);
	snprintf(val, sizeof(val), "%u", kb);
	ret = pc_tracefs_write(file, val, false, why, len);
	if (ret != PC_OK)
		goto err;
	snprintf(file, sizeof(file), "%s/tracing_on", ti->path);
	ret = pc_tracefs_write(file, "1", false, why, len);
	if (ret != PC_OK)
		goto err;
	return PC_OK;
err:
	pc_tracefs_instance_remove(ti);
	return ret;
}

int pc_tracefs_instance_remove(struct pc_tracefs_inst *ti)
{
	char file[PATH_MAX + 32], why[256];
	int ret = PC_OK;

	if (!ti->path[0])
		return PC_OK;
	/* events enabled in the instance keep it busy: switch them off */
	snprintf(file, sizeof(file), "%s/events/enable", ti->path);
	pc_tracefs_write(file, "0", false, why, sizeof(why));
	/* rmdir on an instance is retried: a reader may be closing */
	for (int i = 0; i < 50; i++) {
		if (rmdir(ti->path) == 0 || errno == ENOENT)
			break;
		if (errno != EBUSY) {
			ret = PC_ERR_SYS;
			break;
		}
		usleep(10000);
	}
	if (access(ti->path, F_OK) == 0)
		ret = PC_ERR_BUSY;
	else
		ti->path[0] = '\0';
	return ret;
}

int pc_tracefs_instance_event(struct pc_tracefs_inst *ti, const char *group,
			      const char *event, bool on, char *why, size_t len)
{
	char file[PATH_MAX + 300];

	int ret;

	snprintf(file, sizeof(file), "%s/events/%s/%s/enable", ti->path, group, event);
	/*
	 * A dynamic event just defined can be missing from an instance for a
	 * moment while another process creates or resizes its own instance
	 * (seen with two concurrent runs): retry briefly before failing.
	 */
	for (int i = 0; i < 50; i++) {
		ret = pc_tracefs_write(file, on ? "1" : "0", false, why, len);
		if (ret == PC_OK || !on || access(file, F_OK) == 0)
			break;
		usleep(2000);
	}
	return ret;
}

int pc_tracefs_instance_written(struct pc_tracefs_inst *ti, uint64_t *written,
				uint64_t *lost)
{
	char file[PATH_MAX + 64], buf[512];
	cpu_set_t set;
	int ncpu = (int)sysconf(_SC_NPROCESSORS_CONF);

	*written = *lost = 0;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return PC_ERR_SYS;
	for (int cpu = 0; cpu < ncpu && cpu < CPU_SETSIZE; cpu++) {
		unsigned long long v;
		ssize_t n;
		char *p;
		int fd;

		if (!CPU_ISSET(cpu, &set))
			continue;
		snprintf(file, sizeof(file), "%s/per_cpu/cpu%d/stats", ti->path, cpu);
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return PC_ERR_SYS;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			return PC_ERR_IO;
		buf[n] = '\0';
		if ((p = strstr(buf, "entries: ")) && sscanf(p, "entries: %llu", &v) == 1)
			*written += v;
		if ((p = strstr(buf, "\noverrun: ")) && sscanf(p, "\noverrun: %llu", &v) == 1) {
			*written += v;
			*lost += v;
		}
		if ((p = strstr(buf, "dropped events: ")) &&
		    sscanf(p, "dropped events: %llu", &v) == 1)
			*lost += v;
	}
	return PC_OK;
}

int pc_tracefs_instance_set(struct pc_tracefs_inst *ti, const char *file,
			    const char *val, char *why, size_t len)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", ti->path, file);
	return pc_tracefs_write(path, val, false, why, len);
}

void pc_tracefs_instance_get(const struct pc_tracefs_inst *ti, const char *file,
			     char *buf, size_t len)
{
	char path[PATH_MAX + 256];
	FILE *f;

	snprintf(buf, len, "?");
	snprintf(path, sizeof(path), "%s/%s", ti->path, file);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	else
		snprintf(buf, len, "?");
	fclose(f);
}

/* The kernel's last complaint in error_log, e.g. "Invalid fetch argument". */
static void last_error(const char *root, char *buf, size_t len)
{
	char path[PATH_MAX], line[512];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/error_log", root);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *e = strstr(line, "error: ");

		if (e) {
			e[strcspn(e, "\n")] = '\0';
			snprintf(buf, len, "%s", e + 7);
		}
	}
	fclose(f);
}

int pc_tracefs_dynevent_add(const char *file, const char *def, char *why,
			    size_t len)
{
	char path[PATH_MAX], line[1024], kerr[256];
	const char *root;
	int ret;

	ret = pc_tracefs_root(&root, why, len);
	if (ret != PC_OK)
		return ret;
	snprintf(path, sizeof(path), "%s/%s", root, file);
	if (access(path, F_OK) < 0) {
		snprintf(why, len, "%s does not exist (CONFIG_%s_EVENTS off in this kernel)",
			 path, !strncmp(file, "uprobe", 6) ? "UPROBE" :
			 !strncmp(file, "kprobe", 6) ? "KPROBE" : "DYNAMIC");
		return PC_ERR_UNSUPPORTED;
	}
	snprintf(line, sizeof(line), "%s\n", def);
	ret = pc_tracefs_write(path, line, true, why, len);
	if (ret != PC_OK) {
		last_error(root, kerr, sizeof(kerr));
		if (kerr[0])
			snprintf(why + strlen(why), len - strlen(why), " (kernel: %s)", kerr);
	}
	return ret;
}

int pc_tracefs_dynevent_del(const char *file, const char *group,
			    const char *event, char *why, size_t len)
{
	char path[PATH_MAX], line[300];
	const char *root;
	int ret;

	if (!pc_tracefs_dynevent_exists(file, group, event))
		return PC_OK;
	ret = pc_tracefs_root(&root, why, len);
	if (ret != PC_OK)
		return ret;
	snprintf(path, sizeof(path), "%s/%s", root, file);
	snprintf(line, sizeof(line), "-:%s/%s\n", group, event);
	ret = pc_tracefs_write(path, line, true, why, len);
	if (ret != PC_OK && !pc_tracefs_dynevent_exists(file, group, event))
		ret = PC_OK;	/* somebody else removed it meanwhile */
	return ret;
}

int pc_tracefs_others_remove(struct pc_tracefs_inst *ti, const char *file,
			     const char *group, const char *stem, unsigned int n)
{
	char ev[64], why[256];
	int ret = pc_tracefs_instance_remove(ti);	/* disables them all first */

	for (unsigned int i = 0; i < n; i++) {
		snprintf(ev, sizeof(ev), "%s%u", stem, i);
		if (pc_tracefs_dynevent_del(file, group, ev, why, sizeof(why)) != PC_OK)
			ret = PC_ERR_SYS;
	}
	return ret == PC_OK ? PC_OK : PC_ERR_SYS;
}

int pc_tracefs_profile_hits(const char *profile, int name_col, const char *event,
			    uint64_t *hits, char *why, size_t len)
{
	const char *root;
	char path[PATH_MAX], line[512];
	int found = 0;
	FILE *f;

	if (pc_tracefs_root(&root, why, len) != PC_OK)
		return PC_ERR_SYS;
	snprintf(path, sizeof(path), "%s/%s", root, profile);
	f = fopen(path, "r");
	if (!f) {
		snprintf(why, len, "%.200s: %s", path, strerror(errno));
		return PC_ERR_SYS;
	}
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *tok = strtok_r(line, " \t\n", &save);

		for (int i = 0; tok && i < name_col; i++)
			tok = strtok_r(NULL, " \t\n", &save);
		if (!tok || strcmp(tok, event))
			continue;
		tok = strtok_r(NULL, " \t\n", &save);
		if (tok) {
			*hits = strtoull(tok, NULL, 10);
			found++;
		}
	}
	fclose(f);
	if (found == 1)
		return PC_OK;
	snprintf(why, len, "%.200s: %s event %s", path, found ? "more than one" : "no", event);
	return PC_ERR_SYS;
}

unsigned int pc_tracefs_instance_enabled(const struct pc_tracefs_inst *ti,
					 const char *prefix)
{
	char file[sizeof(ti->path) + 16], line[256];
	unsigned int n = 0;
	FILE *f;

	snprintf(file, sizeof(file), "%s/set_event", ti->path);
	f = fopen(file, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		n += !strncmp(line, prefix, strlen(prefix));
	fclose(f);
	return n;
}

/* Calls @fn(group, event, arg) for every line of a dynamic events file. */
static void dynevent_each(const char *file,
			  void (*fn)(const char *group, const char *event, void *arg),
			  void *arg)
{
	const char *root = pc_tracefs(false);
	char path[PATH_MAX], line[1024], group[128], event[128];
	FILE *f;

	if (!root)
		return;
	snprintf(path, sizeof(path), "%s/%s", root, file);
	f = fopen(path, "r");
	if (!f)
		return;
	/* "p:GROUP/EVENT PATH:OFFSET args" (r: for return probes) */
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*[a-z0-9]:%127[^/]/%127s", group, event) == 2)
			fn(group, event, arg);
	fclose(f);
}

struct exists_arg {
	const char *group, *event;
	bool found;
};

int pc_tracefs_dynevent_line(const char *file, const char *group,
			     const char *event, char *buf, size_t len)
{
	const char *root = pc_tracefs(false);
	char path[PATH_MAX], line[1024], g[128], e[128];
	int ret = PC_ERR_INVAL;
	FILE *f;

	snprintf(buf, len, "?");
	if (!root)
		return PC_ERR_INVAL;
	snprintf(path, sizeof(path), "%s/%s", root, file);
	f = fopen(path, "r");
	if (!f)
		return PC_ERR_SYS;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*[a-z0-9]:%127[^/]/%127s", g, e) == 2 &&
		    !strcmp(g, group) && !strcmp(e, event)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(buf, len, "%s", line);
			ret = PC_OK;
			break;
		}
	fclose(f);
	return ret;
}

static void exists_cb(const char *group, const char *event, void *arg)
{
	struct exists_arg *a = arg;

	if (!strcmp(group, a->group) && !strcmp(event, a->event))
		a->found = true;
}

bool pc_tracefs_dynevent_exists(const char *file, const char *group,
				const char *event)
{
	struct exists_arg a = { group, event, false };

	dynevent_each(file, exists_cb, &a);
	return a.found;
}

static bool pid_alive(long pid)
{
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

static void say(char *report, size_t len, const char *fmt, const char *what,
		const char *detail)
{
	size_t off = strlen(report);

	if (off + 2 >= len)
		return;
	snprintf(report + off, len - off, "%s", off ? "; " : "");
	off = strlen(report);
	snprintf(report + off, len - off, fmt, what, detail);
}

struct stale {
	char group[128][128];
	char event[128][128];
	int n;
};

static void stale_cb(const char *group, const char *event, void *arg)
{
	struct stale *s = arg;
	char *end;
	long pid;

	if (strncmp(group, "probecost_", 10) || s->n >= 128)
		return;
	pid = strtol(group + 10, &end, 10);
	if (*end || pid_alive(pid))
		return;
	snprintf(s->group[s->n], sizeof(s->group[0]), "%s", group);
	snprintf(s->event[s->n], sizeof(s->event[0]), "%s", event);
	s->n++;
}

static void reap_instances(const char *root, char *report, size_t len)
{
	char dir[PATH_MAX];
	struct dirent *d;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/instances", root);
	dp = opendir(dir);
	if (!dp)
		return;
	while ((d = readdir(dp))) {
		struct pc_tracefs_inst ti;
		char *end;
		long pid;

		if (strncmp(d->d_name, "probecost-", 10))
			continue;
		pid = strtol(d->d_name + 10, &end, 10);
		if (*end != '-' || pid_alive(pid))
			continue;
		if ((size_t)snprintf(ti.path, sizeof(ti.path), "%s/%.255s", dir,
				     d->d_name) >= sizeof(ti.path))
			continue;
		if (pc_tracefs_instance_remove(&ti) == PC_OK)
			say(report, len, "removed tracefs instance %s%s", d->d_name,
			    " left by a killed run");
		else
			say(report, len, "could not remove tracefs instance %s%s", d->d_name,
			    " (busy: a reader still has it open?)");
	}
	closedir(dp);
}

/* Stale events named one by one in the report; the rest are counted. */
#define REAP_NAMED 8

/*
 * Every stale event, in batches of what struct stale holds (a killed run
 * with --armed 1000 leaves a thousand), until a pass finds none or
 * removes none.
 */
static void reap_events(const char *file, char *report, size_t len)
{
	static struct stale s;
	char why[256], name[300], more[64];
	unsigned int removed = 0, named = 0;
	bool progress = true;

	/* 64 passes of 128: PC_OTHERS_MAX and more, never a loop without end */
	for (int pass = 0; progress && pass < 64; pass++) {
		s.n = 0;
		progress = false;
		dynevent_each(file, stale_cb, &s);
		for (int i = 0; i < s.n; i++) {
			snprintf(name, sizeof(name), "%s/%s", s.group[i], s.event[i]);
			if (pc_tracefs_dynevent_del(file, s.group[i], s.event[i], why,
						    sizeof(why)) != PC_OK) {
				say(report, len, "could not remove stale %s: %s", name, why);
				continue;
			}
			progress = true;
			removed++;
			if (named++ < REAP_NAMED)
				say(report, len, "removed stale %s from %s", name, file);
		}
	}
	if (removed > REAP_NAMED) {
		snprintf(more, sizeof(more), "%u more", removed - REAP_NAMED);
		say(report, len, "removed %s stale events from %s", more, file);
	}
}

int pc_tracefs_reap(char *report, size_t len)
{
	const char *root = pc_tracefs(false);
	char dir[PATH_MAX];
	int fd;

	if (len)
		report[0] = '\0';
	if (!root || access(root, W_OK) < 0)
		return PC_OK;	/* nothing we could have left, or could clean */
	snprintf(dir, sizeof(dir), "%s/instances", root);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		flock(fd, LOCK_EX);
	/* instances first: an event enabled in one cannot be deleted */
	reap_instances(root, report, len);
	reap_events("uprobe_events", report, len);
	reap_events("kprobe_events", report, len);
	/* event probes, fprobes, tracepoint probes: only in dynamic_events */
	reap_events("dynamic_events", report, len);
	if (fd >= 0)
		close(fd);
	return PC_OK;
}
