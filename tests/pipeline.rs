//! End to end: the bundled corpus through `tilmash run`, and its TMX through external readers.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

fn tmx_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tmx"))
        .collect();
    v.sort();
    v
}

#[test]
fn run_writes_every_output_and_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("alash");
    let o = run_alash(&out);
    assert!(o.status.success(), "{}", stderr(&o));
    for pair in ["ru-kk", "ru-en", "kk-en"] {
        assert!(out.join(format!("{pair}.tmx")).is_file());
        assert!(out.join(format!("{pair}.jsonl")).is_file());
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["documents"], 5);
    for lang in ["ru", "kk", "en"] {
        assert!(
            summary["sentences"][lang].as_u64().unwrap() > 10,
            "{summary}"
        );
    }
    assert!(stdout(&o).contains("5 documents"));
    // No temporary files left behind.
    for e in std::fs::read_dir(&out).unwrap().flatten() {
        assert!(!e.file_name().to_string_lossy().contains(".tmp-"));
    }
}

#[test]
fn jsonl_units_carry_provenance_and_match_tmx_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("alash");
    assert!(run_alash(&out).status.success());
    for pair in ["ru-kk", "ru-en", "kk-en"] {
        let jsonl = std::fs::read_to_string(out.join(format!("{pair}.jsonl"))).unwrap();
        let tmx = std::fs::read_to_string(out.join(format!("{pair}.tmx"))).unwrap();
        let n = jsonl.lines().count();
        assert_eq!(tmx.matches("<tu ").count(), n, "{pair}");
        for line in jsonl.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let (a, b) = pair.split_once('-').unwrap();
            assert_eq!(v["src_lang"], a);
            assert_eq!(v["tgt_lang"], b);
            assert!(!v["src"].as_str().unwrap().trim().is_empty());
            assert!(!v["src_sentences"].as_array().unwrap().is_empty());
            let score = v["score"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&score));
            let bead = v["bead"].as_str().unwrap();
            assert_eq!(
                bead,
                format!(
                    "{}-{}",
                    v["src_sentences"].as_array().unwrap().len(),
                    v["tgt_sentences"].as_array().unwrap().len()
                )
            );
        }
    }
}

#[test]
fn tmx_validates_against_the_dtd() {
    let Some(shared) = shared() else {
        eprintln!("NOTICE: ../shared not found; skipping the DTD check");
        return;
    };
    let Some(xmllint) = which("xmllint") else {
        skip("xmllint (apt-get install libxml2-utils)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("alash");
    assert!(run_alash(&out).status.success());
    let files = tmx_files(&out);
    assert!(
        files.len() >= 3,
        "three pairwise files (and trilingual.tmx when triangles exist)"
    );
    for f in files {
        let o = Command::new(&xmllint)
            .args(["--noout", "--dtdvalid"])
            .arg(shared.join("spec/tmx14.dtd"))
            .arg(&f)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}: {}", f.display(), stderr(&o));
    }
}

#[test]
fn translate_toolkit_reads_the_same_unit_count() {
    let Some(py) = python_with_translate() else {
        skip("translate-toolkit (pip install translate-toolkit)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("alash");
    assert!(run_alash(&out).status.success());
    for f in tmx_files(&out) {
        let o = Command::new(&py)
            .args(["-c", "import sys; from translate.storage import tmx; s = tmx.tmxfile.parsefile(sys.argv[1]); print(len([u for u in s.units if u.source and u.target]))"])
            .arg(&f)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        // Pair files have a JSONL twin with the same units; trilingual.tmx has none.
        let expected = match std::fs::read_to_string(f.with_extension("jsonl")) {
            Ok(jsonl) => jsonl.lines().count(),
            Err(_) => std::fs::read_to_string(&f).unwrap().matches("<tu ").count(),
        };
        assert_eq!(stdout(&o).trim(), expected.to_string(), "{}", f.display());
    }
}

#[test]
fn own_validator_accepts_own_output() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("alash");
    assert!(run_alash(&out).status.success());
    for f in tmx_files(&out) {
        let o = run(&["validate", f.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stdout(&o));
    }
}

#[test]
fn the_languages_of_the_mixed_papers_come_out_right() {
    // 002: English paper with Kazakh and Russian abstracts at its end; 003: a Spanish abstract.
    let f = repo().join("corpus/alash/002_82c06d28ceeefccc.txt");
    let o = run(&["identify", f.to_str().unwrap()]);
    assert!(o.status.success());
    let text = stdout(&o);
    let line_of = |needle: &str| {
        text.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle} not in {text}"))
            .to_string()
    };
    assert!(line_of("Аңдатпа").starts_with("kk\t"));
    assert!(line_of("Аннотация").starts_with("ru\t"));
    assert!(line_of("Annotation").starts_with("en\t"));
    let f = repo().join("corpus/alash/003_4722d6555ef8abd0.txt");
    let text = stdout(&run(&["identify", f.to_str().unwrap()]));
    let es = text.lines().find(|l| l.contains("pertinencia")).unwrap();
    assert!(es.starts_with("other\t"), "{es}");
}

#[test]
fn output_is_identical_with_one_and_many_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let pipeline = repo().join("pipelines/alash.toml");
    let mut outs = Vec::new();
    for threads in ["1", "4"] {
        let out = tmp.path().join(format!("t{threads}"));
        let o = bin()
            .env("RAYON_NUM_THREADS", threads)
            .args([
                "run",
                pipeline.to_str().unwrap(),
                "--output",
                out.to_str().unwrap(),
                "--quiet",
            ])
            .output()
            .unwrap();
        assert!(o.status.success());
        outs.push(out);
    }
    for name in ["ru-kk.tmx", "ru-en.jsonl", "kk-en.tmx"] {
        assert_eq!(
            std::fs::read(outs[0].join(name)).unwrap(),
            std::fs::read(outs[1].join(name)).unwrap(),
            "{name}"
        );
    }
}

/// A re-run into the same folder with fewer export formats removes the first run's files that
/// it no longer writes (they were listed in the old summary.json), and keeps the user's own.
#[test]
fn a_rerun_removes_its_predecessors_stale_outputs_only() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("alash");
    let o = run_alash(&out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("kk-en.tmx").is_file() && out.join("kk-en.tsv").is_file());
    std::fs::write(out.join("notes.txt"), "my notes\n").unwrap();
    std::fs::write(out.join("kk-en.review-notes.tmx"), "<tmx/>\n").unwrap();
    let o = run_alash_edited(
        &out,
        "formats = [\"tmx\", \"jsonl\", \"moses\", \"tsv\"]",
        "formats = [\"jsonl\"]",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let mut left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let mut want: Vec<String> = summary["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .chain(["notes.txt".into(), "kk-en.review-notes.tmx".into()])
        .collect();
    want.sort();
    assert_eq!(left, want);
    assert!(!out.join("kk-en.tmx").exists() && out.join("kk-en.jsonl").is_file());
}
