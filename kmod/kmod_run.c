// SPDX-License-Identifier: GPL-2.0
/*
 * The run loop: fire a site n times and time it with the TSC.
 *
 * The calling thread stays on one CPU (migrate_disable) for the whole
 * run. The events are cut into chunks of about a millisecond; each chunk
 * runs with interrupts off -- so nothing but the site runs between the
 * two rdtsc_ordered() reads -- and between chunks the loop reschedules
 * and checks for signals, so a run of a billion events neither trips the
 * soft-lockup or RCU stall detectors nor ignores ^C. Only the chunks are
 * timed; the few tens of cycles of each chunk's own TSC reads and
 * interrupt toggling are spread over about a million events and, being
 * the same in the N and 2N runs per chunk, mostly cancel in the
 * difference anyway.
 *
 * The chunk length is fixed by timing a first chunk of PC_FIRST_CHUNK
 * events, so it is deterministic when the TSC counts instructions
 * (QEMU -icount).
 */
#include <linux/irqflags.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <asm/msr.h>
#include <asm/tsc.h>

#include "kmod_core.h"

#define PC_FIRST_CHUNK	64ULL
#define PC_MAX_CHUNK	(1ULL << 24)

u64 pc_ksink;
u64 pc_khits;
u64 pc_ktrapped;

u64 pc_kticks(void)
{
	return rdtsc_ordered();
}

static u64 chunk_once(void (*fire)(u64 n), u64 k)
{
	unsigned long flags;
	u64 t0, t1;

	local_irq_save(flags);
	t0 = rdtsc_ordered();
	fire(k);
	t1 = rdtsc_ordered();
	local_irq_restore(flags);
	return t1 - t0;
}

/* Events per ~1 ms chunk, from the ticks a first chunk took. */
static u64 chunk_len(u64 first_ticks)
{
	u64 per_ms = tsc_khz ? tsc_khz : 1000000;
	u64 len;

	if (!first_ticks)
		return PC_MAX_CHUNK;
	len = div64_u64(per_ms * PC_FIRST_CHUNK, first_ticks);
	return clamp_val(len, PC_FIRST_CHUNK, PC_MAX_CHUNK);
}

int pc_krun(const struct pc_kmech *m, bool absent, struct probecost_run *r)
{
	void (*fire)(u64 n) = absent ? m->fire_absent : m->fire;
	u64 done = 0, chunk = PC_FIRST_CHUNK, missed0 = 0;
	int ret = 0;

	r->ticks = 0;
	r->chunks = 0;
	if (m->missed)
		missed0 = m->missed();
	WRITE_ONCE(pc_khits, 0);
	WRITE_ONCE(pc_ktrapped, 0);

	migrate_disable();
	while (done < r->n) {
		u64 k = min(chunk, r->n - done);
		u64 t = chunk_once(fire, k);

		r->ticks += t;
		if (!r->chunks)
			chunk = chunk_len(t);
		r->chunks++;
		done += k;
		if (done == r->n)
			break;
		cond_resched();
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
	}
	migrate_enable();

	r->hits = READ_ONCE(pc_khits);
	r->trapped = READ_ONCE(pc_ktrapped);
	r->missed = m->missed ? m->missed() - missed0 : 0;
	r->probe_byte = m->probe_byte ? m->probe_byte() : 0;
	r->key_on = m->key_on ? m->key_on() : 0;
	return ret;
}
