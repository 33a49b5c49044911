// SPDX-License-Identifier: MIT
/*
 * `probecost info`: the facts a reader needs to trust (or distrust) a
 * result from this machine, and what limits what can be measured here.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "counters.h"
#include "errors.h"
#include "opts.h"
#include "sysinfo.h"
#include "timer.h"
#include "topo.h"
#include "version.h"

static void info_usage(FILE *f)
{
	fprintf(f, "usage: probecost info\n\n"
		   "Prints CPU model, topology and caches (hwloc), kernel release and the\n"
		   "config options that decide which mechanisms can run, lockdown,\n"
		   "perf_event_paranoid, which hardware events open (and the errno when\n"
		   "not), the tracefs mount point and the timing backend runs will use.\n\n"
		   "  --help    this text\n");
}

static void section(const char *name)
{
	printf("\n%s\n", name);
}

static void kv(const char *k, const char *v)
{
	printf("  %-24s %s\n", k, v);
}

static void print_kernel(void)
{
	char buf[256];
	const char *src = pc_kconfig_source();

	section("kernel");
	pc_kernel_release(buf, sizeof(buf));
	kv("release", buf);
	kv("config read from", src ? src : "nowhere (no /proc/config.gz or /boot/config-*): options show ?");
	for (int i = 0; pc_kconfig_keys[i]; i++) {
		char key[64];

		snprintf(key, sizeof(key), "CONFIG_%s", pc_kconfig_keys[i]);
		kv(key, pc_kconfig(pc_kconfig_keys[i]));
	}
	pc_lockdown(buf, sizeof(buf));
	kv("lockdown", buf);
	snprintf(buf, sizeof(buf), "%d%s", pc_perf_paranoid(),
		 pc_perf_paranoid() > 1 && !pc_is_root() ?
		 " (kernel-mode counting needs root or <= 1)" : "");
	kv("perf_event_paranoid", buf);
	kv("running as", pc_is_root() ? "root" : "non-root: arming probes and loading modules need root");
	kv("in probecost guest", pc_in_guest() ? "yes" : "no");
	{
		const char *t = pc_tracefs(false);

		kv("tracefs", t ? t : "not mounted (probecost run mounts it at /sys/kernel/tracing as root)");
	}
}

static void probe_line(const char *event, int *ok)
{
	char why[256], line[300];
	const char *p;

	if (pc_event_probe(event, why, sizeof(why)) == PC_OK) {
		kv(event, "opens");
		if (ok)
			(*ok)++;
		return;
	}
	/* why starts with the event name again: drop it */
	p = strchr(why, ':');
	snprintf(line, sizeof(line), "no: %s", p ? p + 2 : why);
	kv(event, line);
}

static void print_counters(void)
{
	char why[256];
	int ok = 0;

	section("hardware counters (libpfm4 -> perf_event_open, user+kernel)");
	if (pc_pfm_init(why, sizeof(why)) != PC_OK) {
		kv("libpfm4", why);
		return;
	}
	for (int i = 0; pc_hw_events[i]; i++)
		probe_line(pc_hw_events[i], &ok);
	section("software counters");
	for (int i = 0; pc_sw_events[i]; i++)
		probe_line(pc_sw_events[i], NULL);
	if (!ok)
		printf("  => no hardware PMU events: runs time with the timer below; cache\n"
		       "     impact comes from the victim method, not from miss counters\n");
}

static int info_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pc_topo tp;
	struct pc_timer tm;
	char buf[512];
	int c, ret;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		if (c == 'h') {
			info_usage(stdout);
			return PC_OK;
		}
		return pc_opt_bad("info", lo, argv, optind, optopt, c);
	}
	ret = pc_opt_no_args("info", argc, argv, optind);
	if (ret != PC_OK)
		return ret;

	printf("probecost %s (%s)\n", PC_VERSION, pc_git_rev);
	section("cpu");
	pc_cpu_model(buf, sizeof(buf));
	kv("model", buf);
	if (pc_topo_init(&tp) == PC_OK) {
		int os, logical;

		pc_topo_summary(&tp, buf, sizeof(buf));
		kv("topology (hwloc)", buf);
		if (pc_topo_pick(&tp, -1, &os, &logical, buf, sizeof(buf)) == PC_OK) {
			snprintf(buf, sizeof(buf), "PU os=%d logical=%d (override with --cpu)",
				 os, logical);
			kv("runs bind to", buf);
		}
		pc_topo_fini(&tp);
	} else {
		kv("topology (hwloc)", "hwloc could not load the topology");
	}
	print_kernel();
	print_counters();

	section("timing backend");
	if (pc_timer_init(&tm, PC_NR_TIMERS) == PC_OK) {
		kv("backend", tm.backend);
		kv("unit", tm.unit);
		if (tm.kind == PC_TIMER_TSC) {
			snprintf(buf, sizeof(buf), "%.3f MHz (vs CLOCK_MONOTONIC_RAW)", tm.tsc_mhz);
			kv("TSC calibrated", buf);
		}
		kv("why", tm.why);
	} else {
		kv("backend", tm.why);
	}
	return PC_OK;
}

int cmd_info(int argc, char **argv)
{
	return pc_exit_status(info_main(argc, argv));
}
