#!/bin/sh
# The bpf and perf-record tracer entries on probecost.ko's sites
# (mechanisms/tracers/, module_site.h), in the QEMU guest's 6.1 kernel:
# one boot, `probecost run --kernel 6.1` routing them there as it does
# the module's own mechanisms, payload 100 bytes. Per tracer and site:
#   - enabled (bpf: a per-CPU counter) and recording (bpf: the BPF ring
#     buffer; perf-record: the sampling perf ring) count exactly one hit
#     per event, none lost; recording's records are each checked by the
#     mechanism to carry the module's 100 payload bytes (a wrong byte or
#     size fails the row, so status ok is that check);
#   - absent and disabled count nothing (the module's handler is never
#     registered: only the tracer could count);
#   - the variant says the kprobe variant read back from kprobes/list,
#     the one the entry's name asks for (int3 with the optimizer off,
#     optimized, ftrace, kretprobe:...), and then the program's link;
#   - recording costs more instructions than enabled (bpf), than
#     disabled (perf-record): icount figures are exact, so strictly;
#   - traps per event (the traps rows): 2 on kprobe-int3 (the int3 and
#     the step's), 0 on every other site, for each tracer and state;
#   - natively, `probecost list` shows every entry with the primitive's
#     own reason where the primitive cannot run here.
# Skips where the guest cannot run.
. tests/ktap.sh

KSITES="kprobe-int3 kprobe-optimized kprobe-ftrace kretprobe"
SITES="tracepoint raw-tracepoint $KSITES"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

