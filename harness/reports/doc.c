// SPDX-License-Identifier: MIT
/* The report document: build once, render as width-limited text or Markdown. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "errors.h"

enum kind { K_TITLE, K_HEADING, K_SUB, K_PARA, K_KV, K_TABLE };

struct trow {
	bool group;
	char *cell[PC_DOC_MAX_COLS];
};

struct pc_doc_item {
	enum kind kind;
	char *text;		/* title, heading, paragraph, kv value */
	char *key;		/* kv */
	size_t ncols;		/* table */
	char *head[PC_DOC_MAX_COLS];
	char align[PC_DOC_MAX_COLS];
	struct trow *rows;
	size_t nrows, caprows;
};

void pc_doc_init(struct pc_doc *d)
{
	memset(d, 0, sizeof(*d));
}

void pc_doc_free(struct pc_doc *d)
{
	for (size_t i = 0; i < d->n; i++) {
		struct pc_doc_item *it = &d->items[i];

		free(it->text);
		free(it->key);
		for (size_t c = 0; c < it->ncols; c++)
			free(it->head[c]);
		for (size_t r = 0; r < it->nrows; r++)
			for (size_t c = 0; c < it->ncols; c++)
				free(it->rows[r].cell[c]);
		free(it->rows);
	}
	free(d->items);
	memset(d, 0, sizeof(*d));
}

static struct pc_doc_item *add(struct pc_doc *d, enum kind k)
{
	if (d->n == d->cap) {
		size_t nc = d->cap ? d->cap * 2 : 32;
		struct pc_doc_item *ni = realloc(d->items, nc * sizeof(*ni));

		if (!ni) {
			d->failed = true;
			return NULL;
		}
		d->items = ni;
		d->cap = nc;
	}
	memset(&d->items[d->n], 0, sizeof(d->items[0]));
	d->items[d->n].kind = k;
	return &d->items[d->n++];
}

static char *dup_or_fail(struct pc_doc *d, const char *s)
{
	char *r = strdup(s ? s : "");

	if (!r)
		d->failed = true;
	return r;
}

static char *vfmt(struct pc_doc *d, const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0) {
		d->failed = true;
		return NULL;
	}
	return s;
}

static void add_text(struct pc_doc *d, enum kind k, const char *text)
{
	struct pc_doc_item *it = add(d, k);

	if (it)
		it->text = dup_or_fail(d, text);
}

void pc_doc_title(struct pc_doc *d, const char *text)
{
	add_text(d, K_TITLE, text);
}

void pc_doc_heading(struct pc_doc *d, const char *text)
{
	add_text(d, K_HEADING, text);
}

void pc_doc_subheading(struct pc_doc *d, const char *text)
{
	add_text(d, K_SUB, text);
}

void pc_doc_para(struct pc_doc *d, const char *fmt, ...)
{
	struct pc_doc_item *it = add(d, K_PARA);
	va_list ap;

	if (!it)
		return;
	va_start(ap, fmt);
	it->text = vfmt(d, fmt, ap);
	va_end(ap);
}

void pc_doc_kv(struct pc_doc *d, const char *key, const char *fmt, ...)
{
	struct pc_doc_item *it = add(d, K_KV);
	va_list ap;

	if (!it)
		return;
	it->key = dup_or_fail(d, key);
	va_start(ap, fmt);
	it->text = vfmt(d, fmt, ap);
	va_end(ap);
}

void pc_doc_table(struct pc_doc *d, size_t ncols, const char *const *head,
		  const char *align)
{
	struct pc_doc_item *it;

	if (ncols > PC_DOC_MAX_COLS || !ncols) {
		d->failed = true;
		return;
	}
	it = add(d, K_TABLE);
	if (!it)
		return;
	it->ncols = ncols;
	for (size_t c = 0; c < ncols; c++) {
		it->head[c] = dup_or_fail(d, head[c]);
		it->align[c] = align[c] == 'r' ? 'r' : 'l';
	}
}

static struct trow *add_row(struct pc_doc *d)
{
	struct pc_doc_item *it = d->n ? &d->items[d->n - 1] : NULL;

