//! The dynamic programme over beads, made linear in time and memory by coarse-to-fine banding
//! (as Vecalign does): both sequences are repeatedly halved by merging neighbouring sentences until
//! a full DP is small; the path found there is projected one level down and the DP is re-run only
//! inside a band of ±`band` sentences around it, down to the sentences themselves.

use super::score::{
    kind, matched_weight2_by, matched_weight_1v2, matched_weight_by, Scorer, SentenceFeatures,
};
use crate::fxhash::FxHashMap;
use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Costs of the search, in negative log-odds units.
#[derive(Debug, Clone, Copy)]
pub struct SearchCosts {
    /// Weight of (1 − similarity) per sentence of a bead.
    pub sim_weight: f64,
    /// Weight of the Gale–Church length cost.
    pub length_weight: f64,
    /// Cost of leaving one sentence unaligned (1-0 / 0-1), over that of pairing it with no
    /// evidence (Gale–Church: −ln(0.0099/2) ≈ 5.3).
    pub skip: f64,
    /// Extra cost of a 2-1 / 1-2 bead.
    pub merge: f64,
    /// Extra cost of a 2-2 bead.
    pub merge22: f64,
    /// Extra cost of a 3-1 / 1-3 bead (infinite: not used).
    pub merge31: f64,
    /// Cost when one side of a bead starts a paragraph and the other does not.
    pub structure: f64,
    /// Cost per sentence of difference between the sentence counts of a bead's two sides
    /// (`SentenceFeatures::sentences`).
    pub sentence_count: f64,
    /// A 1-1 bead costs at most two skips less this.
    pub substitute_margin: f64,
    /// Half-width of the band around the projected coarse path.
    pub band: usize,
    /// A level with at most this many DP cells is searched in full.
    pub full_cells: usize,
    /// Length cost: weight and width (in standard deviations) of the wide component of the
    /// length model (`Scorer::length_cost_mixed`); weight 0 is the plain Gale–Church cost.
    pub length_tail_weight: f64,
    pub length_tail_width: f64,
}

/// One level of the pyramid: sentences (or merged runs of them) of one side.
#[derive(Debug, Clone, Default)]
pub struct Level {
    /// Per unit, its concepts numbered densely: the rank of the concept number among those of
    /// both sides, so sorted lists keep the order of concept numbers (and sums over matches
    /// the order of `score::matched_weight`), and a count per concept fits in a table.
    pub ids: Vec<Vec<u32>>,
    /// Evidence weight of each dense concept (shared by both sides and all levels).
    pub wd: Arc<[f32]>,
    /// The same weights in whole steps, when every sum of them in a match is exact in `f32`
    /// (see `Steps`).
    pub steps: Option<Steps>,
    pub chars: Vec<f32>,
    pub weight: Vec<f32>,
    pub para: Vec<bool>,
    /// Sentences of level 0 in each unit.
    pub count: Vec<u32>,
    /// Sentences the segmenter finds in each unit (`SentenceFeatures::sentences`).
    pub sents: Vec<u32>,
}

impl Level {
    /// Level 0 of both sides, with their concepts numbered densely.
    pub fn pair(
        fs: &[SentenceFeatures],
        ft: &[SentenceFeatures],
        w: &[f32; kind::COUNT],
    ) -> (Level, Level) {
        // the distinct concepts (a hash set: sorting every occurrence and searching the sorted
        // table for each cost more than the rest of this function), then their ranks
        let mut rank: FxHashMap<u32, u32> = FxHashMap::default();
        for f in fs.iter().chain(ft) {
            for &c in &f.ids {
                rank.entry(c).or_insert(0);
            }
        }
        let mut table: Vec<u32> = rank.keys().copied().collect();
        table.sort_unstable();
        for (k, c) in table.iter().enumerate() {
            rank.insert(*c, k as u32);
        }
        let wd: Arc<[f32]> = table.iter().map(|&c| w[(c >> 29) as usize]).collect();
        // a match adds at most one unit's weights: its concepts times the largest weight
        let longest = fs.iter().chain(ft).map(|f| f.ids.len()).max().unwrap_or(0);
        let steps = Steps::of(w, &table).filter(|st| st.fits(longest));
        let level = |f: &[SentenceFeatures]| Level {
            ids: f
                .par_iter()
                .map(|x| {
                    x.ids
                        .iter()
                        .map(|c| rank.get(c).copied().unwrap_or(0))
                        .collect()
                })
                .collect(),
            wd: wd.clone(),
            steps: steps.clone(),
            chars: f.iter().map(|x| x.chars).collect(),
            weight: f.iter().map(|x| x.weight).collect(),
            para: f.iter().map(|x| x.para_start).collect(),
            count: vec![1; f.len()],
            sents: f.iter().map(|x| x.sentences.max(1)).collect(),
        };
        (level(fs), level(ft))
    }

    pub fn len(&self) -> usize {
        self.chars.len()
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// Weight of a dense concept.
    #[inline]
    fn w(&self, d: u32) -> f32 {
        self.wd[d as usize]
    }

    /// The evidence of unit k that the other side of a bead leaves unmatched, when `matched` of
    /// its weight is matched: (1 − the matched share, at most 1) times the sentences the unit
    /// stands for. Every cost path (the reference `uncovered`, `cell_costs`, `sim_cost`) adds
    /// these terms, so they are bit-identical.
    #[inline]
    fn unmatched(&self, k: usize, matched: f32) -> f64 {
        let wt = self.weight[k];
        let share = if wt > 0.0 {
            (matched / wt).min(1.0) as f64
        } else {
            0.0
        };
        (1.0 - share) * self.count[k] as f64
    }

    /// Drops from each unit the concepts that no unit of the other side has: they never match,
    /// and a match adds nothing for them, so every matched weight (a sum in ascending concept
    /// order of the matched concepts' weights) is bit-identical with or without them. At 20,000
    /// sentences per side about half the concepts of level 0 and two thirds above it are such.
    /// Coarser levels are made from the full lists first.
    fn keep_shared(s: &mut Level, t: &mut Level) {
        let present = |l: &Level| {
            let mut p = vec![false; l.wd.len()];
            l.ids.iter().flatten().for_each(|&d| p[d as usize] = true);
            p
        };
        let (ps, pt) = (present(s), present(t));
        s.ids
            .par_iter_mut()
            .for_each(|x| x.retain(|&d| pt[d as usize]));
        t.ids
            .par_iter_mut()
            .for_each(|x| x.retain(|&d| ps[d as usize]));
    }

    /// Merges neighbours pairwise: unit k of the result is units 2k and 2k+1.
    fn coarsen(&self) -> Level {
        let n = self.len();
        let mut out = Level {
            wd: self.wd.clone(),
            steps: self.steps.clone().filter(|st| st.fits(COARSE_IDS)),
            ..Level::default()
        };
        let mut k = 0;
        while k < n {
            let e = (k + 2).min(n);
            // coarse units only steer the band: keep a consistent sample of their concepts
            // (the smallest numbers, the same on both sides), so each stays cheap to compare
            let next: &[u32] = if k + 1 < e { &self.ids[k + 1] } else { &[] };
            let ids = smallest_distinct(&self.ids[k], next, COARSE_IDS);
            let wsum: f32 = ids.iter().map(|&c| self.w(c)).sum();
            out.ids.push(ids);
            out.chars.push(self.chars[k..e].iter().sum());
            out.weight.push(wsum.max(1.0));
            out.para.push(self.para[k]);
            out.count.push(self.count[k..e].iter().sum());
            out.sents.push(self.sents[k..e].iter().sum());
            k = e;
        }
        out
    }
}

/// The evidence weights as whole numbers of one step, a power of two (with the default weights
/// 1, 2 and 0.5: halves). When no match can add up to 2^24 steps, every partial sum of a match
/// is a whole number of steps below 2^24, which `f32` holds exactly: the float sum is then the
/// exact sum in any order, and the sum of the steps as an integer, times the step, gives the
/// same bits. `Matches::new` adds integers instead (a one-cycle add in place of a four-cycle
/// `f32` add on its longest chain of dependent instructions).
#[derive(Debug, Clone)]
pub struct Steps {
    /// Per dense concept, its weight in steps.
    per: Arc<[u32]>,
    /// The largest weight in steps.
    most: u32,
    step: f32,
}

impl Steps {
    /// Steps of the kind weights `w` for the concepts in `table`; `None` when a weight is
    /// negative, not finite, or not a multiple of 2^-16 of at most 2^16 steps.
    fn of(w: &[f32; kind::COUNT], table: &[u32]) -> Option<Steps> {
        let q = (0..=16).find(|&q| {
            w.iter().all(|&x| {
                let v = f64::from(x) * f64::from(1u32 << q);
                x >= 0.0 && v.fract() == 0.0 && v <= 65536.0
            })
        })?;
        let scale = f64::from(1u32 << q);
        let by_kind: Vec<u32> = w.iter().map(|&x| (f64::from(x) * scale) as u32).collect();
        Some(Steps {
            per: table.iter().map(|&c| by_kind[(c >> 29) as usize]).collect(),
            most: by_kind.iter().copied().max().unwrap_or(0),
            step: (1.0 / scale) as f32,
        })
    }

