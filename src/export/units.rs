//! From the aligner's units to the units every format writes: drop empty units, apply the
//! pipeline's filters (score, length ratio, language confidence), merge duplicates (keeping every
//! source as provenance), and split or skip segments over the profile's length limit.

use super::config::{ExportConfig, OverLong};
use super::jsonl::{JsonlUnit, Provenance};
use crate::error::Result;
use crate::model::{SegmentedDocument, TranslationUnit};
use crate::normalize::match_key;
use crate::spill::{hash64, Sorter, Weigh};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What happened to the aligner's units of one pair (in `summary.json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UnitCounts {
    /// Units the aligner produced.
    pub aligned: usize,
    /// Dropped: a side was empty after trimming.
    pub empty: usize,
    /// Dropped by `export.min_score`.
    pub below_min_score: usize,
    /// Dropped by `export.max_length_ratio`.
    pub length_ratio: usize,
    /// Dropped by `export.min_lang_confidence`.
    pub lang_confidence: usize,
    /// Merged into another unit with the same texts.
    pub duplicates_exact: usize,
    /// Merged into another unit with the same texts after the align normalization.
    pub duplicates_normalized: usize,
    /// Units over `max_segment_chars` cut into pieces, and the pieces written for them.
    pub over_long_split: usize,
    pub over_long_pieces: usize,
    /// Units over `max_segment_chars` left out.
    pub over_long_skipped: usize,
    /// Units written.
    pub written: usize,
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Lowest language confidence over the unit's sentences (1.0 when unknown), from each
/// document's sentence confidences (`None`: document unknown).
pub fn lang_confidence(
    u: &TranslationUnit,
    confidences: &mut dyn FnMut(&str) -> Option<std::rc::Rc<Vec<f32>>>,
) -> f32 {
    let mut min = 1.0f32;
    for side in [&u.src, &u.tgt] {
        if let Some(c) = confidences(&side.doc) {
            for &i in &side.sentences {
                if let Some(&x) = c.get(i) {
                    min = min.min(x);
                }
            }
        }
    }
    min
}

/// Builds the exported units of one pair, in the aligner's order (in memory: for a few
/// units; a run streams them through `UnitBuilder`).
pub fn build_units(
    raw: &[TranslationUnit],
    docs: &[SegmentedDocument],
    cfg: &ExportConfig,
) -> (Vec<JsonlUnit>, UnitCounts) {
    let by_id: HashMap<&str, std::rc::Rc<Vec<f32>>> = docs
        .iter()
        .map(|d| {
            let c = d.sentences.iter().map(|s| s.lang_confidence).collect();
            (d.id.as_str(), std::rc::Rc::new(c))
        })
        .collect();
    let mut out = Vec::new();
    let mut b = UnitBuilder::new(cfg, std::env::temp_dir(), usize::MAX);
    let built = raw
        .iter()
        .try_for_each(|u| b.push(u, &mut |doc| by_id.get(doc).cloned()))
        .and_then(|()| {
            b.finish(&mut |u| {
                out.push(u);
                Ok(())
            })
        });
    // Nothing is written to disk under an unlimited budget, so nothing can fail.
    let counts = built.unwrap_or_default();
    (out, counts)
}

/// One unit on its way through dedup: its group (groups numbered in order of their first
/// unit) and its place in the pair's order.
#[derive(Clone, Serialize, Deserialize)]
struct Member {
    group: u32,
    seq: u64,
    unit: JsonlUnit,
}

impl Weigh for Member {
    fn weight(&self) -> usize {
        let u = &self.unit;
        160 + u.src.len() + u.tgt.len() + 2 * (u.src_doc.len() + u.tgt_doc.len())
    }
}

/// The export's units of one pair, built from the aligner's units streamed in order: the
/// filters unit by unit; dedup in two steps (each unit gets the number of its group from
/// 64-bit hashes of its texts, exact and after the align normalization, about 50 bytes per
/// distinct unit; then the units, sorted by group in bounded memory, come back a group at a
/// time, so the best of a group is written at the place of its first unit with every other as
/// provenance); then over-long splitting.
pub struct UnitBuilder<'a> {
    cfg: &'a ExportConfig,
    counts: UnitCounts,
    exact: HashMap<u64, u32>,
    normalized: HashMap<u64, u32>,
    groups: u32,
    members: Sorter<Member>,
}

