// SPDX-License-Identifier: MIT
/*
 * The bpf tracer entries' ops, on libbpf and the skeleton bpftool
 * generated from bpf_probes.bpf.c (bpf_tracer.h has the model).
 *
 * Hits: enabled reads the program's per-CPU counter (summed over CPUs,
 * the difference since the previous read); recording counts the records
 * drained from the ring, each checked to be --payload bytes of the
 * payload pattern, and `lost` is the program's count of failed reserves.
 * Disabled and absent must count nothing: count() reads the counter and
 * checks the site is intact, so a program that ran anyway is caught.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf_probes.skel.h"
#include "bpf_tracer.h"
#include "errors.h"
#include "module_site.h"
#include "perfev.h"
#include "probecost_abi.h"
#include "site.h"
#include "sysinfo.h"
#include "uprobe_attach.h"
#include "usdt_note.h"

enum { BPF_HITS, BPF_LOST, BPF_NR_COUNTS };	/* bpf_probes.bpf.c's slots */

/*
 * The ring holds every record between two drains: the engine drains after
 * each fire, and a calibrated fire(2N) lasts milliseconds, so 2^18
 * records (a 2 ms fire at 8 ns a record) suffice; a fixed --events beyond
 * that loses records, counted as lost. Capped at 256 MiB.
 */
#define RING_RECORDS	(1u << 18)
#define RING_MAX	(256u << 20)

struct bpf_priv {
	struct bpf_probes *skel;
	struct bpf_link *link;
	struct ring_buffer *rb;
	enum pc_state state;
	const void *site;		/* where the probe goes */
	uint64_t off;			/* its file offset */
	unsigned char orig;		/* its first byte, unprobed */
	char exe[PATH_MAX];
	char exec[96];			/* how the kernel runs the uprobe, read back */
	int ncpus;
	uint64_t *percpu;		/* ncpus values, for a counter read */
	uint64_t last_hits, last_lost;
	uint64_t records, bad;		/* of the current drain */
	uint32_t payload;
	bool locked;
	/* what every record must carry: pc_payload, or the module's */
	const unsigned char *expect;
	/* the module's sites: the primitive, on its own table, and its site */
	struct pc_inst prim;
	bool prim_up;
	struct pc_modsite ms;
	uint64_t kpayload;		/* the module's pc_payload */
	unsigned char modpay[PC_PAYLOAD_MAX];
};

static const struct pc_bpf_site *site_of(const struct pc_mech *m)
{
	return m->data;
}

/* A kernel site (the getppid() loop), reached by a system call. */
static bool kernel_site(const struct pc_bpf_site *s)
{
	return s->kind == PC_BPF_TP || s->kind == PC_BPF_RAW_TP;
}

/* One of probecost.ko's sites, fired by its primitive (module_site.h). */
static bool module_site(const struct pc_bpf_site *s)
{
	return s->mod != NULL;
}

/* libbpf's last complaint, for the reason of a failed load or attach */
static char libbpf_msg[200];

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(libbpf_msg, sizeof(libbpf_msg), fmt, ap);
	libbpf_msg[strcspn(libbpf_msg, "\n")] = '\0';
	return 0;
}

static int fail_errno(struct pc_inst *in, int err, const char *what)
{
	return pc_inst_fail(in, err == EPERM || err == EACCES ? PC_ERR_PERM : PC_ERR_SYS,
			    "%s: bpf: %s: %s%s%s", in->mech->name, what, strerror(err),
			    libbpf_msg[0] ? "; libbpf: " : "", libbpf_msg);
}

