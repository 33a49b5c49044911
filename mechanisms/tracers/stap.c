// SPDX-License-Identifier: MIT
/*
 * The stap tracer: SystemTap consuming probecost.ko's kprobe and
 * tracepoint sites, the getppid() loop's system call and the harness's
 * own USDT probe, in the QEMU guest (mech.h, "Tracer": an entry shares
 * its primitive's name, or says whose site it fires). Every entry is
 * guest-only (PC_MECH_GUEST): its modules are built for the guest's
 * kernel.
 *
 * The modules are cross-built on the host for the guest kernel
 * (scripts/stap-build.sh, from mechanisms/tracers/stap/NAME.stp) and
 * packed with staprun and stapio by scripts/guest.sh --stap, which sets
 * PC_STAP_DIR in the guest. Each armed state loads the module once with
 * staprun (the state is a module parameter) and disarm unloads it. Per
 * state:
 *
 *   absent     the site's uninstrumented twin; no stap module.
 *   disabled   the stap module loaded with its probe off (mode=0): the
 *              probe's condition `if (mode > 0)` is false. SystemTap
 *              arms kprobes on the fly: it registers the kprobe disabled
 *              -- kprobes/list says [DISABLED], and a disabled
 *              ftrace-based kprobe leaves the fentry site as it was. A
 *              tracepoint probe has no such arming: it stays registered,
 *              the site's static key on (read back from probecost.ko),
 *              and the condition is tested on every hit -- SystemTap's
 *              disabled costs more than a tracepoint's. A USDT probe's
 *              uprobe is armed on the fly, but its semaphore stays
 *              raised. Hits read back: must be 0.
 *   enabled    staprun loads the module (mode=1): its probe counts the
 *              hit in a global, read back through procfs
 *              (/proc/systemtap/MOD/hits) at load and by the count op
 *              after each fire.
 *   recording  mode=2, LKET's way: the probe also writes one fixed-size
 *              binary record (magic, sequence, the site's x, then the
 *              payload bytes) with printf("%b") into SystemTap's relay
 *              transport in bulk mode; stapio writes it to a file. hits
 *              are the records read back from that file after each fire
 *              (each checked: magic, sequence, payload bytes), lost the
 *              ones the probe counted that never arrived (the transport's
 *              drops).
 *
 * The sites (struct stap_site):
 *
 *   kprobe-ftrace  module(probecost).function, a DWARF probe on the
 *                  site's entry; the variant is read back from
 *                  <debugfs>/kprobes/list: the kernel serves it through
 *                  ftrace. probecost.ko registers no kprobe of its own
 *                  meanwhile: its state is disabled, or recording without
 *                  PROBECOST_ARM_HANDLER_RECORDS (the payload set,
 *                  nothing registered). Self-timed by the module.
 *   tracepoint     kernel.trace("probecost:pcsite_tracepoint"): a probe
 *                  on the tracepoint itself, as the primitive's enabled
 *                  state registers; the module's own probe unregistered.
 *                  Each fire reads back that the site's static key is on
 *                  (probecost_run.key_on). Self-timed by the module.
 *   usdt           process("/bin/probecost").mark("usdt"): the harness's
 *                  own <sys/sdt.h> probe, timed by the harness; the int3
 *                  and the semaphore are read back from our own memory
 *                  (usdt_check()): stap raises the semaphore even with
 *                  its probe off. The payload is the harness's own.
 *   syscall-raw-tracepoint  kernel.trace("raw_syscalls:sys_enter") on
 *                  the getppid() loop, filtered to getppid and this
 *                  process (as BPF's entry of that name), timed by the
 *                  harness; the payload is the harness's own (user
 *                  memory, printf("%#m")). No readback of the key is
 *                  possible from here: the hits are the proof.
 *
 * Disarm stops staprun (SIGTERM: stapio unloads the module) and checks
 * that the module is gone. kprobe-int3 and the ftrace syscall event
 * (syscall-tracepoint) have entries whose unsupported rows say why they
 * are not measured.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"
#include "mech.h"
#include "module_dev.h"
#include "module_site.h"
#include "readback.h"
#include "site.h"
#include "sysinfo.h"
#include "tracer_sites.h"
#include "usdt_note.h"

/* stapio execs staprun from here to unload the module: the path is fixed */
#define STAPRUN		"/usr/bin/staprun"
#define STAP_DIR_ENV	"PC_STAP_DIR"
#define STAP_WAIT_MS	20000
/* recording: how long a fire's records may take to reach the file */
#define STAP_DRAIN_MS	2000
#define STAP_MAGIC	0x7063737461700001ULL
#define STAP_REC_HDR	24	/* magic, sequence, x: three u64 */
/* stap's printf("%.*m") copies at most MAXSTRINGLEN (512) bytes */
#define STAP_MAX_PAYLOAD	512

