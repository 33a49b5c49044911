#!/bin/sh
# `probecost report` on the committed fixture run: output identical to
# the golden files, every line of the text within 72 columns and plain
# ASCII, the summary's every cell equal to its row of results.csv, the
# self-baseline (syscall-tracepoint) flagged rather than differenced,
# every reason for a row not measured said exactly once, and nothing
# but report.txt and report.md added to the run directory.
. tests/ktap.sh

TMP=$(mktemp -d)
BIN=$(pwd)/$PROBECOST
trap 'rm -rf "$TMP"' EXIT
cp -r tests/fixtures/run "$TMP/run"

ktap_plan 12
"$BIN" report "$TMP/run" >"$TMP/out" 2>&1
rc=$?
ok $rc "report exits 0"
[ $rc -eq 0 ] || diag "$(cat "$TMP/out")"

same() {
	if diff -u "$1" "$2" >"$TMP/diff"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "$(head -40 "$TMP/diff")"
		diag "(if the change is intended: cp $2 $1)"
	fi
}
same tests/fixtures/report.golden.txt "$TMP/run/report.txt" "report.txt matches the golden file"
same tests/fixtures/report.golden.md "$TMP/run/report.md" "report.md matches the golden file"

long=$(awk 'length($0) > 72 { printf "%d: %s\n", NR, $0 }' "$TMP/run/report.txt")
ok "$([ -z "$long" ] && echo 0 || echo 1)" "every line of report.txt is within 72 columns"
[ -z "$long" ] || diag "$long"
check "report.txt is plain printable ASCII" \
	sh -c "! LC_ALL=C grep -n '[^ -~]' '$TMP/run/report.txt'"
tr -s ' \n' '  ' <"$TMP/run/report.txt" >"$TMP/flat"
check "an unsupported mechanism is listed with its reason" \
	grep -q "kprobe-ftrace, live-kprobe unsupported: CONFIG_KPROBES is off in this kernel" "$TMP/flat"
python3 tests/summary_check.py "$TMP/run" >"$TMP/sum" 2>&1
ok $? "every summary cell equals its row of results.csv"
diag "$(cat "$TMP/sum")"
check "the self-baseline is flagged, not differenced" \
	grep -q "syscall-tracepoint: the disabled site is the baseline itself" "$TMP/flat"
# whitespace removed on both sides: a wrapped reason still counts
twice=$(python3 - "$TMP/run" <<'PY'
import csv, sys
d = sys.argv[1]
text = "".join(open(d + "/report.txt").read().split())
for why in sorted({r["note"] for r in csv.DictReader(open(d + "/results.csv"))
                   if r["status"] not in ("ok", "miscount")}):
    n = text.count("".join(why.split()))
    if n != 1:
        print("%d times: %s" % (n, why))
PY
)
ok "$([ -z "$twice" ] && echo 0 || echo 1)" "every reason for a row not measured appears once"
[ -z "$twice" ] || diag "$twice"
"$BIN" report --stdout "$TMP/run" >"$TMP/stdout" 2>/dev/null
check "--stdout prints report.txt" cmp -s "$TMP/stdout" "$TMP/run/report.txt"
check "only report.txt and report.md were added" \
	[ "$(ls "$TMP/run" | tr '\n' ' ')" = "meta.csv report.md report.txt results.csv samples.csv " ]

# the noise floor without a baseline mechanism counts mechanisms, not
# rows: a second absent row of kprobe (another entry of the same name) on
# the icount backend is still one mechanism
cp -r tests/fixtures/run "$TMP/two"
python3 - tests/fixtures/run/results.csv "$TMP/two/results.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
with open(sys.argv[2], 'w', newline='') as f:
    w = csv.DictWriter(f, list(rows[0].keys()), lineterminator='\n')
    w.writeheader()
    for r in rows:
        w.writerow(r)
        if (r['mechanism'], r['state'], r['metric']) == ('kprobe', 'absent', 'overhead'):
            w.writerow(dict(r, variant='kprobe-again'))
PY
"$BIN" report "$TMP/two" >"$TMP/two.log" 2>&1
tr -s ' \n' '  ' <"$TMP/two/report.txt" >"$TMP/two.flat"
check "noise floor: 2 absent rows of one mechanism say '2 entries (1 mechanism)'" \
	grep -q "median over 2 entries (1 mechanism) of the absent' - absent" "$TMP/two.flat"
ktap_finish
