// SPDX-License-Identifier: MIT
/* Load and validate a run directory written by `probecost run`. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"
#include "opts.h"
#include "results.h"
#include "rundir.h"

int pc_table_load_compat(const char *path, const char *const *cols,
			 struct pc_table *t, char *err, size_t len)
{
	const char *need[32];
	size_t n = 0;

	for (; *cols && n < sizeof(need) / sizeof(need[0]) - 1; cols++)
		if (strcmp(*cols, "tracer"))
			need[n++] = *cols;
	need[n] = NULL;
	return pc_table_load(path, need, t, err, len);
}

/* Open @name in the run; explain a missing file rather than just say so. */
static int load_file(struct pc_run *r, const char *name,
		     const char *const *cols, struct pc_table *t, char *err,
		     size_t len)
{
	char path[PATH_MAX + 32], part[PATH_MAX + 40];
	int ret, e;

	snprintf(path, sizeof(path), "%s/%s", r->dir, name);
	ret = pc_table_load_compat(path, cols, t, err, len);
	if (ret != PC_ERR_IO)
		return ret;
	e = errno;
	snprintf(part, sizeof(part), "%s.part", path);
	if (access(part, F_OK) == 0)
		snprintf(err, len, "%s: missing, but %s.part exists: the run did not finish (killed?); its partial rows are in the .part file",
			 path, name);
	else if (e == ENOENT)
		snprintf(err, len, "%s: no such file; expected a run directory written by probecost run (results.csv, samples.csv, meta.csv)",
			 path);
	return PC_ERR_INVAL;
}

static int bad_cell(const struct pc_table *t, size_t row, const char *col,
		    const char *want, char *err, size_t len)
{
	snprintf(err, len, "%s:%zu: column %s: '%s' is not %s", t->path,
		 t->line[row], col, pc_table_cell(t, row, pc_table_col(t, col)),
		 want);
	return PC_ERR_INVAL;
}

/* A number or empty (no value). */
static int num(const struct pc_table *t, size_t row, const char *col,
	       double *v, char *err, size_t len)
{
	if (pc_parse_dbl(pc_table_cell(t, row, pc_table_col(t, col)), v) != PC_OK ||
	    isinf(*v))
		return bad_cell(t, row, col, "a number", err, len);
	return PC_OK;
}

/* A whole number >= 0 or empty. */
static int count(const struct pc_table *t, size_t row, const char *col,
		 double *v, char *err, size_t len)
{
	if (num(t, row, col, v, err, len) != PC_OK ||
	    (!isnan(*v) && (*v < 0 || *v != floor(*v))))
		return bad_cell(t, row, col, "a whole number >= 0", err, len);
	return PC_OK;
}

static int nonempty(const struct pc_table *t, size_t row, const char *col,
		    const char **out, char *err, size_t len)
{
	*out = pc_table_cell(t, row, pc_table_col(t, col));
	if (!**out)
		return bad_cell(t, row, col, "a name (it is empty)", err, len);
	return PC_OK;
}

static const char *cell(const struct pc_table *t, size_t row, const char *col)
{
	return pc_table_cell(t, row, pc_table_col(t, col));
}

/* A row's tracer: its cell, or for a run without the column (rundir.h) the variant's. */
static const char *tracer_of(const struct pc_table *t, size_t row)
{
	const char *v = cell(t, row, "variant");

	if (pc_table_col(t, "tracer") >= 0)
		return cell(t, row, "tracer");
	if (!strncmp(v, "perf-count:", 11))
		return "perf";
	if (!strncmp(v, "instance-ring:", 14))
		return "ftrace";
	return strcmp(cell(t, row, "state"), "absent") ? "?" : "-";
}

