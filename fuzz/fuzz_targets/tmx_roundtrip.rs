//! TMX write → read: every unit written reads back with exactly the text written (the text
//! trimmed, minus the characters XML 1.0 forbids, which the writer drops), and the output is
//! well-formed whatever the input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tilmash::export::{tmx_read::read_tmx, write_tmx, TmxOptions};
use tilmash::model::{Lang, TranslationUnit, UnitSide, UnitType};

fn side(lang: Lang, text: &str, doc: &str) -> UnitSide {
    UnitSide {
        lang,
        text: text.to_string(),
        doc: doc.to_string(),
        sentences: vec![0],
    }
}

fn expected(text: &str) -> String {
    text.trim()
        .chars()
        .filter(|&c| !tilmash::normalize::is_forbidden_control(c) || matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

fuzz_target!(|input: (Vec<(String, String)>, String, f64)| {
    let (pairs, doc, score) = input;
    let units: Vec<TranslationUnit> = pairs
        .iter()
        .map(|(s, t)| TranslationUnit {
            src: side(Lang::Ru, s, &doc),
            tgt: side(Lang::Kk, t, &doc),
            bead: "1-1".into(),
            unit_type: UnitType::Parallel,
            score: if score.is_finite() { score } else { 0.0 },
        })
        .collect();
    let opts = TmxOptions::simple(Lang::Ru, Lang::Kk, &doc, &[]);
    let (xml, n) = write_tmx(&units, &opts);
    let read = read_tmx(xml.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    assert_eq!(read.len(), n);
    let kept: Vec<(String, String)> = pairs
        .iter()
        .map(|(s, t)| (expected(s), expected(t)))
        .filter(|(s, t)| !s.is_empty() && !t.is_empty())
        .collect();
    assert_eq!(kept.len(), n);
    for (u, (s, t)) in read.iter().zip(&kept) {
        assert_eq!(&u.variants[0].1, s);
        assert_eq!(&u.variants[1].1, t);
    }
});
