// SPDX-License-Identifier: MIT
/*
 * A probe list, bpftrace style, judged against A and B:
 *
 *   # comment (also // comment); blank lines are fine
 *   kprobe:vfs_read              (k:, kretprobe:, kr: too)
 *   tracepoint:sched:sched_switch   (t: too)
 *   kprobe:tcp_*                 wildcards expand against A
 *   kprobe:a, kprobe:b           several on one line
 *
 * Anything else is an error naming file:line, so a typo is never
 * reported as "would break".
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "churn.h"
#include "errors.h"

static int add_probe(struct churn_probes *pl, size_t line, const char *type,
		     const char *name, const char *status, const char *category,
		     const char *detail)
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
	p->status = status;
	p->category = category;
	if (asprintf(&p->probe, "%s:%s", type, name) < 0)
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
	else if (!strcmp(status, "not_in_a"))
		pl->missing++;
	return PC_OK;
}

/* One concrete point of A: what B does to it. */
static int judge(struct churn_probes *pl, size_t line, const char *type, bool tp,
		 const char *name, const struct churn_kernel *a,
		 const struct churn_result *r)
{
	const struct pc_strmap_ent *e;
	const struct churn_item *it;
	char key[600];

	if (tp && !pc_strmap_has(&a->events, name))
		return add_probe(pl, line, type, name, "not_in_a", "", "no such event in A");
	if (!tp && !pc_strmap_has(&a->attach, name)) {
		char why[600];

		e = pc_strmap_findn(&a->attach_base, name, churn_base_len(name));
		if (pc_strmap_has(&a->text, name))
			snprintf(why, sizeof(why), "a text symbol of A, but not a kprobe target there");
		else if (e)
			snprintf(why, sizeof(why), "not by this name; A has %.500s", (char *)e->val);
		else
			snprintf(why, sizeof(why), "no such function in A");
		return add_probe(pl, line, type, name, "not_in_a", "", why);
	}
	snprintf(key, sizeof(key), "%c:%s", tp ? 's' : 'd', name);
	e = pc_strmap_find(&r->why, key);
	if (!e)
		return add_probe(pl, line, type, name, "ok", "", "unchanged in B");
	it = &r->items[(uintptr_t)e->val - 1];
	return add_probe(pl, line, type, name,
			 strcmp(it->category, "format_changed") ? "breaks" : "format_changed",
			 it->category, it->detail);
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

static int expand(struct churn_probes *pl, size_t line, const char *type, bool tp,
		  const char *pat,
		  const struct churn_kernel *a, const struct churn_result *r)
{
	const char **keys;
	size_t before = pl->n;
	int ret = PC_OK;

	if (!strpbrk(pat, "*?"))
		return judge(pl, line, type, tp, pat, a, r);
	keys = pc_strmap_sorted(tp ? &a->events : &a->attach);
	if (!keys)
		return PC_ERR_NOMEM;
	for (size_t i = 0; ret == PC_OK && keys[i]; i++)
		if (!fnmatch(pat, keys[i], 0))
			ret = judge(pl, line, type, tp, keys[i], a, r);
	free(keys);
	if (ret == PC_OK && pl->n == before)
		ret = add_probe(pl, line, type, pat,
				"not_in_a", "", "the wildcard matches nothing in A");
	return ret;
}

static int parse_probe(struct churn_probes *pl, const char *path, size_t line,
		       char *tok, const struct churn_kernel *a,
		       const struct churn_result *r, char *err, size_t len)
{
	char *colon = strchr(tok, ':'), *rest;
	bool tp;

	if (!colon)
		goto bad;
	*colon = '\0';
	rest = colon + 1;
	if (!strcmp(tok, "kprobe") || !strcmp(tok, "k") || !strcmp(tok, "kretprobe") ||
	    !strcmp(tok, "kr")) {
		tp = false;
		if (strchr(rest, ':')) {
			snprintf(err, len, "%s:%zu: '%s:%s': module-qualified kprobes are not covered (churn compares vmlinux only); write %s:FUNC",
				 path, line, tok, rest, tok);
			return PC_ERR_INVAL;
		}
		if (!valid_name(rest, true)) {
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
	pl->lines++;
	return expand(pl, line, tok, tp, rest, a, r);
bad:
	snprintf(err, len, "%s:%zu: '%s': expected kprobe:FUNC or tracepoint:SUBSYSTEM:EVENT",
		 path, line, tok);
	return PC_ERR_INVAL;
}

int churn_probes_check(struct churn_probes *pl, const char *path,
		       const struct churn_kernel *a, const struct churn_result *r,
		       char *err, size_t len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, line = 0;
	int ret = PC_OK;

	memset(pl, 0, sizeof(*pl));
	snprintf(pl->path, sizeof(pl->path), "%s", path);
	if (!f) {
		snprintf(err, len, "%s: cannot open the probe list: %s", path, strerror(errno));
		return PC_ERR_INVAL;
	}
	while (ret == PC_OK && getline(&buf, &cap, f) >= 0) {
		char *c, *save = NULL, *tok;

		line++;
		if ((c = strchr(buf, '#')))
			*c = '\0';
		if ((c = strstr(buf, "//")))
			*c = '\0';
		for (tok = strtok_r(buf, ", \t\r\n", &save); tok && ret == PC_OK;
		     tok = strtok_r(NULL, ", \t\r\n", &save))
			ret = parse_probe(pl, path, line, tok, a, r, err, len);
	}
	free(buf);
	fclose(f);
	if (ret == PC_OK && !pl->lines) {
		snprintf(err, len, "%s:%zu: no probes in the list; expected kprobe:FUNC or tracepoint:SUBSYSTEM:EVENT lines",
			 path, line ? line : 1);
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
