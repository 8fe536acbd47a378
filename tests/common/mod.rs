//! Helpers shared by the end-to-end tests: run the binary, find optional external checkers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tilmash"))
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `text` as UTF-32 with a byte-order mark, big-endian when `be`.
pub fn utf32_with_bom(text: &str, be: bool) -> Vec<u8> {
    let mut bytes = if be {
        vec![0, 0, 0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE, 0, 0]
    };
    for c in text.chars() {
        let v = c as u32;
        bytes.extend(if be { v.to_be_bytes() } else { v.to_le_bytes() });
    }
    bytes
}

/// `../shared` beside the repository, when present (CI always has it; a user's clone does not).
pub fn shared() -> Option<PathBuf> {
    let p = repo().join("../shared");
    p.is_dir().then_some(p)
}

/// True when the test script asked for every external checker to be present (CI).
pub fn tools_required() -> bool {
    std::env::var("TILMASH_REQUIRE_TOOLS").is_ok_and(|v| v == "1")
}

/// Prints a skip notice, or fails when the tools were required.
pub fn skip(what: &str) {
    assert!(!tools_required(), "required checker missing: {what}");
    eprintln!("NOTICE: skipping {what}");
}

pub fn which(cmd: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(cmd))
            .find(|p| p.is_file())
    })
}

/// A Python interpreter with translate-toolkit: `$TILMASH_PYTHON`, else `.venv/bin/python`.
pub fn python_with_translate() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("TILMASH_PYTHON").map(PathBuf::from),
        Some(repo().join(".venv/bin/python")),
    ];
    candidates.into_iter().flatten().find(|p| {
        p.is_file()
            && Command::new(p)
                .args(["-c", "import translate.storage.tmx"])
                .output()
                .is_ok_and(|o| o.status.success())
    })
}

/// Runs the bundled pipeline with comparable units exported too (they score at most half, so
/// the output has doubtful units for review tests; the bundled defaults export parallel units only).
pub fn run_alash_with_comparable(out: &Path) -> Output {
    run_alash_edited(out, "keep_comparable = false", "keep_comparable = true")
}

/// Runs the bundled pipeline with one setting's text replaced (`from` must be in it) into `out`;
/// the edited pipeline is written beside `out`, its input pointing at the bundled corpus.
pub fn run_alash_edited(out: &Path, from: &str, to: &str) -> Output {
    let text = std::fs::read_to_string(repo().join("pipelines/alash.toml")).unwrap();
    assert!(
        text.contains(from),
        "pipelines/alash.toml changed: no {from:?}"
    );
    let corpus = repo().join("corpus/alash/*.txt");
    let text = text.replace(from, to).replace(
        "\"../corpus/alash/*.txt\"",
        &format!("{:?}", corpus.to_str().unwrap()),
    );
    std::fs::create_dir_all(out).unwrap();
    let pipeline = out.with_extension("toml");
    std::fs::write(&pipeline, text).unwrap();
    run_pipeline(&pipeline, out)
}

/// Runs the bundled pipeline into a fresh folder and returns it.
pub fn run_alash(out: &Path) -> Output {
    run_pipeline(&repo().join("pipelines/alash.toml"), out)
}

/// `tilmash run PIPELINE --output OUT --quiet`.
pub fn run_pipeline(pipeline: &Path, out: &Path) -> Output {
    run(&[
        "run",
        pipeline.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--quiet",
    ])
}
