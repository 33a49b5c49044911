// SPDX-License-Identifier: MIT
/*
 * The lttng tracer entries on kernel sites: LTTng's kernel tracer
 * (lttng-modules, driven by lttng-sessiond through liblttng-ctl) consuming
 * the sites probecost measures with ftrace, each entry under its
 * primitive's name (mech.h, "Tracer"):
 *
 *   syscall-tracepoint  getppid() through LTTng's syscall tracing, the
 *                       same loop as syscall-tracepoint's
 *                       (lttng enable-event -k --syscall getppid);
 *   tracepoint          probecost.ko's tracepoint (pcsite_tracepoint)
 *                       through lttng-probe-probecost.ko, the LTTng probe
 *                       probecost carries for it (kmod/lttng/), built and
 *                       packed with lttng-modules;
 *   kprobe-ftrace       probecost.ko's kprobe site through LTTng's kprobe
 *                       support (lttng enable-event -k --probe SYMBOL), on
 *                       the function's entry, where the kprobe goes through
 *                       the fentry call and ftrace: the variant is read
 *                       back from debugfs' kprobes/list and must be
 *                       [FTRACE].
 *
 * Not beside kprobe-int3, the body offset: with lttng-tools 2.13.9 a
 * probe asked for as pcsite_kprobe_int3+OFF went on +0x0 (`lttng list`
 * says offset 0x0: the offset is dropped between the client and the
 * kernel), and one asked for by address failed in the kernel ("create
 * event ioctl: Invalid argument"), both tried in the guest, by the CLI
 * and by liblttng-ctl. The entry is what LTTng can probe here.
 *
 * They run where lttng-modules are installed for the running kernel: in
 * probecost's QEMU guest, which scripts/guest.sh --lttng packs with them
 * (scripts/lttng-modules-build.sh builds them for the guest's kernel).
 *
 * States, as issue 11 defines them for LTTng:
 *   absent     the site's twin: getppid()'s absent loop; the module's
 *              uninstrumented twins of its sites.
 *   disabled   the session daemon runs with its modules loaded, a session
 *              with a discard channel is started, the event is not
 *              created: nothing is planted at the site (the module's
 *              tracepoint is there, its static key off).
 *   enabled    the event enabled, nothing written. getppid and the
 *              tracepoint: with a filter no event passes ($ctx.vpid ==
 *              0), so LTTng's probe and its filter bytecode run. kprobe: LTTng
 *              2.13 refuses filters on kprobe events ("Filter
 *              expressions are not supported for Probe events"), so the
 *              event is created in a session that is not started: the
 *              kprobe traps and LTTng's handler returns at its
 *              session-active test (lttng-kprobes.c), nothing written.
 *   recording  the event written to the kernel ring buffer, discard mode,
 *              the consumer daemon writing the trace to a tmpfs.
 *
 * What an LTTng event carries is its own: getppid's syscall events have
 * no payload on entry and the return value on exit; a kprobe event the
 * probed address; the tracepoint's event x (lttng_probecost.h says why
 * not the payload). --payload does not apply.
 *
 * Hits, as for ust-tracepoint (lttng_ctl.h): after each fire the count op
 * stops the session until the consumer has written everything, counts the
 * trace's events with babeltrace2, reads the discarded count and starts
 * the session again. LTTng's syscall tracing records each call twice, on
 * entry and on exit (a session's syscall event has no entry-only form in
 * 2.13): getppid's hits are half the events written and discarded.
 * Enabled: nothing must be written. Disabled, absent: no count.
 *
 * Nothing is left behind: teardown destroys the session, stops the
 * daemon (which unloads the modules it loaded) and removes the traces.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <lttng/lttng.h>

#include "errors.h"
#include "lttng_ctl.h"
#include "mech.h"
#include "module_dev.h"
#include "readback.h"
#include "tracer_sites.h"

#define LK_DIR		"/tmp/probecost-lttng"
#define LK_LOG		LK_DIR "/sessiond.log"
#define LK_TRACES	LK_DIR "/traces"
#define LK_CHANNEL	"probecost"
#define LK_FILTER	"$ctx.vpid == 0"	/* no user task has vpid 0 */
#define LK_SUBBUF	(256u << 10)		/* 4 x 256 KiB per CPU */
#define LK_NSUBBUF	4
#define LK_INSTALL	"lttng-modules for this kernel (the QEMU guest packs them: probecost run --tracer lttng, or scripts/guest.sh --lttng)"
#define LK_NO_HITS	"LTTng counts only the events it writes or discards, and nothing is written in this state"

