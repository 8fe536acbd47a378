#!/usr/bin/env python3
"""The harder comparable setting, built from an N-way parallel set (`<lang>.txt` + `docs.tsv`):
each document's lines are grouped into paragraphs (2-5 lines), the paragraph order is shuffled per
language, every document is split across two files per language, and all files of all languages
go into one folder -- a corpus of many documents, no document pairing given.

    build_hard.py build --data DIR --langs kk,en --out CORPUS [--seed 1]
    tilmash run PIPELINE --input CORPUS --output OUT       # a pipeline with those languages
    build_hard.py score --corpus CORPUS --out OUT --pair kk-en
    build_hard.py triangles --corpus CORPUS --out OUT

`score` prints passage retrieval recall@1 (for each source paragraph, is the best-scored link in
passages.jsonl its gold counterpart?) and sentence-link P/R/F1 of the pair's units against the
gold line correspondences (units matched to gold lines by their text). `triangles` prints the
share of trilingual units whose three sides lie in one gold line."""
import argparse, json, random, re, sys
from pathlib import Path


# Latin letters that look like Cyrillic ones: the pipeline repairs mixed-script words
# ("cкатать" with a Latin c), so gold and output are compared with both spellings folded.
FOLD = str.maketrans("аеорсухіј", "aeopcyxij")


def key(t):
    return re.sub(r"\W+", "", t.lower()).translate(FOLD)


def build(a):
    data, out = Path(a.data), Path(a.out)
    langs = a.langs.split(",")
    lines = {l: (data / f"{l}.txt").read_text(encoding="utf-8").split("\n") for l in langs}
    out.mkdir(parents=True, exist_ok=True)
    gold = {"paragraphs": []}
    for number, row in enumerate(r for r in (data / "docs.tsv").read_text().split("\n") if r.strip()):
        s, e, doc = row.split("\t")
        s, e = int(s), int(e)
        rng = random.Random(f"{a.seed}|{doc}")
        paras, k = [], s
        while k < e:
            n = min(rng.randint(2, 5), e - k)
            paras.append(list(range(k, k + n)))
            k += n
        gold["paragraphs"].extend(paras)
        # The document's number keeps names unique (URLs often share their first 60 characters).
        safe = f"{number:04d}_" + re.sub(r"[^A-Za-z0-9]+", "_", doc)[:60]
        for l in langs:
            order = paras[:]
            random.Random(f"{a.seed}|{doc}|{l}").shuffle(order)
            half = (len(order) + 1) // 2
            for part, chunk in enumerate((order[:half], order[half:])):
                if chunk:
                    text = "\n\n".join(" ".join(lines[l][i] for i in p) for p in chunk)
                    (out / f"{l}_{safe}_{part}.txt").write_text(text + "\n", encoding="utf-8")
    gold["langs"] = langs
    gold["lines"] = lines
    (out.parent / (out.name + ".gold.json")).write_text(json.dumps(gold), encoding="utf-8")
    print(f"{len(gold['paragraphs'])} paragraphs, {len(list(out.glob('*.txt')))} files in {out}")


