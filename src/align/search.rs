//! The dynamic programme over beads, made linear in time and memory by coarse-to-fine banding
//! (as Vecalign does): both sequences are repeatedly halved by merging neighbouring sentences until
//! a full DP is small; the path found there is projected one level down and the DP is re-run only
//! inside a band of ±`band` sentences around it, down to the sentences themselves.

use super::score::{kind, matched_weight, matched_weight2, Scorer, SentenceFeatures};

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
        if a == 1 && b == 1 {
            // a sentence on each side at the same place is a loose translation rather than a
            // deletion next to an insertion: a 1-1 never costs more than the two skips would
            cost = cost.min(2.0 * (c.skip + 0.5 * c.sim_weight) - c.substitute_margin);
        }
        cost
    }

    /// Best path through the band, as a list of (source units, target units) bead shapes.
    fn run(&self, s: &Level, t: &Level, band: &Band) -> Vec<(usize, usize)> {
        let (n, m) = (s.len(), t.len());
        let cells = band.cells();
        let mut cost = vec![f32::INFINITY; cells];
        let mut back = vec![u8::MAX; cells];
        // matched weight of units (i-1, j-1), cached per cell: every bead shape reuses it
        let w = self.scorer.kind_weights();
        let mut matched = vec![0f32; cells];
        let max_shape = if self.costs.merge31.is_finite() { 8 } else { 6 };
        if let Some(k) = band.index(0, 0) {
            cost[k] = 0.0;
        }
        for i in 0..=n {
            for j in band.lo[i]..=band.hi[i] {
                if i == 0 && j == 0 {
                    continue;
                }
                if i > 0 && j > 0 {
                    if let Some(x) = band.index(i, j) {
                        matched[x] = matched_weight2(&s.ids[i - 1], &t.ids[j - 1], w);
                    }
                }
                let pair = |x: usize, y: usize| match band.index(x + 1, y + 1) {
                    Some(k) => matched[k],
                    None => matched_weight2(&s.ids[x], &t.ids[y], w),
                };
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
                    let c = prev + self.bead_cost_with(s, t, i, j, a, b, pair);
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
