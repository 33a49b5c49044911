// SPDX-License-Identifier: MIT
/*
 * The string map under churn's set arithmetic: every key found after the
 * table grew many times, none invented, duplicates kept once, prefix
 * lookups by length exact, and the sorted view really sorted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "churn.h"
#include "errors.h"
#include "ktap.h"
#include "strmap.h"

#define N 50000

int main(void)
{
	struct pc_strmap m = { 0 };
	const char **keys;
	char buf[32];
	size_t missing = 0, invented = 0, unsorted = 0, n = 0;
	int ret = PC_OK;

	ktap_plan(7);
	for (int i = 0; i < N && ret == PC_OK; i++) {
		snprintf(buf, sizeof(buf), "fn_%d", i);
		ret = pc_strmap_add(&m, buf, (void *)(uintptr_t)(i + 1));
	}
	for (int i = 0; i < N && ret == PC_OK; i += 2) {	/* again: no new keys */
		snprintf(buf, sizeof(buf), "fn_%d", i);
		ret = pc_strmap_add(&m, buf, NULL);
	}
	KTAP_OK(ret == PC_OK && m.n == N, "%d distinct keys inserted (twice for half), %zu held", N, m.n);

	for (int i = 0; i < N; i++) {
		struct pc_strmap_ent *e;

		snprintf(buf, sizeof(buf), "fn_%d", i);
		e = pc_strmap_find(&m, buf);
		missing += !e || e->val != (void *)(uintptr_t)(i + 1);
		snprintf(buf, sizeof(buf), "fn_%d", N + i);
		invented += pc_strmap_has(&m, buf);
	}
	KTAP_OK(!missing, "every key found with the value it was added with (%zu missing)", missing);
	KTAP_OK(!invented, "no key that was never added is found (%zu)", invented);

	/* "fn_12.isra.0" looked up by its base-name length is "fn_12" */
	KTAP_OK(pc_strmap_findn(&m, "fn_12.isra.0", churn_base_len("fn_12.isra.0")) ==
		pc_strmap_find(&m, "fn_12"), "findn with a base-name length finds the base name");
	KTAP_OK(!pc_strmap_findn(&m, "fn_1", 3), "findn compares the whole given length (\"fn_\" is no key)");

	keys = pc_strmap_sorted(&m);
	for (n = 0; keys && keys[n]; n++)
		unsorted += n && strcmp(keys[n - 1], keys[n]) >= 0;
	KTAP_OK(keys && n == N && !unsorted, "sorted view: %zu keys, %zu out of order", n, unsorted);
	free(keys);

	pc_strmap_free(&m, NULL);
	KTAP_OK(!m.n && !m.cap && !pc_strmap_has(&m, "fn_1"), "freed map is empty and still safe to query");
	return ktap_finish();
}
