//! Sentence mining in comparable text: which sentences of two texts that are only *about* the
//! same things are nevertheless translations of each other.
//!
//! 1. **Candidates** come from an inverted index over the sentences' anchors (numbers and dates,
//!    names through transliteration keys, lexicon concepts, cognates; punctuation is left out), so
//!    the cost grows with the number of sentence pairs that share evidence, not with n × m.
//! 2. Every candidate gets the aligner's pair score ([`Scorer::run_score`]) and a **margin**: its
//!    score divided by the average of the best `neighbours` scores of each side (Artetxe &
//!    Schwenk's ratio margin). A pair that is merely on the same topic scores about as well as its
//!    alternatives (margin ≈ 1); a translation stands out.
//! 3. A **local alignment** picks, in each group of candidates (two passages, or two files), the
//!    monotone chain of beads (1-1, 1-2, 2-1) with the largest total gain; sentences outside the
//!    chain stay unaligned on both sides, so unrelated stretches cost nothing.
//! 4. Across groups every sentence is used at most once (best-scored bead first), and each bead
//!    is typed `parallel` or `comparable` by the thresholds of [`MiningConfig`].

use super::induce;
use super::score::{kind, Scorer, SentenceFeatures};
use crate::model::UnitType;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Thresholds and sizes of comparable-text mining (`[comparable]` in a pipeline file). The
/// defaults favour precision: a doubtful pair is left out rather than exported.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MiningConfig {
    /// How many best alternatives of each side the margin averages over.
    pub neighbours: usize,
    /// Candidate partners per sentence taken from the anchor index (each direction).
    pub candidates: usize,
    /// A bead is `parallel` when its score reaches this...
    pub parallel_score: f64,
    /// ...its margin reaches this...
    pub parallel_margin: f64,
    /// ...and this share of its evidence is shared (a good length match alone is not enough).
    pub parallel_similarity: f64,
    /// A bead is `comparable` (and exported as such) when its score reaches this and its margin
    /// `comparable_margin`; below either it is left out.
    pub comparable_score: f64,
    pub comparable_margin: f64,
    pub comparable_similarity: f64,
    /// Context: a bead in a run of this many beads...
    pub context_run: usize,
    /// ...with gaps of at most this many sentences on each side...
    pub context_gap: usize,
    /// ...is `parallel` from this score up when two other beads of the run are strong.
    pub context_score: f64,
    /// A passage pair whose chain covers every sentence of both passages, with a strong bead,
    /// is a translated passage: its other beads are `parallel` from `context_score` up.
    pub passage_context: bool,
    /// A bead with no other bead within `context_gap` sentences is strong only when its
    /// similarity and margin also reach these.
    pub lone_similarity: f64,
    pub lone_margin: f64,
    /// Export `comparable` units too (otherwise only `parallel` ones).
    pub keep_comparable: bool,
    /// A short bead (a side under `short_chars` characters) stands on its own (strong, a lone
    /// covered bead, or `comparable`) only when its sides share at least `min_shared_anchors`
    /// distinct anchors (numbers, names, lexicon concepts, cognates), or a number ("10 бап" ↔
    /// "Article 10"), or `short_similarity` of their evidence ("Annotation." ↔ "Аннотация."):
    /// `Это правда.` ↔ `III. Негізгі құқық.` shares one stem and nothing else. Longer pairs
    /// placed by their neighbours may share little when the lexicon knows few of their words.
    pub short_chars: usize,
    pub min_shared_anchors: usize,
    pub short_similarity: f64,
    /// Numbers (digits and months) that one side has and the other lacks: from this many on
    /// (or from one when the sides share none), and when they are at least as many as the
    /// shared ones, the bead is a *paraphrase* (a translator keeps the numbers; another paper
    /// on the same event gives other details). A paraphrase is never strong, never vouches for
    /// a neighbour and is never promoted by its passage alone; strong neighbours may still
    /// carry it. 0 switches the check off.
    pub number_gap: usize,
    /// Sentences shorter than this (in characters) that a covered chain leaves out do not
    /// break its coverage: a heading label such as "Annotation." is often beyond the lexicon.
    pub label_chars: usize,
    /// Gain taken from a 1-2 / 2-1 bead, so a merge must beat the 1-1 it replaces clearly.
    pub merge_penalty: f64,
    /// Passage matching: best target passages kept per source passage (and vice versa).
    pub passages_per_side: usize,
    /// Passage matching: weighted anchor overlap (Dice, 0–1) a passage link needs.
    pub passage_min_score: f64,
    /// Anchors found in more than this share of one side's passages are not indexed (too common
    /// to say which passages belong together; they still count in sentence scores).
    pub max_anchor_share: f64,
    /// Learn a lexicon from the first pass's parallel beads and mine again.
    pub induction: bool,
    /// Three-way consistency: score added (as a share of what is missing to 1) when the ru-kk,
    /// ru-en and kk-en units agree...
    pub triangle_boost: f64,
    /// ...and factor applied when they contradict each other.
    pub triangle_penalty: f64,
}

