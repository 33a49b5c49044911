// SPDX-License-Identifier: MIT
/* Reading .note.stapsdt from /proc/self/exe (see usdt_note.h). */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"
#include "usdt_note.h"

#define NT_STAPSDT 3

static int bias_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	/* the first object is the executable itself */
	*(uintptr_t *)arg = (uintptr_t)info->dlpi_addr;
	return 1;
}

static const Elf64_Shdr *section(const unsigned char *img, size_t size,
				 const char *want)
{
	const Elf64_Ehdr *eh = (const void *)img;
	const Elf64_Shdr *sh, *strs;

	if (eh->e_shoff + (size_t)eh->e_shnum * sizeof(*sh) > size ||
	    eh->e_shstrndx >= eh->e_shnum)
		return NULL;
	sh = (const void *)(img + eh->e_shoff);
	strs = &sh[eh->e_shstrndx];
	for (int i = 0; i < eh->e_shnum; i++) {
		size_t name = strs->sh_offset + sh[i].sh_name;

		if (name < size && !strncmp((const char *)img + name, want,
					    size - name))
			return &sh[i];
	}
	return NULL;
}

/* Walk the notes; fill @note for provider:name. */
static int scan(const unsigned char *img, size_t size, const char *provider,
		const char *name, uintptr_t bias, struct pc_usdt_note *note)
{
	const Elf64_Shdr *notes = section(img, size, ".note.stapsdt");
	const Elf64_Shdr *base = section(img, size, ".stapsdt.base");
	size_t off, end;

	if (!notes || notes->sh_offset + notes->sh_size > size)
		return PC_ERR_UNSUPPORTED;
	off = notes->sh_offset;
	end = off + notes->sh_size;
	while (off + sizeof(Elf64_Nhdr) <= end) {
		const Elf64_Nhdr *nh = (const void *)(img + off);
		size_t desc = off + sizeof(*nh) + ((nh->n_namesz + 3) & ~3u);
		size_t next = desc + ((nh->n_descsz + 3) & ~3u);
		const char *p, *prov, *nm, *args;
		uint64_t a[3];

		if (next > end || nh->n_descsz < sizeof(a) + 3)
			break;
		off = next;
		if (nh->n_type != NT_STAPSDT)
			continue;
		memcpy(a, img + desc, sizeof(a));
		p = (const char *)img + desc + sizeof(a);
		prov = p;
		nm = memchr(prov, '\0', nh->n_descsz - sizeof(a));
		if (!nm)
			continue;
		nm++;
		args = nm + strnlen(nm, (size_t)(img + desc + nh->n_descsz - (const unsigned char *)nm)) + 1;
		if (strcmp(prov, provider) || strcmp(nm, name))
			continue;
		/* a[0] pc, a[1] .stapsdt.base as linked, a[2] semaphore */
		note->pc = (uintptr_t)a[0] + bias;
		if (base)
			note->pc += (uintptr_t)(base->sh_addr - a[1]);
		note->semaphore = a[2] ? (uintptr_t)a[2] + bias : 0;
		snprintf(note->args, sizeof(note->args), "%s",
			 (const unsigned char *)args < img + desc + nh->n_descsz ? args : "");
		return PC_OK;
	}
	return PC_ERR_INVAL;
}

int pc_usdt_note_find(const char *provider, const char *name,
		      struct pc_usdt_note *note, char *why, size_t len)
{
	uintptr_t bias = 0;
	struct stat st;
	void *img;
	int fd, ret;

	memset(note, 0, sizeof(*note));
	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(why, len, "open /proc/self/exe: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return PC_ERR_SYS;
	}
	img = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (img == MAP_FAILED) {
		snprintf(why, len, "mmap /proc/self/exe: %s", strerror(errno));
		return PC_ERR_SYS;
	}
	dl_iterate_phdr(bias_cb, &bias);
	if ((size_t)st.st_size < sizeof(Elf64_Ehdr) || memcmp(img, ELFMAG, SELFMAG) ||
	    ((const unsigned char *)img)[EI_CLASS] != ELFCLASS64)
		ret = PC_ERR_INVAL;
	else
		ret = scan(img, (size_t)st.st_size, provider, name, bias, note);
	munmap(img, (size_t)st.st_size);
	if (ret == PC_ERR_UNSUPPORTED)
		snprintf(why, len, "/proc/self/exe has no .note.stapsdt section (built without <sys/sdt.h>?)");
	else if (ret != PC_OK)
		snprintf(why, len, "no USDT note %s:%s in /proc/self/exe", provider, name);
	return ret;
}

/* "%rdi" -> "%di", "%r8d" -> "%r8", "%eax" -> "%ax": the kernel's names */
static int reg_name(const char *r, size_t n, char *buf, size_t len)
{
	char tmp[8];

	if (n < 2 || n >= sizeof(tmp) || r[0] != '%')
		return PC_ERR_UNSUPPORTED;
	memcpy(tmp, r + 1, n - 1);
	tmp[n - 1] = '\0';
	if (tmp[0] == 'r' && tmp[1] >= '0' && tmp[1] <= '9') {
		tmp[strspn(tmp + 1, "0123456789") + 1] = '\0';	/* r8d -> r8 */
		snprintf(buf, len, "%%%s", tmp);
		return PC_OK;
	}
	if ((tmp[0] == 'r' || tmp[0] == 'e') && strlen(tmp) == 3) {
		snprintf(buf, len, "%%%s", tmp + 1);
		return PC_OK;
	}
	return PC_ERR_UNSUPPORTED;
}

int pc_usdt_arg_fetch(const char *args, int idx, char *buf, size_t len)
{
	const char *a = args, *at, *end, *paren;
	char reg[16];

	for (int i = 0; i < idx && a; i++) {
		a = strchr(a, ' ');
		if (a)
			a++;
	}
	if (!a || !(at = strchr(a, '@')))
		return PC_ERR_INVAL;
	at++;
	end = at + strcspn(at, " ");
	if (*at == '%')		/* in a register */
		return reg_name(at, (size_t)(end - at), buf, len);
	paren = memchr(at, '(', (size_t)(end - at));
	if (!paren || end[-1] != ')' ||
	    reg_name(paren + 1, (size_t)(end - paren - 2), reg, sizeof(reg)) != PC_OK ||
	    !strncmp(paren + 1, "%rip", 4))
		return PC_ERR_UNSUPPORTED;	/* constants, %rip-relative */
	snprintf(buf, len, "%.*s(%s)", (int)(paren - at), at, reg);
	return PC_OK;
}