enum lk_site {
	LK_SYSCALL,
	LK_KPROBE,
	LK_TRACEPOINT,
};

struct lk_desc {
	enum lk_site site;
	uint32_t id;		/* the module's mechanism whose site it fires */
};

struct lk_priv {
	const struct lk_desc *d;
	pid_t daemon;
	enum pc_state state;
	struct pc_lttng_session s;
	uint64_t written, discarded;
	/* LK_KPROBE */
	struct pc_module mod;
	bool mod_open;
};


/* lttng-tracer.ko for the running kernel, where libkmod looks for it */
static bool modules_here(void)
{
	char path[PATH_MAX], line[512];
	struct utsname u;
	bool found = false;
	FILE *f;

	if (access("/proc/lttng", F_OK) == 0)
		return true;
	if (uname(&u) < 0)
		return false;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", u.release);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, "/lttng-tracer.ko:") != NULL;
	fclose(f);
	return found;
}

static int lk_available(const struct pc_mech *m, char *why, size_t len)
{
	const struct lk_desc *d = m->data;
	const char *guest = getenv("PC_LTTNG");
	struct pc_module mod;
	int ret;

	if (geteuid() != 0) {
		snprintf(why, len, "LTTng's kernel tracer needs root");
		return PC_ERR_UNSUPPORTED;
	}
	/* in the guest: scripts/guest.sh says whether it packed them, and why not */
	if (guest && *guest && strcmp(guest, "ok")) {
		snprintf(why, len, "LTTng's kernel tracer is not in this guest: %s", guest);
		return PC_ERR_UNSUPPORTED;
	}
	if (!modules_here()) {
		snprintf(why, len, "LTTng's kernel tracer needs %s", LK_INSTALL);
		return PC_ERR_UNSUPPORTED;
	}
	if (!pc_lttng_in_path("lttng-sessiond") || !pc_lttng_in_path("babeltrace2")) {
		snprintf(why, len, "lttng-sessiond or babeltrace2 is not installed: apt-get install lttng-tools babeltrace2");
		return PC_ERR_UNSUPPORTED;
	}
	if (d->site == LK_SYSCALL)
		return PC_OK;
	ret = pc_module_open(&mod, why, len);
	if (ret != PC_OK)
		return ret;
	if (mod.info[d->id].err) {
		snprintf(why, len, "%s", mod.info[d->id].why);
		ret = PC_ERR_UNSUPPORTED;
	}
	pc_module_close(&mod);
	return ret;
}

static void lk_teardown(struct pc_inst *in);

