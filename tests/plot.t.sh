#!/bin/sh
# `probecost plot` on the committed fixture run: every chart exists as
# PNG, SVG and dumb text, non-empty and of its format, with its .gp and
# .dat beside it; the text plots name the mechanisms, fit 72 columns and
# keep the key off the axis labels; a chart whose medians span more than
# 100x is drawn on a log axis, one that does not on a linear one; one
# headline chart per place; render.gp re-renders everything by itself
# (the scripts are editable and whole).
. tests/ktap.sh

TMP=$(mktemp -d)
BIN=$(pwd)/$PROBECOST
trap 'rm -rf "$TMP"' EXIT

if ! command -v gnuplot >/dev/null 2>&1; then
	ktap_plan 1
	skip "plot" "gnuplot is not installed (scripts/deps.sh run installs gnuplot-nox)"
	ktap_finish
fi
cp -r tests/fixtures/run "$TMP/run"
P=$TMP/run/plots
charts="headline-user-ns headline-kernel-ns headline-guest-instructions overhead-baseline-ns overhead-static-ns overhead-dynamic-instructions scaling-throughput victim-l2"

ktap_plan 14
"$BIN" plot "$TMP/run" >"$TMP/out" 2>&1
rc=$?
ok $rc "plot exits 0"
[ $rc -eq 0 ] || diag "$(cat "$TMP/out")"

missing=""
for c in $charts; do
	for e in png svg txt gp dat; do
		[ -s "$P/$c.$e" ] || missing="$missing $c.$e"
	done
done
ok "$([ -z "$missing" ] && echo 0 || echo 1)" "every chart as non-empty png, svg, txt, gp and dat"
[ -z "$missing" ] || diag "missing or empty:$missing"

bad=""
for c in $charts; do
	head -c 8 "$P/$c.png" | od -An -c | grep -q 'P   N   G' || bad="$bad $c.png"
	grep -q '<svg' "$P/$c.svg" || bad="$bad $c.svg"
done
ok "$([ -z "$bad" ] && echo 0 || echo 1)" "PNG files start with the PNG signature, SVG files hold an <svg> element"
[ -z "$bad" ] || diag "not of their format:$bad"

check "the static family's text plot names its mechanisms (a long name cut with ~)" \
	sh -c "grep -q 'user-branch disabled' '$P/overhead-static-ns.txt' &&
	       grep -q 'usdt-semaphore-~ enabled' '$P/overhead-static-ns.txt' &&
	       grep -q 'usdt-semaphore-guarded-very-lo~ enabled' '$P/overhead-static-ns.dat'"
check "the user-space headline puts static and dynamic side by side" \
	sh -c "grep -q 'user-branch enabled' '$P/headline-user-ns.dat' && grep -q '^1,kprobe recording' '$P/headline-guest-instructions.dat'"
# 0.004 .. 304 ns spans > 100x; 412 .. 655 instructions does not
check "log scale where the medians span more than 100x, linear where not" \
	sh -c "grep -q '^set logscale x' '$P/overhead-static-ns.gp' &&
	       grep -q '^set logscale x' '$P/headline-user-ns.gp' &&
	       ! grep -q '^set logscale' '$P/overhead-dynamic-instructions.gp'"
long=$(awk 'length($0) > 72 { print FILENAME ": " length($0) }' "$P"/*.txt)
ok "$([ -z "$long" ] && echo 0 || echo 1)" "every text plot fits 72 columns"
[ -z "$long" ] || diag "$long"
# the key drawn over the x label garbles it: each must read whole
check "the key does not overlap the x labels" \
	sh -c "grep -qF 'ns per event (tsc)' '$P/overhead-static-ns.txt' &&
	       grep -qF 'instructions per event (icount)' '$P/headline-guest-instructions.txt' &&
	       grep -qF 'probe hits k between walks' '$P/victim-l2.txt'"
# the fixture's l1d rows all sit inside the noise floor; at l2 only
# user-branch disabled (k = 64: 372 ns, CI [35, 722], band up to 305) leaves it
check "a victim chart whose probes all sit in the noise floor is left out" \
	[ ! -e "$P/victim-l1d.gp" ]
check "a victim chart draws the noise floor as a band and only the probes out of it" \
	sh -c "grep -q 'filledcurves' '$P/victim-l2.gp' && grep -q '^1,user-branch disabled,' '$P/victim-l2.dat' &&
	       ! grep -q 'user-branch enabled' '$P/victim-l2.dat'"
check "the guest family's text plot names kprobe" grep -q 'kprobe enabled' "$P/overhead-dynamic-instructions.txt"
check "the scaling text plot names both mechanisms" \
	sh -c "grep -q 'none absent' '$P/scaling-throughput.txt' && grep -q 'user-branch enabled' '$P/scaling-throughput.txt'"
check "unsupported and failed rows are not drawn" sh -c "! grep -q 'kprobe-ftrace' '$P'/*.dat"

rm -f "$P"/*.png "$P"/*.svg "$P"/*.txt
(cd "$P" && gnuplot render.gp) >"$TMP/gp" 2>&1
n=$(ls "$P"/*.png "$P"/*.svg "$P"/*.txt 2>/dev/null | wc -l)
ok "$([ "$n" -eq 24 ] && echo 0 || echo 1)" "gnuplot render.gp alone re-renders the 24 files ($n)"
[ "$n" -eq 24 ] || diag "$(cat "$TMP/gp")"
ktap_finish
