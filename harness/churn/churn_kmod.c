// SPDX-License-Identifier: MIT
/*
 * A kernel module's probe points, read from its ELF file (churn_kmod.h
 * says which fact comes from where). libelf does the bounds-checked
 * reading, liblzma the .ko.xz decompression; what is here is only the
 * kernel's conventions: which sections and relocations mean what.
 *
 * In a relocatable file a pointer is not a value but a relocation: the
 * 8 bytes at (section, offset) will hold symbol + addend. So "what does
 * this pointer point at" is "which relocation covers this offset", and
 * "which function is at that place" is "which STT_FUNC symbol of that
 * section contains the offset".
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <lzma.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "churn.h"
#include "churn_kmod.h"
#include "errors.h"

/* struct trace_event_call: list_head list (16 bytes), then class */
#define EVENT_CALL_CLASS_OFF 16
/* struct trace_event_class: const char *system first */
#define EVENT_CLASS_SYSTEM_OFF 0
/* ... then probe, perf_probe (CONFIG_PERF_EVENTS, set by Debian), reg, fields_array */
#define EVENT_CLASS_FIELDS_OFF 32
/*
 * struct trace_event_fields: type, name, then ints size, align,
 * is_signed (bit 0; 6.10 packed needs_test beside it), filter_type;
 * 6.10 added len (an array's length, printed as the format's [N]) and
 * the element grew from 32 to 40 bytes. The stride tells which.
 */
#define FIELD_NAME_OFF 8
#define FIELD_SIZE_OFF 16
#define FIELD_ALIGN_OFF 20
#define FIELD_SIGNED_OFF 24
#define FIELD_LEN_OFF 32
/* struct trace_entry, the common_* header every record starts with */
#define TRACE_ENTRY_SIZE 8

struct place {
	size_t sec;
	uint64_t off;
};

struct fsym {
	uint64_t start, size;
	size_t fn;		/* index into m->fn, or SIZE_MAX: an init function */
};

struct rel {
	uint64_t off;
	size_t idx;
};

struct secinfo {
	char *name;
	GElf_Shdr sh;
	Elf_Data *data;
	size_t rela;		/* the SHT_RELA section applying to it, or 0 */
	struct rel *rel;	/* its relocations by offset, made on first use */
	size_t nrel;
	bool rel_done;
	struct fsym *f;		/* its functions by start */
	size_t nf, capf;
};

struct kelf {
	Elf *e;
	const char *path;
	struct secinfo *s;
	size_t ns;
	size_t symtab;		/* section index, 0: none */
	Elf_Data *syms;
	size_t nsyms;
	size_t strtab;
};

static int fail(char *err, size_t len, const char *path, const char *what)
{
	snprintf(err, len, "%s: %s", path, what);
	return PC_ERR_INVAL;
}

static int add_fn(struct churn_kmod *m, const char *name, size_t *idx)
{
	if (m->nfn == m->capfn) {
		size_t nc = m->capfn ? m->capfn * 2 : 64;
		struct churn_kmod_fn *n = realloc(m->fn, nc * sizeof(*n));

		if (!n)
			return PC_ERR_NOMEM;
		m->fn = n;
		m->capfn = nc;
	}
	m->fn[m->nfn] = (struct churn_kmod_fn){ .name = strdup(name) };
	if (!m->fn[m->nfn].name)
		return PC_ERR_NOMEM;
	*idx = m->nfn++;
	return PC_OK;
}

static int add_fsym(struct secinfo *si, uint64_t start, uint64_t size, size_t fn)
{
	if (si->nf == si->capf) {
		size_t nc = si->capf ? si->capf * 2 : 32;
		struct fsym *n = realloc(si->f, nc * sizeof(*n));

		if (!n)
			return PC_ERR_NOMEM;
		si->f = n;
		si->capf = nc;
	}
	si->f[si->nf++] = (struct fsym){ start, size, fn };
	return PC_OK;
}

