// SPDX-License-Identifier: MIT
/*
 * `probecost report DIR`: report.txt (plain text, every line within 72
 * columns, ready to paste into an e-mail) and report.md (the same
 * document in Markdown), built from a run directory.
 *
 * The document: the summary (summary.h), the environment (CPU, kernel,
 * timing backend, counters, noise floor), then per family a table of mechanism x state with median
 * and 95% CI, then the analyses that have rows (disabled-probe overhead,
 * toggle cost, cache impact, scaling), then what was not measured and
 * why. Every figure carries its unit and backend; a section whose data is
 * absent says why instead of vanishing.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "doc.h"
#include "errors.h"
#include "mech.h"
#include "opts.h"
#include "rundir.h"
#include "peers.h"
#include "summary.h"

#define WIDTH 72
#define MAX_MECHS 256

static void report_usage(FILE *f)
{
	fprintf(f, "usage: probecost report [--stdout] DIR\n\n"
		   "Writes DIR/report.txt (plain text, lines within %d columns, for\n"
		   "e-mail) and DIR/report.md (the same in Markdown) from the run in DIR\n"
		   "(results.csv and meta.csv, as probecost run writes them). It opens\n"
		   "with the summary: per place, static and dynamic mechanisms side by\n"
		   "side, disabled/enabled/recording cost with CI and ratios; a run that\n"
		   "was interrupted gets a WARNING line first.\n\n"
		   "  --stdout  also print report.txt on standard output\n"
		   "  --help    this text\n\n"
		   "Exit status: 0 written, 1 writing failed, 2 usage error, a missing,\n"
		   "malformed or foreign input file (named with file:line) or DIR not\n"
		   "writable.\n",
		WIDTH);
}

/*
 * A time in ns scaled to the unit that reads (ns, us, ms, s), chosen by
 * the median so a row's median and CI share it: 52.43 ms, not 52432871.
 * ASCII "us": report.txt is plain ASCII.
 */
static double time_scale(double ns, const char **unit)
{
	double a = fabs(ns);

	if (isnan(ns) || a < 1e3) {
		*unit = "ns";
		return 1;
	}
	if (a < 1e6) {
		*unit = "us";
		return 1e3;
	}
	if (a < 1e9) {
		*unit = "ms";
		return 1e6;
	}
	*unit = "s";
	return 1e9;
}

/*
 * A row's note says its kept repeats were disturbed (a context switch
 * in the pair, or T(2N)/T(N) off) in at least a quarter of them: the
 * figure is shown, but marked and explained, never passed off as clean.
 */
static bool disturbed(const char *note)
{
	static const char *const marks[] = { "outside 1.5..2.5 in ", "context switch during " };

	for (size_t i = 0; i < 2; i++) {
		const char *p = strstr(note, marks[i]);
		unsigned int x, y;

		if (p && sscanf(p + strlen(marks[i]), "%u of %u", &x, &y) == 2 &&
		    y && 4 * x >= y)
			return true;
	}
	return false;
}

/* ---- the run, indexed ---- */

struct mech {
	const char *name, *family, *where;
};

struct rep {
	const struct pc_run *run;
	struct pc_doc *doc;
	struct mech mechs[MAX_MECHS];
	size_t nmechs;
	const char *families[16];
	size_t nfam;
};

static void index_run(struct rep *r)
{
	for (size_t i = 0; i < r->run->nrows; i++) {
		const struct pc_rrow *w = &r->run->rows[i];
		size_t m, f;

		for (m = 0; m < r->nmechs; m++)
			if (!strcmp(r->mechs[m].name, w->mechanism))
				break;
		if (m == r->nmechs && m < MAX_MECHS) {
			r->mechs[m] = (struct mech){ w->mechanism, w->family, w->where };
			r->nmechs++;
		}
		for (f = 0; f < r->nfam; f++)
			if (!strcmp(r->families[f], w->family))
				break;
		if (f == r->nfam && f < sizeof(r->families) / sizeof(r->families[0]))
			r->families[r->nfam++] = w->family;
	}
}

static const struct pc_rrow *find(const struct rep *r, const char *mech,
				  const char *state, const char *metric)
{
	return pc_run_find(r->run, mech, NULL, state, metric);
}

static const struct pc_rrow *measured(const struct rep *r, const char *mech,
				      const char *state, const char *metric)
{
	for (size_t i = 0; i < r->run->nrows; i++) {
		const struct pc_rrow *w = &r->run->rows[i];

		if (!strcmp(w->mechanism, mech) && !strcmp(w->state, state) &&
		    !strcmp(w->metric, metric) && pc_rrow_measured(w))
			return w;
	}
	return NULL;
}

static bool any_metric(const struct rep *r, bool (*pred)(const struct pc_rrow *))
{
	for (size_t i = 0; i < r->run->nrows; i++)
		if (pred(&r->run->rows[i]))
			return true;
	return false;
}

/* States in method order, then any state this version does not know. */
static size_t states_of(const struct rep *r, const char *mech, const char **out,
			size_t max)
{
	size_t n = 0;

	for (int i = 0; i < PC_NR_STATES && n < max; i++)
		if (find(r, mech, pc_state_name(pc_state_order[i]), NULL))
			out[n++] = pc_state_name(pc_state_order[i]);
	for (size_t i = 0; i < r->run->nrows && n < max; i++) {
		const struct pc_rrow *w = &r->run->rows[i];
		bool seen = false;

		if (strcmp(w->mechanism, mech) || !strcmp(w->state, "-"))
			continue;
		for (size_t k = 0; k < n; k++)
			if (!strcmp(out[k], w->state))
				seen = true;
		if (!seen)
			out[n++] = w->state;
	}
	return n;
}

