//! Bad input: one clear line naming the file, exit code 2, and no output written.

mod common;
use common::*;
use std::path::Path;

fn assert_clean_failure(o: &std::process::Output, needle: &str, out: &Path) {
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(o));
    let err = stderr(o);
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected: {err}"
    );
    assert!(err.contains(needle), "{needle:?} not in {err:?}");
    assert!(!err.contains("panicked"));
    assert!(
        !out.exists() || std::fs::read_dir(out).unwrap().next().is_none(),
        "output written"
    );
}

fn run_on(input: &Path, out: &Path) -> std::process::Output {
    let pipeline = repo().join("pipelines/alash.toml");
    run(&[
        "run",
        pipeline.to_str().unwrap(),
        "--input",
        input.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--quiet",
    ])
}

#[test]
fn missing_path() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope");
    let out = tmp.path().join("out");
    assert_clean_failure(&run_on(&missing, &out), "nope: no such file", &out);
}

#[test]
fn folder_without_text_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("a.pdf"), b"%PDF").unwrap();
    let out = tmp.path().join("out");
    assert_clean_failure(&run_on(&dir, &out), "no text files", &out);
}

#[test]
fn invalid_utf8() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("bad.txt");
    std::fs::write(&f, b"caf\xe9 \xff\xfe ok").unwrap();
    let out = tmp.path().join("out");
    assert_clean_failure(&run_on(&f, &out), "bad.txt", &out);
}

#[test]
fn binary_file() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("blob.txt");
    std::fs::write(&f, [0x7fu8, b'E', b'L', b'F', 0, 0, 1, 2, 3]).unwrap();
    let out = tmp.path().join("out");
    assert_clean_failure(&run_on(&f, &out), "binary", &out);
}

#[test]
fn empty_file() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("empty.txt");
    std::fs::write(&f, b"").unwrap();
    let out = tmp.path().join("out");
    assert_clean_failure(&run_on(&f, &out), "empty.txt: file is empty", &out);
}

#[test]
fn one_bad_file_among_good_ones_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).unwrap();
    std::fs::copy(
        repo().join("corpus/alash/000_d71f70a9bdb45bc0.txt"),
        dir.join("a.txt"),
    )
    .unwrap();
    std::fs::write(dir.join("b.txt"), b"").unwrap();
    let out = tmp.path().join("out");
    assert_clean_failure(&run_on(&dir, &out), "b.txt", &out);
}

fn pipeline_error(toml: &str, needle: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p.toml");
    std::fs::write(&p, toml).unwrap();
    let out = tmp.path().join("out");
    let o = run(&[
        "run",
        p.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_clean_failure(&o, needle, &out);
    assert!(stderr(&o).contains("p.toml"));
}

#[test]
fn malformed_pipeline_files() {
    pipeline_error(
        "input = \"x\"\noutput = \"o\"\nbogus = 1\n",
        "unknown field `bogus`",
    );
    pipeline_error(
        "input = \"x\"\noutput = \"o\"\n[align]\nmin_score = \"high\"\n",
        "line 4",
    );
    pipeline_error(
        "input = \"x\"\noutput = \"o\"\nlanguages = [\"ru\", \"xx\"]\n",
        "unknown language code \"xx\"",
    );
    pipeline_error("output = \"o\"\n", "missing field `input`");
    pipeline_error("input = \"x\n", "p.toml");
}

#[test]
fn stage_commands_reject_bad_files_too() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("empty.txt");
    std::fs::write(&f, b"").unwrap();
    let o = run(&["segment", "--lang", "kk", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("empty.txt"));
    let o = run(&["segment", "--lang", "xx", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
}
