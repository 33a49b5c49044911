#!/bin/sh
# The nightly gate's figures (issue 15), not a test: nothing here passes
# or fails on a number.
#
#   scripts/bench-compare.sh
#
# N back-to-back runs of an unchanged tree (default 5 of
# `probecost run --no-vm`, the native default suite), then:
#   - false alarms: `not ok` of `compare --ktap` between consecutive runs
#     (1 vs 2, 2 vs 3, ...), with the rows that fired;
#   - the smallest injected change caught every time: +P% of the state's
#     cost injected into one mechanism's overhead rows (tests/inject.py,
#     samples and summaries) of run i+1, compared with run i, for the N
#     pairs i -> i+1 (the last wraps to the first); caught = exit 1 with
#     that mechanism named on the first regression line;
#   - compare's wall time and output length (text, --verbose, --ktap)
#     for runs 1 and 2.
#
# Environment: BENCH_RUNS (default 5), BENCH_RUN_OPTS (default --no-vm),
# BENCH_MECHS (mechanisms to inject into, default "user-branch
# uprobe-nop"), BENCH_DIR (keep the runs there, run-1 .. run-N; runs
# already there are reused, not measured again), PROBECOST (default
# build/probecost).
set -eu
cd "$(dirname "$0")/.."
BIN=${PROBECOST:-build/probecost}
N=${BENCH_RUNS:-5}
OPTS=${BENCH_RUN_OPTS:---no-vm}
MECHS=${BENCH_MECHS:-user-branch uprobe-nop}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dir=${BENCH_DIR:-$tmp}

now() { date +%s.%N; }

if [ ! -f "$dir/run-$N/results.csv" ]; then
	echo "== $N back-to-back runs: $BIN run $OPTS"
	i=1
	while [ "$i" -le "$N" ]; do
		t0=$(now)
		# shellcheck disable=SC2086
		rm -rf "$dir/run-$i"
		"$BIN" run $OPTS --out "$dir/run-$i" >"$dir/run-$i.log" 2>&1 || {
			echo "run $i exited $?; see below"; tail -5 "$dir/run-$i.log"; }
		echo "run $i: $(echo "$(now) - $t0" | bc) s"
		i=$((i + 1))
	done
fi

echo "== false alarms: compare --ktap run-i run-(i+1), default gate"
total=0
i=1
while [ "$i" -lt "$N" ]; do
	"$BIN" compare --ktap "$dir/run-$i" "$dir/run-$((i + 1))" >"$tmp/fa.ktap" 2>&1 || true
	n=$(grep -c '^not ok' "$tmp/fa.ktap" || true)
	rows=$(grep -c '^ok\|^not ok' "$tmp/fa.ktap" || true)
	echo "run $i -> $((i + 1)): $n not ok of $rows rows"
	grep '^not ok' "$tmp/fa.ktap" | sed 's/^/    /' || true
	total=$((total + n))
	i=$((i + 1))
done
echo "false alarms: $total not ok over $((N - 1)) compares"

echo "== smallest injected change caught in $N of $N tries"
for mech in $MECHS; do
	smallest=none
	for pct in 5 10 15 20 30 50 100; do
		caught=0
		i=1
		while [ "$i" -le "$N" ]; do
			j=$((i % N + 1))
			rm -rf "$tmp/inj"
			if ! python3 tests/inject.py "$dir/run-$j" "$tmp/inj" "$mech" "$pct" >/dev/null 2>&1; then
				echo "$mech: no instrumented cost row to inject into; skipped"
				continue 3
			fi
			rc=0
			"$BIN" compare "$dir/run-$i" "$tmp/inj" >"$tmp/inj.txt" 2>&1 || rc=$?
			if [ $rc -eq 1 ] && grep -m1 '^REGRESSION' "$tmp/inj.txt" | grep -q "^REGRESSION $mech "; then
				caught=$((caught + 1))
			fi
			i=$((i + 1))
		done
		echo "$mech +$pct% of its cost: caught $caught of $N"
		if [ "$caught" -eq "$N" ]; then
			smallest=$pct
			break
		fi
	done
	echo "$mech: smallest change caught $N of $N: +$smallest%"
done

echo "== compare run-1 run-2: wall time and output length"
for o in "" --verbose --ktap; do
	t0=$(now)
	# shellcheck disable=SC2086
	"$BIN" compare $o "$dir/run-1" "$dir/run-2" >"$tmp/out" 2>&1 || true
	t=$(echo "$(now) - $t0" | bc)
	echo "compare ${o:-(text)}: $t s, $(wc -l <"$tmp/out") lines, $(grep -c . "$dir/run-1/results.csv") + $(grep -c . "$dir/run-2/results.csv") result lines in"
done
