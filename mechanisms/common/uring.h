/* SPDX-License-Identifier: MIT */
/*
 * In-process per-thread ring buffers: how LTTng-UST records, with no
 * system call and no trap on the fast path.
 *
 * Each thread writes into its own ring, so writers never share a cache
 * line or take a lock. A record is a header (a raw TSC timestamp and the
 * payload length) followed by the payload, in fixed-size slots, so that
 * overwriting the oldest record when the ring is full (flight-recorder
 * mode, as the kernel's ring buffer defaults to) is a modulo, not a walk.
 *
 *   written  records written by this thread since the ring was armed
 *   lost     of those, records overwritten before anyone read them
 *
 * A ring is allocated in the slow path, the first time a thread records
 * after pc_uring_arm(); pc_uring_disarm() frees all of them, so it must
 * be called only when no thread is recording any more.
 */
#ifndef PC_URING_H
#define PC_URING_H

#include <stdint.h>
#include <string.h>

struct pc_uring {
	unsigned char *buf;
	uint64_t slots;		/* records the ring holds, a power of two */
	uint32_t slot;		/* bytes per record, header included */
	uint32_t payload;	/* payload bytes per record */
	uint64_t written;
	struct pc_uring *next;	/* all rings, for disarm */
};

struct pc_uring_hdr {
	uint64_t tsc;
	uint32_t len;
	uint32_t cpu_slot;	/* reserved: zero */
};

/* this thread's ring, valid only while pc_uring_self_gen == pc_uring_gen */
extern _Thread_local struct pc_uring *pc_uring_self;
extern _Thread_local uint64_t pc_uring_self_gen;
extern uint64_t pc_uring_gen;

/* Start recording @payload bytes per record; rings of @bytes each. */
int pc_uring_arm(uint32_t payload, size_t bytes);
/* Stop and free every thread's ring. */
void pc_uring_disarm(void);
/* The calling thread's ring, allocating it (slow path); NULL on ENOMEM. */
struct pc_uring *pc_uring_get(void);
/* This thread's written and lost counts (0 if it has no ring). */
void pc_uring_counts(uint64_t *written, uint64_t *lost);

static inline uint64_t pc_uring_clock(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return __builtin_ia32_rdtsc();
#else
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
#endif
}

/* Record one event carrying @src; false when no ring could be had. */
static inline int pc_uring_write(const void *src)
{
	struct pc_uring *r = pc_uring_self;
	struct pc_uring_hdr *h;

	if (__builtin_expect(pc_uring_self_gen !=
			     __atomic_load_n(&pc_uring_gen, __ATOMIC_RELAXED) || !r, 0)) {
		r = pc_uring_get();
		if (!r)
			return 0;
	}
	h = (struct pc_uring_hdr *)(r->buf + (r->written & (r->slots - 1)) * r->slot);
	h->tsc = pc_uring_clock();
	h->len = r->payload;
	h->cpu_slot = 0;
	memcpy(h + 1, src, r->payload);
	r->written++;
	return 1;
}

#endif
