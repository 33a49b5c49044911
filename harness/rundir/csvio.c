// SPDX-License-Identifier: MIT
/* CSV writer and reader on top of libcsv. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>

#include "csvio.h"
#include "errors.h"

static bool needs_quotes(const char *s)
{
	size_t n = strlen(s);

	if (!n)
		return false;
	if (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')
		return true;
	return strpbrk(s, ",\"\r\n") != NULL;
}

/* Append to the row buffer; rows reach the file whole or not at all. */
static int row_append(struct pc_csvw *w, const char *s, size_t n)
{
	if (w->rowlen + n + 1 > w->rowcap) {
		size_t nc = (w->rowlen + n + 1) * 2;
		char *nb = realloc(w->row, nc);

		if (!nb)
			return PC_ERR_NOMEM;
		w->row = nb;
		w->rowcap = nc;
	}
	memcpy(w->row + w->rowlen, s, n);
	w->rowlen += n;
	return PC_OK;
}

static int put_field(struct pc_csvw *w, const char *s)
{
	size_t n = strlen(s);
	int ret;

	if (w->failed)
		return PC_ERR_IO;
	if (w->col >= w->ncols)
		goto inval;
	if (w->col && row_append(w, ",", 1) != PC_OK)
		goto nomem;
	if (needs_quotes(s)) {
		size_t q = csv_write(NULL, 0, s, n);
		char *tmp = malloc(q);

		if (!tmp)
			goto nomem;
		csv_write(tmp, q, s, n);
		ret = row_append(w, tmp, q);
		free(tmp);
		if (ret != PC_OK)
			goto nomem;
	} else if (row_append(w, s, n) != PC_OK) {
		goto nomem;
	}
	w->col++;
	return PC_OK;
inval:
	w->failed = true;
	return PC_ERR_INVAL;
nomem:
	w->failed = true;
	return PC_ERR_NOMEM;
}

int pc_csvw_open(struct pc_csvw *w, const char *path,
		 const char *const *header, size_t ncols)
{
	size_t n = strlen(path);

	memset(w, 0, sizeof(*w));
	w->path = strdup(path);
	w->part = malloc(n + sizeof(".part"));
	if (!w->path || !w->part)
		goto nomem;
	memcpy(w->part, path, n);
	memcpy(w->part + n, ".part", sizeof(".part"));
	w->f = fopen(w->part, "w");
	if (!w->f) {
		free(w->path);
		free(w->part);
		w->path = w->part = NULL;
		return PC_ERR_IO;
	}
	w->ncols = ncols;
	for (size_t i = 0; i < ncols; i++)
		put_field(w, header[i]);
	return pc_csvw_endrow(w);
nomem:
	free(w->path);
	free(w->part);
	return PC_ERR_NOMEM;
}

int pc_csvw_stream(struct pc_csvw *w, FILE *f, const char *const *header,
		   size_t ncols)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->ncols = ncols;
	for (size_t i = 0; i < ncols; i++)
		put_field(w, header[i]);
	return pc_csvw_endrow(w);
}

int pc_csvw_str(struct pc_csvw *w, const char *s)
{
	return put_field(w, s ? s : "");
}

int pc_csvw_u64(struct pc_csvw *w, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return put_field(w, buf);
}

int pc_csvw_dbl(struct pc_csvw *w, double v)
{
	char buf[40];

	if (isnan(v))
		return put_field(w, "");
	/*
	 * Nine significant digits: a median of samples that differ in sign is
	 * an average of two large values, and at six digits their rounding
	 * outweighs the median itself; icount figures stay exact too.
	 */
	snprintf(buf, sizeof(buf), "%.9g", v);
	return put_field(w, buf);
}

int pc_csvw_endrow(struct pc_csvw *w)
{
	size_t len;

	if (w->failed)
		return PC_ERR_IO;
	if (w->col != w->ncols || row_append(w, "\n", 1) != PC_OK) {
		w->failed = true;
		return PC_ERR_INVAL;
	}
	len = w->rowlen;
	w->col = 0;
	w->rowlen = 0;
	if (fwrite(w->row, 1, len, w->f) != len || fflush(w->f) == EOF) {
		w->failed = true;
		return PC_ERR_IO;
	}
	return PC_OK;
}

int pc_csvw_close(struct pc_csvw *w, bool commit)
{
	int ret = PC_OK;

	if (!w->f)
		return PC_OK;
	if (!w->path) {		/* a stream we did not open */
		free(w->row);
		w->row = NULL;
		w->f = NULL;
		return w->failed ? PC_ERR_IO : PC_OK;
	}
	if (fclose(w->f) == EOF)
		w->failed = true;
	w->f = NULL;
	if (w->failed)
		ret = PC_ERR_IO;
	if (commit && ret == PC_OK && rename(w->part, w->path) < 0)
		ret = PC_ERR_IO;
	free(w->path);
	free(w->part);
	free(w->row);
	w->path = w->part = w->row = NULL;
	return ret;
}

void pc_csvw_discard(struct pc_csvw *w)
{
	char *part = w->part ? strdup(w->part) : NULL;

	pc_csvw_close(w, false);
	if (part)
		unlink(part);
	free(part);
}

/* ---- reading ---- */

struct loader {
	struct pc_table *t;
	char **row;		/* fields of the row being parsed */
	size_t nrow, caprow;
	size_t cap;		/* capacity of t->cells in rows */
	size_t line;		/* physical line being fed */
	bool have_header;
	int err;
	char *msg;
	size_t msglen;
};

