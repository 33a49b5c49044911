# SPDX-License-Identifier: MIT
# probecost.ko in the QEMU guest, for both Debian series, deterministic
# mode (-icount shift=0). One boot per series runs every in-guest check
# (tests/guest/kmod-checks.sh: restore, bad ioctls, fuzz + dmesg, close
# and rmmod with everything armed) and a `probecost run` whose results
# are checked here: hits, variants, orderings. A second 6.1 boot repeats
# the run: the instruction costs must be identical.
. tests/ktap.sh

mechs="tracepoint branch static-key kprobe-int3 kprobe-optimized kprobe-ftrace kretprobe"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

boot() {
	# boot SERIES MODE OUTDIR
	scripts/guest.sh --kernel "$1" --deterministic --timeout 900 \
		--file build/tests-guest/pcdev --file tests/ktap.sh:/ktap.sh \
		--script tests/guest/kmod-checks.sh --out "$3" -- "$2" 2>"$3.err"
}

# COLUMN of the overhead row of MECH STATE in results.csv FILE
field() {
	overhead_field "$@"
}

# hit ratio, variant and status of every mechanism x state
check_rows() {
	res=$1
	bad=""
	for m in $mechs; do
		for st in absent disabled enabled recording; do
			status=$(field "$res" "$m" "$st" status)
			ratio=$(field "$res" "$m" "$st" hit_ratio)
			variant=$(field "$res" "$m" "$st" variant)
			unit=$(field "$res" "$m" "$st" unit)
			case $st in enabled|recording) want=1 ;; *) want=0 ;; esac
			[ "$status" = ok ] || bad="$bad $m/$st:status=$status"
			[ "$unit" = instructions ] || bad="$bad $m/$st:unit=$unit"
			awk -v r="$ratio" -v w="$want" 'BEGIN { exit !(r != "" && r + 0 == w) }' ||
				bad="$bad $m/$st:hits/event=$ratio(want $want)"
			case "$m/$st" in
			kprobe-int3/enabled) wv=int3 ;;
			kprobe-optimized/enabled) wv=optimized ;;
			kprobe-ftrace/enabled) wv=ftrace ;;
			# recording: the kprobe event's string fetch, read back
			kprobe-int3/recording) wv="int3:kprobe_events fetch payload=*:string" ;;
			kprobe-optimized/recording) wv="optimized:kprobe_events fetch payload=*:string" ;;
			kprobe-ftrace/recording) wv="ftrace:kprobe_events fetch payload=*:string" ;;
			kretprobe/enabled|kretprobe/recording) wv="kretprobe:*" ;;
			*) wv="*" ;;
			esac
			# shellcheck disable=SC2254
			case "$variant" in $wv) ;; *) bad="$bad $m/$st:variant=$variant(want $wv)" ;; esac
		done
	done
	[ -z "$bad" ] || diag "wrong:$bad"
	[ -z "$bad" ]
}

gt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && b != "" && a + 0 > b + 0) }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && b != "" && a + 0 <= b + 0) }'; }

check_order() {
	res=$1
	bad=""
	i3=$(field "$res" kprobe-int3 enabled median)
	op=$(field "$res" kprobe-optimized enabled median)
	gt "$i3" "$op" || bad="$bad int3($i3)<=optimized($op)"
	sk=$(field "$res" static-key disabled median)
	br=$(field "$res" branch disabled median)
	le "$sk" "$br" || bad="$bad static-key.disabled($sk)>branch.disabled($br)"
	for m in $mechs; do
		en=$(field "$res" "$m" enabled median)
		di=$(field "$res" "$m" disabled median)
		gt "$en" "$di" || bad="$bad $m.enabled($en)<=disabled($di)"
	done
	[ -z "$bad" ] || diag "violated:$bad"
	[ -z "$bad" ]
}

# MECH STATE's traps per event (the traps row's median)
traps() {
	awk -F, -v m="$2" -v s="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$col["mechanism"] == m && $col["state"] == s && $col["metric"] == "traps" &&
		$col["unit"] == "traps/event" { print $col["median"]; exit }' "$1"
}

# An int3 kprobe takes two traps per hit on Debian's kernels: the int3,
# then the int3 behind the out-of-line copy of the probed store (neither
# emulated nor, under CONFIG_PREEMPTION, boosted); every other
# mechanism x state none -- an optimized probe only once the optimizer
# has patched its jmp in, and a disabled site only once it unpatched it.
check_traps() {
	res=$1
	bad=""
	for m in $mechs; do
		for st in absent disabled enabled recording; do
			t=$(traps "$res" "$m" "$st")
			case "$m/$st" in
			kprobe-int3/enabled|kprobe-int3/recording) want=2 ;;
			*) want=0 ;;
			esac
			[ "$t" = "$want" ] || bad="$bad $m/$st:traps=${t:-none}(want $want)"
		done
	done
	[ -z "$bad" ] || diag "wrong:$bad"
	[ -z "$bad" ]
}