int pc_bpf_available(const struct pc_mech *m, char *why, size_t len)
{
	enum bpf_prog_type type;
	const char *what;
	int ret;

	libbpf_set_print(libbpf_print);
	/* the module's site first: without probecost.ko, its reason */
	if (module_site(site_of(m))) {
		ret = pc_mech_available(site_of(m)->mod, why, len);
		if (ret != PC_OK)
			return ret;
	}
	if (!pc_is_root()) {
		snprintf(why, len, "BPF tracing programs need root (CAP_BPF and CAP_PERFMON)");
		return PC_ERR_UNSUPPORTED;
	}
	ret = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL);
	if (ret <= 0) {
		snprintf(why, len, "this kernel has no BPF ring buffer (5.8+) or refuses BPF: %s",
			 ret < 0 ? strerror(-ret) : "unsupported");
		return PC_ERR_UNSUPPORTED;
	}
	switch (site_of(m)->kind) {
	case PC_BPF_TP:
		type = BPF_PROG_TYPE_TRACEPOINT;
		what = "tracepoint";
		break;
	case PC_BPF_MOD_TP:
		type = BPF_PROG_TYPE_TRACEPOINT;
		what = "tracepoint";
		break;
	case PC_BPF_RAW_TP:
	case PC_BPF_MOD_RAW_TP:
		type = BPF_PROG_TYPE_RAW_TRACEPOINT;
		what = "raw tracepoint";
		break;
	default:
		type = BPF_PROG_TYPE_KPROBE;
		what = "kprobe/uprobe";
		break;
	}
	ret = libbpf_probe_bpf_prog_type(type, NULL);
	if (ret <= 0) {
		snprintf(why, len, "this kernel cannot load %s BPF programs: %s", what,
			 ret < 0 ? strerror(-ret) : "unsupported");
		return PC_ERR_UNSUPPORTED;
	}
	if (!kernel_site(site_of(m)) && !module_site(site_of(m))) {
		int type;

		return pc_perfev_pmu_type("uprobe", &type, why, len);
	}
	return PC_OK;
}

static void bpf_free(struct bpf_priv *p)
{
	ring_buffer__free(p->rb);
	p->rb = NULL;
	bpf_link__destroy(p->link);	/* detaches: the int3 goes, the semaphore drops */
	p->link = NULL;
	bpf_probes__destroy(p->skel);	/* closes the programs and maps */
	p->skel = NULL;
}

/*
 * The address of probecost.ko's pc_payload, from /proc/kallsyms (as
 * root; a kptr_restrict hiding it reads as 0, refused).
 */
static int module_payload_addr(struct pc_inst *in, uint64_t *addr)
{
	char line[512], name[128], mod[64];
	unsigned long long a;
	FILE *f = fopen("/proc/kallsyms", "r");

	*addr = 0;
	if (!f)
		return pc_inst_fail(in, PC_ERR_SYS, "%s: bpf: /proc/kallsyms: %s", in->mech->name,
				    strerror(errno));
	while (!*addr && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %*c %127s [%63[^]]]", &a, name, mod) == 3 &&
		    !strcmp(name, PROBECOST_PAYLOAD_SYMBOL) && !strcmp(mod, PROBECOST_MODULE))
			*addr = a;
	fclose(f);
	if (!*addr)
		return pc_inst_fail(in, PC_ERR_UNSUPPORTED,
				    "%s: bpf: no address for probecost.ko's %s in /proc/kallsyms (kptr_restrict?): the program cannot record the payload",
				    in->mech->name, PROBECOST_PAYLOAD_SYMBOL);
	return PC_OK;
}

/* The primitive set up on its own table, its site and its payload. */
static int setup_module(struct pc_inst *in, struct bpf_priv *p)
{
	const struct pc_mech *pm = site_of(in->mech)->mod;
	int ret;

	p->prim.mech = pm;
	p->prim.opts = in->opts;
	ret = pm->setup ? pm->setup(&p->prim) : PC_OK;
	if (ret != PC_OK)
		return pc_inst_fail(in, ret, "%s", p->prim.why);
	p->prim_up = true;
	pc_modsite_get(&p->prim, &p->ms);
	pc_modsite_payload(p->payload, p->modpay);
	p->expect = p->modpay;
	return module_payload_addr(in, &p->kpayload);
}

