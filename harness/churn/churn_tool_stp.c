// SPDX-License-Identifier: MIT
/*
 * The probes of a SystemTap script: every `probe POINT[, POINT] { }`
 * and `probe ALIAS = POINT[, POINT] { }` at top level. Judged:
 *
 *   kernel.function("NAME[@file[:line]]")[.call|.return|...]
 *   kprobe.function("NAME")[.return]
 *   kernel.trace("EVENT") or kernel.trace("SYS:EVENT")
 *
 * with wildcards in NAME and EVENT; module("M").function("NAME") and
 * kprobe.module("M").function("NAME") (M a name or a glob) are judged as
 * M:NAME when A's dump has module files, else not_covered. Not covered
 * either: kernel.statement/kernel.data, a wildcard
 * restricted to a source file (a dump has no file of a function) and
 * tapset aliases (syscall.read: SystemTap's tapsets name their kernel
 * points). begin, end, error, never, timer.*, perf.*, procfs.* are no
 * probe points and process(...) probes no kernel points: left out. A point whose name is no string literal (@1, $1, a
 * macro) is unresolved. Comments (#, //, / * * /), strings, %{ C %} and
 * the %( %? %: %) conditionals are skipped; both branches of a
 * conditional are read.
 */
#include <stdio.h>
#include <string.h>

#include "churn.h"
#include "churn_lex.h"
#include "errors.h"

static bool valid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(churn_lex_ident(*s) || *s == '*' || *s == '?' || *s == '.' || *s == '[' ||
		      *s == ']' || *s == '-'))
			return false;
	return true;
}

/* One component of a point: NAME or NAME(ARG); @arg gets ARG as written. */
struct comp {
	char name[128];
	char arg[512];
	bool has_arg, literal;	/* ARG was one "string" */
};

static int component(struct churn_lex *s, struct comp *c)
{
	size_t n = 0;
	int ret;

	memset(c, 0, sizeof(*c));
	while (churn_lex_ident(*s->p) || *s->p == '*') {
		if (n + 1 < sizeof(c->name))
			c->name[n++] = *s->p;
		churn_lex_adv(s, 1);
	}
	if (!n)
		return churn_lex_fail(s, s->line, "expected a probe point such as kernel.function(\"NAME\")");
	ret = churn_lex_space(s);
	if (ret != PC_OK || *s->p != '(')
		return ret;
	c->has_arg = true;
	churn_lex_adv(s, 1);
	ret = churn_lex_space(s);
	if (ret != PC_OK)
		return ret;
	{
		const char *b = s->p;
		size_t line = s->line;

		if (*s->p == '"') {
			ret = churn_lex_quoted(s);
			if (ret != PC_OK)
				return ret;
			c->literal = true;
		}
		while (*s->p && *s->p != ')' && *s->p != '\n') {
			c->literal = c->literal && (*s->p == ' ' || *s->p == '\t');
			churn_lex_adv(s, 1);
		}
		if (*s->p != ')')
			return churn_lex_fail(s, line, "a probe point's ( without its ); expected (\"NAME\")");
		n = (size_t)(s->p - b);
		while (n && (b[n - 1] == ' ' || b[n - 1] == '\t'))
			n--;
		if (c->literal) {
			/* the string's contents, no escapes in kernel names */
			b++;
			n = (size_t)(strchr(b, '"') - b);
		}
		snprintf(c->arg, sizeof(c->arg), "%.*s", (int)n, b);
		churn_lex_adv(s, 1);
	}
	return PC_OK;
}

static bool is(const struct comp *c, const char *name)
{
	return !strcmp(c->name, name);
}

/*
 * The .call/.return... components from @from on, as written, into @suf
 * after @suf's own text; false for an inline, statement or label point.
 */
static bool suffixes(const struct comp *c, size_t from, size_t nc, char *suf, size_t len)
{
	for (size_t i = from; i < nc; i++) {
		size_t n = strlen(suf);

		if (!is(&c[i], "return") && !is(&c[i], "call") && !is(&c[i], "exported") &&
		    !is(&c[i], "maxactive"))
			return false;
		snprintf(suf + n, len - n, c[i].has_arg ? ".%s(%s)" : ".%s%s", c[i].name,
			 c[i].has_arg ? c[i].arg : "");
	}
	return true;
}

