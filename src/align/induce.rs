//! Lexicon induction from the corpus being aligned: the confident 1-1 beads of a first pass are
//! taken as a small parallel corpus, IBM Model 1 translation probabilities are estimated on word
//! stems in both directions, and stem pairs that are each other's likely translation become new
//! lexicon entries for the second pass.

use super::score::InducedLexicon;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A multiplicative hasher for small integer keys: the tables here are hot and their keys are
/// not attacker-chosen. Iteration order is never relied on (results are sorted).
#[derive(Default)]
struct IntHasher(u64);

impl Hasher for IntHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0.rotate_left(32) ^ n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type Fast<K, V> = HashMap<K, V, BuildHasherDefault<IntHasher>>;

/// Settings of the induction.
#[derive(Debug, Clone, Copy)]
pub struct InduceParams {
    /// EM iterations of Model 1.
    pub iterations: usize,
    /// A pair is kept when t(t|s) and t(s|t) are both at least this.
    pub min_prob: f64,
    /// ...and the two stems co-occur in at least this many beads.
    pub min_count: u32,
    /// At most this many beads are used (evenly spaced), to bound time and memory.
    pub max_beads: usize,
}

/// The (source stem, target stem) pairs that co-occur in the beads, numbered once, and per bead
/// the number of each of its (x, y) pairs (row by source word): both directions of Model 1 and
/// the co-occurrence counts read them instead of hashing every pair three times.
struct Pairs {
    /// (x, y) of each pair number.
    keys: Vec<(u32, u32)>,
    /// Beads in which the pair co-occurs, counted once per (x, y) occurrence.
    count: Vec<u32>,
    /// Per bead, its |a|·|b| pair numbers, row-major by source word; `at[k]` starts bead k.
    ids: Vec<u32>,
    at: Vec<usize>,
}

impl Pairs {
    /// Numbers the pairs source word by source word (`a` words in 1..=ns, `b` words in 1..=nt):
    /// the rows of one x are visited together, and a stamp per target word says whether (x, y)
    /// has its number yet, so no hash table is probed and the pairs of one x are numbered
    /// together (which keeps Model 1's look-ups near each other).
    fn new(corpus: &[(Vec<u32>, Vec<u32>)], ns: usize, nt: usize) -> Pairs {
        let mut at = Vec::with_capacity(corpus.len() + 1);
        let mut total = 0;
        for (a, b) in corpus {
            at.push(total);
            total += a.len() * b.len();
        }
        at.push(total);
        // the rows (bead, place in a) of each source word, by counting sort
        let mut start = vec![0usize; ns + 2];
        for (a, _) in corpus {
            for &x in a {
                start[x as usize + 1] += 1;
            }
        }
        for x in 1..start.len() {
            start[x] += start[x - 1];
        }
        let mut rows = vec![(0u32, 0u32); start[ns + 1]];
        let mut next = start.clone();
        for (k, (a, _)) in corpus.iter().enumerate() {
            for (r, &x) in a.iter().enumerate() {
                rows[next[x as usize]] = (k as u32, r as u32);
                next[x as usize] += 1;
            }
        }
        let mut out = Pairs {
            keys: Vec::new(),
            count: Vec::new(),
            ids: vec![0; total],
            at,
        };
        let mut stamp = vec![u32::MAX; nt + 1];
        let mut number = vec![0u32; nt + 1];
        for x in 0..=ns {
            for &(k, r) in &rows[start[x]..start[x + 1]] {
                let b = &corpus[k as usize].1;
                let base = out.at[k as usize] + r as usize * b.len();
                for (l, &y) in b.iter().enumerate() {
                    let y = y as usize;
                    if stamp[y] != x as u32 {
                        stamp[y] = x as u32;
                        number[y] = out.keys.len() as u32;
                        out.keys.push((x as u32, y as u32));
                        out.count.push(0);
                    }
                    out.count[number[y] as usize] += 1;
                    out.ids[base + l] = number[y];
                }
            }
        }
        out
    }
}

/// A slot of Model 1: its probability and its expected count in the running iteration, side by
/// side so a link touches one cache line. Its e word is not stored: a link's e is the bead's
/// word at the link's place, and the M step reads it from the pair (8 bytes a slot instead of
/// 12: a third less memory at the induction, where the peak of a long run is reached, and
/// less traffic in the E step, which is memory-bound).
#[derive(Clone, Copy)]
struct Slot {
    t: f32,
    count: f32,
}

