// SPDX-License-Identifier: MIT
/* gnuplot chart scripts, their render driver, and running gnuplot. */
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errors.h"
#include "plotgp.h"

#define PNG_W 900
#define DUMB_W 72

void pc_plot_span_init(struct pc_plot_span *s)
{
	*s = (struct pc_plot_span){ .minpos = NAN };
}

void pc_plot_span_add(struct pc_plot_span *s, double median)
{
	if (isnan(median))
		return;
	if (median > 0 && (isnan(s->minpos) || median < s->minpos))
		s->minpos = median;
	if (median <= 0)
		s->nonpos++;
	s->maxabs = fmax(s->maxabs, fabs(median));
}

bool pc_plot_span_log(const struct pc_plot_span *s)
{
	return !isnan(s->minpos) && s->maxabs / s->minpos > PC_PLOT_LOG_SPAN;
}

void pc_plot_short_label(char *buf, size_t len, const char *mech, const char *state)
{
	int keep = PC_PLOT_DUMB_LABEL - 2 - (int)strlen(state);

	if ((int)strlen(mech) <= keep + 1 || keep < 4)
		snprintf(buf, len, "%s %s", mech, state);
	else
		snprintf(buf, len, "%.*s~ %s", keep, mech, state);
}

int pc_plot_open(struct pc_plot *p, const char *parent, char *err, size_t len)
{
	memset(p, 0, sizeof(*p));
	if (snprintf(p->dir, sizeof(p->dir), "%s/plots", parent) >= (int)sizeof(p->dir)) {
		snprintf(err, len, "%s/plots: path too long", parent);
		return PC_ERR_USAGE;
	}
	if (mkdir(p->dir, 0755) < 0 && errno != EEXIST) {
		snprintf(err, len, "cannot create %s: %s", p->dir, strerror(errno));
		return PC_ERR_IO;
	}
	if (access(p->dir, W_OK) < 0) {
		snprintf(err, len, "%s is not writable: %s", p->dir, strerror(errno));
		return PC_ERR_IO;
	}
	return PC_OK;
}

void pc_plot_close(struct pc_plot *p)
{
	p->ncharts = 0;
}

void pc_plot_sanitize(char *name)
{
	for (char *s = name; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '.'))
			*s = '_';
}

void pc_plot_name(char *buf, size_t len, const char *kind, const char *a,
		  const char *b)
{
	snprintf(buf, len, "%s-%s-%s", kind, a, b);
	pc_plot_sanitize(buf);
}

int pc_plot_dat_open(struct pc_plot *p, const char *name,
		     const char *const *cols, struct pc_csvw *w)
{
	char path[PATH_MAX + 128];
	size_t n = 0;

	while (cols[n])
		n++;
	snprintf(path, sizeof(path), "%s/%s.dat", p->dir, name);
	return pc_csvw_open(w, path, cols, n);
}

/* A gnuplot single-quoted string: quotes doubled, nothing else special. */
static void gp_str(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		if (*s != '\n')
			fputc(*s, f);
	}
	fputc('\'', f);
}

static FILE *gp_open(struct pc_plot *p, const char *name, char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/%s.gp", p->dir, name);
	f = fopen(path, "w");
	if (!f)
		return NULL;
	fprintf(f, "# probecost chart; data in %s.dat (CSV, header line first).\n"
		   "# Edit freely, then re-render all charts with `gnuplot render.gp`\n"
		   "# here, or this one with e.g.\n"
		   "#   gnuplot -e \"set terminal svg; set output '%s.svg'\" %s.gp\n"
		   "reset\nset datafile separator comma\nset termoption noenhanced\n",
		 name, name, name);
	return f;
}

static int gp_close(struct pc_plot *p, FILE *f, const char *name,
		    unsigned int png_h, unsigned int dumb_w, unsigned int dumb_h)
{
	struct pc_plot_chart *c;

	if (ferror(f) | (fclose(f) == EOF))
		return PC_ERR_IO;
	if (p->ncharts == PC_PLOT_MAX_CHARTS)
		return PC_OK;	/* scripts stay; only the first ones are rendered */
	c = &p->charts[p->ncharts++];
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->png_h = png_h;
	c->dumb_w = dumb_w;
	c->dumb_h = dumb_h;
	return PC_OK;
}

/*
 * Bottom margin of a text plot with a key of @n entries below it: tic
 * labels and x label (3 lines and one blank), then the key, at least two
 * entries a row in 72 columns, plus a line above and below for the error
 * bar sample's ends. Without it gnuplot's dumb terminal draws the key
 * over the x label.
 */
static size_t key_margin(size_t n)
{
	return 4 + 2 + (n + 1) / 2;
}

