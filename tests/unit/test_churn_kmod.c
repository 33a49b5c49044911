// SPDX-License-Identifier: MIT
/*
 * churn's module reader (churn_kmod.c) on a module-shaped object built
 * here: gcc -pg -mfentry -mrecord-mcount gives it the fentry calls and
 * the __mcount_loc list a kernel module has, and the source below lays
 * out what kbuild and the kernel's headers would (.modinfo's name=, the
 * init, kprobes and blacklist sections, two TRACE_EVENTs of two systems,
 * one with a fields_array whose layout the format must reproduce).
 * Each function's facts are a table row carrying its line; without a gcc
 * that can build it the whole test is skipped with the reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "churn.h"
#include "churn_kmod.h"
#include "errors.h"
#include "ktap.h"

static const char tiny_c[] =
	"struct trace_event_fields { const char *type, *name; int size, align, is_signed, filter_type; };\n"
	"struct trace_event_class { const char *system; void *probe, *perf_probe, *reg;\n"
	"	struct trace_event_fields *fields_array; };\n"
	"static struct trace_event_fields trace_event_fields_one[] = {\n"
	"	{ \"int\", \"a\", 4, 4, 1, 0 }, { \"char[16]\", \"comm\", 16, 1, 0, 0 },\n"
	"	{ \"u64\", \"b\", 8, 8, 0, 0 }, {} };\n"
	"struct trace_event_call { void *next, *prev; struct trace_event_class *class; };\n"
	"static const char mod_name[] __attribute__((section(\".modinfo\"), used, aligned(1))) = \"name=tiny_mod\";\n"
	"void tiny_traced(void) { __asm__ volatile(\"\"); }\n"
	"__attribute__((no_instrument_function)) void tiny_notrace(void) { __asm__ volatile(\"\"); }\n"
	"__attribute__((section(\".init.text\"))) int tiny_init(void) { return 0; }\n"
	"__attribute__((section(\".kprobes.text\"))) void tiny_kprobes_text(void) { __asm__ volatile(\"\"); }\n"
	"void tiny_nokprobe(void) { __asm__ volatile(\"\"); }\n"
	"static void *const bl[] __attribute__((section(\"_kprobe_blacklist\"), used)) = { (void *)tiny_nokprobe };\n"
	"static const char str__tiny__trace_system_name[] = \"tiny\";\n"
	"static const char str__tiny_two__trace_system_name[] = \"tiny-two\";\n"
	"static struct trace_event_class trace_event_class_one = { .system = str__tiny__trace_system_name,\n"
	"	.fields_array = trace_event_fields_one };\n"
	"static struct trace_event_class trace_event_class_two = { .system = str__tiny_two__trace_system_name };\n"
	"static struct trace_event_call event_tiny_start = { .class = &trace_event_class_one };\n"
	"static struct trace_event_call event_tiny_stop = { .class = &trace_event_class_two };\n"
	"static struct trace_event_call *p1 __attribute__((section(\"_ftrace_events\"), used)) = &event_tiny_start;\n"
	"static struct trace_event_call *p2 __attribute__((section(\"_ftrace_events\"), used)) = &event_tiny_stop;\n";

static const struct {
	int line;
	const char *name;
	bool ftrace, blacklisted;
} want_fn[] = {
	{ __LINE__, "tiny_traced", true, false },	/* an fentry site */
	{ __LINE__, "tiny_notrace", false, false },	/* notrace: none */
	{ __LINE__, "tiny_kprobes_text", true, true },	/* __kprobes */
	{ __LINE__, "tiny_nokprobe", true, true },	/* NOKPROBE_SYMBOL */
};

static const struct {
	int line;
	const char *system, *event;
} want_ev[] = {
	{ __LINE__, "tiny", "tiny_start" },
	{ __LINE__, "tiny-two", "tiny_stop" },	/* a system that is no C name */
};

/* tiny_start's format: after the 8-byte header, each field at its align */
static const struct churn_field want_f[] = {
	{ "a", "int", 8, 4, 1 },
	{ "comm", "char[16]", 12, 16, 0 },
	{ "b", "u64", 32, 8, 0 },	/* 28 rounded up to its align, 8 */
};

#define N(a) (int)(sizeof(a) / sizeof((a)[0]))

static const struct churn_kmod_fn *find_fn(const struct churn_kmod *m, const char *name)
{
	for (size_t i = 0; i < m->nfn; i++)
		if (!strcmp(m->fn[i].name, name))
			return &m->fn[i];
	return NULL;
}

