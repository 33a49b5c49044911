// SPDX-License-Identifier: MIT
/*
 * The probes of a bpftrace script. A script is a sequence of
 *
 *   PROBE[, PROBE...] [/predicate/] { action }
 *
 * plus, at top level, # lines (#include, #define, #!), C type
 * definitions (struct/union/enum/typedef ... ;), `config = { }`, and
 * `fn`/`macro` subprograms, all skipped. Kernel probe types are judged:
 * kprobe/kretprobe (k, kr), kfunc/kretfunc/fentry/fexit (f, fr),
 * tracepoint (t), rawtracepoint (rt). BEGIN, END, interval, profile,
 * software, hardware are no probe points and are left out; uprobe, usdt,
 * watchpoint and iter probes are no kernel points, and like a +offset
 * (and a module-qualified probe when A's dump has no module files) are
 * listed as not_covered; kprobe:MOD:FN is judged as MOD's function;
 * a name from a positional parameter ($1) is unresolved. Any other type
 * is a file:line error.
 */
#include <stdio.h>
#include <string.h>

#include "churn.h"
#include "churn_lex.h"
#include "errors.h"

static bool word_is(const char *p, const char *w)
{
	size_t n = strlen(w);

	return !strncmp(p, w, n) && !churn_lex_ident(p[n]);
}

static bool in_list(const char *t, const char *const *l)
{
	for (; *l; l++)
		if (!strcmp(t, *l))
			return true;
	return false;
}

/* bpftrace names: letters, digits, _ . and wildcards */
static bool valid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(churn_lex_ident(*s) || *s == '*' || *s == '?' || *s == '.'))
			return false;
	return true;
}

static const char *const no_point[] = {
	"BEGIN", "END", "interval", "i", "profile", "p", "software", "s",
	"hardware", "h", "self", "bench", "test", NULL,
};
static const char *const user_side[] = {
	"uprobe", "u", "uretprobe", "ur", "usdt", "U", "watchpoint", "w",
	"asyncwatchpoint", "aw", "iter", "it", NULL,
};
static const char *const func_types[] = {
	"kprobe", "k", "kretprobe", "kr", "kfunc", "kretfunc", "fentry", "fexit",
	"f", "fr", NULL,
};

