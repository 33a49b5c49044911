// SPDX-License-Identifier: MIT
/*
 * pcdev: drives /dev/probecost directly, inside the QEMU guest, for the
 * tests the harness cannot express. Prints KTAP; exit 0 pass, 1 fail.
 *
 *   pcdev restore        per mechanism: verify, invert, verify, restore
 *                        (hits and the kprobes list follow every arm and
 *                        disarm), after lib/test_static_keys.c
 *   pcdev bad            a table of malformed ioctls, each with the errno
 *                        it must get; a second open must get EBUSY
 *   pcdev armall         arm every mechanism, say "armed", wait to be
 *                        killed (the caller then checks close and rmmod)
 *   pcdev fuzz SEED N    N random and boundary ioctls; prints the seed;
 *                        passes when nothing but the documented errnos
 *                        come back (the caller checks dmesg afterwards)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ktap.h"
#include "probecost_abi.h"

#define N_EVENTS 1000

static int dev_open(void)
{
	int fd = open(PROBECOST_DEVICE, O_RDWR);

	if (fd < 0) {
		printf("Bail out! open %s: %s\n", PROBECOST_DEVICE, strerror(errno));
		exit(1);
	}
	return fd;
}

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? errno : 0;
}

static int get_info(int fd, uint32_t mech, struct probecost_info *in)
{
	memset(in, 0, sizeof(*in));
	in->size = sizeof(*in);
	in->mech = mech;
	return xioctl(fd, PROBECOST_IOC_INFO, in);
}

static int arm(int fd, uint32_t mech, uint32_t state)
{
	struct probecost_arm a = { .size = sizeof(a), .mech = mech, .state = state,
				   .payload = 16 };

	return xioctl(fd, PROBECOST_IOC_ARM, &a);
}

static int disarm(int fd, uint32_t mech)
{
	struct probecost_disarm d = { .size = sizeof(d), .mech = mech };

	return xioctl(fd, PROBECOST_IOC_DISARM, &d);
}

static long long hits(int fd, uint32_t mech)
{
	struct probecost_run r = { .size = sizeof(r), .mech = mech, .n = N_EVENTS };

	if (xioctl(fd, PROBECOST_IOC_RUN, &r))
		return -1;
	return (long long)r.hits;
}

/* Is any probe on @site in the kprobes list? -1 when unreadable. */
static int listed(const char *site)
{
	FILE *f = fopen("/sys/kernel/debug/kprobes/list", "r");
	char line[512], pat[80];
	int found = 0;

	if (!f)
		return -1;
	snprintf(pat, sizeof(pat), " %s+0x", site);
	while (fgets(line, sizeof(line), f))
		found |= strstr(line, pat) != NULL;
	fclose(f);
	return found;
}

static int is_kprobe(const struct probecost_info *in)
{
	return !strncmp(in->name, "kprobe", 6) || !strcmp(in->name, "kretprobe");
}

static int cmd_restore(void)
{
	int fd = dev_open();

	ktap_plan(PROBECOST_NR_MECHS * 6);
	for (uint32_t m = 0; m < PROBECOST_NR_MECHS; m++) {
		struct probecost_info in;
		int kp, ok;

		get_info(fd, m, &in);
		if (in.err) {
			for (int i = 0; i < 6; i++)
				ktap_skip(in.why, in.name);
			continue;
		}
		kp = is_kprobe(&in);
		ok = hits(fd, m) == 0;
		KTAP_OK(ok, "%s: unarmed: no hits", in.name);
		ok = arm(fd, m, PROBECOST_DISABLED) == 0 && hits(fd, m) == 0 &&
		     (!kp || listed(in.site) == 0);
		disarm(fd, m);
		KTAP_OK(ok, "%s: disabled: no hits, nothing in kprobes/list", in.name);
		ok = arm(fd, m, PROBECOST_ENABLED) == 0 && hits(fd, m) == N_EVENTS &&
		     (!kp || listed(in.site) == 1);
		KTAP_OK(ok, "%s: enabled: %d hits%s", in.name, N_EVENTS,
			kp ? ", listed in kprobes/list" : "");
		ok = disarm(fd, m) == 0 && hits(fd, m) == 0 && (!kp || listed(in.site) == 0);
		KTAP_OK(ok, "%s: disarmed: no hits, gone from kprobes/list", in.name);
		ok = arm(fd, m, PROBECOST_ENABLED) == 0 && hits(fd, m) == N_EVENTS;
		KTAP_OK(ok, "%s: enabled again: %d hits", in.name, N_EVENTS);
		ok = disarm(fd, m) == 0 && hits(fd, m) == 0 && (!kp || listed(in.site) == 0);
		KTAP_OK(ok, "%s: restored", in.name);
	}
	close(fd);
	return ktap_finish();
}

