#!/usr/bin/env python3
"""results.csv -> "name result measurement unit" lines for lava-test-case.

One line per row: name mechanism.state.metric (LAVA-safe), result pass
for a measured row (status ok or miscount), skip for unsupported or
skipped, fail otherwise; the median as the measurement ("-" when none).
"""
import csv
import re
import sys

for r in csv.DictReader(open(sys.argv[1], newline="")):
    name = re.sub(r"[^-_a-zA-Z0-9.]+", "_",
                  f'{r["mechanism"]}.{r["state"]}.{r["metric"]}')
    status = r["status"]
    result = ("pass" if status in ("ok", "miscount") else
              "skip" if status in ("unsupported", "skipped") else "fail")
    value = r["median"] if r["median"] and result == "pass" else "-"
    unit = re.sub(r"[^-_a-zA-Z0-9./%]+", "_", r["unit"]) or "-"
    print(name, result, value, unit)