	if (!it || it->kind != K_TABLE) {
		d->failed = true;
		return NULL;
	}
	if (it->nrows == it->caprows) {
		size_t nc = it->caprows ? it->caprows * 2 : 16;
		struct trow *nr = realloc(it->rows, nc * sizeof(*nr));

		if (!nr) {
			d->failed = true;
			return NULL;
		}
		it->rows = nr;
		it->caprows = nc;
	}
	memset(&it->rows[it->nrows], 0, sizeof(it->rows[0]));
	return &it->rows[it->nrows++];
}

void pc_doc_row(struct pc_doc *d, const char *const *cells)
{
	struct trow *r = add_row(d);
	size_t nc;

	if (!r)
		return;
	nc = d->items[d->n - 1].ncols;
	for (size_t c = 0; c < nc; c++)
		r->cell[c] = dup_or_fail(d, cells[c]);
}

void pc_doc_group(struct pc_doc *d, const char *fmt, ...)
{
	struct trow *r = add_row(d);
	size_t nc;
	va_list ap;

	if (!r)
		return;
	nc = d->items[d->n - 1].ncols;
	r->group = true;
	va_start(ap, fmt);
	r->cell[0] = vfmt(d, fmt, ap);
	va_end(ap);
	for (size_t c = 1; c < nc; c++)
		r->cell[c] = dup_or_fail(d, "");
}

/* ---- text ---- */

/* The widest key a key/value list aligns its values after. */
#define KV_KEY_MAX 24

/*
 * Length of the next chunk of @s that fits in @w columns: up to the last
 * space, unless that leaves less than a third of the line, then just
 * after the last '-', ',', '/', ';' or ':' within reach; a word longer
 * than @w is cut hard. A space first keeps paths, mechanism names
 * (kprobe-ftrace) and key=value pairs whole for copy and paste. *skip
 * gets the blanks to drop.
 */
static size_t chunk(const char *s, size_t w, size_t *skip)
{
	size_t n = strlen(s), sp = 0, punct = 0, brk;

	*skip = 0;
	if (n <= w)
		return n;
	for (size_t i = 1; i <= w; i++) {
		if (s[i] == ' ')
			sp = i;
		else if (i < w && strchr(",/;:", s[i - 1]))
			punct = i;
		/* a hyphen inside a word, not a minus sign */
		else if (i < w && i >= 2 && s[i - 1] == '-' &&
			 isalnum((unsigned char)s[i - 2]) && isalpha((unsigned char)s[i]))
			punct = i;
	}
	brk = sp && sp >= w / 3 ? sp : punct > sp ? punct : sp;
	if (!brk)
		return w;
	while (s[brk + *skip] == ' ')
		(*skip)++;
	return brk;
}

void pc_doc_put_wrapped(FILE *f, const char *first, const char *cont, const char *text,
			size_t width)
{
	const char *p = text;
	const char *pre = first;

	do {
		size_t room = width > strlen(pre) ? width - strlen(pre) : 1, skip;
		size_t n = chunk(p, room, &skip);

		fprintf(f, "%s%.*s\n", pre, (int)n, p);
		p += n + skip;
		pre = cont;
	} while (*p);
}

static void put_line(FILE *f, char c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fputc(c, f);
	fputc('\n', f);
}

/*
 * Column widths that fit @width, shrinking the widest left-aligned column
 * first; the first column (the row's label: "  recording [ftrace]") only
 * when no other can give: a label broken mid-way reads worse than a
 * wrapped variant.
 */
static void fit_columns(const struct pc_doc_item *it, size_t width, size_t *w)
{
	size_t total = 0;

	for (size_t c = 0; c < it->ncols; c++) {
		w[c] = strlen(it->head[c]);
		for (size_t r = 0; r < it->nrows; r++)
			if (!it->rows[r].group && strlen(it->rows[r].cell[c]) > w[c])
				w[c] = strlen(it->rows[r].cell[c]);
		total += w[c] + (c ? 2 : 0);
	}
	while (total > width) {
		size_t best = it->ncols;

		/* another left column down to 16, then the label, then any */
		for (size_t c = 1; c < it->ncols; c++)
			if (it->align[c] == 'l' && w[c] > 16 &&
			    (best == it->ncols || w[c] > w[best]))
				best = c;
		if (best == it->ncols && it->align[0] == 'l' && w[0] > 6)
			best = 0;
		for (size_t c = 0; c < it->ncols && best == it->ncols; c++)
			if (w[c] > 6)
				best = c;
		if (best == it->ncols)
			break;
		w[best]--;
		total--;
	}
}

