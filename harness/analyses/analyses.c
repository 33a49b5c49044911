// SPDX-License-Identifier: MIT
/* Selecting analyses and what every analysis file shares. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analyses.h"
#include "errors.h"
#include "opts.h"

static const char *const names[PC_NR_ANALYSES] = {
	[PC_AN_DISABLED] = "disabled",
	[PC_AN_FOOTPRINT] = "footprint",
	[PC_AN_VICTIM] = "victim",
	[PC_AN_VICTIM_LLC] = "victim-llc",
	[PC_AN_SCALING] = "scaling",
};

const char pc_analyses_help[] =
	"  --analyses LIST  analyses after the main measurement, comma-separated:\n"
	"                   disabled   disabled-probe overhead vs noise floor\n"
	"                   footprint  bytes added at the site / out of line\n"
	"                   victim     cache impact: victim walk over L1d, L2\n"
	"                   victim-llc the same over an LLC-sized set (slow)\n"
	"                   scaling    1..all PUs firing one probe at once\n"
	"                   cache = footprint,victim; all; none; default\n"
	"                   (default: all but victim-llc; with --quick:\n"
	"                   disabled,footprint)\n";

static int parse_one(const char *tok, unsigned int *mask)
{
	for (int i = 0; i < PC_NR_ANALYSES; i++) {
		if (!strcmp(tok, names[i])) {
			*mask |= PC_AN(i);
			return PC_OK;
		}
	}
	if (!strcmp(tok, "all"))
		*mask |= PC_AN_ALL;
	else if (!strcmp(tok, "cache"))
		*mask |= PC_AN(PC_AN_FOOTPRINT) | PC_AN(PC_AN_VICTIM);
	else if (strcmp(tok, "none"))
		return PC_ERR_USAGE;
	return PC_OK;
}

int pc_analyses_parse(const char *cmd, const char *list, unsigned int *mask)
{
	char buf[256], *save = NULL, *tok;

	*mask = 0;
	if (strlen(list) >= sizeof(buf))
		return pc_usage_error(cmd, "--analyses: list too long");
	if (!strcmp(list, "default")) {
		*mask = ~0u;	/* resolved by the caller, quick or not */
		return PC_OK;
	}
	memcpy(buf, list, strlen(list) + 1);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (parse_one(tok, mask) != PC_OK)
			return pc_usage_error(cmd, "--analyses: unknown analysis '%s'; valid: disabled, footprint, victim, victim-llc, scaling, cache, all, none, default",
					      tok);
	if (!list[0])
		return pc_usage_error(cmd, "--analyses: empty list; use 'none' to run none");
	return PC_OK;
}

void pc_analyses_names(unsigned int mask, char *buf, size_t len)
{
	size_t off = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (int i = 0; i < PC_NR_ANALYSES && off < len; i++)
		if (mask & PC_AN(i))
			off += (size_t)snprintf(buf + off, len - off, "%s%s",
						off ? "," : "", names[i]);
	if (!off)
		snprintf(buf, len, "none");
}

double pc_analyses_units(const struct pc_mech *m, unsigned int mask)
{
	double u = 0;

	if ((mask & PC_AN(PC_AN_DISABLED)) && (m->states & PC_ST(PC_DISABLED)))
		u += 1;
	if (mask & PC_AN(PC_AN_VICTIM))
		u += 1;
	if (mask & PC_AN(PC_AN_VICTIM_LLC))
		u += 1;
	if ((mask & PC_AN(PC_AN_SCALING)) && (m->flags & PC_MECH_MT))
		u += 1;
	return u;
}

bool pc_analysis_headline(const char *metric)
{
	static const char *const heads[] = {
		"disabled-overhead", "footprint-site", "footprint-handler",
		"victim-l1d-k1", "victim-l2-k1", "victim-llc-k1",
	};

	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		if (!strcmp(metric, heads[i]))
			return true;
	return !strncmp(metric, "scaling-throughput-t", 20);
}

int pc_analyses_run(struct pc_actx *c, const struct pc_mech *m,
		    unsigned int mask)
{
	int ret = PC_OK;

	if (mask & PC_AN(PC_AN_FOOTPRINT))
		ret = pc_footprint_run(c, m);
	if (ret == PC_OK && (mask & PC_AN(PC_AN_DISABLED)) &&
	    (m->states & PC_ST(PC_DISABLED))) {
		ret = pc_disabled_run(c, m);
		pc_progress_next(c->prog);
	}
	if (ret == PC_OK && (mask & PC_AN(PC_AN_VICTIM))) {
		ret = pc_victim_run(c, m, false);
		pc_progress_next(c->prog);
	}
	if (ret == PC_OK && (mask & PC_AN(PC_AN_VICTIM_LLC))) {
		ret = pc_victim_run(c, m, true);
		pc_progress_next(c->prog);
	}
	if (ret == PC_OK && (mask & PC_AN(PC_AN_SCALING)) && (m->flags & PC_MECH_MT)) {
		ret = pc_scaling_run(c, m);
		pc_progress_next(c->prog);
	}
	return ret;
}

/* ---- shared by the analysis files ---- */

