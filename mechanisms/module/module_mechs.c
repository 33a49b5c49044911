// SPDX-License-Identifier: MIT
/*
 * The mechanisms of probecost.ko, as seen by the harness: one generated
 * `struct pc_mech` per line of PROBECOST_MECHS in the ABI header, all
 * sharing the ops below; what differs between them is data (mm_spec).
 *
 * The module times itself (rdtsc_ordered() around its chunks), so fire()
 * returns self-timed TSC ticks and the caller does not add its own
 * syscall around them; so does toggle(), whose switches the module times
 * in the kernel. What the harness adds per state:
 *
 *   recording  a private tracefs instance receives the events: the
 *              module's trace event (tracepoint; pc_record for branch and
 *              static-key handlers), or for the kprobe family a
 *              kprobe_events definition on the same site and offset the
 *              module would probe, fetching the same payload bytes. Hits
 *              are then what the ring buffer received (entries +
 *              overrun), lost what it dropped.
 *   kprobes    the variant is read back from <debugfs>/kprobes/list
 *              ([OPTIMIZED], [FTRACE]) and must be the one asked for;
 *              kprobe-int3 turns debug.kprobes-optimization off while
 *              armed and restores it on disarm.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"
#include "kprobe_others.h"
#include "mech.h"
#include "module_dev.h"
#include "module_site.h"
#include "readback.h"
#include "sysinfo.h"
#include "tracefs.h"

#define OPT_SYSCTL	"/proc/sys/debug/kprobes-optimization"
#define OPT_MARK_DIR	"/run"
#define OPT_WAIT_MS	20000
#define INSTANCE_KB	1024

enum mm_rec {
	MM_REC_EVENT,		/* the module's trace event @event */
	MM_REC_KPROBE,		/* a kprobe_events definition */
};

struct mm_spec {
	uint32_t id;		/* PROBECOST_MECH_* */
	enum mm_rec rec;
	const char *event;	/* MM_REC_EVENT */
	char kind;		/* MM_REC_KPROBE: 'p' or 'r' */
	bool at_body;		/* probe the body offset, not the entry */
	const char *want;	/* kprobes: the variant that must be read back */
	const char *toggle;	/* what the toggle rows time */
	const char *variant;	/* others: what the site is */
	/* recording through the module's own kprobe handler (pc_record) */
	bool handler_records;
};

/* One line each for `probecost list`. */
#define MM_SUMMARY_TRACEPOINT	"TRACE_EVENT site: static-key nop, probe call, ring buffer"
#define MM_SUMMARY_BRANCH	"global flag test + call: the markers-era kernel tracepoint"
#define MM_SUMMARY_STATIC_KEY	"static_branch_unlikely: a patched nop/jmp (jump label)"
#define MM_SUMMARY_KPROBE_INT3	"kprobe on a body instruction, optimizer off: int3 trap"
#define MM_SUMMARY_KPROBE_OPT	"kprobe on a body instruction after the optimizer: jmp to a detour"
#define MM_SUMMARY_KPROBE_FTRACE	"kprobe on the function entry: through the fentry call and ftrace"
#define MM_SUMMARY_KRETPROBE	"kretprobe: entry probe plus a hijacked return"

