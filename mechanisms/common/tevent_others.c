// SPDX-License-Identifier: MIT
/* K other syscall trace events armed, filtered to nothing (see tevent_others.h). */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "tevent_others.h"

/* The filter no event passes: the idle task (pid 0) makes no system call. */
#define REJECT "common_pid == 0"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The syscall events but @call's, enter events first, each sorted: the
 * same K events in every run of one kernel, *@n of them in *@out.
 * PC_ERR_UNSUPPORTED (@why) when there are none, PC_ERR_NOMEM.
 */
static int candidates(const char *call, char ***out, size_t *n, char *why, size_t len)
{
	const char *root;
	char dir[PATH_MAX], skip_in[96], skip_out[96];
	char **v = NULL;
	size_t nin = 0;
	struct dirent *e;
	int ret = PC_OK;
	DIR *d;

	*n = 0;
	*out = NULL;
	if (pc_tracefs_root(&root, why, len) != PC_OK)
		return PC_ERR_UNSUPPORTED;
	snprintf(dir, sizeof(dir), "%s/events/syscalls", root);
	d = opendir(dir);
	if (!d) {
		snprintf(why, len, "no %s: this kernel has no syscall trace events (CONFIG_FTRACE_SYSCALLS off?)",
			 dir);
		return PC_ERR_UNSUPPORTED;
	}
	snprintf(skip_in, sizeof(skip_in), "sys_enter_%s", call);
	snprintf(skip_out, sizeof(skip_out), "sys_exit_%s", call);
	for (int pass = 0; pass < 2 && ret == PC_OK; pass++) {
		const char *pre = pass ? "sys_exit_" : "sys_enter_";

		rewinddir(d);
		while (ret == PC_OK && (e = readdir(d))) {
			char **nv;

			if (strncmp(e->d_name, pre, strlen(pre)) || !strcmp(e->d_name, skip_in) ||
			    !strcmp(e->d_name, skip_out))
				continue;
			nv = realloc(v, (*n + 1) * sizeof(*v));
			if (nv)
				v = nv;
			if (!nv || !(v[*n] = strdup(e->d_name)))
				ret = PC_ERR_NOMEM;
			else
				(*n)++;
		}
		if (!pass)
			nin = *n;
	}
	closedir(d);
	if (ret == PC_OK && !*n) {
		snprintf(why, len, "no syscall trace event besides %s's in %s", call, dir);
		ret = PC_ERR_UNSUPPORTED;
	}
	if (ret == PC_OK) {
		qsort(v, nin, sizeof(*v), by_name);
		qsort(v + nin, *n - nin, sizeof(*v), by_name);
	}
	*out = v;
	return ret;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}


int pc_tevent_others_set(struct pc_tevent_others *o, const char *call, unsigned int k,
			 char *what, size_t wlen, char *why, size_t len)
{
	size_t n = 0;
	char **v;
	unsigned int got;
	int ret = PC_OK;

	pc_tracefs_instance_remove(&o->ti);	/* disables them all first */
	o->k = 0;
	snprintf(what, wlen, "no other trace event armed");
	if (!k)
		return PC_OK;
	ret = candidates(call, &v, &n, why, len);
	if (ret != PC_OK) {
		free_list(v, n);
		return ret;
	}
	if (k > n) {
		snprintf(why, len, "%u other syscall events: this kernel has %zu besides %s's",
			 k, n, call);
		free_list(v, n);
		return PC_ERR_UNSUPPORTED;
	}
	ret = pc_tracefs_instance_create(&o->ti, "others", 4, why, len);
	for (unsigned int i = 0; ret == PC_OK && i < k; i++) {
		char file[160];

		snprintf(file, sizeof(file), "events/syscalls/%s/filter", v[i]);
		ret = pc_tracefs_instance_set(&o->ti, file, REJECT, why, len);
		if (ret == PC_OK)
			ret = pc_tracefs_instance_event(&o->ti, "syscalls", v[i], true, why, len);
	}
	free_list(v, n);
	got = ret == PC_OK ? pc_tracefs_instance_enabled(&o->ti, "syscalls:") : 0;
	if (ret == PC_OK && got != k) {
		snprintf(why, len, "asked for %u other syscall events, set_event lists %u enabled",
			 k, got);
		ret = PC_ERR_SYS;
	}
	if (ret != PC_OK) {
		pc_tracefs_instance_remove(&o->ti);
		return ret;
	}
	o->k = k;
	snprintf(what, wlen, "%u other syscall events armed in a private instance, each filtered to nothing ('%s'; %u read back from its set_event)",
		 k, REJECT, got);
	return PC_OK;
}
