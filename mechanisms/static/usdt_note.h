/* SPDX-License-Identifier: MIT */
/*
 * Finding a USDT probe the way tracers do: from the .note.stapsdt ELF
 * note <sys/sdt.h> emits for each probe site, not from a symbol. The
 * note gives the link-time address of the site's nop, of the probe's
 * semaphore and of the .stapsdt.base section (to undo prelinking), and
 * each argument's location as the compiler chose it ("8@%rdi").
 */
#ifndef PC_USDT_NOTE_H
#define PC_USDT_NOTE_H

#include <stddef.h>
#include <stdint.h>

struct pc_usdt_note {
	uintptr_t pc;		/* run-time address of the nop */
	uintptr_t semaphore;	/* run-time address, 0 if none */
	char args[128];		/* the note's argument string */
};

/*
 * Look up @provider:@name in the running executable's notes and
 * relocate its addresses to where the executable is loaded.
 */
int pc_usdt_note_find(const char *provider, const char *name,
		      struct pc_usdt_note *note, char *why, size_t len);

/*
 * Translate argument @idx (0-based) of a note's argument string into a
 * uprobe_events fetch operand: "8@%rdi" -> "%di", "8@-8(%rbp)" ->
 * "-8(%bp)". PC_ERR_UNSUPPORTED for forms uprobes cannot fetch.
 */
int pc_usdt_arg_fetch(const char *args, int idx, char *buf, size_t len);

#endif
