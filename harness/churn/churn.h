/* SPDX-License-Identifier: MIT */
/*
 * `probecost churn`: how many static tracepoints and dynamic probe
 * targets of kernel A break in kernel B. docs/churn.md defines every
 * category; this header is the data model the loader, the differ, the
 * probe-list checker and the writers share.
 *
 * A kernel is seen through a dump directory (written by
 * `probecost churn --dump DIR` on the running kernel):
 *
 *   dump.csv              manifest: part,file,status,entries,detail
 *                         (one row per part below plus "release")
 *   System.map            vmlinux symbols, "ADDR TYPE NAME" per line
 *   events.csv            system,event,field,type,offset,size,signed
 *   ftrace.list           available_filter_functions, one name a line
 *   kprobe-blacklist.csv  function,start,end
 *   source-defs.list      names defined or declared at file scope in the
 *                         kernel's source (probecost churn --index-source)
 *   source-macros.list    its function-like macros, "NAME CALLEE..." a
 *                         line: what a name that became a macro calls
 *   source-wrappers.list  its static inline functions, the same way: what
 *                         a name that became an inline wrapper calls
 *   vmlinux.btf           /sys/kernel/btf/vmlinux, raw BTF: each
 *                         function's C prototype (churn_btf.c)
 *
 * and beside it, read from the image's .ko files (--dump-modules,
 * churn_moddump.c; not listed in dump.csv, so older binaries ignore it):
 *
 *   modules.csv           one row per module file, read or why not
 *   module-functions.csv  module,function,ftrace,blacklisted
 *   module-events.csv     module,system,event,format + events.csv's fields
 *
 * Every part but System.map and events.csv may be absent; the manifest
 * then says why, and the rules that need the part say what they did
 * without it.
 */
#ifndef PC_CHURN_H
#define PC_CHURN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "strmap.h"

enum churn_part {
	CHURN_SYMBOLS,
	CHURN_EVENTS,
	CHURN_FTRACE,
	CHURN_BLACKLIST,
	CHURN_SOURCE,
	CHURN_BTF,
	CHURN_NR_PARTS
};

/* beside source-defs.list: optional, written by the same --index-source */
#define CHURN_MACROS_FILE "source-macros.list"
#define CHURN_WRAPPERS_FILE "source-wrappers.list"
/* beside the module files: each module's .BTF, raw split BTF, NAME.btf */
#define CHURN_MODBTF_DIR "module-btf"
/*
 * Beside the dump, not parts of dump.csv (older binaries read the dump
 * as before): the image's modules, read statically from their .ko files
 * by --dump-modules (churn_moddump.c); optional, all three or none.
 */
#define CHURN_MODULES_FILE "modules.csv"
#define CHURN_MODFN_FILE "module-functions.csv"
#define CHURN_MODEV_FILE "module-events.csv"

extern const char *const churn_part_names[CHURN_NR_PARTS];
extern const char *const churn_part_files[CHURN_NR_PARTS];
/* dump.csv columns, NULL-terminated */
extern const char *const churn_manifest_cols[];
extern const char *const churn_events_cols[];
extern const char *const churn_blacklist_cols[];
extern const char *const churn_modules_cols[];
extern const char *const churn_modfn_cols[];
extern const char *const churn_modev_cols[];

struct churn_field {
	char *name;
	char *type;		/* array size kept: "char[16]" */
	unsigned long offset, size;
	int sign;
};

/* One tracepoint event; the common_* fields are left out. */
struct churn_event {
	struct churn_field *f;
	size_t nf, cap;
	const char *module;	/* a module's event, or NULL: vmlinux's */
	bool no_format;		/* a module's event whose fields were not read: compared by name */
};

struct churn_kernel {
	char label[128];	/* release, or the name given on the command line */
	char release[128];
	char where[PATH_MAX];	/* what it was loaded from */
	bool have[CHURN_NR_PARTS];
	char why[CHURN_NR_PARTS][256];	/* reason a part is absent */
	struct pc_strmap text;	/* text symbols (T t W w) */
	struct pc_strmap ftrace, blacklist, source;
	struct pc_strmap macros;	/* macro -> "callee callee ..." (may be empty) */
	struct pc_strmap wrappers;	/* static inline function -> the same */
	struct pc_strmap events;	/* "system:event" -> struct churn_event */
	struct pc_strmap protos;	/* BTF FUNC name -> struct churn_proto */
	/* protos also holds "MODULE:FUNC" from module-btf/ (module BTF read) */
	bool have_mod_btf;
	/*
	 * Modules (modules.csv beside the dump): their functions are in
	 * text, ftrace and blacklist as "MODULE:FUNCTION", their events in
	 * events with churn_event.module set.
	 */
	bool have_modules;
	char why_modules[256];	/* why there are none */
	size_t nmodules, modules_unreadable;
	struct pc_strmap modnames;	/* module names (event->module points into it) */
	/* derived by churn_kernel_finish() */
	struct pc_strmap attach;	/* kprobe targets, see docs/churn.md */
	struct pc_strmap attach_base;	/* base name -> smallest such target */
	struct pc_strmap modfn;	/* a module target's function name -> smallest "MODULE:FUNCTION" */
};