static int lk_setup(struct pc_inst *in)
{
	const char *consumerd = getenv("PC_LTTNG_CONSUMERD");
	char opt[PATH_MAX + 32], why[200];
	/*
	 * --kmod-probes: the default list loads some forty probe modules
	 * (slow under TCG, and those of absent subsystems fail); syscall and
	 * kprobe tracing are the tracer's core and need none. probecost is
	 * ours, for the module's tracepoint (kmod/lttng/); timer is the one
	 * the 6.1 patch touches (scripts/lttng-modules/): loading it shows
	 * the patched module links. A probe module is inert until one of
	 * its events is enabled.
	 */
	char *argv[] = { "lttng-sessiond", "--kmod-probes=timer,probecost", NULL, NULL };
	struct lk_priv *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return PC_ERR_NOMEM;
	in->priv = p;
	p->d = in->mech->data;
	if (consumerd && *consumerd) {
		snprintf(opt, sizeof(opt), "--consumerd64-path=%s", consumerd);
		argv[2] = opt;
	}
	if (lttng_session_daemon_alive() == 1) {
		ret = pc_inst_fail(in, PC_ERR_BUSY,
				   "%s (lttng): a session daemon is already running; probecost starts its own and leaves others alone: stop it first",
				   in->mech->name);
		goto fail;
	}
	if (mkdir(LK_DIR, 0700) < 0 && errno != EEXIST) {
		ret = pc_inst_fail(in, PC_ERR_SYS, "mkdir %s: %s", LK_DIR, strerror(errno));
		goto fail;
	}
	ret = pc_lttng_daemon_start(&p->daemon, argv, LK_LOG, why, sizeof(why));
	if (ret != PC_OK) {
		ret = pc_inst_fail(in, ret, "%s (lttng): %s", in->mech->name, why);
		goto fail;
	}
	if (p->d->site != LK_SYSCALL) {
		ret = pc_module_open(&p->mod, in->why, sizeof(in->why));
		if (ret != PC_OK)
			goto fail;
		p->mod_open = true;
	}
	return PC_OK;
fail:
	lk_teardown(in);	/* the engine skips teardown after a failed setup */
	return ret;
}

static int ctl_fail(struct pc_inst *in, const char *what, int err)
{
	return pc_inst_fail(in, PC_ERR_SYS, "%s (lttng): %s: %s", in->mech->name, what,
			    lttng_strerror(err));
}

/* The site's event: getppid's syscall, or the kprobe on the module's site. */
static int event_enable(struct pc_inst *in, struct lk_priv *p, bool filter)
{
	const struct probecost_info *info = &p->mod.info[p->d->id];
	struct lttng_event *ev = lttng_event_create();
	int ret;


	if (!ev)
		return pc_inst_fail(in, PC_ERR_NOMEM, "lttng_event_create failed");
	if (p->d->site == LK_SYSCALL) {
		snprintf(ev->name, sizeof(ev->name), "getppid");
		ev->type = LTTNG_EVENT_SYSCALL;
	} else if (p->d->site == LK_TRACEPOINT) {
		/* lttng-probe-probecost.ko's event (kmod/lttng/lttng_probecost.h) */
		snprintf(ev->name, sizeof(ev->name), "%s", PROBECOST_EVENT_TRACEPOINT);
		ev->type = LTTNG_EVENT_TRACEPOINT;
		ev->loglevel_type = LTTNG_EVENT_LOGLEVEL_ALL;
	} else {
		snprintf(ev->name, sizeof(ev->name), "%s", info->site);
		ev->type = LTTNG_EVENT_PROBE;
		/* the entry, as kprobe-ftrace's own probe (see the top) */
		snprintf(ev->attr.probe.symbol_name, sizeof(ev->attr.probe.symbol_name), "%s",
			 info->site);
	}
	ret = lttng_enable_event_with_filter(p->s.h, ev, LK_CHANNEL, filter ? LK_FILTER : NULL);
	lttng_event_destroy(ev);
	if (ret < 0)
		return ctl_fail(in, "lttng_enable_event_with_filter", ret);
	return PC_OK;
}

/* A session with one discard channel; @event: the site's event in it. */
static int session_create(struct pc_inst *in, struct lk_priv *p, bool event, bool filter,
			  bool start)
{
	char why[256];
	int ret;

	p->written = 0;
	p->discarded = 0;
	ret = pc_lttng_session_open(&p->s, LK_TRACES, true, LK_CHANNEL, LK_SUBBUF, LK_NSUBBUF,
				    why, sizeof(why));
	if (ret != PC_OK)
		return pc_inst_fail(in, ret, "%s (lttng): %s", in->mech->name, why);
	if (event) {
		ret = event_enable(in, p, filter);
		if (ret != PC_OK)
			return ret;
	}
	if (start && (ret = lttng_start_tracing(p->s.name)) < 0)
		return ctl_fail(in, "lttng_start_tracing", ret);
	return PC_OK;
}