enum stap_kind {
	STAP_KPROBE,		/* a probe on a module site's function */
	STAP_TRACEPOINT,	/* kernel.trace() on the module's tracepoint */
	STAP_SYSCALL,		/* kernel.trace() on sys_enter, the getppid() loop */
	STAP_USDT,		/* process().mark() on the harness's USDT site */
};

struct stap_site {
	enum stap_kind kind;
	uint32_t id;		/* module sites: PROBECOST_MECH_* it probes */
	const char *script;	/* stap/<script>.stp, module pcstap_<script> */
	const char *want;	/* kprobes: the kprobes/list variant to read back */
	const char *probe;	/* the probe point, for the variant */
	const struct pc_user_site *user;	/* STAP_USDT: the site */
	const char *why_not;	/* set: the entry is unsupported, this is why */
};

static bool on_module(const struct stap_site *s)
{
	return s->kind != STAP_SYSCALL && s->kind != STAP_USDT;
}

struct stap_priv {
	struct pc_module mod;
	const struct stap_site *site;
	enum pc_state st;
	pid_t pid;		/* staprun, while the module is loaded */
	char dir[64];		/* staprun's output and log */
	char modname[64];
	uint64_t hits;		/* the stap module's counter after the last count */
	unsigned char *payload;	/* what every record's payload must be */
	/* STAP_USDT: the nop and semaphore, from the note; the nop's byte */
	const volatile unsigned char *nop;
	const volatile unsigned short *sem;
	unsigned char orig;
	uint64_t seq;		/* recording: the last record's sequence read */
	off_t off;		/* recording: bytes of the record file read */
	size_t recsz;		/* one record's bytes */
	unsigned char *buf;	/* one bulk block */
	uint32_t probe_byte;	/* module sites: the text at the probe after the fire */
	size_t bufsz;
};

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void ko_path(const struct stap_site *s, char *buf, size_t len)
{
	const char *dir = getenv(STAP_DIR_ENV);

	snprintf(buf, len, "%s/pcstap_%s.ko", dir ? dir : "", s->script);
}

static int stap_available(const struct pc_mech *m, char *why, size_t len)
{
	const struct stap_site *s = m->data;
	struct pc_module mod;
	char ko[512];
	int ret;

	if (s->why_not) {
		snprintf(why, len, "%s", s->why_not);
		return PC_ERR_UNSUPPORTED;
	}
	if (getenv("PC_STAP_WHY") && *getenv("PC_STAP_WHY")) {
		snprintf(why, len, "%s", getenv("PC_STAP_WHY"));
		return PC_ERR_UNSUPPORTED;
	}
	ko_path(s, ko, sizeof(ko));
	if (!getenv(STAP_DIR_ENV) || access(ko, R_OK) || access(STAPRUN, X_OK)) {
		snprintf(why, len,
			 "no SystemTap module here: the stap tracer runs in the QEMU guest, whose modules are built and packed only with run --tracer stap (scripts/guest.sh --stap)");
		return PC_ERR_UNSUPPORTED;
	}
	if (!on_module(s))
		return PC_OK;
	ret = pc_module_open(&mod, why, len);
	if (ret != PC_OK)
		return ret;
	if (s->id >= mod.ver.nr_mechs || mod.info[s->id].err) {
		snprintf(why, len, "%s", s->id >= mod.ver.nr_mechs ?
			 "probecost.ko does not know the site: rebuild and reload it" :
			 mod.info[s->id].why);
		ret = PC_ERR_UNSUPPORTED;
	}
	pc_module_close(&mod);
	return ret;
}

