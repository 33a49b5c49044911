#!/bin/sh
# The bpf tracer entries (mechanisms/tracers/): BPF programs on the same
# sites as uprobe-nop/-nop5/-push/-ret, uretprobe, usdt and
# syscall-tracepoint, and syscall-raw-tracepoint (a raw_tp on sys_enter,
# on syscall-tracepoint's getppid() loop, filtering getppid and this
# process itself), from one native run with an odd payload (100 bytes):
#   - enabled counts exactly one hit per event (hit_ratio 1, status ok);
#   - recording reads back one record per event from the BPF ring buffer,
#     none lost, each checked by the mechanism to be the 100-byte payload
#     (a wrong byte or size fails the row, so status ok is the check);
#   - disabled loaded the program, left it unattached and it counted
#     nothing (the mechanism reads the counter and the site's first byte);
#   - enabled's link is read back where it was asked for (the uprobe's
#     offset is the site's, the semaphore raised, the tracepoint's name;
#     the raw tracepoint's, and its filter: getppid's number, our pid);
#   - recording does not cost less than enabled: its 95% CI does not lie
#     wholly below enabled's. The difference (a reserve, a copy, a submit)
#     is far inside a uprobe trap's noise on a VM, so the medians' order
#     is a coin flip there (the noise-floor rule of user_orderings.t.sh);
#     a reversed ordering still fails;
#   - no BPF program or map of ours is left after the run, nor after a
#     SIGINT in the middle of one (which must exit 130).
. tests/ktap.sh
. tests/user_helpers.sh
need_uprobes

SITES="uprobe-nop uprobe-nop5 uprobe-push uprobe-ret uretprobe usdt syscall-tracepoint syscall-raw-tracepoint"
why=$("$PROBECOST" list --csv | sed -n 's/.*,no,"\{0,1\}\(the BPF tracer was not built[^"]*\).*/\1/p' | head -1)
if [ -n "$why" ]; then
	echo "1..0 # SKIP $why"; exit 4
fi

# The bpf entries of $@ (rows: the tracer column says bpf).
select_bpf() {
	echo "--mech $(echo "$@" | tr ' ' ,) --tracer bpf"
}

# Our BPF programs and maps alive now (names from bpf_probes.bpf.c).
ours() {
	{ bpftool prog show; bpftool map show; } 2>/dev/null |
		grep -cE ' name (pc_(up|usdt|tp|raw)_(count|rec)|pc_counts|pc_ring) '
}

