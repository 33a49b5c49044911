// SPDX-License-Identifier: MIT
/* The run directory and its three CSV files. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"
#include "results.h"

const char *const pc_results_cols[] = {
	"run_id", "mechanism", "tracer", "family", "where", "variant", "state",
	"metric", "unit", "backend", "median", "ci95_low", "ci95_high",
	"p10", "p90", "min", "repeats", "events", "hit_ratio", "lost",
	"missed", "status", "note", NULL,
};

const char *const pc_samples_cols[] = {
	"run_id", "mechanism", "tracer", "variant", "state", "repeat", "metric",
	"unit", "backend", "events", "value", NULL,
};

const char *const pc_meta_cols[] = { "key", "value", NULL };

static size_t ncols(const char *const *c)
{
	size_t n = 0;

	while (c[n])
		n++;
	return n;
}

/* mkdir -p */
static int make_dirs(const char *path, char *err, size_t len)
{
	char tmp[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(tmp)) {
		snprintf(err, len, "%s: path too long", path);
		return PC_ERR_USAGE;
	}
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(tmp, 0755) < 0 && errno != EEXIST) {
				snprintf(err, len, "cannot create directory %s: %s; choose a writable place with --out",
					 tmp, strerror(errno));
				return PC_ERR_IO;
			}
			*p = c;
			if (!c)
				break;
		}
	}
	return PC_OK;
}

static int open_file(struct pc_results *r, struct pc_csvw *w, const char *name,
		     const char *const *cols, char *err, size_t len)
{
	char path[PATH_MAX + 32];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", r->dir, name);
	ret = pc_csvw_open(w, path, cols, ncols(cols));
	if (ret != PC_OK)
		snprintf(err, len, "cannot write %s.part: %s; choose a writable directory with --out",
			 path, strerror(errno));
	return ret;
}

int pc_results_open(struct pc_results *r, const char *root, const char *out,
		    char *err, size_t len)
{
	struct timespec ts;
	struct tm tm;
	int ret;

	memset(r, 0, sizeof(*r));
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	/* sortable by time, unique across concurrent runs by pid */
	snprintf(r->run_id, sizeof(r->run_id), "%04d%02d%02d-%02d%02d%02d-%05d",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (int)getpid() % 100000);
	if (out) {
		if (snprintf(r->dir, sizeof(r->dir), "%s", out) >= (int)sizeof(r->dir))
			goto toolong;
	} else {
		if (snprintf(r->root, sizeof(r->root), "%s", root) >= (int)sizeof(r->root) ||
		    snprintf(r->dir, sizeof(r->dir), "%s/%s", root, r->run_id) >=
			    (int)sizeof(r->dir))
			goto toolong;
	}
	ret = make_dirs(r->dir, err, len);
	if (ret != PC_OK)
		return ret;
	/* another run's files are never overwritten, whole or partial */
	for (const char *const *f = (const char *const[]){ "results.csv", "results.csv.part",
							    "samples.csv", "samples.csv.part",
							    "meta.csv", "meta.csv.part", NULL };
	     *f; f++) {
		char path[PATH_MAX + 32];

		snprintf(path, sizeof(path), "%s/%s", r->dir, *f);
		if (access(path, F_OK) == 0) {
			snprintf(err, len, "%s already holds a run (%s): choose a new directory with --out, or remove it",
				 r->dir, *f);
			return PC_ERR_USAGE;
		}
	}
	if (access(r->dir, W_OK) < 0) {
		snprintf(err, len, "output directory %s is not writable: %s; choose another with --out",
			 r->dir, strerror(errno));
		return PC_ERR_IO;
	}
	ret = open_file(r, &r->res, "results.csv", pc_results_cols, err, len);
	if (ret != PC_OK)
		goto err;
	ret = open_file(r, &r->samp, "samples.csv", pc_samples_cols, err, len);
	if (ret != PC_OK)
		goto err_res;
	ret = open_file(r, &r->meta, "meta.csv", pc_meta_cols, err, len);
	if (ret != PC_OK)
		goto err_samp;
	return PC_OK;

err_samp:
	pc_csvw_close(&r->samp, false);
err_res:
	pc_csvw_close(&r->res, false);
err:
	return ret;
toolong:
	snprintf(err, len, "output path too long");
	return PC_ERR_USAGE;
}

