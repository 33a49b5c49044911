/* SPDX-License-Identifier: MIT */
/*
 * Subcommands. Each takes argc/argv with argv[0] = its own name, returns
 * a process exit status, and prints its usage for --help.
 *
 * Return convention of the command layer, so that an exit status is
 * decided in one place per command and never by accident:
 *
 *  - Every function below a cmd_*() entry point (parsers, loaders,
 *    helpers) prints its own message and returns PC_OK or a negative
 *    enum pc_err; never an exit status, never a positive special value.
 *  - --help is not an error: a parser sets the help field of its output
 *    struct and returns PC_OK; the caller then stops, successfully. A
 *    command body that parses inline returns PC_OK after the usage.
 *  - A cmd_*() entry point turns the code into the exit status in one
 *    place, with pc_exit_status(): 0 ok, 2 usage or bad input, 1
 *    otherwise.
 *  - The only exit statuses that are not pc_exit_status() of a code are
 *    the PC_EXIT_* below; run's and compare's are stated in their --help
 *    text: run 1 when a mechanism failed but the run completed, 130/143
 *    after SIGINT/SIGTERM; compare 1 when a regression was found.
 */
#ifndef PC_CMD_H
#define PC_CMD_H

#include <stdio.h>

/* run: the run completed, but a mechanism failed */
#define PC_EXIT_MECH_FAILED 1
/* run: stopped by SIGINT (130) or SIGTERM (143); completed rows are kept */
#define PC_EXIT_SIGNAL(sig) (128 + (sig))
/* compare: both runs loaded and at least one row regressed */
#define PC_EXIT_REGRESSION 1
/* main: the mechanism registry fails its check, a build bug, not input */
#define PC_EXIT_BROKEN_BUILD 1

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