static const struct mm_spec mm_specs[PROBECOST_NR_MECHS] = {
	[PROBECOST_MECH_TRACEPOINT] = {
		.id = PROBECOST_MECH_TRACEPOINT,
		.toggle = "tracepoint_probe_register / _unregister (key patch, RCU publish)",
		.rec = MM_REC_EVENT, .event = PROBECOST_EVENT_TRACEPOINT,
		.variant = "trace-event",
	},
	[PROBECOST_MECH_BRANCH] = {
		.id = PROBECOST_MECH_BRANCH,
		.toggle = "one store to the flag",
		.rec = MM_REC_EVENT, .event = PROBECOST_EVENT_RECORD,
		.variant = "flag-test",
	},
	[PROBECOST_MECH_STATIC_KEY] = {
		.id = PROBECOST_MECH_STATIC_KEY,
		.toggle = "static_branch_enable / _disable (text_poke_bp)",
		.rec = MM_REC_EVENT, .event = PROBECOST_EVENT_RECORD,
		.variant = "jump-label",
	},
	[PROBECOST_MECH_KPROBE_INT3] = {
		.id = PROBECOST_MECH_KPROBE_INT3,
		.toggle = "register_kprobe / unregister_kprobe, optimizer off",
		.rec = MM_REC_KPROBE, .kind = 'p', .at_body = true, .want = "int3",
	},
	[PROBECOST_MECH_KPROBE_OPT] = {
		.id = PROBECOST_MECH_KPROBE_OPT,
		.toggle = "register_kprobe / unregister_kprobe of an optimized probe",
		.rec = MM_REC_KPROBE, .kind = 'p', .at_body = true, .want = "optimized",
	},
	[PROBECOST_MECH_KPROBE_FTRACE] = {
		.id = PROBECOST_MECH_KPROBE_FTRACE,
		.toggle = "register_kprobe / unregister_kprobe on the ftrace entry",
		.rec = MM_REC_KPROBE, .kind = 'p', .want = "ftrace",
	},
	[PROBECOST_MECH_KRETPROBE] = {
		.id = PROBECOST_MECH_KRETPROBE,
		.toggle = "register_kretprobe / unregister_kretprobe",
		.rec = MM_REC_KPROBE, .kind = 'r', .want = "kretprobe",
	},
};

/*
 * The kprobe family's recording like-for-like (tracer "self"): the
 * module's own kprobe, whose handler writes pc_record as branch's and
 * static-key's do, instead of a kprobe event fetching the payload as a
 * string. Each spec is its primitive's but for how it records.
 */
#define MM_SELF_SPEC(ID, kind_, body, want_)				\
	[PROBECOST_MECH_##ID] = {					\
		.id = PROBECOST_MECH_##ID, .rec = MM_REC_EVENT,		\
		.event = PROBECOST_EVENT_RECORD, .kind = kind_,		\
		.at_body = body, .want = want_, .handler_records = true,	\
	}

static const struct mm_spec mm_self_specs[PROBECOST_NR_MECHS] = {
	MM_SELF_SPEC(KPROBE_INT3, 'p', true, "int3"),
	MM_SELF_SPEC(KPROBE_OPT, 'p', true, "optimized"),
	MM_SELF_SPEC(KPROBE_FTRACE, 'p', false, "ftrace"),
	MM_SELF_SPEC(KRETPROBE, 'r', false, "kretprobe"),
};

struct mm_priv {
	struct pc_module mod;
	const struct mm_spec *sp;
	uint32_t id;
	enum pc_state st;
	struct pc_tracefs_inst ti;
	char group[64], event[64];
	bool event_defined;
	bool bare;		/* armed for a tracer entry (module_site.h) */
	uint32_t probe_byte;	/* the text at the probe after the last fire */
	bool opt_saved;
	char opt_prev[16];
	uint64_t toggle_off;	/* the off half of the last toggle cycle */
	struct pc_kprobe_others kothers;	/* the armed analysis's K kprobes */
};

static uint32_t mm_id(const struct pc_mech *m)
{
	return ((const struct mm_spec *)m->data)->id;
}

/* ---- debug.kprobes-optimization, saved in /run so a killed run can be undone ---- */

static void opt_mark_path(char *buf, size_t len, int pid)
{
	snprintf(buf, len, "%s/probecost-kprobes-optimization.%d", OPT_MARK_DIR, pid);
}

static int opt_off(struct mm_priv *p, struct pc_inst *in)
{
	char mark[128], why[256];
	FILE *f;
	int ret;

	if (pc_read_file(OPT_SYSCTL, p->opt_prev, sizeof(p->opt_prev)) != PC_OK)
		return pc_inst_fail(in, PC_ERR_UNSUPPORTED,
				    "%s missing: cannot turn the kprobe optimizer off for an int3 measurement",
				    OPT_SYSCTL);
	opt_mark_path(mark, sizeof(mark), (int)getpid());
	f = fopen(mark, "w");
	if (f) {
		fprintf(f, "%s\n", p->opt_prev);
		fclose(f);
	}
	p->opt_saved = true;
	ret = pc_tracefs_write(OPT_SYSCTL, "0", false, why, sizeof(why));
	if (ret != PC_OK)
		return pc_inst_fail(in, ret, "%s", why);
	return PC_OK;
}

