//! plan / work / merge / status: the merged outputs equal a single-machine `tilmash run` byte for
//! byte, whatever the shard size and thread count; failed, killed, stale and bad shards are
//! reported and resumed. No Slurm needed (contrib/slurm/test-slurm.sh drives a real cluster).

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every file of an output folder, by name.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn assert_same(a: &Path, b: &Path) {
    let (fa, fb) = (files(a), files(b));
    assert_eq!(
        fa.keys().collect::<Vec<_>>(),
        fb.keys().collect::<Vec<_>>(),
        "{} vs {}",
        a.display(),
        b.display()
    );
    for (name, bytes) in &fa {
        assert!(
            bytes == &fb[name],
            "{name} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

fn ok(args: &[&str]) -> String {
    let o = run(args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    stdout(&o)
}

fn shard_count(plan: &Path) -> usize {
    std::fs::read_to_string(plan.join("shards.jsonl"))
        .unwrap()
        .lines()
        .count()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A project folder with a pipeline reading `corpus/` and the given extra settings.
fn project(root: &Path, input: &str, extra: &str) -> PathBuf {
    let base = std::fs::read_to_string(repo().join("pipelines/alash.toml")).unwrap();
    let mut text = String::new();
    for line in base.lines() {
        if line.starts_with("input =") {
            text.push_str(&format!("input = \"{input}\"\n"));
        } else if line.starts_with("output =") {
            text.push_str("output = \"out\"\n");
        } else {
            text.push_str(line);
            text.push('\n');
        }
    }
    text.push_str("\n[scale]\n");
    text.push_str(extra);
    let p = root.join("pipeline.toml");
    std::fs::write(&p, text).unwrap();
    p
}

/// The bundled corpus copied into `dir` (so tests may change it).
fn copy_bundled(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for e in std::fs::read_dir(repo().join("corpus/alash"))
        .unwrap()
        .flatten()
    {
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
}

/// A corpus of `n` folders, each holding the bundled documents less every fifth line
/// (from a different offset in each folder), under names unique across folders.
fn folders_corpus(dir: &Path, n: usize, docs: usize) {
    let mut src: Vec<PathBuf> = std::fs::read_dir(repo().join("corpus/alash"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    src.sort();
    for k in 0..n {
        let d = dir.join(format!("site{k:02}"));
        std::fs::create_dir_all(&d).unwrap();
        for f in src.iter().take(docs) {
            let text = std::fs::read_to_string(f).unwrap();
            let kept: Vec<&str> = text
                .lines()
                .enumerate()
                .filter(|(i, _)| *i == 0 || (i + k) % 5 != 0)
                .map(|(_, p)| p)
                .collect();
            let name = format!(
                "s{k:02}_{}",
                f.file_name().unwrap().to_string_lossy().into_owned()
            );
            std::fs::write(d.join(name), kept.join("\n") + "\n").unwrap();
        }
    }
}

/// `tilmash plan PIPELINE --out PLAN --output OUT --shard-seconds SECS` with `extra`; its stdout.
fn plan_into(pipeline: &Path, plan: &Path, out: &Path, secs: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "plan",
        s(pipeline),
        "--out",
        s(plan),
        "--output",
        s(out),
        "--shard-seconds",
        secs,
    ];
    args.extend_from_slice(extra);
    ok(&args)
}

/// plan → work every batch → merge; returns the number of shards.
fn distributed(
    pipeline: &Path,
    plan: &Path,
    out: &Path,
    secs: &str,
    count: usize,
    threads: &str,
) -> usize {
    plan_into(pipeline, plan, out, secs, &[]);
    let n = shard_count(plan);
    for i in 0..n.div_ceil(count) {
        ok(&[
            "work",
            "--plan",
            s(plan),
            "--index",
            &i.to_string(),
            "--count",
            &count.to_string(),
            "--threads",
            threads,
        ]);
    }
    ok(&["merge", "--plan", s(plan)]);
    n
}

#[test]
fn merged_outputs_equal_run_whatever_shard_size_and_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let reference = tmp.path().join("run");
    ok(&[
        "run",
        s(&repo().join("pipelines/alash.toml")),
        "--output",
        s(&reference),
    ]);
    let pipeline = repo().join("pipelines/alash.toml");
    let mut sizes = Vec::new();
    for (k, (secs, count, threads)) in [("0", 1, "1"), ("0.1", 3, "2"), ("100000", 2, "1")]
        .into_iter()
        .enumerate()
    {
        let plan = tmp.path().join(format!("plan{k}"));
        let out = tmp.path().join(format!("out{k}"));
        sizes.push(distributed(&pipeline, &plan, &out, secs, count, threads));
        assert_same(&reference, &out);
    }
    // one shard per document and pair; documents grouped; everything of a kind in one shard
    assert_eq!(sizes[0], 5 + 3);
    assert_eq!(sizes[2], 1 + 3);
    assert!(sizes[1] <= sizes[0] && sizes[1] >= sizes[2], "{sizes:?}");
}

#[test]
fn folder_scopes_make_independent_shards_with_the_same_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    folders_corpus(&tmp.path().join("corpus"), 3, 3);
    let pipeline = project(tmp.path(), "corpus/*/*.txt", "match_within = \"folder\"\n");
    let reference = tmp.path().join("run");
    ok(&["run", s(&pipeline), "--output", s(&reference)]);
    for (k, secs) in ["0", "100000"].into_iter().enumerate() {
        let plan = tmp.path().join(format!("plan{k}"));
        let out = tmp.path().join(format!("out{k}"));
        let n = distributed(&pipeline, &plan, &out, secs, 1, "2");
        assert_same(&reference, &out);
        if k == 0 {
            // nine documents, three pairs in three folders
            assert_eq!(n, 9 + 3 * 3);
        }
    }
    // units never link documents of two folders
    let jsonl = std::fs::read_to_string(reference.join("kk-en.jsonl")).unwrap();
    assert!(jsonl.lines().count() > 0);
    for line in jsonl.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let (a, b) = (
            v["src_doc"].as_str().unwrap(),
            v["tgt_doc"].as_str().unwrap(),
        );
        assert_eq!(a[..3], b[..3], "{line}");
    }
}

/// A corpus-wide scope over `[scale] max_scope_mb` is aligned in parts: `run` with every sort of
/// the merge spilled at each unit (`spill_kb = 1`) writes what a run sorting in memory writes,
/// and plan/work/merge (which segment, cut and render part by part too) write the same again.
#[test]
fn an_over_budget_scope_is_cut_alike_and_spilling_changes_no_byte() {
    let tmp = tempfile::tempdir().unwrap();
    // eight near-copies of the bundled papers: over 1 MiB of text, with many duplicates
    folders_corpus(&tmp.path().join("corpus"), 8, 5);
    let cut = project(tmp.path(), "corpus/*/*.txt", "max_scope_mb = 1\n");
    let reference = tmp.path().join("run");
    ok(&["run", s(&cut), "--output", s(&reference), "--threads", "2"]);
    let text = std::fs::read_to_string(&cut).unwrap();
    let spilled = tmp.path().join("spilled.toml");
    std::fs::write(&spilled, text.clone() + "spill_kb = 1\n").unwrap();
    let out = tmp.path().join("run-spilled");
    ok(&["run", s(&spilled), "--output", s(&out), "--threads", "1"]);
    assert_same(&reference, &out);
    let plan = tmp.path().join("plan");
    let merged = tmp.path().join("merged");
    distributed(&cut, &plan, &merged, "0", 2, "2");
    assert_same(&reference, &merged);
    // the fragments hold the parts: a scope cut in two or more
    let parts = std::fs::read_dir(plan.join("fragments"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("align-ru-kk"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .map(|t| t.lines().filter(|l| l.starts_with("{\"part\"")).count())
        .sum::<usize>();
    assert!(parts >= 2, "{parts} parts");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(reference.join("summary.json")).unwrap())
            .unwrap();
    let merged_duplicates: u64 = summary["export"]["pairs"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p["counts"]["duplicates_exact"].as_u64().unwrap())
        .sum();
    assert!(merged_duplicates > 0, "no duplicates to merge: {summary}");
}

#[test]
fn failed_and_killed_shards_resume_to_identical_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let pipeline = repo().join("pipelines/alash.toml");
    let reference = tmp.path().join("run");
    ok(&["run", s(&pipeline), "--output", s(&reference)]);
    let plan = tmp.path().join("plan");
    let out = tmp.path().join("out");
    plan_into(&pipeline, &plan, &out, "0", &[]);
    let n = shard_count(&plan);
    // shard 1 fails once, as a lost node would
    let lines = std::fs::read_to_string(plan.join("shards.jsonl")).unwrap();
    let id1 = serde_json::from_str::<serde_json::Value>(lines.lines().nth(1).unwrap()).unwrap()
        ["id"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::create_dir_all(plan.join("inject")).unwrap();
    std::fs::write(plan.join("inject").join(format!("fail-once-{id1}")), "").unwrap();
    // shard 0 is killed mid-way
    let mut child = bin()
        .args(["work", "--plan", s(&plan), "--index", "0"])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(150));
    let _ = child.kill();
    let _ = child.wait();
    for i in 1..n {
        let o = bin()
            .args(["work", "--plan", s(&plan), "--index", &i.to_string()])
            .env("TILMASH_FAULT_INJECTION", "1")
            .output()
            .unwrap();
        let want = if i == 1 { 1 } else { 0 };
        assert_eq!(o.status.code(), Some(want), "shard {i}: {}", stderr(&o));
    }
    let record: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(plan.join("failed").join(format!("{id1}.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(record["exit"], 1);
    // status, --array and --missing name the failed shard (and shard 0 unless it had finished)
    let status = ok(&["status", "--plan", s(&plan)]);
    assert!(status.contains(&format!("failed\t1\t{id1}")), "{status}");
    let array = ok(&["status", "--plan", s(&plan), "--array"]);
    assert!(
        array.trim() == "0-1" || array.trim() == "1",
        "array spec: {array}"
    );
    let missing = plan_into(&pipeline, &plan, &out, "0", &["--missing"]);
    assert!(missing.contains(&id1), "{missing}");
    assert!(missing.lines().count() <= 2, "{missing}");
    // merge refuses, naming the shard
    let o = run(&["merge", "--plan", s(&plan)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(&id1), "{}", stderr(&o));
    assert!(!out.exists());
    // resubmit what is missing; a finished shard is skipped
    for i in array.trim().split(',').flat_map(|r| {
        let (a, b) = r.split_once('-').unwrap_or((r, r));
        a.parse::<usize>().unwrap()..=b.parse::<usize>().unwrap()
    }) {
        ok(&["work", "--plan", s(&plan), "--index", &i.to_string()]);
    }
    let again = ok(&["work", "--plan", s(&plan), "--index", "2"]);
    assert!(again.starts_with("skipped"), "{again}");
    assert!(!plan.join("failed").join(format!("{id1}.json")).exists());
    assert!(ok(&["status", "--plan", s(&plan)]).contains(&format!("{n} shards: {n} done")));
    ok(&["merge", "--plan", s(&plan)]);
    assert_same(&reference, &out);
}

#[test]
fn stale_fragments_are_detected_and_replanned() {
    let tmp = tempfile::tempdir().unwrap();
    copy_bundled(&tmp.path().join("corpus"));
    let pipeline = project(tmp.path(), "corpus/*.txt", "");
    let plan = tmp.path().join("plan");
    let out = tmp.path().join("out");
    distributed(&pipeline, &plan, &out, "0", 1, "2");
    // an input changes after the work: merge and status see it, the plan lists what to redo
    let doc = tmp.path().join("corpus/000_d71f70a9bdb45bc0.txt");
    let mut text = std::fs::read_to_string(&doc).unwrap();
    text.push_str("\n\nAlash Orda was proclaimed in December 1917.\n");
    std::fs::write(&doc, text).unwrap();
    let o = run(&["merge", "--plan", s(&plan)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("changed since the plan"),
        "{}",
        stderr(&o)
    );
    let status = ok(&["status", "--plan", s(&plan)]);
    assert!(status.contains("stale\t"), "{status}");
    let missing = plan_into(&pipeline, &plan, &out, "0", &["--missing"]);
    // the changed document's segment shard and every align shard (one scope: the corpus)
    assert_eq!(missing.lines().count(), 1 + 3, "{missing}");
    for line in missing.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        ok(&[
            "work",
            "--plan",
            s(&plan),
            "--index",
            &v["index"].to_string(),
        ]);
    }
    ok(&["merge", "--plan", s(&plan)]);
    let reference = tmp.path().join("run");
    ok(&["run", s(&pipeline), "--output", s(&reference)]);
    assert_same(&reference, &out);
    // the settings change: every fragment is stale
    let cfg = std::fs::read_to_string(&pipeline).unwrap();
    std::fs::write(
        &pipeline,
        cfg.replace("min_score = 0.3", "min_score = 0.35"),
    )
    .unwrap();
    for args in [
        vec!["merge", "--plan", s(&plan)],
        vec!["work", "--plan", s(&plan), "--index", "0"],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains("settings changed"), "{}", stderr(&o));
    }
    let status = ok(&["status", "--plan", s(&plan)]);
    assert!(
        status.contains(&format!("{} stale", shard_count(&plan))),
        "{status}"
    );
    // a fragment altered after its marker was written is refused
    std::fs::write(&pipeline, cfg).unwrap();
    let frag = std::fs::read_dir(plan.join("fragments"))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let mut bytes = std::fs::read(&frag).unwrap();
    let last = bytes.len() - 2;
    bytes[last] ^= 1;
    std::fs::write(&frag, bytes).unwrap();
    let o = run(&["merge", "--plan", s(&plan)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("completion marker"), "{}", stderr(&o));
}

#[test]
fn bad_input_and_bad_calls_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    copy_bundled(&tmp.path().join("corpus"));
    std::fs::write(
        tmp.path().join("corpus/zz_binary.txt"),
        b"PK\x03\x04\x00\x00\x01\x02binary",
    )
    .unwrap();
    let pipeline = project(tmp.path(), "corpus/*.txt", "");
    let plan = tmp.path().join("plan");
    ok(&[
        "plan",
        s(&pipeline),
        "--out",
        s(&plan),
        "--shard-seconds",
        "0",
    ]);
    let n = shard_count(&plan);
    // the last segment shard holds the binary file (ids sort after align-…)
    let o = run(&["work", "--plan", s(&plan), "--index", &(n - 1).to_string()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("bad input"), "{}", stderr(&o));
    let rec = std::fs::read_dir(plan.join("failed"))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(rec).unwrap()).unwrap();
    assert_eq!(v["exit"], 2);
    assert!(
        v["error"].as_str().unwrap().contains("zz_binary.txt"),
        "{v}"
    );
    assert!(ok(&["status", "--plan", s(&plan)]).contains("failed\t"));
    // the index from Slurm, and out of range
    let o = bin()
        .args(["work", "--plan", s(&plan)])
        .env("SLURM_ARRAY_TASK_ID", "4")
        .env("SLURM_CPUS_PER_TASK", "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("segment-000001"), "{}", stdout(&o));
    let o = bin()
        .args(["work", "--plan", s(&plan)])
        .env_remove("SLURM_ARRAY_TASK_ID")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["work", "--plan", s(&plan), "--index", &n.to_string()]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["merge", "--plan", s(&tmp.path().join("nowhere"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("tilmash plan"), "{}", stderr(&o));
    // no host names, process ids or times in what work writes
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    for dir in ["fragments", "done", "failed"] {
        for e in std::fs::read_dir(plan.join(dir)).unwrap().flatten() {
            let t = std::fs::read_to_string(e.path()).unwrap();
            if !host.trim().is_empty() {
                assert!(!t.contains(host.trim()), "{}", e.path().display());
            }
        }
    }
}

/// `tilmash plan --out DIR` with DIR inside the input glob: the plan folder (plan.json,
/// shards.jsonl, fragments, markers) is never read back as input, so planning again after the
/// shards are worked (a resubmission) gives the same plan, with nothing left to work.
#[test]
fn a_plan_folder_inside_the_input_glob_is_not_read_back() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    copy_bundled(&root.join("corpus"));
    let pipeline = project(root, "corpus/**", "");
    let plan = root.join("corpus/plan");
    let out = root.join("out");
    let n = distributed(&pipeline, &plan, &out, "0", 1000, "2");
    let shards = std::fs::read(plan.join("shards.jsonl")).unwrap();
    let said = plan_into(&pipeline, &plan, &out, "0", &[]);
    assert!(said.contains(" documents → "), "{said}");
    assert_eq!(
        std::fs::read(plan.join("shards.jsonl")).unwrap(),
        shards,
        "the plan folder was read as input: {said}"
    );
    assert_eq!(shard_count(&plan), n);
    let missing = plan_into(&pipeline, &plan, &out, "0", &["--missing"]);
    assert_eq!(missing, "", "worked shards listed again");
}
