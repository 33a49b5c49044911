#!/bin/sh
# A user-chosen probe point (issue 16, run --probe): a real kernel
# tracepoint measured per hit with its built-in workload and with a
# --trigger command whose hits per run are known (dash calls getppid once
# at start-up, so /bin/sh -c 'sh -c :; sh -c :' makes 3), bad specs,
# points this kernel lacks and a point without a workload refused with
# exit 2 before anything is armed, a trigger that does not fire the point
# or fails mid-run giving failed rows with the reason, a kprobe here
# (CONFIG_KPROBES off) an unsupported row saying why with --no-vm and
# measured in the QEMU guest without it, and nothing left in tracefs
# after any of it.
. tests/ktap.sh
. tests/user_helpers.sh
user_test_start 10
RUN="$PROBECOST run --repeat 6 --analyses none --no-vm"

# rows.py DIR CHECK: 0 when the overhead rows of the run in DIR pass CHECK
rows() {
	python3 - "$1/results.csv" "$2" <<'PY'
import csv, sys
rows = {r['state']: r for r in csv.DictReader(open(sys.argv[1]))
        if r['metric'] == 'overhead' and r['mechanism'].startswith('probe:')}
what, bad = sys.argv[2], []
def ratio(r):
    return float(r['hit_ratio']) if r['hit_ratio'] else None
for st in ('enabled', 'recording'):
    r = rows.get(st)
    if what == 'getppid':
        ok = r and r['status'] == 'ok' and ratio(r) == 1 and 'per hit' in r['note'] \
            and r['mechanism'] == 'probe:tracepoint:syscalls:sys_enter_getppid' \
            and r['family'] == 'static' and r['unit'] == 'ns'
    elif what == 'trigger3':
        ok = r and r['status'] == 'ok' and ratio(r) == 3 and 'hit the point 3 times' in r['note']
    elif what == 'sched':
        ok = r and r['status'] == 'ok' and ratio(r) and 1.5 <= ratio(r) <= 3
    elif what == 'nohit':
        ok = r and r['status'] == 'failed' and 'the trigger did not fire the point' in r['note']
    elif what == 'kprobe':
        ok = r and r['status'] == 'unsupported' and 'CONFIG_KPROBES' in r['note'] \
            and 'guest' in r['note'] and r['family'] == 'dynamic'
    if not ok:
        bad.append((st, r and (r['status'], r['hit_ratio'], r['note'][:160])))
if len(rows) != 4:
    bad.append(('states', sorted(rows)))
if bad:
    print('# wrong:', bad, file=sys.stderr)
print(1 if bad else 0)
PY
}

$RUN --probe tracepoint:syscalls:sys_enter_getppid --out "$TMP/b" >"$TMP/b.log" 2>&1
rc=$?
[ $rc -eq 0 ] || diag "$(tail -5 "$TMP/b.log")"
ok "$([ $rc -eq 0 ] && rows "$TMP/b" getppid || echo 1)" \
	"built-in workload: enabled and recording rows ok, one hit per getppid run (exit $rc)"

$RUN --events 4 --warmup 1 --probe tracepoint:syscalls:sys_enter_getppid --trigger 'sh -c :; sh -c :' \
	--out "$TMP/t" >"$TMP/t.log" 2>&1
rc=$?
[ $rc -eq 0 ] || diag "$(tail -5 "$TMP/t.log")"
ok "$([ $rc -eq 0 ] && rows "$TMP/t" trigger3 || echo 1)" \
	"--trigger: 3 hits per run counted by perf and by the ring, said in the note (exit $rc)"

$RUN --probe tracepoint:sched:sched_switch --out "$TMP/s" >"$TMP/s.log" 2>&1
rc=$?
ok "$([ $rc -eq 0 ] && rows "$TMP/s" sched || echo 1)" \
	"sched_switch: the ping-pong's round trip hits about twice, counted across both threads (exit $rc)"

bad=0
# a kprobe's function is checked here only where this kernel has kprobes;
# otherwise the guest's kernel, where it is measured, decides
nofunc=""
[ -e /sys/bus/event_source/devices/kprobe ] && nofunc="kprobe:no_such_function_pc"
for spec in "foo" "tracepoint:sched" "tracepoint:no_such_sys:x" "tracepoint:sched:no_such_event" \
	$nofunc "kprobe:a/b" "tracepoint:sched:sched_process_exec"; do
	$RUN --probe "$spec" --out "$TMP/bad" >"$TMP/bad.log" 2>&1
	rc=$?
	if [ $rc -ne 2 ] || ! grep -q -- "--probe $spec: " "$TMP/bad.log" || [ -e "$TMP/bad" ]; then
		diag "--probe $spec: exit $rc: $(head -2 "$TMP/bad.log")"
		bad=1
	fi
