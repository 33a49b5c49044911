#!/bin/sh
# results.csv -> "name result measurement unit" lines for lava-test-case.
#
#   scripts/lava/rows2lava.sh RESULTS.CSV
#
# One line per row: name mechanism.state.metric (LAVA-safe), result pass
# for a measured row (status ok or miscount), skip for unsupported or
# skipped, fail otherwise; the median as the measurement ("-" when none).
# POSIX awk, no python: a LAVA device may have only a busybox userland
# (scripts/lava/lava-local.sh boots one). Exit 2 when the file cannot be
# read or lacks a column it needs.
set -u
[ $# -eq 1 ] || { echo "usage: scripts/lava/rows2lava.sh RESULTS.CSV" >&2; exit 2; }
[ -r "$1" ] || { echo "rows2lava: $1: not readable" >&2; exit 2; }
exec awk '
# split one CSV record into f[1..n] (RFC 4180 quoting: "a,b" and "" inside)
function csv(line, f,    n, i, c, q, cur) {
	n = 0; cur = ""; q = 0
	for (i = 1; i <= length(line); i++) {
		c = substr(line, i, 1)
		if (q) {
			if (c == "\"" && substr(line, i + 1, 1) == "\"") { cur = cur c; i++ }
			else if (c == "\"") q = 0
			else cur = cur c
		} else if (c == "\"") q = 1
		else if (c == ",") { f[++n] = cur; cur = "" }
		else cur = cur c
	}
	f[++n] = cur
	return n
}
function safe(s, extra) {
	gsub("[^-_a-zA-Z0-9." extra "]+", "_", s)
	return s
}
{ sub(/\r$/, "") }
NR == 1 {
	n = csv($0, h)
	for (i = 1; i <= n; i++) col[h[i]] = i
	split("mechanism state metric unit median status", need, " ")
	for (i = 1; i in need; i++)
		if (!(need[i] in col)) {
			printf "rows2lava: %s: no column %s in the header\n", FILENAME, need[i] > "/dev/stderr"
			exit 2
		}
	next
}
{
	csv($0, f)
	st = f[col["status"]]
	r = (st == "ok" || st == "miscount") ? "pass" : \
	    (st == "unsupported" || st == "skipped") ? "skip" : "fail"
	v = (f[col["median"]] != "" && r == "pass") ? f[col["median"]] : "-"
	u = safe(f[col["unit"]], "/%")
	print safe(f[col["mechanism"]] "." f[col["state"]] "." f[col["metric"]], ""), r, v, (u == "" ? "-" : u)
}' "$1"
