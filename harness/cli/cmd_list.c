// SPDX-License-Identifier: MIT
/* `probecost list`: every mechanism and whether it can run here. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "csvio.h"
#include "errors.h"
#include "mech.h"
#include "opts.h"
#include "registry.h"

static void list_usage(FILE *f)
{
	fprintf(f, "usage: probecost list [--csv]\n\n"
		   "Lists every mechanism: family (baseline, static, dynamic, jump), where its\n"
		   "site runs (user, kernel = live kernel, module = probecost.ko), the states\n"
		   "it has, the tracers consuming its events (self = its own handler or ring;\n"
		   "a site consumed by several tools has one line per tool, selected with\n"
		   "run --tracer), and whether this machine can run it -- if not, why.\n\n"
		   "  --csv     machine-readable: name,tracers,family,where,states,available,reason\n"
		   "  --help    this text\n");
}

static void states_str(unsigned int mask, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < PC_NR_STATES && off < len; i++) {
		enum pc_state st = pc_state_order[i];

		if (!(mask & PC_ST(st)))
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					off ? "/" : "",
					pc_state_name(st));
	}
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
	struct pc_csvw w;
	int csv = 0, c, ret, namew = 20;

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
		printf("%-*s %-11s %-9s %-7s %-43s %s\n", namew, "MECHANISM", "TRACERS", "FAMILY",
		       "WHERE", "STATES", "AVAILABLE");
	for (size_t i = 0; i < pc_registry_count(); i++) {
		const struct pc_mech *m = pc_registry_get(i);
		char why[256], states[64], tracers[64];
		int ok = pc_mech_available(m, why, sizeof(why)) == PC_OK;

		states_str(m->states, states, sizeof(states));
		pc_mech_tracers_str(m, tracers, sizeof(tracers));
		if (csv) {
			pc_csvw_str(&w, m->name);
			pc_csvw_str(&w, tracers);
			pc_csvw_str(&w, pc_family_name(m->family));
			pc_csvw_str(&w, pc_where_name(m->where));
			pc_csvw_str(&w, states);
			pc_csvw_str(&w, ok ? "yes" : "no");
			pc_csvw_str(&w, ok ? "" : why);
			pc_csvw_endrow(&w);
		} else {
			printf("%-*s %-11s %-9s %-7s %-43s %s%s%s\n", namew, m->name, tracers,
			       pc_family_name(m->family), pc_where_name(m->where),
			       states, ok ? "yes" : "no", ok ? "" : ": ", ok ? "" : why);
		}
	}
	return csv ? pc_csvw_close(&w, false) : PC_OK;
}

int cmd_list(int argc, char **argv)
{
	return pc_exit_status(list_main(argc, argv));
}