int pc_plot_bars(struct pc_plot *p, const char *name, const char *title,
		 const char *xlabel, size_t nrows, const struct pc_plot_span *span,
		 const char *const *states, size_t nstates)
{
	char path[PATH_MAX + 128];
	FILE *f = gp_open(p, name, path, sizeof(path));
	bool logx = pc_plot_span_log(span), first = true;
	/* a log axis starts at the decade below the smallest bar */
	double x0 = logx ? pow(10, floor(log10(span->minpos))) : 0;

	if (!f)
		return PC_ERR_IO;
	fputs("set title ", f);
	gp_str(f, title);
	if (logx && span->nonpos)
		fprintf(f, " . \"\\n(log scale: %zu value%s <= 0 not drawn)\"", span->nonpos,
			span->nonpos == 1 ? "" : "s");
	fputs("\nset xlabel ", f);
	gp_str(f, xlabel);
	fprintf(f, "\nset yrange [0.5:%zu.5]\nset ytics scale 0\nset grid xtics\n"
		   "set key below\nset style fill solid 0.5 border\n", nrows);
	/* the text plot's key clear of the x label (see pc_plot_lines) */
	fprintf(f, "if (GPVAL_TERM eq 'dumb') set bmargin %zu\n", key_margin(nstates + 1));
	if (logx)
		fprintf(f, "# the medians span more than %.0fx: log scale, bars from %g\n"
			   "set logscale x 10\nset xrange [%g:*]\n",
			PC_PLOT_LOG_SPAN, x0, x0);
	/* 72 columns hold about 6 decade labels: beyond, label every other */
	if (logx && log10(span->maxabs / x0) > 6)
		fputs("if (GPVAL_TERM eq 'dumb') set xtics 100\n", f);
	fprintf(f, "x0 = %g\n"
		   "# one bar per row: from x0 to the median, coloured by state\n"
		   "bar(s) = strcol(3) eq s && (x0 == 0 || column(4) > x0) ? column(4) : NaN\n"
		   "lo(c) = x0 > 0 && column(c) < x0 ? x0 : column(c)\n"
		   "# the text plot (dumb) gets the short labels, so it fits 72 columns\n"
		   "label = GPVAL_TERM eq 'dumb' ? 7 : 2\n"
		   "plot \\\n", x0);
	for (size_t s = 0; s < nstates; s++) {
		fprintf(f, "  '%s.dat' skip 1 using (x0):1:(x0):(bar('%s')):($1-0.35):($1+0.35)%s"
			   " with boxxyerror title '%s', \\\n",
			name, states[s], first ? ":ytic(strcol(label))" : "", states[s]);
		first = false;
	}
	fprintf(f, "  '%s.dat' skip 1 using (x0 > 0 && column(4) <= 0 ? NaN : column(4)):1:(lo(5)):6 with xerrorbars lc rgb 'black' pt 7 ps 0.5 title '95%% CI'\n",
		name);
	return gp_close(p, f, name, (unsigned int)(140 + 26 * nrows + 24 * ((nstates + 3) / 3)), DUMB_W,
			(unsigned int)(8 + key_margin(nstates + 1) + (nrows > 3 ? nrows * 2 : 6)));
}

int pc_plot_lines(struct pc_plot *p, const char *name,
		  const struct pc_plot_axes *ax,
		  const struct pc_plot_series *ser, size_t nser)
{
	char path[PATH_MAX + 128];
	FILE *f = gp_open(p, name, path, sizeof(path));

	if (!f)
		return PC_ERR_IO;
	fputs("set title ", f);
	gp_str(f, ax->title);
	fputs("\nset xlabel ", f);
	gp_str(f, ax->xlabel);
	fputs("\nset ylabel ", f);
	gp_str(f, ax->ylabel);
	fputs("\nset key below\nset grid\n", f);
	/*
	 * In a text plot the key's error-bar samples are three lines tall:
	 * keep the key's rows clear of the x label below the axis
	 */
	fprintf(f, "if (GPVAL_TERM eq 'dumb') set bmargin %zu\n", key_margin(nser));
	if (ax->logx)
		fputs("set logscale x 2\n", f);
	if (ax->logy)
		fprintf(f, "# the medians span more than %.0fx: log scale\nset logscale y 10\n",
			PC_PLOT_LOG_SPAN);
	if (ax->xstep > 0)
		fprintf(f, "set xtics %.0f\n", ax->xstep);
	if (ax->xformat)
		fprintf(f, "set format x '%s'\n", ax->xformat);
	if (ax->xtime)
		fputs("set xdata time\nset timefmt '%Y-%m-%dT%H:%M:%SZ'\n"
		      "x(i) = column(1) == i ? timecolumn(3, '%Y-%m-%dT%H:%M:%SZ') : NaN\n", f);
	else
		fputs("set offsets graph 0.05, graph 0.05, 0, 0\n"
		      "x(i) = column(1) == i ? column(3) : NaN\n", f);
	fputs("# one line per series (column 1), the CI as error bars\nplot \\\n", f);
	if (ax->band) {
		fprintf(f, "  '%s.dat' skip 1 using (x(0)):5:6 with filledcurves fc rgb '#d8d8d8' fs solid 0.6 title ",
			name);
		gp_str(f, ax->band);
		fputs(nser ? ", \\\n" : "\n", f);
	}
	for (size_t s = 0; s < nser; s++) {
		char title[256];

		snprintf(title, sizeof(title), "%s %s", ser[s].mech, ser[s].state);
		fprintf(f, "  '%s.dat' skip 1 using (x(%zu)):4:5:6 with yerrorlines title ",
			name, s + 1);
		gp_str(f, title);
		fputs(s + 1 < nser ? ", \\\n" : "\n", f);
	}
	return gp_close(p, f, name, 600, DUMB_W, (unsigned int)(22 + key_margin(nser)));
}