static int stap_setup(struct pc_inst *in)
{
	const struct stap_site *s = in->mech->data;
	struct stap_priv *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return PC_ERR_NOMEM;
	p->site = s;
	p->pid = -1;
	snprintf(p->modname, sizeof(p->modname), "pcstap_%s", s->script);
	snprintf(p->dir, sizeof(p->dir), "/tmp/pcstap.XXXXXX");
	if (!mkdtemp(p->dir)) {
		free(p);
		return pc_inst_fail(in, PC_ERR_SYS, "mkdtemp /tmp/pcstap.XXXXXX: %s", strerror(errno));
	}
	p->mod.fd = -1;
	if (s->kind == STAP_USDT) {
		/* found as stap finds it, from the note, to read the site back */
		struct pc_usdt_note note;

		ret = pc_usdt_note_find("probecost", s->user->probe, &note, in->why,
					sizeof(in->why));
		if (ret == PC_OK && !note.semaphore)
			ret = pc_inst_fail(in, PC_ERR_VERIFY, "usdt (stap): the probe's note has no semaphore");
		if (ret == PC_OK) {
			p->nop = (const volatile unsigned char *)note.pc;
			p->sem = (const volatile unsigned short *)note.semaphore;
			p->orig = *p->nop;
		}
	} else {
		ret = on_module(s) ? pc_module_open(&p->mod, in->why, sizeof(in->why)) : PC_OK;
	}
	if (ret != PC_OK) {
		rmdir(p->dir);
		free(p);
		return ret;
	}
	in->priv = p;
	return PC_OK;
}

static void stap_files(struct stap_priv *p, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", p->dir, name);
}

static bool module_loaded(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return access(path, F_OK) == 0;
}

/* The last line staprun wrote, for an error message. */
static void log_tail(struct stap_priv *p, char *buf, size_t len)
{
	char path[128], line[256];
	FILE *f;

	snprintf(buf, len, "(staprun wrote nothing)");
	stap_files(p, "staprun.log", path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (line[0] != '\n') {
			line[strcspn(line, "\n")] = '\0';
			snprintf(buf, len, "%s", line);
		}
	fclose(f);
}

/* The payload's address, probecost.ko's pc_payload, from /proc/kallsyms. */
static int payload_addr(struct pc_inst *in, unsigned long long *addr)
{
	char line[256], name[128], mod[64];
	unsigned long long a;
	char type;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return pc_inst_fail(in, PC_ERR_IO, "/proc/kallsyms: %s", strerror(errno));
	*addr = 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %127s %63s", &a, &type, name, mod) == 4 &&
		    !strcmp(name, PROBECOST_PAYLOAD_SYMBOL) && !strcmp(mod, "[" PROBECOST_MODULE "]"))
			*addr = a;
	fclose(f);
	if (!*addr)
		return pc_inst_fail(in, PC_ERR_VERIFY,
				    "%s is not in /proc/kallsyms with an address (kptr_restrict? not root?)",
				    PROBECOST_PAYLOAD_SYMBOL);
	return PC_OK;
}

static int read_hits(struct stap_priv *p, struct pc_inst *in, uint64_t *hits)
{
	char path[128], buf[64];

	snprintf(path, sizeof(path), "/proc/systemtap/%s/hits", p->modname);
	if (pc_read_file(path, buf, sizeof(buf)) != PC_OK)
		return pc_inst_fail(in, PC_ERR_IO, "cannot read %s: is the stap module loaded?", path);
	*hits = strtoull(buf, NULL, 10);
	return PC_OK;
}

/* Stop staprun (stapio unloads the module on SIGTERM); PC_OK once it is gone. */
static int stap_stop(struct stap_priv *p, struct pc_inst *in)
{
	long waited = 0;
	int status;

	if (p->pid > 0) {
		kill(p->pid, SIGTERM);
		while (waitpid(p->pid, &status, WNOHANG) == 0) {
			if (waited >= STAP_WAIT_MS) {
				kill(p->pid, SIGKILL);
				waitpid(p->pid, &status, 0);
				break;
			}
			sleep_ms(10);
			waited += 10;
		}
		p->pid = -1;
	}
	if (module_loaded(p->modname)) {
		/* stapio did not unload it (killed): staprun -d does */
		pid_t c = fork();

		if (c == 0) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
			}
			execl(STAPRUN, "staprun", "-d", p->modname, (char *)NULL);
			_exit(127);
		}
		if (c > 0)
			waitpid(c, &status, 0);
	}
	if (module_loaded(p->modname))
		return pc_inst_fail(in, PC_ERR_BUSY,
				    "the stap module %s is still loaded after staprun ended; remove it: staprun -d %s",
				    p->modname, p->modname);
	return PC_OK;
}

