//! The development cases of `../shared/docs/kazakh-normalization-cases.tsv` (input, expected align
//! output, category): exact-match rate per category, ≥ 99 % over every row except `needs_lexicon_*`,
//! and no change at all on `keep_*` rows. Failing rows are printed with code points.

mod common;

use std::collections::BTreeMap;
use tilmash::normalize::{code_points, normalize, Profile};

fn show_diff(got: &str, want: &str) -> String {
    let g: Vec<char> = got.chars().collect();
    let w: Vec<char> = want.chars().collect();
    let p = g.iter().zip(&w).take_while(|(a, b)| a == b).count();
    let s = |v: &[char]| {
        v.iter()
            .skip(p.saturating_sub(10))
            .take(30)
            .collect::<String>()
    };
    format!(
        "    got:  …{}…\n          {}\n    want: …{}…\n          {}",
        s(&g),
        code_points(&g.iter().skip(p).take(4).collect::<String>()),
        s(&w),
        code_points(&w.iter().skip(p).take(4).collect::<String>()),
    )
}

#[test]
fn development_cases() {
    let Some(shared) = common::shared() else {
        common::skip("normalization cases: ../shared is absent");
        return;
    };
    let path = shared.join("docs/kazakh-normalization-cases.tsv");
    let Ok(text) = std::fs::read_to_string(&path) else {
        common::skip("normalization cases: kazakh-normalization-cases.tsv is absent");
        return;
    };
    let mut per_cat: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (mut pass, mut total) = (0, 0);
    let (mut lex_pass, mut lex_total) = (0, 0);
    let mut keep_changed = Vec::new();
    let mut failures = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 3, "row {} has {} columns", i + 1, cols.len());
        let (input, want, cat) = (cols[0], cols[1], cols[2]);
        let got = normalize(input, Profile::Align);
        let ok = got == want;
        let e = per_cat.entry(cat.to_string()).or_default();
        e.1 += 1;
        if ok {
            e.0 += 1;
        }
        if cat.starts_with("needs_lexicon") {
            lex_total += 1;
            lex_pass += ok as usize;
            continue;
        }
        total += 1;
        pass += ok as usize;
        if cat.starts_with("keep_") && got != input {
            keep_changed.push(i + 1);
        }
        if !ok {
            failures.push(format!("row {} [{cat}]\n{}", i + 1, show_diff(&got, want)));
        }
        // The expected values are fixed points of the profile.
        assert_eq!(
            normalize(want, Profile::Align),
            want,
            "row {}: expected value changes",
            i + 1
        );
    }
    println!("category\tpass\ttotal\trate");
    for (cat, (p, n)) in &per_cat {
        println!("{cat}\t{p}\t{n}\t{:.1}%", 100.0 * *p as f64 / *n as f64);
    }
    let rate = pass as f64 / total as f64;
    println!(
        "ALL (except needs_lexicon_*)\t{pass}\t{total}\t{:.2}%",
        100.0 * rate
    );
    println!(
        "needs_lexicon_* (informational)\t{lex_pass}\t{lex_total}\t{:.1}%",
        100.0 * lex_pass as f64 / lex_total.max(1) as f64
    );
    for f in &failures {
        println!("{f}");
    }
    assert!(
        keep_changed.is_empty(),
        "keep_* rows changed: {keep_changed:?}"
    );
    assert!(rate >= 0.99, "exact-match rate {:.2}% < 99%", 100.0 * rate);
}
