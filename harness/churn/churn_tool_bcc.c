// SPDX-License-Identifier: MIT
/*
 * The probes of a BCC Python tool, found by what BCC attaches:
 *
 *   attach_kprobe(event="NAME"), attach_kretprobe(...)   (or event_re=)
 *   attach_tracepoint(tp="SYS:EVENT")                    (or tp_re=)
 *   attach_raw_tracepoint(tp="EVENT")
 *   in the C text: TRACEPOINT_PROBE(SYS, EVENT), RAW_TRACEPOINT_PROBE(EVENT),
 *   KFUNC_PROBE(NAME, ...), KRETFUNC_PROBE(NAME, ...), and functions named
 *   kprobe__NAME / kretprobe__NAME, which BCC attaches by their name.
 *
 * The first argument may also be positional. A name that is not one
 * string literal (a variable, a concatenation, a % format, a call such
 * as get_syscall_fnname()) is built at run time: listed as unresolved
 * with the expression, never guessed. So is a kprobe__ name followed by
 * a format (kprobe__%s). Lines that are Python comments (#, but not C's
 * #include/#define/#if...) or C comments (//, / *, *) are not read.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "churn.h"
#include "errors.h"

struct bcc {
	struct churn_probes *pl;
	const char *text;
	char *err;
	size_t len;
};

static bool ident(int c)
{
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

static size_t line_of(const struct bcc *b, const char *at)
{
	size_t line = 1;

	for (const char *p = b->text; p < at; p++)
		line += *p == '\n';
	return line;
}

static int fail(struct bcc *b, const char *at, const char *what)
{
	snprintf(b->err, b->len, "%s:%zu: %s", b->pl->path, line_of(b, at), what);
	return PC_ERR_INVAL;
}

/* Is @at on a comment line, Python's or C's? */
static bool commented(const struct bcc *b, const char *at)
{
	const char *l = at;

	while (l > b->text && l[-1] != '\n')
		l--;
	while (*l == ' ' || *l == '\t')
		l++;
	if (*l == '#')
		return strncmp(l, "#include", 8) && strncmp(l, "#define", 7) &&
		       strncmp(l, "#if", 3) && strncmp(l, "#el", 3) && strncmp(l, "#endif", 6);
	return !strncmp(l, "//", 2) || !strncmp(l, "/*", 2) || *l == '*';
}

/* Past a Python string literal at @p ('..', "..", '''..''', """..""") */
static const char *past_string(const char *p)
{
	char q = *p;

	if (p[1] == q && p[2] == q) {
		const char *e = p + 3;

		while (*e && !(e[0] == q && e[1] == q && e[2] == q))
			e += e[0] == '\\' && e[1] ? 2 : 1;
		return *e ? e + 3 : NULL;
	}
	for (p++; *p && *p != q && *p != '\n'; p++)
		if (*p == '\\' && p[1])
			p++;
	return *p == q ? p + 1 : NULL;
}

/* One argument of a call, as written: [kw=]value, blanks trimmed. */
struct arg {
	char kw[32];
	const char *v;
	size_t vn;
};

/* The arguments of the call whose '(' is at @p; @end past its ')'. */
static int call_args(struct bcc *b, const char *p, struct arg *args, size_t max,
		     size_t *nargs, const char **end)
{
	const char *open = p, *start = ++p;
	int depth = 0;

	*nargs = 0;
	for (;; p++) {
		if (*p == '"' || *p == '\'') {
			const char *e = past_string(p);

			if (!e)
				return fail(b, p, "a string that never ends inside the call; expected its closing quote");
			p = e - 1;
			continue;
		}
		if (!*p)
			return fail(b, open, "a call's ( without its closing ); expected attach_...(ARGS)");
		if (*p == '(' || *p == '[' || *p == '{')
			depth++;
		else if ((*p == ')' || *p == ']' || *p == '}') && depth)
			depth--;
		else if (!depth && (*p == ',' || *p == ')')) {
			const char *v = start, *e = p, *eq;

			while (v < e && isspace((unsigned char)*v))
				v++;
			while (e > v && isspace((unsigned char)e[-1]))
				e--;
			if (e > v && *nargs < max) {
				struct arg *a = &args[(*nargs)++];

				a->kw[0] = '\0';
				for (eq = v; eq < e && ident(*eq); eq++)
					;
				if (eq > v && eq < e && *eq == '=' && eq[1] != '=' &&
				    (size_t)(eq - v) < sizeof(a->kw)) {
					snprintf(a->kw, sizeof(a->kw), "%.*s", (int)(eq - v), v);
					for (v = eq + 1; v < e && isspace((unsigned char)*v); v++)
						;
				}
				a->v = v;
				a->vn = (size_t)(e - v);
			}
			if (*p == ')') {
				*end = p + 1;
				return PC_OK;
			}
			start = p + 1;
		}
	}
}

