#!/usr/bin/env bash
# Runs the repository's Snakefile locally as a new user would (`snakemake -c2`) and compares the
# merged outputs byte for byte with `tilmash run`:
#   1. the bundled corpus;
#   2. a generated corpus of FOLDERS folders (one alignment scope each), with Snakemake killed
#      mid-way and started again (finished shards are kept, the rest worked, then merged).
# Installs Snakemake into a virtual environment ($SNAKEMAKE_VENV, default /tmp/venv-tilmash-snakemake)
# when `snakemake` is not on PATH.
#   contrib/snakemake/test-snakemake.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
FOLDERS=${FOLDERS:-6}
if command -v snakemake >/dev/null; then
  SNAKEMAKE=snakemake
else
  venv=${SNAKEMAKE_VENV:-/tmp/venv-tilmash-snakemake}
  if [ ! -x "$venv/bin/snakemake" ]; then
    echo "test-snakemake: installing snakemake into $venv (pip)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check snakemake
  fi
  SNAKEMAKE=$venv/bin/snakemake
fi
if [ -z "${TILMASH:-}" ]; then
  cargo build --release -q
  TILMASH=$repo/target/release/tilmash
fi
work=$(mktemp -d /tmp/tilmash-snakemake.XXXXXX)
trap '[ -n "${KEEP:-}" ] && echo "test-snakemake: kept $work" || rm -rf "$work"' EXIT

# 1. the bundled corpus
"$TILMASH" -q run pipelines/alash.toml --output "$work/run-alash" >/dev/null
"$SNAKEMAKE" -c2 -q --config tilmash="$TILMASH" plan="$work/plan-alash" output="$work/sm-alash" >/dev/null 2>&1
diff -r "$work/run-alash" "$work/sm-alash"
echo "test-snakemake: bundled corpus: $(wc -l < "$work/plan-alash/shards.jsonl") shards, byte-identical to tilmash run"

# 2. a generated corpus, killed mid-way and resumed
gen=$work/gen
contrib/slurm/make-corpus.sh "$FOLDERS" "$gen/corpus"
sed -e 's|^input = .*|input = "corpus/*/*.txt"|' -e 's|^output = .*|output = "out"|' \
  pipelines/alash.toml > "$gen/pipeline.toml"
printf '\n[scale]\nmatch_within = "folder"\n' >> "$gen/pipeline.toml"
"$TILMASH" -q run "$gen/pipeline.toml" --output "$work/run-gen" >/dev/null
cfg=(--config tilmash="$TILMASH" pipeline="$gen/pipeline.toml" plan="$work/plan-gen" output="$work/sm-gen" shard_seconds=0.5)
"$SNAKEMAKE" -c2 -q "${cfg[@]}" >"$work/first.log" 2>&1 &
sm=$!
# kill once a few shards are done
for _ in $(seq 600); do
  n=$( (ls "$work/plan-gen/done" 2>/dev/null || true) | wc -l)
  [ "$n" -ge 4 ] && break
  kill -0 $sm 2>/dev/null || break
  sleep 0.1
done
kill -TERM $sm 2>/dev/null || true
wait $sm 2>/dev/null || true
shards=$(wc -l < "$work/plan-gen/shards.jsonl")
before=$(ls "$work/plan-gen/done" | wc -l)
[ ! -e "$work/plan-gen/merge.ok" ] || { echo "test-snakemake: finished before it could be killed"; exit 1; }
"$SNAKEMAKE" -c2 -q --rerun-incomplete "${cfg[@]}" >"$work/second.log" 2>&1
diff -r "$work/run-gen" "$work/sm-gen"
echo "test-snakemake: generated corpus: $shards shards, killed with $before done, resumed; byte-identical to tilmash run"
echo "test-snakemake: OK"
