// SPDX-License-Identifier: MIT
/*
 * Loading a kernel's view for `probecost churn`: a dump directory, or a
 * System.map plus its events. Every reader is strict: a line it cannot
 * read is an error naming file:line and what was expected, never a
 * silently dropped symbol that would turn into a fake "removed".
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "churn.h"
#include "csvio.h"
#include "errors.h"

const char *const churn_part_names[CHURN_NR_PARTS] = {
	[CHURN_SYMBOLS] = "symbols",
	[CHURN_EVENTS] = "events",
	[CHURN_FTRACE] = "ftrace",
	[CHURN_BLACKLIST] = "blacklist",
	[CHURN_SOURCE] = "source",
	[CHURN_BTF] = "btf",
};

const char *const churn_part_files[CHURN_NR_PARTS] = {
	[CHURN_SYMBOLS] = "System.map",
	[CHURN_EVENTS] = "events.csv",
	[CHURN_FTRACE] = "ftrace.list",
	[CHURN_BLACKLIST] = "kprobe-blacklist.csv",
	[CHURN_SOURCE] = "source-defs.list",
	[CHURN_BTF] = "vmlinux.btf",
};

const char *const churn_manifest_cols[] = {
	"part", "file", "status", "entries", "detail", NULL,
};

const char *const churn_events_cols[] = {
	"system", "event", "field", "type", "offset", "size", "signed", NULL,
};

const char *const churn_blacklist_cols[] = { "function", "start", "end", NULL };

bool churn_is_text_type(char t)
{
	return t == 'T' || t == 't' || t == 'W' || t == 'w';
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && !strcmp(s + n - t, tail);
}

bool churn_is_pseudo(const char *name)
{
	/* function padding (CONFIG_FUNCTION_PADDING_CFI) and kCFI preambles */
	return !strncmp(name, "__pfx_", 6) || !strncmp(name, "__cfi_", 6);
}

/*
 * Section and text markers (_stext, __entry_text_start): only needed
 * without an ftrace list, which never holds them; with one, a real
 * function such as __folio_end would be lost to this pattern.
 */
static bool is_marker(const char *name)
{
	return !strcmp(name, "_text") || !strcmp(name, "_stext") ||
	       !strcmp(name, "_etext") || !strcmp(name, "_sinittext") ||
	       !strcmp(name, "_einittext") ||
	       (!strncmp(name, "__", 2) && (ends_with(name, "_start") ||
					    ends_with(name, "_end")));
}

const char *churn_fn_part(const char *name)
{
	const char *c = strchr(name, ':');

	return c ? c + 1 : name;
}

const char *churn_point_module(const struct churn_kernel *k, bool event, const char *name,
			       char *buf, size_t len)
{
	const struct pc_strmap_ent *e;
	const char *c;

	if (event) {
		e = pc_strmap_find(&k->events, name);
		return e && ((const struct churn_event *)e->val)->module ?
		       ((const struct churn_event *)e->val)->module : NULL;
	}
	c = strchr(name, ':');
	if (!c)
		return NULL;
	snprintf(buf, len, "%.*s", (int)(c - name), name);
	return buf;
}

size_t churn_base_len(const char *name)
{
	const char *dot = strchr(name, '.');

	return dot ? (size_t)(dot - name) : strlen(name);
}

static void free_event(void *p)
{
	struct churn_event *ev = p;

	for (size_t i = 0; i < ev->nf; i++) {
		free(ev->f[i].name);
		free(ev->f[i].type);
	}
	free(ev->f);
	free(ev);
}

void churn_kernel_free(struct churn_kernel *k)
{
	pc_strmap_free(&k->text, NULL);
	pc_strmap_free(&k->ftrace, NULL);
	pc_strmap_free(&k->blacklist, NULL);
	pc_strmap_free(&k->source, NULL);
	pc_strmap_free(&k->macros, free);
	pc_strmap_free(&k->wrappers, free);
	pc_strmap_free(&k->events, free_event);
	pc_strmap_free(&k->protos, churn_proto_free);
	pc_strmap_free(&k->attach, NULL);
	pc_strmap_free(&k->attach_base, NULL);
	pc_strmap_free(&k->modfn, NULL);
	pc_strmap_free(&k->modnames, NULL);
}

