// SPDX-License-Identifier: MIT
/*
 * `probecost churn --dump-modules MODDIR DIR`: every module of a kernel
 * image (each .ko or .ko.xz below MODDIR, e.g. the unpacked Debian
 * package's lib/modules/<KVER>/kernel) read statically (churn_kmod.c)
 * into three files beside the dump:
 *
 *   modules.csv           module,file,status,functions,ftrace,blacklisted,events,detail
 *                         one row per file; status ok or unreadable (detail: why)
 *   module-functions.csv  module,function,ftrace,blacklisted
 *   module-events.csv     module,system,event,format,field,type,offset,size,signed:
 *                         one row per field as events.csv has them (one
 *                         row with an empty field for an event without
 *                         own fields); format 1 when the fields were
 *                         read, 0 (one row, no field) when not
 *
 * They are not parts of dump.csv: a binary that predates them reads the
 * same dump as before (a cache shared between checkouts stays readable),
 * and the loader reads them when modules.csv is there.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "churn.h"
#include "churn_kmod.h"
#include "csvio.h"
#include "errors.h"

const char *const churn_modules_cols[] = {
	"module", "file", "status", "functions", "ftrace", "blacklisted", "events",
	"detail", NULL,
};
const char *const churn_modfn_cols[] = {
	"module", "function", "ftrace", "blacklisted", NULL,
};
const char *const churn_modev_cols[] = {
	"module", "system", "event", "format", "field", "type", "offset", "size", "signed", NULL,
};

static struct {
	char **p;
	size_t n, cap;
	bool nomem;
} found;

static bool is_module_file(const char *p)
{
	size_t n = strlen(p);

	return (n > 3 && !strcmp(p + n - 3, ".ko")) || (n > 6 && !strcmp(p + n - 6, ".ko.xz"));
}

static int collect(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag != FTW_F || !is_module_file(path))
		return 0;
	if (found.n == found.cap) {
		size_t nc = found.cap ? found.cap * 2 : 1024;
		char **np = realloc(found.p, nc * sizeof(*np));

		if (!np) {
			found.nomem = true;
			return 1;
		}
		found.p = np;
		found.cap = nc;
	}
	found.p[found.n] = strdup(path);
	if (!found.p[found.n]) {
		found.nomem = true;
		return 1;
	}
	found.n++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int open3(struct pc_csvw w[3], const char *dir, char *err, size_t len)
{
	static const char *const names[3] = {
		CHURN_MODULES_FILE, CHURN_MODFN_FILE, CHURN_MODEV_FILE,
	};
	const char *const *cols[3] = { churn_modules_cols, churn_modfn_cols, churn_modev_cols };
	static const size_t n[3] = { 8, 4, 9 };

	for (int i = 0; i < 3; i++) {
		char path[PATH_MAX + 64];

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (pc_csvw_open(&w[i], path, cols[i], n[i]) != PC_OK) {
			snprintf(err, len, "cannot write %s: %s", path, strerror(errno));
			while (i--)
				pc_csvw_close(&w[i], false);
			return PC_ERR_IO;
		}
	}
	return PC_OK;
}

/* @m's .BTF as DIR/module-btf/NAME.btf (CHURN_MODBTF_DIR), raw split BTF */
static int write_btf(const struct churn_kmod *m, const char *dir, char *err, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s.btf", dir, CHURN_MODBTF_DIR, m->name);
	f = fopen(path, "w");
	if (!f || fwrite(m->btf, 1, m->btf_size, f) != m->btf_size) {
		snprintf(err, len, "cannot write %s: %s", path, strerror(errno));
		if (f)
			fclose(f);
		return PC_ERR_IO;
	}
	if (fclose(f) == EOF) {
		snprintf(err, len, "cannot write %s: %s", path, strerror(errno));
		return PC_ERR_IO;
	}
	return PC_OK;
}

