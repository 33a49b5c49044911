// SPDX-License-Identifier: MIT
/* K uprobes armed on a sled that never runs (see uprobe_others.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "mech.h"
#include "uprobe_attach.h"
#include "uprobe_others.h"

#define SLED_LEN 1024	/* > PC_OTHERS_MAX one-byte nops */

/*
 * The sled: a function of nops that nothing calls. Every byte is an
 * instruction boundary, so each can hold a uprobe of its own.
 */
__asm__(".pushsection .text\n"
	".globl pc_others_sled\n"
	".type pc_others_sled, @function\n"
	".balign 64\n"
	"pc_others_sled:\n"
	".rept 1024\n"
	"nop\n"
	".endr\n"
	"ret\n"
	".size pc_others_sled, .-pc_others_sled\n"
	".popsection\n");
extern const char pc_others_sled[];

_Static_assert(SLED_LEN > PC_OTHERS_MAX, "the sled holds every other probe");

/* Lines of the instance's set_event naming one of ours. */
static unsigned int armed_now(const struct pc_uprobe_others *o, const char *group)
{
	char want[64];

	snprintf(want, sizeof(want), "%s:other", group);
	return pc_tracefs_instance_enabled(&o->ti, want);
}

/* Remove all; on a failure keep the count, so teardown tries again. */
static int remove_all(struct pc_uprobe_others *o, const char *group)
{
	int ret = pc_tracefs_others_remove(&o->ti, "uprobe_events", group, "other", o->k);

	if (ret == PC_OK)
		o->k = 0;
	return ret;
}

int pc_uprobe_others_set(struct pc_uprobe_others *o, unsigned int k,
			 char *what, size_t wlen, char *why, size_t len)
{
	char group[48], ev[32], def[PATH_MAX + 128];
	uint64_t off;
	unsigned int got;
	int ret;

	pc_tracefs_group(group, sizeof(group));
	if (remove_all(o, group) != PC_OK) {
		snprintf(why, len, "the %u other uprobes armed before could not all be removed (uprobe_events, instance %s)",
			 o->k, o->ti.path);
		return PC_ERR_SYS;
	}
	snprintf(what, wlen, "no other uprobe armed");
	if (!k)
		return PC_OK;
	if (k >= SLED_LEN) {
		snprintf(why, len, "%u other uprobes: the sled holds %d", k, SLED_LEN - 1);
		return PC_ERR_INVAL;
	}
	ret = pc_uprobe_file_offset(pc_others_sled, &off, why, len);
	if (ret == PC_OK)
		ret = pc_tracefs_instance_create(&o->ti, "others", 4, why, len);
	for (unsigned int i = 0; ret == PC_OK && i < k; i++) {
		snprintf(ev, sizeof(ev), "other%u", i);
		snprintf(def, sizeof(def), "p:%s/%s /proc/self/exe:0x%" PRIx64, group, ev, off + i);
		ret = pc_tracefs_dynevent_add("uprobe_events", def, why, len);
		if (ret == PC_OK) {
			o->k = i + 1;
			ret = pc_tracefs_instance_event(&o->ti, group, ev, true, why, len);
		}
	}
	got = ret == PC_OK ? armed_now(o, group) : 0;
	if (ret == PC_OK && got != k) {
		snprintf(why, len, "asked for %u other uprobes, set_event lists %u enabled", k, got);
		ret = PC_ERR_SYS;
	}
	if (ret != PC_OK) {
		remove_all(o, group);
		return ret;
	}
	snprintf(what, wlen, "%u other uprobes armed on a never-run nop sled of this binary (%u read back from the instance's set_event)",
		 k, got);
	return PC_OK;
}
