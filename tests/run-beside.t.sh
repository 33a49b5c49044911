# SPDX-License-Identifier: MIT
# The guest booting beside the host measurement (run --vm-beside, for a
# deterministic guest on a host with a second PU): both parts' rows in
# one run, the guest's where=guest and the host's where=user, meta.csv
# saying so; a SIGINT while QEMU runs leaves no QEMU (nor guest.sh)
# behind, and the run is marked interrupted.
. tests/ktap.sh

tmp=$(mktemp -d)
bg=""
trap '[ -z "$bg" ] || kill "$bg" 2>/dev/null; rm -rf "$tmp"' EXIT

ktap_plan 4

# every process below $1, one pid a line (QEMU is a grandchild's child)
descendants() {
	ps -eo pid=,ppid= | awk -v root="$1" '
		{ parent[$1] = $2 }
		END {
			do {
				grew = 0
				for (p in parent)
					if (!(p in seen) && (parent[p] == root || parent[p] in seen)) {
						seen[p] = 1; grew = 1
					}
			} while (grew)
			for (p in seen) print p
		}'
}

if [ "$(nproc)" -lt 2 ]; then
	for t in "rows of both parts" "meta says beside" "no QEMU after SIGINT" "interrupted run marked"; do
		skip "$t" "one PU: the guest never boots beside the host"
	done
	ktap_finish
	exit 0
fi

"$PROBECOST" run --vm-beside --mech none,user-branch,branch --quick --out "$tmp/b" >"$tmp/b.txt" 2>"$tmp/b.err"
rc=$?
if [ $rc -ne 0 ] && grep -q 'cannot run the guest here' "$tmp/b.err"; then
	skip "rows of both parts" "$(tail -n 1 "$tmp/b.err")"
	skip "meta says beside" "no guest here"
else
	guest=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["mechanism"] == "branch" && $c["where"] == "guest" && $c["metric"] == "overhead" && $c["status"] == "ok"' "$tmp/b/results.csv" | wc -l)
	user=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["mechanism"] == "user-branch" && $c["where"] == "user" && $c["metric"] == "overhead" && $c["status"] == "ok"' "$tmp/b/results.csv" | wc -l)
	ids=$(awk -F, 'NR > 1 { print $1 }' "$tmp/b/results.csv" | sort -u | wc -l)
	diag "exit $rc; branch guest overhead rows: $guest; user-branch user rows: $user; run ids: $ids"
	[ $rc -eq 0 ] && [ "$guest" -eq 4 ] && [ "$user" -eq 4 ] && [ "$ids" -eq 1 ]
	ok $? "rows of both parts, the guest's where=guest, the host's where=user, one run id"
	grep -q '^vm_beside_host,"yes: booted beside the host measurement, kept off its PU os=' "$tmp/b/meta.csv" &&
		tr '\n' ' ' <"$tmp/b.txt" | sed 's/  */ /g' | grep -q 'booting now, beside the host measurement'
	ok $? "meta.csv and the console say the guest ran beside the host"
fi

# not --quick: the host part outlasts the guest's start-up
"$PROBECOST" run --vm-beside --mech none,user-branch,branch --out "$tmp/i" >"$tmp/i.txt" 2>"$tmp/i.err" &
bg=$!
qemu=""
i=0
while [ $i -lt 120 ] && [ -z "$qemu" ]; do
	sleep 0.5
	i=$((i + 1))
	for p in $(descendants "$bg"); do
		case "$(cat "/proc/$p/comm" 2>/dev/null)" in qemu-system*) qemu="$qemu $p" ;; esac
	done
done
if [ -z "$qemu" ]; then
	kill "$bg" 2>/dev/null
	wait "$bg" 2>/dev/null
	bg=""
	skip "no QEMU after SIGINT" "no QEMU process appeared within 60 s: $(tail -n 1 "$tmp/i.err")"
	skip "interrupted run marked" "no guest here"
	ktap_finish
	exit 0
fi
left=$(descendants "$bg")
kill -INT "$bg"
wait "$bg"
rc=$?
bg=""
# a killed process may take a moment to go (a zombie until reaped counts as gone)
i=0
while :; do
	alive=""
	for p in $qemu $left; do
		st=$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null)
		[ -n "$st" ] && [ "$st" != Z ] && alive="$alive $p($(cat "/proc/$p/comm" 2>/dev/null))"
	done
	[ -n "$alive" ] && [ $i -lt 10 ] || break
	sleep 0.5
	i=$((i + 1))
done
diag "exit $rc; QEMU was$qemu; still alive:${alive:- none}"
[ $rc -eq 130 ] && [ -z "$alive" ]
ok $? "SIGINT while QEMU runs: exit 130 and no QEMU, guest.sh or timeout left behind"
grep -q '^status,interrupted' "$tmp/i/meta.csv" && [ -f "$tmp/i/INTERRUPTED" ]
ok $? "the interrupted run is marked (status interrupted, INTERRUPTED file)"
ktap_finish
