#!/bin/sh
# Integration: `probecost run --mech none,user-branch --quick` writes the
# three files with the documented schema, consistent with each other, and
# the orderings that must hold do.
. tests/ktap.sh

TMP=$(mktemp -d)
BIN=$(pwd)/$PROBECOST
trap 'rm -rf "$TMP"' EXIT

ktap_plan 18
(cd "$TMP" && "$BIN" run --mech none,user-branch --quick >"$TMP/out" 2>&1)
rc=$?
ok $rc "run exits 0"
[ $rc -eq 0 ] || diag "$(cat "$TMP/out")"

run=$(readlink "$TMP/results/latest")
check "results/latest points at the run directory" [ -n "$run" -a -d "$TMP/results/$run" ]
dir=$TMP/results/$run
check "results.csv, samples.csv and meta.csv exist" \
	[ -s "$dir/results.csv" -a -s "$dir/samples.csv" -a -s "$dir/meta.csv" ]
check "no .part file is left" [ -z "$(ls "$dir" | grep '\.part$')" ]
check "the summary names the directory" grep -q "results: results/$run" "$TMP/out"
check "the console ends with the summary table" grep -q "^Summary: cost per event" "$TMP/out"
check "without --verbose no per-row table" sh -c "! grep -q 'hits/event' '$TMP/out'"
check "meta.csv records the full command line" \
	grep -qx 'command,"probecost run --mech none,user-branch --quick"' "$dir/meta.csv"
# under make test the binary is rebuilt first, so it must name this tree
rev=$(git describe --always --dirty 2>/dev/null || echo unknown)
grep -qx "git_revision,$rev" "$dir/meta.csv"
rc=$?
ok $rc "meta.csv names the revision the binary was built from ($rev)"
[ $rc -eq 0 ] || diag "meta.csv says $(grep '^git_revision,' "$dir/meta.csv"): if the tree changed after the build, run make test, which rebuilds first"

# the rest is easier to say in Python's csv module (an independent reader)
PYTHONPATH=tests python3 - "$dir" "$BIN" >"$TMP/py" 2>&1 <<'PY'
import csv, sys
from samples import median_matches, greater
d = sys.argv[1]
res = list(csv.DictReader(open(d + "/results.csv")))
smp = list(csv.DictReader(open(d + "/samples.csv")))
meta = {r["key"]: r["value"] for r in csv.DictReader(open(d + "/meta.csv"))}
hdr = next(csv.reader(open(d + "/results.csv")))
want = ["run_id", "mechanism", "tracer", "family", "where", "variant", "state", "metric",
        "unit", "backend", "median", "ci95_low", "ci95_high", "p10", "p90",
        "min", "repeats", "events"]
def row(m, s, metric="overhead"):
    r = [x for x in res if x["mechanism"] == m and x["state"] == s and x["metric"] == metric]
    return r[0] if len(r) == 1 else None
def say(ok, what):
    print(("ok " if ok else "FAIL ") + what)

say(hdr[:len(want)] == want, "results.csv columns start with the documented schema")
keys = {(r["mechanism"], r["state"]) for r in res if r["metric"] == "overhead"}
say(keys == {("none", "absent"), ("user-branch", "absent"), ("user-branch", "disabled"),
             ("user-branch", "enabled"), ("user-branch", "recording")},
    "one overhead row per mechanism x state: %s" % sorted(keys))
ov = [r for r in res if r["metric"] == "overhead"]
say(all(r["unit"] in ("ns", "instructions") and r["backend"] in ("tsc", "clock", "icount")
        and r["repeats"] == "21" and r["status"] == "ok" for r in ov),
    "every overhead row has a unit, a backend, 21 repeats, status ok")
en, di = row("user-branch", "enabled"), row("user-branch", "disabled")
def ovh(state):
    return [float(s["value"]) for s in smp if s["mechanism"] == "user-branch"
            and s["state"] == state and s["metric"] == "overhead"]
# a flag test plus a call costs more than the flag test alone: a one-sided
# rank test over the 21 repeats (p < 0.01), not two CIs, which a quick
# run on a VM misses whenever a repeat or two are disturbed
# A test at p < 0.01 still misses a true 0.5 ns now and then on a shared
# VM (CI once saw medians 0.61 > 0.26 ns, not significant): a miss is
# measured once more, in a run of its own, and both must miss to fail.
# A call that costs nothing misses both times.
def again():
    import os, subprocess, tempfile
    t = tempfile.mkdtemp()
    subprocess.run([sys.argv[2], "run", "--quick", "--no-vm", "--mech", "user-branch",
                    "--state", "disabled,enabled", "--analyses", "none", "--out", t + "/r"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    s2 = list(csv.DictReader(open(t + "/r/samples.csv")))
    v = lambda st: [float(x["value"]) for x in s2 if x["mechanism"] == "user-branch"
                    and x["state"] == st and x["metric"] == "overhead"]
    subprocess.run(["rm", "-rf", t])
    return greater(v("enabled"), v("disabled"), 0.01)
first = greater(ovh("enabled"), ovh("disabled"), 0.01)
say(first or again(),
    "user-branch enabled > disabled, one-sided Mann-Whitney p < 0.01 over the repeats (medians %s > %s)%s"
    % (en["median"], di["median"], "" if first else "; on a second run"))
say(en["hit_ratio"] == "1" and di["hit_ratio"] == "0",
    "hits per event: enabled 1, disabled 0 (%s, %s)" % (en["hit_ratio"], di["hit_ratio"]))
ids = {r["run_id"] for r in res} | {r["run_id"] for r in smp} | {meta["run_id"]}
say(len(ids) == 1, "one run_id across the three files")
need = ["kernel", "cpu_model", "topology", "timer_backend", "timer_reason", "counters",
        "counters_reason", "git_revision", "probecost_version", "command", "bound_pu"]
say(all(meta.get(k) for k in need) and meta.get("status") == "complete",
    "meta.csv has host facts, backend and reason, version, command; status complete")
bad = []
for r in ov:
    v = [float(s["value"]) for s in smp if s["mechanism"] == r["mechanism"]
         and s["state"] == r["state"] and s["metric"] == "overhead"]
    if len(v) != 21 or not median_matches(v, float(r["median"])):
        bad.append((r["mechanism"], r["state"], len(v)))
say(not bad, "each overhead median is the median of its 21 raw samples %s" % bad)
cold = row("user-branch", "enabled", "first-hit")
say(cold is not None and float(cold["median"]) > 0, "the cold first hit is kept as its own row")
PY
while read -r verdict what; do
	case $verdict in
	ok) ok 0 "$what" ;;
	*) ok 1 "$verdict $what" ;;
	esac
done <"$TMP/py"
ktap_finish
