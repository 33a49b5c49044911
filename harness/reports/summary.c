// SPDX-License-Identifier: MIT
/*
 * The summary at the top of the report and at the end of a run: see
 * summary.h for what it shows and where each figure comes from.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "summary.h"

#define MAX_MECHS 128

/*
 * The summary's states, its columns: disabled, enabled, recording, and
 * filtered between disabled and enabled where any row of the run has it
 * (an opt-in state: a run without it keeps three columns).
 */
struct sstates {
	const char *name[4];
	size_t n;
};

static void sstates_of(const struct pc_run *run, struct sstates *ss)
{
	bool filtered = false;

	for (size_t i = 0; i < run->nrows && !filtered; i++)
		filtered = !strcmp(run->rows[i].state, "filtered");
	ss->n = 0;
	ss->name[ss->n++] = "disabled";
	if (filtered)
		ss->name[ss->n++] = "filtered";
	ss->name[ss->n++] = "enabled";
	ss->name[ss->n++] = "recording";
}

static const struct pc_rrow *measured(const struct pc_run *run, const char *mech,
				      const char *state, const char *metric)
{
	for (size_t i = 0; i < run->nrows; i++) {
		const struct pc_rrow *w = &run->rows[i];

		if (!strcmp(w->mechanism, mech) && !strcmp(w->state, state) &&
		    !strcmp(w->metric, metric) && pc_rrow_measured(w))
			return w;
	}
	return NULL;
}

/*
 * A tracepoint or an fentry nop cannot be compiled out of a running
 * kernel: its absent state is the disabled site (the mechanism's variant
 * says "(=disabled)"), so disabled minus absent is a thing minus itself.
 */
static bool self_baseline(const struct pc_run *run, const char *mech)
{
	for (size_t i = 0; i < run->nrows; i++) {
		const struct pc_rrow *w = &run->rows[i];

		if (!strcmp(w->mechanism, mech) && !strcmp(w->state, "absent") &&
		    strstr(w->variant, "(=disabled)"))
			return true;
	}
	return false;
}

/* Whether @name is one of the ", "-separated names in @list ("perf" is not in "perf-record"). */
static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; (p = strstr(p, name)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

/*
 * The summary shows one row per mechanism and state: its first, the
 * built-in mechanism's. Measured rows of the same sites under other
 * tracers (bpf, a perf-record entry, lttng) are not in it: say which
 * tracers, and where their rows are, rather than leave them unseen.
 */
static void others_said(struct pc_doc *d, const struct pc_run *run, bool compact)
{
	char list[160] = "";
	size_t off = 0;

	for (size_t i = 0; i < run->nrows; i++) {
		const struct pc_rrow *w = &run->rows[i], *first;

		if (strcmp(w->metric, "overhead") || strcmp(w->state, "absent") == 0 ||
		    !pc_rrow_measured(w))
			continue;
		first = pc_run_find(run, w->mechanism, NULL, w->state, "overhead");
		if (first == w || !strcmp(first->tracer, w->tracer) || listed(list, w->tracer))
			continue;
		if (off < sizeof(list))
			off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
						off ? ", " : "", w->tracer);
	}
	if (off)
		pc_doc_para(d, "These are the built-in consumers' figures (a name marked [tracer] where only that tracer's were measured). The same sites were also consumed by %s: their rows are in %s, labelled [tracer].",
			    list, compact ? "the overhead table of probecost report DIR (or --verbose)" :
			    "the overhead table below");
}

/*
 * " [bpf]" when the figures shown for @w's mechanism are a tool's that
 * is not one of the built-in consumers (the module's own handler, the
 * ftrace ring, a perf count): a tracer entry's, its primitive not
 * measured in this run, or a site only a tool consumes (ust-tracepoint
 * [lttng]); else "".
 */
