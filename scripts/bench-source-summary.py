#!/usr/bin/env python3
"""Counts findings of Vigie and semgrep on the three compared checks, how many land on the
same file and line, and writes samples (OUT/sample-<tool>-<rule>.txt) for review by hand.
Usage: bench-source-summary.py OUT_DIR (see scripts/bench-source)."""
import json
import os
import random
import sys
from collections import Counter, defaultdict

out = sys.argv[1]
CHECKS = ["SRC-002", "SRC-022", "SRC-014"]

def load(name):
    p = os.path.join(out, name)
    if not os.path.exists(p) or os.path.getsize(p) == 0:
        return None
    with open(p) as f:
        return json.load(f)

v = load("vigie.json")
vig = defaultdict(set)
allv = Counter()
for f in v["findings"] if v else []:
    allv[f["rule_id"]] += 1
    r = f["location"].get("region") or {}
    vig[f["rule_id"]].add((os.path.realpath(f["location"]["uri"]), r.get("start_line", 0)))
print("vigie findings per rule:", ", ".join(f"{k} {n}" for k, n in sorted(allv.items())))
notes = Counter(n["code"] for n in (v or {}).get("notifications", []))
print("vigie notifications:", dict(notes))

s = load("semgrep.json")
sem = defaultdict(set)
if s:
    for r in s["results"]:
        rid = r["check_id"].split(".")[-1]
        sem[rid].add((os.path.realpath(r["path"]), r["start"]["line"]))
    print(f"semgrep: {len(s['paths']['scanned'])} files scanned, {len(s['errors'])} errors")

random.seed(6)
print(f"{'check':8} {'vigie':>7} {'semgrep':>8} {'both':>6} {'vigie only':>11} {'semgrep only':>13}")
for c in CHECKS:
    a, b = vig[c], sem[c]
    print(f"{c:8} {len(a):7} {len(b):8} {len(a & b):6} {len(a - b):11} {len(b - a):13}")
    for tool, only in (("vigie-only", a - b), ("semgrep-only", b - a), ("both", a & b)):
        sample = random.sample(sorted(only), min(25, len(only)))
        with open(os.path.join(out, f"sample-{tool}-{c}.txt"), "w") as fh:
            for path, line in sorted(sample):
                try:
                    with open(path, errors="replace") as src:
                        text = src.read().splitlines()[line - 1].strip()
                except (OSError, IndexError):
                    text = "?"
                fh.write(f"{path}:{line}: {text[:160]}\n")
