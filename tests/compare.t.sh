#!/bin/sh
# probecost compare on real runs of this machine (docs/nightly.md):
#   - A/A: two default-repeat runs of the same build on a reduced set,
#     compared: exit 0, no "not ok" (the gate's false-alarm claim);
#   - +20% (default margin) and +10% (statistics alone) injected into
#     user-branch's overhead rows of a copy of the first run
#     (tests/inject.py: samples and summaries): exit 1, a user-branch row
#     named first after the verdict;
#   - meta.csv: other repeats (also the uprobe sites' and tracer entries'
#     defaults, an older run's being its repeats) or another kernel warn (exit 0, a skipped
#     "comparable runs" KTAP test); another CPU, an interrupted run or a
#     left-over .part file are refused with exit 2, and --force /
#     --allow-partial lift the refusal.
. tests/ktap.sh

TMP=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT

ktap_plan 16
set -- --mech none,user-branch,user-static-key --no-vm --analyses disabled
"$PROBECOST" run "$@" --out "$TMP/a" >"$TMP/a.log" 2>&1 &&
	"$PROBECOST" run "$@" --out "$TMP/b" >"$TMP/b.log" 2>&1
if [ $? -ne 0 ] || [ ! -f "$TMP/b/results.csv" ]; then
	diag "$(tail -5 "$TMP/a.log" "$TMP/b.log")"
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13; do skip "compare on real runs" "probecost run failed here"; done
	ktap_finish
fi

"$PROBECOST" compare --ktap "$TMP/a" "$TMP/b" >"$TMP/aa.ktap" 2>&1
rc=$?
nok=$(grep -c '^not ok' "$TMP/aa.ktap")
ok "$([ $rc -eq 0 ] && [ "$nok" -eq 0 ] && echo 0 || echo 1)" \
	"A/A, default repeats: exit 0, no 'not ok' (exit $rc, $nok not ok)"
[ $rc -eq 0 ] || diag "$(grep -B1 '^not ok' "$TMP/aa.ktap")"
"$PROBECOST" compare "$TMP/a" "$TMP/b" >"$TMP/aa.txt" 2>&1
check "A/A text: the verdict on the first line, at most 10 lines, none over 72 columns (mail)" \
	sh -c "head -1 '$TMP/aa.txt' | grep -q '^verdict: no regression' && [ \$(wc -l <'$TMP/aa.txt') -le 10 ] && ! awk 'length(\$0) > 72 { bad = 1 } END { exit !bad }' '$TMP/aa.txt'"

# Injected into a copy of run a itself, so that only compare's own
# detection is tested here (the A/A above and scripts/bench-compare.sh
# measure the run-to-run noise). At the default margin (5% of the cost,
# at least one CPU cycle) +20% is caught. +10% of user-branch's cost is
# inside one 31-repeat run's noise on a busy VM, so it is tested on the
# statistics alone (--threshold 0 --cycles 0). Either is skipped, with
# the figures, when run a's own noise (the disabled-noise and enabled
# overhead CI widths) is as wide as the injected change: then no honest
# test can see it (a run beside a QEMU guest on 2 PUs can be that noisy).
resolvable() { # PCT: 0 when run a's noise floor is below PCT% of the cost
	python3 - "$TMP/a/results.csv" "$1" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["mechanism"] == "user-branch"]
def width(state, metric):
    w = [float(r["ci95_high"]) - float(r["ci95_low"]) for r in rows
         if r["state"] == state and r["metric"] == metric and r["ci95_low"]]
    return w[0] if w else float("inf")
