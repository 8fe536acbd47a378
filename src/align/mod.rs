//! Sentence alignment of two texts in a language pair.
//!
//! - [`score`]: what makes two sentences translations (length, numbers and dates, names and
//!   cognates, seed / user / induced lexicon, punctuation, structure); shared with mining;
//! - [`search`]: a dynamic programme over beads 0-1, 1-0, 1-1, 1-2, 2-1, 2-2 (1-3, 3-1 optional),
//!   coarse-to-fine banded so time and memory grow linearly;
//! - [`induce`]: IBM Model 1 lexicon induction between a first and a second pass.
//!
//! Every bead gets a calibrated confidence in [0, 1] (see docs/evaluation-alignment.md).

pub mod bench;
pub mod induce;
pub mod lexicon;
pub mod mining;
pub mod passages;
pub mod priors;
pub mod score;
pub mod search;
pub mod triangle;

use crate::error::Result;
use crate::model::{Bead, Lang};
use rayon::prelude::*;
use score::{Scorer, SentenceFeatures};
use search::{SearchCosts, Searcher};
use std::path::PathBuf;

/// Signals of the scoring model; each can be switched off to measure what it adds.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Signals {
    /// Gale–Church length model.
    pub length: bool,
    /// Numbers, years, dates (with month names).
    pub numbers: bool,
    /// Capitalised names linked through transliteration keys.
    pub names: bool,
    /// Cognate stems (shared transliteration-key prefixes: съезд / съезі).
    pub cognates: bool,
    /// The seed lexicon in data/lexicon/.
    pub seed_lexicon: bool,
    /// A second pass with a lexicon induced from the first.
    pub induction: bool,
    /// Question and exclamation marks, quotes, brackets, colons, list markers.
    pub punctuation: bool,
    /// Paragraph / heading starts as soft anchors (when the input has structure).
    pub structure: bool,
}

impl Default for Signals {
    fn default() -> Self {
        Signals {
            length: true,
            numbers: true,
            names: true,
            cognates: true,
            seed_lexicon: true,
            induction: true,
            punctuation: true,
            structure: true,
        }
    }
}

/// Settings of the aligner that a pipeline file can change (`[align]` table).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlignConfig {
    /// Beads scoring below this are left out of exports (still counted in the summary).
    pub min_score: f64,
    /// Expected target/source length ratio; `None` estimates it from the data.
    pub length_ratio: Option<f64>,
    /// Variance of the length difference per character (Gale–Church s²).
    pub variance: f64,
    /// A user dictionary: hunalign's `target @ source` lines, or `source<TAB>target`.
    pub dictionary: Option<PathBuf>,
    /// Which signals are used.
    pub signals: Signals,
    /// Evidence weight of a word (lexicon, names, cognates).
    pub word_weight: f64,
    /// Evidence weight of a number or month name.
    pub number_weight: f64,
    /// Evidence weight of a punctuation mark.
    pub punct_weight: f64,
    /// Search: weight of (1 − similarity) per sentence.
    pub sim_weight: f64,
    /// Search: weight of the length cost.
    pub length_weight: f64,
    /// Search: cost of leaving a sentence unaligned.
    pub skip_cost: f64,
    /// Search: extra cost of a 2-1 / 1-2 bead.
    pub merge_cost: f64,
    /// Search: extra cost of a 2-2 bead (two merges: a 2-2 that two 1-1 beads explain is two 1-1).
    pub merge22_cost: f64,
    /// Search: extra cost of a 3-1 / 1-3 bead; a negative value leaves those beads out.
    pub merge31_cost: f64,
    /// Search: cost of a bead that starts a paragraph on one side only.
    pub structure_cost: f64,
    /// Search: cost per sentence by which the sentence counts of a bead's two sides differ (a
    /// line of pre-split input may hold two sentences; segmented input holds one per unit).
    pub sentence_count_cost: f64,
    /// Search: a 1-1 bead costs at most two skips less this (a substitution is cheaper than a
    /// deletion next to an insertion); a large negative value switches the cap off.
    pub substitute_margin: f64,
    /// Search: weight of the wide component of the length model (0: plain Gale–Church). Loose
    /// translations (news) move clauses between sentences; under the normal alone a correct 1-1
    /// pair of unequal length then costs more than a merge or a deletion beside it.
    pub length_tail_weight: f64,
    /// Search: width of that component, in standard deviations of the normal one.
    pub length_tail_width: f64,
    /// Search: half-width of the band around the coarse path, in sentences.
    pub band: usize,
    /// Length ratio: weight of the pair's prior (or first estimate) against the confident beads
    /// of the first pass, in characters.
    pub ratio_prior_chars: f64,
    /// Scores are calibrated confidences (`data/align/calibration.tsv`); false gives the raw
    /// evidence/length scores the calibration is fitted on.
    pub calibrate: bool,
    /// Induction: a stem pair needs t(t|s) and t(s|t) at least this.
    pub induce_min_prob: f64,
    /// Induction: first-pass beads with at least this confidence teach the lexicon.
    pub induce_min_score: f64,
    /// Bead-shape priors per document (`priors`): weight of the prior rates against the first
    /// pass's beads, in beads (sentences for the skip rate); 0 keeps the costs as set.
    pub shape_prior_weight: f64,
    /// The rate of skipped sentences (per sentence) that `skip_cost` stands for.
    pub shape_prior_skip_rate: f64,
    /// The rate of merges (per bead with both sides) that `merge_cost` stands for.
    pub shape_prior_merge_rate: f64,
    /// The most a document's rates move a skip or merge cost, either way.
    pub shape_adapt_max: f64,
    /// The 1-1 cap (`substitute_margin`) stays where the configured skip cost puts it when the
    /// skip cost moves.
    pub shape_adapt_keeps_cap: bool,
    /// Line input with as many lines on both sides is kept line for line (every line paired with
    /// the line of the same number, each pair scored on its own) when the search itself pairs at
    /// least this share of the lines that way; above 1 never.
    pub line_pairs_min_share: f64,
}

