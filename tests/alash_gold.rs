//! The bundled corpus against its hand-made gold list (`tests/data/alash-parallel.tsv`: the
//! title, authors, abstract and keywords of 002 in three languages, and the quotations 003
//! translates from Kazakh sources). Runs the bundled pipeline and asserts precision and recall
//! floors, what a reviewer of each pair's ranking must find, and that the Spanish abstract of
//! 003 never comes out as English. Needs nothing outside the repository.
//! `python3 tests/cases/alash_gold.py outputs/alash` prints the full table.

mod common;
use common::*;

struct Gold {
    pair: String,
    src_doc: String,
    src: Vec<String>,
    tgt_doc: String,
    tgt: Vec<String>,
    what: String,
}

/// Lower-cased letters and digits only, as the Python scorer compares.
fn norm(t: &str) -> String {
    t.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn gold() -> Vec<Gold> {
    let text = std::fs::read_to_string(repo().join("tests/data/alash-parallel.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 6, "six columns: {l}");
            let side = |s: &str| s.split(" || ").map(norm).collect::<Vec<_>>();
            Gold {
                pair: f[0].into(),
                src_doc: f[1].into(),
                src: side(f[2]),
                tgt_doc: f[3].into(),
                tgt: side(f[4]),
                what: f[5].into(),
            }
        })
        .collect()
}

/// A unit side overlaps a gold side when a gold sentence lies inside it, or it inside one.
fn overlaps(unit: &str, gold: &[String]) -> bool {
    let u = norm(unit);
    gold.iter()
        .any(|g| u.contains(g.as_str()) || (u.chars().count() >= 8 && g.contains(u.as_str())))
}

#[test]
fn the_bundled_corpus_finds_the_known_parallel_pairs_and_only_them() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("alash");
    let o = run_alash(&out);
    assert!(o.status.success(), "{}", stderr(&o));
    let gold = gold();
    let (mut units_all, mut right_all, mut found_all) = (0, 0, 0);
    for pair in ["ru-kk", "ru-en", "kk-en"] {
        let text = std::fs::read_to_string(out.join(format!("{pair}.jsonl"))).unwrap();
        let mut units: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let score = |u: &serde_json::Value| u["score"].as_f64().unwrap_or(0.0);
        units.sort_by(|a, b| score(b).total_cmp(&score(a)));
        let g: Vec<&Gold> = gold.iter().filter(|g| g.pair == pair).collect();
        let matches = |u: &serde_json::Value, g: &Gold| {
            u["src_doc"] == g.src_doc.as_str()
                && u["tgt_doc"] == g.tgt_doc.as_str()
                && overlaps(u["src"].as_str().unwrap(), &g.src)
                && overlaps(u["tgt"].as_str().unwrap(), &g.tgt)
        };
        let right: Vec<bool> = units
            .iter()
            .map(|u| g.iter().any(|g| matches(u, g)))
            .collect();
        let found: Vec<&str> = g
            .iter()
            .filter(|g| units.iter().any(|u| matches(u, g)))
            .map(|g| g.what.as_str())
            .collect();
        let top = right.iter().take(30).filter(|&&r| r).count();
        let n_top = right.len().min(30);
        eprintln!(
            "{pair}: {} units, {} right, top-30 {top}/{n_top}, gold found {}/{}",
            units.len(),
            right.iter().filter(|&&r| r).count(),
            found.len(),
            g.len()
        );
        for (u, r) in units.iter().zip(&right) {
            assert!(u["type"] == "parallel" || u["type"] == "comparable");
            if !r {
                eprintln!("  not in the gold list: {} | {}", u["src"], u["tgt"]);
            }
        }
        // a reviewer reading the pair's 30 best units finds them parallel
        assert!(
            top as f64 >= 0.9 * n_top as f64,
            "{pair}: top-30 precision {top}/{n_top}"
        );
        // the trilingual title, authors and keywords, and abstract sentences, in every pair
        for what in ["002 title", "002 authors", "002 keywords"] {
            assert!(found.contains(&what), "{pair}: {what} not found");
        }
        let abstract_found = found
            .iter()
            .filter(|w| w.starts_with("002 abstract "))
            .count();
        assert!(
            abstract_found >= 3,
            "{pair}: {abstract_found} abstract sentences"
        );
        units_all += units.len();
        right_all += right.iter().filter(|&&r| r).count();
        found_all += found.len();
    }
    let precision = right_all as f64 / units_all.max(1) as f64;
    let recall = found_all as f64 / gold.len() as f64;
    eprintln!("all: precision {precision:.3}, recall {recall:.3}");
    assert!(precision >= 0.9, "precision {precision:.3}");
    assert!(recall >= 0.65, "recall {recall:.3}");
}

#[test]
fn the_spanish_abstract_never_appears_as_english() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("alash");
    assert!(run_alash(&out).status.success());
    // the Spanish abstract's own sentences, from the corpus file
    let corpus =
        std::fs::read_to_string(repo().join("corpus/alash/003_4722d6555ef8abd0.txt")).unwrap();
    let start = corpus.find("Resumen.").expect("003 has a Spanish abstract");
    let end = start + corpus[start..].find("Palabras clave").unwrap();
    let spanish: Vec<String> = corpus[start..end]
        .split(['.', '\n'])
        .map(norm)
        .filter(|s| s.chars().count() >= 30)
        .collect();
    assert!(spanish.len() >= 5);
    for f in [
        "ru-en.jsonl",
        "kk-en.jsonl",
        "ru-en.tmx",
        "kk-en.tmx",
        "trilingual.tmx",
    ] {
        let text = norm(&std::fs::read_to_string(out.join(f)).unwrap());
        for s in &spanish {
            assert!(!text.contains(s.as_str()), "{f} holds Spanish text: {s}");
        }
    }
}