/* ---- System.map ---- */

static bool all_hex(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	return true;
}

/*
 * "ADDR TYPE NAME"; a kallsyms-style fourth field "[module]" marks a
 * module symbol, which is not part of vmlinux and is skipped.
 */
static int read_map(struct churn_kernel *k, const char *path, char *err, size_t len)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0, nsym = 0;
	int ret = PC_OK;

	if (!f) {
		snprintf(err, len, "%s: cannot open: %s", path, strerror(errno));
		return PC_ERR_INVAL;
	}
	while (ret == PC_OK && getline(&line, &cap, f) >= 0) {
		char *tok[5], *save = NULL;
		size_t nt = 0;

		lineno++;
		if (strstr(line, "The real System.map is in")) {
			snprintf(err, len, "%s:%zu: this is Debian's stub System.map (the real one is in the ~1 GB -dbg package); dump the running kernel instead: probecost churn --dump DIR",
				 path, lineno);
			ret = PC_ERR_INVAL;
			break;
		}
		for (char *t = strtok_r(line, " \t\r\n", &save); t && nt < 5;
		     t = strtok_r(NULL, " \t\r\n", &save))
			tok[nt++] = t;
		if (!nt)
			continue;
		if ((nt != 3 && !(nt == 4 && tok[3][0] == '[')) ||
		    !all_hex(tok[0], strlen(tok[0])) || strlen(tok[1]) != 1) {
			snprintf(err, len, "%s:%zu: expected 'ADDRESS TYPE NAME' (System.map or /proc/kallsyms format)",
				 path, lineno);
			ret = PC_ERR_INVAL;
			break;
		}
		nsym++;
		if (nt == 4 || !churn_is_text_type(tok[1][0]))
			continue;
		ret = pc_strmap_add(&k->text, tok[2], NULL);
	}
	free(line);
	fclose(f);
	if (ret == PC_OK && !nsym) {
		snprintf(err, len, "%s:1: no symbols; expected 'ADDRESS TYPE NAME' lines", path);
		ret = PC_ERR_INVAL;
	}
	k->have[CHURN_SYMBOLS] = ret == PC_OK;
	return ret;
}

/* ---- name lists: ftrace.list, source-defs.list, source-macros.list ---- */

/*
 * @fn on each line of @path (its newline kept), with its number; the
 * first error @fn returns stops the read. Shared by the list readers.
 */
static int each_line(const char *path, int (*fn)(void *arg, char *line, size_t lineno,
						 char *err, size_t len),
		     void *arg, char *err, size_t len)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	int ret = PC_OK;

	if (!f) {
		snprintf(err, len, "%s: cannot open: %s", path, strerror(errno));
		return PC_ERR_INVAL;
	}
	while (ret == PC_OK && getline(&line, &cap, f) >= 0)
		ret = fn(arg, line, ++lineno, err, len);
	free(line);
	fclose(f);
	return ret;
}

struct list_ctx {
	struct pc_strmap *m;
	const char *path;
};

/* one name a line; "name [module]" is a module's, not vmlinux's */
static int list_line(void *arg, char *line, size_t lineno, char *err, size_t len)
{
	struct list_ctx *c = arg;
	char *save = NULL, *name, *more;

	name = strtok_r(line, " \t\r\n", &save);
	if (!name)
		return PC_OK;
	more = strtok_r(NULL, " \t\r\n", &save);
	if (more && more[0] == '[')
		return PC_OK;
	if (more) {
		snprintf(err, len, "%s:%zu: expected one name per line, found '%s %s'",
			 c->path, lineno, name, more);
		return PC_ERR_INVAL;
	}
	return pc_strmap_add(c->m, name, NULL);
}

static int read_list(struct pc_strmap *m, const char *path, char *err, size_t len)
{
	struct list_ctx c = { m, path };

	return each_line(path, list_line, &c, err, len);
}

