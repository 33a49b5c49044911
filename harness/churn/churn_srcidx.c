// SPDX-License-Identifier: MIT
/*
 * The source index behind churn's "inlined or compiled out" category.
 *
 * Symbols alone cannot tell a function the compiler inlined (or the
 * config left out) from one deleted from the source. The kernel's source
 * can: if B's source still defines or declares the name at file scope,
 * the function exists in B's code but not as a symbol. The index is
 * every identifier followed by '(' on a line that starts in column 0
 * (kernel style puts a definition's or prototype's declarator there;
 * calls are indented), plus `#define NAME(` macros, plus the symbols that
 * SYSCALL_DEFINEn and SYM_FUNC_START define. docs/churn.md states its limits.
 *
 * Beside it, the macro index: for every function-like `#define NAME(`,
 * the names its body calls (identifiers followed by '(', continuation
 * lines joined). A function of A that is gone from B's symbols but is a
 * macro in B's source calling a text symbol of B -- kmem_cache_alloc
 * around kmem_cache_alloc_noprof in 6.10's allocation profiling -- has
 * that symbol to probe instead.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "churn.h"
#include "errors.h"

static bool ident_char(int c)
{
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

static int add_prefixed(struct pc_strmap *m, const char *pfx, const char *name,
			size_t n)
{
	char buf[512];
	int w = snprintf(buf, sizeof(buf), "%s%.*s", pfx, (int)n, name);

	if (w < 0 || (size_t)w >= sizeof(buf))
		return PC_OK;
	return pc_strmap_add(m, buf, NULL);
}

/*
 * Macros that define a symbol named by their first argument:
 * SYSCALL_DEFINE3(read, ...) defines __x64_sys_read and its helpers,
 * SYM_FUNC_START(name) an assembly function.
 */
static const struct {
	const char *macro;
	const char *pfx[6];
} definers[] = {
	{ "SYSCALL_DEFINE", { "sys_", "__do_sys_", "__se_sys_", "__x64_sys_",
			      "__ia32_sys_", NULL } },
	{ "COMPAT_SYSCALL_DEFINE", { "compat_sys_", "__do_compat_sys_",
				     "__se_compat_sys_", "__x64_compat_sys_",
				     "__ia32_compat_sys_", NULL } },
	{ "SYM_FUNC_START", { "", NULL } },
	{ "SYM_CODE_START", { "", NULL } },
	{ "SYM_TYPED_FUNC_START", { "", NULL } },
};

static int add_defined(struct pc_strmap *m, const char *mac, size_t mlen,
		       const char *args)
{
	size_t n = 0;
	int ret = PC_OK;

	while (*args == ' ')
		args++;
	while (ident_char(args[n]))
		n++;
	for (size_t d = 0; n && d < sizeof(definers) / sizeof(definers[0]); d++) {
		size_t l = strlen(definers[d].macro);

		/* the macro, or it with a suffix: SYSCALL_DEFINE3, SYM_FUNC_START_LOCAL */
		if (mlen < l || strncmp(mac, definers[d].macro, l) ||
		    (mlen > l && !(mac[l] == '_' || (mac[l] >= '0' && mac[l] <= '9'))))
			continue;
		for (int i = 0; definers[d].pfx[i] && ret == PC_OK; i++)
			ret = add_prefixed(m, definers[d].pfx[i], args, n);
	}
	return ret;
}

static int index_line(struct pc_strmap *m, const char *s)
{
	const char *p = s;
	int ret = PC_OK;

	if (!ident_char(*s)) {
		if (strncmp(s, "#define", 7))
			return PC_OK;	/* indented, comment, other directive */
		p = s + 7;
	}
	while (*p && ret == PC_OK) {
		const char *b, *e;

		if (!ident_char(*p) || (p > s && ident_char(p[-1]))) {
			p++;
			continue;
		}
		b = p;
		while (ident_char(*p))
			p++;
		e = p;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '(' || (*b >= '0' && *b <= '9'))
			continue;
		ret = pc_strmap_addn(m, b, (size_t)(e - b), NULL);
		if (ret == PC_OK)
			ret = add_defined(m, b, (size_t)(e - b), p + 1);
	}
	return ret;
}