/*
 * A function's C prototype from BTF: "ssize_t vfs_read(struct file
 * *file, char *buf, size_t count, loff_t *pos)". @params is the part
 * compared ("(struct file *file, ...)"); @ambiguous: BTF has two
 * functions of that name with different parameters (two static
 * functions), so neither is compared.
 */
struct churn_proto {
	char *full;
	char *params;		/* points into @full */
	char *bare;		/* the parameters without const/volatile/restrict */
	char *canon;		/* @params with typedefs written as their types */
	char *canon_bare;	/* the same without const/volatile/restrict */
	char *ret;		/* the return type so written, no qualifiers */
	bool ambiguous;
};

/* ---- churn_load.c ---- */

/* Load a dump directory. Errors say file:line and exit status 2. */
int churn_load_dump(struct churn_kernel *k, const char *dir, char *err,
		    size_t len);
/*
 * Load a System.map plus its events: an events.csv or a copy of
 * <tracefs>/events (SYSTEM/EVENT/format files).
 */
int churn_load_pair(struct churn_kernel *k, const char *map, const char *events,
		    char *err, size_t len);
/* Read a tracefs-style events tree (SYSTEM/EVENT/format) into @k. */
int churn_read_events_dir(struct churn_kernel *k, const char *dir,
			  const struct pc_strmap *skip, char *err, size_t len);
/* Derive the kprobe target set; call once all parts are loaded. */
int churn_kernel_finish(struct churn_kernel *k);
void churn_kernel_free(struct churn_kernel *k);
/* "foo.isra.0" -> length of "foo" */
size_t churn_base_len(const char *name);
bool churn_is_text_type(char t);
/* Names that are never functions: padding and CFI stubs. */
bool churn_is_pseudo(const char *name);
/* "ext4:ext4_sync_fs" -> "ext4_sync_fs"; a vmlinux name as it is */
const char *churn_fn_part(const char *name);
/* The module of a point of @k: a "MODULE:FUNCTION", or an event's; NULL for vmlinux */
const char *churn_point_module(const struct churn_kernel *k, bool event, const char *name,
			       char *buf, size_t len);

/* ---- churn_btf.c (or churn_btf_stub.c, built without libbpf) ---- */

/*
 * Read raw BTF (vmlinux.btf) into k->protos. PC_ERR_UNSUPPORTED with
 * the reason in @err when probecost was built without libbpf;
 * PC_ERR_INVAL naming the file when it is not BTF.
 */
int churn_btf_load(struct churn_kernel *k, const char *path, char *err, size_t len);
/* Number of FUNC entries of a raw BTF file, for the dump's manifest. */
int churn_btf_count(const char *path, uint64_t *nfunc, char *err, size_t len);
/*
 * Read each DIR/module-btf/NAME.btf, split BTF on @vmlinux_btf, into
 * k->protos as "NAME:FUNC" (module functions' keys) and set
 * k->have_mod_btf. A directory without module-btf/ is no error (an
 * older cache): have_mod_btf stays false. PC_ERR_UNSUPPORTED without
 * libbpf, as churn_btf_load().
 */
int churn_btf_load_modules(struct churn_kernel *k, const char *vmlinux_btf,
			   const char *dir, char *err, size_t len);
void churn_proto_free(void *p);

/* ---- churn_dump.c ---- */

/* Write the running kernel's dump into @dir (created). */
int churn_dump(const char *dir, FILE *log, char *err, size_t len);
/* mkdir -p, the failing directory and errno text in @err */
int churn_mkdirs(const char *path, char *err, size_t len);

/* ---- churn_moddump.c ---- */

/* Read every .ko/.ko.xz below @moddir into @dir's module files. */
int churn_dump_modules(const char *moddir, const char *dir, FILE *log, char *err, size_t len);

/* ---- churn_srcidx.c ---- */