/* ---- environment ---- */

struct backend {
	const char *backend, *unit;
	char wheres[64];
};

/* Noise floor of one timer backend: the baseline's absent' - absent. */
/* Whether @name is one of the @n names in @names. */
static bool listed(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

static void noise_floor(const struct rep *r, const struct backend *b,
			char *buf, size_t len)
{
	const struct pc_rrow *best = NULL;
	const char *names[MAX_MECHS];
	double widths[MAX_MECHS];
	size_t n = 0, nnames = 0;

	for (size_t i = 0; i < r->run->nrows; i++) {
		const struct pc_rrow *w = &r->run->rows[i];

		if (strcmp(w->state, "absent") || strcmp(w->metric, "overhead") ||
		    strcmp(w->backend, b->backend) || strcmp(w->unit, b->unit) ||
		    !pc_rrow_measured(w) || isnan(w->ci_lo))
			continue;
		if (!strcmp(w->family, "baseline") && !best)
			best = w;
		if (n < MAX_MECHS)
			widths[n++] = fmax(fabs(w->ci_lo), fabs(w->ci_hi));
		/* a site consumed by several tracers has an absent row per entry */
		if (nnames < MAX_MECHS && !listed(names, nnames, w->mechanism))
			names[nnames++] = w->mechanism;
	}
	if (best) {
		char ci[64], v[32];

		pc_doc_ci(ci, sizeof(ci), best->ci_lo, best->ci_hi);
		pc_doc_num(v, sizeof(v), fmax(fabs(best->ci_lo), fabs(best->ci_hi)));
		snprintf(buf, len, "+/-%s %s (%s): absent' - absent of %s, 95%% CI %s",
			 v, b->unit, b->backend, best->mechanism, ci);
	} else if (n) {
		char v[32], ent[64];

		/* insertion sort: n is small */
		for (size_t i = 1; i < n; i++)
			for (size_t k = i; k > 0 && widths[k] < widths[k - 1]; k--) {
				double t = widths[k];

				widths[k] = widths[k - 1];
				widths[k - 1] = t;
			}
		pc_doc_num(v, sizeof(v), widths[n / 2]);
		if (nnames == n)
			snprintf(ent, sizeof(ent), "%zu mechanism%s", n, n == 1 ? "" : "s");
		else
			snprintf(ent, sizeof(ent), "%zu entries (%zu mechanism%s)", n, nnames,
				 nnames == 1 ? "" : "s");
		snprintf(buf, len, "+/-%s %s (%s): median over %s of the absent' - absent 95%% CI (no baseline mechanism ran on this backend)",
			 v, b->unit, b->backend, ent);
	} else {
		snprintf(buf, len, "%s (%s): unknown, no absent overhead row with a CI",
			 b->unit, b->backend);
	}
}

static size_t timer_backends(const struct rep *r, struct backend *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < r->run->nrows; i++) {
		const struct pc_rrow *w = &r->run->rows[i];
		size_t k;

		if (strcmp(w->metric, "overhead") || !pc_rrow_measured(w))
			continue;
		for (k = 0; k < n; k++)
			if (!strcmp(out[k].backend, w->backend) && !strcmp(out[k].unit, w->unit))
				break;
		if (k == n) {
			if (n == max)
				continue;
			out[n] = (struct backend){ w->backend, w->unit, "" };
			n++;
		}
		if (!strstr(out[k].wheres, w->where)) {
			size_t off = strlen(out[k].wheres);

			snprintf(out[k].wheres + off, sizeof(out[k].wheres) - off, "%s%s",
				 off ? ", " : "", w->where);
		}
	}
	return n;
}


/*
 * The analyses run, and the opt-in ones that were not: a default run
 * leaves out victim-llc and scaling, and the reader should not take
 * their absence for "no effect".
 */
