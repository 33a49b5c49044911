// SPDX-License-Identifier: MIT
/*
 * The counter-group read path, exercised with software events (which
 * every kernel has): group read format, time_enabled/time_running, and
 * deltas that must follow what the test did. The hardware group is
 * tested where it opens and skipped, with the reason, where it does not.
 */
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "counters.h"
#include "errors.h"
#include "ktap.h"

/* spin for @ms of this thread's CPU time, however long preemption makes it */
static void spin_ms(double ms)
{
	struct timespec a, b;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	do
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
	while ((b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6 < ms);
}

int main(void)
{
	const char *const too_many[] = {
		"task-clock", "task-clock", "task-clock", "task-clock", "task-clock",
		"task-clock", "task-clock", "task-clock", "task-clock", NULL,
	};
	const char *const bad[] = { "task-clock", "no-such-event", NULL };
	struct pc_counts c0, c1;
	struct pc_group g;
	long page = sysconf(_SC_PAGESIZE);
	char *mem;
	int ret;

	ktap_plan(9);
	ret = pc_group_open(&g, pc_sw_events);
	if (!KTAP_OK(ret == PC_OK && g.nr == 4, "software group opens 4 events (%s)", g.why))
		return ktap_finish();

	pc_group_read(&g, &c0);
	spin_ms(20);
	mem = mmap(NULL, (size_t)page * 64, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 64; i++)
		mem[(long)i * page] = 1;
	ret = pc_group_read(&g, &c1);
	munmap(mem, (size_t)page * 64);

	KTAP_OK(ret == PC_OK && c1.nr == 4, "group read returns all members");
	/* task-clock is val[0]; 20 ms spun on this thread */
	KTAP_OK(c1.val[0] - c0.val[0] >= 15000000ull,
		"task-clock advanced %.1f ms over 20 ms of thread CPU time", (c1.val[0] - c0.val[0]) / 1e6);
	KTAP_OK(c1.val[3] - c0.val[3] >= 64,
		"page-faults counted the %llu touches of 64 fresh pages",
		(unsigned long long)(c1.val[3] - c0.val[3]));
	KTAP_OK(c1.enabled > c0.enabled && c1.running <= c1.enabled,
		"time_enabled advances and time_running <= time_enabled");
	KTAP_OK(!pc_counts_multiplexed(&c0, &c1), "software group is never multiplexed");
	pc_group_close(&g);

	ret = pc_group_open(&g, too_many);
	KTAP_OK(ret == PC_ERR_INVAL && g.nr == 0, "more than %d events refused, nothing left open",
		PC_MAX_EVENTS);
	ret = pc_group_open(&g, bad);
	KTAP_OK(ret == PC_ERR_INVAL && g.nr == 0 && strstr(g.why, "no-such-event"),
		"a bad member closes the whole group and is named: %s", g.why);

	ret = pc_group_open(&g, pc_hw_events);
	if (ret != PC_OK) {
		ktap_skip(g.why, "hardware group counts instructions");
	} else {
		pc_group_read(&g, &c0);
		spin_ms(5);
		pc_group_read(&g, &c1);
		KTAP_OK(c1.val[1] - c0.val[1] > 1000000ull,
			"hardware group counts instructions (%llu in 5 ms)",
			(unsigned long long)(c1.val[1] - c0.val[1]));
		pc_group_close(&g);
	}
	return ktap_finish();
}