impl Default for AlignConfig {
    fn default() -> Self {
        AlignConfig {
            min_score: 0.3,
            length_ratio: None,
            variance: 6.8,
            dictionary: None,
            signals: Signals::default(),
            word_weight: 1.0,
            number_weight: 2.0,
            punct_weight: 0.5,
            sim_weight: 8.0,
            length_weight: 1.0,
            skip_cost: 3.5,
            merge_cost: 4.0,
            merge22_cost: 8.0,
            merge31_cost: -1.0,
            structure_cost: 2.0,
            sentence_count_cost: 0.0,
            substitute_margin: 3.0,
            length_tail_weight: 0.2,
            length_tail_width: 3.0,
            band: 12,
            ratio_prior_chars: 2000.0,
            calibrate: true,
            induce_min_prob: 0.2,
            induce_min_score: 0.6,
            shape_prior_weight: 10.0,
            shape_prior_skip_rate: 0.03,
            shape_prior_merge_rate: 0.08,
            shape_adapt_max: 2.0,
            shape_adapt_keeps_cap: false,
            line_pairs_min_share: 0.75,
        }
    }
}

impl AlignConfig {
    pub fn search_costs(&self) -> SearchCosts {
        SearchCosts {
            sim_weight: self.sim_weight,
            length_weight: self.length_weight,
            skip: self.skip_cost,
            merge: self.merge_cost,
            merge22: self.merge22_cost,
            merge31: if self.merge31_cost < 0.0 {
                f64::INFINITY
            } else {
                self.merge31_cost
            },
            structure: if self.signals.structure {
                self.structure_cost
            } else {
                0.0
            },
            sentence_count: if self.signals.structure {
                self.sentence_count_cost
            } else {
                0.0
            },
            substitute_margin: self.substitute_margin,
            band: self.band.max(2),
            full_cells: 40_000,
            length_tail_weight: self.length_tail_weight,
            length_tail_width: self.length_tail_width.max(1.0),
        }
    }
}

/// One side of an alignment: sentences in the align profile, with optional structure.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    pub lang: Lang,
    pub sentences: &'a [&'a str],
    /// Per sentence: does it start a paragraph (or heading, list item)? Empty when unknown.
    pub para_start: &'a [bool],
}