impl Default for MiningConfig {
    fn default() -> Self {
        MiningConfig {
            neighbours: 4,
            candidates: 12,
            parallel_score: 0.5,
            parallel_margin: 1.2,
            parallel_similarity: 0.35,
            comparable_score: 0.5,
            comparable_margin: 1.1,
            comparable_similarity: 0.25,
            context_run: 3,
            context_gap: 3,
            context_score: 0.2,
            passage_context: true,
            lone_similarity: 0.7,
            lone_margin: 1.5,
            keep_comparable: true,
            min_shared_anchors: 2,
            short_similarity: 0.8,
            short_chars: 40,
            number_gap: 2,
            label_chars: 16,
            merge_penalty: 0.1,
            passages_per_side: 3,
            passage_min_score: 0.02,
            max_anchor_share: 0.1,
            induction: true,
            triangle_boost: 0.5,
            triangle_penalty: 0.7,
        }
    }
}

impl MiningConfig {
    /// Strong on its own: score, margin and shared evidence all reach the `parallel_*` bars.
    pub fn strong(&self, m: &Mined) -> bool {
        m.pair >= self.parallel_score
            && m.margin >= self.parallel_margin
            && m.similarity >= self.parallel_similarity
            && self.enough_evidence(m)
            && !self.paraphrase(m)
    }

    /// Enough shared evidence for a bead to stand on its own (see `min_shared_anchors`).
    pub fn enough_evidence(&self, m: &Mined) -> bool {
        let g = &m.agreement;
        g.shorter_chars >= self.short_chars
            || g.shared >= self.min_shared_anchors
            || g.numbers_shared > 0
            || m.similarity >= self.short_similarity
    }

    /// The two sides disagree on their numbers (see `number_gap`).
    pub fn paraphrase(&self, m: &Mined) -> bool {
        let g = &m.agreement;
        let (missing, shared) = (g.numbers_missing, g.numbers_shared);
        self.number_gap > 0
            && missing > 0
            && missing >= shared
            && (missing >= self.number_gap || shared == 0)
    }

