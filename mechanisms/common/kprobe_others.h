/* SPDX-License-Identifier: MIT */
/*
 * K kprobes armed elsewhere, for the others op (mech.h) of the kprobe
 * mechanisms (module ones, and live-kprobe where probecost.ko is loaded):
 * each on one nop of probecost.ko's pcsite_others_sled, 1024 1-byte nops
 * after its entry (ENDBR, fentry call) in a function nothing calls
 * (kmod_kprobes.c); the first nop's offset is found by defining probes
 * until two neighbours both take (kprobes refuse the middle of the
 * fentry call). They are defined in
 * kprobe_events (group probecost_<pid>, events kother0..kother<K-1>) and
 * enabled in a private tracefs instance, so each is a registered kprobe
 * with its int3 in the module's text: the kernel's kprobe hash table
 * (64 buckets by address) holds K more entries when the measured probe's
 * hit is looked up. No perf fd per probe, as for uprobe_others.h.
 */
#ifndef PC_KPROBE_OTHERS_H
#define PC_KPROBE_OTHERS_H

#include <stddef.h>

#include "tracefs.h"

struct pc_kprobe_others {
	unsigned int k;			/* defined now */
	struct pc_tracefs_inst ti;	/* where they are enabled */
};

/*
 * Arm exactly @k (0: remove all), read back from the instance's
 * set_event; @what says how, for the row's note. Without probecost.ko
 * loaded: PC_ERR_UNSUPPORTED. On failure none is left armed and @why
 * says why.
 */
int pc_kprobe_others_set(struct pc_kprobe_others *o, unsigned int k,
			 char *what, size_t wlen, char *why, size_t len);

#endif
