#!/bin/sh
# live-kprobe and ftrace-function in the QEMU guest, both Debian series
# booted side by side: the host this project is built on has neither
# kprobes nor the function tracer, so only here do their armed paths run.
# Every state counts n hits (0 when off), the variant is what the kernel
# reports in kprobes/list and enabled_functions (Debian's getppid has an
# fentry site, so the kprobe rides ftrace -- at +0x0 on 6.1, after the
# ENDBR at +0x4 on 6.12 -- and one ftrace_ops gets its own trampoline),
# enabled costs more than disabled, and nothing is left armed.
. tests/ktap.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ktap_plan 10
for series in 6.1 6.12; do
	(scripts/guest.sh --kernel "$series" --deterministic --no-module --timeout 600 \
		--script tests/guest/live-run.sh --out "$tmp/$series" >"$tmp/$series.log" 2>&1
	 echo $? >"$tmp/$series.rc") &
done
wait

for series in 6.1 6.12; do
	out=$tmp/$series
	if [ "$(cat "$tmp/$series.rc")" = 4 ]; then
		for t in run rows variants orderings cleanup; do
			skip "$series: $t" "$(tail -n 1 "$tmp/$series.log")"
		done
		continue
	fi
	rc=$(cat "$out/run-rc" 2>/dev/null || echo none)
	[ "$rc" = 0 ] || { sed 's/^/# /' "$out/run.txt" "$tmp/$series.log" 2>/dev/null | tail -30; }
	ok "$([ "$rc" = 0 ] && echo 0 || echo 1)" "$series: probecost run of live-kprobe and ftrace-function exits 0 (got $rc)"
	python3 - "$out/run/results.csv" "$series" >"$tmp/py" 2>&1 <<'PY'
import csv, fnmatch, sys
path, series = sys.argv[1], sys.argv[2]
try:
    rows = list(csv.DictReader(open(path, newline='')))
except OSError as e:
    rows = []
    print('# %s' % e)
ov = {(r['mechanism'], r['state']): r for r in rows if r['metric'] == 'overhead'}
want_variant = {'live-kprobe': '*:ftrace', 'ftrace-function': '*:tramp-1op'}
bad, badv, got = [], [], []
for m in want_variant:
    for st in ('absent', 'disabled', 'enabled', 'recording'):
        r = ov.get((m, st))
        want = 1 if st in ('enabled', 'recording') else 0
        if (not r or r['status'] != 'ok' or r['unit'] != 'instructions'
                or r['hit_ratio'] == '' or float(r['hit_ratio']) != want):
            bad.append('%s/%s:%s' % (m, st, r and (r['status'], r['unit'], r['hit_ratio'])))
        if st in ('enabled', 'recording'):
            v = r['variant'] if r else None
            got.append(v)
            if not v or not fnmatch.fnmatch(v, want_variant[m]):
                badv.append('%s/%s=%s (want %s)' % (m, st, v, want_variant[m]))
order = [m for m in want_variant
         if not (ov.get((m, 'enabled')) and ov.get((m, 'disabled'))
                 and float(ov[(m, 'enabled')]['median']) > float(ov[(m, 'disabled')]['median']))]
print(('ok' if not bad else 'FAIL') + ' every state: status ok, instructions, n hits (0 when off) %s' % bad)
print(('ok' if not badv else 'FAIL') + ' variants read back: %s' % (badv or got))
print(('ok' if not order else 'FAIL') + ' enabled costs more than disabled %s' % order)
PY
	while read -r verdict what; do
		case $verdict in
		ok) ok 0 "$series: $what" ;;
		\#*) diag "$verdict $what" ;;
		*) ok 1 "$series: $what" ;;
		esac
	done <"$tmp/py"
	left=$(cat "$out/after.txt" 2>/dev/null || echo "no after.txt")
	ok "$([ -z "$left" ] && echo 0 || echo 1)" "$series: nothing left in kprobe_events, enabled_functions or instances${left:+: $left}"
done
ktap_finish
