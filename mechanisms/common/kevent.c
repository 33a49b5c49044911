// SPDX-License-Identifier: MIT
/* getppid() sites and thread-filtered kernel recording (see kevent.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/perf_event.h>

#include "errors.h"
#include "kevent.h"
#include "readback.h"
#include "mech.h"
#include "perfev.h"
#include "sysinfo.h"
#include "uprobe_attach.h"

#define KREC_BUFFER_KB 4096

void pc_getppid(void)
{
#if defined(__x86_64__)
	long ret;

	__asm__ __volatile__("syscall" : "=a"(ret) : "0"((long)SYS_getppid)
			     : "rcx", "r11", "memory");
	(void)ret;
#else
	syscall(SYS_getppid);
#endif
}

static const char *const getppid_names[] = {
	"__x64_sys_getppid", "__arm64_sys_getppid", "__do_sys_getppid",
	"sys_getppid", NULL,
};

/* Does @path list one of getppid_names as a word of a line? */
static int find_in(const char *path, int field, char *func, size_t flen)
{
	char line[512], w[3][256];
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	for (int i = 0; getppid_names[i]; i++) {
		rewind(f);
		while (fgets(line, sizeof(line), f)) {
			int n = sscanf(line, "%255s %255s %255s", w[0], w[1], w[2]);

			if (n > field && !strcmp(w[field], getppid_names[i])) {
				snprintf(func, flen, "%s", getppid_names[i]);
				fclose(f);
				return 0;
			}
		}
	}
	fclose(f);
	return -ENOENT;
}

int pc_kevent_getppid_func(bool ftrace, char *func, size_t flen, char *why,
			   size_t len)
{
	const char *root = pc_tracefs(true);
	char path[512], lock[64];
	int r;

	if (!ftrace) {
		r = find_in("/proc/kallsyms", 2, func, flen);
		if (r == 0)
			return PC_OK;
		snprintf(why, len, "no getppid entry function in /proc/kallsyms (%s)",
			 strerror(-r));
		return PC_ERR_UNSUPPORTED;
	}
	if (!root) {
		snprintf(why, len, "tracefs is not mounted and cannot be mounted");
		return PC_ERR_UNSUPPORTED;
	}
	snprintf(path, sizeof(path), "%s/available_filter_functions", root);
	r = find_in(path, 0, func, flen);
	if (r == 0)
		return PC_OK;
	pc_lockdown(lock, sizeof(lock));
	if (r == -ENOENT && access(path, F_OK) < 0)
		snprintf(why, len, "%s missing: CONFIG_DYNAMIC_FTRACE is off", path);
	else if ((r == -EPERM || r == -EACCES) && !strcmp(lock, "confidentiality"))
		snprintf(why, len, "kernel lockdown=confidentiality forbids ftrace (open %s: %s)",
			 path, strerror(-r));
	else if (r == -EPERM || r == -EACCES)
		snprintf(why, len, "the kernel refuses the function tracer: open %s: %s (not lockdown, which is '%s': a security policy of this kernel)",
			 path, strerror(-r), lock);
	else
		snprintf(why, len, "getppid's entry function is not traceable (%s: %s)",
			 path, strerror(-r));
	return PC_ERR_UNSUPPORTED;
}

static int krec_instance(struct pc_krec *k, const char *tag, char *why,
			 size_t len)
{
	char tid[32];
	int ret = PC_OK;

	if (!k->ti.path[0])
		ret = pc_tracefs_instance_create(&k->ti, tag, KREC_BUFFER_KB, why, len);
	if (ret != PC_OK)
		return ret;
	snprintf(tid, sizeof(tid), "%d", (int)gettid());
	ret = pc_tracefs_instance_set(&k->ti, k->function ? "set_ftrace_pid" : "set_event_pid",
				      tid, why, len);
	/* the instance's own option: what the thread forks joins the pid list */
	if (ret == PC_OK && !k->function)
		ret = pc_tracefs_instance_set(&k->ti, "options/event-fork", k->follow ? "1" : "0",
					      why, len);
	/* the function tracer's: only when asked, so older runs write nothing new */
	if (ret == PC_OK && k->function && k->follow)
		ret = pc_tracefs_instance_set(&k->ti, "options/function-fork", "1", why, len);
	return ret;
}