# ours() counts every process's programs of these names, so another
# probecost run's may be there before and gone after: a leak is more
# than before, never merely different.
# ours() once it stops falling, at most 5 s: the kernel frees a program
# or map whose last fd closed from deferred work (RCU, a workqueue), so
# bpftool may list it for a moment after the process is gone. A leaked
# one stays.
ours_settled() {
	_n=$(ours)
	for _ in $(seq 50); do
		[ "$_n" -le "$before" ] && break
		sleep 0.1
		_n=$(ours)
	done
	echo "$_n"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
set -- $SITES
ktap_plan $(($# * 5 + 4))
before=$(ours)

# shellcheck disable=SC2046
"$PROBECOST" run --quick --payload 100 --analyses none $(select_bpf $SITES) \
	--state absent,disabled,enabled,recording --out "$tmp/r" >"$tmp/log" 2>&1 ||
	sed 's/^/# /' "$tmp/log"

# getppid's number, which the raw_tp program filters on
nr=$(printf '#include <sys/syscall.h>\nSYS_getppid\n' | cc -E -P - 2>/dev/null | tail -1)
python3 - "$tmp/r/results.csv" "$SITES" "${nr:-110}" <<'PY' || KTAP_FAIL=$((KTAP_FAIL + 1))
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
def bpf(r):
    return r['tracer'] == 'bpf'
row = {(r['mechanism'], r['state']): r for r in rows if r['metric'] == 'overhead' and bpf(r)}
n = 0
def ok(cond, name):
    global n
    n += 1
    print('%sok %d %s' % ('' if cond else 'not ', n, name))
    return cond
fails = 0
for s in sys.argv[2].split():
    e, rec, d = row.get((s, 'enabled')), row.get((s, 'recording')), row.get((s, 'disabled'))
    if not (e and rec and d) or 'unsupported' in (e['status'], rec['status'], d['status']):
        why = next((r['note'] for r in rows if r['mechanism'] == s and bpf(r)), 'no bpf rows')
        for _ in range(5):
            n += 1
            print('ok %d %s # SKIP bpf not measured here: %s' % (n, s, why))
        continue
    desc = lambda r: '%s hit_ratio %s lost %s (%s)' % (r['status'], r['hit_ratio'], r['lost'], r['note'][:120])
    fails += not ok(e['status'] == 'ok' and float(e['hit_ratio']) == 1,
                    '%s: bpf enabled counts one hit per event: %s' % (s, desc(e)))
    fails += not ok(rec['status'] == 'ok' and float(rec['hit_ratio']) == 1 and
                    float(rec['lost']) == 0,
                    '%s: bpf recording reads one checked 100-byte record per event, none lost: %s'
                    % (s, desc(rec)))
    site = {'syscall-tracepoint': 'sys_enter_getppid',
            'syscall-raw-tracepoint': 'sys_enter:'}.get(s, '')
    fails += not ok(d['status'] == 'ok' and float(d['hit_ratio']) == 0 and
                    ':loaded-not-attached prog=' in d['variant'] and
                    d['variant'].startswith(site) and not d['variant'].startswith('kprobe'),
                    '%s: bpf disabled: loaded, not attached, counted nothing: %s [%s]'
                    % (s, desc(d), d['variant']))
    v = e['variant']
    # what is attached leads, the program and link types follow
    want, tail = {'usdt': ('usdt:semaphore=1:', ' prog=kprobe'),
                  'syscall-tracepoint': ('tracepoint:sys_enter_getppid', ' prog=tracepoint link=perf_event'),
                  'syscall-raw-tracepoint': ('raw_tracepoint:sys_enter:filter id==%s,tgid=='
                                             % sys.argv[3],
                                             ' prog=raw_tracepoint link=raw_tracepoint'),
                  'uretprobe': ('uretprobe@', ' prog=kprobe link=perf_event')}.get(
                      s, ('uprobe@', ' prog=kprobe link=perf_event'))
    # the raw_tp filters on a process id (the run's, gone by now)
    pid = re.search(r'tgid==([0-9]+) ', v)
    fails += not ok(v.startswith(want) and v.endswith(tail) and 'not-the-site' not in v and
                    (s != 'syscall-raw-tracepoint' or (pid and int(pid.group(1)) > 0)),
                    '%s: bpf link read back as asked (%s...%s): %s' % (s, want, tail, v))
    el, eh, rl, rh = (float(e['ci95_low']), float(e['ci95_high']),
                      float(rec['ci95_low']), float(rec['ci95_high']))
    fails += not ok(rh >= el,
                    '%s: bpf recording %.1f [%.1f, %.1f] not below enabled %.1f [%.1f, %.1f] %s/event'
                    % (s, float(rec['median']), rl, rh, float(e['median']), el, eh, e['unit']))
sys.exit(1 if fails else 0)
PY
KTAP_N=$((KTAP_N + $# * 5))

if ! command -v bpftool >/dev/null 2>&1; then
	for t in "nothing left after the run" "SIGINT exits 130" "programs seen while running" \
		"nothing left after SIGINT"; do
		skip "$t" "no bpftool to list BPF programs"
	done
	ktap_finish
fi
now=$(ours_settled)
ok $([ "$now" -le "$before" ]; echo $?) "no BPF program or map of ours left after the run ($now, before $before)"

# SIGINT while recording: the engine disarms, the programs go with it
# shellcheck disable=SC2046
"$PROBECOST" run --quick --repeat 100 $(select_bpf uprobe-nop syscall-tracepoint) \
	--state recording --analyses none --out "$tmp/i" >"$tmp/logi" 2>&1 &
pid=$!
wait_started "$tmp/logi"
seen=0
for _ in $(seq 100); do
	seen=$(ours)
	[ "$seen" -gt "$before" ] && break
	sleep 0.1
done
kill -INT "$pid"
wait "$pid"
rc=$?
ok $([ "$rc" -eq 130 ]; echo $?) "SIGINT exits 130 (got $rc)"
[ "$rc" -eq 130 ] || sed 's/^/# /' "$tmp/logi"
ok $([ "$seen" -gt "$before" ]; echo $?) "our programs and maps were live before the SIGINT ($seen)"
now=$(ours_settled)
ok $([ "$now" -le "$before" ]; echo $?) "no BPF program or map of ours left after SIGINT ($now, before $before)"
ktap_finish
