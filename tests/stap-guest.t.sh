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
enabled < recording; the tracepoint's and usdt's disabled > absent
kprobe-int3, syscall-tracepoint (stap): unsupported with their reasons
records: every hand-run record carries magic and payload bytes, one per hit
nothing left loaded or registered
SIGINT with a stap module loaded: nothing left
meta.csv records SystemTap's breakage for this kernel
from the host, run --tracer stap --mech usdt goes to the guest: where=guest, hits == n"

ktap_plan 8
skip_all() {
	printf '%s\n' "$names" | while IFS= read -r n; do skip "$n" "$1"; done
	KTAP_N=8
	KTAP_SKIP=8
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

# the variant MECH's stap entry must read back in STATE
want_variant() {
	case $1 in
	kprobe-ftrace) pt=ftrace; en="module().function" ;;
	tracepoint) pt="tracepoint probecost:pcsite_tracepoint|key-on"; en=kernel.trace ;;
	usdt) pt="usdt probecost:usdt|int3|semaphore 1"; en="process().mark" ;;
	*) pt="tracepoint raw_syscalls:sys_enter|filtered getppid+pid"; en=kernel.trace ;;
	esac
	case $2 in
	enabled) echo "$pt:stap $en count" ;;
	recording) echo "$pt:stap bulk printf %b record 88 bytes" ;;
	disabled) [ "$1" = kprobe-ftrace ] && pt="ftrace|disabled"
		[ "$1" = usdt ] && pt="usdt probecost:usdt|nop|semaphore 1"
		echo "$pt:stap module loaded with its probe off" ;;
	*) echo unprobed ;;
	esac
}

check_rows() {
	bad=""
	for m in kprobe-ftrace tracepoint syscall-raw-tracepoint usdt; do
		for st in absent disabled enabled recording; do
			status=$(f $m $st status)
			ratio=$(f $m $st hit_ratio)
			lost=$(f $m $st lost)
			variant=$(f $m $st variant)
			case $st in enabled|recording) want=1 ;; *) want=0 ;; esac
			wv=$(want_variant $m $st)
			[ "$status" = ok ] || bad="$bad $m/$st:status=$status"
			[ "$ratio" = "$want" ] || bad="$bad $m/$st:hits/event=$ratio(want $want)"
			[ "$lost" = 0 ] || bad="$bad $m/$st:lost=$lost"
			[ "$variant" = "$wv" ] || bad="$bad $m/$st:variant=$variant(want $wv)"
		done
	done
	[ -z "$bad" ] || diag "wrong:$bad"
	[ -z "$bad" ]
}

# enabled costs less than recording on every stap site; a stap
# tracepoint probe stays registered when off, and stap leaves a USDT
# semaphore raised, so their disabled costs more than the bare site
# (absent), where a kprobe's does not
check_order() {
	rc=0
	for m in kprobe-ftrace tracepoint syscall-raw-tracepoint usdt; do
		ab=$(f $m absent median)
		di=$(f $m disabled median)
		en=$(f $m enabled median)
		rec=$(f $m recording median)
		diag "$m (stap): absent $ab, disabled $di, enabled $en, recording $rec instructions/event"
		awk -v e="$en" -v r="$rec" 'BEGIN { exit !(e != "" && r != "" && e + 0 > 0 && e + 0 < r + 0) }' ||
			rc=1
	done
	for m in tracepoint usdt; do
		ab=$(f $m absent median)
		di=$(f $m disabled median)
		awk -v a="$ab" -v d="$di" 'BEGIN { exit !(a != "" && d != "" && d + 0 > a + 0) }' || rc=1
	done
	return $rc
}

check_unsupported() {
	note=$(awk -F, -v m="$1" 'NR > 1 && $2 == m && $3 == "stap" && /unsupported/ { print; exit }' "$res")
	case $note in *"$2"*) true ;; *) diag "$1 (stap): ${note:-no unsupported row}"; false ;; esac
}
check_int3() {
	check_unsupported kprobe-int3 "a function probe on its entry" &&
		check_unsupported syscall-tracepoint "an ftrace syscall event"
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
if [ -f "$res" ]; then check_order; ok $? "enabled < recording; the tracepoint's and usdt's disabled > absent"; else ok 1 "enabled < recording; the tracepoint's and usdt's disabled > absent"; fi
if [ -f "$res" ]; then check_int3; ok $? "kprobe-int3, syscall-tracepoint (stap): unsupported with their reasons"; else ok 1 "kprobe-int3, syscall-tracepoint (stap): unsupported with their reasons"; fi
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
# the runtime patch and the symbol table stap-build.sh supplied, as lttng_modules
check_meta() {
	line=$(grep '^systemtap,' "$out/run/meta.csv" 2>/dev/null)
	diag "meta: $line"
	case $line in
	*"systemtap=4."*";kernel=6.1."*";symbols=guest-kallsyms;headers=split:source-farm;runtime="*) true ;;
	*) false ;;
	esac
}
check_meta
ok $? "meta.csv records SystemTap's breakage for this kernel"
# the host's own run: a user-site stap entry is guest-only (PC_MECH_GUEST),
# so it is measured there, its rows in the guest's place, not the host's
# user space (instructions are not the host's ns)
"$PROBECOST" run --tracer stap --mech usdt --kernel 6.1 --state absent,enabled \
	--repeat 6 --analyses none --out "$tmp/host" >"$tmp/host.log" 2>&1
hrc=$?
check_host() {
	row=$(awk -F, 'NR > 1 && $2 == "usdt" && $3 == "stap" && $7 == "enabled" && $8 == "overhead" { print; exit }' \
		"$tmp/host/results.csv" 2>/dev/null)
	diag "host run: exit $hrc; $row"
	[ $hrc -eq 0 ] && awk -F, -v r="$row" 'BEGIN {
		n = split(r, f, ",")
		exit !(n > 20 && f[5] == "guest" && f[10] == "icount" && f[19] == 1 && f[22] == "ok") }'
}
check_host
ok $? "from the host, run --tracer stap --mech usdt goes to the guest: where=guest, hits == n"
ktap_finish