    /// Types the beads of one local alignment (in chain order) and drops those left out.
    /// A bead is `parallel` when it is strong, or when it sits in a run of at least
    /// `context_run` beads (gaps of at most `context_gap` sentences on each side) holding at
    /// least two other strong beads and its score reaches `context_score`: translations come
    /// in stretches, while a chance match between two texts on one topic stands alone.
    /// A run of at least `context_run` beads holding one other strong bead also supports its
    /// beads when the run's mean margin reaches `parallel_margin` (the run stands out as a
    /// whole: a translated stretch between unrelated sentences).
    /// When `covers` (the chain leaves no sentence of its two passages out) and one bead is
    /// strong, or two or more beads stand out from their alternatives on average (mean margin
    /// from `parallel_margin`), or a lone bead reaches the score and margin bars (two
    /// one-sentence paragraphs that are each other's match), every bead from `context_score` up is `parallel`: two paragraphs that
    /// align sentence for sentence are a translation, even where the lexicon knows too few of
    /// their words for the similarity bar.
    /// Otherwise it is `comparable` when it reaches the `comparable_*` bars.
    pub fn classify_chain(&self, mut chain: Vec<Mined>, covers: bool) -> Vec<Mined> {
        let n = chain.len();
        let mut run = vec![0usize; n];
        let mut start = 0;
        for k in 0..=n {
            let breaks = k == n || {
                let (p, q) = (&chain[k - 1.min(k)], &chain[k]);
                k > 0
                    && (q.src[0] > p.src[p.src.len() - 1] + 1 + self.context_gap
                        || q.tgt[0] > p.tgt[p.tgt.len() - 1] + 1 + self.context_gap)
            };
            if breaks {
                for r in run.iter_mut().take(k).skip(start) {
                    *r = start;
                }
                start = k;
            }
        }
        // A bead with no other standing-out bead (margin from `parallel_margin`) in its run must
        // clear the higher `lone_*` bars to be strong:
        // texts about the same events share names and dates sentence by sentence, so a
        // paraphrase alone can look like a translation; translations come in stretches.
        // (a paraphrase does not count: two paraphrases side by side are still no translation)
        let alone = |k: usize| {
            !(0..n).any(|x| {
                x != k
                    && run[x] == run[k]
                    && chain[x].margin >= self.parallel_margin
                    && !self.paraphrase(&chain[x])
            })
        };
        let strong: Vec<bool> = (0..n)
            .map(|k| {
                let m = &chain[k];
                // (a lone bead whose evidence matches almost entirely, such as a title, keeps the
                // ordinary margin bar: near-identical alternatives cap its margin)
                self.strong(m)
                    && (!alone(k)
                        || (m.similarity >= self.lone_similarity && m.margin >= self.lone_margin)
                        || m.similarity >= self.short_similarity)
            })
            .collect();
        let mean_margin = chain.iter().map(|m| m.margin).sum::<f64>() / n.max(1) as f64;
        let translated = self.passage_context
            && covers
            && (strong.iter().any(|&s| s)
                || (n >= 2 && mean_margin >= self.parallel_margin)
                || (n == 1
                    && chain[0].pair >= self.parallel_score
                    && chain[0].margin >= self.lone_margin
                    && self.enough_evidence(&chain[0])));
        let mut keep = Vec::with_capacity(n);
        for k in 0..n {
            let (a, mut b) = (run[k], k);
            while b + 1 < n && run[b + 1] == a {
                b += 1;
            }
            let others = (a..=b).filter(|&x| x != k && strong[x]).count();
            let run_margin = (a..=b).map(|x| chain[x].margin).sum::<f64>() / (b + 1 - a) as f64;
            // a run that stands out as a whole, anchored by one strong bead
            let standing_run =
                b + 1 - a >= self.context_run && others >= 1 && run_margin >= self.parallel_margin;
            // directly next to a strong bead on both sides
            let adjacent = |x: usize, y: usize| {
                let (p, q) = (&chain[x.min(y)], &chain[x.max(y)]);
                q.src[0] == p.src[p.src.len() - 1] + 1 && q.tgt[0] == p.tgt[p.tgt.len() - 1] + 1
            };
            let next_to_strong = (k > 0 && strong[k - 1] && adjacent(k - 1, k))
                || (k + 1 < n && strong[k + 1] && adjacent(k, k + 1));
            let m = &mut chain[k];
            // a paraphrase is carried by strong neighbours or a covered chain of `context_run`
            // beads, never by a short passage link alone
            let supported = m.pair >= self.context_score
                && ((b + 1 - a >= self.context_run && others >= 2)
                    || next_to_strong
                    || (translated && (n >= self.context_run || !self.paraphrase(m)))
                    || standing_run);
            m.unit_type = if strong[k] || supported {
                UnitType::Parallel
            } else if self.keep_comparable
                && self.enough_evidence(m)
                && m.pair >= self.comparable_score
                && m.margin >= self.comparable_margin
                && m.similarity >= self.comparable_similarity
            {
                // ranked below every parallel unit of the same strength
                m.score = (m.score * 0.5 * 1e4).round() / 1e4;
                UnitType::Comparable
            } else {
                continue;
            };
            keep.push(k);
        }
        keep.into_iter().map(|k| chain[k].clone()).collect()
    }
}

