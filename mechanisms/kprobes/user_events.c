// SPDX-License-Identifier: MIT
/*
 * `user-events`: a user_events trace event (6.4+, CONFIG_USER_EVENTS),
 * registered by a process through <tracefs>/user_events_data and written
 * with write(2) when the kernel sets the process's enable bit: static in
 * the program, dynamic in the kernel (it shows in dynamic_events as
 * `u:`), and the one tracefs event type user space defines itself.
 *
 * Neither this project's host (6.18, CONFIG_USER_EVENTS off) nor the
 * guest's Debian kernels (6.1 predates it; 6.12 has it off) have it, so
 * the entry reads that from the kernel and is unsupported with the
 * reason; where a kernel has it, it says that probecost has no site for
 * it yet rather than measuring something untested.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "mech.h"
#include "sysinfo.h"
#include "tracefs.h"

static int ue_available(const struct pc_mech *m, char *why, size_t len)
{
	const char *root, *src = pc_kconfig_source();
	char path[512];

	(void)m;
	if (pc_tracefs_root(&root, why, len) != PC_OK)
		return PC_ERR_UNSUPPORTED;
	snprintf(path, sizeof(path), "%s/user_events_data", root);
	if (access(path, F_OK) < 0) {
		if (!src)
			snprintf(why, len, "no %s: this kernel has no user_events (the kernel config is unreadable)",
				 path);
		else if (!strcmp(pc_kconfig("USER_EVENTS"), "n"))
			snprintf(why, len, "no %s: this kernel has no user_events, CONFIG_USER_EVENTS is not set (%s)",
				 path, src);
		else
			snprintf(why, len, "no %s although CONFIG_USER_EVENTS=%s (%s)", path,
				 pc_kconfig("USER_EVENTS"), src);
		return PC_ERR_UNSUPPORTED;
	}
	snprintf(why, len, "this kernel has user_events (%s), but probecost has no user_events site yet: none of the kernels it runs on had one to test it",
		 path);
	return PC_ERR_UNSUPPORTED;
}

/* Never reached: available() refuses first. */
static int ue_arm(struct pc_inst *in, enum pc_state st)
{
	(void)st;
	return pc_inst_fail(in, PC_ERR_UNSUPPORTED, "user-events has no site");
}

static int ue_disarm(struct pc_inst *in)
{
	(void)in;
	return PC_OK;
}

static int ue_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out)
{
	(void)n;
	(void)out;
	return pc_inst_fail(in, PC_ERR_UNSUPPORTED, "user-events has no site");
}

const struct pc_mech pc_mech_user_events = {
	.name = "user-events",
	.summary = "user_events trace event written from user space (where the kernel has them)",
	.family = PC_FAM_DYNAMIC,
	.where = PC_WHERE_USER,
	.states = PC_ST_ALL,
	.mt_why = "no site yet",
	.tracers = { [PC_ENABLED] = "ftrace", [PC_RECORDING] = "ftrace" },
	.available = ue_available,
	.arm = ue_arm,
	.disarm = ue_disarm,
	.fire = ue_fire,
};
