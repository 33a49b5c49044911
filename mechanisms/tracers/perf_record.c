// SPDX-License-Identifier: MIT
/*
 * Tracer "perf-record": `perf record` on the sites of the uprobe family,
 * usdt and syscall-tracepoint, one generated family of (name,
 * "perf-record") entries beside the primitives of the same names. The
 * primitives' own enabled state is a counting perf event (tracer "perf");
 * a name of its own lets `--tracer perf-record` pick this path alone and
 * keeps `list` from showing "perf" twice for one name.
 *
 * The primitive does the site: its setup, its fire loop and its absent
 * and disabled states are used as they are (an inner struct pc_inst on
 * the primitive's table), so the rows measure the same code. What this
 * file adds is recording the way `perf record -e GROUP:EVENT` does it:
 *
 *   absent     the primitive's absent;
 *   disabled   the primitive's disabled: for a uprobe the event defined
 *              in uprobe_events and attached nowhere; for the tracepoint
 *              its static key off;
 *   recording  the primitive's disabled (the event defined) plus a
 *              sampling perf event on it (PERF_TYPE_TRACEPOINT, the
 *              event's id, sample_period 1, TID | TIME | RAW; see
 *              perfring.h), which attaches the uprobe or enables the
 *              tracepoint for this thread. Each hit writes one
 *              PERF_RECORD_SAMPLE carrying the raw record (for a uprobe:
 *              the probe address and the --payload bytes fetched from
 *              the site's argument) into the mmap ring.
 *
 * There is no enabled state here: counting the site with a perf event
 * is the primitive's own enabled state (tracer "perf"), and perf record
 * has no counting mode a copy of it here would add.
 *
 * The ring is drained in count(), which the measurement layer calls
 * after every fire() and outside the timed region, as perf record's
 * reader would drain it while the workload runs on another CPU. So one
 * fire() must fit: the ring holds PR_RING_EVENTS records (at least 1024
 * data pages, 4 MiB, the per-CPU size of the primitive's ftrace ring; a
 * power of two above it for large payloads, at most PR_RING_MAX_PAGES).
 * At the default 2 ms target the engine's fire(2N) is a few thousand
 * events; what does not fit is dropped by the kernel, counted in `lost`
 * (PERF_RECORD_LOST, PERF_FORMAT_LOST) and short in hits, which the
 * engine's hit check flags. perf record's own default would be
 * perf_event_mlock_kb (516) less one page = 512 KiB of data + 1 control
 * page per ring (tools/perf/util/evlist.c, perf_event_mlock_kb_in_pages
 * and evlist__mmap_size): `perf record -m 1024` is this ring.
 *
 * probecost.ko's sites (in the QEMU guest, where=module) the same way,
 * the module firing with its own handler unregistered (module_site.h):
 * its kprobe sites as `perf probe -m probecost pcsite_<name>+OFF` and
 * `perf record -e probe:...` do it -- a kprobe_events definition on the
 * function and offset the module's kprobe uses (the module's own
 * recording definition, fetching payload=@pc_payload:string), sampled
 * through PERF_TYPE_TRACEPOINT and the event's id; perf record does not
 * use the kprobe PMU (config1/config2) for a probe:EVENT. Disabled has
 * the event defined and not enabled (a registered, disarmed kprobe);
 * recording's kprobe variant is read back from kprobes/list and must be
 * the entry's (kprobe-int3 with the optimizer off, as the primitive).
 * The tracepoint's site is sampled on its own trace event,
 * probecost:pcsite_tracepoint.
 *
 * Every sample is checked, not just counted: the record's common_type is
 * the event's id, common_pid and the sample's TID are this thread, and
 * the fields say what the site did (the payload bytes for a uprobe or
 * usdt, __syscall_nr == getppid for the tracepoint, the module's payload
 * in the dynamic field `payload` for the module's sites). A sample that fails
 * is no hit, and count() fails naming the first one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "errors.h"
#include "mech.h"
#include "module_site.h"
#include "perfring.h"
#include "site.h"
#include "tracefs.h"
#include "uprobe_attach.h"

#define PR_RING_EVENTS		32768
#define PR_RING_MIN_PAGES	1024
#define PR_RING_MAX_PAGES	16384	/* 64 MiB */

