#!/bin/sh
# ust-tracepoint, the LTTng-UST tracer entry, natively: recording hits
# equal the events fired (read back from the trace, discarded included),
# the enabled state's rejecting filter writes nothing, disabled writes
# nothing; probecost's own session daemon runs in a private mount
# namespace, so a daemon and session already running are left alone;
# after the run, after SIGINT mid-run and after SIGKILL no daemon, no
# session and no mark of probecost's remain. Skips (exit 4) without root
# or LTTng (apt-get install lttng-tools liblttng-ust-dev liblttng-ctl-dev
# babeltrace2, then make).
. tests/ktap.sh
. tests/user_helpers.sh

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs root (a private mount namespace)"; exit 4
fi
for p in lttng lttng-sessiond babeltrace2; do
	command -v "$p" >/dev/null 2>&1 ||
		{ echo "1..0 # SKIP $p not installed"; exit 4; }
done
if ! "$PROBECOST" list | grep -q '^ust-tracepoint .* yes$'; then
	echo "1..0 # SKIP ust-tracepoint unavailable: $("$PROBECOST" list | grep '^ust-tracepoint')"
	exit 4
fi

tmp=$(mktemp -d)
bystander=
cleanup() {
	if [ -n "$bystander" ]; then
		lttng destroy pc-bystander >/dev/null 2>&1
		kill "$bystander" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# what probecost may leave: daemons, consumers, sessions, marks, shm
state() {
	{
		pgrep -x lttng-sessiond | sed 's/^/sessiond /'
		pgrep -x lttng-consumerd | sed 's/^/consumerd /'
		lttng list 2>/dev/null | grep -o 'probecost-[0-9]*-[0-9]*' | sed 's/^/session /'
		ls -A /run/lttng 2>/dev/null | grep '^\.probecost-' | sed 's/^/mark /'
		ls /dev/shm | grep lttng | sed 's/^/shm /'
		[ -d /run/lttng ] && echo "dir /run/lttng"
	} | sort
}

# column $2 of results.csv $1 for state $3, metric cost
col() {
	python3 - "$1" "$2" "$3" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1] + '/results.csv', newline='')))
for r in rows:
    if r['mechanism'] == 'ust-tracepoint' and r['state'] == sys.argv[3] and \
       r['metric'] == 'cost':
        print(r[sys.argv[2]])
PY
}

# every repeat's hits sample of state $2 equals its events (3N)
hits_equal() {
	python3 - "$1" "$2" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1] + '/samples.csv', newline=''))
        if r['mechanism'] == 'ust-tracepoint' and r['state'] == sys.argv[2]
        and r['metric'] == 'hits']
assert rows, 'no hits samples'
bad = [(r['events'], r['value']) for r in rows if float(r['value']) != float(r['events'])]
assert not bad, bad
print(len(rows), 'repeats, hits == events in each, e.g.', rows[0]['events'])
PY
}

ktap_plan 16
before=$(state)
diag "before: $(echo $before)"

"$PROBECOST" run --quick --mech ust-tracepoint --state absent,disabled,filtered,enabled,recording --analyses none --out "$tmp/a" >"$tmp/log" 2>&1
rc=$?
ok $([ "$rc" -eq 0 ]; echo $?) "a quick run exits 0 (got $rc)"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$tmp/log"
st=$(col "$tmp/a" status recording); hr=$(col "$tmp/a" hit_ratio recording)
ok $([ "$st" = ok ] && [ "$hr" = 1 ]; echo $?) \
	"recording: hits (written + discarded, read back) / events = $hr, status $st"
hits_equal "$tmp/a" recording >"$tmp/h" 2>&1
ok $? "recording: every repeat's hits equal its 3N events"
sed 's/^/# /' "$tmp/h"
diag "recording lost (discarded by LTTng): $(col "$tmp/a" lost recording)"
st=$(col "$tmp/a" status enabled); v=$(col "$tmp/a" variant enabled)
ok $([ "$st" = ok ] && [ "$v" = "state=1:filter i == -1" ]; echo $?) \
	"enabled: 0 events written through the rejecting filter in every fire (a write fails the state), status $st, $v"
st=$(col "$tmp/a" status filtered); v=$(col "$tmp/a" variant filtered); n=$(col "$tmp/a" note filtered)
ok $([ "$st" = ok ] && [ "$v" = "state=1:filter i == -1" ] &&
	case "$n" in *"no hit ratio: LTTng counts only"*) true ;; *) false ;; esac; echo $?) \
	"filtered: likewise 0 events written, the filter read back in the variant, the note says why no hit ratio, status $st, $v, $n"