static void opt_restore(struct mm_priv *p)
{
	char mark[128], why[256];

	if (!p->opt_saved)
		return;
	pc_tracefs_write(OPT_SYSCTL, p->opt_prev, false, why, sizeof(why));
	opt_mark_path(mark, sizeof(mark), (int)getpid());
	unlink(mark);
	p->opt_saved = false;
}

static bool variant_ok(const struct mm_spec *sp, const char *v)
{
	if (!strcmp(sp->want, "kretprobe"))
		return !strncmp(v, "kretprobe:", 10) && !strchr(v, '|');
	return !strcmp(v, sp->want);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Wait (the optimizer works in the background) until @want is in force. */
static int verify_variant(struct mm_priv *p, struct pc_inst *in)
{
	const char *site = p->mod.info[p->id].site;
	char v[64] = "none";
	long waited = 0;

	for (;;) {
		if (pc_kprobe_list_variant(site, v, sizeof(v)) != PC_OK)
			return pc_inst_fail(in, PC_ERR_UNSUPPORTED,
					    "cannot read %s/kprobes/list (debugfs): the variant cannot be verified",
					    pc_debugfs_root());
		if (variant_ok(p->sp, v))
			return PC_OK;
		if (strcmp(p->sp->want, "optimized") || waited >= OPT_WAIT_MS)
			break;
		sleep_ms(10);
		waited += 10;
	}
	return pc_inst_fail(in, PC_ERR_VERIFY,
			    "asked for a %s kprobe on %s, but kprobes/list says %s%s",
			    p->sp->want, site, v,
			    !strcmp(p->sp->want, "optimized") ?
			    " after 20 s (is debug.kprobes-optimization 0?)" : "");
}


/*
 * The traps of a fire (struct pc_fire), from the text at the probe
 * address after the run (the ABI's probe_byte): an int3 there means
 * every hit traps, once for the int3 and the probed instruction's step
 * traps (the ABI's step_traps) after it. With the module's own kprobe
 * (enabled) the handler also counts the hits it took in the trap, which
 * must be all of them or none, as the text says. In recording the kprobe
 * is the kprobe event's, on the same instruction. A kretprobe's handler
 * runs at the return, outside any trap: its entry's text says it.
 * Nothing probed (absent, disabled), or a handler called by the site
 * itself (trace event, flag, static key): none.
 */
static int mm_traps(struct mm_priv *p, struct pc_inst *in,
		    const struct probecost_run *r, struct pc_fire *out)
{
	bool probed = p->sp->want && (p->st == PC_ENABLED || p->st == PC_RECORDING);
	bool int3 = probed && r->probe_byte == PC_X86_INT3;
	/* the module's own kprobe handler ran: enabled, or recording through it */
	bool counted = probed && p->sp->kind == 'p' &&
		       (p->st == PC_ENABLED || p->sp->handler_records);
	/* its calls: counted hits, or in recording what reached the ring or was dropped */
	uint64_t calls = p->st == PC_ENABLED ? r->hits : out->hits + out->lost;

	p->probe_byte = r->probe_byte;
	/* a tracer entry's hits are its count op's: pc_modsite_traps() then */
	if (p->bare && probed)
		return PC_OK;
	out->traps_known = true;
	out->traps = probed ? pc_module_traps(&p->mod, p->id, r->probe_byte, out->hits) : 0;
	if (counted && r->trapped != (int3 ? calls : 0))
		return pc_inst_fail(in, PC_ERR_VERIFY,
				    "the probe's text starts with 0x%02x, but the handler ran in the int3 trap in %llu of %llu hits",
				    r->probe_byte, (unsigned long long)r->trapped,
				    (unsigned long long)calls);
	return PC_OK;
}

/*
 * The optimizer patches in both directions in the background
 * (kprobe_optimizer(), after a delay): kprobes/list says [OPTIMIZED] as
 * soon as it has queued a probe, while every hit still traps; and after
 * unregister_kprobe() the jmp (or an int3) stays in the text until it
 * has unoptimized it. Fire one event at a time until the text at the
 * probe address is what the next measurement needs -- the jmp after
 * arming an optimized probe, no probe at all after disarming a body
 * probe -- so no row times a half-optimized probe or a disabled site
 * still probed.
 */
static int wait_text(struct mm_priv *p, struct pc_inst *in, bool jmp)
{
	struct probecost_run r;
	long waited = 0;
	int ret;

	for (;;) {
		ret = pc_module_run(&p->mod, p->id, 1, &r, in->why, sizeof(in->why));
		if (ret != PC_OK)
			return ret;
		if (jmp ? r.probe_byte == PC_X86_JMP32 :
			  r.probe_byte != PC_X86_JMP32 && r.probe_byte != PC_X86_INT3)
			return PC_OK;
		if (waited >= OPT_WAIT_MS)
			return pc_inst_fail(in, PC_ERR_VERIFY,
					    "%s: after 20 s the text at the probe still starts with 0x%02x, %s",
					    p->mod.info[p->id].site, r.probe_byte,
					    jmp ? "not the optimizer's jmp (kprobes/list says optimized)" :
					    "a probe's, though none is registered");
		sleep_ms(10);
		waited += 10;
	}
}

/* ---- recording: instance, events, counts ---- */

/* nmissed of our kprobe event, from kprobe_profile; 0 when absent */
static uint64_t kprobe_event_missed(struct mm_priv *p)
{
	char path[PATH_MAX], line[512], name[192];
	const char *root;
	unsigned long long hit, miss;
	uint64_t out = 0;
	FILE *f;

	if (!p->event_defined || pc_tracefs_root(&root, line, sizeof(line)) != PC_OK)
		return 0;
	snprintf(path, sizeof(path), "%s/kprobe_profile", root);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%191s %llu %llu", name, &hit, &miss) == 3 &&
		    !strcmp(name, p->event))
			out = miss;
	}
	fclose(f);
	return out;
}

