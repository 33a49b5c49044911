/* SPDX-License-Identifier: MIT */
/*
 * The progress line of a long run: one line on stderr, rewritten in
 * place, naming the mechanism and state being measured and the time left.
 * Only when stderr is a terminal: logs and pipes stay clean.
 *
 * Work is counted in units (one per mechanism for the main measurement,
 * one per analysis run on it); the time left extrapolates the elapsed
 * time over the fraction done.
 */
#ifndef PC_PROGRESS_H
#define PC_PROGRESS_H

#include <stdbool.h>

#include "mech.h"

struct pc_progress {
	bool on;
	bool shown;		/* a line is on screen */
	double t0, last;	/* seconds, CLOCK_MONOTONIC */
	double done, total;	/* units */
};

void pc_progress_init(struct pc_progress *p, double total_units);
/* Now at @frac (0..1) of the current unit: measuring @what of @mech. */
void pc_progress_at(struct pc_progress *p, const char *mech,
		    const char *what, double frac);
/* The current unit is finished. */
void pc_progress_next(struct pc_progress *p);
/* An engine on_progress hook; @arg is the struct pc_progress. */
void pc_progress_engine(const struct pc_mech *m, enum pc_state st,
			unsigned int rep, unsigned int total, void *arg);
/* Erase the line (before printing something else to the terminal). */
void pc_progress_clear(struct pc_progress *p);

#endif
