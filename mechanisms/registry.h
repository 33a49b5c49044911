/* SPDX-License-Identifier: MIT */
/* The one list of mechanisms probecost knows. */
#ifndef PC_REGISTRY_H
#define PC_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "mech.h"

size_t pc_registry_count(void);
const struct pc_mech *pc_registry_get(size_t i);
/*
 * The first entry called @name (the primitive; tracer entries of the same
 * site follow it), or NULL when none is.
 */
const struct pc_mech *pc_registry_find(const char *name);
/*
 * Whether @m consumes a primitive's site with another tracer (bpf,
 * perf-record on uprobe-nop): an entry after the first of its name.
 */
bool pc_registry_is_tracer_entry(const struct pc_mech *m);
/*
 * Start-up check: (name, tracer) pairs unique and well formed, mandatory ops present,
 * states include absent. Prints the offender and returns PC_ERR_INVAL.
 */
int pc_registry_check(void);
/* The same checks on any list (the registry's, or a test's). */
int pc_registry_check_list(const struct pc_mech *const *list, size_t n);
/*
 * Add an entry made at run time (a user's probe point, run --probe):
 * after the built-in ones in count/get/find, checked as they are, but
 * named "probe:" and the point ([A-Za-z0-9_:.]). At most 4; PC_OK or
 * PC_ERR_INVAL, the offender printed.
 */
int pc_registry_add(const struct pc_mech *m);
/* Comma-separated list of all names (each once), for error messages. */
void pc_registry_names(char *buf, size_t len);
/* Comma-separated list of every tracer some entry uses, each once. */
void pc_registry_tracers(char *buf, size_t len);
/* Whether some entry uses tracer @t (pc_mech_uses_tracer). */
bool pc_registry_has_tracer(const char *t);

#endif
