// SPDX-License-Identifier: MIT
/*
 * A probe list, bpftrace style, judged against A and B:
 *
 *   # comment (also // comment); blank lines are fine
 *   kprobe:vfs_read              (k:, kretprobe:, kr: too)
 *   tracepoint:sched:sched_switch   (t: too)
 *   kprobe:tcp_*                 wildcards expand against A
 *   kprobe:a, kprobe:b           several on one line
 *   kprobe:ext4:ext4_sync_fs     a module's function (with module files)
 *
 * Anything else is an error naming file:line, so a typo is never
 * reported as "would break". The judging below is shared with the tool
 * file parsers (churn_tool_*.c): every probe, however written, ends in
 * churn_probe_point().
 */
#include <errno.h>
#include <fnmatch.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "churn.h"
#include "errors.h"

static int add_probe(struct churn_probes *pl, size_t line, const char *pre,
		     const char *name, const char *suf, const char *status,
		     const char *category, const char *detail)
{
	struct churn_probe *p;

	if (pl->n == pl->cap) {
		size_t nc = pl->cap ? pl->cap * 2 : 32;
		struct churn_probe *np = realloc(pl->p, nc * sizeof(*np));

		if (!np)
			return PC_ERR_NOMEM;
		pl->p = np;
		pl->cap = nc;
	}
	p = &pl->p[pl->n];
	p->line = line;
	p->use = NULL;
	p->module[0] = '\0';
	p->status = status;
	p->category = category;
	if (asprintf(&p->probe, "%s%s%s", pre, name, suf) < 0)
		return PC_ERR_NOMEM;
	p->detail = strdup(detail);
	if (!p->detail) {
		free(p->probe);
		return PC_ERR_NOMEM;
	}
	pl->n++;
	if (!strcmp(status, "breaks"))
		pl->breaks++;
	else if (!strcmp(status, "format_changed"))
		pl->changed++;
	else if (!strcmp(status, "signature_changed"))
		pl->sigchanged++;
	else if (!strcmp(status, "not_in_a"))
		pl->missing++;
	else if (!strcmp(status, "unresolved"))
		pl->unresolved++;
	else if (!strcmp(status, "not_covered"))
		pl->uncovered++;
	return PC_OK;
}

int churn_probe_note(struct churn_probes *pl, size_t line, const char *probe,
		     const char *status, const char *detail)
{
	pl->lines++;
	return add_probe(pl, line, "", probe, "", status, "", detail);
}

/* The row just added lives in module @mod of A (NULL: vmlinux). */
static void set_module(struct churn_probes *pl, const char *mod)
{
	if (mod)
		snprintf(pl->p[pl->n - 1].module, sizeof(pl->p[0].module), "%s", mod);
}

/*
 * One concrete point of A: what B does to it. @name is shown as the
 * probe; @point is A's point (@name, or the "MODULE:FUNCTION" that a
 * bare function name of a module resolves to). @bare: the probe names
 * the function alone, and so attaches wherever B has it.
 */
static int judge_point(struct churn_probes *pl, size_t line, const char *pre,
		       const char *suf, bool tp, const char *name, const char *point,
		       bool bare)
{
	const struct churn_kernel *a = pl->a;
	const struct pc_strmap_ent *e;
	const struct churn_item *it;
	char key[600], modbuf[64], why[900];
	const char *mod = churn_point_module(a, tp, point, modbuf, sizeof(modbuf));
	int ret;

	if (tp && !pc_strmap_has(&a->events, point))
		return add_probe(pl, line, pre, name, suf, "not_in_a", "", "no such event in A");
	if (!tp && !pc_strmap_has(&a->attach, point)) {
		e = pc_strmap_findn(&a->attach_base, point, churn_base_len(point));
		if (pc_strmap_has(&a->text, point))
			snprintf(why, sizeof(why), "a text symbol of A, but not a kprobe target there");
		else if (e)
			snprintf(why, sizeof(why), "not by this name; A has %.500s", (char *)e->val);
		else if (mod && pc_strmap_has(&a->attach, churn_fn_part(point)))
			snprintf(why, sizeof(why), "no such function in module %s of A; A has it in vmlinux",
				 mod);
		else if (mod && (e = pc_strmap_find(&a->modfn, churn_fn_part(point))))
			snprintf(why, sizeof(why), "no such function in module %s of A; A has %.500s",
				 mod, (char *)e->val);
		else
			snprintf(why, sizeof(why), "no such function in A%s",
				 mod && !a->have_modules ? " (A's dump has no module files)" : "");
		return add_probe(pl, line, pre, name, suf, "not_in_a", "", why);
	}
	snprintf(key, sizeof(key), "%c:%s", tp ? 's' : 'd', point);
	e = pc_strmap_find(&pl->r->why, key);
	it = e ? &pl->r->items[(uintptr_t)e->val - 1] : NULL;
	/* a probe by bare name attaches wherever B has the function */
	if (it && !strcmp(it->category, "moved") && (bare || !mod)) {
		snprintf(why, sizeof(why), "unchanged by name in B (%.700s): a probe by the bare name still attaches%s",
			 it->detail, it->use && strchr(it->use, ':') ? " once that module is loaded" : "");
		ret = add_probe(pl, line, pre, name, suf, "ok", "", why);
		set_module(pl, mod);
		return ret;
	}
	if (!it) {
		const struct pc_strmap_ent *ev = tp ? pc_strmap_find(&a->events, point) : NULL;
		if (mod)
			snprintf(why, sizeof(why), "unchanged in B (module %s%s)", mod,
				 ev && ((const struct churn_event *)ev->val)->no_format ?
				 "; compared by name, the dump has no format of it" : "");
		else
			snprintf(why, sizeof(why), "unchanged in B");
		ret = add_probe(pl, line, pre, name, suf, "ok", "", why);
		set_module(pl, mod);
		return ret;
	}
	if (mod)
		snprintf(why, sizeof(why), "%.800s (in A: module %s)", it->detail, mod);
	/* a changed format or signature: the point is there, its reads may not be */
	ret = add_probe(pl, line, pre, name, suf,
			!strcmp(it->category, "format_changed") ? "format_changed" :
			!strcmp(it->category, "signature_changed") ? "signature_changed" : "breaks",
			it->category, mod ? why : it->detail);
	if (ret == PC_OK) {
		pl->p[pl->n - 1].use = it->use;
		set_module(pl, mod);
	}
	return ret;
}