impl<'a> UnitBuilder<'a> {
    /// Dedup spills into `dir` once it holds `budget` bytes of units.
    pub fn new(cfg: &'a ExportConfig, dir: std::path::PathBuf, budget: usize) -> Self {
        UnitBuilder {
            cfg,
            counts: UnitCounts::default(),
            exact: HashMap::new(),
            normalized: HashMap::new(),
            groups: 0,
            members: Sorter::new(dir, budget, |a, b| (a.group, a.seq).cmp(&(b.group, b.seq))),
        }
    }

    /// The next aligner unit of the pair (`confidences` is asked only when
    /// `min_lang_confidence` is set).
    pub fn push(
        &mut self,
        u: &TranslationUnit,
        confidences: &mut dyn FnMut(&str) -> Option<std::rc::Rc<Vec<f32>>>,
    ) -> Result<()> {
        let (cfg, counts) = (self.cfg, &mut self.counts);
        counts.aligned += 1;
        let j = JsonlUnit::from(u);
        if j.src.is_empty() || j.tgt.is_empty() {
            counts.empty += 1;
            return Ok(());
        }
        if j.score < cfg.min_score {
            counts.below_min_score += 1;
            return Ok(());
        }
        if cfg.max_length_ratio > 0.0 {
            let (a, b) = (chars(&j.src) as f64, chars(&j.tgt) as f64);
            if a.max(b) > cfg.max_length_ratio * a.min(b) {
                counts.length_ratio += 1;
                return Ok(());
            }
        }
        if cfg.min_lang_confidence > 0.0
            && lang_confidence(u, confidences) < cfg.min_lang_confidence
        {
            counts.lang_confidence += 1;
            return Ok(());
        }
        let seq = counts.aligned as u64;
        let group = if cfg.dedup {
            let ek = hash64(&(&j.src, &j.tgt));
            let (ns, nt) = (match_key(&j.src), match_key(&j.tgt));
            let nk = hash64(&(&ns, &nt));
            if let Some(&g) = self.exact.get(&ek) {
                counts.duplicates_exact += 1;
                g
            } else if let Some(&g) = self.normalized.get(&nk).filter(|_| !ns.is_empty()) {
                counts.duplicates_normalized += 1;
                self.exact.insert(ek, g);
                g
            } else {
                let g = self.groups;
                self.groups += 1;
                self.exact.insert(ek, g);
                self.normalized.insert(nk, g);
                g
            }
        } else {
            // Every unit its own group: the order stays the pair's.
            counts.aligned as u32
        };
        self.members.push(Member {
            group,
            seq,
            unit: j,
        })
    }

    /// Hands every exported unit to `emit`, in order, and returns the counts.
    pub fn finish(self, emit: &mut dyn FnMut(JsonlUnit) -> Result<()>) -> Result<UnitCounts> {
        let mut counts = self.counts;
        let cfg = self.cfg;
        let mut emit_unit = |u: JsonlUnit, counts: &mut UnitCounts| -> Result<()> {
            let Some(limit) = cfg.max_segment_chars() else {
                counts.written += 1;
                return emit(u);
            };
            if chars(&u.src) <= limit && chars(&u.tgt) <= limit {
                counts.written += 1;
                return emit(u);
            }
            match (cfg.over_long, split_unit(&u, limit)) {
                (OverLong::Split, Some(pieces)) => {
                    counts.over_long_split += 1;
                    counts.over_long_pieces += pieces.len();
                    counts.written += pieces.len();
                    pieces.into_iter().try_for_each(&mut *emit)
                }
                _ => {
                    counts.over_long_skipped += 1;
                    Ok(())
                }
            }
        };
        let sorted = self.members.finish()?;
        let mut group: Vec<JsonlUnit> = Vec::new();
        let mut current = None;
        sorted.each(|m| {
            if current != Some(m.group) {
                if let Some(u) = merge_duplicates(std::mem::take(&mut group)) {
                    emit_unit(u, &mut counts)?;
                }
            }
            current = Some(m.group);
            group.push(m.unit);
            Ok(())
        })?;
        if let Some(u) = merge_duplicates(group) {
            emit_unit(u, &mut counts)?;
        }
        Ok(counts)
    }
}