enum pr_kind {
	PR_UPROBE,	/* an event defined in uprobe_events by the primitive */
	PR_TRACEPOINT,	/* a kernel tracepoint */
	PR_MODULE,	/* a site of probecost.ko (module_site.h) */
};

struct pr_desc {
	const struct pc_mech *prim;
	enum pr_kind kind;
	const char *group;	/* PR_TRACEPOINT's; a uprobe's is probecost_<pid> */
	const char *event;
};

struct pr_priv {
	struct pc_inst prim;	/* the primitive, on its own table */
	enum pc_state state;
	char group[64];
	struct pc_perfring ring;
	char attached[96];	/* the primitive's variant while attached */
	/* what each sample must hold */
	uint32_t tid;
	unsigned int field_off, field_size;	/* p0 or __syscall_nr; size 0: none */
	uint32_t payload;
	unsigned char modpay[PC_PAYLOAD_MAX];	/* the module's payload */
	bool kstring;		/* ... fetched as a string by a kprobe event */
};

static const struct pr_desc *desc_of(const struct pc_inst *in)
{
	return in->mech->data;
}

/* A primitive's failure, with its reason, as ours. */
static int prim_ret(struct pc_inst *in, struct pr_priv *p, int ret)
{
	if (ret != PC_OK)
		snprintf(in->why, sizeof(in->why), "%s", p->prim.why);
	return ret;
}

static int pr_available(const struct pc_mech *m, char *why, size_t len)
{
	const struct pr_desc *d = m->data;

	return pc_mech_available(d->prim, why, len);
}

/*
 * What the kernel does with the site while something is attached, read
 * back by the primitive's own enabled state, which attaches the same
 * uprobe (uprobe_register) that the sampling event will.
 */
static int read_attached(struct pc_inst *in, struct pr_priv *p)
{
	const struct pc_mech *pm = desc_of(in)->prim;
	int ret = pm->arm(&p->prim, PC_ENABLED);

	if (ret == PC_OK && pm->variant)
		ret = pm->variant(&p->prim, p->attached, sizeof(p->attached));
	if (pm->disarm(&p->prim) != PC_OK && ret == PC_OK)
		ret = PC_ERR_SYS;
	return prim_ret(in, p, ret);
}

static void pr_teardown(struct pc_inst *in);

static int pr_setup(struct pc_inst *in)
{
	const struct pr_desc *d = desc_of(in);
	struct pr_priv *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return PC_ERR_NOMEM;
	p->prim.mech = d->prim;
	p->prim.opts = in->opts;
	pc_perfring_init(&p->ring);
	if (d->prim->setup) {
		ret = d->prim->setup(&p->prim);
		if (ret != PC_OK) {
			prim_ret(in, p, ret);
			free(p);	/* the primitive freed what it took */
			return ret;
		}
	}
	in->priv = p;
	p->tid = (uint32_t)gettid();
	if (d->kind == PR_UPROBE) {
		pc_tracefs_group(p->group, sizeof(p->group));
		ret = read_attached(in, p);
	} else if (d->kind == PR_MODULE) {
		pc_modsite_payload(in->opts->payload, p->modpay);
		ret = PC_OK;
	} else {
		snprintf(p->group, sizeof(p->group), "%s", d->group);
		snprintf(p->attached, sizeof(p->attached), "%s", d->event);
		ret = PC_OK;
	}
	if (ret != PC_OK)
		pr_teardown(in);
	return ret;
}

/* perf record's ring for @payload-byte events (see the top comment). */
static unsigned int ring_pages(uint32_t payload)
{
	uint64_t want = ((uint64_t)payload + 64) * PR_RING_EVENTS /
			(uint64_t)sysconf(_SC_PAGESIZE);
	unsigned int pages = PR_RING_MIN_PAGES;

	while (pages < want && pages < PR_RING_MAX_PAGES)
		pages *= 2;
	return pages;
}

/* Where the checkable field of the raw record is. */
static int find_field(struct pc_inst *in, struct pr_priv *p)
{
	const struct pr_desc *d = desc_of(in);

	p->field_size = 0;
	p->payload = in->opts->payload;
	if (d->kind == PR_TRACEPOINT)
		return pc_perfring_field(p->group, d->event, "__syscall_nr", &p->field_off,
					 &p->field_size, in->why, sizeof(in->why));
	if (d->kind == PR_MODULE)	/* a __data_loc: the payload's place and length */
		return pc_perfring_field(p->group, p->attached, "payload", &p->field_off,
					 &p->field_size, in->why, sizeof(in->why));
	if (!p->payload)
		return PC_OK;	/* no argument fetched: only the common fields */
	return pc_perfring_field(p->group, d->event, "p0", &p->field_off, &p->field_size,
				 in->why, sizeof(in->why));
}

