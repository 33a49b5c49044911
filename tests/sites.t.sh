#!/bin/sh
# The USDT and uprobe sites of the three nop sizes in use (issue 13):
# usdt-nop5, usdt-nop10 and uprobe-nop10, beside the 1-byte usdt and
# uprobe-nop5 they extend, from one native run (--repeat 6):
#   - the binary's stapsdt notes for usdt_nop5 and usdt_nop10 point at a
#     5- and a 10-byte nop (objdump at the note's address), each with a
#     semaphore, and uprobe-nop10's site starts with a 10-byte nop;
#   - enabled (perf count) and recording (ftrace ring) count one hit per
#     event (hit_ratio 1, status ok), disabled none;
#   - the variant says how the kernel runs the probed nop, read back
#     (int3+emulated, int3+single-step or optimized:call-trampoline, never
#     "unknown"), the same for a USDT site and the uprobe site of the same
#     nop, and the disabled USDT variant has its semaphore at 0;
#   - first-hit rows (the cold hit, apart from the steady state: an
#     optimized uprobe only optimizes at its first hit) exist and are ok
#     for every enabled and recording state;
#   - nothing is left in uprobe_events or tracefs instances.
. tests/ktap.sh
. tests/user_helpers.sh
need_uprobes

NEW="usdt-nop5 usdt-nop10 uprobe-nop10"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ktap_plan 12
before=$(leftovers)

# The notes: provider probecost, names usdt_nop5/usdt_nop10, at a nop of that size.
note_nop() {
	_loc=$(readelf -n "$PROBECOST" | awk -v n="$1" '
		$1 == "Name:" { name = $2 }
		$1 == "Location:" && name == n { sub(",", "", $2); print $2; exit }')
	_sem=$(readelf -n "$PROBECOST" | awk -v n="$1" '
		$1 == "Name:" { name = $2 }
		$1 == "Location:" && name == n { print $6; exit }')
	[ -n "$_loc" ] && [ "$(printf '%d' "$_sem")" -ne 0 ] || return 1
	objdump -d --start-address="$_loc" --stop-address=$((_loc + $2)) "$PROBECOST" |
		awk -v a="$(printf '%x' "$_loc")" '$1 == a":" { print }' | tee -a "$tmp/insn" |
		grep -q "$3"
}
if command -v objdump >/dev/null 2>&1 && command -v readelf >/dev/null 2>&1; then
	check "usdt_nop5's note points at 0f 1f 44 00 00 (nopl), with a semaphore" \
		note_nop usdt_nop5 5 '0f 1f 44 00 00'
	check "usdt_nop10's note points at 66 66 0f 1f 84 00 00 00 00 00, with a semaphore" \
		note_nop usdt_nop10 10 '66 66 0f 1f 84 00 00'
	site=$(nm "$PROBECOST" | awk '$3 == "pcsite_uprobe_nop10" { print $1 }')
	check "pcsite_uprobe_nop10 starts with the 10-byte nop" sh -c \
		"objdump -d --start-address=0x$site --stop-address=\$((0x$site + 10)) '$PROBECOST' | grep -q '66 66 0f 1f 84 00 00'"
	sed 's/^/# /' "$tmp/insn"
else
	for t in "usdt_nop5's note" "usdt_nop10's note" "uprobe-nop10's site"; do
		skip "$t" "no objdump/readelf (binutils)"
	done
fi

"$PROBECOST" run --repeat 6 --analyses none --mech "usdt,uprobe-nop5,$(echo $NEW | tr ' ' ,)" \
	--tracer perf,ftrace --state absent,disabled,enabled,recording --out "$tmp/r" \
	>"$tmp/log" 2>&1 || sed 's/^/# /' "$tmp/log"

python3 - "$tmp/r/results.csv" "$NEW" "$KTAP_N" <<'PY' || KTAP_FAIL=$((KTAP_FAIL + 1))
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], newline=''))
        if r['tracer'] in ('-', 'perf', 'ftrace')]
new = sys.argv[2].split()
row = {(r['mechanism'], r['state'], r['metric']): r for r in rows}
n = int(sys.argv[3])
def ok(cond, name):
    global n
    n += 1
    print('%sok %d %s' % ('' if cond else 'not ', n, name))
    return cond
EXEC = ('int3+emulated', 'int3+single-step', 'optimized:call-trampoline')
def execution(m):
    v = row.get((m, 'enabled', 'overhead'), {}).get('variant', '')
    return next((e for e in EXEC if v.endswith(':' + e)), None), v
fails = 0
for m in new:
    e, rec, d = (row.get((m, s, 'overhead')) for s in ('enabled', 'recording', 'disabled'))
    if not (e and rec and d) or 'unsupported' in (e['status'], rec['status'], d['status']):
        why = next((r['note'] for r in rows if r['mechanism'] == m), 'no rows')
        for _ in range(2):
            n += 1
            print('ok %d %s # SKIP not measured here: %s' % (n, m, why))
        continue
    desc = lambda r: '%s %s hit_ratio %s (%s)' % (r['state'], r['status'], r['hit_ratio'], r['variant'])
    fails += not ok(all(r['status'] == 'ok' for r in (e, rec, d)) and
                    float(e['hit_ratio']) == 1 and float(rec['hit_ratio']) == 1 and
                    float(d['hit_ratio']) == 0 and
                    (not m.startswith('usdt') or d['variant'].startswith('semaphore=0:')),
                    '%s: one hit per event enabled and recording, none disabled: %s; %s; %s'
                    % (m, desc(e), desc(rec), desc(d)))
    firsts = [row.get((m, s, 'first-hit')) for s in ('enabled', 'recording')]
    ex, v = execution(m)
    fails += not ok(ex is not None and rec['variant'] == v and
                    all(f and f['status'] == 'ok' and f['variant'] == v for f in firsts),
                    '%s: the variant read back (%s), first-hit rows apart from the steady state: %s'
                    % (m, v, ', '.join('%s %s ns' % (f['state'], f['median']) if f else 'missing'
                                       for f in firsts)))
# the same nop runs the same way, whether a USDT note or a symbol points at it
for a, b in (('usdt-nop5', 'uprobe-nop5'), ('usdt-nop10', 'uprobe-nop10')):
    (ea, va), (eb, vb) = execution(a), execution(b)
    if ea is None or eb is None:
        n += 1
        print('ok %d %s vs %s # SKIP not both measured' % (n, a, b))
        continue
    fails += not ok(ea == eb, '%s and %s run their nop the same way: %s / %s' % (a, b, va, vb))
sys.exit(1 if fails else 0)
PY
KTAP_N=$((KTAP_N + 8))
after=$(leftovers)
ok $([ "$before" = "$after" ]; echo $?) "nothing left in uprobe_events or tracefs instances"
ktap_finish
