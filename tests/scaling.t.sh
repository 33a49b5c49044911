#!/bin/sh
# The scaling analysis for every mechanism that can fire from several
# threads at once (issue 13): user-branch, a uprobe, USDT and the syscall
# tracepoint each get cost, throughput and (from 2 threads) efficiency
# rows for 1 and, on a machine with 2 PUs or more, 2 threads. The uprobe's
# and the tracepoint's hits, counted by a perf count opened with inherit
# or the instance's ring (all CPUs, pid filter following the threads),
# are exactly T x N (hit ratio 1), and the row's note says how they were
# counted. A mechanism that cannot scale (the module's tracepoint) has an
# unsupported row with the reason, the report groups the table by
# family, and nothing is left armed.
. tests/ktap.sh
. tests/user_helpers.sh
user_test_start 7

"$PROBECOST" run --no-vm --repeat 6 --analyses scaling \
	--mech user-branch,uprobe-nop,usdt,syscall-tracepoint,tracepoint \
	--tracer self,perf,ftrace --out "$TMP/r" >"$TMP/r.log" 2>&1
rc=$?
ok $rc "run --analyses scaling exits 0"
[ $rc -eq 0 ] || diag "$(tail -5 "$TMP/r.log")"

python3 - "$TMP/r/results.csv" "$(nproc)" >"$TMP/py" 2>&1 <<'PY'
import csv, sys
res = list(csv.DictReader(open(sys.argv[1])))
npu = int(sys.argv[2])
ts = [1, 2] if npu >= 2 else [1]
def say(cond, what):
    print("%s %s" % ("ok" if cond else "FAIL", what))
def get(m, st, metric):
    return [r for r in res if r["mechanism"] == m and r["state"] == st and r["metric"] == metric]
mechs = ("user-branch", "uprobe-nop", "usdt", "syscall-tracepoint")
missing = []
for m in mechs:
    for st in ("absent", "enabled", "recording"):
        for t in ts:
            for metric in ["scaling-cost-t%d" % t, "scaling-throughput-t%d" % t] + \
                          (["scaling-efficiency-t%d" % t] if t > 1 else []):
                rows = get(m, st, metric)
                if len(rows) != 1 or rows[0]["status"] != "ok" or rows[0]["ci95_low"] == "":
                    missing.append((m, st, metric, rows and rows[0]["status"]))
say(not missing, "cost, throughput and efficiency rows with a CI for %s, threads %s %s"
    % (", ".join(mechs), ts, missing[:3]))
bad = []
for m in ("uprobe-nop", "usdt", "syscall-tracepoint"):
    for st in ("enabled", "recording"):
        for t in ts:
            r = get(m, st, "scaling-cost-t%d" % t)
            if not r or r[0]["hit_ratio"] != "1":
                bad.append((m, st, t, r and r[0]["hit_ratio"]))
say(not bad, "hits == T x N (hit ratio 1) for the uprobe, USDT and the syscall tracepoint %s" % bad[:3])
notes = [get(m, "enabled", "scaling-cost-t%d" % ts[-1]) for m in ("uprobe-nop", "syscall-tracepoint")]
say(all(n and "inherit" in n[0]["note"] for n in notes) and
    "follows the new threads" in get("syscall-tracepoint", "recording", "scaling-cost-t1")[0]["note"],
    "the notes say how several threads' hits were counted")
un = [r for r in res if r["mechanism"] == "tracepoint" and r["metric"] == "scaling"]
say(len(un) == 1 and un[0]["status"] == "unsupported" and un[0]["note"],
    "the module's tracepoint: one unsupported scaling row with its reason %s"
    % [(r["status"], r["note"][:60]) for r in un])
PY
ok_verdicts "$TMP/py" 4

"$PROBECOST" report "$TMP/r" >/dev/null 2>&1 &&
	grep -q '^uprobe-nop (dynamic, user; ' "$TMP/r/report.txt" &&
	grep -q '^syscall-tracepoint (static, kernel; ' "$TMP/r/report.txt"
ok $? "the report's scaling table groups the mechanisms by family"

ok_no_leftovers "$before"
ktap_finish
