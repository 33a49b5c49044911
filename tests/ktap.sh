# SPDX-License-Identifier: MIT
# KTAP v1 helpers for probecost's shell tests; source this file.
#
#   ktap_plan N            print the header and plan
#   ok COND_STATUS NAME    report a result from an exit status (0 = pass)
#   check NAME CMD...      run CMD, pass when it exits 0
#   skip NAME REASON
#   diag TEXT
#   ok_verdicts FILE N     one result per "ok WHAT" / "FAIL WHAT" line of
#                          FILE (a checker's output, shown whole on a
#                          FAIL), and a failure unless it had N lines
#   ktap_finish            exit 0 pass / 1 fail / 4 all skipped
#
# Set PROBECOST to the binary under test (default build/probecost).

KTAP_N=0
KTAP_FAIL=0
KTAP_SKIP=0
KTAP_PLAN=0
PROBECOST=${PROBECOST:-build/probecost}

ktap_plan() {
	KTAP_PLAN=$1
	echo "KTAP version 1"
	echo "1..$1"
}

diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

ok() {
	KTAP_N=$((KTAP_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $KTAP_N $2"
	else
		echo "not ok $KTAP_N $2"
		KTAP_FAIL=$((KTAP_FAIL + 1))
	fi
}

ok_verdicts() {
	_n=0
	grep -q '^FAIL' "$1" && diag "$(cat "$1")"
	while read -r _verdict _what; do
		_n=$((_n + 1))
		[ "$_verdict" = ok ]
		ok $? "$_what"
	done <"$1"
	[ $_n -eq "$2" ] || ok 1 "the checks ran ($_n of $2)"
}

check() {
	_name=$1
	shift
	if "$@"; then ok 0 "$_name"; else ok 1 "$_name"; fi
}

skip() {
	KTAP_N=$((KTAP_N + 1))
	KTAP_SKIP=$((KTAP_SKIP + 1))
	echo "ok $KTAP_N $1 # SKIP $2"
}

ktap_finish() {
	if [ "$KTAP_N" -ne "$KTAP_PLAN" ]; then
		echo "# planned $KTAP_PLAN tests but ran $KTAP_N"
		exit 1
	fi
	echo "# totals: pass:$((KTAP_N - KTAP_FAIL - KTAP_SKIP)) fail:$KTAP_FAIL skip:$KTAP_SKIP"
	[ "$KTAP_FAIL" -eq 0 ] || exit 1
	[ "$KTAP_SKIP" -ne "$KTAP_N" ] || [ "$KTAP_N" -eq 0 ] || exit 4
	exit 0
}

# overhead_field FILE MECH STATE COLUMN: COLUMN (a results.csv header name)
# of MECH's overhead row in STATE; columns are found by name, so a column
# added to the file format moves nothing. (Cells before "note", the last
# column, hold no commas.)
overhead_field() {
	awk -F, -v m="$2" -v s="$3" -v c="$4" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$col["mechanism"] == m && $col["state"] == s && $col["metric"] == "overhead" {
			print $col[c]; exit
		}' "$1"
}
