#!/usr/bin/env bash
# Peak memory of whole `tilmash run`s (/usr/bin/time -v, Maximum resident set size) on corpora
# made by contrib/slurm/make-corpus.sh (60 folders ≈ 10 MB, 600 ≈ 100 MB, 6000 ≈ 1 GB) and on
# one long line (the bundled papers with their line ends made spaces, repeated).
#   benches/run_memory.sh                  # 10 MB (both scopes) and a 20 MiB line
#   SIZES="60 600 6000" LINE_MB=200 benches/run_memory.sh
#   KEEP=/big/dir benches/run_memory.sh    # where corpora and outputs go (default: a temporary folder)
# A 1 GB run takes about an hour on two cores and needs about 30 GB of disk (passages.jsonl is
# about ten times the input on this near-duplicate corpus, and it is staged before the rename).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-60}
LINE_MB=${LINE_MB:-20}
cargo build --release -q
BIN=$PWD/target/release/tilmash
if [ -n "${KEEP:-}" ]; then T=$KEEP; mkdir -p "$T"; else T=$(mktemp -d); trap 'rm -rf "$T"' EXIT; fi
mkdir -p "$T/pipelines"
cp pipelines/alash.toml "$T/pipelines/corpus.toml"
{ cat pipelines/alash.toml; printf '\n[scale]\nmatch_within = "folder"\n'; } > "$T/pipelines/folder.toml"
measure() { # NAME PIPELINE INPUT
  /usr/bin/time -v "$BIN" run "$2" --input "$3" --output "$T/out-$1" --quiet >/dev/null 2>"$T/time-$1"
  printf '%-28s %8s MiB peak RSS  %10s s user  %s wall\n' "$1" \
    "$(awk '/Maximum resident/{print int($6/1024)}' "$T/time-$1")" \
    "$(awk '/User time/{print $4}' "$T/time-$1")" \
    "$(awk '/Elapsed/{print $8}' "$T/time-$1")"
  rm -rf "$T/out-$1"
}
for n in $SIZES; do
  [ -d "$T/c$n" ] || contrib/slurm/make-corpus.sh "$n" "$T/c$n"
  mb=$(du -sm "$T/c$n" | cut -f1)
  measure "$mb MB, folder scopes" "$T/pipelines/folder.toml" "$T/c$n/*/*.txt"
  # one corpus-wide scope: cut into parts of [scale] max_scope_mb when larger
  [ "$n" -le 600 ] && measure "$mb MB, one corpus scope" "$T/pipelines/corpus.toml" "$T/c$n/*/*.txt"
done
if [ "$LINE_MB" -gt 0 ]; then
  mkdir -p "$T/line"
  python3 - "$T/line/one.txt" "$LINE_MB" corpus/alash/*.txt <<'PY'
import sys
out, mb, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
text = " ".join(open(f, encoding="utf-8").read().replace("\n", " ") for f in sorted(files))
n = mb << 20
with open(out, "w", encoding="utf-8") as f:
    written = 0
    while written < n:
        f.write(text)
        written += len(text.encode())
PY
  measure "one $LINE_MB MiB line" "$T/pipelines/corpus.toml" "$T/line/one.txt"
fi