static void write_row(struct pc_actx *c, const struct pc_mech *m,
		      const struct pc_arow *a, const struct pc_stats *st)
{
	struct pc_row row = {
		.mechanism = m->name,
		.family = pc_family_name(m->family),
		.where = pc_engine_where(c->e, m),
		.variant = a->variant ? a->variant : "",
		.state = a->state,
		.metric = a->metric,
		.unit = a->unit ? a->unit : "",
		.backend = a->backend ? a->backend : "",
		.events = a->events,
		.hit_ratio = a->hit_ratio,
		.status = a->status ? a->status : "ok",
		.note = a->note ? a->note : "",
	};

	if (st)
		row.st = *st;
	pc_progress_clear(c->prog);
	pc_engine_emit(c->e, &row);
}

void pc_analysis_emit(struct pc_actx *c, const struct pc_mech *m,
		      const struct pc_arow *a)
{
	struct pc_stats st;

	if (pc_stats_compute(a->v, a->n, &st) != PC_OK) {
		pc_analysis_status(c, m, a->state, a->metric, "failed",
				   "no valid samples (NaN or none)");
		return;
	}
	write_row(c, m, a, &st);
	for (size_t i = 0; c->e->res && i < a->n; i++)
		pc_results_sample(c->e->res, m->name, a->variant ? a->variant : "",
				  a->state, (unsigned int)i, a->metric,
				  a->unit ? a->unit : "", a->backend ? a->backend : "",
				  a->events, a->v[i]);
}

void pc_analysis_status(struct pc_actx *c, const struct pc_mech *m,
			const char *state, const char *metric,
			const char *status, const char *why)
{
	struct pc_arow a = {
		.state = state,
		.metric = metric,
		.hit_ratio = NAN,
		.status = status,
		.note = why,
	};

	write_row(c, m, &a, NULL);
}

int pc_an_open(struct pc_actx *c, const struct pc_mech *m, const char *metric,
	       struct pc_inst *in)
{
	char why[256];
	int ret;

	memset(in, 0, sizeof(*in));
	in->mech = m;
	in->opts = &c->e->cfg.opts;
	ret = pc_mech_available(m, why, sizeof(why));
	if (ret != PC_OK) {
		pc_analysis_status(c, m, "-", metric,
				   ret == PC_ERR_UNSUPPORTED ? "unsupported" : "failed",
				   why[0] ? why : pc_strerror(ret));
		return PC_ERR_UNSUPPORTED;
	}
	if (m->setup) {
		ret = m->setup(in);
		if (ret != PC_OK) {
			pc_analysis_status(c, m, "-", metric,
					   ret == PC_ERR_UNSUPPORTED ? "unsupported" : "failed",
					   in->why[0] ? in->why : pc_strerror(ret));
			return PC_ERR_UNSUPPORTED;
		}
	}
	return PC_OK;
}

void pc_an_close(struct pc_inst *in)
{
	in->mech->disarm(in);
	if (in->mech->teardown)
		in->mech->teardown(in);
}

int pc_an_arm(struct pc_inst *in, enum pc_state st)
{
	int ret;

	in->why[0] = '\0';
	ret = in->mech->arm(in, st);
	if (ret != PC_OK) {
		char keep[sizeof(in->why)];

		memcpy(keep, in->why, sizeof(keep));
		in->mech->disarm(in);
		memcpy(in->why, keep, sizeof(keep));
	}
	return ret;
}

void pc_an_variant(struct pc_inst *in, char *buf, size_t len)
{
	if (!in->mech->variant || in->mech->variant(in, buf, len) != PC_OK || !buf[0])
		snprintf(buf, len, "default");
}

int pc_an_timed_fire(const struct pc_engine *e, struct pc_inst *in,
		     uint64_t n, double *dur, struct pc_fire *f)
{
	uint64_t t0, t1;
	int ret;

	memset(f, 0, sizeof(*f));
	f->hits = PC_HITS_UNKNOWN;
	t0 = pc_timer_read(&e->timer);
	ret = in->mech->fire(in, n, f);
	t1 = pc_timer_read(&e->timer);
	*dur = pc_timer_value(&e->timer, (double)(f->self_timed ? f->ticks : t1 - t0));
	return ret == PC_OK ? pc_mech_count(in, f) : ret;
}

int pc_an_calibrate(const struct pc_engine *e, struct pc_inst *in,
		    enum pc_state st, uint64_t *n)
{
	struct pc_fire f;
	uint64_t k = 64;
	double d = 0;
	int ret;

	if (e->cfg.events) {
		*n = e->cfg.events;
		return PC_OK;
	}
	ret = pc_an_arm(in, st);
	if (ret != PC_OK)
		return ret;
	ret = pc_mech_fire(in, 16, &f);
	while (ret == PC_OK) {
		ret = pc_an_timed_fire(e, in, k, &d, &f);
		if (ret != PC_OK || d >= e->cfg.target / 16 || k >= (1ull << 30))
			break;
		k *= 4;
	}
	in->mech->disarm(in);
	if (ret != PC_OK)
		return ret;
	*n = 16;
	while (*n < (1ull << 30) && (double)*n * 2 * (d / (double)k) <= e->cfg.target)
		*n *= 2;
	return PC_OK;
}

bool pc_an_wants(const struct pc_actx *c, const struct pc_mech *m,
		 enum pc_state st)
{
	return (m->states & PC_ST(st)) &&
	       (st == PC_ABSENT || (c->e->cfg.states & PC_ST(st)));
}

bool pc_an_stopped(const struct pc_actx *c)
{
	return c->e->stop && *c->e->stop;
}
