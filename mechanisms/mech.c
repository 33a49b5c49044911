// SPDX-License-Identifier: MIT
/* Names of states, families and places, and helpers every mechanism uses. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "mech.h"

static const char *const state_names[PC_NR_STATES] = {
	[PC_ABSENT] = "absent",
	[PC_DISABLED] = "disabled",
	[PC_ENABLED] = "enabled",
	[PC_RECORDING] = "recording",
	[PC_FILTERED] = "filtered",
};

const enum pc_state pc_state_order[PC_NR_STATES] = {
	PC_ABSENT, PC_DISABLED, PC_FILTERED, PC_ENABLED, PC_RECORDING,
};

static const char *const family_names[PC_NR_FAMILIES] = {
	[PC_FAM_BASELINE] = "baseline",
	[PC_FAM_STATIC] = "static",
	[PC_FAM_DYNAMIC] = "dynamic",
	[PC_FAM_JUMP] = "jump",
};

static const char *const where_names[PC_NR_WHERE] = {
	[PC_WHERE_USER] = "user",
	[PC_WHERE_KERNEL] = "kernel",
	[PC_WHERE_MODULE] = "module",
};

const char *pc_state_name(enum pc_state st)
{
	return (unsigned int)st < PC_NR_STATES ? state_names[st] : "?";
}

const char *pc_family_name(enum pc_family f)
{
	return (unsigned int)f < PC_NR_FAMILIES ? family_names[f] : "?";
}

const char *pc_where_name(enum pc_where w)
{
	return (unsigned int)w < PC_NR_WHERE ? where_names[w] : "?";
}

const char *pc_mech_tracer(const struct pc_mech *m, enum pc_state st)
{
	if ((unsigned int)st < PC_NR_STATES && m->tracers[st])
		return m->tracers[st];
	return m->tracer ? m->tracer : "-";
}

const char *pc_mech_tool(const struct pc_mech *m)
{
	return m->tracer ? m->tracer : "-";
}

bool pc_mech_uses_tracer(const struct pc_mech *m, const char *t)
{
	for (int st = 0; st < PC_NR_STATES; st++)
		if ((m->states & PC_ST(st)) && !strcmp(pc_mech_tracer(m, st), t))
			return true;
	return !strcmp(pc_mech_tool(m), t);
}

void pc_mech_tracers_str(const struct pc_mech *m, char *buf, size_t len)
{
	const char *seen[PC_NR_STATES];
	size_t n = 0, off = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (int st = 0; st < PC_NR_STATES && off < len; st++) {
		const char *t = pc_mech_tracer(m, st);
		bool dup = !(m->states & PC_ST(st)) || !strcmp(t, "-");

		for (size_t k = 0; k < n && !dup; k++)
			dup = !strcmp(seen[k], t);
		if (dup)
			continue;
		seen[n++] = t;
		off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? "/" : "", t);
	}
	if (!off)
		snprintf(buf, len, "%s", pc_mech_tool(m));
}

enum pc_state pc_state_parse(const char *s)
{
	for (int i = 0; i < PC_NR_STATES; i++)
		if (!strcmp(s, state_names[i]))
			return i;
	return PC_NR_STATES;
}

int pc_inst_fail(struct pc_inst *in, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(in->why, sizeof(in->why), fmt, ap);
	va_end(ap);
	return err;
}

int pc_mech_count(struct pc_inst *in, struct pc_fire *out)
{
	return in->mech->count ? in->mech->count(in, out) : PC_OK;
}

int pc_mech_fire(struct pc_inst *in, uint64_t n, struct pc_fire *out)
{
	int ret = in->mech->fire(in, n, out);

	return ret == PC_OK ? pc_mech_count(in, out) : ret;
}

int pc_mech_available(const struct pc_mech *m, char *why, size_t len)
{
	if (len)
		why[0] = '\0';
	if (!m->available)
		return PC_OK;
	return m->available(m, why, len);
}