/*
 * Index a kernel source tree, or a .tar/.tar.xz/.tar.gz/.tar.bz2 of one,
 * into @out: every name a .c/.h/.S file defines or declares at file
 * scope, sorted, one a line; and into @macros_out (NULL: not written)
 * every function-like macro with the names its body calls, "NAME CALLEE
 * CALLEE..." a line (source-macros.list); and into @wrappers_out (NULL:
 * not written) every static inline function the same way
 * (source-wrappers.list).
 */
int churn_index_source(const char *src, const char *out, const char *macros_out,
		       const char *wrappers_out, uint64_t *names, char *err, size_t len);

/* ---- churn_diff.c ---- */

enum churn_count {
	/* static side: events */
	CC_TP_IN_A, CC_TP_IN_B, CC_TP_KEPT, CC_TP_CHANGED, CC_TP_REMOVED,
	CC_TP_BROKEN, CC_TP_ADDED,
	CC_FIELD_REMOVED, CC_FIELD_RENAMED, CC_FIELD_RETYPED, CC_FIELD_ADDED,
	/* dynamic side: kprobe targets */
	CC_FN_IN_A, CC_FN_IN_B, CC_FN_KEPT, CC_FN_RENAMED, CC_FN_UNPROBEABLE,
	CC_FN_INLINED, CC_FN_REMOVED, CC_FN_VANISHED, CC_FN_BROKEN, CC_FN_ADDED,
	CC_FN_MOVED,	/* the function is a target of B in another module or vmlinux */
	CC_RN_ISRA, CC_RN_CONSTPROP, CC_RN_PART, CC_RN_COLD, CC_RN_OTHER,
	CC_FN_MACRO,	/* of inlined: a macro in B calling a target of B */
	/* of kept: prototypes from BTF (not part of broken) */
	CC_FN_SIG_COMPARED, CC_FN_SIG_CHANGED,
	CC_FN_SIG_QUAL,	/* of signature_changed: only qualifiers differ */
	CC_FN_SIG_RET,	/* of signature_changed: only the return type differs */
	CC_FN_SIG_TYPEDEF,	/* compared, unchanged but for typedef names */
	CC_NR
};

struct churn_count_info {
	const char *side;	/* "static" or "dynamic" */
	const char *name;	/* category, as in churn.csv */
	const char *what;	/* one-line definition */
	bool per_1000;		/* a share of side's points in A */
};
extern const struct churn_count_info churn_counts[CC_NR];

/* Where a point lives: the counts are given for each and for both. */
enum churn_scope { CHURN_VMLINUX, CHURN_MODULES, CHURN_NR_SCOPES };

/* A probe point of A that B breaks, or one B adds. */
struct churn_item {
	const char *side;
	const char *category;	/* as in churn.csv */
	char *name;		/* "system:event" or a function */
	char *detail;		/* why, for people */
	char *use;		/* a point of B to use instead, or NULL: none found */
	enum churn_scope scope;	/* where the point lives (A's, or B's for added) */
	const char *mod;	/* an event's module (the kernel's string), or NULL */
};

struct churn_result {
	uint64_t n[CC_NR];
	uint64_t ns[CHURN_NR_SCOPES][CC_NR];	/* n split by scope */
	bool have_modules;	/* both kernels have module files: the split means something */
	bool have_mod_btf;	/* both have module BTF: module signatures were compared */
	bool unknown[CC_NR];	/* could not be counted: churn.csv leaves it empty */
	char sig_why[256];	/* why the signatures were not compared */
	struct churn_item *items;
	size_t nitems, cap;
	struct pc_strmap why;	/* name -> struct churn_item (A's points) */
};

int churn_diff(const struct churn_kernel *a, const struct churn_kernel *b,
	       struct churn_result *r);
void churn_result_free(struct churn_result *r);
/* Breakage per 1,000 of A's points on one side. */
double churn_per_1000(const struct churn_result *r, enum churn_count c);
/* The same within one scope. */
double churn_per_1000_scope(const struct churn_result *r, enum churn_scope s,
			    enum churn_count c);
extern const char *const churn_scope_names[CHURN_NR_SCOPES];

/* ---- churn_probes.c ---- */

/*
 * One row of a verdict table. status is ok, breaks, format_changed,
 * signature_changed (kept, but BTF says its parameters changed), not_in_a, or, for tool files, unresolved (a name built at run time,
 * never guessed) and not_covered (a point churn does not compare: a
 * module's function, a user-space probe, an offset).
 */