static const char *entry_tag(const struct pc_rrow *w, char *buf, size_t len)
{
	/* "?" and "": a run written before the tracer column, which names none */
	static const char *const builtin[] = { "-", "self", "ftrace", "perf", "?", "", NULL };
	bool plain = !w;

	for (int i = 0; w && builtin[i] && !plain; i++)
		plain = !strcmp(w->tracer, builtin[i]);
	buf[0] = '\0';
	if (!plain)
		snprintf(buf, len, " [%s]", w->tracer);
	return buf;
}

/* The row a summary cell shows, or NULL (not measured, or self-baseline). */
static const struct pc_rrow *figure(const struct pc_run *run, const char *mech,
				    const char *state)
{
	const struct pc_rrow *w = NULL;

	if (!strcmp(state, "disabled")) {
		if (self_baseline(run, mech))
			return NULL;
		w = measured(run, mech, state, "disabled-overhead");
	}
	return w ? w : measured(run, mech, state, "overhead");
}

const struct pc_rrow *pc_summary_figure(const struct pc_run *run, const char *mech,
					const char *state)
{
	return figure(run, mech, state);
}

static bool ci_excludes_0(const struct pc_rrow *w)
{
	return !isnan(w->ci_lo) && !isnan(w->ci_hi) && (w->ci_lo > 0 || w->ci_hi < 0);
}

/*
 * Whether @w can be told from zero: the disabled analysis's Mann-Whitney
 * verdict against its noise floor when @w is its row (the test the
 * analysis was built for), else whether the 95% CI excludes 0.
 */
static bool nonzero(const struct pc_rrow *w, char *why, size_t len)
{
	const char *p = strstr(w->note, "Mann-Whitney");

	if (!strcmp(w->metric, "disabled-overhead") && p) {
		bool above = !strncmp(w->note, "above", 5);
		const char *pv = strstr(p, ", p");	/* p=0.003 or p<1e-06 */
		int n = pv ? (int)strcspn(pv + 3, ")") : 0;

		/*
		 * The two tests can disagree: a CI off 0 whose samples are no
		 * higher than the noise floor's (absent' - absent) is no
		 * overhead. Say both, so "no" beside a CI that excludes 0 is
		 * not a puzzle.
		 */
		snprintf(why, len, "%s (MW p%.*s%s)", above ? "yes" : "no", n, pv ? pv + 3 : "=?",
			 !above && ci_excludes_0(w) ? "; CI excl. 0, not above noise" : "");
		return above;
	}
	if (isnan(w->ci_lo) || isnan(w->ci_hi)) {
		snprintf(why, len, "n/a (no CI)");
		return false;
	}
	snprintf(why, len, "%s (CI)", ci_excludes_0(w) ? "yes" : "no");
	return ci_excludes_0(w);
}

struct place {
	const struct sstates *ss;
	const char *where;
	const char *mechs[MAX_MECHS];
	size_t n;
};

/* Does @mech have a row in a summary state at all (not a baseline)? */
static bool has_states(const struct pc_run *run, const struct sstates *ss, const char *mech)
{
	for (size_t s = 0; s < ss->n; s++)
		if (pc_run_find(run, mech, NULL, ss->name[s], NULL))
			return true;
	return false;
}

/* Places in a fixed order, user space first, then any this version does not know. */
static int place_rank(const char *where)
{
	static const char *const order[] = { "user", "kernel", "module", "guest" };

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (!strcmp(where, order[i]))
			return (int)i;
	return (int)(sizeof(order) / sizeof(order[0]));
}

static size_t places_of(const struct pc_run *run, const struct sstates *ss, struct place *pl,
			size_t max)
{
	size_t np = 0;

	for (size_t i = 0; i < run->nrows; i++) {
		const struct pc_rrow *w = &run->rows[i];
		size_t p, m;

		if (!has_states(run, ss, w->mechanism))
			continue;
		for (p = 0; p < np; p++)
			if (!strcmp(pl[p].where, w->where))
				break;
		if (p == np) {
			if (np == max)
				continue;
			pl[np].ss = ss;
			pl[np].where = w->where;
			pl[np].n = 0;
			np++;
		}
		for (m = 0; m < pl[p].n; m++)
			if (!strcmp(pl[p].mechs[m], w->mechanism))
				break;
		if (m == pl[p].n && m < MAX_MECHS)
			pl[p].mechs[pl[p].n++] = w->mechanism;
	}
	/* insertion sort, stable: np is at most a handful */
	for (size_t i = 1; i < np; i++)
		for (size_t k = i; k > 0 && place_rank(pl[k].where) < place_rank(pl[k - 1].where); k--) {
			struct place t = pl[k];

			pl[k] = pl[k - 1];
			pl[k - 1] = t;
		}
	return np;
}

