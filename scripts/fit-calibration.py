#!/usr/bin/env python3
"""Fits the bead-confidence calibration (data/align/calibration.tsv) and checks it.

    printf 'input = "x"\noutput = "y"\n[align]\ncalibrate = false\n' > raw.toml
    python3 scripts/eval-alignment.py --cases CASES --pipeline raw.toml --beads beads.jsonl
    python3 scripts/fit-calibration.py beads.jsonl [more-beads.jsonl ...] [--write data/align/calibration.tsv]

Several bead files (the development cases, and the stress variants of docs/evaluation-alignment.md)
are fitted together; a case is named by its file and its folder, so the halves split each file.

The beads carry the aligner's raw scores (`calibrate = false`). Each bead class (1-1; merges 2-1/1-2/2-2/…; deletions 1-0/0-1) gets a logistic map
confidence = σ(bias + slope · logit(raw score) + slope_margin · margin + slope_path · min(path margin, 8)) (deletions have no
margin), fitted by Newton's method on the cases of one half
(a stable hash of the case name) and checked on the other: the share of beads with confidence
≥ 0.5 that gold has, and the confidence threshold giving a chosen precision.
"""
import json
import math
import os
import sys
import zlib


def kind(b):
    a, c = len(b["src"]), len(b["tgt"])
    if a == 0 or c == 0:
        return "deletion"
    return "one" if a == c == 1 else "merge"


PATH_MARGIN_CAP = 8.0  # score::PATH_MARGIN_CAP


def features(r):
    """logit of the raw score, the margin over the nearest competing pairs (0 for deletions, which
    have none), and the search's path margin."""
    p = min(max(r["score"], 1e-4), 1 - 1e-4)
    margin = r.get("margin", 0.0) if kind(r) != "deletion" else 0.0
    return [1.0, math.log(p / (1 - p)), margin, min(r.get("path_margin", 0.0), PATH_MARGIN_CAP)]


def solve(h, g):
    """h · d = g for a small dense system (Gaussian elimination with partial pivoting)."""
    n = len(g)
    m = [row[:] + [g[i]] for i, row in enumerate(h)]
    for c in range(n):
        piv = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[piv] = m[piv], m[c]
        if abs(m[c][c]) < 1e-12:
            return [0.0] * n
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                m[r] = [x - f * y for x, y in zip(m[r], m[c])]
    return [m[i][n] / m[i][i] for i in range(n)]


def fit(xs, ys, l2=1e-3):
    """Logistic regression by Newton's method (a small ridge on the slopes)."""
    n = len(xs[0])
    w = [0.0] * n
    for _ in range(50):
        g = [0.0] * n
        h = [[0.0] * n for _ in range(n)]
        for x, y in zip(xs, ys):
            z = sum(wi * xi for wi, xi in zip(w, x))
            p = 1 / (1 + math.exp(-max(min(z, 30), -30)))
            for i in range(n):
                g[i] += (p - y) * x[i]
                for k in range(n):
                    h[i][k] += p * (1 - p) * x[i] * x[k]
        for i in range(1, n):
            g[i] += l2 * w[i]
            h[i][i] += l2
        d = solve(h, g)
        w = [wi - di for wi, di in zip(w, d)]
        if sum(abs(x) for x in d) < 1e-9:
            break
    return w


def confidence(r, params):
    w = params[kind(r)]
    z = sum(wi * xi for wi, xi in zip(w, features(r)))
    return 1 / (1 + math.exp(-max(min(z, 30), -30)))


def half(case):
    return zlib.crc32(case.encode()) % 2


def report(rows, params, label):
    conf = [confidence(r, params) for r in rows]
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
    args = sys.argv[1:]
    if "--write" in args:
        k = args.index("--write")
        args = args[:k] + args[k + 2:]
    rows = []
    for path in args:
        for line in open(path, encoding="utf-8"):
            r = json.loads(line)
            if len(args) > 1:
                r["case"] = os.path.basename(path) + ":" + r["case"]
            rows.append(r)
    train = [r for r in rows if half(r["case"]) == 0]
    test = [r for r in rows if half(r["case"]) == 1]
    params = {}
    for k in ("one", "merge", "deletion"):
        sel = [r for r in train if kind(r) == k]
        params[k] = fit([features(r) for r in sel], [1.0 if r["correct"] else 0.0 for r in sel])
        print(f"{k}: {len(sel)} training beads, weights {' '.join(f'{x:.3f}' for x in params[k])}")
    report(train, params, "fitted half")
    report(test, params, "held-out half")
    if "--write" in sys.argv:
        path = sys.argv[sys.argv.index("--write") + 1]
        with open(path, "w", encoding="utf-8") as f:
            f.write("# Bead confidence = σ(bias + slope · logit(raw score) + slope_margin · margin\n"
                    "# + slope_path · min(path margin, 8)), per bead class; raw score: the evidence/length\n"
                    "# score of the bead (pairs) or one minus the best nearby pair (deletions); margin: the raw\n"
                    "# score less the best competing pair (the 1-1 pairs inside a merge, its end sentences with\n"
                    "# the neighbours of the other side); path margin: how much dearer the search's best path\n"
                    "# within one bead on each side gets without this bead.\n"
                    "# Fitted by scripts/fit-calibration.py on half of the cases (clean, merge, delete modes of\n"
                    "# every set in ../shared/data, and the merge-both, delete-both and merge-delete stress\n"
                    "# variants of the same sets); see docs/evaluation-alignment.md.\n"
                    "# class\tbias\tslope\tslope_margin\tslope_path\n")
            for k, w in params.items():
                f.write(f"{k}\t" + "\t".join(f"{x:.4f}" for x in w) + "\n")


if __name__ == "__main__":
    main()