/// One mined bead: consecutive source and target sentences (indices into the mined sequences).
#[derive(Debug, Clone, PartialEq)]
pub struct Mined {
    pub src: Vec<usize>,
    pub tgt: Vec<usize>,
    /// The aligner's pair score of the two runs.
    pub pair: f64,
    /// Ratio margin of the pair against the best alternatives of each side.
    pub margin: f64,
    /// Share of the pair's evidence (words, numbers, names) that the two sides have in common.
    pub similarity: f64,
    /// The unit's confidence: the pair score, damped when the margin is small.
    pub score: f64,
    pub unit_type: UnitType,
    /// How far the two sides agree on anchors, numbers and names.
    pub agreement: Agreement,
}

/// Distinct anchors of a run of sentences, sorted.
fn run_anchors(fs: &[&SentenceFeatures]) -> Vec<u32> {
    let mut v: Vec<u32> = fs.iter().flat_map(|f| anchors(f)).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Name concepts found on both sides of the two texts: a name in one sentence whose spelling
/// the other text also has, but not the sentence it is paired with, says the two tell different
/// things (capitalized common words, found on one side only, say nothing).
pub fn names_on_both_sides(fs: &[SentenceFeatures], ft: &[SentenceFeatures]) -> HashSet<u32> {
    let names = |v: &[SentenceFeatures]| -> HashSet<u32> {
        v.iter()
            .flat_map(|f| f.ids.iter().copied())
            .filter(|id| id >> 29 == kind::NAME)
            .collect()
    };
    let (a, b) = (names(fs), names(ft));
    a.intersection(&b).copied().collect()
}

/// How far two runs agree on their anchors.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Agreement {
    /// Distinct anchors (everything but punctuation) both sides have.
    pub shared: usize,
    /// Distinct numbers (digits, months) on one side only / on both sides.
    pub numbers_missing: usize,
    pub numbers_shared: usize,
    /// Distinct names of `names_on_both_sides` on one side only / on both sides.
    pub names_missing: usize,
    pub names_shared: usize,
    /// Characters of the shorter side.
    pub shorter_chars: usize,
}

/// The anchor agreement of two runs; `cross` holds the names both texts have.
pub fn anchor_agreement(
    a: &[&SentenceFeatures],
    b: &[&SentenceFeatures],
    cross: &HashSet<u32>,
) -> Agreement {
    let (x, y) = (run_anchors(a), run_anchors(b));
    let count = |v: &[u32], keep: &dyn Fn(u32) -> bool| v.iter().filter(|&&id| keep(id)).count();
    let number = |id: u32| id >> 29 == kind::NUMBER;
    let name = |id: u32| id >> 29 == kind::NAME && cross.contains(&id);
    let shared: Vec<u32> = x
        .iter()
        .filter(|id| y.binary_search(id).is_ok())
        .copied()
        .collect();
    let (ns, ms) = (count(&shared, &number), count(&shared, &name));
    Agreement {
        shared: shared.len(),
        numbers_missing: count(&x, &number) + count(&y, &number) - 2 * ns,
        numbers_shared: ns,
        names_missing: count(&x, &name) + count(&y, &name) - 2 * ms,
        names_shared: ms,
        shorter_chars: a
            .iter()
            .map(|f| f.chars)
            .sum::<f32>()
            .min(b.iter().map(|f| f.chars).sum::<f32>()) as usize,
    }
}

/// Anchor concepts of a sentence: everything but punctuation, de-duplicated.
pub fn anchors(f: &SentenceFeatures) -> impl Iterator<Item = u32> + '_ {
    let mut last = None;
    f.ids.iter().copied().filter(move |&id| {
        let keep = id >> 29 != kind::PUNCT && Some(id) != last;
        last = Some(id);
        keep
    })
}

