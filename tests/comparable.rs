//! Comparable-text mining end to end: `align --mode comparable` on two files with unrelated
//! sentences on both sides, and the pipeline's passage links, units and triangles.

mod common;
use common::*;
use std::path::Path;

const EN: &[&str] = &[
    "The congress opened in Orenburg on 5 December 1917.",
    "Weather in the mountains was cold that winter.",
    "Alikhan Bokeikhanov was elected chairman of the council.",
    "The delegates adopted a programme of 10 points.",
    "Fishing boats returned to the harbour at dawn.",
    "The government of Alashorda moved to Semey in 1918.",
];
const RU: &[&str] = &[
    "Съезд открылся в Оренбурге 5 декабря 1917 года.",
    "Алихан Букейханов был избран председателем совета.",
    "На рынке продавали яблоки и груши.",
    "Делегаты приняли программу из 10 пунктов.",
    "Правительство Алашорды переехало в Семей в 1918 году.",
    "Поезд опоздал на два часа.",
];

fn write(dir: &Path, name: &str, lines: &[&str]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn comparable_mode_prints_mined_pairs_and_leaves_unrelated_sentences_out() {
    let dir = tempfile::tempdir().unwrap();
    let (en, ru) = (
        write(dir.path(), "en.txt", EN),
        write(dir.path(), "ru.txt", RU),
    );
    let o = run(&[
        "align",
        "--mode",
        "comparable",
        "--src",
        "en",
        "--tgt",
        "ru",
        &en,
        &ru,
        "--format",
        "jsonl",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let beads: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let pairs: Vec<(Vec<u64>, Vec<u64>)> = beads
        .iter()
        .map(|b| {
            let v = |k: &str| {
                b[k].as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_u64().unwrap())
                    .collect()
            };
            (v("src"), v("tgt"))
        })
        .collect();
    // every printed bead is a pair, and the unrelated sentences never appear
    assert!(pairs.iter().all(|(s, t)| !s.is_empty() && !t.is_empty()));
    assert!(
        pairs
            .iter()
            .all(|(s, _)| !s.contains(&1) && !s.contains(&4)),
        "{pairs:?}"
    );
    assert!(
        pairs
            .iter()
            .all(|(_, t)| !t.contains(&2) && !t.contains(&5)),
        "{pairs:?}"
    );
    // the sentences sharing dates and names are found
    assert!(pairs.contains(&(vec![0], vec![0])), "{pairs:?}");
    assert!(pairs.contains(&(vec![5], vec![4])), "{pairs:?}");
    for b in &beads {
        assert!(b["score"].as_f64().unwrap() > 0.0);
        assert!(matches!(
            b["type"].as_str(),
            Some("parallel" | "comparable")
        ));
    }
}

#[test]
fn comparable_mode_thresholds_come_from_the_pipeline_file() {
    let dir = tempfile::tempdir().unwrap();
    let (en, ru) = (
        write(dir.path(), "en.txt", EN),
        write(dir.path(), "ru.txt", RU),
    );
    let strict = dir.path().join("strict.toml");
    std::fs::write(
        &strict,
        "input = \"x\"\noutput = \"y\"\n[comparable]\nparallel_score = 1.01\ncontext_score = 1.01\nkeep_comparable = false\n",
    )
    .unwrap();
    let o = run(&[
        "align",
        "--mode",
        "comparable",
        "--src",
        "en",
        "--tgt",
        "ru",
        &en,
        &ru,
        "--format",
        "jsonl",
        "--pipeline",
        strict.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), "", "no bead can pass an impossible bar");
}

#[test]
fn the_bundled_corpus_yields_passage_links_and_typed_units() {
    let out = tempfile::tempdir().unwrap();
    let o = run(&[
        "run",
        repo().join("pipelines/alash.toml").to_str().unwrap(),
        "--output",
        out.path().to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let links = std::fs::read_to_string(out.path().join("passages.jsonl")).unwrap();
    assert!(links.lines().count() > 0);
    for l in links.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        for k in ["src", "tgt", "src_doc", "tgt_doc", "anchors", "score"] {
            assert!(!v[k].is_null(), "passage link without {k}: {l}");
        }
    }
    let mut total = 0;
    for pair in ["ru-kk", "ru-en", "kk-en"] {
        let text = std::fs::read_to_string(out.path().join(format!("{pair}.jsonl"))).unwrap();
        for l in text.lines() {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            total += 1;
            assert!(matches!(
                v["type"].as_str(),
                Some("parallel" | "comparable")
            ));
            // the Spanish abstract of 003 is never taken for English
            if v["tgt_lang"] == "en" {
                let t = v["tgt"].as_str().unwrap();
                for es in [" los ", " las ", " del ", " una "] {
                    assert!(!t.contains(es), "Spanish text exported as English: {t}");
                }
            }
        }
    }
    assert!(total > 0);
    // the keyword lines of 002 (Russian and Kazakh, at its end) are found
    let rk = std::fs::read_to_string(out.path().join("ru-kk.jsonl")).unwrap();
    assert!(rk
        .lines()
        .any(|l| l.contains("Ключевые слова") && l.contains("Кілт сөздер")));
}
