// SPDX-License-Identifier: MIT
/*
 * The registry: every mechanism, once. Order is the order of `list`,
 * of the default run and of the report: baseline first, then static,
 * jump and dynamic, user space before kernel, so that each table reads
 * from cheapest to dearest. A tracer entry (the same site consumed by
 * another tracer) follows its primitive, which pc_registry_find() returns.
 */
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "registry.h"

extern const struct pc_mech pc_mech_none;
extern const struct pc_mech pc_mech_user_branch;
extern const struct pc_mech pc_mech_usdt;
extern const struct pc_mech pc_mech_usdt_nop5;
extern const struct pc_mech pc_mech_usdt_nop10;
extern const struct pc_mech pc_mech_user_static_key;
extern const struct pc_mech pc_mech_ust_tracepoint;
extern const struct pc_mech pc_mech_syscall_tracepoint;
extern const struct pc_mech pc_mech_uprobe_nop;
extern const struct pc_mech pc_mech_uprobe_nop5;
extern const struct pc_mech pc_mech_uprobe_nop10;
extern const struct pc_mech pc_mech_uprobe_push;
extern const struct pc_mech pc_mech_uprobe_ret;
extern const struct pc_mech pc_mech_uretprobe;
extern const struct pc_mech pc_mech_ftrace_function;
extern const struct pc_mech pc_mech_live_kprobe;
/* dynamic_events probe types (eprobe.c, fprobe.c) and user_events */
extern const struct pc_mech pc_mech_eprobe_syscall;
extern const struct pc_mech pc_mech_fprobe;
extern const struct pc_mech pc_mech_fprobe_return;
extern const struct pc_mech pc_mech_tprobe;
extern const struct pc_mech pc_mech_user_events;
/* probecost.ko's, generated in modmech.c from the ABI's list */
extern const struct pc_mech pc_mech_tracepoint;
extern const struct pc_mech pc_mech_branch;
extern const struct pc_mech pc_mech_static_key;
extern const struct pc_mech pc_mech_kprobe_int3;
extern const struct pc_mech pc_mech_kprobe_optimized;
extern const struct pc_mech pc_mech_kprobe_ftrace;
extern const struct pc_mech pc_mech_kretprobe;
/* their recording like-for-like, through the module's own handler */
extern const struct pc_mech pc_mech_kprobe_int3_self;
extern const struct pc_mech pc_mech_kprobe_optimized_self;
extern const struct pc_mech pc_mech_kprobe_ftrace_self;
extern const struct pc_mech pc_mech_kretprobe_self;
/* the bpf tracer's entries, sharing the primitives' names and sites */
extern const struct pc_mech pc_mech_bpf_usdt;
extern const struct pc_mech pc_mech_bpf_uprobe_nop;
extern const struct pc_mech pc_mech_bpf_uprobe_nop5;
extern const struct pc_mech pc_mech_bpf_uprobe_push;
extern const struct pc_mech pc_mech_bpf_uprobe_ret;
extern const struct pc_mech pc_mech_bpf_uretprobe;
extern const struct pc_mech pc_mech_bpf_syscall_tracepoint;
extern const struct pc_mech pc_mech_bpf_syscall_raw_tracepoint;
extern const struct pc_mech pc_mech_bpf_tracepoint;
extern const struct pc_mech pc_mech_bpf_raw_tracepoint;
extern const struct pc_mech pc_mech_bpf_kprobe_int3;
extern const struct pc_mech pc_mech_bpf_kprobe_optimized;
extern const struct pc_mech pc_mech_bpf_kprobe_ftrace;
extern const struct pc_mech pc_mech_bpf_kretprobe;
/* the stap tracer's (stap.c), in the guest: the module's kprobe and tracepoint sites, sys_enter */
extern const struct pc_mech pc_mech_stap_syscall_tracepoint;
extern const struct pc_mech pc_mech_stap_syscall_raw_tracepoint;
extern const struct pc_mech pc_mech_stap_tracepoint;
extern const struct pc_mech pc_mech_stap_usdt;
extern const struct pc_mech pc_mech_stap_kprobe_int3;
extern const struct pc_mech pc_mech_stap_kprobe_ftrace;
/* tracer entries: perf record on a primitive's site (perf_record.c) */
extern const struct pc_mech pc_mech_perf_usdt;
extern const struct pc_mech pc_mech_perf_uprobe_nop;
extern const struct pc_mech pc_mech_perf_uprobe_nop5;
extern const struct pc_mech pc_mech_perf_uprobe_push;
extern const struct pc_mech pc_mech_perf_uprobe_ret;
extern const struct pc_mech pc_mech_perf_uretprobe;
extern const struct pc_mech pc_mech_perf_syscall_tracepoint;
extern const struct pc_mech pc_mech_perf_tracepoint;
extern const struct pc_mech pc_mech_perf_kprobe_int3;
extern const struct pc_mech pc_mech_perf_kprobe_optimized;
extern const struct pc_mech pc_mech_perf_kprobe_ftrace;
extern const struct pc_mech pc_mech_perf_kretprobe;
/* lttng entries on kernel sites (tracers/lttng_kernel.c) */
extern const struct pc_mech pc_mech_lttng_syscall;
extern const struct pc_mech pc_mech_lttng_kprobe_ftrace;
extern const struct pc_mech pc_mech_lttng_tracepoint;

