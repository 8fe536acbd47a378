//! Lexicon induction from the corpus being aligned: the confident 1-1 beads of a first pass are
//! taken as a small parallel corpus, IBM Model 1 translation probabilities are estimated on word
//! stems in both directions, and stem pairs that are each other's likely translation become new
//! lexicon entries for the second pass.

use super::score::InducedLexicon;
use std::collections::HashMap;

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

/// Model 1 t(f|e) over compact word numbers, with a NULL word (index 0 of `e`).
fn model1(
    pairs: &[(Vec<u32>, Vec<u32>)],
    ne: usize,
    iterations: usize,
) -> HashMap<(u32, u32), f32> {
    let mut t: HashMap<(u32, u32), f32> = HashMap::new();
    for (e, f) in pairs {
        for &fw in f {
            t.insert((0, fw), 1.0);
            for &ew in e {
                t.insert((ew, fw), 1.0);
            }
        }
    }
    let mut count: HashMap<(u32, u32), f32> = HashMap::with_capacity(t.len());
    let mut total = vec![0f32; ne + 1];
    for _ in 0..iterations {
        count.clear();
        total.iter_mut().for_each(|x| *x = 0.0);
        for (e, f) in pairs {
            for &fw in f {
                let mut z = t[&(0, fw)];
                for &ew in e {
                    z += t[&(ew, fw)];
                }
                for &ew in std::iter::once(&0).chain(e) {
                    let c = t[&(ew, fw)] / z;
                    *count.entry((ew, fw)).or_insert(0.0) += c;
                    total[ew as usize] += c;
                }
            }
        }
        for (k, v) in t.iter_mut() {
            *v = count.get(k).copied().unwrap_or(0.0) / total[k.0 as usize].max(1e-9);
        }
    }
    t
}

/// Induces stem pairs from parallel bags of stem numbers (source stems, target stems).
/// Concept numbers of the result start at `first_concept`.
pub fn induce(beads: &[(&[u32], &[u32])], p: InduceParams, first_concept: u32) -> InducedLexicon {
    let step = beads.len().div_ceil(p.max_beads.max(1)).max(1);
    let chosen: Vec<&(&[u32], &[u32])> = beads.iter().step_by(step).collect();
    // compact numbering (1-based; 0 is NULL) of stems seen at least twice
    let mut freq_s: HashMap<u32, u32> = HashMap::new();
    let mut freq_t: HashMap<u32, u32> = HashMap::new();
    for (s, t) in &chosen {
        s.iter().for_each(|x| *freq_s.entry(*x).or_default() += 1);
        t.iter().for_each(|x| *freq_t.entry(*x).or_default() += 1);
    }
    let index = |freq: &HashMap<u32, u32>| {
        let mut keys: Vec<u32> = freq
            .iter()
            .filter(|(_, &c)| c >= p.min_count)
            .map(|(&k, _)| k)
            .collect();
        keys.sort_unstable();
        let map: HashMap<u32, u32> = keys
            .iter()
            .enumerate()
            .map(|(i, &k)| (k, i as u32 + 1))
            .collect();
        (keys, map)
    };
    let (keys_s, map_s) = index(&freq_s);
    let (keys_t, map_t) = index(&freq_t);
    let mut corpus: Vec<(Vec<u32>, Vec<u32>)> = Vec::with_capacity(chosen.len());
    let mut cooc: HashMap<(u32, u32), u32> = HashMap::new();
    for (s, t) in &chosen {
        let a: Vec<u32> = s.iter().filter_map(|x| map_s.get(x).copied()).collect();
        let b: Vec<u32> = t.iter().filter_map(|x| map_t.get(x).copied()).collect();
        if a.is_empty() || b.is_empty() {
            continue;
        }
        for &x in &a {
            for &y in &b {
                *cooc.entry((x, y)).or_default() += 1;
            }
        }
        corpus.push((a, b));
    }
    let fwd = model1(&corpus, keys_s.len(), p.iterations);
    let swapped: Vec<(Vec<u32>, Vec<u32>)> =
        corpus.iter().map(|(a, b)| (b.clone(), a.clone())).collect();
    drop(corpus);
    let bwd = model1(&swapped, keys_t.len(), p.iterations);
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
    let mut lex = InducedLexicon::default();
    for (n, (x, y)) in kept.iter().enumerate() {
        let c = first_concept.wrapping_add(n as u32);
        lex.src.entry(keys_s[*x as usize - 1]).or_default().push(c);
        lex.tgt.entry(keys_t[*y as usize - 1]).or_default().push(c);
    }
    lex.pairs = kept.len();
    lex
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
