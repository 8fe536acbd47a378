#!/usr/bin/env python3
"""Fits the bead-confidence calibration (data/align/calibration.tsv) and checks it.

    printf 'input = "x"\noutput = "y"\n[align]\ncalibrate = false\n' > raw.toml
    python3 scripts/eval-alignment.py --cases CASES --pipeline raw.toml --beads beads.jsonl
    python3 scripts/fit-calibration.py beads.jsonl [--write data/align/calibration.tsv]

The beads carry the aligner's raw scores (`calibrate = false`). Each bead class (1-1; merges 2-1/1-2/2-2/…; deletions 1-0/0-1) gets a logistic map
confidence = σ(bias + slope · logit(raw score)), fitted by Newton's method on the cases of one half
(a stable hash of the case name) and checked on the other: the share of beads with confidence
≥ 0.5 that gold has, and the confidence threshold giving a chosen precision.
"""
import json
import math
import sys
import zlib


def kind(b):
    a, c = len(b["src"]), len(b["tgt"])
    if a == 0 or c == 0:
        return "deletion"
    return "one" if a == c == 1 else "merge"


def feature(raw):
    p = min(max(raw, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def fit(xs, ys, l2=1e-3):
    a = b = 0.0
    for _ in range(50):
        ga = gb = haa = hab = hbb = 0.0
        for x, y in zip(xs, ys):
            p = 1 / (1 + math.exp(-(a + b * x)))
            ga += p - y
            gb += (p - y) * x
            w = p * (1 - p)
            haa += w
            hab += w * x
            hbb += w * x * x
        gb += l2 * b
        hbb += l2
        haa += 1e-9
        det = haa * hbb - hab * hab
        if det <= 0:
            break
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        a, b = a - da, b - db
        if abs(da) + abs(db) < 1e-9:
            break
    return a, b


def half(case):
    return zlib.crc32(case.encode()) % 2


def report(rows, params, label):
    conf = [1 / (1 + math.exp(-(params[kind(r)][0] + params[kind(r)][1] * feature(r["score"])))) for r in rows]
    print(f"{label}: {len(rows)} beads")
    for th in (0.5,):
        sel = [r["correct"] for r, c in zip(rows, conf) if c >= th]
        print(f"  confidence ≥ {th}: {len(sel)} beads, {sum(sel) / max(1, len(sel)):.4f} correct")
    pairs = sorted(zip(conf, [r["correct"] for r in rows]), reverse=True)
    for target in (0.95, 0.98, 0.99):
        best = None
        ok = 0
        for n, (c, y) in enumerate(pairs, 1):
            ok += y
            if ok / n >= target:
                best = (c, n)
        if best:
            print(f"  precision ≥ {target}: threshold {best[0]:.3f} keeps {best[1]} of {len(pairs)} beads")
    return conf


def main():
    rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
    train = [r for r in rows if half(r["case"]) == 0]
    test = [r for r in rows if half(r["case"]) == 1]
    params = {}
    for k in ("one", "merge", "deletion"):
        sel = [r for r in train if kind(r) == k]
        params[k] = fit([feature(r["score"]) for r in sel], [1.0 if r["correct"] else 0.0 for r in sel])
        print(f"{k}: {len(sel)} training beads, bias {params[k][0]:.3f} slope {params[k][1]:.3f}")
    report(train, params, "fitted half")
    report(test, params, "held-out half")
    if "--write" in sys.argv:
        path = sys.argv[sys.argv.index("--write") + 1]
        with open(path, "w", encoding="utf-8") as f:
            f.write("# Bead confidence = σ(bias + slope · logit(raw score)), per bead class; raw score: the\n"
                    "# evidence/length score of the bead (pairs) or one minus the best nearby pair (deletions).\n"
                    "# Fitted by scripts/fit-calibration.py on half of the development cases (clean, merge,\n"
                    "# delete modes of every set in ../shared/data); see docs/evaluation-alignment.md.\n"
                    "# class\tbias\tslope\n")
            for k, (a, b) in params.items():
                f.write(f"{k}\t{a:.4f}\t{b:.4f}\n")


if __name__ == "__main__":
    main()