# the cheapest state's shift against the noise of the rows it moves:
# the disabled analysis's floor and the enabled overhead row's own CI
cost = [float(r["median"]) for r in rows if r["state"] == "enabled" and r["metric"] == "cost"]
noise = max(width("absent", "disabled-noise"), width("enabled", "overhead"))
shift = float(sys.argv[2]) / 100 * cost[0] if cost else 0
print(f"noise {noise:.3g} ns (CI widths), injected {shift:.3g} ns")
sys.exit(0 if cost and noise < shift else 1)
PY
}
for case in "20" "10 --threshold 0 --cycles 0"; do
	set -- $case
	pct=$1
	shift
	if ! why=$(resolvable "$pct"); then
		skip "+$pct% injected into user-branch's overhead rows ($*)" "run a too noisy: $why"
		skip "+$pct%: user-branch named first" "run a too noisy: $why"
		continue
	fi
	python3 tests/inject.py "$TMP/a" "$TMP/inj$pct" user-branch $pct >/dev/null
	"$PROBECOST" compare "$@" "$TMP/a" "$TMP/inj$pct" >"$TMP/inj$pct.txt" 2>&1
	rc=$?
	# the second line that is not a wrapped line's continuation
	first=$(grep -v '^ ' "$TMP/inj$pct.txt" | sed -n 2p)
	ok "$([ $rc -eq 1 ] && echo 0 || echo 1)" "+$pct% injected into user-branch's overhead rows${1:+ ($*)}: exit 1 (got $rc)"
	case "$first" in
	"REGRESSION user-branch "*) ok 0 "+$pct%: user-branch named first" ;;
	*) ok 1 "+$pct%: user-branch named first"
	   diag "$(head -4 "$TMP/inj$pct.txt")"
	   diag "$("$PROBECOST" compare --all "$@" "$TMP/a" "$TMP/inj$pct" | grep -A1 '^[a-zA-Z].* user-branch .*overhead')" ;;
	esac
done

# a copy of b with one meta.csv value changed
edit() { # DIR KEY VALUE
	cp -r "$TMP/b" "$1"
	python3 - "$1/meta.csv" "$2" "$3" <<'PY'
import csv, sys
path, key, value = sys.argv[1:]
rows = list(csv.reader(open(path, newline="")))
for r in rows:
    if r[0] == key:
        r[1] = value
w = csv.writer(open(path, "w", newline=""), lineterminator="\n")
w.writerows(rows)
PY
}

