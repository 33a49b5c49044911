# SPDX-License-Identifier: MIT
# Run inside the QEMU guest by tests/lttng-kernel-guest.t.sh
# (scripts/guest.sh --lttng --script). Measures the lttng entries on
# kernel sites beside the ftrace ones in /out/run, then writes what is
# left of LTTng to /out/left.txt, one line each (empty: nothing): a
# session daemon or consumer still running, an lttng module still
# loaded, the entries' trace directory.
/bin/probecost run --mech syscall-tracepoint,kprobe-ftrace,tracepoint --tracer lttng,ftrace,self,perf \
	--timer icount --no-counters --repeat 6 --warmup 1 --analyses none --out /out/run \
	>/out/run.log 2>&1
echo $? >/out/run.rc
{
	for p in lttng-sessiond lttng-consumerd; do
		pid=$(pidof $p) && echo "process $p: $pid"
	done
	grep '^lttng' /proc/modules | sed 's/^/module /'
	[ ! -e /tmp/probecost-lttng ] || echo "directory /tmp/probecost-lttng"
} >/out/left.txt 2>&1
exit 0