done
grep -q "give --trigger" "$TMP/bad.log" || bad=1
$RUN --trigger true --out "$TMP/bad" >"$TMP/bad.log" 2>&1
[ $? -eq 2 ] && grep -q "needs --probe" "$TMP/bad.log" || bad=1
$RUN --probe tracepoint:syscalls:sys_enter_getppid --tracer bpf --out "$TMP/bad" >"$TMP/bad.log" 2>&1
[ $? -eq 2 ] && grep -q "a --probe point alone is consumed by perf" "$TMP/bad.log" && [ ! -e "$TMP/bad" ] || bad=1
ok $bad "bad specs, missing points, no workload, --trigger alone, --tracer with --probe alone: exit 2 naming the problem, no run directory"

$RUN --probe tracepoint:syscalls:sys_enter_sched_yield --trigger true --out "$TMP/n" >"$TMP/n.log" 2>&1
rc=$?
ok "$([ $rc -eq 1 ] && rows "$TMP/n" nohit || echo 1)" \
	"a trigger that does not fire the point: failed rows saying so, never a figure (exit $rc)"

# fails as soon as the recording instance exists: mid-run, with a ring armed
$RUN --probe tracepoint:syscalls:sys_enter_getppid \
	--trigger "! ls $TRACEFS/instances | grep -q probecost-" --out "$TMP/f" >"$TMP/f.log" 2>&1
rc=$?
ok "$([ $rc -eq 1 ] && [ "$(grep -c ',overhead,.*,failed,--trigger .* exited 1' "$TMP/f/results.csv")" -eq 4 ] &&
	echo 0 || echo 1)" "a trigger failing mid-run: one failed row per state with its exit status (exit $rc)"

$RUN --probe kprobe:__x64_sys_getppid --out "$TMP/k" >"$TMP/k.log" 2>&1
rc=$?
if [ -e /sys/bus/event_source/devices/kprobe ]; then
	skip "kprobe unsupported row" "this kernel has kprobes"
else
	ok "$(rows "$TMP/k" kprobe)" "kprobe here: an unsupported row per state naming CONFIG_KPROBES and the guest (exit $rc)"
fi

# Without --no-vm a kprobe this kernel cannot have is measured in the
# guest: rows where=guest, in instructions, one hit per getppid run.
if [ -e /sys/bus/event_source/devices/kprobe ]; then
	skip "kprobe in the guest" "this kernel has kprobes: measured natively"
else
	"$PROBECOST" run --repeat 6 --analyses none --probe kprobe:__x64_sys_getppid \
		--out "$TMP/g" >"$TMP/g.log" 2>"$TMP/g.err"
	rc=$?
	if [ $rc -ne 0 ] && grep -q 'cannot run the guest here' "$TMP/g.err"; then
		skip "kprobe in the guest" "$(tail -n 1 "$TMP/g.err")"
	else
		python3 - "$TMP/g/results.csv" <<'PY'
import csv, sys
rows = {r['state']: r for r in csv.DictReader(open(sys.argv[1]))
        if r['metric'] == 'overhead' and r['mechanism'] == 'probe:kprobe:__x64_sys_getppid'}
bad = [st for st in ('enabled', 'recording')
       if not (st in rows and rows[st]['status'] == 'ok' and rows[st]['where'] == 'guest'
               and rows[st]['unit'] == 'instructions' and rows[st]['hit_ratio']
               and float(rows[st]['hit_ratio']) == 1 and float(rows[st]['median']) > 0
               and '__x64_sys_getppid' in rows[st]['variant'])]
if bad or len(rows) != 4:
    print('# wrong:', bad, sorted(rows), file=sys.stderr)
sys.exit(1 if bad or len(rows) != 4 else 0)
PY
		ok $? "kprobe without --no-vm: measured in the guest (where=guest, instructions, 1 hit per run, variant read back; exit $rc)" &&
			tr '\n' ' ' <"$TMP/g.log" | sed 's/  */ /g' |
				grep -q 'the point kprobe:__x64_sys_getppid runs in a QEMU guest' ||
			diag "$(tail -3 "$TMP/g.err")"
	fi
fi

grep -q '^probe,tracepoint:sched:sched_switch$' "$TMP/s/meta.csv" &&
	grep -q '^trigger,built-in$' "$TMP/s/meta.csv"
ok $? "meta.csv names the point and its workload"

now=$(leftovers)
ok "$([ "$now" = "$before" ] && echo 0 || echo 1)" "nothing left in kprobe_events, uprobe_events or instances"
[ "$now" = "$before" ] || diag "left: $now"
ktap_finish
