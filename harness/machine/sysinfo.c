// SPDX-License-Identifier: MIT
/* Facts about the running kernel and machine, read from /proc and /sys. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <zlib.h>

#include "errors.h"
#include "sysinfo.h"

const char *const pc_kconfig_keys[] = {
	"MODULES", "MODULE_SIG_FORCE", "KPROBES", "OPTPROBES",
	"KPROBES_ON_FTRACE", "KPROBE_EVENTS", "JUMP_LABEL", "UPROBES",
	"UPROBE_EVENTS", "FTRACE", "DYNAMIC_FTRACE", "FUNCTION_TRACER",
	"BPF_SYSCALL", "SECURITY_LOCKDOWN_LSM", "PREEMPTION", NULL,
};

static char *kconfig_text;
static const char *kconfig_from;
static bool kconfig_tried;

static char *slurp_gz(const char *path)
{
	gzFile gz = gzopen(path, "rb");
	size_t len = 0, cap = 1 << 16;
	char *buf;
	int n;

	if (!gz)
		return NULL;
	buf = malloc(cap);
	while (buf) {
		if (len + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		n = gzread(gz, buf + len, 4096);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	gzclose(gz);
	if (buf)
		buf[len] = '\0';
	return buf;
}

static void kconfig_load(void)
{
	static char boot[300];
	struct utsname u;

	if (kconfig_tried)
		return;
	kconfig_tried = true;
	/* gzread reads plain files too, so one reader serves both sources */
	kconfig_text = slurp_gz("/proc/config.gz");
	if (kconfig_text) {
		kconfig_from = "/proc/config.gz";
		return;
	}
	if (uname(&u) == 0) {
		snprintf(boot, sizeof(boot), "/boot/config-%s", u.release);
		kconfig_text = slurp_gz(boot);
		if (kconfig_text)
			kconfig_from = boot;
	}
}

const char *pc_kconfig_source(void)
{
	kconfig_load();
	return kconfig_from;
}

const char *pc_kconfig(const char *key)
{
	static char val[128];
	char pat[96];
	const char *p;
	size_t klen;

	kconfig_load();
	if (!kconfig_text)
		return "?";
	snprintf(pat, sizeof(pat), "CONFIG_%s=", key);
	klen = strlen(pat);
	for (p = kconfig_text; (p = strstr(p, pat)); p += klen) {
		size_t i = 0;

		if (p != kconfig_text && p[-1] != '\n')
			continue;
		p += klen;
		while (p[i] && p[i] != '\n' && i < sizeof(val) - 1) {
			val[i] = p[i];
			i++;
		}
		val[i] = '\0';
		return val;
	}
	return "n";
}

int pc_read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!len)
		return PC_ERR_INVAL;
	buf[0] = '\0';
	if (!f)
		return PC_ERR_IO;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return PC_OK;
}

void pc_cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':');

		if (!c || strncmp(line, "model name", 10))
			continue;
		c++;
		while (*c == ' ')
			c++;
		c[strcspn(c, "\n")] = '\0';
		snprintf(buf, len, "%s", c);
		break;
	}
	fclose(f);
}

void pc_kernel_release(char *buf, size_t len)
{
	struct utsname u;

	if (uname(&u) == 0)
		snprintf(buf, len, "%s %s %s", u.sysname, u.release, u.machine);
	else
		snprintf(buf, len, "unknown");
}

void pc_hostname(char *buf, size_t len)
{
	if (gethostname(buf, len) < 0 && len)
		snprintf(buf, len, "unknown");
	if (len)
		buf[len - 1] = '\0';
}

void pc_lockdown(char *buf, size_t len)
{
	char raw[128];
	char *a, *b;

	/* the file reads "[none] integrity confidentiality" */
	if (pc_read_file("/sys/kernel/security/lockdown", raw, sizeof(raw)) != PC_OK) {
		snprintf(buf, len, "unknown (no /sys/kernel/security/lockdown)");
		return;
	}
	a = strchr(raw, '[');
	b = a ? strchr(a, ']') : NULL;
	if (!a || !b) {
		snprintf(buf, len, "%s", raw);
		return;
	}
	*b = '\0';
	snprintf(buf, len, "%s", a + 1);
}

int pc_perf_paranoid(void)
{
	char buf[32];

	if (pc_read_file("/proc/sys/kernel/perf_event_paranoid", buf, sizeof(buf)) != PC_OK)
		return -99;
	return atoi(buf);
}

static const char *find_mount(const char *fstype)
{
	static char dir[256];
	FILE *f = fopen("/proc/mounts", "r");
	char dev[256], type[64];
	const char *found = NULL;

	if (!f)
		return NULL;
	while (fscanf(f, "%255s %255s %63s %*[^\n]", dev, dir, type) == 3) {
		if (!strcmp(type, fstype)) {
			found = dir;
			break;
		}
	}
	fclose(f);
	return found;
}

const char *pc_tracefs(bool mount_it)
{
	static char path[256];
	const char *m = find_mount("tracefs");

	if (m) {
		snprintf(path, sizeof(path), "%s", m);
		return path;
	}
	m = find_mount("debugfs");
	if (m) {
		struct stat st;

		/* debugfs automounts tracefs below itself */
		snprintf(path, sizeof(path), "%s/tracing", m);
		if (stat(path, &st) == 0 && access(path, R_OK) == 0) {
			char probe[300];

			snprintf(probe, sizeof(probe), "%s/trace_pipe", path);
			if (access(probe, F_OK) == 0)
				return path;
		}
	}
	if (!mount_it || !pc_is_root())
		return NULL;
	if (mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL) < 0)
		return NULL;
	snprintf(path, sizeof(path), "/sys/kernel/tracing");
	return path;
}

bool pc_in_guest(void)
{
	char cmd[4096];

	if (pc_read_file("/proc/cmdline", cmd, sizeof(cmd)) != PC_OK)
		return false;
	return strstr(cmd, "probecost.guest=1") != NULL;
}

bool pc_is_root(void)
{
	return geteuid() == 0;
}