/*
 * The cheapest figure of a place and state in @w's unit and backend that
 * is above zero for sure (CI excludes 0): ratios to a figure that may be
 * 0 would be noise divided by noise. NaN when there is none.
 */
static double cheapest(const struct pc_run *run, const struct place *pl,
		       const char *state, const struct pc_rrow *w)
{
	double best = NAN;

	for (size_t m = 0; m < pl->n; m++) {
		const struct pc_rrow *o = figure(run, pl->mechs[m], state);

		if (!o || strcmp(o->unit, w->unit) || strcmp(o->backend, w->backend) ||
		    !ci_excludes_0(o) || o->median <= 0)
			continue;
		if (isnan(best) || o->median < best)
			best = o->median;
	}
	return best;
}

static void fmt_ratio(char *buf, size_t len, const struct pc_run *run,
		      const struct place *pl, const char *state, const struct pc_rrow *w)
{
	double c = cheapest(run, pl, state, w), q;

	if (isnan(c) || !ci_excludes_0(w) || w->median <= 0) {
		snprintf(buf, len, "-");
		return;
	}
	q = w->median / c;
	snprintf(buf, len, q >= 100 ? "x%.0f" : "x%.3g", q);
}

static void place_title(const struct pc_run *run, const char *where, char *buf,
			size_t len)
{
	if (!strcmp(where, "user"))
		snprintf(buf, len, "User space");
	else if (!strcmp(where, "kernel"))
		snprintf(buf, len, "Live kernel (%s)", pc_run_meta(run, "kernel", "?"));
	else if (!strcmp(where, "module"))
		snprintf(buf, len, "Module on this host (probecost.ko, %s)",
			 pc_run_meta(run, "kernel", "?"));
	else if (!strcmp(where, "guest") && pc_run_meta(run, "vm_series", NULL))
		snprintf(buf, len, "In the QEMU guest, its module and kernel (series %s)",
			 pc_run_meta(run, "vm_series", NULL));
	else if (!strcmp(where, "guest") && !strcmp(pc_run_meta(run, "in_guest", "no"), "yes"))
		snprintf(buf, len, "In the QEMU guest, its module and kernel (%s)", pc_run_meta(run, "kernel", "?"));
	else if (!strcmp(where, "guest"))
		snprintf(buf, len, "In the QEMU guest, its module and kernel");
	else
		snprintf(buf, len, "Where = %s", where);
}

/* The first measured figure of @mech, for its unit and backend. */
static const struct pc_rrow *any_figure(const struct pc_run *run, const struct place *pl,
					const char *mech)
{
	for (size_t s = 0; s < pl->ss->n; s++) {
		const struct pc_rrow *w = figure(run, mech, pl->ss->name[s]);

		if (w)
			return w;
	}
	return NULL;
}

/* |median| below one cycle at the TSC's rate (meta tsc_mhz), in ns on tsc */
static bool sub_cycle(const struct pc_run *run, const struct pc_rrow *w)
{
	double mhz = atof(pc_run_meta(run, "tsc_mhz", "0"));

	return !strcmp(w->backend, "tsc") && !strcmp(w->unit, "ns") && mhz > 0 &&
	       fabs(w->median) < 1e3 / mhz;
}