static const struct pc_mech *const pc_registry[] = {
	&pc_mech_none,
	&pc_mech_user_branch,
	&pc_mech_usdt,
	&pc_mech_bpf_usdt,
	&pc_mech_perf_usdt,
	&pc_mech_stap_usdt,
	&pc_mech_usdt_nop5,
	&pc_mech_usdt_nop10,
	&pc_mech_user_static_key,
	&pc_mech_ust_tracepoint,
	&pc_mech_uprobe_nop,
	&pc_mech_bpf_uprobe_nop,
	&pc_mech_perf_uprobe_nop,
	&pc_mech_uprobe_nop5,
	&pc_mech_bpf_uprobe_nop5,
	&pc_mech_perf_uprobe_nop5,
	&pc_mech_uprobe_nop10,
	&pc_mech_uprobe_push,
	&pc_mech_bpf_uprobe_push,
	&pc_mech_perf_uprobe_push,
	&pc_mech_uprobe_ret,
	&pc_mech_bpf_uprobe_ret,
	&pc_mech_perf_uprobe_ret,
	&pc_mech_uretprobe,
	&pc_mech_bpf_uretprobe,
	&pc_mech_perf_uretprobe,
	&pc_mech_syscall_tracepoint,
	&pc_mech_bpf_syscall_tracepoint,
	&pc_mech_perf_syscall_tracepoint,
	&pc_mech_stap_syscall_tracepoint,
	&pc_mech_lttng_syscall,
	&pc_mech_bpf_syscall_raw_tracepoint,
	&pc_mech_stap_syscall_raw_tracepoint,
	&pc_mech_ftrace_function,
	&pc_mech_live_kprobe,
	&pc_mech_eprobe_syscall,
	&pc_mech_fprobe,
	&pc_mech_fprobe_return,
	&pc_mech_tprobe,
	&pc_mech_user_events,
	&pc_mech_tracepoint,
	&pc_mech_bpf_tracepoint,
	&pc_mech_perf_tracepoint,
	&pc_mech_bpf_raw_tracepoint,
	&pc_mech_stap_tracepoint,
	&pc_mech_lttng_tracepoint,
	&pc_mech_branch,
	&pc_mech_static_key,
	&pc_mech_kprobe_int3,
	&pc_mech_kprobe_int3_self,
	&pc_mech_bpf_kprobe_int3,
	&pc_mech_perf_kprobe_int3,
	&pc_mech_stap_kprobe_int3,
	&pc_mech_kprobe_optimized,
	&pc_mech_kprobe_optimized_self,
	&pc_mech_bpf_kprobe_optimized,
	&pc_mech_perf_kprobe_optimized,
	&pc_mech_kprobe_ftrace,
	&pc_mech_kprobe_ftrace_self,
	&pc_mech_bpf_kprobe_ftrace,
	&pc_mech_perf_kprobe_ftrace,
	&pc_mech_stap_kprobe_ftrace,
	&pc_mech_lttng_kprobe_ftrace,
	&pc_mech_kretprobe,
	&pc_mech_kretprobe_self,
	&pc_mech_bpf_kretprobe,
	&pc_mech_perf_kretprobe,
};

#define PC_REGISTRY_LEN (sizeof(pc_registry) / sizeof(pc_registry[0]))

/* Entries made at run time (run --probe), after the built-in ones. */
#define PC_RUNTIME_MAX 4
#define PC_RUNTIME_PREFIX "probe:"
static const struct pc_mech *pc_runtime[PC_RUNTIME_MAX];
static size_t pc_nruntime;

size_t pc_registry_count(void)
{
	return PC_REGISTRY_LEN + pc_nruntime;
}

const struct pc_mech *pc_registry_get(size_t i)
{
	if (i < PC_REGISTRY_LEN)
		return pc_registry[i];
	return i - PC_REGISTRY_LEN < pc_nruntime ? pc_runtime[i - PC_REGISTRY_LEN] : NULL;
}

const struct pc_mech *pc_registry_find(const char *name)
{
	for (size_t i = 0; i < pc_registry_count(); i++)
		if (!strcmp(pc_registry_get(i)->name, name))
			return pc_registry_get(i);
	return NULL;
}

bool pc_registry_is_tracer_entry(const struct pc_mech *m)
{
	const struct pc_mech *first = pc_registry_find(m->name);

	return first && first != m;
}