static int setup_site(struct pc_inst *in, struct bpf_priv *p)
{
	const struct pc_bpf_site *s = site_of(in->mech);
	struct pc_usdt_note note;
	const void *sem = NULL;
	ssize_t n;
	int ret;

	if (kernel_site(s))
		return PC_OK;
	if (module_site(s))
		return setup_module(in, p);
	n = readlink("/proc/self/exe", p->exe, sizeof(p->exe) - 1);
	if (n <= 0)
		return pc_inst_fail(in, PC_ERR_SYS, "%s: readlink /proc/self/exe: %s",
				    in->mech->name, strerror(errno));
	p->exe[n] = '\0';
	p->site = s->user->site;
	if (s->kind == PC_BPF_USDT) {
		/* found as libbpf will find it, to check where it attached */
		ret = pc_usdt_note_find("probecost", s->user->probe, &note, in->why,
					sizeof(in->why));
		if (ret != PC_OK)
			return ret;
		p->site = (const void *)note.pc;
		sem = (const void *)note.semaphore;
	}
	ret = pc_uprobe_file_offset(p->site, &p->off, in->why, sizeof(in->why));
	if (ret != PC_OK)
		return ret;
	p->orig = *(const volatile unsigned char *)p->site;
	pc_uprobe_execution(p->site, sem, s->user->call, s->user->ret, p->exec,
			    sizeof(p->exec));
	return PC_OK;
}

int pc_bpf_setup(struct pc_inst *in)
{
	struct bpf_priv *p;
	volatile unsigned char sum = 0;
	int ret;

	libbpf_set_print(libbpf_print);
	ret = pc_probe_lock(in->why, sizeof(in->why));
	if (ret != PC_OK)
		return ret;
	p = calloc(1, sizeof(*p));
	if (!p) {
		pc_probe_unlock();
		return PC_ERR_NOMEM;
	}
	in->priv = p;
	p->locked = true;
	p->payload = in->opts->payload;
	p->expect = pc_payload;
	p->ncpus = libbpf_num_possible_cpus();
	if (p->ncpus <= 0 || !(p->percpu = calloc((size_t)p->ncpus, sizeof(uint64_t)))) {
		pc_bpf_teardown(in);
		return PC_ERR_NOMEM;
	}
	/*
	 * bpf_probe_read_user cannot fault pages in: touch the payload's
	 * pages now so the first records are not zeros.
	 */
	for (size_t i = 0; i < PC_PAYLOAD_MAX; i += 64)
		sum += pc_payload[i];
	(void)sum;
	ret = setup_site(in, p);
	if (ret != PC_OK)
		pc_bpf_teardown(in);	/* the engine skips teardown after a failed setup */
	return ret;
}

static struct bpf_program *program_of(struct bpf_probes *k, enum pc_bpf_kind kind, bool rec)
{
	switch (kind) {
	case PC_BPF_UPROBE:
		return rec ? k->progs.pc_up_rec : k->progs.pc_up_count;
	case PC_BPF_USDT:
		return rec ? k->progs.pc_usdt_rec : k->progs.pc_usdt_count;
	case PC_BPF_RAW_TP:
		return rec ? k->progs.pc_raw_rec : k->progs.pc_raw_count;
	case PC_BPF_KPROBE:
		return rec ? k->progs.pc_mkp_rec : k->progs.pc_mkp_count;
	case PC_BPF_MOD_TP:
		return rec ? k->progs.pc_mtp_rec : k->progs.pc_mtp_count;
	case PC_BPF_MOD_RAW_TP:
		return rec ? k->progs.pc_mraw_rec : k->progs.pc_mraw_count;
	default:
		return rec ? k->progs.pc_tp_rec : k->progs.pc_tp_count;
	}
}