static void put_row(FILE *f, const struct pc_doc_item *it, char *const *cells,
		    const size_t *w)
{
	const char *pos[PC_DOC_MAX_COLS];
	bool more = true;

	for (size_t c = 0; c < it->ncols; c++)
		pos[c] = cells[c] ? cells[c] : "";
	while (more) {
		char line[1024];
		size_t off = 0;

		more = false;
		for (size_t c = 0; c < it->ncols; c++) {
			size_t skip, n = chunk(pos[c], w[c], &skip);
			size_t pad = w[c] - (n < w[c] ? n : w[c]);
			int k;

			k = snprintf(line + off, sizeof(line) - off, "%s%*s%.*s%*s",
				     c ? "  " : "",
				     it->align[c] == 'r' ? (int)pad : 0, "",
				     (int)n, pos[c],
				     it->align[c] == 'r' ? 0 : (int)pad, "");
			if (k > 0)
				off += (size_t)k < sizeof(line) - off ? (size_t)k :
					sizeof(line) - off - 1;
			pos[c] += n + skip;
			if (*pos[c])
				more = true;
		}
		while (off && line[off - 1] == ' ')
			off--;
		fprintf(f, "%.*s\n", (int)off, line);
	}
}

static void text_table(FILE *f, const struct pc_doc_item *it, size_t width)
{
	size_t w[PC_DOC_MAX_COLS], total = 0;

	fit_columns(it, width, w);
	put_row(f, it, it->head, w);
	for (size_t c = 0; c < it->ncols; c++)
		total += w[c] + (c ? 2 : 0);
	put_line(f, '-', total);
	for (size_t r = 0; r < it->nrows; r++) {
		if (it->rows[r].group)
			pc_doc_put_wrapped(f, "", "  ", it->rows[r].cell[0], width);
		else
			put_row(f, it, it->rows[r].cell, w);
	}
}

int pc_doc_write_text(const struct pc_doc *d, FILE *f, size_t width)
{
	enum kind prev = K_TITLE;

	if (d->failed)
		return PC_ERR_NOMEM;
	for (size_t i = 0; i < d->n; i++) {
		const struct pc_doc_item *it = &d->items[i];
		size_t kw = 0;

		if (i && !(it->kind == K_KV && prev == K_KV) &&
		    prev != K_HEADING && prev != K_SUB)
			fputc('\n', f);
		switch (it->kind) {
		case K_TITLE:
			pc_doc_put_wrapped(f, "", "", it->text, width);
			put_line(f, '=', strlen(it->text) < width ? strlen(it->text) : width);
			break;
		case K_HEADING:
			pc_doc_put_wrapped(f, "", "", it->text, width);
			put_line(f, '-', strlen(it->text) < width ? strlen(it->text) : width);
			break;
		case K_SUB:
			pc_doc_put_wrapped(f, "", "", it->text, width);
			break;
		case K_PARA:
			pc_doc_put_wrapped(f, "", "", it->text, width);
			break;
		case K_KV: {
			char first[64], cont[64];

			/*
			 * align values over the whole run of key/value lines; a
			 * key over KV_KEY_MAX gets a line of its own and no say
			 */
			for (size_t j = i; j < d->n && d->items[j].kind == K_KV; j++)
				if (strlen(d->items[j].key) > kw &&
				    strlen(d->items[j].key) <= KV_KEY_MAX)
					kw = strlen(d->items[j].key);
			for (size_t j = i; j > 0 && d->items[j - 1].kind == K_KV; j--)
				if (strlen(d->items[j - 1].key) > kw &&
				    strlen(d->items[j - 1].key) <= KV_KEY_MAX)
					kw = strlen(d->items[j - 1].key);
			snprintf(cont, sizeof(cont), "  %*s  ", (int)kw, "");
			if (strlen(it->key) > kw) {
				/* an over-long key gets a line of its own */
				pc_doc_put_wrapped(f, "  ", "  ", it->key, width);
				pc_doc_put_wrapped(f, cont, cont, it->text, width);
				break;
			}
			snprintf(first, sizeof(first), "  %-*s  ", (int)kw, it->key);
			pc_doc_put_wrapped(f, first, cont, it->text, width);
			break;
		}
		case K_TABLE:
			text_table(f, it, width);
			break;
		}
		prev = it->kind;
	}
	return ferror(f) ? PC_ERR_IO : PC_OK;
}

