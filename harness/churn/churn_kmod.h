/* SPDX-License-Identifier: MIT */
/*
 * What a kernel module (.ko, or .ko.xz as Debian ships them) offers to
 * probes, read statically from its ELF file: no guest, no loading.
 *
 *   name        .modinfo "name=" (what kallsyms shows in [brackets]);
 *               the file name with '-' as '_' when a module has none
 *   functions   STT_FUNC symbols of executable sections, the .init ones
 *               left out: the kernel frees init text once the module
 *               is loaded, and with it their kallsyms and ftrace entries
 *   ftrace      a function holds one of the __mcount_loc entries, which
 *               point (by relocation) at the fentry calls: the list
 *               ftrace_module_init() adds to available_filter_functions
 *   blacklist   a function an _kprobe_blacklist entry points into
 *               (NOKPROBE_SYMBOL), or one in .kprobes.text/.noinstr.text:
 *               what add_module_kprobe_blacklist() adds on load
 *   events      each _ftrace_events pointer's event_NAME; its system is
 *               the string that event_NAME.class->system points at
 *   btf         the .BTF section, raw split BTF on vmlinux's (Debian
 *               builds modules with CONFIG_DEBUG_INFO_BTF_MODULES): each
 *               function's prototype, what /sys/kernel/btf/<module> shows
 *               once loaded
 *   format      the fields of class->fields_array (type, name, size,
 *               align, signedness), laid out as event_define_fields()
 *               does at load time: after the 8-byte common header, each
 *               field at the next multiple of its align
 */
#ifndef PC_CHURN_KMOD_H
#define PC_CHURN_KMOD_H

#include <stdbool.h>
#include <stddef.h>

#include "churn.h"

struct churn_kmod_fn {
	char *name;
	bool ftrace;		/* has an fentry call site (__mcount_loc) */
	bool blacklisted;	/* in the module's kprobe blacklist */
};

struct churn_kmod_ev {
	char *system, *event;
	bool have_format;	/* fields read: f[0..nf) (possibly none) */
	struct churn_field *f;
	size_t nf;
};

struct churn_kmod {
	char name[64];
	struct churn_kmod_fn *fn;
	size_t nfn, capfn;
	struct churn_kmod_ev *ev;
	size_t nev, capev;
	size_t init_fns;	/* .init functions left out */
	size_t ev_unresolved;	/* _ftrace_events entries whose system was not found */
	size_t ev_noformat;	/* events whose fields could not be read */
	void *btf;		/* a copy of .BTF, or NULL */
	size_t btf_size;
};

/*
 * Read the module ELF image in @buf (@size bytes; @path for messages).
 * PC_ERR_INVAL with the reason in @err for a file that is not an x86-64
 * relocatable ELF with a symbol table.
 */
int churn_kmod_parse(const void *buf, size_t size, const char *path,
		     struct churn_kmod *m, char *err, size_t len);
/* Read @path, a .ko or a .ko.xz (decompressed by liblzma in memory). */
int churn_kmod_read(const char *path, struct churn_kmod *m, char *err, size_t len);
void churn_kmod_free(struct churn_kmod *m);

#endif
