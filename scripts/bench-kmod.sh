#!/bin/sh
# The module's benchmark figures (issue 3 note), not tests:
#   - wall time of the kernel suite in the guest, one series and both
#     (probecost run --vm --quick of the module mechanisms);
#   - the table of instruction costs per mechanism x state for 6.1 and
#     6.12 in deterministic mode (overhead medians, icount).
set -eu
cd "$(dirname "$0")/.."
BIN=build/probecost
MECHS=tracepoint,branch,static-key,kprobe-int3,kprobe-optimized,kprobe-ftrace,kretprobe
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }

for k in 6.1 6.12; do
	echo "== wall time: probecost run --kernel $k --quick --mech <module mechanisms>"
	t0=$(now)
	"$BIN" run --kernel "$k" --quick --mech "$MECHS" --out "$tmp/q$k" >/dev/null
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "  %.1f s\n", b - a }'
done

for k in 6.1 6.12; do
	"$BIN" run --kernel "$k" --deterministic --events 1000 --repeat 6 --warmup 1 \
		--mech "$MECHS" --out "$tmp/d$k" >/dev/null
done
echo "== instructions per event over the absent twin (overhead median), deterministic"
python3 - "$tmp/d6.1/results.csv" "$tmp/d6.12/results.csv" <<'PY'
import csv, sys
tab = {}
for path, k in zip(sys.argv[1:], ("6.1", "6.12")):
    for r in csv.DictReader(open(path)):
        if r["metric"] == "overhead" and r["status"] == "ok":
            tab.setdefault((r["mechanism"], r["state"]), {})[k] = (float(r["median"]), r["variant"])
print("  %-17s %-10s %10s %10s  %s" % ("mechanism", "state", "6.1", "6.12", "variant (6.1 / 6.12)"))
for (m, s), v in tab.items():
    a, b = v.get("6.1", (float("nan"), "")), v.get("6.12", (float("nan"), ""))
    print("  %-17s %-10s %10.1f %10.1f  %s / %s" % (m, s, a[0], b[0], a[1], b[1]))
PY