struct churn_probe {
	size_t line;
	char *probe;		/* as written, one expansion per row */
	const char *status;
	const char *category;	/* churn.csv category, or "" */
	char *detail;
	const char *use;	/* the item's use-instead, or NULL */
	char module[64];	/* the module the point lives in in A; "" for vmlinux */
};

struct churn_probes {
	char path[PATH_MAX];
	const char *format;	/* "probe list", "bpftrace", "systemtap", "bcc" */
	const struct churn_kernel *a;	/* what the rows are judged against */
	const struct churn_result *r;
	struct churn_probe *p;
	size_t n, cap;
	size_t lines;		/* probes as written in the file */
	size_t breaks, changed, missing, unresolved, uncovered;
	size_t sigchanged;	/* kept, but the function's parameters changed */
	bool fn_only;		/* show a module's function without its module (stap's module("m")) */
};

/* What a probe names: a function, a system:event, or an event by name. */
enum churn_pkind { CHURN_PK_FUNC, CHURN_PK_EVENT, CHURN_PK_RAWTP };

/*
 * Judge one probe as written: @pat is a name, a glob (* ? [..]) or, with
 * @regex, an extended regular expression anchored at the start (BCC's
 * event_re). Each concrete point of A is one row, shown as
 * @pre NAME @suf (e.g. "kprobe:" NAME ""). PC_ERR_INVAL for a regular
 * expression that does not compile, with file:line in @err.
 */
int churn_probe_point(struct churn_probes *pl, size_t line, const char *pre,
		      const char *suf, enum churn_pkind kind, const char *pat,
		      bool regex, char *err, size_t len);
/*
 * A module's function: @fn (a name or a glob) in module @mod (a name or
 * a glob), judged as "MOD:FN". @fn_only: show FN alone between @pre and
 * @suf (the module is written in @pre, as stap's module("m") is).
 */
int churn_probe_module(struct churn_probes *pl, size_t line, const char *pre,
		       const char *suf, const char *mod, const char *fn, bool fn_only,
		       char *err, size_t len);
/* A probe that is listed but not judged: unresolved or not_covered. */
int churn_probe_note(struct churn_probes *pl, size_t line, const char *probe,
		     const char *status, const char *detail);
/* Parse a probe list held in @text (modified); bad lines: file:line errors. */
int churn_parse_list(struct churn_probes *pl, char *text, char *err, size_t len);
void churn_probes_free(struct churn_probes *pl);

/* ---- churn_tool_bt.c, churn_tool_stp.c, churn_tool_bcc.c ---- */

/*
 * The probes of a bpftrace script, a SystemTap script and a BCC Python
 * tool held in @text, judged into @pl (whose a, r and path are set).
 * A construct that cannot be parsed is a file:line error, PC_ERR_INVAL.
 */
int churn_parse_bt(struct churn_probes *pl, const char *text, char *err, size_t len);
int churn_parse_stp(struct churn_probes *pl, const char *text, char *err, size_t len);
int churn_parse_bcc(struct churn_probes *pl, const char *text, char *err, size_t len);

/* ---- churn_toolfile.c ---- */

/* --probes: one file, or every tool file of a directory. */
struct churn_tools {
	char path[PATH_MAX];
	bool dir;
	struct churn_probes *f;	/* one verdict table per file, by name */
	size_t n;
	size_t skipped;		/* directory entries of no known format */
	/*
	 * tools by verdict: a probe breaks; only format changes; only
	 * format or signature changes (sigchanged); none of those but a
	 * probe is unresolved or not_covered (undecided); ok
	 */
	size_t breaks, changed, undecided, ok;
	size_t sigchanged;	/* only signature changes (a verdict of its own) */
};

/* The verdict of one tool file: breaks, format_changed, undecided or ok. */
const char *churn_tool_verdict(const struct churn_probes *pl);
/*
 * Judge @path: a probe list, a .bt, .stp or BCC .py file (by extension,
 * else by content), or a directory of them. Nothing is written here, so
 * bad input leaves no partial results.
 */
int churn_tools_check(struct churn_tools *t, const char *path,
		      const struct churn_kernel *a, const struct churn_result *r,
		      char *err, size_t len);
void churn_tools_free(struct churn_tools *t);

/* ---- churn_out.c ---- */

struct churn_out {
	const char *dir;
	const char *plot;	/* png, svg, dumb or none */
	double seconds;		/* load and diff time, for the report */
};

int churn_write(const struct churn_out *o, const struct churn_kernel *a,
		const struct churn_kernel *b, const struct churn_result *r,
		const struct churn_tools *t, char *err, size_t len);

#endif
