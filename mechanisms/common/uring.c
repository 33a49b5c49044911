// SPDX-License-Identifier: MIT
/* Per-thread flight-recorder rings (see uring.h). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errors.h"
#include "uring.h"

_Thread_local struct pc_uring *pc_uring_self;
_Thread_local uint64_t pc_uring_self_gen;
uint64_t pc_uring_gen;

static pthread_mutex_t rings_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pc_uring *rings;
static uint32_t arm_payload;
static size_t arm_bytes;

int pc_uring_arm(uint32_t payload, size_t bytes)
{
	pthread_mutex_lock(&rings_lock);
	arm_payload = payload;
	arm_bytes = bytes;
	__atomic_add_fetch(&pc_uring_gen, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&rings_lock);
	/* the arming thread's ring now, so its first hit is not the slow path */
	return pc_uring_get() ? PC_OK : PC_ERR_NOMEM;
}

struct pc_uring *pc_uring_get(void)
{
	struct pc_uring *r = calloc(1, sizeof(*r));
	uint64_t gen;

	if (!r)
		return NULL;
	pthread_mutex_lock(&rings_lock);
	gen = pc_uring_gen;
	r->payload = arm_payload;
	r->slot = (uint32_t)((sizeof(struct pc_uring_hdr) + arm_payload + 7) & ~7ul);
	/* a power of two, so the hot path indexes with a mask, not a divide */
	r->slots = 1;
	while (r->slots * 2 * r->slot <= arm_bytes)
		r->slots *= 2;
	r->buf = aligned_alloc(64, (r->slots * r->slot + 63) & ~63ul);
	if (!r->buf) {
		pthread_mutex_unlock(&rings_lock);
		free(r);
		return NULL;
	}
	/*
	 * Fault the pages in now, as LTTng-UST populates its buffers: a
	 * first-touch page fault per 4 KiB would otherwise be charged to the
	 * first pass of events through the ring and not to arming.
	 */
	memset(r->buf, 0, r->slots * r->slot);
	r->next = rings;
	rings = r;
	pthread_mutex_unlock(&rings_lock);
	pc_uring_self = r;
	pc_uring_self_gen = gen;
	return r;
}

void pc_uring_disarm(void)
{
	struct pc_uring *r, *next;

	pthread_mutex_lock(&rings_lock);
	for (r = rings; r; r = next) {
		next = r->next;
		free(r->buf);
		free(r);
	}
	rings = NULL;
	__atomic_add_fetch(&pc_uring_gen, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&rings_lock);
	pc_uring_self = NULL;
}

void pc_uring_counts(uint64_t *written, uint64_t *lost)
{
	struct pc_uring *r = pc_uring_self;

	*written = *lost = 0;
	if (!r || pc_uring_self_gen != pc_uring_gen)
		return;
	*written = r->written;
	*lost = r->written > r->slots ? r->written - r->slots : 0;
}
