#!/bin/sh
# `run --mech` takes families and globs as well as names: the rows of a
# short run name exactly the mechanisms `probecost list` gives for that
# family or pattern, each once; and a run in which nothing could be
# measured exits 1 and names the reason (skipped where every mechanism
# is available here).
. tests/ktap.sh

TMP=$(mktemp -d)
BIN=$(pwd)/$PROBECOST
trap 'rm -rf "$TMP"' EXIT

# mechanisms of results.csv, in order of first appearance, one a line
mechs_of() {
	python3 -c 'import csv, sys
seen = []
for r in csv.DictReader(open(sys.argv[1] + "/results.csv")):
    if r["mechanism"] not in seen:
        seen.append(r["mechanism"])
print("\n".join(seen))' "$1"
}

# what `probecost list` selects: column 3 is the family; a site consumed
# by several tracers has a line per tracer, and its rows one name; the
# table ends at the blank line before the legend and the reasons
listed() {
	"$BIN" list | awk -v fam="$1" -v pat="$2" 'NF == 0 { exit } NR > 1 && (($3 == fam) || (pat != "" && $1 ~ pat)) && !seen[$1]++ { print $1 }'
}

ktap_plan 4
n=0
for spec in "static:static:" "baseline:baseline:" "uprobe-*::^uprobe-"; do
	sel=${spec%%:*}; rest=${spec#*:}; fam=${rest%%:*}; pat=${rest#*:}
	n=$((n + 1))
	"$BIN" run --quick --repeat 6 --state absent --analyses none --no-vm \
		--mech "$sel" --out "$TMP/r$n" >"$TMP/log$n" 2>&1
	got=$(mechs_of "$TMP/r$n" 2>/dev/null)
	want=$(listed "$fam" "$pat")
	ok $([ -n "$want" ] && [ "$got" = "$want" ]; echo $?) \
		"--mech '$sel' runs $(echo $want | tr ' ' ',')"
	[ "$got" = "$want" ] || diag "got: $(echo $got) (log: $(tail -3 "$TMP/log$n"))"
done

# a mechanism this machine cannot measure, alone: nothing measured, exit
# 1; a name with no entry available (a tracer entry of a primitive that
# runs here, syscall-tracepoint's lttng, shares the primitive's name)
na=$("$BIN" list | awk 'NF == 0 { exit } NR > 1 && $4 != "module" {
	if (!($1 in seen)) order[++k] = $1; seen[$1] = 1; if ($6 != "no") avail[$1] = 1 }
	END { for (i = 1; i <= k; i++) if (!(order[i] in avail)) { print order[i]; exit } }')
if [ -z "$na" ]; then
	skip "nothing-measured exit status" "every live mechanism is available here"
else
	"$BIN" run --quick --repeat 6 --analyses none --no-vm --mech "$na" \
		--out "$TMP/na" >"$TMP/logna" 2>&1
	rc=$?
	ok $([ $rc -eq 1 ] && grep -q "nothing at all could be measured" "$TMP/logna" &&
	     grep -q "unsupported:" "$TMP/logna"; echo $?) \
		"--mech $na alone measures nothing: exit 1 (got $rc) with the reason"
fi
ktap_finish
