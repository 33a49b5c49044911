// SPDX-License-Identifier: MIT
/* perf record's sampling ring on a tracefs event (see perfring.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/perf_event.h>

#include "errors.h"
#include "perfring.h"
#include "sysinfo.h"
#include "tracefs.h"

void pc_perfring_init(struct pc_perfring *r)
{
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

int pc_perfring_event_id(const char *group, const char *event, uint64_t *id,
			 char *why, size_t len)
{
	const char *root;
	char path[512], buf[32];

	if (pc_tracefs_root(&root, why, len) != PC_OK)
		return PC_ERR_UNSUPPORTED;
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", root, group, event);
	if (pc_read_file(path, buf, sizeof(buf)) != PC_OK) {
		snprintf(why, len, "no event %s:%s (%s: %s)", group, event, path, strerror(errno));
		return PC_ERR_UNSUPPORTED;
	}
	*id = strtoull(buf, NULL, 10);
	return PC_OK;
}

int pc_perfring_field(const char *group, const char *event, const char *field,
		      unsigned int *off, unsigned int *size, char *why, size_t len)
{
	const char *root;
	char path[512], line[512];
	FILE *f;

	if (pc_tracefs_root(&root, why, len) != PC_OK)
		return PC_ERR_UNSUPPORTED;
	snprintf(path, sizeof(path), "%s/events/%s/%s/format", root, group, event);
	f = fopen(path, "r");
	if (!f) {
		snprintf(why, len, "open %s: %s", path, strerror(errno));
		return PC_ERR_SYS;
	}
	while (fgets(line, sizeof(line), f)) {
		char *decl = strstr(line, "field:"), *end, *name;
		size_t n;

		if (!decl || !(end = strchr(decl, ';')))
			continue;
		*end = '\0';
		/* the declaration's last word, less any "[8]" */
		name = strrchr(decl, ' ');
		name = name ? name + 1 : decl + 6;
		n = strcspn(name, "[");
		if (n != strlen(field) || strncmp(name, field, n))
			continue;
		if (sscanf(end + 1, " offset:%u; size:%u;", off, size) == 2) {
			fclose(f);
			return PC_OK;
		}
	}
	fclose(f);
	snprintf(why, len, "%s has no field '%s'", path, field);
	return PC_ERR_INVAL;
}

int pc_perfring_open(struct pc_perfring *r, const char *group, const char *event,
		     unsigned int pages, char *why, size_t len)
{
	struct perf_event_attr a;
	long psz = sysconf(_SC_PAGESIZE);
	struct perf_event_mmap_page *pg;
	int ret, err;

	pc_perfring_init(r);
	if (!pages || (pages & (pages - 1))) {
		snprintf(why, len, "perf ring of %u pages: not a power of two", pages);
		return PC_ERR_INVAL;
	}
	ret = pc_perfring_event_id(group, event, &r->id, why, len);
	if (ret != PC_OK)
		return ret;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_TRACEPOINT;
	a.config = r->id;
	a.sample_period = 1;
	a.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_RAW;
	a.read_format = PERF_FORMAT_LOST;
	a.disabled = 1;
	r->fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (r->fd < 0) {
		err = errno;
		snprintf(why, len, "perf_event_open(sampling %s:%s): %s%s", group, event,
			 strerror(err), err == EACCES || err == EPERM ?
			 " (raw tracepoint samples need root or CAP_PERFMON)" : "");
		r->fd = -1;
		return err == EACCES || err == EPERM ? PC_ERR_PERM :
		       err == ENOENT || err == ENODEV || err == EOPNOTSUPP ||
		       err == EINVAL ? PC_ERR_UNSUPPORTED : PC_ERR_SYS;
	}
	r->map_len = (size_t)(pages + 1) * (size_t)psz;
	r->base = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (r->base == MAP_FAILED) {
		err = errno;
		r->base = NULL;
		pc_perfring_close(r);
		snprintf(why, len, "mmap of a %u-page perf ring: %s%s", pages, strerror(err),
			 err == EPERM ? " (over perf_event_mlock_kb without CAP_IPC_LOCK)" : "");
		return PC_ERR_SYS;
	}
	pg = r->base;
	/* what the kernel gave, not what we asked for */
	r->pages = (unsigned int)(pg->data_size / (uint64_t)psz);
	r->tmp = malloc(pg->data_size);
	if (!r->tmp) {
		pc_perfring_close(r);
		return PC_ERR_NOMEM;
	}
	if (ioctl(r->fd, PERF_EVENT_IOC_ENABLE, 0) < 0) {
		err = errno;
		pc_perfring_close(r);
		snprintf(why, len, "enabling the perf sampling event: %s", strerror(err));
		return PC_ERR_SYS;
	}
	return PC_OK;
}