static int krec_start(struct pc_krec *k)
{
	uint64_t lost;
	int ret = pc_tracefs_instance_written(&k->ti, &k->last, &lost);

	k->last_lost = lost;
	return ret;
}

/* Write @val to the event's filter file in the instance ("0" clears it). */
static int krec_filter(struct pc_krec *k, const char *group, const char *event,
		       const char *val, char *why, size_t len)
{
	char file[192];

	snprintf(file, sizeof(file), "events/%s/%s/filter", group, event);
	return pc_tracefs_instance_set(&k->ti, file, val, why, len);
}

int pc_krec_event(struct pc_krec *k, const char *tag, const char *group,
		  const char *event, const char *filter, char *why, size_t len)
{
	int ret;

	k->function = false;
	ret = krec_instance(k, tag, why, len);
	if (ret != PC_OK)
		return ret;
	snprintf(k->group, sizeof(k->group), "%s", group);
	snprintf(k->event, sizeof(k->event), "%s", event);
	if (filter) {
		k->filtered = true;
		ret = krec_filter(k, group, event, filter, why, len);
		if (ret != PC_OK)
			return ret;
	}
	ret = pc_tracefs_instance_event(&k->ti, group, event, true, why, len);
	if (ret != PC_OK)
		return ret;
	return krec_start(k);
}

int pc_krec_function(struct pc_krec *k, const char *tag, const char *func,
		     char *why, size_t len)
{
	int ret;

	k->function = true;
	ret = krec_instance(k, tag, why, len);
	if (ret == PC_OK)
		ret = pc_tracefs_instance_set(&k->ti, "set_ftrace_filter", func, why, len);
	if (ret == PC_OK)
		ret = pc_tracefs_instance_set(&k->ti, "current_tracer", "function", why, len);
	if (ret != PC_OK)
		return ret;
	return krec_start(k);
}

int pc_krec_hits(struct pc_krec *k, uint64_t *hits, uint64_t *lost)
{
	uint64_t now, now_lost;
	int ret = pc_tracefs_instance_written(&k->ti, &now, &now_lost);

	if (ret != PC_OK)
		return ret;
	*hits = now - k->last;
	*lost = now_lost - k->last_lost;
	k->last = now;
	k->last_lost = now_lost;
	return PC_OK;
}

int pc_krec_off(struct pc_krec *k, char *why, size_t len)
{
	int ret = PC_OK;

	if (!k->ti.path[0])
		return PC_OK;
	if (k->event[0]) {
		ret = pc_tracefs_instance_event(&k->ti, k->group, k->event, false, why, len);
		/* the instance outlives the state: no filter may carry over */
		if (k->filtered && krec_filter(k, k->group, k->event, "0", why, len) == PC_OK)
			k->filtered = false;
		if (ret == PC_OK && !k->filtered)
			k->event[0] = '\0';
	}
	if (k->function) {
		ret = pc_tracefs_instance_set(&k->ti, "current_tracer", "nop", why, len);
		pc_tracefs_instance_set(&k->ti, "set_ftrace_filter", "", why, len);
		if (k->follow)
			pc_tracefs_instance_set(&k->ti, "options/function-fork", "0", why, len);
		if (ret == PC_OK)
			k->function = false;
	}
	return ret;
}

void pc_krec_fini(struct pc_krec *k)
{
	char why[256];

	pc_krec_off(k, why, sizeof(why));
	pc_tracefs_instance_remove(&k->ti);
}

/* ---- the shared mechanism ops ---- */

struct kev_priv {
	enum pc_state state;
	char func[128];		/* the kprobe's function (getppid's entry) */
	char group[48];		/* kprobe event group, probecost_<pid> */
	char tag[64];		/* the instance's tag: the name, [a-z0-9-] */
	bool kprobe_defined;
	int fd;
	uint64_t last;
	struct pc_krec rec;
};

static const struct pc_kevent_desc *desc_of(const struct pc_mech *m)
{
	return m->data;
}

static int need_root(const struct pc_mech *m, char *why, size_t len)
{
	if (pc_is_root())
		return PC_OK;
	snprintf(why, len, "%s needs root: tracefs and kernel probes are root-only", m->name);
	return PC_ERR_UNSUPPORTED;
}

