// SPDX-License-Identifier: MIT
/*
 * `probecost churn`: the maintenance side of static vs dynamic probes.
 * Resolves A and B to kernel views (a dump directory, a System.map with
 * its events, or a Debian kernel that scripts/churn-kernel.sh boots in
 * the guest and dumps once into cache/churn/<KVER>/), compares them and
 * writes the categories of docs/churn.md.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "churn.h"
#include "cmd.h"
#include "errors.h"
#include "guestrun.h"
#include "opts.h"

#define DEFAULT_A "6.1"
#define DEFAULT_B "6.12"

static void churn_usage(FILE *f)
{
	fprintf(f, "usage: probecost churn [options] [A [B]]\n"
		   "       probecost churn --dump DIR\n"
		   "       probecost churn --index-source SRC DIR\n"
		   "       probecost churn --dump-modules MODDIR DIR\n\n"
		   "How many static tracepoints and dynamic kprobe targets of kernel A\n"
		   "break in kernel B: removed, format changed, renamed by the compiler,\n"
		   "blacklisted or notrace, inlined or compiled out (docs/churn.md);\n"
		   "and, from both kernels' BTF, kept functions whose parameters or\n"
		   "return type changed, typedef spellings aside (signature_changed:\n"
		   "still probeable, not counted broken). Modules count too, apart\n"
		   "and together with vmlinux, when both dumps have them: each\n"
		   "module's functions as MODULE:FUNCTION, its trace events by name;\n"
		   "a function built in or out, or into another module, is moved.\n\n"
		   "A and B (default %s and %s) are each one of:\n"
		   "  SERIES or ABI   a Debian kernel (6.1, 6.12, 6.1.0-56-amd64): booted\n"
		   "                  once in the QEMU guest and dumped into\n"
		   "                  $PROBECOST_CACHE/churn/<KVER>/ (default\n"
		   "                  cache/) with its source index and its\n"
		   "                  modules (read from the image's .ko files)\n"
		   "  DIR             a dump directory written by --dump\n"
		   "  MAP,EVENTS      a System.map (or kallsyms copy) and its events:\n"
		   "                  an events.csv or a copy of <tracefs>/events\n\n"
		   "  --probes PATH   judge the probes a tool relies on: a probe list\n"
		   "                  (kprobe:FUNC, tracepoint:SUBSYS:EVENT lines), a\n"
		   "                  tool file (bpftrace .bt, SystemTap .stp, BCC .py;\n"
		   "                  by content without the extension) or a directory\n"
		   "                  of them: one verdict table per file, a summary\n"
		   "                  of tools that break; names built at run time are\n"
		   "                  listed as unresolved, never guessed\n"
		   "  --out DIR       output directory (default results/churn-A-B)\n"
		   "  --plot FMT      png, svg, dumb or none (default png)\n"
		   "  --no-source     ignore source indexes: inlined and removed are\n"
		   "                  reported together as vanished\n"
		   "  --dump DIR      write the running kernel's dump into DIR (root:\n"
		   "                  kallsyms, tracefs events, ftrace list, kprobe\n"
		   "                  blacklist, BTF; absent parts are listed with why)\n"
		   "  --index-source SRC DIR\n"
		   "                  index a kernel source tree or tarball into\n"
		   "                  DIR/source-defs.list\n"
		   "  --dump-modules MODDIR DIR\n"
		   "                  read every .ko/.ko.xz below MODDIR (an image's\n"
		   "                  lib/modules/<KVER>/kernel) into DIR's module\n"
		   "                  files: functions, ftrace sites, kprobe blacklist\n"
		   "                  and trace events of each module, from the ELF\n"
		   "  --help          this text\n\n"
		   "Writes churn.csv, items.csv, probes.csv and tools.csv (with\n"
		   "--probes), report.txt, churn.dat, churn.gp and the plot. Exit\n"
		   "status: 0 done, 1 a step failed (fetch, guest, gnuplot), 2 bad\n"
		   "usage or unreadable input (file:line named; nothing written).\n", DEFAULT_A, DEFAULT_B);
}

struct churn_args {
	const char *a, *b, *probes, *out, *plot, *dump, *index_src, *dump_mods;
	bool no_source;
	bool help;	/* --help was shown: nothing else to do */
};