static int write_driver(struct pc_plot *p)
{
	char path[PATH_MAX + 32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/render.gp", p->dir);
	f = fopen(path, "w");
	if (!f)
		return PC_ERR_IO;
	fputs("# Renders every chart here as PNG, SVG and a dumb text plot:\n"
	      "#   cd this directory && gnuplot render.gp\n", f);
	for (size_t i = 0; i < p->ncharts; i++) {
		const struct pc_plot_chart *c = &p->charts[i];

		fprintf(f, "\nset terminal png size %d,%u noenhanced\nset output '%s.png'\nload '%s.gp'\n",
			PNG_W, c->png_h, c->name, c->name);
		fprintf(f, "set terminal svg size %d,%u noenhanced\nset output '%s.svg'\nload '%s.gp'\n",
			PNG_W, c->png_h, c->name, c->name);
		/*
		 * gnuplot 5.4 starts a dumb page with a form feed even with
		 * nofeed, and pads lines with blanks: neither belongs in mail
		 */
		fprintf(f, "set terminal dumb nofeed size %u,%u noenhanced\n"
			   "set output '| tr -d \\\\014 | sed -e ''s/ *$//'' > %s.txt'\n"
			   "load '%s.gp'\n",
			c->dumb_w, c->dumb_h, c->name, c->name);
	}
	fputs("unset output\n", f);
	if (ferror(f) | (fclose(f) == EOF))
		return PC_ERR_IO;
	return PC_OK;
}

/* gnuplot render.gp in the plots directory, messages into gnuplot.log. */
static int run_gnuplot(struct pc_plot *p, char *err, size_t len)
{
	char log[PATH_MAX + 32];
	int status, fd;
	pid_t pid;

	snprintf(log, sizeof(log), "%s/gnuplot.log", p->dir);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, len, "cannot start gnuplot: %s", strerror(errno));
		return PC_ERR_SYS;
	}
	if (pid == 0) {
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		if (chdir(p->dir) < 0)
			_exit(126);
		execlp("gnuplot", "gnuplot", "render.gp", (char *)NULL);
		_exit(errno == ENOENT ? 127 : 126);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(err, len, "waiting for gnuplot: %s", strerror(errno));
			return PC_ERR_SYS;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		snprintf(err, len, "gnuplot not found; install it (Debian: gnuplot-nox; scripts/deps.sh run) and run `gnuplot render.gp` in %s",
			 p->dir);
		return PC_ERR_UNSUPPORTED;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		snprintf(err, len, "gnuplot failed on %s/render.gp; its messages are in %s",
			 p->dir, log);
		return PC_ERR_SYS;
	}
	return PC_OK;
}

int pc_plot_render(struct pc_plot *p, char *err, size_t len)
{
	static const char *const ext[] = { "png", "svg", "txt" };
	int ret;

	if (!p->ncharts)
		return PC_OK;
	ret = write_driver(p);
	if (ret != PC_OK) {
		snprintf(err, len, "cannot write %s/render.gp: %s", p->dir, strerror(errno));
		return ret;
	}
	ret = run_gnuplot(p, err, len);
	if (ret != PC_OK)
		return ret;
	for (size_t i = 0; i < p->ncharts; i++)
		for (size_t e = 0; e < 3; e++) {
			char path[PATH_MAX + 128];
			struct stat sb;

			snprintf(path, sizeof(path), "%s/%s.%s", p->dir, p->charts[i].name, ext[e]);
			if (stat(path, &sb) < 0 || !sb.st_size) {
				snprintf(err, len, "gnuplot did not write %s; see %s/gnuplot.log",
					 path, p->dir);
				return PC_ERR_SYS;
			}
		}
	return PC_OK;
}