/* The kprobe kprobe-ftrace measures must be in force: through ftrace. */
static int verify_ftrace(struct pc_inst *in, struct lk_priv *p)
{
	const char *site = p->mod.info[p->d->id].site;
	char v[64] = "none";

	if (pc_kprobe_list_variant(site, v, sizeof(v)) != PC_OK)
		return pc_inst_fail(in, PC_ERR_UNSUPPORTED,
				    "cannot read kprobes/list (debugfs): the variant cannot be verified");
	if (strcmp(v, "ftrace"))
		return pc_inst_fail(in, PC_ERR_VERIFY,
				    "kprobe-ftrace (lttng): asked for a kprobe on %s's entry, through ftrace, but kprobes/list says %s",
				    site, v);
	return PC_OK;
}

static int lk_arm(struct pc_inst *in, enum pc_state st)
{
	struct lk_priv *p = in->priv;
	bool kp = p->d->site == LK_KPROBE;
	int ret = PC_OK;

	p->state = st;
	if (p->d->site != LK_SYSCALL) {
		/*
		 * the module runs its site, its own instrumentation off
		 * (the kprobe site unprobed, the tracepoint's key off until
		 * LTTng registers its probe), or its twin
		 */
		ret = pc_module_arm(&p->mod, p->d->id,
				    st == PC_ABSENT ? PC_ABSENT : PC_DISABLED, in->opts->payload, 0,
				    in->why, sizeof(in->why));
		if (ret != PC_OK)
			return ret;
	}
	switch (st) {
	case PC_ABSENT:
		break;
	case PC_DISABLED:
		ret = session_create(in, p, false, false, true);
		break;
	case PC_ENABLED:
		/* kprobe: no filter in 2.13, an inactive session instead */
		ret = session_create(in, p, true, !kp, !kp);
		break;
	case PC_RECORDING:
		ret = session_create(in, p, true, false, true);
		break;
	default:
		return pc_inst_fail(in, PC_ERR_UNSUPPORTED, "%s (lttng) has no %s state",
				    in->mech->name, pc_state_name(st));
	}
	if (ret == PC_OK && kp && (st == PC_ENABLED || st == PC_RECORDING))
		ret = verify_ftrace(in, p);
	return ret;
}

static int lk_disarm(struct pc_inst *in)
{
	struct lk_priv *p = in->priv;
	int ret = PC_OK;

	p->state = PC_ABSENT;
	if (pc_lttng_session_close(&p->s) != PC_OK)
		ret = pc_inst_fail(in, PC_ERR_SYS, "%s (lttng): destroying session %s failed",
				   in->mech->name, p->s.name);
	if (p->mod_open && pc_module_disarm(&p->mod, p->d->id) != PC_OK && ret == PC_OK)
		ret = pc_inst_fail(in, PC_ERR_SYS, "probecost.ko disarm failed: %s", strerror(errno));
	return ret;
}

static int lk_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out)
{
	struct lk_priv *p = in->priv;
	struct probecost_run r;
	int ret;

	if (p->d->site == LK_SYSCALL) {
		if (p->state == PC_ABSENT)
			pc_kevent_syscall_tracepoint.loop_absent(n);
		else
			pc_kevent_syscall_tracepoint.loop(n);
		return PC_OK;
	}
	/* the module times its own runs (module_mechs.c) */
	ret = pc_module_run(&p->mod, p->d->id, n, &r, in->why, sizeof(in->why));
	if (ret != PC_OK)
		return ret;
	out->ticks = r.ticks;
	out->tsc_khz = p->mod.ver.tsc_khz;
	out->self_timed = true;
	out->missed = r.missed;
	return PC_OK;
}

