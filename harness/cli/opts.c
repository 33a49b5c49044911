// SPDX-License-Identifier: MIT
/* Option parsing helpers with errors that name the option. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "opts.h"

int pc_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "probecost %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return PC_ERR_USAGE;
}

int pc_opt_u64(const char *cmd, const char *opt, const char *arg,
	       uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!arg || !*arg || !isdigit((unsigned char)arg[0]))
		goto bad;
	errno = 0;
	v = strtoull(arg, &end, 10);
	/* the syntax first: "1e3" is no whole number, not 1 out of range */
	if (*end || (errno && errno != ERANGE))
		goto bad;
	if (errno == ERANGE || v > max || v < min)
		return pc_usage_error(cmd, "%s %s: out of range; accepted: %" PRIu64 "..%" PRIu64,
				      opt, arg, min, max);
	*out = v;
	return PC_OK;
bad:
	return pc_usage_error(cmd, "%s '%s': not a whole number; accepted: %" PRIu64 "..%" PRIu64,
			      opt, arg ? arg : "", min, max);
}

static void list_options(const struct option *lo, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; lo[i].name && off < len; i++) {
		int w = snprintf(buf + off, len - off, "%s--%s", i ? ", " : "", lo[i].name);

		if (w < 0)
			break;
		off += (size_t)w;
	}
}

int pc_opt_bad(const char *cmd, const struct option *lo, char *const *argv,
	       int optind, int optopt, int ret)
{
	const char *arg = argv[optind - 1];
	char valid[512];

	list_options(lo, valid, sizeof(valid));
	if (ret == ':')
		return pc_usage_error(cmd, "option %s needs a value; see probecost %s --help",
				      arg, cmd);
	if (optopt && !(arg[0] == '-' && arg[1] == '-'))
		return pc_usage_error(cmd, "unknown option '-%c'; valid: %s", optopt, valid);
	return pc_usage_error(cmd, "unknown option '%s'; valid: %s", arg, valid);
}

int pc_opt_each(const char *cmd, const char *opt, const char *list,
		int (*fn)(void *ctx, const char *item), void *ctx,
		const char *empty_hint)
{
	char *dup = strdup(list), *item, *next;
	size_t n = 0, len = strlen(list);
	int ret = PC_OK;

	if (!dup)
		return PC_ERR_NOMEM;
	if (strspn(list, ",") == len) {
		free(dup);
		return pc_usage_error(cmd, "%s: empty list; %s", opt, empty_hint);
	}
	/* check the whole list first: refuse before acting on half of it */
	for (item = dup; item && ret == PC_OK; item = next, n++) {
		next = strchr(item, ',');
		if (next)
			*next++ = '\0';
		if (!*item)
			ret = pc_usage_error(cmd, "%s: empty element in '%s' (a doubled, leading or trailing comma)",
					     opt, list);
		for (const char *o = dup; ret == PC_OK && o < item; o += strlen(o) + 1)
			if (!strcmp(o, item))
				ret = pc_usage_error(cmd, "%s: '%s' is named twice in '%s'", opt,
						     item, list);
	}
	for (item = dup; ret == PC_OK && n--; item += strlen(item) + 1)
		ret = fn(ctx, item);
	free(dup);
	return ret;
}

int pc_opt_no_args(const char *cmd, int argc, char *const *argv, int optind)
{
	if (optind < argc)
		return pc_usage_error(cmd, "unexpected argument '%s'; see probecost %s --help",
				      argv[optind], cmd);
	return PC_OK;
}
