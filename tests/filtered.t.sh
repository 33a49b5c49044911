#!/bin/sh
# The filtered state (issue 13, "armed for someone else"): a uprobe, a
# USDT probe and the syscall tracepoint armed with an event filter no
# event passes. Each filtered row is ok, names the filter read back from
# the kernel in its variant and recorded nothing (the count op fails the
# state otherwise); the uprobes' hits, read back from uprobe_profile, say
# the probe ran on every event; a tracepoint keeps no such count (hit
# ratio empty, and the row's note says why). The summary of a run with
# filtered rows has a filtered column between disabled and enabled. Recording after filtered in the same run
# still records every event (the filter does not carry over), the state
# is only measured when named, and nothing is left behind.
. tests/ktap.sh
. tests/user_helpers.sh
user_test_start 7

"$PROBECOST" run --quick --repeat 6 --no-vm --analyses none \
	--mech uprobe-nop,usdt,syscall-tracepoint --tracer ftrace --state filtered,recording \
	--out "$TMP/r" >"$TMP/r.log" 2>&1
rc=$?
[ $rc -eq 0 ] || diag "$(tail -5 "$TMP/r.log")"
check_rows() {
	python3 - "$TMP/r/results.csv" "$1" <<'PY'
import csv, sys
rows = {(r['mechanism'], r['state']): r for r in csv.DictReader(open(sys.argv[1]))
        if r['metric'] == 'overhead'}
what = sys.argv[2]
bad = []
for m in ('uprobe-nop', 'usdt', 'syscall-tracepoint'):
    f, rec = rows.get((m, 'filtered')), rows.get((m, 'recording'))
    if what == 'filtered':
        if not f or f['status'] != 'ok' or 'filter common_pid == 0' not in f['variant'] \
           or f['tracer'] != 'ftrace':
            bad.append((m, f and (f['status'], f['variant'], f['note'])))
    elif what == 'ran':
        tp = m == 'syscall-tracepoint'
        if not f or f['hit_ratio'] != ('' if tp else '1') or \
           ('no hit ratio: a tracepoint event keeps no count' in f['note']) != tp:
            bad.append((m, f and (f['hit_ratio'], f['note'])))
    elif what == 'recording':
        if not rec or rec['status'] != 'ok' or rec['hit_ratio'] != '1':
            bad.append((m, rec and (rec['status'], rec['hit_ratio'])))
    elif what == 'unasked':
        pass
if bad:
    print('# wrong:', bad, file=sys.stderr)
print(1 if bad else 0)
PY
}
ok "$(check_rows filtered)" "filtered rows ok, under tracer ftrace, variant naming the filter read back (exit $rc)"
ok "$(check_rows ran)" "uprobe-nop and usdt: the probe ran on every event (hit ratio 1); syscall-tracepoint: not countable (empty, the note says why)"
ok "$(check_rows recording)" "recording after filtered in the same run: every event recorded"
# the console's summary: mechanism, family, disabled, filtered, enabled, recording
ok "$(grep -Eq '^ *mechanism +family +disabled +filtered +enabled +recording *$' "$TMP/r.log" &&
	echo 0 || echo 1)" "the run's summary has a filtered column between disabled and enabled"
now=$(leftovers)
ok "$([ "$now" = "$before" ] && echo 0 || echo 1)" "nothing left in uprobe_events, kprobe_events or instances"
[ "$now" = "$before" ] || diag "left: $now"

"$PROBECOST" run --quick --repeat 6 --no-vm --analyses none --mech uprobe-nop --tracer perf,ftrace \
	--out "$TMP/d" >"$TMP/d.log" 2>&1
ok "$([ $? -eq 0 ] && ! grep -q ',filtered,' "$TMP/d/results.csv" && echo 0 || echo 1)" \
	"without --state naming it, no filtered row"
"$PROBECOST" run --quick --mech user-branch --state filtered --out "$TMP/u" >"$TMP/u.log" 2>&1
rc=$?
ok "$([ $rc -eq 0 ] && grep -q '^[^,]*,user-branch,.*,filtered,overhead,.*,unsupported,no filtered state' "$TMP/u/results.csv" &&
	echo 0 || echo 1)" "user-branch has no filtered state: an unsupported row saying so (exit $rc)"
ktap_finish
