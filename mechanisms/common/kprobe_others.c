// SPDX-License-Identifier: MIT
/* K kprobes armed on probecost.ko's never-run nop sled (see kprobe_others.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "kprobe_others.h"
#include "mech.h"
#include "probecost_abi.h"

/* The sled in probecost.ko (kmod_kprobes.c): 1024 one-byte nops after its entry. */
#define SLED "pcsite_others_sled"
#define SLED_LEN 1024
/* Settling after arming: 50 jiffies at HZ=250 */
#define SETTLE_US 200000

/* Where the nops may start: after an ENDBR (4 bytes) and the fentry call (5). */
#define SLED_MAX_START 16

_Static_assert(SLED_LEN > PC_OTHERS_MAX + SLED_MAX_START, "the sled holds every other kprobe");

/* Lines of the instance's set_event naming one of ours. */
static unsigned int armed_now(const struct pc_kprobe_others *o, const char *group)
{
	char want[64];

	snprintf(want, sizeof(want), "%s:kother", group);
	return pc_tracefs_instance_enabled(&o->ti, want);
}

/* Remove all; on a failure keep the count, so teardown tries again. */
static int remove_all(struct pc_kprobe_others *o, const char *group)
{
	int ret = pc_tracefs_others_remove(&o->ti, "kprobe_events", group, "kother", o->k);

	if (ret == PC_OK)
		o->k = 0;
	return ret;
}

static int define(const char *group, unsigned int i, unsigned int off, char *why, size_t len)
{
	char ev[32], def[256];

	snprintf(ev, sizeof(ev), "kother%u", i);
	snprintf(def, sizeof(def), "p:%s/%s " PROBECOST_MODULE ":" SLED "+%u", group, ev, off);
	return pc_tracefs_dynevent_add("kprobe_events", def, why, len);
}

/*
 * The sled's first nop: the first offset where a probe and one on the
 * next byte both take (defining kother0 and kother1 there, kept). *@start;
 * PC_ERR_UNSUPPORTED when none does.
 */
static int find_start(struct pc_kprobe_others *o, const char *group, unsigned int *start,
		      char *why, size_t len)
{
	char ev[32], tmp[256];

	tmp[0] = '\0';
	for (unsigned int off = 1; off <= SLED_MAX_START; off++) {
		if (define(group, 0, off, tmp, sizeof(tmp)) != PC_OK)
			continue;
		if (define(group, 1, off + 1, tmp, sizeof(tmp)) == PC_OK) {
			o->k = 2;
			*start = off;
			return PC_OK;
		}
		snprintf(ev, sizeof(ev), "kother0");
		pc_tracefs_dynevent_del("kprobe_events", group, ev, tmp, sizeof(tmp));
	}
	snprintf(why, len, "no two neighbouring kprobes take in " PROBECOST_MODULE ":" SLED "+1..%d (the nop sled not found; the last refusal: %.120s)",
		 SLED_MAX_START + 1, tmp);
	return PC_ERR_UNSUPPORTED;
}

int pc_kprobe_others_set(struct pc_kprobe_others *o, unsigned int k,
			 char *what, size_t wlen, char *why, size_t len)
{
	char group[48], ev[32];
	unsigned int got, start = 0;
	int ret = PC_OK;

	pc_tracefs_group(group, sizeof(group));
	if (remove_all(o, group) != PC_OK) {
		snprintf(why, len, "the %u other kprobes armed before could not all be removed (kprobe_events, instance %s)",
			 o->k, o->ti.path);
		return PC_ERR_SYS;
	}
	snprintf(what, wlen, "no other kprobe armed");
	if (!k)
		return PC_OK;
	if (access("/sys/module/" PROBECOST_MODULE, F_OK) < 0) {
		snprintf(why, len, "%u other kprobes sit on probecost.ko's never-run nop sled (" SLED "), and the module is not loaded here",
			 k);
		return PC_ERR_UNSUPPORTED;
	}
	ret = find_start(o, group, &start, why, len);
	if (ret == PC_OK)
		ret = pc_tracefs_instance_create(&o->ti, "kothers", 4, why, len);
	for (unsigned int i = 0; ret == PC_OK && i < k; i++) {
		snprintf(ev, sizeof(ev), "kother%u", i);
		if (i >= 2) {
			ret = define(group, i, start + i, why, len);
			if (ret != PC_OK)
				break;
			o->k = i + 1;
		}
		ret = pc_tracefs_instance_event(&o->ti, group, ev, true, why, len);
	}
	/* k == 1: the second neighbour served the search only */
	if (ret == PC_OK && k == 1)
		ret = pc_tracefs_dynevent_del("kprobe_events", group, "kother1", why, len);
	if (ret == PC_OK)
		o->k = k;
	got = ret == PC_OK ? armed_now(o, group) : 0;
	if (ret == PC_OK && got != k) {
		snprintf(why, len, "asked for %u other kprobes, set_event lists %u enabled", k, got);
		ret = PC_ERR_SYS;
	}
	if (ret != PC_OK) {
		remove_all(o, group);
		return ret;
	}
	/*
	 * Let what K registrations leave queued run before anything is
	 * timed: the kprobe optimizer's delayed work (5 jiffies after the
	 * last registration) and the grace periods of the definitions. In
	 * the guest with K = 1000 it otherwise landed in the absent slots.
	 */
	usleep(SETTLE_US);
	snprintf(what, wlen, "%u other kprobes armed on probecost.ko's never-run nop sled (" SLED "+%u on; %u read back from the instance's set_event)",
		 k, start, got);
	return PC_OK;
}
