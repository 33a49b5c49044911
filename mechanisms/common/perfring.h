/* SPDX-License-Identifier: MIT */
/*
 * `perf record`'s path on one tracefs event, for the calling thread: a
 * sampling perf event (PERF_TYPE_TRACEPOINT, config = the event's id,
 * sample_period 1: every hit is a sample) writing PERF_RECORD_SAMPLE
 * records into an mmap ring, which the caller drains.
 *
 * Each sample carries PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_RAW:
 * the raw tracepoint record (common fields, then the event's fields, as
 * its tracefs format file lays them out) is what `perf record -e G:E`
 * exists for; TID and TIME are two of perf record's default sample bits
 * (it adds IP always, PERIOD, and CPU for per-CPU rings; this ring is
 * per thread, as with `perf record --per-thread -t TID`).
 *
 * The kernel writes at data_head; the reader consumes up to it and
 * stores data_tail, the non-overwrite mode perf record uses: a full
 * ring drops new samples and later writes a PERF_RECORD_LOST saying how
 * many. Because that record lags (it is written by the next sample that
 * fits), the event is also opened with PERF_FORMAT_LOST, whose read()
 * says at once how many samples the ring dropped (Linux 6.0+).
 *
 * Nothing here runs while the site fires: draining is the caller's
 * business between fires.
 */
#ifndef PC_PERFRING_H
#define PC_PERFRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pc_perfring {
	int fd;			/* -1: closed */
	void *base;		/* control page + data pages */
	size_t map_len;
	uint64_t id;		/* the tracepoint id sampled */
	unsigned int pages;	/* data pages, read back from data_size */
	uint64_t lost_records;	/* PERF_RECORD_LOST counts summed so far */
	uint64_t lost_told;	/* lost samples already reported */
	unsigned char *tmp;	/* a record that wraps, made contiguous */
};

/* What one drain found. */
struct pc_perfring_drain {
	uint64_t samples;	/* PERF_RECORD_SAMPLE records read */
	uint64_t bad;		/* of them, refused by the check */
	uint64_t lost;		/* samples dropped since the previous drain */
	char why[160];		/* the first refusal, "" none */
};

/*
 * Checks one sample: @tid from PERF_SAMPLE_TID, @raw (@size bytes) the
 * tracepoint record. Returns false and fills @why to refuse it.
 */
typedef bool (*pc_perfring_check)(void *ctx, uint32_t tid, const unsigned char *raw,
				  uint32_t size, char *why, size_t len);

/* A closed ring (fd -1); call before open, close or read. */
void pc_perfring_init(struct pc_perfring *r);

/* The id of tracefs event @group/@event (events/G/E/id). */
int pc_perfring_event_id(const char *group, const char *event, uint64_t *id,
			 char *why, size_t len);

/*
 * Offset and size of field @field of @group/@event's raw record, from
 * its tracefs format file ("field:u64 p0[8];\toffset:16;\tsize:64;").
 */
int pc_perfring_field(const char *group, const char *event, const char *field,
		      unsigned int *off, unsigned int *size, char *why, size_t len);

/*
 * Open the sampling event on @group/@event for this thread with a ring
 * of @pages data pages (a power of two) and enable it.
 */
int pc_perfring_open(struct pc_perfring *r, const char *group, const char *event,
		     unsigned int pages, char *why, size_t len);

/*
 * Read every record the kernel has written since the previous drain,
 * give each sample to @check (may be NULL) and release the space.
 */
int pc_perfring_read(struct pc_perfring *r, pc_perfring_check check, void *ctx,
		     struct pc_perfring_drain *d);

/*
 * A dynamic field of a raw record (a __data_loc array or string): the
 * __u32 at @loc_off holds the data's offset in the record (low 16 bits)
 * and its length (high 16). Sets @data and @n; false when the word or
 * the data lie outside the record's @size bytes.
 */
bool pc_perfring_dynamic(const unsigned char *raw, uint32_t size, unsigned int loc_off,
			 const unsigned char **data, uint32_t *n);

/* Disable, munmap and close; safe when not open. */
void pc_perfring_close(struct pc_perfring *r);

#endif