/* ---- malformed input ---- */

struct bad {
	int line;
	const char *what;
	unsigned long cmd;
	unsigned char buf[512];
	int want;		/* errno */
};

#define SZ(t) ((uint32_t)sizeof(struct t))

static void put32(unsigned char *b, size_t off, uint32_t v)
{
	memcpy(b + off, &v, sizeof(v));
}

static void put64(unsigned char *b, size_t off, uint64_t v)
{
	memcpy(b + off, &v, sizeof(v));
}

static int cmd_bad(void)
{
	struct bad t[32];
	int n = 0, fd = dev_open(), fd2;
	void *unmapped;

#define ROW(w, c, e) do { memset(&t[n], 0, sizeof(t[n])); t[n].line = __LINE__; \
	t[n].what = (w); t[n].cmd = (c); t[n].want = (e); n++; } while (0)
	ROW("unknown command number", _IOWR(PROBECOST_IOC_MAGIC, 99, struct probecost_run), ENOTTY);
	ROW("foreign ioctl type", _IOWR('T', 1, struct probecost_run), ENOTTY);
	ROW("size in cmd does not match", _IOWR(PROBECOST_IOC_MAGIC, 4, struct probecost_arm), ENOTTY);
	ROW("size field 0", PROBECOST_IOC_RUN, EINVAL);
	ROW("size field short", PROBECOST_IOC_RUN, EINVAL);
	put32(t[n - 1].buf, 0, SZ(probecost_run) - 8);
	ROW("size field oversized", PROBECOST_IOC_RUN, E2BIG);
	put32(t[n - 1].buf, 0, SZ(probecost_run) + 8);
	ROW("unknown mechanism", PROBECOST_IOC_RUN, EINVAL);
	put32(t[n - 1].buf, 0, SZ(probecost_run));
	put32(t[n - 1].buf, 4, PROBECOST_NR_MECHS);
	put64(t[n - 1].buf, 8, 10);
	ROW("mechanism -1", PROBECOST_IOC_RUN, EINVAL);
	put32(t[n - 1].buf, 0, SZ(probecost_run));
	put32(t[n - 1].buf, 4, UINT32_MAX);
	put64(t[n - 1].buf, 8, 10);
	ROW("n = 0", PROBECOST_IOC_RUN, EINVAL);
	put32(t[n - 1].buf, 0, SZ(probecost_run));
	ROW("n huge", PROBECOST_IOC_RUN, E2BIG);
	put32(t[n - 1].buf, 0, SZ(probecost_run));
	put64(t[n - 1].buf, 8, PROBECOST_MAX_EVENTS + 1);
	ROW("n = 2^64-1", PROBECOST_IOC_RUN, E2BIG);
	put32(t[n - 1].buf, 0, SZ(probecost_run));
	put64(t[n - 1].buf, 8, UINT64_MAX);
	ROW("unknown state", PROBECOST_IOC_ARM, EINVAL);
	put32(t[n - 1].buf, 0, SZ(probecost_arm));
	put32(t[n - 1].buf, 8, PROBECOST_NR_STATES);
	ROW("payload too large", PROBECOST_IOC_ARM, E2BIG);
	put32(t[n - 1].buf, 0, SZ(probecost_arm));
	put32(t[n - 1].buf, 8, PROBECOST_RECORDING);
	put32(t[n - 1].buf, 12, PROBECOST_MAX_PAYLOAD + 1);
	ROW("arm flags with an undefined bit", PROBECOST_IOC_ARM, EINVAL);
	put32(t[n - 1].buf, 0, SZ(probecost_arm));
	put32(t[n - 1].buf, 8, PROBECOST_ENABLED);
	put32(t[n - 1].buf, 16, ~(uint32_t)PROBECOST_ARM_FLAGS);
	ROW("run key_on (an output) non-zero on input", PROBECOST_IOC_RUN, EINVAL);
	put32(t[n - 1].buf, 0, SZ(probecost_run));
	put64(t[n - 1].buf, 8, 10);
	put32(t[n - 1].buf, offsetof(struct probecost_run, key_on), 1);
	ROW("arm padding non-zero", PROBECOST_IOC_ARM, EINVAL);
	put32(t[n - 1].buf, 0, SZ(probecost_arm));
	put32(t[n - 1].buf, 8, PROBECOST_ENABLED);
	put32(t[n - 1].buf, 20, 0x80);
	ROW("info padding non-zero", PROBECOST_IOC_INFO, EINVAL);
	put32(t[n - 1].buf, 0, SZ(probecost_info));
	put32(t[n - 1].buf, 20, 1);
	ROW("info unknown mechanism", PROBECOST_IOC_INFO, EINVAL);
	put32(t[n - 1].buf, 0, SZ(probecost_info));
	put32(t[n - 1].buf, 4, 1000);
	ROW("disarm unknown mechanism", PROBECOST_IOC_DISARM, EINVAL);
	put32(t[n - 1].buf, 0, SZ(probecost_disarm));
	put32(t[n - 1].buf, 4, PROBECOST_NR_MECHS);
	ROW("toggle unknown mechanism", PROBECOST_IOC_TOGGLE, EINVAL);
	put32(t[n - 1].buf, 0, SZ(probecost_toggle));
	put32(t[n - 1].buf, 4, PROBECOST_NR_MECHS);
	ROW("version with short size", PROBECOST_IOC_VERSION, EINVAL);
	put32(t[n - 1].buf, 0, 4);
