/* SPDX-License-Identifier: MIT */
/*
 * What the kernel actually patched at a function, read back from its own
 * lists: <debugfs>/kprobes/list (a kprobe as int3, optimized to a jump,
 * or riding ftrace) and <tracefs>/enabled_functions (an ftrace call site
 * through its own trampoline, or through the list function that walks
 * every ftrace_ops). Variants are reported from these, never assumed
 * from what was asked for.
 */
#ifndef PC_READBACK_H
#define PC_READBACK_H

#include <stddef.h>

/* Where debugfs is, mounted there first when root and it is not. */
const char *pc_debugfs_root(void);

/*
 * The variant of the first probe on @func+offset: "int3", "optimized",
 * "ftrace", with "kretprobe:" in front for a return probe and "|disabled"
 * or "|gone" after; "none" when nothing probes @func. PC_ERR_IO when the
 * list cannot be read (no debugfs, no CONFIG_KPROBES).
 */
int pc_kprobe_list_variant(const char *func, char *buf, size_t len);

/*
 * How @func's ftrace call site calls out: "tramp" (a trampoline for one
 * ftrace_ops) or "list" (the list function, for several), and the number
 * of ftrace_ops on it: "tramp-1op", "list-2ops"; "none" when @func is not
 * in enabled_functions. PC_ERR_IO when that file cannot be read.
 */
int pc_ftrace_callsite(const char *func, char *buf, size_t len);

#endif
