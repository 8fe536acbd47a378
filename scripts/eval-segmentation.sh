#!/usr/bin/env bash
# Scores `tilmash segment` against the peers on every dev set in ../shared/data with
# ../shared/tools/eval/seg_eval.py (boundary F1). Needs a Python with the peers installed:
#   python3 -m venv /tmp/venv-seg && /tmp/venv-seg/bin/pip install pysbd razdel sentencex sentence-splitter
#   PY=/tmp/venv-seg/bin/python scripts/eval-segmentation.sh > /tmp/seg.jsonl
# Prints one JSON line per (set, language, system) on stdout; progress goes to stderr.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$here/../shared}
PY=${PY:-python3}
BIN=${BIN:-$here/target/release/tilmash}
SETS=${SETS:-"ud_en_ewt:en ud_en_gum:en ud_kk_ktb:kk ud_pud_ru-en:ru ud_pud_ru-en:en ud_ru_gsd:ru ud_ru_taiga:ru \
wmt19_newsdev2019_kk-en:kk wmt19_newsdev2019_kk-en:en flores200_devtest_part1_kk-ru-en:kk \
flores200_devtest_part1_kk-ru-en:ru flores200_devtest_part1_kk-ru-en:en ud_pud_ru-en/parallel:ru \
ud_pud_ru-en/parallel:en udhr_kk-ru-en:kk udhr_kk-ru-en:ru udhr_kk-ru-en:en"}
SYSTEMS=${SYSTEMS:-"cmd:$BIN segment --lang \$SEG_LANG,pysbd,razdel,sentencex,sentence-splitter"}
for s in $SETS; do
  set_dir=${s%%:*}
  lang=${s##*:}
  "$PY" "$shared/tools/eval/seg_eval.py" bench --gold "$shared/data/$set_dir" --lang "$lang" \
    --systems "$SYSTEMS" --json
done
