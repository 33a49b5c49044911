#!/bin/sh
# The tracer axis (issue 11/12): every row of results.csv and samples.csv
# names the tracer consuming its events; `list` shows each entry's
# tracers; `run --tracer` selects on them and refuses unknown ones;
# compare matches rows on the tracer (a row under another tracer is
# another row) and still matches a run written before the column, which
# report also still reads.
. tests/ktap.sh
. tests/user_helpers.sh
need_uprobes

TMP=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT

# retrace DIR MECH FROM TO: in DIR's results.csv and samples.csv, rows of
# MECH ('*': any) under tracer FROM say TO instead
retrace() {
	for f in results samples; do
		python3 - "$1/$f.csv" "$2" "$3" "$4" <<'PY'
import csv, sys
path, mech, old, new = sys.argv[1:]
rows = list(csv.DictReader(open(path, newline='')))
with open(path, 'w', newline='') as f:
    w = csv.DictWriter(f, list(rows[0].keys()), lineterminator='\n')
    w.writeheader()
    for r in rows:
        if mech in ('*', r['mechanism']) and r['tracer'] == old:
            r['tracer'] = new
        w.writerow(r)
PY
	done
}
ktap_plan 15

# 1. list: a TRACERS column, per entry
"$PROBECOST" list --csv >"$TMP/list.csv"
ok "$(python3 - "$TMP/list.csv" <<'PY'
import csv, sys
rows = {(r['name'], r['tracers']) for r in csv.DictReader(open(sys.argv[1]))}
want = {('uprobe-nop', 'perf/ftrace'), ('user-branch', 'self'), ('none', '-'),
        ('syscall-tracepoint', 'perf/ftrace')}
print(0 if want <= rows else 1)
PY
)" "list --csv: uprobe-nop perf/ftrace, user-branch self, none -"

# 2. a run: the tracer of each row and sample (the primitives': --mech
# uprobe-nop alone would add its tracer entries, bpf's, whose rows share
# the primitive's name and variants)
"$PROBECOST" run --quick --repeat 6 --analyses none --no-vm \
	--mech uprobe-nop,user-branch --tracer ftrace,self --out "$TMP/r" >"$TMP/r.log" 2>&1
rc=$?
[ $rc -eq 0 ] || diag "$(tail -5 "$TMP/r.log")"
ok "$(python3 - "$TMP/r" <<'PY'
import csv, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + '/results.csv')))
got = {(r['mechanism'], r['state']): r['tracer'] for r in rows if r['metric'] == 'overhead'}
want = {('uprobe-nop', 'absent'): '-', ('uprobe-nop', 'disabled'): '-',
        ('uprobe-nop', 'enabled'): 'perf', ('uprobe-nop', 'recording'): 'ftrace',
        ('user-branch', 'absent'): '-', ('user-branch', 'disabled'): '-',
        ('user-branch', 'enabled'): 'self', ('user-branch', 'recording'): 'self'}
bad = {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v}
if bad:
    print('# got/want:', bad, file=sys.stderr)
print(0 if not bad else 1)
PY
)" "results.csv: the tracer of every overhead row (uprobe-nop: - - perf ftrace; user-branch: - - self self)"
ok "$(python3 - "$TMP/r" <<'PY'
import csv, sys
d = sys.argv[1]
rows = {(r['mechanism'], r['variant'], r['state'], r['metric']): r['tracer']
        for r in csv.DictReader(open(d + '/results.csv'))}
bad = 0
n = 0
for s in csv.DictReader(open(d + '/samples.csv')):
    t = rows.get((s['mechanism'], s['variant'], s['state'], s['metric']))
    if t is not None:
        n += 1
        bad += t != s['tracer']
print(0 if n and not bad else 1)
PY
)" "samples.csv: each sample carries its row's tracer"

# 3. --tracer selects; unknown or empty selections are usage errors
"$PROBECOST" run --quick --repeat 6 --analyses none --no-vm --state absent,enabled \
	--mech uprobe-nop,user-branch --tracer perf --out "$TMP/p" >"$TMP/p.log" 2>&1