static int stap_start(struct stap_priv *p, struct pc_inst *in, int mode)
{
	char ko[512], out[128], logf[128], m[16], pl[32], pa[48], tail[256];
	char nr[32], tpid[32];
	unsigned long long addr = 0;
	bool user = !on_module(p->site);
	long waited = 0;
	uint64_t h;
	int ret, status;

	/* the payload: probecost.ko's for its sites, ours for the syscall */
	if (mode == 2 && user) {
		addr = (unsigned long long)(uintptr_t)pc_payload;
	} else if (mode == 2) {
		ret = payload_addr(in, &addr);
		if (ret != PC_OK)
			return ret;
	}
	ko_path(p->site, ko, sizeof(ko));
	stap_files(p, "rec", out, sizeof(out));
	stap_files(p, "staprun.log", logf, sizeof(logf));
	snprintf(m, sizeof(m), "mode=%d", mode);
	snprintf(pl, sizeof(pl), "plen=%u", mode == 2 ? in->opts->payload : 0);
	snprintf(pa, sizeof(pa), "paddr=0x%llx", addr);
	snprintf(nr, sizeof(nr), "nr=%d", SYS_getppid);
	snprintf(tpid, sizeof(tpid), "tpid=%d", (int)getpid());
	fflush(NULL);
	p->pid = fork();
	if (p->pid < 0)
		return pc_inst_fail(in, PC_ERR_SYS, "fork for staprun: %s", strerror(errno));
	if (p->pid == 0) {
		int fd = open(logf, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (p->site->kind == STAP_SYSCALL)
			execl(STAPRUN, "staprun", "-o", out, ko, m, pl, pa, "puser=1", nr, tpid,
			      (char *)NULL);
		else if (user)
			execl(STAPRUN, "staprun", "-o", out, ko, m, pl, pa, "puser=1", (char *)NULL);
		else
			execl(STAPRUN, "staprun", "-o", out, ko, m, pl, pa, (char *)NULL);
		_exit(127);
	}
	/* ready when its procfs file answers */
	while (read_hits(p, in, &h) != PC_OK) {
		if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
			p->pid = -1;
			log_tail(p, tail, sizeof(tail));
			return pc_inst_fail(in, PC_ERR_VERIFY, "staprun %s exited before the probe was up: %s",
					    ko, tail);
		}
		if (waited >= STAP_WAIT_MS) {
			log_tail(p, tail, sizeof(tail));
			stap_stop(p, in);
			return pc_inst_fail(in, PC_ERR_VERIFY,
					    "the stap module's /proc/systemtap/%s/hits did not appear within 20 s: %s",
					    p->modname, tail);
		}
		sleep_ms(10);
		waited += 10;
	}
	p->hits = h;
	p->seq = h;
	p->off = 0;
	return PC_OK;
}

static int stap_disarm(struct pc_inst *in)
{
	struct stap_priv *p = in->priv;
	char path[128];
	int ret, ret2;

	ret = stap_stop(p, in);
	ret2 = on_module(p->site) ? pc_module_disarm(&p->mod, p->site->id) : PC_OK;
	/* staprun's record file (bulk mode: one per CPU) and its log */
	for (int cpu = 0; cpu < 64; cpu++) {
		char name[16];

		snprintf(name, sizeof(name), "rec_%d", cpu);
		stap_files(p, name, path, sizeof(path));
		unlink(path);
	}
	stap_files(p, "staprun.log", path, sizeof(path));
	unlink(path);
	p->st = PC_ABSENT;
	if (ret != PC_OK)
		return ret;
	if (ret2 != PC_OK)
		return pc_inst_fail(in, ret2, "probecost.ko disarm failed: %s", strerror(errno));
	return PC_OK;
}

static int stap_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out);
static int stap_count(struct pc_inst *in, struct pc_fire *out);

/*
 * The USDT site as stap left it, read back, not assumed: SystemTap
 * raises the semaphore itself, by writing the process's memory, once its
 * task finder has attached to us -- whatever the probe's condition, so
 * its disabled state runs the site's semaphore-guarded path to the nop
 * -- and its uprobe's int3 is over the nop only while the probe is on
 * (uprobes are armed on the fly).
 */
