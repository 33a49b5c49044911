// SPDX-License-Identifier: MIT
/*
 * What `probecost churn` leaves in its output directory:
 *
 *   churn.csv    a,b,side,category,count,per_1000,definition: the
 *                sides static and dynamic count vmlinux and modules
 *                together; static_vmlinux, static_modules,
 *                dynamic_vmlinux and dynamic_modules each apart
 *   items.csv    side,category,name,detail,use_instead,module: every
 *                point of A that B breaks (with the point of B to use
 *                instead, or "none found"), and every point B adds
 *   probes.csv   file,line,probe,status,category,detail,use_instead,module
 *                (with --probes), every file's verdict table
 *   tools.csv    file,format,...,verdict: one row per tool file (with --probes)
 *   report.txt   the text report (also printed), 72 columns
 *   churn.dat, churn.gp and churn.png|svg|txt: the headline plot
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "churn.h"
#include "csvio.h"
#include "errors.h"

#define WIDTH 72

static const char *const churn_cols[] = {
	"a", "b", "side", "category", "count", "per_1000", "definition", NULL,
};
/* module: last, so that readers of the earlier columns by position still work */
static const char *const items_cols[] = {
	"side", "category", "name", "detail", "use_instead", "module", NULL,
};
static const char *const probes_cols[] = {
	"file", "line", "probe", "status", "category", "detail", "use_instead", "module",
	NULL,
};

/*
 * A broken point's replacement as the CSVs give it: a name, or "none
 * found"; empty where nothing broke, for an added point, and for a
 * changed format or signature (the point is still there: its reads need
 * adapting).
 */
static const char *use_instead(const char *category, const char *use)
{
	if (!category[0] || !strcmp(category, "added") || !strcmp(category, "format_changed") ||
	    !strcmp(category, "signature_changed"))
		return "";
	return use ? use : "none found";
}
static const char *const tools_cols[] = {
	"file", "format", "entries", "probes", "breaks", "format_changed",
	"signature_changed", "not_in_a",
	"unresolved", "not_covered", "ok", "verdict", NULL,
};

static size_t ncols(const char *const *c)
{
	size_t n = 0;

	while (c[n])
		n++;
	return n;
}

static int open_csv(struct pc_csvw *w, const char *dir, const char *name,
		    const char *const *cols, char *err, size_t len)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (pc_csvw_open(w, path, cols, ncols(cols)) == PC_OK)
		return PC_OK;
	snprintf(err, len, "cannot write %s.part: %s; choose a writable directory with --out",
		 path, strerror(errno));
	return PC_ERR_IO;
}

/*
 * Counts a scope cannot give: a module's without module files on both
 * sides, and a module's signature without the modules' BTF on both.
 */
static bool scope_unknown(const struct churn_result *r, int sc, enum churn_count c)
{
	if (sc != CHURN_MODULES)
		return false;
	return !r->have_modules ||
	       (!r->have_mod_btf && (c == CC_FN_SIG_COMPARED || c == CC_FN_SIG_CHANGED ||
				     c == CC_FN_SIG_QUAL || c == CC_FN_SIG_RET ||
				     c == CC_FN_SIG_TYPEDEF));
}