static int cmp_fsym(const void *a, const void *b)
{
	const struct fsym *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The function of section @p.sec containing @p.off, or NULL. */
static const struct fsym *fn_at(const struct kelf *k, struct place p)
{
	const struct secinfo *si;
	size_t lo = 0, hi;

	if (p.sec >= k->ns)
		return NULL;
	si = &k->s[p.sec];
	hi = si->nf;
	while (lo < hi) {	/* the last function starting at or before off */
		size_t mid = lo + (hi - lo) / 2;

		if (si->f[mid].start <= p.off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	/* a zero-size symbol (assembly) holds only its own first byte */
	const struct fsym *f = &si->f[lo - 1];

	return p.off < f->start + (f->size ? f->size : 1) ? f : NULL;
}

static bool get_sym(const struct kelf *k, size_t i, GElf_Sym *s)
{
	return i < k->nsyms && gelf_getsym(k->syms, (int)i, s) != NULL;
}

static const char *sym_name(const struct kelf *k, const GElf_Sym *s)
{
	const char *n = elf_strptr(k->e, k->strtab, s->st_name);

	return n ? n : "";
}

/* Where an R_X86_64_64 relocation points: its symbol's place plus the addend. */
static bool reloc_target(const struct kelf *k, const GElf_Rela *r, struct place *to)
{
	GElf_Sym s;

	if (GELF_R_TYPE(r->r_info) != R_X86_64_64 ||
	    !get_sym(k, GELF_R_SYM(r->r_info), &s) || s.st_shndx == SHN_UNDEF ||
	    s.st_shndx >= SHN_LORESERVE)
		return false;
	to->sec = s.st_shndx;
	to->off = s.st_value + (uint64_t)r->r_addend;
	return true;
}

static int cmp_rel(const void *a, const void *b)
{
	const struct rel *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* Section @sec's relocations sorted by offset (events look many up). */
static const struct secinfo *relocs(const struct kelf *k, size_t sec)
{
	struct secinfo *si = &k->s[sec];
	const struct secinfo *rs;
	size_t n;

	if (si->rel_done)
		return si;
	si->rel_done = true;
	if (!si->rela)
		return si;
	rs = &k->s[si->rela];
	n = rs->sh.sh_entsize ? rs->sh.sh_size / rs->sh.sh_entsize : 0;
	si->rel = malloc((n ? n : 1) * sizeof(*si->rel));
	if (!si->rel)
		return si;	/* no index: pointers read as absent */
	for (size_t i = 0; i < n; i++) {
		GElf_Rela r;

		if (gelf_getrela(rs->data, (int)i, &r))
			si->rel[si->nrel++] = (struct rel){ r.r_offset, i };
	}
	qsort(si->rel, si->nrel, sizeof(*si->rel), cmp_rel);
	return si;
}

/* Index of the first relocation of @si at or after @off. */
static size_t rel_lower(const struct secinfo *si, uint64_t off)
{
	size_t lo = 0, hi = si->nrel;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (si->rel[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Where the pointer at (@sec, @off) points: the target of the R_X86_64_64
 * relocation at that offset. False when there is none.
 */
static bool pointer_at(const struct kelf *k, size_t sec, uint64_t off, struct place *to)
{
	const struct secinfo *si;
	size_t i;
	GElf_Rela r;

	if (sec >= k->ns || !k->s[sec].rela)
		return false;
	si = relocs(k, sec);
	i = rel_lower(si, off);
	if (i >= si->nrel || si->rel[i].off != off ||
	    !gelf_getrela(k->s[si->rela].data, (int)si->rel[i].idx, &r))
		return false;
	return reloc_target(k, &r, to);
}

/* A 32-bit value of section data at @p. */
static bool u32_at(const struct kelf *k, struct place p, uint32_t *v)
{
	const Elf_Data *d;

	if (p.sec >= k->ns || !(d = k->s[p.sec].data) || !d->d_buf || d->d_size < 4 ||
	    p.off > d->d_size - 4)
		return false;
	memcpy(v, (const char *)d->d_buf + p.off, 4);
	return true;
}

/* The name of a symbol of @type defined exactly at @p, or NULL. */
static const char *sym_at(const struct kelf *k, struct place p, int type, GElf_Sym *out)
{
	for (size_t i = 1; i < k->nsyms; i++) {
		GElf_Sym s;

		if (get_sym(k, i, &s) && s.st_shndx == p.sec && s.st_value == p.off &&
		    GELF_ST_TYPE(s.st_info) == type && s.st_name) {
			*out = s;
			return sym_name(k, &s);
		}
	}
	return NULL;
}

/* A NUL-terminated string of section data at @p, or NULL. */
static const char *string_at(const struct kelf *k, struct place p)
{
	const Elf_Data *d;
	const char *c;

	if (p.sec >= k->ns || !(d = k->s[p.sec].data) || !d->d_buf || p.off >= d->d_size)
		return NULL;
	c = (const char *)d->d_buf + p.off;
	return memchr(c, '\0', d->d_size - p.off) ? c : NULL;
}

static int load_sections(struct kelf *k, char *err, size_t len)
{
	size_t shstr;
	GElf_Ehdr eh;

	if (!gelf_getehdr(k->e, &eh) || elf_kind(k->e) != ELF_K_ELF)
		return fail(err, len, k->path, "not an ELF file");
	if (gelf_getclass(k->e) != ELFCLASS64 || eh.e_type != ET_REL || eh.e_machine != EM_X86_64)
		return fail(err, len, k->path, "not an x86-64 relocatable ELF (a kernel module)");
	if (elf_getshdrnum(k->e, &k->ns) || elf_getshdrstrndx(k->e, &shstr))
		return fail(err, len, k->path, "unreadable section headers");
	k->s = calloc(k->ns ? k->ns : 1, sizeof(*k->s));
	if (!k->s)
		return PC_ERR_NOMEM;
	for (size_t i = 1; i < k->ns; i++) {
		Elf_Scn *scn = elf_getscn(k->e, i);
		struct secinfo *si = &k->s[i];

		if (!scn || !gelf_getshdr(scn, &si->sh))
			return fail(err, len, k->path, "unreadable section header");
		si->name = elf_strptr(k->e, shstr, si->sh.sh_name);
		if (!si->name)
			si->name = "";
		si->data = si->sh.sh_type == SHT_NOBITS ? NULL : elf_getdata(scn, NULL);
		if (si->sh.sh_type == SHT_SYMTAB) {
			k->symtab = i;
			k->syms = si->data;
			k->strtab = si->sh.sh_link;
			k->nsyms = si->sh.sh_entsize ? si->sh.sh_size / si->sh.sh_entsize : 0;
		}
	}
	for (size_t i = 1; i < k->ns; i++)
		if (k->s[i].sh.sh_type == SHT_RELA && k->s[i].sh.sh_info < k->ns &&
		    k->s[i].sh.sh_link == k->symtab && k->s[i].data)
			k->s[k->s[i].sh.sh_info].rela = i;
	if (!k->symtab || !k->syms)
		return fail(err, len, k->path, "no symbol table (stripped?)");
	return PC_OK;
}

static bool is_init(const char *sec)
{
	return !strncmp(sec, ".init", 5);
}

/* kprobes.c's add_module_kprobe_blacklist(): these sections wholesale */
static bool blacklisted_section(const char *sec)
{
	return !strcmp(sec, ".kprobes.text") || !strcmp(sec, ".noinstr.text");
}

static int load_functions(struct kelf *k, struct churn_kmod *m)
{
	struct pc_strmap seen = { 0 };
	int ret = PC_OK;

	for (size_t i = 1; ret == PC_OK && i < k->nsyms; i++) {
		struct pc_strmap_ent *e;
		struct secinfo *si;
		const char *name;
		GElf_Sym s;
		size_t idx = SIZE_MAX;

		if (!get_sym(k, i, &s) || GELF_ST_TYPE(s.st_info) != STT_FUNC ||
		    s.st_shndx == SHN_UNDEF || s.st_shndx >= k->ns)
			continue;
		si = &k->s[s.st_shndx];
		name = sym_name(k, &s);
		if (!(si->sh.sh_flags & SHF_EXECINSTR) || !*name || churn_is_pseudo(name))
			continue;
		if (is_init(si->name)) {
			m->init_fns++;
		} else {
			/* two static functions of one name: one probe name, counted once */
			ret = pc_strmap_add(&seen, name, NULL) == PC_OK ? PC_OK : PC_ERR_NOMEM;
			e = pc_strmap_find(&seen, name);
			if (ret == PC_OK && !e->val) {
				ret = add_fn(m, name, &idx);
				e->val = (void *)(uintptr_t)(idx + 1);
			} else if (ret == PC_OK) {
				idx = (uintptr_t)e->val - 1;
			}
			if (ret == PC_OK && blacklisted_section(si->name))
				m->fn[idx].blacklisted = true;
		}
		if (ret == PC_OK)
			ret = add_fsym(si, s.st_value, s.st_size, idx);
	}
	pc_strmap_free(&seen, NULL);
	for (size_t i = 1; i < k->ns; i++)
		if (k->s[i].nf)
			qsort(k->s[i].f, k->s[i].nf, sizeof(*k->s[i].f), cmp_fsym);
	return ret;
}

/*
 * Every relocation of section @name (an array of pointers: __mcount_loc,
 * _kprobe_blacklist, _ftrace_events) calls @fn with its target.
 */
static int each_pointer(struct kelf *k, const char *name,
			int (*fn)(struct kelf *k, struct churn_kmod *m, struct place to),
			struct churn_kmod *m)
{
	int ret = PC_OK;

	for (size_t i = 1; i < k->ns; i++) {
		const struct secinfo *rs;

		if (strcmp(k->s[i].name, name) || !k->s[i].rela)
			continue;
		rs = &k->s[k->s[i].rela];
		for (size_t r = 0; ret == PC_OK && rs->sh.sh_entsize &&
		     r < rs->sh.sh_size / rs->sh.sh_entsize; r++) {
			struct place to;

			GElf_Rela rl;

			if (!gelf_getrela(rs->data, (int)r, &rl) || !reloc_target(k, &rl, &to))
				continue;
			ret = fn(k, m, to);
		}
	}
	return ret;
}

static int mark_ftrace(struct kelf *k, struct churn_kmod *m, struct place to)
{
	const struct fsym *f = fn_at(k, to);

	if (f && f->fn != SIZE_MAX)
		m->fn[f->fn].ftrace = true;
	return PC_OK;
}

static int mark_blacklist(struct kelf *k, struct churn_kmod *m, struct place to)
{
	const struct fsym *f = fn_at(k, to);

	if (f && f->fn != SIZE_MAX)
		m->fn[f->fn].blacklisted = true;
	return PC_OK;
}

/* The strings of str__VAR__trace_system_name symbols: the TRACE_SYSTEMs */
static const char *only_system(const struct kelf *k)
{
	const char *found = NULL;

	for (size_t i = 1; i < k->nsyms; i++) {
		GElf_Sym s;
		const char *n, *v;

		if (!get_sym(k, i, &s) || GELF_ST_TYPE(s.st_info) != STT_OBJECT)
			continue;
		n = sym_name(k, &s);
		if (strncmp(n, "str__", 5) || !strstr(n, "__trace_system_name"))
			continue;
		v = string_at(k, (struct place){ s.st_shndx, s.st_value });
		if (!v || (found && strcmp(found, v)))
			return NULL;	/* none readable, or two systems */
		found = v;
	}
	return found;
}

static int add_field(struct churn_kmod_ev *ev, const char *name, const char *type,
		     unsigned long off, unsigned long size, int sign)
{
	struct churn_field *n = realloc(ev->f, (ev->nf + 1) * sizeof(*n));

	if (!n)
		return PC_ERR_NOMEM;
	ev->f = n;
	n[ev->nf] = (struct churn_field){ strdup(name), strdup(type), off, size, sign };
	if (!n[ev->nf].name || !n[ev->nf].type) {
		free(n[ev->nf].name);
		free(n[ev->nf].type);
		return PC_ERR_NOMEM;
	}
	ev->nf++;
	return PC_OK;
}

/*
 * The fields of class->fields_array, as the format file shows them. Each
 * field has two pointers (type, name) and the array ends in a zeroed
 * element, so the relocations inside the array give the field count and
 * the symbol's size the stride. Anything unexpected: no format (false),
 * never a guessed one.
 */
static int read_format(struct kelf *k, struct place cls, struct churn_kmod_ev *ev)
{
	const struct secinfo *si;
	struct place fa;
	unsigned long off = TRACE_ENTRY_SIZE;
	size_t nrel, nf, stride;
	const char *sym;
	GElf_Sym s;
	int ret = PC_OK;

	if (!pointer_at(k, cls.sec, cls.off + EVENT_CLASS_FIELDS_OFF, &fa) ||
	    !(sym = sym_at(k, fa, STT_OBJECT, &s)) || strncmp(sym, "trace_event_fields_", 19))
		return PC_OK;
	si = relocs(k, fa.sec);
	nrel = rel_lower(si, fa.off + s.st_size) - rel_lower(si, fa.off);
	nf = nrel / 2;
	stride = s.st_size / (nf + 1);
	if (nrel % 2 || s.st_size % (nf + 1) || (stride != 32 && stride != 40))
		return PC_OK;
	for (size_t i = 0; ret == PC_OK && i < nf; i++) {
		uint64_t base = fa.off + i * stride;
		struct place tp, np;
		uint32_t size, align, sign, len = 0;
		const char *type, *name;
		char tbuf[256];

		if (!pointer_at(k, fa.sec, base, &tp) ||
		    !pointer_at(k, fa.sec, base + FIELD_NAME_OFF, &np) ||
		    !(type = string_at(k, tp)) || !(name = string_at(k, np)) ||
		    !u32_at(k, (struct place){ fa.sec, base + FIELD_SIZE_OFF }, &size) ||
		    !u32_at(k, (struct place){ fa.sec, base + FIELD_ALIGN_OFF }, &align) ||
		    !u32_at(k, (struct place){ fa.sec, base + FIELD_SIGNED_OFF }, &sign) ||
		    (stride == 40 &&
		     !u32_at(k, (struct place){ fa.sec, base + FIELD_LEN_OFF }, &len))) {
			for (size_t j = 0; j < ev->nf; j++) {
				free(ev->f[j].name);
				free(ev->f[j].type);
			}
			free(ev->f);
			ev->f = NULL;
			ev->nf = 0;
			return PC_OK;
		}
		/* 6.10+: the format prints an array's length from len, not the source text */
		if (len && strchr(type, '[') && strncmp(type, "__data_loc", 10) &&
		    strncmp(type, "__rel_loc", 9)) {
			snprintf(tbuf, sizeof(tbuf), "%.*s[%u]", (int)(strchr(type, '[') - type),
				 type, len);
			type = tbuf;
		}
		if (align > 1)
			off = (off + align - 1) / align * align;
		if (strncmp(name, "common_", 7))
			ret = add_field(ev, name, type, off, size, (int)(sign & 1));
		off += size;
	}
	if (ret == PC_OK)
		ev->have_format = true;
	return ret;
}

static int add_event(struct kelf *k, struct churn_kmod *m, struct place to)
{
	struct place cls, sys;
	const char *name, *system = NULL;
	GElf_Sym s;

	name = sym_at(k, to, STT_OBJECT, &s);
	if (!name || strncmp(name, "event_", 6) || !name[6]) {
		m->ev_unresolved++;
		return PC_OK;
	}
	/* event_NAME.class->system: the string TRACE_SYSTEM names */
	bool have_cls = pointer_at(k, to.sec, to.off + EVENT_CALL_CLASS_OFF, &cls);

	if (have_cls && pointer_at(k, cls.sec, cls.off + EVENT_CLASS_SYSTEM_OFF, &sys))
		system = string_at(k, sys);
	if (!system)
		system = only_system(k);
	if (!system || !*system) {
		m->ev_unresolved++;
		return PC_OK;
	}
	if (m->nev == m->capev) {
		size_t nc = m->capev ? m->capev * 2 : 16;
		struct churn_kmod_ev *n = realloc(m->ev, nc * sizeof(*n));

		if (!n)
			return PC_ERR_NOMEM;
		m->ev = n;
		m->capev = nc;
	}
	m->ev[m->nev] = (struct churn_kmod_ev){ strdup(system), strdup(name + 6), false, NULL, 0 };
	if (!m->ev[m->nev].system || !m->ev[m->nev].event) {
		free(m->ev[m->nev].system);
		free(m->ev[m->nev].event);
		return PC_ERR_NOMEM;
	}
	m->nev++;
	if (have_cls && read_format(k, cls, &m->ev[m->nev - 1]) != PC_OK)
		return PC_ERR_NOMEM;
	m->ev_noformat += !m->ev[m->nev - 1].have_format;
	return PC_OK;
}

/* .modinfo's "name=": kbuild's KBUILD_MODNAME, what kallsyms shows */
static void modinfo_name(const struct kelf *k, char *name, size_t len)
{
	for (size_t i = 1; i < k->ns; i++) {
		const Elf_Data *d = k->s[i].data;
		const char *p, *end;

		if (strcmp(k->s[i].name, ".modinfo") || !d || !d->d_buf)
			continue;
		p = d->d_buf;
		end = p + d->d_size;
		while (p < end) {
			const char *z = memchr(p, '\0', (size_t)(end - p));
			size_t n = z ? (size_t)(z - p) : (size_t)(end - p);

			if (n > 5 && !strncmp(p, "name=", 5) && n - 5 < len) {
				snprintf(name, len, "%.*s", (int)(n - 5), p + 5);
				return;
			}
			p += n + 1;
		}
	}
}

/* "dir/xhci-hcd.ko.xz" -> "xhci_hcd": what kbuild makes KBUILD_MODNAME */
static void file_name(const char *path, char *name, size_t len)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	n = strcspn(b, ".");
	snprintf(name, len, "%.*s", (int)n, b);
	for (char *c = name; *c; c++)
		if (*c == '-')
			*c = '_';
}

int churn_kmod_parse(const void *buf, size_t size, const char *path,
		     struct churn_kmod *m, char *err, size_t len)
{
	struct kelf k = { .path = path };
	int ret;

	memset(m, 0, sizeof(*m));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return fail(err, len, path, "libelf is out of date");
	k.e = elf_memory((char *)buf, size);
	if (!k.e)
		return fail(err, len, path, elf_errmsg(-1));
	ret = load_sections(&k, err, len);
	if (ret == PC_OK)
		ret = load_functions(&k, m);
	if (ret == PC_OK)
		ret = each_pointer(&k, "__mcount_loc", mark_ftrace, m);
	if (ret == PC_OK)
		ret = each_pointer(&k, "_kprobe_blacklist", mark_blacklist, m);
	if (ret == PC_OK)
		ret = each_pointer(&k, "_ftrace_events", add_event, m);
	for (size_t i = 1; ret == PC_OK && i < k.ns; i++) {
		const Elf_Data *d = k.s[i].data;

		if (strcmp(k.s[i].name, ".BTF") || !d || !d->d_buf || !d->d_size || m->btf)
			continue;
		m->btf = malloc(d->d_size);
		if (!m->btf) {
			ret = PC_ERR_NOMEM;
			break;
		}
		memcpy(m->btf, d->d_buf, d->d_size);
		m->btf_size = d->d_size;
	}
	if (ret == PC_OK) {
		modinfo_name(&k, m->name, sizeof(m->name));
		if (!m->name[0])
			file_name(path, m->name, sizeof(m->name));
	}
	if (ret == PC_ERR_NOMEM)
		snprintf(err, len, "%s: out of memory", path);
	for (size_t i = 0; k.s && i < k.ns; i++) {
		free(k.s[i].f);
		free(k.s[i].rel);
	}
	free(k.s);
	elf_end(k.e);
	if (ret != PC_OK)
		churn_kmod_free(m);
	return ret;
}

/* The whole of a .xz stream, decompressed into a malloc'd buffer. */
static int unxz(const unsigned char *in, size_t n, unsigned char **out, size_t *outn,
		const char *path, char *err, size_t len)
{
	lzma_stream s = LZMA_STREAM_INIT;
	size_t cap = n * 4 + 4096;
	unsigned char *buf = malloc(cap);
	lzma_ret r;

	if (!buf)
		return PC_ERR_NOMEM;
	if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK) {
		free(buf);
		return fail(err, len, path, "liblzma cannot start a decoder");
	}
	s.next_in = in;
	s.avail_in = n;
	s.next_out = buf;
	s.avail_out = cap;
	do {
		if (!s.avail_out) {
			unsigned char *nb = realloc(buf, cap * 2);

			if (!nb) {
				lzma_end(&s);
				free(buf);
				return PC_ERR_NOMEM;
			}
			buf = nb;
			s.next_out = buf + cap;
			s.avail_out = cap;
			cap *= 2;
		}
		r = lzma_code(&s, LZMA_FINISH);
	} while (r == LZMA_OK);
	*outn = cap - s.avail_out;
	lzma_end(&s);
	if (r != LZMA_STREAM_END) {
		free(buf);
		snprintf(err, len, "%s: not a complete .xz stream (liblzma error %d)", path, (int)r);
		return PC_ERR_INVAL;
	}
	*out = buf;
	return PC_OK;
}

int churn_kmod_read(const char *path, struct churn_kmod *m, char *err, size_t len)
{
	unsigned char *buf = NULL, *plain = NULL;
	size_t n = 0, pn = 0;
	struct stat st;
	int fd = open(path, O_RDONLY), ret;

	memset(m, 0, sizeof(*m));
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, len, "%s: cannot open: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return PC_ERR_INVAL;
	}
	n = (size_t)st.st_size;
	buf = malloc(n ? n : 1);
	if (!buf) {
		close(fd);
		return PC_ERR_NOMEM;
	}
	for (size_t got = 0; got < n; ) {
		ssize_t r = read(fd, buf + got, n - got);

		if (r <= 0) {
			snprintf(err, len, "%s: read failed: %s", path, r ? strerror(errno) : "short file");
			close(fd);
			free(buf);
			return PC_ERR_INVAL;
		}
		got += (size_t)r;
	}
	close(fd);
	/* the .xz magic, whatever the name says */
	if (n >= 6 && !memcmp(buf, "\xfd" "7zXZ\0", 6)) {
		ret = unxz(buf, n, &plain, &pn, path, err, len);
		free(buf);
		if (ret != PC_OK)
			return ret;
		buf = plain;
		n = pn;
	}
	ret = churn_kmod_parse(buf, n, path, m, err, len);
	free(buf);
	return ret;
}

void churn_kmod_free(struct churn_kmod *m)
{
	free(m->btf);
	m->btf = NULL;
	for (size_t i = 0; i < m->nfn; i++)
		free(m->fn[i].name);
	for (size_t i = 0; i < m->nev; i++) {
		free(m->ev[i].system);
		free(m->ev[i].event);
		for (size_t j = 0; j < m->ev[i].nf; j++) {
			free(m->ev[i].f[j].name);
			free(m->ev[i].f[j].type);
		}
		free(m->ev[i].f);
	}
	free(m->fn);
	free(m->ev);
	memset(m, 0, sizeof(*m));
}
