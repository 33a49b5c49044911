// SPDX-License-Identifier: MIT
/*
 * The churn categories: set arithmetic over two kernels' views. Every
 * probe point of A lands in exactly one category per side, so the
 * categories of A add up to A's count (the tests check that sum).
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "churn.h"
#include "errors.h"

const struct churn_count_info churn_counts[CC_NR] = {
	[CC_TP_IN_A] = { "static", "in_a", "tracepoint events in A", false },
	[CC_TP_IN_B] = { "static", "in_b", "tracepoint events in B", false },
	[CC_TP_KEPT] = { "static", "kept",
		"in A and B, every field of A in B with the same name, type, size and signedness", true },
	[CC_TP_CHANGED] = { "static", "format_changed",
		"in A and B, but a field of A is removed, renamed or retyped in B", true },
	[CC_TP_REMOVED] = { "static", "removed", "in A, no event of that system:name in B", true },
	[CC_TP_BROKEN] = { "static", "broken", "removed + format_changed", true },
	[CC_TP_ADDED] = { "static", "added", "in B, not in A", false },
	[CC_FIELD_REMOVED] = { "static", "field_removed",
		"fields of A's events in B without a same-name field or a rename match", false },
	[CC_FIELD_RENAMED] = { "static", "field_renamed",
		"fields whose name is gone but a new field of B has the same type, size and offset", false },
	[CC_FIELD_RETYPED] = { "static", "field_retyped",
		"fields with the same name whose type or size differ, or a scalar's signedness", false },
	[CC_FIELD_ADDED] = { "static", "field_added",
		"fields of B's events new by name and not a rename target", false },
	[CC_FN_IN_A] = { "dynamic", "in_a", "kprobe targets in A", false },
	[CC_FN_IN_B] = { "dynamic", "in_b", "kprobe targets in B", false },
	[CC_FN_KEPT] = { "dynamic", "kept", "kprobe targets in A and B by exact name", true },
	[CC_FN_RENAMED] = { "dynamic", "renamed",
		"not a target in B, but a target of B has the same base name (compiler suffix changed)", true },
	[CC_FN_UNPROBEABLE] = { "dynamic", "unprobeable",
		"still a text symbol in B, but blacklisted or without an ftrace site there", true },
	[CC_FN_INLINED] = { "dynamic", "inlined",
		"no symbol with that base name in B, B's source still defines or declares it (or a same-name macro): inlined, compiled out or now a macro", true },
	[CC_FN_REMOVED] = { "dynamic", "removed",
		"no symbol with that base name in B, not in B's source either: deleted or renamed in the source", true },
	[CC_FN_VANISHED] = { "dynamic", "vanished",
		"no symbol with that base name in B, and no source index for B to tell inlined from removed", true },
	[CC_FN_BROKEN] = { "dynamic", "broken",
		"renamed + moved + unprobeable + inlined + removed + vanished", true },
	[CC_FN_ADDED] = { "dynamic", "added", "kprobe targets in B, not in A", false },
	[CC_FN_MOVED] = { "dynamic", "moved",
		"not a target of B where it was, but B has the function by that name in another module or in vmlinux (a module built in, or a function moved into a module)", true },
	[CC_RN_ISRA] = { "dynamic", "renamed_isra", "renamed, the new or old suffix is .isra", true },
	[CC_RN_CONSTPROP] = { "dynamic", "renamed_constprop",
		"renamed, the new or old suffix is .constprop", true },
	[CC_RN_PART] = { "dynamic", "renamed_part", "renamed, the new or old suffix is .part", true },
	[CC_RN_COLD] = { "dynamic", "renamed_cold", "renamed, the new or old suffix is .cold", true },
	[CC_RN_OTHER] = { "dynamic", "renamed_other", "renamed, any other suffix (.llvm, ...)", true },
	[CC_FN_MACRO] = { "dynamic", "inlined_macro",
		"inlined, and B's source defines the name as a macro calling a kprobe target of B (the one to use instead)", true },
	[CC_FN_SIG_COMPARED] = { "dynamic", "signature_compared",
		"kept targets with one prototype in the BTF of A and of B: those whose signatures were compared", false },
	[CC_FN_SIG_CHANGED] = { "dynamic", "signature_changed",
		"kept targets whose parameter list (count, names or types) or return type differs between A's and B's BTF (typedef spellings aside); still probeable, so not part of broken, but arg1, a named argument or a kretprobe's return value may read something else", true },
	[CC_FN_SIG_QUAL] = { "dynamic", "signature_qualifiers_only",
		"signature_changed, but only a const, volatile or restrict qualifier of a parameter differs: the same values in the same places", true },
	[CC_FN_SIG_RET] = { "dynamic", "signature_return_only",
		"signature_changed, but only the return type differs: entry probes read the same arguments, a kretprobe's or fexit's return value is another type", true },
	[CC_FN_SIG_TYPEDEF] = { "dynamic", "signature_typedef_only",
		"compared and not changed: the prototypes differ only in typedef names (size_t for long unsigned int) or a return type's qualifier, the same types underneath", true },
};

const char *const churn_scope_names[CHURN_NR_SCOPES] = {
	[CHURN_VMLINUX] = "vmlinux",
	[CHURN_MODULES] = "modules",
};

double churn_per_1000_scope(const struct churn_result *r, enum churn_scope s,
			    enum churn_count c)
{
	uint64_t base = !strcmp(churn_counts[c].side, "static") ? r->ns[s][CC_TP_IN_A] :
				r->ns[s][CC_FN_IN_A];

	if (!churn_counts[c].per_1000 || !base || r->unknown[c])
		return NAN;
	return 1000.0 * (double)r->ns[s][c] / (double)base;
}

/* One more point of category @c in scope @sc, and in the total. */
static void bump(struct churn_result *r, enum churn_count c, enum churn_scope sc)
{
	r->n[c]++;
	r->ns[sc][c]++;
}