static int judge(struct churn_probes *pl, size_t line, const char *pre,
		 const char *suf, bool tp, const char *name)
{
	const struct pc_strmap_ent *e;

	/* a bare name that only a module of A has: bpftrace and BCC attach there */
	if (!tp && !strchr(name, ':') && !pc_strmap_has(&pl->a->attach, name) &&
	    !pc_strmap_has(&pl->a->text, name) &&
	    (e = pc_strmap_find(&pl->a->modfn, name)))
		return judge_point(pl, line, pre, suf, tp, name, e->val, true);
	/*
	 * module("m").function("f") shows f, its module being in @pre: a
	 * probe bound to the module all the same, not a bare name
	 */
	return judge_point(pl, line, pre, suf, tp,
			   pl->fn_only && !tp ? churn_fn_part(name) : name, name, false);
}

static bool valid_name(const char *s, bool dots)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(*s == '_' || *s == '*' || *s == '?' || (*s >= '0' && *s <= '9') ||
		      (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (dots && *s == '.')))
			return false;
	return true;
}

/* An event by name alone (raw tracepoint, stap's kernel.trace): "sys:NAME" */
static const char *event_part(const char *key)
{
	const char *c = strchr(key, ':');

	return c ? c + 1 : key;
}

int churn_probe_point(struct churn_probes *pl, size_t line, const char *pre,
		      const char *suf, enum churn_pkind kind, const char *pat,
		      bool regex, char *err, size_t len)
{
	bool tp = kind != CHURN_PK_FUNC;
	const char **keys;
	size_t before = pl->n;
	regex_t re;
	int ret = PC_OK;

	pl->lines++;
	if (!regex && kind != CHURN_PK_RAWTP && !strpbrk(pat, "*?["))
		return judge(pl, line, pre, suf, tp, pat);
	if (regex) {
		char *anch;

		/* BCC matches with Python's re.match: anchored at the start */
		if (asprintf(&anch, "%s%s", *pat == '^' ? "" : "^", pat) < 0)
			return PC_ERR_NOMEM;
		ret = regcomp(&re, anch, REG_EXTENDED | REG_NOSUB);
		free(anch);
		if (ret) {
			snprintf(err, len, "%s:%zu: '%s': not a regular expression churn can read (POSIX extended)",
				 pl->path, line, pat);
			return PC_ERR_INVAL;
		}
	}
	keys = pc_strmap_sorted(tp ? &pl->a->events : &pl->a->attach);
	if (!keys) {
		if (regex)
			regfree(&re);
		return PC_ERR_NOMEM;
	}
	for (size_t i = 0; ret == PC_OK && keys[i]; i++) {
		const char *k = kind == CHURN_PK_RAWTP ? event_part(keys[i]) : keys[i];

		/*
		 * A function pattern without a module matches every module's
		 * functions by name too (as bpftrace's kprobe:tcp_* does); one
		 * with a module (MOD:FN) matches module functions only.
		 */
		if (!tp && strchr(pat, ':') && !strchr(k, ':'))
			continue;
		if (!tp && !strchr(pat, ':'))
			k = churn_fn_part(k);

		if (regex ? !regexec(&re, k, 0, NULL, 0) : !fnmatch(pat, k, 0))
			ret = judge(pl, line, pre, suf, tp, keys[i]);
	}
	free(keys);
	if (regex)
		regfree(&re);
	if (ret == PC_OK && pl->n == before)
		ret = add_probe(pl, line, pre, pat, suf, "not_in_a", "",
				regex ? "the regular expression matches nothing in A" :
				strpbrk(pat, "*?[") ? "the wildcard matches nothing in A" :
				"no event of that name in A");
	return ret;
}

