//! Interrupted runs, as a user would interrupt them: Ctrl-C (SIGINT), SIGTERM and `kill -9` while
//! a run writes its outputs, two runs writing one output folder at once, and killed `work`
//! shards. After each: the previous outputs are intact (or, once a run has finished writing, the
//! new set is complete), no temporary file is left behind once tilmash has run again, and a re-run
//! gives byte-identical outputs.
//!
//! The moment of the signal is not left to a sleep: with `TILMASH_FAULT_INJECTION=1` and
//! `TILMASH_STAGE_DELAY_MS`, tilmash pauses after each output file it stages, and the test
//! signals it once a temporary file is seen in the output folder — mid-write, every time.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Every file in `dir` (hidden ones included) with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return m;
    };
    for e in rd.flatten() {
        if e.path().is_file() {
            m.insert(
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            );
        }
    }
    m
}

fn temps(dir: &Path) -> Vec<String> {
    files(dir)
        .into_keys()
        .filter(|n| n.contains(".tmp-"))
        .collect()
}

/// `n` files of the bundled corpus (in name order) copied into `dir`.
fn corpus(dir: &Path, n: usize) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let mut all: Vec<PathBuf> = std::fs::read_dir(repo().join("corpus/alash"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    all.sort();
    for f in all.iter().take(n) {
        std::fs::copy(f, dir.join(f.file_name().unwrap())).unwrap();
    }
    dir.to_path_buf()
}

fn run_cmd(input: &Path, out: &Path, stage_delay_ms: u64) -> Command {
    let mut c = bin();
    c.args(["run", s(&repo().join("pipelines/alash.toml"))])
        .args(["--input", s(input), "--output", s(out), "--quiet"])
        .env("RAYON_NUM_THREADS", "2")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if stage_delay_ms > 0 {
        c.env("TILMASH_FAULT_INJECTION", "1")
            .env("TILMASH_STAGE_DELAY_MS", stage_delay_ms.to_string());
    }
    c
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn run_ok(input: &Path, out: &Path) {
    let o = run_cmd(input, out, 0).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Waits until a temporary file shows in `dir` (the child is writing) and returns true, or
/// returns false when the child ended first.
fn wait_for_temp(child: &mut Child, dir: &Path) -> bool {
    let start = Instant::now();
    loop {
        if !temps(dir).is_empty() {
            return true;
        }
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "no temporary file appeared in {}",
            dir.display()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .args([&format!("-{sig}"), &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{sig} failed");
}

struct Sets {
    _tmp: tempfile::TempDir,
    /// Input giving the "previous" outputs, and the one giving the "new" ones.
    old_in: PathBuf,
    new_in: PathBuf,
    old: BTreeMap<String, Vec<u8>>,
    new: BTreeMap<String, Vec<u8>>,
    root: PathBuf,
}

fn sets() -> Sets {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_path_buf();
    let old_in = corpus(&root.join("old_in"), 2);
    let new_in = corpus(&root.join("new_in"), 5);
    run_ok(&old_in, &root.join("old_ref"));
    run_ok(&new_in, &root.join("new_ref"));
    let (old, new) = (files(&root.join("old_ref")), files(&root.join("new_ref")));
    assert_ne!(old, new);
    assert!(temps(&root.join("new_ref")).is_empty());
    Sets {
        _tmp: tmp,
        old_in,
        new_in,
        old,
        new,
        root,
    }
}

/// Ctrl-C or SIGTERM while the outputs are being written: exit 130, a one-line message, the
/// previous outputs byte for byte, no temporary file; the re-run then writes the new set.
#[test]
fn ctrl_c_and_sigterm_mid_write_keep_previous_outputs_and_leave_no_temp_files() {
    if which("kill").is_none() {
        skip("interrupt test: no `kill` command");
        return;
    }
    let t = sets();
    for sig in ["INT", "TERM", "HUP"] {
        let out = t.root.join(format!("out-{sig}"));
        run_ok(&t.old_in, &out);
        let mut child = run_cmd(&t.new_in, &out, 150).spawn().unwrap();
        assert!(wait_for_temp(&mut child, &out), "{sig}: run ended first");
        signal(&child, sig);
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(130), "{sig}: {}", stderr(&o));
        let err = stderr(&o);
        assert_eq!(err.trim_end().lines().count(), 1, "{sig}: {err}");
        assert!(err.contains("interrupted"), "{sig}: {err}");
        assert_eq!(files(&out), t.old, "{sig}: previous outputs changed");
        run_ok(&t.new_in, &out);
        assert_eq!(files(&out), t.new, "{sig}: re-run differs");
    }
}

/// `kill -9` mid-write cannot clean up: its temporary files stay, the previous outputs are
/// untouched, and the next run removes the orphans and writes byte-identical outputs.
#[test]
fn kill_9_mid_write_then_rerun_cleans_up_and_matches() {
    let t = sets();
    let out = t.root.join("out");
    run_ok(&t.old_in, &out);
    let mut child = run_cmd(&t.new_in, &out, 150).spawn().unwrap();
    assert!(wait_for_temp(&mut child, &out), "run ended first");
    child.kill().unwrap();
    let _ = child.wait();
    let orphans = temps(&out);
    assert!(!orphans.is_empty(), "SIGKILL cannot remove temporary files");
    let mut kept = files(&out);
    kept.retain(|k, _| !k.contains(".tmp-"));
    assert_eq!(kept, t.old, "previous outputs changed");
    run_ok(&t.new_in, &out);
    assert_eq!(files(&out), t.new, "re-run after kill -9 differs");
}

/// `kill -9` at moments spread over a whole run (reading, aligning, writing, renaming): every
/// file left is whole (an old or a new version, byte for byte), and the re-run matches.
#[test]
fn kill_9_at_any_moment_leaves_whole_files_and_rerun_matches() {
    let t = sets();
    let out = t.root.join("out");
    let start = Instant::now();
    run_ok(&t.new_in, &t.root.join("timing"));
    let full = start.elapsed();
    for step in 0..8u32 {
        std::fs::remove_dir_all(&out).ok();
        run_ok(&t.old_in, &out);
        let mut child = run_cmd(&t.new_in, &out, 0).spawn().unwrap();
        std::thread::sleep(full * step / 6);
        let _ = child.kill();
        let _ = child.wait();
        for (name, bytes) in files(&out) {
            if name.contains(".tmp-") {
                continue;
            }
            assert!(
                t.old.get(&name) == Some(&bytes) || t.new.get(&name) == Some(&bytes),
                "step {step}: {name} is neither the old nor the new version"
            );
        }
        run_ok(&t.new_in, &out);
        assert_eq!(files(&out), t.new, "step {step}: re-run differs");
    }
}

/// Two runs on one output folder: the second waits for the first to finish writing (saying so
/// on one line), then replaces the set; the folder ends with the second run's outputs exactly.
#[test]
fn two_runs_on_one_output_folder_write_one_after_the_other() {
    let t = sets();
    let out = t.root.join("out");
    let mut first = run_cmd(&t.old_in, &out, 600).spawn().unwrap();
    assert!(wait_for_temp(&mut first, &out), "first run ended early");
    // The first run holds the folder while it stages (about 25 files × 600 ms): long enough
    // for the second to reach the lock even on a loaded machine (200 ms was not, under CI load).
    let second = run_cmd(&t.new_in, &out, 0).output().unwrap();
    let first = first.wait_with_output().unwrap();
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(second.status.success(), "{}", stderr(&second));
    let err = stderr(&second);
    assert!(
        err.contains("another tilmash is writing to"),
        "second run did not wait: {err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert_eq!(files(&out), t.new, "not the last writer's set");
}

/// `tilmash work` interrupted while writing its fragment (Ctrl-C, and kill -9): the shard is not
/// done, working it again finishes it, and the merge equals `tilmash run` byte for byte, with no
/// temporary file left in the plan folder.
#[test]
fn interrupted_work_shards_resume_to_identical_outputs() {
    if which("kill").is_none() {
        skip("interrupt test: no `kill` command");
        return;
    }
    let t = sets();
    let reference = t.root.join("run");
    run_ok(&t.new_in, &reference);
    for sig in ["INT", "KILL"] {
        let plan = t.root.join(format!("plan-{sig}"));
        let out = t.root.join(format!("merged-{sig}"));
        let pipeline = repo().join("pipelines/alash.toml");
        let o = bin()
            .args([
                "plan",
                s(&pipeline),
                "--out",
                s(&plan),
                "--input",
                s(&t.new_in),
            ])
            .args(["--output", s(&out), "--shard-seconds", "0"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let shards = std::fs::read_to_string(plan.join("shards.jsonl"))
            .unwrap()
            .lines()
            .count();
        let fragments = plan.join("fragments");
        // The last shard is an align shard: the slowest to reach its write.
        let victim = (shards - 1).to_string();
        let mut child = bin()
            .args(["work", "--plan", s(&plan), "--index", &victim])
            .env("TILMASH_FAULT_INJECTION", "1")
            .env("TILMASH_STAGE_DELAY_MS", "3000")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::fs::create_dir_all(&fragments).unwrap();
        assert!(
            wait_for_temp(&mut child, &fragments),
            "{sig}: work ended first"
        );
        signal(&child, sig);
        let o = child.wait_with_output().unwrap();
        assert_ne!(o.status.code(), Some(0), "{sig}: {}", stderr(&o));
        if sig == "INT" {
            assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
            assert!(temps(&fragments).is_empty(), "Ctrl-C left a temporary file");
        }
        let status = bin().args(["status", "--plan", s(&plan)]).output().unwrap();
        assert!(
            !stdout(&status).contains(&format!("{shards} done")),
            "{sig}: an interrupted shard counts as done: {}",
            stdout(&status)
        );
        for i in 0..shards {
            let o = bin()
                .args(["work", "--plan", s(&plan), "--index", &i.to_string()])
                .output()
                .unwrap();
            assert!(o.status.success(), "{sig} shard {i}: {}", stderr(&o));
        }
        assert!(temps(&fragments).is_empty(), "{sig}: orphan not removed");
        let o = bin().args(["merge", "--plan", s(&plan)]).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(
            files(&out),
            files(&reference),
            "{sig}: merge differs from run"
        );
    }
}

/// Ctrl-C in a stage command (segment, identify, normalize, align), which prints to standard
/// output and writes no file: exit 130 and one line that does not speak of outputs left as a
/// complete set (the message of `run`, which it printed).
#[test]
fn stage_commands_say_what_an_interrupt_left() {
    use std::os::unix::fs::OpenOptionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("in.txt");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|st| st.success()) {
        eprintln!("NOTICE: skipping stage_commands_say_what_an_interrupt_left: mkfifo failed");
        return;
    }
    let other = tmp.path().join("other.txt");
    std::fs::write(&other, "Партия Алаш основана в 1917 году.\n").unwrap();
    let (f, o) = (s(&fifo), s(&other));
    let commands: [&[&str]; 4] = [
        &["segment", "--lang", "kk", f],
        &["identify", f],
        &["normalize", f],
        &["align", "--src", "kk", "--tgt", "ru", f, o],
    ];
    for args in commands {
        let mut child = bin()
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A writer opens the FIFO once the command has opened it to read (so its Ctrl-C handler
        // is in place); the command then waits for text that does not come.
        let start = Instant::now();
        let writer = loop {
            const O_NONBLOCK: i32 = 0o4000;
            let w = std::fs::OpenOptions::new()
                .write(true)
                .custom_flags(O_NONBLOCK)
                .open(&fifo);
            if let Ok(w) = w {
                break w;
            }
            assert!(child.try_wait().unwrap().is_none(), "{args:?} ended unread");
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "{args:?} never read"
            );
            std::thread::sleep(Duration::from_millis(5));
        };
        signal(&child, "INT");
        let out = child.wait_with_output().unwrap();
        drop(writer);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(130), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains("interrupted"), "{args:?}: {err}");
        assert!(!err.contains("complete set"), "{args:?}: {err}");
    }
}
