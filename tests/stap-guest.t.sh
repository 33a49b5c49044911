# SPDX-License-Identifier: MIT
# The stap tracer in the QEMU guest (6.1: SystemTap 4.8 does not build
# for 6.12, docs/churn.md "tool breakage"). One boot with --stap runs
# tests/guest/stap-run.sh: probecost run's stap entries, then a hand-run
# recording module whose records are checked byte by byte, then what was
# left loaded. Skips when systemtap, QEMU or the kernel cannot be had.
. tests/ktap.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
names="rows: hits == n (0 when off), lost 0, the variants read back
enabled < recording
kprobe-int3 (stap): unsupported with its reason
records: every hand-run record carries magic and payload bytes, one per hit
nothing left loaded or registered
SIGINT with a stap module loaded: nothing left"

ktap_plan 6
skip_all() {
	printf '%s\n' "$names" | while IFS= read -r n; do skip "$n" "$1"; done
	KTAP_N=6
	KTAP_SKIP=6
	ktap_finish
}
command -v stap >/dev/null 2>&1 ||
	skip_all "systemtap is not installed (scripts/deps.sh guest installs it)"

out="$tmp/out"
rc=0
scripts/guest.sh --kernel 6.1 --deterministic --stap --timeout 900 \
	--script tests/guest/stap-run.sh --out "$out" 2>"$tmp/err" || rc=$?
[ $rc -ne 4 ] || skip_all "$(tail -n 1 "$tmp/err")"
if grep -q 'could not build the stap modules' "$tmp/err"; then
	sed 's/^/# /' "$tmp/err"
fi
res="$out/run/results.csv"
[ -f "$res" ] || { sed 's/^/# /' "$tmp/err"; [ ! -f "$out/run.txt" ] || sed 's/^/# /' "$out/run.txt"; }

# COLUMN of the stap entry MECH's overhead row in STATE
f() {
	awk -F, -v m="$1" -v s="$2" -v c="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$col["mechanism"] == m && $col["tracer"] == "stap" && $col["state"] == s &&
		$col["metric"] == "overhead" { print $col[c]; exit }' "$res" 2>/dev/null
}

check_rows() {
	bad=""
	for st in absent disabled enabled recording; do
		status=$(f kprobe-ftrace $st status)
		ratio=$(f kprobe-ftrace $st hit_ratio)
		lost=$(f kprobe-ftrace $st lost)
		variant=$(f kprobe-ftrace $st variant)
		case $st in enabled|recording) want=1 ;; *) want=0 ;; esac
		case $st in
		enabled) wv="ftrace:stap module().function count" ;;
		recording) wv="ftrace:stap bulk printf %b record 88 bytes" ;;
		disabled) wv="ftrace|disabled:stap module loaded with its probe off" ;;
		*) wv=unprobed ;;
		esac
		[ "$status" = ok ] || bad="$bad $st:status=$status"
		[ "$ratio" = "$want" ] || bad="$bad $st:hits/event=$ratio(want $want)"
		[ "$lost" = 0 ] || bad="$bad $st:lost=$lost"
		[ "$variant" = "$wv" ] || bad="$bad $st:variant=$variant(want $wv)"
	done
	[ -z "$bad" ] || diag "wrong:$bad"
	[ -z "$bad" ]
}

check_order() {
	en=$(f kprobe-ftrace enabled median)
	rec=$(f kprobe-ftrace recording median)
	diag "kprobe-ftrace (stap): enabled $en, recording $rec instructions/event"
	awk -v e="$en" -v r="$rec" 'BEGIN { exit !(e != "" && r != "" && e + 0 > 0 && e + 0 < r + 0) }'
}

check_int3() {
	st=$(f kprobe-int3 enabled status)
	note=$(awk -F, 'NR > 1 && $2 == "kprobe-int3" && $3 == "stap" && /unsupported/ { print; exit }' "$res")
	[ "$st" = unsupported ] && case "$note" in *"a function probe on its entry"*) true ;; *) false ;; esac
}

check_records() {
	r=$(cat "$out/records.txt" 2>/dev/null)
	diag "hand-run recording module: $r"
	# shellcheck disable=SC2086
	set -- $r
	[ "${1:-}" = records ] && [ "$2" -gt 0 ] && [ "$2" = "$4" ] && [ "$6" = 0 ]
}

check_after() {
	[ -f "$out/after.txt" ] && [ ! -s "$out/after.txt" ] ||
		{ [ ! -f "$out/after.txt" ] || diag "left: $(cat "$out/after.txt")"; false; }
}

if [ -f "$res" ]; then check_rows; ok $? "rows: hits == n (0 when off), lost 0, the variants read back"; else ok 1 "rows: hits == n (0 when off), lost 0, the variants read back"; fi
if [ -f "$res" ]; then check_order; ok $? "enabled < recording"; else ok 1 "enabled < recording"; fi
if [ -f "$res" ]; then check_int3; ok $? "kprobe-int3 (stap): unsupported with its reason"; else ok 1 "kprobe-int3 (stap): unsupported with its reason"; fi
check_records
ok $? "records: every hand-run record carries magic and payload bytes, one per hit"
check_after
ok $? "nothing left loaded or registered"
check_int() {
	diag "SIGINT: $(tr '\n' ' ' <"$out/int.txt" 2>/dev/null)"
	grep -q '^loaded$' "$out/int.txt" 2>/dev/null && [ -f "$out/int-after.txt" ] &&
		[ ! -s "$out/int-after.txt" ] ||
		{ [ ! -f "$out/int-after.txt" ] || diag "left: $(cat "$out/int-after.txt")"; false; }
}
check_int
ok $? "SIGINT with a stap module loaded: nothing left"
ktap_finish
