# SPDX-License-Identifier: MIT
# Run inside the QEMU guest by tests/kmod-guest.t.sh (scripts/guest.sh
# --script). Prints KTAP to the console and to /out/checks.tap.
#
#   kmod-checks.sh full [FUZZ_CALLS]   every check of one boot
#   kmod-checks.sh det                 only the deterministic run
#
# Both leave `probecost run` results in /out/det (instruction costs:
# the guest is booted with -icount shift=0); the host checks hit ratios,
# variants, orderings and boot-to-boot identity there.
mode=${1:-full}
fuzz_calls=${2:-2000}
. /ktap.sh
exec >/out/checks.tap 2>&1

mechs=tracepoint,branch,static-key,kprobe-int3,kprobe-optimized,kprobe-ftrace,kretprobe
bad_dmesg='BUG|WARNING|Oops|soft lockup|rcu.*stall|Call Trace|general protection'
tfs=/sys/kernel/tracing

nested() {
	# run a KTAP-printing command, indent its output, report it as one result
	_name=$1
	shift
	"$@" >/tmp/nested.out 2>&1
	_rc=$?
	sed 's/^/    /' /tmp/nested.out
	ok $_rc "$_name"
}

if [ "$mode" = det ]; then
	ktap_plan 1
else
	ktap_plan 11
	check "insmod probecost.ko ($PC_INSMOD)" [ "$PC_INSMOD" = ok ]
	nested "verify, invert, verify, restore" pcdev restore
	nested "malformed ioctls get their errno" pcdev bad
fi

# fixed N and repeats: the instruction counts are then the same every boot
"$PROBECOST" run --mech $mechs --timer icount --events 1000 --repeat 6 --warmup 1 \
	--out /out/det >/out/det.txt 2>&1
ok $? "probecost run of the module mechanisms (icount)"
[ "$mode" = det ] && ktap_finish

seed=$(head -c 4 /dev/urandom | od -An -tu4 | tr -d ' ')
dmesg -c >/dev/null
nested "fuzz: seed $seed, $fuzz_calls calls" pcdev fuzz "$seed" "$fuzz_calls"
if dmesg | grep -Eq "$bad_dmesg"; then
	dmesg | grep -E -B2 -A10 "$bad_dmesg" | head -40 | sed 's/^/# /'
	ok 1 "dmesg clean after the fuzz run"
else
	ok 0 "dmesg clean after the fuzz run"
fi

# a run killed while recording through a kprobe event leaves the event,
# its instance and debug.kprobes-optimization=0; the next run reaps them
# (on the way, the kprobe event must record the payload: 15 bytes + NUL)
"$PROBECOST" run --mech kprobe-int3 --state recording --payload 16 --events 100000000 \
	--repeat 6 --warmup 0 --out /tmp/killed >/dev/null 2>&1 &
pid=$!
i=0
until grep -qs 'payload=' $tfs/instances/probecost-*-kprobe-int3/trace || [ $i -ge 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
rec=$(grep -hs -m1 'payload=' $tfs/instances/probecost-*-kprobe-int3/trace)
diag "recorded: ${rec##*: }"
case "$rec" in *'payload="ppppppppppppppp"'*) ok 0 "kprobe_events recording carries the payload" ;;
*) ok 1 "kprobe_events recording carries the payload" ;; esac
kill -9 $pid
wait $pid 2>/dev/null
before="$(grep -c probecost $tfs/kprobe_events) event(s), $(ls $tfs/instances | grep -c probecost) instance(s), optimization=$(cat /proc/sys/debug/kprobes-optimization)"
"$PROBECOST" run --mech kprobe-int3 --state absent --events 100 --repeat 6 --warmup 0 \
	--out /tmp/next >/tmp/next.out 2>&1
after="$(grep -c probecost $tfs/kprobe_events) event(s), $(ls $tfs/instances | grep -c probecost) instance(s), optimization=$(cat /proc/sys/debug/kprobes-optimization)"
diag "left by the killed run: $before; after the next run: $after"
grep 'probecost run: kprobe-int3' /tmp/next.out | sed 's/^/# /'
[ "$after" = "0 event(s), 0 instance(s), optimization=1" ] && [ "$before" != "$after" ]
ok $? "the next run reaps what a SIGKILLed recording run left"

# arm everything, kill the holder: close must disarm; then rmmod
pcdev armall >/tmp/armall.out 2>&1 &
pid=$!
i=0
while ! grep -q armed /tmp/armall.out 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sed 's/^/# /' /tmp/armall.out
armed=$(grep -c pcsite_ /sys/kernel/debug/kprobes/list)
kill -9 $pid
wait $pid 2>/dev/null
left=$(grep -c pcsite_ /sys/kernel/debug/kprobes/list)
diag "probes listed while armed: $armed; after the holder was killed: $left"
[ "$armed" -gt 0 ] && [ "$left" -eq 0 ]
ok $? "killing the holder disarms every probe"

pcdev armall >/tmp/armall.out 2>&1 &
pid=$!
i=0
while ! grep -q armed /tmp/armall.out 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
# the holder keeps the module busy: rmmod must refuse, not tear down under it
if rmmod probecost 2>/dev/null; then ok 1 "rmmod refused while the device is open"; else ok 0 "rmmod refused while the device is open"; fi
kill -9 $pid
wait $pid 2>/dev/null
rmmod probecost
rc=$?
leftover=""
grep -q pcsite_ /sys/kernel/debug/kprobes/list && leftover="$leftover kprobes/list"
[ -d $tfs/events/probecost ] && leftover="$leftover events/probecost"
ls $tfs/instances 2>/dev/null | grep -q probecost && leftover="$leftover instances"
grep -q probecost $tfs/kprobe_events && leftover="$leftover kprobe_events"
dmesg | grep -Eq "$bad_dmesg" && leftover="$leftover dmesg"
[ -z "$leftover" ] || diag "left behind:$leftover"
[ $rc -eq 0 ] && [ -z "$leftover" ]
ok $? "rmmod after everything was armed leaves nothing behind"
ktap_finish