static int usdt_check(struct stap_priv *p, struct pc_inst *in, enum pc_state st)
{
	bool on = st != PC_DISABLED;
	long waited = 0;

	while ((*p->nop != p->orig) != on || !*p->sem) {
		if (waited >= STAP_WAIT_MS)
			return pc_inst_fail(in, PC_ERR_VERIFY,
					    "usdt (stap) %s: after 20 s the site's first byte is 0x%02x (0x%02x unprobed) and the semaphore %u: stap's process.mark probe is %s",
					    pc_state_name(st), *p->nop, p->orig, *p->sem,
					    !*p->sem ? "not attached" : on ? "not armed" : "armed while off");
		sleep_ms(10);
		waited += 10;
	}
	return PC_OK;
}

static int stap_arm(struct pc_inst *in, enum pc_state st)
{
	struct stap_priv *p = in->priv;
	/* the module's site, with nothing of its own registered on it */
	uint32_t mst = st == PC_ENABLED ? PC_DISABLED : st;
	char v[64] = "none", want[64];
	int ret;

	if (st == PC_RECORDING && in->opts->payload > STAP_MAX_PAYLOAD)
		return pc_inst_fail(in, PC_ERR_UNSUPPORTED,
				    "a %u-byte payload: stap's printf(\"%%.*m\") copies at most %d bytes (MAXSTRINGLEN)",
				    in->opts->payload, STAP_MAX_PAYLOAD);
	if (on_module(p->site)) {
		ret = pc_module_arm(&p->mod, p->site->id, mst, in->opts->payload, 0,
				    in->why, sizeof(in->why));
		if (ret != PC_OK)
			return ret;
	}
	p->st = st;
	if (st == PC_ABSENT)
		return PC_OK;
	p->recsz = STAP_REC_HDR + in->opts->payload;
	if (st == PC_RECORDING) {
		unsigned char *b = realloc(p->payload, in->opts->payload + 1);

		if (!b)
			return PC_ERR_NOMEM;
		p->payload = b;
		if (on_module(p->site))
			pc_modsite_payload(in->opts->payload, p->payload);
		else
			memcpy(p->payload, pc_payload, in->opts->payload);
	}
	ret = stap_start(p, in, st == PC_RECORDING ? 2 : st == PC_ENABLED ? 1 : 0);
	if (ret != PC_OK || p->site->kind == STAP_SYSCALL)
		return ret;
	if (p->site->kind == STAP_USDT)
		return usdt_check(p, in, st);
	if (p->site->kind == STAP_TRACEPOINT) {
		/* one event reads the key back (stap_fire checks it) */
		struct pc_fire one = { 0 };

		ret = stap_fire(in, 1, &one);
		if (ret == PC_OK)
			ret = stap_count(in, &one);
		if (ret == PC_OK && one.hits != (st == PC_DISABLED ? 0 : 1))
			return pc_inst_fail(in, PC_ERR_VERIFY,
					    "tracepoint (stap) %s: one event at arm, stap counted %llu",
					    pc_state_name(st), (unsigned long long)one.hits);
		return ret;
	}
	if (pc_kprobe_list_variant(p->mod.info[p->site->id].site, v, sizeof(v)) != PC_OK)
		return pc_inst_fail(in, PC_ERR_UNSUPPORTED,
				    "cannot read %s/kprobes/list (debugfs): the variant cannot be verified",
				    pc_debugfs_root());
	/* disabled: registered, and off */
	snprintf(want, sizeof(want), "%s%s", p->site->want, st == PC_DISABLED ? "|disabled" : "");
	if (strcmp(v, want))
		return pc_inst_fail(in, PC_ERR_VERIFY,
				    "stap's probe on %s should be a %s kprobe, but kprobes/list says %s",
				    p->mod.info[p->site->id].site, want, v);
	return PC_OK;
}

/* One record: the next in sequence, carrying the payload (p->payload). */
static int check_record(struct stap_priv *p, struct pc_inst *in, const unsigned char *rec)
{
	uint32_t plen = in->opts->payload;
	uint64_t magic, seq;

	memcpy(&magic, rec, 8);
	memcpy(&seq, rec + 8, 8);
	if (magic != STAP_MAGIC)
		return pc_inst_fail(in, PC_ERR_VERIFY,
				    "stap record after sequence %" PRIu64 ": magic 0x%016" PRIx64 ", not 0x%016llx",
				    p->seq, magic, STAP_MAGIC);
	for (uint32_t i = 0; i < plen; i++)
		if (rec[STAP_REC_HDR + i] != p->payload[i])
			return pc_inst_fail(in, PC_ERR_VERIFY,
					    "stap record %" PRIu64 ": payload byte %u is 0x%02x, not 0x%02x",
					    seq, i, rec[STAP_REC_HDR + i], p->payload[i]);
	/* a gap is records the transport dropped; going back is corruption */
	if (seq <= p->seq)
		return pc_inst_fail(in, PC_ERR_VERIFY,
				    "stap record sequence %" PRIu64 " after %" PRIu64, seq, p->seq);
	p->seq = seq;
	return PC_OK;
}