int pc_kevent_available(const struct pc_mech *m, char *why, size_t len)
{
	const struct pc_kevent_desc *d = desc_of(m);
	const char *root;
	char func[128], path[512];
	int type, ret;

	ret = need_root(m, why, len);
	if (ret == PC_OK)
		ret = pc_tracefs_root(&root, why, len) == PC_OK ? PC_OK : PC_ERR_UNSUPPORTED;
	if (ret != PC_OK)
		return ret;
	switch (d->kind) {
	case PC_KEV_TRACEPOINT:
		snprintf(path, sizeof(path), "%s/events/%s/%s/id", root, d->group, d->event);
		if (access(path, R_OK) < 0) {
			snprintf(why, len, "no tracepoint %s:%s (%s: %s; CONFIG_FTRACE_SYSCALLS off?)",
				 d->group, d->event, path, strerror(errno));
			return PC_ERR_UNSUPPORTED;
		}
		return PC_OK;
	case PC_KEV_FUNCTION:
		return pc_kevent_getppid_func(true, func, sizeof(func), why, len);
	case PC_KEV_KPROBE:
		if (pc_perfev_pmu_type("kprobe", &type, why, len) != PC_OK) {
			snprintf(why, len, "no kprobe PMU: CONFIG_KPROBES is %s in this kernel (%s)",
				 !strcmp(pc_kconfig("KPROBES"), "n") ? "off" : pc_kconfig("KPROBES"),
				 pc_kconfig_source() ? pc_kconfig_source() : "config unreadable");
			return PC_ERR_UNSUPPORTED;
		}
		return pc_kevent_getppid_func(false, func, sizeof(func), why, len);
	}
	return PC_ERR_INVAL;
}

