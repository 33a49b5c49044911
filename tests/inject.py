#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Inject a known regression into a copy of a run directory.

    tests/inject.py SRC DST MECH PCT [METRIC,...]

Copies run directory SRC to DST, then makes MECH's instrumented states
(every state but absent) PCT percent of their base cost slower: each
sample of the METRIC rows (default overhead,disabled-overhead) and of the
state's cost row is shifted up by PCT% of that state's cost median, and
the results.csv summaries are shifted by the same amount (a shift moves
the median, its CI, p10, p90 and min alike, so the summaries stay the
ones the samples give). Throughput rows follow the new cost.

This is how compare counts a change of an overhead row: in percent of
the state's cost, since the overhead sits near zero. Prints the shifted
rows to stdout; exits 2 when MECH has no such row.
"""
import csv
import shutil
import sys


def main():
    if len(sys.argv) not in (5, 6):
        sys.stderr.write(__doc__)
        return 2
    src, dst, mech, pct = sys.argv[1:5]
    metrics = set((sys.argv[5] if len(sys.argv) == 6 else
                   "overhead,disabled-overhead").split(","))
    pct = float(pct)
    shutil.copytree(src, dst)

    with open(f"{src}/results.csv", newline="") as f:
        rows = list(csv.DictReader(f))
        fields = list(rows[0].keys()) if rows else []
    cost = {r["state"]: float(r["median"]) for r in rows
            if r["mechanism"] == mech and r["metric"] == "cost" and r["median"]}
    # the state's cost is shifted too: cost = absent cost + overhead
    touched = metrics | {"cost"}
    shift = {s: pct / 100 * c for s, c in cost.items() if s != "absent"}
    if not shift:
        sys.stderr.write(f"inject.py: {src}: no measured cost row of {mech} "
                         "in an instrumented state\n")
        return 2

    hit = []
    for r in rows:
        if r["mechanism"] != mech or r["state"] not in shift or not r["median"]:
            continue
        d = shift[r["state"]]
        if r["metric"] in touched:
            for k in ("median", "ci95_low", "ci95_high", "p10", "p90", "min"):
                if r.get(k):
                    r[k] = repr(float(r[k]) + d)
            hit.append(f'{r["mechanism"]} {r["state"]} {r["metric"]} +{d:.4g}')
        elif r["metric"] == "throughput" and r["unit"] == "Mevents/s":
            c = cost[r["state"]]
            for k in ("median", "ci95_low", "ci95_high", "p10", "p90", "min"):
                if r.get(k) and float(r[k]) > 0:
                    # 1e3/cost, cost shifted by d
                    r[k] = repr(1e3 / (1e3 / float(r[k]) + d))
    with open(f"{dst}/results.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)

    with open(f"{src}/samples.csv", newline="") as f:
        samples = list(csv.DictReader(f))
        sfields = list(samples[0].keys()) if samples else []
    for s in samples:
        if (s["mechanism"] == mech and s["state"] in shift and
                s["metric"] in touched and s["value"]):
            s["value"] = repr(float(s["value"]) + shift[s["state"]])
    with open(f"{dst}/samples.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=sfields, lineterminator="\n")
        w.writeheader()
        w.writerows(samples)
    print("\n".join(hit))
    return 0 if hit else 2


if __name__ == "__main__":
    sys.exit(main())
