// SPDX-License-Identifier: MIT
/*
 * libpfm4 encodes the generic event names into the perf_event_attr the
 * kernel expects, for user and kernel mode. This needs no PMU: libpfm's
 * "perf" table encodes generic events on any machine.
 */
#include <string.h>

#include <linux/perf_event.h>

#include "counters.h"
#include "errors.h"
#include "ktap.h"

#define CACHE(id, op, res) \
	((id) | (PERF_COUNT_HW_CACHE_OP_##op << 8) | (PERF_COUNT_HW_CACHE_RESULT_##res << 16))

static const struct {
	const char *name;
	__u32 type;
	__u64 config;
	int line;
} cases[] = {
	{ "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, __LINE__ },
	{ "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, __LINE__ },
	{ "branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES, __LINE__ },
	{ "L1-dcache-load-misses", PERF_TYPE_HW_CACHE,
	  CACHE(PERF_COUNT_HW_CACHE_L1D, READ, MISS), __LINE__ },
	{ "L1-icache-load-misses", PERF_TYPE_HW_CACHE,
	  CACHE(PERF_COUNT_HW_CACHE_L1I, READ, MISS), __LINE__ },
	{ "LLC-load-misses", PERF_TYPE_HW_CACHE,
	  CACHE(PERF_COUNT_HW_CACHE_LL, READ, MISS), __LINE__ },
	{ "task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, __LINE__ },
	{ "context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, __LINE__ },
	{ "cpu-migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, __LINE__ },
	{ "page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, __LINE__ },
};

#define NR_CASES (sizeof(cases) / sizeof(cases[0]))

int main(void)
{
	struct perf_event_attr a;
	char why[256];
	size_t listed = 0;
	int ret;

	ktap_plan((int)NR_CASES + 2);
	for (size_t i = 0; i < NR_CASES; i++) {
		ret = pc_event_encode(cases[i].name, &a, why, sizeof(why));
		KTAP_OK(ret == PC_OK && a.type == cases[i].type && a.config == cases[i].config &&
			!a.exclude_kernel && !a.exclude_user && a.size == sizeof(a),
			"%s -> type %u config %#llx, user+kernel (row line %d)", cases[i].name,
			cases[i].type, (unsigned long long)cases[i].config, cases[i].line);
	}
	ret = pc_event_encode("no-such-event-xyz", &a, why, sizeof(why));
	KTAP_OK(ret == PC_ERR_INVAL && strstr(why, "no-such-event-xyz"),
		"unknown name refused, named in the message: %s", why);

	/* every event the harness opens is covered by a row above */
	for (int i = 0; pc_hw_events[i]; i++)
		for (size_t j = 0; j < NR_CASES; j++)
			listed += !strcmp(pc_hw_events[i], cases[j].name);
	for (int i = 0; pc_sw_events[i]; i++)
		for (size_t j = 0; j < NR_CASES; j++)
			listed += !strcmp(pc_sw_events[i], cases[j].name);
	KTAP_OK(listed == 10, "all 6 hardware and 4 software events the harness uses are tested");
	return ktap_finish();
}
