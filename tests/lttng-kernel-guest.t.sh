# SPDX-License-Identifier: MIT
# LTTng's kernel tracer in the QEMU guest (6.1, deterministic): one boot
# with scripts/guest.sh --lttng runs tests/guest/lttng-run.sh, which
# measures the lttng entries on kernel sites (syscall-tracepoint's
# getppid through LTTng's syscall tracing, kprobe-ftrace's site through
# an LTTng kprobe, the module's tracepoint through probecost's LTTng
# probe) beside the ftrace ones, then lists what is left of
# LTTng. Checked here: the event count read back from the trace equals n
# (hit ratio 1) in recording, the ordering disabled < enabled <
# recording in instructions, nothing left running or loaded, and the
# tool-breakage line in the run's meta.csv.
#
# Skips (exit 4) when QEMU, the kernel, lttng-tools or babeltrace2 are
# missing. The first run builds lttng-modules for the guest kernel
# (about 4.5 min on 2 PUs; cached in cache/lttng-modules/ after that);
# then the boot and run take about 2 min.
. tests/ktap.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# lttng_field FILE MECH STATE COLUMN: COLUMN of the lttng entry's
# overhead row (tracer lttng) of MECH in STATE
lttng_field() {
	[ -f "$1" ] || return 0
	awk -F, -v m="$2" -v s="$3" -v c="$4" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$col["mechanism"] == m && $col["tracer"] == "lttng" && $col["state"] == s &&
		$col["metric"] == "overhead" { print $col[c]; exit }' "$1"
}

lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && b != "" && a + 0 < b + 0) }'; }

ktap_plan 4
for p in lttng-sessiond lttng babeltrace2; do
	if ! command -v $p >/dev/null 2>&1; then
		why="$p not installed (apt-get install lttng-tools babeltrace2)"
		for t in "event count == n" "disabled < enabled < recording" "nothing left" "tool breakage in meta.csv"; do
			skip "$t" "$why"
		done
		ktap_finish
	fi
done

out=$tmp/out
scripts/guest.sh --kernel 6.1 --deterministic --lttng --timeout 900 \
	--script tests/guest/lttng-run.sh --out "$out" 2>"$tmp/err"
rc=$?
res=$out/run/results.csv
if [ $rc -eq 4 ] || grep -q 'not in this guest' "$res" 2>/dev/null; then
	why=$(tail -n 1 "$tmp/err")
	[ $rc -eq 4 ] || why=$(grep -m1 -o 'not in this guest: [^,"]*' "$res")
	for t in "event count == n" "disabled < enabled < recording" "nothing left" "tool breakage in meta.csv"; do
		skip "$t" "$why"
	done
	ktap_finish
fi
[ $rc -eq 0 ] && [ -f "$res" ] || { sed 's/^/# /' "$tmp/err"; tail -n 20 "$out/run.log" 2>/dev/null | sed 's/^/# /'; }

bad=""
for m in syscall-tracepoint kprobe-ftrace tracepoint; do
	st=$(lttng_field "$res" $m recording status)
	ratio=$(lttng_field "$res" $m recording hit_ratio)
	lost=$(lttng_field "$res" $m recording lost)
	[ "$st" = ok ] && [ "$ratio" = 1 ] || bad="$bad $m:status=$st,hits/event=$ratio,lost=$lost"
done
[ -z "$bad" ] || diag "recording:$bad"
check "recording: the events LTTng wrote and discarded, read back from the trace, == n (every entry)" [ -z "$bad" ]

bad=""
for m in syscall-tracepoint kprobe-ftrace tracepoint; do
	d=$(lttng_field "$res" $m disabled median)
	e=$(lttng_field "$res" $m enabled median)
	r=$(lttng_field "$res" $m recording median)
	u=$(lttng_field "$res" $m enabled unit)
	diag "$m (lttng): disabled $d, enabled $e, recording $r $u/event"
	[ "$u" = instructions ] || bad="$bad $m:unit=$u"
	lt "$d" "$e" && lt "$e" "$r" || bad="$bad $m:$d/$e/$r"
done
[ -z "$bad" ] || diag "violated:$bad"
check "disabled < enabled < recording, in icount instructions (every entry)" [ -z "$bad" ]

left=$(cat "$out/left.txt" 2>/dev/null || echo "left.txt missing")
[ -z "$left" ] || diag "left: $left"
check "after the run: no lttng-sessiond or consumer, no lttng module, no trace directory" [ -z "$left" ]

line=$(grep '^lttng_modules,' "$out/run/meta.csv" 2>/dev/null)
diag "$line"
check "meta.csv says whether lttng-modules built as shipped" \
	sh -c 'case "$1" in *"as_shipped="*"result="*) exit 0 ;; esac; exit 1' sh "$line"
ktap_finish