static int write_churn_csv(const struct churn_out *o, const struct churn_kernel *a,
			   const struct churn_kernel *b, const struct churn_result *r,
			   char *err, size_t len)
{
	struct pc_csvw w;
	int ret = open_csv(&w, o->dir, "churn.csv", churn_cols, err, len);

	/*
	 * -1: both scopes (the sides as they always were), then each apart
	 * when both kernels have module files; without them the file is
	 * what it was before modules were read
	 */
	for (int sc = -1; sc < (r->have_modules ? CHURN_NR_SCOPES : 0); sc++)
	for (int c = 0; ret == PC_OK && c < CC_NR; c++) {
		enum churn_count cc = (enum churn_count)c;
		bool unknown = r->unknown[c] || scope_unknown(r, sc, cc);
		char side[32];

		if (sc < 0)
			snprintf(side, sizeof(side), "%s", churn_counts[c].side);
		else
			snprintf(side, sizeof(side), "%s_%s", churn_counts[c].side,
				 churn_scope_names[sc]);
		pc_csvw_str(&w, a->label);
		pc_csvw_str(&w, b->label);
		pc_csvw_str(&w, side);
		pc_csvw_str(&w, churn_counts[c].name);
		if (unknown)
			pc_csvw_str(&w, "");	/* not counted, see the report */
		else
			pc_csvw_u64(&w, sc < 0 ? r->n[c] : r->ns[sc][c]);
		pc_csvw_dbl(&w, unknown ? NAN : sc < 0 ? churn_per_1000(r, cc) :
			    churn_per_1000_scope(r, (enum churn_scope)sc, cc));
		pc_csvw_str(&w, churn_counts[c].what);
		ret = pc_csvw_endrow(&w);
	}
	return pc_csvw_close(&w, ret == PC_OK) == PC_OK && ret == PC_OK ? PC_OK : PC_ERR_IO;
}

/* The module part of an item: "ext4" of "ext4:ext4_sync_fs", an event's from B or A */
static const char *item_module(const struct churn_item *it)
{
	static char buf[64];
	const char *c;

	if (it->scope != CHURN_MODULES)
		return "";
	if (it->mod)
		return it->mod;
	c = strchr(it->name, ':');
	snprintf(buf, sizeof(buf), "%.*s", c ? (int)(c - it->name) : 0, it->name);
	return buf;
}

static int write_items_csv(const struct churn_out *o, const struct churn_result *r,
			   char *err, size_t len)
{
	struct pc_csvw w;
	int ret = open_csv(&w, o->dir, "items.csv", items_cols, err, len);

	for (size_t i = 0; ret == PC_OK && i < r->nitems; i++) {
		pc_csvw_str(&w, r->items[i].side);
		pc_csvw_str(&w, r->items[i].category);
		pc_csvw_str(&w, r->items[i].name);
		pc_csvw_str(&w, r->items[i].detail);
		pc_csvw_str(&w, use_instead(r->items[i].category, r->items[i].use));
		pc_csvw_str(&w, item_module(&r->items[i]));
		ret = pc_csvw_endrow(&w);
	}
	return pc_csvw_close(&w, ret == PC_OK) == PC_OK && ret == PC_OK ? PC_OK : PC_ERR_IO;
}

static size_t n_ok(const struct churn_probes *pl)
{
	return pl->n - pl->breaks - pl->changed - pl->missing - pl->unresolved -
	       pl->uncovered - pl->sigchanged;
}

static int write_probes_csv(const struct churn_out *o, const struct churn_tools *t,
			    char *err, size_t len)
{
	struct pc_csvw w;
	int ret = open_csv(&w, o->dir, "probes.csv", probes_cols, err, len);

	for (size_t f = 0; ret == PC_OK && f < t->n; f++) {
		const struct churn_probes *pl = &t->f[f];

		for (size_t i = 0; ret == PC_OK && i < pl->n; i++) {
			pc_csvw_str(&w, pl->path);
			pc_csvw_u64(&w, pl->p[i].line);
			pc_csvw_str(&w, pl->p[i].probe);
			pc_csvw_str(&w, pl->p[i].status);
			pc_csvw_str(&w, pl->p[i].category);
			pc_csvw_str(&w, pl->p[i].detail);
			pc_csvw_str(&w, use_instead(pl->p[i].category, pl->p[i].use));
			pc_csvw_str(&w, pl->p[i].module);
			ret = pc_csvw_endrow(&w);
		}
	}
	return pc_csvw_close(&w, ret == PC_OK) == PC_OK && ret == PC_OK ? PC_OK : PC_ERR_IO;
}