/* The traps per event of @w's mechanism, tracer and state, or "-". */
static void traps_cell(char *buf, size_t len, const struct pc_run *run,
		       const struct pc_rrow *w)
{
	const struct pc_rrow *t = w ? pc_run_find(run, w->mechanism, w->tracer, w->state,
						  "traps") : NULL;

	if (t)
		pc_doc_num(buf, len, t->median);
	else
		snprintf(buf, len, "-");
}

/* A row of the full table; its traps cell shows where the table has the column. */
static void full_state(struct pc_doc *d, const struct pc_run *run,
		       const struct place *pl, const char *mech, const char *state)
{
	const struct pc_rrow *w = figure(run, mech, state);
	const struct pc_rrow *any = pc_run_find(run, mech, NULL, state, "overhead");
	char st[32], med[48], ci[64], ratio[32], why[64], tr[32];

	snprintf(st, sizeof(st), "  %s", state);
	traps_cell(tr, sizeof(tr), run, w);
	if (!w && !strcmp(state, "disabled") && self_baseline(run, mech)) {
		pc_doc_row(d, (const char *[]){ st, "= absent", "-", "-", "n/a (own baseline)", tr });
		return;
	}
	if (!w) {
		if (any)
			pc_doc_row(d, (const char *[]){ st, any->status, "-", "-", "-", tr });
		return;
	}
	pc_doc_num(med, sizeof(med), w->median);
	if (strcmp(w->status, "ok"))
		strcat(med, " !");
	pc_doc_ci(ci, sizeof(ci), w->ci_lo, w->ci_hi);
	fmt_ratio(ratio, sizeof(ratio), run, pl, state, w);
	if (nonzero(w, why, sizeof(why)) && !strcmp(state, "disabled") && sub_cycle(run, w)) {
		snprintf(ratio, sizeof(ratio), "-");
		snprintf(why + strlen(why), sizeof(why) - strlen(why), ", <1 cycle");
	}
	pc_doc_row(d, (const char *[]){ st, med, ci, ratio, why, tr });
}

static void compact_cell(char *buf, size_t len, const struct pc_run *run,
			 const struct place *pl, const char *mech, const char *state,
			 const char *unit)
{
	const struct pc_rrow *w = figure(run, mech, state);
	const struct pc_rrow *any = pc_run_find(run, mech, NULL, state, "overhead");
	char med[48], ratio[32], why[64];
	bool nz;

	if (!w) {
		snprintf(buf, len, "%s", !strcmp(state, "disabled") && self_baseline(run, mech) ?
			 "= absent" : any ? any->status : "-");
		return;
	}
	pc_doc_num(med, sizeof(med), w->median);
	nz = nonzero(w, why, sizeof(why));
	fmt_ratio(ratio, sizeof(ratio), run, pl, state, w);
	snprintf(buf, len, "%s%s%s%s%s", med, strcmp(w->unit, unit) ? " " : "",
		 strcmp(w->unit, unit) ? w->unit : "", strcmp(w->status, "ok") ? " !" : "",
		 nz ? "" : " (~0)");
	/*
	 * A disabled cost measurable but under one clock cycle per event (a
	 * site's placement, not a probe): said so instead of a ratio to
	 * another such figure.
	 */
	if (nz && !strcmp(state, "disabled") && sub_cycle(run, w)) {
		size_t off = strlen(buf);

		snprintf(buf + off, len - off, " (<1 cycle)");
		return;
	}
	if (nz && strcmp(ratio, "-")) {
		size_t off = strlen(buf);

		snprintf(buf + off, len - off, " %s", ratio);
	}
}

/*
 * The recording figures of @pl's kprobes measured like-for-like, where
 * the run has them: the tracer-self rows whose handler wrote the record
 * event ("kprobe-int3 1224, ..." plus the unit), else "".
 */