static int kprobe_event_define(struct mm_priv *p, struct pc_inst *in)
{
	const struct probecost_info *info = &p->mod.info[p->id];
	char def[512], where[96], why[256];
	int ret;

	pc_tracefs_group(p->group, sizeof(p->group));
	snprintf(p->event, sizeof(p->event), "%s", info->site);
	if (p->sp->at_body)
		snprintf(where, sizeof(where), "%s:%s+%u", PROBECOST_MODULE, info->site,
			 info->probe_offset);
	else
		snprintf(where, sizeof(where), "%s:%s", PROBECOST_MODULE, info->site);
	snprintf(def, sizeof(def), "%c:%s/%s %s payload=@%s:string\n", p->sp->kind,
		 p->group, p->event, where, PROBECOST_PAYLOAD_SYMBOL);
	ret = pc_tracefs_dynevent_add("kprobe_events", def, why, sizeof(why));
	if (ret != PC_OK)
		return pc_inst_fail(in, ret, "defining the kprobe event: %s", why);
	p->event_defined = true;
	return PC_OK;
}

static void kprobe_event_remove(struct mm_priv *p)
{
	char why[256];

	/* busy while enabled anywhere: the instance is removed first */
	if (p->event_defined &&
	    pc_tracefs_dynevent_del("kprobe_events", p->group, p->event, why,
				    sizeof(why)) == PC_OK)
		p->event_defined = false;
}

