#!/bin/sh
# probecost's benchmark figures (quoted in the issue notes), not tests:
# nothing here passes or fails on a number.
#
#   scripts/bench.sh            all figures
#
# Prints:
#   - the noise floor: CI half-width of the zero-cost difference
#     (absent' - absent) of `none` with default settings, in ns;
#   - wall time of a default `probecost run --mech none,user-branch`;
#   - wall time of the default native suite (all mechanisms, all states);
#   - time of report + plot for that run;
#   - the victim method's noise floor (`none` as the probe);
#   - the churn 6.1 -> 6.12 headline and its wall time.
# make bench adds scripts/bench-uprobe.sh (probecost vs a plain perf
# uprobe loop) and scripts/bench-kmod.sh (the guest suite).
set -eu
cd "$(dirname "$0")/.."
BIN=build/probecost
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }

echo "== noise floor: probecost run --mech none (default settings), 3 runs"
for i in 1 2 3; do
	"$BIN" run --mech none --out "$tmp/none$i" >/dev/null
	python3 - "$tmp/none$i/results.csv" <<'PY'
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["metric"] == "overhead":
        hw = (float(r["ci95_high"]) - float(r["ci95_low"])) / 2
        print("  none absent'-absent: median %+.4f %s, CI half-width %.4f %s (%s, %s repeats)"
              % (float(r["median"]), r["unit"], hw, r["unit"], r["backend"], r["repeats"]))
PY
done

echo "== wall time: probecost run --mech none,user-branch (default settings)"
t0=$(now)
"$BIN" run --mech none,user-branch --out "$tmp/ub" >/dev/null
t1=$(now)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "  %.2f s\n", b - a }'
python3 - "$tmp/ub/results.csv" <<'PY'
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["metric"] == "overhead" and r["mechanism"] == "user-branch":
        print("  user-branch %-9s overhead %+.3f %s [%.3f, %.3f]"
              % (r["state"], float(r["median"]), r["unit"], float(r["ci95_low"]),
                 float(r["ci95_high"])))
PY

echo "== wall time: the default native suite (probecost run --no-vm --analyses none)"
t0=$(now)
"$BIN" run --no-vm --analyses none --out "$tmp/native" >/dev/null
t1=$(now)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "  %.1f s\n", b - a }'

echo "== report + plot of that run"
t0=$(now)
"$BIN" report "$tmp/native" >/dev/null && "$BIN" plot "$tmp/native" >/dev/null
t1=$(now)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "  %.2f s\n", b - a }'

echo "== victim-method noise floor: probecost run --mech none --analyses victim"
"$BIN" run --mech none --analyses victim --out "$tmp/victim" >/dev/null
python3 - "$tmp/victim/results.csv" <<'PY'
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["metric"].startswith("victim-") and not r["metric"].endswith("-walk") and r["median"]:
        print("  %-22s median %+.2f %s, 95%% CI [%.2f, %.2f]"
              % (r["metric"], float(r["median"]), r["unit"], float(r["ci95_low"]),
                 float(r["ci95_high"])))
PY

echo "== churn 6.1 -> 6.12: headline and wall time with cached dumps"
if scripts/churn-kernel.sh 6.1 >/dev/null 2>"$tmp/k.err" &&
   scripts/churn-kernel.sh 6.12 >/dev/null 2>>"$tmp/k.err"; then
	t0=$(now)
	"$BIN" churn 6.1 6.12 --out "$tmp/churn" --plot none >"$tmp/churn.out"
	t1=$(now)
	sed -n '3,5p' "$tmp/churn.out"
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "  wall time %.2f s\n", b - a }'
else
	echo "  not measured: $(tail -n1 "$tmp/k.err")"
fi