static int write_tools_csv(const struct churn_out *o, const struct churn_tools *t,
			   char *err, size_t len)
{
	struct pc_csvw w;
	int ret = open_csv(&w, o->dir, "tools.csv", tools_cols, err, len);

	for (size_t f = 0; ret == PC_OK && f < t->n; f++) {
		const struct churn_probes *pl = &t->f[f];

		pc_csvw_str(&w, pl->path);
		pc_csvw_str(&w, pl->format);
		pc_csvw_u64(&w, pl->lines);
		pc_csvw_u64(&w, pl->n);
		pc_csvw_u64(&w, pl->breaks);
		pc_csvw_u64(&w, pl->changed);
		pc_csvw_u64(&w, pl->sigchanged);
		pc_csvw_u64(&w, pl->missing);
		pc_csvw_u64(&w, pl->unresolved);
		pc_csvw_u64(&w, pl->uncovered);
		pc_csvw_u64(&w, n_ok(pl));
		pc_csvw_str(&w, churn_tool_verdict(pl));
		ret = pc_csvw_endrow(&w);
	}
	return pc_csvw_close(&w, ret == PC_OK) == PC_OK && ret == PC_OK ? PC_OK : PC_ERR_IO;
}

/* ---- the text report ---- */

/* Print @text wrapped to WIDTH, first line after @lead, others at @indent. */
static void wrap(FILE *f, const char *lead, int indent, const char *text)
{
	int col = fprintf(f, "%s", lead);
	bool space = col && lead[col - 1] != ' ';
	const char *p = text;

	while (*p) {
		int w = (int)strcspn(p, " ");

		if (col > indent && col + space + w > WIDTH) {
			col = fprintf(f, "\n%*s", indent, "") - 1;
			space = false;
		}
		if (space)
			col += fprintf(f, " ");
		/* a word longer than the line is cut, never overflowing it */
		if (col + w > WIDTH)
			w = WIDTH - col;
		col += fprintf(f, "%.*s", w, p);
		p += w;
		while (*p == ' ')
			p++;
		space = true;
	}
	fputc('\n', f);
}

static void rule(FILE *f)
{
	for (int i = 0; i < WIDTH; i++)
		fputc('-', f);
	fputc('\n', f);
}

static void fmt_per(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f", v);
}

static void row(FILE *f, const struct churn_result *r, const char *label,
		enum churn_count c)
{
	char per[32];

	fmt_per(per, sizeof(per), churn_per_1000(r, c));
	fprintf(f, "  %-50.50s %9" PRIu64 " %9s\n", label, r->n[c], per);
}

static void sources(FILE *f, const char *name, const struct churn_kernel *k)
{
	char lead[64], text[2048];
	size_t off;

	snprintf(lead, sizeof(lead), "  %s", name);
	if (strcmp(k->label, k->release))
		off = (size_t)snprintf(text, sizeof(text), "%s (release %s) from %s; has",
				       k->label, k->release, k->where);
	else
		off = (size_t)snprintf(text, sizeof(text), "%s from %s; has", k->label,
				       k->where);
	for (int p = 0; p < CHURN_NR_PARTS && off < sizeof(text); p++)
		if (k->have[p])
			off += (size_t)snprintf(text + off, sizeof(text) - off, " %s",
						churn_part_names[p]);
	wrap(f, lead, 4, text);
	for (int p = 0; p < CHURN_NR_PARTS; p++) {
		if (k->have[p])
			continue;
		snprintf(lead, sizeof(lead), "    no %s:", churn_part_names[p]);
		wrap(f, lead, 6, k->why[p]);
	}
	if (k->have_modules) {
		snprintf(text, sizeof(text), "%zu read from their .ko files%s%zu unreadable (modules.csv says why)%s",
			 k->nmodules, ", ", k->modules_unreadable,
			 k->have_mod_btf ? "; their BTF read" :
			 !k->have[CHURN_BTF] ? "" :
			 "; no module BTF (module files made before module-btf/ was kept): module signatures not compared; remake them with probecost churn --dump-modules");
		wrap(f, "    modules:", 6, text);
	} else {
		wrap(f, "    no modules:", 6, k->why_modules);
	}
}