/* "NAME CALLEE..." (churn_srcidx.c): NAME -> its callees, or NULL for none */
static int macro_line(void *arg, char *line, size_t lineno, char *err, size_t len)
{
	struct list_ctx *c = arg;
	char *sp, *nl = strchr(line, '\n');
	struct pc_strmap_ent *e;
	int ret;

	if (nl)
		*nl = '\0';
	if (!line[0])
		return PC_OK;
	sp = strchr(line, ' ');
	ret = pc_strmap_addn(c->m, line, sp ? (size_t)(sp - line) : strlen(line), &e);
	if (ret == PC_OK && sp && !e->val && !(e->val = strdup(sp + 1)))
		ret = PC_ERR_NOMEM;
	if (ret == PC_ERR_NOMEM)
		snprintf(err, len, "%s:%zu: out of memory", c->path, lineno);
	return ret;
}

static int read_macros(struct pc_strmap *m, const char *path, char *err, size_t len)
{
	struct list_ctx c = { m, path };

	return each_line(path, macro_line, &c, err, len);
}

/* ---- events ---- */

static int event_get(struct churn_kernel *k, const char *sys, const char *ev,
		     struct churn_event **out)
{
	struct pc_strmap_ent *e;
	char key[512];
	int n = snprintf(key, sizeof(key), "%s:%s", sys, ev);

	if (n < 0 || (size_t)n >= sizeof(key))
		return PC_ERR_INVAL;
	if (pc_strmap_addn(&k->events, key, (size_t)n, &e) != PC_OK)
		return PC_ERR_NOMEM;
	if (!e->val) {
		e->val = calloc(1, sizeof(struct churn_event));
		if (!e->val)
			return PC_ERR_NOMEM;
	}
	*out = e->val;
	return PC_OK;
}

static int event_field(struct churn_event *ev, const char *name, const char *type,
		       unsigned long off, unsigned long size, int sign)
{
	struct churn_field *f;

	if (ev->nf == ev->cap) {
		size_t nc = ev->cap ? ev->cap * 2 : 8;
		struct churn_field *nf = realloc(ev->f, nc * sizeof(*nf));

		if (!nf)
			return PC_ERR_NOMEM;
		ev->f = nf;
		ev->cap = nc;
	}
	f = &ev->f[ev->nf];
	f->name = strdup(name);
	f->type = strdup(type);
	if (!f->name || !f->type) {
		free(f->name);
		free(f->type);
		return PC_ERR_NOMEM;
	}
	f->offset = off;
	f->size = size;
	f->sign = sign;
	ev->nf++;
	return PC_OK;
}

static int parse_ul(const char *s, unsigned long *v)
{
	char *end;

	if (!*s || !strchr("0123456789", *s))
		return PC_ERR_INVAL;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno || *end ? PC_ERR_INVAL : PC_OK;
}

static int read_events_csv(struct churn_kernel *k, const char *path, char *err,
			   size_t len)
{
	struct pc_table t;
	int c[7], ret;

	ret = pc_table_load(path, churn_events_cols, &t, err, len);
	if (ret != PC_OK)
		return PC_ERR_INVAL;
	for (int i = 0; i < 7; i++)
		c[i] = pc_table_col(&t, churn_events_cols[i]);
	for (size_t r = 0; ret == PC_OK && r < t.nrows; r++) {
		const char *sys = pc_table_cell(&t, r, c[0]);
		const char *evn = pc_table_cell(&t, r, c[1]);
		const char *fld = pc_table_cell(&t, r, c[2]);
		unsigned long off = 0, size = 0, sign = 0;
		struct churn_event *ev;

		if (!*sys || !*evn || strchr(sys, ':') || strchr(evn, ':')) {
			snprintf(err, len, "%s:%zu: expected a system and an event name without ':'",
				 path, t.line[r]);
			ret = PC_ERR_INVAL;
			break;
		}
		ret = event_get(k, sys, evn, &ev);
		if (ret != PC_OK || !*fld)
			continue;	/* an event without own fields */
		if (!*pc_table_cell(&t, r, c[3]) ||
		    parse_ul(pc_table_cell(&t, r, c[4]), &off) != PC_OK ||
		    parse_ul(pc_table_cell(&t, r, c[5]), &size) != PC_OK ||
		    parse_ul(pc_table_cell(&t, r, c[6]), &sign) != PC_OK || sign > 1) {
			snprintf(err, len, "%s:%zu: field '%s' needs a type, whole-number offset and size, and signed 0 or 1",
				 path, t.line[r], fld);
			ret = PC_ERR_INVAL;
			break;
		}
		ret = event_field(ev, fld, pc_table_cell(&t, r, c[3]), off, size, (int)sign);
	}
	pc_table_free(&t);
	k->have[CHURN_EVENTS] = ret == PC_OK;
	return ret;
}

