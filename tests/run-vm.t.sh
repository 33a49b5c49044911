# SPDX-License-Identifier: MIT
# `probecost run` and the guest: user-only runs never boot it; the guest
# options are validated; module rows come back merged into the host's
# run (same run id, where=guest, the guest kernel in meta.csv).
. tests/ktap.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ktap_plan 7

"$PROBECOST" run --mech none,user-branch --quick --out "$tmp/user" >"$tmp/user.txt" 2>&1
rc=$?
! grep -q 'QEMU guest' "$tmp/user.txt" && ! grep -q '^vm_series' "$tmp/user/meta.csv"
quiet=$?
[ $rc -eq 0 ] && [ $quiet -eq 0 ]
ok $? "user mechanisms only: no guest boot"

"$PROBECOST" run --vm --no-vm >"$tmp/o" 2>&1
[ $? -eq 2 ] && grep -q -- '--no-vm' "$tmp/o"
ok $? "--vm with --no-vm: exit 2 naming the option"

"$PROBECOST" run --kernel 7.7 >"$tmp/o" 2>&1
[ $? -eq 2 ] && grep -q -- "--kernel: unknown series '7.7'" "$tmp/o"
ok $? "--kernel 7.7: exit 2 with the accepted series"

"$PROBECOST" run --deterministic --timer tsc >"$tmp/o" 2>&1
[ $? -eq 2 ] && grep -q -- '--timer must be icount' "$tmp/o"
ok $? "--deterministic --timer tsc: exit 2"

"$PROBECOST" run --no-vm --mech tracepoint --quick --out "$tmp/novm" >"$tmp/o" 2>&1
rc=$?
note=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["mechanism"] == "tracepoint" { print $c["status"] ": " $c["note"]; exit }' "$tmp/novm/results.csv")
diag "tracepoint with --no-vm: $note"
if [ -e /dev/probecost ]; then
	[ $rc -eq 0 ]
else
	# nothing at all measured: exit 1 (run --help), the reason in the rows
	[ $rc -eq 1 ] && case "$note" in unsupported:*probecost.ko*|unsupported:*CONFIG_MODULES*) true ;; *) false ;; esac
fi
ok $? "--no-vm: module mechanisms unsupported with the reason (exit 1, nothing measured), or measured natively"

"$PROBECOST" run --kernel 6.1 --mech none,branch --quick --out "$tmp/vm" >"$tmp/vm.txt" 2>"$tmp/vm.err"
rc=$?
if [ $rc -eq 0 ] || [ -s "$tmp/vm/results.csv" ]; then
	ids=$(awk -F, 'NR > 1 { print $1 }' "$tmp/vm/results.csv" | sort -u | wc -l)
	guest=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["mechanism"] == "branch" && $c["where"] == "guest" && $c["metric"] == "overhead"' "$tmp/vm/results.csv" | wc -l)
	user=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["mechanism"] == "none" && $c["where"] == "user"' "$tmp/vm/results.csv" | wc -l)
	grep -q '^guest_kernel,Linux 6\.1\.' "$tmp/vm/meta.csv"
	kern=$?
	diag "run ids: $ids; branch guest overhead rows: $guest; none user rows: $user"
	[ $rc -eq 0 ] && [ "$ids" -eq 1 ] && [ "$guest" -eq 4 ] && [ "$user" -gt 0 ] && [ $kern -eq 0 ]
	ok $? "--kernel 6.1: guest rows merged into the host run (one run id, where=guest, guest_kernel)"
	tr '\n' ' ' <"$tmp/vm.txt" | sed 's/  */ /g' | grep -Eq 'module mechanisms? runs? in a QEMU guest'
	ok $? "the guest run is announced in one line"
elif grep -q 'cannot run the guest here' "$tmp/vm.err"; then
	skip "--kernel 6.1: guest rows merged into the host run" "$(tail -n 1 "$tmp/vm.err")"
	skip "the guest run is announced in one line" "no guest here"
else
	sed 's/^/# /' "$tmp/vm.err"
	ok 1 "--kernel 6.1: guest rows merged into the host run (one run id, where=guest, guest_kernel)"
	ok 1 "the guest run is announced in one line"
fi
ktap_finish