static void analyses_kv(struct pc_doc *d, const char *ran)
{
	static const char *const optin[] = { "victim-llc", "scaling", "armed" };
	char list[256] = "", item[64], have[512];
	size_t off = 0;

	snprintf(have, sizeof(have), ",%s,", ran);
	for (size_t i = 0; i < sizeof(optin) / sizeof(optin[0]); i++) {
		snprintf(item, sizeof(item), ",%s,", optin[i]);
		if (!strstr(have, item) && off < sizeof(list))
			off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
						off ? ", " : "", optin[i]);
	}
	if (off && strcmp(ran, "none recorded"))
		pc_doc_kv(d, "analyses", "%s (opt-in, not run: %s; run --analyses)", ran, list);
	else
		pc_doc_kv(d, "analyses", "%s", ran);
}
static void environment(struct rep *r)
{
	const struct pc_run *run = r->run;
	struct pc_doc *d = r->doc;
	struct backend be[8];
	size_t nbe = timer_backends(r, be, 8);
	const char *ctr = pc_run_meta(run, "counters", "?");

	pc_doc_heading(d, "Environment");
	pc_doc_kv(d, "run", "%s, started %s, %s", pc_run_meta(run, "run_id", "?"),
		  pc_run_meta(run, "started_utc", "?"),
		  pc_run_meta(run, "status", "status unknown (meta.csv has none: killed?)"));
	pc_doc_kv(d, "host", "%s%s", pc_run_meta(run, "host", "?"),
		  !strcmp(pc_run_meta(run, "in_guest", "no"), "yes") ?
		  " (probecost's QEMU guest)" : "");
	pc_doc_kv(d, "cpu", "%s", pc_run_meta(run, "cpu_model", "?"));
	pc_doc_kv(d, "topology", "%s", pc_run_meta(run, "topology", "?"));
	pc_doc_kv(d, "kernel", "%s", pc_run_meta(run, "kernel", "?"));
	pc_doc_kv(d, "timer", "%s (%s): %s", pc_run_meta(run, "timer_backend", "?"),
		  pc_run_meta(run, "timer_unit", "?"),
		  pc_run_meta(run, "timer_reason", "no reason recorded"));
	for (size_t i = 0; i < nbe; i++) {
		char nf[512];

		noise_floor(r, &be[i], nf, sizeof(nf));
		if (nbe > 1)
			pc_doc_kv(d, "backend", "%s (%s) for where = %s", be[i].backend,
				  be[i].unit, be[i].wheres);
		pc_doc_kv(d, "noise floor", "%s", nf);
	}
	pc_doc_kv(d, "counters", "%s%s%s", ctr, strcmp(ctr, "pmu") ? ": " : "",
		  strcmp(ctr, "pmu") ? pc_run_meta(run, "counters_reason", "") : "");
	pc_doc_kv(d, "method", "%s repeats (+%s warm-up), N %s, payload %s B",
		  pc_run_meta(run, "repeats", "?"), pc_run_meta(run, "warmup", "?"),
		  strcmp(pc_run_meta(run, "events", "0"), "0") ?
		  pc_run_meta(run, "events", "?") : "calibrated per state",
		  pc_run_meta(run, "payload", "?"));
	/*
	 * Entries whose attached states wait out an RCU grace period at each
	 * disarm measure fewer repeats by default (cmd_run.c); meta.csv has a
	 * key for each kind this run measured so.
	 */
	if (pc_run_meta(run, "grace_repeats", NULL) || pc_run_meta(run, "tracer_repeats", NULL)) {
		char what[256] = "";
		const char *g = pc_run_meta(run, "grace_repeats", NULL);
		const char *t = pc_run_meta(run, "tracer_repeats", NULL);

		if (g)
			snprintf(what, sizeof(what), "%s for the uprobe and USDT sites", g);
		if (t)
			snprintf(what + strlen(what), sizeof(what) - strlen(what),
				 "%s%s for the bpf and perf-record entries on a primitive's site", g ? ", " : "", t);
		pc_doc_kv(d, "fewer repeats", "%s (each row's repeats column says which): each of their repeats waits out an RCU grace period when an attached state is disarmed, so their CIs come from fewer repeats and are wider; the disabled analysis keeps the run's repeats; run --repeat R measures every entry R times",
			  what);
	}
	/*
	 * A deterministic guest measures fewer repeats by default: its
	 * instruction counts are the same in each, so only its wait rows
	 * (arm/disarm in emulated ns) have a CI from fewer repeats.
	 */
	if (pc_run_meta(run, "guest_repeats", NULL) &&
	    strcmp(pc_run_meta(run, "guest_repeats", ""), pc_run_meta(run, "repeats", "")))
		pc_doc_kv(d, "guest method", "%s repeats (+%s warm-up)%s",
			  pc_run_meta(run, "guest_repeats", "?"),
			  pc_run_meta(run, "guest_warmup", "?"),
			  !strcmp(pc_run_meta(run, "guest_timer_backend", ""), "icount") ?
			  ": instruction counts are exact, the same in every repeat but for a recording row's few instructions where the ring's page switches fall; the latency rows (emulated ns) get their CI from fewer repeats" : "");
	analyses_kv(d, pc_run_meta(run, "analyses", "none recorded"));
	if (pc_run_meta(run, "opt_in_not_run", NULL))
		pc_doc_kv(d, "opt-in", "not run: %s; name it with run --mech or --tracer",
			  pc_run_meta(run, "opt_in_not_run", ""));
	/*
	 * The guest booted beside the host measurement: its instruction
	 * counts cannot tell, but the host's figures shared the machine with
	 * QEMU on another PU, which the reader should know.
	 */
	if (!strncmp(pc_run_meta(run, "vm_beside_host", ""), "yes", 3))
		pc_doc_kv(d, "guest", "%s; the host's figures were measured while QEMU ran on another PU (shared caches and memory; run --vm-serial to measure them alone)",
			  pc_run_meta(run, "vm_beside_host", ""));
	pc_doc_kv(d, "command", "%s", pc_run_meta(run, "command", "?"));
	pc_doc_kv(d, "probecost", "%s (%s)", pc_run_meta(run, "probecost_version", "?"),
		  pc_run_meta(run, "git_revision", "?"));
	pc_doc_para(d, "Overhead is a state's per-event cost minus that of the same site compiled without instrumentation (absent), from N/2N differencing: medians over the repeats with distribution-free 95%% confidence intervals. The absent row of each mechanism is its own noise floor; an interval containing 0 means no overhead could be measured.");
}

/* ---- overhead per family ---- */

static void group_row(struct rep *r, const struct mech *m, const struct pc_rrow *any)
{
	const struct pc_rrow *cost = measured(r, m->name, "absent", "cost");
	char c[32];

	if (cost) {
		pc_doc_num(c, sizeof(c), cost->median);
		pc_doc_group(r->doc, "%s (%s; %s, %s; absent costs %s/event)", m->name,
			     m->where, any->unit, any->backend, c);
	} else {
		pc_doc_group(r->doc, "%s (%s; %s, %s)", m->name, m->where, any->unit,
			     any->backend);
	}
}

