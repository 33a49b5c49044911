/* SPDX-License-Identifier: MIT */
/*
 * Writing gnuplot charts that anyone can edit and re-render.
 *
 * A chart is <name>.dat (CSV through libcsv, a header line first) and
 * <name>.gp, a terminal-neutral script starting with `reset`. render.gp
 * sets each terminal and output in turn and loads the chart scripts, so
 * one gnuplot process draws every chart as PNG, SVG and a `dumb` text
 * plot (<name>.txt). Its messages go to gnuplot.log.
 */
#ifndef PC_PLOTGP_H
#define PC_PLOTGP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "csvio.h"

#define PC_PLOT_MAX_CHARTS 64
#define PC_PLOT_MAX_SERIES 48

struct pc_plot_chart {
	char name[96];
	unsigned int png_h;	/* pixels */
	unsigned int dumb_w;	/* text columns */
	unsigned int dumb_h;	/* text lines */
};

struct pc_plot {
	char dir[PATH_MAX];
	struct pc_plot_chart charts[PC_PLOT_MAX_CHARTS];
	size_t ncharts;
};

struct pc_plot_series {
	const char *mech, *state;	/* the title: "mech state" */
};

struct pc_plot_axes {
	const char *title, *xlabel, *ylabel;
	bool logx;
	bool logy;	/* the medians span more than 100x (PC_PLOT_LOG_SPAN) */
	/* series 0 of the .dat is a band (columns 5 and 6): the noise floor */
	const char *band;	/* its title, or NULL for no band */
	bool xtime;	/* x column holds ISO 8601 UTC times */
	double xstep;	/* > 0: a tic every xstep (thread counts; seconds) */
	const char *xformat;	/* tic label format, or NULL */
};

/*
 * A chart whose positive medians span more than this factor is drawn on
 * a log scale: on a linear one a 1 ns bar beside a 2,500 ns one is
 * invisible, and that 1 ns is often the point of the chart.
 */
#define PC_PLOT_LOG_SPAN 100.0

/* The labels of a text plot are cut to this, so that it fits 72 columns. */
#define PC_PLOT_DUMB_LABEL 24

/* What a bar chart's values span: decides log or linear, and the axis. */
struct pc_plot_span {
	double minpos;		/* smallest positive median, NaN if none */
	double maxabs;		/* largest |median| */
	size_t nonpos;		/* medians <= 0: not drawable on a log axis */
};

/* Fold @median into @s (start with pc_plot_span_init()). */
void pc_plot_span_init(struct pc_plot_span *s);
void pc_plot_span_add(struct pc_plot_span *s, double median);
/* Log scale for it? */
bool pc_plot_span_log(const struct pc_plot_span *s);
/*
 * The text plot's label for @mech and @state, at most PC_PLOT_DUMB_LABEL
 * characters: a long mechanism name is cut and marked with '~', the state
 * kept whole.
 */
void pc_plot_short_label(char *buf, size_t len, const char *mech, const char *state);

/* Create <@parent>/plots for the charts. */
int pc_plot_open(struct pc_plot *p, const char *parent, char *err, size_t len);
void pc_plot_close(struct pc_plot *p);

/* "<kind>-<a>-<b>", every character outside [A-Za-z0-9.-] as '_'. */
void pc_plot_name(char *buf, size_t len, const char *kind, const char *a,
		  const char *b);
/* Make @name a safe file name in place, as pc_plot_name() does. */
void pc_plot_sanitize(char *name);

/* Open <name>.dat for writing with header @cols (NULL-terminated). */
int pc_plot_dat_open(struct pc_plot *p, const char *name,
		     const char *const *cols, struct pc_csvw *w);

/*
 * Horizontal bars from <name>.dat columns y,label,state,median,lo,hi,
 * short: one bar per row from the axis start (0 on a linear axis) to the
 * median, coloured by state (one colour per entry of @states), CI as
 * error bar. Log scale when @span says so; non-positive medians are then
 * left out and the title says how many. The text plot is 72 columns
 * wide, with the short labels.
 */
int pc_plot_bars(struct pc_plot *p, const char *name, const char *title,
		 const char *xlabel, size_t nrows, const struct pc_plot_span *span,
		 const char *const *states, size_t nstates);

/*
 * Lines from columns series,label,x,median,lo,hi: one per series 1..@nser,
 * and series 0 drawn first as a grey band from lo to hi when @ax->band.
 */
int pc_plot_lines(struct pc_plot *p, const char *name,
		  const struct pc_plot_axes *ax,
		  const struct pc_plot_series *ser, size_t nser);

/* Write render.gp and run gnuplot on it; check every output exists. */
int pc_plot_render(struct pc_plot *p, char *err, size_t len);

#endif
