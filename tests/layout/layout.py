#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The architecture rules of docs/architecture.md, checked on the tree.

Prints KTAP; exit 0 when every rule holds, 1 otherwise. Each rule names
the offending files, so a failure says where to look.
"""
import collections
import glob
import os
import re
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else "."
os.chdir(ROOT)

SRC = sorted(set(glob.glob("harness/**/*.[ch]", recursive=True) +
                 glob.glob("mechanisms/**/*.[ch]", recursive=True) +
                 glob.glob("kmod/*.[ch]") + glob.glob("tests/unit/*.c") +
                 glob.glob("tests/guest/*.c")))
INC = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
BY_NAME = {}
for f in SRC:
    BY_NAME.setdefault(os.path.basename(f), []).append(f)


def includes(f):
    with open(f, encoding="utf-8", errors="replace") as fh:
        return [os.path.basename(i) for i in INC.findall(fh.read())]


def layer(f):
    p = f.split("/")
    return p[0] + "/" + p[1] if p[0] == "harness" else p[0]


results = []


def rule(name, bad):
    results.append((name, bad))


# 1. a file name says its job once: no two sources share a basename
rule("no two source files share a basename",
     ["%s: %s" % (b, ", ".join(fs)) for b, fs in BY_NAME.items() if len(fs) > 1])

# 2. no include cycle between files
graph = collections.defaultdict(set)
for f in SRC:
    for b in includes(f):
        for g in BY_NAME.get(b, []):
            graph[f].add(g)
cycles = []
state = {}


def visit(f, stack):
    state[f] = 1
    stack.append(f)
    for g in sorted(graph[f]):
        if state.get(g) == 1:
            cycles.append(" -> ".join(stack[stack.index(g):] + [g]))
        elif not state.get(g):
            visit(g, stack)
    stack.pop()
    state[f] = 2


for f in SRC:
    if not state.get(f):
        visit(f, [])
rule("no include cycle between files", cycles)

# 3. a mechanism switches and fires its site; it never measures or writes
#    rows: from harness/ it may use the error codes and the machine facts
MECH_MAY = {"errors.h", "sysinfo.h"}
bad = []
for f in SRC:
    if not f.startswith("mechanisms/"):
        continue
    for b in includes(f):
        if any(g.startswith("harness/") for g in BY_NAME.get(b, [])) and b not in MECH_MAY:
            bad.append("%s includes %s" % (f, b))
rule("mechanisms include no harness layer but errors.h and sysinfo.h", bad)

# 4. every mechanism lives under mechanisms/: no harness file defines a
#    struct pc_mech (or a macro making them) or a mechanism op, i.e. a
#    function whose first parameter is the mechanism's live instance
MECH_DEF = re.compile(r"^\s*const struct pc_mech pc_mech_(\w|#)+\s*=|"
                      r"^(static\s+)?[\w ]+\**\s*\w+\(\s*(const\s+)?struct pc_inst \*",
                      re.M)
bad = []
for f in SRC:
    if f.startswith("harness/") and f.endswith(".c"):
        with open(f, encoding="utf-8", errors="replace") as fh:
            m = MECH_DEF.search(fh.read())
            if m:
                bad.append("%s: %s" % (f, m.group(0).strip()))
rule("no harness file implements a mechanism", bad)

# 5. dependencies point down. Ranks, top to bottom; a file includes its
#    own folder, a lower rank, or a leaf. Leaves include no project
#    header but errors.h: the error codes, the statistics, the option
#    value parsers (for --analyses and a run-directory operand) and the
#    version.
RANK = {
    "harness/cli": 6,
    "harness/analyses": 5, "harness/guest": 5, "harness/churn": 5,
    "harness/reports": 4,
    "harness/core": 3,
    "mechanisms": 2,
    "harness/machine": 1, "harness/rundir": 1,
    "kmod": 0,
}
LEAVES = {"errors.h", "stats.h", "opts.h", "version.h"}


def rank(f):
    if f.startswith("mechanisms"):
        return RANK["mechanisms"]
    return RANK.get(layer(f))


bad = []
for f in SRC:
    if f.startswith("tests/") or rank(f) is None:
        continue
    for b in includes(f):
        for g in BY_NAME.get(b, []):
            if b in LEAVES or layer(g) == layer(f) or \
               (f.startswith("mechanisms") and g.startswith("mechanisms")):
                continue
            if rank(g) is None or rank(g) >= rank(f):
                bad.append("%s (%s) includes %s (%s)" % (f, layer(f), b, layer(g)))
rule("dependencies point down: cli > analyses, guest, churn > reports > core > mechanisms > machine, rundir", bad)

bad = []
for b in LEAVES:
    for f in BY_NAME.get(b, []) + [x.replace(".h", ".c") for x in BY_NAME.get(b, [])]:
        if not os.path.exists(f):
            continue
        for i in includes(f):
            if i in BY_NAME and i not in ("errors.h", b):
                bad.append("%s includes %s" % (f, i))
rule("the leaves (errors, stats, opts, version) include nothing of the project but errors.h", bad)

print("KTAP version 1")
print("1..%d" % len(results))
fail = 0
for i, (name, bad) in enumerate(results, 1):
    if bad:
        fail += 1
        print("not ok %d %s" % (i, name))
        for b in bad[:20]:
            print("# %s" % b)
    else:
        print("ok %d %s" % (i, name))
sys.exit(1 if fail else 0)