/* not a call in a macro body: C's own keywords and the compiler's builtins */
static bool not_a_callee(const char *b, size_t n)
{
	static const char *const kw[] = {
		"sizeof", "typeof", "__typeof__", "__typeof", "_Generic", "do", "while",
		"if", "for", "switch", "return", "__attribute__", "__same_type",
		"_Static_assert", "__is_constexpr", NULL,
	};

	if (n > 10 && !strncmp(b, "__builtin_", 10))
		return true;
	for (int i = 0; kw[i]; i++)
		if (strlen(kw[i]) == n && !strncmp(b, kw[i], n))
			return true;
	return false;
}

/* Is @w (@n bytes) one of the space-separated words of @list (may be NULL)? */
static bool has_word(const char *list, const char *w, size_t n)
{
	while (list && *list) {
		const char *end = strchr(list, ' ');
		size_t l = end ? (size_t)(end - list) : strlen(list);

		if (l == n && !strncmp(list, w, n))
			return true;
		list = end ? end + 1 : list + l;
	}
	return false;
}

/*
 * The names @body calls, appended (space-separated, each once) to the
 * value of @e, whose key (@name, @nlen bytes) is left out: a recursion
 * is no callee.
 */
static int add_callees(struct pc_strmap_ent *e, const char *name, size_t nlen,
		       const char *body)
{
	for (const char *q = body; *q; ) {
		const char *b;
		char *old = e->val, *nv;
		size_t n;

		if (!ident_char(*q) || (q > body && ident_char(q[-1])) || (*q >= '0' && *q <= '9')) {
			q++;
			continue;
		}
		b = q;
		while (ident_char(*q))
			q++;
		n = (size_t)(q - b);
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '(' || not_a_callee(b, n) || (n == nlen && !strncmp(b, name, n)))
			continue;
		if (has_word(old, b, n))
			continue;	/* each callee once */
		if (asprintf(&nv, "%s%s%.*s", old ? old : "", old ? " " : "", (int)n, b) < 0)
			return PC_ERR_NOMEM;
		free(old);
		e->val = nv;
	}
	return PC_OK;
}

/*
 * A `#define NAME(params) body` logical line: NAME -> the names the body
 * calls, appended (space-separated, each once) to what other definitions
 * of NAME (config variants) already gave.
 */
static int index_macro(struct pc_strmap *macros, const char *s)
{
	const char *p = s + 7, *name;
	struct pc_strmap_ent *e;
	size_t nlen;
	int depth = 0, ret;

	while (*p == ' ' || *p == '\t')
		p++;
	name = p;
	while (ident_char(*p))
		p++;
	nlen = (size_t)(p - name);
	if (!nlen || *p != '(')
		return PC_OK;	/* object-like, or not a macro we can use */
	for (; *p; p++) {	/* past the parameter list */
		depth += *p == '(';
		depth -= *p == ')';
		if (!depth)
			break;
	}
	if (!*p)
		return PC_OK;
	ret = pc_strmap_addn(macros, name, nlen, &e);
	return ret == PC_OK ? add_callees(e, name, nlen, p + 1) : ret;
}

/*
 * A `static inline` function's definition (its lines joined): NAME ->
 * the names its body calls, as index_macro() does for a macro. The name
 * is the first identifier followed by '(' (attributes are not_a_callee);
 * a declaration (';' before any '{') gives nothing.
 */
/*
 * Blank out @s's comments in place (/ * ... * / and // to the end of the
 * line): a body's comment names functions it does not call ("callers
 * must not race close_fd()").
 */
static void blank_comments(char *s)
{
	for (char *p = s; *p; p++) {
		if (p[0] == '/' && p[1] == '*') {
			char *e = strstr(p + 2, "*/");
			char *end = e ? e + 2 : p + strlen(p);

			memset(p, ' ', (size_t)(end - p));
			p = end - 1;
		} else if (p[0] == '/' && p[1] == '/') {
			while (*p && *p != '\n')
				*p++ = ' ';
			if (!*p)
				break;
		}
	}
}

