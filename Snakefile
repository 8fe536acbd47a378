# tilmash as a Snakemake workflow: plan → work (one job per shard) → merge.
#
#   snakemake -c2                                   # the bundled corpus, on this machine
#   snakemake -c8 --config pipeline=pipelines/x.toml shard_seconds=300
#   snakemake --profile contrib/snakemake/slurm     # the same workflow through Slurm
#
# Config (--config KEY=VALUE): pipeline (default pipelines/alash.toml), plan (the plan folder,
# default plans/<pipeline name>), output (default: the pipeline's own `output`), shard_seconds
# (target single-core seconds per shard, default 120), threads (per shard job, default 1),
# mem_mb (per shard job, default 2000), tilmash (the binary; default target/release/tilmash when
# built, else tilmash on PATH).
#
# The merged outputs are byte-identical to `tilmash run` of the same pipeline. Re-running resumes:
# finished shards are skipped (their completion markers are the job outputs); failed ones are
# retried (--retries N). After changing the pipeline or its inputs, re-plan with
# `snakemake -c2 -R plan` (shards whose fingerprint changed are worked again, the rest kept).
import json
import os

PIPELINE = config.get("pipeline", "pipelines/alash.toml")
PLAN = config.get("plan", os.path.join("plans", os.path.splitext(os.path.basename(PIPELINE))[0]))
OUTPUT = config.get("output", "")
SHARD_SECONDS = config.get("shard_seconds", 120)
THREADS = int(config.get("threads", 1))
MEM_MB = int(config.get("mem_mb", 2000))
TILMASH = config.get(
    "tilmash",
    "target/release/tilmash" if os.path.exists("target/release/tilmash") else "tilmash",
)
OUTPUT_ARG = f"--output {OUTPUT}" if OUTPUT else ""


rule all:
    input:
        f"{PLAN}/merge.ok",


checkpoint plan:
    input:
        PIPELINE,
    output:
        f"{PLAN}/plan.json",
        f"{PLAN}/shards.jsonl",
    resources:
        mem_mb=MEM_MB,
        runtime=30,
    shell:
        "{TILMASH} -q plan {input} --out {PLAN} --shard-seconds {SHARD_SECONDS} {OUTPUT_ARG}"


def shard_index(wildcards, input):
    with open(input.shards) as f:
        for line in f:
            shard = json.loads(line)
            if shard["id"] == wildcards.shard:
                return shard["index"]
    raise ValueError(f"no shard {wildcards.shard} in the plan")


rule work:
    input:
        plan=f"{PLAN}/plan.json",
        shards=f"{PLAN}/shards.jsonl",
    output:
        f"{PLAN}/done/{{shard}}.json",
    params:
        index=shard_index,
    threads: THREADS
    resources:
        mem_mb=MEM_MB,
        runtime=60,
    shell:
        "{TILMASH} -q work --plan {PLAN} --index {params.index} --threads {threads}"


def done_markers(wildcards):
    with open(checkpoints.plan.get().output[1]) as f:
        ids = [json.loads(line)["id"] for line in f]
    return [f"{PLAN}/done/{i}.json" for i in ids]


rule merge:
    input:
        done_markers,
    output:
        touch(f"{PLAN}/merge.ok"),
    threads: THREADS
    resources:
        mem_mb=MEM_MB,
        runtime=60,
    shell:
        "{TILMASH} -q merge --plan {PLAN} --threads {threads}"
