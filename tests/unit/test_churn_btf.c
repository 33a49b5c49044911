// SPDX-License-Identifier: MIT
/*
 * churn's BTF reader: two small raw BTF blobs, built here with libbpf's
 * writer, read back by churn_btf_load() and every prototype checked as a
 * tool author would write it (int, unsigned long, struct file *, const
 * char *, a function pointer, varargs, (void)).
 *
 * The same blobs are the vmlinux.btf of tests/fixtures/churn/a and b:
 *
 *   build/tests/test_churn_btf --write-fixtures tests/fixtures/churn
 *
 * writes them, and this test fails when the committed ones differ, so
 * the fixtures can always be made again from this file.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "churn.h"
#include "errors.h"
#include "ktap.h"

#define FIXTURES "tests/fixtures/churn"

#ifdef PC_HAVE_LIBBPF
#include <bpf/btf.h>

/* The types every fixture function uses; ids as returned, in order. */
struct ids {
	int i, ui, us, c, ul, l, sz, ssz, loff, file, pfile, pc, cc, pcc, pl, pv;
};

static void base_types(struct btf *b, struct ids *t)
{
	t->i = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	t->ui = btf__add_int(b, "unsigned int", 4, 0);
	t->us = btf__add_int(b, "short unsigned int", 2, 0);
	t->c = btf__add_int(b, "char", 1, BTF_INT_CHAR);
	t->ul = btf__add_int(b, "long unsigned int", 8, 0);
	t->l = btf__add_int(b, "long int", 8, BTF_INT_SIGNED);
	t->sz = btf__add_typedef(b, "size_t", t->ul);
	t->ssz = btf__add_typedef(b, "ssize_t", t->l);
	t->loff = btf__add_typedef(b, "loff_t", t->l);
	t->file = btf__add_struct(b, "file", 0);
	t->pfile = btf__add_ptr(b, t->file);
	t->pc = btf__add_ptr(b, t->c);
	t->cc = btf__add_const(b, t->c);
	t->pcc = btf__add_ptr(b, t->cc);
	t->pl = btf__add_ptr(b, t->loff);
	t->pv = btf__add_ptr(b, 0);
}

/* A FUNC named @name returning @ret, with (type, name) pairs; type -1: "..." */
static void func(struct btf *b, const char *name, int ret, int n, ...)
{
	va_list ap;
	int proto = btf__add_func_proto(b, ret);

	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		int type = va_arg(ap, int);
		const char *pn = va_arg(ap, const char *);

		btf__add_func_param(b, type == -1 ? NULL : pn, type == -1 ? 0 : type);
	}
	va_end(ap);
	btf__add_func(b, name, BTF_FUNC_GLOBAL, proto);
}

/* Kernel A (@b_side false) or B of the churn fixtures. */
static struct btf *fixture(bool b_side)
{
	struct btf *b = btf__new_empty();
	struct ids t;

	if (!b)
		return NULL;
	base_types(b, &t);
	/* the same types in B, spelled without size_t: not a change */
	func(b, "vfs_read", t.ssz, 4, t.pfile, "file", t.pc, "buf", b_side ? t.ul : t.sz,
	     "count", t.pl, "pos");
	func(b, "vfs_write", t.ssz, 4, t.pfile, "file", t.pcc, "buf", t.sz, "count",
	     t.pl, "pos");
	/* the one kept target whose parameters change: type, count, names */
	if (b_side)
		func(b, "arch_foo", t.i, 2, t.ui, "cpu", t.pv, "data");
	else
		func(b, "arch_foo", t.i, 1, t.i, "cpu");
	if (!b_side) {
		int cb = btf__add_func_proto(b, 0), pcb;

		btf__add_func_param(b, "x", t.i);
		pcb = btf__add_ptr(b, cb);
		/* renamed in B: not compared, there only for the formatter */
		func(b, "do_sys_open", t.l, 4, t.i, "dfd", t.pcc, "filename", t.i, "flags",
		     t.us, "mode");
		func(b, "gone_func", 0, 3, pcb, "fn", t.pcc, "fmt", -1, "");
		func(b, "now_bl", 0, 0);
		btf__add_const(b, t.pv);	/* void * const, for the formatter */
		func(b, "now_notrace", t.ul, 1, btf__type_cnt(b) - 1, "p");
	}
	return b;
}

static int write_blob(struct btf *b, const char *path)
{
	__u32 size;
	const void *raw = b ? btf__raw_data(b, &size) : NULL;
	FILE *f = raw ? fopen(path, "wb") : NULL;
	int ok = f && fwrite(raw, 1, size, f) == size;

	if (f && fclose(f) == EOF)
		ok = 0;
	return ok ? PC_OK : PC_ERR_IO;
}

static bool same_file(const char *x, const char *y)
{
	char cmd[PATH_MAX * 2 + 32];

	snprintf(cmd, sizeof(cmd), "cmp -s '%s' '%s'", x, y);
	return system(cmd) == 0;
}

