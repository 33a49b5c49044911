// SPDX-License-Identifier: MIT
/*
 * The report's document model keeps every text line within the width
 * whatever it is fed (long words, long keys, wide tables), loses no
 * text in wrapping, and renders the same cells into Markdown.
 */
#include <stdio.h>
#include <string.h>

#include "doc.h"
#include "errors.h"
#include "ktap.h"

#define WIDTH 72

static const char long_word[] =
	"a-mechanism-name-far-longer-than-any-column-could-ever-hold-in-72-columns-of-text";

int main(void)
{
	static const char *const head[] = { "mechanism / state", "variant", "median", "95% CI" };
	char line[1024], all[16384] = "";
	size_t longest = 0, lines = 0;
	struct pc_doc d;
	FILE *f;
	int ret;

	ktap_plan(5);
	pc_doc_init(&d);
	pc_doc_title(&d, "probecost report: a title that goes on and on well past the width of an e-mail");
	pc_doc_heading(&d, "Environment");
	pc_doc_kv(&d, "cpu", "%s", "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz with a long tail of words to wrap");
	pc_doc_kv(&d, long_word, "%s", "value after an over-long key");
	pc_doc_para(&d, "%s %s", long_word, long_word);
	pc_doc_table(&d, 4, head, "llrr");
	pc_doc_group(&d, "%s (user; ns, tsc)", long_word);
	pc_doc_row(&d, (const char *[]){ "  enabled", long_word, "123456789", "[-12345.67, 1234567.8]" });
	pc_doc_row(&d, (const char *[]){ "  disabled", "short", "0.5", "[0.1, 0.9]" });

	f = tmpfile();
	ret = pc_doc_write_text(&d, f, WIDTH);
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strlen(line) > longest)
			longest = strlen(line);
		lines++;
		/* rejoin the wrapped pieces to look for the words */
		strncat(all, line + strspn(line, " "), sizeof(all) - strlen(all) - 1);
	}
	fclose(f);
	KTAP_OK(ret == PC_OK && lines > 10, "text rendered, %zu lines", lines);
	KTAP_OK(longest <= WIDTH, "longest line %zu <= %d columns", longest, WIDTH);
	KTAP_OK(strstr(all, "1234567.8]") && strstr(all, "123456789") &&
		strstr(all, "value after an over-long key"),
		"wrapping keeps every figure and value");

	f = tmpfile();
	ret = pc_doc_write_md(&d, f);
	rewind(f);
	all[0] = '\0';
	while (fgets(line, sizeof(line), f))
		strncat(all, line, sizeof(all) - strlen(all) - 1);
	fclose(f);
	KTAP_OK(ret == PC_OK && strstr(all, "| enabled | a-mechanism-name-far") &&
		strstr(all, "| ---: |") && strstr(all, "## Environment"),
		"Markdown: table rows whole, numbers right-aligned, headings");
	pc_doc_free(&d);

	pc_doc_init(&d);
	pc_doc_row(&d, (const char *[]){ "x" });
	KTAP_OK(pc_doc_write_text(&d, stdout, WIDTH) == PC_ERR_NOMEM,
		"a row without a table is a build error the renderer refuses");
	pc_doc_free(&d);
	return ktap_finish();
}
