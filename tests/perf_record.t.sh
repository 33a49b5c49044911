#!/bin/sh
# Tracer "perf-record": perf record's path on the uprobe family's, usdt's and
# syscall-tracepoint's sites (mechanisms/tracers/perf_record.c). At the
# default N every recording row is ok with one sample per event and none
# lost, each sample's raw record having passed its check (the payload
# bytes for a uprobe or usdt, __syscall_nr == getppid for the tracepoint;
# a wrong sample fails the row); the payload check holds at a payload
# over several fetch arguments; a fire too big for the ring counts its
# drops in `lost` and the hit check flags the row; and nothing is left in
# uprobe_events, kprobe_events or the instances after the run or after
# SIGINT. Rows are told apart by the tracer column.
. tests/ktap.sh
. tests/user_helpers.sh
need_uprobes

SITES="uprobe-nop uprobe-nop5 uprobe-push uprobe-ret uretprobe usdt syscall-tracepoint"
LIST=$(echo $SITES | tr ' ' ',')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
before=$(leftovers)
# what dead runs left that was not there before: ours (a run of ours may
# also reap what an earlier killed run left, which is not a leftover)
new_leftovers() {
	leftovers | while IFS= read -r l; do
		printf '%s\n' "$before" | grep -qxF -- "$l" || printf '%s\n' "$l"
	done
}

# rows DIR MECH: the tracer-perf-record overhead rows of MECH, one line each:
# state status hit_ratio lost variant note (tab-separated)
rows() {
	python3 - "$1/results.csv" "$2" <<'PY'
import csv, sys
path, mech = sys.argv[1], sys.argv[2]
with open(path, newline='') as f:
    for r in csv.DictReader(f):
        if r['mechanism'] == mech and r['tracer'] == 'perf-record' and r['metric'] == 'overhead':
            print('\t'.join([r['state'], r['status'], r['hit_ratio'], r['lost'],
                             r['variant'], r['note']]))
PY
}

# site_ok DIR MECH: absent and disabled ok with no hits; recording ok with
# hit_ratio 1, lost 0, a perf ring in its variant
site_ok() {
	rows "$1" "$2" | awk -F'\t' '
		$1 == "absent" || $1 == "disabled" { if ($2 == "ok" && $3 + 0 == 0) quiet++ }
		$1 == "recording" { rec++; if ($2 == "ok" && $3 + 0 == 1 && $4 == "0" &&
					       $5 ~ /:perf-ring:[0-9]+$/) good++ }
		END { exit !(quiet == 2 && rec == 1 && good == 1) }'
}

ktap_plan 12
# the default N (calibrated to the 2 ms target); fewer repeats than the default
"$PROBECOST" run --repeat 8 --analyses none --mech "$LIST" --tracer perf-record --state absent,disabled,recording \
	--out "$tmp/a" >"$tmp/la" 2>&1
rc=$?
ok $rc "run of the perf-record entries of $LIST exits 0"
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/la"
for m in $SITES; do
	site_ok "$tmp/a" "$m"
	st=$?
	ok $st "$m (perf-record): absent, disabled ok; recording ok, 1 checked sample per event, 0 lost"
	rows "$tmp/a" "$m" | sed 's/^/# /'
done

# a payload of 300 B is fetched as p0 (37 words) and p1 (4 bytes)
"$PROBECOST" run --quick --analyses none --payload 300 --mech uprobe-nop,uretprobe,usdt --tracer perf-record \
	--state recording --out "$tmp/p" >"$tmp/lp" 2>&1
n=0
for m in uprobe-nop uretprobe usdt; do
	rows "$tmp/p" "$m" | awk -F'\t' '$1 == "recording" && $2 == "ok" && $3 + 0 == 1' |
		grep -q . && n=$((n + 1))
done
ok $([ $n -eq 3 ]; echo $?) "--payload 300: every sample carries the payload ($n of 3 sites)"
[ $n -eq 3 ] || sed 's/^/# /' "$tmp/lp"

# 2 x 65536 getppid samples of ~40 B overflow the 4 MiB ring: drops are
# counted, not hidden, and the engine flags the row
"$PROBECOST" run --events 65536 --repeat 6 --analyses none --mech syscall-tracepoint --tracer perf-record \
	--state recording --out "$tmp/o" >"$tmp/lo" 2>&1
rows "$tmp/o" syscall-tracepoint | awk -F'\t' '$1 == "recording" &&
	$2 == "miscount" && $3 + 0 < 1 && $4 + 0 > 0' | grep -q .
ok $? "a fire bigger than the ring: lost > 0 and the row marked miscount"
rows "$tmp/o" syscall-tracepoint | sed 's/^/# /'

now=$(new_leftovers)
ok $([ -z "$now" ]; echo $?) "nothing left in uprobe_events, kprobe_events or instances"
[ -z "$now" ] || diag "left: $now"

# SIGINT while recording: the state in progress is disarmed. A uprobe is
# defined only while a recording slot runs, so make those slots long
# (4096 events: 8192 fit the ring) and strike when one is seen.
"$PROBECOST" run --events 4096 --analyses none --mech uprobe-nop,usdt --tracer perf-record --state recording \
	--out "$tmp/i" >"$tmp/li" 2>&1 &
pid=$!
wait_started "$tmp/li"
# until a uprobe of this run (its process or a child's group) is
# defined: the interrupt lands on a live one
ours() {
	for p in $pid $(cat /proc/$pid/task/*/children 2>/dev/null); do
		grep "probecost_$p/" "$TRACEFS/uprobe_events"
	done | wc -l
}
# (another run on the machine may hold the probe lock for a while)
live=0
for _ in $(seq 2400); do
	if [ "$(ours)" -ge 1 ]; then
		live=1
		break
	fi
	sleep 0.05
done
kill -INT "$pid"
wait "$pid"
rc=$?
now=$(new_leftovers)
if [ "$live" -ge 1 ]; then
	ok $([ $rc -eq 130 ] && [ -z "$now" ]; echo $?) \
		"SIGINT with a uprobe of the run defined: exit 130 (got $rc), nothing left behind"
else
	skip "SIGINT with a uprobe of the run defined" "none defined within 120 s (probe lock held elsewhere?)"
fi
[ -z "$now" ] || diag "left: $now"
ktap_finish