set -- $SITES
# bpf: 6 sites x 5; perf-record: 5 sites x 3; list: 1
ktap_plan $(($# * 5 + ($# - 1) * 3 + 1))

# natively: each tracer entry says what its primitive says, or runs
"$PROBECOST" list --csv >"$TMP/list.csv"
python3 - "$TMP/list.csv" "$SITES" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
def entry(name, tracer):
    return next((r for r in rows if r['name'] == name and r['tracers'] == tracer), None)
bad = []
for s in sys.argv[2].split():
    prim = entry('tracepoint' if s == 'raw-tracepoint' else s, 'self/ftrace')
    for t in ('bpf', 'perf-record'):
        if t == 'perf-record' and s == 'raw-tracepoint':
            continue
        r = entry(s, t)
        if not r or r['where'] != 'module':
            bad.append('%s/%s: %s' % (s, t, r and r['where']))
        elif prim['available'] == 'no' and (r['available'] != 'no' or r['reason'] != prim['reason']):
            bad.append('%s/%s: %s "%s", primitive "%s"' % (s, t, r['available'], r['reason'], prim['reason']))
if bad:
    print('# wrong:', bad)
sys.exit(1 if bad else 0)
PY
ok $? "list: every entry on a module site, where=module, with its primitive's reason where that cannot run here"

"$PROBECOST" run --kernel 6.1 --quick --payload 100 --analyses none \
	--mech "$(echo $SITES | tr ' ' ,)" --tracer bpf,perf-record \
	--out "$TMP/r" >"$TMP/r.log" 2>"$TMP/r.err"
rc=$?
if [ $rc -ne 0 ] && grep -q 'cannot run the guest here' "$TMP/r.err"; then
	while [ "$KTAP_N" -lt "$KTAP_PLAN" ]; do
		skip "module sites' tracers in the guest" "$(tail -n 1 "$TMP/r.err")"
	done
	ktap_finish
fi
[ $rc -eq 0 ] || sed 's/^/# /' "$TMP/r.err"

python3 - "$TMP/r/results.csv" "$SITES" "$KTAP_N" <<'PY' || KTAP_FAIL=$((KTAP_FAIL + 1))
import csv, sys
try:
    rows = list(csv.DictReader(open(sys.argv[1], newline='')))
except OSError as e:
    rows = []
    print('# no results: %s' % e)
row = {(r['mechanism'], r['tracer'], r['state']): r for r in rows if r['metric'] == 'overhead'}
traps = {(r['mechanism'], r['tracer'], r['state']): r['median'] for r in rows
         if r['metric'] == 'traps' and r['unit'] == 'traps/event'}
n = int(sys.argv[3])	# the tests before, numbered by ktap.sh
fails = 0
def ok(cond, name):
    global n, fails
    n += 1
    fails += not cond
    print('%sok %d %s' % ('' if cond else 'not ', n, name))
want_variant = {'kprobe-int3': 'int3 ', 'kprobe-optimized': 'optimized ',
                'kprobe-ftrace': 'ftrace ', 'kretprobe': 'kretprobe:',
                'tracepoint': 'trace-event ', 'raw-tracepoint': 'trace-event '}
def desc(r):
    return r and '%s %s hit_ratio %s lost %s [%s] (%s)' % (
        r['where'], r['status'], r['hit_ratio'], r['lost'], r['variant'], r['note'][:100])
def counted(r, hits):
    return bool(r and r['status'] == 'ok' and r['where'] == 'guest' and
                r['unit'] == 'instructions' and r['hit_ratio'] != '' and
                float(r['hit_ratio']) == hits and float(r['lost'] or 0) == 0)
def cheaper(a, b):
    return bool(a and b and a['median'] != '' and b['median'] != '' and
                float(a['median']) < float(b['median']))
for s in sys.argv[2].split():
    g = lambda st, t='bpf': row.get((s, t, st))
    a, d, e, rec = g('absent'), g('disabled'), g('enabled'), g('recording')
    ok(counted(a, 0) and counted(d, 0),
       '%s: bpf absent and disabled count nothing: %s; %s' % (s, desc(a), desc(d)))
    ok(counted(e, 1) and counted(rec, 1),
       '%s: bpf enabled and recording count one hit per event, none lost, each record the 100-byte payload: %s; %s'
       % (s, desc(e), desc(rec)))
    v = want_variant[s]
    ok(bool(e and rec and e['variant'].startswith(v) and rec['variant'].startswith(v) and
            ' prog=' in e['variant'] and ' prog=' in rec['variant']),
       '%s: bpf variant read back starts "%s": %s' % (s, v, e and e['variant']))
    ok(cheaper(e, rec), '%s: bpf enabled %s < recording %s instructions/event'
       % (s, e and e['median'], rec and rec['median']))
    want = '2' if s == 'kprobe-int3' else '0'
    got = [traps.get((s, t, st)) for t, st in (('bpf', 'absent'), ('bpf', 'enabled'),
           ('bpf', 'recording'), ('perf-record', 'recording'))]
    if s == 'raw-tracepoint':
        got.pop()
    ok(got[0] == '0' and all(x == want for x in got[1:]),
       '%s: traps per event %s (absent 0), bpf and perf-record: %s' % (s, want, got))
    if s == 'raw-tracepoint':
        continue
    a, d, rec = g('absent', 'perf-record'), g('disabled', 'perf-record'), g('recording', 'perf-record')
    ok(counted(a, 0) and counted(d, 0),
       '%s: perf-record absent and disabled count nothing: %s; %s' % (s, desc(a), desc(d)))
    pv = v.strip() if s != 'tracepoint' else 'probecost:pcsite_tracepoint'
    ok(counted(rec, 1) and rec['variant'].startswith(pv) and ':perf-ring:' in rec['variant'],
       '%s: perf-record recording samples one checked 100-byte payload per event, none lost, variant "%s...": %s'
       % (s, pv, desc(rec)))
    ok(cheaper(d, rec), '%s: perf-record disabled %s < recording %s instructions/event'
       % (s, d and d['median'], rec and rec['median']))
sys.exit(1 if fails else 0)
PY
set -- $SITES
KTAP_N=$((KTAP_N + $# * 5 + ($# - 1) * 3))
tr '\n' ' ' <"$TMP/r.log" | sed 's/  */ /g' | grep -q 'run in a QEMU guest' ||
	diag "the run did not say it measured them in the guest"
ktap_finish
