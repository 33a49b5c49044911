/* SPDX-License-Identifier: MIT */
/*
 * The sites a tracer entry shares with its primitive (mech.h, "Tracer"):
 * a tracer entry -- the same site consumed by BPF, LTTng ... -- fires
 * exactly the primitive's site and twin, so each primitive exports its
 * site's entry points here instead of a second copy being compiled.
 */
#ifndef PC_TRACER_SITES_H
#define PC_TRACER_SITES_H

#include <stdbool.h>
#include <stdint.h>

#include "kevent.h"

/* A user-space probe site (mechanisms/kprobes/uprobe.c, static/usdt.c). */
struct pc_user_site {
	const char *insn;		/* the probed instruction */
	/* where a uprobe goes; NULL: found from the USDT note at run time */
	const void *site;
	/* a USDT site: its note's name (provider probecost), its semaphore */
	const char *probe;
	unsigned short *semaphore;
	void (*loop)(uint64_t n), (*loop_absent)(uint64_t n);
	void (*call)(void);		/* one hit, for pc_uprobe_execution() */
	bool ret;			/* a return probe */
};

extern const struct pc_user_site pc_site_uprobe_nop;
extern const struct pc_user_site pc_site_uprobe_nop5;
extern const struct pc_user_site pc_site_uprobe_nop10;
extern const struct pc_user_site pc_site_uprobe_push;
extern const struct pc_user_site pc_site_uprobe_ret;
extern const struct pc_user_site pc_site_uretprobe;
/* probecost:usdt and the wider-nop USDT sites (static/usdt.c) */
extern const struct pc_user_site pc_site_usdt;
extern const struct pc_user_site pc_site_usdt_nop5;
extern const struct pc_user_site pc_site_usdt_nop10;

/* The getppid() loop syscall-tracepoint fires (static/syscall_tracepoint.c). */
extern const struct pc_kevent_desc pc_kevent_syscall_tracepoint;

#endif