/* The headline of each side for vmlinux and the modules apart. */
static void scopes(FILE *f, const struct churn_result *r)
{
	static const struct {
		const char *side;
		enum churn_count in_a, broken;
	} sides[] = {
		{ "static ", CC_TP_IN_A, CC_TP_BROKEN },
		{ "dynamic", CC_FN_IN_A, CC_FN_BROKEN },
	};

	fprintf(f, "  %-26s %9s %9s %9s\n", "by where the point lives:", "points", "broken",
		"per 1,000");
	for (size_t i = 0; i < 2; i++)
		for (int sc = 0; sc < CHURN_NR_SCOPES; sc++) {
			char per[32];

			fmt_per(per, sizeof(per), churn_per_1000_scope(r, (enum churn_scope)sc,
								       sides[i].broken));
			fprintf(f, "    %s %-16s %9" PRIu64 " %9" PRIu64 " %9s\n", sides[i].side,
				churn_scope_names[sc], r->ns[sc][sides[i].in_a],
				r->ns[sc][sides[i].broken], per);
		}
}

/* One file's verdict table: every row that is not ok. */
static void probe_table(FILE *f, const struct churn_probes *pl)
{
	char line[512];
	size_t shown = 0, notok = pl->n - n_ok(pl);

	fprintf(f, "\n%s %s:\n", !strcmp(pl->format, "probe list") ? "Probe list" :
		!strcmp(pl->format, "bpftrace") ? "bpftrace script" :
		!strcmp(pl->format, "systemtap") ? "SystemTap script" : "BCC tool", pl->path);
	snprintf(line, sizeof(line), "%zu probes (%zu entries): %zu break, %zu format changed, ",
		 pl->n, pl->lines, pl->breaks, pl->changed);
	if (pl->sigchanged)
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
			 "%zu signature changed, ", pl->sigchanged);
	snprintf(line + strlen(line), sizeof(line) - strlen(line), "%zu not in A, ",
		 pl->missing);
	if (pl->unresolved || pl->uncovered)
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
			 "%zu unresolved, %zu not covered, ", pl->unresolved, pl->uncovered);
	snprintf(line + strlen(line), sizeof(line) - strlen(line), "%zu ok.", n_ok(pl));
	wrap(f, "  ", 2, line);
	for (size_t i = 0; i < pl->n; i++) {
		if (!strcmp(pl->p[i].status, "ok"))
			continue;
		if (++shown > 40) {
			fprintf(f, "  ... %zu more in probes.csv\n", notok - 40);
			break;
		}
		bool cat = *pl->p[i].category && strcmp(pl->p[i].category, pl->p[i].status);

		fprintf(f, "  %4zu %-44.44s %s%s%s%s\n", pl->p[i].line, pl->p[i].probe,
			pl->p[i].status, cat ? " (" : "", cat ? pl->p[i].category : "",
			cat ? ")" : "");
		wrap(f, "       ", 7, pl->p[i].detail);
		if (pl->p[i].use && strcmp(pl->p[i].status, "not_in_a")) {
			char u[320];

			snprintf(u, sizeof(u), "use instead: %s", pl->p[i].use);
			wrap(f, "       ", 7, u);
		}
	}
}

