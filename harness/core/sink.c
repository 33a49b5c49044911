// SPDX-License-Identifier: MIT
/* Rows and samples out (see sink.h). */
#include <math.h>
#include <string.h>

#include "errors.h"
#include "sink.h"
#include "stats.h"

const char *pc_sink_where(const struct pc_sink *s, const struct pc_mech *m)
{
	/*
	 * Inside the guest everything is the guest's: a kernel mechanism
	 * there (live-kprobe, a --probe kprobe) ran on the guest's kernel,
	 * in its units, and must not be read as the host's live kernel; so
	 * did a guest-only entry on a user site (stap's usdt): its figures
	 * must not land among the host's user-space ones.
	 */
	if (s->where && (m->where != PC_WHERE_USER || (m->flags & PC_MECH_GUEST)))
		return s->where;
	return pc_where_name(m->where);
}

void pc_sink_row(struct pc_sink *s, const struct pc_row *row)
{
	if (s->res)
		pc_results_row(s->res, row);
	if (s->on_row)
		s->on_row(row, s->arg);
}

const char *pc_sink_tracer(const struct pc_mech *m, const char *state)
{
	return pc_mech_tracer(m, pc_state_parse(state));
}

void pc_sink_sample(struct pc_sink *s, const char *mech, const char *tracer,
		    const char *variant, const char *state, unsigned int repeat,
		    const char *metric, const char *unit, const char *backend,
		    uint64_t events, double value)
{
	if (s->res)
		pc_results_sample(s->res, mech, tracer, variant, state, repeat,
				  metric, unit, backend, events, value);
}

static void series_row(struct pc_sink *s, const struct pc_mech *m,
		       const struct pc_series *a, const struct pc_stats *st)
{
	struct pc_row row = {
		.mechanism = m->name,
		.tracer = pc_sink_tracer(m, a->state),
		.family = pc_family_name(m->family),
		.where = pc_sink_where(s, m),
		.variant = a->variant ? a->variant : "",
		.state = a->state,
		.metric = a->metric,
		.unit = a->unit ? a->unit : "",
		.backend = a->backend ? a->backend : "",
		.events = a->events,
		.hit_ratio = a->hit_ratio,
		.lost = a->lost,
		.missed = a->missed,
		.status = a->status ? a->status : "ok",
		.note = a->note ? a->note : "",
	};

	if (st)
		row.st = *st;
	pc_sink_row(s, &row);
}

void pc_sink_series(struct pc_sink *s, const struct pc_mech *m,
		    const struct pc_series *a)
{
	struct pc_stats st;

	if (pc_stats_compute(a->v, a->n, &st) != PC_OK) {
		pc_sink_note(s, m, a->state, a->metric, "failed",
			     "no valid samples (NaN or none)");
		return;
	}
	series_row(s, m, a, &st);
	for (size_t i = 0; i < a->n; i++)
		pc_sink_sample(s, m->name, pc_sink_tracer(m, a->state),
			       a->variant ? a->variant : "", a->state,
			       (unsigned int)i, a->metric, a->unit ? a->unit : "",
			       a->backend ? a->backend : "", a->events, a->v[i]);
}

void pc_sink_note(struct pc_sink *s, const struct pc_mech *m, const char *state,
		  const char *metric, const char *status, const char *why)
{
	struct pc_series a = {
		.state = state,
		.metric = metric,
		.hit_ratio = NAN,
		.status = status,
		.note = why,
	};

	series_row(s, m, &a, NULL);
}

void pc_sink_status(struct pc_sink *s, const struct pc_mech *m,
		    unsigned int states, const char *status, const char *why)
{
	for (int st = 0; st < PC_NR_STATES; st++)
		if (states & PC_ST(st))
			pc_sink_note(s, m, pc_state_name(st), "overhead", status, why);
}