/* A row's tracer is worth a label: not "-" (none) nor "?" (an old run's). */
static bool tracer_shown(const struct pc_rrow *w)
{
	return strcmp(w->tracer, "-") && strcmp(w->tracer, "?");
}

/*
 * One state of a mechanism as consumed by one tracer: "enabled [bpf]";
 * no tracer shown where nothing consumes ("-") or an old run cannot say.
 */
static void state_row(struct rep *r, const char *state, const struct pc_rrow *w,
		      const char *unit)
{
	char med[48], ci[64], st[64], var[160];
	const char *cells[4] = { st, var, med, ci };

	if (tracer_shown(w))
		snprintf(st, sizeof(st), "  %s [%s]", state, w->tracer);
	else
		snprintf(st, sizeof(st), "  %s", state);
	if (!pc_rrow_measured(w)) {
		snprintf(var, sizeof(var), "%s (see below)", w->status);
		pc_doc_row(r->doc, (const char *[]){ st, var, "-", "-" });
		return;
	}
	pc_doc_num(med, sizeof(med), w->median);
	if (strcmp(w->status, "ok") || disturbed(w->note))
		strcat(med, " !");
	pc_doc_ci(ci, sizeof(ci), w->ci_lo, w->ci_hi);
	if (strcmp(w->unit, unit))
		snprintf(var, sizeof(var), "%s [%s]", w->variant, w->unit);
	else
		snprintf(var, sizeof(var), "%s", w->variant);
	pc_doc_row(r->doc, cells);
}

/*
 * The overhead rows of @mech in @state, one per tracer consuming it, in
 * the order of the run (the primitive first): a measured row where the
 * tracer has one, else its status row.
 */
static void tracer_rows(struct rep *r, const char *mech, const char *state,
			const char *unit)
{
	const struct pc_run *run = r->run;

	for (size_t i = 0; i < run->nrows; i++) {
		const struct pc_rrow *w = &run->rows[i], *pick = NULL;
		bool seen = false;

		if (strcmp(w->mechanism, mech) || strcmp(w->state, state) ||
		    strcmp(w->metric, "overhead"))
			continue;
		for (size_t k = 0; k < run->nrows && !seen; k++) {
			const struct pc_rrow *o = &run->rows[k];

			if (strcmp(o->mechanism, mech) || strcmp(o->state, state) ||
			    strcmp(o->metric, "overhead") || strcmp(o->tracer, w->tracer))
				continue;
			if (k < i) {
				seen = true;	/* this tracer was shown already */
			} else if (!pick || (!pc_rrow_measured(pick) && pc_rrow_measured(o))) {
				pick = o;
			}
		}
		if (!seen && pick)
			state_row(r, state, pick, unit);
	}
}

static void family_tables(struct rep *r)
{
	static const char *const head[] = { "mechanism / state", "variant", "median", "95% CI" };

	pc_doc_heading(r->doc, "Overhead per event, state minus absent");
	for (size_t f = 0; f < r->nfam; f++) {
		char title[96];
		bool any = false;

		for (size_t m = 0; m < r->nmechs; m++)
			if (!strcmp(r->mechs[m].family, r->families[f]) &&
			    find(r, r->mechs[m].name, NULL, "overhead"))
				any = true;
		if (!any)
			continue;
		snprintf(title, sizeof(title), "Family: %s", r->families[f]);
		pc_doc_subheading(r->doc, title);
		pc_doc_table(r->doc, 4, head, "llrr");
		for (size_t m = 0; m < r->nmechs; m++) {
			const struct mech *mc = &r->mechs[m];
			const char *states[16];
			const struct pc_rrow *first = NULL;
			size_t ns;

			if (strcmp(mc->family, r->families[f]))
				continue;
			ns = states_of(r, mc->name, states, 16);
			for (size_t s = 0; s < ns && !first; s++)
				first = measured(r, mc->name, states[s], "overhead");
			if (!first) {
				const struct pc_rrow *w = find(r, mc->name, NULL, "overhead");

				if (!w)
					continue;
				pc_doc_group(r->doc, "%s (%s): %s (see below)", mc->name,
					     mc->where, w->status);
				continue;
			}
			group_row(r, mc, first);
			for (size_t s = 0; s < ns; s++)
				tracer_rows(r, mc->name, states[s], first->unit);
		}
	}
}

/* ---- disabled-probe overhead ---- */

static const struct pc_rrow *insn_delta(const struct rep *r, const char *mech,
					const struct pc_rrow *ovh)
{
	const struct pc_rrow *w = measured(r, mech, "disabled", "disabled-instructions");

	if (w)
		return w;
	w = measured(r, mech, "disabled", "instructions-overhead");
	if (w)
		return w;
	return !strcmp(ovh->unit, "instructions") ? ovh : NULL;
}

