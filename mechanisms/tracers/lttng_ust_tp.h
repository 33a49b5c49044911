/* SPDX-License-Identifier: MIT */
/*
 * The LTTng-UST tracepoint provider of the `ust-tracepoint` site:
 * provider probecost_ust, event site.
 *
 * Cost model, as lttng-ust 2.13 compiles it. The call site (lttng_ust.c,
 * built with TRACEPOINT_DEFINE and TRACEPOINT_PROBE_DYNAMIC_LINKAGE) is
 *
 *	if (unlikely(lttng_ust_tracepoint_probecost_ust___site.state))
 *		__tracepoint_cb_probecost_ust___site(i, buf, len);
 *
 * a load of the tracepoint's state word and a not-taken branch while no
 * session enables the event (disabled: the markers-era flag test, as
 * user-branch's, not a patched nop). When a session enables the event,
 * the callback runs the probes attached under an RCU read-side lock: the
 * provider's probe (lttng_ust_provider.c, a separate shared object that
 * links liblttng-ust) evaluates the filter bytecode on the fields, and
 * for an event that passes reserves space in the calling CPU's
 * sub-buffer of the channel (per-UID buffers, lock-free), writes the
 * event header (id, timestamp) and the fields below, and commits.
 *
 * Fields: i, the site's loop index (an integer the filter of the
 * enabled state tests), and payload, the --payload bytes of pc_payload
 * as a sequence (a length, then the bytes), so that a recorded event can
 * be checked against site.h's pattern.
 */
#undef TRACEPOINT_PROVIDER
#define TRACEPOINT_PROVIDER probecost_ust

#undef TRACEPOINT_INCLUDE
#define TRACEPOINT_INCLUDE "lttng_ust_tp.h"

#if !defined(PC_LTTNG_UST_TP_H) || defined(TRACEPOINT_HEADER_MULTI_READ)
#define PC_LTTNG_UST_TP_H

#include <lttng/tracepoint.h>

TRACEPOINT_EVENT(probecost_ust, site,
	TP_ARGS(unsigned long, i, const unsigned char *, buf, unsigned int, len),
	TP_FIELDS(
		ctf_integer(unsigned long, i, i)
		ctf_sequence(unsigned char, payload, buf, unsigned int, len)
	)
)

#endif

#include <lttng/tracepoint-event.h>
