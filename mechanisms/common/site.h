/* SPDX-License-Identifier: MIT */
/*
 * Building blocks for user-space probe sites.
 *
 * A site is a function the fire loop calls once per event. Every site of
 * every mechanism does the same work (PC_SITE_WORK: one relaxed store to a
 * per-thread sink, so the call cannot be optimised away) and differs from its
 * `absent` twin only by the instrumentation. Sites are PC_SITE: never
 * inlined and, with GCC, opaque to inter-procedural analysis (noipa), so
 * the compiler cannot hoist a flag load out of the loop or notice that a
 * handler is empty -- the optimisations a real, separately compiled
 * tracepoint site never gets either.
 *
 * Symbol names are a contract with the static-footprint analysis, which
 * reads sizes from the built objects: the instrumented site of mechanism
 * "foo-bar" is pcsite_foo_bar, its twin pcsite_foo_bar_absent, and any
 * out-of-line handler pchandler_foo_bar (prefix match: pchandler_foo_bar*).
 *
 * Sites and loops start on a cache line (aligned(64)), so that where the
 * linker happens to place a function does not decide which mechanism
 * looks cheaper: a loop straddling a 32- or 64-byte fetch boundary can
 * cost a tenth of a ns more per iteration for reasons no probe causes.
 *
 * PC_FIRE_LOOP generates the loop that calls a site n times. Each site
 * gets its own copy of the loop with a direct call, so states do not
 * differ by an indirect branch.
 */
#ifndef PC_SITE_H
#define PC_SITE_H

#include <stdint.h>

#if defined(__clang__)
#define PC_SITE __attribute__((noinline, used, aligned(64)))
#else
#define PC_SITE __attribute__((noinline, noipa, used, aligned(64)))
#endif

/*
 * Per thread: a shared sink would bounce its cache line between CPUs and
 * make the scaling analysis measure false sharing instead of probes.
 */
extern _Thread_local uint64_t pc_site_sink;

/*
 * The bytes a recording consumer copies per event (--payload, at most
 * PC_PAYLOAD_MAX): a fixed pattern, so that a recorded event can be
 * checked against it. Defined in payload.c.
 */
#define PC_PAYLOAD_MAX 4096
extern const unsigned char pc_payload[PC_PAYLOAD_MAX];

#define PC_SITE_WORK(x) __atomic_store_n(&pc_site_sink, (x), __ATOMIC_RELAXED)

#define PC_FIRE_LOOP(loop, site)			\
	static PC_SITE void loop(uint64_t n)		\
	{						\
		for (uint64_t i = 0; i < n; i++)	\
			site(i);			\
	}

#endif
