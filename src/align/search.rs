//! The dynamic programme over beads, made linear in time and memory by coarse-to-fine banding
//! (as Vecalign does): both sequences are repeatedly halved by merging neighbouring sentences until
//! a full DP is small; the path found there is projected one level down and the DP is re-run only
//! inside a band of ±`band` sentences around it, down to the sentences themselves.

use super::score::{
    kind, matched_weight, matched_weight2, matched_weight_1v2, Scorer, SentenceFeatures,
};
use rayon::prelude::*;

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
    /// A 1-1 bead costs at most two skips less this.
    pub substitute_margin: f64,
    /// Half-width of the band around the projected coarse path.
    pub band: usize,
    /// A level with at most this many DP cells is searched in full.
    pub full_cells: usize,
}

/// One level of the pyramid: sentences (or merged runs of them) of one side.
#[derive(Debug, Clone, Default)]
pub struct Level {
    pub ids: Vec<Vec<u32>>,
    pub chars: Vec<f32>,
    pub weight: Vec<f32>,
    pub para: Vec<bool>,
    /// Sentences of level 0 in each unit.
    pub count: Vec<u32>,
}

impl Level {
    pub fn from_features(f: &[SentenceFeatures]) -> Level {
        Level {
            ids: f.iter().map(|x| x.ids.clone()).collect(),
            chars: f.iter().map(|x| x.chars).collect(),
            weight: f.iter().map(|x| x.weight).collect(),
            para: f.iter().map(|x| x.para_start).collect(),
            count: vec![1; f.len()],
        }
    }

    pub fn len(&self) -> usize {
        self.chars.len()
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// Merges neighbours pairwise: unit k of the result is units 2k and 2k+1.
    fn coarsen(&self, w: &[f32; kind::COUNT]) -> Level {
        let n = self.len();
        let mut out = Level::default();
        let mut k = 0;
        while k < n {
            let e = (k + 2).min(n);
            let mut ids: Vec<u32> = self.ids[k..e].iter().flatten().copied().collect();
            ids.sort_unstable();
            // coarse units only steer the band: keep a consistent sample of their concepts
            // (the smallest numbers, the same on both sides), so each stays cheap to compare
            ids.dedup();
            ids.truncate(COARSE_IDS);
            let wsum: f32 = ids.iter().map(|&c| w[(c >> 29) as usize]).sum();
            out.ids.push(ids);
            out.chars.push(self.chars[k..e].iter().sum());
            out.weight.push(wsum.max(1.0));
            out.para.push(self.para[k]);
            out.count.push(self.count[k..e].iter().sum());
            k = e;
        }
        out
    }
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

    /// A band of ±w around a path of (i, j) vertices (consecutive vertices are joined by a line).
    fn around(path: &[(usize, usize)], n: usize, m: usize, w: usize) -> Band {
        let mut lo = vec![usize::MAX; n + 1];
        let mut hi = vec![0usize; n + 1];
        let mut mark = |i: usize, j: usize| {
            let (a, b) = (i.saturating_sub(w), (i + w).min(n));
            let (jl, jh) = (j.saturating_sub(w), (j + w).min(m));
            for r in a..=b {
                lo[r] = lo[r].min(jl);
                hi[r] = hi[r].max(jh);
            }
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
    w: &[f32; kind::COUNT],
    pair: impl Fn(usize, usize) -> f32,
) -> f64 {
    let cov = |m: f32, wt: f32| {
        if wt > 0.0 {
            (m / wt).min(1.0) as f64
        } else {
            0.0
        }
    };
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
            matched_weight(&ss[k..k + 1], &ts[..b], w)
        };
        out += (1.0 - cov(m, s.weight[i - a + k])) * s.count[i - a + k] as f64;
    }
    for l in 0..b {
        let m = if a == 1 {
            pair(i - 1, j - b + l)
        } else {
            matched_weight(&ss[..a], &ts[l..l + 1], w)
        };
        out += (1.0 - cov(m, t.weight[j - b + l])) * t.count[j - b + l] as f64;
    }
    out
}

/// Matched weights of the band's cells, for the DP: every value depends on its units only, so all
/// are computed up front, row by row in parallel (deterministic: each cell is computed alone),
/// and the sequential DP only reads them.
struct Matches<'a> {
    s: &'a Level,
    t: &'a Level,
    band: &'a Band,
    w: &'a [f32; kind::COUNT],
    /// Cell (i, j): source unit i-1 against target unit j-1.
    pair: Vec<f32>,
    /// Cell (i, j): source unit i-1 against target units j-2, j-1 merged.
    one_two: Vec<f32>,
    /// Cell (i, j): source units i-2, i-1 merged against target unit j-1.
    two_one: Vec<f32>,
}

