/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * The one ABI between probecost.ko and the probecost harness.
 *
 * Included by the module (kmod/, mechanisms/ * /kmod_*.c) and by the
 * harness (harness/module.c). Rules, checked at build time on both sides
 * and by tests/unit/test_abi.c:
 *
 *  - fixed-width types only, every struct a multiple of 8 bytes with no
 *    hidden padding: holes are named pad fields and must be zero (the
 *    module answers -EINVAL otherwise);
 *  - every struct starts with __u32 size = sizeof(struct); a smaller size
 *    is -EINVAL, a larger one -E2BIG (no silent truncation either way);
 *  - PROBECOST_ABI_VERSION changes with any change of this file that
 *    changes a layout, a meaning or a number. The harness asks for it
 *    before anything else and refuses a module of another version.
 *
 * The device is /dev/probecost, mode 0600; every ioctl also needs
 * CAP_SYS_ADMIN. One open at a time (-EBUSY for the second); closing the
 * device disarms everything it armed, and so does unloading the module.
 *
 * No kernel address ever crosses this interface: the only location the
 * module reports is a kprobe's offset inside its site function.
 */
#ifndef PROBECOST_ABI_H
#define PROBECOST_ABI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define PROBECOST_ABI_VERSION	3
#define PROBECOST_DEVICE	"/dev/probecost"
#define PROBECOST_MODULE	"probecost"

/*
 * The mechanisms the module implements, in registry order:
 *   X(ID suffix, harness name, family, states this kernel may offer)
 * Family is one of STATIC, DYNAMIC, JUMP (as enum pc_family in the
 * harness). The harness generates one `struct pc_mech` per line; the
 * module one site pair (pcsite_<name>, pcsite_<name>_absent) per line.
 */
#define PROBECOST_MECHS(X)						\
	X(TRACEPOINT, tracepoint, "tracepoint", STATIC)			\
	X(BRANCH, branch, "branch", STATIC)				\
	X(STATIC_KEY, static_key, "static-key", JUMP)			\
	X(KPROBE_INT3, kprobe_int3, "kprobe-int3", DYNAMIC)		\
	X(KPROBE_OPT, kprobe_optimized, "kprobe-optimized", DYNAMIC)	\
	X(KPROBE_FTRACE, kprobe_ftrace, "kprobe-ftrace", DYNAMIC)	\
	X(KRETPROBE, kretprobe, "kretprobe", DYNAMIC)

enum probecost_mech {
#define PROBECOST_X_ENUM(id, sym, name, fam) PROBECOST_MECH_##id,
	PROBECOST_MECHS(PROBECOST_X_ENUM)
#undef PROBECOST_X_ENUM
	PROBECOST_NR_MECHS
};

/* Same numbers as enum pc_state in harness/mech.h. */
enum probecost_state {
	PROBECOST_ABSENT = 0,	/* the uninstrumented twin runs */
	PROBECOST_DISABLED = 1,	/* instrumented site, instrumentation off */
	PROBECOST_ENABLED = 2,	/* on, an empty handler counts hits */
	PROBECOST_RECORDING = 3,/* on, the payload goes to the ring buffer */
	PROBECOST_NR_STATES
};

#define PROBECOST_MAX_PAYLOAD	4096		/* bytes per recorded event */
#define PROBECOST_MAX_EVENTS	(1ULL << 40)	/* n per RUN, else -E2BIG */
#define PROBECOST_NAME_LEN	32
#define PROBECOST_WHY_LEN	160

/*
 * Names of the trace events the module defines (group "probecost"):
 * the tracepoint mechanism's own event, and the recorder that every
 * other mechanism's handler calls in the recording state. Both carry
 * the same fields: u64 x, then the payload as a dynamic array.
 */
#define PROBECOST_EVENT_GROUP		"probecost"
#define PROBECOST_EVENT_TRACEPOINT	"pcsite_tracepoint"
#define PROBECOST_EVENT_RECORD		"pc_record"
/*
 * Data symbol holding the payload as a NUL-terminated string, for
 * kprobe_events recording: "payload=@pc_payload:string" reads the string
 * stored at the symbol (N - 1 bytes and the NUL).
 */
#define PROBECOST_PAYLOAD_SYMBOL	"pc_payload"

/* PROBECOST_IOC_VERSION (out) */
struct probecost_version {
	__u32 size;
	__u32 abi_version;
	__u32 nr_mechs;
	__u32 max_payload;
	__u64 max_events;
	__u64 tsc_khz;		/* the module's TSC frequency, 0 if unknown */
};

/* PROBECOST_IOC_INFO (in: size, mech; out: the rest) */
struct probecost_info {
	__u32 size;
	__u32 mech;
	__u32 states;		/* 1 << state for each state this kernel offers */
	__s32 err;		/* 0, or -errno why the mechanism is unsupported */
	__u32 probe_offset;	/* kprobes: probe offset in pcsite_<name> */
	/*
	 * int3 kprobes: traps each trapped hit takes after the int3 for
	 * the displaced instruction (1: it runs out of line, followed by
	 * an int3 -- a #DB before Linux 5.14; 0: emulated, or boosted
	 * with a jmp back), read from the kprobe registered at load.
	 * 0 for the other mechanisms. Zero on input.
	 */
	__u32 step_traps;
	char name[PROBECOST_NAME_LEN];	/* harness name, NUL-terminated */
	char site[PROBECOST_NAME_LEN];	/* site function symbol */
	char why[PROBECOST_WHY_LEN];	/* reason when err != 0 */
};

