/* SPDX-License-Identifier: MIT */
/*
 * Command-line parsing helpers shared by the subcommands. Every error
 * names the subcommand, the option, the bad value and what is accepted,
 * and maps to exit status 2.
 */
#ifndef PC_OPTS_H
#define PC_OPTS_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

/* Print "probecost CMD: <message>\n" to stderr; returns PC_ERR_USAGE. */
int pc_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Strict unsigned parse of @arg into [@min, @max]. */
int pc_opt_u64(const char *cmd, const char *opt, const char *arg,
	       uint64_t min, uint64_t max, uint64_t *out);

/*
 * Report a getopt_long failure: unknown option or missing value. @lo is
 * the option table, so the message can list the valid options.
 */
int pc_opt_bad(const char *cmd, const struct option *lo, char *const *argv,
	       int optind, int optopt, int ret);

/*
 * Call @fn for each comma-separated item of @list; stops at and returns
 * the first error. A list with no item at all ("", ",") is a usage error
 * "OPT: empty list; @empty_hint". An empty item beside others (a,,b or a
 * trailing comma) and an item named twice are usage errors naming @opt:
 * both are typos more often than intent, and silently running something
 * else than asked wastes a run.
 */
int pc_opt_each(const char *cmd, const char *opt, const char *list,
		int (*fn)(void *ctx, const char *item), void *ctx,
		const char *empty_hint);

/* Reject leftover positional arguments. */
int pc_opt_no_args(const char *cmd, int argc, char *const *argv, int optind);

#endif
