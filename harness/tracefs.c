// SPDX-License-Identifier: MIT
/* Private tracefs instances and writes to tracefs control files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

	snprintf(file, sizeof(file), "%s/events/%s/%s/enable", ti->path, group, event);
	return pc_tracefs_write(file, on ? "1" : "0", false, why, len);
}

int pc_tracefs_instance_counts(struct pc_tracefs_inst *ti, uint64_t *entries,
			       uint64_t *overrun)
{
	char file[PATH_MAX + 64], line[256];
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);

	*entries = *overrun = 0;
	for (long cpu = 0; cpu < ncpu; cpu++) {
		FILE *f;

		snprintf(file, sizeof(file), "%s/per_cpu/cpu%ld/stats", ti->path, cpu);
		f = fopen(file, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			unsigned long long v;

			if (sscanf(line, "entries: %llu", &v) == 1)
				*entries += v;
			else if (sscanf(line, "overrun: %llu", &v) == 1)
				*overrun += v;
		}
		fclose(f);
	}
	return PC_OK;
}

int pc_tracefs_instance_clear(struct pc_tracefs_inst *ti)
{
	char file[PATH_MAX + 32], why[256];

	snprintf(file, sizeof(file), "%s/trace", ti->path);
	return pc_tracefs_write(file, "", false, why, sizeof(why));
}
