#!/bin/sh
# probecost's benchmark figures (quoted in the issue notes), not tests:
# nothing here passes or fails on a number.
#
#   scripts/bench.sh            all figures
#
# Prints, for the foundation:
#   - the noise floor: CI half-width of the zero-cost difference
#     (absent' - absent) of `none` with default settings, in ns;
#   - wall time of a default `probecost run --mech none,user-branch`.
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
