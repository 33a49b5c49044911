#!/bin/sh
# probecost's LAVA test definition run by the real lava-dispatcher
# (scripts/lava/lava-local.sh: lava-run, the qemu device type under TCG,
# a cached Debian 6.1 kernel, a busybox ramdisk carrying build/probecost,
# --quick --mech none,user-branch --no-vm): the job is Complete and every
# results.csv row comes back as a LAVA test case of the 0_probecost suite
# that passes, a measured one with its median and unit. About 25 s here.
# Skipped, with the reason, where lava-dispatcher, QEMU, busybox-static
# or the kernel are missing or not root (scripts/deps.sh lava: opt-in,
# `make test` does not install it, see scripts/deps.sh for why).
. tests/ktap.sh

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ktap_plan 7
sh scripts/lava/lava-local.sh --timeout x >/dev/null 2>"$TMP/usage.err"
rc=$?
ok "$([ $rc -eq 2 ] && grep -q 'needs seconds' "$TMP/usage.err" && echo 0 || echo 1)" \
	"lava-local.sh refuses a bad --timeout: exit 2 ($rc)"

start=$(date +%s)
sh scripts/lava/lava-local.sh --kernel 6.1 --timeout 110 --out "$TMP/out" 2>"$TMP/err"
rc=$?
took=$(($(date +%s) - start))
if [ $rc -eq 4 ]; then
	why=$(sed -n 's/^lava-local: cannot run lava-run here: //p' "$TMP/err" | head -n1)
	for t in "the job is Complete" "the boot reached the ramdisk's shell" \
		"the test definition ran to its end" "probecost run passed" \
		"every results.csv row is a passing LAVA test case" \
		"a measured row carries its median and unit"; do
		skip "$t" "${why:-lava-local.sh exit 4}"
	done
	ktap_finish
fi
res="$TMP/out/results.txt"
ok "$([ $rc -eq 0 ] && grep -qx 'job Complete' "$res" && echo 0 || echo 1)" \
	"the job is Complete: lava-local.sh exit $rc in ${took}s"
[ $rc -eq 0 ] || { diag "$(cat "$TMP/err")"; diag "$(tail -n 20 "$res" 2>/dev/null)"; }
check "the boot reached the ramdisk's shell (execute-qemu, login-action pass)" \
	sh -c "grep -qx 'lava execute-qemu pass' '$res' && grep -qx 'lava login-action pass' '$res'"
check "the test definition ran to its end (lava 0_probecost pass)" \
	grep -qx 'lava 0_probecost pass' "$res"
check "probecost run passed (0_probecost probecost-run pass)" \
	grep -qx '0_probecost probecost-run pass' "$res"
# --quick none,user-branch gives 39 rows here (7 metrics x 5 states, two
# footprints, two disabled-cost rows); all measured, none failed
n=$(grep -v '^0_probecost probecost-run ' "$res" | grep -c '^0_probecost [^ ]* pass')
nbad=$(grep '^0_probecost ' "$res" | grep -vc '^0_probecost [^ ]* pass')
ok "$([ "$n" -ge 30 ] && [ "$nbad" -eq 0 ] && echo 0 || echo 1)" \
	"every results.csv row is a passing LAVA test case ($n pass, $nbad other)"
[ "$nbad" -eq 0 ] || diag "$(grep '^0_probecost ' "$res" | grep -v '^0_probecost [^ ]* pass')"
check "a measured row carries its median and unit (user-branch.enabled.overhead ... ns)" \
	grep -Eq '^0_probecost user-branch\.enabled\.overhead pass -?[0-9.e+-]+ ns$' "$res"
ktap_finish
