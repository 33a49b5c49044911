// SPDX-License-Identifier: MIT
/* `probecost list`: every mechanism and whether it can run here. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "csvio.h"
#include "doc.h"
#include "errors.h"
#include "mech.h"
#include "opts.h"
#include "registry.h"

static void list_usage(FILE *f)
{
	fprintf(f, "usage: probecost list [--csv]\n\n"
		   "Lists every mechanism: family (baseline, static, dynamic, jump),\n"
		   "where its site runs (user, kernel = live kernel, module =\n"
		   "probecost.ko), the states it has, the tracers consuming its events\n"
		   "(self = its own handler or ring; a site consumed by several tools\n"
		   "has one line per tool, selected with run --tracer), and whether\n"
		   "this machine can run it -- if not, why: each reason once, below\n"
		   "the table, as [n]. The text fits 72 columns.\n\n"
		   "  --csv     machine-readable: name, tracers, family, where,\n"
		   "            states, available, reason\n"
		   "  --help    this text\n");
}

/* @mask as state names joined by "/", or with @letters their first letters. */
static void states_str(unsigned int mask, bool letters, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < PC_NR_STATES && off < len; i++) {
		enum pc_state st = pc_state_order[i];

		if (!(mask & PC_ST(st)))
			continue;
		if (letters)
			off += (size_t)snprintf(buf + off, len - off, "%c", pc_state_name(st)[0]);
		else
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? "/" : "",
						pc_state_name(st));
	}
}

/* The distinct reasons, in order of first use: the text's footnotes. */
struct reasons {
	char text[64][256];
	size_t n;
};

/* @why's footnote number (1-based), added when new; 0 when the list is full. */
static size_t reason_ref(struct reasons *r, const char *why)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->text[i], why))
			return i + 1;
	if (r->n == sizeof(r->text) / sizeof(r->text[0]))
		return 0;
	snprintf(r->text[r->n], sizeof(r->text[0]), "%s", why);
	return ++r->n;
}

static int list_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "csv", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const cols[] = {
		"name", "tracers", "family", "where", "states", "available", "reason",
	};
	static struct reasons why_list;
	struct pc_csvw w;
	int csv = 0, c, ret, namew = 20;
	bool kernel_off = false;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		switch (c) {
		case 'c':
			csv = 1;
			break;
		case 'h':
			list_usage(stdout);
			return PC_OK;
		default:
			return pc_opt_bad("list", lo, argv, optind, optopt, c);
		}
	}
	ret = pc_opt_no_args("list", argc, argv, optind);
	if (ret != PC_OK)
		return ret;

	/* the name column fits the longest name (syscall-raw-tracepoint) */
	for (size_t i = 0; i < pc_registry_count(); i++)
		if (strlen(pc_registry_get(i)->name) > (size_t)namew)
			namew = (int)strlen(pc_registry_get(i)->name);
	if (csv)
		pc_csvw_stream(&w, stdout, cols, sizeof(cols) / sizeof(cols[0]));
	else
		printf("%-*s %-11s %-8s %-6s %-6s %s\n", namew, "MECHANISM", "TRACERS", "FAMILY",
		       "WHERE", "STATES", "HERE");
	for (size_t i = 0; i < pc_registry_count(); i++) {
		const struct pc_mech *m = pc_registry_get(i);
		char why[256], states[64], tracers[64];
		int ok = pc_mech_available(m, why, sizeof(why)) == PC_OK;

		/* cmd_run.c routes these to the guest's kernel when named */
		kernel_off |= !ok && m->where == PC_WHERE_KERNEL;

		pc_mech_tracers_str(m, tracers, sizeof(tracers));
		if (csv) {
			states_str(m->states, false, states, sizeof(states));
			pc_csvw_str(&w, m->name);
			pc_csvw_str(&w, tracers);
			pc_csvw_str(&w, pc_family_name(m->family));
			pc_csvw_str(&w, pc_where_name(m->where));
			pc_csvw_str(&w, states);
			pc_csvw_str(&w, ok ? "yes" : "no");
			pc_csvw_str(&w, ok ? "" : why);
			pc_csvw_endrow(&w);
		} else {
			size_t ref = ok ? 0 : reason_ref(&why_list, why);

			states_str(m->states, true, states, sizeof(states));
			printf("%-*s %-11s %-8s %-6s %-6s ", namew, m->name, tracers,
			       pc_family_name(m->family), pc_where_name(m->where), states);
			if (ok)
				printf("yes\n");
			else if (ref)
				printf("no [%zu]\n", ref);
			else
				printf("no: %s\n", why);
		}
	}
	if (!csv) {
		printf("\nSTATES: a absent, d disabled, f filtered, e enabled, r recording.\n");
		if (why_list.n)
			printf("Why not here (each reason once):\n");
		for (size_t i = 0; i < why_list.n; i++) {
			char first[24];

			snprintf(first, sizeof(first), "[%zu] ", i + 1);
			pc_doc_put_wrapped(stdout, first, "    ", why_list.text[i], 72);
		}
		if (kernel_off)
			pc_doc_put_wrapped(stdout, "", "",
					   "A kernel entry this kernel cannot run is measured in the QEMU guest's kernel when named: probecost run --mech NAME (docs/guest.md).",
					   72);
	}
	return csv ? pc_csvw_close(&w, false) : PC_OK;
}

int cmd_list(int argc, char **argv)
{
	return pc_exit_status(list_main(argc, argv));
}
