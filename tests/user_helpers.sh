# SPDX-License-Identifier: MIT
# Shared by the user-mechanism shell tests; source after ktap.sh.

TRACEFS=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)

# Skip the whole test (exit 4) unless root with a uprobe PMU and tracefs.
need_uprobes() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "1..0 # SKIP needs root (uprobes, tracefs)"; exit 4
	fi
	if [ -z "$TRACEFS" ]; then
		mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
		TRACEFS=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)
	fi
	if [ -z "$TRACEFS" ] || [ ! -e /sys/bus/event_source/devices/uprobe ]; then
		echo "1..0 # SKIP no tracefs or no uprobe PMU on this kernel"; exit 4
	fi
}

# The start of a test that arms probes: uprobes needed, a scratch $TMP
# (kept with KEEP=1), the KTAP plan of N, and $before, what was left
# armed before it, for ok_no_leftovers/leftovers to compare with.
user_test_start() {
	need_uprobes
	TMP=$(mktemp -d)
	trap '[ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
	ktap_plan "$1"
	before=$(leftovers)
}

# What a run may leave behind, as text to compare. Entries of probecost
# runs that are still alive (another run on the machine) are not ours to
# judge and are left out; those of dead runs are exactly what counts.
leftovers() {
	{
		cat "$TRACEFS/uprobe_events" "$TRACEFS/kprobe_events" 2>/dev/null
		ls "$TRACEFS/instances"
	} | while IFS= read -r l; do
		pid=$(printf '%s\n' "$l" | sed -n 's/.*probecost[-_]\([0-9][0-9]*\).*/\1/p')
		if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
			continue
		fi
		printf '%s\n' "$l"
	done
}

# Wait until $1 (a log) shows the run's header: signal handlers are in.
wait_started() {
	for _ in $(seq 100); do
		grep -q '^probecost .*: run ' "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# One result: what is left now (leftovers) is what was left before ($1).
ok_no_leftovers() {
	_now=$(leftovers)
	[ "$_now" = "$1" ]
	ok $? "nothing left in uprobe_events, kprobe_events or instances"
	[ "$_now" = "$1" ] || diag "left: $_now"
}
