/* SPDX-License-Identifier: MIT */
/*
 * A tiny document model so the text report and the Markdown report say
 * exactly the same thing: build it once (headings, key/value lines,
 * paragraphs, tables), then render it twice.
 *
 * Text rendering keeps every line within a width (72 for e-mail): a
 * paragraph or a value is word-wrapped; a table column that does not fit
 * is wrapped inside its cell onto continuation lines, never truncated.
 * A "group" table row (only its first cell set) is printed across the
 * full width, e.g. a mechanism name above its per-state rows.
 */
#ifndef PC_DOC_H
#define PC_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define PC_DOC_MAX_COLS 8

struct pc_doc_item;

struct pc_doc {
	struct pc_doc_item *items;
	size_t n, cap;
	bool failed;		/* out of memory somewhere: render refuses */
};

/*
 * A figure as every table of the report writes it: "-" for NaN, 4
 * significant digits, whole numbers from 1000, %g beyond 1e9 and below
 * 0.01, so a summary cell reads exactly as its row.
 */
void pc_doc_num(char *buf, size_t len, double v);
/* "[lo, hi]" in pc_doc_num()'s format, "n/a" when either is NaN. */
void pc_doc_ci(char *buf, size_t len, double lo, double hi);

void pc_doc_init(struct pc_doc *d);
void pc_doc_free(struct pc_doc *d);

void pc_doc_title(struct pc_doc *d, const char *text);
void pc_doc_heading(struct pc_doc *d, const char *text);
void pc_doc_subheading(struct pc_doc *d, const char *text);
void pc_doc_para(struct pc_doc *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pc_doc_kv(struct pc_doc *d, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* @align: one char per column, 'l' or 'r'. */
void pc_doc_table(struct pc_doc *d, size_t ncols, const char *const *head,
		  const char *align);
/* A row of the last table; NULL cells are empty. */
void pc_doc_row(struct pc_doc *d, const char *const *cells);
/* A full-width group row in the last table. */
void pc_doc_group(struct pc_doc *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

int pc_doc_write_text(const struct pc_doc *d, FILE *f, size_t width);
/*
 * @text on @f within @width columns as the text rendering wraps it: the
 * first line after @first, continuation lines after @cont.
 */
void pc_doc_put_wrapped(FILE *f, const char *first, const char *cont, const char *text,
			size_t width);
int pc_doc_write_md(const struct pc_doc *d, FILE *f);

#endif
