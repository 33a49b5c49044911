/* SPDX-License-Identifier: MIT */
/*
 * Subcommands. Each takes argc/argv with argv[0] = its own name, returns
 * a process exit status, and prints its usage for --help.
 */
#ifndef PC_CMD_H
#define PC_CMD_H

#include <stdio.h>

struct pc_cmd {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

int cmd_list(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_churn(int argc, char **argv);

#endif
