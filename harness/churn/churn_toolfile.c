// SPDX-License-Identifier: MIT
/*
 * `churn --probes PATH`: what PATH is, and one verdict table per file.
 *
 * A file's format comes from its extension (.bt bpftrace, .stp
 * SystemTap, .py BCC, anything else a probe list), and for a file
 * without one of those from its content: a bpftrace/stap/python #!
 * line, BCC's import, a `probe` statement, or an action block { } (a
 * probe list never has braces). A directory is every such file in it
 * (not below it), by name. The file is read whole before any parsing,
 * and nothing is written here: a file that cannot be parsed stops the
 * run with file:line before a result exists.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "churn.h"
#include "errors.h"

enum tool_format { TF_LIST, TF_BT, TF_STP, TF_BCC, TF_NONE };

static const char *ext_of(const char *path)
{
	const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');

	return dot && (!slash || dot > slash) ? dot : "";
}

static enum tool_format by_ext(const char *path)
{
	const char *e = ext_of(path);

	if (!strcmp(e, ".bt"))
		return TF_BT;
	if (!strcmp(e, ".stp"))
		return TF_STP;
	if (!strcmp(e, ".py"))
		return TF_BCC;
	if (!strcmp(e, ".list"))
		return TF_LIST;
	return TF_NONE;
}

/* A line of @text that starts (after blanks) with @word and a blank. */
static bool has_statement(const char *text, const char *word)
{
	size_t n = strlen(word);

	for (const char *l = text; l; l = strchr(l, '\n')) {
		while (*l == '\n' || *l == ' ' || *l == '\t')
			l++;
		if (!strncmp(l, word, n) && (l[n] == ' ' || l[n] == '\t'))
			return true;
	}
	return false;
}

static enum tool_format by_content(const char *text)
{
	if (!strncmp(text, "#!", 2)) {
		size_t n = strcspn(text, "\n");

		if (memmem(text, n, "bpftrace", 8))
			return TF_BT;
		if (memmem(text, n, "stap", 4))
			return TF_STP;
		if (memmem(text, n, "python", 6))
			return TF_BCC;
	}
	if (strstr(text, "from bcc import") || has_statement(text, "import bcc"))
		return TF_BCC;
	if (has_statement(text, "probe"))
		return TF_STP;
	if (strchr(text, '{'))
		return TF_BT;
	return TF_LIST;
}

static const char *format_name[] = {
	[TF_LIST] = "probe list", [TF_BT] = "bpftrace", [TF_STP] = "systemtap",
	[TF_BCC] = "bcc",
};

/* The whole file, NUL-terminated; a NUL inside means it is no text. */
static int slurp(const char *path, char **out, char *err, size_t len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n = 0;
	FILE *m;
	int c;

	if (!f) {
		snprintf(err, len, "%s: cannot open the probe list: %s", path, strerror(errno));
		return PC_ERR_INVAL;
	}
	m = open_memstream(&buf, &n);
	if (!m) {
		fclose(f);
		return PC_ERR_NOMEM;
	}
	while ((c = getc(f)) != EOF && c != '\0')
		putc(c, m);
	fclose(f);
	fclose(m);
	if (c == '\0') {
		size_t line = 1;

		for (size_t i = 0; i < n; i++)
			line += buf[i] == '\n';
		snprintf(err, len, "%s:%zu: a NUL byte; expected a text file (probe list, .bt, .stp or BCC .py)",
			 path, line);
		free(buf);
		return PC_ERR_INVAL;
	}
	*out = buf;
	return PC_OK;
}

/*
 * A parser's message quotes the file (a token, a name): its bytes outside
 * printable ASCII are written \xHH, so binary garbage cannot reach the
 * terminal raw. @from: the length of the "path" the message starts with,
 * left as the user typed it.
 */
static void printable(char *err, size_t len, size_t from)
{
	char out[2048];
	size_t o = 0;

	if (from > strlen(err))
		from = 0;
	for (const unsigned char *p = (const unsigned char *)err + from;
	     *p && o + 5 < sizeof(out); p++) {
		if (*p >= ' ' && *p <= '~')
			out[o++] = (char)*p;
		else
			o += (size_t)snprintf(out + o, sizeof(out) - o, "\\x%02x", *p);
	}
	out[o] = '\0';
	if (from < len)
		snprintf(err + from, len - from, "%s", out);
}

