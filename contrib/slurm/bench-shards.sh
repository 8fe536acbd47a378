#!/usr/bin/env bash
# Per-shard figures for sizing a cluster run: for scopes of 1×, 2× and 4× the bundled corpus
# (K variants of it in one folder, see make-corpus.sh), every shard worked alone on one thread,
# with its wall time and peak memory (GNU time). Prints a Markdown table.
#   contrib/slurm/bench-shards.sh [SIZES...]        (default: 1 2 4)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
TILMASH=${TILMASH:-$repo/target/release/tilmash}
[ -x "$TILMASH" ] || cargo build --release -q
command -v /usr/bin/time >/dev/null || { echo "bench-shards: needs GNU time (apt-get install time)"; exit 2; }
sizes=("${@:-1 2 4}"); [ $# -eq 0 ] && sizes=(1 2 4)
work=$(mktemp -d /tmp/tilmash-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "| scope | input KB | sentences | shard | kind | wall s (1 thread) | KB/s | peak RSS MB | units |"
echo "| --- | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: |"
for k in "${sizes[@]}"; do
  d=$work/x$k
  contrib/slurm/make-corpus.sh "$k" "$d/gen"
  mkdir -p "$d/corpus" && mv "$d"/gen/*/*.txt "$d/corpus/"
  sed -e 's|^input = .*|input = "corpus/*.txt"|' -e 's|^output = .*|output = "out"|' \
    pipelines/alash.toml > "$d/pipeline.toml"
  "$TILMASH" -q plan "$d/pipeline.toml" --out "$d/plan" --shard-seconds 1000000 >/dev/null
  kb=$(( $(cat "$d"/corpus/*.txt | wc -c) / 1024 ))
  n=$(wc -l < "$d/plan/shards.jsonl")
  for i in $(seq 0 $((n - 1))); do
    /usr/bin/time -f "%e %M" -o "$d/time" "$TILMASH" -q work --plan "$d/plan" --index "$i" --threads 1 >/dev/null
    read -r wall rss < "$d/time"
    id=$(sed -n "$((i + 1))p" "$d/plan/shards.jsonl" | sed 's/^{"id":"\([^"]*\)".*/\1/')
    kind=${id%%-*}
    units=$(grep -c '^{"unit"' "$d/plan/fragments/$id.jsonl" || true)
    sents=""
    [ "$kind" = segment ] && sents=$( (grep -o '"index":' "$d/plan/fragments/$id.jsonl" || true) | wc -l)
    rate=$(awk -v kb="$kb" -v w="$wall" 'BEGIN { printf "%.0f", (w > 0 ? kb / w : 0) }')
    echo "| ${k}× | $kb | ${sents:-} | $id | $kind | $wall | $rate | $(( rss / 1024 )) | $([ "$kind" = align ] && echo "$units") |"
  done
done
