#!/usr/bin/env bash
# Peak memory for large input, measured by /usr/bin/time -v (Maximum resident set size).
#   benches/ingest_memory.sh            # 1 GiB ingest-only, 32 MiB all stages, 200 MiB one line, full run on 16 MiB
#   MB=256 benches/ingest_memory.sh     # smaller ingest-only input
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${MB:-1024}
cargo bench --bench ingest_memory --no-run -q 2>/dev/null || cargo bench --bench ingest_memory --no-run
cargo build --release -q
BENCH=$(ls -t target/release/deps/ingest_memory-* | grep -v '\.d$' | head -1)
peak() { grep -E "Maximum resident|Elapsed" "$1" | sed 's/^\s*/    /'; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

echo "== $MB MiB, streaming ingest only"
TILMASH_BENCH_STAGES=ingest TILMASH_BENCH_MB=$MB /usr/bin/time -v "$BENCH" 2>"$T/t1"; peak "$T/t1"
echo "== 32 MiB, ingest → identify → normalize → segment"
TILMASH_BENCH_MB=32 /usr/bin/time -v "$BENCH" 2>"$T/t2"; peak "$T/t2"
echo "== one 200 MiB line, streaming ingest only"
TILMASH_BENCH_STAGES=ingest TILMASH_BENCH_LINE_MB=200 /usr/bin/time -v "$BENCH" 2>"$T/t3"; peak "$T/t3"

echo "== full tilmash run on 16 MiB (the aligner keeps every sentence: memory grows with the corpus)"
mkdir -p "$T/in"
i=0
while [ "$(du -sm "$T/in" | cut -f1)" -lt 16 ]; do
  for f in corpus/alash/*.txt; do cp "$f" "$T/in/$(printf %04d $i)_$(basename "$f")"; done
  i=$((i + 1))
done
/usr/bin/time -v target/release/tilmash run pipelines/alash.toml --input "$T/in" --output "$T/out" --quiet >/dev/null 2>"$T/t4"; peak "$T/t4"
