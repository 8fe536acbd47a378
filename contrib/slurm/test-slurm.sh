#!/usr/bin/env bash
# Integration test on a real (single-node) Slurm cluster on 127.0.0.1:
#   1. the bundled corpus: plan → sbatch array → dependent merge, compared byte for byte with
#      `tilmash run`;
#   2. a generated corpus of FOLDERS folders (one alignment scope each, ≥ 20 shards), with one
#      shard made to fail once (a test-only fault hook): the follow-up job resubmits it, then
#      merges; compared byte for byte with `tilmash run`.
# Installs slurmctld, slurmd, slurm-client, munge and parallel (Debian) when missing; needs root
# (or sudo) to run slurmd. Starts its own munged and Slurm daemons with private sockets, state
# and ports under a temporary folder, and stops them on exit.
#
#   contrib/slurm/test-slurm.sh            (about a minute on 2 cores after the build)
#   FOLDERS=12 KEEP=1 contrib/slurm/test-slurm.sh
#   SNAKEMAKE=/path/venv/bin/snakemake contrib/slurm/test-slurm.sh   (also the Snakefile via Slurm)
#   SETUP_ONLY=1 contrib/slurm/test-slurm.sh   (start the cluster, print its SLURM_CONF, leave it up)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
FOLDERS=${FOLDERS:-8}
sudo=""; if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi

missing=()
command -v slurmctld >/dev/null || missing+=(slurmctld)
command -v slurmd >/dev/null || missing+=(slurmd)
command -v sbatch >/dev/null || missing+=(slurm-client)
command -v munged >/dev/null || missing+=(munge)
command -v parallel >/dev/null || missing+=(parallel)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test-slurm: installing ${missing[*]} (apt-get)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ -z "${TILMASH:-}" ]; then
  cargo build --release -q
  TILMASH=$repo/target/release/tilmash
fi
export TILMASH