/// One group of units with the same texts (in the pair's order): the best-scoring (the earlier
/// on ties) with the others as its `duplicates`.
fn merge_duplicates(mut g: Vec<JsonlUnit>) -> Option<JsonlUnit> {
    // Best score first; on ties, the earlier unit (stable sort).
    g.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut it = g.into_iter();
    let mut keep = it.next()?;
    for d in it {
        let how = if d.src == keep.src && d.tgt == keep.tgt {
            "exact"
        } else {
            "normalized"
        };
        keep.duplicates.push(Provenance {
            src_doc: d.src_doc,
            src_sentences: d.src_sentences,
            tgt_doc: d.tgt_doc,
            tgt_sentences: d.tgt_sentences,
            score: d.score,
            dedup: how.to_string(),
        });
    }
    Some(keep)
}

/// Where a text may be cut, after position `i` (a char index just past a space), and how good
/// that place is: 3 after a sentence end, 2 after `;` or `:`, 1 after a comma, 0 between words.
fn break_points(text: &[char]) -> Vec<(usize, u8)> {
    let mut out = Vec::new();
    for i in 1..text.len() {
        if text[i - 1] == ' ' && text[i] != ' ' && i >= 2 {
            let prio = match text[i - 2] {
                '.' | '!' | '?' | '…' => 3,
                ';' | ':' => 2,
                ',' => 1,
                _ => 0,
            };
            out.push((i, prio));
        }
    }
    out
}

/// Cuts `text` into `k` pieces near proportional positions, only at break points at least as
/// good as `min_prio`, preferring better ones.
fn split_text(text: &str, k: usize, min_prio: u8) -> Option<Vec<String>> {
    let cs: Vec<char> = text.chars().collect();
    let n = cs.len();
    let points: Vec<(usize, u8)> = break_points(&cs)
        .into_iter()
        .filter(|p| p.1 >= min_prio)
        .collect();
    let mut cuts = Vec::new();
    let mut prev = 0;
    for i in 1..k {
        let target = (i * n / k) as f64;
        let best = points.iter().filter(|(p, _)| *p > prev).min_by(|a, b| {
            let cost = |(p, prio): &(usize, u8)| {
                (*p as f64 - target).abs() / n as f64 - 0.04 * f64::from(*prio)
            };
            cost(a).total_cmp(&cost(b))
        })?;
        cuts.push(best.0);
        prev = best.0;
    }
    cuts.push(n);
    let mut pieces = Vec::with_capacity(k);
    let mut start = 0;
    for c in cuts {
        let piece: String = cs[start..c].iter().collect::<String>().trim().to_string();
        if piece.is_empty() {
            return None;
        }
        pieces.push(piece);
        start = c;
    }
    Some(pieces)
}