int churn_probe_module(struct churn_probes *pl, size_t line, const char *pre,
		       const char *suf, const char *mod, const char *fn, bool fn_only,
		       char *err, size_t len)
{
	char pat[600];
	int ret;

	snprintf(pat, sizeof(pat), "%.200s:%.390s", mod, fn);
	pl->fn_only = fn_only;
	ret = churn_probe_point(pl, line, pre, suf, CHURN_PK_FUNC, pat, false, err, len);
	pl->fn_only = false;
	return ret;
}

static int parse_probe(struct churn_probes *pl, size_t line, char *tok,
		       char *err, size_t len)
{
	const char *path = pl->path;
	char *colon = strchr(tok, ':'), *rest, pre[64];
	bool tp;

	if (!colon)
		goto bad;
	*colon = '\0';
	rest = colon + 1;
	if (!strcmp(tok, "kprobe") || !strcmp(tok, "k") || !strcmp(tok, "kretprobe") ||
	    !strcmp(tok, "kr")) {
		char *mod = strchr(rest, ':');

		tp = false;
		if (mod && !pl->a->have_modules) {
			snprintf(err, len, "%s:%zu: '%s:%s': a module's function, and A's dump has no module files (%s); write %s:FUNC or add them with probecost churn --dump-modules",
				 path, line, tok, rest, pl->a->why_modules, tok);
			return PC_ERR_INVAL;
		}
		if (mod && (*mod = '\0', !valid_name(rest, false) || strchr(mod + 1, ':') ||
			    !valid_name(mod + 1, true))) {
			*mod = ':';
			snprintf(err, len, "%s:%zu: '%s:%s': expected %s:MODULE:FUNCTION (letters, digits, _ and wildcards)",
				 path, line, tok, rest, tok);
			return PC_ERR_INVAL;
		}
		if (mod)
			*mod = ':';
		if (!mod && !valid_name(rest, true)) {
			snprintf(err, len, "%s:%zu: '%s:%s': expected a function name (letters, digits, _ . and wildcards; no +offset)",
				 path, line, tok, rest);
			return PC_ERR_INVAL;
		}
	} else if (!strcmp(tok, "tracepoint") || !strcmp(tok, "t")) {
		char *c2 = strchr(rest, ':');

		tp = true;
		if (!c2 || strchr(c2 + 1, ':') || (*c2 = '\0', !valid_name(rest, false)) ||
		    !valid_name(c2 + 1, false)) {
			if (c2)
				*c2 = ':';
			snprintf(err, len, "%s:%zu: '%s:%s': expected tracepoint:SUBSYSTEM:EVENT",
				 path, line, tok, rest);
			return PC_ERR_INVAL;
		}
		*c2 = ':';
	} else {
		snprintf(err, len, "%s:%zu: probe type '%s' is not covered; accepted: kprobe, kretprobe, tracepoint (k, kr, t)",
			 path, line, tok);
		return PC_ERR_INVAL;
	}
	snprintf(pre, sizeof(pre), "%s:", tok);
	return churn_probe_point(pl, line, pre, "", tp ? CHURN_PK_EVENT : CHURN_PK_FUNC,
				 rest, false, err, len);
bad:
	snprintf(err, len, "%s:%zu: '%s': expected kprobe:FUNC or tracepoint:SUBSYSTEM:EVENT",
		 path, line, tok);
	return PC_ERR_INVAL;
}

int churn_parse_list(struct churn_probes *pl, char *text, char *err, size_t len)
{
	size_t line = 0;
	int ret = PC_OK;

	pl->format = "probe list";
	for (char *buf = text, *next; ret == PC_OK && buf && *buf; buf = next) {
		char *c, *save = NULL, *tok;

		next = strchr(buf, '\n');
		if (next)
			*next++ = '\0';
		line++;
		if ((c = strchr(buf, '#')))
			*c = '\0';
		if ((c = strstr(buf, "//")))
			*c = '\0';
		for (tok = strtok_r(buf, ", \t\r", &save); tok && ret == PC_OK;
		     tok = strtok_r(NULL, ", \t\r", &save))
			ret = parse_probe(pl, line, tok, err, len);
	}
	if (ret == PC_OK && !pl->lines) {
		snprintf(err, len, "%s:%zu: no probes in the list; expected kprobe:FUNC or tracepoint:SUBSYSTEM:EVENT lines",
			 pl->path, line ? line : 1);
		ret = PC_ERR_INVAL;
	}
	return ret;
}

void churn_probes_free(struct churn_probes *pl)
{
	for (size_t i = 0; i < pl->n; i++) {
		free(pl->p[i].probe);
		free(pl->p[i].detail);
	}
	free(pl->p);
	memset(pl, 0, sizeof(*pl));
}