work=$(mktemp -d /tmp/tilmash-slurm.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  if [ -n "${linked:-}" ]; then $sudo rm -f /etc/slurm/slurm.conf; fi
  for p in "${pids[@]}"; do $sudo kill "$p" 2>/dev/null || true; done
  if [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "test-slurm: kept $work"; fi
}
trap cleanup EXIT

# --- a private munge and a one-node cluster -------------------------------------------------
host=$(hostname -s)
user=$(id -un)
mkdir -p "$work/munge" "$work/state" "$work/spool" "$work/log"
chmod 700 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
sock=$work/munge/munge.socket
$sudo munged --force --socket="$sock" --key-file="$work/munge/munge.key" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/log/munged.log" \
  --seed-file="$work/munge/munge.seed"
pids+=("$(cat "$work/munge/munged.pid")")
# ports off Slurm's defaults, so a cluster already on this machine is left alone
port=$(( 20000 + RANDOM % 20000 ))
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ { print $2 }' /proc/meminfo) / 1024 - 256 ))
cat > "$work/slurm.conf" <<CONF
ClusterName=tilmashtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=$user
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
SchedulerParameters=defer_batch
MinJobAge=300
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf
$sudo env SLURM_CONF="$SLURM_CONF" slurmctld -i
$sudo env SLURM_CONF="$SLURM_CONF" slurmd
for _ in $(seq 50); do
  [ -s "$work/slurmctld.pid" ] && [ -s "$work/slurmd.pid" ] && sinfo -h -o %T 2>/dev/null | grep -q idle && break
  sleep 0.2
done
pids+=("$(cat "$work/slurmd.pid")" "$(cat "$work/slurmctld.pid")")
sinfo -h -o "%P %D %c %T" | grep -q idle || { echo "test-slurm: cluster did not come up"; cat "$work/log/"*; exit 1; }
echo "test-slurm: cluster up ($host, $cpus CPUs, port $port)"
if [ -n "${SETUP_ONLY:-}" ]; then
  trap - EXIT
  echo "export SLURM_CONF=$SLURM_CONF   # daemons: ${pids[*]} (kill them when done)"
  exit 0
fi

wait_for() { # PLAN_DIR: wait for merge.ok / merge.failed
  local t=0
  while [ ! -e "$1/merge.ok" ] && [ ! -e "$1/merge.failed" ]; do
    sleep 1; t=$((t + 1))
    if [ $t -gt 600 ]; then echo "test-slurm: timed out"; squeue; return 1; fi
  done
  [ -e "$1/merge.ok" ] || { echo "test-slurm: merge failed"; cat "$1"/*.out; return 1; }
  echo "test-slurm: merged after ${t}s"
}

# --- 1. the bundled corpus -------------------------------------------------------------------
start=$(date +%s)
"$TILMASH" -q run pipelines/alash.toml --output "$work/run-alash" >/dev/null
contrib/slurm/submit.sh pipelines/alash.toml "$work/plan-alash" --output "$work/slurm-alash" \
  --shard-seconds 0 --cpus 1
wait_for "$work/plan-alash"
diff -r "$work/run-alash" "$work/slurm-alash"
echo "test-slurm: bundled corpus: $(wc -l < "$work/plan-alash/shards.jsonl") shards, byte-identical to tilmash run ($(( $(date +%s) - start ))s)"

# --- 2. a generated corpus of folders, one shard failing once ---------------------------------
start=$(date +%s)
gen=$work/gen
contrib/slurm/make-corpus.sh "$FOLDERS" "$gen/corpus"
sed -e 's|^input = .*|input = "corpus/*/*.txt"|' -e 's|^output = .*|output = "out"|' \
  pipelines/alash.toml > "$gen/pipeline.toml"
printf '\n[scale]\nmatch_within = "folder"\n' >> "$gen/pipeline.toml"
"$TILMASH" -q run "$gen/pipeline.toml" --output "$work/run-gen" >/dev/null
"$TILMASH" -q plan "$gen/pipeline.toml" --out "$work/plan-gen" --output "$work/slurm-gen" \
  --shard-seconds 0.5 >/dev/null
shards=$(wc -l < "$work/plan-gen/shards.jsonl")
[ "$shards" -ge 20 ] || { echo "test-slurm: only $shards shards"; exit 1; }
victim=$(sed -n '5p' "$work/plan-gen/shards.jsonl" | sed 's/^{"id":"\([^"]*\)".*/\1/')
mkdir -p "$work/plan-gen/inject" && touch "$work/plan-gen/inject/fail-once-$victim"
TILMASH_FAULT_INJECTION=1 contrib/slurm/submit.sh "$gen/pipeline.toml" "$work/plan-gen" \
  --output "$work/slurm-gen" --shard-seconds 0.5 --count 4 --jobs 2 --cpus 2
wait_for "$work/plan-gen"
[ ! -e "$work/plan-gen/inject/fail-once-$victim" ] || { echo "test-slurm: the fault was never hit"; exit 1; }
grep -q "resubmitting" "$work/plan-gen"/merge-round1.out || { echo "test-slurm: no resubmission"; exit 1; }
diff -r "$work/run-gen" "$work/slurm-gen"
echo "test-slurm: generated corpus: $FOLDERS folders, $shards shards, shard $victim failed once and was resubmitted; byte-identical to tilmash run ($(( $(date +%s) - start ))s)"

# --- 3. the Snakefile, unchanged, through the Snakemake Slurm executor plugin -----------------
# (only when $SNAKEMAKE names a snakemake with snakemake-executor-plugin-slurm: it adds about
# 90 s of status polling). This cluster keeps no accounting, so job states come from squeue
# (MinJobAge=300 above). The plugin drops SLURM_* variables from the jobs' environment, so srun
# inside them finds this cluster's config only at /etc/slurm/slurm.conf: linked there for the
# step when that file does not exist, and removed afterwards.
if [ -n "${SNAKEMAKE:-}" ] && "$(dirname "$SNAKEMAKE")/python" -c 'import snakemake_executor_plugin_slurm' 2>/dev/null; then
  start=$(date +%s)
  if [ ! -e /etc/slurm/slurm.conf ]; then
    $sudo mkdir -p /etc/slurm && $sudo ln -s "$SLURM_CONF" /etc/slurm/slurm.conf && linked=1
  fi
  (cd "$work" && "$SNAKEMAKE" -s "$repo/Snakefile" -d "$work" --profile "$repo/contrib/snakemake/slurm" \
     --slurm-status-command squeue --slurm-init-seconds-before-status-checks 2 -q \
     --config tilmash="$TILMASH" pipeline="$repo/pipelines/alash.toml" plan="$work/plan-sm" \
       output="$work/sm-alash" shard_seconds=0) > "$work/snakemake-slurm.log" 2>&1 \
    || { tail -30 "$work/snakemake-slurm.log"; exit 1; }
  diff -r "$work/run-alash" "$work/sm-alash"
  echo "test-slurm: Snakefile through the Slurm executor plugin: $(wc -l < "$work/plan-sm/shards.jsonl") shards, byte-identical to tilmash run ($(( $(date +%s) - start ))s)"
else
  echo "NOTICE: skipping the Snakemake Slurm executor step (set SNAKEMAKE to a snakemake with snakemake-executor-plugin-slurm)"
fi
echo "test-slurm: OK"