static uint32_t ring_size(uint32_t payload)
{
	uint64_t want = (uint64_t)RING_RECORDS * (8 + ((payload + 7u) & ~7u));
	uint64_t sz = (uint64_t)sysconf(_SC_PAGESIZE);

	while (sz < want && sz < RING_MAX)
		sz <<= 1;
	return (uint32_t)sz;
}

/* Each record: exactly --payload bytes of the payload pattern. */
static int on_record(void *ctx, void *data, size_t size)
{
	struct bpf_priv *p = ctx;

	p->records++;
	if (size != p->payload || (size && memcmp(data, p->expect, size)))
		p->bad++;
	return 0;
}

static int load(struct pc_inst *in, struct bpf_priv *p, bool rec)
{
	const struct pc_bpf_site *s = site_of(in->mech);
	struct bpf_program *prog, *want;
	int err;

	libbpf_msg[0] = '\0';
	p->skel = bpf_probes__open();
	if (!p->skel)
		return fail_errno(in, errno, "opening the skeleton");
	p->skel->rodata->payload = p->payload;
	p->skel->rodata->tgid = (uint32_t)getpid();
	p->skel->rodata->sysnr = SYS_getppid;
	p->skel->rodata->kpayload = p->kpayload;
	memcpy(p->skel->rodata->pattern, pc_payload, sizeof(p->skel->rodata->pattern));
	err = bpf_map__set_max_entries(p->skel->maps.pc_ring,
				       rec ? ring_size(p->payload) : (uint32_t)sysconf(_SC_PAGESIZE));
	if (err)
		return fail_errno(in, -err, "sizing the ring buffer");
	/* only the program this state runs is loaded */
	want = program_of(p->skel, s->kind, rec);
	bpf_object__for_each_program(prog, p->skel->obj)
		bpf_program__set_autoload(prog, prog == want);
	err = bpf_probes__load(p->skel);
	if (err)
		return fail_errno(in, -err, "loading the program");
	return PC_OK;
}

static int attach(struct pc_inst *in, struct bpf_priv *p, bool rec)
{
	const struct pc_bpf_site *s = site_of(in->mech);
	struct bpf_program *prog = program_of(p->skel, s->kind, rec);
	LIBBPF_OPTS(bpf_uprobe_opts, uo, .retprobe = s->kind == PC_BPF_UPROBE && s->user->ret);
	LIBBPF_OPTS(bpf_kprobe_opts, ko, .offset = p->ms.offset, .retprobe = p->ms.kind == 'r');

	libbpf_msg[0] = '\0';
	switch (s->kind) {
	case PC_BPF_UPROBE:
		/* pid 0: this process only, as the primitive's perf uprobe */
		p->link = bpf_program__attach_uprobe_opts(prog, 0, p->exe, (size_t)p->off, &uo);
		break;
	case PC_BPF_RAW_TP:
		p->link = bpf_program__attach_raw_tracepoint(prog, "sys_enter");
		break;
	case PC_BPF_USDT:
		p->link = bpf_program__attach_usdt(prog, 0, p->exe, "probecost", s->user->probe,
						   NULL);
		break;
	case PC_BPF_KPROBE:
		p->link = bpf_program__attach_kprobe_opts(prog, p->ms.func, &ko);
		break;
	case PC_BPF_MOD_TP:
		p->link = bpf_program__attach_tracepoint(prog, p->ms.group, p->ms.event);
		break;
	case PC_BPF_MOD_RAW_TP:
		p->link = bpf_program__attach_raw_tracepoint(prog, p->ms.event);
		break;
	default:
		p->link = bpf_program__attach_tracepoint(prog, "syscalls", "sys_enter_getppid");
		break;
	}
	if (!p->link)
		return fail_errno(in, errno, "attaching the program");
	if (s->kind == PC_BPF_USDT &&
	    !__atomic_load_n(s->user->semaphore, __ATOMIC_ACQUIRE))
		return pc_inst_fail(in, PC_ERR_VERIFY,
				    "%s: bpf: program attached but the kernel left the semaphore at 0",
				    in->mech->name);
	if (rec) {
		p->rb = ring_buffer__new(bpf_map__fd(p->skel->maps.pc_ring), on_record, p, NULL);
		if (!p->rb)
			return fail_errno(in, errno, "opening the ring buffer");
	}
	return PC_OK;
}