static int parse_args(struct churn_args *ca, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "probes", required_argument, NULL, 'p' },
		{ "out", required_argument, NULL, 'o' },
		{ "plot", required_argument, NULL, 'P' },
		{ "no-source", no_argument, NULL, 'S' },
		{ "dump", required_argument, NULL, 'd' },
		{ "index-source", required_argument, NULL, 'i' },
		{ "dump-modules", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret = PC_OK;

	memset(ca, 0, sizeof(*ca));
	ca->plot = "png";
	opterr = 0;
	optind = 1;
	while (ret == PC_OK && (c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		switch (c) {
		case 'p':
			ca->probes = optarg;
			break;
		case 'o':
			if (!*optarg)
				ret = pc_usage_error("churn", "--out: empty directory name");
			ca->out = optarg;
			break;
		case 'P':
			if (strcmp(optarg, "png") && strcmp(optarg, "svg") &&
			    strcmp(optarg, "dumb") && strcmp(optarg, "none"))
				ret = pc_usage_error("churn", "--plot: unknown format '%s'; valid: png, svg, dumb, none",
						     optarg);
			ca->plot = optarg;
			break;
		case 'S':
			ca->no_source = true;
			break;
		case 'd':
			ca->dump = optarg;
			break;
		case 'i':
			ca->index_src = optarg;
			break;
		case 'M':
			ca->dump_mods = optarg;
			break;
		case 'h':
			churn_usage(stdout);
			ca->help = true;
			return PC_OK;
		default:
			ret = pc_opt_bad("churn", lo, argv, optind, optopt, c);
			break;
		}
	}
	if (ret != PC_OK)
		return ret;
	if (ca->dump || ca->index_src || ca->dump_mods) {
		if (!!ca->dump + !!ca->index_src + !!ca->dump_mods > 1)
			return pc_usage_error("churn", "--dump, --index-source and --dump-modules are separate steps; give one");
		if (ca->index_src && optind + 1 != argc)
			return pc_usage_error("churn", "--index-source SRC needs one DIR to write source-defs.list into");
		if (ca->dump_mods && optind + 1 != argc)
			return pc_usage_error("churn", "--dump-modules MODDIR needs one DIR to write the module files into");
		if (ca->dump)
			return pc_opt_no_args("churn", argc, argv, optind);
		ca->a = argv[optind];
		return PC_OK;
	}
	if (argc - optind > 2)
		return pc_usage_error("churn", "unexpected argument '%s'; give at most A and B",
				      argv[optind + 2]);
	ca->a = optind < argc ? argv[optind] : DEFAULT_A;
	ca->b = optind + 1 < argc ? argv[optind + 1] : DEFAULT_B;
	return PC_OK;
}

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Looks like a kernel: 6.1, 6.12, 6.1.0-56-amd64, 6.12.117+deb12-amd64 */
static bool is_kernel_name(const char *s)
{
	regex_t re;
	bool m;

	if (regcomp(&re, "^([0-9]+\\.[0-9]+|[0-9][0-9A-Za-z.+~-]*-amd64)$",
		    REG_EXTENDED | REG_NOSUB))
		return false;
	m = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return m;
}

/* The checkout this binary was built in: <top>/build/probecost. */
static int find_script(const char *name, char *path, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0)
		return PC_ERR_SYS;
	exe[n] = '\0';
	snprintf(path, len, "%s/../scripts/%s", dirname(exe), name);
	/* build/probecost -> build/../scripts */
	return access(path, X_OK) == 0 ? PC_OK : PC_ERR_IO;
}

/*
 * scripts/churn-kernel.sh fetches, boots and dumps a Debian kernel once,
 * then prints DUMP=<dir> and KVER=<version>.
 */
