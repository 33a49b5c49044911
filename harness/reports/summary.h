/* SPDX-License-Identifier: MIT */
/*
 * The answer on one page: per place (user space, live kernel, module on
 * this host, module in the guest) one table putting static and dynamic
 * mechanisms side by side, with the disabled cost and whether it can be
 * told from zero, the enabled and recording cost, and each figure's ratio
 * to the cheapest of the same place and state. Built from the rows of a
 * run, never written by hand; report puts it at the top of report.txt and
 * report.md, run prints the compact form on the console.
 *
 * Where the figures come from (so a summary cell always equals a row of
 * results.csv):
 *   disabled   the disabled analysis's disabled-overhead row and its
 *              Mann-Whitney verdict when it ran, else the disabled
 *              overhead row, called distinguishable from 0 when its 95%
 *              CI excludes 0
 *   enabled, recording   the overhead row of that state
 *   filtered   likewise, a column (a state) between disabled and enabled
 *              only where some row of the run has it (run --state
 *              ...,filtered): a run without it keeps its three
 * A mechanism whose absent variant says "(=disabled)" (a tracepoint or
 * fentry nop that cannot be compiled out of a running kernel) has no
 * disabled difference: the summary says so instead of printing one.
 */
#ifndef PC_SUMMARY_H
#define PC_SUMMARY_H

#include <stdbool.h>

#include "doc.h"
#include "rundir.h"

/*
 * Append the summary to @d. @compact: one line per mechanism with
 * medians and ratios only (the console); else per state with 95% CIs
 * and the verdicts (the report).
 */
void pc_summary(struct pc_doc *d, const struct pc_run *run, bool compact);

/*
 * The row the summary shows for @mech in @state (disabled: the disabled
 * analysis's row where it ran), or NULL: not measured, or disabled of a
 * self-baseline mechanism. The headline charts draw the same rows.
 */
const struct pc_rrow *pc_summary_figure(const struct pc_run *run, const char *mech,
					const char *state);

/*
 * "Not measured, and why": each reason once, naming every mechanism (and
 * its states or metric) that it kept from being measured.
 */
void pc_summary_not_measured(struct pc_doc *d, const struct pc_run *run);

#endif