/* A failure of the module's primitive, with its reason, as ours. */
static int prim_fail(struct pc_inst *in, struct bpf_priv *p, int ret)
{
	if (ret != PC_OK)
		pc_inst_fail(in, ret, "%s: bpf: %s", in->mech->name, p->prim.why);
	return ret;
}

int pc_bpf_arm(struct pc_inst *in, enum pc_state st)
{
	bool mod = module_site(site_of(in->mech));
	struct bpf_priv *p = in->priv;
	int ret;

	p->state = st;
	p->last_hits = p->last_lost = 0;
	/* the module's site in @st, its own handler unregistered */
	if (mod) {
		ret = prim_fail(in, p, pc_modsite_arm(&p->prim, st, 0));
		if (ret != PC_OK)
			return ret;
	}
	if (st == PC_ABSENT)
		return PC_OK;
	ret = load(in, p, st == PC_RECORDING);
	if (ret == PC_OK && st != PC_DISABLED)
		ret = attach(in, p, st == PC_RECORDING);
	/* the kprobe the program runs from is the variant the entry names */
	if (ret == PC_OK && mod && st != PC_DISABLED)
		ret = prim_fail(in, p, pc_modsite_verify(&p->prim));
	/* the hits its wait for the optimizer fired: not the first fire's */
	if (ret == PC_OK && mod && st != PC_DISABLED) {
		struct pc_fire drained = { 0 };

		ret = pc_bpf_count(in, &drained);
	}
	return ret;
}

int pc_bpf_disarm(struct pc_inst *in)
{
	struct bpf_priv *p = in->priv;

	bpf_free(p);
	p->state = PC_ABSENT;
	/* after the program's detach: the module disarms, the optimizer back */
	if (p->prim_up)
		return prim_fail(in, p, p->prim.mech->disarm(&p->prim));
	return PC_OK;
}

int pc_bpf_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out)
{
	const struct pc_bpf_site *s = site_of(in->mech);
	struct bpf_priv *p = in->priv;

	if (module_site(s))
		return prim_fail(in, p, s->mod->fire(&p->prim, n, out));
	if (kernel_site(s))
		(p->state == PC_ABSENT ? s->kev->loop_absent : s->kev->loop)(n);
	else
		(p->state == PC_ABSENT ? s->user->loop_absent : s->user->loop)(n);
	return PC_OK;
}

/* The program's counter @slot, summed over CPUs. */
static int counter(struct bpf_priv *p, uint32_t slot, uint64_t *val)
{
	if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.pc_counts), &slot, p->percpu))
		return PC_ERR_SYS;
	*val = 0;
	for (int i = 0; i < p->ncpus; i++)
		*val += p->percpu[i];
	return PC_OK;
}

/* Nothing may have run: the counter at 0, the site's first byte intact. */
static int check_quiet(struct pc_inst *in, struct bpf_priv *p)
{
	const struct pc_bpf_site *s = site_of(in->mech);
	uint64_t hits = 0;

	if (p->skel && counter(p, BPF_HITS, &hits) != PC_OK)
		return fail_errno(in, errno, "reading the counter");
	if (hits)
		return pc_inst_fail(in, PC_ERR_VERIFY, "%s: bpf: %s, yet the program counted %llu hits",
				    in->mech->name, pc_state_name(p->state),
				    (unsigned long long)hits);
	if (kernel_site(s) || module_site(s))
		return PC_OK;
	if (*(const volatile unsigned char *)p->site != p->orig ||
	    (s->kind == PC_BPF_USDT && __atomic_load_n(s->user->semaphore, __ATOMIC_RELAXED)))
		return pc_inst_fail(in, PC_ERR_VERIFY,
				    "%s: bpf: breakpoint or raised semaphore at the site while %s",
				    in->mech->name, pc_state_name(p->state));
	return PC_OK;
}

