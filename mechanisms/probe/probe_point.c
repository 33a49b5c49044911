// SPDX-License-Identifier: MIT
/* A user-chosen probe point as a run-time registry entry (see probe_point.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "kevent.h"
#include "mech.h"
#include "probe_point.h"
#include "probe_workload.h"
#include "sysinfo.h"
#include "uprobe_attach.h"

/* The one run-time entry: its strings, its kevent desc, its workload. */
static struct {
	struct pc_kevent_desc kev;	/* first: the entry's .data */
	struct pc_probe_work work;
	char name[192], summary[320], group[64], event[64], func[128], cmd[1024];
	struct pc_mech mech;
} pt;

static int point_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out)
{
	(void)out;	/* hits: the kevent count op, after the timed region */
	return pc_probe_work_run(&pt.work, n, in->why, sizeof(in->why));
}

/*
 * kevent's verdict; for a kprobe this kernel cannot have, the reason
 * says where run measures it instead (the guest, cmd_run.c) or, with
 * --no-vm, that it could have.
 */
static int point_available(const struct pc_mech *m, char *why, size_t len)
{
	int ret = pc_kevent_available(m, why, len);
	size_t n = strlen(why);

	if (ret == PC_ERR_UNSUPPORTED && pt.kev.kind == PC_KEV_KPROBE && n < len)
		snprintf(why + n, len - n, "; without --no-vm, probecost run measures the point in its QEMU guest, whose Debian kernel has kprobes");
	return ret;
}

/* [A-Za-z0-9_] (and '.' for a function: foo.isra.0), at least one. */
static int ident_ok(const char *s, int dots)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || (dots && *s == '.')))
			return 0;
	return 1;
}

/* Is @func a text symbol of this kernel (/proc/kallsyms)? -errno if unread. */
static int kallsyms_has(const char *func)
{
	char line[512], type, name[256];
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %c %255s", &type, name) == 2 &&
		    (type == 't' || type == 'T') && !strcmp(name, func)) {
			fclose(f);
			return 1;
		}
	fclose(f);
	return 0;
}

static int check_tracepoint(char *why, size_t len)
{
	const char *root = pc_tracefs(true);
	char path[512];

	/* without tracefs (not root) the entry says unsupported, and why */
	if (!root || access(root, R_OK | X_OK) < 0)
		return PC_OK;
	snprintf(path, sizeof(path), "%s/events/%s", root, pt.group);
	if (access(path, F_OK) < 0) {
		snprintf(why, len, "no tracepoint system '%s' in this kernel (%s missing); the points are listed in %s/available_events",
			 pt.group, path, root);
		return PC_ERR_USAGE;
	}
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", root, pt.group, pt.event);
	if (access(path, F_OK) < 0) {
		snprintf(why, len, "no tracepoint %s:%s in this kernel (%s missing); list the system's with ls %s/events/%s",
			 pt.group, pt.event, path, root, pt.group);
		return PC_ERR_USAGE;
	}
	return PC_OK;
}

static int check_kprobe(char *why, size_t len)
{
	int r;

	/*
	 * Without kprobes here the point is measured in the guest, whose
	 * kernel is another: its probecost checks the name against its own
	 * kallsyms (a refusal there is the rows' reason), not this one's.
	 */
	if (access("/sys/bus/event_source/devices/kprobe", F_OK) != 0)
		return PC_OK;
	r = kallsyms_has(pt.func);

	if (r == 0) {
		snprintf(why, len, "no function '%s' in this kernel's /proc/kallsyms: a kprobe needs a kernel text symbol (grep ' [tT] ' /proc/kallsyms)",
			 pt.func);
		return PC_ERR_USAGE;
	}
	return PC_OK;	/* unreadable: the arm will say */
}

static int parse(const char *spec, char *why, size_t len)
{
	const char *rest;

	pt.group[0] = pt.event[0] = pt.func[0] = '\0';
	if (!strncmp(spec, "tracepoint:", 11)) {
		const char *colon;

		rest = spec + 11;
		colon = strchr(rest, ':');
		if (!colon || (size_t)(colon - rest) >= sizeof(pt.group) ||
		    strlen(colon + 1) >= sizeof(pt.event))
			goto bad;
		snprintf(pt.group, sizeof(pt.group), "%.*s", (int)(colon - rest), rest);
		snprintf(pt.event, sizeof(pt.event), "%s", colon + 1);
		if (!ident_ok(pt.group, 0) || !ident_ok(pt.event, 0))
			goto bad;
		return PC_OK;
	}
	if (!strncmp(spec, "kprobe:", 7)) {
		rest = spec + 7;
		if (strlen(rest) >= sizeof(pt.func) || !ident_ok(rest, 1))
			goto bad;
		snprintf(pt.func, sizeof(pt.func), "%s", rest);
		return PC_OK;
	}
bad:
	snprintf(why, len, "'%s' is not a probe point: give tracepoint:SYSTEM:EVENT (e.g. tracepoint:sched:sched_switch) or kprobe:FUNCTION (e.g. kprobe:__x64_sys_getppid)",
		 spec);
	return PC_ERR_USAGE;
}

int pc_probe_point_is_kprobe(const char *spec)
{
	return !strncmp(spec, "kprobe:", 7);
}

int pc_probe_point(const char *spec, const char *trigger, const struct pc_mech **m,
		   char *why, size_t len)
{
	bool kp = pc_probe_point_is_kprobe(spec);
	int ret = parse(spec, why, len);

	if (ret == PC_OK)
		ret = kp ? check_kprobe(why, len) : check_tracepoint(why, len);
	if (ret != PC_OK)
		return ret;
	if (trigger) {
		if (!*trigger) {
			snprintf(why, len, "--trigger: an empty command");
			return PC_ERR_USAGE;
		}
		snprintf(pt.cmd, sizeof(pt.cmd), "%s", trigger);
		pc_probe_work_trigger(pt.cmd, &pt.work);
	} else if (pc_probe_work_builtin(kp ? NULL : pt.group, kp ? NULL : pt.event,
					 kp ? pt.func : NULL, &pt.work) != PC_OK) {
		snprintf(why, len, "no built-in workload fires %s: give --trigger 'CMD', a command that does (built in: %s)",
			 spec, pc_probe_work_builtins());
		return PC_ERR_USAGE;
	}
	pt.kev = (struct pc_kevent_desc){
		.kind = kp ? PC_KEV_KPROBE : PC_KEV_TRACEPOINT,
		.group = pt.group,
		.event = pt.event,
		.func = kp ? pt.func : NULL,
		.follow = pt.work.follow,
	};
	snprintf(pt.name, sizeof(pt.name), "probe:%s", spec);
	snprintf(pt.summary, sizeof(pt.summary), "the user's point %s, fired by %s; per hit",
		 spec, pt.work.what);
	pt.mech = (struct pc_mech){
		.name = pt.name,
		.summary = pt.summary,
		.family = kp ? PC_FAM_DYNAMIC : PC_FAM_STATIC,
		.flags = PC_MECH_PER_HIT | (pt.work.follow ? PC_MECH_SWITCHES : 0) |
			 (trigger ? PC_MECH_FORKS : 0),
		.data = &pt.kev,
		.tracers = { [PC_ENABLED] = "perf", [PC_RECORDING] = "ftrace" },
		PC_KEVENT_OPS,
		.states = PC_ST_ALL,
	};
	/* the workload replaces the getppid site: the point is the kernel's */
	pt.mech.fire = point_fire;
	pt.mech.available = point_available;
	*m = &pt.mech;
	return PC_OK;
}