/* A run-time entry: "probe:" and the point, tracepoint:sched:sched_switch. */
static int runtime_name_ok(const char *s)
{
	if (!s || strncmp(s, PC_RUNTIME_PREFIX, strlen(PC_RUNTIME_PREFIX)))
		return 0;
	s += strlen(PC_RUNTIME_PREFIX);
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == ':' || *s == '.'))
			return 0;
	return 1;
}

static int name_ok(const char *s)
{
	if (!s || !*s)
		return 0;
	if (!strncmp(s, PC_RUNTIME_PREFIX, strlen(PC_RUNTIME_PREFIX)))
		return runtime_name_ok(s);
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-'))
			return 0;
	return 1;
}

int pc_registry_add(const struct pc_mech *m)
{
	const struct pc_mech *list[PC_REGISTRY_LEN + PC_RUNTIME_MAX];
	size_t n = pc_registry_count();

	if (!runtime_name_ok(m->name)) {
		fprintf(stderr, "probecost: run-time entry \"%s\" is not %s[A-Za-z0-9_:.]+\n",
			m->name ? m->name : "(null)", PC_RUNTIME_PREFIX);
		return PC_ERR_INVAL;
	}
	if (pc_nruntime == PC_RUNTIME_MAX) {
		fprintf(stderr, "probecost: at most %d run-time entries\n", PC_RUNTIME_MAX);
		return PC_ERR_INVAL;
	}
	for (size_t i = 0; i < n; i++)
		list[i] = pc_registry_get(i);
	list[n] = m;
	if (pc_registry_check_list(list, n + 1) != PC_OK)
		return PC_ERR_INVAL;
	pc_runtime[pc_nruntime++] = m;
	return PC_OK;
}

int pc_registry_check(void)
{
	return pc_registry_check_list(pc_registry, PC_REGISTRY_LEN);
}

int pc_registry_check_list(const struct pc_mech *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct pc_mech *m = list[i];

		if (!name_ok(m->name)) {
			fprintf(stderr, "probecost: registry entry %zu: name \"%s\" is not [a-z0-9-]+\n",
				i, m->name ? m->name : "(null)");
			return PC_ERR_INVAL;
		}
		if (!m->arm || !m->disarm || !m->fire || !m->summary) {
			fprintf(stderr, "probecost: mechanism %s lacks summary, arm, disarm or fire\n",
				m->name);
			return PC_ERR_INVAL;
		}
		if (!(m->states & PC_ST(PC_ABSENT)) || (m->states & ~PC_ST_ANY)) {
			fprintf(stderr, "probecost: mechanism %s: states must include absent\n",
				m->name);
			return PC_ERR_INVAL;
		}
		if (m->tracer && !name_ok(m->tracer)) {
			fprintf(stderr, "probecost: mechanism %s: tracer \"%s\" is not [a-z0-9-]+\n",
				m->name, m->tracer);
			return PC_ERR_INVAL;
		}
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(list[j]->name, m->name) &&
			    !strcmp(pc_mech_tool(list[j]), pc_mech_tool(m))) {
				fprintf(stderr, "probecost: mechanism %s with tracer %s registered twice (entries %zu and %zu)\n",
					m->name, pc_mech_tool(m), j, i);
				return PC_ERR_INVAL;
			}
		}
	}
	return PC_OK;
}

void pc_registry_names(char *buf, size_t len)
{
	size_t off = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < PC_REGISTRY_LEN && off < len; i++) {
		int w;

		if (pc_registry_find(pc_registry[i]->name) != pc_registry[i])
			continue;	/* a tracer entry of a name already listed */
		w = snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
			     pc_registry[i]->name);
		if (w < 0)
			break;
		off += (size_t)w;
	}
}

bool pc_registry_has_tracer(const char *t)
{
	for (size_t i = 0; i < PC_REGISTRY_LEN; i++)
		if (pc_mech_uses_tracer(pc_registry[i], t))
			return true;
	return false;
}

void pc_registry_tracers(char *buf, size_t len)
{
	const char *seen[PC_REGISTRY_LEN * (PC_NR_STATES + 1)];
	size_t n = 0, off = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < PC_REGISTRY_LEN; i++) {
		const struct pc_mech *m = pc_registry[i];

		/* each state's consumer, then the entry's own tool */
		for (int st = 0; st <= PC_NR_STATES && off < len; st++) {
			const char *t = st < PC_NR_STATES ? pc_mech_tracer(m, st) : pc_mech_tool(m);
			bool dup = !strcmp(t, "-");

			for (size_t k = 0; k < n && !dup; k++)
				dup = !strcmp(seen[k], t);
			if (dup)
				continue;
			seen[n++] = t;
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? ", " : "", t);
		}
	}
}
