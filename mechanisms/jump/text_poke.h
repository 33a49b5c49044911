/* SPDX-License-Identifier: MIT */
/*
 * Patching this process's own code while other threads may run it: the
 * kernel's text_poke_bp() protocol (arch/x86/kernel/alternative.c),
 * transposed to user space.
 *
 * x86 gives no guarantee about what a CPU executes while another CPU
 * rewrites a multi-byte instruction under it (Intel SDM vol. 3, 8.1.3,
 * "cross-modifying code"), so the instruction is never torn in place:
 *
 *   1. write int3 over its first byte           then sync all threads
 *   2. write all bytes but the first            then sync all threads
 *   3. write the new first byte                 then sync all threads
 *
 * A thread that meets the int3 in between gets SIGTRAP; our handler
 * emulates the *new* instruction by moving its RIP (to the jump target,
 * or past a nop), exactly as the kernel's poke_int3_handler does. "Sync"
 * is membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE): every other
 * thread of the process executes a core-serializing instruction before
 * the call returns, so none can still run stale bytes. The text page is
 * made writable (and kept executable) only for the three writes.
 */
#ifndef PC_TEXT_POKE_H
#define PC_TEXT_POKE_H

#include <stddef.h>
#include <stdint.h>

/* Can this kernel sync cores for us? PC_OK or why not. */
int pc_text_poke_available(char *why, size_t len);
/* Register for SYNC_CORE membarriers and install the SIGTRAP handler. */
int pc_text_poke_init(char *why, size_t len);
/* Put the previous SIGTRAP handler back. */
void pc_text_poke_fini(void);
/*
 * Replace the @n (2..15) bytes at @addr with @insn, which must be a
 * 5-byte jmp rel32 (0xe9) or a nop. Returns once every thread of the
 * process is guaranteed to execute the new instruction.
 */
int pc_text_poke(void *addr, const uint8_t *insn, size_t n, char *why,
		 size_t len);

/* How many times a thread met the int3 mid-patch and was emulated. */
uint64_t pc_text_poke_traps(void);

#endif