    /// Whether the weights of `concepts` concepts stay below 2^24 steps.
    fn fits(&self, concepts: usize) -> bool {
        (concepts as u64).saturating_mul(u64::from(self.most)) < 1 << 24
    }
}

/// Weights of dense concepts as `Matches::new` adds them.
#[derive(Clone, Copy)]
enum Weights<'a> {
    Float(&'a [f32]),
    /// Whole steps (`Steps`) and the step.
    Steps(&'a [u32], f32),
}

/// The `limit` smallest distinct values of two sorted lists together: what sorting their
/// concatenation, removing repeats and truncating gives, by one merge.
fn smallest_distinct(a: &[u32], b: &[u32], limit: usize) -> Vec<u32> {
    let mut out = Vec::with_capacity(limit.min(a.len() + b.len()));
    let (mut i, mut j) = (0, 0);
    while out.len() < limit {
        let v = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) if x <= y => {
                i += 1;
                x
            }
            (_, Some(&y)) => {
                j += 1;
                y
            }
            (Some(&x), None) => {
                i += 1;
                x
            }
            (None, None) => break,
        };
        if out.last() != Some(&v) {
            out.push(v);
        }
    }
    out
}

/// Concepts kept per unit above level 0.
const COARSE_IDS: usize = 32;

/// Allowed columns per row: row i may use columns lo[i]..=hi[i].
struct Band {
    lo: Vec<usize>,
    hi: Vec<usize>,
    off: Vec<usize>,
}

impl Band {
    fn full(n: usize, m: usize) -> Band {
        Band::new(vec![0; n + 1], vec![m; n + 1])
    }

    fn new(lo: Vec<usize>, hi: Vec<usize>) -> Band {
        let mut off = Vec::with_capacity(lo.len() + 1);
        let mut acc = 0;
        for (l, h) in lo.iter().zip(&hi) {
            off.push(acc);
            acc += h + 1 - l;
        }
        off.push(acc);
        Band { lo, hi, off }
    }

    fn cells(&self) -> usize {
        *self.off.last().unwrap_or(&0)
    }

    #[inline]
    fn index(&self, i: usize, j: usize) -> Option<usize> {
        if j < self.lo[i] || j > self.hi[i] {
            None
        } else {
            Some(self.off[i] + j - self.lo[i])
        }
    }

    /// A band of ±w columns around a path of (i, j) vertices (consecutive vertices are joined
    /// by a line), row by row: row i may use the columns the path passes through in row i,
    /// widened by w on each side (as Vecalign's search buffer). A square of ±w rows and columns
    /// around each vertex, as before, made a diagonal band about 4w + 1 cells wide, twice the
    /// cells for the same reach across the path.
    fn around(path: &[(usize, usize)], n: usize, m: usize, w: usize) -> Band {
        let mut lo = vec![usize::MAX; n + 1];
        let mut hi = vec![0usize; n + 1];
        let mut mark = |i: usize, j: usize| {
            lo[i] = lo[i].min(j.saturating_sub(w));
            hi[i] = hi[i].max((j + w).min(m));
        };
        for win in path.windows(2) {
            let ((i0, j0), (i1, j1)) = (win[0], win[1]);
            let steps = (i1 - i0).max(j1 - j0).max(1);
            for s in 0..=steps {
                mark(i0 + (i1 - i0) * s / steps, j0 + (j1 - j0) * s / steps);
            }
        }
        if path.len() == 1 {
            mark(path[0].0, path[0].1);
        }
        mark(0, 0);
        mark(n, m);
        for r in 0..=n {
            if lo[r] == usize::MAX {
                lo[r] = 0;
                hi[r] = m;
            }
        }
        Band::new(lo, hi)
    }
}

/// Bead shapes searched: (source units, target units).
const SHAPES: [(usize, usize); 9] = [
    (1, 1),
    (1, 0),
    (0, 1),
    (2, 1),
    (1, 2),
    (2, 2),
    (3, 1),
    (1, 3),
    (0, 0),
];

/// Evidence left unmatched in a bead, summed over its units: each unit contributes
/// (1 − the share of its evidence weight that the other side matches), times the number of
/// sentences it stands for. A sentence merged into a bead without support costs as much as one
/// paired with nothing.
#[allow(clippy::too_many_arguments)]
#[inline]
fn uncovered(
    s: &Level,
    t: &Level,
    i: usize,
    j: usize,
    a: usize,
    b: usize,
    pair: impl Fn(usize, usize) -> f32,
) -> f64 {
    let w = |d: u32| s.w(d);
    // a unit against a single unit: the cached pairwise match; against a run: a multiset
    // intersection with the run merged (a sum of pairwise matches would count a word the
    // run repeats twice, and make merging look better than it is)
    let ss: [&[u32]; 3] = [
        &s.ids[i - a],
        if a > 1 { &s.ids[i - a + 1] } else { &[] },
        if a > 2 { &s.ids[i - a + 2] } else { &[] },
    ];
    let ts: [&[u32]; 3] = [
        &t.ids[j - b],
        if b > 1 { &t.ids[j - b + 1] } else { &[] },
        if b > 2 { &t.ids[j - b + 2] } else { &[] },
    ];
    let mut out = 0.0;
    for k in 0..a {
        let m = if b == 1 {
            pair(i - a + k, j - 1)
        } else {
            matched_weight_by(&ss[k..k + 1], &ts[..b], w)
        };
        out += s.unmatched(i - a + k, m);
    }
    for l in 0..b {
        let m = if a == 1 {
            pair(i - 1, j - b + l)
        } else {
            matched_weight_by(&ss[..a], &ts[l..l + 1], w)
        };
        out += t.unmatched(j - b + l, m);
    }
    out
}

/// Matched weights of the band's cells, for the DP: every value depends on its units only, so all
/// are computed up front, row by row in parallel (deterministic: each cell is computed alone),
/// and the sequential DP only reads them.
///
/// Each held row covers its band columns widened by one on the left and two on the right: the
/// evidence of the merge beads ending at a band cell reads the cells (i, j − 1) and (i − 1, j)
/// (up to two columns past row i − 1's band when the path turns), which a plain band table
/// lacks, so they were merged anew at every such cell. With the widening every value
/// `Searcher::cell_costs` reads for a bead that starts inside the band is in the table.
struct Matches<'a> {
    s: &'a Level,
    t: &'a Level,
    /// The rows held: rows..rows.end (the DP works through the band a block at a time, so
    /// memory stays bounded); cells elsewhere are computed when asked for.
    rows: usize,
    /// Per held row (from `rows`): its first and last column, and the place of its first cell.
    lo: Vec<usize>,
    hi: Vec<usize>,
    off: Vec<usize>,
    /// Cell (i, j): source unit i-1 against target unit j-1.
    pair: Vec<f32>,
    /// Cell (i, j): source unit i-1 against target units j-2, j-1 merged.
    one_two: Vec<f32>,
    /// Cell (i, j): source units i-2, i-1 merged against target unit j-1.
    two_one: Vec<f32>,
}

/// One held row of `Matches`: the matched weights of its cells from column `lo`.
#[derive(Clone, Copy)]
struct MatchRow<'m> {
    lo: usize,
    pair: &'m [f32],
    one_two: &'m [f32],
    two_one: &'m [f32],
}

impl MatchRow<'_> {
    /// A row that is not held: every look-up misses.
    const EMPTY: MatchRow<'static> = MatchRow {
        lo: 0,
        pair: &[],
        one_two: &[],
        two_one: &[],
    };

    #[inline(always)]
    fn get(v: &[f32], lo: usize, j: usize) -> Option<f32> {
        v.get(j.wrapping_sub(lo)).copied()
    }
}

/// Rows of the match tables whose concept lists are filtered together (`Matches::new`).
const SUB_ROWS: usize = 32;

/// What one thread of `Matches::new` reuses from block to block: two bags, a stamp per concept
/// for each side (the first row of the rows whose units hold it), and the filtered lists.
struct Scratch {
    one: Bag,
    two: Bag,
    in_src: Vec<u32>,
    in_tgt: Vec<u32>,
    kept: Vec<u32>,
    /// Per kept concept, how many copies of it come before it in its unit.
    copy: Vec<u16>,
    from: Vec<usize>,
}

impl Scratch {
    fn new(concepts: usize) -> Scratch {
        Scratch {
            one: Bag::new(concepts),
            two: Bag::new(concepts),
            in_src: vec![u32::MAX; concepts],
            in_tgt: vec![u32::MAX; concepts],
            kept: Vec::new(),
            copy: Vec::new(),
            from: Vec::new(),
        }
    }
}

/// A multiset of concepts as a count per dense concept number, filled for one row or column
/// of the band so each cell's match is one look-up per concept of the other unit instead of a
/// merge of both lists.
struct Bag {
    counts: Vec<u16>,
}

impl Bag {
    /// Weighted multiset intersection with a unit, given as its concepts (sorted) and, for
    /// each, how many copies of it come before it in the unit: the k-th copy matches when the
    /// bag holds more than k. The matches are added in ascending concept order, as
    /// `score::matched_weight2_by` adds them, so the result is bit-identical (or, in steps,
    /// exact: the same bits, see `Steps`).
    #[inline]
    fn matched_ranked(&self, (dense, copy): (&[u32], &[u16]), wd: Weights) -> f32 {
        match wd {
            Weights::Float(wd) => {
                let mut m = 0f32;
                for (&d, &k) in dense.iter().zip(copy) {
                    m += if k < self.counts[d as usize] {
                        wd[d as usize]
                    } else {
                        0.0
                    };
                }
                m
            }
            Weights::Steps(per, step) => {
                let mut m = 0u32;
                for (&d, &k) in dense.iter().zip(copy) {
                    m += if k < self.counts[d as usize] {
                        per[d as usize]
                    } else {
                        0
                    };
                }
                m as f32 * step
            }
        }
    }

