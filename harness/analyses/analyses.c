// SPDX-License-Identifier: MIT
/* Selecting the analyses and running them in order (see analyses.h). */
#include <stdio.h>
#include <string.h>

#include "analyses.h"
#include "errors.h"
#include "opts.h"
#include "registry.h"

/*
 * A tracer entry on a primitive's site (BPF, perf record on uprobe-nop):
 * its absent and disabled site is the primitive's own, instruction for
 * instruction, so the analyses of the bare site (disabled overhead,
 * footprint) are the primitive's rows and are not measured twice.
 */
static bool site_is_primitives(const struct pc_mech *m)
{
	return pc_registry_is_tracer_entry(m) || m->site_of;
}

static const char *const names[PC_NR_ANALYSES] = {
	[PC_AN_DISABLED] = "disabled",
	[PC_AN_FOOTPRINT] = "footprint",
	[PC_AN_VICTIM] = "victim",
	[PC_AN_VICTIM_LLC] = "victim-llc",
	[PC_AN_SCALING] = "scaling",
	[PC_AN_TOGGLE] = "toggle",
	[PC_AN_ARMED] = "armed",
};

const char pc_analyses_help[] =
	"  --analyses LIST  analyses after the main measurement, comma-separated:\n"
	"                   disabled   disabled-probe overhead vs noise floor\n"
	"                   footprint  bytes added at the site / out of line\n"
	"                   victim     cache impact: victim walk over L1d, L2\n"
	"                   victim-llc the same over an LLC-sized set (slow)\n"
	"                   scaling    1..all PUs firing one probe at once\n"
	"                   toggle     switching the instrumentation on and off\n"
	"                   armed      enabled overhead with K other probes armed\n"
	"                              (K from --armed, default 0,10,100,1000)\n"
	"                   cache = footprint,victim; all; none; default\n"
	"                   (default: all but victim-llc, scaling and armed,\n"
	"                   which are opt-in; with --quick: disabled,footprint,\n"
	"                   toggle)\n";

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
	if (!list[0] || strspn(list, ",") == strlen(list))
		return pc_usage_error(cmd, "--analyses: empty list; use 'none' to run none");
	/* as every list option (opts.h): no empty element, no name twice */
	if (list[0] == ',' || list[strlen(list) - 1] == ',' || strstr(list, ",,"))
		return pc_usage_error(cmd, "--analyses: empty element in '%s' (a doubled, leading or trailing comma)",
				      list);
	memcpy(buf, list, strlen(list) + 1);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t n = strlen(tok);

		for (const char *o = strstr(list, tok); o; o = strstr(o + 1, tok))
			if ((o == list || o[-1] == ',') && (o[n] == ',' || !o[n]) &&
			    o != list + (tok - buf))
				return pc_usage_error(cmd, "--analyses: '%s' is named twice in '%s'",
						      tok, list);
		if (parse_one(tok, mask) != PC_OK)
			return pc_usage_error(cmd, "--analyses: unknown analysis '%s'; valid: disabled, footprint, victim, victim-llc, scaling, toggle, armed, cache, all, none, default",
					      tok);
	}
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

	if ((mask & PC_AN(PC_AN_DISABLED)) && (m->states & PC_ST(PC_DISABLED)) &&
	    !site_is_primitives(m))
		u += 1;
	/* victim rides in the engine's slots (pc_analyses_ride): no unit */
	if (mask & PC_AN(PC_AN_VICTIM_LLC))
		u += 1;
	if ((mask & PC_AN(PC_AN_SCALING)) && (m->flags & PC_MECH_MT))
		u += 1;	/* the others only write why they cannot */
	if ((mask & PC_AN(PC_AN_TOGGLE)) && m->toggle)
		u += 1;
	if ((mask & PC_AN(PC_AN_ARMED)) && m->others)
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

int pc_analyses_ride(struct pc_actx *c, const struct pc_mech *m,
		     unsigned int mask, struct pc_rider *r)
{
	memset(r, 0, sizeof(*r));
	pc_analyses_unride(c);
	if (!(mask & PC_AN(PC_AN_VICTIM)))
		return PC_OK;
	return pc_victim_ride(c, m, r);
}

void pc_analyses_unride(struct pc_actx *c)
{
	pc_victim_unride(c);
}

int pc_analyses_run(struct pc_actx *c, const struct pc_mech *m,
		    unsigned int mask)
{
	int ret = PC_OK;

	if ((mask & PC_AN(PC_AN_FOOTPRINT)) && !site_is_primitives(m))
		ret = pc_footprint_run(c, m);
	if (ret == PC_OK && (mask & PC_AN(PC_AN_DISABLED)) &&
	    (m->states & PC_ST(PC_DISABLED)) && !site_is_primitives(m)) {
		ret = pc_disabled_run(c, m);
		pc_progress_next(c->prog);
	}
	if (ret == PC_OK && (mask & PC_AN(PC_AN_VICTIM)))
		ret = pc_victim_run(c, m, false);
	if (ret == PC_OK && (mask & PC_AN(PC_AN_VICTIM_LLC))) {
		ret = pc_victim_run(c, m, true);
		pc_progress_next(c->prog);
	}
	if (ret == PC_OK && (mask & PC_AN(PC_AN_SCALING))) {
		ret = pc_scaling_run(c, m);
		if (m->flags & PC_MECH_MT)
			pc_progress_next(c->prog);
	}
	if (ret == PC_OK && (mask & PC_AN(PC_AN_TOGGLE)) && m->toggle) {
		ret = pc_toggle_run(c, m);
		pc_progress_next(c->prog);
	}
	if (ret == PC_OK && (mask & PC_AN(PC_AN_ARMED))) {
		ret = pc_armed_run(c, m);
		if (m->others)
			pc_progress_next(c->prog);
	}
	return ret;
}