/*
 * Read the records written since the last fire, until @want have come
 * or STAP_DRAIN_MS passed (stapio drains the relay buffers on its own
 * schedule). Bulk mode's file is a sequence of blocks, one per flush of
 * the probe's print buffer: a u32 sequence and a u32 length, then that
 * many bytes -- here whole records.
 */
static int read_records(struct stap_priv *p, struct pc_inst *in, uint64_t want, uint64_t *got)
{
	char path[128];
	long waited = 0;
	int fd, ret = PC_OK;

	*got = 0;
	if (!want)
		return PC_OK;
	stap_files(p, "rec_0", path, sizeof(path));
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return pc_inst_fail(in, PC_ERR_IO, "stapio's record file %s: %s", path, strerror(errno));
	while (*got < want && ret == PC_OK) {
		uint32_t hdr[2];
		ssize_t r = pread(fd, hdr, sizeof(hdr), p->off);

		if (r == (ssize_t)sizeof(hdr) && (hdr[1] == 0 || hdr[1] % p->recsz)) {
			ret = pc_inst_fail(in, PC_ERR_VERIFY,
					   "stap bulk block at byte %lld holds %u bytes, not whole %zu-byte records",
					   (long long)p->off, hdr[1], p->recsz);
			break;
		}
		if (r == (ssize_t)sizeof(hdr) && hdr[1] > p->bufsz) {
			unsigned char *b = realloc(p->buf, hdr[1]);

			if (!b) {
				ret = PC_ERR_NOMEM;
				break;
			}
			p->buf = b;
			p->bufsz = hdr[1];
		}
		if (r < (ssize_t)sizeof(hdr) ||
		    pread(fd, p->buf, hdr[1], p->off + (off_t)sizeof(hdr)) < (ssize_t)hdr[1]) {
			/* not all written yet */
			if (waited >= STAP_DRAIN_MS)
				break;
			sleep_ms(10);
			waited += 10;
			continue;
		}
		for (size_t o = 0; o < hdr[1] && ret == PC_OK; o += p->recsz) {
			ret = check_record(p, in, p->buf + o);
			if (ret == PC_OK)
				(*got)++;
		}
		p->off += (off_t)sizeof(hdr) + hdr[1];
	}
	close(fd);
	return ret;
}

/*
 * The site, n times: the module's self-timed run for its sites (the text
 * byte at the probe kept for the traps, the tracepoint's key checked),
 * the getppid() loop timed by the caller for the syscall.
 */
static int stap_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out)
{
	struct stap_priv *p = in->priv;
	struct probecost_run r;
	int ret;

	if (p->site->kind == STAP_USDT) {
		(p->st == PC_ABSENT ? p->site->user->loop_absent : p->site->user->loop)(n);
		return PC_OK;
	}
	if (p->site->kind == STAP_SYSCALL) {
		(p->st == PC_ABSENT ? pc_kevent_syscall_tracepoint.loop_absent :
				      pc_kevent_syscall_tracepoint.loop)(n);
		return PC_OK;
	}
	ret = pc_module_run(&p->mod, p->site->id, n, &r, in->why, sizeof(in->why));
	if (ret != PC_OK)
		return ret;
	out->ticks = r.ticks;
	out->tsc_khz = p->mod.ver.tsc_khz;
	out->self_timed = true;
	out->missed = r.missed;
	p->probe_byte = r.probe_byte;
	/* stap's probe is on the tracepoint whatever its mode; absent: none */
	if (p->site->kind == STAP_TRACEPOINT && r.key_on != (p->st != PC_ABSENT))
		return pc_inst_fail(in, PC_ERR_VERIFY,
				    "%s (stap) %s: the tracepoint's static key is %s after the run, so stap's kernel.trace probe is %s",
				    in->mech->name, pc_state_name(p->st), r.key_on ? "on" : "off",
				    r.key_on ? "still registered" : "not registered");
	return PC_OK;
}