edit "$TMP/kernel" kernel "Linux 9.9.9-other x86_64"
"$PROBECOST" compare --ktap "$TMP/a" "$TMP/kernel" >"$TMP/kernel.ktap" 2>&1
rc=$?
ok "$([ $rc -eq 0 ] && sed -n 5,12p "$TMP/kernel.ktap" | grep -q '^ok 1 comparable runs # SKIP' &&
	grep -q '^# warning: runs differ: kernel:' "$TMP/kernel.ktap" && echo 0 || echo 1)" \
	"another kernel: warned (# SKIP comparable runs), exit 0 (got $rc)"

edit "$TMP/repeats" repeats 21
"$PROBECOST" compare "$TMP/a" "$TMP/repeats" >"$TMP/repeats.txt" 2>&1
rc=$?
ok "$([ $rc -eq 0 ] && head -1 "$TMP/repeats.txt" | grep -q "^warning: runs differ: repeats: base '31', new '21'" && echo 0 || echo 1)" \
	"other repeats: warned on the first line, exit 0 (got $rc)"

# a base without a grace_repeats row (older, or no uprobe site measured):
# every entry measured `repeats` (31) times; a new run's uprobe sites 21
cp -r "$TMP/a" "$TMP/grace"
echo 'grace_repeats,21' >>"$TMP/grace/meta.csv"
"$PROBECOST" compare "$TMP/a" "$TMP/grace" >"$TMP/old.txt" 2>&1
rc=$?
ok "$([ $rc -eq 0 ] && grep -q "^warning: runs differ: grace_repeats: base '31', new '21'" "$TMP/old.txt" && echo 0 || echo 1)" \
	"an older base without grace_repeats: its repeats (31) against the new 21, warned, exit 0 (got $rc)"

edit "$TMP/cpu" cpu_model "Another CPU"
"$PROBECOST" compare "$TMP/a" "$TMP/cpu" >"$TMP/cpu.txt" 2>&1
rc=$?
"$PROBECOST" compare --force "$TMP/a" "$TMP/cpu" >/dev/null 2>&1
rc2=$?
ok "$([ $rc -eq 2 ] && grep -q 'cpu_model.*pass --force' "$TMP/cpu.txt" && [ $rc2 -eq 0 ] && echo 0 || echo 1)" \
	"another CPU: refused with exit 2 naming cpu_model; --force compares (got $rc, $rc2)"

edit "$TMP/int" status interrupted
"$PROBECOST" compare "$TMP/int" "$TMP/b" >"$TMP/int.txt" 2>&1
rc=$?
"$PROBECOST" compare --allow-partial "$TMP/int" "$TMP/b" >/dev/null 2>&1
rc2=$?
ok "$([ $rc -eq 2 ] && grep -q "base run .* is incomplete: status 'interrupted'" "$TMP/int.txt" && [ $rc2 -eq 0 ] && echo 0 || echo 1)" \
	"an interrupted base: refused with exit 2; --allow-partial compares (got $rc, $rc2)"

cp -r "$TMP/b" "$TMP/part" && : >"$TMP/part/samples.csv.part"
"$PROBECOST" compare "$TMP/a" "$TMP/part" >"$TMP/part.txt" 2>&1
rc=$?
ok "$([ $rc -eq 2 ] && grep -q 'samples.csv.part left behind' "$TMP/part.txt" && echo 0 || echo 1)" \
	"a .part file in the new run: refused with exit 2 (got $rc)"

# a run directory of an older probecost: no status key, still compared
cp -r "$TMP/b" "$TMP/old" && grep -v '^status,' "$TMP/b/meta.csv" >"$TMP/old/meta.csv"
"$PROBECOST" compare "$TMP/a" "$TMP/old" >/dev/null 2>&1
ok $? "a run without a status key (older probecost) is taken as complete"
# runs with gated rows but none in common (other mechanisms): no verdict
python3 - "$TMP/b" "$TMP/other" <<'PY'
import csv, shutil, sys
src, dst = sys.argv[1:]
shutil.copytree(src, dst)
for name in ("results.csv", "samples.csv"):
    rows = list(csv.reader(open(src + "/" + name)))
    col = rows[0].index("mechanism")
    for r in rows[1:]:
        if r[col] != "none":
            r[col] = "renamed-" + r[col]
    csv.writer(open(dst + "/" + name, "w", newline="")).writerows(rows)
PY
"$PROBECOST" compare "$TMP/a" "$TMP/other" >"$TMP/other.txt" 2>&1
rc=$?
ok "$([ $rc -eq 2 ] && grep -q 'share no gated row' "$TMP/other.txt" && echo 0 || echo 1)" \
	"runs that share no gated row: no verdict, exit 2 (got $rc)"

# the default text is wrapped within 100 columns (A/A, the injected
# regressions, a warning); its counts say row/rows as they are
long=$(cat "$TMP/aa.txt" "$TMP"/inj*.txt "$TMP/repeats.txt" 2>/dev/null |
	awk 'length($0) > 100 { print length($0) ": " substr($0, 1, 60) "..." }')
ok "$([ -z "$long" ] && echo 0 || echo 1)" "compare's default text: every line within 100 columns"
[ -z "$long" ] || diag "$long"
# (the fixture run has one disabled-overhead row with samples)
"$PROBECOST" compare --gate disabled-overhead tests/fixtures/run tests/fixtures/run >"$TMP/one.txt" 2>&1
ok "$(head -1 "$TMP/one.txt" | grep -q '^verdict: no regression in 1 gated row (' && echo 0 || echo 1)" \
	"one gated row: '1 gated row', not 'rows' ($(head -1 "$TMP/one.txt"))"
ktap_finish
