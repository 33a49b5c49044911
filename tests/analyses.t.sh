#!/bin/sh
# Integration of the analyses with run, report and plot: a short run of
# none and user-branch with every analysis but victim-llc writes the
# documented rows (each backed by its raw samples), report and plot take
# the directory, and the progress line appears on a terminal only.
. tests/ktap.sh

TMP=$(mktemp -d)
BIN=$(pwd)/$PROBECOST
trap 'rm -rf "$TMP"' EXIT

ktap_plan 10
"$BIN" run --mech none,user-branch --quick --repeat 6 \
	--analyses footprint,disabled,victim,scaling --out "$TMP/run" >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $rc "run with four analyses exits 0"
[ $rc -eq 0 ] || diag "$(cat "$TMP/out" "$TMP/err")"

PYTHONPATH=tests python3 - "$TMP/run" "$(nproc)" >"$TMP/py" 2>&1 <<'PY'
import csv, sys
from samples import median_matches
d, npu = sys.argv[1], int(sys.argv[2])
res = list(csv.DictReader(open(d + "/results.csv")))
smp = list(csv.DictReader(open(d + "/samples.csv")))
meta = {r["key"]: r["value"] for r in csv.DictReader(open(d + "/meta.csv"))}
def rows(mech, metric, state=None):
    return [r for r in res if r["mechanism"] == mech and r["metric"] == metric
            and (state is None or r["state"] == state)]
def say(ok, what):
    print(("ok " if ok else "FAIL ") + what)

site, ool = rows("user-branch", "footprint-site"), rows("user-branch", "footprint-handler")
say(len(site) == 1 and site[0]["unit"] == "bytes" and site[0]["backend"] == "elf"
    and float(site[0]["median"]) > 0 and float(ool[0]["median"]) > 0
    and not rows("none", "footprint-site"),
    "footprint: user-branch adds bytes at the site and out of line (%s, %s); none has no row"
    % (site and site[0]["median"], ool and ool[0]["median"]))
dis, noise = rows("user-branch", "disabled-overhead", "disabled"), rows("user-branch", "disabled-noise", "absent")
say(len(dis) == 1 and len(noise) == 1 and dis[0]["ci95_low"] != "" and "noise floor" in dis[0]["note"]
    and dis[0]["repeats"] == "12",
    "disabled: overhead with CI over twice the repeats, tested against its noise floor")
states = {r["state"] for r in rows("user-branch", "victim-l1d-k1")}
want = {r["state"] for r in rows("user-branch", "overhead") if r["status"] == "ok"}
say(states == want and len(want) >= 3 and rows("user-branch", "victim-l1d-walk", "absent"),
    "victim: per-hit rows for every state measured and the bare walk time (%s)" % sorted(states))
thr = {r["metric"] for r in res if r["mechanism"] == "user-branch" and r["metric"].startswith("scaling-cost-t")}
say("scaling-cost-t1" in thr and ("scaling-cost-t%d" % min(npu, 2)) in thr
    and rows("user-branch", "scaling-throughput-t1", "enabled"),
    "scaling: cost and throughput rows from 1 to %d threads (%s)" % (min(npu, 2), sorted(thr)))
bad = []
for r in res:
    if not r["metric"].split("-")[0] in ("footprint", "disabled", "victim", "scaling") or r["status"] != "ok":
        continue
    v = [float(s["value"]) for s in smp if s["mechanism"] == r["mechanism"] and s["state"] == r["state"]
         and s["metric"] == r["metric"] and s["variant"] == r["variant"]]
    if not v or not median_matches(v, float(r["median"])):
        bad.append((r["mechanism"], r["state"], r["metric"]))
say(not bad, "every analysis row is the median of its raw samples %s" % bad[:3])
say(meta.get("analyses") == "disabled,footprint,victim,scaling", "meta.csv names the analyses run")
PY
ok_verdicts "$TMP/py" 6

"$BIN" report "$TMP/run" >/dev/null 2>&1 && "$BIN" plot "$TMP/run" >"$TMP/plot.out" 2>&1
ok $? "report and plot take the run"
# a victim chart is drawn only when a probe stands out of the noise
# floor; otherwise plot says so (a quick run on a VM often has none)
{ [ -s "$TMP/run/plots/victim-l1d.txt" ] ||
  grep -q "victim-l1d: no probe stands out of the noise floor" "$TMP/plot.out"; } &&
	grep -q "scaling" "$TMP/run/report.txt"
ok $? "the report has a scaling section, and a victim curve or the reason for none"

# progress: on a terminal (script(1) gives one), not into a file
script -qec "'$BIN' run --mech user-branch --quick --repeat 6 --analyses disabled --out '$TMP/tty'" /dev/null \
	>"$TMP/tty.out" 2>&1
grep -q 'user-branch: .*left' "$TMP/tty.out" && ! grep -q 'left' "$TMP/err"
ok $? "the progress line names mechanism, state and time left on a terminal only"
ktap_finish
