/* SPDX-License-Identifier: MIT */
/*
 * The scanning bpftrace and SystemTap scripts share (churn_tool_bt.c,
 * churn_tool_stp.c): C-like blanks and comments, quoted strings, and
 * { blocks } skipped whole, with the line kept for file:line messages.
 * The two languages differ in a few lexical details, chosen per script
 * by the flags.
 */
#ifndef PC_CHURN_LEX_H
#define PC_CHURN_LEX_H

#include <stdbool.h>
#include <stddef.h>

struct churn_probes;

struct churn_lex {
	struct churn_probes *pl;	/* the file being read (its path) */
	const char *p;			/* next character */
	size_t line;			/* of p, from 1 */
	char *err;			/* "path:line: what" on failure */
	size_t len;
	bool hash_comments;	/* '#' starts a comment (SystemTap) */
	bool stap_markers;	/* %( %? %: %) and %{ embedded C %} (SystemTap) */
	bool char_literals;	/* 'c' is a literal, skipped like a string (bpftrace) */
};

/* A character of an identifier: [A-Za-z0-9_]. */
bool churn_lex_ident(int c);
/* Store "path:@line: @what" and return PC_ERR_INVAL (exit 2: bad input). */
int churn_lex_fail(struct churn_lex *s, size_t line, const char *what);
/* Past @n characters (or the end), counting newlines. */
void churn_lex_adv(struct churn_lex *s, size_t n);
/* Past blanks, newlines and comments; PC_ERR_INVAL on an unclosed one. */
int churn_lex_space(struct churn_lex *s);
/* Past the "string" (or 'c' with char_literals) at s->p. */
int churn_lex_quoted(struct churn_lex *s);
/* From the '{' at s->p past its matching '}', strings and comments skipped. */
int churn_lex_block(struct churn_lex *s);

#endif
