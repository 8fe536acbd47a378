//! Sentence-boundary F1 of the segmenter on the dev sets in ../shared/data (the metric of
//! ../shared/tools/eval/seg_eval.py: boundaries as offsets in the text without whitespace, summed
//! over units). The floors sit just under the measured figures (docs/evaluation-segmentation.md),
//! so a change that loses ground fails here.

mod common;

use common::shared;
use std::collections::HashSet;
use std::path::Path;
use tilmash::model::Lang;
use tilmash::segment;

fn boundaries<S: AsRef<str>>(sentences: &[S]) -> HashSet<usize> {
    let mut out = HashSet::new();
    let mut pos = 0;
    for s in sentences {
        pos += s.as_ref().chars().filter(|c| !c.is_whitespace()).count();
        out.insert(pos);
    }
    out.remove(&pos);
    out
}

#[derive(Default)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn add(&mut self, gold: &[&str], text: &str, lang: Lang) {
        let g = boundaries(gold);
        let s = boundaries(&segment::split_str(text, lang));
        self.tp += g.intersection(&s).count();
        self.fp += s.difference(&g).count();
        self.fn_ += g.difference(&s).count();
    }
    fn f1(&self) -> f64 {
        let p = self.tp as f64 / (self.tp + self.fp).max(1) as f64;
        let r = self.tp as f64 / (self.tp + self.fn_).max(1) as f64;
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn read(p: &Path) -> Option<String> {
    std::fs::read_to_string(p).ok()
}

/// A UD folder: paragraphs.txt lines are the units, paragraphs.tsv says which gold sentences.
fn ud_f1(dir: &Path, lang: Lang, code: &str) -> Option<f64> {
    let sents = read(&dir.join(format!("{code}.sentences.txt")))?;
    let paras = read(&dir.join(format!("{code}.paragraphs.txt")))?;
    let tsv = read(&dir.join(format!("{code}.paragraphs.tsv")))?;
    let sents: Vec<&str> = sents.lines().collect();
    let mut c = Counts::default();
    for (line, row) in paras.lines().zip(tsv.lines()) {
        let mut cols = row.split('\t');
        let a: usize = cols.next()?.parse().ok()?;
        let b: usize = cols.next()?.parse().ok()?;
        c.add(&sents[a..b], line, lang);
    }
    Some(c.f1())
}

/// A parallel folder: each document's lines joined with a space.
fn parallel_f1(dir: &Path, lang: Lang, code: &str) -> Option<f64> {
    let lines = read(&dir.join(format!("{code}.txt")))?;
    let docs = read(&dir.join("docs.tsv"))?;
    let lines: Vec<&str> = lines.lines().collect();
    let mut c = Counts::default();
    for row in docs.lines() {
        let mut cols = row.split('\t');
        let a: usize = cols.next()?.parse().ok()?;
        let b: usize = cols.next()?.parse().ok()?;
        let unit: Vec<&str> = lines[a..b]
            .iter()
            .copied()
            .filter(|l| !l.trim().is_empty())
            .collect();
        c.add(&unit, &unit.join(" "), lang);
    }
    Some(c.f1())
}

#[test]
fn boundary_f1_stays_above_the_floors() {
    let Some(shared) = shared() else {
        eprintln!("NOTICE: skipping segmentation F1 (../shared not found)");
        return;
    };
    let data = shared.join("data");
    let cases: [(&str, Lang, &str, bool, f64); 12] = [
        ("ud_en_ewt", Lang::En, "en", true, 0.87),
        ("ud_en_gum", Lang::En, "en", true, 0.96),
        ("ud_kk_ktb", Lang::Kk, "kk", true, 0.99),
        ("ud_pud_ru-en", Lang::Ru, "ru", true, 0.99),
        ("ud_pud_ru-en", Lang::En, "en", true, 0.99),
        ("ud_ru_gsd", Lang::Ru, "ru", true, 0.98),
        ("ud_ru_taiga", Lang::Ru, "ru", true, 0.63),
        ("wmt19_newsdev2019_kk-en", Lang::Kk, "kk", false, 0.96),
        ("wmt19_newsdev2019_kk-en", Lang::En, "en", false, 0.98),
        (
            "flores200_devtest_part1_kk-ru-en",
            Lang::Kk,
            "kk",
            false,
            0.90,
        ),
        (
            "flores200_devtest_part1_kk-ru-en",
            Lang::Ru,
            "ru",
            false,
            0.91,
        ),
        ("udhr_kk-ru-en", Lang::Kk, "kk", false, 0.75),
    ];
    for (set, lang, code, ud, floor) in cases {
        let dir = data.join(set);
        let f1 = if ud {
            ud_f1(&dir, lang, code)
        } else {
            parallel_f1(&dir, lang, code)
        };
        let Some(f1) = f1 else {
            eprintln!("NOTICE: skipping {set}/{code} (files not found)");
            continue;
        };
        eprintln!("{set} {code}: F1 {f1:.4} (floor {floor})");
        assert!(f1 >= floor, "{set} {code}: F1 {f1:.4} fell below {floor}");
    }
}
