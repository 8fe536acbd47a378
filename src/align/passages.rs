//! Passage matching across documents: which runs of sentences in one language are likely
//! counterparts of runs in another. Basic version: shared numbers and length, mutual best match.

use crate::model::Lang;
use std::collections::BTreeSet;

/// A run of consecutive sentences of one language in one document.
#[derive(Debug, Clone)]
pub struct Passage {
    pub doc: usize,
    pub lang: Lang,
    /// Indices into the document's sentence list.
    pub sentences: Vec<usize>,
    pub chars: usize,
    pub anchors: BTreeSet<String>,
}

/// Numbers of two or more digits: years, dates, counts survive translation unchanged.
pub fn number_anchors(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|t| t.len() >= 2)
        .map(str::to_string)
}

/// Similarity of two passages in [0, 1]: anchor overlap damped by length mismatch.
pub fn similarity(a: &Passage, b: &Passage, ratio: f64) -> f64 {
    let shared = a.anchors.intersection(&b.anchors).count() as f64;
    let union = a.anchors.union(&b.anchors).count() as f64;
    let anchor = if union == 0.0 { 0.0 } else { shared / union };
    let expected = a.chars as f64 * ratio;
    let len = (expected.min(b.chars as f64) / expected.max(b.chars as f64).max(1.0)).max(0.0);
    anchor * 0.7 + len * 0.3 * (shared > 0.0) as u8 as f64
}

/// Pairs of passage indices (into `a`, `b`) that are each other's best match above `threshold`,
/// sorted by (a, b).
pub fn mutual_best(
    a: &[Passage],
    b: &[Passage],
    ratio: f64,
    threshold: f64,
) -> Vec<(usize, usize, f64)> {
    let sims: Vec<Vec<f64>> = a
        .iter()
        .map(|pa| b.iter().map(|pb| similarity(pa, pb, ratio)).collect())
        .collect();
    let best_for_b: Vec<Option<usize>> = (0..b.len())
        .map(|j| {
            (0..a.len())
                .filter(|&i| sims[i][j] > threshold)
                .max_by(|&x, &y| sims[x][j].total_cmp(&sims[y][j]).then(y.cmp(&x)))
        })
        .collect();
    let mut out = Vec::new();
    for (i, row) in sims.iter().enumerate() {
        let best = (0..b.len())
            .filter(|&j| row[j] > threshold)
            .max_by(|&x, &y| row[x].total_cmp(&row[y]).then(y.cmp(&x)));
        if let Some(j) = best {
            if best_for_b[j] == Some(i) {
                out.push((i, j, row[j]));
            }
        }
    }
    out
}
