#!/usr/bin/env python3
"""Strict F1 of tilmash and its peers on make_cases.py cases, in every mode, in one run.

    python3 scripts/eval-alignment.py --cases /tmp/cases [--peers hunalign,galechurch]
        [--tilmash target/release/tilmash] [--pipeline FILE] [--beads OUT.jsonl] [--json]

Sentence-level cases (clean, merge, delete) give tilmash the case's lines:
`tilmash align --src S --tgt T src.txt tgt.txt --format jsonl`.
Paragraph cases give it the raw paragraphs: `tilmash align --segment --format tmx`; its units are
projected onto the gold sentences (`align_eval.py score --project`). Peers cannot segment, so on
paragraph cases they get the paragraphs cut by `tilmash segment --raw` (the same sentences
tilmash aligns) and their beads are projected the same way.

`--beads` writes every tilmash bead of the sentence-level cases with its score (and margins, with
`calibrate = false`) and whether gold has it (for scripts/fit-calibration.py). Scorers come from ../shared/tools/eval (or $TILMASH_EVAL).
Counts are summed over the cases of a group before dividing (micro average), as align_eval does.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
EVAL = os.environ.get("TILMASH_EVAL", os.path.join(HERE, "..", "..", "shared", "tools", "eval"))
sys.path.insert(0, EVAL)
import align_eval as ae  # noqa: E402
from evalcommon import bead, norm_ws, read_beads_jsonl, read_lines  # noqa: E402


def case_key(case, meta):
    ds = meta.get("dataset", "?").rstrip("/")
    name = os.path.basename(ds)
    if name == "parallel":
        name = os.path.basename(os.path.dirname(ds))
    return name, meta.get("pair", "?"), meta.get("mode", "?")


def tilmash_case(args, case, meta):
    """Beads of tilmash over the gold sentences of one case, with their scores."""
    sl, tl = meta["src_lang"], meta["tgt_lang"]
    sp, tp = os.path.join(case, "src.txt"), os.path.join(case, "tgt.txt")
    cmd = [args.tilmash, "align", "--src", sl, "--tgt", tl, sp, tp]
    if args.pipeline:
        cmd += ["--pipeline", args.pipeline]
    if meta.get("paragraphs"):
        with tempfile.NamedTemporaryFile(suffix=".tmx", delete=False) as f:
            out = f.name
        try:
            subprocess.run(cmd + ["--segment", "--format", "tmx"], check=True, stdout=open(out, "w"))
            beads, scores, _ = ae.tmx_to_beads(out, read_lines(os.path.join(case, "src.sents.txt")),
                                               read_lines(os.path.join(case, "tgt.sents.txt")), sl, tl, True)
        finally:
            os.unlink(out)
        return beads, [{"score": x} for x in scores]
    res = subprocess.run(cmd + ["--format", "jsonl"], check=True, capture_output=True, text=True)
    beads, scores = [], []
    for line in res.stdout.splitlines():
        if line.strip():
            d = json.loads(line)
            beads.append(bead(d["src"], d["tgt"]))
            # the score, and the margins when tilmash prints raw scores (`calibrate = false`)
            scores.append({k: d[k] for k in ("score", "margin", "path_margin") if k in d})
    return beads, scores


def segment_raw(args, path, lang):
    res = subprocess.run([args.tilmash, "segment", "--raw", "--lang", lang, path], check=True,
                         capture_output=True, text=True)
    return [norm_ws(x) for x in res.stdout.splitlines() if x.strip()]


def peer_case(args, name, case, meta):
    sp, tp = os.path.join(case, "src.txt"), os.path.join(case, "tgt.txt")
    if meta.get("paragraphs"):
        ss, ts = segment_raw(args, sp, meta["src_lang"]), segment_raw(args, tp, meta["tgt_lang"])
        beads, _ = ae.run_aligner(name, sp, tp, ss, ts)
        return ae.project_beads(beads, ss, read_lines(os.path.join(case, "src.sents.txt")),
                                ts, read_lines(os.path.join(case, "tgt.sents.txt")))
    beads, _ = ae.run_aligner(name, sp, tp, read_lines(sp), read_lines(tp))
    return beads


def cached_peer(args, name, case, meta):
    """Peers are deterministic: with --peer-cache their beads are kept between runs."""
    if not args.peer_cache:
        return peer_case(args, name, case, meta)
    rel = os.path.relpath(case, args.cases).replace(os.sep, "__")
    path = os.path.join(args.peer_cache, f"{name}__{rel}.json")
    if os.path.exists(path):
        return [bead(s, t) for s, t in json.load(open(path))]
    beads = peer_case(args, name, case, meta)
    os.makedirs(args.peer_cache, exist_ok=True)
    json.dump([[list(s), list(t)] for s, t in beads], open(path, "w"))
    return beads


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", required=True)
    ap.add_argument("--tilmash", default=os.path.join(HERE, "..", "target", "release", "tilmash"))
    ap.add_argument("--pipeline", help="take tilmash's [align] settings from this pipeline file")
    ap.add_argument("--peers", default="", help="comma-separated: hunalign, galechurch")
    ap.add_argument("--modes", default="", help="only these modes (comma-separated)")
    ap.add_argument("--peer-cache", help="keep the peers' beads in this folder between runs")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--beads", help="write tilmash's sentence-level beads with score and correctness here")
    ap.add_argument("--json", action="store_true", help="one JSON object per group instead of a table")
    args = ap.parse_args()
    cases = []
    for case in ae.find_cases(args.cases):
        meta = json.load(open(os.path.join(case, "meta.json"), encoding="utf-8"))
        if args.modes and meta.get("mode") not in args.modes.split(","):
            continue
        cases.append((case, meta))
    aligners = ["tilmash"] + [p for p in args.peers.split(",") if p]
    if "hunalign" in aligners and not ae.hunalign_binary():
        print("NOTICE: hunalign binary not found (set HUNALIGN); its column is left out", file=sys.stderr)
        aligners.remove("hunalign")
    counts = {}
    bead_rows = []

    def one(job):
        name, (case, meta) = job
        gold = [b for b, _ in read_beads_jsonl(os.path.join(case, "gold.jsonl"))]
        try:
            if name == "tilmash":
                beads, scores = tilmash_case(args, case, meta)
            else:
                beads, scores = cached_peer(args, name, case, meta), None
        except Exception as exc:  # a failed run scores as an empty alignment, as in align_eval
            print(f"{name} failed on {case}: {exc}", file=sys.stderr)
            beads, scores = [], None
        return name, case, meta, gold, beads, scores

    jobs = [(name, c) for name in aligners for c in cases]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for name, case, meta, gold, beads, scores in pool.map(one, jobs):
            key = case_key(case, meta) + (name,)
            counts.setdefault(key, ae.AlignCounts("vecalign")).add(gold, beads)
            if name == "tilmash" and scores is not None and args.beads and not meta.get("paragraphs"):
                gs = set(gold)
                for b, s in zip(beads, scores):
                    bead_rows.append(dict(s, case=os.path.relpath(case, args.cases), src=list(b[0]),
                                          tgt=list(b[1]), correct=b in gs))
    if args.beads:
        with open(args.beads, "w", encoding="utf-8") as f:
            for r in bead_rows:
                f.write(json.dumps(r) + "\n")
    table = {}
    for key, c in sorted(counts.items()):
        res = c.result()
        table.setdefault(key[:3], {})[key[3]] = res
        if args.json:
            print(json.dumps(dict(res, data=key[0], pair=key[1], mode=key[2], aligner=key[3])))
    if args.json:
        return
    print("| data | pair | mode | cases | " + " | ".join(aligners) + " |")
    print("|---|---|---|---|" + "---|" * len(aligners))
    for (ds, pair, mode), row in table.items():
        f1 = {a: row[a]["strict_f1"] for a in aligners if a in row}
        cells = []
        for a in aligners:
            if a not in f1:
                cells.append("–")
                continue
            cell = f"{f1[a]:.3f}"
            if a == "tilmash":
                peers = [f1[p] for p in aligners[1:] if p in f1]
                ok = f1[a] >= 0.97 and all(f1[a] >= p for p in peers)
                cell = f"**{cell}**" if ok else f"{cell} ✗"
            cells.append(cell)
        n = row["tilmash"]["cases"] if "tilmash" in row else ""
        print(f"| {ds} | {pair} | {mode} | {n} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