static int bpf_count(struct pc_inst *in, struct pc_fire *out);

int pc_bpf_count(struct pc_inst *in, struct pc_fire *out)
{
	struct bpf_priv *p = in->priv;
	int ret = bpf_count(in, out);

	if (ret == PC_OK && module_site(site_of(in->mech)))
		pc_modsite_traps(&p->prim, out);
	return ret;
}

static int bpf_count(struct pc_inst *in, struct pc_fire *out)
{
	struct bpf_priv *p = in->priv;
	uint64_t now = 0, lost = 0;
	int n;

	switch (p->state) {
	case PC_ABSENT:
	case PC_DISABLED:
		out->hits = 0;
		return check_quiet(in, p);
	case PC_ENABLED:
		if (counter(p, BPF_HITS, &now) != PC_OK)
			return fail_errno(in, errno, "reading the counter");
		out->hits = now - p->last_hits;
		p->last_hits = now;
		return PC_OK;
	default:
		p->records = p->bad = 0;
		n = ring_buffer__consume(p->rb);
		if (n < 0)
			return fail_errno(in, -n, "draining the ring buffer");
		if (counter(p, BPF_LOST, &lost) != PC_OK)
			return fail_errno(in, errno, "reading the lost counter");
		out->hits = p->records;
		out->lost = lost - p->last_lost;
		p->last_lost = lost;
		if (p->bad)
			return pc_inst_fail(in, PC_ERR_VERIFY,
					    "%s: bpf: %llu of %llu records are not the %u-byte payload",
					    in->mech->name, (unsigned long long)p->bad,
					    (unsigned long long)p->records, p->payload);
		return PC_OK;
	}
}

/*
 * struct bpf_link_info's head and its perf_event member as the uapi has
 * them since Linux 6.6 (append-only ABI), which the linux/bpf.h of an
 * older system may lack; an older kernel leaves pe_type at 0.
 */
struct link_info_perf {
	uint32_t type, id, prog_id, pad;
	uint32_t pe_type, pe_pad;
	uint64_t name;			/* uprobe file_name / tracepoint tp_name */
	uint32_t name_len, offset;	/* uprobe offset */
	uint64_t cookie;
};

enum { PE_UPROBE = 1, PE_URETPROBE = 2, PE_KPROBE = 3, PE_KRETPROBE = 4, PE_TRACEPOINT = 5 };

/* The type name of the program behind @fd, read back; NULL if unknown. */
static const char *prog_type_fd(int fd)
{
	struct bpf_prog_info pi;
	uint32_t plen = sizeof(pi);

	memset(&pi, 0, sizeof(pi));
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &pi, &plen))
		return NULL;
	return libbpf_bpf_prog_type_str(pi.type);
}

/* The type name of the program with id @id, read back; NULL if unknown. */
static const char *prog_type_of(uint32_t id)
{
	int fd = bpf_prog_get_fd_by_id(id);
	const char *t = prog_type_fd(fd);

	if (fd >= 0)
		close(fd);
	return t;
}

/*
 * "<what is attached>[:<execution>] prog=<program type> link=<link type>",
 * all read back from the kernel: the link's info says what it is attached
 * to (for a uprobe the offset, checked against the site's), the program's
 * info its type. What is attached leads: a uprobe runs a program of type
 * kprobe, and "kprobe/..." first would read like a kprobe. libbpf's USDT
 * link is its own (one uprobe link per note site; its fd field is not a
 * link's): there the semaphore the kernel raised (@usdt_sem; NULL for
 * anything else), and the program's type.
 * @exec (how the kernel runs the uprobe) follows the attach point; NULL
 * for a tracepoint.
 */