/// Model 1 t(f|e) in one direction, with a NULL word, over the numbered pairs: slot p < |pairs|
/// is pair p read as (e, f) (`forward`: e = x, f = y; else e = y, f = x); slot |pairs| + f is
/// (NULL, f). Returns t per pair. The rows, their order and every sum are those of a Model 1 over
/// the beads with e's words before f's, so the values do not depend on the numbering.
fn model1(
    corpus: &[(Vec<u32>, Vec<u32>)],
    pairs: &Pairs,
    forward: bool,
    iterations: usize,
) -> Vec<f32> {
    let np = pairs.keys.len();
    let nf = corpus
        .iter()
        .flat_map(|(a, b)| if forward { b } else { a })
        .copied()
        .max()
        .unwrap_or(0) as usize
        + 1;
    // e of pair p (NULL slots have e = 0)
    let e_of = |p: usize| {
        let (x, y) = pairs.keys[p];
        if forward {
            x
        } else {
            y
        }
    };
    let mut slots = vec![Slot { t: 1.0, count: 0.0 }; np + nf];
    let ne = (0..np).map(e_of).max().unwrap_or(0) as usize + 1;
    let mut total = vec![0f32; ne];
    // per f word: the slots of (NULL, e1, e2, ...). The bead's pair numbers are row-major by
    // source word: a backward row is a slice of them, a forward one a column, read with a
    // stride of the bead's target length (an iterator chain that transposed them was a third
    // of the forward direction's instructions, a copy transposed per bead and iteration a
    // sixth, and a transposed copy of all beads kept through the iterations 20 MB more at
    // 100,000 sentences per side). Sums and updates go NULL first, then e1, e2, ..., in bead
    // order.
    for _ in 0..iterations {
        slots.iter_mut().for_each(|s| s.count = 0.0);
        total.iter_mut().for_each(|x| *x = 0.0);
        for (k, (a, b)) in corpus.iter().enumerate() {
            let ids = &pairs.ids[pairs.at[k]..pairs.at[k + 1]];
            let nb = b.len();
            if forward {
                for (l, &fw) in b.iter().enumerate() {
                    let null = np + fw as usize;
                    let row = ids[l..].iter().step_by(nb).zip(a);
                    update_row(&mut slots, &mut total, null, row);
                }
            } else {
                for (r, &fw) in a.iter().enumerate() {
                    let null = np + fw as usize;
                    update_row(&mut slots, &mut total, null, ids[r * nb..].iter().zip(b));
                }
            }
        }
        for (p, slot) in slots.iter_mut().enumerate() {
            let e = if p < np { e_of(p) } else { 0 };
            slot.t = slot.count / total[e as usize].max(1e-9);
        }
    }
    slots.truncate(np);
    slots.into_iter().map(|s| s.t).collect()
}

/// One f word's row of Model 1's E step: its expected count is shared by its links (NULL, then
/// `row`'s (slot, e word) in order) in proportion to their t.
#[inline(always)]
fn update_row<'r>(
    slots: &mut [Slot],
    total: &mut [f32],
    null: usize,
    row: impl Iterator<Item = (&'r u32, &'r u32)> + Clone,
) {
    let z = row
        .clone()
        .fold(slots[null].t, |z, (&k, _)| z + slots[k as usize].t);
    let z = z.max(1e-30);
    let mut link = |k: usize, e: u32| {
        let slot = &mut slots[k];
        let c = slot.t / z;
        slot.count += c;
        total[e as usize] += c;
    };
    link(null, 0);
    row.for_each(|(&k, &e)| link(k as usize, e));
}

/// The beads Model 1 learns from, with their stems numbered compactly.
struct Numbered {
    /// Per bead (at most `max_beads`, evenly spaced; beads that lose a side are left out), its
    /// source and target stem numbers: 1-based (0 is NULL), among the stems seen at least
    /// `min_count` times, numbered in ascending order of the stem.
    corpus: Vec<(Vec<u32>, Vec<u32>)>,
    /// The stem of each number n, at n − 1.
    keys_s: Vec<u32>,
    keys_t: Vec<u32>,
}