/* What stap saw since the last count: its counter, its records. */
static int stap_count(struct pc_inst *in, struct pc_fire *out)
{
	struct stap_priv *p = in->priv;
	uint64_t h = 0;
	int ret;

	out->hits = 0;
	if (p->st != PC_ABSENT) {
		ret = read_hits(p, in, &h);
		if (ret != PC_OK)
			return ret;
		out->hits = h - p->hits;
		p->hits = h;
	}
	if (p->st == PC_RECORDING) {
		uint64_t counted = out->hits, got;

		ret = read_records(p, in, counted, &got);
		if (ret != PC_OK)
			return ret;
		out->hits = got;
		out->lost = counted - got;
	}
	/*
	 * An int3 at a module site traps per hit (stap's entry probe rides
	 * ftrace); a tracepoint takes none. The USDT probe's uprobe traps,
	 * but how often (an emulated nop, or a step out of line too) is not
	 * read back here: nothing is said.
	 */
	out->traps_known = p->site->kind != STAP_USDT;
	out->traps = on_module(p->site) ?
		     pc_module_traps(&p->mod, p->site->id, p->probe_byte, out->hits) : 0;
	return PC_OK;
}

static int stap_variant(struct pc_inst *in, char *buf, size_t len)
{
	struct stap_priv *p = in->priv;
	int ret;

	if (p->st == PC_ABSENT) {
		snprintf(buf, len, "unprobed");
		return PC_OK;
	}
	switch (p->site->kind) {
	case STAP_KPROBE:
		ret = pc_kprobe_list_variant(p->mod.info[p->site->id].site, buf, len);
		if (ret != PC_OK)
			return ret;
		break;
	case STAP_TRACEPOINT:
		/* read back at arm: stap_arm() fails unless the key is on */
		snprintf(buf, len, "%s|key-on", p->site->probe);
		break;
	case STAP_USDT:
		/* read back: the int3 stap's uprobe wrote, the semaphore */
		snprintf(buf, len, "%s|%s|semaphore %u", p->site->probe,
			 *p->nop == p->orig ? "nop" : *p->nop == 0xcc ? "int3" : "rewritten",
			 *p->sem);
		break;
	default:
		snprintf(buf, len, "%s|filtered getppid+pid", p->site->probe);
		break;
	}
	if (p->st == PC_DISABLED)
		snprintf(buf + strlen(buf), len - strlen(buf), ":stap module loaded with its probe off");
	else if (p->st == PC_ENABLED)
		snprintf(buf + strlen(buf), len - strlen(buf), ":stap %s count",
			 p->site->kind == STAP_KPROBE ? "module().function" :
			 p->site->kind == STAP_USDT ? "process().mark" : "kernel.trace");
	else
		snprintf(buf + strlen(buf), len - strlen(buf),
			 ":stap bulk printf %%b record %zu bytes", p->recsz);
	return PC_OK;
}

static void stap_teardown(struct pc_inst *in)
{
	struct stap_priv *p = in->priv;

	if (!p)
		return;
	stap_stop(p, in);
	pc_module_close(&p->mod);
	free(p->buf);
	free(p->payload);
	rmdir(p->dir);
	free(p);
	in->priv = NULL;
}

/* A stap module a killed run left loaded: unload it. */
static int stap_reap(const struct pc_mech *m, char *report, size_t len)
{
	const struct stap_site *s = m->data;
	char name[64];
	int status;
	pid_t c;

	report[0] = '\0';
	if (s->why_not)
		return PC_OK;
	snprintf(name, sizeof(name), "pcstap_%s", s->script);
	if (!module_loaded(name) || access(STAPRUN, X_OK))
		return PC_OK;
	c = fork();
	if (c == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(STAPRUN, "staprun", "-d", name, (char *)NULL);
		_exit(127);
	}
	if (c > 0)
		waitpid(c, &status, 0);
	snprintf(report, len, "%s the stap module %s left by an earlier run",
		 module_loaded(name) ? "could not unload" : "unloaded", name);
	return PC_OK;
}

static const struct stap_site stap_site_kprobe_ftrace = {
	.kind = STAP_KPROBE, .id = PROBECOST_MECH_KPROBE_FTRACE,
	.script = "kprobe_ftrace", .want = "ftrace",
};

static const struct stap_site stap_site_tracepoint = {
	.kind = STAP_TRACEPOINT, .id = PROBECOST_MECH_TRACEPOINT,
	.script = "tracepoint", .probe = "tracepoint " PROBECOST_MODULE ":" PROBECOST_EVENT_TRACEPOINT,
};

