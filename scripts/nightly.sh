#!/bin/sh
# Nightly regression job: measure, report, compare, keep a history, plot
# the trend. docs/nightly.md shows cron and CI set-ups.
#
#   scripts/nightly.sh [--results DIR] [--baseline RUN_DIR] [--history FILE]
#                      [--threshold PCT] [--gate WHAT] [--no-confirm]
#                      [-- RUN_OPTIONS...]
#
#   --results DIR      where runs, history and trend go (default results);
#                      created when missing
#   --baseline RUN_DIR compare against this run (default: DIR/baseline if
#                      you pinned one there, else the previous complete
#                      nightly run, DIR/nightly-previous)
#   --history FILE     the history CSV (default DIR/history.csv)
#   --threshold PCT    passed to probecost compare (default: compare's)
#   --gate WHAT        passed to probecost compare (default: overhead rows)
#   --no-confirm       take compare's first verdict (see "confirm" below)
#   -- RUN_OPTIONS     passed to probecost run (e.g. --mech, --quick)
#
# Steps: probecost run into DIR/nightly-<UTC time>; report and plot in it;
# history append; compare against the baseline: KTAP into
# <run>/compare.ktap (and stdout), text (verdict first) into
# <run>/compare.txt; history plot into DIR/trend; finally, when the run
# completed, DIR/nightly-previous becomes a copy of it (a directory, not
# a link, so that a CI cache that keeps only that path keeps the run).
#
# Confirm: a regression must show twice. When compare finds one, the
# mechanisms it names are measured once more (DIR/nightly-<time>.confirm,
# same RUN_OPTIONS) and compared with the baseline again. On a VM a whole
# probe path can be tens of percent slower for one run and not the next
# (docs/nightly.md has the figures); a real regression is in the code and
# shows again. Regressions the second run does not show become KTAP
# "# SKIP not confirmed" lines and do not fail the job; the text says so.
#
# Exit status: 0 no regression, 1 regression, 2 usage or input error or
# runs that cannot be compared (see probecost compare --help), 3 the run
# itself failed (its partial results are still reported and compared,
# and it does not become nightly-previous), 130/143 interrupted.
# PROBECOST names the binary (default build/probecost of this tree).
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
bin=${PROBECOST:-$here/build/probecost}
results=results
baseline=""
history=""
cmp_opts=""
confirm=1
unconfirmed=0

usage() {
	sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--results) [ $# -ge 2 ] || usage; results=$2; shift 2 ;;
	--baseline) [ $# -ge 2 ] || usage; baseline=$2; shift 2 ;;
	--history) [ $# -ge 2 ] || usage; history=$2; shift 2 ;;
	--threshold) [ $# -ge 2 ] || usage; cmp_opts="$cmp_opts --threshold=$2"; shift 2 ;;
	--gate) [ $# -ge 2 ] || usage; cmp_opts="$cmp_opts --gate=$2"; shift 2 ;;
	--no-confirm) confirm=0; shift ;;
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

# Measure the mechanisms compare called regressed once more and compare
# again; 0 when none shows again (their KTAP lines become SKIPs), 1 when
# one does or the second run cannot tell.
confirm_regressions() {
	mechs=$(sed -n 's/^REGRESSION \([^ ]*\) .*/\1/p' "$run/compare.txt" | sort -u | paste -sd, -)
	[ -n "$mechs" ] || return 1
	step "confirm: measuring $mechs once more; a regression must show again"
	"$bin" run "$@" --mech "$mechs" --out "$run.confirm" >"$run.confirm.log" 2>&1
	if [ ! -f "$run.confirm/results.csv" ]; then
		step "confirm: the second run failed ($run.confirm.log); the first verdict stands"
		return 1
	fi
	# shellcheck disable=SC2086
	"$bin" compare $cmp_opts --allow-partial "$baseline" "$run.confirm" >"$run.confirm/compare.txt" 2>&1
	case $? in
	0)
		step "confirm: not confirmed: $mechs measured within the margin the second time; a one-run slowdown of the host, not a regression ($run.confirm/compare.txt)"
		# the first run's not ok lines of those mechanisms become SKIPs
		awk -v m=",$mechs," '
			/^not ok / && index(m, "," $4 ",") {
				sub(/^not ok/, "ok"); print $0 " # SKIP not confirmed by a second run"; next
			}
			{ print }' "$run/compare.ktap" >"$run/compare.ktap.new" &&
			mv "$run/compare.ktap.new" "$run/compare.ktap"
		printf 'confirm: not confirmed by a second run (%s): no regression\n' "$run.confirm" >>"$run/compare.txt"
		unconfirmed=1
		return 0 ;;
	1)
		step "confirm: confirmed by a second run:"
		grep '^REGRESSION' "$run.confirm/compare.txt" | sed 's/^/nightly.sh:   /' >&2
		printf 'confirm: confirmed by a second run (%s)\n' "$run.confirm" >>"$run/compare.txt"
		return 1 ;;
	*)
		step "confirm: the second compare could not tell ($run.confirm/compare.txt); the first verdict stands"
		return 1 ;;
	esac
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
# a run that lost a mechanism is still compared, for what it kept
[ $st -eq 0 ] || cmp_opts="$cmp_opts --allow-partial"
verdict=0
if [ -n "$baseline" ]; then
	step "compare $baseline -> $run"
	# shellcheck disable=SC2086
	"$bin" compare $cmp_opts "$baseline" "$run" >"$run/compare.txt" 2>&1
	# shellcheck disable=SC2086
	"$bin" compare --ktap $cmp_opts "$baseline" "$run" >"$run/compare.ktap"
	verdict=$?
	head -n 20 "$run/compare.txt" | sed 's/^/nightly.sh: /' >&2
	if [ $verdict -eq 1 ] && [ $confirm -eq 1 ]; then
		confirm_regressions "$@"
		verdict=$?
	fi
	cat "$run/compare.ktap"
	if [ $verdict -gt 1 ]; then
		step "compare refused $baseline (exit $verdict, reason above); run with the baseline's settings, pass --baseline, or remove $results/nightly-previous to start over"
		exit $verdict
	fi
else
	step "no baseline yet (first nightly run): nothing to compare"
fi

"$bin" history plot "$history" "$results/trend" || step "trend plot failed"
if [ $unconfirmed -eq 1 ]; then
	# a night that was slow for the host is no baseline for the next
	step "$results/nightly-previous stays: this run showed a regression its confirmation did not"
elif [ $st -eq 0 ]; then
	# a copy, not a link: CI caches keep paths, not what a link points to
	rm -rf "$results/nightly-previous.new" &&
		cp -R "$run" "$results/nightly-previous.new" &&
		rm -rf "$results/nightly-previous" &&
		mv "$results/nightly-previous.new" "$results/nightly-previous" ||
		step "could not copy $run to $results/nightly-previous"
fi
[ $st -eq 0 ] || exit 3
exit $verdict
