# SPDX-License-Identifier: MIT
# Run inside the QEMU guest by tests/stap-guest.t.sh (scripts/guest.sh
# --stap --script): the stap tracer's entries measured by probecost run
# (the module's kprobe and tracepoint sites, the getppid() loop, the
# harness's USDT site),
# then an independent look at what a stap recording module writes, then
# what the run left behind. Leaves in /out: run/ (results), run.txt,
# run-rc, staprun.log, records.txt ("records N hits H bad B": the records a hand-run
# staprun wrote while the site fired, checked byte by byte), after.txt
# (stap modules still loaded and kprobes still registered: must be empty),
# int.txt and int-after.txt (the same after a SIGINT while a stap module
# is loaded).
mod=pcstap_kprobe_ftrace
"$PROBECOST" run --mech kprobe-ftrace,kprobe-int3,tracepoint,syscall-raw-tracepoint,syscall-tracepoint,usdt \
	--tracer stap --timer icount \
	--events 1000 --repeat 6 --warmup 1 --analyses none --payload 64 \
	--out /out/run >/out/run.txt 2>&1
echo $? >/out/run-rc

# By hand: mode 2 over the bare site (probecost's disabled state, which
# registers nothing) with pc_payload as the run's recording left it: 63
# bytes 'p' and a NUL. Every record must be magic, sequence, x, payload.
pa=0x$(grep -w pc_payload /proc/kallsyms | grep '\[probecost\]' | cut -d' ' -f1)
/usr/bin/staprun -o /tmp/hand "$PC_STAP_DIR/$mod.ko" mode=2 plen=64 "paddr=$pa" >/out/staprun.log 2>&1 &
spid=$!
i=0
while [ ! -e /proc/systemtap/$mod/hits ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
"$PROBECOST" run --mech kprobe-ftrace --tracer self --state disabled --timer icount \
	--events 1000 --repeat 6 --warmup 0 --analyses none --out /tmp/hand-run >/out/hand-run.txt 2>&1
cat /sys/kernel/debug/kprobes/list >>/out/hand-run.txt
hits=$(cat /proc/systemtap/$mod/hits 2>/dev/null || echo none)
kill -TERM $spid
wait $spid
# bulk mode: blocks of u32 sequence, u32 length, then whole 88-byte records
od -A n -v -t u1 /tmp/hand_0 2>/dev/null | tr -s ' ' '\n' | grep -v '^$' | awk -v hits="$hits" '
	{ buf[nb++] = $1 }
	END {
		magic = "1 0 112 97 116 115 99 112"	# 0x7063737461700001, little-endian
		p = 0; recs = 0; bad = 0
		while (p + 8 <= nb) {
			len = buf[p + 4] + 256 * buf[p + 5] + 65536 * buf[p + 6]
			p += 8
			for (o = 0; o + 88 <= len; o += 88) {
				m = ""
				for (i = 0; i < 8; i++) m = m (i ? " " : "") buf[p + o + i]
				if (m != magic) bad++
				for (i = 0; i < 64; i++)
					if (buf[p + o + 24 + i] != (i == 63 ? 0 : 112)) { bad++; break }
				recs++
			}
			p += len
		}
		printf "records %d hits %s bad %d\n", recs, hits, bad
	}' >/out/records.txt
{
	lsmod | grep pcstap_
	cat /sys/kernel/debug/kprobes/list
} >/out/after.txt 2>&1

# SIGINT while the enabled state's stap module is loaded (the harness's
# handler disarms: staprun is stopped and the module unloaded)
"$PROBECOST" run --mech kprobe-ftrace --tracer stap --state enabled --timer icount \
	--events 1000 --repeat 1000 --warmup 0 --analyses none --out /tmp/int-run \
	>/out/int-run.txt 2>&1 &
ipid=$!
i=0
while [ ! -e /sys/module/$mod ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
if [ -e /sys/module/$mod ]; then echo "loaded" >/out/int.txt; else echo "never loaded" >/out/int.txt; fi
kill -INT $ipid
wait $ipid
echo "rc $?" >>/out/int.txt
{
	lsmod | grep pcstap_
	cat /sys/kernel/debug/kprobes/list
	ps | grep '[s]tap'
} >/out/int-after.txt 2>&1
