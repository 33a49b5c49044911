#!/bin/sh
# The armed analysis for kprobes, in the QEMU guest (kprobe_others.c):
# K other kprobes on probecost.ko's never-run nop sled, defined in
# kprobe_events and enabled in a private instance, read back from its
# set_event; for the module's int3 kprobe and for live-kprobe (the
# guest's kernel has kprobes where this one may not):
#   - armed-overhead-k0 and -k1000 rows, ok, the measured probe counting
#     one hit per event, the note saying 1000 were read back as armed;
#   - kprobe-int3 pays more per hit with 1000 others armed than with none
#     (its int3 handler looks the probe up in the kernel's hash table of
#     kprobes, 64 buckets by address: an exact instruction count here);
#   - a mechanism of the module without kprobes (tracepoint) gets an
#     unsupported row saying so.
# Skips where the guest cannot run.
. tests/ktap.sh

ktap_plan 4
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$PROBECOST" run --vm --mech kprobe-int3,live-kprobe,tracepoint --state absent,enabled \
	--armed 0,1000 --analyses armed --repeat 6 --out "$TMP/r" >"$TMP/r.log" 2>"$TMP/r.err"
rc=$?
if [ $rc -ne 0 ] && grep -q 'cannot run the guest here' "$TMP/r.err"; then
	for i in 1 2 3 4; do skip "armed kprobes in the guest" "$(tail -n 1 "$TMP/r.err")"; done
	ktap_finish
fi
rows() {
	python3 - "$TMP/r/results.csv" "$@" <<'PY'
import csv, sys
path, what = sys.argv[1], sys.argv[2]
rows = {(r['mechanism'], r['metric']): r for r in csv.DictReader(open(path))
        if r['metric'].startswith('armed-overhead')}
def good(m, k):
    r = rows.get((m, 'armed-overhead-k%d' % k))
    return (r and r['status'] == 'ok' and r['where'] == 'guest' and r['hit_ratio']
            and float(r['hit_ratio']) == 1 and r['median'] != ''
            and (k == 0 or ('%d read back' % k) in r['note']))
if what == 'rows':
    bad = [(m, k) for m in ('kprobe-int3', 'live-kprobe') for k in (0, 1000) if not good(m, k)]
    if bad:
        print('# wrong:', bad, [(k, v['status'], v['note'][:120]) for k, v in rows.items()], file=sys.stderr)
    sys.exit(1 if bad else 0)
if what == 'grows':
    a, b = (float(rows[('kprobe-int3', 'armed-overhead-k%d' % k)]['median']) for k in (0, 1000))
    print('# kprobe-int3: %g instructions per hit with none armed, %g with 1000' % (a, b))
    sys.exit(0 if b > a else 1)
r = rows.get(('tracepoint', 'armed-overhead-k0')) or rows.get(('tracepoint', 'armed-overhead'))
sys.exit(0 if r and r['status'] == 'unsupported' and 'only for the kprobe' in r['note'] else 1)
PY
}
rows rows
ok $? "kprobe-int3 and live-kprobe: k0 and k1000 rows ok in the guest, 1 hit per event, 1000 read back (exit $rc)"
rows grows 2>&1 | sed 's/^/# /;s/^# # /# /'
rows grows >/dev/null 2>&1
ok $? "kprobe-int3 pays more per hit with 1000 other kprobes armed (the hash lookup)"
rows tracepoint
ok $? "tracepoint: unsupported, other probes of its kind armed only for the kprobe mechanisms"
tr '\n' ' ' <"$TMP/r.log" | sed 's/  */ /g' | grep -q 'run in a QEMU guest'
ok $? "the run said where it measured them"
ktap_finish