static int resolve_kernel(const char *name, bool no_source, char *dir, size_t dlen,
			  char *kver, size_t klen)
{
	char script[PATH_MAX + 32], cmd[PATH_MAX + 128], *line = NULL;
	size_t cap = 0;
	FILE *p;
	int st;

	if (find_script("churn-kernel.sh", script, sizeof(script)) != PC_OK) {
		fprintf(stderr, "probecost churn: %s: cannot find scripts/churn-kernel.sh next to the binary; run build/probecost from a probecost checkout, or give a dump directory\n",
			name);
		return PC_ERR_IO;
	}
	snprintf(cmd, sizeof(cmd), "'%s' %s'%s'", script, no_source ? "--no-source " : "",
		 name);
	dir[0] = kver[0] = '\0';
	fflush(stdout);
	p = popen(cmd, "r");
	if (!p) {
		fprintf(stderr, "probecost churn: cannot run %s: %s\n", script, strerror(errno));
		return PC_ERR_SYS;
	}
	while (getline(&line, &cap, p) >= 0) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "DUMP=", 5))
			snprintf(dir, dlen, "%s", line + 5);
		else if (!strncmp(line, "KVER=", 5))
			snprintf(kver, klen, "%s", line + 5);
	}
	free(line);
	st = pclose(p);
	if (!WIFEXITED(st) || WEXITSTATUS(st) || !dir[0]) {
		fprintf(stderr, "probecost churn: %s: scripts/churn-kernel.sh failed (exit %d); its message is above\n",
			name, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		return WIFEXITED(st) && WEXITSTATUS(st) == 2 ? PC_ERR_USAGE : PC_ERR_SYS;
	}
	return PC_OK;
}

/* Where a kernel's view comes from, decided before any loading. */
struct churn_src {
	char dir[PATH_MAX];	/* a dump directory, or "" */
	char map[PATH_MAX];	/* or a System.map ... */
	const char *events;	/* ... and its events */
	char label[128];	/* for a kernel name: its KVER */
};

/* Decide what @arg is; a Debian kernel name is fetched and dumped now. */
static int resolve(struct churn_src *s, const char *arg, bool no_source)
{
	const char *comma = strchr(arg, ',');
	char kver[128];
	int ret;

	memset(s, 0, sizeof(*s));
	if (is_dir(arg)) {
		snprintf(s->dir, sizeof(s->dir), "%s", arg);
	} else if (comma && access(arg, F_OK) != 0) {
		snprintf(s->map, sizeof(s->map), "%.*s", (int)(comma - arg), arg);
		s->events = comma + 1;
	} else if (is_kernel_name(arg)) {
		/* a series Debian does not ship: the message run --kernel gives */
		if (!pc_guest_series_ok(arg))
			return pc_usage_error("churn", "unknown series '%s'; valid: 6.1, 6.12 or a Debian ABI name such as 6.1.0-56-amd64",
					      arg);
		ret = resolve_kernel(arg, no_source, s->dir, sizeof(s->dir), kver, sizeof(kver));
		if (ret != PC_OK)
			return ret;
		snprintf(s->label, sizeof(s->label), "%.100s", kver[0] ? kver : arg);
	} else {
		return pc_usage_error("churn", "'%s': not a dump directory, a MAP,EVENTS pair or a Debian kernel (6.1, 6.12, 6.1.0-56-amd64)",
				      arg);
	}
	return PC_OK;
}

static int load_kernel(struct churn_kernel *k, const struct churn_src *s,
		       bool no_source)
{
	char err[PATH_MAX + 512] = "";
	int ret;

	memset(k, 0, sizeof(*k));
	if (s->dir[0])
		ret = churn_load_dump(k, s->dir, err, sizeof(err));
	else
		ret = churn_load_pair(k, s->map, s->events, err, sizeof(err));
	if (ret != PC_OK) {
		fprintf(stderr, "probecost churn: %s\n", err);
		churn_kernel_free(k);
		return ret;
	}
	if (s->label[0])
		snprintf(k->label, sizeof(k->label), "%s", s->label);
	else if (s->dir[0])
		snprintf(k->label, sizeof(k->label), "%.100s",
			 strcmp(k->release, "unknown") ? k->release : s->dir);
	else
		snprintf(k->label, sizeof(k->label), "%.100s", s->map);
	if (no_source && k->have[CHURN_SOURCE]) {
		pc_strmap_free(&k->source, NULL);
		k->have[CHURN_SOURCE] = false;
		snprintf(k->why[CHURN_SOURCE], sizeof(k->why[0]), "--no-source given");
	}
	return PC_OK;
}

