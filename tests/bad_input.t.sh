#!/bin/sh
# Every row of tests/bad_input*.tsv: the exit status and the message
# fragment it promises; and no run directory left behind by commands
# refused before measuring.
. tests/ktap.sh

TMP=$(mktemp -d)
FIX=$(pwd)/tests/fixtures
BIN=$(pwd)/$PROBECOST
: >"$TMP/file-not-dir"
# a directory holding another run's results (bad_input.tsv's --out row)
mkdir "$TMP/a-run" && echo 'not yours' >"$TMP/a-run/results.csv"
trap 'rm -rf "$TMP"' EXIT

cat tests/bad_input*.tsv | grep -v '^#' | grep . >"$TMP/rows"
ktap_plan $(($(wc -l <"$TMP/rows") + 2))

while IFS='	' read -r want frag args; do
	args=$(printf '%s' "$args" | sed "s|\$TMP|$TMP|g; s|\$FIX|$FIX|g")
	# word splitting of $args is intended: the table holds argument lists
	# shellcheck disable=SC2086
	out=$(cd "$TMP" && "$BIN" $args 2>&1 </dev/null)
	got=$?
	if [ "$got" -eq "$want" ] && printf '%s' "$out" | grep -qF -- "$frag"; then
		ok 0 "probecost $args -> exit $want, says '$frag'"
	else
		ok 1 "probecost $args -> exit $want, says '$frag'"
		diag "got exit $got, output:"
		diag "$out"
	fi
done <"$TMP/rows"

# refused before measuring means nothing was created under results/
left=$(ls "$TMP/results" 2>/dev/null)
check "refused runs leave no results directory behind" [ -z "$left" ]
check "a run refused its --out leaves that directory's results.csv as it was" \
	grep -qx 'not yours' "$TMP/a-run/results.csv"
ktap_finish
