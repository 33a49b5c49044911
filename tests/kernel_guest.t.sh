#!/bin/sh
# Live-kernel entries this kernel cannot run, named with --mech, are
# measured in the QEMU guest's kernel (cmd_run.c pick_kernel_guest):
#   - `--mech live-kprobe,ftrace-function` where the host refuses both
#     (no kprobes, the function tracer refused): their rows come back
#     with where=guest, in instructions, enabled counting one hit per
#     event, the variant read back there; the console names them;
#   - live-kprobe's filtered state there: the kprobe event armed in an
#     instance, its filter rejecting every event: it ran once per event
#     (kprobe_profile's count, hit_ratio 1), wrote nothing (status ok);
#   - with --no-vm the same run gives their unsupported rows here
#     (where=kernel), the host's reason in the note, never a missing row;
#   - an entry this kernel can run (syscall-tracepoint) stays on the host;
#   - `probecost list` says, below its reasons, that --mech NAME measures
#     such an entry in the guest's kernel.
# Skips where the host runs them itself, or where the guest cannot run.
. tests/ktap.sh
. tests/user_helpers.sh
user_test_start 5

MECHS=live-kprobe,ftrace-function,syscall-tracepoint
if "$PROBECOST" list --csv | grep -Eq '^(live-kprobe|ftrace-function),[^,]*,[^,]*,[^,]*,[^,]*,yes'; then
	for i in 1 2 3 4; do skip "kernel entries in the guest" "this kernel runs live-kprobe or ftrace-function itself"; done
	ok_no_leftovers "$before"
	ktap_finish
fi

"$PROBECOST" run --no-vm --repeat 6 --analyses none --state absent,enabled --mech "$MECHS" \
	--out "$TMP/n" >"$TMP/n.log" 2>&1
python3 - "$TMP/n/results.csv" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r['metric'] == 'overhead']
want = {'live-kprobe', 'ftrace-function'}
un = {r['mechanism'] for r in rows if r['mechanism'] in want and r['status'] == 'unsupported'
      and r['where'] == 'kernel' and r['note']}
st = [r for r in rows if r['mechanism'] == 'syscall-tracepoint' and r['state'] == 'enabled']
ok = un == want and st and st[0]['status'] == 'ok' and st[0]['where'] == 'kernel'
if not ok:
    print('# got', sorted(un), [(r['mechanism'], r['state'], r['status'], r['where']) for r in rows], file=sys.stderr)
sys.exit(0 if ok else 1)
PY
ok $? "--no-vm: live-kprobe and ftrace-function unsupported here with the reason, syscall-tracepoint measured here"
"$PROBECOST" list | tr '\n' ' ' | grep -q "measured in the QEMU guest's kernel when named: probecost run --mech NAME"
ok $? "list: a kernel entry unsupported here is measured in the guest's kernel when named (run --mech NAME)"

"$PROBECOST" run --repeat 6 --analyses none --state absent,enabled,filtered --mech "$MECHS" \
	--out "$TMP/g" >"$TMP/g.log" 2>"$TMP/g.err"
rc=$?
if [ $rc -ne 0 ] && grep -q 'cannot run the guest here' "$TMP/g.err"; then
	skip "kernel entries in the guest" "$(tail -n 1 "$TMP/g.err")"
	skip "the console names them" "no guest"
else
	python3 - "$TMP/g/results.csv" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r['metric'] == 'overhead']
bad = []
for m in ('live-kprobe', 'ftrace-function'):
    en = [r for r in rows if r['mechanism'] == m and r['state'] == 'enabled']
    if not (en and en[0]['status'] == 'ok' and en[0]['where'] == 'guest'
            and en[0]['unit'] == 'instructions' and en[0]['hit_ratio']
            and float(en[0]['hit_ratio']) == 1 and float(en[0]['median']) > 0
            and en[0]['variant'] not in ('', 'unknown')):
        bad.append((m, en and (en[0]['status'], en[0]['where'], en[0]['hit_ratio'], en[0]['variant'])))
st = [r for r in rows if r['mechanism'] == 'syscall-tracepoint' and r['state'] == 'enabled']
if not (st and st[0]['where'] == 'kernel' and st[0]['status'] == 'ok'):
    bad.append(('syscall-tracepoint', st and (st[0]['status'], st[0]['where'])))
fl = [r for r in rows if r['mechanism'] == 'live-kprobe' and r['state'] == 'filtered']
if not (fl and fl[0]['status'] == 'ok' and fl[0]['where'] == 'guest' and fl[0]['hit_ratio']
        and float(fl[0]['hit_ratio']) == 1 and 'filter common_pid == 0' in fl[0]['variant']):
    bad.append(('live-kprobe filtered', fl and (fl[0]['status'], fl[0]['hit_ratio'], fl[0]['variant'], fl[0]['note'][:200])))
if bad:
    print('# wrong:', bad, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
	ok $? "live-kprobe and ftrace-function measured in the guest (where=guest, instructions, 1 hit per event, variant read back; live-kprobe filtered: ran once per event, wrote nothing), syscall-tracepoint here (exit $rc)"
	tr '\n' ' ' <"$TMP/g.log" | sed 's/  */ /g' | grep -q 'live-kprobe, ftrace-function run in a QEMU guest'
	ok $? "the console names the kernel entries the guest measures"
fi
ok_no_leftovers "$before"
ktap_finish
