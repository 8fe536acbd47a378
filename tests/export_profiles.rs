//! Every TMX profile through the three readers the issue names (xmllint + the TMX DTD,
//! translate-toolkit, OmegaT in console mode), plus the NLP formats, filters, dedup, histograms,
//! charts, the index, and byte-identical re-runs.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

const PROFILES: [(&str, &str, &str); 4] = [
    // profile, the code ru is written as, the code kk is written as
    ("generic", "ru", "kk"),
    ("omegat", "ru", "kk"),
    ("trados", "ru-RU", "kk-KZ"),
    ("memoq", "ru-RU", "kk-KZ"),
];

/// Writes a pipeline for the bundled corpus with `export` as its `[export]` table, runs it into
/// `dir/out`, and returns the output folder.
fn run_with(dir: &Path, export: &str) -> PathBuf {
    let input = repo().join("corpus/alash/*.txt");
    std::fs::create_dir_all(dir).unwrap();
    let pipeline = dir.join("p.toml");
    std::fs::write(
        &pipeline,
        format!(
            "name = \"alash\"\ninput = \"{}\"\noutput = \"out\"\n\n[export]\n{export}\n",
            input.display()
        ),
    )
    .unwrap();
    let o = run(&["run", pipeline.to_str().unwrap(), "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    dir.join("out")
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn jsonl(p: &Path) -> Vec<serde_json::Value> {
    read(p)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn every_profile_writes_its_codes_dates_and_props() {
    for (profile, ru, kk) in PROFILES {
        let tmp = tempfile::tempdir().unwrap();
        let out = run_with(
            tmp.path(),
            &format!("profile = \"{profile}\"\ncreation_date = \"20260101T120000Z\""),
        );
        let tmx = read(&out.join("ru-kk.tmx"));
        assert!(tmx.contains(&format!("srclang=\"{ru}\"")), "{profile}");
        assert!(
            tmx.contains("creationdate=\"20260101T120000Z\""),
            "{profile}"
        );
        assert!(tmx.contains("<tmx version=\"1.4\">"));
        let units = jsonl(&out.join("ru-kk.jsonl"));
        assert_eq!(tmx.matches("<tu ").count(), units.len(), "{profile}");
        // Source tuv first in every unit, no empty segment.
        for tu in tmx.split("<tu ").skip(1) {
            let a = tu.find(&format!("<tuv xml:lang=\"{ru}\">")).unwrap();
            let b = tu.find(&format!("<tuv xml:lang=\"{kk}\">")).unwrap();
            assert!(a < b, "{profile}: source tuv must come first");
            assert!(!tu.contains("<seg></seg>"));
            for prop in [
                "x-score",
                "x-type",
                "x-bead",
                "x-src-doc",
                "x-src-sentences",
                "x-tgt-doc",
                "x-tgt-sentences",
                "x-review",
            ] {
                assert!(
                    tu.contains(&format!("<prop type=\"{prop}")),
                    "{profile} {prop}"
                );
            }
        }
        let v = run(&[
            "validate",
            "--profile",
            profile,
            out.join("ru-kk.tmx").to_str().unwrap(),
        ]);
        assert!(v.status.success(), "{profile}: {}", stdout(&v));
    }
}

#[test]
fn every_profile_passes_xmllint_with_the_tmx_dtd() {
    let Some(shared) = shared() else {
        eprintln!("NOTICE: skipping the DTD check (../shared not found)");
        return;
    };
    let Some(xmllint) = which("xmllint") else {
        skip("xmllint (apt-get install libxml2-utils)");
        return;
    };
    for (profile, _, _) in PROFILES {
        let tmp = tempfile::tempdir().unwrap();
        let out = run_with(tmp.path(), &format!("profile = \"{profile}\""));
        for pair in ["ru-kk", "ru-en", "kk-en"] {
            let f = out.join(format!("{pair}.tmx"));
            let o = Command::new(&xmllint)
                .args(["--noout", "--dtdvalid"])
                .arg(shared.join("spec/tmx14.dtd"))
                .arg(&f)
                .output()
                .unwrap();
            assert!(o.status.success(), "{profile} {pair}: {}", stderr(&o));
            let count = Command::new(&xmllint)
                .args([
                    "--xpath",
                    "count(//tuv[not(@xml:lang)]) + count(//tu[count(tuv)<2])",
                ])
                .arg(&f)
                .output()
                .unwrap();
            assert_eq!(stdout(&count).trim(), "0", "{profile} {pair}");
        }
    }
}

#[test]
fn every_profile_loads_in_translate_toolkit_with_the_right_count() {
    let Some(py) = python_with_translate() else {
        skip("translate-toolkit (pip install translate-toolkit)");
        return;
    };
    for (profile, ru, _) in PROFILES {
        let tmp = tempfile::tempdir().unwrap();
        let out = run_with(tmp.path(), &format!("profile = \"{profile}\""));
        for pair in ["ru-kk", "ru-en", "kk-en"] {
            let f = out.join(format!("{pair}.tmx"));
            let o = Command::new(&py)
                .args(["-c", "import sys; from translate.storage import tmx; s = tmx.tmxfile.parsefile(sys.argv[1]); print(len([u for u in s.units if u.source and u.target]), s.units[0].getlanguageNodes()[0].get('{http://www.w3.org/XML/1998/namespace}lang'))"])
                .arg(&f)
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", stderr(&o));
            let text = stdout(&o);
            let (n, first_lang) = text.trim().split_once(' ').unwrap();
            let units = jsonl(&out.join(format!("{pair}.jsonl")));
            assert_eq!(n, units.len().to_string(), "{profile} {pair}");
            if pair.starts_with("ru") {
                assert_eq!(first_lang, ru, "{profile}: source tuv first");
            }
        }
    }
}

/// The OmegaT jar from the Debian package (its launcher script names it).
fn omegat_jar() -> Option<PathBuf> {
    let jar = PathBuf::from("/usr/share/omegat/OmegaT.jar");
    (jar.is_file() && which("java").is_some()).then_some(jar)
}

#[test]
fn every_profile_imports_in_omegat_and_fills_the_segments() {
    let Some(jar) = omegat_jar() else {
        skip("OmegaT (apt-get install omegat)");
        return;
    };
    for (profile, ru, _) in PROFILES {
        let tmp = tempfile::tempdir().unwrap();
        let out = run_with(tmp.path(), &format!("profile = \"{profile}\""));
        // enough units for the import to say something (a floor, not a quality figure: 10 on
        // 22 November, 9 parallel and 1 comparable, after the aligner stopped finding two
        // unrelated comparable pairs)
        let units = jsonl(&out.join("ru-kk.jsonl"));
        assert!(units.len() >= 8, "{}", units.len());
        // A ru → kk project with our TMX in tm/auto: OmegaT inserts its 100 % matches.
        let p = tmp.path().join("omegat-project");
        for d in [
            "source",
            "target",
            "tm/auto",
            "omegat",
            "glossary",
            "dictionary",
        ] {
            std::fs::create_dir_all(p.join(d)).unwrap();
        }
        std::fs::write(p.join("omegat.project"), OMEGAT_PROJECT).unwrap();
        std::fs::copy(out.join("ru-kk.tmx"), p.join("tm/auto/ru-kk.tmx")).unwrap();
        let src: Vec<&str> = units.iter().map(|u| u["src"].as_str().unwrap()).collect();
        std::fs::write(p.join("source/source.txt"), src.join("\n\n") + "\n").unwrap();
        let o = Command::new("java")
            .arg("-Djava.awt.headless=true")
            .arg("-jar")
            .arg(&jar)
            .arg(&p)
            .arg("--mode=console-translate")
            .arg(format!("--config-dir={}", tmp.path().join("cfg").display()))
            .args(["--disable-project-locking", "--no-team"])
            .output()
            .unwrap();
        let log = format!("{}{}", stdout(&o), stderr(&o));
        assert!(o.status.success(), "{profile}: {log}");
        assert!(
            log.contains(&format!("Source language: {ru}")),
            "{profile}: OmegaT did not read the source language: {log}"
        );
        let target = read(&p.join("target/source.txt"));
        let filled: Vec<&str> = target
            .split("\n\n")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        let expected: Vec<&str> = units.iter().map(|u| u["tgt"].as_str().unwrap()).collect();
        assert_eq!(filled.len(), expected.len(), "{profile}");
        let same = filled.iter().zip(&expected).filter(|(a, b)| a == b).count();
        assert_eq!(
            same,
            expected.len(),
            "{profile}: OmegaT auto-filled only {same} of {} segments",
            expected.len()
        );
    }
}

const OMEGAT_PROJECT: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <source_dir_excludes/>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>ru</source_lang>
    <target_lang>kk</target_lang>
    <source_tok>org.omegat.tokenizer.DefaultTokenizer</source_tok>
    <target_tok>org.omegat.tokenizer.DefaultTokenizer</target_tok>
    <sentence_seg>false</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"#;

#[test]
fn reruns_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_with(tmp.path(), "profile = \"trados\"");
    let snapshot = |dir: &Path| {
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name() != "summary.json")
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let first = snapshot(&out);
    let o = run(&[
        "run",
        tmp.path().join("p.toml").to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success());
    assert_eq!(first, snapshot(&out));
    let tmx = read(&out.join("ru-kk.tmx"));
    let date = tmx.split("creationdate=\"").nth(1).unwrap();
    assert!(
        date[..16].ends_with('Z') && date.as_bytes()[8] == b'T',
        "{date}"
    );
}

#[test]
fn nlp_formats_line_up_and_carry_provenance() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_with(tmp.path(), "");
    for pair in ["ru-kk", "ru-en", "kk-en"] {
        let (a, b) = pair.split_once('-').unwrap();
        let units = jsonl(&out.join(format!("{pair}.jsonl")));
        let src = read(&out.join(format!("{pair}.{a}")));
        let tgt = read(&out.join(format!("{pair}.{b}")));
        assert_eq!(src.lines().count(), units.len());
        assert_eq!(tgt.lines().count(), units.len());
        for ((u, s), t) in units.iter().zip(src.lines()).zip(tgt.lines()) {
            assert_eq!(u["src"].as_str().unwrap(), s);
            assert_eq!(u["tgt"].as_str().unwrap(), t);
            assert_eq!(u["id"].as_str().unwrap().len(), 16);
            assert!(u["duplicates"].is_array());
        }
        let tsv = read(&out.join(format!("{pair}.tsv")));
        let mut lines = tsv.lines();
        let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
        assert_eq!(
            header[..6],
            ["id", "src_lang", "tgt_lang", "src", "tgt", "score"]
        );
        assert_eq!(lines.count(), units.len());
    }
    // A reader that knows nothing of tilmash: Python's csv module.
    if let Some(py) = which("python3") {
        let o = Command::new(py)
            .args(["-c", "import csv,json,sys; r=list(csv.DictReader(open(sys.argv[1],encoding='utf-8'),delimiter='\\t')); j=[json.loads(l) for l in open(sys.argv[2],encoding='utf-8')]; assert len(r)==len(j); assert all(a['src']==b['src'] and a['tgt']==b['tgt'] and abs(float(a['score'])-b['score'])<1e-4 for a,b in zip(r,j)); print(len(r))"])
            .arg(out.join("ru-en.tsv"))
            .arg(out.join("ru-en.jsonl"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
}

#[test]
fn summary_has_histograms_and_the_index_links_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_with(tmp.path(), "");
    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    let index = read(&out.join("index.html"));
    for pair in ["ru-kk", "ru-en", "kk-en"] {
        let p = &summary["export"]["pairs"][pair];
        let hist: Vec<u64> = p["histogram"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        assert_eq!(hist.len(), 10);
        assert_eq!(
            hist.iter().sum::<u64>(),
            summary["units"][pair].as_u64().unwrap()
        );
        let chart = format!("{pair}.scores.svg");
        let svg = read(&out.join(&chart));
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains(&format!("{pair}: {} units", hist.iter().sum::<u64>())));
        assert!(index.contains(&format!("src=\"{chart}\"")), "{index}");
        assert!(index.contains(&format!("href=\"{pair}.tmx\"")));
    }
    assert!(out.join("sentences.jsonl").is_file());
}

#[test]
fn filters_and_dedup_come_from_the_pipeline_file() {
    let tmp = tempfile::tempdir().unwrap();
    let all = run_with(&tmp.path().join("a"), "dedup = false");
    let strict = run_with(
        &tmp.path().join("b"),
        "min_score = 0.6\nmax_length_ratio = 2.0\nmin_lang_confidence = 0.5",
    );
    let summary: serde_json::Value =
        serde_json::from_str(&read(&strict.join("summary.json"))).unwrap();
    let mut below_total = 0;
    for pair in ["ru-kk", "ru-en", "kk-en"] {
        let n_all = jsonl(&all.join(format!("{pair}.jsonl"))).len();
        let kept = jsonl(&strict.join(format!("{pair}.jsonl")));
        let c = &summary["export"]["pairs"][pair]["counts"];
        let dropped = [
            "below_min_score",
            "length_ratio",
            "lang_confidence",
            "empty",
        ]
        .iter()
        .map(|k| c[k].as_u64().unwrap() as usize)
        .sum::<usize>();
        let merged =
            c["duplicates_exact"].as_u64().unwrap() + c["duplicates_normalized"].as_u64().unwrap();
        assert_eq!(kept.len() + dropped + merged as usize, n_all, "{pair}: {c}");
        // comparable mining exports few units; some pair (not necessarily each) has low ones
        below_total += c["below_min_score"].as_u64().unwrap();
        for u in &kept {
            assert!(u["score"].as_f64().unwrap() >= 0.6);
            let (a, b) = (
                u["src"].as_str().unwrap().chars().count() as f64,
                u["tgt"].as_str().unwrap().chars().count() as f64,
            );
            assert!(a.max(b) <= 2.0 * a.min(b));
        }
    }
    assert!(below_total > 0, "the 0.6 bar drops some unit");
}

#[test]
fn over_long_units_are_split_or_skipped_and_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let split = run_with(&tmp.path().join("a"), "max_segment_chars = 120");
    let skip = run_with(
        &tmp.path().join("b"),
        "max_segment_chars = 120\nover_long = \"skip\"",
    );
    let summary = |d: &Path| -> serde_json::Value {
        serde_json::from_str(&read(&d.join("summary.json"))).unwrap()
    };
    let (a, b) = (summary(&split), summary(&skip));
    let ca = &a["export"]["pairs"]["kk-en"]["counts"];
    let cb = &b["export"]["pairs"]["kk-en"]["counts"];
    let over = ca["over_long_split"].as_u64().unwrap() + ca["over_long_skipped"].as_u64().unwrap();
    assert!(over > 0, "{ca}");
    assert_eq!(cb["over_long_skipped"].as_u64().unwrap(), over, "{cb}");
    assert_eq!(cb["over_long_split"].as_u64().unwrap(), 0, "{cb}");
    for u in jsonl(&split.join("kk-en.jsonl")) {
        for side in ["src", "tgt"] {
            assert!(u[side].as_str().unwrap().chars().count() <= 120, "{u}");
        }
    }
    let tmx = read(&split.join("kk-en.tmx"));
    assert_eq!(
        tmx.matches("<prop type=\"x-split\">").count() as u64,
        ca["over_long_pieces"].as_u64().unwrap()
    );
    // Pieces and whole units add up to what the aligner gave.
    let n = |k: &str| ca[k].as_u64().unwrap();
    let whole = n("written") - n("over_long_pieces");
    assert_eq!(
        whole + n("over_long_split") + n("over_long_skipped"),
        n("aligned") - n("duplicates_exact") - n("duplicates_normalized")
    );
}

#[test]
fn bad_export_settings_are_one_line_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let pipeline = tmp.path().join("p.toml");
    for (body, needle) in [
        (
            "profile = \"wordfast\"",
            "`generic`, `omegat`, `trados`, `memoq`",
        ),
        ("min_score = 2.0", "export.min_score"),
        ("creation_date = \"2026-01-01\"", "export.creation_date"),
    ] {
        std::fs::write(
            &pipeline,
            format!("input = \"x/*.txt\"\noutput = \"out\"\n[export]\n{body}\n"),
        )
        .unwrap();
        let o = run(&["run", pipeline.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2));
        let err = stderr(&o);
        assert!(err.contains(needle) && err.lines().count() == 1, "{err}");
    }
}