/*
 * A module site: the module armed with its handler unregistered and, on
 * a kprobe site, the kprobe_events event defined; recording samples it.
 */
static int pr_count(struct pc_inst *in, struct pc_fire *out);

static int pr_arm_module(struct pc_inst *in, struct pr_priv *p, enum pc_state st)
{
	struct pc_modsite ms;
	int ret = prim_ret(in, p, pc_modsite_arm(&p->prim, st, PC_MODSITE_KEVENT));

	if (ret != PC_OK || st != PC_RECORDING)
		return ret;
	pc_modsite_get(&p->prim, &ms);
	snprintf(p->group, sizeof(p->group), "%s", ms.group);
	snprintf(p->attached, sizeof(p->attached), "%s", ms.event);
	p->kstring = ms.kind != 0;
	ret = find_field(in, p);
	if (ret == PC_OK)
		ret = pc_perfring_open(&p->ring, p->group, p->attached,
				       ring_pages(in->opts->payload), in->why, sizeof(in->why));
	if (ret == PC_OK)
		ret = prim_ret(in, p, pc_modsite_verify(&p->prim));
	/* the samples its wait for the optimizer fired: not the first fire's */
	if (ret == PC_OK) {
		struct pc_fire drained = { 0 };

		ret = pr_count(in, &drained);
	}
	return ret;
}

static int pr_arm(struct pc_inst *in, enum pc_state st)
{
	const struct pr_desc *d = desc_of(in);
	struct pr_priv *p = in->priv;
	int ret;

	p->state = st;
	if (d->kind == PR_MODULE && st != PC_ENABLED)
		return pr_arm_module(in, p, st);
	if (st == PC_ABSENT || st == PC_DISABLED)
		return prim_ret(in, p, d->prim->arm(&p->prim, st));
	if (st != PC_RECORDING)
		return pc_inst_fail(in, PC_ERR_INVAL,
				    "%s (perf-record): no %s state: the primitive's is it",
				    in->mech->name, pc_state_name(st));
	/* the event defined (the primitive's disabled), then sampled */
	ret = prim_ret(in, p, d->prim->arm(&p->prim, PC_DISABLED));
	if (ret == PC_OK)
		ret = find_field(in, p);
	if (ret == PC_OK)
		ret = pc_perfring_open(&p->ring, p->group, d->event, ring_pages(in->opts->payload),
				       in->why, sizeof(in->why));
	return ret;
}

static int pr_disarm(struct pc_inst *in)
{
	struct pr_priv *p = in->priv;

	pc_perfring_close(&p->ring);
	p->state = PC_ABSENT;
	return prim_ret(in, p, desc_of(in)->prim->disarm(&p->prim));
}

static int pr_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out)
{
	struct pr_priv *p = in->priv;

	return prim_ret(in, p, desc_of(in)->prim->fire(&p->prim, n, out));
}

/*
 * The module's payload in the record's dynamic field: a __data_loc word
 * (offset in the low 16 bits, length in the high 16), then the bytes:
 * --payload of them (the trace event's memcpy, or the kprobe event's
 * string fetch: len - 1 'p' and the NUL; an empty string's NUL alone).
 */
static bool check_module_payload(const struct pr_priv *p, const unsigned char *raw,
				 uint32_t size, char *why, size_t len)
{
	const unsigned char *data = NULL;
	uint32_t n = 0, want = p->payload;

	if (!want && p->kstring)
		want = 1;
	if (p->field_size != sizeof(uint32_t) ||
	    !pc_perfring_dynamic(raw, size, p->field_off, &data, &n)) {
		snprintf(why, len, "no __data_loc payload field within the %u-byte record", size);
		return false;
	}
	if (n != want || memcmp(data, p->modpay, n)) {
		snprintf(why, len, "a payload of %u bytes, not the module's %u bytes", n, want);
		return false;
	}
	return true;
}

