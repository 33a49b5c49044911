// SPDX-License-Identifier: MIT
/*
 * `user-branch`: the markers-era static tracepoint, in user space.
 *
 * Before jump labels, a tracepoint site compiled to a load of a global
 * "enabled" word, a compare and a conditional branch around the call:
 *
 *	if (unlikely(__tracepoint_foo.state))
 *		__do_trace_foo(args);
 *
 * So a disabled site still costs a load (a possible D-cache miss) and a
 * branch (a BTB entry); an enabled one adds the call. This mechanism is
 * that site. Enabled, the handler only counts the hit, per thread so that
 * threads firing together do not share a cache line; recording, it writes
 * a timestamped record with the payload into the calling thread's own
 * ring buffer, as LTTng-UST does (uring.h): no system call, no trap.
 */
#include <stdio.h>

#include "errors.h"
#include "mech.h"
#include "site.h"
#include "uring.h"

#define UB_RING_BYTES (1u << 20)	/* per thread */

static int ub_flag;				/* the tracepoint's state word */
static bool ub_record;				/* handler records, not counts */
static _Thread_local uint64_t ub_hits;

static PC_SITE void pchandler_user_branch(uint64_t x)
{
	(void)x;
	if (ub_record)
		pc_uring_write(pc_payload);
	else
		ub_hits++;
}

static PC_SITE void pcsite_user_branch(uint64_t x)
{
	PC_SITE_WORK(x);
	if (__builtin_expect(__atomic_load_n(&ub_flag, __ATOMIC_RELAXED), 0))
		pchandler_user_branch(x);
}

static PC_SITE void pcsite_user_branch_absent(uint64_t x)
{
	PC_SITE_WORK(x);
}

PC_FIRE_LOOP(ub_loop, pcsite_user_branch)
PC_FIRE_LOOP(ub_loop_absent, pcsite_user_branch_absent)

static enum pc_state ub_state;

static int ub_arm(struct pc_inst *in, enum pc_state st)
{
	switch (st) {
	case PC_ABSENT:
	case PC_DISABLED:
		break;
	case PC_ENABLED:
		__atomic_store_n(&ub_flag, 1, __ATOMIC_RELEASE);
		break;
	case PC_RECORDING:
		if (pc_uring_arm(in->opts->payload, UB_RING_BYTES) != PC_OK)
			return pc_inst_fail(in, PC_ERR_NOMEM, "user-branch: no memory for the ring buffer");
		ub_record = true;
		__atomic_store_n(&ub_flag, 1, __ATOMIC_RELEASE);
		break;
	default:
		return pc_inst_fail(in, PC_ERR_UNSUPPORTED, "user-branch has no %s state",
				    pc_state_name(st));
	}
	ub_state = st;
	return PC_OK;
}

static int ub_disarm(struct pc_inst *in)
{
	(void)in;
	__atomic_store_n(&ub_flag, 0, __ATOMIC_RELEASE);
	if (ub_record)
		pc_uring_disarm();
	ub_record = false;
	ub_state = PC_ABSENT;
	return PC_OK;
}

static int ub_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out)
{
	uint64_t before = ub_hits, w0, l0, w1, l1;

	(void)in;
	pc_uring_counts(&w0, &l0);
	if (ub_state == PC_ABSENT)
		ub_loop_absent(n);
	else
		ub_loop(n);
	pc_uring_counts(&w1, &l1);
	out->hits = ub_hits - before + (w1 - w0);
	out->lost = l1 - l0;
	return PC_OK;
}

static int ub_variant(struct pc_inst *in, char *buf, size_t len)
{
	(void)in;
	if (ub_state == PC_ABSENT)
		snprintf(buf, len, "flag-test");
	else
		snprintf(buf, len, "flag-test:%s%s",
			 __atomic_load_n(&ub_flag, __ATOMIC_ACQUIRE) ? "on" : "off",
			 ub_record ? ":per-thread-ring" : "");
	return PC_OK;
}

const struct pc_mech pc_mech_user_branch = {
	.name = "user-branch",
	.summary = "global flag test + call: the pre-jump-label tracepoint",
	.family = PC_FAM_STATIC,
	.where = PC_WHERE_USER,
	.states = PC_ST_ALL,
	.tracers = { [PC_ENABLED] = "self", [PC_RECORDING] = "self" },
	.flags = PC_MECH_MT,
	.arm = ub_arm,
	.disarm = ub_disarm,
	.fire = ub_fire,
	.variant = ub_variant,
};
