#!/bin/sh
# scripts/nightly.sh twice on short runs: the first has nothing to
# compare with, the second compares with the first (KTAP), both land in
# the history, the trend is drawn, nightly-previous follows the newest
# run; a baseline that is not a run is refused with exit 2.
. tests/ktap.sh

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export PROBECOST="$(pwd)/$PROBECOST"
opts="--mech none,user-branch --quick --repeat 6 --analyses none"

ktap_plan 7
# shellcheck disable=SC2086
sh scripts/nightly.sh --results "$TMP/r" -- $opts >"$TMP/1.out" 2>&1
ok $? "first night exits 0 (nothing to compare)"
sleep 1
# a 1000% threshold: two honest runs never differ that much
# shellcheck disable=SC2086
sh scripts/nightly.sh --results "$TMP/r" --threshold 1000 -- $opts >"$TMP/2.out" 2>&1
rc=$?
ok $rc "second night exits 0 (no regression beyond 1000%)"
[ $rc -eq 0 ] || diag "$(tail -20 "$TMP/2.out")"

last=$(readlink "$TMP/r/nightly-previous")
check "nightly-previous points at the newest run" \
	[ -n "$last" -a "$last" = "$(ls "$TMP/r" | grep '^nightly-2' | tail -1)" ]
check "the second night compared, in KTAP" \
	sh -c "head -1 '$TMP/r/$last/compare.ktap' | grep -qx 'KTAP version 1' && grep -q '^ok 1 ' '$TMP/r/$last/compare.ktap'"
runs=$(python3 -c 'import csv,sys; print(len({r["run_id"] for r in csv.DictReader(open(sys.argv[1]))}))' \
	"$TMP/r/history.csv" 2>&1)
ok "$([ "$runs" = 2 ] && echo 0 || echo 1)" "history.csv holds both runs ($runs)"
check "the trend is plotted" [ -s "$TMP/r/trend/plots/trend-overhead-static-ns.txt" ]

sh scripts/nightly.sh --results "$TMP/r" --baseline "$TMP/nope" >"$TMP/3.out" 2>&1
rc=$?
ok "$([ $rc -eq 2 ] && grep -q 'no results.csv there' "$TMP/3.out" && echo 0 || echo 1)" \
	"a --baseline that is not a run: exit 2 with the reason ($rc)"
ktap_finish
