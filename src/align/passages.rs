//! Passage matching across documents: which paragraphs of one language are likely counterparts
//! (translations, or accounts of the same event) of paragraphs in another, over a whole corpus
//! with no document pairing given.
//!
//! A passage's *anchors* are the concept numbers of its sentences (see `score.rs`): numbers and
//! dates, names through transliteration keys, seed / user / induced lexicon concepts, cognates;
//! punctuation is left out. An inverted index from anchor to target passages means only passages
//! that share an anchor are ever compared, so the cost grows with the candidate matches, not with
//! the product of the corpus sizes. Anchors are weighted by rarity (inverse passage frequency);
//! a link's score is the weighted Dice overlap of the two anchor sets.

use super::mining::anchors;
use super::score::SentenceFeatures;
use rayon::prelude::*;
use std::collections::HashMap;

/// A paragraph (its sentences of one language) in one document.
#[derive(Debug, Clone)]
pub struct Passage {
    /// Index of the document in the corpus.
    pub doc: usize,
    /// Paragraph number in the document.
    pub paragraph: usize,
    /// Indices into the side's sentence list (the mined sequence), in order.
    pub sentences: Vec<usize>,
    /// Sorted, de-duplicated anchor concepts.
    pub anchors: Vec<u32>,
}

impl Passage {
    pub fn new(
        doc: usize,
        paragraph: usize,
        sentences: Vec<usize>,
        feats: &[SentenceFeatures],
    ) -> Passage {
        let mut a: Vec<u32> = sentences.iter().flat_map(|&k| anchors(&feats[k])).collect();
        a.sort_unstable();
        a.dedup();
        Passage {
            doc,
            paragraph,
            sentences,
            anchors: a,
        }
    }
}

/// A candidate link between source passage `src` and target passage `tgt`.
#[derive(Debug, Clone, PartialEq)]
pub struct PassageLink {
    pub src: usize,
    pub tgt: usize,
    /// Weighted anchor overlap in [0, 1].
    pub score: f64,
    /// The anchors both passages have, rarest first.
    pub shared: Vec<u32>,
}

/// Links each source passage to its best `per_side` target passages (and each target passage to
/// its best source passages) with a score of at least `min_score`. Anchors in more than
/// `max_share` of one side's passages (and more than 3 passages) are not indexed. Sorted by (src, tgt).
pub fn link(
    src: &[Passage],
    tgt: &[Passage],
    per_side: usize,
    min_score: f64,
    max_share: f64,
) -> Vec<PassageLink> {
    let mut df_s: HashMap<u32, u32> = HashMap::new();
    for p in src {
        for &a in &p.anchors {
            *df_s.entry(a).or_default() += 1;
        }
    }
    let mut index: HashMap<u32, Vec<u32>> = HashMap::new();
    for (j, p) in tgt.iter().enumerate() {
        for &a in &p.anchors {
            index.entry(a).or_default().push(j as u32);
        }
    }
    let n = (src.len() + tgt.len()).max(1) as f64;
    let weight = |a: u32| -> f64 {
        let df = df_s.get(&a).copied().unwrap_or(0) as usize + index.get(&a).map_or(0, Vec::len);
        (1.0 + n / df.max(1) as f64).ln()
    };
    let cap_t = ((tgt.len() as f64 * max_share) as usize).max(3);
    let cap_s = ((src.len() as f64 * max_share) as usize).max(3);
    let mass = |p: &Passage| p.anchors.iter().map(|&a| weight(a)).sum::<f64>();
    let mass_t: Vec<f64> = tgt.iter().map(mass).collect();
    // every scored pair, from the source side
    let scored: Vec<Vec<(usize, f64)>> = src
        .par_iter()
        .map(|p| {
            let mut acc: HashMap<u32, f64> = HashMap::new();
            for &a in &p.anchors {
                if df_s.get(&a).copied().unwrap_or(0) as usize > cap_s {
                    continue;
                }
                if let Some(post) = index.get(&a) {
                    if post.len() > cap_t {
                        continue;
                    }
                    let w = weight(a);
                    for &j in post {
                        *acc.entry(j).or_default() += w;
                    }
                }
            }
            let ms = mass(p);
            let mut v: Vec<(usize, f64)> = acc
                .into_iter()
                .map(|(j, m)| (j as usize, 2.0 * m / (ms + mass_t[j as usize]).max(1e-9)))
                .filter(|&(_, s)| s >= min_score)
                .collect();
            v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            v
        })
        .collect();
    let mut keep: Vec<(usize, usize, f64)> = Vec::new();
    let mut best_for_t: Vec<Vec<(usize, f64)>> = vec![Vec::new(); tgt.len()];
    for (i, v) in scored.iter().enumerate() {
        for (r, &(j, s)) in v.iter().enumerate() {
            if r < per_side {
                keep.push((i, j, s));
            }
            best_for_t[j].push((i, s));
        }
    }
    for (j, v) in best_for_t.iter_mut().enumerate() {
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        keep.extend(v.iter().take(per_side).map(|&(i, s)| (i, j, s)));
    }
    keep.sort_by_key(|a| (a.0, a.1));
    keep.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    keep.into_iter()
        .map(|(i, j, s)| {
            let mut shared: Vec<u32> = intersect(&src[i].anchors, &tgt[j].anchors);
            shared.sort_by(|&a, &b| weight(b).total_cmp(&weight(a)).then(a.cmp(&b)));
            PassageLink {
                src: i,
                tgt: j,
                score: (s * 1e4).round() / 1e4,
                shared,
            }
        })
        .collect()
}

