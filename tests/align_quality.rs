//! Accuracy floor of the sentence aligner on the development data in ../shared/data (skipped with
//! a NOTICE when it is absent): cases built as `make_cases.py` builds them (clean; merge: 15 % of
//! adjacent target lines joined, gold 2-1; delete: 10 % of target lines removed, gold 1-0), scored
//! by strict F1 in Vecalign's convention, and the calibration property of the bead scores (also
//! with deletions on both sides).
mod common;
use common::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use tilmash::align::{self, AlignConfig};
use tilmash::model::{Bead, Lang};
use tilmash::normalize::{self, Profile};

type Key = (Vec<usize>, Vec<usize>);

/// A small deterministic generator (the cases must be the same on every run).
struct Lcg(u64);

impl Lcg {
    fn unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Mode {
    Clean,
    Merge,
    Delete,
    /// 10 % of source and 10 % of target lines removed (never both of a pair): a stress case,
    /// outside the checked modes, for the calibration only.
    DeleteBoth,
}

/// Source lines, target lines and gold beads of one case made from parallel lines.
fn make_case(
    src: &[String],
    tgt: &[String],
    mode: Mode,
    rng: &mut Lcg,
) -> (Vec<String>, Vec<String>, Vec<Key>) {
    let (mut t, mut gold) = (Vec::new(), Vec::new());
    if mode == Mode::DeleteBoth {
        let mut s = Vec::new();
        for k in 0..src.len() {
            let r = rng.unit();
            if r < 0.1 {
                gold.push((vec![], vec![t.len()]));
                t.push(tgt[k].clone());
            } else if r < 0.2 {
                gold.push((vec![s.len()], vec![]));
                s.push(src[k].clone());
            } else {
                gold.push((vec![s.len()], vec![t.len()]));
                s.push(src[k].clone());
                t.push(tgt[k].clone());
            }
        }
        return (s, t, gold);
    }
    let mut k = 0;
    while k < src.len() {
        match mode {
            Mode::Merge if k + 1 < src.len() && rng.unit() < 0.15 => {
                gold.push((vec![k, k + 1], vec![t.len()]));
                t.push(format!("{} {}", tgt[k], tgt[k + 1]));
                k += 2;
                continue;
            }
            Mode::Delete if rng.unit() < 0.10 => gold.push((vec![k], vec![])),
            _ => {
                gold.push((vec![k], vec![t.len()]));
                t.push(tgt[k].clone());
            }
        }
        k += 1;
    }
    (src.to_vec(), t, gold)
}

#[derive(Default)]
struct Counts {
    p_hit: usize,
    p_all: usize,
    r_hit: usize,
    r_all: usize,
    /// beads with score ≥ 0.5, and how many of them gold has
    confident: usize,
    confident_ok: usize,
}

impl Counts {
    fn add(&mut self, gold: &[Key], sys: &[Bead]) {
        let g: HashSet<&Key> = gold.iter().collect();
        let keys: Vec<Key> = sys.iter().map(|b| (b.src.clone(), b.tgt.clone())).collect();
        let s: HashSet<&Key> = keys
            .iter()
            .filter(|k| !k.0.is_empty() && !k.1.is_empty())
            .collect();
        self.p_all += keys.len();
        self.p_hit += keys.iter().filter(|k| g.contains(k)).count();
        let gold_pairs: Vec<&Key> = gold
            .iter()
            .filter(|k| !k.0.is_empty() && !k.1.is_empty())
            .collect();
        self.r_all += gold_pairs.len();
        self.r_hit += gold_pairs.iter().filter(|k| s.contains(*k)).count();
        for (b, k) in sys.iter().zip(&keys) {
            if b.score >= 0.5 {
                self.confident += 1;
                self.confident_ok += g.contains(k) as usize;
            }
        }
    }

    fn f1(&self) -> f64 {
        let p = self.p_hit as f64 / self.p_all.max(1) as f64;
        let r = self.r_hit as f64 / self.r_all.max(1) as f64;
        if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        }
    }
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

/// Documents of a parallel set (start, end), joined into groups of at least `min` lines.
fn groups(dir: &Path, min: usize, limit: usize) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for l in std::fs::read_to_string(dir.join("docs.tsv"))
        .unwrap_or_default()
        .lines()
    {
        let mut f = l.split('\t');
        let (Some(a), Some(b)) = (f.next(), f.next()) else {
            continue;
        };
        let (Ok(a), Ok(b)) = (a.parse::<usize>(), b.parse::<usize>()) else {
            continue;
        };
        match out.last_mut() {
            Some(last) if last.1 - last.0 < min && last.1 == a => last.1 = b,
            _ => out.push((a, b)),
        }
    }
    out.truncate(limit);
    out
}

