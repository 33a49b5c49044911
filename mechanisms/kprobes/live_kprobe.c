// SPDX-License-Identifier: MIT
/*
 * `live-kprobe`: a kprobe on getppid's kernel entry function, planted in
 * the running kernel through the perf kprobe PMU -- no module.
 *
 * Unlike the tracepoint and the fentry nop, a kprobe leaves nothing in
 * the text until armed, so absent (nothing) and disabled (the event
 * defined in kprobe_events, not enabled) are both free. Enabled is a
 * counting perf kprobe; recording the kprobe event enabled in a private
 * instance. Needs CONFIG_KPROBES; where it is off (as on this project's
 * Firecracker host) the mechanism is unsupported with that reason.
 */
#include "kevent.h"
#include "mech.h"
#include "uprobe_attach.h"

PC_GETPPID_SITE(live_kprobe)

static const struct pc_kevent_desc lk_desc = {
	.kind = PC_KEV_KPROBE,
	.loop = live_kprobe_loop,
	.loop_absent = live_kprobe_loop_absent,
};

const struct pc_mech pc_mech_live_kprobe = {
	.name = "live-kprobe",
	.summary = "perf kprobe PMU on getppid's kernel entry (live kernel)",
	.family = PC_FAM_DYNAMIC,
	.data = &lk_desc,
	.tracers = { [PC_ENABLED] = "perf", [PC_RECORDING] = "ftrace", [PC_FILTERED] = "ftrace" },
	PC_KEVENT_OPS,
	.others = pc_kevent_others,	/* K kprobes on probecost.ko's sled (kprobe_others.h) */
	.flags = PC_MECH_MT,	/* opts->threads: inherit, event-fork (kevent.h) */
	/* filtered: the kprobe event armed in an instance, its filter rejecting all */
	.states = PC_ST_ALL | PC_ST(PC_FILTERED),
};
