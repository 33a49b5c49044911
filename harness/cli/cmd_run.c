// SPDX-License-Identifier: MIT
/*
 * `probecost run`: parse and validate everything, prepare the machine
 * (bind, timer, counters, output directory), then hand each mechanism to
 * the engine and print its rows as they come.
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analyses.h"
#include "doc.h"
#include "cmd.h"
#include "errors.h"
#include "guestrun.h"
#include "module_dev.h"
#include "opts.h"
#include "probe_point.h"
#include "progress.h"
#include "registry.h"
#include "rundir.h"
#include "stats.h"
#include "summary.h"
#include "sysinfo.h"
#include "topo.h"
#include "version.h"

#define DEFAULT_REPEATS 31
#define QUICK_REPEATS 21
#define DEFAULT_TARGET_NS 2e6
#define QUICK_TARGET_NS 0.5e6
/*
 * A deterministic guest's repeats when --repeat is not given: under
 * -icount shift=0 a cost is an exact instruction count, the same in
 * every repeat (31, 11, 7 and 6 repeats gave identical rows for all seven
 * module mechanisms), so more only take longer. 7 keep a CI for the
 * rows that are waits, not counts (arm/disarm in emulated ns), and a
 * median that outvotes up to 3 disturbed repeats.
 */
#define GUEST_DET_REPEATS "7"
/*
 * fire(N)'s length under the icount timer, in instructions. The 2 ms of
 * the time-based timers make timer jitter and interrupts small against
 * the cost (1 ms doubled the host's CIs); an instruction count has no
 * jitter, so a fifth of the window gives the same counts (every module
 * mechanism's enabled and disabled rows identical, recording within
 * 0.2%: the ring's page switches fall differently) in less emulation.
 */
#define ICOUNT_TARGET_INSNS 0.4e6
/*
 * A tracer entry's repeats when --repeat is not given (bpf, perf-record
 * on a primitive's site). Each of its repeats detaches a uprobe or the
 * syscall tracepoint once or twice, and the kernel waits out an RCU
 * grace period in each (14-76 ms on the development VM) holding
 * event_mutex, so the next arm waits for it: it cannot be overlapped
 * (tried: arm-latency took the wait instead).
 * These entries were half of a default run. 11 repeats keep a
 * distribution-free 95% CI, a wider one: their rows' `repeats` say 11,
 * and the report's method line says so.
 */
#define TRACER_REPEATS 11
/*
 * A PC_MECH_GRACE entry's repeats when --repeat is not given: the uprobe
 * family's and USDT's two grace periods a repeat were the other half.
 * Their costs are microsecond traps whose 95% CIs were +-2-4% at 31
 * repeats; 21 widen them by about a fifth (sqrt(31/21)). The rows and
 * the report's method line say so.
 */
#define GRACE_REPEATS 21
#define MAX_PAYLOAD 4096

static volatile sig_atomic_t stop_signal;

static const char *sig_name(int sig)
{
	return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" :
	       sig == SIGHUP ? "SIGHUP" : "a signal";
}

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void run_usage(FILE *f)
{
	fprintf(f, "usage: probecost run [options]\n\n"
		   "Measures each mechanism in each of its states and writes\n"
		   "results.csv, samples.csv and meta.csv into results/<run-id>/.\n\n"
		   "  --mech LIST      mechanisms to run, comma-separated (default: all\n"
		   "                   but the opt-in entries: ust-tracepoint, every\n"
		   "                   stap entry, and bpf, perf-record, lttng on the\n"
		   "                   module's or the guest kernel's sites; the run\n"
		   "                   names them):\n"
		   "                   names, families (static, dynamic, jump, baseline)\n"
		   "                   or globs ('uprobe-*'); a name selects the site\n"
		   "                   with every tracer consuming it but the opt-in\n"
		   "                   ones, which --tracer names\n"
		   "  --tracer LIST    keep only entries consumed by these tracers: self,\n"
		   "                   perf, perf-record, ftrace, bpf, lttng, stap (in\n"
		   "                   the 6.1 guest only), e.g. bpf,perf-record\n"
		   "                   (default: all but the opt-in entries above); a\n"
		   "                   kept entry measures all its states, each with\n"
		   "                   its own consumer\n"
		   "  --probe POINT    measure a real kernel point: tracepoint:SYSTEM:EVENT\n"
		   "                   or kprobe:FUNCTION, checked to exist before anything\n"
		   "                   is armed; alone it runs only that point, with --mech\n"
		   "                   beside the mechanisms named. Its rows (mechanism\n"
		   "                   probe:POINT) are per hit of the point: the extra\n"
		   "                   time of a workload run divided by the hits the\n"
		   "                   tracer counted in it (hit_ratio); a run that makes\n"
		   "                   no hit fails the row. Built-in workloads: syscall\n"
		   "                   points of cheap syscalls (getppid ...), raw_syscalls,\n"
		   "                   sched_switch/wakeup/waking (a pipe ping-pong).\n"
		   "                   A kprobe this kernel cannot have (CONFIG_KPROBES\n"
		   "                   off) is measured in the QEMU guest, unless --no-vm\n"
		   "  --trigger CMD    the workload firing --probe's point: one run is\n"
		   "                   /bin/sh -c CMD, output to /dev/null; a run that fails\n"
		   "                   stops the point's measurement with the reason\n"
		   "  --armed LIST     K other probes of the same kind armed elsewhere,\n"
		   "                   e.g. 0,10,100,1000 (0..%d): runs the armed\n"
		   "                   analysis, one armed-overhead-k<K> row per K\n"
		   "  --state LIST     states: absent,disabled,enabled,recording (default:\n"
		   "                   those a mechanism has; absent is always\n"
		   "                   measured), and filtered (armed, a filter\n"
		   "                   rejecting every event) only when named\n"
		   "  --quick          %d repeats (a tracer's entries 11), shorter fire\n"
		   "                   loops: a smoke run\n"
		   "  --repeat R       measured repeats of every entry, %d..100000\n"
		   "                   (default %d; by default the uprobe and USDT\n"
		   "                   sites measure %d and a tracer's entries on a\n"
		   "                   primitive's site %d -- each of their disarms\n"
		   "                   waits out an RCU grace period -- and a\n"
		   "                   deterministic guest " GUEST_DET_REPEATS ": its instruction\n"
		   "                   counts barely vary between repeats, but for\n"
		   "                   what another task does meanwhile)\n"
		   "  --warmup W       repeats run first and dropped, 0..1000 (default 2)\n"
		   "  --events N       events per fire (N of N/2N), 1..2^32 (default:\n"
		   "                   calibrated so fire(N) lasts ~%.0f ms)\n"
		   "  --cpu N          OS index of the PU to bind to (default: first PU\n"
		   "                   of the last core)\n"
		   "  --payload BYTES  bytes each recorded event carries, 0..%d\n"
		   "                   (default 64)\n"
		   "  --timer KIND     tsc, icount or clock (default: tsc if invariant)\n"
		   "  --out DIR        write into DIR instead of results/<run-id>\n"
		   "  --no-counters    do not open hardware counters even if present\n"
		   "  --vm             run the module mechanisms in the QEMU guest even\n"
		   "                   where probecost.ko could load here\n"
		   "  --no-vm          never boot the guest: module mechanisms are then\n"
		   "                   unsupported on a host that cannot load modules\n"
		   "  --kernel SERIES  guest kernel: 6.1 (default) or 6.12, or an ABI name\n"
		   "                   such as 6.1.0-56-amd64; implies --vm\n"
		   "  --deterministic  guest under -icount shift=0, costs in emulated\n"
		   "                   instructions (--timer icount): the guest's default;\n"
		   "                   given explicitly, implies --vm\n"
		   "  --no-deterministic  guest timed in TCG-emulated ns instead (not\n"
		   "                   hardware time; for orderings only)\n"
		   "  --vm-beside      boot a deterministic guest beside the host\n"
		   "                   measurement, on another PU: faster (its instruction\n"
		   "                   counts do not depend on host load), but the host's\n"
		   "                   figures then share the machine with QEMU, which on\n"
		   "                   a 2-PU VM widened their CIs up to 10x (meta.csv\n"
		   "                   vm_beside_host says which way a run went)\n"
		   "  --vm-serial      boot the guest after the host measurement (the\n"
		   "                   default)\n"
		   "  --verbose        print every row as it is measured and, after the\n"
		   "                   summary, why each thing was not measured (both\n"
		   "                   always in results.csv and the report); without\n"
		   "                   it the console shows the summary at the end\n"
		   "%s"
		   "  --help           this text\n\n"
		   "Exit status: 0 done, 1 a mechanism failed or nothing at all could be\n"
		   "measured, 2 usage error, 130/143/129 interrupted by\n"
		   "SIGINT/SIGTERM/SIGHUP (completed rows are kept, the directory holds\n"
		   "an INTERRUPTED marker and results/latest is not moved to it).\n",
		PC_OTHERS_MAX, QUICK_REPEATS, PC_STATS_MIN_CI_N, DEFAULT_REPEATS,
		GRACE_REPEATS, TRACER_REPEATS, DEFAULT_TARGET_NS / 1e6, MAX_PAYLOAD,
		pc_analyses_help);
}