static void report(FILE *f, const struct churn_out *o, const struct churn_kernel *a,
		   const struct churn_kernel *b, const struct churn_result *r,
		   const struct churn_tools *t)
{
	char per_s[32], per_d[32], line[256], lead[PATH_MAX + 2];

	fprintf(f, "probecost churn: %s -> %s\n", a->label, b->label);
	rule(f);
	fmt_per(per_s, sizeof(per_s), churn_per_1000(r, CC_TP_BROKEN));
	fmt_per(per_d, sizeof(per_d), churn_per_1000(r, CC_FN_BROKEN));
	fprintf(f, "Breakage per 1,000 probe points of A:\n");
	fprintf(f, "  static  (tracepoints)     %7s   %" PRIu64 " of %" PRIu64 " events\n",
		per_s, r->n[CC_TP_BROKEN], r->n[CC_TP_IN_A]);
	fprintf(f, "  dynamic (kprobe targets)  %7s   %" PRIu64 " of %" PRIu64 " functions\n",
		per_d, r->n[CC_FN_BROKEN], r->n[CC_FN_IN_A]);
	if (r->have_modules)
		scopes(f, r);
	fprintf(f, "\nStatic side: tracepoint events (system:event)\n");
	fprintf(f, "  %-50s %9s %9s\n", "", "count", "per 1,000");
	row(f, r, "in A", CC_TP_IN_A);
	row(f, r, "in B", CC_TP_IN_B);
	row(f, r, "kept, same fields", CC_TP_KEPT);
	row(f, r, "format changed", CC_TP_CHANGED);
	row(f, r, "  fields removed", CC_FIELD_REMOVED);
	row(f, r, "  fields renamed (same type, size, offset)", CC_FIELD_RENAMED);
	row(f, r, "  fields retyped (type, size, scalar sign)", CC_FIELD_RETYPED);
	row(f, r, "removed", CC_TP_REMOVED);
	row(f, r, "broken = removed + format changed", CC_TP_BROKEN);
	row(f, r, "added in B", CC_TP_ADDED);
	row(f, r, "  (fields added to kept events)", CC_FIELD_ADDED);

	fprintf(f, "\nDynamic side: kprobe targets (functions)\n");
	fprintf(f, "  %-50s %9s %9s\n", "", "count", "per 1,000");
	row(f, r, "in A", CC_FN_IN_A);
	row(f, r, "in B", CC_FN_IN_B);
	row(f, r, "kept, same name", CC_FN_KEPT);
	row(f, r, "renamed by the compiler (same base name)", CC_FN_RENAMED);
	row(f, r, "  .isra", CC_RN_ISRA);
	row(f, r, "  .constprop", CC_RN_CONSTPROP);
	row(f, r, "  .part", CC_RN_PART);
	row(f, r, "  .cold", CC_RN_COLD);
	row(f, r, "  other suffix", CC_RN_OTHER);
	if (r->n[CC_FN_MOVED] || r->have_modules)
		row(f, r, "moved (to another module or vmlinux)", CC_FN_MOVED);
	row(f, r, "unprobeable in B (blacklisted or notrace)", CC_FN_UNPROBEABLE);
	row(f, r, "inlined or compiled out (still in B's source)", CC_FN_INLINED);
	row(f, r, "removed (not in B's source)", CC_FN_REMOVED);
	if (r->n[CC_FN_VANISHED] || !b->have[CHURN_SOURCE])
		row(f, r, "vanished (no source index for B)", CC_FN_VANISHED);
	row(f, r, "broken = all of the lost above", CC_FN_BROKEN);
	row(f, r, "added in B", CC_FN_ADDED);
	if (r->unknown[CC_FN_SIG_CHANGED]) {
		fprintf(f, "  %-50s %9s %9s\n", "kept, signature changed (BTF; not in broken)",
			"unknown", "-");
		wrap(f, "    ", 4, r->sig_why);
	} else {
		row(f, r, "kept, signature compared (in both BTFs)", CC_FN_SIG_COMPARED);
		row(f, r, "  signature changed (not in broken)", CC_FN_SIG_CHANGED);
		row(f, r, "    only const/volatile/restrict", CC_FN_SIG_QUAL);
		row(f, r, "    only the return type", CC_FN_SIG_RET);
		row(f, r, "  only typedef names (not changed)", CC_FN_SIG_TYPEDEF);
	}

	fprintf(f, "\nRules (docs/churn.md):\n");
	wrap(f, "  static: ", 4, "an event is system:event from tracefs; fields are compared by name, common_* fields left out; a field renamed keeps type, size and offset.");
	wrap(f, "  dynamic:", 4, "a kprobe target is a text symbol (T t W w) of vmlinux that is in available_filter_functions and not in the kprobe blacklist, each rule applied when the dump has that list; names are compared whole, base name = up to the first dot.");
	if (r->have_modules)
		wrap(f, "  modules:", 4, "a module's function is MODULE:FUNCTION, a target when the module's __mcount_loc has its fentry site and its kprobe blacklist does not name it (read from the .ko file); a module's event and its format are read from the .ko file and compared like vmlinux's.");
	fprintf(f, "\nInputs:\n");
	sources(f, "A", a);
	sources(f, "B", b);

	for (size_t i = 0; t && i < t->n; i++)
		probe_table(f, &t->f[i]);
	if (t && t->dir) {
		fprintf(f, "\nTools in %s:\n", t->path);
		snprintf(line, sizeof(line), "%zu tool files: %zu break, %zu only format changes, %zu undecided (a name built at run time or a point not compared), %zu ok.",
			 t->n, t->breaks, t->changed, t->undecided, t->ok);
		wrap(f, "  ", 2, line);
		if (t->sigchanged) {
			snprintf(line, sizeof(line), "%zu more: only signature changes (kept functions whose parameters or return type changed in BTF).",
				 t->sigchanged);
			wrap(f, "  ", 2, line);
		}
		if (t->skipped) {
			snprintf(line, sizeof(line), "%zu other file(s) (not .bt, .stp, .py or .list) not read.",
				 t->skipped);
			wrap(f, "  ", 2, line);
		}
		for (size_t i = 0; i < t->n; i++)
			fprintf(f, "  %-52.52s %s\n", t->f[i].path, churn_tool_verdict(&t->f[i]));
	}
	snprintf(line, sizeof(line), "churn.csv, items.csv%s, report.txt, churn.dat, churn.gp%s%s. Compared in %.1f s.",
		 t ? ", probes.csv, tools.csv" : "", strcmp(o->plot, "none") ? ", churn." : "",
		 !strcmp(o->plot, "dumb") ? "txt" : !strcmp(o->plot, "none") ? "" : o->plot,
		 o->seconds);
	fprintf(f, "\n");
	snprintf(lead, sizeof(lead), "%s:", o->dir);
	wrap(f, "Files in", 2, lead);
	wrap(f, "  ", 2, line);
}

