// SPDX-License-Identifier: MIT
/*
 * "Against published figures" on a generated run with known medians:
 *
 *   - the published ratios follow from the table (1000/T ns per event,
 *     less the source's baseline; kprobes.rst's microseconds as they are);
 *   - probecost's ratio is the ratio of the two overhead medians, its
 *     bounds [lo_n/hi_d, hi_n/lo_d] of their CIs, n/a where a CI
 *     reaches 0;
 *   - the two rows come from one tracer (a pair across tracers is no pair);
 *   - where the run counts the traps per event of kprobe-int3, only the
 *     published variant with as many (k: 2, b: 1) is its peer; the
 *     other ratio is left out, and said so;
 *   - a ratio whose row is missing yields no row, only its name in the
 *     one "Not measured in this run" line; a run with none of the rows
 *     gets no section at all;
 *   - every text line within 72 columns.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doc.h"
#include "errors.h"
#include "fakerun.h"
#include "ktap.h"
#include "peers.h"
#include "results.h"
#include "rundir.h"

static const struct pc_peer_ratio *ratio(const char *num, const char *den, const char *src)
{
	for (size_t i = 0; i < pc_peer_nratios; i++)
		if (!strcmp(pc_peer_ratios[i].num, num) && !strcmp(pc_peer_ratios[i].den, den) &&
		    strstr(pc_peer_ratios[i].source, src))
			return &pc_peer_ratios[i];
	return NULL;
}

static bool near(double a, double b)
{
	return fabs(a - b) <= 1e-9 * fmax(1, fabs(b));
}

/*
 * Render @run's section into @buf, as text (@md false: its longest line
 * is returned) or as Markdown, whose cells and paragraphs are not wrapped.
 */
static size_t render(const struct pc_run *run, bool md, char *buf, size_t len)
{
	struct pc_doc d;
	char line[1024];
	size_t longest = 0, used = 0;
	FILE *f = tmpfile();

	buf[0] = 0;
	pc_doc_init(&d);
	pc_peers(&d, run);
	if (!f || (md ? pc_doc_write_md(&d, f) : pc_doc_write_text(&d, f, 72)) != PC_OK)
		ktap_diag("render failed");
	if (f) {
		rewind(f);
		while (fgets(line, sizeof(line), f)) {
			size_t l = strlen(line);

			if (l && line[l - 1] == '\n')
				l--;
			longest = l > longest ? l : longest;
			if (used + strlen(line) + 1 < len) {
				memcpy(buf + used, line, strlen(line) + 1);
				used += strlen(line);
			}
		}
		fclose(f);
	}
	pc_doc_free(&d);
	return longest;
}