static int kevent_setup_locked(struct pc_inst *in)
{
	const struct pc_kevent_desc *d = desc_of(in->mech);
	struct kev_priv *p = calloc(1, sizeof(*p));

	if (!p)
		return PC_ERR_NOMEM;
	in->priv = p;
	p->fd = -1;
	p->rec.follow = d->follow;
	pc_tracefs_group(p->group, sizeof(p->group));
	/* a run-time entry's name ("probe:tracepoint:sched:sched_switch") as a tag */
	snprintf(p->tag, sizeof(p->tag), "%s", in->mech->name);
	for (char *c = p->tag; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')))
			*c = '-';
	if (d->kind == PC_KEV_TRACEPOINT)
		return PC_OK;
	if (d->kind == PC_KEV_KPROBE && d->func) {
		snprintf(p->func, sizeof(p->func), "%s", d->func);
		return PC_OK;
	}
	return pc_kevent_getppid_func(d->kind == PC_KEV_FUNCTION, p->func, sizeof(p->func),
				      in->why, sizeof(in->why));
}

int pc_kevent_setup(struct pc_inst *in)
{
	int ret = pc_probe_lock(in->why, sizeof(in->why));

	if (ret != PC_OK)
		return ret;
	ret = kevent_setup_locked(in);
	if (ret != PC_OK)
		pc_kevent_teardown(in);	/* the engine skips teardown after a failed setup */
	return ret;
}

/* perf's ftrace:function event, narrowed to one function by a filter. */
static int ftrace_count(struct kev_priv *p, bool inherit, char *why, size_t len)
{
	char filter[160];
	int ret = pc_perfev_tracepoint("ftrace", "function", inherit, &p->fd, why, len);

	if (ret != PC_OK)
		return ret;
	snprintf(filter, sizeof(filter), "ip == %s", p->func);
	ioctl(p->fd, PERF_EVENT_IOC_DISABLE, 0);
	if (ioctl(p->fd, PERF_EVENT_IOC_SET_FILTER, filter) < 0) {
		snprintf(why, len, "perf ftrace:function filter '%s': %s", filter, strerror(errno));
		pc_perfev_close(&p->fd);
		return PC_ERR_UNSUPPORTED;
	}
	ioctl(p->fd, PERF_EVENT_IOC_RESET, 0);
	ioctl(p->fd, PERF_EVENT_IOC_ENABLE, 0);
	return PC_OK;
}

/* The kprobe event's name in our group: getppid's, or a user's point. */
static const char *kprobe_event(const struct pc_kevent_desc *d)
{
	return d->func ? "point" : "getppid";
}

static int kprobe_define(const struct pc_kevent_desc *d, struct kev_priv *p, char *why,
			 size_t len)
{
	char def[300];
	int ret;

	snprintf(def, sizeof(def), "p:%s/%s %s", p->group, kprobe_event(d), p->func);
	ret = pc_tracefs_dynevent_add("kprobe_events", def, why, len);
	if (ret == PC_OK)
		p->kprobe_defined = true;
	return ret;
}

int pc_kevent_arm(struct pc_inst *in, enum pc_state st)
{
	const struct pc_kevent_desc *d = desc_of(in->mech);
	struct kev_priv *p = in->priv;
	char *why = in->why;
	size_t len = sizeof(in->why);
	/* the workload's tasks, or the scaling analysis's threads (opts->threads) */
	bool follow = d->follow || in->opts->threads;
	int ret = PC_OK;

	p->state = st;
	p->last = 0;
	p->rec.follow = follow;
	switch (st) {
	case PC_ABSENT:
		break;
	case PC_DISABLED:
		if (d->kind == PC_KEV_KPROBE)
			ret = kprobe_define(d, p, why, len);
		break;
	case PC_ENABLED:
		if (d->kind == PC_KEV_TRACEPOINT)
			ret = pc_perfev_tracepoint(d->group, d->event, follow, &p->fd, why, len);
		else if (d->kind == PC_KEV_FUNCTION)
			ret = ftrace_count(p, follow, why, len);
		else
			ret = pc_perfev_kprobe(p->func, follow, &p->fd, why, len);
		break;
	case PC_RECORDING:
		if (d->kind == PC_KEV_TRACEPOINT) {
			ret = pc_krec_event(&p->rec, p->tag, d->group, d->event, NULL,
					    why, len);
		} else if (d->kind == PC_KEV_FUNCTION) {
			ret = pc_krec_function(&p->rec, p->tag, p->func, why, len);
		} else {
			ret = kprobe_define(d, p, why, len);
			if (ret == PC_OK)
				ret = pc_krec_event(&p->rec, p->tag, p->group, kprobe_event(d),
						    NULL, why, len);
		}
		break;
	case PC_FILTERED:
		if (d->kind != PC_KEV_TRACEPOINT)
			return pc_inst_fail(in, PC_ERR_UNSUPPORTED, "%s has no filtered state",
					    in->mech->name);
		ret = pc_krec_event(&p->rec, p->tag, d->group, d->event,
				    PC_KEVENT_REJECT, why, len);
		break;
	default:
		ret = PC_ERR_INVAL;
	}
	return ret;
}

int pc_kevent_disarm(struct pc_inst *in)
{
	struct kev_priv *p = in->priv;
	int ret;

	pc_perfev_close(&p->fd);
	ret = pc_krec_off(&p->rec, in->why, sizeof(in->why));
	if (p->kprobe_defined) {
		int r = pc_tracefs_dynevent_del("kprobe_events", p->group,
						kprobe_event(desc_of(in->mech)), in->why,
						sizeof(in->why));

		if (r == PC_OK)
			p->kprobe_defined = false;
		else if (ret == PC_OK)
			ret = r;
	}
	p->state = PC_ABSENT;
	return ret;
}

int pc_kevent_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out)
{
	const struct pc_kevent_desc *d = desc_of(in->mech);
	struct kev_priv *p = in->priv;

	(void)out;
	if (p->state == PC_ABSENT)
		d->loop_absent(n);
	else
		d->loop(n);
	return PC_OK;
}