static void like_for_like(const struct pc_run *run, const struct place *pl,
			  char *buf, size_t len)
{
	const char *unit = NULL;
	size_t off = 0;

	buf[0] = '\0';
	for (size_t m = 0; m < pl->n && off < len; m++) {
		const struct pc_rrow *w = pc_run_find(run, pl->mechs[m], "self", "recording",
						      "overhead");
		char med[48];

		if (!w || !pc_rrow_measured(w) || !strstr(w->variant, ":handler "))
			continue;
		pc_doc_num(med, sizeof(med), w->median);
		off += (size_t)snprintf(buf + off, len - off, "%s%s %s", off ? ", " : "",
					w->mechanism, med);
		unit = w->unit;
	}
	if (unit && off < len)
		snprintf(buf + off, len - off, " %s.", unit);
}

static void one_place(struct pc_doc *d, const struct pc_run *run,
		      const struct place *pl, bool compact)
{
	static const char *const head[] = {
		"mechanism", "per event", "95% CI", "ratio", "nonzero?", "traps",
	};
	const char *chead[2 + 4] = { "mechanism", "family" };
	char title[192], unsup[1024] = "", selfb[512] = "", calign[8], fetch[512] = "";
	const char *unit = NULL, *backend = NULL;
	bool table = false, mixed = false, icount = false, other_rec = false, traps = false;

	/* mechanism, family, then one right-aligned column per state */
	for (size_t s = 0; s < pl->ss->n; s++)
		chead[2 + s] = pl->ss->name[s];
	snprintf(calign, sizeof(calign), "ll%.*s", (int)pl->ss->n, "rrrr");
	for (size_t m = 0; m < pl->n; m++) {
		const struct pc_rrow *w = any_figure(run, pl, pl->mechs[m]);

		for (size_t s = 0; s < pl->ss->n; s++) {
			const struct pc_rrow *f = figure(run, pl->mechs[m], pl->ss->name[s]);

			if (!f)
				continue;
			if (!unit) {
				unit = f->unit;
				backend = f->backend;
			}
			mixed |= strcmp(f->unit, unit) || strcmp(f->backend, backend);
			icount |= !strncmp(f->backend, "icount", 6);
			traps |= pc_run_find(run, f->mechanism, f->tracer, f->state, "traps") != NULL;
			/* a recording whose event fetches the payload as a string */
			if (strcmp(pl->ss->name[s], "recording"))
				continue;
			if (strstr(f->variant, ":string")) {
				size_t off = strlen(fetch);

				snprintf(fetch + off, sizeof(fetch) - off, "%s%s", off ? ", " : "",
					 pl->mechs[m]);
			} else {
				other_rec = true;
			}
		}
		if (!w) {
			size_t off = strlen(unsup);

			snprintf(unsup + off, sizeof(unsup) - off, "%s%s", off ? ", " : "",
				 pl->mechs[m]);
		}
		if (w && self_baseline(run, pl->mechs[m])) {
			size_t off = strlen(selfb);

			snprintf(selfb + off, sizeof(selfb) - off, "%s%s", off ? ", " : "",
				 pl->mechs[m]);
		}
	}
	place_title(run, pl->where, title, sizeof(title));
	if (unit && !mixed) {
		size_t off = strlen(title);

		snprintf(title + off, sizeof(title) - off, ": %s, %s", unit, backend);
	}
	pc_doc_subheading(d, title);
	for (size_t m = 0; m < pl->n; m++) {
		const char *mech = pl->mechs[m];
		const struct pc_rrow *w = any_figure(run, pl, mech);
		const char *row[2 + 4];
		char cells[4][96], tag[48], named[128];

		if (!w)
			continue;
		snprintf(named, sizeof(named), "%s%s", mech, entry_tag(w, tag, sizeof(tag)));
		if (!table)
			pc_doc_table(d, compact ? 2 + pl->ss->n : traps ? 6 : 5,
				     compact ? chead : head, compact ? calign : "lrrrlr");
		table = true;
		if (compact) {
			row[0] = named;
			row[1] = w->family;
			for (size_t s = 0; s < pl->ss->n; s++) {
				compact_cell(cells[s], sizeof(cells[s]), run, pl, mech,
					     pl->ss->name[s], mixed ? "" : unit);
				row[2 + s] = cells[s];
			}
			pc_doc_row(d, row);
			continue;
		}
		if (mixed)
			pc_doc_group(d, "%s (%s; %s, %s)", named, w->family, w->unit, w->backend);
		else
			pc_doc_group(d, "%s (%s)", named, w->family);
		for (size_t s = 0; s < pl->ss->n; s++)
			full_state(d, run, pl, mech, pl->ss->name[s]);
	}
	if (selfb[0])
		pc_doc_para(d, compact ? "%s: disabled is its own baseline (absent = disabled), not a difference." :
			    "%s: the disabled site is the baseline itself (its absent variant says \"=disabled\": a tracepoint or fentry nop cannot be compiled out of a running kernel), so no disabled difference is shown; its disabled cost is part of the syscall it sits in.",
			    selfb);
	if (icount)
		pc_doc_para(d, "icount: emulated instructions, exact but blind to what a trap costs on real hardware.%s",
			    traps && !compact ? " traps: the int3 traps each event takes (the module's handler counts those it runs in, the probed text says the rest): on hardware each is an exception entry and return that no instruction count weighs (see \"Against published figures\")." : "");
	if (fetch[0]) {
		char like[512] = "";

		/* said where the table mixes the two, or where the run has the like-for-like rows */
		like_for_like(run, pl, like, sizeof(like));
		if (other_rec || like[0])
			pc_doc_para(d, "recording is not like-for-like: %s record through a kprobe event whose fetch copies the payload as a string, byte by byte (their variant says so)%s %s%s",
				    fetch, other_rec ? "; the others through their own record event." : ".",
				    like[0] ? "Through their own handler's record event instead, as the module's other mechanisms record (tracer self): " :
				    "Compare their enabled costs for the probes themselves.", like);
	}
	if (unsup[0] && !compact)
		pc_doc_para(d, "Not measured here: %s (reasons under \"Not measured, and why\").",
			    unsup);
	else if (unsup[0])	/* the console: the reasons are in the report */
		pc_doc_para(d, "Not measured here: %s (why: probecost report DIR, \"Not measured, and why\", or run --verbose)%s.",
			    unsup, !strcmp(pl->where, "kernel") ?
			    "; run --mech NAME (without --no-vm) measures these in the QEMU guest's kernel, where it has them" : "");
}

