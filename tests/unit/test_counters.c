// SPDX-License-Identifier: MIT
/*
 * The counter-group read path, exercised with software events (which
 * every kernel has): group read format, time_enabled/time_running, and
 * deltas that must follow what the test did, also while another process
 * opens and closes perf events (the case that broke grouped software
 * events on 6.18). The hardware group is tested where it opens and
 * skipped, with the reason, where it does not.
 */
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
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

/* Another perf user: forks, and opens and closes task-clock-led groups. */
static pid_t start_churn(void)
{
	static const char *const led[] = { "task-clock", "page-faults", NULL };
	pid_t pid = fork();

	if (pid)
		return pid;
	/* never outlive the test, whatever becomes of it */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	alarm(60);
	for (;;) {
		struct pc_group g;
		pid_t kid = fork();

		if (!kid)
			_exit(0);
		if (pc_group_open(&g, led) == PC_OK)
			pc_group_close(&g);
		waitpid(kid, NULL, 0);
	}
}

/*
 * Fresh sets, each through a spin, page touches and a sleep: every set
 * must count all three, however the other process's events come and go.
 */
static int rounds_counted(int rounds, char *bad, size_t len)
{
	const struct timespec nap = { 0, 200000 };
	long page = sysconf(_SC_PAGESIZE);
	struct pc_counts a, b;
	struct pc_group g;

	for (int r = 0; r < rounds; r++) {
		uint64_t tc, pf, cs;
		char *mem;

		if (pc_group_open(&g, pc_sw_events) != PC_OK) {
			snprintf(bad, len, "round %d: %s", r, g.why);
			return 0;
		}
		mem = mmap(NULL, (size_t)page * 16, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		pc_group_read(&g, &a);
		spin_ms(1);
		for (int i = 0; mem != MAP_FAILED && i < 16; i++)
			mem[(long)i * page] = 1;
		nanosleep(&nap, NULL);
		pc_group_read(&g, &b);
		pc_group_close(&g);
		if (mem != MAP_FAILED)
			munmap(mem, (size_t)page * 16);
		tc = b.val[PC_SW_TASK_CLOCK] - a.val[PC_SW_TASK_CLOCK];
		pf = b.val[PC_SW_PAGE_FAULTS] - a.val[PC_SW_PAGE_FAULTS];
		cs = b.val[PC_SW_CTXSW] - a.val[PC_SW_CTXSW];
		/*
		 * Counted at all, not to the microsecond: the bug this
		 * guards against (a fresh set that the churn left unscheduled)
		 * counts 0. CI once saw 0.48 ms of task-clock for this 1 ms
		 * spin of thread CPU time on a loaded 2-PU VM.
		 */
		if (tc < 250000 || pf < 16 || cs < 1) {
			snprintf(bad, len, "round %d: task-clock %.2f ms of 1, %llu of 16 faults, %llu switches",
				 r, tc / 1e6, (unsigned long long)pf, (unsigned long long)cs);
			return 0;
		}
	}
	snprintf(bad, len, "%d rounds", rounds);
	return 1;
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

	char what[320];
	pid_t churn;

	ktap_plan(10);
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
	/* 20 ms spun on this thread */
	KTAP_OK(c1.val[PC_SW_TASK_CLOCK] - c0.val[PC_SW_TASK_CLOCK] >= 15000000ull,
		"task-clock advanced %.1f ms over 20 ms of thread CPU time",
		(c1.val[PC_SW_TASK_CLOCK] - c0.val[PC_SW_TASK_CLOCK]) / 1e6);
	KTAP_OK(c1.val[PC_SW_PAGE_FAULTS] - c0.val[PC_SW_PAGE_FAULTS] >= 64,
		"page-faults counted the %llu touches of 64 fresh pages",
		(unsigned long long)(c1.val[PC_SW_PAGE_FAULTS] - c0.val[PC_SW_PAGE_FAULTS]));
	KTAP_OK(c1.enabled > c0.enabled && c1.running <= c1.enabled,
		"time_enabled advances and time_running <= time_enabled");
	KTAP_OK(!pc_counts_multiplexed(&c0, &c1), "software group is never multiplexed");
	pc_group_close(&g);

	churn = start_churn();
	KTAP_OK(rounds_counted(60, what, sizeof(what)),
		"while another process churns perf events, every fresh set counts its spin, faults and sleep (%s)",
		what);
	kill(churn, SIGKILL);
	waitpid(churn, NULL, 0);

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
