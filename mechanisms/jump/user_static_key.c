// SPDX-License-Identifier: MIT
/*
 * `user-static-key`: the kernel's jump labels (static keys), in user space.
 *
 * The site is an `asm goto` whose body is a 5-byte nop, with the nop's
 * address and the out-of-line label recorded in a table section (as
 * __jump_table is in the kernel):
 *
 *	disabled   nopl 0(%rax,%rax,1)    falls through: no load, no branch
 *	enabled    jmp  handler           patched in at run time
 *
 * So a disabled site costs a 5-byte nop in the instruction stream and
 * nothing else -- no data access, no branch-predictor entry -- which is
 * why static keys replaced flag tests like user-branch. The price moves
 * to the toggle: every enable or disable rewrites code that other threads
 * may be executing, with the int3 protocol and three core-serializing
 * membarriers (text_poke.h); the arm/disarm latencies the engine records
 * include that patch, and the toggle op measures it alone. Recording writes the payload into the
 * per-thread ring, as user-branch does, so the two differ only by how
 * the site is switched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "mech.h"
#include "site.h"
#include "text_poke.h"
#include "uring.h"

#define USK_RING_BYTES (1u << 20)

/* One site: both fields are relative to their own address (no relocs). */
struct usk_entry {
	int32_t code;
	int32_t target;
};

extern const struct usk_entry __start_pc_usk_entries[];
extern const struct usk_entry __stop_pc_usk_entries[];

static const uint8_t usk_nop5[5] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };

static bool usk_record;
static _Thread_local uint64_t usk_hits;

static PC_SITE void pchandler_user_static_key(uint64_t x)
{
	(void)x;
	if (usk_record)
		pc_uring_write(pc_payload);
	else
		usk_hits++;
}

static PC_SITE void pcsite_user_static_key(uint64_t x)
{
	PC_SITE_WORK(x);
	/* the compiler may duplicate this: every copy adds its own entry */
	__asm__ goto("1: .byte 0x0f, 0x1f, 0x44, 0x00, 0x00\n\t"
		     ".pushsection pc_usk_entries, \"a\"\n\t"
		     ".balign 4\n\t"
		     ".long 1b - ., %l[on] - .\n\t"
		     ".popsection"
		     : : : : on);
	return;
on:
	pchandler_user_static_key(x);
}

static PC_SITE void pcsite_user_static_key_absent(uint64_t x)
{
	PC_SITE_WORK(x);
}

PC_FIRE_LOOP(usk_loop, pcsite_user_static_key)
PC_FIRE_LOOP(usk_loop_absent, pcsite_user_static_key_absent)

static enum pc_state usk_state;
static bool usk_patched;

static uint8_t *entry_code(const struct usk_entry *e)
{
	return (uint8_t *)((uintptr_t)&e->code + (intptr_t)e->code);
}

static uintptr_t entry_target(const struct usk_entry *e)
{
	return (uintptr_t)&e->target + (intptr_t)e->target;
}

/* What the site's bytes say now: 1 jmp to the label, 0 nop5, -1 neither. */
static int entry_reads(const struct usk_entry *e)
{
	uint8_t b[5];
	int32_t rel;

	memcpy(b, entry_code(e), 5);
	if (!memcmp(b, usk_nop5, 5))
		return 0;
	memcpy(&rel, b + 1, 4);
	if (b[0] == 0xe9 && (uintptr_t)entry_code(e) + 5 + (intptr_t)rel == entry_target(e))
		return 1;
	return -1;
}

static int patch_all(struct pc_inst *in, bool on)
{
	for (const struct usk_entry *e = __start_pc_usk_entries; e < __stop_pc_usk_entries; e++) {
		uint8_t insn[5];
		int32_t rel = (int32_t)(entry_target(e) - ((uintptr_t)entry_code(e) + 5));
		int ret;

		if (on) {
			insn[0] = 0xe9;
			memcpy(insn + 1, &rel, 4);
		} else {
			memcpy(insn, usk_nop5, 5);
		}
		ret = pc_text_poke(entry_code(e), insn, 5, in->why, sizeof(in->why));
		if (ret != PC_OK)
			return ret;
		/* patched, whatever the read-back says: disarm must restore it */
		if (on)
			usk_patched = true;
		if (entry_reads(e) != (on ? 1 : 0))
			return pc_inst_fail(in, PC_ERR_VERIFY,
					    "user-static-key: site %p does not read back as %s after patching",
					    (void *)entry_code(e), on ? "jmp" : "nop5");
	}
	usk_patched = on;
	return PC_OK;
}