    /// `(self.matched_ranked(unit, wd), other.matched_ranked(unit, wd))` in one pass over the
    /// unit: each sum adds the same terms in the same order as two calls.
    #[inline]
    fn matched_both_ranked(
        &self,
        other: &Bag,
        (dense, copy): (&[u32], &[u16]),
        wd: Weights,
    ) -> (f32, f32) {
        match wd {
            Weights::Float(wd) => {
                let (mut m1, mut m2) = (0f32, 0f32);
                for (&d, &k) in dense.iter().zip(copy) {
                    let w = wd[d as usize];
                    m1 += if k < self.counts[d as usize] { w } else { 0.0 };
                    m2 += if k < other.counts[d as usize] { w } else { 0.0 };
                }
                (m1, m2)
            }
            Weights::Steps(per, step) => {
                let (mut m1, mut m2) = (0u32, 0u32);
                for (&d, &k) in dense.iter().zip(copy) {
                    let w = per[d as usize];
                    m1 += if k < self.counts[d as usize] { w } else { 0 };
                    m2 += if k < other.counts[d as usize] { w } else { 0 };
                }
                (m1 as f32 * step, m2 as f32 * step)
            }
        }
    }

    fn new(concepts: usize) -> Bag {
        Bag {
            counts: vec![0; concepts],
        }
    }

    fn fill(&mut self, lists: &[&[u32]]) {
        for l in lists {
            for &d in *l {
                self.counts[d as usize] = self.counts[d as usize].saturating_add(1);
            }
        }
    }

    fn clear(&mut self, lists: &[&[u32]]) {
        for l in lists {
            for &d in *l {
                self.counts[d as usize] = 0;
            }
        }
    }
}

impl<'a> Matches<'a> {
    /// Columns held for row i: its band columns, one more on the left and two more on the
    /// right (within 0..=m).
    #[inline]
    fn columns(band: &Band, m: usize, i: usize) -> (usize, usize) {
        (band.lo[i].saturating_sub(1), (band.hi[i] + 2).min(m))
    }

    fn new(s: &'a Level, t: &'a Level, band: &Band, rows: std::ops::Range<usize>) -> Self {
        let concepts = s.wd.len();
        let wd = match (&s.steps, &t.steps) {
            (Some(st), Some(_)) => Weights::Steps(&st.per, st.step),
            _ => Weights::Float(&s.wd),
        };
        let m = t.len();
        let (mut lo, mut hi, mut off) = (
            Vec::with_capacity(rows.len()),
            Vec::with_capacity(rows.len()),
            Vec::with_capacity(rows.len() + 1),
        );
        let mut acc = 0;
        for i in rows.clone() {
            let (l, h) = Matches::columns(band, m, i);
            lo.push(l);
            hi.push(h);
            off.push(acc);
            acc += h + 1 - l;
        }
        off.push(acc);
        let cells = acc;
        let mut pair = vec![0f32; cells];
        let mut one_two = vec![0f32; cells];
        let mut two_one = vec![0f32; cells];
        // blocks of rows, each writing only its own cells (so no copies, and the same values
        // whatever the thread count)
        const CHUNK: usize = 256;
        let mut blocks = Vec::with_capacity(rows.len() / CHUNK + 1);
        {
            let (mut p, mut o, mut t2) = (&mut pair[..], &mut one_two[..], &mut two_one[..]);
            let mut r0 = rows.start;
            while r0 < rows.end {
                let r1 = (r0 + CHUNK).min(rows.end);
                let len = off[r1 - rows.start] - off[r0 - rows.start];
                let (a, rest_p) = std::mem::take(&mut p).split_at_mut(len);
                let (b, rest_o) = std::mem::take(&mut o).split_at_mut(len);
                let (c, rest_t) = std::mem::take(&mut t2).split_at_mut(len);
                blocks.push((r0, r1, a, b, c));
                (p, o, t2) = (rest_p, rest_o, rest_t);
                r0 = r1;
            }
        }
        let (row_lo, row_hi, row_off) = (&lo, &hi, &off);
        let first_row = rows.start;
        blocks.into_par_iter().for_each_init(
            || Scratch::new(concepts),
            |scratch, (r0, r1, pair, one_two, two_one)| {
                // row i of the band is entry i - first_row of the held rows
                let (lo, hi) = (
                    |i: usize| row_lo[i - first_row],
                    |i: usize| row_hi[i - first_row],
                );
                let at = |i: usize, j: usize| {
                    row_off[i - first_row] + j - lo(i) - row_off[r0 - first_row]
                };
                let Scratch {
                    one,
                    two,
                    in_src,
                    in_tgt,
                    kept,
                    copy,
                    from,
                } = scratch;
                let mut a = r0.max(1);
                while a < r1 {
                    let b = (a + SUB_ROWS).min(r1);
                    // columns of rows a..b
                    let (jl, jh) = (
                        (a..b).map(lo).min().unwrap_or(0),
                        (a..b).map(hi).max().unwrap_or(0),
                    );
                    // A concept that no source unit of these rows holds matches no cell of
                    // them, nor one no target unit of their columns holds: each unit's list
                    // keeps only the concepts the other side has here. A dropped concept adds
                    // 0.0 to a sum and does not change how repeats of the others count, so
                    // every matched weight is bit-identical.
                    let stamp = a as u32;
                    for u in a.saturating_sub(2)..b - 1 {
                        s.ids[u].iter().for_each(|&d| in_src[d as usize] = stamp);
                    }
                    for u in jl.saturating_sub(2)..jh {
                        t.ids[u].iter().for_each(|&d| in_tgt[d as usize] = stamp);
                    }
                    // target units jl-1..jh (column j reads unit j-1), then source units a-1..b-1
                    kept.clear();
                    copy.clear();
                    from.clear();
                    let mut keep = |ids: &[u32], present: &[u32]| {
                        from.push(kept.len());
                        // counted as `Bag::matched` counts repeats
                        let (mut prev, mut seen) = (u32::MAX, 0u16);
                        for &d in ids {
                            seen = if d == prev { seen.wrapping_add(1) } else { 0 };
                            prev = d;
                            if present[d as usize] == stamp {
                                kept.push(d);
                                copy.push(seen);
                            }
                        }
                    };
                    for u in jl.saturating_sub(1)..jh {
                        keep(&t.ids[u], in_src);
                    }
                    let src_from = jh + 1 - jl.max(1);
                    for u in a - 1..b - 1 {
                        keep(&s.ids[u], in_tgt);
                    }
                    from.push(kept.len());
                    let unit = |k: usize| {
                        let span = from[k]..from[k + 1];
                        (&kept[span.clone()], &copy[span])
                    };
                    let tgt_unit = |u: usize| unit(u + 1 - jl.max(1));
                    let src_unit = |u: usize| unit(src_from + u + 1 - a);
                    // by rows: source unit i-1 (pair) and units i-2, i-1 merged (two_one)
                    for i in a..b {
                        let x: &[u32] = &s.ids[i - 1];
                        let xx: &[u32] = if i > 1 { &s.ids[i - 2] } else { &[] };
                        one.fill(&[x]);
                        two.fill(&[xx, x]);
                        let base = at(i, lo(i));
                        for j in lo(i).max(1)..=hi(i) {
                            let k = base + j - lo(i);
                            let y = tgt_unit(j - 1);
                            if i > 1 {
                                (pair[k], two_one[k]) = one.matched_both_ranked(two, y, wd);
                            } else {
                                pair[k] = one.matched_ranked(y, wd);
                            }
                        }
                        one.clear(&[x]);
                        two.clear(&[xx, x]);
                    }
                    // by columns: target units j-2, j-1 merged (one_two)
                    for j in jl.max(2)..=jh {
                        let ys: [&[u32]; 2] = [&t.ids[j - 2], &t.ids[j - 1]];
                        let mut filled = false;
                        for i in a..b {
                            if j >= lo(i) && j <= hi(i) {
                                if !filled {
                                    one.fill(&ys);
                                    filled = true;
                                }
                                one_two[at(i, j)] = one.matched_ranked(src_unit(i - 1), wd);
                            }
                        }
                        if filled {
                            one.clear(&ys);
                        }
                    }
                    a = b;
                }
            },
        );
        Matches {
            s,
            t,
            rows: rows.start,
            lo,
            hi,
            off,
            pair,
            one_two,
            two_one,
        }
    }