/* One probe of a header, as written (NUL-terminated copy). */
static int probe(struct churn_lex *s, size_t line, char *tok)
{
	struct churn_probes *pl = s->pl;
	char *colon = strchr(tok, ':'), *rest, pre[64], why[600];

	if (colon)
		*colon = '\0';
	rest = colon ? colon + 1 : tok + strlen(tok);
	if (in_list(tok, no_point))
		return PC_OK;
	if (in_list(tok, user_side)) {
		/* a point of a program (or a watchpoint, an iterator): listed, not judged */
		snprintf(why, sizeof(why), "a %.60s probe: not a kernel function or trace event, which is all churn compares",
			 tok);
		if (colon)
			*colon = ':';
		return churn_probe_note(pl, line, tok, "not_covered", why);
	}
	if (colon)
		*colon = ':';
	if (strchr(tok, '$')) {
		snprintf(why, sizeof(why), "the name is a positional parameter, given at run time");
		return churn_probe_note(pl, line, tok, "unresolved", why);
	}
	if (!colon) {
		snprintf(why, sizeof(why), "'%.200s': expected a probe such as kprobe:FUNC, tracepoint:SYS:EVENT or BEGIN",
			 tok);
		return churn_lex_fail(s, line, why);
	}
	*colon = '\0';
	snprintf(pre, sizeof(pre), "%.60s:", tok);
	if (in_list(tok, func_types)) {
		char *mod = strchr(rest, ':');

		*colon = ':';
		if (strchr(rest, '+'))
			return churn_probe_note(pl, line, tok, "not_covered",
						"a +offset: the function's code decides, not its name");
		if (mod) {
			*mod = '\0';
			if (strcmp(rest, "vmlinux") && !pl->a->have_modules) {
				snprintf(why, sizeof(why), "in module %.200s, and A's dump has no module files: %.300s",
					 rest, pl->a->why_modules);
				*mod = ':';
				return churn_probe_note(pl, line, tok, "not_covered", why);
			}
			if (strcmp(rest, "vmlinux")) {
				bool good = valid_name(rest) && !strchr(rest, '.') && valid_name(mod + 1);

				*mod = ':';
				if (!good) {
					snprintf(why, sizeof(why), "'%.200s': expected a module and a function name (letters, digits, _ . and wildcards)",
						 tok);
					return churn_lex_fail(s, line, why);
				}
				/* shown as written: kprobe:MOD:FN */
				return churn_probe_point(pl, line, pre, "", CHURN_PK_FUNC, rest, false,
							 s->err, s->len);
			}
			snprintf(pre, sizeof(pre), "%.*s:vmlinux:", (int)(colon - tok), tok);
			rest = mod + 1;
		}
		if (!valid_name(rest)) {
			snprintf(why, sizeof(why), "'%.200s': expected a function name (letters, digits, _ . and wildcards)",
				 tok);
			return churn_lex_fail(s, line, why);
		}
		return churn_probe_point(pl, line, pre, "", CHURN_PK_FUNC, rest, false,
					 s->err, s->len);
	}
	if (!strcmp(tok, "tracepoint") || !strcmp(tok, "t")) {
		char *c2 = strchr(rest, ':');
		bool good = c2 && !strchr(c2 + 1, ':');

		if (good) {
			*c2 = '\0';
			good = valid_name(rest) && valid_name(c2 + 1);
			*c2 = ':';
		}
		*colon = ':';
		if (!good) {
			snprintf(why, sizeof(why), "'%.200s': expected tracepoint:SUBSYSTEM:EVENT", tok);
			return churn_lex_fail(s, line, why);
		}
		return churn_probe_point(pl, line, pre, "", CHURN_PK_EVENT, rest, false,
					 s->err, s->len);
	}
	if (!strcmp(tok, "rawtracepoint") || !strcmp(tok, "rt")) {
		char *mod = strchr(rest, ':');

		*colon = ':';
		if (mod) {
			*mod = '\0';
			if (strcmp(rest, "vmlinux") && !pl->a->have_modules) {
				snprintf(why, sizeof(why), "in module %.200s, and A's dump has no module files: %.300s",
					 rest, pl->a->why_modules);
				*mod = ':';
				return churn_probe_note(pl, line, tok, "not_covered", why);
			}
			/* an event is named by SYS:EVENT, whichever module defines it */
			rest = mod + 1;
		}
		if (!valid_name(rest)) {
			snprintf(why, sizeof(why), "'%.200s': expected rawtracepoint:EVENT", tok);
			return churn_lex_fail(s, line, why);
		}
		/* a raw tracepoint is named by its event alone: shown as SYS:EVENT */
		return churn_probe_point(pl, line, pre, "", CHURN_PK_RAWTP, rest, false,
					 s->err, s->len);
	}
	snprintf(why, sizeof(why), "probe type '%.100s' is not one churn knows; expected kprobe, kretprobe, kfunc, kretfunc, fentry, fexit, tracepoint, rawtracepoint (or BEGIN, END, uprobe... which are not judged)",
		 tok);
	return churn_lex_fail(s, line, why);
}

/*
 * From the '/' opening a predicate at s->p to the '{' of the action. The
 * predicate may divide (/arg0 / 2 == 1/), so it closes at the last '/'
 * before that '{', which only blanks may follow: "/arg0 == 1 {" is a
 * predicate never closed.
 */
static int predicate(struct churn_lex *s)
{
	size_t start = s->line;
	const char *last = NULL;	/* the last non-blank character after the opening '/' */
	int ret;

	churn_lex_adv(s, 1);
	while (*s->p && *s->p != '{') {
		if (*s->p == '"') {
			ret = churn_lex_quoted(s);
			if (ret != PC_OK)
				return ret;
			last = s->p - 1;
			continue;
		}
		if (!strchr(" \t\r\n", *s->p))
			last = s->p;
		churn_lex_adv(s, 1);
	}
	if (!last || *last != '/')
		return churn_lex_fail(s, start, *s->p ?
				      "a /predicate that never closes; expected '/' before the { action }" :
				      "a /predicate that never closes, and no { action }; expected /predicate/ { action }");
	return PC_OK;
}

