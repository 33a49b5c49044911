// SPDX-License-Identifier: MIT
/*
 * The bpf tracer entries' ops where the build found no clang, libbpf-dev
 * or bpftool (Makefile, BPF_OK): every entry is unsupported and says
 * what to install. Only available() is ever called on an unsupported
 * mechanism; the others fail the same way should anything call them.
 */
#include <stdio.h>

#include "bpf_tracer.h"
#include "errors.h"

#define BPF_STUB_WHY "the BPF tracer was not built: clang, libbpf-dev or bpftool missing at build time; " \
	PC_BPF_INSTALL ", then make"

int pc_bpf_available(const struct pc_mech *m, char *why, size_t len)
{
	(void)m;
	snprintf(why, len, "%s", BPF_STUB_WHY);
	return PC_ERR_UNSUPPORTED;
}

int pc_bpf_setup(struct pc_inst *in)
{
	return pc_inst_fail(in, PC_ERR_UNSUPPORTED, "%s", BPF_STUB_WHY);
}

int pc_bpf_arm(struct pc_inst *in, enum pc_state st)
{
	(void)st;
	return pc_inst_fail(in, PC_ERR_UNSUPPORTED, "%s", BPF_STUB_WHY);
}

int pc_bpf_disarm(struct pc_inst *in)
{
	(void)in;
	return PC_OK;	/* nothing was armed */
}

int pc_bpf_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out)
{
	(void)n;
	(void)out;
	return pc_inst_fail(in, PC_ERR_UNSUPPORTED, "%s", BPF_STUB_WHY);
}

int pc_bpf_count(struct pc_inst *in, struct pc_fire *out)
{
	(void)out;
	return pc_inst_fail(in, PC_ERR_UNSUPPORTED, "%s", BPF_STUB_WHY);
}

int pc_bpf_variant(struct pc_inst *in, char *buf, size_t len)
{
	(void)in;
	snprintf(buf, len, "not-built");
	return PC_OK;
}

void pc_bpf_teardown(struct pc_inst *in)
{
	(void)in;
}
