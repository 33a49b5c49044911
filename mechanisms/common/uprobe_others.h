/* SPDX-License-Identifier: MIT */
/*
 * K uprobes armed elsewhere in this binary, for the others op (mech.h):
 * each on one instruction of a 1-byte-nop sled that never runs, defined
 * in uprobe_events (group probecost_<pid>, events other0..other<K-1>)
 * and enabled in a private tracefs instance, so each is a registered
 * uprobe with its int3 in our text -- the kernel's uprobe tree holds K
 * more entries when the measured probe's trap is looked up. No perf fd
 * per probe: a thousand would exhaust the default fd limit.
 */
#ifndef PC_UPROBE_OTHERS_H
#define PC_UPROBE_OTHERS_H

#include <stddef.h>

#include "tracefs.h"

struct pc_uprobe_others {
	unsigned int k;			/* defined now */
	struct pc_tracefs_inst ti;	/* where they are enabled */
};

/*
 * Arm exactly @k (0: remove all), read back from the instance's
 * set_event; @what says how, for the row's note. On failure none is
 * left armed and @why says why.
 */
int pc_uprobe_others_set(struct pc_uprobe_others *o, unsigned int k,
			 char *what, size_t wlen, char *why, size_t len);

#endif
