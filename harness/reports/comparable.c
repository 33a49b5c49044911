// SPDX-License-Identifier: MIT
/* Which differences between two runs' meta.csv stop a compare (comparable.h). */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "comparable.h"
#include "errors.h"

enum strength { WARN, REFUSE };

static const struct setting {
	const char *key, *what;
	enum strength s;
	const char *fallback;	/* key whose value a run without @key had instead */
} settings[] = {
	{ .key = "cpu_model", .what = "another CPU: compare runs of one machine", .s = REFUSE },
	{ .key = "timer_backend", .what = "another timer, another resolution and unit", .s = REFUSE },
	{ .key = "payload", .what = "another recorded payload size (run --payload)", .s = REFUSE },
	{ .key = "vm_deterministic", .what = "guest costs in instructions on one side only", .s = REFUSE },
	{ .key = "repeats", .what = "other --repeat: CIs and power differ", .s = WARN },
	/* runs before these defaults measured every entry `repeats` times */
	{ .key = "grace_repeats", .what = "the uprobe and USDT sites measured other repeats: CIs and power differ", .s = WARN, .fallback = "repeats" },
	{ .key = "tracer_repeats", .what = "the tracer entries measured other repeats: CIs and power differ", .s = WARN, .fallback = "repeats" },
	{ .key = "target_fire_n", .what = "--quick on one side: other event counts N", .s = WARN },
	{ .key = "kernel", .what = "another host kernel: a change may be the kernel's", .s = WARN },
	{ .key = "vm_series", .what = "another guest kernel series", .s = WARN },
	{ .key = "guest_kernel", .what = "another guest kernel", .s = WARN },
	{ .key = "counters", .what = "other hardware counters (the disturbance guard differs)", .s = WARN },
};

static void note(char *buf, size_t len, const char *key, const char *b, const char *n,
		 const char *what)
{
	snprintf(buf, len, "%s: base '%.60s', new '%.60s' (%s)", key, b, n, what);
}

static bool has_part(const char *dir, char *name, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;

	while (d && !found && (e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (n > 5 && !strcmp(e->d_name + n - 5, ".part")) {
			snprintf(name, len, "%s", e->d_name);
			found = true;
		}
	}
	if (d)
		closedir(d);
	return found;
}

/* An incomplete run on one side: the reason, or false when complete. */
static bool incomplete(const struct pc_run *r, char *why, size_t len)
{
	const char *st = pc_run_meta(r, "status", NULL);
	char part[160];

	if (st && strcmp(st, "complete")) {
		snprintf(why, len, "status '%.40s' in meta.csv", st);
		return true;
	}
	if (has_part(r->dir, part, sizeof(part))) {
		snprintf(why, len, "%.150s left behind (killed while writing?)", part);
		return true;
	}
	return false;
}

static void add(struct pc_comparable *o, bool refuse, const char *text)
{
	if (refuse && o->nrefuse < PC_CMP_MAX_NOTES)
		snprintf(o->refuse[o->nrefuse++], sizeof(o->refuse[0]), "%s", text);
	else if (!refuse && o->nwarn < PC_CMP_MAX_NOTES)
		snprintf(o->warn[o->nwarn++], sizeof(o->warn[0]), "%s", text);
}

int pc_comparable_check(const struct pc_run *base, const struct pc_run *neu,
			bool force, bool allow_partial, struct pc_comparable *out)
{
	const struct pc_run *side[2] = { base, neu };
	char why[240], text[320];

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < 2; i++) {
		if (!incomplete(side[i], why, sizeof(why)))
			continue;
		snprintf(text, sizeof(text), "%s run %.60s is incomplete: %.160s%s",
			 i ? "new" : "base", side[i]->dir, why,
			 allow_partial ? "" : "; compare complete runs, or pass --allow-partial");
		add(out, !allow_partial, text);
	}
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		const struct setting *s = &settings[i];
		const char *b = pc_run_meta(base, s->key, NULL);
		const char *n = pc_run_meta(neu, s->key, NULL);
		bool guest = !strcmp(s->key, "vm_series");

		if (s->fallback && (b || n)) {
			b = b ? b : pc_run_meta(base, s->fallback, NULL);
			n = n ? n : pc_run_meta(neu, s->fallback, NULL);
		}

		if (!b && !n)
			continue;
		if (!b || !n) {
			/* older runs wrote fewer keys; only a guest on one side matters */
			if (guest) {
				note(text, sizeof(text), s->key, b ? b : "(no guest run)",
				     n ? n : "(no guest run)", "the guest ran on one side only");
				add(out, false, text);
			}
			continue;
		}
		if (!strcmp(b, n))
			continue;
		note(text, sizeof(text), s->key, b, n, s->what);
		if (s->s == REFUSE && !force) {
			size_t l = strlen(text);

			snprintf(text + l, sizeof(text) - l,
				 "; compare runs of the same setting, or pass --force");
		}
		add(out, s->s == REFUSE && !force, text);
	}
	return out->nrefuse ? PC_ERR_INVAL : PC_OK;
}
