/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the module's core (kmod_dev.c, kmod_run.c) and the kernel parts of
 * the mechanisms (mechanisms/ * /kmod_*.c) share.
 *
 * Cost model of a site. Every site function has the same body,
 * PC_KSITE_WORK (one store to a shared sink, so the call cannot be
 * dropped), and differs from its _absent twin only by the
 * instrumentation. Sites are noinline and noipa: GCC may neither inline
 * them into the loop, nor hoist a flag load out of it, nor merge the
 * identical twins (-fipa-icf), which a real call site in another
 * compilation unit never allows either. Each site has its own fire loop
 * with a direct call, so no state pays for an indirect branch per event.
 *
 * Every handler does the same thing (pc_khandle): in the enabled state it
 * counts the hit, in the recording state it writes the payload into the
 * ring buffer through the pc_record trace event. So mechanisms differ
 * only by how they reach the handler.
 */
#ifndef PC_KMOD_CORE_H
#define PC_KMOD_CORE_H

#include <linux/compiler.h>
#include <linux/types.h>

#include "probecost_abi.h"

#define PC_KSITE	noinline __attribute__((noipa)) __used

extern u64 pc_ksink;
extern u64 pc_khits;		/* handler calls; the run loop resets it */
extern u64 pc_ktrapped;		/* of them, in the int3 trap (kprobes) */
extern bool pc_krecording;	/* handlers write pc_record, not count */
extern u32 pc_payload_len;	/* bytes each recorded event carries */
extern char pc_payload[PROBECOST_MAX_PAYLOAD + 1];

#define PC_KSITE_WORK(x)	WRITE_ONCE(pc_ksink, (x))

/* The common handler body; defined in kmod_record.c. */
void pc_record(u64 x);

static __always_inline void pc_khandle(u64 x)
{
	if (unlikely(READ_ONCE(pc_krecording)))
		pc_record(x);
	else
		pc_khits++;
}

/* The uninstrumented twin of pcsite_<name>. */
#define PC_KSITE_ABSENT(name)				\
	PC_KSITE void pcsite_##name##_absent(u64 x)	\
	{						\
		PC_KSITE_WORK(x);			\
	}

#define PC_KFIRE_LOOP(loop, site)			\
	static PC_KSITE void loop(u64 n)		\
	{						\
		u64 i;					\
							\
		for (i = 0; i < n; i++)			\
			site(i);			\
	}

/* The kernel side of one mechanism; all ops run under the device mutex. */
struct pc_kmech {
	enum probecost_mech id;
	const char *name;		/* harness name */
	const char *site;		/* symbol of the instrumented site */
	void (*fire)(u64 n);		/* instrumented site, n times */
	void (*fire_absent)(u64 n);	/* the absent twin, n times */
	/*
	 * Optional: fill @info->states, ->err, ->why, ->probe_offset for
	 * this kernel. Called once at module load. Default: all states.
	 */
	void (*probe)(struct probecost_info *info);
	/*
	 * Switch on @st (DISABLED, ENABLED or RECORDING) from disarmed;
	 * @flags: PROBECOST_ARM_*.
	 */
	int (*arm)(enum probecost_state st, u32 flags);
	/* Undo arm(); safe when nothing is armed. */
	void (*disarm)(void);
	/* Optional: hits the instrumentation skipped so far (nmissed). */
	u64 (*missed)(void);
	/* Optional: the first text byte at the probe address (see the ABI). */
	u8 (*probe_byte)(void);
	/* Optional: the tracepoint's static key is on (see the ABI). */
	bool (*key_on)(void);
	/* Optional: measure switching on and off once; see the ABI. */
	int (*toggle)(struct probecost_toggle *t);
};

/* Per mechanism of the ABI list: its ops and its two site functions. */
#define PC_KMECH_DECL(id, sym, name, fam)		\
	extern const struct pc_kmech pc_kmech_##sym;	\
	void pcsite_##sym(u64 x);			\
	void pcsite_##sym##_absent(u64 x);
PROBECOST_MECHS(PC_KMECH_DECL)
#undef PC_KMECH_DECL

/* kmod_run.c: run @m's site (or its twin) @n times; see the ABI. */
int pc_krun(const struct pc_kmech *m, bool absent, struct probecost_run *r);
/* rdtsc_ordered() for the mechanisms' toggle measurements. */
u64 pc_kticks(void);

/* kmod_record.c: set the payload recorded events carry. */
void pc_record_payload(u32 len);

#endif