int main(void)
{
	static const struct fake rows[] = {
		/* uprobes, tracer perf: push/nop = 1.1, bounds [320/310, 340/290] */
		{ "uprobe-nop", "perf", "user", "ns", "tsc", 300, 290, 310, NULL },
		{ "uprobe-push", "perf", "user", "ns", "tsc", 330, 320, 340, NULL },
		/* uretprobe only under another tracer: no pair with uprobe-nop */
		{ "uretprobe", "ftrace", "user", "ns", "tsc", 600, 590, 610, NULL },
		/* a CI reaching 0 bounds nothing */
		{ "uprobe-nop5", "perf", "user", "ns", "tsc", 150, -5, 300, NULL },
		/* the guest's instruction counts */
		{ "kprobe-int3", "self", "module", "instructions", "icount", 544, 544, 544, NULL },
		{ "kprobe-optimized", "self", "module", "instructions", "icount", 312, 312, 312, NULL },
	};
	static const struct fake other[] = {
		{ "user-branch", "self", "user", "ns", "tsc", 0.25, 0.2, 0.3, NULL },
	};
	/* int3 + the step's int3, as Debian's kernels take it */
	static const struct fake trapped[] = {
		{ "kprobe-int3", "self", "module", "instructions", "icount", 546, 546, 546, NULL },
		{ "kprobe-int3", "self", "module", "traps/event", "mechanism", 2, 2, 2, NULL },
		{ "kprobe-optimized", "self", "module", "instructions", "icount", 112, 112, 112, NULL },
		{ "kprobe-optimized", "self", "module", "traps/event", "mechanism", 0, 0, 0, NULL },
	};
	char dir[] = "/tmp/pc-peers-XXXXXX", run1[4096], run2[4096], run3[4096], err[256];
	char text[16384];
	const struct pc_peer_ratio *push = ratio("uprobe-push", "uprobe-nop", "Olsa");
	const struct pc_peer_ratio *ko = ratio("k", "o", "kprobes.rst");
	const struct pc_peer_ratio *kr = ratio("kretprobe", "kprobe", "Dong");
	const struct pc_peer_ratio *uret = ratio("uretprobe-nop", "uprobe-nop", "Olsa");
	const struct pc_peer_ratio *nop5 = ratio("uprobe-nop5", "uprobe-nop", "Olsa");
	const struct pc_rrow *n = NULL, *d = NULL;
	struct pc_run r1, r2, r3;
	double q, lo, hi;
	bool ok;

	ktap_plan(12);
	if (!mkdtemp(dir) || !push || !ko || !kr || !uret || !nop5) {
		ktap_diag("setup: %s", mkdtemp(dir) ? "a ratio is missing from the table" : "mkdtemp");
		return 1;
	}
	snprintf(run1, sizeof(run1), "%s/run1", dir);
	snprintf(run2, sizeof(run2), "%s/run2", dir);
	snprintf(run3, sizeof(run3), "%s/run3", dir);
	if (make_run(run1, rows, sizeof(rows) / sizeof(rows[0])) ||
	    make_run(run2, other, 1) ||
	    make_run(run3, trapped, sizeof(trapped) / sizeof(trapped[0])) ||
	    pc_run_load(run1, 0, &r1, err, sizeof(err)) != PC_OK ||
	    pc_run_load(run2, 0, &r2, err, sizeof(err)) != PC_OK ||
	    pc_run_load(run3, 0, &r3, err, sizeof(err)) != PC_OK) {
		ktap_diag("setup: %s", err);
		return 1;
	}

	/* Olsa's table: (1000/2.976 - 1000/152.448) / (1000/3.148 - 1000/152.448) */
	q = (1000 / 2.976 - 1000 / 152.448) / (1000 / 3.148 - 1000 / 152.448);
	KTAP_OK(near(pc_peer_published(push), q) && fabs(q - 1.0590) < 1e-4,
		"published uprobe-push/uprobe-nop %.4f: costs less the usermode-count baseline", q);
	KTAP_OK(near(pc_peer_published(ko), 0.99 / 0.06),
		"published k/o from kprobes.rst's microseconds: %.4g", pc_peer_published(ko));
	q = (1000 / 23.779 - 1000 / 409.184) / (1000 / 52.029 - 1000 / 409.184);
	KTAP_OK(near(pc_peer_published(kr), q), "published kretprobe/kprobe %.4f less kernel-count", q);

	ok = pc_peer_measured(&r1, push, &q, &lo, &hi, &n, &d);
	KTAP_OK(ok && near(q, 1.1) && near(lo, 320.0 / 310) && near(hi, 340.0 / 290) &&
		!strcmp(n->mechanism, "uprobe-push") && !strcmp(d->mechanism, "uprobe-nop"),
		"here: the ratio of medians %.4g, bounds [%.4g, %.4g] from the CIs", q, lo, hi);
	ok = pc_peer_measured(&r1, ko, &q, &lo, &hi, NULL, NULL);
	KTAP_OK(ok && near(q, 544.0 / 312) && near(lo, q) && near(hi, q),
		"an exact icount pair: ratio %.4g with bounds equal to it", q);
	ok = pc_peer_measured(&r1, nop5, &q, &lo, &hi, NULL, NULL);
	KTAP_OK(ok && near(q, 0.5) && isnan(lo) && isnan(hi),
		"a CI reaching 0: the ratio %.4g without bounds", q);
	KTAP_OK(!pc_peer_measured(&r1, uret, &q, &lo, &hi, NULL, NULL),
		"rows under two tracers (ftrace, perf) are not paired");

	KTAP_OK(render(&r1, false, text, sizeof(text)) <= 72, "every line within 72 columns");
	render(&r1, true, text, sizeof(text));
	KTAP_OK(strstr(text, "Against published figures") &&
		strstr(text, "| uprobe-push / uprobe-nop | 1.059 | 1.1 | [1.032, 1.172] | ns tsc [perf] |") &&
		strstr(text, "| k / o | 16.5 | 1.744 | [1.744, 1.744] | insn, icount [self] |") &&
		strstr(text, "insn, icount: an instruction ratio, blind to trap cost"),
		"the section shows published, here, bounds and what the rows count in");
	KTAP_OK(strstr(text, "Not measured in this run: uprobe-ret / uprobe-nop; uretprobe / uprobe-nop; kretprobe / kprobe-ftrace.") &&
		!strstr(text, "| uprobe-ret / uprobe-nop |"),
		"missing rows: no table row, one line naming what was not measured");
	render(&r2, false, text, sizeof(text));
	KTAP_OK(!text[0], "a run with none of the rows gets no section");
	render(&r3, true, text, sizeof(text));
	KTAP_OK(strstr(text, "| k / o | 16.5 | 4.875 | [4.875, 4.875] | insn, icount [self] |") &&
		!strstr(text, "| b / o |") &&
		strstr(text, "b / o left out: kprobe-int3 takes 2 traps per event here, b's variant 1."),
		"kprobe-int3 counted at 2 traps per event: k / o is its peer, b / o is left out, and said so");
	if (ktap_failed)
		printf("%s", text);

	pc_run_free(&r1);
	pc_run_free(&r2);
	pc_run_free(&r3);
	fake_remove(dir);
	return ktap_finish();
}
