// SPDX-License-Identifier: MIT
/*
 * probecost: measure what Linux instrumentation costs.
 *
 * perf-style front end: the first argument names a subcommand from the
 * table below; `probecost help` and `probecost --help` are generated from
 * it.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "errors.h"
#include "registry.h"
#include "version.h"

static const struct pc_cmd commands[] = {
	{ "list", "mechanisms, their families, states and availability here", cmd_list },
	{ "info", "this machine: CPU, topology, kernel config, counters, timer", cmd_info },
	{ "run", "measure mechanisms and write results/<run-id>/", cmd_run },
	{ "report", "report.txt (e-mail, 72 columns) and report.md from a run", cmd_report },
	{ "plot", "gnuplot charts (PNG, SVG, text) of a run into DIR/plots/", cmd_plot },
	{ "compare", "changes between two runs, tested; exit 1 on a regression", cmd_compare },
	{ "history", "append a run to a history CSV; plot trends over time", cmd_history },
	{ "churn", "how often tracepoints and kprobe targets break between kernels", cmd_churn },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: probecost [--version] [--help] <command> [<args>]\n\n"
		   "Measures what Linux instrumentation costs: static tracepoints, dynamic\n"
		   "probes and jump labels, each disabled, enabled and recording.\n\n"
		   "commands:\n");
	for (size_t i = 0; i < NR_COMMANDS; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'probecost <command> --help' describes a command.\n");
}

int main(int argc, char **argv)
{
	const char *name = argc < 2 ? NULL : argv[1];
	int ret = PC_OK;

	if (pc_registry_check() != PC_OK)
		return PC_EXIT_BROKEN_BUILD;
	if (!name) {
		usage(stderr);
		ret = PC_ERR_USAGE;
	} else if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		usage(stdout);
	} else if (!strcmp(name, "--version")) {
		printf("probecost %s (%s)\n", PC_VERSION, pc_git_rev);
	} else {
		/* a subcommand returns its exit status, mapped already */
		for (size_t i = 0; i < NR_COMMANDS; i++)
			if (!strcmp(name, commands[i].name))
				return commands[i].run(argc - 1, argv + 1);
		fprintf(stderr, "probecost: unknown command '%s'; valid:", name);
		for (size_t i = 0; i < NR_COMMANDS; i++)
			fprintf(stderr, "%s %s", i ? "," : "", commands[i].name);
		fprintf(stderr, "\n");
		ret = PC_ERR_USAGE;
	}
	return pc_exit_status(ret);
}