/* [kprobe.]module("M").function("NAME")[.return]: judged as M:NAME */
static int module_point(struct churn_lex *s, size_t line, struct comp *c, size_t nc,
			const char *text)
{
	struct churn_probes *pl = s->pl;
	size_t m = is(&c[0], "module") ? 0 : 1;
	char pre[700], suf[800], name[512], why[700], *at;

	if (!c[m].has_arg || !c[m].arg[0]) {
		snprintf(why, sizeof(why), "'%.200s': expected module(\"NAME\")", text);
		return churn_lex_fail(s, line, why);
	}
	if (!c[m].literal) {
		snprintf(why, sizeof(why), "the module %.200s is given at run time (a script argument or macro)",
			 c[m].arg);
		return churn_probe_note(pl, line, text, "unresolved", why);
	}
	if (!pl->a->have_modules) {
		snprintf(why, sizeof(why), "in module %.200s, and A's dump has no module files: %.300s",
			 c[m].arg, pl->a->why_modules);
		return churn_probe_note(pl, line, text, "not_covered", why);
	}
	if (nc < m + 2 || !is(&c[m + 1], "function"))
		return churn_probe_note(pl, line, text, "not_covered",
					"a module's point other than a function's entry or return");
	if (!c[m + 1].has_arg || !c[m + 1].arg[0]) {
		snprintf(why, sizeof(why), "'%.200s': expected function(\"NAME\")", text);
		return churn_lex_fail(s, line, why);
	}
	if (!c[m + 1].literal) {
		snprintf(why, sizeof(why), "the name %.200s is given at run time (a script argument or macro)",
			 c[m + 1].arg);
		return churn_probe_note(pl, line, text, "unresolved", why);
	}
	snprintf(name, sizeof(name), "%s", c[m + 1].arg);
	at = strchr(name, '@');
	snprintf(suf, sizeof(suf), "%s\")", at ? strchr(c[m + 1].arg, '@') : "");
	if (!suffixes(c, m + 2, nc, suf, sizeof(suf)))
		return churn_probe_note(pl, line, text, "not_covered",
					"an inline instance, a statement or a label: not a whole function's entry or return");
	if (at) {
		*at = '\0';
		if (strpbrk(name, "*?["))
			return churn_probe_note(pl, line, text, "not_covered",
						"a wildcard restricted to a source file: a dump has no file of a function");
	}
	if (strpbrk(name, ":+") || !valid_name(name) || strchr(c[m].arg, ':') ||
	    !valid_name(c[m].arg)) {
		snprintf(why, sizeof(why), "'%.200s': expected a module and a function name (letters, digits, _ . and wildcards)",
			 text);
		return churn_lex_fail(s, line, why);
	}
	snprintf(pre, sizeof(pre), "%smodule(\"%s\").function(\"", m ? "kprobe." : "", c[m].arg);
	return churn_probe_module(pl, line, pre, suf, c[m].arg, name, true, s->err, s->len);
}

/* Judge one point made of @nc components, written as @text. */
static int point(struct churn_lex *s, size_t line, struct comp *c, size_t nc, const char *text)
{
	struct churn_probes *pl = s->pl;
	char pre[300], suf[800], name[512], why[700], *at;
	bool func;

	if (is(&c[0], "begin") || is(&c[0], "end") || is(&c[0], "error") ||
	    is(&c[0], "never") || is(&c[0], "timer") || is(&c[0], "perf") ||
	    is(&c[0], "procfs"))
		return PC_OK;
	if (is(&c[0], "process") || is(&c[0], "java") || is(&c[0], "python2") ||
	    is(&c[0], "python3"))
		return PC_OK;	/* user space */
	if ((is(&c[0], "module") || (is(&c[0], "kprobe") && nc > 1 && is(&c[1], "module"))))
		return module_point(s, line, c, nc, text);
	if (!(is(&c[0], "kernel") || is(&c[0], "kprobe")) || c[0].has_arg || nc < 2)
		return churn_probe_note(pl, line, text, "not_covered",
					"a tapset or script alias: where it is defined names its kernel points");
	func = is(&c[1], "function");
	if (!func && !(is(&c[0], "kernel") && is(&c[1], "trace")))
		return churn_probe_note(pl, line, text, "not_covered",
					"not a function entry or return, nor a tracepoint");
	if (!c[1].has_arg || !c[1].arg[0]) {
		snprintf(why, sizeof(why), "'%.200s': expected %s(\"NAME\")", text,
			 func ? "function" : "trace");
		return churn_lex_fail(s, line, why);
	}
	if (!c[1].literal) {
		snprintf(why, sizeof(why), "the name %.200s is given at run time (a script argument or macro)",
			 c[1].arg);
		return churn_probe_note(pl, line, text, "unresolved", why);
	}
	/* shown as written: the name judged between @pre and @suf */
	snprintf(name, sizeof(name), "%s", c[1].arg);
	at = func ? strchr(name, '@') : NULL;
	snprintf(suf, sizeof(suf), "%s\")", at ? strchr(c[1].arg, '@') : "");
	if (!suffixes(c, 2, nc, suf, sizeof(suf)))
		return churn_probe_note(pl, line, text, "not_covered",
					"an inline instance, a statement or a label: not a whole function's entry or return");
	snprintf(pre, sizeof(pre), "%s.%s(\"", c[0].name, c[1].name);
	if (func) {
		if (at) {
			*at = '\0';
			if (strpbrk(name, "*?["))
				return churn_probe_note(pl, line, text, "not_covered",
							"a wildcard restricted to a source file: a dump has no file of a function");
		}
		if (strpbrk(name, ":+") || !valid_name(name)) {
			snprintf(why, sizeof(why), "'%.200s': expected a function name (letters, digits, _ . and wildcards) before any @file",
				 text);
			return churn_lex_fail(s, line, why);
		}
		return churn_probe_point(pl, line, pre, suf, CHURN_PK_FUNC, name, false,
					 s->err, s->len);
	}
	{
		char *c2 = strchr(name, ':');
		bool good = c2 ? (*c2 = '\0', valid_name(name) && valid_name(c2 + 1) &&
					      !strchr(c2 + 1, ':')) : valid_name(name);

		if (c2)
			*c2 = ':';
		if (!good) {
			snprintf(why, sizeof(why), "'%.200s': expected trace(\"EVENT\") or trace(\"SYSTEM:EVENT\")",
				 text);
			return churn_lex_fail(s, line, why);
		}
		return churn_probe_point(pl, line, pre, suf, c2 ? CHURN_PK_EVENT : CHURN_PK_RAWTP,
					 name, false, s->err, s->len);
	}
}