/// Candidate pairs (i, j) from an inverted index over target anchors: for each source sentence
/// its `per_sentence` targets sharing the most anchor weight, and the same the other way round.
/// Sorted, no repeats.
pub fn index_candidates(
    fs: &[SentenceFeatures],
    ft: &[SentenceFeatures],
    weights: &[f32; kind::COUNT],
    per_sentence: usize,
) -> Vec<(usize, usize)> {
    let top = |from: &[SentenceFeatures], to: &[SentenceFeatures]| -> Vec<Vec<usize>> {
        let mut index: HashMap<u32, Vec<u32>> = HashMap::new();
        for (j, f) in to.iter().enumerate() {
            for id in anchors(f) {
                index.entry(id).or_default().push(j as u32);
            }
        }
        // an anchor in very many sentences says little about which one is the partner
        let cap = (to.len() / 10).max(64);
        from.par_iter()
            .map(|f| {
                let mut acc: HashMap<u32, f32> = HashMap::new();
                for id in anchors(f) {
                    if let Some(post) = index.get(&id) {
                        if post.len() > cap {
                            continue;
                        }
                        let w = weights[(id >> 29) as usize] / (1.0 + post.len() as f32).ln_1p();
                        for &j in post {
                            *acc.entry(j).or_default() += w;
                        }
                    }
                }
                let mut v: Vec<(u32, f32)> = acc.into_iter().collect();
                v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                v.truncate(per_sentence);
                v.into_iter().map(|(j, _)| j as usize).collect()
            })
            .collect()
    };
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (i, js) in top(fs, ft).into_iter().enumerate() {
        out.extend(js.into_iter().map(|j| (i, j)));
    }
    for (j, is) in top(ft, fs).into_iter().enumerate() {
        out.extend(is.into_iter().map(|i| (i, j)));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Pair scores of candidate sentence pairs.
/// Pair scores and evidence similarities of candidate sentence pairs.
pub fn score_pairs(
    scorer: &Scorer,
    fs: &[SentenceFeatures],
    ft: &[SentenceFeatures],
    pairs: &[(usize, usize)],
) -> HashMap<(usize, usize), (f64, f64)> {
    pairs
        .par_iter()
        .map(|&(i, j)| {
            let score = scorer.pair_score(&fs[i], &ft[j]);
            let sim = scorer.similarity(&[&fs[i]], &[&ft[j]]);
            ((i, j), (score, sim))
        })
        .collect()
}

/// Margin normalizers: for every source and target sentence, the average evidence similarity
/// of its `k` best candidates (missing alternatives count as 0). Similarity, not the calibrated
/// score, because the score saturates near 1 for every pair on the same topic.
pub fn normalizers(
    n: usize,
    m: usize,
    scores: &HashMap<(usize, usize), (f64, f64)>,
    k: usize,
) -> (Vec<f64>, Vec<f64>) {
    let k = k.max(1);
    let mut bs: Vec<Vec<f64>> = vec![Vec::new(); n];
    let mut bt: Vec<Vec<f64>> = vec![Vec::new(); m];
    for (&(i, j), &(_, s)) in scores {
        bs[i].push(s);
        bt[j].push(s);
    }
    let avg = |mut v: Vec<f64>| {
        v.sort_by(|a, b| b.total_cmp(a));
        v.iter().take(k).sum::<f64>() / k as f64
    };
    (
        bs.into_iter().map(avg).collect(),
        bt.into_iter().map(avg).collect(),
    )
}

/// The unit's confidence from its pair score and margin: full score from a margin of 2 up,
/// less below (a margin of 1 halves it).
pub fn confidence(pair: f64, margin: f64) -> f64 {
    let damp = (margin / 2.0).clamp(0.0, 1.0);
    ((pair * damp) * 1e4).round() / 1e4
}

/// A bead the local alignment may choose: sentence ranges `i0..=i1`, `j0..=j1`.
#[derive(Debug, Clone)]
struct Item {
    i0: usize,
    i1: usize,
    j0: usize,
    j1: usize,
    gain: f64,
    mined: Mined,
}

/// Everything mining needs about two sentence sequences.
pub struct MiningInput<'a> {
    pub scorer: &'a Scorer,
    pub fs: &'a [SentenceFeatures],
    pub ft: &'a [SentenceFeatures],
    pub scores: &'a HashMap<(usize, usize), (f64, f64)>,
    pub norm_src: &'a [f64],
    pub norm_tgt: &'a [f64],
    /// Passage (paragraph) number of every source / target sentence; empty = one passage.
    /// A 1-2 / 2-1 bead joins only sentences of one passage, never across paragraphs or documents.
    pub src_block: &'a [usize],
    pub tgt_block: &'a [usize],
    /// Names both texts have ([`names_on_both_sides`]).
    pub cross_names: &'a HashSet<u32>,
}

impl MiningInput<'_> {
    fn bead(&self, src: Vec<usize>, tgt: Vec<usize>, cfg: &MiningConfig) -> Option<Item> {
        let a: Vec<&SentenceFeatures> = src.iter().map(|&k| &self.fs[k]).collect();
        let b: Vec<&SentenceFeatures> = tgt.iter().map(|&k| &self.ft[k]).collect();
        let (pair, sim) = if src.len() == 1 && tgt.len() == 1 {
            *self.scores.get(&(src[0], tgt[0]))?
        } else {
            (
                self.scorer.run_score(&a, &b),
                self.scorer.similarity(&a, &b),
            )
        };
        let agreement = anchor_agreement(&a, &b, self.cross_names);
        // A run's normalizer is its members' largest: a sentence with no good alternatives (a
        // short heading) must not make a merged pair stand out more than its main sentence.
        let most = |ix: &[usize], norm: &[f64]| ix.iter().map(|&k| norm[k]).fold(0.0, f64::max);
        let denom = (most(&src, self.norm_src) + most(&tgt, self.norm_tgt)) / 2.0;
        let margin = if denom > 0.0 { sim / denom } else { 0.0 };
        let score = confidence(pair, margin);
        let unit_type = UnitType::Comparable; // typed after the chain is chosen
        let merged = src.len() + tgt.len() > 2;
        let gain = score - if merged { cfg.merge_penalty } else { 0.0 };
        if gain <= 0.0 {
            return None;
        }
        Some(Item {
            i0: src[0],
            i1: src[src.len() - 1],
            j0: tgt[0],
            j1: tgt[tgt.len() - 1],
            gain,
            mined: Mined {
                src,
                tgt,
                pair: (pair * 1e4).round() / 1e4,
                margin: (margin * 1e3).round() / 1e3,
                similarity: (sim * 1e3).round() / 1e3,
                score,
                unit_type,
                agreement,
            },
        })
    }

    /// Local alignment of one group of candidate pairs: the best monotone chain of beads.
    pub fn chain(&self, group: &[(usize, usize)], cfg: &MiningConfig) -> Vec<Mined> {
        let mut items: Vec<Item> = Vec::new();
        let (n, m) = (self.fs.len(), self.ft.len());
        let same = |block: &[usize], x: usize, y: usize| block.is_empty() || block[x] == block[y];
        let (sb, tb) = (self.src_block, self.tgt_block);
        let mut seen: std::collections::HashSet<(usize, usize, usize, usize)> = Default::default();
        for &(i, j) in group {
            let mut shapes = vec![(vec![i], vec![j])];
            if i + 1 < n && same(sb, i, i + 1) {
                shapes.push((vec![i, i + 1], vec![j]));
            }
            if j + 1 < m && same(tb, j, j + 1) {
                shapes.push((vec![i], vec![j, j + 1]));
            }
            if i > 0 && same(sb, i - 1, i) {
                shapes.push((vec![i - 1, i], vec![j]));
            }
            if j > 0 && same(tb, j - 1, j) {
                shapes.push((vec![i], vec![j - 1, j]));
            }
            for (s, t) in shapes {
                let key = (s[0], s[s.len() - 1], t[0], t[t.len() - 1]);
                if seen.insert(key) {
                    items.extend(self.bead(s, t, cfg));
                }
            }
        }
        let chain = best_chain(items);
        // Does the chain cover every sentence of the group's two passages? A short label
        // ("Annotation.", "Аңдатпа.") the lexicon cannot match does not count against it.
        let covered = |side: &dyn Fn(&Mined) -> &Vec<usize>,
                       of: &dyn Fn(&(usize, usize)) -> usize,
                       feats: &[SentenceFeatures]| {
            let mut all: Vec<usize> = group.iter().map(of).collect();
            all.sort_unstable();
            all.dedup();
            let mut got: Vec<usize> = chain.iter().flat_map(|m| side(m).iter().copied()).collect();
            got.sort_unstable();
            all.iter()
                .all(|k| got.binary_search(k).is_ok() || feats[*k].chars < cfg.label_chars as f32)
        };
        let covers = !chain.is_empty()
            && covered(&|m: &Mined| &m.src, &|p: &(usize, usize)| p.0, self.fs)
            && covered(&|m: &Mined| &m.tgt, &|p: &(usize, usize)| p.1, self.ft);
        cfg.classify_chain(chain, covers)
    }
}