/* @a's value if it is one string literal (b"", r'', u""...), in @out. */
static bool literal(const struct arg *a, char *out, size_t len)
{
	const char *v = a->v, *e;

	while (v < a->v + a->vn && strchr("bBrRuU", *v))
		v++;
	if (v >= a->v + a->vn || (*v != '"' && *v != '\''))
		return false;
	e = past_string(v);
	if (!e || e != a->v + a->vn || e - v < 2)
		return false;
	if (v[1] == v[0] && e - v >= 6) {
		snprintf(out, len, "%.*s", (int)(e - v - 6), v + 3);
	} else {
		snprintf(out, len, "%.*s", (int)(e - v - 2), v + 1);
	}
	return !strpbrk(out, "\\\n");
}

static const struct arg *find_arg(const struct arg *args, size_t n, const char *kw,
				  bool positional)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(args[i].kw, kw))
			return &args[i];
	return positional && n && !args[0].kw[0] ? &args[0] : NULL;
}

static const struct {
	const char *call, *pre;
	enum churn_pkind kind;
	const char *kw, *kw_re;
} attach[] = {
	{ "attach_kprobe", "kprobe:", CHURN_PK_FUNC, "event", "event_re" },
	{ "attach_kretprobe", "kretprobe:", CHURN_PK_FUNC, "event", "event_re" },
	{ "attach_tracepoint", "tracepoint:", CHURN_PK_EVENT, "tp", "tp_re" },
	{ "attach_raw_tracepoint", "raw_tracepoint:", CHURN_PK_RAWTP, "tp", NULL },
};

static bool valid_name(const char *s, bool colon)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(ident(*s) || *s == '.' || *s == '*' || *s == '?' || (colon && *s == ':')))
			return false;
	return true;
}

static int judge_name(struct bcc *b, const char *at, const char *pre,
		      enum churn_pkind kind, const char *name, bool regex)
{
	size_t line = line_of(b, at);
	char why[700];

	if (!regex && (!valid_name(name, kind == CHURN_PK_EVENT) ||
		       (kind == CHURN_PK_EVENT && (!strchr(name, ':') ||
						   strchr(strchr(name, ':') + 1, ':'))))) {
		snprintf(why, sizeof(why), "'%.200s': expected %s", name,
			 kind == CHURN_PK_EVENT ? "\"SYSTEM:EVENT\"" :
			 kind == CHURN_PK_RAWTP ? "an event name" : "a function name");
		return fail(b, at, why);
	}
	return churn_probe_point(b->pl, line, pre, "", kind, name, regex, b->err, b->len);
}

static int attach_call(struct bcc *b, const char *at, size_t which, const char **next)
{
	struct arg args[8];
	const struct arg *a;
	const char *p = at + strlen(attach[which].call);
	char name[512], why[700];
	size_t n;
	bool regex = false;
	int ret;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '(') {
		*next = p;
		return PC_OK;	/* a mention, not a call */
	}
	ret = call_args(b, p, args, 8, &n, next);
	if (ret != PC_OK)
		return ret;
	a = find_arg(args, n, attach[which].kw, true);
	if (!a && attach[which].kw_re && (a = find_arg(args, n, attach[which].kw_re, false)))
		regex = true;
	if (!a) {
		snprintf(why, sizeof(why), "%s(): no %s= argument; expected %s(%s=\"NAME\", fn_name=...)",
			 attach[which].call, attach[which].kw, attach[which].call, attach[which].kw);
		if (n && !strncmp(args[0].v, "**", 2))
			return churn_probe_note(b->pl, line_of(b, at), attach[which].call, "unresolved",
						"arguments passed as **kwargs, built at run time");
		return fail(b, at, why);
	}
	if (!literal(a, name, sizeof(name))) {
		char probe[700];

		snprintf(probe, sizeof(probe), "%s(%s%s%.*s)", attach[which].call, a->kw,
			 a->kw[0] ? "=" : "", (int)(a->vn > 200 ? 200 : a->vn), a->v);
		snprintf(why, sizeof(why), "the name is built at run time: %.*s",
			 (int)(a->vn > 200 ? 200 : a->vn), a->v);
		return churn_probe_note(b->pl, line_of(b, at), probe, "unresolved", why);
	}
	return judge_name(b, at, attach[which].pre, attach[which].kind, name, regex);
}

/* TRACEPOINT_PROBE(sys, ev), RAW_TRACEPOINT_PROBE(ev), K[RET]FUNC_PROBE(fn, ...) */
static int macro_probe(struct bcc *b, const char *at, const char *mac, const char **next)
{
	struct arg args[8];
	const char *p = at + strlen(mac);
	char name[512];
	size_t n;
	int ret;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '(') {
		*next = p;
		return PC_OK;
	}
	ret = call_args(b, p, args, 8, &n, next);
	if (ret != PC_OK)
		return ret;
	for (size_t i = 0; i < n && i < 2; i++)
		for (size_t j = 0; j < args[i].vn; j++)
			if (!ident(args[i].v[j]) || args[i].kw[0])
				goto bad;
	if (!strcmp(mac, "TRACEPOINT_PROBE")) {
		if (n != 2)
			goto bad;
		snprintf(name, sizeof(name), "%.*s:%.*s", (int)args[0].vn, args[0].v,
			 (int)args[1].vn, args[1].v);
		return judge_name(b, at, "tracepoint:", CHURN_PK_EVENT, name, false);
	}
	if (!n)
		goto bad;
	snprintf(name, sizeof(name), "%.*s", (int)args[0].vn, args[0].v);
	if (!strcmp(mac, "RAW_TRACEPOINT_PROBE"))
		return judge_name(b, at, "raw_tracepoint:", CHURN_PK_RAWTP, name, false);
	return judge_name(b, at, !strcmp(mac, "KFUNC_PROBE") ? "kfunc:" : "kretfunc:",
			  CHURN_PK_FUNC, name, false);