/* ---- Markdown ---- */

static void md_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|' || *s == '*' || *s == '_' || *s == '`' || *s == '<')
			fputc('\\', f);
		fputc(*s, f);
	}
}

static void md_table(FILE *f, const struct pc_doc_item *it)
{
	fputc('|', f);
	for (size_t c = 0; c < it->ncols; c++) {
		fputc(' ', f);
		md_escaped(f, it->head[c]);
		fputs(" |", f);
	}
	fputs("\n|", f);
	for (size_t c = 0; c < it->ncols; c++)
		fputs(it->align[c] == 'r' ? " ---: |" : " :--- |", f);
	fputc('\n', f);
	for (size_t r = 0; r < it->nrows; r++) {
		const struct trow *row = &it->rows[r];

		fputc('|', f);
		for (size_t c = 0; c < it->ncols; c++) {
			fputc(' ', f);
			if (row->group && !c)
				fputs("**", f);
			/* text indentation means nothing in a Markdown cell */
			md_escaped(f, row->cell[c] + strspn(row->cell[c], " "));
			if (row->group && !c)
				fputs("**", f);
			fputs(" |", f);
		}
		fputc('\n', f);
	}
}

int pc_doc_write_md(const struct pc_doc *d, FILE *f)
{
	enum kind prev = K_TITLE;

	if (d->failed)
		return PC_ERR_NOMEM;
	for (size_t i = 0; i < d->n; i++) {
		const struct pc_doc_item *it = &d->items[i];

		if (i && !(it->kind == K_KV && prev == K_KV))
			fputc('\n', f);
		switch (it->kind) {
		case K_TITLE:
			fputs("# ", f);
			md_escaped(f, it->text);
			break;
		case K_HEADING:
			fputs("## ", f);
			md_escaped(f, it->text);
			break;
		case K_SUB:
			fputs("### ", f);
			md_escaped(f, it->text);
			break;
		case K_PARA:
			md_escaped(f, it->text);
			break;
		case K_KV:
			fputs("- **", f);
			md_escaped(f, it->key);
			fputs("**: ", f);
			md_escaped(f, it->text);
			break;
		case K_TABLE:
			md_table(f, it);
			prev = it->kind;
			continue;
		}
		fputc('\n', f);
		prev = it->kind;
	}
	return ferror(f) ? PC_ERR_IO : PC_OK;
}

void pc_doc_num(char *buf, size_t len, double v)
{
	double a = fabs(v);

	if (isnan(v))
		snprintf(buf, len, "-");
	else if (a >= 1e9)
		snprintf(buf, len, "%.3g", v);
	else if (a >= 1000)
		snprintf(buf, len, "%.0f", v);
	else if (a != 0 && a < 0.01)
		snprintf(buf, len, "%.2g", v);
	else
		snprintf(buf, len, "%.4g", v);
}

void pc_doc_ci(char *buf, size_t len, double lo, double hi)
{
	char l[32], h[32];

	if (isnan(lo) || isnan(hi)) {
		snprintf(buf, len, "n/a");
		return;
	}
	pc_doc_num(l, sizeof(l), lo);
	pc_doc_num(h, sizeof(h), hi);
	snprintf(buf, len, "[%.24s, %.24s]", l, h);
}