/// Heaviest chain of items strictly increasing on both sides (a sparse dynamic programme:
/// items by start, a Fenwick tree of best chain values by target end).
fn best_chain(mut items: Vec<Item>) -> Vec<Mined> {
    if items.is_empty() {
        return Vec::new();
    }
    items.sort_by_key(|it| (it.i0, it.j0, it.i1, it.j1));
    let width = items.iter().map(|it| it.j1).max().unwrap_or(0) + 2;
    // fenwick[k]: best (value, item) among inserted items with j1 + 1 <= k
    let mut fen: Vec<(f64, usize)> = vec![(0.0, usize::MAX); width + 1];
    let better = |a: (f64, usize), b: (f64, usize)| a.0 > b.0 || (a.0 == b.0 && a.1 < b.1);
    let mut best: Vec<(f64, usize)> = vec![(0.0, usize::MAX); items.len()];
    let mut by_end: Vec<usize> = (0..items.len()).collect();
    by_end.sort_by_key(|&k| (items[k].i1, k));
    let mut preds: Vec<usize> = Vec::with_capacity(items.len());
    let mut inserted = 0;
    for k in 0..items.len() {
        while inserted < by_end.len() && items[by_end[inserted]].i1 < items[k].i0 {
            let e = by_end[inserted];
            let mut pos = items[e].j1 + 1;
            while pos <= width {
                if better(best[e], fen[pos]) {
                    fen[pos] = best[e];
                }
                pos += pos & pos.wrapping_neg();
            }
            inserted += 1;
        }
        // prefix max over j1 + 1 <= j0, i.e. j1 < j0
        let mut q = (0.0, usize::MAX);
        let mut pos = items[k].j0;
        while pos > 0 {
            if better(fen[pos], q) {
                q = fen[pos];
            }
            pos -= pos & pos.wrapping_neg();
        }
        best[k] = (q.0 + items[k].gain, k);
        preds.push(q.1);
    }
    let mut at = (0..items.len())
        .max_by(|&a, &b| best[a].0.total_cmp(&best[b].0).then(b.cmp(&a)))
        .unwrap_or(usize::MAX);
    let mut chain = Vec::new();
    while at != usize::MAX {
        chain.push(at);
        at = preds[at];
    }
    chain.reverse();
    chain.into_iter().map(|k| items[k].mined.clone()).collect()
}

