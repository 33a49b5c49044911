// SPDX-License-Identifier: MIT
/*
 * `probecost churn --dump DIR`: what the running kernel offers to static
 * and dynamic probes, written as the dump layout of churn.h. Runs the
 * same on a host and inside the guest; a part the kernel does not offer
 * is written as "absent" with the reason, never as an empty list that
 * would read as "nothing attachable".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "churn.h"
#include "csvio.h"
#include "errors.h"
#include "sysinfo.h"

struct part_row {
	const char *file;
	bool ok;
	uint64_t entries;
	char detail[2 * PATH_MAX + 512];
};

int churn_mkdirs(const char *path, char *err, size_t len)
{
	char tmp[PATH_MAX];

	if (strlen(path) >= sizeof(tmp)) {
		snprintf(err, len, "%s: path too long", path);
		return PC_ERR_USAGE;
	}
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; ; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST) {
			snprintf(err, len, "cannot create directory %s: %s", tmp, strerror(errno));
			return PC_ERR_IO;
		}
		*p = c;
		if (!c)
			return PC_OK;
	}
}

static FILE *open_out(const char *dir, const char *name, char *path, size_t plen)
{
	snprintf(path, plen, "%s/%s", dir, name);
	return fopen(path, "w");
}

/* /proc/kallsyms -> System.map, vmlinux only (module symbols dropped). */
static int dump_symbols(const char *dir, struct part_row *pr)
{
	char path[PATH_MAX + 64], *line = NULL;
	FILE *in = fopen("/proc/kallsyms", "r"), *out;
	uint64_t nonzero = 0;
	size_t cap = 0;

	if (!in) {
		snprintf(pr->detail, sizeof(pr->detail), "/proc/kallsyms: %s", strerror(errno));
		return PC_OK;
	}
	out = open_out(dir, pr->file, path, sizeof(path));
	if (!out) {
		fclose(in);
		snprintf(pr->detail, sizeof(pr->detail), "%s: %s", path, strerror(errno));
		return PC_ERR_IO;
	}
	while (getline(&line, &cap, in) >= 0) {
		char addr[32], type, name[512], mod[128];
		int n = sscanf(line, "%31s %c %511s %127s", addr, &type, name, mod);

		if (n != 3)
			continue;	/* "[module]" fourth field: not vmlinux */
		fprintf(out, "%s %c %s\n", addr, type, name);
		pr->entries++;
		if (strspn(addr, "0") != strlen(addr))
			nonzero++;
	}
	free(line);
	fclose(in);
	if (fclose(out) == EOF)
		return PC_ERR_IO;
	pr->ok = pr->entries > 0;
	if (!pr->ok) {
		snprintf(pr->detail, sizeof(pr->detail), "/proc/kallsyms is empty (CONFIG_KALLSYMS off?)");
	} else if (!nonzero) {
		char kr[16] = "?";

		/* names are what churn compares; addresses are for people */
		pc_read_file("/proc/sys/kernel/kptr_restrict", kr, sizeof(kr));
		snprintf(pr->detail, sizeof(pr->detail),
			 "/proc/kallsyms; addresses hidden (kptr_restrict=%s, or not root), names complete", kr);
	} else {
		snprintf(pr->detail, sizeof(pr->detail), "/proc/kallsyms");
	}
	return PC_OK;
}

/* dynamic_events lines "p:GROUP/EVENT ..." name events that are not tracepoints */
static void dynamic_events(const char *root, struct pc_strmap *skip)
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/dynamic_events", root);
	f = fopen(path, "r");
	if (!f)
		return;
	while (getline(&line, &cap, f) >= 0) {
		char *colon = strchr(line, ':'), *slash, *end;

		if (!colon || !(slash = strchr(colon, '/')))
			continue;
		*slash = ':';
		end = colon + 1 + strcspn(colon + 1, " \t\n");
		pc_strmap_addn(skip, colon + 1, (size_t)(end - colon - 1), NULL);
	}
	free(line);
	fclose(f);
}

