// SPDX-License-Identifier: MIT
/* hwloc: topology summary, cache sizes, PU choice and binding. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "topo.h"

static uint64_t cache_size(hwloc_topology_t t, hwloc_obj_type_t type)
{
	hwloc_obj_t o = hwloc_get_obj_by_type(t, type, 0);

	return o && o->attr ? o->attr->cache.size : 0;
}

int pc_topo_init(struct pc_topo *tp)
{
	memset(tp, 0, sizeof(*tp));
	if (hwloc_topology_init(&tp->t) < 0)
		return PC_ERR_SYS;
	if (hwloc_topology_load(tp->t) < 0) {
		hwloc_topology_destroy(tp->t);
		tp->t = NULL;
		return PC_ERR_SYS;
	}
	tp->packages = hwloc_get_nbobjs_by_type(tp->t, HWLOC_OBJ_PACKAGE);
	tp->cores = hwloc_get_nbobjs_by_type(tp->t, HWLOC_OBJ_CORE);
	tp->pus = hwloc_get_nbobjs_by_type(tp->t, HWLOC_OBJ_PU);
	tp->l1d = cache_size(tp->t, HWLOC_OBJ_L1CACHE);
	tp->l1i = cache_size(tp->t, HWLOC_OBJ_L1ICACHE);
	tp->l2 = cache_size(tp->t, HWLOC_OBJ_L2CACHE);
	tp->l3 = cache_size(tp->t, HWLOC_OBJ_L3CACHE);
	return PC_OK;
}

void pc_topo_fini(struct pc_topo *tp)
{
	if (tp->t)
		hwloc_topology_destroy(tp->t);
	tp->t = NULL;
}

static void allowed_list(struct pc_topo *tp, char *buf, size_t len)
{
	hwloc_const_cpuset_t set = hwloc_topology_get_allowed_cpuset(tp->t);

	if (hwloc_bitmap_list_snprintf(buf, len, set) < 0 && len)
		buf[0] = '\0';
}

int pc_topo_pick(struct pc_topo *tp, int want_os, int *os, int *logical,
		 char *why, size_t len)
{
	hwloc_const_cpuset_t allowed = hwloc_topology_get_allowed_cpuset(tp->t);
	hwloc_obj_t pu = NULL;

	if (want_os >= 0) {
		pu = hwloc_get_pu_obj_by_os_index(tp->t, (unsigned int)want_os);
		if (!pu || !hwloc_bitmap_isset(allowed, (unsigned int)want_os)) {
			char list[128];

			allowed_list(tp, list, sizeof(list));
			snprintf(why, len,
				 "--cpu %d: no such PU in this process's allowed set %s; pick one of those OS indexes",
				 want_os, list);
			return PC_ERR_USAGE;
		}
	} else {
		int ncores = hwloc_get_nbobjs_by_type(tp->t, HWLOC_OBJ_CORE);

		for (int i = ncores - 1; i >= 0 && !pu; i--) {
			hwloc_obj_t core = hwloc_get_obj_by_type(tp->t, HWLOC_OBJ_CORE,
								 (unsigned int)i);
			hwloc_obj_t cand = hwloc_get_obj_inside_cpuset_by_type(
				tp->t, core->cpuset, HWLOC_OBJ_PU, 0);

			if (cand && hwloc_bitmap_isset(allowed, cand->os_index))
				pu = cand;
		}
		if (!pu)
			pu = hwloc_get_obj_inside_cpuset_by_type(tp->t, allowed,
								 HWLOC_OBJ_PU, 0);
		if (!pu) {
			snprintf(why, len, "hwloc found no PU this process may run on");
			return PC_ERR_SYS;
		}
	}
	*os = (int)pu->os_index;
	*logical = (int)pu->logical_index;
	return PC_OK;
}

int pc_topo_bind(struct pc_topo *tp, int os, char *why, size_t len)
{
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	int ret = PC_OK;

	if (!set)
		return PC_ERR_NOMEM;
	hwloc_bitmap_only(set, (unsigned int)os);
	if (hwloc_set_cpubind(tp->t, set, HWLOC_CPUBIND_THREAD) < 0) {
		snprintf(why, len, "cannot bind to PU %d: %s", os, strerror(errno));
		ret = PC_ERR_SYS;
	}
	hwloc_bitmap_free(set);
	return ret;
}

static void kib(char *buf, size_t len, const char *name, uint64_t b)
{
	if (b)
		snprintf(buf, len, "%s %llu KiB", name, (unsigned long long)(b >> 10));
	else
		snprintf(buf, len, "%s unknown", name);
}

int pc_topo_bind_set(struct pc_topo *tp, const int *os, int n, char *why, size_t len)
{
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	int ret = PC_OK;

	if (!set)
		return PC_ERR_NOMEM;
	for (int i = 0; i < n; i++)
		hwloc_bitmap_set(set, (unsigned int)os[i]);
	if (hwloc_set_cpubind(tp->t, set, HWLOC_CPUBIND_THREAD) < 0) {
		snprintf(why, len, "cannot bind to %d PUs: %s", n, strerror(errno));
		ret = PC_ERR_SYS;
	}
	hwloc_bitmap_free(set);
	return ret;
}

void pc_topo_summary(const struct pc_topo *tp, char *buf, size_t len)
{
	char l1d[32], l1i[32], l2[32], l3[32];
	int smt = tp->cores ? tp->pus / tp->cores : 1;

	kib(l1d, sizeof(l1d), "L1d", tp->l1d);
	kib(l1i, sizeof(l1i), "L1i", tp->l1i);
	kib(l2, sizeof(l2), "L2", tp->l2);
	kib(l3, sizeof(l3), "L3", tp->l3);
	snprintf(buf, len, "%d package%s, %d core%s, %d PU%s (%s); %s, %s, %s, %s",
		 tp->packages, tp->packages == 1 ? "" : "s",
		 tp->cores, tp->cores == 1 ? "" : "s",
		 tp->pus, tp->pus == 1 ? "" : "s",
		 smt > 1 ? "SMT" : "no SMT", l1d, l1i, l2, l3);
}

int pc_topo_spread(const struct pc_topo *tp, int *os, int max)
{
	hwloc_const_cpuset_t allowed = hwloc_topology_get_allowed_cpuset(tp->t);
	int ncores = hwloc_get_nbobjs_by_type(tp->t, HWLOC_OBJ_CORE);
	int n = 0;

	/* pass k takes the k-th PU of every core: cores first, SMT last */
	for (int k = 0; n < max; k++) {
		int added = 0;

		for (int c = 0; c < ncores && n < max; c++) {
			hwloc_obj_t core = hwloc_get_obj_by_type(tp->t, HWLOC_OBJ_CORE,
								 (unsigned int)c);
			hwloc_obj_t pu = hwloc_get_obj_inside_cpuset_by_type(
				tp->t, core->cpuset, HWLOC_OBJ_PU, (unsigned int)k);

			if (!pu)
				continue;
			added++;
			if (hwloc_bitmap_isset(allowed, pu->os_index))
				os[n++] = (int)pu->os_index;
		}
		if (!added)
			break;
	}
	return n;
}