/// A small multiset of concept numbers (open addressing), filled once per row or column of
/// the band so each cell's match is one look-up per concept of the other unit instead of a merge
/// of both lists.
struct Bag {
    keys: Vec<u32>,
    counts: Vec<u32>,
    shift: u32,
}

impl Bag {
    /// No concept has kind 7, so this number marks an empty slot.
    const EMPTY: u32 = u32::MAX;

    fn new() -> Bag {
        Bag {
            keys: Vec::new(),
            counts: Vec::new(),
            shift: 32,
        }
    }

    fn fill(&mut self, lists: &[&[u32]]) {
        let n: usize = lists.iter().map(|l| l.len()).sum();
        let bits = (2 * n).max(16).next_power_of_two().trailing_zeros();
        let size = 1usize << bits;
        self.shift = 32 - bits;
        self.keys.clear();
        self.keys.resize(size, Bag::EMPTY);
        self.counts.clear();
        self.counts.resize(size, 0);
        for l in lists {
            for &v in *l {
                let h = self.slot(v);
                self.keys[h] = v;
                self.counts[h] += 1;
            }
        }
    }

    /// The slot of v: where it is, or the empty slot where it would go.
    #[inline]
    fn slot(&self, v: u32) -> usize {
        let mask = self.keys.len() - 1;
        let mut h = (v.wrapping_mul(0x9E37_79B9) >> self.shift) as usize;
        while self.keys[h] != v && self.keys[h] != Bag::EMPTY {
            h = (h + 1) & mask;
        }
        h
    }

    #[inline]
    fn count(&self, v: u32) -> u32 {
        self.counts[self.slot(v)]
    }

    /// Weighted multiset intersection with the sorted list `y`: the same matches, added in the
    /// same (ascending) order as `matched_weight2`, so the result is bit-identical.
    #[inline]
    fn matched(&self, y: &[u32], w: &[f32; kind::COUNT]) -> f32 {
        let mut m = 0f32;
        let (mut prev, mut seen) = (Bag::EMPTY, 0u32);
        for &v in y {
            // the k-th copy of v in y matches when the bag holds more than k copies
            seen = if v == prev { seen + 1 } else { 0 };
            prev = v;
            m += if seen < self.count(v) {
                w[(v >> 29) as usize]
            } else {
                0.0
            };
        }
        m
    }
}

impl<'a> Matches<'a> {
    fn new(s: &'a Level, t: &'a Level, band: &'a Band, w: &'a [f32; kind::COUNT]) -> Self {
        let cells = band.cells();
        let n = band.lo.len() - 1;
        // by rows: source unit i-1 (pair) and units i-2, i-1 merged (two_one) in a bag
        let rows: Vec<[Vec<f32>; 2]> = (0..n + 1)
            .into_par_iter()
            .with_min_len(64)
            .map_init(
                || (Bag::new(), Bag::new()),
                |(one, two), i| {
                    let width = band.hi[i] + 1 - band.lo[i];
                    let mut row = [vec![0f32; width], vec![0f32; width]];
                    if i == 0 {
                        return row;
                    }
                    one.fill(&[&s.ids[i - 1]]);
                    if i > 1 {
                        two.fill(&[&s.ids[i - 2], &s.ids[i - 1]]);
                    }
                    for (k, j) in (band.lo[i]..=band.hi[i]).enumerate() {
                        if j == 0 {
                            continue;
                        }
                        let y = &t.ids[j - 1];
                        row[0][k] = one.matched(y, w);
                        if i > 1 {
                            row[1][k] = two.matched(y, w);
                        }
                    }
                    row
                },
            )
            .collect();
        let mut pair = Vec::with_capacity(cells);
        let mut two_one = Vec::with_capacity(cells);
        for [p, t2] in rows {
            pair.extend(p);
            two_one.extend(t2);
        }
        // by columns: target units j-2, j-1 merged in a bag (one_two)
        let m = t.len();
        let mut first = vec![usize::MAX; m + 1];
        let mut last = vec![0usize; m + 1];
        for i in 0..=n {
            for j in band.lo[i]..=band.hi[i] {
                first[j] = first[j].min(i);
                last[j] = last[j].max(i);
            }
        }
        let cols: Vec<Vec<f32>> = (0..m + 1)
            .into_par_iter()
            .with_min_len(64)
            .map_init(Bag::new, |bag, j| {
                if j < 2 || first[j] > last[j] {
                    return Vec::new();
                }
                bag.fill(&[&t.ids[j - 2], &t.ids[j - 1]]);
                (first[j]..=last[j])
                    .map(|i| {
                        if i == 0 || band.index(i, j).is_none() {
                            0.0
                        } else {
                            bag.matched(&s.ids[i - 1], w)
                        }
                    })
                    .collect()
            })
            .collect();
        let mut one_two = vec![0f32; cells];
        for (j, col) in cols.iter().enumerate() {
            for (k, &v) in col.iter().enumerate() {
                if let Some(x) = band.index(first[j] + k, j) {
                    one_two[x] = v;
                }
            }
        }
        Matches {
            s,
            t,
            band,
            w,
            pair,
            one_two,
            two_one,
        }
    }