/// Aligns two sentence sequences, language-agnostic (length, numbers, names, punctuation only;
/// English rules for tokens). Kept for callers that do not know the languages.
pub fn align(src: &[&str], tgt: &[&str], cfg: &AlignConfig) -> Vec<Bead> {
    let s = Side {
        lang: Lang::Und,
        sentences: src,
        para_start: &[],
    };
    let t = Side {
        lang: Lang::Und,
        sentences: tgt,
        para_start: &[],
    };
    align_sides(s, t, cfg).unwrap_or_else(|_| fallback(src.len(), tgt.len()))
}

/// Aligns two sentence sequences of known languages.
pub fn align_langs(
    src: &[&str],
    tgt: &[&str],
    sl: Lang,
    tl: Lang,
    cfg: &AlignConfig,
) -> Result<Vec<Bead>> {
    align_sides(
        Side {
            lang: sl,
            sentences: src,
            para_start: &[],
        },
        Side {
            lang: tl,
            sentences: tgt,
            para_start: &[],
        },
        cfg,
    )
}

fn fallback(n: usize, m: usize) -> Vec<Bead> {
    (0..n)
        .map(|i| Bead {
            src: vec![i],
            tgt: vec![],
            score: 0.0,
        })
        .chain((0..m).map(|j| Bead {
            src: vec![],
            tgt: vec![j],
            score: 0.0,
        }))
        .collect()
}

/// Turns bead shapes into beads with calibrated scores.
/// Two files with as many lines are most often a parallel corpus's two sides, line-aligned by
/// whoever made them; where a translator moved a clause across a line break, the search finds a
/// 2-2, a 2-1 beside a 1-2 or a shifted run that the files' makers did not mean. Edits on both
/// sides can balance the counts too, so the line pairing is trusted only where the search already
/// agrees with it on most lines, and a stretch where the search skips a line on each side (a
/// deletion on both sides, the usual way counts balance by chance) keeps the search's beads.
/// Returns the shapes with every other stretch off the diagonal replaced by its line pairs.
fn line_pairs_kept(
    shapes: &[(usize, usize)],
    n_src: usize,
    n_tgt: usize,
    min_share: f64,
) -> Option<Vec<(usize, usize)>> {
    if n_src != n_tgt || n_src == 0 || min_share > 1.0 {
        return None;
    }
    let on_diagonal = {
        let (mut i, mut j, mut k) = (0, 0, 0usize);
        for &(a, b) in shapes {
            k += usize::from((a, b) == (1, 1) && i == j);
            i += a;
            j += b;
        }
        k
    };
    if (on_diagonal as f64) < min_share * n_src as f64 || on_diagonal == shapes.len() {
        return None;
    }
    let mut kept = Vec::with_capacity(n_src);
    let (mut i, mut j) = (0, 0);
    let mut stretch: Vec<(usize, usize)> = Vec::new();
    for &shape in shapes {
        stretch.push(shape);
        i += shape.0;
        j += shape.1;
        if i != j {
            continue;
        }
        let skips_both = stretch.contains(&(1, 0)) && stretch.contains(&(0, 1));
        if skips_both {
            kept.append(&mut stretch);
        } else {
            let lines: usize = stretch.drain(..).map(|(a, _)| a).sum();
            kept.extend(std::iter::repeat_n((1, 1), lines));
        }
    }
    kept.append(&mut stretch);
    Some(kept)
}

fn beads_of(
    scorer: &Scorer,
    fs: &[SentenceFeatures],
    ft: &[SentenceFeatures],
    shapes: &[(usize, usize)],
) -> Vec<Bead> {
    let mut out = Vec::with_capacity(shapes.len());
    let mut at = Vec::with_capacity(shapes.len());
    let (mut i, mut j) = (0, 0);
    for &(a, b) in shapes {
        out.push(Bead {
            src: (i..i + a).collect(),
            tgt: (j..j + b).collect(),
            score: 0.0,
        });
        at.push((i, j));
        i += a;
        j += b;
    }
    let scores: Vec<f64> = out
        .par_iter()
        .zip(at.par_iter())
        .map(|(bead, &(i, j))| {
            if bead.is_pair() {
                let a: Vec<&SentenceFeatures> = bead.src.iter().map(|&k| &fs[k]).collect();
                let b: Vec<&SentenceFeatures> = bead.tgt.iter().map(|&k| &ft[k]).collect();
                scorer.run_score(&a, &b)
            } else if let Some(&k) = bead.src.first() {
                deletion_score(&ft[j.saturating_sub(2)..(j + 2).min(ft.len())], |y| {
                    scorer.pair_score(&fs[k], y)
                })
            } else if let Some(&k) = bead.tgt.first() {
                deletion_score(&fs[i.saturating_sub(2)..(i + 2).min(fs.len())], |x| {
                    scorer.pair_score(x, &ft[k])
                })
            } else {
                0.0
            }
        })
        .collect();
    for (b, s) in out.iter_mut().zip(scores) {
        b.score = (s * 1e4).round() / 1e4;
    }
    out
}

