#!/bin/sh
# The armed analysis (issue 13, "armed probes elsewhere"): for a uprobe,
# one armed-overhead-k<K> row per --armed K, each with the measured probe
# counting one hit per event and the K others read back as armed; a
# mechanism without an others op gets an unsupported row saying so; bad
# K lists are usage errors; nothing is left armed after the run, nor
# after SIGINT while a thousand others are armed. For the syscall
# tracepoint the others are other syscall events, filtered to nothing
# (tevent_others.h): K read back, one hit per event still, and a K above
# what the kernel has is an unsupported row saying how many it has.
. tests/ktap.sh
. tests/user_helpers.sh
user_test_start 9

"$PROBECOST" run --quick --repeat 6 --no-vm --mech uprobe-nop,user-branch \
	--tracer ftrace,self --state absent,enabled --armed 0,10 --analyses armed --out "$TMP/r" >"$TMP/r.log" 2>&1
rc=$?
[ $rc -eq 0 ] || diag "$(tail -5 "$TMP/r.log")"
ok "$(python3 - "$TMP/r/results.csv" <<'PY'
import csv, sys
rows = {r['metric']: r for r in csv.DictReader(open(sys.argv[1]))
        if r['mechanism'] == 'uprobe-nop' and r['metric'].startswith('armed-overhead')}
good = all(m in rows and rows[m]['status'] == 'ok' and float(rows[m]['hit_ratio']) == 1
           and rows[m]['state'] == 'enabled' and rows[m]['median'] != ''
           for m in ('armed-overhead-k0', 'armed-overhead-k10'))
print(0 if good and len(rows) == 2 else 1)
PY
)" "uprobe-nop: armed-overhead-k0 and -k10 rows, ok, 1 hit per event (exit $rc)"
ok "$(grep -q 'armed-overhead-k10,.*10 other uprobes armed .*(10 read back from' "$TMP/r/results.csv" &&
	echo 0 || echo 1)" "the k10 row says the 10 others were read back as armed"
ok "$(grep -q '^[^,]*,user-branch,self,.*,enabled,armed-overhead,.*,unsupported,no others op' "$TMP/r/results.csv" &&
	echo 0 || echo 1)" "user-branch: an unsupported armed-overhead row with the reason"
now=$(leftovers)
ok "$([ "$now" = "$before" ] && ! grep -q 'probecost_[0-9]*/other[0-9]' "$TRACEFS/uprobe_events" && echo 0 || echo 1)" \
	"after the run: no other uprobe defined, no instance left"

"$PROBECOST" run --quick --repeat 6 --no-vm --mech syscall-tracepoint --tracer perf,ftrace \
	--state absent,enabled --armed 0,10,1000 --analyses armed --out "$TMP/t" >"$TMP/t.log" 2>&1
rc=$?
ok "$(python3 - "$TMP/t/results.csv" <<'PY'
import csv, sys
rows = {r['metric']: r for r in csv.DictReader(open(sys.argv[1]))
        if r['mechanism'] == 'syscall-tracepoint' and r['metric'].startswith('armed-overhead')}
good = all(m in rows and rows[m]['status'] == 'ok' and float(rows[m]['hit_ratio']) == 1
           for m in ('armed-overhead-k0', 'armed-overhead-k10'))
good = good and '10 other syscall events armed' in rows['armed-overhead-k10']['note'] \
       and '10 read back from its set_event' in rows['armed-overhead-k10']['note']
k = rows.get('armed-overhead-k1000')
good = good and k and k['status'] == 'unsupported' and 'this kernel has' in k['note']
print(0 if good else 1)
PY
)" "syscall-tracepoint: k0 and k10 ok with 1 hit per event and 10 syscall events read back; k1000 unsupported, saying how many there are (exit $rc)"
ok "$([ "$(leftovers)" = "$before" ] && echo 0 || echo 1)" "after the syscall run: no instance left"

"$PROBECOST" run --quick --mech uprobe-nop --armed 1001 --out "$TMP/x" >"$TMP/x.log" 2>&1
rc1=$?
"$PROBECOST" run --quick --mech uprobe-nop --armed 0,,10 --out "$TMP/y" >"$TMP/y.log" 2>&1
rc2=$?
ok "$([ $rc1 -eq 2 ] && [ $rc2 -eq 2 ] && grep -q -- '--armed' "$TMP/x.log" && [ ! -e "$TMP/x" ] &&
	echo 0 || echo 1)" "--armed 1001 and --armed 0,,10: exit 2 (got $rc1, $rc2), naming the option"

# SIGINT while a thousand others are armed
"$PROBECOST" run --quick --repeat 6 --no-vm --mech uprobe-nop --tracer ftrace --state absent,enabled \
	--armed 1000 --analyses armed --out "$TMP/s" >"$TMP/s.log" 2>&1 &
pid=$!
seen=0
for _ in $(seq 300); do
	n=$(grep -c 'probecost_[0-9]*/other[0-9]' "$TRACEFS/uprobe_events" 2>/dev/null)
	[ "${n:-0}" -ge 1000 ] && { seen=1; break; }
	sleep 0.1
done
kill -INT "$pid"
wait "$pid"
rc=$?
ok "$([ $seen -eq 1 ] && [ $rc -eq 130 ] && echo 0 || echo 1)" \
	"1000 others were armed during the run (seen: $seen); SIGINT exits 130 (got $rc)"
now=$(leftovers)
ok "$([ "$now" = "$before" ] && ! grep -q 'probecost_[0-9]*/other[0-9]' "$TRACEFS/uprobe_events" && echo 0 || echo 1)" \
	"after SIGINT: none of the 1000 left defined, no instance left"
ktap_finish