static int dump_events(const char *dir, const char *root, struct part_row *pr,
		       char *err, size_t len)
{
	struct churn_kernel k = { 0 };
	struct pc_strmap skip = { 0 };
	char evdir[PATH_MAX], path[PATH_MAX + 64];
	const char **keys;
	struct pc_csvw w;
	int ret;

	snprintf(evdir, sizeof(evdir), "%s/events", root);
	dynamic_events(root, &skip);
	ret = churn_read_events_dir(&k, evdir, &skip, err, len);
	pc_strmap_free(&skip, NULL);
	if (ret != PC_OK) {
		snprintf(pr->detail, sizeof(pr->detail), "%s", err);
		err[0] = '\0';	/* a part absent, not a failed dump */
		churn_kernel_free(&k);
		return PC_OK;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, pr->file);
	ret = pc_csvw_open(&w, path, churn_events_cols, 7);
	keys = pc_strmap_sorted(&k.events);
	for (size_t i = 0; ret == PC_OK && keys && keys[i]; i++) {
		const struct churn_event *ev = pc_strmap_find(&k.events, keys[i])->val;
		const char *colon = strchr(keys[i], ':');
		char sys[256];

		snprintf(sys, sizeof(sys), "%.*s", (int)(colon - keys[i]), keys[i]);
		pr->entries++;
		for (size_t f = 0; ret == PC_OK && f <= ev->nf; f++) {
			if (f == ev->nf && ev->nf)
				break;	/* the empty row only marks a field-less event */
			pc_csvw_str(&w, sys);
			pc_csvw_str(&w, colon + 1);
			if (ev->nf) {
				pc_csvw_str(&w, ev->f[f].name);
				pc_csvw_str(&w, ev->f[f].type);
				pc_csvw_u64(&w, ev->f[f].offset);
				pc_csvw_u64(&w, ev->f[f].size);
				pc_csvw_u64(&w, (uint64_t)ev->f[f].sign);
			} else {
				for (int c = 0; c < 5; c++)
					pc_csvw_str(&w, "");
			}
			ret = pc_csvw_endrow(&w);
		}
	}
	if (!keys)
		ret = PC_ERR_NOMEM;
	free(keys);
	churn_kernel_free(&k);
	if (pc_csvw_close(&w, ret == PC_OK) != PC_OK || ret != PC_OK) {
		snprintf(err, len, "writing %s failed", path);
		return PC_ERR_IO;
	}
	pr->ok = true;
	snprintf(pr->detail, sizeof(pr->detail), "%s/*/*/format", evdir);
	return PC_OK;
}

static int dump_ftrace(const char *dir, const char *root, struct part_row *pr)
{
	char in_path[PATH_MAX], path[PATH_MAX + 64], *line = NULL;
	struct pc_strmap names = { 0 };
	const char **keys;
	size_t cap = 0;
	FILE *in, *out;

	snprintf(in_path, sizeof(in_path), "%s/available_filter_functions", root);
	in = fopen(in_path, "r");
	if (!in) {
		snprintf(pr->detail, sizeof(pr->detail), "%s: %s%s", in_path, strerror(errno),
			 errno == ENOENT ? " (kernel without CONFIG_DYNAMIC_FTRACE)" : "");
		return PC_OK;
	}
	errno = 0;
	while (getline(&line, &cap, in) >= 0) {
		char name[512], mod[128];
		int n = sscanf(line, "%511s %127s", name, &mod[0]);

		/* placeholders for discarded weak functions are not functions */
		if (n == 1 && strncmp(name, "__ftrace_invalid_address__", 26))
			pc_strmap_add(&names, name, NULL);
	}
	if (ferror(in)) {
		snprintf(pr->detail, sizeof(pr->detail), "%s: read failed: %s", in_path,
			 strerror(errno));
		free(line);
		fclose(in);
		pc_strmap_free(&names, NULL);
		return PC_OK;
	}
	free(line);
	fclose(in);
	out = open_out(dir, pr->file, path, sizeof(path));
	keys = pc_strmap_sorted(&names);
	if (!out || !keys) {
		if (out)
			fclose(out);
		free(keys);
		pc_strmap_free(&names, NULL);
		return PC_ERR_IO;
	}
	for (size_t i = 0; keys[i]; i++)
		fprintf(out, "%s\n", keys[i]);
	pr->entries = names.n;
	free(keys);
	pc_strmap_free(&names, NULL);
	if (fclose(out) == EOF)
		return PC_ERR_IO;
	pr->ok = true;
	snprintf(pr->detail, sizeof(pr->detail), "%s", in_path);
	return PC_OK;
}