static int check_file(struct churn_probes *pl, const char *path, bool in_dir,
		      const struct churn_kernel *a, const struct churn_result *r,
		      char *err, size_t len)
{
	enum tool_format tf = by_ext(path);
	char *text = NULL;
	int ret;

	memset(pl, 0, sizeof(*pl));
	snprintf(pl->path, sizeof(pl->path), "%s", path);
	pl->a = a;
	pl->r = r;
	ret = slurp(path, &text, err, len);
	if (ret != PC_OK)
		return ret;
	if (tf == TF_NONE)
		tf = by_content(text);
	pl->format = format_name[tf];
	switch (tf) {
	case TF_BT:
		ret = churn_parse_bt(pl, text, err, len);
		break;
	case TF_STP:
		ret = churn_parse_stp(pl, text, err, len);
		break;
	case TF_BCC:
		ret = churn_parse_bcc(pl, text, err, len);
		break;
	default:
		ret = churn_parse_list(pl, text, err, len);
		break;
	}
	free(text);
	if (ret != PC_OK)
		printable(err, len, strncmp(err, path, strlen(path)) ? 0 : strlen(path));
	/* one file asked for must name a probe; a tool folder may hold helpers */
	if (ret == PC_OK && !pl->lines && tf != TF_LIST && !in_dir) {
		snprintf(err, len, "%s:1: no kernel probe found in this %s file; expected %s",
			 path, pl->format,
			 tf == TF_BT ? "probe headers such as kprobe:FUNC { ... }" :
			 tf == TF_STP ? "probe kernel.function(\"FUNC\") { ... } or the like" :
			 "attach_kprobe(event=\"FUNC\"), attach_tracepoint(tp=\"SYS:EVENT\"), TRACEPOINT_PROBE(SYS, EVENT) or kprobe__FUNC()");
		ret = PC_ERR_INVAL;
	}
	return ret;
}

const char *churn_tool_verdict(const struct churn_probes *pl)
{
	if (pl->breaks)
		return "breaks";
	if (pl->changed)
		return "format_changed";
	if (pl->sigchanged)
		return "signature_changed";
	if (pl->unresolved || pl->uncovered)
		return "undecided";
	return "ok";
}

static void tally(struct churn_tools *t, const struct churn_probes *pl)
{
	const char *v = churn_tool_verdict(pl);

	if (!strcmp(v, "breaks"))
		t->breaks++;
	else if (!strcmp(v, "format_changed"))
		t->changed++;
	else if (!strcmp(v, "signature_changed"))
		t->sigchanged++;
	else if (!strcmp(v, "undecided"))
		t->undecided++;
	else
		t->ok++;
}

static int name_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static int check_dir(struct churn_tools *t, const char *path,
		     const struct churn_kernel *a, const struct churn_result *r,
		     char *err, size_t len)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int ret = PC_OK;

	if (!d) {
		snprintf(err, len, "%s: cannot read the directory: %s", path, strerror(errno));
		return PC_ERR_INVAL;
	}
	while (ret == PC_OK && (de = readdir(d))) {
		char full[PATH_MAX + 256];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(full, sizeof(full), "%s/%s", path, de->d_name);
		if (by_ext(full) == TF_NONE) {
			t->skipped++;
			continue;
		}
		/* a tool's name that cannot be read as one is not skipped in silence */
		/* errno only when stat failed: an earlier call may have left ENOENT */
		int sr = stat(full, &st);

		if (sr < 0 || !S_ISREG(st.st_mode)) {
			snprintf(err, len, "%s: named like a tool file but %s; remove it or name the files to read",
				 full, sr < 0 && errno == ENOENT ? "a dangling link" :
				 "not a regular file (a directory, a FIFO ...)");
			errno = 0;
			ret = PC_ERR_INVAL;
			break;
		}
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			char **nn = realloc(names, nc * sizeof(*nn));

			if (!nn) {
				ret = PC_ERR_NOMEM;
				break;
			}
			names = nn;
			cap = nc;
		}
		names[n] = strdup(full);
		if (!names[n])
			ret = PC_ERR_NOMEM;
		else
			n++;
	}
	closedir(d);
	if (ret == PC_OK && !n) {
		snprintf(err, len, "%s: no .bt, .stp, .py or .list file in this directory", path);
		ret = PC_ERR_INVAL;
	}
	if (ret == PC_OK) {
		qsort(names, n, sizeof(*names), name_cmp);
		t->f = calloc(n, sizeof(*t->f));
		if (!t->f)
			ret = PC_ERR_NOMEM;
	}
	for (size_t i = 0; ret == PC_OK && i < n; i++) {
		ret = check_file(&t->f[i], names[i], true, a, r, err, len);
		t->n++;
		if (ret == PC_OK)
			tally(t, &t->f[i]);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret;
}

int churn_tools_check(struct churn_tools *t, const char *path,
		      const struct churn_kernel *a, const struct churn_result *r,
		      char *err, size_t len)
{
	struct stat st;
	int ret;

	memset(t, 0, sizeof(*t));
	snprintf(t->path, sizeof(t->path), "%s", path);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		t->dir = true;
		return check_dir(t, path, a, r, err, len);
	}
	t->f = calloc(1, sizeof(*t->f));
	if (!t->f)
		return PC_ERR_NOMEM;
	t->n = 1;
	ret = check_file(t->f, path, false, a, r, err, len);
	if (ret == PC_OK)
		tally(t, t->f);
	return ret;
}

void churn_tools_free(struct churn_tools *t)
{
	for (size_t i = 0; i < t->n; i++)
		churn_probes_free(&t->f[i]);
	free(t->f);
	memset(t, 0, sizeof(*t));
}