/// How much better a pair bead scores than its nearest competitors: the 1-1 pairs inside it (for a
/// merge) and the pairs of its first and last sentences with the neighbouring sentences of the
/// other side. 0 for a deletion (its score already compares it with its neighbours).
fn bead_margin(scorer: &Scorer, fs: &[SentenceFeatures], ft: &[SentenceFeatures], b: &Bead) -> f64 {
    let (Some(&i0), Some(&i1), Some(&j0), Some(&j1)) =
        (b.src.first(), b.src.last(), b.tgt.first(), b.tgt.last())
    else {
        return 0.0;
    };
    let mut alt = 0f64;
    if b.src.len() + b.tgt.len() > 2 {
        for &x in &b.src {
            for &y in &b.tgt {
                alt = alt.max(scorer.pair_score(&fs[x], &ft[y]));
            }
        }
    }
    if j0 > 0 {
        alt = alt.max(scorer.pair_score(&fs[i0], &ft[j0 - 1]));
    }
    if i0 > 0 {
        alt = alt.max(scorer.pair_score(&fs[i0 - 1], &ft[j0]));
    }
    if j1 + 1 < ft.len() {
        alt = alt.max(scorer.pair_score(&fs[i1], &ft[j1 + 1]));
    }
    if i1 + 1 < fs.len() {
        alt = alt.max(scorer.pair_score(&fs[i1 + 1], &ft[j1]));
    }
    let a: Vec<&SentenceFeatures> = b.src.iter().map(|&k| &fs[k]).collect();
    let c: Vec<&SentenceFeatures> = b.tgt.iter().map(|&k| &ft[k]).collect();
    scorer.run_score(&a, &c) - alt
}

/// Confidence that a sentence left unaligned has no counterpart: one minus its best pair score
/// with the nearby sentences of the other side.
fn deletion_score(near: &[SentenceFeatures], score: impl Fn(&SentenceFeatures) -> f64) -> f64 {
    1.0 - near.iter().map(score).fold(0.0, f64::max)
}

/// Wall and CPU time of each phase of an alignment, in order, for `tilmash bench align`.
#[derive(Debug, Default)]
pub struct Phases {
    /// (phase, wall seconds, CPU seconds of all threads when the system reports them, peak
    /// resident memory in KiB so far when the system reports it)
    pub spans: Vec<(&'static str, f64, Option<f64>, Option<u64>)>,
    last: Option<(std::time::Instant, Option<f64>)>,
}

impl Phases {
    fn start(&mut self) {
        self.last = Some((
            std::time::Instant::now(),
            bench::cpu_seconds(bench::Who::Process),
        ));
    }

