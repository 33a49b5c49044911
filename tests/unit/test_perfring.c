// SPDX-License-Identifier: MIT
/*
 * The perf ring reader (mechanisms/common/perfring.c) on a ring built by
 * hand, as the kernel would have written it: a sample that wraps past
 * the end of the data area, a PERF_RECORD_LOST, a sample the check
 * refuses, one too short for its fields; then a drain with nothing new,
 * and a header claiming more than the kernel wrote. Then the dynamic
 * field decoder, on records whose __data_loc word points in and out.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/perf_event.h>

#include "errors.h"
#include "ktap.h"
#include "perfring.h"

#define PG 4096

static unsigned char *ring;	/* control page + one data page */
static uint64_t at;		/* where the next record goes, unwrapped */

static void put(const void *src, size_t n)
{
	for (size_t i = 0; i < n; i++, at++)
		ring[PG + at % PG] = ((const unsigned char *)src)[i];
}

/* A sample of TID | TIME | RAW with @raw_len bytes of @fill as raw data. */
static void sample(uint32_t tid, unsigned char fill, uint32_t raw_len)
{
	struct perf_event_header h = {
		.type = PERF_RECORD_SAMPLE,
		.size = (uint16_t)((sizeof(h) + 8 + 8 + 4 + raw_len + 7) & ~7u),
	};
	uint32_t pid_tid[2] = { tid, tid };
	uint64_t time = 42;
	unsigned char raw[64];
	size_t pad = h.size - (sizeof(h) + 8 + 8 + 4 + raw_len);

	memset(raw, fill, sizeof(raw));
	put(&h, sizeof(h));
	put(pid_tid, sizeof(pid_tid));
	put(&time, sizeof(time));
	put(&raw_len, sizeof(raw_len));
	put(raw, raw_len);
	memset(raw, 0, sizeof(raw));
	put(raw, pad);
}

static void lost(uint64_t n)
{
	struct perf_event_header h = { .type = PERF_RECORD_LOST, .size = sizeof(h) + 16 };
	uint64_t id = 7;

	put(&h, sizeof(h));
	put(&id, sizeof(id));
	put(&n, sizeof(n));
}

struct seen {
	int calls, intact;
};

/* Accept raw records of 0xab bytes from tid 100; refuse others. */
static bool check(void *ctx, uint32_t tid, const unsigned char *raw, uint32_t size,
		  char *why, size_t len)
{
	struct seen *s = ctx;
	bool ok = tid == 100 && size == 12;

	for (uint32_t i = 0; ok && i < size; i++)
		ok = raw[i] == 0xab;
	s->calls++;
	s->intact += ok;
	if (!ok)
		snprintf(why, len, "refused tid %u", tid);
	return ok;
}

int main(void)
{
	struct perf_event_mmap_page *pg;
	struct pc_perfring r;
	struct pc_perfring_drain d;
	struct seen s = { 0, 0 };
	struct perf_event_header h;
	uint64_t start;
	int ret;

	ktap_plan(10);
	ring = aligned_alloc(PG, 2 * PG);
	if (!ring)
		return 1;
	memset(ring, 0, 2 * PG);
	pg = (struct perf_event_mmap_page *)ring;
	pg->data_offset = PG;
	pg->data_size = PG;
	pc_perfring_init(&r);
	r.base = ring;
	r.tmp = malloc(PG);

	/* the first sample straddles the end of the data area, */
	start = at = 10 * PG - 4;	/* even its header */
	pg->data_tail = start;
	sample(100, 0xab, 12);
	lost(5);
	sample(200, 0xab, 12);		/* refused: another thread */
	{
		/* a sample with no room for TID, TIME and RAW */
		struct perf_event_header s8 = { .type = PERF_RECORD_SAMPLE, .size = 16 };
		uint64_t z = 0;

		put(&s8, sizeof(s8));
		put(&z, sizeof(z));
	}
	pg->data_head = at;
	ret = pc_perfring_read(&r, check, &s, &d);
	KTAP_OK(ret == PC_OK && s.intact == 1,
		"the sample wrapping past the ring's end reaches the check intact (%d of %d)",
		s.intact, s.calls);
	KTAP_OK(d.samples == 3 && d.bad == 2, "3 samples read, 2 refused (%llu, %llu)",
		(unsigned long long)d.samples, (unsigned long long)d.bad);
	KTAP_OK(!strcmp(d.why, "refused tid 200"), "the first refusal is named: '%s'", d.why);
	KTAP_OK(d.lost == 5, "PERF_RECORD_LOST's count is the drain's lost (%llu)",
		(unsigned long long)d.lost);
	KTAP_OK(pg->data_tail == pg->data_head, "data_tail released up to data_head");

	ret = pc_perfring_read(&r, check, &s, &d);
	KTAP_OK(ret == PC_OK && !d.samples && !d.lost,
		"a drain with nothing new reads nothing and loses nothing again");

	/* a header claiming more than was written: stop, report, don't spin */
	h.type = PERF_RECORD_SAMPLE;
	h.misc = 0;
	h.size = 512;
	put(&h, sizeof(h));
	pg->data_head = at;
	ret = pc_perfring_read(&r, check, &s, &d);
	KTAP_OK(ret == PC_ERR_VERIFY && pg->data_tail == at - sizeof(h),
		"a record overrunning data_head is an error, the tail stays before it");

	{
		/* x (8 bytes), the __data_loc word at 8: 5 bytes at 12 */
		unsigned char rec[17] = { 0 };
		const unsigned char *data = NULL;
		uint32_t loc = 12u | 5u << 16, n = 0;

		memcpy(rec + 8, &loc, sizeof(loc));
		memcpy(rec + 12, "ppppp", 5);
		KTAP_OK(pc_perfring_dynamic(rec, sizeof(rec), 8, &data, &n) && n == 5 &&
			data == rec + 12, "a __data_loc word gives the data's place and length");
		KTAP_OK(!pc_perfring_dynamic(rec, sizeof(rec) - 1, 8, &data, &n),
			"data reaching past the record's end is refused");
		KTAP_OK(!pc_perfring_dynamic(rec, sizeof(rec), 14, &data, &n),
			"a __data_loc word outside the record is refused");
	}

	free(r.tmp);
	free(ring);
	return ktap_finish();
}
