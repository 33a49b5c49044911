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

static int index_stream(struct pc_strmap *m, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	int ret = PC_OK;

	while (ret == PC_OK && getline(&line, &cap, f) >= 0)
		ret = index_line(m, line);
	free(line);
	return ret;
}

static struct pc_strmap *walk_map;
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
	walk_ret = index_stream(walk_map, f);
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

static int index_tarball(struct pc_strmap *m, const char *src, char *err, size_t len)
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
	ret = index_stream(m, p);
	st = pclose(p);
	if (ret == PC_OK && st != 0) {
		snprintf(err, len, "%s: tar failed (status %d); is it a readable kernel source tarball?",
			 src, st);
		ret = PC_ERR_INVAL;
	}
	return ret;
}

int churn_index_source(const char *src, const char *out, uint64_t *names,
		       char *err, size_t len)
{
	struct pc_strmap m = { 0 };
	char part[PATH_MAX + 8];
	struct stat st;
	const char **keys;
	FILE *f;
	int ret;

	if (stat(src, &st) < 0) {
		snprintf(err, len, "%s: %s; give a kernel source tree or tarball", src,
			 strerror(errno));
		return PC_ERR_USAGE;
	}
	if (S_ISDIR(st.st_mode)) {
		walk_map = &m;
		walk_ret = PC_OK;
		if (nftw(src, walk_one, 32, FTW_PHYS) < 0 && walk_ret == PC_OK) {
			snprintf(err, len, "%s: walking the tree failed: %s", src, strerror(errno));
			walk_ret = PC_ERR_IO;
		}
		ret = walk_ret;
	} else if (is_tarball(src)) {
		ret = index_tarball(&m, src, err, len);
	} else {
		snprintf(err, len, "%s: neither a directory nor a .tar[.xz|.gz|.bz2|.zst]", src);
		ret = PC_ERR_USAGE;
	}
	if (ret == PC_OK && !m.n) {
		snprintf(err, len, "%s: no function names found in its .c/.h/.S files; this is not a kernel source tree",
			 src);
		ret = PC_ERR_INVAL;
	}
	if (ret != PC_OK) {
		pc_strmap_free(&m, NULL);
		return ret;
	}
	keys = pc_strmap_sorted(&m);
	snprintf(part, sizeof(part), "%s.part", out);
	f = fopen(part, "w");
	if (!f || !keys) {
		snprintf(err, len, "cannot write %s: %s", part, strerror(errno));
		if (f)
			fclose(f);
		free(keys);
		pc_strmap_free(&m, NULL);
		return PC_ERR_IO;
	}
	for (size_t i = 0; keys[i]; i++)
		fprintf(f, "%s\n", keys[i]);
	*names = m.n;
	free(keys);
	pc_strmap_free(&m, NULL);
	if (fclose(f) == EOF || rename(part, out) < 0) {
		snprintf(err, len, "cannot write %s: %s", out, strerror(errno));
		return PC_ERR_IO;
	}
	return PC_OK;
}