#undef ROW

	ktap_plan(n + 4);
	for (int i = 0; i < n; i++) {
		int got = xioctl(fd, t[i].cmd, t[i].buf);

		if (!KTAP_OK(got == t[i].want, "%s -> %s", t[i].what, strerror(t[i].want)))
			ktap_diag("row at line %d got %s", t[i].line, got ? strerror(got) : "success");
	}
	KTAP_OK(xioctl(fd, PROBECOST_IOC_RUN, NULL) == EFAULT, "NULL argument -> EFAULT");
	unmapped = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	KTAP_OK(xioctl(fd, PROBECOST_IOC_ARM, unmapped) == EFAULT, "unreadable argument -> EFAULT");
	fd2 = open(PROBECOST_DEVICE, O_RDWR);
	KTAP_OK(fd2 < 0 && errno == EBUSY, "second open -> EBUSY");
	if (fd2 >= 0)
		close(fd2);
	close(fd);
	fd2 = open(PROBECOST_DEVICE, O_RDWR);
	KTAP_OK(fd2 >= 0, "open after close succeeds");
	if (fd2 >= 0)
		close(fd2);
	return ktap_finish();
}

static int cmd_armall(void)
{
	int fd = dev_open();

	for (uint32_t m = 0; m < PROBECOST_NR_MECHS; m++) {
		/* the handlers of branch and static-key also in their recording mode */
		int e = arm(fd, m, m == PROBECOST_MECH_BRANCH || m == PROBECOST_MECH_STATIC_KEY ?
			    PROBECOST_RECORDING : PROBECOST_ENABLED);

		if (e)
			printf("# arm %u: %s\n", m, strerror(e));
	}
	printf("armed\n");
	fflush(stdout);
	for (;;)
		pause();
	return 0;
}

/* ---- fuzz ---- */

