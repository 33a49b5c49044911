// SPDX-License-Identifier: MIT
/*
 * The BPF programs of the bpf tracer entries (bpf_tracer.c), compiled
 * with clang -target bpf and embedded as a bpftool skeleton.
 *
 * Per site kind a pair: *_count (enabled: one per-CPU increment, nothing
 * else) and *_rec (recording: reserve --payload bytes in the ring buffer,
 * copy the payload pattern into them, submit). The harness loads only
 * the program the state needs (autoload) and attaches it or not.
 *
 *   user sites   uprobe, uretprobe: the payload pointer the site gets in
 *                %rdi, read with bpf_probe_read_user -- the copy the
 *                tracefs uprobe's "+0(%di)" fetch makes for the primitive;
 *                usdt: the same pointer, from the note's argument
 *                (libbpf's bpf_usdt_arg).
 *   tracepoint   sys_enter_getppid fires for every task: the program
 *                filters on this process (tgid, set before load) and
 *                copies the pattern from a read-only copy of pc_payload.
 *   raw_tp       raw_syscalls' sys_enter, a BPF_PROG_TYPE_RAW_TRACEPOINT
 *                program run directly as the tracepoint's probe: it fires
 *                for every system call of every task, so the program
 *                filters on the call (args[1] == sysnr, getppid's number,
 *                set before load) and then on this process, and records
 *                as the tracepoint program does.
 *
 * The payload length is a read-only constant (.rodata, frozen at load),
 * so the verifier sees the reserve's size as the constant it must be and
 * no loop is needed; `payload` 0 reserves an empty record.
 */
#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

#define PC_BPF_PAYLOAD_MAX 4096		/* PC_PAYLOAD_MAX */

enum { PC_HITS, PC_LOST, PC_NR_COUNTS };

const volatile __u32 payload;		/* bytes per record */
const volatile __u32 tgid;		/* the tracepoint's process filter */
const volatile __u32 sysnr;		/* the raw_tp's system call filter */
const volatile unsigned char pattern[PC_BPF_PAYLOAD_MAX];	/* pc_payload */
/* probecost.ko's pc_payload symbol (kallsyms), for the module's sites */
const volatile __u64 kpayload;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PC_NR_COUNTS);
	__type(key, __u32);
	__type(value, __u64);
} pc_counts SEC(".maps");

/* sized by the harness before load (bpf_map__set_max_entries) */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} pc_ring SEC(".maps");

static __always_inline void count(__u32 what)
{
	__u64 *v = bpf_map_lookup_elem(&pc_counts, &what);

	if (v)
		(*v)++;		/* per CPU, and the program is not preempted */
}

static __always_inline int record(const void *src, int user)
{
	void *rec = bpf_ringbuf_reserve(&pc_ring, payload, 0);

	if (!rec) {
		count(PC_LOST);
		return 0;
	}
	if (payload) {
		if (user)
			bpf_probe_read_user(rec, payload, src);
		else
			bpf_probe_read_kernel(rec, payload, src);
	}
	bpf_ringbuf_submit(rec, 0);
	return 0;
}

static __always_inline int mine(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == tgid;
}

SEC("uprobe")
int pc_up_count(struct pt_regs *ctx)
{
	(void)ctx;
	count(PC_HITS);
	return 0;
}

SEC("uprobe")
int pc_up_rec(struct pt_regs *ctx)
{
	return record((const void *)PT_REGS_PARM1(ctx), 1);
}

SEC("usdt")
int pc_usdt_count(struct pt_regs *ctx)
{
	(void)ctx;
	count(PC_HITS);
	return 0;
}

SEC("usdt")
int pc_usdt_rec(struct pt_regs *ctx)
{
	long arg = 0;

	bpf_usdt_arg(ctx, 0, &arg);
	return record((const void *)arg, 1);
}

SEC("tp/syscalls/sys_enter_getppid")
int pc_tp_count(void *ctx)
{
	(void)ctx;
	if (mine())
		count(PC_HITS);
	return 0;
}

SEC("tp/syscalls/sys_enter_getppid")
int pc_tp_rec(void *ctx)
{
	(void)ctx;
	return mine() ? record((const void *)pattern, 0) : 0;
}

/* args[0] the task's pt_regs, args[1] the system call's number */
static __always_inline int mine_getppid(struct bpf_raw_tracepoint_args *ctx)
{
	return ctx->args[1] == sysnr && mine();
}

SEC("raw_tp/sys_enter")
int pc_raw_count(struct bpf_raw_tracepoint_args *ctx)
{
	if (mine_getppid(ctx))
		count(PC_HITS);
	return 0;
}

SEC("raw_tp/sys_enter")
int pc_raw_rec(struct bpf_raw_tracepoint_args *ctx)
{
	return mine_getppid(ctx) ? record((const void *)pattern, 0) : 0;
}

/*
 * probecost.ko's sites (in the QEMU guest): only the module's fire loop
 * reaches them, so no filter; recording copies the module's payload in
 * place (its pc_payload symbol, what the module's kprobe_events
 * recording fetches with @pc_payload:string). The kprobe pair serves the
 * kretprobe too (attached as a return probe); the tp and raw_tp pairs
 * go on the module's trace event probecost:pcsite_tracepoint.
 */
SEC("kprobe")
int pc_mkp_count(struct pt_regs *ctx)
{
	(void)ctx;
	count(PC_HITS);
	return 0;
}

SEC("kprobe")
int pc_mkp_rec(struct pt_regs *ctx)
{
	(void)ctx;
	return record((const void *)kpayload, 0);
}

SEC("tp")
int pc_mtp_count(void *ctx)
{
	(void)ctx;
	count(PC_HITS);
	return 0;
}

SEC("tp")
int pc_mtp_rec(void *ctx)
{
	(void)ctx;
	return record((const void *)kpayload, 0);
}

SEC("raw_tp")
int pc_mraw_count(struct bpf_raw_tracepoint_args *ctx)
{
	(void)ctx;
	count(PC_HITS);
	return 0;
}

SEC("raw_tp")
int pc_mraw_rec(struct bpf_raw_tracepoint_args *ctx)
{
	(void)ctx;
	return record((const void *)kpayload, 0);
}

/* bpf_probe_read_user/_kernel are GPL-only helpers */
char LICENSE[] SEC("license") = "Dual MIT/GPL";
