#!/bin/sh
# Two runs at once on one machine: each has its own event group
# (probecost_<pid>) and instances (probecost-<pid>-*), so both count
# exactly their own hits (no row marked miscount), neither reaps the
# other's live probes, and afterwards nothing is left.
. tests/ktap.sh
. tests/user_helpers.sh
need_uprobes

MECHS=usdt,uprobe-nop,syscall-tracepoint
PRIM="--tracer ftrace"	# the primitives (recording into ftrace), not these names' bpf or perf-record entries
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
before=$(leftovers)
ktap_plan 5
"$PROBECOST" run --quick --mech "$MECHS" $PRIM --state enabled,recording --out "$tmp/a" >"$tmp/la" 2>&1 &
a=$!
"$PROBECOST" run --quick --mech "$MECHS" $PRIM --state enabled,recording --out "$tmp/b" >"$tmp/lb" 2>&1 &
b=$!
wait $a; ra=$?
wait $b; rb=$?
ok $([ $ra -eq 0 ] && [ $rb -eq 0 ]; echo $?) "both concurrent runs exit 0 ($ra, $rb)"
for r in a b; do
	n=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["metric"] == "overhead" && ($c["state"] == "enabled" || $c["state"] == "recording") &&
		$c["status"] == "ok" && $c["hit_ratio"] == 1' "$tmp/$r/results.csv" | wc -l)
	ok $([ "$n" -eq 6 ]; echo $?) "run $r: all 6 enabled/recording rows ok with 1 hit per event ($n)"
	[ "$n" -eq 6 ] && continue
	sed 's/^/# /' "$tmp/l$r"
done
ok $(! grep -q 'removed' "$tmp/la" "$tmp/lb"; echo $?) "neither run reaped the other's live probes"
now=$(leftovers)
ok $([ "$now" = "$before" ]; echo $?) "nothing left in uprobe_events, kprobe_events or instances"
ktap_finish
