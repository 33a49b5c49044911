# The summary at the top of report.md against results.csv, cell by cell:
# every figure, CI, ratio and verdict must be what the rows say (not only
# what the golden file says). Usage: summary_check.py RUNDIR; prints one
# line per mismatch and exits 1 if there is any.
import csv, math, re, sys

run = sys.argv[1]
tsc_mhz = next((float(r["value"]) for r in csv.DictReader(open(run + "/meta.csv"))
                if r["key"] == "tsc_mhz"), 0.0)
rows = list(csv.DictReader(open(run + "/results.csv")))
bad = []


def num(s):
    return float(s) if s not in ("", None) else math.nan


def measured(r):
    return r["status"] in ("ok", "miscount") and r["median"] != ""


def fmt(v):  # the C report's fmt_num
    a = abs(v)
    if math.isnan(v):
        return "-"
    if a >= 1e9:
        return "%.3g" % v
    if a >= 1000:
        return "%.0f" % v
    if a != 0 and a < 0.01:
        return "%.2g" % v
    return "%.4g" % v


def find(mech, state, metric):
    for r in rows:
        if r["mechanism"] == mech and r["state"] == state and r["metric"] == metric and measured(r):
            return r
    return None


def self_baseline(mech):
    return any(r["mechanism"] == mech and r["state"] == "absent" and "(=disabled)" in r["variant"]
               for r in rows)


def figure(mech, state):
    if state == "disabled":
        if self_baseline(mech):
            return None
        r = find(mech, state, "disabled-overhead")
        if r:
            return r
    return find(mech, state, "overhead")


def excl0(r):
    lo, hi = num(r["ci95_low"]), num(r["ci95_high"])
    return not math.isnan(lo) and (lo > 0 or hi < 0)


md = open(run + "/report.md").read()
summary = md.split("## Summary", 1)[1].split("\n## ", 1)[0]
place, mech, seen = None, None, set()
table = {}  # (place, state) -> [(mech, row)]
cells = []
for line in summary.splitlines():
    if line.startswith("### "):
        place = line[4:]
        continue
    if not line.startswith("| ") or line.startswith("| mechanism") or line.startswith("| :"):
        continue
    c = [x.strip() for x in line.strip("|").split("|")]
    if c[0].startswith("**"):
        # "name [tracer] (family)": a tool's figures are still the name's first rows
        mech = c[0].strip("*").split(" (")[0].split(" [")[0]
        seen.add(mech)
        continue
    cells.append((place, mech, c))

for place, mech, c in cells:
    # a place whose rows count traps has a sixth column, checked against the traps row
    state, med, ci, ratio, verdict = c[:5]
    if len(c) > 5:
        f0 = figure(mech, state)
        t = [r for r in rows if f0 and r["mechanism"] == mech and r["tracer"] == f0["tracer"] and
             r["state"] == state and r["metric"] == "traps"]
        want = fmt(num(t[0]["median"])) if t else "-"
        if c[5] != want:
            bad.append("%s/%s: traps %r, results.csv says %r" % (mech, state, c[5], want))
    where = "%s/%s" % (mech, state)
    f = figure(mech, state)
    if state == "disabled" and self_baseline(mech):
        if med != "= absent":
            bad.append("%s: self-baseline not flagged: %s" % (where, med))
        continue
    if f is None:
        r = [r for r in rows if r["mechanism"] == mech and r["state"] == state and r["metric"] == "overhead"]
        if not r or r[0]["status"] != med:
            bad.append("%s: not measured, summary says %r" % (where, med))
        continue
    want = fmt(num(f["median"])) + ("" if f["status"] == "ok" else " !")
    if med != want:
        bad.append("%s: median %r, results.csv line says %r" % (where, med, want))
    lo, hi = num(f["ci95_low"]), num(f["ci95_high"])
    want = "n/a" if math.isnan(lo) else "[%s, %s]" % (fmt(lo), fmt(hi))
    if ci != want:
        bad.append("%s: CI %r, results.csv says %r" % (where, ci, want))
    # the cheapest of the same place, state, unit and backend, CI above 0
    peers = [figure(m, state) for p, m, _ in cells if p == place]
    peers = [p for p in peers if p and p["unit"] == f["unit"] and p["backend"] == f["backend"]
             and excl0(p) and num(p["median"]) > 0]
    if f["metric"] == "disabled-overhead" and "Mann-Whitney" in f["note"]:
        yes = f["note"].startswith("above")
        verdict_want = ("yes" if yes else "no") + " (MW p%s)" % \
            re.search(r", p([=<][^)]*)", f["note"]).group(1)
    else:
        yes = excl0(f)
        verdict_want = "yes (CI)" if yes else "no (CI)"
    # a disabled cost under one cycle at the TSC's rate: no ratio, said so
    subc = yes and state == "disabled" and f["backend"] == "tsc" and f["unit"] == "ns" \
        and tsc_mhz > 0 and abs(num(f["median"])) < 1e3 / tsc_mhz
    if subc:
        verdict_want += ", <1 cycle"
    if peers and excl0(f) and num(f["median"]) > 0 and not subc:
        q = num(f["median"]) / min(num(p["median"]) for p in peers)
        want = ("x%.0f" if q >= 100 else "x%.3g") % q
    else:
        want = "-"
    if ratio != want:
        bad.append("%s: ratio %r, rows give %r" % (where, ratio, want))
    want = verdict_want
    if verdict != want:
        bad.append("%s: verdict %r, rows give %r" % (where, verdict, want))

# every mechanism with a figure in a summary state is in the summary
for r in rows:
    if r["state"] in ("disabled", "enabled", "recording") and r["metric"] == "overhead" \
       and measured(r) and r["mechanism"] not in seen:
        bad.append("%s has figures but no summary row" % r["mechanism"])
        seen.add(r["mechanism"])

for b in bad:
    print(b)
print("%d summary cells checked" % len(cells))
sys.exit(1 if bad else 0)