/* pc_lttng_*()'s cause as this entry's */
static int ctl_why(struct pc_inst *in, int ret, const char *why)
{
	return ret == PC_OK ? PC_OK : pc_inst_fail(in, ret, "%s (lttng): %s", in->mech->name, why);
}

static int lk_count(struct pc_inst *in, struct pc_fire *out)
{
	struct lk_priv *p = in->priv;
	uint64_t total = 0, written, lost, disc = 0;
	/* events per hit: a syscall is recorded on entry and on exit */
	unsigned int per = p->d->site == LK_SYSCALL ? 2 : 1;
	bool active = p->d->site != LK_KPROBE || p->state == PC_RECORDING;
	char why[200];
	int ret;

	out->hits = 0;
	if (p->state == PC_ABSENT || p->state == PC_DISABLED)
		return PC_OK;
	if (!active) {
		/* the kprobe's enabled state: a session never started writes nothing */
		out->hits = PC_HITS_UNKNOWN;
		return PC_OK;
	}
	ret = ctl_why(in, pc_lttng_flush(p->s.name, why, sizeof(why)), why);
	if (ret == PC_OK)
		ret = ctl_why(in, pc_lttng_count_events(p->s.path, &total, why, sizeof(why)), why);
	if (ret == PC_OK)
		ret = ctl_why(in, pc_lttng_discarded(p->s.h, &disc, why, sizeof(why)), why);
	if (ret == PC_OK && lttng_start_tracing(p->s.name) < 0)
		ret = pc_inst_fail(in, PC_ERR_SYS, "%s (lttng): restarting session %s failed",
				   in->mech->name, p->s.name);
	if (ret != PC_OK)
		return ret;
	if (total < p->written || disc < p->discarded)
		return pc_inst_fail(in, PC_ERR_VERIFY, "%s (lttng): the trace's counts went back",
				    in->mech->name);
	written = total - p->written;
	lost = disc - p->discarded;
	p->written = total;
	p->discarded = disc;
	if (p->state != PC_RECORDING) {
		if (written || lost)
			return pc_inst_fail(in, PC_ERR_VERIFY,
					    "%s (lttng): %" PRIu64 " events written (%" PRIu64 " discarded) while nothing should be",
					    in->mech->name, written, lost);
		out->hits = PC_HITS_UNKNOWN;	/* the probe ran; nothing counts it */
		return PC_OK;
	}
	if ((written + lost) % per)
		return pc_inst_fail(in, PC_ERR_VERIFY,
				    "%s (lttng): %" PRIu64 " events written and %" PRIu64 " discarded: not an entry and an exit per call",
				    in->mech->name, written, lost);
	out->hits = (written + lost) / per;
	out->lost = (lost + per - 1) / per;
	return PC_OK;
}

/* The event's filter held by the session daemon, read back ("none"; "?"). */
static void filter_of(struct lk_priv *p, char *buf, size_t len)
{
	struct lttng_event *evs = NULL;
	const char *f = NULL;
	int n = p->s.h ? lttng_list_events(p->s.h, LK_CHANNEL, &evs) : -1;

	snprintf(buf, len, n == 0 ? "no-event" : "?");
	for (int i = 0; i < n; i++) {
		if (!lttng_event_get_filter_expression(&evs[i], &f))
			snprintf(buf, len, "%s", f ? f : "none");
		break;
	}
	free(evs);
}

