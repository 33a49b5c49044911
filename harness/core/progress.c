// SPDX-License-Identifier: MIT
/* A self-erasing progress line on stderr, only on a terminal. */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

#define REDRAW_S 0.2

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void pc_progress_init(struct pc_progress *p, double total_units)
{
	memset(p, 0, sizeof(*p));
	p->on = isatty(STDERR_FILENO) && total_units > 0;
	p->total = total_units;
	p->t0 = now_s();
}

static void fmt_left(char *buf, size_t len, double s)
{
	if (s < 90)
		snprintf(buf, len, "~%.0f s", s);
	else if (s < 5400)
		snprintf(buf, len, "~%.0f min", s / 60);
	else
		snprintf(buf, len, "~%.1f h", s / 3600);
}

void pc_progress_at(struct pc_progress *p, const char *mech,
		    const char *what, double frac)
{
	double t = now_s(), done = p->done + (frac < 0 ? 0 : frac > 1 ? 1 : frac);
	struct winsize ws;
	char left[32], line[256];
	int cols = 80;

	if (!p->on || t - p->last < REDRAW_S)
		return;
	p->last = t;
	if (done > 0.02 * p->total || t - p->t0 > 3)
		fmt_left(left, sizeof(left), (t - p->t0) * (p->total - done) /
			 (done > 1e-9 ? done : 1e-9));
	else
		snprintf(left, sizeof(left), "estimating time");
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		cols = ws.ws_col;
	snprintf(line, sizeof(line), "[%3.0f%%] %s: %s; %s left",
		 100 * done / p->total, mech, what, left);
	/* one line less than the width: no wrap, so \r can erase it */
	fprintf(stderr, "\r\033[K%.*s", cols - 1, line);
	fflush(stderr);
	p->shown = true;
}

void pc_progress_engine(const struct pc_mech *m, enum pc_state st,
			unsigned int rep, unsigned int total, void *arg)
{
	char what[64];

	snprintf(what, sizeof(what), "%s, repeat %u/%u", pc_state_name(st),
		 rep + 1, total);
	pc_progress_at(arg, m->name, what, total ? (double)rep / total : 0);
}

void pc_progress_next(struct pc_progress *p)
{
	if (p->done + 1 <= p->total)
		p->done += 1;
}

void pc_progress_clear(struct pc_progress *p)
{
	if (!p->shown)
		return;
	fprintf(stderr, "\r\033[K");
	fflush(stderr);
	p->shown = false;
	p->last = 0;
}
