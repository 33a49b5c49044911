/* SPDX-License-Identifier: MIT */
/*
 * Function and object symbols (name, size) from the .symtab of an ELF64
 * file: an executable or a kernel module (relocatable). Every offset is
 * bounds-checked: a truncated or foreign file is refused with the reason,
 * never read past.
 */
#ifndef PC_ELFSYM_H
#define PC_ELFSYM_H

#include <stddef.h>
#include <stdint.h>

struct pc_elfsym {
	char *name;
	uint64_t size;
};

struct pc_elfsyms {
	struct pc_elfsym *s;
	size_t n;
};

/*
 * Load the symbols of @path whose name starts with one of @prefixes
 * (NULL-terminated). PC_ERR_UNSUPPORTED with the reason in @why for a
 * file that is not a readable ELF64 with a symbol table (e.g. stripped).
 */
int pc_elfsyms_load(const char *path, const char *const *prefixes,
		    struct pc_elfsyms *out, char *why, size_t len);
void pc_elfsyms_free(struct pc_elfsyms *e);

#endif