/* PROBECOST_IOC_ARM (in) */
struct probecost_arm {
	__u32 size;
	__u32 mech;
	__u32 state;
	__u32 payload;		/* bytes per recorded event, <= MAX_PAYLOAD */
	__u32 flags;		/* PROBECOST_ARM_*; any other bit -EINVAL */
	__u32 pad;
};

/*
 * Recording, kprobe family: the module registers its kprobe and its
 * handler writes the pc_record event, as every other mechanism's handler
 * does (like-for-like), instead of registering nothing so that a
 * kprobe_events definition probes the site and fetches the payload.
 * The other mechanisms' handlers always record so: the flag changes
 * nothing there.
 */
#define PROBECOST_ARM_HANDLER_RECORDS	(1U << 0)
#define PROBECOST_ARM_FLAGS		PROBECOST_ARM_HANDLER_RECORDS

/* PROBECOST_IOC_DISARM (in) */
struct probecost_disarm {
	__u32 size;
	__u32 mech;
};

/* PROBECOST_IOC_RUN (in: size, mech, n; out: the rest) */
struct probecost_run {
	__u32 size;
	__u32 mech;
	__u64 n;		/* events, 1..PROBECOST_MAX_EVENTS */
	__u64 ticks;		/* rdtsc_ordered() delta summed over chunks */
	__u64 hits;		/* handler calls counted by the module */
	__u64 missed;		/* kprobe nmissed during the run */
	__u64 chunks;		/* interrupts-off chunks the run was cut into */
	__u64 trapped;		/* of the hits, those whose handler ran in the
				 * int3 trap (in_nmi()); kprobe family only */
	/*
	 * kprobe family: the first byte of the text at the probe address
	 * after the run, whoever's probe is there: 0xcc an int3, 0xe9 the
	 * jmp of an optimized probe, 0xe8 ftrace's call; 0 for the others.
	 * A kprobe is listed [OPTIMIZED] before the optimizer has patched
	 * the jmp in: this says when it has.
	 */
	__u32 probe_byte;
	/*
	 * Tracepoint family: 1 when the site's static key is on after the
	 * run -- some probe is registered on the tracepoint (the module's
	 * own, a trace event's, or another tool's: SystemTap's kernel.trace,
	 * BPF raw_tp) -- 0 when the site is a nop; 0 for the others. In on
	 * input: must be 0.
	 */
	__u32 key_on;
};

/*
 * PROBECOST_IOC_TOGGLE (in: size, mech; out: the rest). Measures, once,
 * what switching the mechanism on and off costs in the kernel: static
 * key enable/disable, tracepoint probe register/unregister, kprobe
 * register/unregister, and for kprobe-optimized the delay until the
 * optimizer has replaced the int3 with a jump. The mechanism must be
 * disarmed (-EBUSY otherwise).
 */
struct probecost_toggle {
	__u32 size;
	__u32 mech;
	__u64 enable_ticks;	/* TSC ticks */
	__u64 disable_ticks;	/* TSC ticks */
	__u64 optimize_ns;	/* ktime ns until optimized; 0 if n/a */
};

#define PROBECOST_IOC_MAGIC	0xB7
#define PROBECOST_IOC_VERSION	_IOR(PROBECOST_IOC_MAGIC, 0, struct probecost_version)
#define PROBECOST_IOC_INFO	_IOWR(PROBECOST_IOC_MAGIC, 1, struct probecost_info)
#define PROBECOST_IOC_ARM	_IOW(PROBECOST_IOC_MAGIC, 2, struct probecost_arm)
#define PROBECOST_IOC_DISARM	_IOW(PROBECOST_IOC_MAGIC, 3, struct probecost_disarm)
#define PROBECOST_IOC_RUN	_IOWR(PROBECOST_IOC_MAGIC, 4, struct probecost_run)
#define PROBECOST_IOC_TOGGLE	_IOWR(PROBECOST_IOC_MAGIC, 5, struct probecost_toggle)

/*
 * Sizes are part of the ABI: a change here must come with a new
 * PROBECOST_ABI_VERSION. The module checks them with BUILD_BUG_ON, the
 * harness with _Static_assert, both through this one list.
 */
#define PROBECOST_ABI_SIZES(CHECK)			\
	CHECK(struct probecost_version, 32)		\
	CHECK(struct probecost_info, 248)		\
	CHECK(struct probecost_arm, 24)			\
	CHECK(struct probecost_disarm, 8)		\
	CHECK(struct probecost_run, 64)			\
	CHECK(struct probecost_toggle, 32)

#endif