/* The sample's fields, in PERF_SAMPLE_* bit order: TID, TIME, RAW. */
static void one_sample(const unsigned char *rec, uint16_t size, pc_perfring_check check,
		       void *ctx, struct pc_perfring_drain *d)
{
	const unsigned char *p = rec + sizeof(struct perf_event_header);
	uint32_t pid_tid[2], raw_size;
	char why[sizeof(d->why)] = "";
	bool ok = true;

	d->samples++;
	if (size < sizeof(struct perf_event_header) + 8 + 8 + 4) {
		snprintf(why, sizeof(why), "sample of %u bytes: too short for TID, TIME, RAW",
			 size);
		ok = false;
	} else {
		memcpy(pid_tid, p, sizeof(pid_tid));
		memcpy(&raw_size, p + 16, sizeof(raw_size));
		if ((size_t)raw_size > (size_t)size - (sizeof(struct perf_event_header) + 20)) {
			snprintf(why, sizeof(why), "raw size %u overruns its %u-byte sample",
				 raw_size, size);
			ok = false;
		} else if (check) {
			ok = check(ctx, pid_tid[1], p + 20, raw_size, why, sizeof(why));
		}
	}
	if (ok)
		return;
	d->bad++;
	if (!d->why[0])
		snprintf(d->why, sizeof(d->why), "%s", why);
}

int pc_perfring_read(struct pc_perfring *r, pc_perfring_check check, void *ctx,
		     struct pc_perfring_drain *d)
{
	struct perf_event_mmap_page *pg = r->base;
	const unsigned char *data;
	uint64_t head, tail, size, rd[2], lost;

	memset(d, 0, sizeof(*d));
	if (!pg)
		return PC_ERR_INVAL;
	data = (const unsigned char *)r->base + pg->data_offset;
	size = pg->data_size;
	head = __atomic_load_n(&pg->data_head, __ATOMIC_ACQUIRE);
	tail = pg->data_tail;
	while (tail < head) {
		struct perf_event_header h;
		const unsigned char *rec;
		uint64_t at = tail % size;

		if (at + sizeof(h) <= size) {
			memcpy(&h, data + at, sizeof(h));
		} else {
			memcpy(&h, data + at, size - at);
			memcpy((unsigned char *)&h + (size - at), data, sizeof(h) - (size - at));
		}
		if (h.size < sizeof(h) || tail + h.size > head)
			break;	/* cannot happen with a sane kernel: stop, don't spin */
		if (at + h.size <= size) {
			rec = data + at;
		} else {
			memcpy(r->tmp, data + at, size - at);
			memcpy(r->tmp + (size - at), data, h.size - (size - at));
			rec = r->tmp;
		}
		if (h.type == PERF_RECORD_SAMPLE) {
			one_sample(rec, h.size, check, ctx, d);
		} else if (h.type == PERF_RECORD_LOST && h.size >= sizeof(h) + 16) {
			uint64_t n;

			memcpy(&n, rec + sizeof(h) + 8, sizeof(n));	/* after the id */
			r->lost_records += n;
		}
		tail += h.size;
	}
	__atomic_store_n(&pg->data_tail, tail, __ATOMIC_RELEASE);
	/* PERF_FORMAT_LOST is current; the LOST records may still be due */
	lost = r->lost_records;
	if (read(r->fd, rd, sizeof(rd)) == (ssize_t)sizeof(rd) && rd[1] > lost)
		lost = rd[1];
	d->lost = lost - r->lost_told;
	r->lost_told = lost;
	return tail == head ? PC_OK : PC_ERR_VERIFY;
}

void pc_perfring_close(struct pc_perfring *r)
{
	if (r->fd >= 0)
		ioctl(r->fd, PERF_EVENT_IOC_DISABLE, 0);
	if (r->base)
		munmap(r->base, r->map_len);
	if (r->fd >= 0)
		close(r->fd);
	free(r->tmp);
	pc_perfring_init(r);
}

bool pc_perfring_dynamic(const unsigned char *raw, uint32_t size, unsigned int loc_off,
			 const unsigned char **data, uint32_t *n)
{
	uint32_t loc, off;

	if ((uint64_t)loc_off + sizeof(loc) > size)
		return false;
	memcpy(&loc, raw + loc_off, sizeof(loc));
	off = loc & 0xffff;
	*n = loc >> 16;
	if ((uint64_t)off + *n > size)
		return false;
	*data = raw + off;
	return true;
}
