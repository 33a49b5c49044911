#!/bin/sh
# Nightly regression job: measure, report, compare, keep a history, plot
# the trend. docs/nightly.md shows cron and CI set-ups.
#
#   scripts/nightly.sh [--results DIR] [--baseline RUN_DIR] [--history FILE]
#                      [--threshold PCT] [-- RUN_OPTIONS...]
#
#   --results DIR      where runs, history and trend go (default results)
#   --baseline RUN_DIR compare against this run (default: DIR/baseline if
#                      you pinned one there, else the previous nightly run)
#   --history FILE     the history CSV (default DIR/history.csv)
#   --threshold PCT    passed to probecost compare (default 10)
#   -- RUN_OPTIONS     passed to probecost run (e.g. --mech, --quick)
#
# Steps: probecost run into DIR/nightly-<UTC time>; report and plot in it;
# history append; compare --ktap against the baseline into
# <run>/compare.ktap (and stdout); history plot into DIR/trend; finally
# DIR/nightly-previous points at this run.
#
# Exit status: 0 no regression, 1 regression, 2 usage or input error,
# 3 the run itself failed (its partial results are still reported),
# 130/143 interrupted. PROBECOST names the binary (default
# build/probecost of this tree).
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
bin=${PROBECOST:-$here/build/probecost}
results=results
baseline=""
history=""
threshold=10

usage() {
	sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--results) [ $# -ge 2 ] || usage; results=$2; shift 2 ;;
	--baseline) [ $# -ge 2 ] || usage; baseline=$2; shift 2 ;;
	--history) [ $# -ge 2 ] || usage; history=$2; shift 2 ;;
	--threshold) [ $# -ge 2 ] || usage; threshold=$2; shift 2 ;;
	--) shift; break ;;
	-h|--help) usage ;;
	*) echo "nightly.sh: unknown option '$1'; see scripts/nightly.sh --help" >&2; exit 2 ;;
	esac
done
[ -x "$bin" ] || { echo "nightly.sh: $bin is not built; run make" >&2; exit 2; }
if [ -n "$baseline" ] && [ ! -f "$baseline/results.csv" ]; then
	echo "nightly.sh: --baseline $baseline: no results.csv there; expected a run directory" >&2
	exit 2
fi
mkdir -p "$results" || exit 2
history=${history:-$results/history.csv}
run=$results/nightly-$(date -u +%Y%m%dT%H%M%SZ)

step() {
	echo "nightly.sh: $*" >&2
}

step "run -> $run"
"$bin" run "$@" --out "$run"
st=$?
case $st in
0) ;;
2) exit 2 ;;
130|143) exit $st ;;
*) step "run exited $st; reporting what it kept" ;;
esac
[ -f "$run/results.csv" ] || exit 3

"$bin" report "$run" || exit $?
"$bin" plot "$run" || step "plot failed; the report is still there"
"$bin" history append "$history" "$run" || exit $?

if [ -z "$baseline" ] && [ -f "$results/baseline/results.csv" ]; then
	baseline=$results/baseline
elif [ -z "$baseline" ] && [ -f "$results/nightly-previous/results.csv" ]; then
	baseline=$results/nightly-previous
fi
verdict=0
if [ -n "$baseline" ]; then
	step "compare $baseline -> $run (threshold $threshold%)"
	"$bin" compare --ktap --threshold "$threshold" "$baseline" "$run" >"$run/compare.ktap"
	verdict=$?
	cat "$run/compare.ktap"
	[ $verdict -le 1 ] || exit $verdict
else
	step "no baseline yet (first nightly run): nothing to compare"
fi

"$bin" history plot "$history" "$results/trend" || step "trend plot failed"
ln -sfn "$(basename "$run")" "$results/nightly-previous"
[ $st -eq 0 ] || exit 3
exit $verdict