struct run_args {
	const struct pc_mech *mechs[128];
	size_t nmechs;
	unsigned int states;
	bool quick, no_counters;
	bool repeat_set;	/* --repeat given */
	unsigned int analyses;
	uint64_t repeats, warmup, events, payload;
	int cpu;
	enum pc_timer_kind timer;
	const char *out;
	char cmdline[1024];
	bool vm, no_vm, vm_serial, vm_beside, deterministic, det_set, no_det, analyses_set, verbose;
	bool mech_set;		/* --mech given */
	char opt_in[1024];	/* opt-in entries the default suite left out, and why */
	bool help;		/* --help was shown: nothing else to do */
	bool loaded_module;	/* we loaded probecost.ko: remove it at the end */
	const char *series;
	unsigned int armed[16];		/* --armed's K values */
	size_t narmed;
	char tracers[16][32];		/* --tracer's items */
	size_t ntracers;
	const char *tracer_arg;
	const char *probe, *trigger;	/* --probe's point, --trigger's command */
	bool probe_guest;	/* the point is a kprobe, measured in the guest */
	/*
	 * Live-kernel entries named with --mech that this kernel cannot run
	 * (live-kprobe, ftrace-function, the tracefs probe types): measured
	 * in the guest's kernel instead, as the module mechanisms are.
	 */
	const struct pc_mech *kguest[32];
	size_t nkguest;
	/* what the guest's `probecost run` is given besides --mech and --out */
	const char *gargs[24];
	int ngargs;
};

static void guest_arg(struct run_args *a, const char *opt, const char *val)
{
	if (a->ngargs + 2 >= (int)(sizeof(a->gargs) / sizeof(a->gargs[0])))
		return;
	a->gargs[a->ngargs++] = opt;
	if (val)
		a->gargs[a->ngargs++] = val;
}

static void select_mech(struct run_args *a, const struct pc_mech *m)
{
	for (size_t i = 0; i < a->nmechs; i++)
		if (a->mechs[i] == m)
			return;		/* a family and its member: once */
	if (a->nmechs < sizeof(a->mechs) / sizeof(a->mechs[0]))
		a->mechs[a->nmechs++] = m;
}

/*
 * One --mech item: a mechanism's name, a family (static, dynamic, jump,
 * baseline: every mechanism of it, registry order), or a shell glob over
 * the names (kprobe-*, uprobe-nop?). A family or glob that selects
 * nothing is an error as an unknown name is: the run would lack what the
 * user asked for.
 */
static int add_mech(void *ctx, const char *tok)
{
	struct run_args *a = ctx;
	char names[1024];
	size_t hits = 0;

	/* a site's name: its primitive and every tracer entry of it */
	for (size_t i = 0; i < pc_registry_count(); i++)
		if (!strcmp(pc_registry_get(i)->name, tok)) {
			select_mech(a, pc_registry_get(i));
			hits++;
		}
	if (hits)
		return PC_OK;
	for (int f = 0; f < PC_NR_FAMILIES; f++)
		if (!strcmp(tok, pc_family_name(f)))
			for (size_t i = 0; i < pc_registry_count(); i++)
				if ((int)pc_registry_get(i)->family == f) {
					select_mech(a, pc_registry_get(i));
					hits++;
				}
	if (strpbrk(tok, "*?["))
		for (size_t i = 0; i < pc_registry_count(); i++)
			if (!fnmatch(tok, pc_registry_get(i)->name, 0)) {
				select_mech(a, pc_registry_get(i));
				hits++;
			}
	if (hits)
		return PC_OK;
	pc_registry_names(names, sizeof(names));
	if (strpbrk(tok, "*?["))
		return pc_usage_error("run", "--mech: '%s' matches no mechanism; valid: %s",
				      tok, names);
	return pc_usage_error("run", "--mech: unknown mechanism '%s'; valid: %s; a family: static, dynamic, jump, baseline; or a glob such as 'kprobe-*'",
			      tok, names);
}

/* One --tracer item: a tracer some entry uses. */
static int add_tracer(void *ctx, const char *tok)
{
	struct run_args *a = ctx;
	char names[512];

	if (!pc_registry_has_tracer(tok)) {
		pc_registry_tracers(names, sizeof(names));
		return pc_usage_error("run", "--tracer: unknown tracer '%s'; valid: %s", tok, names);
	}
	if (a->ntracers < sizeof(a->tracers) / sizeof(a->tracers[0]))
		snprintf(a->tracers[a->ntracers++], sizeof(a->tracers[0]), "%s", tok);
	return PC_OK;
}

/* One --armed item: K other probes, 0..PC_OTHERS_MAX. */
static int add_armed(void *ctx, const char *tok)
{
	struct run_args *a = ctx;
	uint64_t k;
	int ret = pc_opt_u64("run", "--armed", tok, 0, PC_OTHERS_MAX, &k);

	if (ret != PC_OK)
		return ret;
	for (size_t i = 0; i < a->narmed; i++)
		if (a->armed[i] == k)
			return pc_usage_error("run", "--armed: K=%llu is named twice ('%s')",
					      (unsigned long long)k, tok);
	if (a->narmed == sizeof(a->armed) / sizeof(a->armed[0]))
		return pc_usage_error("run", "--armed: at most %zu values",
				      sizeof(a->armed) / sizeof(a->armed[0]));
	a->armed[a->narmed++] = (unsigned int)k;
	return PC_OK;
}

/* Append @item to the ", "-list @buf unless it is there already. */
static void list_add(char *buf, size_t len, const char *item, const char *sep)
{
	size_t off = strlen(buf), n = strlen(item);

	for (const char *p = buf; (p = strstr(p, item)); p += n)
		if ((p == buf || !strncmp(p - strlen(sep), sep, strlen(sep))) &&
		    (!p[n] || !strncmp(p + n, sep, strlen(sep))))
			return;
	if (off < len)
		snprintf(buf + off, len - off, "%s%s", off ? sep : "", item);
}

/*
 * The default suite (no --mech, no --tracer) leaves out the opt-in
 * entries (PC_MECH_OPT_IN), saying which and why in a->opt_in: one
 * "NAMES [TRACERS]: WHY" per reason, since a tracer on several sites
 * is left out for one reason. With @entries_only, only the opt-in tracer
 * entries (lttng on kernel sites): --mech kprobe-int3 or 'kprobe-*'
 * names the site, and its slow tracer entries run when --tracer names
 * their tracer, not with every guest run of the primitive.
 */