static const struct stap_site stap_site_syscall_raw = {
	.kind = STAP_SYSCALL, .script = "syscall_raw_tracepoint",
	.probe = "tracepoint raw_syscalls:sys_enter",
};

static const struct stap_site stap_site_usdt = {
	.kind = STAP_USDT, .script = "usdt", .probe = "usdt probecost:usdt",
	.user = &pc_site_usdt,
};

static const struct stap_site stap_site_kprobe_int3 = {
	.kind = STAP_KPROBE, .id = PROBECOST_MECH_KPROBE_INT3,
	.why_not = "stap lands a function probe on its entry, served by ftrace (kprobe-ftrace's stap entry); the int3 site's body offset has no statement probe (a one-line function; stap 4.8 matches no numeric statement in a module)",
};

#define STAP_MECH_ON(sym, name_, site_of_, site_, fam_, where_, summary_) \
	const struct pc_mech pc_mech_stap_##sym = {			\
		.name = name_,						\
		.site_of = site_of_,					\
		.summary = summary_,					\
		.family = fam_,						\
		.where = where_,					\
		.states = PC_ST_ALL,					\
		.flags = PC_MECH_OPT_IN | PC_MECH_GUEST,		\
		.opt_in_why = "its SystemTap modules are cross-built (a minute, once per probecost.ko) and packed into the guest only with --tracer stap", \
		.mt_why = "probecost.ko runs one fire at a time (/dev/probecost admits one open), and the stap module counts in one global", \
		.data = &site_,						\
		.tracer = "stap",					\
		.available = stap_available,				\
		.setup = stap_setup,					\
		.arm = stap_arm,					\
		.disarm = stap_disarm,					\
		.fire = stap_fire,					\
		.count = stap_count,					\
		.variant = stap_variant,				\
		.teardown = stap_teardown,				\
		.reap = stap_reap,					\
	}
#define STAP_MECH(sym, name_, site_, fam_, where_, summary_)		\
	STAP_MECH_ON(sym, name_, NULL, site_, fam_, where_, summary_)

/*
 * syscall-tracepoint's own point, the ftrace syscall event
 * syscalls:sys_enter_getppid, is not a tracepoint SystemTap can attach
 * to: its row says so, and syscall-raw-tracepoint measures the loop.
 */
static const struct stap_site stap_site_syscall = {
	.kind = STAP_SYSCALL,
	.why_not = "sys_enter_getppid is an ftrace syscall event built over the raw_syscalls:sys_enter tracepoint; SystemTap's kernel.trace() attaches to tracepoints only: syscall-raw-tracepoint (stap) measures the getppid() loop through sys_enter",
};

STAP_MECH(usdt, "usdt", stap_site_usdt, PC_FAM_STATIC, PC_WHERE_USER,
	  "SystemTap process().mark probe on the <sys/sdt.h> probe (semaphore), in the guest");
STAP_MECH(syscall_tracepoint, "syscall-tracepoint", stap_site_syscall,
	  PC_FAM_STATIC, PC_WHERE_KERNEL,
	  "SystemTap on the sys_enter_getppid event (unsupported: not a tracepoint)");
STAP_MECH_ON(syscall_raw_tracepoint, "syscall-raw-tracepoint", "syscall-tracepoint",
	     stap_site_syscall_raw, PC_FAM_STATIC, PC_WHERE_KERNEL,
	     "SystemTap kernel.trace(\"raw_syscalls:sys_enter\") (every syscall; counts our getppid) on the getppid() loop");
STAP_MECH(tracepoint, "tracepoint", stap_site_tracepoint,
	  PC_FAM_STATIC, PC_WHERE_MODULE,
	  "SystemTap kernel.trace() probe on probecost.ko's tracepoint: count, or an LKET-style binary record");
STAP_MECH(kprobe_int3, "kprobe-int3", stap_site_kprobe_int3,
	  PC_FAM_DYNAMIC, PC_WHERE_MODULE,
	  "SystemTap on the int3 site (unsupported: stap probes the entry)");
STAP_MECH(kprobe_ftrace, "kprobe-ftrace", stap_site_kprobe_ftrace,
	  PC_FAM_DYNAMIC, PC_WHERE_MODULE,
	  "SystemTap module(probecost).function probe: count, or an LKET-style binary record");