static int write_report(const struct churn_out *o, const struct churn_kernel *a,
			const struct churn_kernel *b, const struct churn_result *r,
			const struct churn_tools *t, char *err, size_t len)
{
	char path[PATH_MAX + 64], *buf = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&buf, &n), *f;

	if (!m)
		return PC_ERR_NOMEM;
	report(m, o, a, b, r, t);
	fclose(m);
	fputs(buf, stdout);
	snprintf(path, sizeof(path), "%s/report.txt", o->dir);
	f = fopen(path, "w");
	if (!f || fwrite(buf, 1, n, f) != n || fclose(f) == EOF) {
		snprintf(err, len, "cannot write %s: %s", path, strerror(errno));
		free(buf);
		return PC_ERR_IO;
	}
	free(buf);
	return PC_OK;
}

/* ---- the plot ---- */

static const struct {
	enum churn_count s, d;	/* the static and dynamic count in one column */
	const char *title;
} plot_cols[] = {
	{ CC_TP_REMOVED, CC_FN_REMOVED, "removed" },
	{ CC_TP_CHANGED, CC_NR, "format changed" },
	{ CC_NR, CC_FN_RENAMED, "renamed by the compiler" },
	{ CC_NR, CC_FN_MOVED, "moved (module/vmlinux)" },
	{ CC_NR, CC_FN_UNPROBEABLE, "blacklisted or notrace" },
	{ CC_NR, CC_FN_INLINED, "inlined or compiled out" },
	{ CC_NR, CC_FN_VANISHED, "gone (no source index)" },
};

#define NR_PLOT_COLS (sizeof(plot_cols) / sizeof(plot_cols[0]))

static double per_or_zero(const struct churn_result *r, enum churn_count c)
{
	double v = c == CC_NR ? 0 : churn_per_1000(r, c);

	return isnan(v) ? 0 : v;
}

