/* SPDX-License-Identifier: MIT */
/*
 * A string-keyed hash map (open addressing, linear probing): kernel
 * symbol tables have 10^5 names and a source index 10^6, and every
 * churn category is a set operation over them, so lookups must be O(1).
 * Keys are copied; values are caller-owned pointers (NULL for a set).
 */
#ifndef PC_STRMAP_H
#define PC_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pc_strmap_ent {
	char *key;		/* NULL: empty slot */
	void *val;
	uint64_t hash;
};

struct pc_strmap {
	struct pc_strmap_ent *tab;
	size_t cap;		/* power of two, or 0 */
	size_t n;
};

/*
 * Insert @key (the first @len bytes) unless present. @slot, when given,
 * receives the entry (new or existing) so the caller can set its value.
 */
int pc_strmap_addn(struct pc_strmap *m, const char *key, size_t len,
		   struct pc_strmap_ent **slot);
int pc_strmap_add(struct pc_strmap *m, const char *key, void *val);
struct pc_strmap_ent *pc_strmap_find(const struct pc_strmap *m, const char *key);
struct pc_strmap_ent *pc_strmap_findn(const struct pc_strmap *m, const char *key,
				      size_t len);
static inline bool pc_strmap_has(const struct pc_strmap *m, const char *key)
{
	return pc_strmap_find(m, key) != NULL;
}
/* Keys in strcmp order, NULL-terminated; free() the array, not the keys. */
const char **pc_strmap_sorted(const struct pc_strmap *m);
/* Free the keys and the table; @free_val (may be NULL) on each value. */
void pc_strmap_free(struct pc_strmap *m, void (*free_val)(void *));

#endif