impl Numbered {
    fn new(beads: &[(&[u32], &[u32])], p: InduceParams) -> Numbered {
        let step = beads.len().div_ceil(p.max_beads.max(1)).max(1);
        let chosen: Vec<&(&[u32], &[u32])> = beads.iter().step_by(step).collect();
        let mut freq_s: Fast<u32, u32> = Fast::default();
        let mut freq_t: Fast<u32, u32> = Fast::default();
        for (s, t) in &chosen {
            s.iter().for_each(|x| *freq_s.entry(*x).or_default() += 1);
            t.iter().for_each(|x| *freq_t.entry(*x).or_default() += 1);
        }
        let index = |freq: &Fast<u32, u32>| {
            let mut keys: Vec<u32> = freq
                .iter()
                .filter(|(_, &c)| c >= p.min_count)
                .map(|(&k, _)| k)
                .collect();
            keys.sort_unstable();
            let map: Fast<u32, u32> = keys
                .iter()
                .enumerate()
                .map(|(i, &k)| (k, i as u32 + 1))
                .collect();
            (keys, map)
        };
        let (keys_s, map_s) = index(&freq_s);
        let (keys_t, map_t) = index(&freq_t);
        let mut corpus: Vec<(Vec<u32>, Vec<u32>)> = Vec::with_capacity(chosen.len());
        for (s, t) in &chosen {
            let a: Vec<u32> = s.iter().filter_map(|x| map_s.get(x).copied()).collect();
            let b: Vec<u32> = t.iter().filter_map(|x| map_t.get(x).copied()).collect();
            if a.is_empty() || b.is_empty() {
                continue;
            }
            corpus.push((a, b));
        }
        Numbered {
            corpus,
            keys_s,
            keys_t,
        }
    }

    /// The lexicon of the kept (source number, target number) pairs, sorted: pair n gets
    /// concept `first_concept + n`.
    fn lexicon(&self, kept: &[(u32, u32)], first_concept: u32) -> InducedLexicon {
        let mut lex = InducedLexicon::default();
        for (n, (x, y)) in kept.iter().enumerate() {
            let c = first_concept.wrapping_add(n as u32);
            lex.src
                .entry(self.keys_s[*x as usize - 1])
                .or_default()
                .push(c);
            lex.tgt
                .entry(self.keys_t[*y as usize - 1])
                .or_default()
                .push(c);
        }
        lex.pairs = kept.len();
        lex
    }
}