static int parse_results(struct pc_run *r, char *err, size_t len)
{
	const struct pc_table *t = &r->res;
	static const char *const nums[] = {
		"median", "ci95_low", "ci95_high", "p10", "p90", "min", "hit_ratio",
	};
	static const char *const counts[] = { "repeats", "events", "lost", "missed" };

	r->rows = calloc(t->nrows ? t->nrows : 1, sizeof(*r->rows));
	if (!r->rows)
		return PC_ERR_NOMEM;
	for (size_t i = 0; i < t->nrows; i++) {
		struct pc_rrow *w = &r->rows[i];
		double v[7], c[4];

		if (nonempty(t, i, "mechanism", &w->mechanism, err, len) != PC_OK ||
		    nonempty(t, i, "state", &w->state, err, len) != PC_OK ||
		    nonempty(t, i, "metric", &w->metric, err, len) != PC_OK ||
		    nonempty(t, i, "status", &w->status, err, len) != PC_OK)
			return PC_ERR_INVAL;
		for (size_t k = 0; k < 7; k++)
			if (num(t, i, nums[k], &v[k], err, len) != PC_OK)
				return PC_ERR_INVAL;
		for (size_t k = 0; k < 4; k++)
			if (count(t, i, counts[k], &c[k], err, len) != PC_OK)
				return PC_ERR_INVAL;
		if (!isnan(v[1]) && !isnan(v[2]) && v[1] > v[2]) {
			snprintf(err, len, "%s:%zu: ci95_low %g is above ci95_high %g; expected low <= high",
				 t->path, t->line[i], v[1], v[2]);
			return PC_ERR_INVAL;
		}
		w->tracer = tracer_of(t, i);
		if (!*w->tracer)
			return bad_cell(t, i, "tracer", "a name (it is empty)", err, len);
		w->family = cell(t, i, "family");
		w->where = cell(t, i, "where");
		w->variant = cell(t, i, "variant");
		w->unit = cell(t, i, "unit");
		w->backend = cell(t, i, "backend");
		w->note = cell(t, i, "note");
		w->median = v[0];
		w->ci_lo = v[1];
		w->ci_hi = v[2];
		w->p10 = v[3];
		w->p90 = v[4];
		w->min = v[5];
		w->hit_ratio = v[6];
		w->repeats = c[0];
		w->events = c[1];
		w->lost = c[2];
		w->missed = c[3];
		w->line = t->line[i];
	}
	r->nrows = t->nrows;
	return PC_OK;
}

static const struct pc_table *sort_tab;

/* The order of pc_run_samples()'s search: mechanism, tracer, variant, state, metric, unit. */
static int key_cmp(const struct pc_table *t, size_t a, size_t b)
{
	static const char *const cols[] = {
		"mechanism", "tracer", "variant", "state", "metric", "unit",
	};

	for (size_t k = 0; k < 6; k++) {
		int c = k == 1 ? strcmp(tracer_of(t, a), tracer_of(t, b)) :
			strcmp(cell(t, a, cols[k]), cell(t, b, cols[k]));

		if (c)
			return c;
	}
	return 0;
}

static int cmp_sample(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	int c = key_cmp(sort_tab, a, b);

	if (c)
		return c;
	c = atol(cell(sort_tab, a, "repeat")) - atol(cell(sort_tab, b, "repeat"));
	return c ? c : (a > b) - (a < b);
}

static int parse_samples(struct pc_run *r, char *err, size_t len)
{
	const struct pc_table *t = &r->samp;
	size_t *idx, i = 0;
	double *vals;

	idx = malloc((t->nrows ? t->nrows : 1) * sizeof(*idx));
	vals = malloc((t->nrows ? t->nrows : 1) * sizeof(*vals));
	r->keys = calloc(t->nrows ? t->nrows : 1, sizeof(*r->keys));
	if (!idx || !vals || !r->keys) {
		free(idx);
		free(vals);
		return PC_ERR_NOMEM;
	}
	for (size_t k = 0; k < t->nrows; k++) {
		const char *dummy;
		double rep, ev;

		idx[k] = k;
		if (nonempty(t, k, "mechanism", &dummy, err, len) != PC_OK ||
		    nonempty(t, k, "state", &dummy, err, len) != PC_OK ||
		    nonempty(t, k, "metric", &dummy, err, len) != PC_OK ||
		    count(t, k, "repeat", &rep, err, len) != PC_OK ||
		    count(t, k, "events", &ev, err, len) != PC_OK ||
		    num(t, k, "value", &vals[k], err, len) != PC_OK) {
			free(idx);
			free(vals);
			return PC_ERR_INVAL;
		}
	}
	sort_tab = t;
	qsort(idx, t->nrows, sizeof(*idx), cmp_sample);
	/* one key per run of equal (mechanism, tracer, variant, state, metric, unit) */
	while (i < t->nrows) {
		size_t j = i, n = 0;
		struct pc_rsamples *s = &r->keys[r->nkeys];

		while (j < t->nrows && !key_cmp(t, idx[i], idx[j]))
			j++;
		s->v = malloc((j - i) * sizeof(double));
		if (!s->v) {
			free(idx);
			free(vals);
			return PC_ERR_NOMEM;
		}
		for (size_t k = i; k < j; k++)
			if (!isnan(vals[idx[k]]))
				s->v[n++] = vals[idx[k]];
		s->n = n;
		s->mechanism = cell(t, idx[i], "mechanism");
		s->tracer = tracer_of(t, idx[i]);
		s->variant = cell(t, idx[i], "variant");
		s->state = cell(t, idx[i], "state");
		s->metric = cell(t, idx[i], "metric");
		s->unit = cell(t, idx[i], "unit");
		s->backend = cell(t, idx[i], "backend");
		r->nkeys++;
		i = j;
	}
	free(idx);
	free(vals);
	return PC_OK;
}

