# SPDX-License-Identifier: MIT
# Run inside the QEMU guest by tests/probe_types.t.sh (scripts/guest.sh
# --script): the dynamic_events probe types this project's host kernel
# lacks (event probes, fprobe events, tracepoint probes), measured in a
# Debian kernel: 6.1 has event probes, 6.12 fprobe events as well.
# Leaves /out/run (results) and /out/after.txt (what tracing state the
# run left behind: must be nothing).
t=/sys/kernel/tracing
mount -t tracefs nodev $t 2>/dev/null
"$PROBECOST" run --mech eprobe-syscall,fprobe,fprobe-return,tprobe,user-events,syscall-tracepoint --tracer perf,ftrace \
	--timer icount --events 1000 --repeat 6 --warmup 1 --analyses none \
	--out /out/run >/out/run.txt 2>&1
echo $? >/out/run-rc
{
	grep -i probecost $t/dynamic_events
	ls $t/instances | grep probecost
} >/out/after.txt 2>&1
