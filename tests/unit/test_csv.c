// SPDX-License-Identifier: MIT
/*
 * CSV through libcsv: a round trip of awkward fields, the .part/rename
 * protocol, and the reader's file:line errors on broken files.
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvio.h"
#include "errors.h"
#include "ktap.h"

static const char *const fields[] = {
	"plain", "with,comma", "with \"quotes\"", "multi\nline", " lead",
	"trail ", "", "12.5", "crlf\r\nend", "ünïcode",
};

#define NF (sizeof(fields) / sizeof(fields[0]))

static char dir[] = "/tmp/pc-test-csv-XXXXXX";

static void put(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static const struct {
	const char *name, *text, *expect;	/* expect: fragment of the error */
	int line;
} bad[] = {
	{ "empty.csv", "", "empty.csv:1: empty file", __LINE__ },
	{ "short.csv", "a,b,c\n1,2,3\n4,5\n", "short.csv:3: expected 3 fields", __LINE__ },
	{ "long.csv", "a,b\n1,2\n3,4\n5,6,7\n", "long.csv:4: expected 2 fields", __LINE__ },
	{ "quote.csv", "a,b\n1,\"unterminated\n", "quote.csv:2: malformed CSV at end", __LINE__ },
	{ "stray.csv", "a,b\n1,x\"y\"z\n", "stray.csv:2: malformed CSV", __LINE__ },
	{ "foreign.csv", "name,age\nbob,3\n", "foreign.csv:1: header lacks column 'median'", __LINE__ },
};

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

int main(void)
{
	const char *need[] = { "median", NULL };
	struct pc_csvw w;
	struct pc_table t;
	char path[128], err[512];
	int ret, same = 1;

	ktap_plan(8 + (int)(sizeof(bad) / sizeof(bad[0])));
	if (!mkdtemp(dir))
		return 1;

	snprintf(path, sizeof(path), "%s/rt.csv", dir);
	ret = pc_csvw_open(&w, path, fields, NF);
	for (int r = 0; r < 3 && ret == PC_OK; r++) {
		for (size_t i = 0; i < NF; i++)
			pc_csvw_str(&w, fields[(i + (size_t)r) % NF]);
		ret = pc_csvw_endrow(&w);
	}
	KTAP_OK(ret == PC_OK && access(path, F_OK) != 0,
		"rows written; final name absent until commit");
	ret = pc_csvw_close(&w, true);
	KTAP_OK(ret == PC_OK && access(path, F_OK) == 0, "commit renames .part into place");

	ret = pc_table_load(path, NULL, &t, err, sizeof(err));
	KTAP_OK(ret == PC_OK && t.ncols == NF && t.nrows == 3, "reads back %zu x %zu", t.nrows, t.ncols);
	for (size_t r = 0; ret == PC_OK && r < 3; r++)
		for (size_t i = 0; i < NF; i++)
			same &= !strcmp(pc_table_cell(&t, r, (int)i), fields[(i + r) % NF]);
	for (size_t i = 0; ret == PC_OK && i < NF; i++)
		same &= !strcmp(t.header[i], fields[i]);
	KTAP_OK(ret == PC_OK && same, "every field survives the round trip byte for byte");
	/* rows with embedded newlines end on later physical lines */
	KTAP_OK(ret == PC_OK && t.line[0] > 2 && t.line[2] > t.line[1],
		"row line numbers follow physical lines (%zu, %zu, %zu)",
		t.line[0], t.line[1], t.line[2]);
	if (ret == PC_OK)
		pc_table_free(&t);

	snprintf(path, sizeof(path), "%s/abandoned.csv", dir);
	pc_csvw_open(&w, path, fields, 2);
	pc_csvw_str(&w, "only one field");
	ret = pc_csvw_endrow(&w);
	KTAP_OK(ret == PC_ERR_INVAL, "a row with the wrong field count is refused");
	pc_csvw_close(&w, false);
	KTAP_OK(access(path, F_OK) != 0, "an uncommitted file never gets its final name");

	snprintf(path, sizeof(path), "%s/nothere.csv", dir);
	ret = pc_table_load(path, NULL, &t, err, sizeof(err));
	KTAP_OK(ret == PC_ERR_IO && strstr(err, "nothere.csv: cannot open"),
		"missing file: %s", err);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put(bad[i].name, bad[i].text);
		snprintf(path, sizeof(path), "%s/%s", dir, bad[i].name);
		err[0] = '\0';
		ret = pc_table_load(path, need, &t, err, sizeof(err));
		KTAP_OK(ret == PC_ERR_INVAL && strstr(err, bad[i].expect),
			"%s refused: \"%s\" (row line %d)", bad[i].name, err, bad[i].line);
	}
	nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	return ktap_finish();
}
