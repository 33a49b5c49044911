/* SPDX-License-Identifier: MIT */
/*
 * CSV in and out, through libcsv.
 *
 * Writing: a file is written under "<path>.part" and renamed onto <path>
 * when committed, so a reader never sees a half-written final file while
 * the .part grows row by row (each row is flushed when it ends). Fields
 * are quoted by libcsv exactly when they need it (comma, quote, CR/LF or
 * surrounding blanks), so plain numbers stay plain for gnuplot.
 *
 * Reading: the whole file into a table of strings, strict about quoting,
 * with the physical line each row ended on, so errors can say file:line.
 */
#ifndef PC_CSVIO_H
#define PC_CSVIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct pc_csvw {
	FILE *f;
	char *path;	/* final name */
	char *part;	/* name while writing */
	size_t ncols;
	size_t col;	/* fields in the current row */
	char *row;	/* the current row, written out by pc_csvw_endrow() */
	size_t rowlen, rowcap;
	bool failed;
};

/* Create @path.part and write the header row. */
int pc_csvw_open(struct pc_csvw *w, const char *path,
		 const char *const *header, size_t ncols);
/* Write to an open stream (stdout); close neither closes nor renames. */
int pc_csvw_stream(struct pc_csvw *w, FILE *f, const char *const *header,
		   size_t ncols);
int pc_csvw_str(struct pc_csvw *w, const char *s);
int pc_csvw_u64(struct pc_csvw *w, uint64_t v);
/* NaN is written as an empty field: "no value", never a fake number. */
int pc_csvw_dbl(struct pc_csvw *w, double v);
/* End the row (checks the field count) and flush it to the file. */
int pc_csvw_endrow(struct pc_csvw *w);
/*
 * Close; with @commit rename .part onto the final name. Without, the
 * .part stays: what an interrupted run leaves, which readers refuse.
 */
int pc_csvw_close(struct pc_csvw *w, bool commit);
/* Close and remove the .part: a file that must not be, not even in part. */
void pc_csvw_discard(struct pc_csvw *w);

struct pc_table {
	char *path;
	size_t ncols;
	char **header;		/* ncols names */
	size_t nrows;		/* data rows, header excluded */
	char **cells;		/* nrows * ncols */
	size_t *line;		/* physical line each data row ended on */
};

/*
 * Load @path. Errors (PC_ERR_IO, PC_ERR_INVAL) carry "file:line: what was
 * expected" in @err. @need lists columns that must be present (NULL-
 * terminated, may be NULL).
 */
int pc_table_load(const char *path, const char *const *need,
		  struct pc_table *t, char *err, size_t errlen);
/* Column index of @name, or -1. */
int pc_table_col(const struct pc_table *t, const char *name);
static inline const char *pc_table_cell(const struct pc_table *t, size_t row,
					int col)
{
	return col < 0 ? "" : t->cells[row * t->ncols + (size_t)col];
}
void pc_table_free(struct pc_table *t);

/* Strict number parse of a cell; empty gives NaN and PC_OK. */
int pc_parse_dbl(const char *s, double *v);

#endif