ok "$([ $? -eq 0 ] && [ "$(awk -F, 'NR > 1 { print $2 }' "$TMP/p/results.csv" | sort -u)" = uprobe-nop ] &&
	echo 0 || echo 1)" "--tracer perf keeps uprobe-nop, drops user-branch"

# 3a. perf record has a tracer name of its own: list shows perf once per
# name, --tracer perf leaves perf record out, --tracer perf-record picks it alone
ok "$(python3 - "$TMP/list.csv" <<'PY'
import csv, sys
seen = {}
for r in csv.DictReader(open(sys.argv[1])):
    seen.setdefault(r['name'], []).extend(r['tracers'].split('/'))
bad = {n: t for n, t in seen.items() if t.count('perf') > 1}
want = all('perf-record' in seen.get(n, []) for n in ('uprobe-nop', 'usdt', 'syscall-tracepoint'))
if bad or not want:
    print('# perf twice:', bad, 'perf-record entries:', want, file=sys.stderr)
print(0 if not bad and want else 1)
PY
)" "list: no name consumed by perf twice; uprobe-nop, usdt, syscall-tracepoint have a perf-record entry"
"$PROBECOST" run --quick --repeat 6 --analyses none --no-vm --state absent,recording \
	--mech uprobe-nop --tracer perf --out "$TMP/pp" >"$TMP/pp.log" 2>&1
rc=$?
"$PROBECOST" run --quick --repeat 6 --analyses none --no-vm --state absent,recording \
	--mech uprobe-nop --tracer perf-record --out "$TMP/pr" >"$TMP/pr.log" 2>&1
ok "$(python3 - "$TMP/pp" "$TMP/pr" $rc $? <<'PY'
import csv, sys
pp, pr, rc1, rc2 = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def rows(d):
    return [r for r in csv.DictReader(open(d + '/results.csv')) if r['metric'] == 'overhead']
a, b = rows(pp), rows(pr)
ring = lambda r: ':perf-ring:' in r['variant']
good = (rc1 == 0 and rc2 == 0 and a and b and not any(ring(r) for r in a) and
        {r['tracer'] for r in b} == {'perf-record'} and
        any(ring(r) and r['state'] == 'recording' for r in b))
if not good:
    print('# --tracer perf:', [(r['tracer'], r['state'], r['variant']) for r in a], file=sys.stderr)
    print('# --tracer perf-record:', [(r['tracer'], r['state'], r['variant']) for r in b], file=sys.stderr)
print(0 if good else 1)
PY
)" "--tracer perf: no perf-ring row; --tracer perf-record: only perf-record rows, recording into a perf ring"
"$PROBECOST" run --quick --mech user-branch --tracer bogus --out "$TMP/x" >"$TMP/x.log" 2>&1
ok "$([ $? -eq 2 ] && grep -q "unknown tracer 'bogus'; valid: .*perf" "$TMP/x.log" && [ ! -e "$TMP/x" ] &&
	echo 0 || echo 1)" "--tracer bogus: exit 2 naming the valid tracers, nothing written"
"$PROBECOST" run --quick --mech user-branch --tracer perf --out "$TMP/y" >"$TMP/y.log" 2>&1
ok "$([ $? -eq 2 ] && grep -q "no selected mechanism is consumed by it" "$TMP/y.log" &&
	echo 0 || echo 1)" "--tracer perf with user-branch alone: exit 2, nothing to run"

# 3b. the default suite leaves the opt-in entries out, saying so; a
# --tracer naming theirs brings them back
"$PROBECOST" run --quick --repeat 6 --no-vm --analyses none --state absent \
	--out "$TMP/d" >"$TMP/d.log" 2>&1
ok "$([ $? -eq 0 ] && ! grep -q ',ust-tracepoint,' "$TMP/d/results.csv" &&
	grep -q '^opt_in_not_run,.*ust-tracepoint \[lttng\]' "$TMP/d/meta.csv" &&
	tr '\n' ' ' <"$TMP/d.log" | tr -s ' ' | grep -q 'opt-in, not run: .*ust-tracepoint \[lttng\]' &&
	echo 0 || echo 1)" \
	"default suite: ust-tracepoint (opt-in) not run, named in meta.csv and on the console"
