// SPDX-License-Identifier: MIT
/*
 * A kernel's function prototypes from its BTF (vmlinux.btf, a copy of
 * /sys/kernel/btf/vmlinux), for the signature comparison of churn_diff.c:
 * a kprobe target kept by name whose parameters changed breaks every
 * tool that reads arg1 or a named argument, silently.
 *
 * Each FUNC's FUNC_PROTO is written as C would declare it, with type
 * names spelled the way a tool author reads them (int, unsigned long,
 * struct sock *, const char *); the parameter part is what is compared.
 * Built only with libbpf; churn_btf_stub.c stands in without it.
 */
#include <errno.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "churn.h"
#include "errors.h"

/* A growing string; on overflow the text is cut, never overrun. */
struct sbuf {
	char b[1024];
	size_t n;
};

static void put(struct sbuf *s, const char *t)
{
	size_t l = strlen(t);

	if (s->n + l >= sizeof(s->b))
		l = sizeof(s->b) - 1 - s->n;
	memcpy(s->b + s->n, t, l);
	s->n += l;
	s->b[s->n] = '\0';
}

/* What fmt_type() writes: qualifiers kept, typedefs followed to their type. */
#define F_QUAL 1
#define F_CANON 2

static void fmt_params(const struct btf *btf, const struct btf_type *proto,
		       struct sbuf *s, int f);

/*
 * The type name of @id: "void", "int", "struct sock *", "const char *",
 * "void (*)(int)". Modifiers and type tags are followed; a const
 * pointer is written "T * const". Without F_QUAL in @f, const, volatile
 * and restrict are left out: what a qualifier-only change compares; with
 * F_CANON a typedef is written as the type it names (size_t as long
 * unsigned int): what a change of spelling alone leaves equal.
 */
static void fmt_type(const struct btf *btf, __u32 id, struct sbuf *s, int depth, int f)
{
	bool qual = f & F_QUAL;

	const struct btf_type *t;
	const char *name;

	if (depth > 16) {
		put(s, "?");
		return;
	}
	if (id == 0) {
		put(s, "void");
		return;
	}
	t = btf__type_by_id(btf, id);
	if (!t) {
		put(s, "?");
		return;
	}
	name = btf__name_by_offset(btf, t->name_off);
	switch (btf_kind(t)) {
	case BTF_KIND_TYPEDEF:
		if (f & F_CANON) {
			fmt_type(btf, t->type, s, depth + 1, f);
			return;
		}
		put(s, name && *name ? name : "?");
		return;
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
		put(s, name && *name ? name : "?");
		return;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FWD:
		put(s, btf_is_struct(t) ? "struct " : btf_is_union(t) ? "union " :
		    btf_is_fwd(t) ? (btf_kflag(t) ? "union " : "struct ") : "enum ");
		put(s, name && *name ? name : "{...}");
		return;
	case BTF_KIND_PTR: {
		const struct btf_type *in = btf__type_by_id(btf, t->type);

		if (in && btf_is_func_proto(in)) {
			fmt_type(btf, in->type, s, depth + 1, f);
			put(s, " (*)");
			fmt_params(btf, in, s, f);
			return;
		}
		fmt_type(btf, t->type, s, depth + 1, f);
		put(s, s->n && s->b[s->n - 1] == '*' ? "*" : " *");
		return;
	}
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT: {
		const char *q = btf_is_const(t) ? "const" : btf_is_volatile(t) ? "volatile" :
				"restrict";
		const struct btf_type *in = btf__type_by_id(btf, t->type);

		if (!qual) {
			fmt_type(btf, t->type, s, depth + 1, f);
			return;
		}
		if (in && btf_is_ptr(in)) {	/* the pointer itself is qualified */
			fmt_type(btf, t->type, s, depth + 1, f);
			put(s, " ");
			put(s, q);
			return;
		}
		put(s, q);
		put(s, " ");
		fmt_type(btf, t->type, s, depth + 1, f);
		return;
	}
	case BTF_KIND_TYPE_TAG:
		fmt_type(btf, t->type, s, depth + 1, f);
		return;
	case BTF_KIND_ARRAY: {
		char dim[32];

		fmt_type(btf, btf_array(t)->type, s, depth + 1, f);
		snprintf(dim, sizeof(dim), "[%u]", btf_array(t)->nelems);
		put(s, dim);
		return;
	}
	case BTF_KIND_FUNC_PROTO:
		fmt_type(btf, t->type, s, depth + 1, f);
		put(s, " ()");
		fmt_params(btf, t, s, f);
		return;
	default:
		put(s, "?");
		return;
	}
}

/* "(int cpu, const char *name)", "(void)", "(const char *fmt, ...)" */
static void fmt_params(const struct btf *btf, const struct btf_type *proto,
		       struct sbuf *s, int f)
{
	const struct btf_param *p = btf_params(proto);
	__u16 n = btf_vlen(proto);

	put(s, "(");
	if (!n)
		put(s, "void");
	for (__u16 i = 0; i < n; i++) {
		const char *pn = btf__name_by_offset(btf, p[i].name_off);

		if (i)
			put(s, ", ");
		if (!p[i].type && (!pn || !*pn)) {
			put(s, "...");	/* variadic */
			continue;
		}
		fmt_type(btf, p[i].type, s, 0, f);
		if (pn && *pn) {
			if (s->b[s->n - 1] != '*')
				put(s, " ");
			put(s, pn);
		}
	}
	put(s, ")");
}

void churn_proto_free(void *p)
{
	struct churn_proto *cp = p;

	if (cp) {
		free(cp->full);
		free(cp->bare);
		free(cp->canon);
		free(cp->canon_bare);
		free(cp->ret);
	}
	free(cp);
}