static int recording_on(struct mm_priv *p, struct pc_inst *in)
{
	char why[256];
	int ret;

	ret = pc_tracefs_instance_create(&p->ti, in->mech->name, INSTANCE_KB, why, sizeof(why));
	if (ret != PC_OK)
		return pc_inst_fail(in, ret, "%s", why);
	if (p->sp->rec == MM_REC_KPROBE) {
		ret = kprobe_event_define(p, in);
		if (ret != PC_OK)
			return ret;
		ret = pc_tracefs_instance_event(&p->ti, p->group, p->event, true, why,
						sizeof(why));
	} else {
		ret = pc_tracefs_instance_event(&p->ti, PROBECOST_EVENT_GROUP, p->sp->event,
						true, why, sizeof(why));
	}
	if (ret != PC_OK)
		return pc_inst_fail(in, ret, "enabling the recording event: %s", why);
	return PC_OK;
}

static void recording_off(struct mm_priv *p)
{
	pc_tracefs_instance_remove(&p->ti);
	kprobe_event_remove(p);
}

/* ---- the ops ---- */

static int mm_available(const struct pc_mech *m, char *why, size_t len)
{
	struct pc_module mod;
	uint32_t id = mm_id(m);
	int ret = pc_module_open(&mod, why, len);

	if (ret != PC_OK)
		return ret == PC_ERR_BUSY ? PC_ERR_BUSY : ret;
	if (id >= mod.ver.nr_mechs) {
		snprintf(why, len, "probecost.ko does not know %s: rebuild and reload it", m->name);
		ret = PC_ERR_ABI;
	} else if (mod.info[id].err) {
		snprintf(why, len, "%s", mod.info[id].why);
		ret = PC_ERR_UNSUPPORTED;
	}
	pc_module_close(&mod);
	return ret;
}

static int mm_setup(struct pc_inst *in)
{
	struct mm_priv *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return PC_ERR_NOMEM;
	p->id = mm_id(in->mech);
	p->sp = in->mech->data;
	ret = pc_module_open(&p->mod, in->why, sizeof(in->why));
	if (ret != PC_OK) {
		free(p);
		return ret;
	}
	in->priv = p;
	return PC_OK;
}

/*
 * Others: K kprobes on the module's never-run nop sled (kprobe_others.h),
 * for the kprobe mechanisms; the static ones have no probes of their
 * kind to arm elsewhere here.
 */
static int mm_others(struct pc_inst *in, unsigned int k, char *what, size_t len)
{
	struct mm_priv *p = in->priv;

	if (p->sp->rec != MM_REC_KPROBE)
		return pc_inst_fail(in, PC_ERR_UNSUPPORTED,
				    "%s: other probes of its kind are armed only for the kprobe mechanisms",
				    in->mech->name);
	return pc_kprobe_others_set(&p->kothers, k, what, len, in->why, sizeof(in->why));
}

static void mm_teardown(struct pc_inst *in)
{
	struct mm_priv *p = in->priv;
	char what[8], why[256];

	if (!p)
		return;
	pc_kprobe_others_set(&p->kothers, 0, what, sizeof(what), why, sizeof(why));
	pc_module_close(&p->mod);
	free(p);
	in->priv = NULL;
}

static int mm_disarm(struct pc_inst *in)
{
	struct mm_priv *p = in->priv;
	int ret;

	ret = pc_module_disarm(&p->mod, p->id);
	recording_off(p);
	opt_restore(p);
	p->st = PC_ABSENT;
	p->bare = false;
	if (ret != PC_OK)
		return pc_inst_fail(in, ret, "probecost.ko disarm failed: %s", strerror(errno));
	if (p->sp->at_body) {
		ret = wait_text(p, in, false);
		if (ret != PC_OK)
			return ret;
	}
	if (p->ti.path[0] || p->event_defined)
		return pc_inst_fail(in, PC_ERR_BUSY, "tracefs instance or kprobe event could not be removed");
	return PC_OK;
}