static bool check_sample(void *ctx, uint32_t tid, const unsigned char *raw, uint32_t size,
			 char *why, size_t len)
{
	const struct pc_inst *in = ctx;
	const struct pr_priv *p = in->priv;
	uint16_t type;
	int32_t pid, nr;

	if (size < 8 || (p->field_size && size < p->field_off + p->field_size)) {
		snprintf(why, len, "raw record of %u bytes, shorter than its format", size);
		return false;
	}
	memcpy(&type, raw, sizeof(type));
	memcpy(&pid, raw + 4, sizeof(pid));
	if (type != p->ring.id || tid != p->tid || (uint32_t)pid != p->tid) {
		snprintf(why, len, "sample of event %u, tid %u, common_pid %d: expected %llu, %u",
			 type, tid, pid, (unsigned long long)p->ring.id, p->tid);
		return false;
	}
	if (!p->field_size)
		return true;
	if (desc_of(in)->kind == PR_MODULE)
		return check_module_payload(p, raw, size, why, len);
	if (desc_of(in)->kind == PR_TRACEPOINT) {
		memcpy(&nr, raw + p->field_off, sizeof(nr));
		if (nr == SYS_getppid)
			return true;
		snprintf(why, len, "__syscall_nr %d, not getppid (%d)", nr, SYS_getppid);
		return false;
	}
	/* p0, p1 ...: the payload's 8-byte words, then its last bytes, back to back */
	if (size < p->field_off + p->payload) {
		snprintf(why, len, "raw record of %u bytes: no room for the %u-byte payload at %u",
			 size, p->payload, p->field_off);
		return false;
	}
	if (!memcmp(raw + p->field_off, pc_payload, p->payload))
		return true;
	snprintf(why, len, "the payload fetched from the site differs from pc_payload");
	return false;
}

static int pr_count(struct pc_inst *in, struct pc_fire *out)
{
	struct pr_priv *p = in->priv;
	struct pc_perfring_drain d;
	int ret;

	if (p->state != PC_RECORDING)	/* the module's fire counted for itself */
		return desc_of(in)->prim->count ?
		       prim_ret(in, p, desc_of(in)->prim->count(&p->prim, out)) : PC_OK;
	ret = pc_perfring_read(&p->ring, check_sample, in, &d);
	out->hits = d.samples - d.bad;
	out->lost = d.lost;
	if (desc_of(in)->kind == PR_MODULE)
		pc_modsite_traps(&p->prim, out);
	if (ret != PC_OK)
		return pc_inst_fail(in, ret, "%s (perf-record): a malformed record in the perf ring",
				    in->mech->name);
	if (d.bad)
		return pc_inst_fail(in, PC_ERR_VERIFY,
				    "%s (perf-record): %llu of %llu samples wrong: %s",
				    in->mech->name, (unsigned long long)d.bad,
				    (unsigned long long)d.samples, d.why);
	return PC_OK;
}

static int pr_variant(struct pc_inst *in, char *buf, size_t len)
{
	const struct pr_desc *d = desc_of(in);
	struct pr_priv *p = in->priv;
	char v[400];
	int ret;

	if (p->state != PC_RECORDING)
		return d->prim->variant ? prim_ret(in, p, d->prim->variant(&p->prim, buf, len)) :
					  PC_OK;
	/* a module kprobe site: the variant read back (kprobes/list), the event's fetch */
	if (d->kind == PR_MODULE && p->kstring) {
		ret = prim_ret(in, p, d->prim->variant(&p->prim, v, sizeof(v)));
		if (ret == PC_OK)
			snprintf(buf, len, "%s:perf-ring:%u", v, p->ring.pages);
		return ret;
	}
	snprintf(buf, len, "%s%s%s:perf-ring:%u", d->kind == PR_MODULE ? p->group : "",
		 d->kind == PR_MODULE ? ":" : "", p->attached, p->ring.pages);
	return PC_OK;
}

static void pr_teardown(struct pc_inst *in)
{
	const struct pr_desc *d = desc_of(in);
	struct pr_priv *p = in->priv;

	if (!p)
		return;
	pc_perfring_close(&p->ring);
	if (d->prim->teardown)
		d->prim->teardown(&p->prim);
	free(p);
	in->priv = NULL;
}

