#!/usr/bin/env python3
"""Scores the bundled corpus's pair files (outputs/alash/<pair>.jsonl) against the hand-made
gold list tests/data/alash-parallel.tsv and the hand judgments of other units
tests/data/alash-judged.tsv.

A unit is *right* when a gold pair of its language pair overlaps both of its sides (a gold
sentence lies inside the unit's text or the unit's text inside a gold sentence, compared on
lower-cased letters and digits only), so a unit that splits or merges a gold sentence still
counts. A gold pair is *found* when a unit overlaps both of its sides.

Prints per pair: units (parallel / comparable), precision of all units and of `parallel` units,
precision of the 30 highest-scored units, recall of the gold pairs (by any unit, by `parallel`
units), and what the 10 lowest-scored units are (gold / same event / unrelated / unjudged).
--show-unjudged lists units neither list knows, to judge by hand.

    python3 tests/cases/alash_gold.py outputs/alash [--show-unjudged]
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")
PAIRS = ["ru-kk", "ru-en", "kk-en"]


def norm(t):
    return re.sub(r"[^\w]|_", "", t.lower())


def sides(t):
    return [norm(s) for s in t.split(" || ") if norm(s)]


def overlaps(unit, gold):
    u = norm(unit)
    return any(g in u or (len(u) >= 8 and u in g) for g in gold)


def read_tsv(name):
    rows = []
    for line in open(os.path.join(DATA, name), encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        rows.append(line.rstrip("\n").split("\t"))
    return rows


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "outputs/alash"
    show = "--show-unjudged" in sys.argv
    gold = {p: [] for p in PAIRS}
    for pair, sd, st, td, tt, what in read_tsv("alash-parallel.tsv"):
        gold[pair].append((sd, sides(st), td, sides(tt), what))
    judged = {}
    for pair, st, tt, label in read_tsv("alash-judged.tsv"):
        judged[(pair, norm(st), norm(tt))] = label
    total = {"units": 0, "right": 0, "par": 0, "par_right": 0, "gold": 0, "found": 0, "found_par": 0}
    print("| pair | units (par/cmp) | P all | P parallel | top-30 P | R gold (any / parallel) | bottom 10: gold/same/unrel/unjudged |")
    print("|---|---|---|---|---|---|---|")
    for pair in PAIRS:
        units = [json.loads(l) for l in open(os.path.join(out, pair + ".jsonl"), encoding="utf-8")]
        units.sort(key=lambda u: -u["score"])
        labels = []
        for u in units:
            g = [k for k, (sd, gs, td, gt, _) in enumerate(gold[pair])
                 if u["src_doc"] == sd and u["tgt_doc"] == td and overlaps(u["src"], gs) and overlaps(u["tgt"], gt)]
            if g:
                labels.append(("gold", g))
            else:
                labels.append((judged.get((pair, norm(u["src"]), norm(u["tgt"])), "unjudged"), []))
        right = sum(1 for l, _ in labels if l == "gold")
        par = [k for k, u in enumerate(units) if u["type"] == "parallel"]
        par_right = sum(1 for k in par if labels[k][0] == "gold")
        top = labels[:30]
        top_right = sum(1 for l, _ in top if l == "gold")
        found = set(g for l, gs in labels for g in gs)
        found_par = set(g for k in par for g in labels[k][1])
        bottom = [l for l, _ in labels[-10:]]
        cnt = lambda x: sum(1 for l in bottom if l == x)
        pc = lambda a, b: f"{a}/{b} = {a / b:.2f}" if b else "–"
        ncmp = len(units) - len(par)
        print(f"| {pair} | {len(units)} ({len(par)}/{ncmp}) | {pc(right, len(units))} | {pc(par_right, len(par))} "
              f"| {pc(top_right, len(top))} | {pc(len(found), len(gold[pair]))} / {len(found_par)} "
              f"| {cnt('gold')}/{cnt('same-event')}/{cnt('unrelated')}/{cnt('unjudged')} |")
        for k, v in [("units", len(units)), ("right", right), ("par", len(par)), ("par_right", par_right),
                     ("gold", len(gold[pair])), ("found", len(found)), ("found_par", len(found_par))]:
            total[k] += v
        if show:
            for (l, _), u in zip(labels, units):
                if l == "unjudged":
                    print(f"UNJUDGED\t{pair}\t{u['src']}\t{u['tgt']}\t?\t# {u['score']} {u['type']} {u['src_doc'][:3]}{u['src_sentences']} {u['tgt_doc'][:3]}{u['tgt_sentences']}")
            missing = [gold[pair][g][4] for g in range(len(gold[pair])) if g not in found]
            print(f"MISSING\t{pair}\t{missing}")
    t = total
    print(f"| all | {t['units']} ({t['par']}/{t['units'] - t['par']}) | {t['right']}/{t['units']} = {t['right'] / max(1, t['units']):.2f} "
          f"| {t['par_right']}/{t['par']} = {t['par_right'] / max(1, t['par']):.2f} | | {t['found']}/{t['gold']} = {t['found'] / t['gold']:.2f} / {t['found_par']} | |")


if __name__ == "__main__":
    main()