def score(a):
    corpus, out = Path(a.corpus), Path(a.out)
    gold = json.loads((corpus.parent / (corpus.name + ".gold.json")).read_text(encoding="utf-8"))
    sl, tl = a.pair.split("-")
    L = gold["lines"]
    para_of = {}
    for p in gold["paragraphs"]:
        para_of[key(" ".join(L[sl][i] for i in p))] = key(" ".join(L[tl][i] for i in p))
    best = {}
    for row in (out / "passages.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(row)
        if (r["src_lang"], r["tgt_lang"]) != (sl, tl):
            continue
        k = key(r["src"])
        if k not in best or r["score"] > best[k][0]:
            best[k] = (r["score"], key(r["tgt"]))
    hit = sum(1 for s, t in para_of.items() if s in best and best[s][1] == t)
    lines_of = {l: [key(x) for x in L[l]] for l in (sl, tl)}

    def inside(text, lang):
        """The gold lines holding this unit side (a whole line or a run of its sentences)."""
        k = key(text)
        return {i for i, g in enumerate(lines_of[lang]) if k and k in g}

    n_gold = sum(1 for i in range(len(L[sl])) if L[sl][i].strip() and L[tl][i].strip())
    exact = inline = 0
    pieces = {}  # gold line -> distinct source / target pieces of the correct units in it
    units = [json.loads(r) for r in (out / f"{a.pair}.jsonl").read_text(encoding="utf-8").splitlines()]
    for u in units:
        ks, kt = key(u["src"]), key(u["tgt"])
        if not ks or not kt:
            continue
        common = sorted(inside(u["src"], sl) & inside(u["tgt"], tl))
        if not common:
            continue
        inline += 1
        line = common[0]
        exact += ks == lines_of[sl][line] and kt == lines_of[tl][line]
        src_p, tgt_p = pieces.setdefault(line, (set(), set()))
        src_p.add(ks)
        tgt_p.add(kt)
    full = sum(
        1
        for line, (sp, tp) in pieces.items()
        if sum(map(len, sp)) >= len(lines_of[sl][line]) and sum(map(len, tp)) >= len(lines_of[tl][line])
    )

    def prf(tp, n_pred, n_gold):
        p, r = tp / max(n_pred, 1), tp / max(n_gold, 1)
        return round(p, 4), round(r, 4), round(2 * p * r / max(p + r, 1e-9), 4)

    # Line-exact: a unit is right only when its two sides are one whole gold line each (a line
    # that tilmash segments into two sentences can never be right). Sentence: a unit is right
    # when both sides lie in the same gold line; a gold line is found when the right units in it
    # cover all of its text on both sides.
    p1, r1, f1 = prf(exact, len(units), n_gold)
    p = inline / max(len(units), 1)
    r = full / max(n_gold, 1)
    f = 2 * p * r / max(p + r, 1e-9)
    print(json.dumps({"pair": a.pair, "paragraphs": len(para_of), "recall@1": round(hit / max(len(para_of), 1), 4),
                      "units": len(units), "P": round(p, 4), "R": round(r, 4), "F1": round(f, 4),
                      "line_exact": {"P": p1, "R": r1, "F1": f1}}))


def triangles(a):
    """Share of trilingual.tmx units whose three sides lie in one gold line."""
    import html

    corpus, out = Path(a.corpus), Path(a.out)
    gold = json.loads((corpus.parent / (corpus.name + ".gold.json")).read_text(encoding="utf-8"))
    lines_of = {l: [key(x) for x in gold["lines"][l]] for l in gold["lines"]}
    tmx = (out / "trilingual.tmx").read_text(encoding="utf-8")
    n = ok = 0
    for tu in re.findall(r"<tu .*?</tu>", tmx, re.S):
        sides = re.findall(r'<tuv xml:lang="(\w+)"><seg>(.*?)</seg>', tu, re.S)
        n += 1
        held = [{i for i, g in enumerate(lines_of[l]) if key(html.unescape(t)) and key(html.unescape(t)) in g}
                for l, t in sides]
        ok += bool(held) and bool(set.intersection(*held))
    print(json.dumps({"triangles": n, "correct": ok, "share": round(ok / max(n, 1), 4)}))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("--data", required=True); b.add_argument("--langs", required=True)
    b.add_argument("--out", required=True); b.add_argument("--seed", default="1")
    s = sub.add_parser("score")
    s.add_argument("--corpus", required=True); s.add_argument("--out", required=True); s.add_argument("--pair", required=True)
    t = sub.add_parser("triangles")
    t.add_argument("--corpus", required=True); t.add_argument("--out", required=True)
    a = ap.parse_args()
    {"build": build, "score": score, "triangles": triangles}[a.cmd](a)
