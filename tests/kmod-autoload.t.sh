# SPDX-License-Identifier: MIT
# `probecost run` on a kernel that can load modules but has not loaded
# probecost.ko (one 6.1 guest boot, tests/guest/autoload.sh): it loads
# the module, measures natively, and removes it; a module built for
# another kernel is refused with the cause and what to do.
. tests/ktap.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ktap_plan 6
other=$(eval "$(scripts/kernel-fetch.sh 6.12 --headers 2>"$tmp/fetch.err")" &&
	scripts/kmod-build.sh "$KDIR" 2>>"$tmp/fetch.err" | sed -n 's/^KO=//p')
if [ -z "$other" ] || [ ! -f "$other" ]; then
	for i in 1 2 3 4 5 6; do skip "autoload check $i" "no 6.12 module to stand for a foreign one: $(tail -n1 "$tmp/fetch.err")"; done
	ktap_finish
fi
scripts/guest.sh --kernel 6.1 --deterministic --timeout 600 \
	--file "$other:/probecost-other.ko" --script tests/guest/autoload.sh \
	--out "$tmp/g" >"$tmp/guest.log" 2>&1
rc=$?
if [ $rc -eq 4 ]; then
	for i in 1 2 3 4 5 6; do skip "autoload check $i" "$(tail -n1 "$tmp/guest.log")"; done
	ktap_finish
fi
g=$tmp/g

check "the guest starts with probecost.ko unloaded" grep -qx unloaded "$g/before"
grep -q "built for another kernel" "$g/wrong.log" 2>/dev/null
ok $? "a module for another kernel is refused, saying so: $(grep -o 'probecost-other.ko was built[^;]*' "$g/wrong.log" 2>/dev/null | head -n1)"
status=$(overhead_field "$g/wrong/results.csv" branch enabled status 2>/dev/null)
check "its rows are unsupported, not faked (status: $status)" [ "$status" = unsupported ]
check "the right module: run exits 0" grep -qx 0 "$g/right.rc"
ratio=$(overhead_field "$g/right/results.csv" branch enabled hit_ratio 2>/dev/null)
check "branch enabled measured natively with 1 hit per event (hit_ratio $ratio)" [ "$ratio" = 1 ]
check "the module probecost loaded is removed at the end" grep -qx unloaded "$g/right.after"
[ -f "$g/right.log" ] && sed 's/^/# /' "$g/right.log" | grep -i "module\|probecost run:" | head -5
ktap_finish