/* PROBE[, PROBE] [/pred/] up to the '{' of the action. */
static int header(struct churn_lex *s)
{
	int ret;

	for (;;) {
		char tok[512];
		size_t n = 0, line;
		bool path = false;

		ret = churn_lex_space(s);
		if (ret != PC_OK)
			return ret;
		line = s->line;
		/* a probe ends at a blank, ',', '{', or a predicate's '/' (not in a path) */
		while (*s->p && !strchr(" \t\r\n,{", *s->p) && !(*s->p == '/' && !path)) {
			if (n + 1 >= sizeof(tok))
				return churn_lex_fail(s, line, "a probe longer than 511 characters");
			if (*s->p == '"') {
				const char *q = s->p;

				ret = churn_lex_quoted(s);
				if (ret != PC_OK)
					return ret;
				if (n + (size_t)(s->p - q) + 1 >= sizeof(tok))
					return churn_lex_fail(s, line, "a probe longer than 511 characters");
				memcpy(tok + n, q, (size_t)(s->p - q));
				n += (size_t)(s->p - q);
				continue;
			}
			tok[n++] = *s->p++;
			tok[n] = '\0';
			/* uprobe:/bin/sh:fn, usdt:/path:...: '/' is part of the path */
			path = (!strncmp(tok, "u", 1) || !strncmp(tok, "U", 1)) && strchr(tok, ':');
		}
		tok[n] = '\0';
		if (!n)
			return churn_lex_fail(s, line, *s->p ? "expected a probe before ',', '/' or '{'" :
						     "expected a probe header and its { action }");
		ret = probe(s, line, tok);
		if (ret != PC_OK)
			return ret;
		ret = churn_lex_space(s);
		if (ret != PC_OK)
			return ret;
		if (*s->p == ',') {
			s->p++;
			continue;
		}
		if (*s->p == '/') {
			ret = predicate(s);
			if (ret != PC_OK)
				return ret;
		}
		if (*s->p != '{') {
			char why[700];

			snprintf(why, sizeof(why), "after '%.200s': expected ',', a /predicate/ or the { action }",
				 tok);
			return churn_lex_fail(s, s->line, why);
		}
		return churn_lex_block(s);
	}
}

int churn_parse_bt(struct churn_probes *pl, const char *text, char *err, size_t len)
{
	struct churn_lex s = { .pl = pl, .p = text, .line = 1, .err = err, .len = len,
				 .char_literals = true };
	int ret = PC_OK;

	while (ret == PC_OK) {
		ret = churn_lex_space(&s);
		if (ret != PC_OK || !*s.p)
			break;
		if (*s.p == '#') {
			s.p += strcspn(s.p, "\n");
		} else if (word_is(s.p, "struct") || word_is(s.p, "union") ||
			   word_is(s.p, "enum") || word_is(s.p, "typedef")) {
			/* a C definition: up to its ';' outside braces */
			size_t start = s.line;

			while (ret == PC_OK && *s.p && *s.p != ';') {
				if (*s.p == '{')
					ret = churn_lex_block(&s);
				else
					s.line += *s.p++ == '\n';
			}
			if (ret == PC_OK && !*s.p)
				ret = churn_lex_fail(&s, start, "a C type definition without its ';'");
			s.p += *s.p == ';';
		} else if (word_is(s.p, "config") || word_is(s.p, "fn") || word_is(s.p, "macro")) {
			size_t start = s.line;

			while (*s.p && *s.p != '{')
				s.line += *s.p++ == '\n';
			ret = *s.p ? churn_lex_block(&s) :
			      churn_lex_fail(&s, start, "expected the { block } of a config, fn or macro");
		} else {
			ret = header(&s);
		}
	}
	return ret;
}