static void disabled_section(struct rep *r)
{
	static const char *const head[] = {
		"mechanism", "overhead", "95% CI", "CI excl. 0", "insn",
	};
	bool any = false, dedicated = false;

	for (size_t m = 0; m < r->nmechs; m++)
		if (find(r, r->mechs[m].name, "disabled", NULL))
			any = true;
	if (!any)
		return;
	pc_doc_heading(r->doc, "Disabled-probe overhead");
	for (size_t m = 0; m < r->nmechs; m++)
		if (measured(r, r->mechs[m].name, "disabled", "disabled-overhead"))
			dedicated = true;
	pc_doc_para(r->doc, "What an instrumented site costs while nobody traces. %s \"insn\" is the exact difference in retired instructions per event where a PMU or the deterministic guest counts them.",
		    dedicated ? "From the disabled analysis (absent, disabled and absent' alternating, twice the repeats) where it ran, else from the main measurement." :
		    "From the main measurement (the disabled analysis did not run).");
	pc_doc_table(r->doc, 5, head, "lrrlr");
	for (size_t m = 0; m < r->nmechs; m++) {
		const char *name = r->mechs[m].name;
		const struct pc_rrow *w = measured(r, name, "disabled", "disabled-overhead");
		const struct pc_rrow *in;
		char med[64], ci[64], ins[32], v[32];

		if (!w)
			w = measured(r, name, "disabled", "overhead");
		if (!w) {
			w = find(r, name, "disabled", "overhead");
			if (w)
				pc_doc_row(r->doc, (const char *[]){ name, w->status, "-", "-", "-" });
			continue;
		}
		pc_doc_num(v, sizeof(v), w->median);
		snprintf(med, sizeof(med), "%s %s", v, w->unit);
		pc_doc_ci(ci, sizeof(ci), w->ci_lo, w->ci_hi);
		in = insn_delta(r, name, w);
		pc_doc_num(ins, sizeof(ins), in ? in->median : NAN);
		pc_doc_row(r->doc, (const char *[]){
			name, med, ci,
			isnan(w->ci_lo) ? "n/a" : (w->ci_lo > 0 || w->ci_hi < 0) ? "yes" : "no",
			ins });
	}
}

/* ---- tables of one row kind, grouped by mechanism ---- */

struct grouped {
	size_t ncols;
	const char *const *head;
	const char *align;
	bool (*pick)(const struct pc_rrow *w);
	/* the cell after the state: the toggle, the event, the set ... */
	void (*what)(const struct pc_rrow *w, char *buf, size_t len);
	/* a cell after the CI, or NULL; a second one after it (ncols 6) */
	void (*extra)(const struct rep *r, const struct pc_rrow *w, char *buf,
		      size_t len);
	void (*extra2)(const struct rep *r, const struct pc_rrow *w, char *buf,
		       size_t len);
	bool by_family;		/* mechanisms family by family, named in the group line */
	bool unit_in_group;	/* "mech (where; unit, backend)" */
	bool absent_is_noise;	/* label absent rows as the noise floor */
	bool scale_time;	/* ns rows in ns/us/ms/s, the unit in the cell */
};

/*
 * Every picked row, mechanisms in run order, states in method order:
 * state, what, median, 95% CI [, extra], under a line per mechanism.
 */
static void grouped_table(struct rep *r, const struct grouped *g)
{
	size_t nf = g->by_family ? r->nfam : 1;

	pc_doc_table(r->doc, g->ncols, g->head, g->align);
	for (size_t f = 0; f < nf; f++)
	for (size_t m = 0; m < r->nmechs; m++) {
		const char *name = r->mechs[m].name;
		const char *states[16];
		size_t ns;
		bool group = false;
		char fam[48] = "";

		if (g->by_family && strcmp(r->mechs[m].family, r->families[f]))
			continue;
		if (g->by_family)
			snprintf(fam, sizeof(fam), "%s, ", r->families[f]);
		ns = states_of(r, name, states, 16);

		for (size_t s = 0; s < ns; s++) {
			for (size_t i = 0; i < r->run->nrows; i++) {
				const struct pc_rrow *w = &r->run->rows[i];
				char st[80], what[64], med[48], ci[64], extra[48] = "", extra2[48] = "";

				if (strcmp(w->mechanism, name) || strcmp(w->state, states[s]) ||
				    !g->pick(w))
					continue;
				if (!group && g->unit_in_group && !g->scale_time)
					pc_doc_group(r->doc, "%s (%s%s; %s, %s)", name, fam, w->where,
						     w->unit, w->backend);
				else if (!group)
					pc_doc_group(r->doc, "%s (%s%s; %s)", name, fam, w->where,
						     w->backend);
				group = true;
				snprintf(st, sizeof(st), "  %s%s%s%s%s", states[s],
					 g->absent_is_noise && !strcmp(states[s], "absent") ?
					 " (noise)" : "", tracer_shown(w) ? " [" : "",
					 tracer_shown(w) ? w->tracer : "", tracer_shown(w) ? "]" : "");
				g->what(w, what, sizeof(what));
				if (g->scale_time && !strcmp(w->unit, "ns")) {
					const char *u;
					double k = time_scale(w->median, &u);
					char num[32];

					pc_doc_num(num, sizeof(num), w->median / k);
					snprintf(med, sizeof(med), "%s %s", num, u);
					pc_doc_ci(ci, sizeof(ci), w->ci_lo / k, w->ci_hi / k);
				} else if (g->scale_time) {
					char num[32];

					/* the group line names no unit here: the cell does */
					pc_doc_num(num, sizeof(num), w->median);
					snprintf(med, sizeof(med), "%s %s", num,
						 !strcmp(w->unit, "instructions") ? "insn" : w->unit);
					pc_doc_ci(ci, sizeof(ci), w->ci_lo, w->ci_hi);
				} else {
					pc_doc_num(med, sizeof(med), w->median);
					pc_doc_ci(ci, sizeof(ci), w->ci_lo, w->ci_hi);
				}
				if (g->extra)
					g->extra(r, w, extra, sizeof(extra));
				if (g->extra2)
					g->extra2(r, w, extra2, sizeof(extra2));
				pc_doc_row(r->doc, (const char *[]){ st, what, med, ci, extra, extra2 });
			}
		}
	}
}

/* ---- toggle cost ---- */

