// SPDX-License-Identifier: MIT
/* Counting perf events on probes: uprobe, kprobe and tracepoint PMUs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/perf_event.h>

#include "errors.h"
#include "perfev.h"
#include "sysinfo.h"

#define PMU_DIR "/sys/bus/event_source/devices"

int pc_perfev_pmu_type(const char *pmu, int *type, char *why, size_t len)
{
	char path[256], buf[32];

	snprintf(path, sizeof(path), PMU_DIR "/%s/type", pmu);
	if (pc_read_file(path, buf, sizeof(buf)) != PC_OK) {
		snprintf(why, len, "no %s PMU (%s missing): this kernel lacks CONFIG_%s",
			 pmu, path, !strcmp(pmu, "uprobe") ? "UPROBE_EVENTS" :
			 !strcmp(pmu, "kprobe") ? "KPROBES/KPROBE_EVENTS" : "PERF_EVENTS");
		return PC_ERR_UNSUPPORTED;
	}
	*type = atoi(buf);
	return PC_OK;
}

int pc_perfev_format_shift(const char *pmu, const char *field, int *shift,
			   char *why, size_t len)
{
	char path[256], buf[64];

	snprintf(path, sizeof(path), PMU_DIR "/%s/format/%s", pmu, field);
	if (pc_read_file(path, buf, sizeof(buf)) != PC_OK ||
	    sscanf(buf, "config:%d", shift) != 1) {
		snprintf(why, len, "the %s PMU has no '%s' format field (%s): kernel too old",
			 pmu, field, path);
		return PC_ERR_UNSUPPORTED;
	}
	return PC_OK;
}

/* Name the cause of a perf_event_open failure and what to do. */
static int open_error(int err, const char *what, char *why, size_t len)
{
	int paranoid = pc_perf_paranoid();

	switch (err) {
	case EACCES:
	case EPERM:
		snprintf(why, len, "perf_event_open(%s): %s: needs root or CAP_PERFMON (perf_event_paranoid=%d)",
			 what, strerror(err), paranoid);
		return PC_ERR_PERM;
	case ENOENT:
	case ENODEV:
	case EOPNOTSUPP:
		snprintf(why, len, "perf_event_open(%s): %s: the kernel cannot probe this",
			 what, strerror(err));
		return PC_ERR_UNSUPPORTED;
	default:
		snprintf(why, len, "perf_event_open(%s): %s", what, strerror(err));
		return PC_ERR_SYS;
	}
}

static int open_counting(struct perf_event_attr *a, const char *what, int *fd,
			 char *why, size_t len)
{
	a->size = sizeof(*a);
	a->sample_period = 0;
	a->disabled = 1;
	*fd = (int)syscall(SYS_perf_event_open, a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (*fd < 0)
		return open_error(errno, what, why, len);
	if (ioctl(*fd, PERF_EVENT_IOC_RESET, 0) < 0 ||
	    ioctl(*fd, PERF_EVENT_IOC_ENABLE, 0) < 0) {
		int err = errno;

		pc_perfev_close(fd);
		snprintf(why, len, "enabling %s: %s", what, strerror(err));
		return PC_ERR_SYS;
	}
	return PC_OK;
}

int pc_perfev_uprobe(const char *path, uint64_t offset, bool ret,
		     uint64_t ref_ctr, int *fd, char *why, size_t len)
{
	return pc_perfev_uprobe_inherit(path, offset, ret, ref_ctr, false, fd, why, len);
}

int pc_perfev_uprobe_inherit(const char *path, uint64_t offset, bool ret,
			     uint64_t ref_ctr, bool inherit, int *fd, char *why,
			     size_t len)
{
	struct perf_event_attr a;
	char what[64];
	int type, shift, r;

	*fd = -1;
	r = pc_perfev_pmu_type("uprobe", &type, why, len);
	if (r != PC_OK)
		return r;
	memset(&a, 0, sizeof(a));
	a.type = (uint32_t)type;
	if (ret) {
		r = pc_perfev_format_shift("uprobe", "retprobe", &shift, why, len);
		if (r != PC_OK)
			return r;
		a.config |= 1ull << shift;
	}
	if (ref_ctr) {
		r = pc_perfev_format_shift("uprobe", "ref_ctr_offset", &shift, why, len);
		if (r != PC_OK)
			return r;
		a.config |= ref_ctr << shift;
	}
	a.uprobe_path = (uint64_t)(uintptr_t)path;
	a.probe_offset = offset;
	a.inherit = inherit;
	snprintf(what, sizeof(what), "%s at %s:0x%llx", ret ? "uretprobe" : "uprobe",
		 path, (unsigned long long)offset);
	return open_counting(&a, what, fd, why, len);
}

int pc_perfev_kprobe(const char *func, bool inherit, int *fd, char *why,
		     size_t len)
{
	struct perf_event_attr a;
	char what[160];
	int type, r;

	*fd = -1;
	r = pc_perfev_pmu_type("kprobe", &type, why, len);
	if (r != PC_OK)
		return r;
	memset(&a, 0, sizeof(a));
	a.type = (uint32_t)type;
	a.kprobe_func = (uint64_t)(uintptr_t)func;
	a.inherit = inherit;
	snprintf(what, sizeof(what), "kprobe on %s", func);
	return open_counting(&a, what, fd, why, len);
}

int pc_perfev_tracepoint(const char *group, const char *event, bool inherit,
			 int *fd, char *why, size_t len)
{
	struct perf_event_attr a;
	const char *root = pc_tracefs(true);
	char path[512], buf[32], what[160];

	*fd = -1;
	if (!root) {
		snprintf(why, len, "tracefs is not mounted and cannot be: tracepoint ids are read from it");
		return PC_ERR_UNSUPPORTED;
	}
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", root, group, event);
	if (pc_read_file(path, buf, sizeof(buf)) != PC_OK) {
		snprintf(why, len, "no tracepoint %s:%s (%s unreadable: %s)", group, event,
			 path, errno == ENOENT ? "CONFIG_FTRACE_SYSCALLS off?" : strerror(errno));
		return errno == ENOENT ? PC_ERR_UNSUPPORTED : PC_ERR_PERM;
	}
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_TRACEPOINT;
	a.config = strtoull(buf, NULL, 10);
	a.inherit = inherit;
	snprintf(what, sizeof(what), "tracepoint %s:%s", group, event);
	return open_counting(&a, what, fd, why, len);
}

int pc_perfev_count(int fd, uint64_t *count)
{
	if (read(fd, count, sizeof(*count)) != (ssize_t)sizeof(*count))
		return PC_ERR_SYS;
	return PC_OK;
}

void pc_perfev_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}