static int mm_arm(struct pc_inst *in, enum pc_state st)
{
	struct mm_priv *p = in->priv;
	bool probed = p->sp->want && (st == PC_ENABLED || st == PC_RECORDING);
	int ret;

	if (probed && !strcmp(p->sp->want, "int3")) {
		ret = opt_off(p, in);
		if (ret != PC_OK)
			return ret;
	}
	/* the payload first: the event may fire as soon as it exists */
	ret = pc_module_arm(&p->mod, p->id, st, in->opts->payload,
			    p->sp->handler_records ? PROBECOST_ARM_HANDLER_RECORDS : 0,
			    in->why, sizeof(in->why));
	if (ret == PC_OK && st == PC_RECORDING)
		ret = recording_on(p, in);
	if (ret != PC_OK)
		return ret;
	p->st = st;
	if (!probed)
		return PC_OK;
	ret = verify_variant(p, in);
	if (ret == PC_OK && !strcmp(p->sp->want, "optimized"))
		ret = wait_text(p, in, true);
	return ret;
}

static int mm_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out)
{
	struct mm_priv *p = in->priv;
	struct probecost_run r;
	uint64_t w0 = 0, l0 = 0, w1, l1, miss0 = 0;
	bool inst = p->st == PC_RECORDING && !p->bare;	/* our instance records */
	int ret;

	if (inst) {
		pc_tracefs_instance_written(&p->ti, &w0, &l0);
		miss0 = kprobe_event_missed(p);
	}
	ret = pc_module_run(&p->mod, p->id, n, &r, in->why, sizeof(in->why));
	if (ret != PC_OK)
		return ret;
	out->ticks = r.ticks;
	out->tsc_khz = p->mod.ver.tsc_khz;
	out->self_timed = true;
	out->hits = r.hits;
	out->missed = r.missed;
	if (inst) {
		pc_tracefs_instance_written(&p->ti, &w1, &l1);
		out->hits = w1 - w0;
		out->lost = l1 - l0;
		out->missed += kprobe_event_missed(p) - miss0;
	}
	return mm_traps(p, in, &r, out);
}

static int mm_variant(struct pc_inst *in, char *buf, size_t len)
{
	struct mm_priv *p = in->priv;
	char def[512];
	const char *args;
	int ret;

	if (!p->sp->want) {
		snprintf(buf, len, "%s", p->sp->variant);
		return PC_OK;
	}
	if (p->st == PC_ABSENT || p->st == PC_DISABLED) {
		snprintf(buf, len, "unprobed");
		return PC_OK;
	}
	ret = pc_kprobe_list_variant(p->mod.info[p->id].site, buf, len);
	/*
	 * Recording goes through a kprobe event whose fetch copies the
	 * payload byte by byte, not the module's pc_record event the other
	 * module mechanisms record through: read it back, so the rows say
	 * why the recording figures are not like-for-like.
	 */
	if (ret == PC_OK && p->st == PC_RECORDING && p->event_defined &&
	    pc_tracefs_dynevent_line("kprobe_events", p->group, p->event, def, sizeof(def)) == PC_OK &&
	    (args = strstr(def, " payload=")))
		snprintf(buf + strlen(buf), len - strlen(buf), ":kprobe_events fetch%s", args);
	/* the handler's own record event, named as the instance enables it */
	if (ret == PC_OK && p->st == PC_RECORDING && p->sp->handler_records)
		snprintf(buf + strlen(buf), len - strlen(buf), ":handler %s:%s",
			 PROBECOST_EVENT_GROUP, p->sp->event);
	return ret;
}

/* ---- the sites for tracer entries (module_site.h) ---- */

bool pc_modsite_is(const struct pc_mech *m)
{
	return m->setup == mm_setup;
}

void pc_modsite_get(const struct pc_inst *in, struct pc_modsite *out)
{
	const struct mm_priv *p = in->priv;
	const struct probecost_info *info = &p->mod.info[p->id];

	memset(out, 0, sizeof(*out));
	snprintf(out->func, sizeof(out->func), "%s", info->site);
	if (p->sp->rec == MM_REC_KPROBE) {
		out->kind = p->sp->kind;
		out->offset = p->sp->at_body ? info->probe_offset : 0;
		if (p->event_defined) {
			snprintf(out->group, sizeof(out->group), "%s", p->group);
			snprintf(out->event, sizeof(out->event), "%s", p->event);
		}
	} else {
		snprintf(out->group, sizeof(out->group), "%s", PROBECOST_EVENT_GROUP);
		snprintf(out->event, sizeof(out->event), "%s", p->sp->event);
	}
}