static uint64_t rng;

static uint64_t rnd(void)
{
	/* xorshift64*: reproducible from the printed seed */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static uint64_t boundary(void)
{
	static const uint64_t v[] = {
		0, 1, 2, 3, 4, 7, 8, 63, 64, 4095, 4096, 4097, PROBECOST_NR_MECHS,
		PROBECOST_NR_STATES, PROBECOST_MAX_EVENTS, PROBECOST_MAX_EVENTS + 1,
		UINT32_MAX, UINT64_MAX, 1ULL << 31, 1ULL << 32,
	};

	return v[rnd() % (sizeof(v) / sizeof(v[0]))];
}

static int cmd_fuzz(uint64_t seed, unsigned long count)
{
	static const unsigned long cmds[] = {
		PROBECOST_IOC_VERSION, PROBECOST_IOC_INFO, PROBECOST_IOC_ARM,
		PROBECOST_IOC_DISARM, PROBECOST_IOC_RUN, PROBECOST_IOC_TOGGLE,
	};
	static const uint32_t sizes[] = {
		SZ(probecost_version), SZ(probecost_info), SZ(probecost_arm),
		SZ(probecost_disarm), SZ(probecost_run), SZ(probecost_toggle),
	};
	unsigned long bad = 0, ok = 0;
	int fd = dev_open();

	rng = seed ? seed : 1;
	printf("KTAP version 1\n1..1\n# fuzz seed %llu, %lu calls\n",
	       (unsigned long long)seed, count);
	fflush(stdout);
	for (unsigned long i = 0; i < count;) {
		unsigned char buf[512];
		uint64_t r = rnd();
		int k = (int)(r % 6), e;
		unsigned long cmd = cmds[k];

		for (size_t j = 0; j < sizeof(buf); j += 8) {
			uint64_t v = rnd() % 4 ? rnd() % 16 : boundary();

			memcpy(buf + j, &v, 8);
		}
		/* mostly well-formed headers, so the deep paths are reached */
		if (r % 8)
			put32(buf, 0, sizes[k]);
		if (r % 5)
			put32(buf, 4, (uint32_t)(rnd() % (PROBECOST_NR_MECHS + 1)));
		if (cmd == PROBECOST_IOC_RUN && r % 3)
			put64(buf, 8, 1 + rnd() % 2000);
		if (cmd == PROBECOST_IOC_ARM && r % 4) {
			put32(buf, 8, (uint32_t)(rnd() % (PROBECOST_NR_STATES + 1)));
			put32(buf, 12, (uint32_t)(rnd() % 5000));
			put32(buf, 16, 0);
			put32(buf, 20, 0);
		}
		if (cmd == PROBECOST_IOC_TOGGLE && rnd() % 16)
			continue;	/* toggles are slow: keep them rare */
		if (!(rnd() % 64))
			cmd = rnd();	/* a random command number */
		e = xioctl(fd, cmd, buf);
		i++;
		switch (e) {
		case 0:
		case EINVAL:
		case E2BIG:
		case ENOTTY:
		case EBUSY:
		case EOPNOTSUPP:
		case EFAULT:
		case ETIMEDOUT:
			ok++;
			break;
		default:
			if (bad++ < 10)
				printf("# call %lu: cmd %#lx -> unexpected %s\n", i, cmd, strerror(e));
		}
	}
	close(fd);
	printf("# %lu calls answered as documented, %lu not\n", ok, bad);
	printf("%sok 1 fuzz\n", bad ? "not " : "");
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "restore"))
		return cmd_restore();
	if (argc >= 2 && !strcmp(argv[1], "bad"))
		return cmd_bad();
	if (argc >= 2 && !strcmp(argv[1], "armall"))
		return cmd_armall();
	if (argc >= 4 && !strcmp(argv[1], "fuzz"))
		return cmd_fuzz(strtoull(argv[2], NULL, 0), strtoul(argv[3], NULL, 0));
	fprintf(stderr, "usage: pcdev restore | bad | armall | fuzz SEED N\n");
	return 2;
}