/* arm/disarm latencies of the main run, and the toggle analysis's switches */
static bool is_toggle(const char *metric)
{
	size_t n = strlen(metric);

	return (n >= 11 && !strcmp(metric + n - 11, "arm-latency")) ||
	       !strncmp(metric, "toggle-", 7) || !strcmp(metric, "optimize-delay");
}

static bool toggle_row(const struct pc_rrow *w)
{
	return is_toggle(w->metric) && strcmp(w->state, "absent") && pc_rrow_measured(w);
}

static void toggle_what(const struct pc_rrow *w, char *buf, size_t len)
{
	size_t n = strlen(w->metric);

	if (n > 8 && !strcmp(w->metric + n - 8, "-latency"))
		snprintf(buf, len, "%.*s", (int)(n - 8), w->metric);
	else if (!strcmp(w->metric, "toggle-enable"))
		snprintf(buf, len, "on (%s)", w->variant);
	else if (!strcmp(w->metric, "toggle-disable"))
		snprintf(buf, len, "off (%s)", w->variant);
	else
		snprintf(buf, len, "%s", w->metric);
}

static void toggle_section(struct rep *r)
{
	static const char *const head[] = { "mechanism / state", "toggle", "median", "95% CI" };

	if (!any_metric(r, toggle_row))
		return;
	pc_doc_heading(r->doc, "Toggle cost: arm and disarm latency");
	pc_doc_para(r->doc, "Time to switch a site from nothing armed into the state (arm) and back (disarm), one call each, measured around the mechanism's own arm and disarm. Rows 'on' and 'off' (toggle analysis) time the switch of the instrumentation alone: in the kernel for the module's mechanisms, around the toggle op in this process for the others; optimize-delay is a kprobe's wait for the optimizer.");
	grouped_table(r, &(struct grouped){
		.ncols = 4, .head = head, .align = "llrr", .pick = toggle_row,
		.what = toggle_what, .unit_in_group = true, .scale_time = true,
	});
}

/* ---- cache impact ---- */

static bool pmu_miss_row(const struct pc_rrow *w)
{
	size_t n = strlen(w->metric);

	return !strcmp(w->backend, "pmu") && strstr(w->metric, "miss") && n > 9 &&
	       !strcmp(w->metric + n - 9, "-overhead") && pc_rrow_measured(w);
}

static bool victim_k1_row(const struct pc_rrow *w)
{
	size_t n = strlen(w->metric);

	return !strncmp(w->metric, "victim-", 7) && n > 3 &&
	       !strcmp(w->metric + n - 3, "-k1") && pc_rrow_measured(w);
}

static bool footprint_row(const struct pc_rrow *w)
{
	return !strncmp(w->metric, "footprint-", 10) && pc_rrow_measured(w);
}

static bool pmu_row(const struct pc_rrow *w)
{
	return pmu_miss_row(w) && strcmp(w->state, "absent");
}

static void pmu_what(const struct pc_rrow *w, char *buf, size_t len)
{
	snprintf(buf, len, "%.*s", (int)(strlen(w->metric) - 9), w->metric);
}

static void pmu_table(struct rep *r)
{
	static const char *const head[] = { "mechanism / state", "event", "median", "95% CI" };

	pc_doc_subheading(r->doc, "(a) PMU: misses per event, state minus absent");
	grouped_table(r, &(struct grouped){
		.ncols = 4, .head = head, .align = "llrr", .pick = pmu_row,
		.what = pmu_what,
	});
}

static void victim_what(const struct pc_rrow *w, char *buf, size_t len)
{
	snprintf(buf, len, "%.*s", (int)(strlen(w->metric) - 10), w->metric + 7);
}

static void victim_table(struct rep *r)
{
	static const char *const head[] = { "mechanism / state", "set", "median", "95% CI" };

	pc_doc_subheading(r->doc, "(b) Victim: walk time added per probe hit (k = 1)");
	grouped_table(r, &(struct grouped){
		.ncols = 4, .head = head, .align = "llrr", .pick = victim_k1_row,
		.what = victim_what, .unit_in_group = true, .absent_is_noise = true,
	});
}

static void footprint_table(struct rep *r)
{
	static const char *const head[] = { "mechanism", "object", "at site", "out of line" };

	pc_doc_subheading(r->doc, "(c) Static footprint, bytes (from the ELF symbol table)");
	pc_doc_table(r->doc, 4, head, "llrr");
	for (size_t m = 0; m < r->nmechs; m++) {
		const char *name = r->mechs[m].name;
		const struct pc_rrow *site = measured(r, name, "-", "footprint-site");
		const struct pc_rrow *ool = measured(r, name, "-", "footprint-handler");
		char a[32], b[32];

		if (!site && !ool)
			continue;
		pc_doc_num(a, sizeof(a), site ? site->median : NAN);
		pc_doc_num(b, sizeof(b), ool ? ool->median : NAN);
		if (site && site->median > 0)
			memmove(a + 1, a, strlen(a) + 1), a[0] = '+';
		pc_doc_row(r->doc, (const char *[]){
			name, site ? site->variant : ool->variant, a, b });
	}
}