static bool debugfs_mounted(char *at, size_t len)
{
	FILE *f = fopen("/proc/mounts", "r");
	char dev[256], mnt[PATH_MAX], type[64];
	bool found = false;

	if (!f)
		return false;
	while (!found && fscanf(f, "%255s %4095s %63s %*[^\n]", dev, mnt, type) == 3)
		if (!strcmp(type, "debugfs")) {
			snprintf(at, len, "%s", mnt);
			found = true;
		}
	fclose(f);
	return found;
}

/* <debugfs>/kprobes/blacklist: "0xSTART-0xEND\tNAME" lines. */
static int dump_blacklist(const char *dir, struct part_row *pr)
{
	char at[PATH_MAX] = "/sys/kernel/debug", in_path[PATH_MAX + 32];
	char path[PATH_MAX + 64], *line = NULL;
	bool mounted = false;
	struct pc_csvw w;
	size_t cap = 0;
	FILE *in;
	int ret = PC_OK, e;

	if (!debugfs_mounted(at, sizeof(at))) {
		if (mount("debugfs", at, "debugfs", 0, NULL) < 0) {
			snprintf(pr->detail, sizeof(pr->detail), "debugfs is not mounted and mounting it at %s failed: %s",
				 at, strerror(errno));
			return PC_OK;
		}
		mounted = true;	/* put things back as they were */
	}
	snprintf(in_path, sizeof(in_path), "%s/kprobes/blacklist", at);
	in = fopen(in_path, "r");
	e = errno;
	if (!in) {
		snprintf(pr->detail, sizeof(pr->detail), "%s: %s%s", in_path, strerror(e),
			 e == ENOENT ? " (kernel without CONFIG_KPROBES: nothing is kprobe-able)" : "");
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, pr->file);
	ret = pc_csvw_open(&w, path, churn_blacklist_cols, 3);
	while (ret == PC_OK && getline(&line, &cap, in) >= 0) {
		char start[32], end[32], name[512], mod[128];

		if (sscanf(line, "%31[^-]-%31s %511s %127s", start, end, name, mod) != 3)
			continue;	/* a module's entry, or unreadable */
		pc_csvw_str(&w, name);
		pc_csvw_str(&w, start);
		pc_csvw_str(&w, end);
		ret = pc_csvw_endrow(&w);
		pr->entries++;
	}
	free(line);
	fclose(in);
	if (pc_csvw_close(&w, ret == PC_OK) != PC_OK || ret != PC_OK) {
		ret = PC_ERR_IO;
		goto out;
	}
	pr->ok = true;
	snprintf(pr->detail, sizeof(pr->detail), "%s", in_path);
out:
	if (mounted)
		umount(at);
	return ret;
}

/*
 * /sys/kernel/btf/vmlinux -> vmlinux.btf, byte for byte: every function's
 * C prototype, for the signature comparison. Entries: its FUNCs (0 in a
 * build without libbpf, which cannot count them; the copy is still made).
 */