static int usk_available(const struct pc_mech *m, char *why, size_t len)
{
	(void)m;
	if (&__stop_pc_usk_entries[0] == &__start_pc_usk_entries[0]) {
		snprintf(why, len, "no asm goto site was compiled (pc_usk_entries is empty)");
		return PC_ERR_UNSUPPORTED;
	}
	return pc_text_poke_available(why, len);
}

static int usk_setup(struct pc_inst *in)
{
	return pc_text_poke_init(in->why, sizeof(in->why));
}

static int usk_arm(struct pc_inst *in, enum pc_state st)
{
	usk_state = st;
	switch (st) {
	case PC_ABSENT:
	case PC_DISABLED:
		return PC_OK;
	case PC_RECORDING:
		if (pc_uring_arm(in->opts->payload, USK_RING_BYTES) != PC_OK)
			return pc_inst_fail(in, PC_ERR_NOMEM,
					    "user-static-key: no memory for the ring buffer");
		usk_record = true;
		return patch_all(in, true);
	case PC_ENABLED:
		return patch_all(in, true);
	default:
		return pc_inst_fail(in, PC_ERR_INVAL, "no such state");
	}
}

static int usk_disarm(struct pc_inst *in)
{
	int ret = PC_OK;

	/* the site is restored before anything else runs */
	if (usk_patched)
		ret = patch_all(in, false);
	if (usk_record)
		pc_uring_disarm();
	usk_record = false;
	usk_state = PC_ABSENT;
	return ret;
}

static int usk_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out)
{
	uint64_t before = usk_hits, w0, l0, w1, l1;

	(void)in;
	pc_uring_counts(&w0, &l0);
	if (usk_state == PC_ABSENT)
		usk_loop_absent(n);
	else
		usk_loop(n);
	pc_uring_counts(&w1, &l1);
	out->hits = usk_hits - before + (w1 - w0);
	out->lost = l1 - l0;
	return PC_OK;
}

static int usk_variant(struct pc_inst *in, char *buf, size_t len)
{
	const struct usk_entry *e;
	int jmp = 0, nop = 0, bad = 0;

	(void)in;
	if (usk_state == PC_ABSENT) {
		snprintf(buf, len, "none");
		return PC_OK;
	}
	for (e = __start_pc_usk_entries; e < __stop_pc_usk_entries; e++) {
		int r = entry_reads(e);

		jmp += r == 1;
		nop += r == 0;
		bad += r < 0;
	}
	snprintf(buf, len, "%s%s%s", bad ? "corrupt" : jmp && !nop ? "jmp" : nop && !jmp ? "nop5" : "mixed",
		 usk_record ? ":per-thread-ring" : "", jmp ? ":int3-protocol" : "");
	return PC_OK;
}

/*
 * Toggle: the sites the disabled state runs, patched to the jmp (on) and
 * back to the nop (off), as static_branch_enable/disable do in the
 * kernel; the site is not fired in between.
 */
static int usk_toggle(struct pc_inst *in, bool on, struct pc_toggle *out)
{
	out->what = "patch nop5 <-> jmp: text_poke with the int3 protocol (2 mprotects, 3 SYNC_CORE membarriers)";
	return patch_all(in, on);
}

static void usk_teardown(struct pc_inst *in)
{
	(void)in;
	pc_text_poke_fini();
}

const struct pc_mech pc_mech_user_static_key = {
	.name = "user-static-key",
	.summary = "asm goto nop5 patched to a jmp at run time (user jump label)",
	.family = PC_FAM_JUMP,
	.where = PC_WHERE_USER,
	.states = PC_ST_ALL,
	.tracers = { [PC_ENABLED] = "self", [PC_RECORDING] = "self" },
	.flags = PC_MECH_MT,
	.available = usk_available,
	.setup = usk_setup,
	.arm = usk_arm,
	.disarm = usk_disarm,
	.fire = usk_fire,
	.variant = usk_variant,
	.toggle = usk_toggle,
	.teardown = usk_teardown,
};
