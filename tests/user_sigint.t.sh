#!/bin/sh
# SIGINT/SIGTERM at random points of a native run of the user-space and
# live-kernel mechanisms (seeds printed): the run exits 130/143, keeps
# only completed rows in valid CSV files, and leaves nothing in
# uprobe_events, kprobe_events or the tracefs instances. Then SIGKILL:
# the next run reaps what the killed one left, and says so. And
# results/latest: an interrupted run keeps its directory, marked
# INTERRUPTED, latest stays on the last whole run, report warns.
. tests/ktap.sh
. tests/user_helpers.sh
need_uprobes

MECHS=usdt,user-static-key,uprobe-nop,uprobe-nop5,uretprobe,syscall-tracepoint
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
before=$(leftovers)

# results.csv parses, every row has the header's width, only our
# mechanisms appear, and meta.csv says the run was interrupted
csv_ok() {
	python3 - "$1" "$MECHS" <<'PY'
import csv, sys
d, mechs = sys.argv[1], sys.argv[2].split(',')
with open(d + '/results.csv', newline='') as f:
    rows = list(csv.reader(f))
hdr = rows[0]
assert hdr[:4] == ['run_id', 'mechanism', 'tracer', 'family'], hdr
for r in rows[1:]:
    assert len(r) == len(hdr), r
    assert r[1] in mechs, r[1]
    if r[hdr.index('status')] == 'ok':
        float(r[hdr.index('median')])
meta = dict(csv.reader(open(d + '/meta.csv', newline='')))
assert meta.get('status') == 'interrupted', meta.get('status')
PY
}

set -- 11:INT:130 23:INT:130 37:INT:130 41:TERM:143
ktap_plan $(($# * 3 + 6))
for spec in "$@"; do
	seed=${spec%%:*}; rest=${spec#*:}; sig=${rest%%:*}; want=${rest#*:}
	delay=$(awk -v s="$seed" 'BEGIN { srand(s); printf "%.2f", 0.2 + rand() * 3.5 }')
	diag "seed $seed: SIG$sig after ${delay}s"
	out="$tmp/run$seed"
	"$PROBECOST" run --quick --mech "$MECHS" --out "$out" >"$tmp/log$seed" 2>&1 &
	pid=$!
	wait_started "$tmp/log$seed"
	sleep "$delay"
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$?
	ok $([ "$rc" -eq "$want" ]; echo $?) "seed $seed: SIG$sig exits $want (got $rc)"
	[ "$rc" -eq "$want" ] || sed 's/^/# /' "$tmp/log$seed"
	ok $(csv_ok "$out" >"$tmp/csv$seed" 2>&1 && [ ! -e "$out/results.csv.part" ]; echo $?) \
		"seed $seed: partial results.csv is valid, completed rows only"
	sed 's/^/# /' "$tmp/csv$seed"
	now=$(leftovers)
	ok $([ "$now" = "$before" ]; echo $?) "seed $seed: nothing left in uprobe_events or instances"
	[ "$now" = "$before" ] || diag "left: $now"
done

# SIGKILL cannot be caught: the next run must find and clean the rest
"$PROBECOST" run --mech uprobe-nop --tracer ftrace --state recording --out "$tmp/k" >"$tmp/logk" 2>&1 &
pid=$!
wait_started "$tmp/logk"
sleep 1
kill -KILL "$pid"
wait "$pid" 2>/dev/null
left=$(ls "$TRACEFS/instances" | grep -c "^probecost-$pid-")
ok $([ "$left" -ge 1 ]; echo $?) "SIGKILLed run left its instance behind (the case to reap)"
"$PROBECOST" run --quick --mech uprobe-nop --tracer perf --state enabled --out "$tmp/k2" >"$tmp/logk2" 2>&1
grep -q "removed tracefs instance probecost-$pid-" "$tmp/logk2"
ok $? "the next run reaps it and says so"
grep 'removed' "$tmp/logk2" | sed 's/^/# /'
now=$(leftovers)
ok $([ "$now" = "$before" ]; echo $?) "after the reaping run, nothing is left"

# results/latest moves only to a run that ran to its end
mkdir "$tmp/cwd"
bin=$(cd "$(dirname "$PROBECOST")" && pwd)/$(basename "$PROBECOST")
(cd "$tmp/cwd" && "$bin" run --quick --repeat 6 --mech user-branch --analyses none >/dev/null 2>&1)
whole=$(readlink "$tmp/cwd/results/latest")
(cd "$tmp/cwd" && exec "$bin" run --quick --mech user-branch,usdt,uprobe-nop >"$tmp/logl" 2>&1) &
pid=$!
wait_started "$tmp/logl"
sleep 0.5
kill -INT "$pid"
wait "$pid"
torn=$(ls "$tmp/cwd/results" | grep -v "^latest$" | grep -vx "$whole")
ok $([ -n "$whole" ] && [ "$(readlink "$tmp/cwd/results/latest")" = "$whole" ]; echo $?) \
	"after SIGINT results/latest still points at the last whole run ($whole)"
ok $([ -n "$torn" ] && [ -s "$tmp/cwd/results/$torn/INTERRUPTED" ]; echo $?) \
	"the interrupted run keeps its directory ($torn), marked INTERRUPTED"
"$PROBECOST" report --stdout "$tmp/cwd/results/$torn" 2>/dev/null | sed -n 4p >"$tmp/warn"
grep -q "^WARNING: this run was interrupted" "$tmp/warn"
ok $? "report on it warns at the top: $(cat "$tmp/warn")"
ktap_finish