static int index_wrapper(struct pc_strmap *wrappers, const char *s)
{
	const char *p = s, *name = NULL;
	struct pc_strmap_ent *e;
	size_t nlen = 0;
	int depth = 0, ret;

	while (*p && !name) {
		const char *b = p;

		if (!ident_char(*p) || (p > s && ident_char(p[-1]))) {
			p++;
			continue;
		}
		while (ident_char(*p))
			p++;
		nlen = (size_t)(p - b);
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '(' && !not_a_callee(b, nlen))
			name = b;
	}
	if (!name)
		return PC_OK;
	for (; *p; p++) {	/* past the parameter list */
		depth += *p == '(';
		depth -= *p == ')';
		if (!depth)
			break;
	}
	p = *p ? strpbrk(p, "{;") : NULL;
	if (!p || *p == ';')
		return PC_OK;
	ret = pc_strmap_addn(wrappers, name, nlen, &e);
	return ret == PC_OK ? add_callees(e, name, nlen, p + 1) : ret;
}

/* Does @line open a static inline function at file scope? */
static bool opens_wrapper(const char *line)
{
	const char *paren = strchr(line, '(');
	const char *in = strstr(line, "inline");

	return !strncmp(line, "static ", 7) && in && (!paren || in < paren);
}

/*
 * Each line into the name index; a #define's logical line (continuation
 * lines joined) also into the macro index.
 */
static int index_stream(struct pc_strmap *m, struct pc_strmap *macros,
			struct pc_strmap *wrappers, FILE *f)
{
	char *line = NULL, *def = NULL, *inl = NULL;
	size_t cap = 0, dlen = 0, ilen = 0, ilines = 0;
	int ret = PC_OK, idepth = 0;
	bool ibody = false;

	while (ret == PC_OK && getline(&line, &cap, f) >= 0) {
		size_t n = strlen(line);
		bool more;

		ret = index_line(m, line);
		if (ret != PC_OK)
			continue;
		/*
		 * A static inline function: its lines until the braces of its
		 * body balance (or a ';' ends a declaration first), at most a
		 * few hundred lines -- a longer one is dropped, not grown.
		 */
		if (wrappers && (inl || opens_wrapper(line))) {
			char *ni = ilines < 400 ? realloc(inl, ilen + n + 1) : NULL;

			if (!ni) {
				free(inl);
				inl = NULL;
				ilen = ilines = 0;
				idepth = 0;
				ibody = false;
			} else {
				inl = ni;
				memcpy(inl + ilen, line, n + 1);
				ilen += n;
				ilines++;
				for (const char *c = line; *c; c++) {
					ibody |= *c == '{';
					idepth += (*c == '{') - (*c == '}');
				}
				if ((ibody && idepth <= 0) || (!ibody && strchr(line, ';'))) {
					blank_comments(inl);
					ret = index_wrapper(wrappers, inl);
					free(inl);
					inl = NULL;
					ilen = ilines = 0;
					idepth = 0;
					ibody = false;
				}
			}
		}
		if (ret != PC_OK || (!def && strncmp(line, "#define", 7)))
			continue;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		more = n && line[n - 1] == '\\';
		if (more)
			n--;
		/* a body of some kilobytes at most: a longer one is cut, not grown */
		if (dlen + n < 65536) {
			char *nd = realloc(def, dlen + n + 2);

			if (!nd) {
				ret = PC_ERR_NOMEM;
				break;
			}
			def = nd;
			memcpy(def + dlen, line, n);
			dlen += n;
			def[dlen++] = ' ';
			def[dlen] = '\0';
		}
		if (more)
			continue;
		if (macros)
			ret = index_macro(macros, def);
		free(def);
		def = NULL;
		dlen = 0;
	}
	free(def);
	free(inl);
	free(line);
	return ret;
}

static struct pc_strmap *walk_map, *walk_macros, *walk_wrappers;
static int walk_ret;

static bool is_source(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot && (!strcmp(dot, ".c") || !strcmp(dot, ".h") || !strcmp(dot, ".S"));
}

static int walk_one(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	FILE *f;

	(void)st;
	(void)ftw;
	if (flag != FTW_F || !is_source(path))
		return 0;
	f = fopen(path, "r");
	if (!f)
		return 0;	/* unreadable file: its names are simply missing */
	walk_ret = index_stream(walk_map, walk_macros, walk_wrappers, f);
	fclose(f);
	return walk_ret != PC_OK;
}

