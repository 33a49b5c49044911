#!/bin/sh
# The LAVA job template and test definition (scripts/lava/, docs/nightly.md
# "Fleet") against LAVA's own schemas from lava-common: the filled job
# validates, a broken one is refused with exit 2 naming the path; the
# KTAP and results.csv converters map results to LAVA pass/fail/skip
# (rows2lava.sh is POSIX awk: the device may have no python).
# Skipped where lava-common is not installed (apt-get install lava-common).
. tests/ktap.sh

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ktap_plan 7
if ! /usr/bin/python3 -c 'import lava_common.schemas' 2>/dev/null; then
	skip "the filled job validates against lava-common's schema" "lava-common not installed"
	skip "a job with another boot method is refused" "lava-common not installed"
else
	sh scripts/lava/lava-job.sh https://example.org/vmlinuz-6.12.9 \
		https://example.org/initrd.img-6.12.9 \
		https://example.org/debian-12.img >"$TMP/job.yaml" 2>"$TMP/job.err"
	rc=$?
	ok "$([ $rc -eq 0 ] && grep -q 'url: "https://example.org/vmlinuz-6.12.9"' "$TMP/job.yaml" && echo 0 || echo 1)" \
		"the filled job validates against lava-common's schema ($rc)"
	[ $rc -eq 0 ] || diag "$(cat "$TMP/job.err")"
	mkdir "$TMP/lava" && cp scripts/lava/* "$TMP/lava/"
	sed -i 's/method: qemu$/method: qemu-nfs-typo/' "$TMP/lava/probecost-job.yaml"
	sh "$TMP/lava/lava-job.sh" https://x/k https://x/i https://x/r >/dev/null 2>"$TMP/bad.err"
	rc=$?
	ok "$([ $rc -eq 2 ] && grep -q 'does not validate' "$TMP/bad.err" && echo 0 || echo 1)" \
		"a job with another boot method is refused: exit 2 ($rc)"
fi

sh scripts/lava/lava-job.sh 'not a url' ftp://x/i '' >/dev/null 2>"$TMP/url.err"
check "image URLs that are not http(s):// or file:// are refused: exit 2 naming them" \
	sh -c "[ $? -eq 2 ] && grep -q \"'not a url' is not an image URL\" '$TMP/url.err'"
printf 'KTAP version 1\n1..3\n# x\nok 1 comparable runs # SKIP differ\nnot ok 2 user-branch flag-test:on recording overhead (ns)\nok 3 none loop absent cost (ns)\n' |
	sh scripts/lava/ktap2lava.sh >"$TMP/k"
check "KTAP -> LAVA: skip, fail, pass with safe names" \
	sh -c "printf 'comparable_runs skip\nuser-branch_flag-test_on_recording_overhead_ns_ fail\nnone_loop_absent_cost_ns_ pass\n' | cmp -s - '$TMP/k'"
sh scripts/lava/rows2lava.sh tests/fixtures/run/results.csv >"$TMP/rows"
check "results.csv -> LAVA: a measured row passes with its median and unit" \
	grep -q '^user-branch.enabled.overhead pass [0-9.e-]* ns$' "$TMP/rows"
check "results.csv -> LAVA: one case per row" \
	[ "$(wc -l <"$TMP/rows")" -eq "$(($(wc -l <tests/fixtures/run/results.csv) - 1))" ]
printf 'mechanism,state,metric,unit,median\nnone,absent,cost,ns,1\n' >"$TMP/nostatus.csv"
sh scripts/lava/rows2lava.sh "$TMP/nostatus.csv" >/dev/null 2>"$TMP/nostatus.err"
rc=$?
ok "$([ $rc -eq 2 ] && grep -q 'no column status' "$TMP/nostatus.err" && echo 0 || echo 1)" \
	"results.csv -> LAVA: a file without a status column is refused: exit 2 ($rc)"
ktap_finish