    /// Source unit x against target unit y.
    #[inline]
    fn pair(&self, x: usize, y: usize) -> f32 {
        match self.band.index(x + 1, y + 1) {
            Some(k) => self.pair[k],
            None => matched_weight2(&self.s.ids[x], &self.t.ids[y], self.w),
        }
    }

    /// Source unit i-1 against target units j-2 and j-1 merged.
    #[inline]
    fn one_two(&self, i: usize, j: usize) -> f32 {
        match self.band.index(i, j) {
            Some(k) => self.one_two[k],
            None => matched_weight_1v2(
                &self.s.ids[i - 1],
                &self.t.ids[j - 2],
                &self.t.ids[j - 1],
                self.w,
            ),
        }
    }

    /// Source units i-2 and i-1 merged against target unit j-1.
    #[inline]
    fn two_one(&self, i: usize, j: usize) -> f32 {
        match self.band.index(i, j) {
            Some(k) => self.two_one[k],
            None => matched_weight_1v2(
                &self.t.ids[j - 1],
                &self.s.ids[i - 2],
                &self.s.ids[i - 1],
                self.w,
            ),
        }
    }
}

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

    /// Cost of the bead of source units i-a..i and target units j-b..j.
    #[inline]
    pub fn bead_cost(&self, s: &Level, t: &Level, i: usize, j: usize, a: usize, b: usize) -> f64 {
        let w = self.scorer.kind_weights();
        self.bead_cost_with(s, t, i, j, a, b, |x, y| {
            matched_weight2(&s.ids[x], &t.ids[y], w)
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
        let sim_cost =
            c.sim_weight * uncovered(s, t, i, j, a, b, self.scorer.kind_weights(), pair) / 2.0;
        let ls: f32 = s.chars[i - a..i].iter().sum();
        let lt: f32 = t.chars[j - b..j].iter().sum();
        let mut cost =
            self.shape_cost(a, b) + c.length_weight * self.scorer.length_cost(ls, lt) + sim_cost;
        if s.para[i - a] != t.para[j - b] {
            cost += c.structure;
        }
        cost.min(self.substitute_cap(a, b))
    }

    /// Best path through the band, as a list of (source units, target units) bead shapes.
    ///
    /// Hot loop. Three things keep it cheap without changing its result: the matched weight of
    /// every cell's unit pair is computed once, in parallel, before the sequential DP; the
    /// matches of a unit against a run of two (1-2, 2-1 beads) are cached per cell and reused by
    /// the 2-2 beads of the neighbouring cells; and a merge bead whose cost without its evidence
    /// term (never negative) already reaches the best cost found is not scored at all.
    fn run(&self, s: &Level, t: &Level, band: &Band) -> Vec<(usize, usize)> {
        let (n, m) = (s.len(), t.len());
        let cells = band.cells();
        let mut cost = vec![f32::INFINITY; cells];
        let mut back = vec![u8::MAX; cells];
        let mt = Matches::new(s, t, band, self.scorer.kind_weights());
        let max_shape = if self.costs.merge31.is_finite() { 8 } else { 6 };
        // the evidence term of a bead is never negative, so a partial cost bounds the bead's
        let prune = self.costs.sim_weight >= 0.0;
        if let Some(k) = band.index(0, 0) {
            cost[k] = 0.0;
        }
        for i in 0..=n {
            for j in band.lo[i]..=band.hi[i] {
                if i == 0 && j == 0 {
                    continue;
                }
                let mut best = f64::INFINITY;
                let mut arg = u8::MAX;
                for (k, &(a, b)) in SHAPES[..max_shape].iter().enumerate() {
                    if a > i || b > j {
                        continue;
                    }
                    let Some(p) = band.index(i - a, j - b) else {
                        continue;
                    };
                    let prev = cost[p] as f64;
                    if !prev.is_finite() {
                        continue;
                    }
                    let c = if a == 0 || b == 0 {
                        prev + self.skip_cost(s, t, i, j, a, b)
                    } else {
                        let base = self.base_cost(s, t, i, j, a, b);
                        let mut with_structure = if s.para[i - a] != t.para[j - b] {
                            base + self.costs.structure
                        } else {
                            base
                        };
                        let cap = self.substitute_cap(a, b);
                        with_structure = with_structure.min(cap);
                        // shapes are tried in a fixed order and a later one wins only when
                        // strictly cheaper, so skipping one that cannot be cheaper is exact
                        if prune && prev + with_structure >= best {
                            continue;
                        }
                        let mut cost = base + self.sim_cost(s, t, i, j, a, b, &mt);
                        if s.para[i - a] != t.para[j - b] {
                            cost += self.costs.structure;
                        }
                        prev + cost.min(cap)
                    };
                    if c < best {
                        best = c;
                        arg = k as u8;
                    }
                }
                if let Some(x) = band.index(i, j) {
                    cost[x] = best as f32;
                    back[x] = arg;
                }
            }
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

    /// The most a bead may cost: a sentence on each side at the same place is a loose
    /// translation rather than a deletion next to an insertion, so a 1-1 never costs more than
    /// the two skips would (less `substitute_margin`); other shapes are not capped.
    #[inline]
    fn substitute_cap(&self, a: usize, b: usize) -> f64 {
        let c = &self.costs;
        if a == 1 && b == 1 {
            2.0 * (c.skip + 0.5 * c.sim_weight) - c.substitute_margin
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
    #[inline]
    fn base_cost(&self, s: &Level, t: &Level, i: usize, j: usize, a: usize, b: usize) -> f64 {
        let ls: f32 = s.chars[i - a..i].iter().sum();
        let lt: f32 = t.chars[j - b..j].iter().sum();
        self.shape_cost(a, b) + self.costs.length_weight * self.scorer.length_cost(ls, lt)
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
        let cov = |m: f32, wt: f32| {
            if wt > 0.0 {
                (m / wt).min(1.0) as f64
            } else {
                0.0
            }
        };
        let src = |k: usize, m: f32| (1.0 - cov(m, s.weight[k])) * s.count[k] as f64;
        let tgt = |l: usize, m: f32| (1.0 - cov(m, t.weight[l])) * t.count[l] as f64;
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
                out = uncovered(s, t, i, j, a, b, mt.w, |x, y| mt.pair(x, y));
            }
        }
        self.costs.sim_weight * out / 2.0
    }

    /// Re-aligns two level-0 sequences inside a band around an earlier path (second pass).
    pub fn refine(&self, s: &Level, t: &Level, shapes: &[(usize, usize)]) -> Vec<(usize, usize)> {
        let mut path = vec![(0usize, 0usize)];
        let (mut i, mut j) = (0, 0);
        for &(a, b) in shapes {
            i += a;
            j += b;
            path.push((i, j));
        }
        let band = Band::around(&path, s.len(), t.len(), self.costs.band);
        self.run(s, t, &band)
    }

    /// Aligns two level-0 sequences; returns bead shapes in order.
    pub fn align(&self, s0: Level, t0: Level) -> Vec<(usize, usize)> {
        let mut levels = vec![(s0, t0)];
        loop {
            let (s, t) = levels.last().expect("one level");
            let cells = (s.len() + 1) * (t.len() + 1);
            if cells <= self.costs.full_cells || s.len() < 4 || t.len() < 4 {
                break;
            }
            let w = self.scorer.kind_weights();
            let next = (s.coarsen(w), t.coarsen(w));
            levels.push(next);
        }
        let mut shapes: Option<Vec<(usize, usize)>> = None;
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
            shapes = Some(self.run(&s, &t, &band));
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

    fn level(scorer: &Scorer, texts: &[String], side: Side) -> Level {
        let f: Vec<SentenceFeatures> = texts
            .iter()
            .map(|t| scorer.features(t, side, false))
            .collect();
        Level::from_features(&f)
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
            level(&scorer, &src, Side::Src),
            level(&scorer, &tgt, Side::Tgt),
        );
        let mut costs = cfg.search_costs();
        costs.full_cells = 100_000_000;
        let full = Searcher {
            scorer: &scorer,
            costs,
        }
        .align(s.clone(), t.clone());
        costs.full_cells = 10_000;
        let banded = Searcher {
            scorer: &scorer,
            costs,
        }
        .align(s, t);
        assert_eq!(full, banded);
        assert_eq!(
            banded.iter().filter(|&&x| x == (1, 0)).count(),
            3000 / 11 + 1
        );
    }
}
