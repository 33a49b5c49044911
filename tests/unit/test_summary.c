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
#include "fakerun.h"
#include "ktap.h"
#include "results.h"
#include "rundir.h"
#include "summary.h"

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
#define ROW(m, st, v) { .mech = m, .state = st, .median = v, .lo = (v) * 0.9, .hi = (v) * 1.1 }
	/* the run with a filtered row; the run without is the same less that row */
	static const struct fake filt[] = {
		ROW("uprobe-nop", "absent", 0.5),
		ROW("uprobe-nop", "disabled", 1.5),
		ROW("uprobe-nop", "filtered", 777),
		ROW("uprobe-nop", "enabled", 300),
		ROW("uprobe-nop", "recording", 400),
		ROW("usdt", "absent", 0.5),
		ROW("usdt", "disabled", 2.5),
		ROW("usdt", "enabled", 310),
		ROW("usdt", "recording", 420),
	};
	static const struct fake only[] = {
		ROW("uprobe-nop", "absent", 0.5),
		ROW("uprobe-nop", "filtered", 777),
	};
	/* a place whose rows count their traps (the guest's kprobes do) */
	static const struct fake trapped[] = {
		ROW("uprobe-nop", "absent", 0.5),
		ROW("uprobe-nop", "enabled", 300),
		{ .mech = "uprobe-nop", .state = "enabled", .unit = "traps/event",
		  .backend = "mechanism", .median = 1, .lo = 1, .hi = 1 },
	};
#undef ROW
	struct fake plain[sizeof(filt) / sizeof(filt[0])];
	size_t nplain = 0;
	char dir[] = "/tmp/pc-summary-XXXXXX", text[16384];
	struct pc_run a, b, c, t;

	ktap_plan(7);
	for (size_t i = 0; i < sizeof(filt) / sizeof(filt[0]); i++)
		if (strcmp(filt[i].state, "filtered"))
			plain[nplain++] = filt[i];
	if (!mkdtemp(dir) || load(dir, "plain", plain, nplain, &a) ||
	    load(dir, "filt", filt, sizeof(filt) / sizeof(filt[0]), &b) ||
	    load(dir, "only", only, 2, &c) ||
	    load(dir, "trapped", trapped, sizeof(trapped) / sizeof(trapped[0]), &t))
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
	KTAP_OK(!strstr(text, "filtered") && !strstr(text, "traps"),
		"report, a run without filtered or traps rows: no filtered line, no traps column");
	render(&t, false, text, sizeof(text));
	KTAP_OK(strstr(text, "| mechanism | per event | 95% CI | ratio | nonzero? | traps |") &&
		strstr(text, "| enabled | 300 | [270, 330] | x1 | yes (CI) | 1 |"),
		"report, a place whose rows count traps: a traps column with the row's traps per event");
	render(&c, true, text, sizeof(text));
	KTAP_OK(strstr(text, "| uprobe-nop | dynamic | - | 777 x1 | - | - |"),
		"a mechanism measured absent and filtered only keeps its table");
	if (ktap_failed)
		printf("%s", text);

	pc_run_free(&a);
	pc_run_free(&b);
	pc_run_free(&c);
	pc_run_free(&t);
	fake_remove(dir);
	return ktap_finish();
}
