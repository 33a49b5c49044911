/* SPDX-License-Identifier: MIT */
/*
 * The harness's side of probecost.ko: open /dev/probecost, check the ABI
 * version before anything else, and wrap the ioctls so that every errno
 * becomes an enum pc_err with a sentence saying what to do.
 */
#ifndef PC_MODULE_DEV_H
#define PC_MODULE_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probecost_abi.h"

struct pc_module {
	int fd;
	struct probecost_version ver;
	struct probecost_info info[PROBECOST_NR_MECHS];
};

/*
 * Open the device and read the version and every mechanism's info.
 * Errors: PC_ERR_UNSUPPORTED (no module here, with how to get one),
 * PC_ERR_PERM, PC_ERR_BUSY (another run holds it), PC_ERR_ABI.
 */
int pc_module_open(struct pc_module *mod, char *why, size_t len);
void pc_module_close(struct pc_module *mod);

/* Can this kernel load modules at all? (CONFIG_MODULES, lockdown aside) */
bool pc_module_loadable(void);

/*
 * Where the probecost.ko for this kernel is: $PROBECOST_KO, or what
 * `make kmod` built (<binary dir>/kmod/<release>/), or next to the
 * binary, or /lib/modules/<release>/extra/. PC_ERR_UNSUPPORTED if none.
 */
int pc_module_find(char *path, size_t len);

/*
 * Load probecost.ko into the running kernel when it is not loaded yet.
 * *loaded says whether this call loaded it (and so pc_module_unload()
 * should remove it at the end). Failures name the cause: no
 * CONFIG_MODULES, not root, not built (make kmod), built for another
 * kernel, kernel lockdown, signature enforcement.
 */
int pc_module_autoload(bool *loaded, char *why, size_t len);
/* Remove the module loaded by pc_module_autoload(). */
int pc_module_unload(char *why, size_t len);

/* @flags: PROBECOST_ARM_* (probecost_abi.h) */
int pc_module_arm(struct pc_module *mod, uint32_t mech, uint32_t state,
		  uint32_t payload, uint32_t flags, char *why, size_t len);
int pc_module_disarm(struct pc_module *mod, uint32_t mech);
int pc_module_run(struct pc_module *mod, uint32_t mech, uint64_t n,
		  struct probecost_run *out, char *why, size_t len);
/* First text bytes at a probe address (probecost_run.probe_byte). */
#define PC_X86_INT3	0xcc
#define PC_X86_JMP32	0xe9

/*
 * The traps @hits of @mech's site took, from the text at its probe after
 * the run (@probe_byte): an int3 there traps every hit, once for the
 * int3 and the probed instruction's step traps after it (the ABI's
 * step_traps); anything else (a jmp, ftrace's call, no probe) none.
 */
uint64_t pc_module_traps(const struct pc_module *mod, uint32_t mech, uint32_t probe_byte,
			 uint64_t hits);

int pc_module_toggle(struct pc_module *mod, uint32_t mech,
		     struct probecost_toggle *out, char *why, size_t len);

#endif
