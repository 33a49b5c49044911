// SPDX-License-Identifier: MIT
/* Scanning tool scripts: blanks, comments, strings, blocks (churn_lex.h). */
#include <stdio.h>
#include <string.h>

#include "churn.h"
#include "churn_lex.h"
#include "errors.h"

bool churn_lex_ident(int c)
{
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

int churn_lex_fail(struct churn_lex *s, size_t line, const char *what)
{
	snprintf(s->err, s->len, "%s:%zu: %s", s->pl->path, line, what);
	return PC_ERR_INVAL;
}

void churn_lex_adv(struct churn_lex *s, size_t n)
{
	for (; n && *s->p; n--)
		s->line += *s->p++ == '\n';
}

/* Past @close, which must come: an unclosed opener is bad input. */
static int skip_past(struct churn_lex *s, const char *close, const char *what)
{
	const char *e = strstr(s->p + 2, close);

	if (!e)
		return churn_lex_fail(s, s->line, what);
	churn_lex_adv(s, (size_t)(e + strlen(close) - s->p));
	return PC_OK;
}

int churn_lex_space(struct churn_lex *s)
{
	for (;;) {
		const char *p = s->p;

		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '\f') {
			churn_lex_adv(s, 1);
		} else if ((p[0] == '/' && p[1] == '/') || (*p == '#' && s->hash_comments)) {
			s->p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			if (skip_past(s, "*/", "a /* comment that never ends; expected */") != PC_OK)
				return PC_ERR_INVAL;
		} else if (s->stap_markers && p[0] == '%' && p[1] && strchr("(?:)", p[1])) {
			churn_lex_adv(s, 2);
		} else if (s->stap_markers && p[0] == '%' && p[1] == '{') {
			if (skip_past(s, "%}", "an embedded C block %{ that never ends; expected %}") != PC_OK)
				return PC_ERR_INVAL;
		} else {
			return PC_OK;
		}
	}
}

int churn_lex_quoted(struct churn_lex *s)
{
	char q = *s->p;
	size_t start = s->line;

	churn_lex_adv(s, 1);
	while (*s->p && *s->p != q) {
		if (*s->p == '\\' && s->p[1])
			churn_lex_adv(s, 1);
		churn_lex_adv(s, 1);
	}
	if (!*s->p)
		return churn_lex_fail(s, start, q == '"' ? "a string that never ends; expected \"" :
						     "a character literal that never ends; expected '");
	churn_lex_adv(s, 1);
	return PC_OK;
}

int churn_lex_block(struct churn_lex *s)
{
	size_t start = s->line;
	int depth = 0, ret;

	do {
		ret = churn_lex_space(s);
		if (ret != PC_OK)
			return ret;
		if (!*s->p)
			return churn_lex_fail(s, start, "a block { that never closes; expected }");
		if (*s->p == '"' || (*s->p == '\'' && s->char_literals)) {
			ret = churn_lex_quoted(s);
			if (ret != PC_OK)
				return ret;
			continue;
		}
		depth += *s->p == '{';
		depth -= *s->p == '}';
		churn_lex_adv(s, 1);
	} while (depth > 0);
	return PC_OK;
}
