// SPDX-License-Identifier: MIT
/* Boot scripts/guest.sh for the module mechanisms and merge its results. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csvio.h"
#include "errors.h"
#include "guestrun.h"
#include "results.h"

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

static uint64_t cell_u64(const char *s)
{
	return *s ? strtoull(s, NULL, 10) : 0;
}

static double cell_dbl(const char *s)
{
	double v = NAN;

	if (pc_parse_dbl(s, &v) != PC_OK)
		v = NAN;
	return v;
}

static int merge_results(struct pc_engine *e, const char *dir, char *why, size_t len)
{
	static const char *const need[] = {
		"mechanism", "family", "where", "variant", "state", "metric", "unit",
		"backend", "median", "ci95_low", "ci95_high", "p10", "p90", "min",
		"repeats", "events", "hit_ratio", "lost", "missed", "status", "note", NULL,
	};
	int col[21];
	char path[PATH_MAX + 32];
	struct pc_table t;
	int ret;

	snprintf(path, sizeof(path), "%s/results.csv", dir);
	ret = pc_table_load(path, need, &t, why, len);
	if (ret != PC_OK)
		return ret;
	for (int i = 0; need[i]; i++)
		col[i] = pc_table_col(&t, need[i]);
	for (size_t r = 0; r < t.nrows; r++) {
		const char *c[21];
		struct pc_row row;

		for (int i = 0; i < 21; i++)
			c[i] = pc_table_cell(&t, r, col[i]);
		memset(&row, 0, sizeof(row));
		row.mechanism = c[0];
		row.family = c[1];
		row.where = c[2];
		row.variant = c[3];
		row.state = c[4];
		row.metric = c[5];
		row.unit = c[6];
		row.backend = c[7];
		row.st.median = cell_dbl(c[8]);
		row.st.ci_lo = cell_dbl(c[9]);
		row.st.ci_hi = cell_dbl(c[10]);
		row.st.p10 = cell_dbl(c[11]);
		row.st.p90 = cell_dbl(c[12]);
		row.st.min = cell_dbl(c[13]);
		row.st.max = NAN;
		row.st.ci_level = NAN;
		row.st.n = (size_t)cell_u64(c[14]);
		row.events = cell_u64(c[15]);
		row.hit_ratio = cell_dbl(c[16]);
		row.lost = cell_u64(c[17]);
		row.missed = cell_u64(c[18]);
		row.status = c[19];
		row.note = c[20];
		pc_engine_emit(e, &row);
	}
	pc_table_free(&t);
	return PC_OK;
}

static int merge_samples(struct pc_engine *e, const char *dir, char *why, size_t len)
{
	static const char *const need[] = {
		"mechanism", "variant", "state", "repeat", "metric", "unit", "backend",
		"events", "value", NULL,
	};
	int col[9];
	char path[PATH_MAX + 32];
	struct pc_table t;
	int ret;

	if (!e->res)
		return PC_OK;
	snprintf(path, sizeof(path), "%s/samples.csv", dir);
	ret = pc_table_load(path, need, &t, why, len);
	if (ret != PC_OK)
		return ret;
	for (int i = 0; need[i]; i++)
		col[i] = pc_table_col(&t, need[i]);
	for (size_t r = 0; r < t.nrows; r++)
		pc_results_sample(e->res, pc_table_cell(&t, r, col[0]),
				  pc_table_cell(&t, r, col[1]), pc_table_cell(&t, r, col[2]),
				  (unsigned int)cell_u64(pc_table_cell(&t, r, col[3])),
				  pc_table_cell(&t, r, col[4]), pc_table_cell(&t, r, col[5]),
				  pc_table_cell(&t, r, col[6]),
				  cell_u64(pc_table_cell(&t, r, col[7])),
				  cell_dbl(pc_table_cell(&t, r, col[8])));
	pc_table_free(&t);
	return PC_OK;
}

static int merge_meta(struct pc_engine *e, const char *dir, char *why, size_t len)
{
	static const char *const need[] = { "key", "value", NULL };
	char path[PATH_MAX + 32], key[256];
	struct pc_table t;
	int ret;

	if (!e->res)
		return PC_OK;
	snprintf(path, sizeof(path), "%s/meta.csv", dir);
	ret = pc_table_load(path, need, &t, why, len);
	if (ret != PC_OK)
		return ret;
	for (size_t r = 0; r < t.nrows; r++) {
		snprintf(key, sizeof(key), "guest_%s", pc_table_cell(&t, r, 0));
		pc_results_meta(e->res, key, pc_table_cell(&t, r, 1));
	}
	pc_table_free(&t);
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

int pc_guest_run(struct pc_engine *e, const struct pc_guest_req *req, char *why, size_t len)
{
	char script[PATH_MAX], tmp[] = "/tmp/probecost-vm.XXXXXX", run[sizeof(tmp) + 8];
	const char *argv[MAX_ARGS + 16];
	int argc = 0, status, ret;
	pid_t pid;

	ret = guest_script(script, sizeof(script), why, len);
	if (ret != PC_OK)
		return ret;
	if (!mkdtemp(tmp)) {
		snprintf(why, len, "mkdtemp %s: %s", tmp, strerror(errno));
		return PC_ERR_SYS;
	}
	argv[argc++] = script;
	argv[argc++] = "--kernel";
	argv[argc++] = req->series;
	if (req->deterministic)
		argv[argc++] = "--deterministic";
	argv[argc++] = "--out";
	argv[argc++] = tmp;
	argv[argc++] = "--";
	argv[argc++] = "run";
	for (int i = 0; req->args[i] && i < MAX_ARGS; i++)
		argv[argc++] = req->args[i];
	argv[argc++] = "--out";
	argv[argc++] = "/out/run";
	argv[argc] = NULL;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		snprintf(why, len, "fork: %s", strerror(errno));
		rm_tree(tmp);
		return PC_ERR_SYS;
	}
	if (pid == 0) {
		/* the guest's own report goes to its console log, not our table */
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execv(script, (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = -1;
			break;
		}
		if (e->stop && *e->stop)
			kill(pid, SIGTERM);
	}
	if (e->stop && *e->stop) {
		rm_tree(tmp);
		return PC_ERR_INTR;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 4) {
		snprintf(why, len, "the QEMU guest cannot run here (scripts/guest.sh said why above)");
		rm_tree(tmp);
		return PC_ERR_UNSUPPORTED;
	}
	snprintf(run, sizeof(run), "%s/run", tmp);
	ret = merge_results(e, run, why, len);
	if (ret == PC_OK)
		ret = merge_samples(e, run, why, len);
	if (ret == PC_OK)
		ret = merge_meta(e, run, why, len);
	if (ret != PC_OK && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		snprintf(why, len, "the guest run failed (scripts/guest.sh exit %d) and left no results",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		ret = PC_ERR_SYS;
	} else if (ret == PC_OK && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		snprintf(why, len, "the guest's probecost run exited %d (its rows are kept)",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		ret = PC_ERR_SYS;
	}
	rm_tree(tmp);
	return ret;
}
