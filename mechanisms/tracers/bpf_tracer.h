/* SPDX-License-Identifier: MIT */
/*
 * BPF as the tracer of a primitive's site: the entries (bpf_entries.c)
 * share the primitive's name and site (tracer_sites.h) and consume its
 * events with a BPF program loaded by libbpf (bpf_ops.c; bpf_stub.c where
 * the build lacked clang, libbpf-dev or bpftool).
 *
 *   absent     the site's uninstrumented twin, as for the primitive
 *   disabled   the BPF object loaded (program verified, maps created),
 *              the program not attached: the site runs untouched
 *   enabled    attached; the program increments a per-CPU counter
 *   recording  attached; the program reserves --payload bytes in a
 *              BPF ring buffer, copies the payload into them, submits;
 *              count() drains the ring (untimed) and checks every record
 *
 * Attachment, per site kind:
 *
 *   uprobe     bpf_program__attach_uprobe_opts on the site's file offset
 *              (pc_uprobe_file_offset), this process only: a perf uprobe
 *              event with the program on it, so the same int3 (or
 *              optimized call) as the primitive's uprobe, a BPF program
 *              instead of perf's count or the tracefs ring behind it
 *   usdt       libbpf's USDT support (bpf_program__attach_usdt) on the
 *              <sys/sdt.h> probe, its semaphore raised by the kernel
 *              (ref_ctr_offset) as for the primitive
 *   tracepoint tp/syscalls/sys_enter_getppid; the program filters on
 *              this process, since the tracepoint fires for every task
 *   raw_tp     raw_tp/sys_enter (bpf_program__attach_raw_tracepoint): the
 *              program is the raw tracepoint's own probe, no perf event in
 *              between, and runs on every system call of every task; it
 *              counts or records only getppid (args[1]) from this process.
 *              Its entry is syscall-raw-tracepoint (a point of its own:
 *              raw_syscalls:sys_enter, not syscalls:sys_enter_getppid),
 *              tracer bpf, on syscall-tracepoint's getppid() loop
 *
 * probecost.ko's sites, in the QEMU guest (where=module): the module
 * fires its site with its own handler unregistered (module_site.h) and
 * the program is the only consumer:
 *
 *   kprobe     bpf_program__attach_kprobe_opts on pcsite_<name> at the
 *              offset the module reports (its INFO ioctl), the entry for
 *              kprobe-ftrace, a return probe for kretprobe: libbpf opens
 *              a kprobe PMU perf event (config1 the function, config2 the
 *              offset), i.e. a kprobe the kernel registers and the
 *              program runs from. Its variant (int3, [OPTIMIZED],
 *              [FTRACE]) is read back from kprobes/list and must be the
 *              entry's, kprobe-int3 with the optimizer off, as for the
 *              module's own kprobe (module_mechs.c does both)
 *   mod_tp     tp on probecost:pcsite_tracepoint, the tracepoint
 *              mechanism's own trace event: the event's perf probe builds
 *              its record (x and the payload) before the program runs
 *   mod_raw_tp raw_tp on pcsite_tracepoint, the program called directly
 *              with (x): entry raw-tracepoint, on tracepoint's site
 *
 *   The programs record the module's payload (its pc_payload symbol,
 *   found in kallsyms). fentry/fexit are left out: they attach by BTF id
 *   and probecost.ko carries no BTF (/sys/kernel/btf/probecost is absent
 *   in the guest: the module is built against Debian's linux-headers,
 *   which ship no vmlinux for kbuild's pahole pass).
 *
 * Every BPF object is created in arm() and destroyed in disarm(), so a
 * disarmed entry holds no program, map or link; they are file
 * descriptors of this process, so even a killed run leaves none behind.
 */
#ifndef PC_BPF_TRACER_H
#define PC_BPF_TRACER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mech.h"
#include "tracer_sites.h"

enum pc_bpf_kind {
	PC_BPF_UPROBE,
	PC_BPF_USDT,
	PC_BPF_TP,
	PC_BPF_RAW_TP,
	PC_BPF_KPROBE,		/* the module's kprobe or kretprobe site */
	PC_BPF_MOD_TP,		/* the module's trace event: tp */
	PC_BPF_MOD_RAW_TP,	/* ... and raw_tp */
};

/* An entry's .data: the primitive's site it consumes. */
struct pc_bpf_site {
	enum pc_bpf_kind kind;
	const struct pc_user_site *user;	/* uprobe, usdt */
	const struct pc_kevent_desc *kev;	/* tracepoint, raw_tp */
	const struct pc_mech *mod;		/* the module's: its primitive */
};

/* The one line that makes the BPF entries buildable. */
#define PC_BPF_INSTALL "apt-get install clang libbpf-dev bpftool"

#define PC_BPF_MT_WHY \
	"the program counts into per-CPU slots shared by every thread of the process: hits are not counted per thread"

int pc_bpf_available(const struct pc_mech *m, char *why, size_t len);
int pc_bpf_setup(struct pc_inst *in);
int pc_bpf_arm(struct pc_inst *in, enum pc_state st);
int pc_bpf_disarm(struct pc_inst *in);
int pc_bpf_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out);
int pc_bpf_count(struct pc_inst *in, struct pc_fire *out);
int pc_bpf_variant(struct pc_inst *in, char *buf, size_t len);
void pc_bpf_teardown(struct pc_inst *in);

#endif
