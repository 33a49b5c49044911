// SPDX-License-Identifier: MIT
/*
 * The bpf tracer entries: one per primitive site BPF can consume here,
 * each sharing the primitive's name (mech.h, "Tracer"): the user sites
 * and the syscall tracepoint here, and probecost.ko's kprobe, kretprobe
 * and trace event sites where the module runs (the QEMU guest), fired by
 * the module with its own handler unregistered (module_site.h). Left
 * out: fentry/fexit, which attach by BTF id: this kernel build has no
 * BPF trampolines, and probecost.ko carries no BTF at all (built against
 * Debian's linux-headers, which ship no vmlinux for kbuild's pahole
 * pass), so the guest's kernel cannot attach them to its sites either.
 *
 * syscall-raw-tracepoint is the one BPF entry whose name is not a
 * primitive's: a raw tracepoint program on raw_syscalls' sys_enter runs
 * for every system call (it filters getppid and this process itself), a
 * point of its own beside syscall-tracepoint's sys_enter_getppid, on the
 * same getppid() loop. A name of its own keeps the (name, tracer) pair
 * unique while the tracer stays "bpf", so --tracer bpf selects every BPF
 * consumer and --mech syscall-tracepoint keeps meaning sys_enter_getppid.
 */
#include "bpf_tracer.h"
#include "module_site.h"

#define BPF_SITE(id, kind_, user_, kev_)				\
	static const struct pc_bpf_site bpf_site_##id = {		\
		.kind = kind_, .user = user_, .kev = kev_,		\
	}

/* One entry's table; the macros below fill in where it runs. */
#define BPF_ENTRY(id, name_, site_, family_, where_, mt_why_, flags_, opt_in_why_, \
		  reap_, summary_)					\
	const struct pc_mech pc_mech_bpf_##id = {			\
		.name = name_,						\
		.site_of = site_,					\
		.summary = summary_,					\
		.family = family_,					\
		.where = where_,					\
		.states = PC_ST_ALL,					\
		.mt_why = mt_why_,					\
		.data = &bpf_site_##id,					\
		.tracer = "bpf",					\
		.flags = flags_,					\
		.opt_in_why = opt_in_why_,				\
		.available = pc_bpf_available,				\
		.setup = pc_bpf_setup,					\
		.arm = pc_bpf_arm,					\
		.disarm = pc_bpf_disarm,				\
		.fire = pc_bpf_fire,					\
		.count = pc_bpf_count,					\
		.variant = pc_bpf_variant,				\
		.teardown = pc_bpf_teardown,				\
		.reap = reap_,						\
	}

#define BPF_MECH_ON(id, name_, site_, family_, where_, summary_)		\
	BPF_ENTRY(id, name_, site_, family_, where_, PC_BPF_MT_WHY, 0, NULL, NULL, summary_)

/* the same on a site of probecost.ko, which its primitive fires */
#define BPF_MOD_MECH(id, name_, site_, family_, summary_)		\
	BPF_ENTRY(id, name_, site_, family_, PC_WHERE_MODULE, PC_MODSITE_MT_WHY, \
		  PC_MECH_OPT_IN, PC_MODSITE_OPT_IN_WHY, pc_modsite_reap, summary_)

#define BPF_MOD_SITE(id, kind_, prim)					\
	extern const struct pc_mech pc_mech_##prim;			\
	static const struct pc_bpf_site bpf_site_##id = {		\
		.kind = kind_, .mod = &pc_mech_##prim,			\
	}

/* an entry named as the primitive whose site it fires */
#define BPF_MECH(id, name_, family_, where_, summary_)			\
	BPF_MECH_ON(id, name_, NULL, family_, where_, summary_)