    /// Row i's cells, when it is held.
    #[inline]
    fn row(&self, i: usize) -> Option<MatchRow<'_>> {
        let r = i.wrapping_sub(self.rows);
        if r >= self.lo.len() {
            return None;
        }
        let cells = self.off[r]..self.off[r + 1];
        Some(MatchRow {
            lo: self.lo[r],
            pair: &self.pair[cells.clone()],
            one_two: &self.one_two[cells.clone()],
            two_one: &self.two_one[cells],
        })
    }

    /// Index of cell (i, j) in the held rows.
    #[inline]
    fn cell(&self, i: usize, j: usize) -> Option<usize> {
        let r = i.wrapping_sub(self.rows);
        if r >= self.lo.len() || j < self.lo[r] || j > self.hi[r] {
            return None;
        }
        Some(self.off[r] + j - self.lo[r])
    }

    /// Source unit x against target unit y.
    #[inline]
    fn pair(&self, x: usize, y: usize) -> f32 {
        match self.cell(x + 1, y + 1) {
            Some(k) => self.pair[k],
            None => self.pair_merged(x, y),
        }
    }

    /// As `pair`, computed from the units.
    #[cold]
    fn pair_merged(&self, x: usize, y: usize) -> f32 {
        matched_weight2_by(&self.s.ids[x], &self.t.ids[y], |d| self.s.w(d))
    }

    /// Source unit i-1 against target units j-2 and j-1 merged.
    #[inline]
    fn one_two(&self, i: usize, j: usize) -> f32 {
        match self.cell(i, j) {
            Some(k) => self.one_two[k],
            None => self.one_two_merged(i, j),
        }
    }

    /// As `one_two`, computed from the units.
    #[cold]
    fn one_two_merged(&self, i: usize, j: usize) -> f32 {
        matched_weight_1v2(
            &self.s.ids[i - 1],
            &self.t.ids[j - 2],
            &self.t.ids[j - 1],
            |d| self.s.w(d),
        )
    }

    /// Source units i-2 and i-1 merged against target unit j-1.
    #[inline]
    fn two_one(&self, i: usize, j: usize) -> f32 {
        match self.cell(i, j) {
            Some(k) => self.two_one[k],
            None => self.two_one_merged(i, j),
        }
    }

    /// As `two_one`, computed from the units.
    #[cold]
    fn two_one_merged(&self, i: usize, j: usize) -> f32 {
        matched_weight_1v2(
            &self.t.ids[j - 1],
            &self.s.ids[i - 2],
            &self.s.ids[i - 1],
            |d| self.s.w(d),
        )
    }
}

/// Length costs of (source, target) character counts that are whole numbers below
/// `LENGTH_MEMO`, each computed once per pass: a band asks for the same pairs of lengths many
/// times (at 20,000 sentences per side about 185,000 distinct pairs among 2 million look-ups at
/// level 0), and each costs two `exp` and a `ln`. A stored value is the one `Searcher::length_cost`
/// returns, whichever thread stored it, so the path is unchanged.
struct LengthMemo<'a> {
    searcher: &'a Searcher<'a>,
    /// `rows` × `cols` cost bits, row by source length; `EMPTY` until computed.
    table: Vec<AtomicU64>,
    rows: usize,
    cols: usize,
}

/// The memo holds lengths below this (a table of at most 8 MB).
const LENGTH_MEMO: usize = 1024;
/// A NaN pattern: never the bits of a length cost.
const EMPTY: u64 = u64::MAX;

impl<'a> LengthMemo<'a> {
    /// A memo for the beads of these levels: its table only as large as their lengths need
    /// (longer ones are computed each time, as lengths from `LENGTH_MEMO` up always were), so
    /// a short text does not fill 8 MB.
    fn new(searcher: &'a Searcher<'a>, levels: &[(&Level, &Level)]) -> Self {
        // a bead's side has at most three units
        let units = if searcher.costs.merge31.is_finite() {
            3.0
        } else {
            2.0
        };
        let span = |l: &Level| {
            let longest = l.chars.iter().copied().fold(0f32, f32::max);
            // whole lengths below this can occur (an upper bound: a few spare rows are harmless)
            ((longest * units).ceil() as usize).saturating_add(1)
        };
        let rows = levels.iter().map(|(s, _)| span(s)).max().unwrap_or(0);
        let cols = levels.iter().map(|(_, t)| span(t)).max().unwrap_or(0);
        let (rows, cols) = (rows.min(LENGTH_MEMO), cols.min(LENGTH_MEMO));
        LengthMemo {
            searcher,
            table: (0..rows * cols).map(|_| AtomicU64::new(EMPTY)).collect(),
            rows,
            cols,
        }
    }

    #[inline]
    fn cost(&self, ls: f32, lt: f32) -> f64 {
        let (x, y) = (ls as usize, lt as usize);
        if x < self.rows && y < self.cols && x as f32 == ls && y as f32 == lt {
            let slot = &self.table[x * self.cols + y];
            let v = slot.load(Ordering::Relaxed);
            if v != EMPTY {
                return f64::from_bits(v);
            }
            let c = self.searcher.length_cost(ls, lt);
            slot.store(c.to_bits(), Ordering::Relaxed);
            c
        } else {
            self.searcher.length_cost(ls, lt)
        }
    }
}

/// One row of the DP's path costs: columns lo..=hi.
#[derive(Clone, Copy)]
struct CostRow<'r> {
    lo: usize,
    hi: usize,
    cost: &'r [f32],
}

impl CostRow<'_> {
    /// The cost of the best path to column c, when c is in the row and reachable.
    #[inline(always)]
    fn get(&self, c: usize) -> Option<f64> {
        if c < self.lo || c > self.hi {
            return None;
        }
        let v = self.cost[c - self.lo] as f64;
        v.is_finite().then_some(v)
    }
}

/// The beads with both sides whose costs are computed ahead of the DP (1-1, 2-1, 1-2, 2-2):
/// their slot in a cell's costs, by place in `SHAPES` (9: computed in the DP).
const PAIR_SLOT: [usize; 9] = [0, 9, 9, 1, 2, 3, 9, 9, 9];

pub struct Searcher<'a> {
    pub scorer: &'a Scorer,
    pub costs: SearchCosts,
}

