// SPDX-License-Identifier: MIT
/* Cross-modifying our own text safely (see text_poke.h). */
#include <errno.h>
#include <linux/membarrier.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "errors.h"
#include "text_poke.h"

/* The patch in flight, for the SIGTRAP handler. */
static uintptr_t poke_addr;		/* 0: none */
static uintptr_t poke_resume;		/* where the new instruction goes */
/*
 * Every address ever poked. A thread can take the int3 just before the
 * last write and run its handler after the patch is over; the handler
 * must still recognise the trap as ours (the kernel keeps a refcount for
 * this; a list that only grows does the same job here).
 */
#define MAX_POKED 64
static uintptr_t poked[MAX_POKED];
static int npoked;
static uint64_t traps;
static struct sigaction old_trap;
static int inited;

static int membarrier(int cmd)
{
	return (int)syscall(SYS_membarrier, cmd, 0, 0);
}

int pc_text_poke_available(char *why, size_t len)
{
#if !defined(__x86_64__)
	snprintf(why, len, "text patching is implemented for x86-64 only");
	return PC_ERR_UNSUPPORTED;
#else
	int cmds = membarrier(MEMBARRIER_CMD_QUERY);

	if (cmds < 0) {
		snprintf(why, len, "membarrier(QUERY): %s (CONFIG_MEMBARRIER off?): threads cannot be serialized after patching",
			 strerror(errno));
		return PC_ERR_UNSUPPORTED;
	}
	if (!(cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE)) {
		snprintf(why, len, "membarrier has no PRIVATE_EXPEDITED_SYNC_CORE here: threads cannot be serialized after patching");
		return PC_ERR_UNSUPPORTED;
	}
	return PC_OK;
#endif
}

static void on_trap(int sig, siginfo_t *si, void *ctx)
{
#if defined(__x86_64__)
	ucontext_t *uc = ctx;
	uintptr_t rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	uintptr_t addr = __atomic_load_n(&poke_addr, __ATOMIC_ACQUIRE);

	int n = __atomic_load_n(&npoked, __ATOMIC_ACQUIRE);

	/* int3 leaves RIP after itself */
	for (int i = 0; i < n; i++) {
		if (poked[i] != rip - 1)
			continue;
		if (addr == rip - 1 && *(volatile uint8_t *)addr == 0xcc)
			rip = __atomic_load_n(&poke_resume, __ATOMIC_ACQUIRE);
		else
			rip--;	/* patch done meanwhile: run the new bytes */
		uc->uc_mcontext.gregs[REG_RIP] = (greg_t)rip;
		__atomic_add_fetch(&traps, 1, __ATOMIC_RELAXED);
		return;
	}
#endif
	/* not ours: let the previous disposition have it */
	(void)si;
	(void)ctx;
	sigaction(sig, &old_trap, NULL);
	raise(sig);
}

int pc_text_poke_init(char *why, size_t len)
{
	struct sigaction sa;
	int ret = pc_text_poke_available(why, len);

	if (ret != PC_OK)
		return ret;
	if (inited++)
		return PC_OK;
	if (membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE) < 0) {
		snprintf(why, len, "membarrier(REGISTER_PRIVATE_EXPEDITED_SYNC_CORE): %s",
			 strerror(errno));
		inited = 0;
		return PC_ERR_SYS;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_trap;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTRAP, &sa, &old_trap) < 0) {
		snprintf(why, len, "sigaction(SIGTRAP): %s", strerror(errno));
		inited = 0;
		return PC_ERR_SYS;
	}
	return PC_OK;
}

void pc_text_poke_fini(void)
{
	if (inited && !--inited)
		sigaction(SIGTRAP, &old_trap, NULL);
}

static int sync_cores(char *why, size_t len)
{
	if (membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE) < 0) {
		snprintf(why, len, "membarrier(PRIVATE_EXPEDITED_SYNC_CORE): %s", strerror(errno));
		return PC_ERR_SYS;
	}
	return PC_OK;
}

static void store(volatile uint8_t *p, const uint8_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		__atomic_store_n(&p[i], src[i], __ATOMIC_RELEASE);
}

int pc_text_poke(void *addr, const uint8_t *insn, size_t n, char *why,
		 size_t len)
{
	long pg = sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)addr;
	uintptr_t start = a & ~(uintptr_t)(pg - 1);
	size_t span = ((a + n - 1) & ~(uintptr_t)(pg - 1)) - start + (size_t)pg;
	volatile uint8_t *p = addr;
	const uint8_t int3 = 0xcc;
	int ret, r2, i;

	if (!inited || n < 2 || n > 15) {
		snprintf(why, len, "text_poke: not initialised or bad length %zu", n);
		return PC_ERR_INVAL;
	}
	for (i = 0; i < npoked && poked[i] != a; i++)
		;
	if (i == npoked) {
		if (npoked == MAX_POKED) {
			snprintf(why, len, "text_poke: more than %d patch sites", MAX_POKED);
			return PC_ERR_INVAL;
		}
		poked[npoked] = a;
		__atomic_store_n(&npoked, npoked + 1, __ATOMIC_RELEASE);
	}
	if (insn[0] == 0xe9 && n == 5) {
		int32_t rel;

		memcpy(&rel, insn + 1, 4);
		poke_resume = a + 5 + (uintptr_t)(intptr_t)rel;
	} else {
		poke_resume = a + n;	/* a nop: just skip it */
	}
	if (mprotect((void *)start, span, PROT_READ | PROT_WRITE | PROT_EXEC) < 0) {
		snprintf(why, len, "mprotect(text, RWX): %s (W^X enforced by a security module?)",
			 strerror(errno));
		return errno == EACCES || errno == EPERM ? PC_ERR_PERM : PC_ERR_SYS;
	}
	__atomic_store_n(&poke_addr, a, __ATOMIC_RELEASE);
	store(p, &int3, 1);
	ret = sync_cores(why, len);
	if (ret == PC_OK) {
		store(p + 1, insn + 1, n - 1);
		ret = sync_cores(why, len);
	}
	/* the first byte goes back even after a failed sync: never leave int3 */
	store(p, insn, 1);
	r2 = sync_cores(why, len);
	if (ret == PC_OK)
		ret = r2;
	__atomic_store_n(&poke_addr, 0, __ATOMIC_RELEASE);
	if (mprotect((void *)start, span, PROT_READ | PROT_EXEC) < 0 && ret == PC_OK) {
		snprintf(why, len, "mprotect(text, RX) after patching: %s", strerror(errno));
		ret = PC_ERR_SYS;
	}
	return ret;
}

uint64_t pc_text_poke_traps(void)
{
	return __atomic_load_n(&traps, __ATOMIC_RELAXED);
}
