// SPDX-License-Identifier: MIT
/* Symbol sizes from an ELF64 symbol table, read through a checked mmap. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfsym.h"
#include "errors.h"

static int in_file(size_t size, uint64_t off, uint64_t len)
{
	return off <= size && len <= size - off;
}

static int wanted(const char *name, const char *const *prefixes)
{
	for (size_t i = 0; prefixes[i]; i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return 1;
	return 0;
}

static int add(struct pc_elfsyms *out, const char *name, uint64_t size)
{
	struct pc_elfsym *ns = realloc(out->s, (out->n + 1) * sizeof(*ns));

	if (!ns)
		return PC_ERR_NOMEM;
	out->s = ns;
	ns[out->n].name = strdup(name);
	if (!ns[out->n].name)
		return PC_ERR_NOMEM;
	ns[out->n++].size = size;
	return PC_OK;
}

/* Section header @i, copied: a foreign file need not be aligned. */
static Elf64_Shdr shdr(const unsigned char *m, const Elf64_Ehdr *eh, unsigned int i)
{
	Elf64_Shdr h;

	memcpy(&h, m + eh->e_shoff + (uint64_t)i * sizeof(h), sizeof(h));
	return h;
}

static int scan(const unsigned char *m, size_t size, const char *path,
		const char *const *prefixes, struct pc_elfsyms *out, char *why,
		size_t len)
{
	Elf64_Ehdr eh;
	Elf64_Shdr sym = { 0 }, str;
	int have = 0;

	if (size < sizeof(eh) || memcmp(m, ELFMAG, SELFMAG)) {
		snprintf(why, len, "%s is not an ELF file", path);
		return PC_ERR_UNSUPPORTED;
	}
	memcpy(&eh, m, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB) {
		snprintf(why, len, "%s is not a little-endian ELF64 file", path);
		return PC_ERR_UNSUPPORTED;
	}
	if (eh.e_shentsize != sizeof(Elf64_Shdr) ||
	    !in_file(size, eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr))) {
		snprintf(why, len, "%s: section headers out of bounds (truncated file?)", path);
		return PC_ERR_UNSUPPORTED;
	}
	for (unsigned int i = 0; i < eh.e_shnum; i++) {
		Elf64_Shdr h = shdr(m, &eh, i);

		if (h.sh_type == SHT_SYMTAB) {
			sym = h;
			have = 1;
		}
	}
	if (!have) {
		snprintf(why, len, "%s has no symbol table (stripped?); rebuild it without stripping",
			 path);
		return PC_ERR_UNSUPPORTED;
	}
	if (sym.sh_link >= eh.e_shnum || sym.sh_entsize != sizeof(Elf64_Sym) ||
	    !in_file(size, sym.sh_offset, sym.sh_size)) {
		snprintf(why, len, "%s: symbol table out of bounds (truncated file?)", path);
		return PC_ERR_UNSUPPORTED;
	}
	str = shdr(m, &eh, sym.sh_link);
	if (!in_file(size, str.sh_offset, str.sh_size) || !str.sh_size ||
	    m[str.sh_offset + str.sh_size - 1] != '\0') {
		snprintf(why, len, "%s: string table out of bounds or unterminated", path);
		return PC_ERR_UNSUPPORTED;
	}
	for (uint64_t k = 0; k < sym.sh_size / sizeof(Elf64_Sym); k++) {
		Elf64_Sym s;
		const char *name;
		int type;

		memcpy(&s, m + sym.sh_offset + k * sizeof(s), sizeof(s));
		type = ELF64_ST_TYPE(s.st_info);
		if ((type != STT_FUNC && type != STT_OBJECT) || s.st_name >= str.sh_size)
			continue;
		name = (const char *)m + str.sh_offset + s.st_name;
		if (wanted(name, prefixes) && add(out, name, s.st_size) != PC_OK)
			return PC_ERR_NOMEM;
	}
	return PC_OK;
}

int pc_elfsyms_load(const char *path, const char *const *prefixes,
		    struct pc_elfsyms *out, char *why, size_t len)
{
	struct stat sb;
	void *m;
	int fd, ret;

	memset(out, 0, sizeof(*out));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "cannot open %s: %s", path, strerror(errno));
		return PC_ERR_UNSUPPORTED;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0) {
		snprintf(why, len, "%s is not a regular, non-empty file", path);
		close(fd);
		return PC_ERR_UNSUPPORTED;
	}
	m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		snprintf(why, len, "cannot map %s: %s", path, strerror(errno));
		return PC_ERR_UNSUPPORTED;
	}
	ret = scan(m, (size_t)sb.st_size, path, prefixes, out, why, len);
	munmap(m, (size_t)sb.st_size);
	if (ret != PC_OK)
		pc_elfsyms_free(out);
	return ret;
}

void pc_elfsyms_free(struct pc_elfsyms *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->s[i].name);
	free(e->s);
	memset(e, 0, sizeof(*e));
}