static void drop_opt_in(struct run_args *a, bool entries_only)
{
	const struct pc_mech *out[sizeof(a->mechs) / sizeof(a->mechs[0])];
	size_t n = 0, nout = 0, off = 0;

	for (size_t i = 0; i < a->nmechs; i++) {
		const struct pc_mech *m = a->mechs[i];

		if (!(m->flags & PC_MECH_OPT_IN) ||
		    (entries_only && !pc_registry_is_tracer_entry(m)))
			a->mechs[n++] = m;
		else
			out[nout++] = m;
	}
	a->nmechs = n;
	for (size_t i = 0; i < nout; i++) {
		const char *why = out[i]->opt_in_why ? out[i]->opt_in_why : "slow";
		char names[512] = "", tools[128] = "";
		bool done = false;

		for (size_t j = 0; j < i && !done; j++)
			done = !strcmp(why, out[j]->opt_in_why ? out[j]->opt_in_why : "slow");
		if (done)
			continue;
		for (size_t j = i; j < nout; j++) {
			if (strcmp(why, out[j]->opt_in_why ? out[j]->opt_in_why : "slow"))
				continue;
			list_add(names, sizeof(names), out[j]->name, ", ");
			list_add(tools, sizeof(tools), pc_mech_tool(out[j]), "/");
		}
		if (off < sizeof(a->opt_in))
			off += (size_t)snprintf(a->opt_in + off, sizeof(a->opt_in) - off,
						"%s%s [%s]: %s", off ? "; " : "", names, tools, why);
	}
}

/* Keep the selected entries a --tracer item consumes; none left is an error. */
static int filter_tracers(struct run_args *a)
{
	size_t n = 0;

	if (!a->ntracers)
		return PC_OK;
	/* each tracer named must consume something selected: else a typo or a wrong pair */
	for (size_t k = 0; k < a->ntracers; k++) {
		bool used = false;

		for (size_t i = 0; i < a->nmechs && !used; i++)
			used = pc_mech_uses_tracer(a->mechs[i], a->tracers[k]);
		if (!used && a->ntracers > 1)
			return pc_usage_error("run", "--tracer %s: no selected mechanism is consumed by '%s'; see probecost list's TRACERS column",
					      a->tracer_arg, a->tracers[k]);
	}
	for (size_t i = 0; i < a->nmechs; i++) {
		bool keep = false;

		for (size_t k = 0; k < a->ntracers && !keep; k++)
			keep = pc_mech_uses_tracer(a->mechs[i], a->tracers[k]);
		if (keep)
			a->mechs[n++] = a->mechs[i];
	}
	a->nmechs = n;
	if (!n)
		return pc_usage_error("run", "--tracer %s: no selected mechanism is consumed by it; see probecost list's TRACERS column",
				      a->tracer_arg);
	return PC_OK;
}

/*
 * --probe: the point becomes a run-time registry entry, checked before
 * anything is armed. Alone it is the whole run; with --mech it joins
 * what --mech selected (--tracer filters --mech's selection only).
 */
static int add_probe(struct run_args *a)
{
	const struct pc_mech *m;
	char why[1024];
	int ret;

	if (!a->probe) {
		if (a->trigger)
			return pc_usage_error("run", "--trigger needs --probe: the trigger fires a probe point");
		return PC_OK;
	}
	ret = pc_probe_point(a->probe, a->trigger, &m, why, sizeof(why));
	if (ret != PC_OK)
		return pc_usage_error("run", "--probe %s: %s", a->probe, why);
	if (pc_registry_add(m) != PC_OK)
		return PC_ERR_INVAL;
	if (!a->mech_set)
		a->nmechs = 0;
	select_mech(a, m);
	return PC_OK;
}

static int add_state(void *ctx, const char *tok)
{
	struct run_args *a = ctx;
	enum pc_state st = pc_state_parse(tok);

	if (st == PC_NR_STATES)
		return pc_usage_error("run", "--state: unknown state '%s'; valid: absent, disabled, filtered, enabled, recording",
				      tok);
	a->states |= PC_ST(st);
	return PC_OK;
}


