/* SPDX-License-Identifier: MIT */
/*
 * What the running system is and allows: kernel release and config,
 * lockdown, perf_event_paranoid, tracefs, CPU model, and whether we run
 * inside probecost's own QEMU guest.
 */
#ifndef PC_SYSINFO_H
#define PC_SYSINFO_H

#include <stdbool.h>
#include <stddef.h>

/* Kernel config options `probecost info` reports, in order. */
extern const char *const pc_kconfig_keys[];

/*
 * Value of CONFIG_@key ("y", "m", "n" or a string) from /proc/config.gz or
 * /boot/config-$(uname -r); "?" when no config can be read.
 */
const char *pc_kconfig(const char *key);
/* Where the config was read from, or NULL. */
const char *pc_kconfig_source(void);

void pc_cpu_model(char *buf, size_t len);
void pc_kernel_release(char *buf, size_t len);
void pc_hostname(char *buf, size_t len);
/* The active lockdown mode ("none", "integrity", ...) or "unknown". */
void pc_lockdown(char *buf, size_t len);
/* perf_event_paranoid, or -99 when unreadable. */
int pc_perf_paranoid(void);
/*
 * Mount point of tracefs, or NULL. With @mount, mount it at
 * /sys/kernel/tracing when it is not mounted yet (root only).
 */
const char *pc_tracefs(bool mount);
/* True inside the guest probecost boots (kernel command line marker). */
bool pc_in_guest(void);
bool pc_is_root(void);
/* Read a small sysfs/procfs file into @buf, newline stripped. */
int pc_read_file(const char *path, char *buf, size_t len);

#endif