static void cache_section(struct rep *r)
{
	const char *ctr = pc_run_meta(r->run, "counters", "?");
	bool pmu = any_metric(r, pmu_miss_row), victim = any_metric(r, victim_k1_row);
	bool fp = any_metric(r, footprint_row);

	pc_doc_heading(r->doc, "Cache impact");
	if (pmu)
		pmu_table(r);
	else
		pc_doc_para(r->doc, "(a) PMU: no cache-miss counts: %s%s%s.", ctr,
			    strcmp(ctr, "pmu") ? ": " : "",
			    strcmp(ctr, "pmu") ? pc_run_meta(r->run, "counters_reason", "") :
			    " but no miss events opened");
	if (victim) {
		victim_table(r);
		pc_doc_para(r->doc, "A pointer-chasing walk over a working set sized to the cache level; k probe hits run between walks. Rows for k = 8 and 64 (and the walk time) are in results.csv, the curves in plots/.");
	} else {
		pc_doc_para(r->doc, "(b) Victim: not run (analysis victim; see probecost run --help).");
	}
	if (fp)
		footprint_table(r);
	else
		pc_doc_para(r->doc, "(c) Static footprint: not run (analysis footprint).");
}

/* ---- scaling ---- */

static bool scaling_row(const struct pc_rrow *w)
{
	return !strncmp(w->metric, "scaling-cost-t", 14) && pc_rrow_measured(w);
}

static void scaling_what(const struct pc_rrow *w, char *buf, size_t len)
{
	snprintf(buf, len, "%s", w->metric + 14);
}

/* The throughput row beside a cost row: same mechanism, state, threads. */
static void scaling_rate(const struct rep *r, const struct pc_rrow *w, char *buf,
			 size_t len)
{
	const struct pc_rrow *tp;
	char metric[48];

	snprintf(metric, sizeof(metric), "scaling-throughput-t%s", w->metric + 14);
	tp = measured(r, w->mechanism, w->state, metric);
	pc_doc_num(buf, len, tp ? tp->median : NAN);
}

/* The one-thread cost over this one ("1" at one thread); its CI is in results.csv. */
static void scaling_eff(const struct rep *r, const struct pc_rrow *w, char *buf,
			size_t len)
{
	const struct pc_rrow *ef;
	char metric[48];

	if (!strcmp(w->metric + 14, "1")) {
		snprintf(buf, len, "1");
		return;
	}
	snprintf(metric, sizeof(metric), "scaling-efficiency-t%s", w->metric + 14);
	ef = measured(r, w->mechanism, w->state, metric);
	if (!ef) {
		snprintf(buf, len, "-");
		return;
	}
	pc_doc_num(buf, len, ef->median);
}

static void scaling_section(struct rep *r)
{
	static const char *const head[] = {
		"mechanism / state", "threads", "cost", "95% CI", "Mevents/s", "eff.",
	};

	if (!any_metric(r, scaling_row))
		return;
	pc_doc_heading(r->doc, "Scaling: all threads firing one probe");
	pc_doc_para(r->doc, "Per-event cost per thread and aggregate throughput with 1..all PUs firing the same armed site, one thread per core first, SMT siblings last; eff.: the one-thread cost over the T-thread cost, per repeat (1: perfect, 0.5: each event costs a thread twice what it does alone; above 1 within its CI: no slowdown measurable, the figure is noise around 1 or a warmer cache). Cost and Mevents/s are medians of their own per-repeat values, so cost x threads need not match throughput exactly. Mechanisms by family; one that cannot fire from several threads is listed under Not measured with the reason.");
	grouped_table(r, &(struct grouped){
		.ncols = 6, .head = head, .align = "lrrrrr", .pick = scaling_row,
		.what = scaling_what, .extra = scaling_rate, .extra2 = scaling_eff,
		.unit_in_group = true, .by_family = true,
	});
}

/* ---- armed probes elsewhere ---- */

static bool armed_row(const struct pc_rrow *w)
{
	return !strncmp(w->metric, "armed-overhead-k", 16) && pc_rrow_measured(w);
}

static void armed_what(const struct pc_rrow *w, char *buf, size_t len)
{
	snprintf(buf, len, "%s", w->metric + 16);
}

static void armed_section(struct rep *r)
{
	static const char *const head[] = { "mechanism / state", "K others", "overhead", "95% CI" };

	if (!any_metric(r, armed_row))
		return;
	pc_doc_heading(r->doc, "Armed probes elsewhere");
	pc_doc_para(r->doc, "Enabled overhead per event while K other probes of the same kind are armed on sites that never run (the armed analysis; each row's note says how they were armed and read back). Upstream attributes a growth with K to finding the hit probe among the armed ones; the figure shows the growth on this machine, not its cause.");
	grouped_table(r, &(struct grouped){
		.ncols = 4, .head = head, .align = "lrrr", .pick = armed_row,
		.what = armed_what, .unit_in_group = true,
	});
}

/* ---- not measured, warnings ---- */

/*
 * What each backend in the rows means, so a figure is not misread: an
 * instruction count from the guest is not a time, a virtual ns is not a
 * hardware ns. Only backends that occur in the run are listed.
 */
static const struct {
	const char *backend, *what;
} backends[] = {
	{ "tsc", "ns of this host: the invariant TSC read as lfence; rdtsc; lfence, calibrated against CLOCK_MONOTONIC_RAW" },
	{ "clock", "ns of this host from clock_gettime(CLOCK_MONOTONIC_RAW); its ~20 ns read cost cancels in N/2N" },
	{ "icount", "emulated instructions in the QEMU guest under -icount shift=0: exact and repeatable, but blind to cache misses and to what a trap or a mode switch costs on real hardware" },
	{ "icount-clock", "the guest's virtual ns, for code that may block (arm, disarm, toggles): under icount virtual time skips idle waits; not hardware time" },
	{ "tsc-kernel", "ns from the module's in-kernel rdtsc_ordered(), converted with the kernel's tsc_khz (a run timed with --timer clock)" },
	{ "ktime", "ns of the kernel clock (ktime_get); virtual time in the guest" },
	{ "pmu", "hardware counter events per event (perf_event, user and kernel mode)" },
	{ "elf", "bytes, from the symbol sizes of the built objects" },
	{ "mechanism", "what the instrumentation itself counted" },
	{ "software", "perf software events of the measuring thread" },
};