void pc_summary(struct pc_doc *d, const struct pc_run *run, bool compact)
{
	struct sstates ss;
	struct place pl[8];
	size_t np;

	sstates_of(run, &ss);
	np = places_of(run, &ss, pl, 8);

	pc_doc_heading(d, "Summary: cost per event over the uninstrumented site");
	/* the report says so above its title; the console says it here */
	if (compact && pc_run_incomplete(run))
		pc_doc_para(d, "This run was %s.", pc_run_incomplete(run));
	if (!np) {
		pc_doc_para(d, "%s", pc_run_incomplete(run) ?
			    "No disabled, enabled or recording figure was completed before it stopped." :
			    "No mechanism with a disabled, enabled or recording state was in this run.");
		return;
	}
	if (compact)
		pc_doc_para(d, "Medians; xN: times the cheapest of the place and state; ~0: not distinguishable from 0; <1 cycle: measurable, but less than one clock cycle per event. CIs and the full table: probecost report DIR (report.txt), or --verbose.");
	else
		pc_doc_para(d, "Per place, static and dynamic mechanisms side by side. Disabled comes from the disabled analysis where it ran (differs from 0 by its one-sided Mann-Whitney test against the noise floor, \"MW\"), else from the main measurement (nonzero when its 95%% CI excludes 0); %s from the main measurement. \"ratio\" is the ratio to the cheapest figure of the same place, state, unit and backend whose CI excludes 0; - where the figure's own CI includes 0. ! marks a figure with a warning (see Warnings).",
			    ss.n > 3 ? "filtered (armed, its filter rejecting every event), enabled and recording" :
			    "enabled and recording");
	for (size_t p = 0; p < np; p++)
		one_place(d, run, &pl[p], compact);
	others_said(d, run, compact);
}

