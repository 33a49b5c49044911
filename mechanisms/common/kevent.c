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
#include "kprobe_others.h"
#include "readback.h"
#include "mech.h"
#include "perfev.h"
#include "sysinfo.h"
#include "tevent_others.h"
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

/* The instance, recording trace events of @group/@event (not functions). */
static int krec_for(struct pc_krec *k, const char *tag, const char *group,
		    const char *event, char *why, size_t len)
{
	int ret;

	k->function = false;
	ret = krec_instance(k, tag, why, len);
	if (ret != PC_OK)
		return ret;
	snprintf(k->group, sizeof(k->group), "%s", group);
	snprintf(k->event, sizeof(k->event), "%s", event);
	return PC_OK;
}

int pc_krec_event(struct pc_krec *k, const char *tag, const char *group,
		  const char *event, const char *filter, char *why, size_t len)
{
	int ret = krec_for(k, tag, group, event, why, len);

	if (ret != PC_OK)
		return ret;
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

#define KREC_HIST "hist:keys=common_pid"

int pc_krec_hist(struct pc_krec *k, const char *tag, const char *group,
		 const char *event, char *why, size_t len)
{
	char file[192];
	int ret = krec_for(k, tag, group, event, why, len);

	if (ret != PC_OK)
		return ret;
	snprintf(file, sizeof(file), "events/%s/%s/trigger", group, event);
	/* a dynamic event just defined can be missing from an instance a moment */
	for (int i = 0; i < 50; i++) {
		char path[PATH_MAX + 256];

		ret = pc_tracefs_instance_set(&k->ti, file, KREC_HIST, why, len);
		snprintf(path, sizeof(path), "%s/%s", k->ti.path, file);
		if (ret == PC_OK || access(path, F_OK) == 0)
			break;
		usleep(2000);
	}
	if (ret == PC_OK)
		k->hist = true;
	else
		k->event[0] = '\0';
	return ret;
}

int pc_krec_hist_hits(struct pc_krec *k, uint64_t *hits)
{
	char path[PATH_MAX + 256], line[512];
	int tid = (int)gettid();
	FILE *f;

	*hits = 0;
	snprintf(path, sizeof(path), "%s/events/%s/%s/hist", k->ti.path, k->group, k->event);
	f = fopen(path, "r");
	if (!f)
		return PC_ERR_SYS;
	/* "{ common_pid:       1234 } hitcount:          5" */
	while (fgets(line, sizeof(line), f)) {
		char *pid = strstr(line, "common_pid:"), *hc = strstr(line, "hitcount:");
		unsigned long long v;

		if (pid && hc && atoi(pid + 11) == tid && sscanf(hc + 9, "%llu", &v) == 1)
			*hits = v;
	}
	fclose(f);
	return PC_OK;
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
	if (k->hist) {
		char file[192];

		snprintf(file, sizeof(file), "events/%s/%s/trigger", k->group, k->event);
		ret = pc_tracefs_instance_set(&k->ti, file, "!" KREC_HIST, why, len);
		if (ret == PC_OK) {
			k->hist = false;
			k->event[0] = '\0';
		}
		return ret;
	}
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
	char dynev[64];		/* PC_KEV_DYNEVENT: its event in our group */
	bool kprobe_defined, dyn_defined;
	struct pc_tevent_others others;	/* the armed analysis's K events */
	struct pc_kprobe_others kothers;	/* or K kprobes (kprobe kind) */
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

/* "CONFIG_X is not set (/proc/config.gz)", "CONFIG_X=y (...)": the kernel's word. */
static void kconfig_says(const char *key, char *buf, size_t len)
{
	const char *v = pc_kconfig(key), *src = pc_kconfig_source();

	if (!src)
		snprintf(buf, len, "the kernel config is unreadable");
	else if (!strcmp(v, "n"))
		snprintf(buf, len, "CONFIG_%s is not set (%s)", key, src);
	else
		snprintf(buf, len, "CONFIG_%s=%s (%s)", key, v, src);
}

/* Does tracefs' README list @syntax (" f[:[<group>/]")? */
static bool readme_lists(const char *root, const char *syntax)
{
	char path[512], line[512];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/README", root);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, syntax) != NULL;
	fclose(f);
	return found;
}

/* The event our group gives @m's probe: its name, '-' as '_'. */
static void dyn_event_name(const struct pc_mech *m, char *buf, size_t len)
{
	snprintf(buf, len, "%s", m->name);
	for (char *c = buf; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')))
			*c = '_';
}

/* "e:GROUP/EVENT place args" for @m's probe on @func (getppid's, or ""). */
static void dyn_def(const struct pc_dynevent_desc *dd, const char *group, const char *event,
		    const char *func, char *buf, size_t len)
{
	snprintf(buf, len, "%c:%s/%s %s%s%s%s", dd->type, group, event,
		 dd->place ? dd->place : func, dd->suffix ? dd->suffix : "",
		 dd->args ? " " : "", dd->args ? dd->args : "");
}

/*
 * Whether this kernel takes @dd's probe type, read from the kernel: the
 * README lists fprobe and tracepoint probe syntax only where they are
 * built in; it lists the event probe's always (6.18 with
 * CONFIG_EPROBE_EVENTS off too), so that one is defined once and
 * removed again: the write is the kernel's answer.
 */
static int dyn_available(const struct pc_mech *m, const struct pc_dynevent_desc *dd,
			 const char *root, char *why, size_t len)
{
	char path[512], cfg[160], group[48], event[64], def[300], werr[256];
	int ret;

	snprintf(path, sizeof(path), "%s/dynamic_events", root);
	if (access(path, W_OK) < 0) {
		kconfig_says("DYNAMIC_EVENTS", cfg, sizeof(cfg));
		snprintf(why, len, "no %s: %s (%s)", path, strerror(errno), cfg);
		return PC_ERR_UNSUPPORTED;
	}
	kconfig_says(dd->config, cfg, sizeof(cfg));
	if (dd->readme && !readme_lists(root, dd->readme)) {
		snprintf(why, len, "this kernel has no %s: %s/README lists no '%s' definition for dynamic_events; %s",
			 dd->what, root, dd->readme + 1, cfg);
		return PC_ERR_UNSUPPORTED;
	}
	if (!dd->readme) {
		pc_tracefs_group(group, sizeof(group));
		dyn_event_name(m, event, sizeof(event));
		strncat(event, "_try", sizeof(event) - strlen(event) - 1);
		dyn_def(dd, group, event, "", def, sizeof(def));
		ret = pc_tracefs_dynevent_add("dynamic_events", def, werr, sizeof(werr));
		if (ret != PC_OK) {
			const char *kerr = strstr(werr, "(kernel: "), *err = strrchr(werr, ':');

			/* the kernel's complaint, else the errno: no parser took the line */
			snprintf(why, len, "this kernel refuses %s: writing '%c:...' to dynamic_events gives %s; %s",
				 dd->what, dd->type,
				 kerr ? kerr : err ? err + 2 : werr,
				 kerr ? cfg : "");
			if (!kerr)
				snprintf(why + strlen(why), len - strlen(why),
					 "nothing in error_log (no parser takes it); %s", cfg);
			return PC_ERR_UNSUPPORTED;
		}
		ret = pc_tracefs_dynevent_del("dynamic_events", group, event, why, len);
		if (ret != PC_OK)
			return ret;
	}
	if (!dd->place) {
		char func[128];

		return pc_kevent_getppid_func(true, func, sizeof(func), why, len);
	}
	return PC_OK;
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
	case PC_KEV_DYNEVENT:
		return dyn_available(m, d->dyn, root, why, len);
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
	if (d->kind == PC_KEV_DYNEVENT) {
		dyn_event_name(in->mech, p->dynev, sizeof(p->dynev));
		if (d->dyn->place)
			return PC_OK;
		return pc_kevent_getppid_func(true, p->func, sizeof(p->func), in->why,
					      sizeof(in->why));
	}
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

/* Narrow p->fd's count to @filter, from zero; closes it and fails with @err if refused. */
static int perf_filter(struct kev_priv *p, const char *filter, const char *event, int err,
		       char *why, size_t len)
{
	ioctl(p->fd, PERF_EVENT_IOC_DISABLE, 0);
	if (ioctl(p->fd, PERF_EVENT_IOC_SET_FILTER, filter) < 0) {
		snprintf(why, len, "perf %s filter '%s': %s", event, filter, strerror(errno));
		pc_perfev_close(&p->fd);
		return err;
	}
	ioctl(p->fd, PERF_EVENT_IOC_RESET, 0);
	ioctl(p->fd, PERF_EVENT_IOC_ENABLE, 0);
	return PC_OK;
}

/* perf's ftrace:function event, narrowed to one function by a filter. */
static int ftrace_count(struct kev_priv *p, bool inherit, char *why, size_t len)
{
	char filter[160];
	int ret = pc_perfev_tracepoint("ftrace", "function", inherit, &p->fd, why, len);

	if (ret != PC_OK)
		return ret;
	snprintf(filter, sizeof(filter), "ip == %s", p->func);
	return perf_filter(p, filter, "ftrace:function", PC_ERR_UNSUPPORTED, why, len);
}

/* The kprobe event's name in our group: getppid's, or a user's point. */
static const char *kprobe_event(const struct pc_kevent_desc *d)
{
	return d->func ? "point" : "getppid";
}

/* Our kprobe event's hit count, from kprobe_profile (by name, without its group). */
static int kprobe_nhit(const struct pc_kevent_desc *d, uint64_t *nhit, char *why, size_t len)
{
	return pc_tracefs_profile_hits("kprobe_profile", 0, kprobe_event(d), nhit, why, len);
}

/* Add @def to @file; @defined says so for disarm. */
static int define_in(const char *file, const char *def, bool *defined, char *why, size_t len)
{
	int ret = pc_tracefs_dynevent_add(file, def, why, len);

	if (ret == PC_OK)
		*defined = true;
	return ret;
}

static int kprobe_define(const struct pc_kevent_desc *d, struct kev_priv *p, char *why,
			 size_t len)
{
	char def[300];

	snprintf(def, sizeof(def), "p:%s/%s %s", p->group, kprobe_event(d), p->func);
	return define_in("kprobe_events", def, &p->kprobe_defined, why, len);
}

static int dyn_define(const struct pc_kevent_desc *d, struct kev_priv *p, char *why,
		      size_t len)
{
	char def[300];

	dyn_def(d->dyn, p->group, p->dynev, p->func, def, sizeof(def));
	return define_in("dynamic_events", def, &p->dyn_defined, why, len);
}

/* A counting perf event on the probe's own event, narrowed by its filter. */
static int dyn_perf_count(const struct pc_kevent_desc *d, struct kev_priv *p, char *why,
			  size_t len)
{
	int ret = pc_perfev_tracepoint(p->group, p->dynev, d->follow, &p->fd, why, len);

	if (ret != PC_OK || !d->dyn->filter)
		return ret;
	return perf_filter(p, d->dyn->filter, p->dynev, PC_ERR_SYS, why, len);
}

static int dyn_arm(const struct pc_kevent_desc *d, struct kev_priv *p, enum pc_state st,
		   char *why, size_t len)
{
	char hist[600];
	int ret = dyn_define(d, p, why, len);

	if (ret != PC_OK || st == PC_DISABLED)
		return ret;
	if (st == PC_RECORDING)
		return pc_krec_event(&p->rec, p->tag, p->group, p->dynev, d->dyn->filter,
				     why, len);
	if (!d->dyn->hist)
		return dyn_perf_count(d, p, why, len);
	ret = pc_krec_hist(&p->rec, p->tag, p->group, p->dynev, why, len);
	snprintf(hist, sizeof(hist), "%s/events/%s/%s/hist", p->rec.ti.path, p->group,
		 p->dynev);
	if (ret != PC_OK && p->rec.ti.path[0] && access(hist, F_OK) < 0) {
		char cfg[160];

		kconfig_says("HIST_TRIGGERS", cfg, sizeof(cfg));
		snprintf(why, len, "no hist trigger to count the %.40s (no %.40s/hist; perf gets nothing from one): %.60s",
			 d->dyn->what, p->dynev, cfg);
		return PC_ERR_UNSUPPORTED;
	}
	if (ret == PC_OK)
		ret = pc_krec_hist_hits(&p->rec, &p->last);
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
	if (d->kind == PC_KEV_DYNEVENT && st != PC_ABSENT) {
		if (st == PC_FILTERED)
			return pc_inst_fail(in, PC_ERR_UNSUPPORTED, "%s has no filtered state",
					    in->mech->name);
		return dyn_arm(d, p, st, why, len);
	}
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
		if (d->kind == PC_KEV_TRACEPOINT) {
			ret = pc_krec_event(&p->rec, p->tag, d->group, d->event,
					    PC_KEVENT_REJECT, why, len);
			break;
		}
		if (d->kind != PC_KEV_KPROBE)
			return pc_inst_fail(in, PC_ERR_UNSUPPORTED, "%s has no filtered state",
					    in->mech->name);
		/* a kprobe event, armed, its filter rejecting all; kprobe_profile counts its runs */
		ret = kprobe_define(d, p, why, len);
		if (ret == PC_OK)
			ret = pc_krec_event(&p->rec, p->tag, p->group, kprobe_event(d),
					    PC_KEVENT_REJECT, why, len);
		if (ret == PC_OK)
			ret = kprobe_nhit(d, &p->last, why, len);
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
	if (p->dyn_defined) {
		int r = pc_tracefs_dynevent_del("dynamic_events", p->group, p->dynev, in->why,
						sizeof(in->why));

		if (r == PC_OK)
			p->dyn_defined = false;
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
		if (p->rec.hist) {
			if (pc_krec_hist_hits(&p->rec, &now) != PC_OK)
				return pc_inst_fail(in, PC_ERR_SYS, "%s: reading the hist trigger's count failed",
						    in->mech->name);
			out->hits = now - p->last;
			p->last = now;
			break;
		}
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
		if (desc_of(in->mech)->kind == PC_KEV_KPROBE) {
			/* the probe ran, its filter dropped it: kprobe_profile's count moved */
			if (kprobe_nhit(desc_of(in->mech), &now, in->why, sizeof(in->why)) != PC_OK)
				return PC_ERR_SYS;
			out->hits = now - p->last;
			p->last = now;
			break;
		}
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

/*
 * The definition read back from dynamic_events without our group
 * ("e:eprobe_syscall syscalls.sys_enter_getppid"), after what consumes
 * it: "defined", "perf-count", "hist-count" (the trigger read back from
 * the instance), "instance-ring"; and the filter in force, read back.
 */
static int dyn_variant(const struct pc_kevent_desc *d, struct kev_priv *p, char *buf,
		       size_t len)
{
	char line[400], file[192], got[128];
	const char *def = line;
	size_t n;

	if (p->state == PC_ABSENT) {
		snprintf(buf, len, "nothing-defined");
		return PC_OK;
	}
	pc_tracefs_dynevent_line("dynamic_events", p->group, p->dynev, line, sizeof(line));
	n = strlen(p->group);
	/* "e:probecost_123/x ..." -> "e:x ..." */
	if (!strncmp(line + 2, p->group, n) && line[2 + n] == '/')
		memmove(line + 2, line + 3 + n, strlen(line + 3 + n) + 1);
	switch (p->state) {
	case PC_DISABLED:
		snprintf(buf, len, "defined:%s", def);
		break;
	case PC_ENABLED:
		if (p->rec.hist) {
			snprintf(file, sizeof(file), "events/%s/%s/trigger", p->group, p->dynev);
			pc_tracefs_instance_get(&p->rec.ti, file, got, sizeof(got));
			got[strcspn(got, " ")] = '\0';
			snprintf(buf, len, "hist-count(%s):%s", got, def);
		} else {
			snprintf(buf, len, "perf-count:%s", def);
		}
		break;
	default:
		snprintf(buf, len, "instance-ring:%s", def);
		break;
	}
	if (d->dyn->filter && p->state == PC_RECORDING) {
		snprintf(file, sizeof(file), "events/%s/%s/filter", p->group, p->dynev);
		pc_tracefs_instance_get(&p->rec.ti, file, got, sizeof(got));
		snprintf(buf + strlen(buf), len - strlen(buf), ":filter %s", got);
	} else if (d->dyn->filter && p->state == PC_ENABLED && !p->rec.hist) {
		snprintf(buf + strlen(buf), len - strlen(buf), ":perf-filter %s", d->dyn->filter);
	}
	return PC_OK;
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

	if (d->kind == PC_KEV_DYNEVENT)
		return dyn_variant(d, p, buf, len);
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

		/* the event the instance records, whichever kind defined it */
		snprintf(file, sizeof(file), "events/%s/%s/filter", p->rec.group, p->rec.event);
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

/*
 * Others: K other syscall events armed (tevent_others.h) for a syscall
 * tracepoint, K kprobes on probecost.ko's never-run sled (kprobe_others.h)
 * for a kprobe; the other kinds have no such set of never-run neighbours
 * here.
 */
int pc_kevent_others(struct pc_inst *in, unsigned int k, char *what, size_t len)
{
	const struct pc_kevent_desc *d = desc_of(in->mech);
	struct kev_priv *p = in->priv;

	if (d->kind == PC_KEV_KPROBE)
		return pc_kprobe_others_set(&p->kothers, k, what, len, in->why,
					    sizeof(in->why));
	if (d->kind != PC_KEV_TRACEPOINT || strcmp(d->group, "syscalls") ||
	    strncmp(d->event, "sys_enter_", 10))
		return pc_inst_fail(in, PC_ERR_UNSUPPORTED,
				    "%s: other probes of its kind are armed only for a syscall tracepoint or a kprobe",
				    in->mech->name);
	return pc_tevent_others_set(&p->others, d->event + 10, k, what, len, in->why,
				    sizeof(in->why));
}

void pc_kevent_teardown(struct pc_inst *in)
{
	struct kev_priv *p = in->priv;

	if (p) {
		char what[8];

		pc_tevent_others_set(&p->others, "", 0, what, sizeof(what), in->why,
				     sizeof(in->why));
		pc_kprobe_others_set(&p->kothers, 0, what, sizeof(what), in->why,
				     sizeof(in->why));
		pc_kevent_disarm(in);
		pc_krec_fini(&p->rec);
		free(p);
		in->priv = NULL;
	}
	pc_probe_unlock();
}