static int write_plot(const struct churn_out *o, const struct churn_kernel *a,
		      const struct churn_kernel *b, const struct churn_result *r,
		      char *err, size_t len)
{
	char path[PATH_MAX + 64];
	const char *term, *ext;
	double ymax;
	FILE *f;
	pid_t pid;
	int st;

	snprintf(path, sizeof(path), "%s/churn.dat", o->dir);
	f = fopen(path, "w");
	if (!f)
		goto io;
	/* the header row is data to gnuplot: columnheader() reads it */
	fprintf(f, "# breakage per 1,000 probe points of A, %s -> %s\nside", a->label,
		b->label);
	for (size_t i = 0; i < NR_PLOT_COLS; i++)
		fprintf(f, " \"%s\"", plot_cols[i].title);
	fprintf(f, " total\n");
	for (int side = 0; side < 2; side++) {
		fprintf(f, "%s", side ? "dynamic" : "static");
		for (size_t i = 0; i < NR_PLOT_COLS; i++)
			fprintf(f, " %.3f", per_or_zero(r, side ? plot_cols[i].d : plot_cols[i].s));
		fprintf(f, " %.3f\n", per_or_zero(r, side ? CC_FN_BROKEN : CC_TP_BROKEN));
	}
	if (fclose(f) == EOF)
		goto io;

	/* room for the total above the taller bar; [0:0] is no range */
	ymax = per_or_zero(r, CC_TP_BROKEN);
	if (per_or_zero(r, CC_FN_BROKEN) > ymax)
		ymax = per_or_zero(r, CC_FN_BROKEN);
	ymax = ymax > 0 ? ymax * 1.2 : 1;
	if (!strcmp(o->plot, "svg")) {
		term = "svg size 720,480 dynamic font 'sans,11'";
		ext = "svg";
	} else if (!strcmp(o->plot, "dumb")) {
		term = "dumb size 72,28";
		ext = "txt";
	} else {
		term = "png size 720,480";
		ext = "png";
	}
	snprintf(path, sizeof(path), "%s/churn.gp", o->dir);
	f = fopen(path, "w");
	if (!f)
		goto io;
	fprintf(f, "# gnuplot churn.gp (in this directory) redraws the plot\n"
		   "set terminal %s\nset output 'churn.%s'\n"
		   "set title \"Probe points of %s broken in %s\"\n"
		   "set ylabel \"per 1,000 probe points of A\"\n"
		   "set style data histograms\nset style histogram rowstacked\n"
		   "set style fill solid 0.8 border -1\nset boxwidth 0.5\n"
		   "set key below\nset key autotitle columnheader\nset yrange [0:%.3f]\n"
		   "set grid ytics\n"
		   "plot 'churn.dat' using 2:xtic(1)",
		term, ext, a->label, b->label, ymax);
	for (size_t i = 1; i < NR_PLOT_COLS; i++)
		fprintf(f, ", \\\n     '' using %zu", i + 2);
	fprintf(f, ", \\\n     '' using 0:%zu:(sprintf(\"%%.1f\", $%zu)) with labels offset 0,1 notitle\n",
		NR_PLOT_COLS + 2, NR_PLOT_COLS + 2);
	if (fclose(f) == EOF)
		goto io;
	if (!strcmp(o->plot, "none"))
		return PC_OK;

	pid = fork();
	if (pid < 0)
		goto io;
	if (pid == 0) {
		if (chdir(o->dir) == 0) {
			freopen("/dev/null", "w", stdout);
			execlp("gnuplot", "gnuplot", "churn.gp", (char *)NULL);
		}
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		snprintf(err, len, "gnuplot %s/churn.gp failed%s; the data is in churn.dat",
			 o->dir, WIFEXITED(st) && WEXITSTATUS(st) == 127 ?
			 " (gnuplot not found: scripts/deps.sh run)" : "");
		return PC_ERR_SYS;
	}
	return PC_OK;
io:
	snprintf(err, len, "writing the plot files in %s failed: %s", o->dir, strerror(errno));
	return PC_ERR_IO;
}

int churn_write(const struct churn_out *o, const struct churn_kernel *a,
		const struct churn_kernel *b, const struct churn_result *r,
		const struct churn_tools *t, char *err, size_t len)
{
	int ret = write_churn_csv(o, a, b, r, err, len);

	if (ret == PC_OK)
		ret = write_items_csv(o, r, err, len);
	if (ret == PC_OK && t)
		ret = write_probes_csv(o, t, err, len);
	if (ret == PC_OK && t)
		ret = write_tools_csv(o, t, err, len);
	if (ret == PC_OK)
		ret = write_plot(o, a, b, r, err, len);
	if (ret == PC_OK)
		ret = write_report(o, a, b, r, t, err, len);
	return ret;
}
