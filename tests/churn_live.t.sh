#!/bin/sh
# `probecost churn --dump` on this machine's running kernel: every part is
# either written with as many entries as the kernel shows, or marked
# absent with a reason; and the dump compared with itself breaks nothing.
. tests/ktap.sh

TMP=$(mktemp -d)
BIN=$(pwd)/$PROBECOST
trap 'rm -rf "$TMP"' EXIT

ktap_plan 9
if [ "$(id -u)" -ne 0 ]; then
	for i in 1 2 3 4 5 6 7 8 9; do skip "live dump $i" "needs root (kallsyms names, tracefs)"; done
	ktap_finish
fi

"$BIN" churn --dump "$TMP/d" >"$TMP/out" 2>&1
rc=$?
ok $rc "churn --dump exits 0"
[ $rc -eq 0 ] || diag "$(cat "$TMP/out")"
diag "$(cat "$TMP/out")"

python3 - "$TMP/d" "$(uname -r)" >"$TMP/py" 2>&1 <<'PY'
import csv, sys
d, release = sys.argv[1], sys.argv[2]
rows = {r['part']: r for r in csv.DictReader(open(d + '/dump.csv'))}
bad = []
if set(rows) != {'release', 'symbols', 'events', 'ftrace', 'blacklist', 'source', 'btf'}:
    bad.append('parts %s' % sorted(rows))
if rows['release']['detail'] != release:
    bad.append('release %r, uname says %r' % (rows['release']['detail'], release))
for p in ('symbols', 'events'):
    if rows[p]['status'] != 'ok':
        bad.append('%s absent: %s' % (p, rows[p]['detail']))
for p, r in rows.items():
    if r['status'] not in ('ok', 'absent'):
        bad.append('%s status %r' % (p, r['status']))
    if r['status'] == 'absent' and not r['detail']:
        bad.append('%s absent without a reason' % p)
if bad:
    print('\n'.join(bad))
sys.exit(1 if bad else 0)
PY
ok $? "dump.csv: release is uname -r, symbols and events ok, every absent part says why"
[ -s "$TMP/py" ] && diag "$(cat "$TMP/py")"

entries() {
	awk -F, -v p="$1" '$1 == p { print $4 }' "$TMP/d/dump.csv"
}

# kallsyms lines without a [module] field are vmlinux's
want=$(awk 'NF == 3' /proc/kallsyms | wc -l)
got=$(wc -l <"$TMP/d/System.map")
check "System.map has every vmlinux symbol of /proc/kallsyms ($want)" \
	[ "$got" -eq "$want" -a "$(entries symbols)" -eq "$want" ]

tfs=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)
want=$(find "$tfs/events" -mindepth 3 -maxdepth 3 -name format |
	grep -Ecv '/events/(ftrace|kprobes|uprobes|probecost[^/]*)/')
got=$(awk -F, 'NR > 1 { print $1 ":" $2 }' "$TMP/d/events.csv" | sort -u | wc -l)
check "events.csv has every tracepoint's format ($want), none of ftrace's own" \
	[ "$got" -eq "$want" -a "$(entries events)" -eq "$want" ]

st=$(awk -F, '$1 == "ftrace" { print $3 }' "$TMP/d/dump.csv")
if [ "$st" = ok ]; then
	check "ftrace.list holds as many names as the manifest says" \
		[ "$(wc -l <"$TMP/d/ftrace.list")" -eq "$(entries ftrace)" ]
else
	check "ftrace list absent: no ftrace.list written (not an empty list)" [ ! -e "$TMP/d/ftrace.list" ]
fi
st=$(awk -F, '$1 == "blacklist" { print $3 }' "$TMP/d/dump.csv")
if [ "$st" = ok ]; then
	check "kprobe-blacklist.csv holds as many rows as the manifest says" \
		[ "$(($(wc -l <"$TMP/d/kprobe-blacklist.csv") - 1))" -eq "$(entries blacklist)" ]
else
	check "blacklist absent: no kprobe-blacklist.csv written" [ ! -e "$TMP/d/kprobe-blacklist.csv" ]
fi

st=$(awk -F, '$1 == "btf" { print $3 }' "$TMP/d/dump.csv")
if [ "$st" = ok ]; then
	check "vmlinux.btf is /sys/kernel/btf/vmlinux byte for byte" \
		cmp -s "$TMP/d/vmlinux.btf" /sys/kernel/btf/vmlinux
else
	check "btf absent: no vmlinux.btf written" [ ! -e "$TMP/d/vmlinux.btf" ]
fi

"$BIN" churn "$TMP/d" "$TMP/d" --out "$TMP/self" --plot none >"$TMP/self.out" 2>&1
ok $? "the dump compared with itself exits 0"
check "the dump compared with itself: nothing broken, nothing added, all kept" \
	awk -F, 'NR > 1 && ($4 == "broken" || $4 == "added") && $5 != 0 { bad = 1 }
		 NR > 1 && $4 == "signature_changed" && $5 != "" && $5 != 0 { bad = 1 }
		 NR > 1 && $4 == "in_a" { a[$3] = $5 } NR > 1 && $4 == "kept" { k[$3] = $5 }
		 END { exit bad || a["static"] != k["static"] || a["dynamic"] != k["dynamic"] ||
		       a["static"] == 0 || a["dynamic"] == 0 }' "$TMP/self/churn.csv"
ktap_finish
