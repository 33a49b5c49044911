#!/bin/sh
# The default repeats per entry (cmd_run.c entry_repeats):
#   - without --repeat, a uprobe or USDT primitive (PC_MECH_GRACE: every
#     disarm waits out an RCU grace period) measures 21 repeats, a
#     tracer's entry on a primitive's site (perf-record) 11, a site
#     without such waits (user-branch) the run's 31; each row's
#     `repeats` and samples.csv's repeat indexes say so;
#   - meta.csv records grace_repeats and tracer_repeats, and the report's
#     method part names both; only for the kinds a run measured with fewer
#     repeats (none for user-branch alone; under --quick's 21 only the
#     tracer entries' 11);
#   - --repeat R gives every entry R and records neither;
#   - nothing is left armed.
. tests/ktap.sh
. tests/user_helpers.sh
user_test_start 8

run() {
	_n=$1
	shift
	"$PROBECOST" run --no-vm --mech user-branch,uprobe-nop --tracer self,ftrace,perf-record \
		--state absent,recording --analyses none --out "$TMP/$_n" "$@" >"$TMP/$_n.out" 2>&1
}
# the rows' repeats per (mechanism, tracer), and the samples' largest repeat index + 1
repeats() {
	python3 - "$TMP/$1" <<'PY'
import csv, sys
d = sys.argv[1]
rows = {(r["mechanism"], r["tracer"]): r["repeats"]
        for r in csv.DictReader(open(d + "/results.csv"))
        if r["metric"] == "overhead" and r["state"] == "recording"}
top = {}
for s in csv.DictReader(open(d + "/samples.csv")):
    if s["metric"] == "overhead" and s["state"] == "recording":
        k = (s["mechanism"], s["tracer"])
        top[k] = max(top.get(k, 0), int(s["repeat"]) + 1)
print(" ".join("%s/%s=%s,%s" % (m, t, rows[(m, t)], top.get((m, t)))
               for m, t in sorted(rows)))
PY
}

run def
got=$(repeats def)
ok "$([ "$got" = "uprobe-nop/ftrace=21,21 uprobe-nop/perf-record=11,11 user-branch/self=31,31" ] && echo 0 || echo 1)" \
	"default: uprobe-nop 21 repeats, its perf-record entry 11, user-branch 31 (rows,samples: $got)"
ok "$(grep -qx 'grace_repeats,21' "$TMP/def/meta.csv" && grep -qx 'tracer_repeats,11' "$TMP/def/meta.csv" && grep -qx 'repeats,31' "$TMP/def/meta.csv" && echo 0 || echo 1)" \
	"meta.csv: repeats 31, grace_repeats 21, tracer_repeats 11"
"$PROBECOST" report "$TMP/def" >/dev/null 2>&1
ok "$(tr '\n' ' ' <"$TMP/def/report.txt" | sed 's/  */ /g' | grep -q 'fewer repeats 21 for the uprobe and USDT sites, 11 for the bpf and perf-record entries' && echo 0 || echo 1)" \
	"report.txt's method part names both reductions"

run six --repeat 6
got=$(repeats six)
ok "$([ "$got" = "uprobe-nop/ftrace=6,6 uprobe-nop/perf-record=6,6 user-branch/self=6,6" ] && echo 0 || echo 1)" \
	"--repeat 6: every entry 6 repeats ($got)"
ok "$(grep -q 'grace_repeats\|tracer_repeats' "$TMP/six/meta.csv" && echo 1 || echo 0)" \
	"--repeat 6: meta.csv records no reduction"
# a run of user-branch alone measures nothing with fewer repeats: no key, no line
"$PROBECOST" run --no-vm --mech user-branch --state absent,enabled --analyses none \
	--out "$TMP/ub" >"$TMP/ub.out" 2>&1
"$PROBECOST" report "$TMP/ub" >/dev/null 2>&1
ok "$(grep -q 'grace_repeats\|tracer_repeats' "$TMP/ub/meta.csv" || grep -q 'fewer repeats' "$TMP/ub/report.txt" || echo 0)" \
	"user-branch alone: meta.csv and the report name no fewer repeats"
# --quick (21 repeats): the uprobe site is not fewer, the tracer entry is; no '?' in the line
"$PROBECOST" run --no-vm --quick --mech uprobe-nop --tracer perf,perf-record --state absent,enabled,recording \
	--analyses none --out "$TMP/q" >"$TMP/q.out" 2>&1
"$PROBECOST" report "$TMP/q" >/dev/null 2>&1
ok "$(! grep -q 'grace_repeats' "$TMP/q/meta.csv" && grep -qx 'tracer_repeats,11' "$TMP/q/meta.csv" &&
	tr '\n' ' ' <"$TMP/q/report.txt" | sed 's/  */ /g' | grep -q 'fewer repeats 11 for the bpf and perf-record' &&
	! grep -q 'fewer repeats *?' "$TMP/q/report.txt" && echo 0 || echo 1)" \
	"--quick: only the tracer entry's 11 recorded and reported, no '?'"
ok_no_leftovers "$before"
ktap_finish