# COLUMN of MECH's row under TRACER in STATE for METRIC
row_field() {
	awk -F, -v m="$2" -v t="$3" -v s="$4" -v k="$5" -v c="$6" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$col["mechanism"] == m && $col["tracer"] == t && $col["state"] == s &&
		$col["metric"] == k { print $col[c]; exit }' "$1"
}

# The kprobes' recording like-for-like (tracer self): their own handler
# writes pc_record, n hits, the variant says so, the kprobe variant's
# traps; recording costs the same over enabled as branch's handler does
# (within 2%), and far less than the kprobe event's string fetch.
check_self() {
	res=$1
	bad=""
	bre=$(row_field "$res" branch self enabled overhead median)
	brr=$(row_field "$res" branch ftrace recording overhead median)
	for m in kprobe-int3 kprobe-optimized kprobe-ftrace kretprobe; do
		st=$(row_field "$res" "$m" self recording overhead status)
		ra=$(row_field "$res" "$m" self recording overhead hit_ratio)
		va=$(row_field "$res" "$m" self recording overhead variant)
		rec=$(row_field "$res" "$m" self recording overhead median)
		en=$(row_field "$res" "$m" self enabled overhead median)
		kev=$(row_field "$res" "$m" ftrace recording overhead median)
		tr=$(row_field "$res" "$m" self recording traps median)
		ten=$(row_field "$res" "$m" self enabled traps median)
		[ "$st" = ok ] || bad="$bad $m:status=$st"
		[ "$ra" = 1 ] || bad="$bad $m:hits/event=$ra"
		case "$va" in *":handler probecost:pc_record") ;; *) bad="$bad $m:variant=$va" ;; esac
		[ -n "$tr" ] && [ "$tr" = "$ten" ] || bad="$bad $m:traps=$tr(enabled $ten)"
		awk -v r="$rec" -v e="$en" -v br="$brr" -v be="$bre" -v k="$kev" 'BEGIN {
			d = (r - e) - (br - be); if (d < 0) d = -d
			exit !(r != "" && br != "" && d <= 0.02 * (br - be) && r < k) }' ||
			bad="$bad $m:recording=$rec enabled=$en (branch $brr/$bre, kprobe event $kev)"
	done
	[ -z "$bad" ] || diag "wrong:$bad"
	[ -z "$bad" ]
}

costs() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["metric"] == "cost" || $c["metric"] == "overhead" {
			print $c["mechanism"], $c["state"], $c["metric"], $c["median"]
		}' "$1" | sort
}

ktap_plan 11
for series in 6.1 6.12; do
	out="$tmp/$series"
	boot "$series" full "$out"
	rc=$?
	if [ $rc -eq 4 ]; then
		why=$(tail -n 1 "$out.err")
		for t in "guest checks" "hits, variants" "orderings" "traps" "like-for-like"; do
			skip "$series: $t" "$why"
		done
		continue
	fi
	if [ -f "$out/checks.tap" ]; then
		sed 's/^/    /' "$out/checks.tap"
	else
		sed 's/^/# /' "$out.err"
	fi
	ok $rc "$series: guest checks (restore, bad ioctls, fuzz, close and rmmod armed)"
	res="$out/det/results.csv"
	if [ -f "$res" ]; then
		check_rows "$res"
		ok $? "$series: every mechanism x state counts n hits (0 when off) with the variant asked for"
		check_order "$res"
		ok $? "$series: int3 > optimized, static-key.disabled <= branch.disabled, enabled > disabled"
		check_traps "$res"
		ok $? "$series: traps per event: 2 for an int3 kprobe (int3 + step), 0 for every other row"
		check_self "$res"
		ok $? "$series: kprobes recording through their own handler's pc_record: n hits, branch's record cost, below the string fetch"
	else
		ok 1 "$series: every mechanism x state counts n hits (0 when off) with the variant asked for"
		ok 1 "$series: int3 > optimized, static-key.disabled <= branch.disabled, enabled > disabled"
		ok 1 "$series: traps per event: 2 for an int3 kprobe (int3 + step), 0 for every other row"
		ok 1 "$series: kprobes recording through their own handler's pc_record: n hits, branch's record cost, below the string fetch"
	fi
done

out="$tmp/6.1-again"
boot 6.1 det "$out"
rc=$?
if [ $rc -eq 4 ]; then
	skip "6.1: two boots give identical instruction costs" "$(tail -n 1 "$out.err")"
elif [ -f "$out/det/results.csv" ] && [ -f "$tmp/6.1/det/results.csv" ]; then
	costs "$tmp/6.1/det/results.csv" >"$tmp/a"
	costs "$out/det/results.csv" >"$tmp/b"
	if [ -s "$tmp/a" ] && cmp -s "$tmp/a" "$tmp/b"; then
		diag "$(wc -l <"$tmp/a") cost and overhead medians identical"
		ok 0 "6.1: two boots give identical instruction costs"
	else
		diff "$tmp/a" "$tmp/b" | head -20 | sed 's/^/# /'
		ok 1 "6.1: two boots give identical instruction costs"
	fi
else
	sed 's/^/# /' "$out.err"
	ok 1 "6.1: two boots give identical instruction costs"
fi
ktap_finish