static void link_text(struct bpf_priv *p, struct bpf_program *prog,
		      unsigned short *usdt_sem, const char *exec, char *buf, size_t len)
{
	struct link_info_perf li;
	uint32_t llen = sizeof(li);
	const char *pt = NULL, *lt = NULL;
	char name[128] = "", at[192];

	memset(&li, 0, sizeof(li));
	li.name = (uint64_t)(uintptr_t)name;
	li.name_len = sizeof(name);
	if (usdt_sem) {
		pt = prog_type_fd(bpf_program__fd(prog));
		snprintf(buf, len, "usdt:semaphore=%u%s%s prog=%s",
			 __atomic_load_n(usdt_sem, __ATOMIC_ACQUIRE),
			 exec ? ":" : "", exec ? exec : "", pt ? pt : "?");
		return;
	}
	if (!bpf_obj_get_info_by_fd(bpf_link__fd(p->link), &li, &llen)) {
		lt = libbpf_bpf_link_type_str(li.type);
		pt = prog_type_of(li.prog_id);
	}
	switch (li.pe_type) {
	case PE_UPROBE:
	case PE_URETPROBE:
		snprintf(at, sizeof(at), "%s@%#x%s",
			 li.pe_type == PE_UPROBE ? "uprobe" : "uretprobe", li.offset,
			 li.offset == p->off ? "" : "(not-the-site)");
		break;
	case PE_KPROBE:
	case PE_KRETPROBE:
		snprintf(at, sizeof(at), "%s:%s+%#x", li.pe_type == PE_KPROBE ? "kprobe" : "kretprobe",
			 name, li.offset);
		break;
	case PE_TRACEPOINT:
		snprintf(at, sizeof(at), "tracepoint:%s", name);
		break;
	default:
		/*
		 * A kernel before 6.6 says nothing of a perf_event link's
		 * target: for the module's kprobe, where it was asked for,
		 * marked so (kprobes/list, read back, has the function).
		 */
		if (p->ms.kind)
			snprintf(at, sizeof(at), "%s:%s+%#x(asked)",
				 p->ms.kind == 'r' ? "kretprobe" : "kprobe", p->ms.func, p->ms.offset);
		else if (p->ms.func[0])
			snprintf(at, sizeof(at), "tracepoint:%s:%s(asked)", p->ms.group, p->ms.event);
		else
			snprintf(at, sizeof(at), "?");
		break;
	}
	snprintf(buf, len, "%s%s%s prog=%s link=%s", at, exec ? ":" : "", exec ? exec : "",
		 pt ? pt : "?", lt ? lt : "?");
}

/*
 * "raw_tracepoint:<tp>:filter id==<nr>,tgid==<pid> prog=... link=...":
 * what the link is attached to and the program's and link's types, read
 * back from the kernel as for the other links, with the filter the
 * program applies to every system call in between, its constants read
 * back from the loaded program's frozen .rodata map.
 */
static void raw_link_text(struct bpf_priv *p, char *buf, size_t len)
{
	struct bpf_link_info li;
	uint32_t llen = sizeof(li), nr = 0, tgid = 0;
	const char *pt = NULL, *lt = NULL;
	const struct bpf_map *ro = p->skel->maps.rodata;
	size_t vsz = bpf_map__value_size(ro);
	/*
	 * The map's value is the section's size, which may end before the
	 * skeleton struct's tail padding: room for both, zeroed.
	 */
	struct bpf_probes__rodata *rd = calloc(1, vsz > sizeof(*rd) ? vsz : sizeof(*rd));
	uint32_t zero = 0;
	char name[64] = "?";

	memset(&li, 0, sizeof(li));
	li.raw_tracepoint.tp_name = (uint64_t)(uintptr_t)name;
	li.raw_tracepoint.tp_name_len = sizeof(name);
	if (!bpf_obj_get_info_by_fd(bpf_link__fd(p->link), &li, &llen)) {
		lt = libbpf_bpf_link_type_str(li.type);
		pt = prog_type_of(li.prog_id);
	}
	if (rd && !bpf_map_lookup_elem(bpf_map__fd(ro), &zero, rd)) {
		nr = rd->sysnr;
		tgid = rd->tgid;
	}
	free(rd);
	if (p->ms.func[0])	/* the module's event: no filter, only its fire loop reaches it */
		snprintf(buf, len, "raw_tracepoint:%s prog=%s link=%s", name, pt ? pt : "?",
			 lt ? lt : "?");
	else
		snprintf(buf, len, "raw_tracepoint:%s:filter id==%u,tgid==%u prog=%s link=%s", name,
			 nr, tgid, pt ? pt : "?", lt ? lt : "?");
}