int pc_results_row(struct pc_results *r, const struct pc_row *row)
{
	struct pc_csvw *w = &r->res;
	bool have = row->st.n > 0;
	double nan = __builtin_nan("");

	pc_csvw_str(w, r->run_id);
	pc_csvw_str(w, row->mechanism);
	pc_csvw_str(w, row->tracer ? row->tracer : "-");
	pc_csvw_str(w, row->family);
	pc_csvw_str(w, row->where);
	pc_csvw_str(w, row->variant);
	pc_csvw_str(w, row->state);
	pc_csvw_str(w, row->metric);
	pc_csvw_str(w, row->unit);
	pc_csvw_str(w, row->backend);
	pc_csvw_dbl(w, have ? row->st.median : nan);
	pc_csvw_dbl(w, have ? row->st.ci_lo : nan);
	pc_csvw_dbl(w, have ? row->st.ci_hi : nan);
	pc_csvw_dbl(w, have ? row->st.p10 : nan);
	pc_csvw_dbl(w, have ? row->st.p90 : nan);
	pc_csvw_dbl(w, have ? row->st.min : nan);
	pc_csvw_u64(w, row->st.n);
	pc_csvw_u64(w, row->events);
	pc_csvw_dbl(w, row->hit_ratio);
	pc_csvw_u64(w, row->lost);
	pc_csvw_u64(w, row->missed);
	pc_csvw_str(w, row->status);
	pc_csvw_str(w, row->note);
	r->rows++;
	return pc_csvw_endrow(w);
}

int pc_results_sample(struct pc_results *r, const char *mech,
		      const char *tracer, const char *variant, const char *state, unsigned int repeat,
		      const char *metric, const char *unit, const char *backend,
		      uint64_t events, double value)
{
	struct pc_csvw *w = &r->samp;

	pc_csvw_str(w, r->run_id);
	pc_csvw_str(w, mech);
	pc_csvw_str(w, tracer);
	pc_csvw_str(w, variant);
	pc_csvw_str(w, state);
	pc_csvw_u64(w, repeat);
	pc_csvw_str(w, metric);
	pc_csvw_str(w, unit);
	pc_csvw_str(w, backend);
	pc_csvw_u64(w, events);
	pc_csvw_dbl(w, value);
	r->samples++;
	return pc_csvw_endrow(w);
}

int pc_results_meta(struct pc_results *r, const char *key, const char *value)
{
	pc_csvw_str(&r->meta, key);
	pc_csvw_str(&r->meta, value);
	return pc_csvw_endrow(&r->meta);
}

/* Point <root>/latest at the run, atomically (symlink + rename). */
static int link_latest(struct pc_results *r)
{
	char tmp[PATH_MAX + 32], dst[PATH_MAX + 16];

	if (!r->root[0])
		return PC_OK;
	snprintf(tmp, sizeof(tmp), "%s/.latest.%d", r->root, (int)getpid());
	snprintf(dst, sizeof(dst), "%s/latest", r->root);
	unlink(tmp);
	if (symlink(r->run_id, tmp) < 0)
		return PC_ERR_IO;
	if (rename(tmp, dst) < 0) {
		unlink(tmp);
		return PC_ERR_IO;
	}
	return PC_OK;
}

int pc_results_close(struct pc_results *r, bool commit, bool latest)
{
	int ret = PC_OK, e;

	e = pc_csvw_close(&r->res, commit);
	if (e != PC_OK)
		ret = e;
	e = pc_csvw_close(&r->samp, commit);
	if (e != PC_OK)
		ret = e;
	e = pc_csvw_close(&r->meta, commit);
	if (e != PC_OK)
		ret = e;
	if (commit && latest && ret == PC_OK)
		ret = link_latest(r);
	return ret;
}