static bool is_tarball(const char *path)
{
	static const char *const ext[] = {
		".tar", ".tar.xz", ".tar.gz", ".tgz", ".tar.bz2", ".tar.zst", NULL,
	};
	size_t n = strlen(path);

	for (int i = 0; ext[i]; i++) {
		size_t e = strlen(ext[i]);

		if (n > e && !strcmp(path + n - e, ext[i]))
			return true;
	}
	return false;
}

static int index_tarball(struct pc_strmap *m, struct pc_strmap *macros,
			 struct pc_strmap *wrappers, const char *src, char *err, size_t len)
{
	char cmd[PATH_MAX + 128];
	FILE *p;
	int ret, st;

	if (strchr(src, '\'')) {
		snprintf(err, len, "%s: a quote in the path is not supported", src);
		return PC_ERR_USAGE;
	}
	/* GNU tar recognises the compression of a file it reads by itself */
	snprintf(cmd, sizeof(cmd),
		 "tar -xOf '%s' --wildcards '*.c' '*.h' '*.S'", src);
	p = popen(cmd, "r");
	if (!p) {
		snprintf(err, len, "cannot run tar: %s", strerror(errno));
		return PC_ERR_SYS;
	}
	ret = index_stream(m, macros, wrappers, p);
	st = pclose(p);
	if (ret == PC_OK && st != 0) {
		snprintf(err, len, "%s: tar failed (status %d); is it a readable kernel source tarball?",
			 src, st);
		ret = PC_ERR_INVAL;
	}
	return ret;
}

/* @keys of @m, each with its value after a space when it has one, into @out */
static int write_index(const struct pc_strmap *m, const char *out, char *err, size_t len)
{
	const char **keys = pc_strmap_sorted(m);
	char part[PATH_MAX + 8];
	FILE *f;

	snprintf(part, sizeof(part), "%s.part", out);
	f = keys ? fopen(part, "w") : NULL;
	if (!f) {
		snprintf(err, len, "cannot write %s: %s", part, strerror(errno));
		free(keys);
		return PC_ERR_IO;
	}
	for (size_t i = 0; keys[i]; i++) {
		const char *v = pc_strmap_find(m, keys[i])->val;

		fprintf(f, "%s%s%s\n", keys[i], v ? " " : "", v ? v : "");
	}
	free(keys);
	if (fclose(f) == EOF || rename(part, out) < 0) {
		snprintf(err, len, "cannot write %s: %s", out, strerror(errno));
		return PC_ERR_IO;
	}
	return PC_OK;
}

int churn_index_source(const char *src, const char *out, const char *macros_out,
		       const char *wrappers_out, uint64_t *names, char *err, size_t len)
{
	struct pc_strmap m = { 0 }, macros = { 0 }, wrappers = { 0 };
	struct stat st;
	int ret;

	if (stat(src, &st) < 0) {
		snprintf(err, len, "%s: %s; give a kernel source tree or tarball", src,
			 strerror(errno));
		return PC_ERR_USAGE;
	}
	if (S_ISDIR(st.st_mode)) {
		walk_map = &m;
		walk_macros = &macros;
		walk_wrappers = &wrappers;
		walk_ret = PC_OK;
		if (nftw(src, walk_one, 32, FTW_PHYS) < 0 && walk_ret == PC_OK) {
			snprintf(err, len, "%s: walking the tree failed: %s", src, strerror(errno));
			walk_ret = PC_ERR_IO;
		}
		ret = walk_ret;
	} else if (is_tarball(src)) {
		ret = index_tarball(&m, &macros, &wrappers, src, err, len);
	} else {
		snprintf(err, len, "%s: neither a directory nor a .tar[.xz|.gz|.bz2|.zst]", src);
		ret = PC_ERR_USAGE;
	}
	if (ret == PC_OK && !m.n) {
		snprintf(err, len, "%s: no function names found in its .c/.h/.S files; this is not a kernel source tree",
			 src);
		ret = PC_ERR_INVAL;
	}
	if (ret == PC_OK)
		ret = write_index(&m, out, err, len);
	if (ret == PC_OK && macros_out)
		ret = write_index(&macros, macros_out, err, len);
	if (ret == PC_OK && wrappers_out)
		ret = write_index(&wrappers, wrappers_out, err, len);
	*names = m.n;
	pc_strmap_free(&m, NULL);
	pc_strmap_free(&macros, free);
	pc_strmap_free(&wrappers, free);
	return ret;
}