static int lk_variant(struct pc_inst *in, char *buf, size_t len)
{
	struct lk_priv *p = in->priv;
	const char *what = p->d->site == LK_SYSCALL ? "syscall getppid entry+exit" :
			   p->d->site == LK_TRACEPOINT ? "tracepoint " PROBECOST_EVENT_TRACEPOINT : "kprobe";
	char kv[64] = "", filter[96];

	if (p->state == PC_ABSENT) {
		snprintf(buf, len, "none");
		return PC_OK;
	}
	if (p->d->site == LK_KPROBE && p->state != PC_DISABLED &&
	    pc_kprobe_list_variant(p->mod.info[p->d->id].site, kv, sizeof(kv)) != PC_OK)
		snprintf(kv, sizeof(kv), "?");
	filter_of(p, filter, sizeof(filter));
	switch (p->state) {
	case PC_DISABLED:
		snprintf(buf, len, "session:%s", filter);
		break;
	case PC_ENABLED:
		if (p->d->site == LK_KPROBE)
			snprintf(buf, len, "%s %s:session-inactive", what, kv);
		else
			snprintf(buf, len, "%s:filter %s", what, filter);
		break;
	default:
		snprintf(buf, len, "%s%s%s:discard:%ux%uKiB", what, kv[0] ? " " : "", kv,
			 LK_NSUBBUF, LK_SUBBUF >> 10);
		break;
	}
	return PC_OK;
}

static void lk_teardown(struct pc_inst *in)
{
	struct lk_priv *p = in->priv;

	if (!p)
		return;
	pc_lttng_session_close(&p->s);
	/* lttng-sessiond unloads the modules it loaded as it exits */
	pc_lttng_daemon_stop(&p->daemon);
	if (p->mod_open) {
		pc_module_disarm(&p->mod, p->d->id);
		pc_module_close(&p->mod);
	}
	pc_lttng_rm_tree(LK_DIR);
	free(p);
	in->priv = NULL;
}

static const struct lk_desc lk_syscall = { .site = LK_SYSCALL };
static const struct lk_desc lk_kprobe = { .site = LK_KPROBE, .id = PROBECOST_MECH_KPROBE_FTRACE };
static const struct lk_desc lk_tracepoint = { .site = LK_TRACEPOINT, .id = PROBECOST_MECH_TRACEPOINT };

#define LK_OPT_IN_WHY	"LTTng's kernel tracer runs (in the QEMU guest) only with --tracer lttng: its session daemon, its modules and a babeltrace2 count per fire"
#define LK_MT_WHY	"hits are read back per fire from the session's trace, one count for the whole system"

/* One lttng entry on a kernel site: @desc says which (struct lk_desc). */
#define LK_MECH(var, name_, summary_, family_, where_, desc)		\
	const struct pc_mech var = {					\
		.name = name_,						\
		.summary = summary_,					\
		.family = family_,					\
		.where = where_,					\
		.states = PC_ST_ALL,					\
		.flags = PC_MECH_OPT_IN,				\
		.opt_in_why = LK_OPT_IN_WHY,				\
		.mt_why = LK_MT_WHY,					\
		.data = desc,						\
		.tracer = "lttng",					\
		.hits_why = { [PC_ENABLED] = LK_NO_HITS },		\
		.available = lk_available,				\
		.setup = lk_setup,					\
		.arm = lk_arm,						\
		.disarm = lk_disarm,					\
		.fire = lk_fire,					\
		.count = lk_count,					\
		.variant = lk_variant,					\
		.teardown = lk_teardown,				\
	}

LK_MECH(pc_mech_lttng_syscall, "syscall-tracepoint",
	"LTTng kernel tracer: syscall tracing of getppid (entry+exit), discard",
	PC_FAM_STATIC, PC_WHERE_KERNEL, &lk_syscall);
LK_MECH(pc_mech_lttng_kprobe_ftrace, "kprobe-ftrace",
	"LTTng kernel tracer: kprobe on probecost.ko's site entry (through ftrace)",
	PC_FAM_DYNAMIC, PC_WHERE_MODULE, &lk_kprobe);
LK_MECH(pc_mech_lttng_tracepoint, "tracepoint",
	"LTTng kernel tracer: probecost.ko's tracepoint through an LTTng probe (kmod/lttng/)",
	PC_FAM_STATIC, PC_WHERE_MODULE, &lk_tracepoint);
