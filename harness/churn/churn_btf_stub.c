// SPDX-License-Identifier: MIT
/*
 * churn_btf.c's stand-in for a build without libbpf: a dump still copies
 * vmlinux.btf, but no prototype is read, so the signature comparison is
 * reported as unknown with this reason, never as "nothing changed".
 */
#include <stdio.h>
#include <stdlib.h>

#include "churn.h"
#include "errors.h"

#define NO_LIBBPF "probecost was built without libbpf, which reads BTF (scripts/deps.sh build, then make)"

int churn_btf_load(struct churn_kernel *k, const char *path, char *err, size_t len)
{
	(void)k;
	snprintf(err, len, "%s: %s", path, NO_LIBBPF);
	return PC_ERR_UNSUPPORTED;
}

int churn_btf_count(const char *path, uint64_t *nfunc, char *err, size_t len)
{
	*nfunc = 0;
	snprintf(err, len, "%s: %s", path, NO_LIBBPF);
	return PC_ERR_UNSUPPORTED;
}

int churn_btf_load_modules(struct churn_kernel *k, const char *vmlinux_btf,
			   const char *dir, char *err, size_t len)
{
	(void)k;
	(void)dir;
	snprintf(err, len, "%s: %s", vmlinux_btf, NO_LIBBPF);
	return PC_ERR_UNSUPPORTED;
}

void churn_proto_free(void *p)
{
	(void)p;
}
