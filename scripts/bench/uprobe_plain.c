// SPDX-License-Identifier: MIT
/*
 * The independent check of probecost's uprobe-nop figure: a plain loop
 * timed around a perf_event_open uprobe, sharing no code with probecost.
 * Prints the median per-hit cost over R rounds, in ns:
 *
 *	uprobe_plain [N [R]]
 *
 * Each round times N calls of a function whose first instruction is a
 * 1-byte nop, unprobed and then with a counting uprobe attached at its
 * file offset in /proc/self/exe; the difference divided by N is the
 * per-hit cost. The count is checked to be N.
 */
#define _GNU_SOURCE
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

__asm__(".text\n.globl plain_target\n.type plain_target, @function\n"
	"plain_target:\n nop\n ret\n.size plain_target, . - plain_target\n");
void plain_target(void);

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double loop_ns(long n)
{
	double t0 = now_ns();

	for (long i = 0; i < n; i++)
		plain_target();
	return now_ns() - t0;
}

static uint64_t file_offset(const void *addr)
{
	unsigned long long s, e, o;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx-%llx %*s %llx", &s, &e, &o) == 3 &&
		    (uintptr_t)addr >= s && (uintptr_t)addr < e) {
			fclose(f);
			return (uintptr_t)addr - s + o;
		}
	fprintf(stderr, "uprobe_plain: target not mapped\n");
	exit(1);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000;
	int rounds = argc > 2 ? atoi(argv[2]) : 31;
	double *per = calloc((size_t)rounds, sizeof(double));
	struct perf_event_attr a;
	char buf[32];
	FILE *t = fopen("/sys/bus/event_source/devices/uprobe/type", "r");

	if (!t || !fgets(buf, sizeof(buf), t) || !per) {
		fprintf(stderr, "uprobe_plain: no uprobe PMU\n");
		return 1;
	}
	fclose(t);
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = (uint32_t)atoi(buf);
	a.uprobe_path = (uint64_t)(uintptr_t)"/proc/self/exe";
	a.probe_offset = file_offset((void *)plain_target);
	for (int r = 0; r < rounds; r++) {
		uint64_t count = 0;
		double base, probed;
		int fd;

		base = loop_ns(n);
		fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
		if (fd < 0) {
			perror("uprobe_plain: perf_event_open");
			return 1;
		}
		plain_target();		/* the cold first hit stays out */
		ioctl(fd, PERF_EVENT_IOC_RESET, 0);
		probed = loop_ns(n);
		if (read(fd, &count, sizeof(count)) != sizeof(count) || count != (uint64_t)n) {
			fprintf(stderr, "uprobe_plain: counted %llu hits, expected %ld\n",
				(unsigned long long)count, n);
			return 1;
		}
		close(fd);
		per[r] = (probed - base) / (double)n;
	}
	qsort(per, (size_t)rounds, sizeof(double), cmp);
	printf("%.1f\n", per[rounds / 2]);
	return 0;
}
