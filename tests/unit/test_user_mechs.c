// SPDX-License-Identifier: MIT
/*
 * The user-space and live-kernel mechanisms, driven through their ops:
 * for each state, the hits the instrumentation itself counted (the perf
 * count, the ring-buffer entries, the in-process ring) must be n when
 * enabled or recording and 0 when absent or disabled; after teardown,
 * uprobe_events, kprobe_events and the tracefs instances must be exactly
 * as they were. A mechanism this machine cannot run is skipped with its
 * reason. Also: a recorded uprobe event carries the payload bytes, and
 * the reaper removes a dead run's leftovers but not a live run's.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errors.h"
#include "ktap.h"
#include "mech.h"
#include "registry.h"
#include "sysinfo.h"
#include "tracefs.h"

static const char *const mechs[] = {
	"user-branch", "usdt", "usdt-nop5", "usdt-nop10", "user-static-key",
	"uprobe-nop", "uprobe-nop5", "uprobe-nop10", "uprobe-push", "uprobe-ret",
	"uretprobe", "syscall-tracepoint",
	"ftrace-function", "live-kprobe",
};
#define NR_MECHS (sizeof(mechs) / sizeof(mechs[0]))
#define CHECKS_PER_MECH (PC_NR_STATES + 1)

static const struct pc_opts opts = { .payload = 64, .cpu = -1 };

/* Append the lines of @text that name this process's group or instances. */
static void ours(char *buf, size_t len, const char *what, const char *text)
{
	char grp[64], inst[64];
	const char *p = text;

	snprintf(grp, sizeof(grp), "probecost_%d/", (int)getpid());
	snprintf(inst, sizeof(inst), "probecost-%d-", (int)getpid());
	while (*p) {
		size_t n = strcspn(p, "\n");
		char line[1024];

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		if (strstr(line, grp) || !strncmp(line, inst, strlen(inst)))
			snprintf(buf + strlen(buf), len - strlen(buf), "%s %s\n", what, line);
		p += n + (p[n] == '\n');
	}
}

/*
 * What this process may leave behind, as one string to compare: its own
 * event group and instances only, so another probecost run on the
 * machine cannot make this test fail or pass.
 */
static void snapshot(char *buf, size_t len)
{
	const char *root = pc_tracefs(false);
	char path[512], tmp[8192];
	struct dirent *d;
	DIR *dp;

	buf[0] = '\0';
	if (!root)
		return;
	snprintf(path, sizeof(path), "%s/uprobe_events", root);
	if (pc_read_file(path, tmp, sizeof(tmp)) == PC_OK)
		ours(buf, len, "uprobe_events", tmp);
	snprintf(path, sizeof(path), "%s/kprobe_events", root);
	if (pc_read_file(path, tmp, sizeof(tmp)) == PC_OK)
		ours(buf, len, "kprobe_events", tmp);
	snprintf(path, sizeof(path), "%s/instances", root);
	dp = opendir(path);
	while (dp && (d = readdir(dp)))
		ours(buf, len, "instance", d->d_name);
	if (dp)
		closedir(dp);
}

static uint64_t n_for(const char *name)
{
	/* the single-stepped sites trap twice a hit */
	return !strcmp(name, "uprobe-ret") || strstr(name, "nop10") ? 300 : 2000;
}

static void test_mech(const char *name)
{
	const struct pc_mech *m = pc_registry_find(name);
	struct pc_inst in = { .mech = m, .opts = &opts };
	char why[256], before[8192], after[8192];
	uint64_t n = n_for(name);
	int ret;

	if (!m) {
		for (int i = 0; i < CHECKS_PER_MECH; i++)
			KTAP_OK(0, "%s is registered", name);
		return;
	}
	if (pc_mech_available(m, why, sizeof(why)) != PC_OK) {
		for (int i = 0; i < CHECKS_PER_MECH; i++)
			ktap_skip(why, name);
		return;
	}
	snapshot(before, sizeof(before));
	ret = m->setup ? m->setup(&in) : PC_OK;
	for (int st = 0; st < PC_NR_STATES; st++) {
		struct pc_fire f = { .hits = PC_HITS_UNKNOWN };
		/* enabled, recording: one hit an event; filtered: the probe ran each time */
		uint64_t want = st >= PC_ENABLED ? n : 0;

		if (ret != PC_OK) {
			KTAP_OK(0, "%s setup: %s", name, in.why);
			continue;
		}
		if (!(m->states & PC_ST(st))) {
			ktap_skip("state not offered", name);
			continue;
		}
		in.why[0] = '\0';
		if (m->arm(&in, st) != PC_OK) {
			KTAP_OK(0, "%s %s: arm failed: %s", name, pc_state_name(st), in.why);
			m->disarm(&in);
			continue;
		}
		if (pc_mech_fire(&in, n, &f) != PC_OK)
			f.hits = PC_HITS_UNKNOWN - 1;
		/*
		 * A filtered tracepoint event keeps no count of its runs
		 * (unknown); its count op failing is what would say an
		 * event got through the filter.
		 */
		KTAP_OK(f.hits == want || (st == PC_FILTERED && f.hits == PC_HITS_UNKNOWN),
			"%s %s: %llu hits counted for %llu events (want %llu)%s%s",
			name, pc_state_name(st), (unsigned long long)f.hits,
			(unsigned long long)n, (unsigned long long)want, in.why[0] ? ": " : "",
			in.why);
		m->disarm(&in);
	}
	if (m->teardown)
		m->teardown(&in);
	snapshot(after, sizeof(after));
	KTAP_OK(!strcmp(before, after), "%s: uprobe/kprobe events and instances as before", name);
	if (strcmp(before, after))
		ktap_diag("before:\n%s\nafter:\n%s", before, after);
}

