#!/usr/bin/env python3
"""Line-level language identification accuracy of `tilmash identify --lines` and, when installed,
lingua-language-detector (the peer), on the dev sets in ../shared/data.

    /tmp/venv-seg/bin/pip install lingua-language-detector
    /tmp/venv-seg/bin/python scripts/eval-langid.py [--bin target/release/tilmash]

Each line is labelled with its file's language; `und` (or any other label) counts as wrong.
"""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SETS = [
    ("flores200_devtest_part1_kk-ru-en", ["kk", "ru", "en"]),
    ("wmt19_newsdev2019_kk-en", ["kk", "en"]),
]


def lingua_labeller():
    try:
        from lingua import Language, LanguageDetectorBuilder
    except ImportError:
        return None
    det = LanguageDetectorBuilder.from_all_languages().build()
    names = {Language.KAZAKH: "kk", Language.RUSSIAN: "ru", Language.ENGLISH: "en"}

    def label(lines):
        out = []
        for line in lines:
            lang = det.detect_language_of(line)
            out.append("und" if lang is None else names.get(lang, "other"))
        return out

    return label


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "target", "release", "tilmash"))
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "shared", "data"))
    args = ap.parse_args()
    lingua = lingua_labeller()
    print("| set | lang | lines | tilmash | lingua |")
    print("|---|---|---|---|---|")
    totals = {"tilmash": [0, 0], "lingua": [0, 0]}
    for folder, langs in SETS:
        for lang in langs:
            path = os.path.join(args.shared, folder, f"{lang}.txt")
            lines = open(path, encoding="utf-8").read().split("\n")
            if lines and lines[-1] == "":
                lines.pop()
            out = subprocess.run([args.bin, "identify", "--lines", path], capture_output=True,
                                 text=True, check=True).stdout.split("\n")[: len(lines)]
            ours = sum(1 for o in out if o == lang)
            wrong = [(o, l) for o, l in zip(out, lines) if o != lang]
            for o, l in wrong[:5]:
                print(f"  miss {folder}/{lang}: {o}: {l[:90]}", file=sys.stderr)
            totals["tilmash"][0] += ours
            totals["tilmash"][1] += len(lines)
            cell = "n/a"
            if lingua:
                theirs = sum(1 for o in lingua(lines) if o == lang)
                totals["lingua"][0] += theirs
                totals["lingua"][1] += len(lines)
                cell = f"{100 * theirs / len(lines):.2f}%"
            print(f"| {folder} | {lang} | {len(lines)} | {100 * ours / len(lines):.2f}% | {cell} |")
    t = totals["tilmash"]
    lt = totals["lingua"]
    lcell = f"{100 * lt[0] / lt[1]:.2f}%" if lt[1] else "n/a"
    print(f"| all | | {t[1]} | {100 * t[0] / t[1]:.2f}% | {lcell} |")


if __name__ == "__main__":
    main()
