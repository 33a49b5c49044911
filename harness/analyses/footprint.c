// SPDX-License-Identifier: MIT
/*
 * Static footprint: the bytes a mechanism's instrumentation adds to the
 * program, read from the built objects rather than estimated.
 *
 * By the symbol contract of site.h, mechanism "foo-bar" has its site
 * pcsite_foo_bar, the uninstrumented twin pcsite_foo_bar_absent and
 * out-of-line handlers pchandler_foo_bar*. So:
 *
 *   footprint-site     size(pcsite_foo_bar) - size(pcsite_foo_bar_absent):
 *                      what the hot path grew by (I-cache lines, fetch)
 *   footprint-handler  out-of-line code: the handlers, plus the parts the
 *                      compiler split off the site (pcsite_foo_bar.cold)
 *
 * A handler name matching two mechanisms (foo and foo-bar) belongs to the
 * longer one. Sites of user-space mechanisms are in /proc/self/exe, those
 * of the module in probecost.ko; a site in the live kernel image is not
 * probecost's code and is reported unsupported. Only symbol sizes are
 * counted: data the instrumentation adds elsewhere (a __jump_table entry,
 * a tracepoint struct) is not attributed to a symbol of this contract.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyses.h"
#include "elfsym.h"
#include "errors.h"
#include "module_dev.h"
#include "registry.h"

static void ident(const char *name, char *buf, size_t len)
{
	size_t i = 0;

	for (; name[i] && i + 1 < len; i++)
		buf[i] = name[i] == '-' ? '_' : name[i];
	buf[i] = '\0';
}

/* The mechanism a pchandler_ symbol belongs to: the longest name match. */
static bool handler_of(const char *sym, const char *id)
{
	const char *rest = sym + strlen("pchandler_");
	size_t best = 0, mine = strlen(id);
	char other[128];

	if (strncmp(rest, id, mine))
		return false;
	for (size_t i = 0; i < pc_registry_count(); i++) {
		size_t l;

		ident(pc_registry_get(i)->name, other, sizeof(other));
		l = strlen(other);
		if (l > best && !strncmp(rest, other, l))
			best = l;
	}
	return best <= mine;
}

struct sizes {
	double site, twin, ool;
	bool have_site, have_twin;
	char list[256];		/* out-of-line symbols, for the note */
};

static void add_list(struct sizes *z, const char *name, uint64_t size)
{
	size_t off = strlen(z->list);

	snprintf(z->list + off, sizeof(z->list) - off, "%s%s %llu B",
		 off ? ", " : "", name, (unsigned long long)size);
}

static void attribute(const struct pc_elfsyms *syms, const char *id, struct sizes *z)
{
	char site[160], twin[160];
	size_t ls, lt;

	snprintf(site, sizeof(site), "pcsite_%s", id);
	snprintf(twin, sizeof(twin), "pcsite_%s_absent", id);
	ls = strlen(site);
	lt = strlen(twin);
	for (size_t i = 0; i < syms->n; i++) {
		const char *nm = syms->s[i].name;
		double sz = (double)syms->s[i].size;

		if (!strcmp(nm, site)) {
			z->site += sz;
			z->have_site = true;
		} else if (!strcmp(nm, twin)) {
			z->twin += sz;
			z->have_twin = true;
		} else if (!strncmp(nm, twin, lt) && nm[lt] == '.') {
			z->twin += sz;		/* the twin's own split parts */
		} else if (!strncmp(nm, site, ls) && nm[ls] == '.') {
			z->ool += sz;
			add_list(z, nm, syms->s[i].size);
		} else if (!strncmp(nm, "pchandler_", 10) && handler_of(nm, id)) {
			z->ool += sz;
			add_list(z, nm, syms->s[i].size);
		}
	}
}

int pc_footprint_run(struct pc_actx *c, const struct pc_mech *m)
{
	static const char *const prefixes[] = { "pcsite_", "pchandler_", NULL };
	char path[PATH_MAX], id[128], why[PATH_MAX + 128], note[512];
	const char *obj;
	struct pc_elfsyms syms;
	struct sizes z;
	int ret;

	/*
	 * A mechanism with only the absent state instruments nothing; one
	 * this machine cannot run has its unsupported rows already (a site
	 * that does not exist here, such as user_events', has no footprint),
	 * but the module's are read from probecost.ko's file, loaded or not.
	 */
	if (!(m->states & ~PC_ST(PC_ABSENT)) ||
	    (m->where != PC_WHERE_MODULE && pc_mech_available(m, why, sizeof(why)) != PC_OK))
		return PC_OK;
	memset(&z, 0, sizeof(z));
	ident(m->name, id, sizeof(id));
	if (m->where == PC_WHERE_MODULE) {
		if (pc_module_find(path, sizeof(path)) != PC_OK) {
			pc_sink_note(&c->e->out, m, "-", "footprint-site", "unsupported",
				     "probecost.ko not found (set PROBECOST_KO, or build it: make kmod)");
			return PC_OK;
		}
	} else {
		snprintf(path, sizeof(path), "/proc/self/exe");
	}
	ret = pc_elfsyms_load(path, prefixes, &syms, why, sizeof(why));
	if (ret != PC_OK) {
		pc_sink_note(&c->e->out, m, "-", "footprint-site",
			     pc_status_of(ret), why);
		return ret == PC_ERR_NOMEM ? ret : PC_OK;
	}
	attribute(&syms, id, &z);
	pc_elfsyms_free(&syms);
	obj = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (!strcmp(path, "/proc/self/exe"))
		obj = "probecost";
	if (!z.have_site) {
		snprintf(why, sizeof(why), "no symbol pcsite_%s in %s: the site is not probecost's code (%s)",
			 id, obj, m->where == PC_WHERE_KERNEL ? "it is in the kernel image" :
			 "does the mechanism follow the site.h naming contract?");
		pc_sink_note(&c->e->out, m, "-", "footprint-site", "unsupported", why);
		return PC_OK;
	}
	if (z.have_twin) {
		double v = z.site - z.twin;

		snprintf(note, sizeof(note), "pcsite_%s %.0f B minus its absent twin %.0f B",
			 id, z.site, z.twin);
		pc_sink_series(&c->e->out, m, &(struct pc_series){
			.variant = obj, .state = "-", .metric = "footprint-site",
			.unit = "bytes", .backend = "elf", .v = &v, .n = 1,
			.hit_ratio = NAN, .note = note,
		});
	} else {
		snprintf(why, sizeof(why), "pcsite_%s is %.0f B but has no absent twin pcsite_%s_absent to subtract",
			 id, z.site, id);
		pc_sink_note(&c->e->out, m, "-", "footprint-site", "unsupported", why);
	}
	snprintf(note, sizeof(note), "%s", z.list[0] ? z.list : "no out-of-line symbols");
	pc_sink_series(&c->e->out, m, &(struct pc_series){
		.variant = obj, .state = "-", .metric = "footprint-handler",
		.unit = "bytes", .backend = "elf", .v = &z.ool, .n = 1,
		.hit_ratio = NAN, .note = note,
	});
	return PC_OK;
}