fn align(src: &[String], tgt: &[String], sl: Lang, tl: Lang) -> Vec<Bead> {
    let a: Vec<String> = src
        .iter()
        .map(|s| normalize::normalize(s, Profile::Align))
        .collect();
    let b: Vec<String> = tgt
        .iter()
        .map(|s| normalize::normalize(s, Profile::Align))
        .collect();
    let ra: Vec<&str> = a.iter().map(String::as_str).collect();
    let rb: Vec<&str> = b.iter().map(String::as_str).collect();
    align::align_langs(&ra, &rb, sl, tl, &AlignConfig::default()).expect("aligns")
}

/// Per (set, pair, mode): strict F1; and the counts over all cases. `None` without ../shared.
fn measure() -> Option<(Vec<(String, f64)>, Counts)> {
    measure_modes(&[Mode::Clean, Mode::Merge, Mode::Delete])
}

fn measure_modes(modes: &[Mode]) -> Option<(Vec<(String, f64)>, Counts)> {
    let Some(shared) = shared() else {
        skip("aligner accuracy on ../shared/data (absent)");
        return None;
    };
    let data = shared.join("data");
    // (set, pairs, group lines, documents used): a quick subset of every set
    let sets = [
        (
            "flores200_devtest_part1_kk-ru-en",
            &["kk-en", "kk-ru", "ru-en"][..],
            20,
            12,
        ),
        ("udhr_kk-ru-en", &["kk-en", "kk-ru", "ru-en"][..], 1, 15),
        ("wmt19_newsdev2019_kk-en", &["kk-en"][..], 1, 30),
        ("ud_pud_ru-en/parallel", &["ru-en"][..], 40, 6),
    ];
    let mut all = Counts::default();
    let mut rows = Vec::new();
    for (set, pairs, min, limit) in sets {
        let dir = data.join(set);
        if !dir.join("docs.tsv").is_file() {
            skip(&format!("{set} (absent from ../shared/data)"));
            continue;
        }
        for pair in pairs {
            let (sl, tl) = pair.split_once('-').expect("pair");
            let (sv, tv) = (
                lines(&dir.join(format!("{sl}.txt"))),
                lines(&dir.join(format!("{tl}.txt"))),
            );
            let (slang, tlang) = (
                Lang::parse_working(sl).unwrap(),
                Lang::parse_working(tl).unwrap(),
            );
            for &mode in modes {
                let mut c = Counts::default();
                let mut rng = Lcg(0x5eed ^ (set.len() as u64) << 8 ^ mode as u64);
                for (a, b) in groups(&dir, min, limit) {
                    if b > sv.len() || b > tv.len() {
                        continue;
                    }
                    let (s, t, gold) = make_case(&sv[a..b], &tv[a..b], mode, &mut rng);
                    let beads = align(&s, &t, slang, tlang);
                    c.add(&gold, &beads);
                    all.add(&gold, &beads);
                }
                rows.push((format!("{set} {pair} {mode:?}"), c.f1()));
            }
        }
    }
    Some((rows, all))
}

#[test]
fn strict_f1_floor_on_development_data() {
    let Some((rows, _)) = measure() else { return };
    let mut below = Vec::new();
    for (name, f1) in &rows {
        eprintln!("{name}: strict F1 {f1:.3}");
        // the floor; UDHR's few documents give each bead 2-3 % of the score, so one
        // bead below it is allowed there
        let floor = if name.starts_with("udhr") { 0.95 } else { 0.97 };
        if *f1 < floor {
            below.push(format!("{name}: {f1:.3} < {floor}"));
        }
    }
    assert!(!rows.is_empty());
    assert!(
        below.is_empty(),
        "strict F1 below the floor:\n{}",
        below.join("\n")
    );
}

#[test]
fn beads_scored_half_or_more_are_95_percent_correct() {
    let Some((_, all)) = measure() else { return };
    let share = all.confident_ok as f64 / all.confident.max(1) as f64;
    eprintln!(
        "beads scored ≥ 0.5: {} of {}, {share:.4} correct",
        all.confident, all.p_all
    );
    assert!(all.confident > 0);
    assert!(
        share >= 0.95,
        "beads scored ≥ 0.5 are only {share:.4} correct"
    );
}

