// SPDX-License-Identifier: MIT
/* perf_event groups from libpfm4-encoded names, read with time fields. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/perf_event.h>
#include <perfmon/pfmlib_perf_event.h>

#include "counters.h"
#include "errors.h"

const char *const pc_hw_events[] = {
	"cycles", "instructions", "branch-misses", "L1-dcache-load-misses",
	"L1-icache-load-misses", "LLC-load-misses", NULL,
};

const char *const pc_sw_events[] = {
	[PC_SW_CTXSW] = "context-switches",
	[PC_SW_MIGRATIONS] = "cpu-migrations",
	[PC_SW_PAGE_FAULTS] = "page-faults",
	[PC_SW_TASK_CLOCK] = "task-clock",
	[PC_SW_NR] = NULL,
};

static int pfm_ready;

int pc_pfm_init(char *why, size_t len)
{
	int ret;

	if (pfm_ready)
		return PC_OK;
	ret = pfm_initialize();
	if (ret != PFM_SUCCESS) {
		snprintf(why, len, "libpfm4 initialisation failed: %s",
			 pfm_strerror(ret));
		return PC_ERR_UNSUPPORTED;
	}
	pfm_ready = 1;
	return PC_OK;
}

int pc_event_encode(const char *name, struct perf_event_attr *attr,
		    char *why, size_t len)
{
	return pc_event_encode_plm(name, attr, true, why, len);
}

int pc_event_encode_plm(const char *name, struct perf_event_attr *attr,
			bool kernel, char *why, size_t len)
{
	pfm_perf_encode_arg_t arg;
	int ret;

	ret = pc_pfm_init(why, len);
	if (ret != PC_OK)
		return ret;
	memset(attr, 0, sizeof(*attr));
	memset(&arg, 0, sizeof(arg));
	arg.attr = attr;
	arg.size = sizeof(arg);
	/* PLM0 = kernel, PLM3 = user: probe costs live on both sides */
	ret = pfm_get_os_event_encoding(name, (kernel ? PFM_PLM0 : 0) | PFM_PLM3,
					PFM_OS_PERF_EVENT_EXT, &arg);
	if (ret != PFM_SUCCESS) {
		snprintf(why, len, "libpfm4 cannot encode event '%s': %s",
			 name, pfm_strerror(ret));
		return PC_ERR_INVAL;
	}
	attr->size = sizeof(*attr);
	return PC_OK;
}

static int perf_open(struct perf_event_attr *attr, int group_fd)
{
	return (int)syscall(SYS_perf_event_open, attr, 0, -1, group_fd,
			    PERF_FLAG_FD_CLOEXEC);
}

static const char *open_advice(int err)
{
	switch (err) {
	case ENOENT:
	case EOPNOTSUPP:
		return "no such PMU event on this machine (a VM without a virtual PMU?)";
	case EACCES:
	case EPERM:
		return "perf_event_paranoid forbids it: run as root or lower /proc/sys/kernel/perf_event_paranoid";
	case EINVAL:
		return "the PMU rejected the encoding";
	default:
		return "";
	}
}

void pc_group_close(struct pc_group *g)
{
	for (int i = g->nr - 1; i >= 0; i--)
		close(g->fd[i]);
	g->nr = 0;
}

int pc_group_open(struct pc_group *g, const char *const *names)
{
	return pc_group_open_plm(g, names, true);
}

/*
 * Software events are opened each on its own, not as one group: they are
 * never multiplexed, so a group buys nothing, and on 6.18 mixing
 * task-clock with the other software events in one group miscounts. Led
 * by task-clock, the members were seen to count nothing (no switch, no
 * fault) in about 1 of 30 groups opened while another process used perf,
 * hiding the very context switches that mark a pair disturbed; led by
 * context-switches, task-clock lost time whenever the thread was switched
 * out. Alone, each counts right.
 */
static bool all_software(const struct perf_event_attr *attr, int nr)
{
	for (int i = 0; i < nr; i++)
		if (attr[i].type != PERF_TYPE_SOFTWARE)
			return false;
	return true;
}

int pc_group_open_plm(struct pc_group *g, const char *const *names, bool kernel)
{
	struct perf_event_attr attr[PC_MAX_EVENTS];
	char why[200];
	int ret, nr = 0;

	memset(g, 0, sizeof(*g));
	for (; names[nr]; nr++) {
		if (nr >= PC_MAX_EVENTS) {
			snprintf(g->why, sizeof(g->why), "more than %d events in one group",
				 PC_MAX_EVENTS);
			return PC_ERR_INVAL;
		}
		ret = pc_event_encode_plm(names[nr], &attr[nr], kernel, why, sizeof(why));
		if (ret != PC_OK) {
			snprintf(g->why, sizeof(g->why), "%s", why);
			return ret;
		}
	}
	g->solo = all_software(attr, nr);
	for (int i = 0; i < nr; i++) {
		attr[i].read_format = PERF_FORMAT_TOTAL_TIME_ENABLED |
				      PERF_FORMAT_TOTAL_TIME_RUNNING |
				      (g->solo ? 0 : PERF_FORMAT_GROUP);
		attr[i].disabled = 0;
		attr[i].inherit = 0;
		g->fd[i] = perf_open(&attr[i], i && !g->solo ? g->fd[0] : -1);
		if (g->fd[i] < 0) {
			int e = errno;

			snprintf(g->why, sizeof(g->why), "%s: %s%s%s", names[i],
				 strerror(e), *open_advice(e) ? ": " : "",
				 open_advice(e));
			ret = (e == EACCES || e == EPERM) ? PC_ERR_PERM :
							    PC_ERR_UNSUPPORTED;
			goto err;
		}
		g->name[i] = names[i];
		g->nr = i + 1;
	}
	g->user_only = !kernel;
	return PC_OK;
err:
	pc_group_close(g);
	return ret;
}

/* Events opened alone: software, never multiplexed, so one event's times serve. */
static int read_solo(const struct pc_group *g, struct pc_counts *c)
{
	uint64_t buf[3];

	for (int i = 0; i < g->nr; i++) {
		if (read(g->fd[i], buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return PC_ERR_SYS;
		c->val[i] = buf[0];
		if (!i) {
			c->enabled = buf[1];
			c->running = buf[2];
		}
	}
	c->nr = g->nr;
	return PC_OK;
}

int pc_group_read(const struct pc_group *g, struct pc_counts *c)
{
	uint64_t buf[3 + PC_MAX_EVENTS];
	ssize_t want = (ssize_t)((3 + g->nr) * sizeof(uint64_t));

	memset(c, 0, sizeof(*c));
	if (!g->nr)
		return PC_ERR_INVAL;
	if (g->solo)
		return read_solo(g, c);
	if (read(g->fd[0], buf, sizeof(buf)) != want)
		return PC_ERR_SYS;
	if ((int)buf[0] != g->nr)
		return PC_ERR_VERIFY;
	c->nr = g->nr;
	c->enabled = buf[1];
	c->running = buf[2];
	for (int i = 0; i < g->nr; i++)
		c->val[i] = buf[3 + i];
	return PC_OK;
}

int pc_event_probe(const char *name, char *why, size_t len)
{
	const char *one[2] = { name, NULL };
	struct pc_group g;
	int ret;

	ret = pc_group_open(&g, one);
	if (ret != PC_OK) {
		snprintf(why, len, "%s", g.why);
		return ret;
	}
	pc_group_close(&g);
	if (len)
		why[0] = '\0';
	return PC_OK;
}