int pc_run_load(const char *dir, unsigned int flags, struct pc_run *r,
		char *err, size_t len)
{
	struct stat sb;
	int ret;

	memset(r, 0, sizeof(*r));
	if (snprintf(r->dir, sizeof(r->dir), "%s", dir) >= (int)sizeof(r->dir)) {
		snprintf(err, len, "%.64s...: path too long", dir);
		return PC_ERR_INVAL;
	}
	/* "run/" and "run" name the same directory, and messages say run/x */
	for (size_t n = strlen(r->dir); n > 1 && r->dir[n - 1] == '/'; n--)
		r->dir[n - 1] = '\0';
	if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		snprintf(err, len, "%s: %s; expected a run directory written by probecost run",
			 dir, stat(dir, &sb) < 0 ? strerror(errno) : "not a directory");
		return PC_ERR_INVAL;
	}
	ret = load_file(r, "meta.csv", pc_meta_cols, &r->meta, err, len);
	if (ret == PC_OK)
		ret = load_file(r, "results.csv", pc_results_cols, &r->res, err, len);
	if (ret == PC_OK)
		ret = parse_results(r, err, len);
	r->has_tracer = ret == PC_OK && pc_table_col(&r->res, "tracer") >= 0;
	if (ret == PC_OK && (flags & PC_RUN_SAMPLES)) {
		ret = load_file(r, "samples.csv", pc_samples_cols, &r->samp, err, len);
		if (ret == PC_OK)
			ret = parse_samples(r, err, len);
		r->have_samples = ret == PC_OK;
	}
	if (ret != PC_OK) {
		pc_run_free(r);
		return ret == PC_ERR_NOMEM ? ret : PC_ERR_INVAL;
	}
	return PC_OK;
}

int pc_run_load_cmd(const char *cmd, const char *what, const char *dir,
		    unsigned int flags, struct pc_run *r)
{
	char err[1024];
	int ret = pc_run_load(dir, flags, r, err, sizeof(err));

	if (ret != PC_OK)
		fprintf(stderr, "probecost %s: %s%s%s\n", cmd, what ? what : "",
			what ? ": " : "", err);
	return ret;
}

int pc_run_load_operand(const char *cmd, const char *usage, int argc,
			char **argv, int optind, struct pc_run *r)
{
	if (optind != argc - 1)
		return pc_usage_error(cmd, "%s; usage: %s", optind >= argc ?
				      "missing the run directory" : "one run directory only",
				      usage);
	return pc_run_load_cmd(cmd, NULL, argv[optind], 0, r);
}

void pc_run_free(struct pc_run *r)
{
	for (size_t i = 0; i < r->nkeys; i++)
		free(r->keys[i].v);
	free(r->keys);
	free(r->rows);
	pc_table_free(&r->res);
	pc_table_free(&r->samp);
	pc_table_free(&r->meta);
	r->keys = NULL;
	r->rows = NULL;
	r->nkeys = r->nrows = 0;
}

