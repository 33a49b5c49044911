#!/bin/sh
# Run probecost's test suite and print one KTAP v1 document.
#
#   tests/run.sh [NAME...]
#
# Every test is a program printing KTAP and exiting as kselftest does
# (0 pass, 1 fail, 4 skip): the C unit tests built into build/tests/ and
# the shell tests tests/*.t.sh. Each becomes one subtest, its own output
# indented. NAME filters by test name (substring). Exit 0 when nothing
# failed.
set -u
cd "$(dirname "$0")/.." || exit 1

tests=""
for t in build/tests/* tests/*.t.sh; do
	[ -x "$t" ] || [ "${t%.t.sh}" != "$t" ] || continue
	[ -e "$t" ] || continue
	name=$(basename "$t" .t.sh)
	if [ $# -gt 0 ]; then
		keep=0
		for f in "$@"; do
			case "$name" in *"$f"*) keep=1 ;; esac
		done
		[ $keep -eq 1 ] || continue
	fi
	tests="$tests $t"
done

n=0
for t in $tests; do n=$((n + 1)); done
echo "KTAP version 1"
echo "1..$n"

i=0
fail=0
start_all=$(date +%s)
for t in $tests; do
	i=$((i + 1))
	name=$(basename "$t" .t.sh)
	start=$(date +%s)
	out=$(mktemp)
	case "$t" in
	*.t.sh) sh "$t" >"$out" 2>&1 ;;
	*) "$t" >"$out" 2>&1 ;;
	esac
	rc=$?
	sed 's/^/    /' "$out"
	rm -f "$out"
	secs=$(($(date +%s) - start))
	case $rc in
	0) echo "ok $i $name # ${secs}s" ;;
	4) echo "ok $i $name # SKIP (see its output) ${secs}s" ;;
	*) echo "not ok $i $name # exit $rc, ${secs}s"; fail=$((fail + 1)) ;;
	esac
done
echo "# $n tests, $fail failed, $(($(date +%s) - start_all))s"
[ $fail -eq 0 ]
