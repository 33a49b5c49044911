// SPDX-License-Identifier: MIT
/* Reading back the kprobe variant in force (see readback.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "errors.h"
#include "readback.h"
#include "sysinfo.h"
#include "tracefs.h"

const char *pc_debugfs_root(void)
{
	static const char *const root = "/sys/kernel/debug";
	char probe[64];

	snprintf(probe, sizeof(probe), "%s/kprobes", root);
	if (access(probe, F_OK) == 0)
		return root;
	if (pc_is_root())
		mount("debugfs", root, "debugfs", 0, NULL);
	return root;
}

/*
 * @func's address from kallsyms, 0 when hidden. kprobes/list names a
 * probe by whichever alias kallsyms finds first, at the offset the kernel
 * chose: a kprobe on __x64_sys_getppid is __do_sys_getppid+0x0 on
 * Debian's 6.1 and __do_sys_getppid+0x4 (after the ENDBR) on 6.12. So a
 * listed probe is matched by the address of its function, not its name.
 */
static unsigned long long func_addr(const char *func)
{
	char line[512], name[256], type;
	unsigned long long a, found = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &a, &type, name) == 3 && !strcmp(name, func))
			found = a;
	fclose(f);
	return found;
}

/* Does this kprobes/list line probe @func (at @addr, 0 if unknown)? */
static bool probes(const char *line, const char *func, unsigned long long addr)
{
	unsigned long long at, off;
	char type, name[256];

	if (sscanf(line, "%llx %c %255[^+]+0x%llx", &at, &type, name, &off) != 4)
		return false;
	if (!strcmp(name, func))
		return true;
	return addr && at - off == addr;
}

int pc_kprobe_list_variant(const char *func, char *buf, size_t len)
{
	unsigned long long addr = 0;
	char path[128], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/kprobes/list", pc_debugfs_root());
	f = fopen(path, "r");
	if (!f)
		return PC_ERR_IO;
	snprintf(buf, len, "none");
	/* by name first; kallsyms is long, so by address only when that fails */
	for (int pass = 0; pass < 2; pass++) {
		if (pass) {
			addr = func_addr(func);
			if (!addr)
				break;
			rewind(f);
		}
		while (fgets(line, sizeof(line), f)) {
			char type = '?';
			const char *base;

			if (!probes(line, func, addr))
				continue;
			sscanf(line, "%*s %c", &type);
			base = strstr(line, "[OPTIMIZED]") ? "optimized" :
			       strstr(line, "[FTRACE]") ? "ftrace" : "int3";
			snprintf(buf, len, "%s%s%s%s", type == 'r' ? "kretprobe:" : "", base,
				 strstr(line, "[DISABLED]") ? "|disabled" : "",
				 strstr(line, "[GONE]") ? "|gone" : "");
			fclose(f);
			return PC_OK;
		}
	}
	fclose(f);
	return PC_OK;
}

int pc_ftrace_callsite(const char *func, char *buf, size_t len)
{
	const char *root = pc_tracefs(true);
	char path[512], line[512], name[256];
	long ops;
	FILE *f;

	if (!root)
		return PC_ERR_IO;
	snprintf(path, sizeof(path), "%s/enabled_functions", root);
	f = fopen(path, "r");
	if (!f)
		return PC_ERR_IO;
	snprintf(buf, len, "none");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s (%ld)", name, &ops) != 2 || strcmp(name, func))
			continue;
		snprintf(buf, len, "%s-%ld%s", strstr(line, "tramp:") ? "tramp" : "list",
			 ops, ops == 1 ? "op" : "ops");
		break;
	}
	fclose(f);
	return PC_OK;
}