/* One entry: its pr_desc and its table; the macros below say where it runs. */
#define PR_ENTRY(id, name_, fam, where_, kind_, group_, event_, mt_why_, flags_, \
		 opt_in_why_, reap_, summary_)				\
	extern const struct pc_mech pc_mech_##id;				\
	static const struct pr_desc pr_##id = {					\
		.prim = &pc_mech_##id,						\
		.kind = kind_,							\
		.group = group_,						\
		.event = event_,						\
	};									\
	const struct pc_mech pc_mech_perf_##id = {				\
		.name = name_,							\
		.summary = summary_,						\
		.family = fam,							\
		.where = where_,						\
		.states = PC_ST(PC_ABSENT) | PC_ST(PC_DISABLED) |		\
			  PC_ST(PC_RECORDING),					\
		.mt_why = mt_why_,						\
		.data = &pr_##id,						\
		.tracer = "perf-record",					\
		.flags = flags_,						\
		.opt_in_why = opt_in_why_,					\
		.available = pr_available,					\
		.setup = pr_setup,						\
		.arm = pr_arm,							\
		.disarm = pr_disarm,						\
		.fire = pr_fire,						\
		.count = pr_count,						\
		.variant = pr_variant,						\
		.teardown = pr_teardown,					\
		.reap = reap_,							\
	}

#define PR_MECH(id, name_, fam, where_, kind_, group_, event_, summary_)	\
	PR_ENTRY(id, name_, fam, where_, kind_, group_, event_,			\
		 "perf record's sampling event is bound to the measuring thread: other threads' hits would go unrecorded", \
		 0, NULL, pc_uprobe_reap, summary_)

#define PR_UPROBE_MECH(id, name_, fam, event_)					\
	PR_MECH(id, name_, fam, PC_WHERE_USER, PR_UPROBE, NULL, event_,	\
		"perf record on the " name_ " site: sampling event, mmap ring")

PR_UPROBE_MECH(uprobe_nop, "uprobe-nop", PC_FAM_DYNAMIC, "uprobe_nop");
PR_UPROBE_MECH(uprobe_nop5, "uprobe-nop5", PC_FAM_DYNAMIC, "uprobe_nop5");
PR_UPROBE_MECH(uprobe_push, "uprobe-push", PC_FAM_DYNAMIC, "uprobe_push");
PR_UPROBE_MECH(uprobe_ret, "uprobe-ret", PC_FAM_DYNAMIC, "uprobe_ret");
PR_UPROBE_MECH(uretprobe, "uretprobe", PC_FAM_DYNAMIC, "uretprobe");
PR_UPROBE_MECH(usdt, "usdt", PC_FAM_STATIC, "usdt");
PR_MECH(syscall_tracepoint, "syscall-tracepoint", PC_FAM_STATIC, PC_WHERE_KERNEL,
	PR_TRACEPOINT, "syscalls", "sys_enter_getppid",
	"perf record on syscalls:sys_enter_getppid: sampling event, mmap ring");

/* probecost.ko's sites, in the guest: the module's reap, its mt reason, opt-in */
#define PR_MOD_MECH(id, name_, fam, summary_)					\
	PR_ENTRY(id, name_, fam, PC_WHERE_MODULE, PR_MODULE, NULL, NULL,	\
		 PC_MODSITE_MT_WHY, PC_MECH_OPT_IN, PC_MODSITE_OPT_IN_WHY,	\
		 pc_modsite_reap, summary_)

PR_MOD_MECH(tracepoint, "tracepoint", PC_FAM_STATIC,
	    "perf record on probecost:pcsite_tracepoint: sampling event, mmap ring");
PR_MOD_MECH(kprobe_int3, "kprobe-int3", PC_FAM_DYNAMIC,
	    "perf record on a kprobe event at the int3 site (optimizer off)");
PR_MOD_MECH(kprobe_optimized, "kprobe-optimized", PC_FAM_DYNAMIC,
	    "perf record on a kprobe event at the optimized site");
PR_MOD_MECH(kprobe_ftrace, "kprobe-ftrace", PC_FAM_DYNAMIC,
	    "perf record on a kprobe event at the ftrace entry site");
PR_MOD_MECH(kretprobe, "kretprobe", PC_FAM_DYNAMIC,
	    "perf record on a kretprobe event at the kretprobe site");
