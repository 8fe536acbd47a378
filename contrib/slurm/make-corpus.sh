#!/usr/bin/env bash
# Generates a test corpus of N folders from the bundled one: folder k holds the five bundled
# papers less every fifth line (from offset k), under names unique across folders, so every
# folder is a different, realistic scope.   contrib/slurm/make-corpus.sh N OUT_DIR
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:?number of folders} out=${2:?output folder}
for k in $(seq 0 $((n - 1))); do
  d=$(printf '%s/site%02d' "$out" "$k")
  mkdir -p "$d"
  for f in "$repo"/corpus/alash/*.txt; do
    awk -v k="$k" 'NR == 1 || (NR - 1 + k) % 5 != 0' "$f" > "$d/$(printf 's%02d' "$k")_$(basename "$f")"
  done
done