/* @fn's prototype into k->protos, as "MOD:name" for a module's (@mod) */
static int add_proto(struct churn_kernel *k, const struct btf *btf,
		     const struct btf_type *fn, const char *mod)
{
	const char *name = btf__name_by_offset(btf, fn->name_off);
	char key[320];
	const struct btf_type *proto = btf__type_by_id(btf, fn->type);
	struct pc_strmap_ent *e;
	struct churn_proto *cp;
	struct sbuf s = { .n = 0 }, bare = { .n = 0 }, canon = { .n = 0 }, ret = { .n = 0 };
	struct sbuf canon_bare = { .n = 0 };
	size_t at;

	if (!name || !*name || !proto || !btf_is_func_proto(proto))
		return PC_OK;
	if (mod && (size_t)snprintf(key, sizeof(key), "%s:%s", mod, name) >= sizeof(key))
		return PC_OK;	/* no module or function name is that long */
	fmt_type(btf, proto->type, &s, 0, F_QUAL);
	if (s.b[s.n - 1] != '*')
		put(&s, " ");
	put(&s, name);
	at = s.n;
	fmt_params(btf, proto, &s, F_QUAL);
	fmt_params(btf, proto, &bare, 0);
	fmt_params(btf, proto, &canon, F_CANON | F_QUAL);
	fmt_params(btf, proto, &canon_bare, F_CANON);
	fmt_type(btf, proto->type, &ret, 0, F_CANON);
	if (pc_strmap_add(&k->protos, mod ? key : name, NULL) != PC_OK)
		return PC_ERR_NOMEM;
	e = pc_strmap_find(&k->protos, mod ? key : name);
	if (e->val) {
		cp = e->val;
		/* two static functions of one name: a kprobe cannot tell them apart */
		if (strcmp(cp->params, s.b + at))
			cp->ambiguous = true;
		return PC_OK;
	}
	cp = calloc(1, sizeof(*cp));
	if (!cp || !(cp->full = strdup(s.b)) || !(cp->bare = strdup(bare.b)) ||
	    !(cp->canon = strdup(canon.b)) || !(cp->canon_bare = strdup(canon_bare.b)) ||
	    !(cp->ret = strdup(ret.b))) {
		churn_proto_free(cp);
		return PC_ERR_NOMEM;
	}
	cp->params = cp->full + at;
	e->val = cp;
	return PC_OK;
}

static struct btf *parse(const char *path, char *err, size_t len)
{
	struct btf *btf = btf__parse_raw(path);

	/* EPROTO: no BTF magic or a bad header, i.e. not BTF at all */
	if (!btf && errno == EPROTO)
		snprintf(err, len, "%s: not raw BTF (expected a copy of /sys/kernel/btf/vmlinux)",
			 path);
	else if (!btf)
		snprintf(err, len, "%s: cannot read as raw BTF: %s", path, strerror(errno));
	return btf;
}

int churn_btf_load(struct churn_kernel *k, const char *path, char *err, size_t len)
{
	struct btf *btf = parse(path, err, len);
	__u32 n;
	int ret = PC_OK;

	if (!btf)
		return PC_ERR_INVAL;
	n = btf__type_cnt(btf);
	for (__u32 id = 1; ret == PC_OK && id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (t && btf_is_func(t))
			ret = add_proto(k, btf, t, NULL);
	}
	btf__free(btf);
	if (ret != PC_OK)
		snprintf(err, len, "%s: out of memory", path);
	return ret;
}

int churn_btf_load_modules(struct churn_kernel *k, const char *vmlinux_btf,
			   const char *dir, char *err, size_t len)
{
	char bdir[PATH_MAX], path[PATH_MAX + 300];
	struct btf *base;
	struct dirent *de;
	int ret = PC_OK;
	DIR *d;

	snprintf(bdir, sizeof(bdir), "%s/%s", dir, CHURN_MODBTF_DIR);
	d = opendir(bdir);
	if (!d)
		return PC_OK;	/* module files from before module BTF was kept */
	base = parse(vmlinux_btf, err, len);
	if (!base) {
		closedir(d);
		return PC_ERR_INVAL;
	}
	while (ret == PC_OK && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		char mod[256];
		struct btf *btf;
		__u32 first = btf__type_cnt(base), last;

		if (n < 5 || n - 4 >= sizeof(mod) || strcmp(de->d_name + n - 4, ".btf"))
			continue;
		snprintf(mod, sizeof(mod), "%.*s", (int)(n - 4), de->d_name);
		snprintf(path, sizeof(path), "%s/%s", bdir, de->d_name);
		btf = btf__parse_raw_split(path, base);
		if (!btf) {
			snprintf(err, len, "%s: cannot read as split BTF on %s: %s", path,
				 vmlinux_btf, strerror(errno));
			ret = PC_ERR_INVAL;
			break;
		}
		/* the module's own types follow vmlinux's */
		last = btf__type_cnt(btf);
		for (__u32 id = first; ret == PC_OK && id < last; id++) {
			const struct btf_type *t = btf__type_by_id(btf, id);

			if (t && btf_is_func(t))
				ret = add_proto(k, btf, t, mod);
		}
		btf__free(btf);
		if (ret == PC_ERR_NOMEM)
			snprintf(err, len, "%s: out of memory", path);
	}
	closedir(d);
	btf__free(base);
	k->have_mod_btf = ret == PC_OK;
	return ret;
}

int churn_btf_count(const char *path, uint64_t *nfunc, char *err, size_t len)
{
	struct btf *btf = parse(path, err, len);
	__u32 n;

	*nfunc = 0;
	if (!btf)
		return PC_ERR_INVAL;
	n = btf__type_cnt(btf);
	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		*nfunc += t && btf_is_func(t);
	}
	btf__free(btf);
	return PC_OK;
}