int pc_modsite_arm(struct pc_inst *in, enum pc_state st, unsigned int flags)
{
	struct mm_priv *p = in->priv;
	bool probed = p->sp->want && (st == PC_ENABLED || st == PC_RECORDING);
	int ret;

	if (st == PC_FILTERED)
		return pc_inst_fail(in, PC_ERR_INVAL, "%s: no filtered state for a tracer entry",
				    in->mech->name);
	if (probed && !strcmp(p->sp->want, "int3")) {
		ret = opt_off(p, in);
		if (ret != PC_OK)
			return ret;
	}
	/* the module's recording state registers nothing and sets the payload */
	ret = pc_module_arm(&p->mod, p->id, st == PC_ENABLED ? PC_RECORDING : st,
			    in->opts->payload, 0, in->why, sizeof(in->why));
	if (ret == PC_OK && (flags & PC_MODSITE_KEVENT) && p->sp->rec == MM_REC_KPROBE &&
	    st != PC_ABSENT)
		ret = kprobe_event_define(p, in);
	if (ret != PC_OK)
		return ret;
	p->st = st;
	p->bare = true;
	return PC_OK;
}

int pc_modsite_verify(struct pc_inst *in)
{
	struct mm_priv *p = in->priv;
	int ret = p->sp->want ? verify_variant(p, in) : PC_OK;

	if (ret == PC_OK && p->sp->want && !strcmp(p->sp->want, "optimized"))
		ret = wait_text(p, in, true);
	return ret;
}

void pc_modsite_traps(const struct pc_inst *in, struct pc_fire *out)
{
	const struct mm_priv *p = in->priv;
	bool probed = p->sp->want && (p->st == PC_ENABLED || p->st == PC_RECORDING);

	if (out->traps_known)
		return;
	out->traps_known = true;
	out->traps = probed ? pc_module_traps(&p->mod, p->id, p->probe_byte, out->hits) : 0;
}

/* kmod_record.c's pc_record_payload(): len - 1 bytes of 'p' and a NUL */
void pc_modsite_payload(uint32_t len, unsigned char *buf)
{
	if (len > PROBECOST_MAX_PAYLOAD)
		len = PROBECOST_MAX_PAYLOAD;
	memset(buf, 'p', len);
	if (len)
		buf[len - 1] = '\0';
}

/* ---- reap: what a killed run left behind ---- */

static bool pid_alive(int pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

static void reap_opt_marks(char *report, size_t len, size_t *off)
{
	DIR *d = opendir(OPT_MARK_DIR);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[PATH_MAX], prev[16], why[256];
		int pid;

		if (sscanf(de->d_name, "probecost-kprobes-optimization.%d", &pid) != 1 ||
		    pid_alive(pid))
			continue;
		snprintf(path, sizeof(path), "%s/%s", OPT_MARK_DIR, de->d_name);
		if (pc_read_file(path, prev, sizeof(prev)) == PC_OK &&
		    pc_tracefs_write(OPT_SYSCTL, prev, false, why, sizeof(why)) == PC_OK && *off < len)
			*off += (size_t)snprintf(report + *off, len - *off,
						 "%srestored debug.kprobes-optimization=%s left by pid %d",
						 *off ? "; " : "", prev, pid);
		unlink(path);
	}
	closedir(d);
}

static int mm_reap(const struct pc_mech *m, char *report, size_t len)
{
	static bool swept;
	char tr[512];
	size_t off = 0;

	/* one sweep per process serves the whole family */
	(void)m;
	report[0] = '\0';
	if (swept)
		return PC_OK;
	swept = true;
	reap_opt_marks(report, len, &off);
	/* instances and kprobe events of dead runs: the shared sweep */
	pc_tracefs_reap(tr, sizeof(tr));
	if (tr[0] && off < len)
		snprintf(report + off, len - off, "%s%s", off ? "; " : "", tr);
	return PC_OK;
}

int pc_modsite_reap(const struct pc_mech *m, char *report, size_t len)
{
	return mm_reap(m, report, len);
}

