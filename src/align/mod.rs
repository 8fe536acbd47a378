//! Sentence alignment: a dynamic programme over beads (0-1, 1-0, 1-1, 1-2, 2-1, 2-2) scored by
//! sentence length in the Gale–Church manner. Basic version: full DP, length signal only.

pub mod passages;

use crate::model::Bead;

/// Settings of the aligner that a pipeline file can change.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlignConfig {
    /// Beads scoring below this are left out of exports (still counted in the summary).
    pub min_score: f64,
    /// Expected target/source length ratio; `None` estimates it from the data.
    pub length_ratio: Option<f64>,
    /// Variance of the length difference per character (Gale–Church s²).
    pub variance: f64,
}

impl Default for AlignConfig {
    fn default() -> Self {
        AlignConfig {
            min_score: 0.3,
            length_ratio: None,
            variance: 6.8,
        }
    }
}

/// Bead shapes with their prior probabilities (Gale & Church 1993, table 5).
const SHAPES: [(usize, usize, f64); 6] = [
    (1, 1, 0.89),
    (1, 0, 0.0099 / 2.0),
    (0, 1, 0.0099 / 2.0),
    (2, 1, 0.089 / 2.0),
    (1, 2, 0.089 / 2.0),
    (2, 2, 0.011),
];

/// Standard normal upper tail, via the Abramowitz–Stegun erfc approximation.
fn normal_tail(z: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.5 * z.abs());
    let y = t
        * (-z * z / 2.0 - 1.26551223
            + t * (1.00002368
                + t * (0.37409196
                    + t * (0.09678418
                        + t * (-0.18628806
                            + t * (0.27886187
                                + t * (-1.13520398
                                    + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))))
            .exp();
    if z >= 0.0 {
        y / 2.0
    } else {
        1.0 - y / 2.0
    }
}

/// Probability that lengths `l1`, `l2` are translations, under the length model.
fn length_match_prob(l1: f64, l2: f64, ratio: f64, variance: f64) -> f64 {
    if l1 == 0.0 && l2 == 0.0 {
        return 1.0;
    }
    let mean = (l1 + l2 / ratio) / 2.0;
    let delta = (l2 - l1 * ratio) / (mean.max(1.0) * variance).sqrt();
    (2.0 * normal_tail(delta.abs())).max(1e-12)
}

/// Estimates the target/source character ratio from the totals.
pub fn estimate_ratio(src_lens: &[usize], tgt_lens: &[usize]) -> f64 {
    let s: usize = src_lens.iter().sum();
    let t: usize = tgt_lens.iter().sum();
    if s == 0 || t == 0 {
        1.0
    } else {
        (t as f64 / s as f64).clamp(0.2, 5.0)
    }
}

/// Aligns two sentence sequences given their lengths in characters.
pub fn align_lengths(src: &[usize], tgt: &[usize], cfg: &AlignConfig) -> Vec<Bead> {
    let (n, m) = (src.len(), tgt.len());
    let ratio = cfg.length_ratio.unwrap_or_else(|| estimate_ratio(src, tgt));
    let w = m + 1;
    let mut cost = vec![f64::INFINITY; (n + 1) * w];
    let mut back = vec![0u8; (n + 1) * w];
    cost[0] = 0.0;
    for i in 0..=n {
        for j in 0..=m {
            if i == 0 && j == 0 {
                continue;
            }
            let mut best = f64::INFINITY;
            let mut arg = 0u8;
            for (k, &(di, dj, prior)) in SHAPES.iter().enumerate() {
                if di > i || dj > j {
                    continue;
                }
                let prev = cost[(i - di) * w + (j - dj)];
                if !prev.is_finite() {
                    continue;
                }
                let l1: usize = src[i - di..i].iter().sum();
                let l2: usize = tgt[j - dj..j].iter().sum();
                let p = if di == 0 || dj == 0 {
                    1.0
                } else {
                    length_match_prob(l1 as f64, l2 as f64, ratio, cfg.variance)
                };
                let c = prev - prior.ln() - p.ln();
                if c < best {
                    best = c;
                    arg = k as u8;
                }
            }
            cost[i * w + j] = best;
            back[i * w + j] = arg;
        }
    }
    let mut beads = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let (di, dj, _) = SHAPES[back[i * w + j] as usize];
        let l1: usize = src[i - di..i].iter().sum();
        let l2: usize = tgt[j - dj..j].iter().sum();
        let score = if di == 0 || dj == 0 {
            0.0
        } else {
            length_match_prob(l1 as f64, l2 as f64, ratio, cfg.variance)
        };
        beads.push(Bead {
            src: (i - di..i).collect(),
            tgt: (j - dj..j).collect(),
            score: (score * 1e4).round() / 1e4,
        });
        i -= di;
        j -= dj;
    }
    beads.reverse();
    beads
}

/// Aligns two sequences of sentences (align-profile text).
pub fn align(src: &[&str], tgt: &[&str], cfg: &AlignConfig) -> Vec<Bead> {
    let sl: Vec<usize> = src.iter().map(|s| s.chars().count()).collect();
    let tl: Vec<usize> = tgt.iter().map(|s| s.chars().count()).collect();
    align_lengths(&sl, &tl, cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_to_one_when_lengths_match() {
        let beads = align_lengths(&[40, 80, 20], &[42, 79, 22], &AlignConfig::default());
        let shapes: Vec<String> = beads.iter().map(Bead::kind).collect();
        assert_eq!(shapes, vec!["1-1", "1-1", "1-1"]);
        assert!(beads.iter().all(|b| b.score > 0.5));
    }

    #[test]
    fn finds_a_merge() {
        let beads = align_lengths(&[40, 50, 60, 30], &[41, 112, 29], &AlignConfig::default());
        let shapes: Vec<String> = beads.iter().map(Bead::kind).collect();
        assert_eq!(shapes, vec!["1-1", "2-1", "1-1"]);
    }

    #[test]
    fn empty_sides() {
        assert!(align_lengths(&[], &[], &AlignConfig::default()).is_empty());
        let b = align_lengths(&[10, 20], &[], &AlignConfig::default());
        assert_eq!(b.len(), 2);
        assert!(b.iter().all(|b| b.tgt.is_empty()));
    }
}