/*
 * "field:char prev_comm[16];" -> name "prev_comm", type "char[16]";
 * "field:__data_loc char[] msg;" -> name "msg", type "__data_loc char[]".
 */
static int split_decl(char *decl, char **name, char *type, size_t tlen)
{
	char *dim = NULL, *end, *p;

	end = decl + strlen(decl);
	while (end > decl && end[-1] == ' ')
		*--end = '\0';
	if (end > decl && end[-1] == ']') {
		dim = strrchr(decl, '[');
		if (!dim)
			return PC_ERR_INVAL;
		end = dim;
	}
	p = end;
	while (p > decl && (p[-1] == '_' || (p[-1] >= '0' && p[-1] <= '9') ||
			    (p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= 'A' && p[-1] <= 'Z')))
		p--;
	if (p == end || p == decl)
		return PC_ERR_INVAL;	/* no name, or no type */
	*name = strndup(p, (size_t)(end - p));
	if (!*name)
		return PC_ERR_NOMEM;
	while (p > decl && p[-1] == ' ')
		p--;
	snprintf(type, tlen, "%.*s%s", (int)(p - decl), decl, dim ? dim : "");
	return PC_OK;
}

static int read_format(struct churn_kernel *k, const char *sys, const char *evn,
		       const char *path, char *err, size_t len)
{
	FILE *f = fopen(path, "r");
	struct churn_event *ev;
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	int ret;

	if (!f) {
		snprintf(err, len, "%s: cannot open: %s", path, strerror(errno));
		return PC_ERR_INVAL;
	}
	ret = event_get(k, sys, evn, &ev);
	while (ret == PC_OK && getline(&line, &cap, f) >= 0) {
		char *p = line, *semi, *name = NULL, type[256];
		unsigned long off, size, sign;

		lineno++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "field:", 6))
			continue;
		p += 6;
		semi = strchr(p, ';');
		if (!semi)
			goto bad;
		*semi = '\0';
		if (split_decl(p, &name, type, sizeof(type)) != PC_OK)
			goto bad;
		if (sscanf(semi + 1, " offset:%lu; size:%lu; signed:%lu;", &off, &size,
			   &sign) != 3 || sign > 1) {
			free(name);
			goto bad;
		}
		if (strncmp(name, "common_", 7))
			ret = event_field(ev, name, type, off, size, (int)sign);
		free(name);
	}
	free(line);
	fclose(f);
	return ret;
bad:
	snprintf(err, len, "%s:%zu: expected 'field:TYPE NAME; offset:N; size:N; signed:0|1;'",
		 path, lineno);
	free(line);
	fclose(f);
	return PC_ERR_INVAL;
}

/*
 * Systems that are not static tracepoints: ftrace's own record formats
 * and the dynamic-event groups (ours and the default kprobes/uprobes).
 */