/// A passage link for review, whether or not a sentence pair inside it was exported: what one
/// line of `passages.jsonl` says, less the two passages' texts. Those are rendered from the
/// segmented documents only when the line is written (`PassageLine`), so a run holds ids and
/// sentence numbers per link, not both passages' texts (which made `passages.jsonl`'s records
/// most of a run's memory: ~10x the input on the bundled corpus).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PassageRecord {
    pub src_lang: crate::model::Lang,
    pub tgt_lang: crate::model::Lang,
    pub score: f64,
    /// Units exported from inside this link.
    pub units: usize,
    /// Shared anchors as (source word, target word), rarest first.
    pub anchors: Vec<[String; 2]>,
    pub src_doc: String,
    pub src_paragraph: usize,
    /// Sentence indices in `src_doc` (`Sentence::index`), in order.
    pub src_sentences: Vec<usize>,
    pub tgt_doc: String,
    pub tgt_paragraph: usize,
    pub tgt_sentences: Vec<usize>,
}

/// One line of `passages.jsonl`: a record with its passages' texts (each passage's sentences'
/// export text joined by a space), fields in the order the file has always had.
#[derive(Debug, serde::Serialize)]
pub struct PassageLine<'a> {
    pub src_lang: crate::model::Lang,
    pub tgt_lang: crate::model::Lang,
    pub score: f64,
    pub units: usize,
    pub anchors: &'a [[String; 2]],
    pub src_doc: &'a str,
    pub src_paragraph: usize,
    pub src_sentences: &'a [usize],
    pub src: &'a str,
    pub tgt_doc: &'a str,
    pub tgt_paragraph: usize,
    pub tgt_sentences: &'a [usize],
    pub tgt: &'a str,
}

impl PassageRecord {
    /// The record as a `passages.jsonl` line, with the passages' texts given.
    pub fn line<'a>(&'a self, src: &'a str, tgt: &'a str) -> PassageLine<'a> {
        PassageLine {
            src_lang: self.src_lang,
            tgt_lang: self.tgt_lang,
            score: self.score,
            units: self.units,
            anchors: &self.anchors,
            src_doc: &self.src_doc,
            src_paragraph: self.src_paragraph,
            src_sentences: &self.src_sentences,
            src,
            tgt_doc: &self.tgt_doc,
            tgt_paragraph: self.tgt_paragraph,
            tgt_sentences: &self.tgt_sentences,
            tgt,
        }
    }
}

/// The word of `text` behind each anchor concept (the first one seen), for showing anchors.
pub fn anchor_surfaces(
    scorer: &super::score::Scorer,
    text: &str,
    side: super::score::Side,
) -> HashMap<u32, String> {
    let mut out = HashMap::new();
    for w in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let f = scorer.features(w, side, false);
        for id in anchors(&f) {
            out.entry(id).or_insert_with(|| w.to_string());
        }
    }
    out
}

fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(doc: usize, anchors: Vec<u32>) -> Passage {
        Passage {
            doc,
            paragraph: 0,
            sentences: vec![],
            anchors,
        }
    }

    #[test]
    fn links_passages_sharing_rare_anchors() {
        let src = vec![p(0, vec![1, 2, 3, 100]), p(0, vec![4, 5, 100])];
        let tgt = vec![
            p(1, vec![4, 5, 6, 100]),
            p(1, vec![1, 2, 3, 7, 100]),
            p(1, vec![8, 100]),
        ];
        let links = link(&src, &tgt, 1, 0.1, 1.0);
        let pairs: Vec<(usize, usize)> = links.iter().map(|l| (l.src, l.tgt)).collect();
        assert!(pairs.contains(&(0, 1)));
        assert!(pairs.contains(&(1, 0)));
        assert!(!pairs.contains(&(0, 2)));
        let l = links.iter().find(|l| (l.src, l.tgt) == (0, 1)).unwrap();
        assert_eq!(l.shared.last(), Some(&100), "the common anchor comes last");
    }
}