"$PROBECOST" run --quick --repeat 6 --no-vm --analyses none --state absent --tracer lttng \
	--out "$TMP/l" >"$TMP/l.log" 2>&1
ok "$([ $? -eq 0 ] && grep -q ',ust-tracepoint,lttng,' "$TMP/l/results.csv" && echo 0 || echo 1)" \
	"--tracer lttng without --mech runs the opt-in ust-tracepoint"

# 4. a run directory from before the column: report reads it, compare matches it
cp -r "$TMP/r" "$TMP/old"
for f in results samples; do
	python3 - "$TMP/old/$f.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
cols = [c for c in rows[0].keys() if c != 'tracer']
with open(sys.argv[1], 'w', newline='') as f:
    w = csv.DictWriter(f, cols, lineterminator='\n')
    w.writeheader()
    for r in rows:
        r.pop('tracer')
        w.writerow(r)
PY
done
"$PROBECOST" report "$TMP/old" >"$TMP/old.log" 2>&1
ok "$([ $? -eq 0 ] && grep -q 'uprobe-nop' "$TMP/old/report.txt" && echo 0 || echo 1)" \
	"report reads a run directory without the tracer column"
"$PROBECOST" compare --all "$TMP/old" "$TMP/r" >"$TMP/cmp.txt" 2>&1
rc=$?
# (the summary line is wrapped at 72 columns: read it as one line)
ok "$([ $rc -eq 0 ] && tr '\n' ' ' <"$TMP/cmp.txt" | sed 's/  */ /g' |
	grep -q ' 0 one-sided (0 only in base, 0 only in new)' &&
	echo 0 || echo 1)" \
	"compare old-format base vs the same run: exit 0 (got $rc), every row matched"

# 5. the same rows under another tracer are other rows
cp -r "$TMP/r" "$TMP/other"
retrace "$TMP/other" uprobe-nop perf bpf
"$PROBECOST" compare --all "$TMP/r" "$TMP/other" >"$TMP/cmp2.txt" 2>&1
ok "$(grep -q 'only in base.*uprobe-nop perf .*enabled overhead' "$TMP/cmp2.txt" &&
	grep -q 'only in new.*uprobe-nop bpf .*enabled overhead' "$TMP/cmp2.txt" && echo 0 || echo 1)" \
	"compare: uprobe-nop enabled under perf and under bpf are two rows, one on each side"

"$PROBECOST" report "$TMP/pr" >"$TMP/prrep.log" 2>&1
ok "$([ $? -eq 0 ] && grep -q 'recording \[perf-record\]' "$TMP/pr/report.txt" && echo 0 || echo 1)" \
	"report labels perf record's row 'recording [perf-record]'"

# 6. a run from before perf-record had its name (tracer perf on its rows):
# it loads, and compare against a new run shows those rows one-sided
# (the primitive's rows, shared, are compared)
"$PROBECOST" run --quick --repeat 6 --analyses none --no-vm --state absent,recording \
	--mech uprobe-nop --tracer ftrace,perf-record --out "$TMP/prnew" >"$TMP/prnew.log" 2>&1
cp -r "$TMP/prnew" "$TMP/prold"
retrace "$TMP/prold" '*' perf-record perf
"$PROBECOST" report "$TMP/prold" >"$TMP/prold.log" 2>&1
rc=$?
"$PROBECOST" compare --all "$TMP/prold" "$TMP/prnew" >"$TMP/cmp3.txt" 2>&1
rc2=$?
ok "$([ $rc -eq 0 ] && [ $rc2 -le 1 ] &&
	grep -q 'only in base.*uprobe-nop perf .*recording overhead' "$TMP/cmp3.txt" &&
	grep -q 'only in new.*uprobe-nop perf-record .*recording overhead' "$TMP/cmp3.txt" &&
	echo 0 || echo 1)" \
	"old run with perf on perf-record rows: report exits 0 ($rc), compare $rc2 with them one-sided"
[ $rc2 -le 1 ] || diag "$(tail -5 "$TMP/cmp3.txt")"
ktap_finish
