//! Bead-shape priors re-estimated per document, as the length ratio is: the first pass's beads
//! say how often this document leaves a sentence out and how often it merges two, and the
//! second pass prices skips and merges from those rates. A clean document then makes a skip or
//! a merge dearer than the defaults do; one whose translator merged many sentences makes a merge
//! cheaper; one with many deletions makes a skip cheaper.
//!
//! The defaults (`skip_cost`, `merge_cost`) stand for the prior rates `shape_prior_skip_rate`
//! (skipped sentences per sentence) and `shape_prior_merge_rate` (merge beads per bead with both
//! sides). The document's rate is smoothed toward the prior, which weighs as
//! `shape_prior_weight` beads (sentences for the skip rate), and a cost moves by the log of the
//! ratio of the two rates, at most `shape_adapt_max` either way.

use super::search::SearchCosts;
use super::AlignConfig;

/// How many sentences and beads of each kind a path holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShapeCounts {
    /// Sentences of both sides.
    pub sentences: usize,
    /// Sentences left unaligned (1-0 and 0-1 beads).
    pub skipped: usize,
    /// Beads with both sides.
    pub pairs: usize,
    /// Merges among them: a 2-1 / 1-2 counts one, a 2-2 two, a 3-1 / 1-3 two.
    pub merges: usize,
}

impl ShapeCounts {
    pub fn of(shapes: &[(usize, usize)]) -> ShapeCounts {
        let mut c = ShapeCounts::default();
        for &(a, b) in shapes {
            c.sentences += a + b;
            if a == 0 || b == 0 {
                c.skipped += a + b;
            } else {
                c.pairs += 1;
                c.merges += (a - 1) + (b - 1);
            }
        }
        c
    }
}

/// How much dearer (positive) or cheaper a kind of bead gets: −ln of the smoothed rate over the
/// prior rate, clamped to ±`max`.
fn shift(events: usize, trials: usize, prior_rate: f64, weight: f64, max: f64) -> f64 {
    if prior_rate <= 0.0 || weight <= 0.0 {
        return 0.0;
    }
    let rate = (events as f64 + weight * prior_rate) / (trials as f64 + weight);
    (-(rate / prior_rate).ln()).clamp(-max, max)
}

