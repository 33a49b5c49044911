"""What a row's median may differ from its samples.csv values by.

Both files print nine significant digits, so the median recomputed from the
printed samples may be off by their rounding: half a unit in the ninth digit
of the two middle samples, plus the printed median's own. A median a whole
sample off is a real mismatch and is still caught.
"""
import statistics


def median_matches(values, median):
    s = sorted(values)
    mid = s[(len(s) - 1) // 2: len(s) // 2 + 1]
    slack = 1e-8 * (max(abs(x) for x in mid) + abs(median)) + 1e-12
    return abs(statistics.median(s) - median) <= slack
