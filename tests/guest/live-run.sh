# SPDX-License-Identifier: MIT
# Run inside the QEMU guest by tests/live-guest.t.sh (scripts/guest.sh
# --script): the live-kernel mechanisms this project's host kernel cannot
# run (no CONFIG_KPROBES, function tracer refused), measured in a Debian
# kernel that has both. Leaves /out/run (results) and /out/after.txt
# (what tracing state the run left behind: must be nothing).
t=/sys/kernel/tracing
mount -t tracefs nodev $t 2>/dev/null
"$PROBECOST" run --mech live-kprobe,ftrace-function --timer icount --events 1000 \
	--repeat 6 --warmup 1 --analyses none --out /out/run >/out/run.txt 2>&1
echo $? >/out/run-rc
{
	grep -i probecost $t/kprobe_events
	cat $t/enabled_functions
	ls $t/instances | grep probecost
} >/out/after.txt 2>&1