static void backends_section(struct rep *r)
{
	bool heading = false;

	for (size_t b = 0; b < sizeof(backends) / sizeof(backends[0]); b++) {
		bool used = false;

		for (size_t i = 0; i < r->run->nrows && !used; i++)
			used = pc_rrow_measured(&r->run->rows[i]) &&
			       !strcmp(r->run->rows[i].backend, backends[b].backend);
		if (!used)
			continue;
		if (!heading) {
			pc_doc_heading(r->doc, "Units and backends");
			heading = true;
		}
		pc_doc_kv(r->doc, backends[b].backend, "%s", backends[b].what);
	}
}

static void not_measured(struct rep *r)
{
	pc_summary_not_measured(r->doc, r->run);
}

static void warnings(struct rep *r)
{
	bool heading = false;

	for (size_t i = 0; i < r->run->nrows; i++) {
		const struct pc_rrow *w = &r->run->rows[i];
		bool dup = false;

		if (!pc_rrow_measured(w) || !w->note[0] ||
		    (strcmp(w->status, "ok") && strcmp(w->status, "miscount")) ||
		    (!strcmp(w->status, "ok") && !strstr(w->note, "multiplexed") &&
		     !disturbed(w->note)))
			continue;
		for (size_t k = 0; k < i && !dup; k++)
			dup = !strcmp(r->run->rows[k].mechanism, w->mechanism) &&
			      !strcmp(r->run->rows[k].state, w->state) &&
			      !strcmp(r->run->rows[k].note, w->note);
		if (dup)
			continue;
		if (!heading) {
			pc_doc_heading(r->doc, "Warnings (figures marked !)");
			heading = true;
		}
		pc_doc_kv(r->doc, w->mechanism, "%s: %s: %s", w->state, w->status, w->note);
	}
}

/* ---- output ---- */

static int write_file(const struct pc_doc *d, const char *dir, const char *name,
		      bool md)
{
	char path[PATH_MAX + 32], part[PATH_MAX + 40];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(part, sizeof(part), "%s.part", path);
	f = fopen(part, "w");
	if (!f) {
		fprintf(stderr, "probecost report: cannot write %s: %s\n", part, strerror(errno));
		return PC_ERR_IO;
	}
	ret = md ? pc_doc_write_md(d, f) : pc_doc_write_text(d, f, WIDTH);
	if (fclose(f) == EOF && ret == PC_OK)
		ret = PC_ERR_IO;
	if (ret == PC_OK && rename(part, path) < 0)
		ret = PC_ERR_IO;
	if (ret != PC_OK) {
		fprintf(stderr, "probecost report: writing %s failed: %s\n", path,
			ret == PC_ERR_NOMEM ? "out of memory" : strerror(errno));
		unlink(part);
	}
	return ret;
}

static int report_build(const struct pc_run *run, struct pc_doc *d)
{
	struct rep r;
	char title[128];

	memset(&r, 0, sizeof(r));
	r.run = run;
	r.doc = d;
	index_run(&r);
	snprintf(title, sizeof(title), "probecost report: run %s",
		 pc_run_meta(run, "run_id", "?"));
	pc_doc_title(d, title);
	if (pc_run_incomplete(run))
		pc_doc_para(d, "WARNING: this run was %s.", pc_run_incomplete(run));
	pc_summary(d, run, false);
	environment(&r);
	family_tables(&r);
	disabled_section(&r);
	toggle_section(&r);
	cache_section(&r);
	scaling_section(&r);
	armed_section(&r);
	pc_peers(d, run);
	backends_section(&r);
	not_measured(&r);
	warnings(&r);
	return d->failed ? PC_ERR_NOMEM : PC_OK;
}

static int report_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "stdout", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pc_run run;
	struct pc_doc d;
	bool to_stdout = false;
	int c, ret;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			to_stdout = true;
			break;
		case 'h':
			report_usage(stdout);
			return PC_OK;
		default:
			return pc_opt_bad("report", lo, argv, optind, optopt, c);
		}
	}
	ret = pc_run_load_operand("report", "probecost report [--stdout] DIR", argc, argv,
				  optind, &run);
	if (ret != PC_OK)
		return ret;
	/* a run directory the report cannot go into is bad input */
	if (access(run.dir, W_OK) < 0) {
		fprintf(stderr, "probecost report: %s is not writable (%s); copy the run directory somewhere writable\n",
			run.dir, strerror(errno));
		pc_run_free(&run);
		return PC_ERR_INVAL;
	}
	pc_doc_init(&d);
	ret = report_build(&run, &d);
	if (ret == PC_OK)
		ret = write_file(&d, run.dir, "report.txt", false);
	if (ret == PC_OK)
		ret = write_file(&d, run.dir, "report.md", true);
	if (ret == PC_OK && to_stdout)
		ret = pc_doc_write_text(&d, stdout, WIDTH);
	if (ret == PC_OK)
		fprintf(stderr, "probecost report: wrote %s/report.txt and report.md\n", run.dir);
	pc_doc_free(&d);
	pc_run_free(&run);
	return ret;
}

int cmd_report(int argc, char **argv)
{
	return pc_exit_status(report_main(argc, argv));
}