bad:
	{
		char why[300];

		snprintf(why, sizeof(why), "%s(...): expected %s", mac,
			 !strcmp(mac, "TRACEPOINT_PROBE") ? "TRACEPOINT_PROBE(SYSTEM, EVENT) with two names" :
			 !strcmp(mac, "RAW_TRACEPOINT_PROBE") ? "RAW_TRACEPOINT_PROBE(EVENT)" :
			 "a function name as the first argument");
		return fail(b, at, why);
	}
}

/* kprobe__NAME( or kretprobe__NAME( : a C function BCC attaches by name. */
static int auto_probe(struct bcc *b, const char *at, bool ret_probe, const char **next)
{
	const char *p = at + (ret_probe ? 11 : 8), *e = p;
	char name[512], probe[600];

	while (ident(*e))
		e++;
	*next = e;
	if (e == p || *e == '%' || *e == '{') {
		/* kprobe__%s, kprobe__{}: formatted at run time */
		if (*e != '%' && *e != '{')
			return PC_OK;
		snprintf(probe, sizeof(probe), "%.*s", (int)(strcspn(at, " \t\n(\"'") > 200 ? 200 : strcspn(at, " \t\n(\"'")), at);
		return churn_probe_note(b->pl, line_of(b, at), probe, "unresolved",
					"a function name formatted at run time");
	}
	while (*e == ' ' || *e == '\t')
		e++;
	if (*e != '(')
		return PC_OK;	/* a mention, not a definition */
	snprintf(name, sizeof(name), "%.*s", (int)(*next - p), p);
	return judge_name(b, at, ret_probe ? "kretprobe:" : "kprobe:", CHURN_PK_FUNC, name, false);
}

/*
 * Every triple-quoted string of the Python closes: the C text lives in
 * one, and a """ never closed would let its C (and the Python after it)
 * be read as one. Python comments are skipped; a one-line string that
 * does not close (not Python) is taken to end at its line.
 */
static int strings_closed(struct bcc *b)
{
	for (const char *p = b->text; *p; ) {
		const char *e;

		if (*p == '#') {
			p += strcspn(p, "\n");
			continue;
		}
		if (*p != '"' && *p != '\'') {
			p++;
			continue;
		}
		e = past_string(p);
		if (e) {
			p = e;
		} else if (p[1] == p[0] && p[2] == p[0]) {
			return fail(b, p, p[0] == '"' ?
				    "a \"\"\" string that never ends; expected its closing \"\"\"" :
				    "a \'\'\' string that never ends; expected its closing \'\'\'");
		} else {
			p += strcspn(p, "\n");
		}
	}
	return PC_OK;
}

static const char *const macros[] = {
	"RAW_TRACEPOINT_PROBE", "TRACEPOINT_PROBE", "KRETFUNC_PROBE", "KFUNC_PROBE", NULL,
};

int churn_parse_bcc(struct churn_probes *pl, const char *text, char *err, size_t len)
{
	struct bcc b = { .pl = pl, .text = text, .err = err, .len = len };
	const char *p = text;
	int ret = strings_closed(&b);

	while (ret == PC_OK && *p) {
		const char *next = p + 1;
		bool start = p == text || !ident(p[-1]);

		if (!start || !(ident(*p)) || commented(&b, p)) {
			p = next;
			continue;
		}
		for (size_t i = 0; i < sizeof(attach) / sizeof(attach[0]); i++) {
			size_t n = strlen(attach[i].call);

			if (!strncmp(p, attach[i].call, n) && !ident(p[n])) {
				/* not BCC's own `def attach_kprobe(` */
				if (p - text < 4 || strncmp(p - 4, "def ", 4))
					ret = attach_call(&b, p, i, &next);
				break;
			}
		}
		for (size_t i = 0; ret == PC_OK && macros[i]; i++) {
			size_t n = strlen(macros[i]);

			if (!strncmp(p, macros[i], n) && !ident(p[n])) {
				ret = macro_probe(&b, p, macros[i], &next);
				break;
			}
		}
		if (ret == PC_OK && !strncmp(p, "kprobe__", 8))
			ret = auto_probe(&b, p, false, &next);
		else if (ret == PC_OK && !strncmp(p, "kretprobe__", 11))
			ret = auto_probe(&b, p, true, &next);
		if (next == p + 1)
			while (ident(*next))
				next++;
		p = next;
	}
	return ret;
}