static const struct churn_kmod_ev *find_ev(const struct churn_kmod *m, const char *sys,
					   const char *ev)
{
	for (size_t i = 0; i < m->nev; i++)
		if (!strcmp(m->ev[i].system, sys) && !strcmp(m->ev[i].event, ev))
			return &m->ev[i];
	return NULL;
}

int main(void)
{
	char tmp[] = "/tmp/pc-kmod-XXXXXX", src[64], ko[64], cmd[512], err[PATH_MAX + 256] = "";
	struct churn_kmod m;
	FILE *f;
	int ret;

	ktap_plan(6 + N(want_fn) + N(want_ev));
	if (!mkdtemp(tmp))
		return 1;
	snprintf(src, sizeof(src), "%s/tiny.c", tmp);
	snprintf(ko, sizeof(ko), "%s/tiny-mod.ko", tmp);
	f = fopen(src, "w");
	if (!f || fputs(tiny_c, f) == EOF || fclose(f) == EOF)
		return 1;
	snprintf(cmd, sizeof(cmd), "gcc -c -O2 -pg -mfentry -mrecord-mcount -o %s %s 2>/dev/null",
		 ko, src);
	if (system(cmd) != 0) {
		for (int i = 0; i < 6 + N(want_fn) + N(want_ev); i++)
			ktap_skip("gcc cannot build an -mfentry -mrecord-mcount object here",
				  "module reader");
		unlink(src);
		rmdir(tmp);
		return ktap_finish();
	}

	ret = churn_kmod_read(ko, &m, err, sizeof(err));
	KTAP_OK(ret == PC_OK && !strcmp(m.name, "tiny_mod"),
		"read; the name is .modinfo's (tiny_mod), not the file's: '%s' %s", m.name, err);
	KTAP_OK(m.nfn == (size_t)N(want_fn) && m.init_fns == 1,
		"%zu functions (want %d), %zu .init function left out (want 1)", m.nfn,
		N(want_fn), m.init_fns);
	for (int i = 0; i < N(want_fn); i++) {
		const struct churn_kmod_fn *fn = find_fn(&m, want_fn[i].name);

		if (!KTAP_OK(fn && fn->ftrace == want_fn[i].ftrace &&
			     fn->blacklisted == want_fn[i].blacklisted,
			     "%s: ftrace %d, blacklisted %d", want_fn[i].name, want_fn[i].ftrace,
			     want_fn[i].blacklisted))
			printf("# row at line %d; got %s\n", want_fn[i].line,
			       fn ? (fn->ftrace ? "ftrace" : "no ftrace") : "no such function");
	}
	for (int i = 0; i < N(want_ev); i++)
		if (!KTAP_OK(find_ev(&m, want_ev[i].system, want_ev[i].event),
			     "event %s:%s, its system from event_NAME.class->system",
			     want_ev[i].system, want_ev[i].event))
			printf("# row at line %d\n", want_ev[i].line);
	KTAP_OK(m.nev == (size_t)N(want_ev) && m.ev_unresolved == 0,
		"%zu events, %zu unresolved (want %d, 0)", m.nev, m.ev_unresolved, N(want_ev));
	{
		const struct churn_kmod_ev *ev = find_ev(&m, "tiny", "tiny_start");
		const struct churn_kmod_ev *no = find_ev(&m, "tiny-two", "tiny_stop");
		bool same = ev && ev->have_format && ev->nf == (size_t)N(want_f);

		for (int i = 0; same && i < N(want_f); i++)
			same = !strcmp(ev->f[i].name, want_f[i].name) &&
			       !strcmp(ev->f[i].type, want_f[i].type) &&
			       ev->f[i].offset == want_f[i].offset && ev->f[i].size == want_f[i].size &&
			       ev->f[i].sign == want_f[i].sign;
		KTAP_OK(same, "tiny_start's format from its fields_array: a int @8, comm char[16] @12, b u64 @32");
		KTAP_OK(no && !no->have_format && m.ev_noformat == 1,
			"tiny_stop has no fields_array: no format, counted, never a guessed one");
	}
	churn_kmod_free(&m);

	/* a file that is no ELF: refused with the reason, nothing returned */
	ret = churn_kmod_parse("not an ELF file", 15, "junk.ko", &m, err, sizeof(err));
	KTAP_OK(ret == PC_ERR_INVAL && strstr(err, "junk.ko") && !m.nfn,
		"a file that is not ELF: PC_ERR_INVAL naming it (%s)", err);
	unlink(ko);
	unlink(src);
	rmdir(tmp);
	return ktap_finish();
}