/* What of @name was not measured for this status and note: its states, or the metric. */
static bool unmeasured_what(const struct pc_run *run, const char *name, const struct pc_rrow *w,
			    char *what, size_t len)
{
	char states[128] = "";
	const char *metric = NULL;

	for (size_t k = 0; k < run->nrows; k++) {
		const struct pc_rrow *o = &run->rows[k];
		size_t off = strlen(states);

		if (strcmp(o->mechanism, name) || pc_rrow_measured(o) ||
		    strcmp(o->status, w->status) || strcmp(o->note, w->note))
			continue;
		if (!metric)
			metric = o->metric;
		if (strcmp(o->state, "-") && !strstr(states, o->state))
			snprintf(states + off, sizeof(states) - off, "%s%s", off ? ", " : "",
				 o->state);
	}
	if (!metric)
		return false;
	/* every state of the method: the mechanism as a whole */
	if (!strcmp(metric, "overhead") &&
	    (!states[0] || !strcmp(states, "absent, disabled, enabled, recording")))
		snprintf(what, len, "all states");
	else if (!strcmp(metric, "overhead"))
		snprintf(what, len, "%s", states);
	else if (states[0])
		snprintf(what, len, "%s (%s)", states, metric);
	else if (w->tracer && w->tracer[0] && strcmp(w->tracer, "-"))
		/* a tracer entry's row, not its primitive's: "scaling [bpf]" */
		snprintf(what, len, "%s [%s]", metric, w->tracer);
	else
		snprintf(what, len, "%s", metric);
	return true;
}

/*
 * Each reason once: the mechanisms (and their states) that share a status
 * and a note are listed on one line, so "CONFIG_MODULES is off" is said
 * once for all eight module mechanisms rather than eight times.
 */
void pc_summary_not_measured(struct pc_doc *d, const struct pc_run *run)
{
	const char *mechs[MAX_MECHS];
	size_t nm = 0;
	bool heading = false;

	/* mechanisms in run order */
	for (size_t i = 0; i < run->nrows; i++) {
		size_t m;

		for (m = 0; m < nm; m++)
			if (!strcmp(mechs[m], run->rows[i].mechanism))
				break;
		if (m == nm && nm < MAX_MECHS)
			mechs[nm++] = run->rows[i].mechanism;
	}
	for (size_t i = 0; i < run->nrows; i++) {
		const struct pc_rrow *w = &run->rows[i];
		char items[2048] = "", what[160];
		size_t nmech = 0;
		bool dup = false;

		if (pc_rrow_measured(w))
			continue;
		for (size_t k = 0; k < i && !dup; k++) {
			const struct pc_rrow *o = &run->rows[k];

			dup = !pc_rrow_measured(o) && !strcmp(o->status, w->status) &&
			      !strcmp(o->note, w->note);
		}
		if (dup)
			continue;
		for (size_t m = 0; m < nm; m++) {
			size_t off = strlen(items);

			if (!unmeasured_what(run, mechs[m], w, what, sizeof(what)))
				continue;
			if (!strcmp(what, "all states"))
				snprintf(items + off, sizeof(items) - off, "%s%s", off ? ", " : "",
					 mechs[m]);
			else
				snprintf(items + off, sizeof(items) - off, "%s%s (%s)",
					 off ? ", " : "", mechs[m], what);
			nmech++;
		}
		if (!heading) {
			pc_doc_heading(d, "Not measured, and why");
			heading = true;
		}
		if (nmech == 1 && unmeasured_what(run, w->mechanism, w, what, sizeof(what)))
			pc_doc_kv(d, w->mechanism, "%s: %s: %s", what, w->status,
				  w->note[0] ? w->note : "no reason recorded");
		else	/* the list as the key: one aligned list, an over-long key on its own line */
			pc_doc_kv(d, items, "%s: %s", w->status,
				  w->note[0] ? w->note : "no reason recorded");
	}
}