static void on_field(void *s, size_t len, void *data)
{
	struct loader *ld = data;
	char *f;

	if (ld->err)
		return;
	if (ld->nrow == ld->caprow) {
		size_t nc = ld->caprow ? ld->caprow * 2 : 16;
		char **nr = realloc(ld->row, nc * sizeof(*nr));

		if (!nr) {
			ld->err = PC_ERR_NOMEM;
			return;
		}
		ld->row = nr;
		ld->caprow = nc;
	}
	f = malloc(len + 1);
	if (!f) {
		ld->err = PC_ERR_NOMEM;
		return;
	}
	memcpy(f, s, len);
	f[len] = '\0';
	if (memchr(f, '\0', len)) {
		free(f);
		snprintf(ld->msg, ld->msglen, "%s:%zu: NUL byte inside a field; this is not a text CSV file",
			 ld->t->path, ld->line);
		ld->err = PC_ERR_INVAL;
		return;
	}
	ld->row[ld->nrow++] = f;
}

static void drop_row(struct loader *ld)
{
	for (size_t i = 0; i < ld->nrow; i++)
		free(ld->row[i]);
	ld->nrow = 0;
}

static void on_row(int c, void *data)
{
	struct loader *ld = data;
	struct pc_table *t = ld->t;

	(void)c;
	if (ld->err) {
		drop_row(ld);
		return;
	}
	if (!ld->have_header) {
		t->ncols = ld->nrow;
		t->header = ld->row;
		ld->row = NULL;
		ld->nrow = ld->caprow = 0;
		ld->have_header = true;
		return;
	}
	if (ld->nrow != t->ncols) {
		snprintf(ld->msg, ld->msglen, "%s:%zu: expected %zu fields as in the header, found %zu",
			 t->path, ld->line, t->ncols, ld->nrow);
		ld->err = PC_ERR_INVAL;
		drop_row(ld);
		return;
	}
	if (t->nrows == ld->cap) {
		size_t nc = ld->cap ? ld->cap * 2 : 64;
		char **cells = realloc(t->cells, nc * t->ncols * sizeof(*cells));
		size_t *line = realloc(t->line, nc * sizeof(*line));

		if (cells)
			t->cells = cells;
		if (line)
			t->line = line;
		if (!cells || !line) {
			ld->err = PC_ERR_NOMEM;
			drop_row(ld);
			return;
		}
		ld->cap = nc;
	}
	memcpy(t->cells + t->nrows * t->ncols, ld->row, t->ncols * sizeof(char *));
	t->line[t->nrows++] = ld->line;
	ld->nrow = 0;
}

int pc_table_load(const char *path, const char *const *need,
		  struct pc_table *t, char *err, size_t errlen)
{
	struct csv_parser p;
	struct loader ld;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int ret = PC_OK;

	memset(t, 0, sizeof(*t));
	memset(&ld, 0, sizeof(ld));
	ld.t = t;
	ld.msg = err;
	ld.msglen = errlen;
	t->path = strdup(path);
	if (!t->path)
		return PC_ERR_NOMEM;
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		free(t->path);
		t->path = NULL;
		return PC_ERR_IO;
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		fclose(f);
		free(t->path);
		t->path = NULL;
		return PC_ERR_NOMEM;
	}
	/* feed line by line so a row's end is known to its physical line */
	while (!ld.err && (n = getline(&buf, &cap, f)) >= 0) {
		ld.line++;
		if (csv_parse(&p, buf, (size_t)n, on_field, on_row, &ld) != (size_t)n) {
			snprintf(err, errlen, "%s:%zu: malformed CSV: %s", path, ld.line,
				 csv_strerror(csv_error(&p)));
			ld.err = PC_ERR_INVAL;
		}
	}
	if (!ld.err && ferror(f)) {
		snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
		ld.err = PC_ERR_IO;
	}
	if (!ld.err && csv_fini(&p, on_field, on_row, &ld) != 0) {
		snprintf(err, errlen, "%s:%zu: malformed CSV at end of file: %s (unterminated quote?)",
			 path, ld.line, csv_strerror(csv_error(&p)));
		ld.err = PC_ERR_INVAL;
	}
	csv_free(&p);
	free(buf);
	fclose(f);
	drop_row(&ld);
	free(ld.row);
	ret = ld.err;
	if (ret == PC_OK && !ld.have_header) {
		snprintf(err, errlen, "%s:1: empty file; expected a CSV header line", path);
		ret = PC_ERR_INVAL;
	}
	for (size_t i = 0; ret == PC_OK && need && need[i]; i++) {
		if (pc_table_col(t, need[i]) < 0) {
			snprintf(err, errlen, "%s:1: header lacks column '%s'; is this a probecost file?",
				 path, need[i]);
			ret = PC_ERR_INVAL;
		}
	}
	if (ret != PC_OK)
		pc_table_free(t);
	return ret;
}

int pc_table_col(const struct pc_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (!strcmp(t->header[i], name))
			return (int)i;
	return -1;
}

void pc_table_free(struct pc_table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	for (size_t i = 0; t->header && i < t->ncols; i++)
		free(t->header[i]);
	free(t->header);
	free(t->cells);
	free(t->line);
	free(t->path);
	memset(t, 0, sizeof(*t));
}

int pc_parse_dbl(const char *s, double *v)
{
	char *end;

	if (!*s) {
		*v = NAN;
		return PC_OK;
	}
	errno = 0;
	*v = strtod(s, &end);
	if (errno || *end || end == s)
		return PC_ERR_INVAL;
	return PC_OK;
}
