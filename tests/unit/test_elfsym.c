// SPDX-License-Identifier: MIT
/*
 * Symbol sizes for the static footprint: this test binary carries the
 * user-branch site and its absent twin (the symbol contract of site.h),
 * and files that are not a whole ELF64 are refused with the reason,
 * never read past their end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfsym.h"
#include "errors.h"
#include "ktap.h"

static const char *const prefixes[] = { "pcsite_user_branch", NULL };

static uint64_t size_of(const struct pc_elfsyms *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->s[i].name, name))
			return s->s[i].size;
	return 0;
}

/* The first @n bytes of this binary, optionally patched, as a file. */
static int partial_copy(const char *path, size_t n, size_t patch_at, int patch_len)
{
	FILE *in = fopen("/proc/self/exe", "rb"), *out = fopen(path, "wb");
	char *buf = malloc(n);
	size_t got = in && buf ? fread(buf, 1, n, in) : 0;

	if (patch_len && patch_at + (size_t)patch_len <= got)
		memset(buf + patch_at, 0, (size_t)patch_len);
	if (out && got)
		fwrite(buf, 1, got, out);
	if (in)
		fclose(in);
	if (out)
		fclose(out);
	free(buf);
	return got == n ? 0 : -1;
}

int main(void)
{
	char tmp[] = "/tmp/test_elfsym.XXXXXX", path[128], why[512];
	struct pc_elfsyms s;
	long exe_size;
	FILE *f;
	int ret;

	ktap_plan(6);
	ret = pc_elfsyms_load("/proc/self/exe", prefixes, &s, why, sizeof(why));
	KTAP_OK(ret == PC_OK && size_of(&s, "pcsite_user_branch") >
		size_of(&s, "pcsite_user_branch_absent") &&
		size_of(&s, "pcsite_user_branch_absent") > 0,
		"this binary: pcsite_user_branch %llu B > its absent twin %llu B",
		(unsigned long long)size_of(&s, "pcsite_user_branch"),
		(unsigned long long)size_of(&s, "pcsite_user_branch_absent"));
	pc_elfsyms_free(&s);

	if (!mkdtemp(tmp)) {
		for (int i = 0; i < 5; i++)
			ktap_skip("no temporary directory", "elfsym");
		return ktap_finish();
	}
	f = fopen("/proc/self/exe", "rb");
	fseek(f, 0, SEEK_END);
	exe_size = ftell(f);
	fclose(f);

	snprintf(path, sizeof(path), "%s/truncated", tmp);
	partial_copy(path, (size_t)exe_size / 2, 0, 0);
	ret = pc_elfsyms_load(path, prefixes, &s, why, sizeof(why));
	KTAP_OK(ret == PC_ERR_UNSUPPORTED && strstr(why, "out of bounds"),
		"half the binary: refused, %s", why);

	snprintf(path, sizeof(path), "%s/noshdr", tmp);
	/* e_shnum (offset 60) zeroed: no sections, so no symbol table */
	partial_copy(path, (size_t)exe_size, 60, 2);
	ret = pc_elfsyms_load(path, prefixes, &s, why, sizeof(why));
	KTAP_OK(ret == PC_ERR_UNSUPPORTED && strstr(why, "no symbol table"),
		"no section headers: refused, %s", why);

	snprintf(path, sizeof(path), "%s/text", tmp);
	f = fopen(path, "w");
	fputs("mechanism,state\nnone,absent\n", f);
	fclose(f);
	ret = pc_elfsyms_load(path, prefixes, &s, why, sizeof(why));
	KTAP_OK(ret == PC_ERR_UNSUPPORTED && strstr(why, "not an ELF file"),
		"a CSV file: refused, %s", why);

	snprintf(path, sizeof(path), "%s/empty", tmp);
	fclose(fopen(path, "w"));
	ret = pc_elfsyms_load(path, prefixes, &s, why, sizeof(why));
	KTAP_OK(ret == PC_ERR_UNSUPPORTED && strstr(why, "non-empty"),
		"an empty file: refused, %s", why);

	ret = pc_elfsyms_load(tmp, prefixes, &s, why, sizeof(why));
	KTAP_OK(ret == PC_ERR_UNSUPPORTED, "a directory: refused, %s", why);

	snprintf(path, sizeof(path), "rm -rf '%s'", tmp);
	if (system(path) != 0)
		ktap_diag("could not remove %s", tmp);
	return ktap_finish();
}