static bool skip_system(const char *sys)
{
	return !strcmp(sys, "ftrace") || !strcmp(sys, "kprobes") ||
	       !strcmp(sys, "uprobes") || !strncmp(sys, "probecost", 9);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int cmp_dirent(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int churn_read_events_dir(struct churn_kernel *k, const char *dir,
			  const struct pc_strmap *skip, char *err, size_t len)
{
	struct dirent **sv = NULL;
	int ns, ret = PC_OK;

	ns = scandir(dir, &sv, NULL, cmp_dirent);
	if (ns < 0) {
		snprintf(err, len, "%s: cannot list: %s", dir, strerror(errno));
		return PC_ERR_INVAL;
	}
	for (int i = 0; i < ns; i++) {
		struct dirent **ev = NULL;
		char sdir[PATH_MAX];
		int ne;

		if (ret != PC_OK || sv[i]->d_name[0] == '.' || skip_system(sv[i]->d_name))
			continue;
		snprintf(sdir, sizeof(sdir), "%s/%s", dir, sv[i]->d_name);
		if (!is_dir(sdir))
			continue;
		ne = scandir(sdir, &ev, NULL, cmp_dirent);
		for (int j = 0; j < ne; j++) {
			char path[PATH_MAX + 300], key[600];

			snprintf(path, sizeof(path), "%s/%s/format", sdir, ev[j]->d_name);
			snprintf(key, sizeof(key), "%s:%s", sv[i]->d_name, ev[j]->d_name);
			if (ret == PC_OK && ev[j]->d_name[0] != '.' &&
			    !(skip && pc_strmap_has(skip, key)) && access(path, F_OK) == 0)
				ret = read_format(k, sv[i]->d_name, ev[j]->d_name, path, err, len);
			free(ev[j]);
		}
		free(ev);
	}
	for (int i = 0; i < ns; i++)
		free(sv[i]);
	free(sv);
	if (ret == PC_OK && !k->events.n) {
		snprintf(err, len, "%s: no SYSTEM/EVENT/format files found; expected a copy of <tracefs>/events",
			 dir);
		ret = PC_ERR_INVAL;
	}
	k->have[CHURN_EVENTS] = ret == PC_OK;
	return ret;
}

static int read_blacklist(struct churn_kernel *k, const char *path, char *err,
			  size_t len)
{
	const char *const need[] = { "function", NULL };
	struct pc_table t;
	int c, ret;

	ret = pc_table_load(path, need, &t, err, len);
	if (ret != PC_OK)
		return PC_ERR_INVAL;
	c = pc_table_col(&t, "function");
	for (size_t r = 0; ret == PC_OK && r < t.nrows; r++) {
		if (!*pc_table_cell(&t, r, c)) {
			snprintf(err, len, "%s:%zu: empty function name", path, t.line[r]);
			ret = PC_ERR_INVAL;
			break;
		}
		ret = pc_strmap_add(&k->blacklist, pc_table_cell(&t, r, c), NULL);
	}
	pc_table_free(&t);
	return ret;
}

/* ---- the modules beside a dump (churn_moddump.c) ---- */

static int read_modfns(struct churn_kernel *k, const char *path, char *err, size_t len)
{
	struct pc_table t;
	int c[4], ret;

	ret = pc_table_load(path, churn_modfn_cols, &t, err, len);
	if (ret != PC_OK)
		return PC_ERR_INVAL;
	for (int i = 0; i < 4; i++)
		c[i] = pc_table_col(&t, churn_modfn_cols[i]);
	for (size_t r = 0; ret == PC_OK && r < t.nrows; r++) {
		const char *mod = pc_table_cell(&t, r, c[0]), *fn = pc_table_cell(&t, r, c[1]);
		const char *ft = pc_table_cell(&t, r, c[2]), *bl = pc_table_cell(&t, r, c[3]);
		char key[600];

		if (!*mod || !*fn || strchr(mod, ':') || strchr(fn, ':') ||
		    strcmp(ft, ft[0] == '1' ? "1" : "0") || strcmp(bl, bl[0] == '1' ? "1" : "0") ||
		    snprintf(key, sizeof(key), "%s:%s", mod, fn) >= (int)sizeof(key)) {
			snprintf(err, len, "%s:%zu: expected a module, a function (no ':') and ftrace and blacklisted as 0 or 1",
				 path, t.line[r]);
			ret = PC_ERR_INVAL;
			break;
		}
		ret = pc_strmap_add(&k->text, key, NULL);
		if (ret == PC_OK && ft[0] == '1')
			ret = pc_strmap_add(&k->ftrace, key, NULL);
		if (ret == PC_OK && bl[0] == '1')
			ret = pc_strmap_add(&k->blacklist, key, NULL);
	}
	pc_table_free(&t);
	return ret;
}

/*
 * module-events.csv: events.csv's rows with the module first and a
 * format flag; a file written before formats were read has only
 * module,system,event (every event without a format).
 */
static int read_modevs(struct churn_kernel *k, const char *path, char *err, size_t len)
{
	const char *const need[] = { "module", "system", "event", NULL };
	struct pc_strmap first = { 0 };	/* events another module defined first */
	struct pc_table t;
	int c[9], ret;

	ret = pc_table_load(path, need, &t, err, len);
	if (ret != PC_OK)
		return PC_ERR_INVAL;
	for (int i = 0; i < 9; i++)
		c[i] = pc_table_col(&t, churn_modev_cols[i]);
	for (int i = 3; i < 9; i++)
		if (c[3] >= 0 && c[i] < 0) {
			snprintf(err, len, "%s:1: a format column without %s", path, churn_modev_cols[i]);
			ret = PC_ERR_INVAL;
		}
	for (size_t r = 0; ret == PC_OK && r < t.nrows; r++) {
		const char *mod = pc_table_cell(&t, r, c[0]), *sys = pc_table_cell(&t, r, c[1]);
		const char *evn = pc_table_cell(&t, r, c[2]);
		const char *fmt = c[3] >= 0 ? pc_table_cell(&t, r, c[3]) : "0";
		const char *fld = c[3] >= 0 ? pc_table_cell(&t, r, c[4]) : "";
		unsigned long off = 0, size = 0, sign = 0;
		struct pc_strmap_ent *me, *fe;
		struct churn_event *ev;
		char key[512];

		if (!*mod || !*sys || !*evn || strchr(sys, ':') || strchr(evn, ':') ||
		    (strcmp(fmt, "0") && strcmp(fmt, "1"))) {
			snprintf(err, len, "%s:%zu: expected a module, a system and an event name without ':', and format 0 or 1",
				 path, t.line[r]);
			ret = PC_ERR_INVAL;
			break;
		}
		snprintf(key, sizeof(key), "%s:%s", sys, evn);
		/*
		 * The same event in vmlinux (a live dump saw it, with its
		 * format), or from a module read before: the first holds it.
		 */
		ret = pc_strmap_addn(&first, key, strlen(key), &fe);
		if (ret != PC_OK)
			break;
		if (!fe->val)
			fe->val = pc_strmap_has(&k->events, key) ? (void *)"vmlinux" : (void *)mod;
		if (strcmp(fe->val, mod))
			continue;
		ret = event_get(k, sys, evn, &ev);
		if (ret == PC_OK)
			ret = pc_strmap_addn(&k->modnames, mod, strlen(mod), &me);
		if (ret != PC_OK)
			break;
		ev->module = me->key;
		ev->no_format = fmt[0] == '0';
		if (ev->no_format || !*fld)
			continue;
		if (!*pc_table_cell(&t, r, c[5]) ||
		    parse_ul(pc_table_cell(&t, r, c[6]), &off) != PC_OK ||
		    parse_ul(pc_table_cell(&t, r, c[7]), &size) != PC_OK ||
		    parse_ul(pc_table_cell(&t, r, c[8]), &sign) != PC_OK || sign > 1) {
			snprintf(err, len, "%s:%zu: field '%s' needs a type, whole-number offset and size, and signed 0 or 1",
				 path, t.line[r], fld);
			ret = PC_ERR_INVAL;
			break;
		}
		ret = event_field(ev, fld, pc_table_cell(&t, r, c[5]), off, size, (int)sign);
	}
	pc_strmap_free(&first, NULL);
	pc_table_free(&t);
	return ret;
}

/*
 * modules.csv and its two lists, when the dump has them: read after the
 * live parts, so a module's name never shadows a vmlinux one.
 */
static int load_modules(struct churn_kernel *k, const char *dir, char *err, size_t len)
{
	const char *const need[] = { "module", "status", NULL };
	char path[PATH_MAX + 64];
	struct pc_table t;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, CHURN_MODULES_FILE);
	if (access(path, F_OK) != 0) {
		snprintf(k->why_modules, sizeof(k->why_modules),
			 "no %s in the dump (make it with probecost churn --dump-modules)",
			 CHURN_MODULES_FILE);
		return PC_OK;
	}
	ret = pc_table_load(path, need, &t, err, len);
	if (ret != PC_OK)
		return PC_ERR_INVAL;
	for (size_t r = 0; r < t.nrows; r++) {
		if (!strcmp(pc_table_cell(&t, r, pc_table_col(&t, "status")), "ok"))
			k->nmodules++;
		else
			k->modules_unreadable++;
	}
	pc_table_free(&t);
	snprintf(path, sizeof(path), "%s/%s", dir, CHURN_MODFN_FILE);
	ret = read_modfns(k, path, err, len);
	snprintf(path, sizeof(path), "%s/%s", dir, CHURN_MODEV_FILE);
	if (ret == PC_OK)
		ret = read_modevs(k, path, err, len);
	k->have_modules = ret == PC_OK;
	/*
	 * The modules' prototypes, split BTF on vmlinux's: only with both.
	 * Unreadable here (no libbpf) is what vmlinux's BTF says already.
	 */
	snprintf(path, sizeof(path), "%s/%s", dir, churn_part_files[CHURN_BTF]);
	if (ret == PC_OK && k->have[CHURN_BTF]) {
		ret = churn_btf_load_modules(k, path, dir, err, len);
		if (ret == PC_ERR_UNSUPPORTED) {
			err[0] = '\0';
			ret = PC_OK;
		}
	}
	return ret;
}

/* ---- a dump directory ---- */

static int load_part(struct churn_kernel *k, enum churn_part p, const char *path,
		     char *err, size_t len)
{
	switch (p) {
	case CHURN_SYMBOLS:
		return read_map(k, path, err, len);
	case CHURN_EVENTS:
		return read_events_csv(k, path, err, len);
	case CHURN_FTRACE:
		return read_list(&k->ftrace, path, err, len);
	case CHURN_BLACKLIST:
		return read_blacklist(k, path, err, len);
	case CHURN_SOURCE:
		return read_list(&k->source, path, err, len);
	case CHURN_BTF:
		return churn_btf_load(k, path, err, len);
	default:
		return PC_ERR_INVAL;
	}
}

static enum churn_part part_by_name(const char *name)
{
	for (int p = 0; p < CHURN_NR_PARTS; p++)
		if (!strcmp(name, churn_part_names[p]))
			return (enum churn_part)p;
	return CHURN_NR_PARTS;
}

int churn_load_dump(struct churn_kernel *k, const char *dir, char *err, size_t len)
{
	const char *const need[] = { "part", "status", "detail", NULL };
	char path[PATH_MAX + 64];
	struct pc_table t;
	int cp, cs, cd, ret;

	snprintf(k->where, sizeof(k->where), "%s", dir);
	snprintf(path, sizeof(path), "%s/dump.csv", dir);
	ret = pc_table_load(path, need, &t, err, len);
	if (ret != PC_OK) {
		if (ret == PC_ERR_IO)
			snprintf(err, len, "%s: not a churn dump (no dump.csv: %s); write one with probecost churn --dump DIR",
				 dir, strerror(errno));
		return PC_ERR_INVAL;
	}
	cp = pc_table_col(&t, "part");
	cs = pc_table_col(&t, "status");
	cd = pc_table_col(&t, "detail");
	for (int p = 0; p < CHURN_NR_PARTS; p++)
		snprintf(k->why[p], sizeof(k->why[p]), "not listed in %.200s", path);
	for (size_t r = 0; r < t.nrows; r++) {
		const char *part = pc_table_cell(&t, r, cp);
		enum churn_part p = part_by_name(part);

		if (!strcmp(part, "release")) {
			snprintf(k->release, sizeof(k->release), "%s", pc_table_cell(&t, r, cd));
			continue;
		}
		if (p == CHURN_NR_PARTS) {
			snprintf(err, len, "%s:%zu: unknown part '%s'; expected release, symbols, events, ftrace, blacklist, source or btf",
				 path, t.line[r], part);
			ret = PC_ERR_INVAL;
			break;
		}
		if (strcmp(pc_table_cell(&t, r, cs), "ok")) {
			snprintf(k->why[p], sizeof(k->why[p]), "%s", pc_table_cell(&t, r, cd));
			continue;
		}
		k->why[p][0] = '\0';
		k->have[p] = true;
	}
	pc_table_free(&t);
	/* a source index is often added later, next to the dump */
	snprintf(path, sizeof(path), "%s/%s", dir, churn_part_files[CHURN_SOURCE]);
	if (ret == PC_OK && !k->have[CHURN_SOURCE] && access(path, R_OK) == 0) {
		k->have[CHURN_SOURCE] = true;
		k->why[CHURN_SOURCE][0] = '\0';
	}
	for (int p = 0; ret == PC_OK && p < CHURN_NR_PARTS; p++) {
		if (!k->have[p]) {
			if (p == CHURN_SYMBOLS || p == CHURN_EVENTS) {
				snprintf(err, len, "%s: the dump lacks %s (%s); it cannot be compared",
					 dir, churn_part_names[p], k->why[p]);
				ret = PC_ERR_INVAL;
			}
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, churn_part_files[p]);
		ret = load_part(k, (enum churn_part)p, path, err, len);
		if (ret == PC_ERR_UNSUPPORTED) {
			/* BTF without libbpf: the part is there, this build cannot read it */
			k->have[p] = false;
			snprintf(k->why[p], sizeof(k->why[p]), "%s", err);
			err[0] = '\0';
			ret = PC_OK;
		}
	}
	/* optional: an index written before the macro index existed lacks it */
	snprintf(path, sizeof(path), "%s/%s", dir, CHURN_MACROS_FILE);
	if (ret == PC_OK && k->have[CHURN_SOURCE] && access(path, R_OK) == 0)
		ret = read_macros(&k->macros, path, err, len);
	/* optional too: an index written before the wrapper index existed */
	snprintf(path, sizeof(path), "%s/%s", dir, CHURN_WRAPPERS_FILE);
	if (ret == PC_OK && k->have[CHURN_SOURCE] && access(path, R_OK) == 0)
		ret = read_macros(&k->wrappers, path, err, len);
	if (ret == PC_OK && !k->release[0])
		snprintf(k->release, sizeof(k->release), "unknown");
	if (ret == PC_OK)
		ret = load_modules(k, dir, err, len);
	return ret == PC_OK ? churn_kernel_finish(k) : ret;
}

int churn_load_pair(struct churn_kernel *k, const char *map, const char *events,
		    char *err, size_t len)
{
	int ret;

	snprintf(k->where, sizeof(k->where), "%s,%s", map, events);
	snprintf(k->release, sizeof(k->release), "unknown");
	ret = read_map(k, map, err, len);
	if (ret != PC_OK)
		return ret;
	if (is_dir(events))
		ret = churn_read_events_dir(k, events, NULL, err, len);
	else
		ret = read_events_csv(k, events, err, len);
	if (ret != PC_OK)
		return ret;
	for (int p = CHURN_FTRACE; p < CHURN_NR_PARTS; p++)
		snprintf(k->why[p], sizeof(k->why[p]),
			 "a System.map,events pair carries no %s", churn_part_files[p]);
	snprintf(k->why_modules, sizeof(k->why_modules),
		 "a System.map,events pair carries no modules");
	return churn_kernel_finish(k);
}

/* ---- the kprobe target set ---- */

int churn_kernel_finish(struct churn_kernel *k)
{
	for (size_t i = 0; i < k->text.cap; i++) {
		const char *n = k->text.tab[i].key;
		struct pc_strmap_ent *e;

		if (!n || churn_is_pseudo(n))
			continue;
		/* no fentry site: notrace, noinstr, and .cold fragments */
		if (k->have[CHURN_FTRACE] ? !pc_strmap_has(&k->ftrace, n) :
		    strstr(n, ".cold") != NULL || is_marker(n))
			continue;
		if (k->have[CHURN_BLACKLIST] && pc_strmap_has(&k->blacklist, n))
			continue;
		if (pc_strmap_add(&k->attach, n, NULL) != PC_OK ||
		    pc_strmap_addn(&k->attach_base, n, churn_base_len(n), &e) != PC_OK)
			return PC_ERR_NOMEM;
		/* smallest name per base, so the report is deterministic */
		if (!e->val || strcmp(n, e->val) < 0)
			e->val = k->text.tab[i].key;
		if (strchr(n, ':')) {
			if (pc_strmap_add(&k->modfn, churn_fn_part(n), NULL) != PC_OK)
				return PC_ERR_NOMEM;
			e = pc_strmap_find(&k->modfn, churn_fn_part(n));
			if (!e->val || strcmp(n, e->val) < 0)
				e->val = k->text.tab[i].key;
		}
	}
	return PC_OK;
}