/// The calibration is fitted on deletions on both sides too (docs/evaluation-alignment.md,
/// Calibration): there a pair that shares no evidence with its partner is often two deletions,
/// and must not score as a sure pair. (These cases give 0.978; the map fitted on the checked
/// modes alone gave 0.962.)
#[test]
fn with_deletions_on_both_sides_beads_scored_half_or_more_stay_97_percent_correct() {
    let Some((_, all)) = measure_modes(&[Mode::DeleteBoth]) else {
        return;
    };
    let share = all.confident_ok as f64 / all.confident.max(1) as f64;
    eprintln!(
        "deletions on both sides, beads scored ≥ 0.5: {} of {}, {share:.4} correct",
        all.confident, all.p_all
    );
    assert!(all.confident > 0);
    assert!(
        share >= 0.97,
        "beads scored ≥ 0.5 are only {share:.4} correct"
    );
}

/// The WMT19 newsdev kk-en set (folder, Kazakh lines, English lines); `None`, with a notice naming
/// `what` is skipped, when ../shared or the set is absent.
fn wmt19_kk_en(what: &str) -> Option<(PathBuf, Vec<String>, Vec<String>)> {
    let Some(shared) = shared() else {
        skip(&format!("{what} from ../shared/data (absent)"));
        return None;
    };
    let dir = shared.join("data/wmt19_newsdev2019_kk-en");
    let (sv, tv) = (lines(&dir.join("kk.txt")), lines(&dir.join("en.txt")));
    if sv.is_empty() || sv.len() != tv.len() || !dir.join("docs.tsv").is_file() {
        skip(&format!(
            "{what}: wmt19_newsdev2019_kk-en (absent from ../shared/data)"
        ));
        return None;
    }
    Some((dir, sv, tv))
}

/// A long document (the whole WMT19 set five times as one case, ≈ 10,000 lines: far above the size that is
/// searched in full, so the coarse levels of the pyramid decide the band) aligns as well as its
/// parts: a cost that holds for one sentence but not for a block of them shows up only here.
#[test]
fn long_document_through_the_coarse_levels() {
    let Some((_, sv, tv)) = wmt19_kk_en("aligner accuracy on a long document") else {
        return;
    };
    // five copies end to end, as the speed benchmark builds its long inputs
    let five = |v: Vec<String>| -> Vec<String> { (0..5).flat_map(|_| v.iter().cloned()).collect() };
    let (sv, tv) = (five(sv), five(tv));
    for mode in [Mode::Clean, Mode::Delete] {
        let mut rng = Lcg(0x10_4e ^ mode as u64);
        let (s, t, gold) = make_case(&sv, &tv, mode, &mut rng);
        let beads = align(&s, &t, Lang::Kk, Lang::En);
        let mut c = Counts::default();
        c.add(&gold, &beads);
        eprintln!("wmt19 kk-en whole set {mode:?}: strict F1 {:.3}", c.f1());
        assert!(c.f1() >= 0.96, "{mode:?}: strict F1 {:.3} < 0.96", c.f1());
    }
}

/// News translated line for line (WMT19 newsdev kk-en, every document as it comes): the
/// translators moved clauses across line breaks, so a content-led search pairs some lines
/// otherwise than the files do. Files with as many lines keep their line pairs where the search
/// agrees with most of them: hunalign's length-led diagonal scores 0.993 strict F1 on these
/// documents (docs/evaluation-alignment.md), and tilmash must not score less.
#[test]
fn line_aligned_news_keeps_its_line_pairs() {
    let Some((dir, sv, tv)) = wmt19_kk_en("line-aligned news") else {
        return;
    };
    let mut c = Counts::default();
    let mut documents = 0;
    for (a, b) in groups(&dir, 1, usize::MAX) {
        let mut rng = Lcg(1);
        let (s, t, gold) = make_case(&sv[a..b], &tv[a..b], Mode::Clean, &mut rng);
        c.add(&gold, &align(&s, &t, Lang::Kk, Lang::En));
        documents += 1;
    }
    eprintln!(
        "wmt19 kk-en, {documents} documents as they come: strict F1 {:.4}",
        c.f1()
    );
    assert!(documents >= 100, "{documents} documents");
    assert!(c.f1() >= 0.993, "strict F1 {:.4} < 0.993", c.f1());
}