static void label_path(char *buf, size_t len, const char *a, const char *b)
{
	snprintf(buf, len, "results/churn-%s-%s", a, b);
	for (char *p = buf + 8; *p; p++)
		if (*p == '/' || *p == ',' || *p == ' ')
			*p = '_';
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_dump(const char *dir)
{
	char err[PATH_MAX + 512] = "";
	int ret;

	printf("probecost churn: dumping the running kernel into %s\n", dir);
	ret = churn_dump(dir, stdout, err, sizeof(err));
	if (ret != PC_OK)
		fprintf(stderr, "probecost churn: %s\n", err);
	return ret;
}

static int run_index(const char *src, const char *dir)
{
	char err[PATH_MAX + 512] = "", out[PATH_MAX + 32], mac[PATH_MAX + 32];
	char wrap[PATH_MAX + 32];
	uint64_t names = 0;
	int ret;

	if (!is_dir(dir))
		return pc_usage_error("churn", "--index-source: '%s' is not a directory", dir);
	snprintf(out, sizeof(out), "%s/%s", dir, churn_part_files[CHURN_SOURCE]);
	snprintf(mac, sizeof(mac), "%s/%s", dir, CHURN_MACROS_FILE);
	snprintf(wrap, sizeof(wrap), "%s/%s", dir, CHURN_WRAPPERS_FILE);
	ret = churn_index_source(src, out, mac, wrap, &names, err, sizeof(err));
	if (ret != PC_OK) {
		fprintf(stderr, "probecost churn: %s\n", err);
		return ret;
	}
	printf("probecost churn: %llu names from %s in %s\n", (unsigned long long)names,
	       src, out);
	return PC_OK;
}

static int run_dump_modules(const char *moddir, const char *dir)
{
	char err[PATH_MAX + 512] = "";
	int ret;

	if (!is_dir(moddir))
		return pc_usage_error("churn", "--dump-modules: '%s' is not a directory", moddir);
	printf("probecost churn: reading the modules below %s into %s\n", moddir, dir);
	ret = churn_dump_modules(moddir, dir, stdout, err, sizeof(err));
	if (ret != PC_OK)
		fprintf(stderr, "probecost churn: %s\n", err);
	return ret;
}

/* Resolve and load kernels A and B, compare them and write the outputs. */
static int run_diff(const struct churn_args *ca)
{
	struct churn_kernel a, b;
	struct churn_src sa, sb;
	struct churn_result r = { 0 };
	struct churn_tools tools = { 0 };
	struct churn_out o;
	char out[PATH_MAX], err[PATH_MAX + 512] = "";
	double t0;
	int ret;

	/* kernels first: a guest boot must not be wasted on a bad --out */
	ret = resolve(&sa, ca->a, ca->no_source);
	if (ret == PC_OK)
		ret = resolve(&sb, ca->b, ca->no_source);
	if (ret != PC_OK)
		return ret;
	/* the figure the report gives: loading dumps and comparing them */
	t0 = now();
	ret = load_kernel(&a, &sa, ca->no_source);
	if (ret != PC_OK)
		return ret;
	ret = load_kernel(&b, &sb, ca->no_source);
	if (ret != PC_OK) {
		churn_kernel_free(&a);
		return ret;
	}
	ret = churn_diff(&a, &b, &r);
	if (ret == PC_OK && ca->probes)
		ret = churn_tools_check(&tools, ca->probes, &a, &r, err, sizeof(err));
	if (ret == PC_OK) {
		if (ca->out)
			snprintf(out, sizeof(out), "%s", ca->out);
		else
			label_path(out, sizeof(out), a.label, b.label);
		if (churn_mkdirs(out, err, sizeof(err)) != PC_OK) {
			snprintf(err + strlen(err), sizeof(err) - strlen(err),
				 "; choose another with --out");
			ret = PC_ERR_USAGE;
		}
	}
	if (ret == PC_OK) {
		o.dir = out;
		o.plot = ca->plot;
		o.seconds = now() - t0;
		ret = churn_write(&o, &a, &b, &r, ca->probes ? &tools : NULL, err, sizeof(err));
	}
	if (ret != PC_OK)
		fprintf(stderr, "probecost churn: %s\n", *err ? err : pc_strerror(ret));
	churn_tools_free(&tools);
	churn_result_free(&r);
	churn_kernel_free(&a);
	churn_kernel_free(&b);
	return ret;
}

int cmd_churn(int argc, char **argv)
{
	struct churn_args ca;
	int ret = parse_args(&ca, argc, argv);

	if (ret == PC_OK && !ca.help) {
		if (ca.dump)
			ret = run_dump(ca.dump);
		else if (ca.index_src)
			ret = run_index(ca.index_src, ca.a);
		else if (ca.dump_mods)
			ret = run_dump_modules(ca.dump_mods, ca.a);
		else
			ret = run_diff(&ca);
	}
	return pc_exit_status(ret);
}