/// Splits an over-long unit into pieces that fit `limit` characters on both sides, or `None`.
/// Both sides are cut into the same number of pieces, only after sentence ends or, failing
/// that, after `;` / `:` — never inside a clause, where the pieces would stop being
/// translations of each other.
pub fn split_unit(u: &JsonlUnit, limit: usize) -> Option<Vec<JsonlUnit>> {
    let longest = chars(&u.src).max(chars(&u.tgt));
    let first = longest.div_ceil(limit).max(2);
    for (k, min_prio) in (first..first + 4).flat_map(|k| [(k, 3), (k, 2)]) {
        let (Some(s), Some(t)) = (
            split_text(&u.src, k, min_prio),
            split_text(&u.tgt, k, min_prio),
        ) else {
            continue;
        };
        if s.iter().chain(&t).all(|p| chars(p) <= limit) {
            return Some(
                s.into_iter()
                    .zip(t)
                    .enumerate()
                    .map(|(i, (src, tgt))| JsonlUnit {
                        id: format!("{}-{}", u.id, i + 1),
                        src,
                        tgt,
                        split: Some(format!("{}/{k}", i + 1)),
                        ..u.clone()
                    })
                    .collect(),
            );
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Lang, UnitSide, UnitType};

    fn tu(src: &str, tgt: &str, s: usize, score: f64) -> TranslationUnit {
        TranslationUnit {
            src: UnitSide {
                lang: Lang::Ru,
                text: src.into(),
                doc: "a.txt".into(),
                sentences: vec![s],
            },
            tgt: UnitSide {
                lang: Lang::Kk,
                text: tgt.into(),
                doc: "b.txt".into(),
                sentences: vec![s],
            },
            bead: "1-1".into(),
            unit_type: UnitType::Parallel,
            score,
        }
    }

    #[test]
    fn dedup_keeps_best_and_every_source() {
        let raw = vec![
            tu("Алаш партиясы.", "Партия Алаш.", 0, 0.6),
            tu("Алаш партиясы.", "Партия Алаш.", 5, 0.9),
            tu("«Алаш» партиясы!", "Партия «Алаш»", 9, 0.7),
            tu("Басқа сөйлем.", "Другое.", 12, 0.8),
            tu(" ", "x", 13, 0.8),
        ];
        let (u, c) = build_units(&raw, &[], &ExportConfig::default());
        assert_eq!(u.len(), 2);
        assert_eq!(c.empty, 1);
        assert_eq!(c.duplicates_exact, 1);
        assert_eq!(c.duplicates_normalized, 1);
        assert_eq!(u[0].score, 0.9);
        assert_eq!(u[0].src_sentences, vec![5]);
        let sources: Vec<_> = u[0].duplicates.iter().map(|d| d.src_sentences[0]).collect();
        assert_eq!(sources, vec![9, 0]);
        assert_eq!(u[0].duplicates[0].dedup, "normalized");
        let off = ExportConfig {
            dedup: false,
            ..Default::default()
        };
        assert_eq!(build_units(&raw, &[], &off).0.len(), 4);
    }

    #[test]
    fn filters_count_what_they_drop() {
        let raw = vec![
            tu(
                "Короткое.",
                "Бұл өте ұзын сөйлем, тым ұзын, тіпті ұзынырақ.",
                0,
                0.9,
            ),
            tu("Нормальное предложение.", "Қалыпты сөйлем.", 1, 0.2),
            tu("Нормальное предложение два.", "Қалыпты сөйлем екі.", 2, 0.9),
        ];
        let cfg = ExportConfig {
            min_score: 0.5,
            max_length_ratio: 3.0,
            ..Default::default()
        };
        let (u, c) = build_units(&raw, &[], &cfg);
        assert_eq!(u.len(), 1);
        assert_eq!((c.below_min_score, c.length_ratio, c.written), (1, 1, 1));
    }

    #[test]
    fn over_long_units_are_split_at_sentence_ends_or_skipped() {
        let s = "Бірінші сөйлем осында, ол ұзын. ".repeat(80);
        let t = "Первое предложение здесь, оно длинное. ".repeat(80);
        let raw = vec![tu(&s, &t, 0, 0.9), tu(&"а".repeat(3000), "б", 1, 0.9)];
        let cfg = ExportConfig {
            profile: super::super::TmxProfile::Trados,
            ..Default::default()
        };
        let (u, c) = build_units(&raw, &[], &cfg);
        assert_eq!(c.over_long_split, 1);
        assert_eq!(c.over_long_skipped, 1);
        assert!(u.len() >= 2);
        for p in &u {
            assert!(p.src.chars().count() <= 2000 && p.tgt.chars().count() <= 2000);
            assert!(p.src.ends_with('.'), "{}", p.src);
            assert!(p.split.is_some());
        }
        let skip = ExportConfig {
            over_long: OverLong::Skip,
            ..cfg
        };
        let (u, c) = build_units(&raw, &[], &skip);
        assert_eq!((u.len(), c.over_long_skipped), (0, 2));
    }
}