/* ---- toggle: the module's in-kernel cycle ---- */

/*
 * PROBECOST_IOC_TOGGLE measures a whole cycle in one call, nothing armed
 * (rdtsc_ordered() around the switch on and around the switch off): the
 * on call makes it and keeps the off half for the off call.
 */
static int mm_toggle(struct pc_inst *in, bool on, struct pc_toggle *out)
{
	struct mm_priv *p = in->priv;
	struct probecost_toggle t;
	int ret = PC_OK;

	out->what = p->sp->toggle;
	out->tsc_khz = p->mod.ver.tsc_khz;
	out->self_timed = true;
	if (!on) {
		out->ticks = p->toggle_off;
		p->toggle_off = 0;
		return PC_OK;
	}
	if (p->sp->want && !strcmp(p->sp->want, "int3"))
		ret = opt_off(p, in);
	if (ret == PC_OK)
		ret = pc_module_toggle(&p->mod, p->id, &t, in->why, sizeof(in->why));
	opt_restore(p);
	if (ret != PC_OK)
		return ret;
	out->ticks = t.enable_ticks;
	p->toggle_off = t.disable_ticks;
	if (p->sp->want && !strcmp(p->sp->want, "optimized"))
		out->settle_ns = (double)t.optimize_ns;
	return PC_OK;
}

/* ---- the generated family ---- */

#define MM_FAMILY_STATIC	PC_FAM_STATIC
#define MM_FAMILY_JUMP		PC_FAM_JUMP
#define MM_FAMILY_DYNAMIC	PC_FAM_DYNAMIC

/* One entry's table: the primitive's, or a tracer-self entry's. */
#define MM_ENTRY(var, hname, summary_, fam, states_, spec, tracers_, tracer_, \
		 toggle_, others_)					\
	const struct pc_mech var = {					\
		.name = hname,						\
		.summary = summary_,					\
		.family = fam,						\
		.where = PC_WHERE_MODULE,				\
		.states = states_,					\
		.mt_why = PC_MODSITE_MT_WHY,				\
		.data = spec,						\
		.tracers = tracers_,					\
		.tracer = tracer_,					\
		.available = mm_available,				\
		.setup = mm_setup,					\
		.arm = mm_arm,						\
		.disarm = mm_disarm,					\
		.fire = mm_fire,					\
		.variant = mm_variant,					\
		.toggle = toggle_,					\
		.others = others_,					\
		.teardown = mm_teardown,				\
		.reap = mm_reap,					\
	}

#define MM_TRACERS { [PC_ENABLED] = "self", [PC_RECORDING] = "ftrace" }
#define MM_MECH(id, sym, hname, fam)					\
	MM_ENTRY(pc_mech_##sym, hname, MM_SUMMARY_##id, MM_FAMILY_##fam, PC_ST_ALL, \
		 &mm_specs[PROBECOST_MECH_##id], MM_TRACERS, NULL, mm_toggle, mm_others);
PROBECOST_MECHS(MM_MECH)

/*
 * The kprobe family's tracer-"self" entries (mm_self_specs): absent and
 * recording only -- their enabled state is the primitive's own row, the
 * same handler counting -- beside the primitive of the same name.
 */
#define MM_SELF_MECH(ID, sym, hname)					\
	MM_ENTRY(pc_mech_##sym##_self, hname,				\
		 "its recording like-for-like: the module's own kprobe handler writes pc_record", \
		 PC_FAM_DYNAMIC, PC_ST(PC_ABSENT) | PC_ST(PC_RECORDING),	\
		 &mm_self_specs[PROBECOST_MECH_##ID], { NULL }, "self", NULL, NULL)

MM_SELF_MECH(KPROBE_INT3, kprobe_int3, "kprobe-int3");
MM_SELF_MECH(KPROBE_OPT, kprobe_optimized, "kprobe-optimized");
MM_SELF_MECH(KPROBE_FTRACE, kprobe_ftrace, "kprobe-ftrace");
MM_SELF_MECH(KRETPROBE, kretprobe, "kretprobe");