/// Induces stem pairs from parallel bags of stem numbers (source stems, target stems).
/// Concept numbers of the result start at `first_concept`.
pub fn induce(beads: &[(&[u32], &[u32])], p: InduceParams, first_concept: u32) -> InducedLexicon {
    let numbered = Numbered::new(beads, p);
    let corpus = &numbered.corpus;
    let pairs = Pairs::new(corpus, numbered.keys_s.len(), numbered.keys_t.len());
    // the two directions are independent: in parallel
    let (fwd, bwd) = rayon::join(
        || model1(corpus, &pairs, true, p.iterations),
        || model1(corpus, &pairs, false, p.iterations),
    );
    let mut kept: Vec<(u32, u32)> = (0..pairs.keys.len())
        .filter(|&k| {
            pairs.count[k] >= p.min_count
                && fwd[k] as f64 >= p.min_prob
                && bwd[k] as f64 >= p.min_prob
        })
        .map(|k| pairs.keys[k])
        .collect();
    kept.sort_unstable();
    numbered.lexicon(&kept, first_concept)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The induction as first written (hash maps for every pair), kept to check that the
    /// numbered pairs give the same lexicon.
    mod reference {
        use super::super::*;

        /// Model 1 t(f|e) over compact word numbers, with a NULL word (index 0 of `e`). Every
        /// (e, f) pair gets a slot number once, so the EM loops run over plain vectors.
        fn model1(pairs: &[(Vec<u32>, Vec<u32>)], iterations: usize) -> Fast<(u32, u32), f32> {
            let mut slot: Fast<(u32, u32), u32> = Fast::default();
            let mut slot_e: Vec<u32> = Vec::new();
            // per pair, per target word: the slots of (NULL, e1, e2, ...)
            let mut links: Vec<u32> = Vec::new();
            for (e, f) in pairs {
                for &fw in f {
                    for &ew in std::iter::once(&0).chain(e) {
                        let next = slot_e.len() as u32;
                        let k = *slot.entry((ew, fw)).or_insert_with(|| {
                            slot_e.push(ew);
                            next
                        });
                        links.push(k);
                    }
                }
            }
            let ne = slot_e.iter().copied().max().unwrap_or(0) as usize + 1;
            let mut t = vec![1f32; slot_e.len()];
            let mut count = vec![0f32; slot_e.len()];
            let mut total = vec![0f32; ne];
            for _ in 0..iterations {
                count.iter_mut().for_each(|x| *x = 0.0);
                total.iter_mut().for_each(|x| *x = 0.0);
                let mut at = 0;
                for (e, f) in pairs {
                    let width = e.len() + 1;
                    for _ in f {
                        let row = &links[at..at + width];
                        let z: f32 = row.iter().map(|&k| t[k as usize]).sum();
                        for &k in row {
                            let c = t[k as usize] / z.max(1e-30);
                            count[k as usize] += c;
                            total[slot_e[k as usize] as usize] += c;
                        }
                        at += width;
                    }
                }
                for (k, v) in t.iter_mut().enumerate() {
                    *v = count[k] / total[slot_e[k] as usize].max(1e-9);
                }
            }
            slot.into_iter()
                .map(|(key, k)| (key, t[k as usize]))
                .collect()
        }

        /// Induces stem pairs from parallel bags of stem numbers (source stems, target stems).
        /// Concept numbers of the result start at `first_concept`.
        pub(super) fn induce(
            beads: &[(&[u32], &[u32])],
            p: InduceParams,
            first_concept: u32,
        ) -> InducedLexicon {
            // the same beads and stem numbers as the production induction (the numbering is
            // not what this reference checks)
            let numbered = Numbered::new(beads, p);
            let corpus = &numbered.corpus;
            let mut cooc: Fast<(u32, u32), u32> = Fast::default();
            for (a, b) in corpus {
                for &x in a {
                    for &y in b {
                        *cooc.entry((x, y)).or_default() += 1;
                    }
                }
            }
            let fwd = model1(corpus, p.iterations);
            let swapped: Vec<(Vec<u32>, Vec<u32>)> =
                corpus.iter().map(|(a, b)| (b.clone(), a.clone())).collect();
            let bwd = model1(&swapped, p.iterations);
            let mut kept: Vec<(u32, u32)> = cooc
                .iter()
                .filter(|(&(x, y), &c)| {
                    c >= p.min_count
                        && fwd.get(&(x, y)).copied().unwrap_or(0.0) as f64 >= p.min_prob
                        && bwd.get(&(y, x)).copied().unwrap_or(0.0) as f64 >= p.min_prob
                })
                .map(|(&k, _)| k)
                .collect();
            kept.sort_unstable();
            numbered.lexicon(&kept, first_concept)
        }
    }

    #[test]
    fn learns_word_pairs_from_co_occurrence() {
        // stems: 1=house 2=red 3=big ; 11=үй 12=қызыл 13=үлкен
        let data: Vec<(Vec<u32>, Vec<u32>)> = vec![
            (vec![1, 2], vec![11, 12]),
            (vec![1, 3], vec![11, 13]),
            (vec![2, 3], vec![12, 13]),
            (vec![1, 2], vec![11, 12]),
            (vec![1, 3], vec![13, 11]),
            (vec![2, 3], vec![13, 12]),
        ];
        let beads: Vec<(&[u32], &[u32])> = data
            .iter()
            .map(|(a, b)| (a.as_slice(), b.as_slice()))
            .collect();
        let p = InduceParams {
            iterations: 8,
            min_prob: 0.3,
            min_count: 2,
            max_beads: 100,
        };
        let lex = induce(&beads, p, 0);
        assert_eq!(lex.pairs, 3);
        assert_eq!(lex.src[&1], lex.tgt[&11]);
        assert_eq!(lex.src[&3], lex.tgt[&13]);
        assert_ne!(lex.src[&1], lex.tgt[&12]);
    }

    /// The numbered pairs and the parallel directions give the lexicon of the plain Model 1, on
    /// bags with repeated stems, stems seen once and beads that lose a side.
    #[test]
    fn same_lexicon_as_the_reference() {
        let mut state = 12345u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let data: Vec<(Vec<u32>, Vec<u32>)> = (0..3000)
            .map(|_| {
                let len = 1 + next(12) as usize;
                let a: Vec<u32> = (0..len).map(|_| next(400) as u32 * 3).collect();
                let mut b: Vec<u32> = Vec::new();
                for &x in &a {
                    if next(5) != 0 {
                        b.push(100_000 + x / 3 + next(2) as u32);
                    }
                }
                b.extend((0..next(3)).map(|_| 200_000 + next(1000) as u32));
                (a, b)
            })
            .collect();
        let beads: Vec<(&[u32], &[u32])> = data
            .iter()
            .map(|(a, b)| (a.as_slice(), b.as_slice()))
            .collect();
        for (iterations, max_beads) in [(5, 12_000), (3, 1000)] {
            let p = InduceParams {
                iterations,
                min_prob: 0.2,
                min_count: 2,
                max_beads,
            };
            let (new, old) = (induce(&beads, p, 7), reference::induce(&beads, p, 7));
            assert!(new.pairs > 100, "{}", new.pairs);
            assert_eq!(new.pairs, old.pairs);
            assert_eq!(new.src, old.src);
            assert_eq!(new.tgt, old.tgt);
        }
    }
}
