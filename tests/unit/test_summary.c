// SPDX-License-Identifier: MIT
/*
 * The summary's states on generated runs (harness/reports/summary.c):
 *
 *   - a run with a filtered row gets a filtered column between disabled
 *     and enabled on the console (compact) and a filtered line between
 *     them in the report's per-state table, showing that row's median;
 *   - a run without one keeps disabled, enabled, recording and never
 *     says "filtered" (the golden reports of tests/report.t.sh hold the
 *     rest of that form);
 *   - a mechanism measured only absent and filtered (run --state
 *     filtered) still has its table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doc.h"
#include "errors.h"
#include "ktap.h"
#include "results.h"
#include "rundir.h"
#include "summary.h"

struct fake {
	const char *mech, *state;
	double median;
};

static int make_run(const char *dir, const struct fake *rows, size_t n)
{
	struct pc_results r;
	char err[256];

	if (pc_results_open(&r, "", dir, err, sizeof(err)) != PC_OK) {
		ktap_diag("%s", err);
		return -1;
	}
	pc_results_meta(&r, "run_id", "summary");
	for (size_t i = 0; i < n; i++) {
		double m = rows[i].median;
		struct pc_row row = {
			.mechanism = rows[i].mech, .family = "dynamic", .where = "user",
			.variant = "v", .state = rows[i].state, .tracer = "perf",
			.metric = "overhead", .unit = "ns", .backend = "tsc",
			.st = { .n = 21, .median = m, .ci_lo = m * 0.9, .ci_hi = m * 1.1,
				.ci_level = 0.95, .p10 = m * 0.9, .p90 = m * 1.1, .min = m * 0.9,
				.max = m * 1.1 },
			.events = 1000, .hit_ratio = 1, .status = "ok", .note = "",
		};

		pc_results_row(&r, &row);
	}
	return pc_results_close(&r, true, false) == PC_OK ? 0 : -1;
}

/* @run's summary, compact (the console) or per state (the report), as Markdown. */
static void render(const struct pc_run *run, bool compact, char *buf, size_t len)
{
	struct pc_doc d;
	size_t n = 0;
	FILE *f = tmpfile();

	buf[0] = 0;
	pc_doc_init(&d);
	pc_summary(&d, run, compact);
	if (!f || pc_doc_write_md(&d, f) != PC_OK) {
		ktap_diag("render failed");
	} else {
		rewind(f);
		n = fread(buf, 1, len - 1, f);
		buf[n] = 0;
	}
	if (f)
		fclose(f);
	pc_doc_free(&d);
}

/* Whether @a, @b and @c appear in @text in that order. */
static bool in_order(const char *text, const char *a, const char *b, const char *c)
{
	const char *p = strstr(text, a), *q = p ? strstr(p + strlen(a), b) : NULL;

	return q && strstr(q + strlen(b), c);
}

static int load(const char *dir, const char *name, const struct fake *rows, size_t n,
		struct pc_run *r)
{
	char path[4096], err[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (make_run(path, rows, n) || pc_run_load(path, 0, r, err, sizeof(err)) != PC_OK) {
		ktap_diag("setup %s: %s", name, err);
		return -1;
	}
	return 0;
}

int main(void)
{
	static const struct fake plain[] = {
		{ "uprobe-nop", "absent", 0.5 },
		{ "uprobe-nop", "disabled", 1.5 },
		{ "uprobe-nop", "enabled", 300 },
		{ "uprobe-nop", "recording", 400 },
		{ "usdt", "absent", 0.5 },
		{ "usdt", "disabled", 2.5 },
		{ "usdt", "enabled", 310 },
		{ "usdt", "recording", 420 },
	};
	static const struct fake filt[] = {
		{ "uprobe-nop", "absent", 0.5 },
		{ "uprobe-nop", "disabled", 1.5 },
		{ "uprobe-nop", "filtered", 777 },
		{ "uprobe-nop", "enabled", 300 },
		{ "uprobe-nop", "recording", 400 },
		{ "usdt", "absent", 0.5 },
		{ "usdt", "disabled", 2.5 },
		{ "usdt", "enabled", 310 },
		{ "usdt", "recording", 420 },
	};
	static const struct fake only[] = {
		{ "uprobe-nop", "absent", 0.5 },
		{ "uprobe-nop", "filtered", 777 },
	};
	char dir[] = "/tmp/pc-summary-XXXXXX", text[16384];
	struct pc_run a, b, c;

	ktap_plan(6);
	if (!mkdtemp(dir) || load(dir, "plain", plain, sizeof(plain) / sizeof(plain[0]), &a) ||
	    load(dir, "filt", filt, sizeof(filt) / sizeof(filt[0]), &b) ||
	    load(dir, "only", only, 2, &c))
		return 1;

	render(&b, true, text, sizeof(text));
	KTAP_OK(strstr(text, "| mechanism | family | disabled | filtered | enabled | recording |"),
		"console, a run with filtered rows: a filtered column between disabled and enabled");
	KTAP_OK(strstr(text, "| uprobe-nop | dynamic | 1.5 x1 | 777 x1 | 300 x1 |") &&
		strstr(text, "| usdt | dynamic | 2.5 x1.67 | - | 310 x1.03 |"),
		"console: the filtered cell is its row's median, - where the mechanism has none");
	if (ktap_failed)
		printf("%s", text);
	render(&b, false, text, sizeof(text));
	KTAP_OK(in_order(text, "disabled |", "filtered | 777 |", "enabled | 300 |"),
		"report: a filtered line between disabled and enabled, with its median");
	render(&a, true, text, sizeof(text));
	KTAP_OK(strstr(text, "| mechanism | family | disabled | enabled | recording |") &&
		!strstr(text, "filtered"),
		"console, a run without filtered rows: three state columns, no filtered");
	render(&a, false, text, sizeof(text));
	KTAP_OK(!strstr(text, "filtered"), "report, a run without filtered rows: no filtered line");
	render(&c, true, text, sizeof(text));
	KTAP_OK(strstr(text, "| uprobe-nop | dynamic | - | 777 x1 | - | - |"),
		"a mechanism measured absent and filtered only keeps its table");
	if (ktap_failed)
		printf("%s", text);

	pc_run_free(&a);
	pc_run_free(&b);
	pc_run_free(&c);
	{
		char cmd[sizeof(dir) + 16];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			ktap_diag("could not remove %s", dir);
	}
	return ktap_finish();
}
