//! `tilmash identify --lines` on the dev sets (accuracy floor of the issue: 99.5%, `und` counts
//! as wrong) and on the mixed-language papers of the bundled corpus.

mod common;

use common::{repo, run, shared, stdout};

#[test]
fn line_accuracy_on_flores_and_wmt() {
    let Some(shared) = shared() else {
        eprintln!("NOTICE: skipping language-id accuracy (../shared not found)");
        return;
    };
    let sets = [
        (
            "flores200_devtest_part1_kk-ru-en",
            ["kk", "ru", "en"].as_slice(),
        ),
        ("wmt19_newsdev2019_kk-en", ["kk", "en"].as_slice()),
    ];
    for (set, langs) in sets {
        for lang in langs {
            let path = shared.join("data").join(set).join(format!("{lang}.txt"));
            if !path.is_file() {
                eprintln!("NOTICE: skipping {set}/{lang} (not found)");
                continue;
            }
            let out = run(&["identify", "--lines", path.to_str().expect("utf-8 path")]);
            assert!(out.status.success());
            let labels = stdout(&out);
            let n_lines = std::fs::read_to_string(&path)
                .expect("read")
                .lines()
                .count();
            let labels: Vec<&str> = labels.lines().collect();
            assert_eq!(labels.len(), n_lines, "one label per line");
            let right = labels.iter().filter(|l| *l == lang).count();
            let acc = right as f64 / n_lines as f64;
            eprintln!("{set}/{lang}: {:.2}%", acc * 100.0);
            assert!(acc >= 0.995, "{set}/{lang}: accuracy {acc:.4} below 99.5%");
        }
    }
}

#[test]
fn abstracts_in_the_corpus_get_their_languages() {
    let dir = repo().join("corpus/alash");
    let find = |prefix: &str| {
        std::fs::read_dir(&dir)
            .expect("corpus/alash")
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
            })
            .expect("corpus file")
    };
    let label_of = |file: &std::path::Path, start: &str| -> String {
        let out = run(&["identify", file.to_str().expect("utf-8 path")]);
        stdout(&out)
            .lines()
            .find(|l| l.split('\t').nth(3).is_some_and(|p| p.starts_with(start)))
            .and_then(|l| l.split('\t').next().map(str::to_string))
            .unwrap_or_else(|| panic!("no paragraph starting {start:?}"))
    };
    let f003 = find("003_");
    assert_eq!(label_of(&f003, "Resumen."), "other");
    assert_eq!(label_of(&f003, "Abstract."), "en");
    let f002 = find("002_");
    assert_eq!(label_of(&f002, "Аңдатпа."), "kk");
    assert_eq!(label_of(&f002, "Аннотация."), "ru");
    assert_eq!(label_of(&f002, "Annotation."), "en");
}
