// SPDX-License-Identifier: GPL-2.0
/*
 * `tracepoint`, kernel side: a TRACE_EVENT site.
 *
 *   disabled   trace_pcsite_tracepoint() is a static-key nop in the site
 *   enabled    one empty probe, registered with register_trace_*(), that
 *              counts the hit: the key is on and the site calls the
 *              tracepoint's iterator, which calls the probe
 *   recording  the harness enables probecost/pcsite_tracepoint in its
 *              private tracefs instance: the iterator calls the trace
 *              event's own probe, which writes x and the payload
 *
 * The toggle is tracepoint_probe_register/unregister: it patches the
 * key and republishes the probe array under RCU.
 */
#include <linux/tracepoint.h>

#include "kmod_core.h"
#include "kmod_events.h"

PC_KSITE void pcsite_tracepoint(u64 x)
{
	PC_KSITE_WORK(x);
	trace_pcsite_tracepoint(x);
}

PC_KSITE_ABSENT(tracepoint)
PC_KFIRE_LOOP(tp_loop, pcsite_tracepoint)
PC_KFIRE_LOOP(tp_loop_absent, pcsite_tracepoint_absent)

static bool tp_registered;

static PC_KSITE void pchandler_tracepoint(void *data, u64 x)
{
	pc_khandle(x);
}

static int tp_arm(enum probecost_state st, u32 flags)
{
	int ret;

	if (st != PROBECOST_ENABLED)
		return 0;
	ret = register_trace_pcsite_tracepoint(pchandler_tracepoint, NULL);
	if (ret)
		return ret;
	tp_registered = true;
	return 0;
}

static void tp_disarm(void)
{
	if (!tp_registered)
		return;
	unregister_trace_pcsite_tracepoint(pchandler_tracepoint, NULL);
	tracepoint_synchronize_unregister();
	tp_registered = false;
}

/* Whoever registered the probe: the static key trace_pcsite_tracepoint() tests. */
static bool tp_key_on(void)
{
	return trace_pcsite_tracepoint_enabled();
}

static int tp_toggle(struct probecost_toggle *t)
{
	u64 t0, t1, t2;
	int ret;

	t0 = pc_kticks();
	ret = register_trace_pcsite_tracepoint(pchandler_tracepoint, NULL);
	t1 = pc_kticks();
	if (ret)
		return ret;
	unregister_trace_pcsite_tracepoint(pchandler_tracepoint, NULL);
	t2 = pc_kticks();
	tracepoint_synchronize_unregister();
	t->enable_ticks = t1 - t0;
	t->disable_ticks = t2 - t1;
	return 0;
}

const struct pc_kmech pc_kmech_tracepoint = {
	.id = PROBECOST_MECH_TRACEPOINT,
	.name = "tracepoint",
	.site = "pcsite_tracepoint",
	.fire = tp_loop,
	.fire_absent = tp_loop_absent,
	.arm = tp_arm,
	.disarm = tp_disarm,
	.key_on = tp_key_on,
	.toggle = tp_toggle,
};