/// The search costs of the second pass for a document whose first pass gave `shapes`; the costs
/// themselves when the re-estimation is off (`shape_prior_weight` ≤ 0).
pub fn adapt(costs: SearchCosts, shapes: &[(usize, usize)], cfg: &AlignConfig) -> SearchCosts {
    let w = cfg.shape_prior_weight;
    if w <= 0.0 {
        return costs;
    }
    let c = ShapeCounts::of(shapes);
    let max = cfg.shape_adapt_max.max(0.0);
    let skip = shift(c.skipped, c.sentences, cfg.shape_prior_skip_rate, w, max);
    let merge = shift(c.merges, c.pairs, cfg.shape_prior_merge_rate, w, max);
    let new_skip = (costs.skip + skip).max(0.0);
    // A 1-1 costs at most two skips less `substitute_margin`. With `shape_adapt_keeps_cap` that
    // cap stays where the default skip put it: a cheaper skip would otherwise cap every poor 1-1
    // lower too, and a deletion-heavy document would shift its pairs instead of leaving the
    // deleted sentences out.
    let substitute_margin = if cfg.shape_adapt_keeps_cap {
        costs.substitute_margin + 2.0 * (new_skip - costs.skip)
    } else {
        costs.substitute_margin
    };
    SearchCosts {
        // never cheaper than nothing: a skip must still cost more than a pair of no evidence
        skip: new_skip,
        substitute_margin,
        merge: (costs.merge + merge).max(0.0),
        merge22: (costs.merge22 + 2.0 * merge).max(0.0),
        merge31: costs.merge31 + 2.0 * merge,
        ..costs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(weight: f64) -> AlignConfig {
        AlignConfig {
            shape_prior_weight: weight,
            ..AlignConfig::default()
        }
    }

    #[test]
    fn counts_of_a_path() {
        let c = ShapeCounts::of(&[(1, 1), (2, 1), (1, 0), (0, 1), (2, 2), (1, 1)]);
        assert_eq!(
            c,
            ShapeCounts {
                sentences: 13,
                skipped: 2,
                pairs: 4,
                merges: 3
            }
        );
    }

    #[test]
    fn clean_documents_make_skips_and_merges_dearer() {
        let base = AlignConfig::default().search_costs();
        let clean = vec![(1, 1); 60];
        let a = adapt(base, &clean, &cfg(20.0));
        assert!(a.skip > base.skip + 0.5, "{} vs {}", a.skip, base.skip);
        assert!(a.merge > base.merge + 0.5);
        assert!((a.merge22 - base.merge22 - 2.0 * (a.merge - base.merge)).abs() < 1e-9);
        // off: unchanged
        let off = adapt(base, &clean, &cfg(0.0));
        assert_eq!((off.skip, off.merge), (base.skip, base.merge));
    }

    #[test]
    fn merge_heavy_documents_make_merges_cheaper_and_skips_dearer() {
        let base = AlignConfig::default().search_costs();
        let mut shapes = vec![(1, 1); 40];
        for k in 0..10 {
            shapes[k * 4] = (2, 1);
        }
        let a = adapt(base, &shapes, &cfg(20.0));
        assert!(a.merge < base.merge - 0.3, "{} vs {}", a.merge, base.merge);
        assert!(a.skip > base.skip);
        // deletions: skips cheaper
        let mut del = vec![(1, 1); 40];
        for k in 0..8 {
            del[k * 5] = (1, 0);
        }
        let d = adapt(base, &del, &cfg(20.0));
        assert!(d.skip < base.skip - 0.3, "{} vs {}", d.skip, base.skip);
        // clamped
        let all = adapt(base, &vec![(1, 0); 200], &cfg(1.0));
        let max = AlignConfig::default().shape_adapt_max;
        assert!((base.skip - all.skip - max).abs() < 1e-9);
    }

    /// A document whose translator merged every fourth pair of sentences: the first pass leaves
    /// a sentence without evidence (its translation is three short words at the end of the line
    /// before) unaligned, since length argues against the merge; with the document's merge rate
    /// the second pass makes the merge.
    #[test]
    fn a_merge_heavy_document_merges_a_sentence_its_first_pass_left_out() {
        use crate::model::{Bead, Lang};
        let n = 30;
        let src_lines: Vec<String> = (0..n)
            .map(|k| {
                format!(
                    "В {} году комиссия рассмотрела {} заявлений.",
                    1900 + k,
                    10 + k
                )
            })
            .collect();
        let tgt_lines: Vec<String> = (0..n)
            .map(|k| {
                format!(
                    "In {} the commission reviewed {} applications.",
                    1900 + k,
                    10 + k
                )
            })
            .collect();
        let mut tgt: Vec<String> = Vec::new();
        let mut k = 0;
        while k < n {
            if k % 4 == 1 && k + 1 < n {
                tgt.push(format!("{} {}", tgt_lines[k], tgt_lines[k + 1]));
                k += 2;
            } else {
                tgt.push(tgt_lines[k].clone());
                k += 1;
            }
        }
        let mut src = src_lines.clone();
        src.insert(
            16,
            "Собравшиеся в большом зале представители общественности долго молчали.".into(),
        );
        let line = tgt
            .iter()
            .position(|t| t.ends_with("reviewed 25 applications."))
            .expect("line of 1915");
        tgt[line].push_str(" All were silent.");
        let s: Vec<&str> = src.iter().map(String::as_str).collect();
        let t: Vec<&str> = tgt.iter().map(String::as_str).collect();
        let run = |weight: f64| {
            let cfg = AlignConfig {
                shape_prior_weight: weight,
                shape_prior_skip_rate: 0.03,
                shape_prior_merge_rate: 0.08,
                ..AlignConfig::default()
            };
            crate::align::align_langs(&s, &t, Lang::Ru, Lang::En, &cfg).unwrap()
        };
        let has = |beads: &[Bead], src: Vec<usize>, tgt: Vec<usize>| {
            beads.iter().any(|b| b.src == src && b.tgt == tgt)
        };
        let fixed = run(0.0);
        assert!(has(&fixed, vec![16], vec![]), "{fixed:?}");
        let adapted = run(10.0);
        assert!(has(&adapted, vec![15, 16], vec![line]), "{adapted:?}");
        // every other merge of the document is found either way
        for b in [&fixed, &adapted] {
            assert!(b.iter().filter(|b| b.src.len() == 2).count() >= 7);
        }
    }
}