st=$(col "$tmp/a" status disabled); hr=$(col "$tmp/a" hit_ratio disabled)
ok $([ "$st" = ok ] && [ "$hr" = 0 ]; echo $?) \
	"disabled: tracepoint state 0, nothing written (hit ratio $hr, status $st)"
now=$(state)
ok $([ "$now" = "$before" ]; echo $?) "after the run: no daemon, session, mark or shm of probecost's"
[ "$now" = "$before" ] || diag "left: $now"

# SIGINT mid-run, at a few points (setup, enabled, recording)
for d in 1.5 4 8; do
	"$PROBECOST" run --quick --mech ust-tracepoint --analyses none --out "$tmp/i$d" >"$tmp/logi" 2>&1 &
	pid=$!
	wait_started "$tmp/logi"
	sleep "$d"
	kill -INT "$pid"
	wait "$pid"
	rc=$?
	now=$(state)
	ok $([ "$rc" -eq 130 ] && [ "$now" = "$before" ]; echo $?) \
		"SIGINT after ${d}s: exit 130 (got $rc), nothing of probecost's left"
	[ "$now" = "$before" ] || diag "left: $now"
done

# SIGKILL: the daemon dies with probecost (PR_SET_PDEATHSIG), the mark
# stays for the next run to reap
"$PROBECOST" run --quick --mech ust-tracepoint --state recording --analyses none --out "$tmp/k" >"$tmp/logk" 2>&1 &
pid=$!
wait_started "$tmp/logk"
sleep 3
kill -KILL "$pid"
wait "$pid" 2>/dev/null
for _ in $(seq 50); do
	pgrep -x lttng-sessiond >/dev/null || pgrep -x lttng-consumerd >/dev/null || break
	[ "$(state | grep -v '^mark\|^dir')" = "$(echo "$before" | grep -v '^mark\|^dir')" ] && break
	sleep 0.2
done
now=$(state)
ok $([ "$(echo "$now" | grep -v '^mark\|^dir')" = "$(echo "$before" | grep -v '^mark\|^dir')" ]; echo $?) \
	"SIGKILL: its session daemon and consumer died with it"
"$PROBECOST" run --quick --mech ust-tracepoint --state disabled --analyses none --out "$tmp/k2" >"$tmp/logk2" 2>&1
grep -q "removed /run/lttng/.probecost-$pid of dead run" "$tmp/logk2"
ok $? "the next run reaps the killed run's mark and says so"
now=$(state)
ok $([ "$now" = "$before" ]; echo $?) "after the reaping run nothing is left"

# a daemon and session already running (here: started by this test) are
# left alone, and probecost's events do not reach them
if [ -z "$(pgrep -x lttng-sessiond)" ]; then
	shm_before=$(ls /dev/shm | grep lttng)
	rundir_before=$([ -d /run/lttng ] && echo yes)
	lttng-sessiond --no-kernel -d >/dev/null 2>&1
	bystander=$(pgrep -x -o lttng-sessiond)
	lttng create pc-bystander -o "$tmp/bystander" >/dev/null &&
	lttng enable-event -u -s pc-bystander 'probecost_ust:*' >/dev/null &&
	lttng start pc-bystander >/dev/null
	"$PROBECOST" run --quick --mech ust-tracepoint --state recording --analyses none --out "$tmp/b" >"$tmp/logb" 2>&1
	rc=$?
	st=$(col "$tmp/b" status recording)
	ok $([ "$rc" -eq 0 ] && [ "$st" = ok ]; echo $?) \
		"beside a running daemon with a session enabling probecost_ust:*: recording runs (exit $rc, $st)"
	lttng list 2>/dev/null | grep -q 'pc-bystander'
	ok $([ $? -eq 0 ] && kill -0 "$bystander" 2>/dev/null; echo $?) \
		"that daemon ($bystander) and its session are still there"
	lttng stop pc-bystander >/dev/null 2>&1
	n=$(babeltrace2 "$tmp/bystander" 2>/dev/null | grep -c probecost_ust)
	ok $([ "$n" -eq 0 ]; echo $?) "and recorded none of probecost's events ($n)"
	lttng destroy pc-bystander >/dev/null 2>&1
	kill "$bystander"
	for _ in $(seq 50); do kill -0 "$bystander" 2>/dev/null || break; sleep 0.1; done
	bystander=
	# the wait word that daemon made in the host's /dev/shm (ours is private)
	[ -n "$shm_before" ] || rm -f /dev/shm/lttng-ust-wait-*
	# and the run directory it made, if it made it
	[ -n "$rundir_before" ] || rmdir /run/lttng 2>/dev/null
else
	skip "beside a running daemon" "an lttng-sessiond is already running; not ours to start"
	skip "that daemon is left alone" "see above"
	skip "its session records none of probecost's events" "see above"
fi
ktap_finish
