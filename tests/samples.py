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


def greater(a, b, alpha=0.001):
    """One-sided Mann-Whitney U test (normal approximation with a tie
    correction): True when the values of @a are stochastically larger
    than those of @b at level @alpha. For orderings the method must
    show: comparing two 95% CIs of a quick run fails whenever one repeat
    in a few is disturbed, while a rank test over the repeats does not
    care how far an outlier lies, yet still fails when the order is
    wrong or the samples overlap."""
    import math
    pooled = sorted([(x, 0) for x in a] + [(x, 1) for x in b])
    ranks = [0.0] * len(pooled)
    i = 0
    ties = 0.0
    while i < len(pooled):
        j = i
        while j + 1 < len(pooled) and pooled[j + 1][0] == pooled[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2.0 + 1
        t = j - i + 1
        ties += t ** 3 - t
        i = j + 1
    n1, n2 = len(a), len(b)
    r1 = sum(r for r, (_, g) in zip(ranks, pooled) if g == 0)
    u = r1 - n1 * (n1 + 1) / 2.0
    n = n1 + n2
    var = n1 * n2 / 12.0 * ((n + 1) - ties / (n * (n - 1)))
    if var <= 0:
        return False
    z = (u - n1 * n2 / 2.0 - 0.5) / math.sqrt(var)
    p = 0.5 * math.erfc(z / math.sqrt(2))
    return p < alpha