/* After `probe`: [ALIAS = | ALIAS +=] POINT[, POINT] then { body } */
static int probe(struct churn_lex *s)
{
	int ret = churn_lex_space(s);
	const char *save = s->p;
	size_t save_line = s->line;

	if (ret != PC_OK)
		return ret;
	/* an alias definition: NAME[.NAME] = or += */
	while (churn_lex_ident(*s->p) || *s->p == '.')
		churn_lex_adv(s, 1);
	ret = churn_lex_space(s);
	if (ret != PC_OK)
		return ret;
	if (*s->p == '=' || (s->p[0] == '+' && s->p[1] == '=')) {
		churn_lex_adv(s, *s->p == '=' ? 1 : 2);
	} else {
		s->p = save;
		s->line = save_line;
	}
	for (;;) {
		struct comp c[8];
		size_t nc = 0, line, n;
		const char *b;
		char text[700];

		ret = churn_lex_space(s);
		if (ret != PC_OK)
			return ret;
		b = s->p;
		line = s->line;
		for (;;) {
			if (nc == sizeof(c) / sizeof(c[0]))
				return churn_lex_fail(s, line, "a probe point of more than 8 components");
			ret = component(s, &c[nc++]);
			if (ret != PC_OK)
				return ret;
			if (*s->p != '.')
				break;
			churn_lex_adv(s, 1);
		}
		n = (size_t)(s->p - b);
		while (n && strchr(" \t\r\n", b[n - 1]))
			n--;
		snprintf(text, sizeof(text), "%.*s", (int)n, b);
		ret = churn_lex_space(s);
		if (ret == PC_OK && (*s->p == '?' || *s->p == '!'))
			churn_lex_adv(s, 1);
		if (ret == PC_OK)
			ret = point(s, line, c, nc, text);
		if (ret == PC_OK)
			ret = churn_lex_space(s);
		if (ret != PC_OK)
			return ret;
		if (s->p[0] == 'i' && s->p[1] == 'f' && !churn_lex_ident(s->p[2])) {
			/* a condition: if (expr) */
			while (*s->p && *s->p != '{' && *s->p != ',')
				churn_lex_adv(s, 1);
		}
		if (*s->p == ',') {
			churn_lex_adv(s, 1);
			continue;
		}
		if (*s->p != '{') {
			char why[800];

			snprintf(why, sizeof(why), "after '%.200s': expected ',' or the probe's { body }",
				 text);
			return churn_lex_fail(s, s->line, why);
		}
		return churn_lex_block(s);
	}
}

int churn_parse_stp(struct churn_probes *pl, const char *text, char *err, size_t len)
{
	struct churn_lex s = { .pl = pl, .p = text, .line = 1, .err = err, .len = len,
				 .hash_comments = true, .stap_markers = true };
	int ret = PC_OK;

	while (ret == PC_OK) {
		ret = churn_lex_space(&s);
		if (ret != PC_OK || !*s.p)
			break;
		if (*s.p == '"') {
			ret = churn_lex_quoted(&s);
		} else if (*s.p == '{') {
			ret = churn_lex_block(&s);
		} else if (!strncmp(s.p, "probe", 5) && !churn_lex_ident(s.p[5]) &&
			   (s.p == text || !churn_lex_ident(s.p[-1]))) {
			churn_lex_adv(&s, 5);
			ret = probe(&s);
		} else if (churn_lex_ident(*s.p)) {
			while (churn_lex_ident(*s.p))
				churn_lex_adv(&s, 1);
		} else {
			churn_lex_adv(&s, 1);
		}
	}
	return ret;
}