const char *pc_run_incomplete(const struct pc_run *r)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/INTERRUPTED", r->dir);
	if (!access(path, F_OK) || !strcmp(pc_run_meta(r, "status", ""), "interrupted"))
		return "interrupted (SIGINT or SIGTERM): only the rows completed before are here";
	if (!pc_run_meta(r, "status", NULL))
		return "killed before it finished (meta.csv has no status): only the rows completed before are here";
	return NULL;
}

const char *pc_run_meta(const struct pc_run *r, const char *key,
			const char *dflt)
{
	for (size_t i = 0; i < r->meta.nrows; i++)
		if (!strcmp(cell(&r->meta, i, "key"), key))
			return cell(&r->meta, i, "value");
	return dflt;
}

const struct pc_rsamples *pc_run_samples(const struct pc_run *r,
					 const char *mech, const char *tracer,
					 const char *variant,
					 const char *state, const char *metric,
					 const char *unit)
{
	size_t lo = 0, hi = r->nkeys;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct pc_rsamples *s = &r->keys[mid];
		int c = strcmp(s->mechanism, mech);

		if (!c)
			c = strcmp(s->tracer, tracer);
		if (!c)
			c = strcmp(s->variant, variant);
		if (!c)
			c = strcmp(s->state, state);
		if (!c)
			c = strcmp(s->metric, metric);
		if (!c)
			c = strcmp(s->unit, unit);
		if (!c)
			return s;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct pc_rrow *pc_run_find(const struct pc_run *r, const char *mech,
				  const char *tracer, const char *state,
				  const char *metric)
{
	for (size_t i = 0; i < r->nrows; i++) {
		const struct pc_rrow *w = &r->rows[i];

		if ((!mech || !strcmp(w->mechanism, mech)) &&
		    (!tracer || !strcmp(w->tracer, tracer)) &&
		    (!state || !strcmp(w->state, state)) &&
		    (!metric || !strcmp(w->metric, metric)))
			return w;
	}
	return NULL;
}

bool pc_rrow_measured(const struct pc_rrow *row)
{
	return (!strcmp(row->status, "ok") || !strcmp(row->status, "miscount")) &&
	       !isnan(row->median);
}

static uint64_t u64_of(double v)
{
	return isnan(v) ? 0 : (uint64_t)v;
}

void pc_rrow_row(const struct pc_rrow *w, struct pc_row *row)
{
	memset(row, 0, sizeof(*row));
	row->mechanism = w->mechanism;
	row->tracer = w->tracer;
	row->family = w->family;
	row->where = w->where;
	row->variant = w->variant;
	row->state = w->state;
	row->metric = w->metric;
	row->unit = w->unit;
	row->backend = w->backend;
	row->st.median = w->median;
	row->st.ci_lo = w->ci_lo;
	row->st.ci_hi = w->ci_hi;
	row->st.p10 = w->p10;
	row->st.p90 = w->p90;
	row->st.min = w->min;
	row->st.max = NAN;
	row->st.ci_level = NAN;
	row->st.n = (size_t)u64_of(w->repeats);
	row->events = u64_of(w->events);
	row->hit_ratio = w->hit_ratio;
	row->lost = u64_of(w->lost);
	row->missed = u64_of(w->missed);
	row->status = w->status;
	row->note = w->note;
}

size_t pc_run_nsamples(const struct pc_run *r)
{
	return r->have_samples ? r->samp.nrows : 0;
}

/* A cell the loader validated as a number or empty. */
static double valid_num(const struct pc_table *t, size_t row, const char *col)
{
	double v = NAN;

	pc_parse_dbl(cell(t, row, col), &v);
	return v;
}

void pc_run_sample_at(const struct pc_run *r, size_t i, struct pc_rsample *s)
{
	const struct pc_table *t = &r->samp;

	s->mechanism = cell(t, i, "mechanism");
	s->tracer = tracer_of(t, i);
	s->variant = cell(t, i, "variant");
	s->state = cell(t, i, "state");
	s->metric = cell(t, i, "metric");
	s->unit = cell(t, i, "unit");
	s->backend = cell(t, i, "backend");
	s->repeat = valid_num(t, i, "repeat");
	s->events = valid_num(t, i, "events");
	s->value = valid_num(t, i, "value");
}
