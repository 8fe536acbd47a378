#!/usr/bin/env bash
# Runs a tilmash pipeline on a Slurm cluster: plan → job array over the shards → merge.
#
#   contrib/slurm/submit.sh PIPELINE PLAN_DIR [--output DIR] [--shard-seconds S] [--count K]
#                           [--jobs J] [--cpus C] [--rounds R] [--sbatch "EXTRA ARGS"]
#
# Submits one array (K shards per task, J at a time inside a task with GNU parallel, C CPUs per
# task) and a follow-up job that runs after it whatever its outcome (afterany). The follow-up
# runs this script again: shards still missing or failed (a lost node, a time limit) are
# resubmitted, one shard per array task, with another follow-up, up to R rounds; when none is
# missing it merges. PLAN_DIR/merge.ok or PLAN_DIR/merge.failed says how it ended. Shards that
# failed on bad input (exit 2) are not resubmitted: fix the input, and run this script again.
#
# Environment: TILMASH (default: tilmash on PATH, else target/release/tilmash of this repository).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
[ $# -ge 2 ] || { sed -n '2,16p' "$0" >&2; exit 2; }
pipeline=$1 plan=$2; shift 2
output="" secs=120 count=1 jobs=1 cpus=1 rounds=3 round=1 extra=""
while [ $# -gt 0 ]; do
  case $1 in
    --output) output=$2; shift 2 ;;
    --shard-seconds) secs=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --cpus) cpus=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --round) round=$2; shift 2 ;;
    --sbatch) extra=$2; shift 2 ;;
    *) echo "submit.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -z "${TILMASH:-}" ]; then
  TILMASH=$(command -v tilmash || echo "$repo/target/release/tilmash")
fi
TILMASH=$(cd "$(dirname "$TILMASH")" && pwd)/$(basename "$TILMASH")
mkdir -p "$plan"
plan=$(cd "$plan" && pwd)
pipeline=$(cd "$(dirname "$pipeline")" && pwd)/$(basename "$pipeline")
export TILMASH PLAN="$plan"

# (Re-)plan: deterministic, so an unchanged pipeline gives the same shards and keeps fragments.
args=(plan "$pipeline" --out "$plan" --shard-seconds "$secs")
[ -n "$output" ] && args+=(--output "$output")
"$TILMASH" -q "${args[@]}" >/dev/null
rm -f "$plan/merge.ok" "$plan/merge.failed"

if grep -qs '"exit":2' "$plan"/failed/*.json 2>/dev/null; then
  echo "submit.sh: shards failed on bad input; see $plan/failed/ (fix the input and run again)" >&2
  "$TILMASH" status --plan "$plan" >&2 || true
  touch "$plan/merge.failed"
  exit 2
fi

todo=$("$TILMASH" status --plan "$plan" --array)
follow=(--export=ALL --dependency=afterany:JOB --job-name=tilmash-merge --output="$plan/merge-round$round.out"
        --cpus-per-task="$cpus" $extra --wrap)
again="$here/submit.sh '$pipeline' '$plan' --shard-seconds '$secs' --count '$count' --jobs '$jobs' --cpus '$cpus' --rounds '$rounds' --round $((round + 1))"
[ -n "$output" ] && again+=" --output '$output'"
[ -n "$extra" ] && again+=" --sbatch '$extra'"

if [ -z "$todo" ]; then
  echo "submit.sh: every shard done; merging"
  if "$TILMASH" -q merge --plan "$plan" --threads "$cpus"; then
    touch "$plan/merge.ok"; exit 0
  fi
  touch "$plan/merge.failed"; exit 1
fi
if [ "$round" -gt "$rounds" ]; then
  echo "submit.sh: shards still unfinished after $rounds rounds: $todo" >&2
  touch "$plan/merge.failed"; exit 1
fi

total=$(wc -l < "$plan/shards.jsonl")
if [ "$round" -eq 1 ] && [ "$todo" = "0-$((total - 1))" ] && [ "$count" -gt 1 ]; then
  array="0-$(( (total + count - 1) / count - 1 ))"; per=$count
else
  [ "$round" -gt 1 ] && echo "submit.sh: round $round: resubmitting shards $todo"
  array=$todo; per=1
fi
job=$(COUNT=$per JOBS=$jobs sbatch --parsable --export=ALL --array="$array" \
        --cpus-per-task="$cpus" --output="$plan/work-%A_%a.out" $extra "$here/array.sbatch")
job=${job%%;*}
follow=("${follow[@]/JOB/$job}")
sbatch --parsable "${follow[@]}" "$again" >/dev/null
echo "submit.sh: round $round: array job $job ($array, $per shard(s) per task); follow-up after it"