/// Keeps each sentence in at most one bead, best score first; returns them by source position.
pub fn one_to_one(mut beads: Vec<Mined>) -> Vec<Mined> {
    beads.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| (&a.src, &a.tgt).cmp(&(&b.src, &b.tgt)))
    });
    let mut used_s = std::collections::HashSet::new();
    let mut used_t = std::collections::HashSet::new();
    let mut out = Vec::new();
    for b in beads {
        if b.src.iter().any(|k| used_s.contains(k)) || b.tgt.iter().any(|k| used_t.contains(k)) {
            continue;
        }
        used_s.extend(b.src.iter().copied());
        used_t.extend(b.tgt.iter().copied());
        out.push(b);
    }
    out.sort_by(|a, b| (&a.src, &a.tgt).cmp(&(&b.src, &b.tgt)));
    out
}

/// Mines groups of candidate pairs over two sentence sequences: scores, margins over all
/// candidates, a local alignment per group, then one bead per sentence at most.
pub fn mine_groups(
    scorer: &Scorer,
    fs: &[SentenceFeatures],
    ft: &[SentenceFeatures],
    groups: &[Vec<(usize, usize)>],
    blocks: (&[usize], &[usize]),
    cfg: &MiningConfig,
) -> Vec<Mined> {
    let mut all: Vec<(usize, usize)> = groups.iter().flatten().copied().collect();
    all.sort_unstable();
    all.dedup();
    let scores = score_pairs(scorer, fs, ft, &all);
    let (norm_src, norm_tgt) = normalizers(fs.len(), ft.len(), &scores, cfg.neighbours);
    let cross_names = names_on_both_sides(fs, ft);
    let input = MiningInput {
        cross_names: &cross_names,
        scorer,
        fs,
        ft,
        scores: &scores,
        norm_src: &norm_src,
        norm_tgt: &norm_tgt,
        src_block: blocks.0,
        tgt_block: blocks.1,
    };
    let beads: Vec<Mined> = groups
        .par_iter()
        .flat_map_iter(|g| input.chain(g, cfg))
        .collect();
    one_to_one(beads)
}