impl Searcher<'_> {
    fn shape_cost(&self, a: usize, b: usize) -> f64 {
        match (a, b) {
            (1, 1) => 0.0,
            (2, 1) | (1, 2) => self.costs.merge,
            (2, 2) => self.costs.merge22,
            _ => self.costs.merge31,
        }
    }

    #[inline]
    fn length_cost(&self, ls: f32, lt: f32) -> f64 {
        let c = &self.costs;
        self.scorer
            .length_cost_mixed(ls, lt, c.length_tail_weight, c.length_tail_width)
    }

    /// Cost of the bead of source units i-a..i and target units j-b..j.
    #[inline]
    pub fn bead_cost(&self, s: &Level, t: &Level, i: usize, j: usize, a: usize, b: usize) -> f64 {
        self.bead_cost_with(s, t, i, j, a, b, |x, y| {
            matched_weight2_by(&s.ids[x], &t.ids[y], |d| s.w(d))
        })
    }

    /// As `bead_cost`, with the matched weight of units (x, y) given by `pair`.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn bead_cost_with(
        &self,
        s: &Level,
        t: &Level,
        i: usize,
        j: usize,
        a: usize,
        b: usize,
        pair: impl Fn(usize, usize) -> f32,
    ) -> f64 {
        let c = &self.costs;
        if a == 0 || b == 0 {
            let n: u32 =
                s.count[i - a..i].iter().sum::<u32>() + t.count[j - b..j].iter().sum::<u32>();
            // a sentence left out pays the premium over a pairing with no evidence at all
            return (c.skip + 0.5 * c.sim_weight) * n as f64;
        }
        let sim_cost = c.sim_weight * uncovered(s, t, i, j, a, b, pair) / 2.0;
        self.finish_with(s, t, (i, j, a, b), sim_cost, |ls, lt| {
            self.length_cost(ls, lt)
        })
    }

    /// Best path through the band, as a list of (source units, target units) bead shapes.
    ///
    /// Hot loop. What keeps it cheap without changing its result: the matched weights of every
    /// cell's unit pairs (1-1, 1-2, 2-1; the 2-2 beads reuse the neighbouring cells') and then
    /// the cost of the 1-1 bead and the evidence terms of the 2-1, 1-2 and 2-2 beads ending at
    /// each cell are computed in parallel, a block of rows at a time, before the sequential DP;
    /// length costs are memoised; a merge bead whose shape and evidence cost alone already reach
    /// the best cost found is not finished (most are not: its length cost is never looked up);
    /// and a 3-1 / 1-3 bead whose cost without its evidence term (never negative) already
    /// reaches the best cost found is not scored at all.
    fn run(&self, s: &Level, t: &Level, band: &Band, lengths: &LengthMemo) -> Vec<(usize, usize)> {
        let (n, m) = (s.len(), t.len());
        let cells = band.cells();
        let mut back = vec![u8::MAX; cells];
        // the cost of the best path to each cell, for the last four rows only (a bead spans at
        // most three): row r at `cost[r % 4]`, from column band.lo[r]
        let mut cost: [Vec<f32>; 4] = Default::default();
        let max_shape = if self.costs.merge31.is_finite() { 8 } else { 6 };
        // the evidence term of a bead is never negative, so a partial cost bounds the bead's
        let prune = self.costs.sim_weight >= 0.0;
        // nor are its length term (−ln of a probability below 1, so with a tail weight in
        // [0, 1]; times a weight ≥ 0) and its structure term: shape + evidence bounds a merge
        // bead's cost from below (float addition is monotone), and a merge that cannot win is
        // not finished (its length cost not looked up)
        let prune_merges = self.costs.length_weight >= 0.0
            && self.costs.structure >= 0.0
            && self.costs.length_tail_weight <= 1.0;
        // a block of rows at a time, with the matches of its rows and the row before, and the
        // costs of its beads with both sides (each depends on its cell only: computed in
        // parallel, the same values at any thread count)
        const BLOCK: usize = 1024;
        let mut mt = Matches::new(s, t, band, 0..0);
        let mut pair_costs: Vec<[f64; 4]> = Vec::new();
        let mut block_start = 0;
        for i in 0..=n {
            if i % BLOCK == 0 {
                let rows = i.saturating_sub(1)..(i + BLOCK).min(n + 1);
                mt = Matches::new(s, t, band, rows);
                block_start = i;
                self.pair_costs(
                    s,
                    t,
                    band,
                    &mt,
                    i..(i + BLOCK).min(n + 1),
                    lengths,
                    &mut pair_costs,
                );
            }
            let row_base = band.off[i] - band.off[block_start];
            let mut row = std::mem::take(&mut cost[i % 4]);
            row.clear();
            row.resize(band.hi[i] + 1 - band.lo[i], f32::INFINITY);
            // the two rows above, for the six-shape DP
            let above = |a: usize| {
                (i >= a).then(|| CostRow {
                    lo: band.lo[i - a],
                    hi: band.hi[i - a],
                    cost: &cost[(i - a) % 4],
                })
            };
            let (up1, up2) = (above(1), above(2));
            for j in band.lo[i]..=band.hi[i] {
                if i == 0 && j == 0 {
                    row[0] = 0.0;
                    continue;
                }
                let here = &pair_costs[row_base + j - band.lo[i]];
                if max_shape == 6 {
                    let cur = CostRow {
                        lo: band.lo[i],
                        hi: band.hi[i],
                        cost: &row,
                    };
                    let (best, arg) = self.best_of_six(
                        s,
                        t,
                        (i, j),
                        here,
                        (&cur, up1, up2),
                        prune_merges,
                        lengths,
                    );
                    row[j - band.lo[i]] = best as f32;
                    back[band.off[i] + j - band.lo[i]] = arg;
                    continue;
                }
                let mut best = f64::INFINITY;
                let mut arg = u8::MAX;
                for (k, &(a, b)) in SHAPES[..max_shape].iter().enumerate() {
                    if a > i || b > j {
                        continue;
                    }
                    let (r, c) = (i - a, j - b);
                    if c < band.lo[r] || c > band.hi[r] {
                        continue;
                    }
                    let prev = if a == 0 {
                        row[c - band.lo[r]]
                    } else {
                        cost[r % 4][c - band.lo[r]]
                    } as f64;
                    if !prev.is_finite() {
                        continue;
                    }
                    let c = if a == 0 || b == 0 {
                        prev + self.skip_cost(s, t, i, j, a, b)
                    } else if PAIR_SLOT[k] == 0 {
                        prev + here[0]
                    } else if PAIR_SLOT[k] < 4 {
                        let evidence = here[PAIR_SLOT[k]];
                        if evidence == f64::INFINITY {
                            // the bead would start outside the band
                            continue;
                        }
                        // a later shape wins only when strictly cheaper (as below)
                        if prune_merges && prev + (self.shape_cost(a, b) + evidence) >= best {
                            continue;
                        }
                        prev + self.finish_cost(s, t, i, j, a, b, evidence, lengths)
                    } else {
                        let base = self.base_cost(s, t, i, j, a, b, lengths);
                        let mut with_structure = if s.para[i - a] != t.para[j - b] {
                            base + self.costs.structure
                        } else {
                            base
                        };
                        let cap = self.substitute_cap(s, t, i, j, a, b);
                        with_structure = with_structure.min(cap);
                        // shapes are tried in a fixed order and a later one wins only when
                        // strictly cheaper, so skipping one that cannot be cheaper is exact
                        if prune && prev + with_structure >= best {
                            continue;
                        }
                        prev + self.pair_cost(s, t, i, j, a, b, &mt, lengths)
                    };
                    if c < best {
                        best = c;
                        arg = k as u8;
                    }
                }
                row[j - band.lo[i]] = best as f32;
                back[band.off[i] + j - band.lo[i]] = arg;
            }
            cost[i % 4] = row;
        }
        let mut shapes = Vec::new();
        let (mut i, mut j) = (n, m);
        while i > 0 || j > 0 {
            let k = band.index(i, j).map(|x| back[x]).unwrap_or(u8::MAX);
            // unreachable cell (cannot happen with a connected band): fall back to a deletion
            let (a, b) = if k == u8::MAX {
                if i > 0 {
                    (1, 0)
                } else {
                    (0, 1)
                }
            } else {
                SHAPES[k as usize]
            };
            shapes.push((a, b));
            i -= a;
            j -= b;
        }
        shapes.reverse();
        shapes
    }

    /// The cheapest bead of the six shapes (1-1, 1-0, 0-1, 2-1, 1-2, 2-2) ending at cell
    /// (i, j), and its place in `SHAPES`: the generic loop of `run` written out shape by shape
    /// (the same tests, sums and comparisons in the same order, so the same result), with
    /// `row` the costs of row i so far and `up1`, `up2` rows i − 1 and i − 2.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn best_of_six(
        &self,
        s: &Level,
        t: &Level,
        (i, j): (usize, usize),
        here: &[f64; 4],
        (row, up1, up2): (&CostRow, Option<CostRow>, Option<CostRow>),
        prune_merges: bool,
        lengths: &LengthMemo,
    ) -> (f64, u8) {
        let c = &self.costs;
        let skip = c.skip + 0.5 * c.sim_weight;
        let mut best = f64::INFINITY;
        let mut arg = u8::MAX;
        let prev = |r: Option<CostRow>, col: Option<usize>| r.zip(col).and_then(|(r, c)| r.get(c));
        // 1-1
        if let Some(p) = prev(up1, j.checked_sub(1)) {
            let cost = p + here[0];
            if cost < best {
                (best, arg) = (cost, 0);
            }
        }
        // 1-0
        if let Some(p) = prev(up1, Some(j)) {
            let cost = p + skip * f64::from(s.count[i - 1]);
            if cost < best {
                (best, arg) = (cost, 1);
            }
        }
        // 0-1
        if let Some(p) = j.checked_sub(1).and_then(|col| row.get(col)) {
            let cost = p + skip * f64::from(t.count[j - 1]);
            if cost < best {
                (best, arg) = (cost, 2);
            }
        }
        // 2-1, 1-2, 2-2: finished only when they could win (as in `run`)
        let merges = [(3, up2, (2, 1)), (4, up1, (1, 2)), (5, up2, (2, 2))];
        for (slot, (k, up, (a, b))) in merges.into_iter().enumerate() {
            let Some(p) = prev(up, j.checked_sub(b)) else {
                continue;
            };
            let evidence = here[slot + 1];
            if evidence == f64::INFINITY {
                continue;
            }
            if prune_merges && p + (self.shape_cost(a, b) + evidence) >= best {
                continue;
            }
            let cost = p + self.finish_cost(s, t, i, j, a, b, evidence, lengths);
            if cost < best {
                (best, arg) = (cost, k);
            }
        }
        (best, arg)
    }

    /// Cost of the bead of source units i-a..i and target units j-b..j (both sides non-empty),
    /// as `bead_cost_with` computes it, with cached matches and length costs.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn pair_cost(
        &self,
        s: &Level,
        t: &Level,
        i: usize,
        j: usize,
        a: usize,
        b: usize,
        mt: &Matches,
        lengths: &LengthMemo,
    ) -> f64 {
        let base = self.base_cost(s, t, i, j, a, b, lengths);
        let mut cost = base + self.sim_cost(s, t, i, j, a, b, mt);
        if s.para[i - a] != t.para[j - b] {
            cost += self.costs.structure;
        }
        cost.min(self.substitute_cap(s, t, i, j, a, b))
    }

    /// `cell_costs` of each band cell of `rows` (the 1-1 bead's cost, the 2-1, 1-2 and 2-2
    /// beads' evidence terms; infinite where the bead would start outside the band), in band
    /// order from the first cell of `rows`, into `out` (reused from block to block). Blocks of
    /// rows are computed in parallel, each cell alone, so the values do not depend on the
    /// thread count; the DP uses them exactly as it would a cost computed in place.
    #[allow(clippy::too_many_arguments)]
    fn pair_costs(
        &self,
        s: &Level,
        t: &Level,
        band: &Band,
        mt: &Matches,
        rows: std::ops::Range<usize>,
        lengths: &LengthMemo,
        out: &mut Vec<[f64; 4]>,
    ) {
        out.clear();
        out.resize(
            band.off[rows.end] - band.off[rows.start],
            [f64::INFINITY; 4],
        );
        const CHUNK: usize = 256;
        let mut blocks = Vec::with_capacity(rows.len() / CHUNK + 1);
        {
            let mut rest = &mut out[..];
            let mut r0 = rows.start;
            while r0 < rows.end {
                let r1 = (r0 + CHUNK).min(rows.end);
                let (a, b) = std::mem::take(&mut rest).split_at_mut(band.off[r1] - band.off[r0]);
                blocks.push((r0, r1, a));
                rest = b;
                r0 = r1;
            }
        }
        blocks.into_par_iter().for_each(|(r0, r1, out)| {
            let base = band.off[r0];
            for i in r0.max(1)..r1 {
                let rows = (
                    mt.row(i).unwrap_or(MatchRow::EMPTY),
                    mt.row(i - 1).unwrap_or(MatchRow::EMPTY),
                );
                let first = band.off[i] - base;
                for j in band.lo[i].max(1)..=band.hi[i] {
                    out[first + j - band.lo[i]] =
                        self.cell_costs(s, t, band, i, j, mt, rows, lengths);
                }
            }
        });
    }

    /// For the beads ending at cell (i, j), i, j ≥ 1: the cost of the 1-1 bead (`pair_cost`) and
    /// the evidence terms (`sim_cost`) of the 2-1, 1-2 and 2-2 beads, to finish with
    /// `finish_cost` in the DP only when they could win there (infinite for a bead that would
    /// start outside the band). The terms the shapes share are computed once and summed in
    /// `sim_cost`'s order, so each is bit-identical.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn cell_costs(
        &self,
        s: &Level,
        t: &Level,
        band: &Band,
        i: usize,
        j: usize,
        mt: &Matches,
        (row, above): (MatchRow, MatchRow),
        lengths: &LengthMemo,
    ) -> [f64; 4] {
        let c = &self.costs;
        let src = |k: usize, m: f32| s.unmatched(k, m);
        let tgt = |l: usize, m: f32| t.unmatched(l, m);
        let open = |a: usize, b: usize| a <= i && b <= j && band.index(i - a, j - b).is_some();
        let evidence = |out: f64| c.sim_weight * out / 2.0;
        // the matches of cells (i, ·) and (i - 1, ·), from the held rows (`Matches::row`;
        // computed from the units in the cases the rows do not cover)
        let pair = |r: &MatchRow, i: usize, j: usize| {
            MatchRow::get(r.pair, r.lo, j).unwrap_or_else(|| mt.pair(i - 1, j - 1))
        };
        let one_two = |r: &MatchRow, i: usize, j: usize| {
            MatchRow::get(r.one_two, r.lo, j).unwrap_or_else(|| mt.one_two(i, j))
        };
        let two_one = |r: &MatchRow, i: usize, j: usize| {
            MatchRow::get(r.two_one, r.lo, j).unwrap_or_else(|| mt.two_one(i, j))
        };
        let mut costs = [f64::INFINITY; 4];
        let p = pair(&row, i, j);
        let (src1, tgt1) = (src(i - 1, p), tgt(j - 1, p));
        if open(1, 1) {
            let mut out = 0.0;
            out += src1;
            out += tgt1;
            costs[0] = self.finish_cost(s, t, i, j, 1, 1, evidence(out), lengths);
        }
        let (open21, open22) = (open(2, 1), open(2, 2));
        let tgt1_of_two = if open21 || open22 {
            tgt(j - 1, two_one(&row, i, j))
        } else {
            0.0
        };
        if open21 {
            let mut out = 0.0;
            out += src(i - 2, pair(&above, i - 1, j));
            out += src1;
            out += tgt1_of_two;
            costs[1] = evidence(out);
        }
        let open12 = open(1, 2);
        let src1_of_two = if open12 || open22 {
            src(i - 1, one_two(&row, i, j))
        } else {
            0.0
        };
        if open12 {
            let mut out = 0.0;
            out += src1_of_two;
            out += tgt(j - 2, pair(&row, i, j - 1));
            out += tgt1;
            costs[2] = evidence(out);
        }
        if open22 {
            let mut out = 0.0;
            out += src(i - 2, one_two(&above, i - 1, j));
            out += src1_of_two;
            out += tgt(j - 2, two_one(&row, i, j - 1));
            out += tgt1_of_two;
            costs[3] = evidence(out);
        }
        costs
    }

    /// The cost of a bead with both sides from its evidence term (`sim_cost`), summed as
    /// `pair_cost` sums it.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn finish_cost(
        &self,
        s: &Level,
        t: &Level,
        i: usize,
        j: usize,
        a: usize,
        b: usize,
        evidence: f64,
        lengths: &LengthMemo,
    ) -> f64 {
        self.finish_with(s, t, (i, j, a, b), evidence, |ls, lt| lengths.cost(ls, lt))
    }

    /// Shape, length, sentence-count and structure costs added to a bead's evidence term, in
    /// one order for the search and the reference (`bead_cost`), so the two agree to the bit.
    #[inline(always)]
    fn finish_with(
        &self,
        s: &Level,
        t: &Level,
        (i, j, a, b): (usize, usize, usize, usize),
        evidence: f64,
        length: impl Fn(f32, f32) -> f64,
    ) -> f64 {
        let c = &self.costs;
        let ls: f32 = s.chars[i - a..i].iter().sum();
        let lt: f32 = t.chars[j - b..j].iter().sum();
        let base = self.shape_cost(a, b)
            + c.length_weight * length(ls, lt)
            + self.sentence_count_cost(s, t, i, j, a, b);
        let mut cost = base + evidence;
        if s.para[i - a] != t.para[j - b] {
            cost += c.structure;
        }
        cost.min(self.substitute_cap(s, t, i, j, a, b))
    }

    /// Cost of the sentence counts of a bead's two sides (0 when every unit holds one sentence):
    /// `sentence_count` per sentence by which they differ more than the bead's units do. A line
    /// of pre-split input that holds two sentences pairs with two sentences: a 1-1 of it with a
    /// single sentence pays, a 2-1 of it with two lines does not. So a line merged from two is
    /// a 2-1 rather than a 1-1 beside a deletion.
    #[inline]
    fn sentence_count_cost(
        &self,
        s: &Level,
        t: &Level,
        i: usize,
        j: usize,
        a: usize,
        b: usize,
    ) -> f64 {
        let c = self.costs.sentence_count;
        if c == 0.0 {
            return 0.0;
        }
        let sum = |v: &[u32]| v.iter().sum::<u32>();
        let (ns, nt) = (sum(&s.sents[i - a..i]), sum(&t.sents[j - b..j]));
        let (us, ut) = (sum(&s.count[i - a..i]), sum(&t.count[j - b..j]));
        let extra = ns.abs_diff(nt).saturating_sub(us.abs_diff(ut));
        if extra == 0 {
            0.0
        } else {
            c * f64::from(extra)
        }
    }

    /// The most a bead may cost: a sentence on each side at the same place is a loose
    /// translation rather than a deletion next to an insertion, so a 1-1 never costs more than
    /// the two skips would (less `substitute_margin`); other shapes are not capped. Above level
    /// 0 a unit stands for several sentences: the cap grows with them as the skips do, or two
    /// unrelated blocks would cost no more than two unrelated sentences and the coarse path
    /// (which the finer levels only refine within a band) would wander.
    #[inline]
    fn substitute_cap(&self, s: &Level, t: &Level, i: usize, j: usize, a: usize, b: usize) -> f64 {
        let c = &self.costs;
        if a == 1 && b == 1 {
            let sentences = f64::from(s.count[i - 1] + t.count[j - 1]) / 2.0;
            sentences * (2.0 * (c.skip + 0.5 * c.sim_weight) - c.substitute_margin)
        } else {
            f64::INFINITY
        }
    }

    /// Cost of a 1-0 / 0-1 bead (as `bead_cost_with`).
    #[inline]
    fn skip_cost(&self, s: &Level, t: &Level, i: usize, j: usize, a: usize, b: usize) -> f64 {
        let c = &self.costs;
        let n: u32 = s.count[i - a..i].iter().sum::<u32>() + t.count[j - b..j].iter().sum::<u32>();
        (c.skip + 0.5 * c.sim_weight) * n as f64
    }

    /// Shape and length cost of a bead with both sides: `bead_cost_with` before its evidence
    /// and structure terms, summed in the same order.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn base_cost(
        &self,
        s: &Level,
        t: &Level,
        i: usize,
        j: usize,
        a: usize,
        b: usize,
        lengths: &LengthMemo,
    ) -> f64 {
        let ls: f32 = s.chars[i - a..i].iter().sum();
        let lt: f32 = t.chars[j - b..j].iter().sum();
        self.shape_cost(a, b)
            + self.costs.length_weight * lengths.cost(ls, lt)
            + self.sentence_count_cost(s, t, i, j, a, b)
    }

    /// The evidence term of `bead_cost_with` (`uncovered`, with cached matches).
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn sim_cost(
        &self,
        s: &Level,
        t: &Level,
        i: usize,
        j: usize,
        a: usize,
        b: usize,
        mt: &Matches,
    ) -> f64 {
        let src = |k: usize, m: f32| s.unmatched(k, m);
        let tgt = |l: usize, m: f32| t.unmatched(l, m);
        // the same terms in the same order as `uncovered`, so the sums are bit-identical
        let mut out = 0.0;
        match (a, b) {
            (1, 1) => {
                let p = mt.pair(i - 1, j - 1);
                out += src(i - 1, p);
                out += tgt(j - 1, p);
            }
            (2, 1) => {
                out += src(i - 2, mt.pair(i - 2, j - 1));
                out += src(i - 1, mt.pair(i - 1, j - 1));
                out += tgt(j - 1, mt.two_one(i, j));
            }
            (1, 2) => {
                out += src(i - 1, mt.one_two(i, j));
                out += tgt(j - 2, mt.pair(i - 1, j - 2));
                out += tgt(j - 1, mt.pair(i - 1, j - 1));
            }
            (2, 2) => {
                out += src(i - 2, mt.one_two(i - 1, j));
                out += src(i - 1, mt.one_two(i, j));
                out += tgt(j - 2, mt.two_one(i, j - 1));
                out += tgt(j - 1, mt.two_one(i, j));
            }
            _ => {
                out = uncovered(s, t, i, j, a, b, |x, y| mt.pair(x, y));
            }
        }
        self.costs.sim_weight * out / 2.0
    }

    /// Re-aligns two level-0 sequences inside a band around an earlier path (second pass).
    pub fn refine(
        &self,
        fs: &[SentenceFeatures],
        ft: &[SentenceFeatures],
        shapes: &[(usize, usize)],
    ) -> Vec<(usize, usize)> {
        let (mut s, mut t) = Level::pair(fs, ft, self.scorer.kind_weights());
        Level::keep_shared(&mut s, &mut t);
        let mut path = vec![(0usize, 0usize)];
        let (mut i, mut j) = (0, 0);
        for &(a, b) in shapes {
            i += a;
            j += b;
            path.push((i, j));
        }
        let band = Band::around(&path, s.len(), t.len(), self.costs.band);
        let lengths = LengthMemo::new(self, &[(&s, &t)]);
        self.run(&s, &t, &band, &lengths)
    }

    /// For each bead of `shapes`, how much dearer the cheapest path between the path's vertices
    /// `reach` beads before and after it becomes when that bead is forbidden: a min-marginal of
    /// the search, local to a window of 2 · `reach` + 1 beads (0 when another reading of those
    /// sentences costs the same; infinite when the window has no other path). Bead costs come
    /// from the search's own tables (`pair_costs`, `finish_cost`) over a narrow band around the
    /// path, so they are the costs the search compared, at a fraction of a pass's work.
    pub fn path_margins(
        &self,
        fs: &[SentenceFeatures],
        ft: &[SentenceFeatures],
        shapes: &[(usize, usize)],
        reach: usize,
    ) -> Vec<f64> {
        let (mut s, mut t) = Level::pair(fs, ft, self.scorer.kind_weights());
        Level::keep_shared(&mut s, &mut t);
        let (n, m) = (s.len(), t.len());
        let mut verts = vec![(0usize, 0usize)];
        for &(a, b) in shapes {
            let &(i, j) = verts.last().expect("one vertex");
            verts.push((i + a, j + b));
        }
        if verts.last() != Some(&(n, m)) {
            return vec![f64::INFINITY; shapes.len()];
        }
        let band = Band::around(&verts, n, m, 2);
        let lengths = LengthMemo::new(self, &[(&s, &t)]);
        let mt = Matches::new(&s, &t, &band, 0..n + 1);
        let mut table = Vec::new();
        self.pair_costs(&s, &t, &band, &mt, 0..n + 1, &lengths, &mut table);
        let skip = self.costs.skip + 0.5 * self.costs.sim_weight;
        // the cost of the bead of shape (a, b) ending at (i, j), as the search prices it
        let cost = |i: usize, j: usize, a: usize, b: usize| -> f64 {
            if a > i || b > j || band.index(i - a, j - b).is_none() {
                return f64::INFINITY;
            }
            let Some(cell) = band.index(i, j) else {
                return f64::INFINITY;
            };
            let here = &table[cell];
            match (a, b) {
                (1, 0) => skip * f64::from(s.count[i - 1]),
                (0, 1) => skip * f64::from(t.count[j - 1]),
                (1, 1) => here[0],
                _ => {
                    let slot = match (a, b) {
                        (2, 1) => 1,
                        (1, 2) => 2,
                        (2, 2) => 3,
                        _ => return f64::INFINITY,
                    };
                    if here[slot] == f64::INFINITY {
                        return f64::INFINITY;
                    }
                    self.finish_cost(&s, &t, i, j, a, b, here[slot], &lengths)
                }
            }
        };
        const ALTERNATIVES: [(usize, usize); 6] = [(1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2)];
        (0..shapes.len())
            .into_par_iter()
            .map(|k| {
                let (first, last) = (k.saturating_sub(reach), (k + 1 + reach).min(shapes.len()));
                let ((i0, j0), (i1, j1)) = (verts[first], verts[last]);
                let path: f64 = (first..last)
                    .map(|q| cost(verts[q + 1].0, verts[q + 1].1, shapes[q].0, shapes[q].1))
                    .sum();
                let (w, h) = (j1 - j0 + 1, i1 - i0 + 1);
                let mut d = vec![f64::INFINITY; w * h];
                d[0] = 0.0;
                for i in i0..=i1 {
                    for j in j0..=j1 {
                        if (i, j) == (i0, j0) {
                            continue;
                        }
                        let mut best = f64::INFINITY;
                        for (a, b) in ALTERNATIVES {
                            if i < i0 + a
                                || j < j0 + b
                                || ((i, j) == verts[k + 1] && (a, b) == shapes[k])
                            {
                                continue;
                            }
                            let prev = d[(i - a - i0) * w + (j - b - j0)];
                            if prev < f64::INFINITY {
                                best = best.min(prev + cost(i, j, a, b));
                            }
                        }
                        d[(i - i0) * w + (j - j0)] = best;
                    }
                }
                (d[w * h - 1] - path).max(0.0)
            })
            .collect()
    }

    /// Aligns two level-0 sequences; returns bead shapes in order.
    pub fn align(&self, fs: &[SentenceFeatures], ft: &[SentenceFeatures]) -> Vec<(usize, usize)> {
        let (s0, t0) = Level::pair(fs, ft, self.scorer.kind_weights());
        let mut levels = vec![(s0, t0)];
        loop {
            let (s, t) = levels.last().expect("one level");
            let cells = (s.len() + 1) * (t.len() + 1);
            if cells <= self.costs.full_cells || s.len() < 4 || t.len() < 4 {
                break;
            }
            let next = (s.coarsen(), t.coarsen());
            levels.push(next);
        }
        levels
            .iter_mut()
            .for_each(|(s, t)| Level::keep_shared(s, t));
        let mut shapes: Option<Vec<(usize, usize)>> = None;
        let lengths = LengthMemo::new(
            self,
            &levels.iter().map(|(s, t)| (s, t)).collect::<Vec<_>>(),
        );
        while let Some((s, t)) = levels.pop() {
            let band = match &shapes {
                None => Band::full(s.len(), t.len()),
                Some(coarse) => {
                    // vertices of the coarse path, in units of this level
                    let mut path = vec![(0usize, 0usize)];
                    let (mut i, mut j) = (0, 0);
                    for &(a, b) in coarse {
                        i += a;
                        j += b;
                        path.push(((2 * i).min(s.len()), (2 * j).min(t.len())));
                    }
                    Band::around(&path, s.len(), t.len(), self.costs.band)
                }
            };
            shapes = Some(self.run(&s, &t, &band, &lengths));
        }
        shapes.unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::score::Side;
    use crate::align::AlignConfig;
    use crate::model::Lang;

    fn features(scorer: &Scorer, texts: &[String], side: Side) -> Vec<SentenceFeatures> {
        texts
            .iter()
            .map(|t| scorer.features(t, side, false))
            .collect()
    }

    /// The match loop in whole steps gives the bits of the float loop, on random units with
    /// repeated concepts of every kind; weights that are no multiple of a power of two, or
    /// negative, or units too long for 2^24 steps, keep the float loop.
    #[test]
    fn matches_in_steps_have_the_float_bits() {
        let w: [f32; kind::COUNT] = [2.0, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0];
        let table: Vec<u32> = (0..64u32).map(|k| ((k % 8) << 29) | k).collect();
        let steps = Steps::of(&w, &table).expect("halves are steps");
        assert_eq!(steps.step, 0.5);
        let wd: Vec<f32> = table.iter().map(|&c| w[(c >> 29) as usize]).collect();
        let mut state = 7u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let (mut bag, mut other) = (Bag::new(64), Bag::new(64));
        for _ in 0..500 {
            // a sorted unit of `least` to `least` + 39 concepts
            let mut unit = |least: u64| {
                let len = least + next(40);
                let mut v: Vec<u32> = (0..len).map(|_| next(64) as u32).collect();
                v.sort_unstable();
                v
            };
            let (a, b, u) = (unit(1), unit(0), unit(1));
            // copy numbers as `Matches::new` counts them
            let copy: Vec<u16> = u
                .iter()
                .enumerate()
                .map(|(k, &d)| u[..k].iter().rev().take_while(|&&e| e == d).count() as u16)
                .collect();
            bag.fill(&[&a]);
            other.fill(&[&a, &b]);
            let unit = (&u[..], &copy[..]);
            let float = Weights::Float(&wd);
            let exact = Weights::Steps(&steps.per, steps.step);
            let m = bag.matched_ranked(unit, float);
            assert_eq!(m.to_bits(), bag.matched_ranked(unit, exact).to_bits());
            let (m1, m2) = bag.matched_both_ranked(&other, unit, float);
            let (e1, e2) = bag.matched_both_ranked(&other, unit, exact);
            assert_eq!((m1.to_bits(), m2.to_bits()), (e1.to_bits(), e2.to_bits()));
            // and the reference merge
            let r = matched_weight2_by(&a, &u, |d| wd[d as usize]);
            assert_eq!(m.to_bits(), r.to_bits());
            bag.clear(&[&a]);
            other.clear(&[&a, &b]);
        }
        let mut odd = w;
        odd[2] = 0.3;
        assert!(Steps::of(&odd, &table).is_none());
        odd[2] = -1.0;
        assert!(Steps::of(&odd, &table).is_none());
        odd[2] = f32::NAN;
        assert!(Steps::of(&odd, &table).is_none());
        assert!(steps.fits(1 << 20));
        assert!(!steps.fits(1 << 23));
    }

    #[test]
    fn banded_search_equals_full_search_on_a_long_document() {
        let cfg = AlignConfig::default();
        let scorer = Scorer::new(Lang::En, Lang::En, &cfg).unwrap();
        let src: Vec<String> = (0..3000)
            .map(|k| format!("Sentence {k} says {} things", "many ".repeat(k % 7)))
            .collect();
        // delete every 11th target sentence
        let tgt: Vec<String> = src
            .iter()
            .enumerate()
            .filter(|(k, _)| k % 11 != 5)
            .map(|(_, s)| s.clone())
            .collect();
        let (s, t) = (
            features(&scorer, &src, Side::Src),
            features(&scorer, &tgt, Side::Tgt),
        );
        let mut costs = cfg.search_costs();
        costs.full_cells = 100_000_000;
        let full = Searcher {
            scorer: &scorer,
            costs,
        }
        .align(&s, &t);
        costs.full_cells = 10_000;
        let banded = Searcher {
            scorer: &scorer,
            costs,
        }
        .align(&s, &t);
        assert_eq!(full, banded);
        assert_eq!(
            banded.iter().filter(|&&x| x == (1, 0)).count(),
            3000 / 11 + 1
        );
    }

    /// The DP with cached matches, bag look-ups and pruning finds the same path as a plain DP
    /// that scores every bead with `bead_cost`.
    /// A line holding two sentences: a 1-1 of it with one sentence pays `sentence_count_cost`,
    /// a 2-1 of it with two single-sentence lines does not, and single-sentence lines pay
    /// nothing in any shape (segmented input is unchanged).
    #[test]
    fn sentence_counts_of_line_input() {
        let mut cfg = AlignConfig {
            sentence_count_cost: 1.0,
            ..AlignConfig::default()
        };
        let scorer = Scorer::new(Lang::Ru, Lang::En, &cfg).unwrap();
        let src = ["Съезд открылся в 1917 году.", "Делегаты приехали из Семея."];
        let tgt = ["The congress opened in 1917. Delegates came from Semey."];
        let (fs, _) = scorer.analyse(&src, Side::Src, &[]);
        let (ft, _) = scorer.analyse(&tgt, Side::Tgt, &[]);
        assert_eq!((fs[0].sentences, ft[0].sentences), (1, 2));
        // segmented input (structure known) holds one sentence per unit
        let (fp, _) = scorer.analyse(&tgt, Side::Tgt, &[true]);
        assert_eq!(fp[0].sentences, 1);
        let mut costs = |c: f64| {
            cfg.sentence_count_cost = c;
            cfg.search_costs()
        };
        let (s, t) = Level::pair(&fs, &ft, scorer.kind_weights());
        let (off, on) = (costs(0.0), costs(1.0));
        let cost = |costs: SearchCosts, i: usize, a: usize| {
            Searcher {
                scorer: &scorer,
                costs,
            }
            .bead_cost(&s, &t, i, 1, a, 1)
        };
        // 1-1 of the second source sentence with the two-sentence line: one sentence more
        assert!((cost(on, 2, 1) - cost(off, 2, 1) - 1.0).abs() < 1e-9);
        // 2-1: two sentences a side
        assert_eq!(cost(on, 2, 2), cost(off, 2, 2));
        let (p, _) = scorer.analyse(&src, Side::Tgt, &[]);
        let (s1, t1) = Level::pair(&fs, &p, scorer.kind_weights());
        let plain = |costs: SearchCosts| {
            Searcher {
                scorer: &scorer,
                costs,
            }
            .bead_cost(&s1, &t1, 2, 1, 2, 1)
        };
        assert_eq!(plain(on), plain(off));
    }

    /// Features of a 300-unit source and a target with merges, a deletion and an insertion every
    /// 17 units, and words repeated across units.
    fn merges_and_skips(scorer: &Scorer) -> (Vec<SentenceFeatures>, Vec<SentenceFeatures>) {
        let words = [
            "год",
            "съезд",
            "Алаш",
            "партия",
            "1917",
            "народ",
            "закон",
            "?",
            "(",
        ];
        let src: Vec<String> = (0..300)
            .map(|k| {
                (0..(k * 7 % 9 + 1))
                    .map(|x| words[(k * 3 + x * 5) % words.len()])
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        // target: merges, a deletion and an insertion, repeated words across units
        let mut tgt: Vec<String> = Vec::new();
        let mut k = 0;
        while k < src.len() {
            match k % 17 {
                3 if k + 1 < src.len() => {
                    tgt.push(format!("{} {}", src[k], src[k + 1]));
                    k += 2;
                    continue;
                }
                9 => {}
                12 => {
                    tgt.push("Extra sentence here.".into());
                    tgt.push(src[k].clone());
                }
                _ => tgt.push(src[k].clone()),
            }
            k += 1;
        }
        let fs: Vec<SentenceFeatures> = src
            .iter()
            .map(|t| scorer.features(t, Side::Src, false))
            .collect();
        let ft: Vec<SentenceFeatures> = tgt
            .iter()
            .map(|t| scorer.features(t, Side::Tgt, false))
            .collect();
        (fs, ft)
    }

    /// The path margins, from the search's cost tables, are those of a plain search of each
    /// window with `bead_cost` (in the same band), with the window's bead forbidden.
    #[test]
    fn path_margins_equal_a_plain_window_search() {
        let cfg = AlignConfig::default();
        let scorer = Scorer::new(Lang::Ru, Lang::En, &cfg).unwrap();
        let (fs, ft) = merges_and_skips(&scorer);
        let searcher = Searcher {
            scorer: &scorer,
            costs: cfg.search_costs(),
        };
        let shapes = searcher.align(&fs, &ft);
        let got = searcher.path_margins(&fs, &ft, &shapes, 1);
        let (mut s, mut t) = Level::pair(&fs, &ft, scorer.kind_weights());
        Level::keep_shared(&mut s, &mut t);
        let mut verts = vec![(0, 0)];
        for &(a, b) in &shapes {
            let &(i, j) = verts.last().unwrap();
            verts.push((i + a, j + b));
        }
        let band = Band::around(&verts, s.len(), t.len(), 2);
        let inside = |i: usize, j: usize| band.index(i, j).is_some();
        for k in 0..shapes.len() {
            let (first, last) = (k.saturating_sub(1), (k + 2).min(shapes.len()));
            let ((i0, j0), (i1, j1)) = (verts[first], verts[last]);
            let path: f64 = (first..last)
                .map(|q| {
                    searcher.bead_cost(
                        &s,
                        &t,
                        verts[q + 1].0,
                        verts[q + 1].1,
                        shapes[q].0,
                        shapes[q].1,
                    )
                })
                .sum();
            let mut d = vec![vec![f64::INFINITY; j1 + 1]; i1 + 1];
            d[i0][j0] = 0.0;
            for i in i0..=i1 {
                for j in j0..=j1 {
                    for &(a, b) in &SHAPES[..6] {
                        if i < i0 + a || j < j0 + b || (i, j) == (i0, j0) {
                            continue;
                        }
                        if ((i, j) == verts[k + 1] && (a, b) == shapes[k])
                            || !inside(i, j)
                            || !inside(i - a, j - b)
                        {
                            continue;
                        }
                        let c = d[i - a][j - b] + searcher.bead_cost(&s, &t, i, j, a, b);
                        d[i][j] = d[i][j].min(c);
                    }
                }
            }
            let want = (d[i1][j1] - path).max(0.0);
            assert!(
                (got[k] - want).abs() < 1e-9 || (got[k].is_infinite() && want.is_infinite()),
                "bead {k} {:?}: {} against {want}",
                shapes[k],
                got[k]
            );
        }
        // margins near 0 (a doubtful bead) and well above it both occur
        assert!(
            got.iter().any(|&x| x < 0.5) && got.iter().any(|&x| x > 4.0),
            "{got:?}"
        );
    }

    #[test]
    fn fast_dp_equals_plain_dp() {
        let cfg = AlignConfig::default();
        let scorer = Scorer::new(Lang::Ru, Lang::En, &cfg).unwrap();
        let (fs, ft) = merges_and_skips(&scorer);
        let mut costs = cfg.search_costs();
        costs.full_cells = usize::MAX;
        let searcher = Searcher {
            scorer: &scorer,
            costs,
        };
        let fast = searcher.align(&fs, &ft);
        // the plain DP
        let (s, t) = Level::pair(&fs, &ft, scorer.kind_weights());
        let (n, m) = (s.len(), t.len());
        let mut cost = vec![vec![f32::INFINITY; m + 1]; n + 1];
        let mut back = vec![vec![usize::MAX; m + 1]; n + 1];
        cost[0][0] = 0.0;
        for i in 0..=n {
            for j in 0..=m {
                if i == 0 && j == 0 {
                    continue;
                }
                let mut best = f64::INFINITY;
                for (k, &(a, b)) in SHAPES[..6].iter().enumerate() {
                    if a > i || b > j || !cost[i - a][j - b].is_finite() {
                        continue;
                    }
                    let c = cost[i - a][j - b] as f64 + searcher.bead_cost(&s, &t, i, j, a, b);
                    if c < best {
                        best = c;
                        back[i][j] = k;
                    }
                }
                cost[i][j] = best as f32;
            }
        }
        let mut plain = Vec::new();
        let (mut i, mut j) = (n, m);
        while i > 0 || j > 0 {
            let (a, b) = SHAPES[back[i][j]];
            plain.push((a, b));
            i -= a;
            j -= b;
        }
        plain.reverse();
        assert_eq!(fast, plain);
        // a path that is not all 1-1 beads, so the merge and skip costs were compared
        assert!(
            fast.iter().filter(|&&x| x != (1, 1)).count() >= 10,
            "{fast:?}"
        );
    }
}
