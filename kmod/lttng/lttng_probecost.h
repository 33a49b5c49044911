/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LTTng's view of probecost.ko's tracepoint pcsite_tracepoint
 * (kmod/kmod_events.h), written the way an out-of-tree module's author
 * writes an LTTng probe: the prototype repeated (u64 x), the fields LTTng
 * records. The payload bytes the ftrace event copies are not: pc_payload
 * is probecost.ko's and not exported, so the event carries x alone.
 * lttng-modules connects the probe to the tracepoint by name when both
 * modules are loaded (lttng-tracepoint.c), nothing exported by
 * probecost.ko needed.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM probecost

#if !defined(LTTNG_PROBECOST_H) || defined(TRACE_HEADER_MULTI_READ)
#define LTTNG_PROBECOST_H

#include <lttng/tracepoint-event.h>

LTTNG_TRACEPOINT_EVENT(pcsite_tracepoint,
	TP_PROTO(u64 x),
	TP_ARGS(x),
	TP_FIELDS(
		ctf_integer(u64, x, x)
	)
)

#endif

#include <lttng/define_trace.h>
