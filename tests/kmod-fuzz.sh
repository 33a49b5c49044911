#!/bin/sh
# make fuzz: PC_FUZZ_CALLS (default 100,000) random and boundary ioctls
# against probecost.ko in the guest, then dmesg checked for BUG, WARNING,
# Oops, soft lockups and RCU stalls. The seed is printed; rerun one with
# PC_FUZZ_SEED=N. Series: PC_FUZZ_KERNEL (default 6.1).
set -u
cd "$(dirname "$0")/.." || exit 1
calls=${PC_FUZZ_CALLS:-100000}
series=${PC_FUZZ_KERNEL:-6.1}
seed=${PC_FUZZ_SEED:-$(od -An -tu4 -N4 /dev/urandom | tr -d ' ')}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/fuzz.sh" <<EOS
bad='BUG|WARNING|Oops|soft lockup|rcu.*stall|Call Trace|general protection'
echo "insmod: \$PC_INSMOD"
dmesg -c >/dev/null
pcdev fuzz $seed $calls
rc=\$?
if dmesg | grep -Eq "\$bad"; then
	dmesg | grep -E -B2 -A20 "\$bad" | head -60
	echo "not ok: dmesg shows a kernel complaint"
	rc=1
fi
rmmod probecost || rc=1
exit \$rc
EOS
echo "fuzz: seed $seed, $calls calls, Debian $series guest"
scripts/guest.sh --kernel "$series" --timeout 3000 --file build/tests-guest/pcdev \
	--script "$tmp/fuzz.sh" --out "$tmp/out"
rc=$?
grep -v '^\[' "$tmp/out/guest-console.log" 2>/dev/null | tail -n 30
[ $rc -eq 0 ] && echo "fuzz: passed (seed $seed)" || echo "fuzz: FAILED (seed $seed, exit $rc)"
exit $rc