static enum churn_scope fn_scope(const char *name)
{
	return strchr(name, ':') ? CHURN_MODULES : CHURN_VMLINUX;
}

static enum churn_scope ev_scope(const struct churn_event *ev)
{
	return ev->module ? CHURN_MODULES : CHURN_VMLINUX;
}

double churn_per_1000(const struct churn_result *r, enum churn_count c)
{
	uint64_t base = !strcmp(churn_counts[c].side, "static") ? r->n[CC_TP_IN_A] :
				r->n[CC_FN_IN_A];

	if (!churn_counts[c].per_1000 || !base || r->unknown[c])
		return NAN;
	return 1000.0 * (double)r->n[c] / (double)base;
}

/* An item of @cat; @use: the point of B to use instead, or NULL (none found). */
static int add_item(struct churn_result *r, enum churn_scope sc, const char *side,
		    enum churn_count cat, const char *name, const char *use,
		    const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
static int add_item(struct churn_result *r, enum churn_scope sc, const char *side,
		    enum churn_count cat, const char *name, const char *use,
		    const char *fmt, ...)
{
	struct churn_item *it;
	char key[600];
	va_list ap;
	int n;

	if (r->nitems == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 256;
		struct churn_item *ni = realloc(r->items, nc * sizeof(*ni));

		if (!ni)
			return PC_ERR_NOMEM;
		r->items = ni;
		r->cap = nc;
	}
	it = &r->items[r->nitems];
	it->side = side;
	it->category = churn_counts[cat].name;
	it->name = strdup(name);
	it->use = use ? strdup(use) : NULL;
	va_start(ap, fmt);
	n = vasprintf(&it->detail, fmt, ap);
	va_end(ap);
	if (!it->name || n < 0 || (use && !it->use)) {
		free(it->name);
		free(it->use);
		return PC_ERR_NOMEM;
	}
	it->scope = sc;
	it->mod = NULL;
	r->nitems++;
	bump(r, cat, sc);
	if (cat == CC_TP_ADDED || cat == CC_FN_ADDED)
		return PC_OK;
	/* A's broken points, for the probe-list check: index + 1 */
	snprintf(key, sizeof(key), "%c:%s", side[0], name);
	return pc_strmap_add(&r->why, key, (void *)(uintptr_t)r->nitems);
}

/* ---- static side ---- */

static const struct churn_field *field_by_name(const struct churn_event *ev,
					       const char *name)
{
	for (size_t i = 0; i < ev->nf; i++)
		if (!strcmp(ev->f[i].name, name))
			return &ev->f[i];
	return NULL;
}

/*
 * The signed flag of an array or a __data_loc/__rel_loc string is its
 * element's; -funsigned-char (6.2) flipped it for every char array while
 * what a consumer reads stayed the same, so it counts for scalars only.
 */
static bool same_type(const struct churn_field *x, const struct churn_field *y)
{
	bool scalar = !strchr(x->type, '[');

	return !strcmp(x->type, y->type) && x->size == y->size &&
	       (!scalar || x->sign == y->sign);
}

static const char *sign_word(const struct churn_field *f)
{
	return strchr(f->type, '[') ? "" : f->sign ? " signed" : " unsigned";
}

/* Append to a growing detail string. */
static void say(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(char *buf, size_t len, const char *fmt, ...)
{
	size_t off = strlen(buf);
	va_list ap;

	if (off + 3 >= len)
		return;
	if (off)
		off += (size_t)snprintf(buf + off, len - off, "; ");
	va_start(ap, fmt);
	vsnprintf(buf + off, len - off, fmt, ap);
	va_end(ap);
}

static int diff_event(struct churn_result *r, enum churn_scope sc, const char *key,
		      const struct churn_event *ea, const struct churn_event *eb)
{
	bool *used = calloc(eb->nf + 1, sizeof(*used));
	uint64_t before = r->n[CC_FIELD_REMOVED] + r->n[CC_FIELD_RENAMED] +
			  r->n[CC_FIELD_RETYPED];
	char detail[2048] = "";
	int ret = PC_OK;

	if (!used)
		return PC_ERR_NOMEM;
	for (size_t i = 0; i < eb->nf; i++)
		used[i] = field_by_name(ea, eb->f[i].name) != NULL;
	for (size_t i = 0; i < ea->nf; i++) {
		const struct churn_field *fa = &ea->f[i], *fb = field_by_name(eb, fa->name);
		size_t j;

		if (fb) {
			if (!same_type(fa, fb)) {
				bump(r, CC_FIELD_RETYPED, sc);
				say(detail, sizeof(detail), "%s retyped %s (%lu bytes%s) -> %s (%lu bytes%s)",
				    fa->name, fa->type, fa->size, sign_word(fa), fb->type,
				    fb->size, sign_word(fb));
			}
			continue;
		}
		/* a rename keeps the type and the place in the record */
		for (j = 0; j < eb->nf; j++)
			if (!used[j] && same_type(fa, &eb->f[j]) &&
			    fa->offset == eb->f[j].offset)
				break;
		if (j < eb->nf) {
			used[j] = true;
			bump(r, CC_FIELD_RENAMED, sc);
			say(detail, sizeof(detail), "%s renamed %s", fa->name, eb->f[j].name);
		} else {
			bump(r, CC_FIELD_REMOVED, sc);
			say(detail, sizeof(detail), "%s removed", fa->name);
		}
	}
	for (size_t j = 0; j < eb->nf; j++)
		if (!used[j])
			bump(r, CC_FIELD_ADDED, sc);
	free(used);
	if (r->n[CC_FIELD_REMOVED] + r->n[CC_FIELD_RENAMED] + r->n[CC_FIELD_RETYPED] > before)
		ret = add_item(r, sc, "static", CC_TP_CHANGED, key, NULL, "%s", detail);
	else
		bump(r, CC_TP_KEPT, sc);
	return ret;
}

/*
 * An event of A gone from B: removed, unless B has an event of that name
 * in another system (moved), which is then the one to use instead.
 */
static int event_moved(struct churn_result *r, enum churn_scope sc, const char *key,
		       const char **kb)
{
	const char *ev = strchr(key, ':');

	for (size_t j = 0; ev && kb[j]; j++) {
		const char *c = strchr(kb[j], ':');

		if (c && !strcmp(c, ev))
			return add_item(r, sc, "static", CC_TP_REMOVED, key, kb[j],
					"no such event in B; B has %s, the same event name in another system",
					kb[j]);
	}
	return add_item(r, sc, "static", CC_TP_REMOVED, key, NULL, "no such event in B");
}

static int diff_static(const struct churn_kernel *a, const struct churn_kernel *b,
		       struct churn_result *r)
{
	const char **ka = pc_strmap_sorted(&a->events), **kb = pc_strmap_sorted(&b->events);
	int ret = ka && kb ? PC_OK : PC_ERR_NOMEM;

	for (size_t i = 0; ret == PC_OK && ka[i]; i++) {
		const struct pc_strmap_ent *eb = pc_strmap_find(&b->events, ka[i]);
		const struct churn_event *ea = pc_strmap_find(&a->events, ka[i])->val;
		enum churn_scope sc = ev_scope(ea);

		size_t before = r->nitems;

		bump(r, CC_TP_IN_A, sc);
		if (!eb)
			ret = event_moved(r, sc, ka[i], kb);
		else if (ea->no_format || ((const struct churn_event *)eb->val)->no_format)
			bump(r, CC_TP_KEPT, sc);	/* no format on one side: by name only */
		else
			ret = diff_event(r, sc, ka[i], ea, eb->val);
		if (ret == PC_OK && r->nitems > before)
			r->items[before].mod = ea->module;
	}
	for (size_t i = 0; ret == PC_OK && kb[i]; i++) {
		const struct churn_event *eb = pc_strmap_find(&b->events, kb[i])->val;
		enum churn_scope sc = ev_scope(eb);

		bump(r, CC_TP_IN_B, sc);
		if (!pc_strmap_has(&a->events, kb[i]))
			ret = add_item(r, sc, "static", CC_TP_ADDED, kb[i], NULL, "new in B");
		if (ret == PC_OK && !pc_strmap_has(&a->events, kb[i]))
			r->items[r->nitems - 1].mod = eb->module;
	}
	free(ka);
	free(kb);
	return ret;
}

/* ---- dynamic side ---- */

static enum churn_count suffix_kind(const char *s)
{
	if (!strncmp(s, ".isra", 5))
		return CC_RN_ISRA;
	if (!strncmp(s, ".constprop", 10))
		return CC_RN_CONSTPROP;
	if (!strncmp(s, ".part", 5))
		return CC_RN_PART;
	if (!strncmp(s, ".cold", 5))
		return CC_RN_COLD;
	return CC_RN_OTHER;
}

/*
 * The first name the macro @n (@bl bytes) of B's source calls that is a
 * kprobe target of B, following macros that call macros a few levels
 * deep (kmem_cache_alloc -> alloc_hooks(kmem_cache_alloc_noprof(...))):
 * what to probe instead. NULL when B has no macro index or none is.
 * Called with @depth 0.
 */
/* @name as a target of B: "MOD:name" when @mod has it, else vmlinux's name; or NULL */
static const char *b_target(const struct churn_kernel *b, const char *mod, const char *name)
{
	static char key[600];

	if (mod) {
		snprintf(key, sizeof(key), "%s:%s", mod, name);
		if (pc_strmap_has(&b->attach, key))
			return key;
	}
	return pc_strmap_has(&b->attach, name) ? name : NULL;
}

static const char *macro_target(const struct churn_kernel *b, const char *mod,
				const char *n, size_t bl, int depth)
{
	const struct pc_strmap_ent *e = pc_strmap_findn(&b->macros, n, bl);
	static char found[256];

	/* a name no macro defines may be a static inline wrapper's */
	if (!e || !e->val)
		e = pc_strmap_findn(&b->wrappers, n, bl);
	const char *c, *t;

	if (!e || !e->val || depth > 3)
		return NULL;
	for (c = e->val; *c; ) {
		const char *end = strchr(c, ' ');
		size_t l = end ? (size_t)(end - c) : strlen(c);

		if (l < sizeof(found)) {
			snprintf(found, sizeof(found), "%.*s", (int)l, c);
			if ((t = b_target(b, mod, found)))
				return t;
		}
		c = end ? end + 1 : c + l;
	}
	for (c = e->val; *c; ) {
		const char *end = strchr(c, ' ');
		size_t l = end ? (size_t)(end - c) : strlen(c);
		t = macro_target(b, mod, c, l, depth + 1);

		if (t)
			return t;
		c = end ? end + 1 : c + l;
	}
	return NULL;
}

/*
 * B's `<n>_noprof` when it is a kprobe target: 6.10's allocation
 * profiling renamed the allocators so, some behind a macro of the old
 * name, some not. NULL otherwise.
 */
static const char *noprof_rename(const struct churn_kernel *b, const char *mod,
				 const char *n, size_t bl)
{
	static char sib[256];

	if (bl + 8 >= sizeof(sib))
		return NULL;
	snprintf(sib, sizeof(sib), "%.*s_noprof", (int)bl, n);
	return b_target(b, mod, sib);
}

/*
 * The function by the same name elsewhere in B: vmlinux's, or another
 * module's (a module built in, a function moved between them). NULL when
 * B has none.
 */
static const char *moved_to(const struct churn_kernel *b, const char *n)
{
	const char *fn = churn_fn_part(n);
	const struct pc_strmap_ent *e;

	if (fn != n && pc_strmap_has(&b->attach, fn))
		return fn;
	e = pc_strmap_find(&b->modfn, fn);
	return e && strcmp(e->val, n) ? e->val : NULL;
}

static int diff_function(const struct churn_kernel *b, struct churn_result *r,
			 const char *n)
{
	enum churn_scope sc = fn_scope(n);
	size_t bl = churn_base_len(n);
	const struct pc_strmap_ent *e = pc_strmap_findn(&b->attach_base, n, bl);
	/* the source index and macros know functions by their own name */
	const char *fn = churn_fn_part(n), *t;
	char modbuf[64];
	const char *mod = churn_point_module(b, false, n, modbuf, sizeof(modbuf));
	size_t fbl = churn_base_len(fn);

	if (e) {
		const char *m = e->val;
		const char *sfx = m[bl] ? m + bl : n + bl;

		bump(r, suffix_kind(sfx), sc);
		return add_item(r, sc, "dynamic", CC_FN_RENAMED, n, m, "now %s", m);
	}
	if ((t = moved_to(b, n)))
		return add_item(r, sc, "dynamic", CC_FN_MOVED, n, t, "now %s, %s", t,
				strchr(t, ':') ? "in that module" : "in vmlinux");
	if (pc_strmap_has(&b->text, n)) {
		if (b->have[CHURN_BLACKLIST] && pc_strmap_has(&b->blacklist, n))
			return add_item(r, sc, "dynamic", CC_FN_UNPROBEABLE, n, NULL,
					"in B's kprobe blacklist");
		return add_item(r, sc, "dynamic", CC_FN_UNPROBEABLE, n, NULL,
				"text symbol in B without an ftrace site (notrace/noinstr)");
	}
	if (!b->have[CHURN_SOURCE])
		return add_item(r, sc, "dynamic", CC_FN_VANISHED, n, NULL,
				"no symbol in B; no source index for B");
	if (pc_strmap_findn(&b->source, fn, fbl)) {
		if ((t = macro_target(b, mod, fn, fbl, 0))) {
			const struct pc_strmap_ent *me = pc_strmap_findn(&b->macros, fn, fbl);

			bump(r, CC_FN_MACRO, sc);
			return add_item(r, sc, "dynamic", CC_FN_INLINED, n, t,
					"no symbol in B; B's source defines %.*s as a %s calling %s, a kprobe target of B",
					(int)fbl, fn, me && me->val ? "macro" : "static inline wrapper", t);
		}
		if ((t = noprof_rename(b, mod, fn, fbl)))
			return add_item(r, sc, "dynamic", CC_FN_INLINED, n, t,
					"no symbol in B; B's source still has %.*s(, and B has %s, its _noprof rename (6.10's allocation profiling)",
					(int)fbl, fn, t);
		return add_item(r, sc, "dynamic", CC_FN_INLINED, n, NULL,
				"no symbol in B; B's source still has %.*s(: inlined, compiled out or a macro",
				(int)fbl, fn);
	}
	if ((t = noprof_rename(b, mod, fn, fbl)))
		return add_item(r, sc, "dynamic", CC_FN_REMOVED, n, t,
				"no symbol in B and not in B's source, but B has %s, its _noprof rename (6.10's allocation profiling)",
				t);
	return add_item(r, sc, "dynamic", CC_FN_REMOVED, n, NULL,
			"no symbol in B and not in B's source: deleted or renamed there");
}

/*
 * A kept target's prototype in A and B: compared when each BTF has it
 * once (two static functions of one name with different parameters are
 * left out, as is a function BTF does not describe).
 */
static int diff_signature(const struct churn_kernel *a, const struct churn_kernel *b,
			  struct churn_result *r, enum churn_scope sc, const char *n)
{
	const struct pc_strmap_ent *ea = pc_strmap_find(&a->protos, n);
	const struct pc_strmap_ent *eb = pc_strmap_find(&b->protos, n);
	const struct churn_proto *pa, *pb;

	if (!ea || !eb)
		return PC_OK;
	pa = ea->val;
	pb = eb->val;
	if (pa->ambiguous || pb->ambiguous)
		return PC_OK;
	bool ret_same = !strcmp(pa->ret, pb->ret);

	bump(r, CC_FN_SIG_COMPARED, sc);
	if (!strcmp(pa->full, pb->full))
		return PC_OK;
	/* size_t for unsigned long, a return type's const: the same values, no change */
	if (ret_same && !strcmp(pa->canon, pb->canon)) {
		bump(r, CC_FN_SIG_TYPEDEF, sc);
		return PC_OK;
	}
	/* the same types but for a const/volatile/restrict (spelled alike or not) */
	if (ret_same && !strcmp(pa->canon_bare, pb->canon_bare)) {
		bump(r, CC_FN_SIG_QUAL, sc);
		return add_item(r, sc, "dynamic", CC_FN_SIG_CHANGED, n, NULL,
				"%s -> %s (qualifiers only)", pa->full, pb->full);
	}
	/* the arguments as they were: entry probes read the same; a kretprobe's value is another */
	if (!strcmp(pa->canon, pb->canon)) {
		bump(r, CC_FN_SIG_RET, sc);
		return add_item(r, sc, "dynamic", CC_FN_SIG_CHANGED, n, NULL,
				"%s -> %s (return type only)", pa->full, pb->full);
	}
	return add_item(r, sc, "dynamic", CC_FN_SIG_CHANGED, n, NULL, "%s -> %s", pa->full,
			pb->full);
}

static int diff_dynamic(const struct churn_kernel *a, const struct churn_kernel *b,
			struct churn_result *r)
{
	const char **ka = pc_strmap_sorted(&a->attach), **kb = pc_strmap_sorted(&b->attach);
	bool sig = a->have[CHURN_BTF] && b->have[CHURN_BTF];
	/* a module function's prototype: from the modules' own BTF, on both sides */
	bool modsig = sig && a->have_mod_btf && b->have_mod_btf;
	int ret = ka && kb ? PC_OK : PC_ERR_NOMEM;

	for (size_t i = 0; ret == PC_OK && ka[i]; i++) {
		enum churn_scope sc = fn_scope(ka[i]);

		bump(r, CC_FN_IN_A, sc);
		if (pc_strmap_has(&b->attach, ka[i])) {
			bump(r, CC_FN_KEPT, sc);
			if (sc == CHURN_VMLINUX ? sig : modsig)
				ret = diff_signature(a, b, r, sc, ka[i]);
		} else {
			ret = diff_function(b, r, ka[i]);
		}
	}
	for (size_t i = 0; ret == PC_OK && kb[i]; i++) {
		enum churn_scope sc = fn_scope(kb[i]);

		bump(r, CC_FN_IN_B, sc);
		if (!pc_strmap_has(&a->attach, kb[i]))
			ret = add_item(r, sc, "dynamic", CC_FN_ADDED, kb[i], NULL, "new in B");
	}
	r->have_mod_btf = modsig;
	if (!sig) {
		const struct churn_kernel *k = a->have[CHURN_BTF] ? b : a;

		r->unknown[CC_FN_SIG_COMPARED] = r->unknown[CC_FN_SIG_CHANGED] = true;
		r->unknown[CC_FN_SIG_QUAL] = r->unknown[CC_FN_SIG_RET] = true;
		r->unknown[CC_FN_SIG_TYPEDEF] = true;
		snprintf(r->sig_why, sizeof(r->sig_why), "no BTF for %s: %.200s",
			 k == a ? "A" : "B", k->why[CHURN_BTF]);
	}
	free(ka);
	free(kb);
	return ret;
}

int churn_diff(const struct churn_kernel *a, const struct churn_kernel *b,
	       struct churn_result *r)
{
	int ret;

	memset(r, 0, sizeof(*r));
	ret = diff_static(a, b, r);
	if (ret == PC_OK)
		ret = diff_dynamic(a, b, r);
	r->have_modules = a->have_modules && b->have_modules;
	for (int s = -1; s < CHURN_NR_SCOPES; s++) {
		uint64_t *n = s < 0 ? r->n : r->ns[s];

		n[CC_TP_BROKEN] = n[CC_TP_REMOVED] + n[CC_TP_CHANGED];
		n[CC_FN_BROKEN] = n[CC_FN_RENAMED] + n[CC_FN_MOVED] + n[CC_FN_UNPROBEABLE] +
				  n[CC_FN_INLINED] + n[CC_FN_REMOVED] + n[CC_FN_VANISHED];
	}
	return ret;
}

void churn_result_free(struct churn_result *r)
{
	for (size_t i = 0; i < r->nitems; i++) {
		free(r->items[i].name);
		free(r->items[i].detail);
		free(r->items[i].use);
	}
	free(r->items);
	pc_strmap_free(&r->why, NULL);
	memset(r, 0, sizeof(*r));
}