int pc_kevent_count(struct pc_inst *in, struct pc_fire *out)
{
	struct kev_priv *p = in->priv;
	uint64_t now;

	switch (p->state) {
	case PC_ENABLED:
		if (pc_perfev_count(p->fd, &now) != PC_OK)
			return pc_inst_fail(in, PC_ERR_SYS, "%s: reading the perf count failed",
					    in->mech->name);
		out->hits = now - p->last;
		p->last = now;
		break;
	case PC_RECORDING:
		if (pc_krec_hits(&p->rec, &out->hits, &out->lost) != PC_OK)
			return pc_inst_fail(in, PC_ERR_SYS, "%s: reading the instance stats failed",
					    in->mech->name);
		break;
	case PC_FILTERED:
		if (pc_krec_hits(&p->rec, &now, &out->lost) != PC_OK)
			return pc_inst_fail(in, PC_ERR_SYS, "%s: reading the instance stats failed",
					    in->mech->name);
		if (now)
			return pc_inst_fail(in, PC_ERR_VERIFY, "%s: the filter '%s' let %llu events through",
					    in->mech->name, PC_KEVENT_REJECT,
					    (unsigned long long)now);
		/* a tracepoint event keeps no count of the times it ran */
		out->hits = PC_HITS_UNKNOWN;
		break;
	default:
		out->hits = 0;	/* nothing attached that could count */
		break;
	}
	return PC_OK;
}

/*
 * Append what the kernel patched at @func, read back: how a kprobe was
 * placed (int3, optimized, ftrace) or how the ftrace call site calls out
 * (trampoline or list function); "unread" where the list cannot be read.
 */
static void patched_as(enum pc_kevent_kind kind, const char *func, char *buf, size_t len)
{
	char mode[64];
	size_t n = strlen(buf);
	int ret = kind == PC_KEV_KPROBE ? pc_kprobe_list_variant(func, mode, sizeof(mode)) :
					   pc_ftrace_callsite(func, mode, sizeof(mode));

	if (ret != PC_OK)
		snprintf(mode, sizeof(mode), "unread");
	if (n < len)
		snprintf(buf + n, len - n, ":%s", mode);
}

int pc_kevent_variant(struct pc_inst *in, char *buf, size_t len)
{
	static const char *const off[] = {
		[PC_KEV_TRACEPOINT] = "static-key-off",
		[PC_KEV_FUNCTION] = "fentry-nop",
		[PC_KEV_KPROBE] = "no-kprobe",
	};
	const struct pc_kevent_desc *d = desc_of(in->mech);
	struct kev_priv *p = in->priv;
	const char *what = d->kind == PC_KEV_TRACEPOINT ? d->event : p->func;

	switch (p->state) {
	case PC_ABSENT:
		snprintf(buf, len, "%s%s", off[d->kind],
			 d->kind == PC_KEV_KPROBE ? "" : "(=disabled)");
		break;
	case PC_DISABLED:
		snprintf(buf, len, "%s", d->kind == PC_KEV_KPROBE ? "defined-not-armed" : off[d->kind]);
		break;
	case PC_ENABLED:
		snprintf(buf, len, "perf-count:%s", what);
		break;
	case PC_FILTERED: {
		char file[192], filter[96];

		snprintf(file, sizeof(file), "events/%s/%s/filter", d->group, d->event);
		pc_tracefs_instance_get(&p->rec.ti, file, filter, sizeof(filter));
		snprintf(buf, len, "instance-ring:%s:filter %s", what, filter);
		break;
	}
	default:
		snprintf(buf, len, "instance-ring:%s", what);
		if (p->rec.follow) {
			const char *opt = p->rec.function ? "function-fork" : "event-fork";
			char file[32], fork[16];

			/* read back: does the instance follow the forks? */
			snprintf(file, sizeof(file), "options/%s", opt);
			pc_tracefs_instance_get(&p->rec.ti, file, fork, sizeof(fork));
			snprintf(buf + strlen(buf), len - strlen(buf), ":%s=%s", opt, fork);
		}
		break;
	}
	if (p->rec.follow && p->state == PC_ENABLED)
		snprintf(buf + strlen(buf), len - strlen(buf), ":inherit");
	if (d->kind != PC_KEV_TRACEPOINT && (p->state == PC_ENABLED || p->state == PC_RECORDING))
		patched_as(d->kind, what, buf, len);
	return PC_OK;
}

void pc_kevent_teardown(struct pc_inst *in)
{
	struct kev_priv *p = in->priv;

	if (p) {
		pc_kevent_disarm(in);
		pc_krec_fini(&p->rec);
		free(p);
		in->priv = NULL;
	}
	pc_probe_unlock();
}