static int parse_args(struct run_args *a, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "mech", required_argument, NULL, 'm' },
		{ "state", required_argument, NULL, 's' },
		{ "tracer", required_argument, NULL, 'T' },
		{ "armed", required_argument, NULL, 'K' },
		{ "probe", required_argument, NULL, 'P' },
		{ "trigger", required_argument, NULL, 'G' },
		{ "quick", no_argument, NULL, 'q' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "events", required_argument, NULL, 'n' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "payload", required_argument, NULL, 'p' },
		{ "timer", required_argument, NULL, 't' },
		{ "out", required_argument, NULL, 'o' },
		{ "no-counters", no_argument, NULL, 'N' },
		{ "analyses", required_argument, NULL, 'a' },
		{ "vm", no_argument, NULL, 'V' },
		{ "no-vm", no_argument, NULL, 'X' },
		{ "vm-serial", no_argument, NULL, 'S' },
		{ "vm-beside", no_argument, NULL, 'B' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "deterministic", no_argument, NULL, 'D' },
		{ "no-deterministic", no_argument, NULL, 'Z' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool repeat_set = false, warmup_set = false;
	uint64_t v;
	int c, ret = PC_OK;

	memset(a, 0, sizeof(*a));
	a->states = PC_ST_ALL;
	a->repeats = DEFAULT_REPEATS;
	a->warmup = 2;
	a->payload = 64;
	a->cpu = -1;
	a->timer = PC_NR_TIMERS;
	a->analyses = ~0u;
	a->series = "6.1";
	for (size_t i = 0; i < pc_registry_count() && i < 128; i++)
		a->mechs[a->nmechs++] = pc_registry_get(i);

	opterr = 0;
	optind = 1;
	while (ret == PC_OK && (c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		switch (c) {
		case 'm':
			a->nmechs = 0;
			ret = pc_opt_each("run", "--mech", optarg, add_mech, a,
					  "see probecost list");
			a->mech_set = true;
			break;
		case 'K':
			a->narmed = 0;
			ret = pc_opt_each("run", "--armed", optarg, add_armed, a,
					  "e.g. 0,10,100,1000");
			guest_arg(a, "--armed", optarg);
			break;
		case 'P':
			if (a->probe)
				ret = pc_usage_error("run", "--probe: one point per run ('%s' and '%s')",
						     a->probe, optarg);
			a->probe = optarg;
			break;
		case 'G':
			a->trigger = optarg;
			break;
		case 'T':
			a->ntracers = 0;
			a->tracer_arg = optarg;
			ret = pc_opt_each("run", "--tracer", optarg, add_tracer, a,
					  "see probecost list");
			guest_arg(a, "--tracer", optarg);
			break;
		case 's':
			a->states = 0;
			ret = pc_opt_each("run", "--state", optarg, add_state, a,
					  "valid: absent, disabled, filtered, enabled, recording");
			guest_arg(a, "--state", optarg);
			break;
		case 'q':
			a->quick = true;
			guest_arg(a, "--quick", NULL);
			break;
		case 'r':
			ret = pc_opt_u64("run", "--repeat", optarg, PC_STATS_MIN_CI_N,
					 100000, &a->repeats);
			repeat_set = true;
			a->repeat_set = true;
			guest_arg(a, "--repeat", optarg);
			break;
		case 'w':
			ret = pc_opt_u64("run", "--warmup", optarg, 0, 1000, &a->warmup);
			warmup_set = true;
			guest_arg(a, "--warmup", optarg);
			break;
		case 'n':
			ret = pc_opt_u64("run", "--events", optarg, 1, 1ull << 32, &a->events);
			guest_arg(a, "--events", optarg);
			break;
		case 'c':
			ret = pc_opt_u64("run", "--cpu", optarg, 0, 65535, &v);
			a->cpu = (int)v;
			break;
		case 'p':
			ret = pc_opt_u64("run", "--payload", optarg, 0, MAX_PAYLOAD, &a->payload);
			guest_arg(a, "--payload", optarg);
			break;
		case 't':
			a->timer = pc_timer_parse(optarg);
			if (a->timer == PC_NR_TIMERS)
				ret = pc_usage_error("run", "--timer: unknown backend '%s'; valid: tsc, icount, clock",
						     optarg);
			/*
			 * icount ticks are instructions only under QEMU -icount
			 * shift=0: on a host they would be TSC ticks labelled
			 * instructions.
			 */
			else if (a->timer == PC_TIMER_ICOUNT && !pc_in_guest())
				ret = pc_usage_error("run", "--timer icount counts emulated instructions and works only inside probecost's QEMU guest; use --deterministic (or --vm) for the module's mechanisms, --timer tsc or clock here");
			break;
		case 'o':
			if (!*optarg)
				ret = pc_usage_error("run", "--out: empty directory name");
			a->out = optarg;
			break;
		case 'N':
			a->no_counters = true;
			break;
		case 'a':
			ret = pc_analyses_parse("run", optarg, &a->analyses);
			guest_arg(a, "--analyses", optarg);
			/* "default" leaves the guest its own default set */
			a->analyses_set = strcmp(optarg, "default") != 0;
			break;
		case 'V':
			a->vm = true;
			break;
		case 'S':
			a->vm_serial = true;
			break;
		case 'B':
			a->vm_beside = true;
			break;
		case 'X':
			a->no_vm = true;
			break;
		case 'k':
			if (!pc_guest_series_ok(optarg))
				ret = pc_usage_error("run", "--kernel: unknown series '%s'; valid: 6.1, 6.12 or a Debian ABI name such as 6.1.0-56-amd64",
						     optarg);
			a->series = optarg;
			a->vm = true;
			break;
		case 'D':
			a->deterministic = true;
			a->det_set = true;
			a->vm = true;
			break;
		case 'Z':
			a->no_det = true;
			break;
		case 'v':
			a->verbose = true;
			break;
		case 'h':
			run_usage(stdout);
			a->help = true;
			return PC_OK;
		default:
			ret = pc_opt_bad("run", lo, argv, optind, optopt, c);
			break;
		}
	}
	if (ret == PC_OK)
		ret = pc_opt_no_args("run", argc, argv, optind);
	/* --probe alone runs the point only: no default suite to filter */
	if (ret == PC_OK && a->probe && !a->mech_set && a->ntracers)
		ret = pc_usage_error("run", "--tracer filters the entries --mech selects; a --probe point alone is consumed by perf (enabled) and ftrace (recording): drop --tracer, or add --mech");
	if (ret == PC_OK && !a->mech_set && !a->ntracers && !a->probe)
		drop_opt_in(a, false);
	else if (ret == PC_OK && !a->ntracers)
		drop_opt_in(a, true);
	if (ret == PC_OK)
		ret = filter_tracers(a);
	/* a guest-only entry (stap's) can never run with --no-vm */
	for (size_t i = 0; ret == PC_OK && a->no_vm && i < a->nmechs; i++)
		if (a->mechs[i]->flags & PC_MECH_GUEST)
			ret = pc_usage_error("run", "--no-vm: %s [%s] runs only in the QEMU guest (its modules are built for the guest's kernel); drop --no-vm, or its tracer from --tracer",
					     a->mechs[i]->name, pc_mech_tool(a->mechs[i]));
	if (ret == PC_OK)
		ret = add_probe(a);
	if (ret == PC_OK && a->vm && a->no_vm)
		ret = pc_usage_error("run", "--no-vm contradicts --vm, --kernel and --deterministic");
	if (ret == PC_OK && a->det_set && a->no_det)
		ret = pc_usage_error("run", "--deterministic contradicts --no-deterministic");
	if (ret == PC_OK && a->vm_serial && a->vm_beside)
		ret = pc_usage_error("run", "--vm-serial contradicts --vm-beside");
	if (ret == PC_OK && a->det_set && a->timer != PC_NR_TIMERS &&
	    a->timer != PC_TIMER_ICOUNT)
		ret = pc_usage_error("run", "--deterministic measures emulated instructions: --timer must be icount or left out");
	/*
	 * A guest measures instructions unless told otherwise: TCG's emulated
	 * nanoseconds are neither hardware time nor repeatable, while icount
	 * gives an exact, repeatable path length.
	 */
	if (!a->no_det)
		a->deterministic = true;
	if (ret == PC_OK && a->quick && !repeat_set)
		a->repeats = QUICK_REPEATS;
	if (ret == PC_OK && a->quick && !warmup_set && a->warmup > 1)
		a->warmup = 1;
	if (a->analyses == ~0u)
		a->analyses = a->quick ? PC_AN_QUICK : PC_AN_FULL;
	/*
	 * Asking for K values asks for the analysis that uses them; an
	 * explicit --analyses without it contradicts --armed.
	 */
	if (ret == PC_OK && a->narmed && a->analyses_set && !(a->analyses & PC_AN(PC_AN_ARMED)))
		ret = pc_usage_error("run", "--armed needs the armed analysis, which --analyses leaves out: add armed to --analyses, or drop --analyses");
	if (a->narmed)
		a->analyses |= PC_AN(PC_AN_ARMED);
	return ret;
}

/*
 * The command line as typed (argv[0] is "run"), an argument with a
 * character the shell would split or expand in single quotes, so that
 * meta.csv's command can be pasted to repeat the run.
 */
static void join_cmdline(char *buf, size_t len, int argc, char **argv)
{
	size_t off = (size_t)snprintf(buf, len, "probecost");

	for (int i = 0; i < argc && off < len; i++) {
		bool plain = argv[i][0] && !argv[i][strspn(argv[i],
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=.,:/+@%")];

		off += (size_t)snprintf(buf + off, len - off, plain ? " %s" : " '%s'", argv[i]);
	}
}

/* ---- the human table ---- */

#define MAX_SAID 32

struct printer {
	const char *mech;
	double cost;
	const char *unit;
	struct pc_progress *prog;
	bool verbose;
	uint64_t measured;	/* rows with figures: none at all fails the run */
	/* reasons already printed, and for which mechanism: each said once */
	char said[MAX_SAID][320], said_by[MAX_SAID][64];
	size_t nsaid;
	char as_for[64];	/* the mechanism last told "as for ..." */
};

/*
 * A time in the unit a reader takes in at a glance: 54.57 us rather than
 * 5.457e+04 ns. Other units pass through.
 */
static const char *scale(double *v, double *lo, double *hi, const char *unit)
{
	static const struct { double div; const char *unit; } ns[] = {
		{ 1e9, "s" }, { 1e6, "ms" }, { 1e3, "\u00b5s" },
	};

	if (strcmp(unit, "ns") || isnan(*v))
		return unit;
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		if (fabs(*v) >= ns[i].div) {
			*v /= ns[i].div;
			*lo /= ns[i].div;
			*hi /= ns[i].div;
			return ns[i].unit;
		}
	return unit;
}

/* Was this reason printed already? Remember it if not. */
static const char *said_before(struct printer *p, const char *mech, const char *note)
{
	for (size_t i = 0; i < p->nsaid; i++)
		if (!strcmp(p->said[i], note))
			return p->said_by[i];
	if (p->nsaid < MAX_SAID) {
		snprintf(p->said[p->nsaid], sizeof(p->said[0]), "%s", note);
		snprintf(p->said_by[p->nsaid], sizeof(p->said_by[0]), "%s", mech);
		p->nsaid++;
	}
	return NULL;
}

static void fmt_ci(char *buf, size_t len, const struct pc_stats *st)
{
	if (isnan(st->ci_lo))
		snprintf(buf, len, "[n/a]");
	else
		snprintf(buf, len, "[%.3f, %.3f]", st->ci_lo, st->ci_hi);
}

static void print_row(const struct pc_row *row, void *arg)
{
	struct printer *p = arg;
	char ci[64], hits[32];
	const char *by;

	if (!strcmp(row->status, "ok") || !strcmp(row->status, "miscount"))
		p->measured++;
	if (!p->verbose)
		return;		/* the summary at the end says it */
	pc_progress_clear(p->prog);
	if (!p->mech || strcmp(p->mech, row->mechanism)) {
		p->mech = row->mechanism;
		printf("\n%s (%s, %s)\n", row->mechanism, row->family, row->where);
	}
	if (strcmp(row->status, "ok") && strcmp(row->status, "miscount")) {
		by = said_before(p, row->mechanism, row->note);
		if (!by)
			printf("  %-10s %s: %s\n", row->state, row->status, row->note);
		else if (strcmp(by, row->mechanism) && strcmp(p->as_for, row->mechanism)) {
			printf("  %-10s %s: as for %s\n", row->state, row->status, by);
			snprintf(p->as_for, sizeof(p->as_for), "%s", row->mechanism);
		}
		return;
	}
	if (!strcmp(row->metric, "cost")) {
		p->cost = row->st.median;
		return;
	}
	if (pc_analysis_headline(row->metric)) {
		struct pc_stats st = row->st;
		const char *unit = scale(&st.median, &st.ci_lo, &st.ci_hi, row->unit);

		if (isnan(st.ci_lo))
			snprintf(ci, sizeof(ci), "[n/a]");
		else
			snprintf(ci, sizeof(ci), "[%.4g, %.4g]", st.ci_lo, st.ci_hi);
		printf("  %-10s %-22s %s %.4g %s %s (%s)\n", row->state, row->variant,
		       row->metric, st.median, ci, unit, row->backend);
		return;
	}
	if (strcmp(row->metric, "overhead"))
		return;
	fmt_ci(ci, sizeof(ci), &row->st);
	if (isnan(row->hit_ratio))
		snprintf(hits, sizeof(hits), "-");
	else
		snprintf(hits, sizeof(hits), "%.3g", row->hit_ratio);
	printf("  %-10s %-22s overhead %9.3f %-22s cost %9.3f %s/event (%s)  hits/event %s%s%s\n",
	       row->state, row->variant, row->st.median, ci, p->cost, row->unit,
	       row->backend, hits, *row->note ? "  ! " : "", row->note);
}

/* ---- setup ---- */

static void meta(struct pc_results *r, const char *k, const char *v)
{
	pc_results_meta(r, k, v);
}

static void meta_u64(struct pc_results *r, const char *k, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	pc_results_meta(r, k, buf);
}

static void utc_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The console's width: its summary and its notices paste into a mail. */
#define CONSOLE_WIDTH 72

/* A console notice, word-wrapped to CONSOLE_WIDTH, continued indented. */
static void say(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pc_doc_put_wrapped(stdout, "", "  ", buf, CONSOLE_WIDTH);
}

/*
 * @m's measured repeats: --repeat's; by default TRACER_REPEATS for a
 * tracer entry, GRACE_REPEATS for a PC_MECH_GRACE primitive, never more
 * than the run's own (--quick's 21).
 */
static unsigned int entry_repeats(const struct run_args *a, const struct pc_mech *m)
{
	uint64_t r = a->repeats;

	if (a->repeat_set)
		return (unsigned int)r;
	if (pc_registry_is_tracer_entry(m) && r > TRACER_REPEATS)
		r = TRACER_REPEATS;
	else if ((m->flags & PC_MECH_GRACE) && r > GRACE_REPEATS)
		r = GRACE_REPEATS;
	return (unsigned int)r;
}

static bool is_module(const struct pc_mech *m);

static void write_meta(struct pc_results *r, const struct run_args *a,
		       const struct pc_engine *e, const struct pc_topo *tp,
		       int os, int logical)
{
	bool tracer = false, grace = false;
	char buf[512];

	meta(r, "run_id", r->run_id);
	meta(r, "probecost_version", PC_VERSION);
	meta(r, "git_revision", pc_git_rev);
	meta(r, "command", a->cmdline);
	if (a->opt_in[0])
		meta(r, "opt_in_not_run", a->opt_in);
	utc_now(buf, sizeof(buf));
	meta(r, "started_utc", buf);
	pc_hostname(buf, sizeof(buf));
	meta(r, "host", buf);
	pc_kernel_release(buf, sizeof(buf));
	meta(r, "kernel", buf);
	meta(r, "in_guest", pc_in_guest() ? "yes" : "no");
	/*
	 * The guest packed with LTTng's kernel tracer: whether the packaged
	 * lttng-modules built for this kernel as shipped, and what was
	 * changed (scripts/lttng-modules-build.sh); guest_lttng_modules in
	 * the host's meta.csv.
	 */
	if (pc_in_guest() && getenv("PC_LTTNG_STATUS") && *getenv("PC_LTTNG_STATUS"))
		meta(r, "lttng_modules", getenv("PC_LTTNG_STATUS"));
	/* SystemTap's, as stap-build.sh found it for this kernel */
	if (pc_in_guest() && getenv("PC_STAP_STATUS") && *getenv("PC_STAP_STATUS"))
		meta(r, "systemtap", getenv("PC_STAP_STATUS"));
	pc_cpu_model(buf, sizeof(buf));
	meta(r, "cpu_model", buf);
	pc_topo_summary(tp, buf, sizeof(buf));
	meta(r, "topology", buf);
	snprintf(buf, sizeof(buf), "os=%d logical=%d", os, logical);
	meta(r, "bound_pu", buf);
	meta(r, "timer_backend", e->mt.timer.backend);
	meta(r, "timer_unit", e->mt.timer.unit);
	meta(r, "timer_reason", e->mt.timer.why);
	snprintf(buf, sizeof(buf), "%.3f", e->mt.timer.tsc_mhz);
	meta(r, "tsc_mhz", buf);
	meta(r, "counters", e->mt.hw.nr ? "pmu" : "none");
	meta(r, "counters_reason", e->mt.hw.nr ? "hardware group open (user+kernel)" : e->mt.hw.why);
	meta(r, "software_counters", !e->mt.sw.nr ? e->mt.sw.why : "user+kernel");
	snprintf(buf, sizeof(buf), "%d", pc_perf_paranoid());
	meta(r, "perf_event_paranoid", buf);
	if (a->probe) {
		meta(r, "probe", a->probe);
		meta(r, "trigger", a->trigger ? a->trigger : "built-in");
	}
	meta_u64(r, "repeats", a->repeats);
	/* only where some host entry measures fewer: the report and compare read them */
	for (size_t i = 0; i < a->nmechs; i++) {
		const struct pc_mech *m = a->mechs[i];

		if (is_module(m) || entry_repeats(a, m) == a->repeats)
			continue;
		if (pc_registry_is_tracer_entry(m))
			tracer = true;
		else
			grace = true;
	}
	if (tracer)
		meta_u64(r, "tracer_repeats", TRACER_REPEATS);
	if (grace)
		meta_u64(r, "grace_repeats", GRACE_REPEATS);
	meta_u64(r, "warmup", a->warmup);
	meta_u64(r, "events", a->events);
	meta_u64(r, "payload", a->payload);
	pc_analyses_names(a->analyses, buf, sizeof(buf));
	meta(r, "analyses", buf);
	snprintf(buf, sizeof(buf), "%.0f", e->mt.target);
	meta(r, "target_fire_n", buf);
}

static int open_counters(struct pc_engine *e, bool no_counters)
{
	char why[256];

	if (pc_pfm_init(why, sizeof(why)) != PC_OK) {
		snprintf(e->mt.hw.why, sizeof(e->mt.hw.why), "%s", why);
		return PC_OK;
	}
	if (no_counters) {
		memset(&e->mt.hw, 0, sizeof(e->mt.hw));
		snprintf(e->mt.hw.why, sizeof(e->mt.hw.why), "--no-counters given");
	} else {
		pc_group_open(&e->mt.hw, pc_hw_events);
	}
	/*
	 * The software group guards against disturbed pairs. Counted in user
	 * mode only it would open and stay at zero: a context switch happens
	 * in the kernel (perf stat -e context-switches:u counts 0 across
	 * sleeps), so a guard that cannot count kernel mode is no guard.
	 */
	if (pc_group_open(&e->mt.sw, pc_sw_events) == PC_ERR_PERM) {
		memset(&e->mt.sw, 0, sizeof(e->mt.sw));
		snprintf(e->mt.sw.why, sizeof(e->mt.sw.why),
			 "perf_event_paranoid %d forbids counting context switches (kernel mode) without root: disturbed pairs are found by T(2N)/T(N) alone",
			 pc_perf_paranoid());
	}
	return PC_OK;
}

/* The module's mechanisms may run in the guest instead of here. */
static bool is_module(const struct pc_mech *m)
{
	return m->where == PC_WHERE_MODULE;
}

/* One of the live-kernel entries pick_kernel_guest() sent to the guest. */
static bool kernel_guest(const struct run_args *a, const struct pc_mech *m)
{
	for (size_t i = 0; i < a->nkguest; i++)
		if (a->kguest[i] == m)
			return true;
	return false;
}

/*
 * Measured in the guest when one boots: the module's, the live-kernel
 * entries this kernel cannot run, and a guest-bound point.
 */
static bool guest_bound(const struct run_args *a, const struct pc_mech *m)
{
	return is_module(m) || kernel_guest(a, m) ||
	       (a->probe_guest && (m->flags & PC_MECH_PER_HIT));
}

/*
 * The live-kernel entries --mech named that this kernel cannot have
 * (unsupported: a config option off, a refused tracer), and the
 * guest-only ones (PC_MECH_GUEST) not available here, for the guest;
 * with --tracer alone, only the opt-in tracer entries it reached (the
 * lttng ones: no lttng-modules here). The default suite keeps their
 * unsupported rows instead: a default run boots the guest for the module
 * alone, and its length is budgeted.
 */
static void pick_kernel_guest(struct run_args *a)
{
	char why[512];

	a->nkguest = 0;
	if (!a->mech_set && !a->ntracers)
		return;
	for (size_t i = 0; i < a->nmechs; i++) {
		const struct pc_mech *m = a->mechs[i];

		if ((m->where != PC_WHERE_KERNEL && !(m->flags & PC_MECH_GUEST)) ||
		    (m->flags & PC_MECH_PER_HIT) ||
		    a->nkguest == sizeof(a->kguest) / sizeof(a->kguest[0]))
			continue;
		if (!a->mech_set &&
		    !((m->flags & PC_MECH_OPT_IN) && pc_registry_is_tracer_entry(m)))
			continue;
		if (pc_mech_available(m, why, sizeof(why)) == PC_ERR_UNSUPPORTED)
			a->kguest[a->nkguest++] = m;
	}
}

/*
 * A --probe kprobe: where this kernel has no kprobes (CONFIG_KPROBES
 * off), the guest's Debian kernel has them, so the point is measured
 * there, as the kprobe mechanisms are.
 */
static bool probe_needs_guest(const struct run_args *a)
{
	char why[512];

	if (!a->probe || !pc_probe_point_is_kprobe(a->probe))
		return false;
	for (size_t i = 0; i < a->nmechs; i++)
		if (a->mechs[i]->flags & PC_MECH_PER_HIT)
			return pc_mech_available(a->mechs[i], why, sizeof(why)) != PC_OK;
	return false;
}

/*
 * Where do the module mechanisms run? In the guest when asked (--vm,
 * --kernel, --deterministic) or when this kernel cannot have the module:
 * no CONFIG_MODULES, or loading it failed (not built, lockdown, signature
 * enforcement), said in one line. Natively otherwise, loading
 * probecost.ko first if needed (and removing it again at the end). From
 * inside the guest never another guest.
 */
static bool use_guest(struct run_args *a, size_t *nmod)
{
	char why[512];
	int ret;

	bool guest_ok = !a->no_vm && !pc_in_guest();

	a->probe_guest = guest_ok && probe_needs_guest(a);
	if (guest_ok)
		pick_kernel_guest(a);
	*nmod = 0;
	for (size_t i = 0; i < a->nmechs; i++)
		*nmod += guest_bound(a, a->mechs[i]);
	if (!*nmod)
		return false;
	if ((a->vm || a->probe_guest || a->nkguest) && guest_ok)
		return true;
	if (!pc_module_loadable())
		return guest_ok;
	ret = pc_module_autoload(&a->loaded_module, why, sizeof(why));
	if (ret == PC_OK)
		return false;
	fprintf(stderr, "probecost run: the module mechanisms cannot run natively: %s%s\n", why,
		guest_ok ? "; running them in the QEMU guest instead" : "");
	return guest_ok;
}

/* `--mech` for the guest: the selected module mechanisms and kernel entries it takes. */
static bool guest_bound_entry(const struct run_args *a, const struct pc_mech *m)
{
	return is_module(m) || kernel_guest(a, m);
}

/*
 * Each name once: a tracer entry shares its primitive's name, and the
 * guest's --mech NAME selects every entry of that name (--tracer, passed
 * on as given, narrows them as here).
 */
static void guest_mechs(const struct run_args *a, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < a->nmechs && off < len; i++) {
		bool seen = false;

		if (!guest_bound_entry(a, a->mechs[i]))
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = guest_bound_entry(a, a->mechs[j]) &&
			       !strcmp(a->mechs[j]->name, a->mechs[i]->name);
		if (!seen)
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? "," : "",
						a->mechs[i]->name);
	}
}

/*
 * May the guest boot while the host measures? Its figures are emulated
 * instruction counts (-icount shift=0), which host load cannot change,
 * so the long pole of a default run need not wait for the host's part.
 * It needs a PU of its own -- the host measures on one, QEMU is kept off
 * it -- and no host analysis that wants every PU (scaling). Emulated
 * nanoseconds (--no-deterministic) do depend on host load: not then.
 */
static bool guest_beside(const struct run_args *a, const cpu_set_t *cpus,
			 char *why, size_t len)
{
	/*
	 * Serial unless asked: QEMU on the other PU of a 2-PU VM put context
	 * switches into up to 8 of 31 repeats of the host's uprobe rows and
	 * widened the syscall tracepoint's noise floor from about +-25 to
	 * +-100..220 ns.
	 */
	if (a->vm_serial || !a->vm_beside) {
		snprintf(why, len, "no: %s", a->vm_serial ? "--vm-serial" :
			 "serial by default (--vm-beside boots it beside)");
		return false;
	}
	if (!a->deterministic) {
		snprintf(why, len, "no: --no-deterministic (emulated ns depend on host load)");
		return false;
	}
	if (a->analyses & PC_AN(PC_AN_SCALING)) {
		snprintf(why, len, "no: the scaling analysis needs every PU");
		return false;
	}
	if (CPU_COUNT(cpus) < 1) {
		snprintf(why, len, "no: no PU besides the measuring one");
		return false;
	}
	return true;
}

/*
 * Boot the guest for the module mechanisms: beside the host measurement
 * when @beside (on @cpus, which lack the measuring PU @os), else after
 * it; @how says which and why for meta.csv. finish_guest() waits for it.
 * @g->pid > 0 says it runs.
 */
static int start_guest(struct pc_engine *e, struct run_args *a, size_t nmod,
		       int os, const cpu_set_t *cpus, struct pc_guest *g, bool beside,
		       const char *how)
{
	char mechs[1024], guest_an[128], why[512], yes[160];
	const char *args[40];
	struct pc_guest_req req = {
		.series = a->series,
		.deterministic = a->deterministic,
		.args = args,
	};
	int n = 0, ret;

	g->pid = -1;
	guest_mechs(a, mechs, sizeof(mechs));
	/*
	 * LTTng's kernel tracer and the stap modules are built and packed
	 * only for their entries: other boots stay lean
	 */
	for (size_t i = 0; i < a->nmechs; i++) {
		const char *tool = pc_mech_tool(a->mechs[i]);

		if (!guest_bound(a, a->mechs[i]))
			continue;
		req.lttng |= !strcmp(tool, "lttng");
		req.stap |= !strcmp(tool, "stap");
	}
	if (mechs[0]) {
		args[n++] = "--mech";
		args[n++] = mechs;
	}
	if (a->probe_guest) {
		args[n++] = "--probe";
		args[n++] = a->probe;
		if (a->trigger) {
			args[n++] = "--trigger";
			args[n++] = a->trigger;
		}
	}
	args[n++] = "--no-counters";
	if (a->deterministic) {
		args[n++] = "--timer";
		args[n++] = "icount";
	} else if (a->timer != PC_NR_TIMERS) {
		args[n++] = "--timer";
		args[n++] = pc_timer_name(a->timer);
	}
	for (int i = 0; i < a->ngargs; i++)
		args[n++] = a->gargs[i];
	if (a->deterministic && !a->repeat_set) {
		args[n++] = "--repeat";
		args[n++] = GUEST_DET_REPEATS;
	}
	/*
	 * Under TCG the victim walk times emulated cache-less memory and one
	 * vCPU cannot scale: by default the guest runs only the analyses
	 * whose figures mean the same there.
	 */
	if (!a->analyses_set) {
		pc_analyses_names(PC_AN_GUEST, guest_an, sizeof(guest_an));
		args[n++] = "--analyses";
		args[n++] = guest_an;
	}
	args[n] = NULL;

	if (beside) {
		req.cpus = cpus;
		snprintf(yes, sizeof(yes),
			 "yes: booted beside the host measurement, kept off its PU os=%d", os);
		how = yes;
	}
	{
		size_t nm = nmod - a->probe_guest - a->nkguest;
		size_t parts = (nm > 0) + (a->nkguest > 0) + a->probe_guest;
		bool one = parts == 1 && (nm == 1 || a->nkguest == 1 || a->probe_guest);
		char what[600] = "", kern[400] = "";
		const char *cause = a->vm ? "asked for (--vm or --kernel)" :
				    nm && a->nkguest ? "this kernel cannot load modules (CONFIG_MODULES off) or run the others (probecost list says why)" :
				    nm ? "this kernel cannot load modules (CONFIG_MODULES off)" :
				    a->probe_guest ? "this kernel has no kprobes (CONFIG_KPROBES off)" :
				    "this kernel cannot run them (probecost list says why)";

		for (size_t i = 0; i < a->nkguest; i++)
			snprintf(kern + strlen(kern), sizeof(kern) - strlen(kern), "%s%s",
				 i ? ", " : "", a->kguest[i]->name);
		if (nm)
			snprintf(what, sizeof(what), "the %zu module mechanism%s", nm,
				 nm == 1 ? "" : "s");
		if (a->nkguest)
			snprintf(what + strlen(what), sizeof(what) - strlen(what), "%s%s",
				 what[0] ? " and " : "", kern);
		if (a->probe_guest)
			snprintf(what + strlen(what), sizeof(what) - strlen(what),
				 "%sthe point %s", what[0] ? " and " : "", a->probe);
		putchar('\n');
		say("probecost run: %s run%s in a QEMU guest (Debian %s kernel, TCG%s%s): %s",
		    what, one ? "s" : "", a->series,
		    a->deterministic ? ", -icount shift=0: costs in instructions" : "",
		    beside ? "; booting now, beside the host measurement" : "", cause);
	}
	fflush(stdout);
	if (e->out.res) {
		pc_results_meta(e->out.res, "vm_series", a->series);
		pc_results_meta(e->out.res, "vm_deterministic", a->deterministic ? "yes" : "no");
		pc_results_meta(e->out.res, "vm_beside_host", how);
	}
	ret = pc_guest_start(g, &req, why, sizeof(why));
	if (ret == PC_ERR_UNSUPPORTED) {
		for (size_t i = 0; i < a->nmechs; i++)
			if (guest_bound(a, a->mechs[i]))
				pc_sink_status(&e->out, a->mechs[i],
					       pc_engine_states(e, a->mechs[i]), "unsupported", why);
		return PC_OK;
	}
	if (ret != PC_OK)
		fprintf(stderr, "probecost run: guest: %s\n", why);
	return ret;
}

/* Wait for the guest start_guest() booted and merge its rows. */
static int finish_guest(struct pc_engine *e, struct run_args *a, struct pc_guest *g)
{
	char why[512];
	int ret;

	if (g->pid <= 0)
		return PC_OK;
	ret = pc_guest_finish(g, &e->out, e->mt.stop, why, sizeof(why));
	if (ret == PC_ERR_UNSUPPORTED) {
		for (size_t i = 0; i < a->nmechs; i++)
			if (guest_bound(a, a->mechs[i]))
				pc_sink_status(&e->out, a->mechs[i],
					       pc_engine_states(e, a->mechs[i]), "unsupported", why);
		return PC_OK;
	}
	if (ret != PC_OK && ret != PC_ERR_INTR)
		fprintf(stderr, "probecost run: guest: %s\n", why);
	/* a guest that left nothing: its mechanisms' rows say so, never missing */
	if (ret != PC_OK && ret != PC_ERR_INTR && !g->merged)
		for (size_t i = 0; i < a->nmechs; i++)
			if (guest_bound(a, a->mechs[i]))
				pc_sink_status(&e->out, a->mechs[i],
					       pc_engine_states(e, a->mechs[i]), "failed", why);
	return ret;
}

/* Clean up what a killed earlier run left armed, and say so. */
static void reap_leftovers(const struct run_args *a)
{
	for (size_t i = 0; i < a->nmechs; i++) {
		const struct pc_mech *m = a->mechs[i];
		char report[512] = "";

		if (m->reap && m->reap(m, report, sizeof(report)) == PC_OK && report[0])
			fprintf(stderr, "probecost run: %s: %s\n", m->name, report);
	}
}

/*
 * An interrupted run keeps its directory and says so in a file next to
 * its rows, which report and compare look for (besides meta's status).
 */
static void mark_interrupted(const struct pc_results *res)
{
	char path[PATH_MAX + 16];
	FILE *f;

	snprintf(path, sizeof(path), "%s/INTERRUPTED", res->dir);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "probecost run: cannot write %s: %s\n", path, strerror(errno));
		return;
	}
	fprintf(f, "run %s was interrupted by %s: its rows are the completed ones only\n",
		res->run_id, sig_name(stop_signal));
	fclose(f);
}