int churn_dump_modules(const char *moddir, const char *dir, FILE *log, char *err, size_t len)
{
	char btfdir[PATH_MAX];
	size_t nbtf = 0;
	size_t ok = 0, bad = 0, nfn = 0, nev = 0, skip = strlen(moddir);
	char first_bad[512] = "";	/* why the first unreadable module was */
	struct pc_csvw w[3];
	int ret;

	memset(&found, 0, sizeof(found));
	if (nftw(moddir, collect, 32, FTW_PHYS) < 0) {
		snprintf(err, len, "%s: cannot walk: %s", moddir, strerror(errno));
		return PC_ERR_INVAL;
	}
	if (found.nomem) {
		ret = PC_ERR_NOMEM;
		goto out;
	}
	if (!found.n) {
		snprintf(err, len, "%s: no .ko or .ko.xz files below it; expected a lib/modules/<KVER>/kernel tree",
			 moddir);
		ret = PC_ERR_INVAL;
		goto out;
	}
	qsort(found.p, found.n, sizeof(*found.p), cmp_str);
	snprintf(btfdir, sizeof(btfdir), "%s/%s", dir, CHURN_MODBTF_DIR);
	ret = churn_mkdirs(btfdir, err, len);
	if (ret == PC_OK)
		ret = open3(w, dir, err, len);
	if (ret != PC_OK)
		goto out;
	for (size_t i = 0; ret == PC_OK && i < found.n; i++) {
		const char *rel = found.p[i] + skip + (found.p[i][skip] == '/');
		char why[PATH_MAX + 256] = "", detail[512];
		struct churn_kmod m;
		size_t nftr = 0, nbl = 0;
		int r = churn_kmod_read(found.p[i], &m, why, sizeof(why));

		if (r == PC_ERR_NOMEM) {
			ret = r;
			break;
		}
		/* one unreadable module is a row saying why, not a failed dump */
		pc_csvw_str(&w[0], r == PC_OK ? m.name : "");
		pc_csvw_str(&w[0], rel);
		pc_csvw_str(&w[0], r == PC_OK ? "ok" : "unreadable");
		for (size_t f = 0; r == PC_OK && f < m.nfn; f++) {
			nftr += m.fn[f].ftrace;
			nbl += m.fn[f].blacklisted;
			pc_csvw_str(&w[1], m.name);
			pc_csvw_str(&w[1], m.fn[f].name);
			pc_csvw_u64(&w[1], m.fn[f].ftrace);
			pc_csvw_u64(&w[1], m.fn[f].blacklisted);
			ret = pc_csvw_endrow(&w[1]);
		}
		for (size_t e = 0; r == PC_OK && ret == PC_OK && e < m.nev; e++) {
			const struct churn_kmod_ev *ev = &m.ev[e];

			/* f == nf: the one row of an event without own fields */
			for (size_t f = 0; ret == PC_OK && (f < ev->nf || (!f && !ev->nf)); f++) {
				pc_csvw_str(&w[2], m.name);
				pc_csvw_str(&w[2], ev->system);
				pc_csvw_str(&w[2], ev->event);
				pc_csvw_u64(&w[2], ev->have_format);
				if (f < ev->nf) {
					pc_csvw_str(&w[2], ev->f[f].name);
					pc_csvw_str(&w[2], ev->f[f].type);
					pc_csvw_u64(&w[2], ev->f[f].offset);
					pc_csvw_u64(&w[2], ev->f[f].size);
					pc_csvw_u64(&w[2], (uint64_t)ev->f[f].sign);
				} else {
					for (int c = 0; c < 5; c++)
						pc_csvw_str(&w[2], "");
				}
				ret = pc_csvw_endrow(&w[2]);
			}
		}
		pc_csvw_u64(&w[0], r == PC_OK ? m.nfn : 0);
		pc_csvw_u64(&w[0], nftr);
		pc_csvw_u64(&w[0], nbl);
		pc_csvw_u64(&w[0], r == PC_OK ? m.nev : 0);
		if (r != PC_OK)
			snprintf(detail, sizeof(detail), "%.500s", why);
		else
			snprintf(detail, sizeof(detail), "%zu .init functions left out; %zu _ftrace_events entries unresolved; %zu events without a format",
				 m.init_fns, m.ev_unresolved, m.ev_noformat);
		pc_csvw_str(&w[0], detail);
		if (ret == PC_OK)
			ret = pc_csvw_endrow(&w[0]);
		if (r == PC_OK && ret == PC_OK && m.btf) {
			ret = write_btf(&m, dir, err, len);
			nbtf += ret == PC_OK;
		}
		if (r == PC_OK) {
			ok++;
			nfn += m.nfn;
			nev += m.nev;
			churn_kmod_free(&m);
		} else {
			if (!bad++)
				snprintf(first_bad, sizeof(first_bad), "%.500s", why);
			if (log)
				fprintf(log, "  unreadable: %s\n", why);
		}
	}
	/* a tree none of whose modules reads is not a dump: nothing is kept */
	if (ret == PC_OK && !ok) {
		snprintf(err, len, "%s: none of its %zu modules could be read (the first: %s); nothing written",
			 moddir, bad, first_bad);
		ret = PC_ERR_INVAL;
		rmdir(btfdir);	/* empty: no module gave BTF */
	}
	for (int i = 2; i >= 0; i--)
		if (!ok)
			pc_csvw_discard(&w[i]);
		else if (pc_csvw_close(&w[i], ret == PC_OK) != PC_OK && ret == PC_OK)
			ret = PC_ERR_IO;
	if (ret == PC_ERR_IO && !err[0])
		snprintf(err, len, "writing the module files into %s failed", dir);
	if (ret == PC_OK && log)
		fprintf(log, "  modules    %zu read, %zu unreadable: %zu functions, %zu events; BTF of %zu\n",
			ok, bad, nfn, nev, nbtf);
out:
	if (ret == PC_ERR_NOMEM)
		snprintf(err, len, "out of memory reading the modules below %s", moddir);
	for (size_t i = 0; i < found.n; i++)
		free(found.p[i]);
	free(found.p);
	memset(&found, 0, sizeof(found));
	return ret;
}