    /// Ends the running phase under `name` and starts the next.
    fn mark(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        let cpu = bench::cpu_seconds(bench::Who::Process);
        if let Some((t, c)) = self.last {
            let used = c.zip(cpu).map(|(a, b)| b - a);
            self.spans
                .push((name, (now - t).as_secs_f64(), used, bench::peak_rss_kib()));
        }
        self.last = Some((now, cpu));
    }
}

/// Aligns two sides; the full API.
pub fn align_sides(src: Side, tgt: Side, cfg: &AlignConfig) -> Result<Vec<Bead>> {
    align_sides_timed(src, tgt, cfg, &mut Phases::default())
}

/// Beads with, per bead, its margin over the nearest competing pairs (the second feature of the
/// calibration; see [`score::calibrated`]).
#[derive(Debug, Clone, Default)]
pub struct Aligned {
    pub beads: Vec<Bead>,
    pub margins: Vec<f64>,
    /// How much dearer the search's best path gets near each bead without it
    /// (`Searcher::path_margins`), capped at `PATH_MARGIN_CAP`.
    pub path_margins: Vec<f64>,
}

/// As [`align_sides`], with each bead's margin.
pub fn align_sides_margins(src: Side, tgt: Side, cfg: &AlignConfig) -> Result<Aligned> {
    align_sides_full(src, tgt, cfg, &mut Phases::default())
}

/// As [`align_sides`], recording the time of each phase.
pub fn align_sides_timed(
    src: Side,
    tgt: Side,
    cfg: &AlignConfig,
    ph: &mut Phases,
) -> Result<Vec<Bead>> {
    Ok(align_sides_full(src, tgt, cfg, ph)?.beads)
}

fn align_sides_full(src: Side, tgt: Side, cfg: &AlignConfig, ph: &mut Phases) -> Result<Aligned> {
    let analysed = analyse_sides(src, tgt, cfg, ph)?;
    Ok(align_analysed(analysed, cfg, ph))
}

/// Both sides' features and the scorer that made them: all the search needs. The texts are not
/// kept, so a caller that owns them can free them before the search (at 100,000 sentences per
/// side they are about 45 MB).
pub struct Analysed {
    scorer: Scorer,
    fs: Vec<SentenceFeatures>,
    ft: Vec<SentenceFeatures>,
    src_words: score::SideWords,
    tgt_words: score::SideWords,
    /// A side carries paragraph structure (segmented input, not lines).
    segmented: bool,
}

/// The first half of [`align_sides`]: the scorer (length ratio, names linked) and each
/// sentence's features.
pub fn analyse_sides(src: Side, tgt: Side, cfg: &AlignConfig, ph: &mut Phases) -> Result<Analysed> {
    ph.start();
    let mut scorer = Scorer::new(src.lang, tgt.lang, cfg)?;
    // the pair's measured ratio when known: a document's character totals are biased by whatever
    // it leaves untranslated (one long sentence missing from a three-sentence article halves them)
    let prior = Scorer::prior_ratio(src.lang, tgt.lang);
    match (cfg.length_ratio, prior) {
        (Some(r), _) => scorer.ratio = r,
        (None, Some(r)) => scorer.ratio = r,
        (None, None) => scorer.estimate_length(src.sentences, tgt.sentences),
    }
    // each sentence is tokenised once, for the names and the features
    let (src_tokens, tgt_tokens) = (
        score::tokenise(src.sentences),
        score::tokenise(tgt.sentences),
    );
    scorer.link_name_forms(&src_tokens, &tgt_tokens);
    ph.mark("tokens, names");
    let (fs, src_words) =
        scorer.analyse_tokens(src_tokens, src.sentences, score::Side::Src, src.para_start);
    let (ft, tgt_words) =
        scorer.analyse_tokens(tgt_tokens, tgt.sentences, score::Side::Tgt, tgt.para_start);
    ph.mark("features");
    Ok(Analysed {
        scorer,
        fs,
        ft,
        src_words,
        tgt_words,
        segmented: !src.para_start.is_empty() || !tgt.para_start.is_empty(),
    })
}

/// The second half of [`align_sides`]: the search, lexicon induction and the second pass, and
/// each bead's calibrated score and margin.
pub fn align_analysed(analysed: Analysed, cfg: &AlignConfig, ph: &mut Phases) -> Aligned {
    let Analysed {
        mut scorer,
        mut fs,
        mut ft,
        src_words,
        tgt_words,
        segmented,
    } = analysed;
    let costs = cfg.search_costs();
    let mut shapes = Searcher {
        scorer: &scorer,
        costs,
    }
    .align(&fs, &ft);
    ph.mark("search");
    // the second pass prices skips and merges from this document's first-pass rates (line input
    // only: on segmented input the shapes count the segmenters' disagreements too)
    let costs2 = if segmented {
        costs
    } else {
        priors::adapt(costs, &shapes, cfg)
    };
    let mut refined = false;
    if cfg.signals.induction {
        let beads = beads_of(&scorer, &fs, &ft, &shapes);
        ph.mark("scores");
        let confident: Vec<(&[u32], &[u32])> = beads
            .iter()
            .filter(|b| b.src.len() == 1 && b.tgt.len() == 1 && b.score >= cfg.induce_min_score)
            .map(|b| (fs[b.src[0]].stems.as_slice(), ft[b.tgt[0]].stems.as_slice()))
            .collect();
        if confident.len() >= 3 {
            let lex = induce::induce(
                &confident,
                induce::InduceParams {
                    iterations: 5,
                    min_prob: cfg.induce_min_prob,
                    min_count: 2,
                    max_beads: 12_000,
                },
                0,
            );
            if cfg.length_ratio.is_none() {
                // re-estimated from the confident 1-1 beads, the prior (or the first estimate)
                // weighing as `ratio_prior_chars` characters so a short document keeps it
                let k = cfg.ratio_prior_chars;
                let (ls, lt) = beads
                    .iter()
                    .filter(|b| {
                        b.src.len() == 1 && b.tgt.len() == 1 && b.score >= cfg.induce_min_score
                    })
                    .fold((0f64, 0f64), |(x, y), b| {
                        (
                            x + b.src.iter().map(|&k| fs[k].chars as f64).sum::<f64>(),
                            y + b.tgt.iter().map(|&k| ft[k].chars as f64).sum::<f64>(),
                        )
                    });
                let r0 = scorer.ratio;
                if ls + k > 0.0 && lt + k * r0 > 0.0 {
                    scorer.ratio = ((lt + k * r0) / (ls + k)).clamp(0.2, 5.0);
                }
            }
            drop((confident, beads));
            ph.mark("induce");
            scorer.set_induced(lex);
            scorer.add_induced(&mut fs, &src_words);
            scorer.add_induced(&mut ft, &tgt_words);
            drop((src_words, tgt_words));
            ph.mark("features 2");
            shapes = Searcher {
                scorer: &scorer,
                costs: costs2,
            }
            .refine(&fs, &ft, &shapes);
            refined = true;
            ph.mark("search 2");
        }
    }
    if !refined && (costs2.skip, costs2.merge) != (costs.skip, costs.merge) {
        shapes = Searcher {
            scorer: &scorer,
            costs: costs2,
        }
        .refine(&fs, &ft, &shapes);
        ph.mark("search 2");
    }
    if !segmented {
        if let Some(kept) = line_pairs_kept(&shapes, fs.len(), ft.len(), cfg.line_pairs_min_share) {
            shapes = kept;
        }
    }
    let mut beads = beads_of(&scorer, &fs, &ft, &shapes);
    let margins: Vec<f64> = beads
        .par_iter()
        .map(|b| (bead_margin(&scorer, &fs, &ft, b) * 1e4).round() / 1e4)
        .collect();
    let path_margins: Vec<f64> = Searcher {
        scorer: &scorer,
        costs: costs2,
    }
    .path_margins(&fs, &ft, &shapes, 1)
    .into_iter()
    .map(|x| (x.min(score::PATH_MARGIN_CAP) * 1e4).round() / 1e4)
    .collect();
    if cfg.calibrate {
        for ((b, &m), &p) in beads.iter_mut().zip(&margins).zip(&path_margins) {
            let c = score::calibrated(b.score, m, p, b.src.len(), b.tgt.len());
            b.score = (c * 1e4).round() / 1e4;
        }
    }
    ph.mark("scores 2");
    Aligned {
        beads,
        margins,
        path_margins,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_to_one_when_lengths_match() {
        let src = ["a".repeat(40), "b".repeat(80), "c".repeat(20)];
        let tgt = ["x".repeat(42), "y".repeat(79), "z".repeat(22)];
        let s: Vec<&str> = src.iter().map(String::as_str).collect();
        let t: Vec<&str> = tgt.iter().map(String::as_str).collect();
        let beads = align(&s, &t, &AlignConfig::default());
        let shapes: Vec<String> = beads.iter().map(Bead::kind).collect();
        assert_eq!(shapes, vec!["1-1", "1-1", "1-1"]);
    }

    #[test]
    fn equal_line_counts_keep_their_line_pairs_where_the_search_crosses_them() {
        let ones = |k: usize| vec![(1, 1); k];
        // a 2-2 and a 2-1 beside a 1-2 (clauses moved across line breaks) become line pairs
        let crossing = [
            ones(6),
            vec![(2, 2)],
            ones(6),
            vec![(2, 1), (1, 2)],
            ones(6),
        ]
        .concat();
        assert_eq!(line_pairs_kept(&crossing, 23, 23, 0.75), Some(ones(23)));
        // a shifted run between a skip on each side is a deletion on both sides: kept
        let shifted = [ones(8), vec![(1, 0), (1, 1), (0, 1)], ones(8)].concat();
        assert_eq!(
            line_pairs_kept(&shifted, 18, 18, 0.75),
            Some(shifted.clone())
        );
        // both in one document: only the crossing becomes line pairs
        let both = [vec![(2, 2)], ones(12), vec![(1, 0), (1, 1), (0, 1)]].concat();
        let want = [ones(14), vec![(1, 0), (1, 1), (0, 1)]].concat();
        assert_eq!(line_pairs_kept(&both, 16, 16, 0.75), Some(want));
        // the search must agree with the line pairing on most lines
        let far = [ones(2), vec![(2, 1), (1, 2)], ones(2)].concat();
        assert_eq!(line_pairs_kept(&far, 7, 7, 0.75), None);
        assert_eq!(line_pairs_kept(&far, 7, 7, 0.5), Some(ones(7)));
        // unequal counts, or the setting above 1, leave the search's beads alone
        assert_eq!(line_pairs_kept(&[(1, 1), (1, 2)], 2, 3, 0.5), None);
        assert_eq!(line_pairs_kept(&crossing, 23, 23, 1.01), None);
    }

    /// Calibration fitted with deletions on both sides (docs/evaluation-alignment.md): a 1-1
    /// between sure pairs that shares no evidence and whose lengths are far apart is doubtful
    /// (a heading left where its translation was dropped), not a confident pair.
    #[test]
    fn a_pair_without_evidence_is_flagged() {
        let src = ["Заң күшіне енді.", "13 бап", "Парламент жиналды."];
        let tgt = [
            "The law came into force.",
            "Everyone has the right to leave any country, including his own, and to return to his country.",
            "Parliament met.",
        ];
        let beads = align_langs(&src, &tgt, Lang::Kk, Lang::En, &AlignConfig::default()).unwrap();
        let scores: Vec<(String, f64)> = beads.iter().map(|b| (b.kind(), b.score)).collect();
        assert_eq!(beads.len(), 3, "{scores:?}");
        assert!(scores[1].1 < 0.5, "{scores:?}");
        assert!(scores[0].1 > 0.9 && scores[2].1 > 0.9, "{scores:?}");
    }

    #[test]
    fn empty_sides() {
        assert!(align(&[], &[], &AlignConfig::default()).is_empty());
        let b = align(&["one", "two"], &[], &AlignConfig::default());
        assert_eq!(b.len(), 2);
        assert!(b.iter().all(|b| b.tgt.is_empty()));
    }

    /// The same beads and scores whatever the number of threads.
    #[test]
    fn deterministic_across_thread_counts() {
        let src: Vec<String> = (0..3000)
            .map(|k| {
                format!(
                    "В {} году съезд {} принял закон номер {}.",
                    1900 + k % 97,
                    k % 13,
                    k
                )
            })
            .collect();
        let tgt: Vec<String> = src
            .iter()
            .enumerate()
            .filter(|(k, _)| k % 23 != 4)
            .map(|(k, _)| {
                format!(
                    "In {} the congress {} passed law {}.",
                    1900 + k % 97,
                    k % 13,
                    k
                )
            })
            .collect();
        let s: Vec<&str> = src.iter().map(String::as_str).collect();
        let t: Vec<&str> = tgt.iter().map(String::as_str).collect();
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| align_langs(&s, &t, Lang::Ru, Lang::En, &AlignConfig::default()))
                .unwrap()
        };
        let one = run(1);
        assert_eq!(one.len(), 3000);
        for threads in [2, 3] {
            assert_eq!(run(threads), one);
        }
    }
}
