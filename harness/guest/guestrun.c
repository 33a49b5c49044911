// SPDX-License-Identifier: MIT
/* Boot scripts/guest.sh for the module mechanisms and merge its results. */
#include <errno.h>
#include <sched.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errors.h"
#include "guestrun.h"
#include "rundir.h"

#define MAX_ARGS 64

bool pc_guest_series_ok(const char *s)
{
	size_t n = strlen(s);

	if (!strcmp(s, "6.1") || !strcmp(s, "6.12"))
		return true;
	/* an exact Debian ABI name: 6.1.0-56-amd64 */
	return n > 6 && n < 64 && s[0] >= '0' && s[0] <= '9' &&
	       !strcmp(s + n - 6, "-amd64") && !strpbrk(s, " /'\"\\");
}

/* scripts/guest.sh beside the binary (build/probecost -> ../scripts). */
static int guest_script(char *buf, size_t len, char *why, size_t wlen)
{
	char exe[PATH_MAX - 32];
	const char *root = getenv("PROBECOST_ROOT");
	ssize_t n;

	if (root && *root) {
		snprintf(buf, len, "%s/scripts/guest.sh", root);
	} else {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n < 0) {
			snprintf(why, wlen, "cannot find scripts/guest.sh: readlink /proc/self/exe: %s",
				 strerror(errno));
			return PC_ERR_SYS;
		}
		exe[n] = '\0';
		for (int up = 0; up < 2; up++) {
			char *slash = strrchr(exe, '/');

			if (slash)
				*slash = '\0';
		}
		snprintf(buf, len, "%s/scripts/guest.sh", exe);
	}
	if (access(buf, X_OK) < 0) {
		snprintf(why, wlen, "%s not found: the module mechanisms need probecost's source tree (set PROBECOST_ROOT)",
			 buf);
		return PC_ERR_UNSUPPORTED;
	}
	return PC_OK;
}

/*
 * The guest's run, read back with the run-directory reader (strict: a
 * malformed file is an error, not a half merge) and written through the
 * host run's sink: rows to results.csv and the table on screen, samples
 * as they are, meta keys as guest_<key>.
 */
static int merge_run(struct pc_sink *out, const char *dir, char *why, size_t len)
{
	char key[256];
	struct pc_run r;
	int ret;

	ret = pc_run_load(dir, PC_RUN_SAMPLES, &r, why, len);
	if (ret != PC_OK)
		return ret;
	for (size_t i = 0; i < r.nrows; i++) {
		struct pc_row row;

		pc_rrow_row(&r.rows[i], &row);
		pc_sink_row(out, &row);
	}
	for (size_t i = 0; i < pc_run_nsamples(&r); i++) {
		struct pc_rsample s;

		pc_run_sample_at(&r, i, &s);
		pc_sink_sample(out, s.mechanism, s.tracer, s.variant, s.state,
			       isnan(s.repeat) ? 0 : (unsigned int)s.repeat, s.metric,
			       s.unit, s.backend, isnan(s.events) ? 0 : (uint64_t)s.events,
			       s.value);
	}
	for (size_t i = 0; out->res && i < r.meta.nrows; i++) {
		snprintf(key, sizeof(key), "guest_%s", pc_table_cell(&r.meta, i, 0));
		pc_results_meta(out->res, key, pc_table_cell(&r.meta, i, 1));
	}
	pc_run_free(&r);
	return PC_OK;
}

static void rm_tree(const char *dir)
{
	pid_t pid = fork();

	if (pid == 0) {
		execlp("rm", "rm", "-rf", "--", dir, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

int pc_guest_start(struct pc_guest *g, const struct pc_guest_req *req,
		   char *why, size_t len)
{
	char script[PATH_MAX];
	const char *argv[MAX_ARGS + 16];
	int argc = 0, ret;

	memset(g, 0, sizeof(*g));
	g->pid = -1;
	ret = guest_script(script, sizeof(script), why, len);
	if (ret != PC_OK)
		return ret;
	snprintf(g->tmp, sizeof(g->tmp), "/tmp/probecost-vm.XXXXXX");
	if (!mkdtemp(g->tmp)) {
		snprintf(why, len, "mkdtemp %s: %s", g->tmp, strerror(errno));
		return PC_ERR_SYS;
	}
	argv[argc++] = script;
	argv[argc++] = "--kernel";
	argv[argc++] = req->series;
	if (req->deterministic)
		argv[argc++] = "--deterministic";
	if (req->lttng)
		argv[argc++] = "--lttng";
	if (req->stap)
		argv[argc++] = "--stap";
	argv[argc++] = "--out";
	argv[argc++] = g->tmp;
	argv[argc++] = "--";
	argv[argc++] = "run";
	for (int i = 0; req->args[i] && i < MAX_ARGS; i++)
		argv[argc++] = req->args[i];
	argv[argc++] = "--out";
	argv[argc++] = "/out/run";
	argv[argc] = NULL;

	fflush(stdout);
	fflush(stderr);
	g->pid = fork();
	if (g->pid < 0) {
		snprintf(why, len, "fork: %s", strerror(errno));
		rm_tree(g->tmp);
		return PC_ERR_SYS;
	}
	if (g->pid == 0) {
		/*
		 * Beside a host measurement the guest (its kmod build, gzip
		 * and QEMU all inherit this) stays off the measuring PU, so
		 * the two do not take turns on one CPU.
		 */
		if (req->cpus)
			sched_setaffinity(0, sizeof(*req->cpus), req->cpus);
		/* the guest's own report goes to its console log, not our table */
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execv(script, (char *const *)argv);
		_exit(127);
	}
	return PC_OK;
}

int pc_guest_finish(struct pc_guest *g, struct pc_sink *out,
		    volatile sig_atomic_t *stop, char *why, size_t len)
{
	char run[sizeof(g->tmp) + 8];
	int status = -1, ret;
	bool killed = false;

	if (g->pid <= 0)
		return PC_ERR_INVAL;
	for (;;) {
		/* a stop that came before we got here kills it as one during */
		if (stop && *stop && !killed) {
			kill(g->pid, SIGTERM);
			killed = true;
		}
		if (waitpid(g->pid, &status, 0) >= 0)
			break;
		if (errno != EINTR) {
			status = -1;
			break;
		}
	}
	g->pid = -1;
	if (stop && *stop) {
		rm_tree(g->tmp);
		return PC_ERR_INTR;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 4) {
		snprintf(why, len, "the QEMU guest cannot run here (scripts/guest.sh said why above)");
		rm_tree(g->tmp);
		return PC_ERR_UNSUPPORTED;
	}
	snprintf(run, sizeof(run), "%s/run", g->tmp);
	ret = merge_run(out, run, why, len);
	g->merged = ret == PC_OK;
	if (ret != PC_OK && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		snprintf(why, len, "the guest run failed (scripts/guest.sh exit %d) and left no results",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		ret = PC_ERR_SYS;
	} else if (ret == PC_OK && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		snprintf(why, len, "the guest's probecost run exited %d (its rows are kept)",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		ret = PC_ERR_SYS;
	}
	rm_tree(g->tmp);
	return ret;
}

int pc_guest_run(struct pc_sink *out, volatile sig_atomic_t *stop,
		 const struct pc_guest_req *req, char *why, size_t len)
{
	struct pc_guest g;
	int ret = pc_guest_start(&g, req, why, len);

	return ret == PC_OK ? pc_guest_finish(&g, out, stop, why, len) : ret;
}