int pc_bpf_variant(struct pc_inst *in, char *buf, size_t len)
{
	const struct pc_bpf_site *s = site_of(in->mech);
	struct bpf_priv *p = in->priv;
	const char *what = s->kind == PC_BPF_TP ? "sys_enter_getppid" :
			   s->kind == PC_BPF_RAW_TP ? "sys_enter" :
			   module_site(s) ? p->ms.func : s->user->insn;
	const char *pt;
	size_t off;
	int ret;

	if (module_site(s) && p->state == PC_ABSENT)
		return prim_fail(in, p, s->mod->variant(&p->prim, buf, len));
	if (module_site(s) && p->state != PC_DISABLED) {
		/*
		 * The kprobe variant first, read back from kprobes/list by the
		 * primitive ("int3", "optimized", "ftrace", "kretprobe:..."),
		 * or its "trace-event"; then the program's link.
		 */
		ret = prim_fail(in, p, s->mod->variant(&p->prim, buf, len));
		off = strlen(buf);
		if (ret != PC_OK || off + 1 >= len)
			return ret;
		buf[off++] = ' ';
		if (s->kind == PC_BPF_MOD_RAW_TP)
			raw_link_text(p, buf + off, len - off);
		else
			link_text(p, program_of(p->skel, s->kind, p->state == PC_RECORDING), NULL,
				  NULL, buf + off, len - off);
		return PC_OK;
	}
	switch (p->state) {
	case PC_ABSENT:
		/* the primitive's absent twin, and its name for it */
		snprintf(buf, len, "%s", kernel_site(s) ? "static-key-off(=disabled)" :
			 s->kind == PC_BPF_USDT ? "none" : what);
		break;
	case PC_DISABLED:
		/* the site, then the program loaded (its type read back) and no link */
		pt = prog_type_fd(bpf_program__fd(program_of(p->skel, s->kind, false)));
		snprintf(buf, len, "%s:loaded-not-attached prog=%s", what, pt ? pt : "?");
		break;
	default:
		/*
		 * The consumer (count or ring) is the state's; for a uprobe,
		 * add how the kernel executes it (trap, optimized call), which
		 * the link does not show.
		 */
		if (s->kind == PC_BPF_RAW_TP)
			raw_link_text(p, buf, len);
		else
			link_text(p, program_of(p->skel, s->kind, p->state == PC_RECORDING),
				  s->kind == PC_BPF_USDT ? s->user->semaphore : NULL,
				  kernel_site(s) ? NULL : p->exec, buf, len);
		break;
	}
	return PC_OK;
}

/*
 * Toggle: what a BPF tool pays to start and stop consuming the site --
 * open the object, load (verify) the counting program, attach it; then
 * destroy the link and the object.
 */
void pc_bpf_teardown(struct pc_inst *in)
{
	struct bpf_priv *p = in->priv;

	if (!p)
		return;
	bpf_free(p);
	free(p->percpu);
	if (p->prim_up && p->prim.mech->teardown)
		p->prim.mech->teardown(&p->prim);
	if (p->locked)
		pc_probe_unlock();
	free(p);
	in->priv = NULL;
}