BPF_SITE(uprobe_nop, PC_BPF_UPROBE, &pc_site_uprobe_nop, NULL);
BPF_SITE(uprobe_nop5, PC_BPF_UPROBE, &pc_site_uprobe_nop5, NULL);
BPF_SITE(uprobe_push, PC_BPF_UPROBE, &pc_site_uprobe_push, NULL);
BPF_SITE(uprobe_ret, PC_BPF_UPROBE, &pc_site_uprobe_ret, NULL);
BPF_SITE(uretprobe, PC_BPF_UPROBE, &pc_site_uretprobe, NULL);
BPF_SITE(usdt, PC_BPF_USDT, &pc_site_usdt, NULL);
BPF_SITE(syscall_tracepoint, PC_BPF_TP, NULL, &pc_kevent_syscall_tracepoint);
BPF_SITE(syscall_raw_tracepoint, PC_BPF_RAW_TP, NULL, &pc_kevent_syscall_tracepoint);

BPF_MECH(uprobe_nop, "uprobe-nop", PC_FAM_DYNAMIC, PC_WHERE_USER,
	 "BPF uprobe program on the 1-byte nop site");
BPF_MECH(uprobe_nop5, "uprobe-nop5", PC_FAM_DYNAMIC, PC_WHERE_USER,
	 "BPF uprobe program on the 5-byte nop site");
BPF_MECH(uprobe_push, "uprobe-push", PC_FAM_DYNAMIC, PC_WHERE_USER,
	 "BPF uprobe program on the push %rbp site");
BPF_MECH(uprobe_ret, "uprobe-ret", PC_FAM_DYNAMIC, PC_WHERE_USER,
	 "BPF uprobe program on the ret site");
BPF_MECH(uretprobe, "uretprobe", PC_FAM_DYNAMIC, PC_WHERE_USER,
	 "BPF uretprobe program on the nop site's return");
BPF_MECH(usdt, "usdt", PC_FAM_STATIC, PC_WHERE_USER,
	 "BPF program on the <sys/sdt.h> probe (libbpf USDT, semaphore)");
BPF_MECH(syscall_tracepoint, "syscall-tracepoint", PC_FAM_STATIC, PC_WHERE_KERNEL,
	 "BPF tp/syscalls/sys_enter_getppid program on the getppid() loop");
BPF_MECH_ON(syscall_raw_tracepoint, "syscall-raw-tracepoint", "syscall-tracepoint",
	    PC_FAM_STATIC, PC_WHERE_KERNEL,
	 "BPF raw_tp/sys_enter program (every syscall; counts our getppid) on the getppid() loop");

BPF_MOD_SITE(tracepoint, PC_BPF_MOD_TP, tracepoint);
BPF_MOD_SITE(raw_tracepoint, PC_BPF_MOD_RAW_TP, tracepoint);
BPF_MOD_SITE(kprobe_int3, PC_BPF_KPROBE, kprobe_int3);
BPF_MOD_SITE(kprobe_optimized, PC_BPF_KPROBE, kprobe_optimized);
BPF_MOD_SITE(kprobe_ftrace, PC_BPF_KPROBE, kprobe_ftrace);
BPF_MOD_SITE(kretprobe, PC_BPF_KPROBE, kretprobe);

BPF_MOD_MECH(tracepoint, "tracepoint", NULL, PC_FAM_STATIC,
	     "BPF tp program on probecost:pcsite_tracepoint (the module's event)");
/* a raw_tp of the same event: a name of its own, as syscall-raw-tracepoint */
BPF_MOD_MECH(raw_tracepoint, "raw-tracepoint", "tracepoint", PC_FAM_STATIC,
	     "BPF raw_tp program on pcsite_tracepoint, the tracepoint site's event");
BPF_MOD_MECH(kprobe_int3, "kprobe-int3", NULL, PC_FAM_DYNAMIC,
	     "BPF kprobe program on the module's body site, optimizer off: int3");
BPF_MOD_MECH(kprobe_optimized, "kprobe-optimized", NULL, PC_FAM_DYNAMIC,
	     "BPF kprobe program on the module's body site, optimized: jmp");
BPF_MOD_MECH(kprobe_ftrace, "kprobe-ftrace", NULL, PC_FAM_DYNAMIC,
	     "BPF kprobe program on the module's function entry: via ftrace");
BPF_MOD_MECH(kretprobe, "kretprobe", NULL, PC_FAM_DYNAMIC,
	     "BPF kretprobe program on the module's kretprobe site");