static const struct {
	int line;
	bool b_side;
	const char *name, *full;
} want[] = {
	{ __LINE__, false, "vfs_read", "ssize_t vfs_read(struct file *file, char *buf, size_t count, loff_t *pos)" },
	{ __LINE__, true, "vfs_read", "ssize_t vfs_read(struct file *file, char *buf, long unsigned int count, loff_t *pos)" },
	{ __LINE__, false, "vfs_write", "ssize_t vfs_write(struct file *file, const char *buf, size_t count, loff_t *pos)" },
	{ __LINE__, false, "arch_foo", "int arch_foo(int cpu)" },
	{ __LINE__, true, "arch_foo", "int arch_foo(unsigned int cpu, void *data)" },
	{ __LINE__, false, "do_sys_open", "long int do_sys_open(int dfd, const char *filename, int flags, short unsigned int mode)" },
	{ __LINE__, false, "gone_func", "void gone_func(void (*)(int x) fn, const char *fmt, ...)" },
	{ __LINE__, false, "now_bl", "void now_bl(void)" },
	{ __LINE__, false, "now_notrace", "long unsigned int now_notrace(void * const p)" },
};

int main(int argc, char **argv)
{
	struct churn_kernel k[2];
	char tmp[] = "/tmp/pc-btf-XXXXXX", path[2][PATH_MAX], err[PATH_MAX + 256];
	int ret = PC_OK;

	if (argc == 3 && !strcmp(argv[1], "--write-fixtures")) {
		for (int s = 0; s < 2 && ret == PC_OK; s++) {
			struct btf *b = fixture(s);

			snprintf(path[s], sizeof(path[s]), "%s/%c/vmlinux.btf", argv[2], "ab"[s]);
			ret = write_blob(b, path[s]);
			btf__free(b);
			printf("%s %s\n", ret == PC_OK ? "wrote" : "cannot write", path[s]);
		}
		return ret == PC_OK ? 0 : 1;
	}

	ktap_plan(6 + (int)(sizeof(want) / sizeof(want[0])));
	memset(k, 0, sizeof(k));
	if (!mkdtemp(tmp))
		return 1;
	for (int s = 0; s < 2; s++) {
		struct btf *b = fixture(s);

		snprintf(path[s], sizeof(path[s]), "%s/%c.btf", tmp, "ab"[s]);
		if (ret == PC_OK)
			ret = write_blob(b, path[s]);
		btf__free(b);
		if (ret == PC_OK)
			ret = churn_btf_load(&k[s], path[s], err, sizeof(err));
	}
	KTAP_OK(ret == PC_OK && k[0].protos.n == 7 && k[1].protos.n == 3,
		"both blobs read back: %zu and %zu functions (want 7 and 3)", k[0].protos.n,
		k[1].protos.n);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct pc_strmap_ent *e = pc_strmap_find(&k[want[i].b_side].protos,
							       want[i].name);
		const struct churn_proto *p = e ? e->val : NULL;

		KTAP_OK(p && !strcmp(p->full, want[i].full), "line %d: %s", want[i].line,
			want[i].full);
		if (p && strcmp(p->full, want[i].full))
			ktap_diag("got %s", p->full);
	}
	{
		const struct churn_proto *p = pc_strmap_find(&k[0].protos, "arch_foo")->val;

		KTAP_OK(!strcmp(p->params, "(int cpu)"), "the compared part is the parameter list: %s",
			p->params);
	}
	{
		const struct churn_proto *p = pc_strmap_find(&k[0].protos, "gone_func")->val;
		const struct churn_proto *q = pc_strmap_find(&k[0].protos, "now_notrace")->val;

		KTAP_OK(!strcmp(p->bare, "(void (*)(int x) fn, char *fmt, ...)") &&
			!strcmp(q->bare, "(void *p)"),
			"without qualifiers: %s, %s", p->bare, q->bare);
	}
	{
		const struct churn_proto *p = pc_strmap_find(&k[0].protos, "vfs_read")->val;
		const struct churn_proto *q = pc_strmap_find(&k[1].protos, "vfs_read")->val;

		KTAP_OK(!strcmp(p->canon, "(struct file *file, char *buf, long unsigned int count, long int *pos)") &&
			!strcmp(p->canon, q->canon) && !strcmp(p->ret, "long int") &&
			!strcmp(p->ret, q->ret),
			"typedefs written as their types: %s returning %s, the same in B", p->canon,
			p->ret);
	}
	KTAP_OK(churn_btf_load(&k[0], FIXTURES "/README.md", err, sizeof(err)) == PC_ERR_INVAL &&
		strstr(err, "not raw BTF"), "a file that is not BTF is refused: %s", err);
	KTAP_OK(same_file(FIXTURES "/a/vmlinux.btf", path[0]) &&
		same_file(FIXTURES "/b/vmlinux.btf", path[1]),
		"the committed fixtures are what --write-fixtures makes");
	churn_kernel_free(&k[0]);
	churn_kernel_free(&k[1]);
	unlink(path[0]);
	unlink(path[1]);
	rmdir(tmp);
	return ktap_finish();
}
#else
int main(void)
{
	ktap_plan(1);
	ktap_skip("probecost was built without libbpf (no BTF reader)", "BTF prototypes");
	return ktap_finish();
}
#endif