/*
 * The answer on one screen: the compact summary, read back from the files
 * just written (so it is what the report will say); each reason for what
 * was not measured with @reasons (--verbose, or a run that measured
 * nothing at all; always in report.txt).
 */
static void console_summary(const char *dir, bool reasons)
{
	struct pc_run run;
	struct pc_doc d;
	char err[512];

	if (pc_run_load(dir, 0, &run, err, sizeof(err)) != PC_OK) {
		fprintf(stderr, "probecost run: no summary: %s\n", err);
		return;
	}
	pc_doc_init(&d);
	pc_summary(&d, &run, true);
	if (reasons)
		pc_summary_not_measured(&d, &run);
	putchar('\n');
	if (pc_doc_write_text(&d, stdout, CONSOLE_WIDTH) != PC_OK)
		fprintf(stderr, "probecost run: no summary: out of memory\n");
	pc_doc_free(&d);
	pc_run_free(&run);
}

/*
 * Measure what @a asks for. A run that completes sets @status to its own
 * exit status: PC_EXIT_SIGNAL() when interrupted, PC_EXIT_MECH_FAILED
 * when a mechanism failed, else 0; the code returned is then PC_OK or
 * the failure to write the results.
 */
static int measure(struct run_args *a, int argc, char **argv, int *status)
{
	struct pc_results res;
	struct pc_engine e;
	struct printer pr = { 0 };
	struct pc_progress prog;
	struct pc_actx ac;
	struct pc_rider rider;
	unsigned int an;
	struct pc_topo tp;
	struct sigaction sa;
	char why[512];
	int ret, wret = PC_OK, os, logical;
	bool any_failed = false, guest, vm_tried = false;
	char how[160];
	cpu_set_t others;	/* the PUs we may run on, less the measuring one */
	struct pc_guest vm = { .pid = -1 };
	size_t nmod;

	join_cmdline(a->cmdline, sizeof(a->cmdline), argc, argv);
	/*
	 * First: a signal from here on stops the run at the next
	 * measurement, with its files renamed into place, instead of
	 * killing it with *.part files left behind.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* a dropped ssh session ends the run as ^C would, cleaned up */
	sigaction(SIGHUP, &sa, NULL);
	/*
	 * A closed pipe on stdout (run | head) must not kill the run with a
	 * probe armed and a guest running: the console is lost, the run and
	 * its files are not.
	 */
	signal(SIGPIPE, SIG_IGN);

	ret = pc_topo_init(&tp);
	if (ret != PC_OK) {
		fprintf(stderr, "probecost run: hwloc could not load the machine topology\n");
		return ret;
	}
	ret = pc_topo_pick(&tp, a->cpu, &os, &logical, why, sizeof(why));
	if (ret != PC_OK) {
		fprintf(stderr, "probecost run: %s\n", why);
		pc_topo_fini(&tp);
		return ret;
	}

	memset(&e, 0, sizeof(e));
	e.cfg.repeats = (unsigned int)a->repeats;
	e.cfg.warmup = (unsigned int)a->warmup;
	e.cfg.states = a->states;
	e.cfg.opts.payload = (uint32_t)a->payload;
	e.cfg.opts.cpu = os;
	e.mt.events = a->events;
	e.mt.target = a->quick ? QUICK_TARGET_NS : DEFAULT_TARGET_NS;
	e.mt.stop = &stop_signal;
	e.out.where = pc_in_guest() ? "guest" : NULL;
	e.out.on_row = print_row;
	e.out.arg = &pr;
	e.on_progress = pc_progress_engine;
	e.progress_arg = &prog;
	pr.prog = &prog;
	pr.verbose = a->verbose;
	ac = (struct pc_actx){ .e = &e, .topo = &tp, .prog = &prog, .quick = a->quick,
			       .narmed = a->narmed };
	memcpy(ac.armed, a->armed, sizeof(ac.armed));

	/*
	 * A bad output place is bad input, whatever the cause: refused
	 * before measuring, exit 2.
	 */
	ret = pc_results_open(&res, "results", a->out, why, sizeof(why));
	if (ret != PC_OK) {
		fprintf(stderr, "probecost run: %s\n", why);
		pc_topo_fini(&tp);
		return PC_ERR_INVAL;
	}
	e.out.res = &res;

	/* before binding to @os narrows our affinity to it */
	CPU_ZERO(&others);
	sched_getaffinity(0, sizeof(others), &others);
	if (os >= 0 && os < CPU_SETSIZE)
		CPU_CLR(os, &others);
	ret = pc_topo_bind(&tp, os, why, sizeof(why));
	if (ret != PC_OK) {
		fprintf(stderr, "probecost run: %s\n", why);
		goto out;
	}
	ret = pc_timer_init(&e.mt.timer, a->timer);
	if (ret != PC_OK) {
		fprintf(stderr, "probecost run: timer: %s\n", e.mt.timer.why);
		goto out;
	}
	if (e.mt.timer.kind == PC_TIMER_ICOUNT)
		e.mt.target = ICOUNT_TARGET_INSNS;
	open_counters(&e, a->no_counters);
	write_meta(&res, a, &e, &tp, os, logical);

	if (!pc_is_root())
		fprintf(stderr, "probecost run: not root (uid %d): uprobes, tracefs events and the kernel module need root; those mechanisms are reported unsupported, the others run\n",
			(int)getuid());
	reap_leftovers(a);
	say("probecost %s: run %s on PU os=%d logical=%d; timer %s (%s); counters: %s",
	    PC_VERSION, res.run_id, os, logical, e.mt.timer.backend, e.mt.timer.unit,
	    e.mt.hw.nr ? "pmu" : e.mt.hw.why);
	if (a->opt_in[0])
		say("opt-in, not run: %s; %s", a->opt_in,
		    a->mech_set ? "a tracer's opt-in entries run when --tracer names it" :
				  "name it with --mech or --tracer");
	guest = use_guest(a, &nmod);
	if (guest && !stop_signal && guest_beside(a, &others, how, sizeof(how))) {
		vm_tried = true;
		if (start_guest(&e, a, nmod, os, &others, &vm, true, how) != PC_OK)
			any_failed = true;
	}
	pc_progress_init(&prog, 0);
	for (size_t i = 0; i < a->nmechs; i++)
		if (!guest || !guest_bound(a, a->mechs[i]))
			prog.total += 1 + (a->mechs[i]->flags & PC_MECH_PER_HIT ? 0 :
					   pc_analyses_units(a->mechs[i], a->analyses));
	pc_progress_init(&prog, prog.total);
	for (size_t i = 0; i < a->nmechs; i++) {
		if (guest && guest_bound(a, a->mechs[i]))
			continue;
		/* the analyses measure a site per fire; a probe point's fire is a workload run */
		an = a->mechs[i]->flags & PC_MECH_PER_HIT ? 0 : a->analyses;
		/* fewer repeats for the main measurement and its rider alone */
		e.cfg.repeats = entry_repeats(a, a->mechs[i]);
		ret = pc_analyses_ride(&ac, a->mechs[i], an, &rider);
		if (ret == PC_OK)
			ret = pc_engine_run_with(&e, a->mechs[i], &rider);
		e.cfg.repeats = (unsigned int)a->repeats;
		pc_progress_next(&prog);
		if (ret == PC_OK && an)
			ret = pc_analyses_run(&ac, a->mechs[i], an);
		pc_analyses_unride(&ac);
		if (ret == PC_ERR_INTR)
			break;
		if (ret != PC_OK) {
			fprintf(stderr, "probecost run: %s: %s\n", a->mechs[i]->name,
				pc_strerror(ret));
			any_failed = true;
		}
	}
	pc_progress_clear(&prog);
	/* not beside: the guest's whole run now, after the host's */
	if (guest && !stop_signal && !vm_tried &&
	    start_guest(&e, a, nmod, os, NULL, &vm, false, how) != PC_OK)
		any_failed = true;
	/* after a signal too: finish kills the guest rather than leave it */
	if (vm.pid > 0) {
		if (!stop_signal && vm_tried) {
			printf("probecost run: waiting for the guest\n");
			fflush(stdout);
		}
		ret = finish_guest(&e, a, &vm);
		if (ret != PC_OK && ret != PC_ERR_INTR)
			any_failed = true;
	}
	if (!stop_signal && !pr.measured) {
		fprintf(stderr, "probecost run: nothing at all could be measured (the reasons are below)\n");
		any_failed = true;
	}
	if (stop_signal) {
		meta(&res, "status", "interrupted");
		*status = PC_EXIT_SIGNAL(stop_signal);
		mark_interrupted(&res);
	} else {
		meta(&res, "status", any_failed ? "failed" : "complete");
		*status = any_failed ? PC_EXIT_MECH_FAILED : 0;
	}
	utc_now(why, sizeof(why));
	meta(&res, "finished_utc", why);
	ret = PC_OK;
out:
	if (a->loaded_module && pc_module_unload(why, sizeof(why)) != PC_OK)
		fprintf(stderr, "probecost run: %s: the module stays loaded\n", why);
	pc_group_close(&e.mt.hw);
	pc_group_close(&e.mt.sw);
	/* results/latest is for a run one can read as a whole: never a torn one */
	if (pc_results_close(&res, true, !stop_signal && ret == PC_OK) != PC_OK) {
		fprintf(stderr, "probecost run: writing results in %s failed\n", res.dir);
		wret = PC_ERR_IO;
	}
	pc_topo_fini(&tp);
	if (ret != PC_OK)
		return ret;
	if (wret == PC_OK)
		console_summary(res.dir, a->verbose || !pr.measured);
	if (stop_signal)
		fprintf(stderr, "probecost run: interrupted by %s: kept %" PRIu64 " completed rows and %" PRIu64 " samples in %s (marked INTERRUPTED; results/latest not moved)\n",
			sig_name(stop_signal), res.rows, res.samples, res.dir);
	else
		/* the directory whole on its line, to paste */
		printf("\nresults: %s\n  (%" PRIu64 " rows; every row: run --verbose, or probecost report on it)\n",
		       res.dir, res.rows);
	return wret;
}

int cmd_run(int argc, char **argv)
{
	struct run_args a;
	int status = 0;
	int ret = parse_args(&a, argc, argv);

	if (ret == PC_OK && !a.help)
		ret = measure(&a, argc, argv, &status);
	/* a completed run's own status outranks failing to write its results */
	return status ? status : pc_exit_status(ret);
}