/* A recorded uprobe event must carry pc_payload: bytes 0, 1, 2 ... */
static void test_payload(void)
{
	const struct pc_mech *m = pc_registry_find("uprobe-nop");
	struct pc_inst in = { .mech = m, .opts = &opts };
	char why[256], path[512], line[1024];
	struct pc_fire f;
	bool seen = false;
	FILE *fp;

	if (!m || pc_mech_available(m, why, sizeof(why)) != PC_OK) {
		ktap_skip(m ? why : "no uprobe-nop", "recorded uprobe payload");
		return;
	}
	if (m->setup(&in) == PC_OK && m->arm(&in, PC_RECORDING) == PC_OK) {
		pc_mech_fire(&in, 3, &f);
		snprintf(path, sizeof(path), "%s/instances/probecost-%d-uprobe_nop/trace",
			 pc_tracefs(false), (int)getpid());
		fp = fopen(path, "r");
		while (fp && fgets(line, sizeof(line), fp))
			if (strstr(line, "p0={0x706050403020100,0xf0e0d0c0b0a0908,"))
				seen = true;
		if (fp)
			fclose(fp);
	}
	m->disarm(&in);
	m->teardown(&in);
	KTAP_OK(seen, "a recorded uprobe-nop event carries the payload pattern");
}

/* Leftovers of a dead pid are reaped; those of a live pid are kept. */
static void test_reap(void)
{
	char why[256], report[1024], def[256], group[64], dead_inst[300], live_inst[300];
	struct pc_tracefs_inst ti = { "" };
	const char *root = pc_tracefs(true);
	pid_t dead = fork();

	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	if (!root || !pc_is_root() || access(root, W_OK) < 0) {
		ktap_skip("needs root and tracefs", "reap dead run's leftovers");
		ktap_skip("needs root and tracefs", "reap keeps a live run's");
		return;
	}
	snprintf(dead_inst, sizeof(dead_inst), "%s/instances/probecost-%d-t", root, (int)dead);
	mkdir(dead_inst, 0700);
	snprintf(group, sizeof(group), "probecost_%d", (int)dead);
	snprintf(def, sizeof(def), "p:%s/t /proc/self/exe:0x1000", group);
	pc_tracefs_dynevent_add("uprobe_events", def, why, sizeof(why));
	pc_tracefs_instance_create(&ti, "live", 16, why, sizeof(why));
	snprintf(live_inst, sizeof(live_inst), "%s", ti.path);

	pc_tracefs_reap(report, sizeof(report));
	KTAP_OK(access(dead_inst, F_OK) < 0 && strstr(report, "probecost-") &&
		!pc_tracefs_dynevent_exists("uprobe_events", group, "t") &&
		strstr(report, "/t from uprobe_events"),
		"a dead run's instance and uprobe event are reaped and reported: %s", report);
	KTAP_OK(access(live_inst, F_OK) == 0, "a live run's instance is kept");
	pc_tracefs_instance_remove(&ti);
}

int main(void)
{
	pc_tracefs(pc_is_root());	/* mounted before the first snapshot */
	ktap_plan((int)(NR_MECHS * CHECKS_PER_MECH) + 3);
	for (size_t i = 0; i < NR_MECHS; i++)
		test_mech(mechs[i]);
	test_payload();
	test_reap();
	return ktap_finish();
}