static int dump_btf(const char *dir, struct part_row *pr)
{
	const char *in_path = "/sys/kernel/btf/vmlinux";
	char path[PATH_MAX + 64], buf[65536], why[PATH_MAX + 256];
	FILE *in = fopen(in_path, "r"), *out;
	size_t n;
	int e = errno;

	if (!in) {
		snprintf(pr->detail, sizeof(pr->detail), "%s: %s%s", in_path, strerror(e),
			 e == ENOENT ? " (kernel without CONFIG_DEBUG_INFO_BTF)" : "");
		return PC_OK;
	}
	out = open_out(dir, pr->file, path, sizeof(path));
	if (!out) {
		fclose(in);
		return PC_ERR_IO;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			break;
	e = ferror(in) ? errno : 0;
	fclose(in);
	if (fclose(out) == EOF || e) {
		unlink(path);
		snprintf(pr->detail, sizeof(pr->detail), "%s: read failed: %s", in_path,
			 strerror(e ? e : EIO));
		return PC_OK;
	}
	pr->ok = true;
	if (churn_btf_count(path, &pr->entries, why, sizeof(why)) == PC_OK)
		snprintf(pr->detail, sizeof(pr->detail), "%s", in_path);
	else
		snprintf(pr->detail, sizeof(pr->detail), "%s; FUNCs not counted: %.300s",
			 in_path, why);
	return PC_OK;
}

int churn_dump(const char *dir, FILE *log, char *err, size_t len)
{
	struct part_row pr[CHURN_NR_PARTS] = { 0 };
	char path[PATH_MAX + 64];
	const char *root;
	struct utsname u;
	struct pc_csvw w;
	int ret;

	ret = churn_mkdirs(dir, err, len);
	if (ret != PC_OK)
		return ret;
	for (int p = 0; p < CHURN_NR_PARTS; p++)
		pr[p].file = churn_part_files[p];
	uname(&u);

	ret = dump_symbols(dir, &pr[CHURN_SYMBOLS]);
	root = ret == PC_OK ? pc_tracefs(true) : NULL;
	if (ret == PC_OK && !root) {
		snprintf(pr[CHURN_EVENTS].detail, sizeof(pr[0].detail),
			 "tracefs is not mounted and could not be mounted at /sys/kernel/tracing (not root, or CONFIG_TRACING off)");
		snprintf(pr[CHURN_FTRACE].detail, sizeof(pr[0].detail), "%s",
			 pr[CHURN_EVENTS].detail);
	}
	if (ret == PC_OK && root)
		ret = dump_events(dir, root, &pr[CHURN_EVENTS], err, len);
	if (ret == PC_OK && root)
		ret = dump_ftrace(dir, root, &pr[CHURN_FTRACE]);
	if (ret == PC_OK)
		ret = dump_blacklist(dir, &pr[CHURN_BLACKLIST]);
	if (ret == PC_OK)
		ret = dump_btf(dir, &pr[CHURN_BTF]);
	snprintf(pr[CHURN_SOURCE].detail, sizeof(pr[0].detail),
		 "not part of a live dump; add one with probecost churn --index-source SRC DIR");
	if (ret != PC_OK) {
		if (!*err)
			snprintf(err, len, "writing into %s failed: %s", dir, strerror(errno));
		return ret;
	}

	snprintf(path, sizeof(path), "%s/dump.csv", dir);
	ret = pc_csvw_open(&w, path, churn_manifest_cols, 5);
	pc_csvw_str(&w, "release");
	pc_csvw_str(&w, "");
	pc_csvw_str(&w, "ok");
	pc_csvw_u64(&w, 1);
	pc_csvw_str(&w, u.release);
	pc_csvw_endrow(&w);
	for (int p = 0; p < CHURN_NR_PARTS; p++) {
		pc_csvw_str(&w, churn_part_names[p]);
		pc_csvw_str(&w, pr[p].ok ? pr[p].file : "");
		pc_csvw_str(&w, pr[p].ok ? "ok" : "absent");
		pc_csvw_u64(&w, pr[p].entries);
		pc_csvw_str(&w, pr[p].detail);
		pc_csvw_endrow(&w);
		if (log)
			fprintf(log, "  %-10s %-8s %8" PRIu64 "  %s\n", churn_part_names[p],
				pr[p].ok ? "ok" : "absent", pr[p].entries, pr[p].detail);
	}
	if (pc_csvw_close(&w, ret == PC_OK) != PC_OK || ret != PC_OK) {
		snprintf(err, len, "writing %s failed", path);
		return PC_ERR_IO;
	}
	return PC_OK;
}
