// SPDX-License-Identifier: MIT
/* String-keyed open-addressing hash map. */
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "strmap.h"

/* FNV-1a: short identifiers, no adversary; cheap and good enough. */
static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

static int grow(struct pc_strmap *m)
{
	size_t nc = m->cap ? m->cap * 2 : 1024;
	struct pc_strmap_ent *nt = calloc(nc, sizeof(*nt));

	if (!nt)
		return PC_ERR_NOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		size_t j;

		if (!m->tab[i].key)
			continue;
		for (j = m->tab[i].hash & (nc - 1); nt[j].key; j = (j + 1) & (nc - 1))
			;
		nt[j] = m->tab[i];
	}
	free(m->tab);
	m->tab = nt;
	m->cap = nc;
	return PC_OK;
}

static struct pc_strmap_ent *lookup(const struct pc_strmap *m, const char *key,
				    size_t len, uint64_t h)
{
	if (!m->cap)
		return NULL;
	for (size_t j = h & (m->cap - 1); ; j = (j + 1) & (m->cap - 1)) {
		struct pc_strmap_ent *e = &m->tab[j];

		if (!e->key || (e->hash == h && !strncmp(e->key, key, len) &&
				!e->key[len]))
			return e;
	}
}

int pc_strmap_addn(struct pc_strmap *m, const char *key, size_t len,
		   struct pc_strmap_ent **slot)
{
	uint64_t h = hash_bytes(key, len);
	struct pc_strmap_ent *e;

	/* keep the load factor under 1/2 so probe chains stay short */
	if ((m->n + 1) * 2 > m->cap && grow(m) != PC_OK)
		return PC_ERR_NOMEM;
	e = lookup(m, key, len, h);
	if (!e->key) {
		e->key = malloc(len + 1);
		if (!e->key)
			return PC_ERR_NOMEM;
		memcpy(e->key, key, len);
		e->key[len] = '\0';
		e->hash = h;
		e->val = NULL;
		m->n++;
	}
	if (slot)
		*slot = e;
	return PC_OK;
}

int pc_strmap_add(struct pc_strmap *m, const char *key, void *val)
{
	struct pc_strmap_ent *e;
	int ret = pc_strmap_addn(m, key, strlen(key), &e);

	if (ret == PC_OK && val)
		e->val = val;
	return ret;
}

struct pc_strmap_ent *pc_strmap_findn(const struct pc_strmap *m, const char *key,
				      size_t len)
{
	struct pc_strmap_ent *e = lookup(m, key, len, hash_bytes(key, len));

	return e && e->key ? e : NULL;
}

struct pc_strmap_ent *pc_strmap_find(const struct pc_strmap *m, const char *key)
{
	return pc_strmap_findn(m, key, strlen(key));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **pc_strmap_sorted(const struct pc_strmap *m)
{
	const char **v = malloc((m->n + 1) * sizeof(*v));
	size_t k = 0;

	if (!v)
		return NULL;
	for (size_t i = 0; i < m->cap; i++)
		if (m->tab[i].key)
			v[k++] = m->tab[i].key;
	v[k] = NULL;
	qsort(v, k, sizeof(*v), cmp_str);
	return v;
}

void pc_strmap_free(struct pc_strmap *m, void (*free_val)(void *))
{
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->tab[i].key)
			continue;
		if (free_val && m->tab[i].val)
			free_val(m->tab[i].val);
		free(m->tab[i].key);
	}
	free(m->tab);
	memset(m, 0, sizeof(*m));
}