/// A lexicon induced from the mined 1-1 beads whose pair score reaches `min_score`, or `None`
/// when there are too few. (Every chosen bead teaches, not only `parallel` ones: the chain has
/// already put it in context, and a richer lexicon sharpens the margins of the second pass.)
pub fn induce_from(
    beads: &[Mined],
    fs: &[SentenceFeatures],
    ft: &[SentenceFeatures],
    min_prob: f64,
    min_score: f64,
) -> Option<super::score::InducedLexicon> {
    let confident: Vec<(&[u32], &[u32])> = beads
        .iter()
        .filter(|b| b.pair >= min_score && b.src.len() == 1 && b.tgt.len() == 1)
        .map(|b| (fs[b.src[0]].stems.as_slice(), ft[b.tgt[0]].stems.as_slice()))
        .collect();
    if confident.len() < 3 {
        return None;
    }
    Some(induce::induce(
        &confident,
        induce::InduceParams {
            iterations: 5,
            min_prob,
            min_count: 2,
            max_beads: 12_000,
        },
        0,
    ))
}

/// Mines two texts (one sentence per entry, align profile): the whole of `tgt` is the candidate
/// pool of `src`, narrowed by the anchor index. What `tilmash align --mode comparable` runs.
pub fn mine_texts(
    src: &[&str],
    tgt: &[&str],
    src_lang: crate::model::Lang,
    tgt_lang: crate::model::Lang,
    align: &super::AlignConfig,
    cfg: &MiningConfig,
) -> crate::error::Result<Vec<Mined>> {
    let mut scorer = Scorer::new(src_lang, tgt_lang, align)?;
    match align.length_ratio {
        Some(r) => scorer.ratio = r,
        None => scorer.estimate_length(src, tgt),
    }
    scorer.link_names(src, tgt);
    let feats = |scorer: &Scorer| -> (Vec<SentenceFeatures>, Vec<SentenceFeatures>) {
        (
            src.par_iter()
                .map(|s| scorer.features(s, super::score::Side::Src, false))
                .collect(),
            tgt.par_iter()
                .map(|s| scorer.features(s, super::score::Side::Tgt, false))
                .collect(),
        )
    };
    // One group holds the candidates of two whole texts, not two passages: the passage rule
    // does not apply.
    let cfg = &MiningConfig {
        passage_context: false,
        ..cfg.clone()
    };
    let run = |scorer: &Scorer, fs: &[SentenceFeatures], ft: &[SentenceFeatures]| {
        let cands = index_candidates(fs, ft, scorer.kind_weights(), cfg.candidates);
        mine_groups(scorer, fs, ft, &[cands], (&[], &[]), cfg)
    };
    let (fs, ft) = feats(&scorer);
    let beads = run(&scorer, &fs, &ft);
    if !(cfg.induction && align.signals.induction) {
        return Ok(beads);
    }
    match induce_from(
        &beads,
        &fs,
        &ft,
        align.induce_min_prob,
        align.induce_min_score,
    ) {
        Some(lex) => {
            scorer.set_induced(lex);
            let (fs, ft) = feats(&scorer);
            Ok(run(&scorer, &fs, &ft))
        }
        None => Ok(beads),
    }
}

/// Counts of mined beads by type, for summaries.
pub fn type_counts(beads: &[Mined]) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for b in beads {
        let k = match b.unit_type {
            UnitType::Parallel => "parallel",
            UnitType::Comparable => "comparable",
        };
        *m.entry(k).or_default() += 1;
    }
    m
}
