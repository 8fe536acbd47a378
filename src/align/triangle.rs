//! Three-way consistency. When the ru-kk, ru-en and kk-en units close a triangle (the Russian
//! side of a ru-kk unit is aligned to English text that the Kazakh side is also aligned to), the
//! three units confirm each other: their confidence rises and one trilingual unit is written.
//! When two of them lead to different English (or Russian, or Kazakh) text, at least one is
//! wrong: the confidence of all three falls.

use super::mining::MiningConfig;
use crate::error::Result;
use crate::export::tmx::escape;
use crate::export::PairUnits;
use crate::model::{Lang, TranslationUnit, UnitSide, UnitType};
use crate::spill::{hash64, Sorted, Sorter, Weigh};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

/// A unit with one side per working language (ru, kk, en, in that order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Triangle {
    pub sides: [UnitSide; 3],
    /// The lowest adjusted score of the three pairwise units.
    pub score: f64,
}

impl Weigh for Triangle {
    fn weight(&self) -> usize {
        96 + self
            .sides
            .iter()
            .map(|s| 48 + s.text.len() + s.doc.len() + 8 * s.sentences.len())
            .sum::<usize>()
    }
}

/// A unit side's place (document and sentences) as a 64-bit hash (see `spill::hash64`).
fn place(s: &UnitSide) -> u64 {
    hash64(&(&s.doc, &s.sentences))
}

fn side_of(u: &TranslationUnit, lang: Lang) -> &UnitSide {
    if u.src.lang == lang {
        &u.src
    } else {
        &u.tgt
    }
}

/// What the triangles decided: +1 (agreement) or -1 (disagreement) for each unit in one,
/// by (pair, unit number in the pair's order).
#[derive(Default)]
pub struct Verdicts {
    of: HashMap<(u32, u32), i8>,
    boost: f64,
    penalty: f64,
    parallel_score: f64,
}

impl Verdicts {
    /// Unit `k` of pair `pair` with its score adjusted (re-typed `comparable` when a
    /// disagreement drops a `parallel` unit below the parallel score).
    pub fn adjust(&self, pair: usize, k: usize, u: &mut TranslationUnit) {
        let Some(&v) = self.of.get(&(pair as u32, k as u32)) else {
            return;
        };
        u.score = if v > 0 {
            u.score + (1.0 - u.score) * self.boost
        } else {
            u.score * self.penalty
        };
        u.score = (u.score * 1e4).round() / 1e4;
        if v < 0 && u.unit_type == UnitType::Parallel && u.score < self.parallel_score {
            u.unit_type = UnitType::Comparable;
        }
    }
}

/// One triangle's English side on its way to the triangle (by its number).
#[derive(Clone, Serialize, Deserialize)]
struct EnSide {
    triangle: usize,
    side: UnitSide,
    score: f64,
}

impl Weigh for EnSide {
    fn weight(&self) -> usize {
        96 + self.side.text.len() + self.side.doc.len()
    }
}

/// Finds the triangles among the units of the ru-kk, ru-en and kk-en pairs (either direction)
/// of `pairs`, streamed by `units`. Returns how the units involved change (apply with
/// `Verdicts::adjust` when reading them) and the triangles, sorted by the Russian side.
///
/// Memory: 64-bit hashes of unit places, about 60 bytes per ru-en and kk-en unit, and about
/// 40 bytes per unit in a triangle; the triangles themselves are sorted in the work folder
/// (`dir`) past `budget` bytes.
pub fn triangulate(
    pairs: &[(Lang, Lang)],
    units: PairUnits,
    cfg: &MiningConfig,
    dir: &Path,
    budget: usize,
) -> Result<(Verdicts, Sorted<Triangle>)> {
    let mut verdicts = Verdicts {
        boost: cfg.triangle_boost,
        penalty: cfg.triangle_penalty,
        parallel_score: cfg.parallel_score,
        ..Default::default()
    };
    let find = |x: Lang, y: Lang| {
        pairs
            .iter()
            .position(|&(a, b)| (a, b) == (x, y) || (a, b) == (y, x))
    };
    let (Some(rk), Some(re), Some(ke)) = (
        find(Lang::Ru, Lang::Kk),
        find(Lang::Ru, Lang::En),
        find(Lang::Kk, Lang::En),
    ) else {
        return Ok((verdicts, Sorted::Held(Vec::new())));
    };
    // For a pair's units: the place of the side in `from` → (unit number, place of the other).
    let partners = |pair: usize, from: Lang| -> Result<HashMap<u64, (u32, u64)>> {
        let mut map = HashMap::new();
        let mut k = 0u32;
        units(pair, &mut |u| {
            let (mine, other) = if u.src.lang == from {
                (&u.src, &u.tgt)
            } else {
                (&u.tgt, &u.src)
            };
            map.insert(place(mine), (k, place(other)));
            k += 1;
            Ok(())
        })?;
        Ok(map)
    };
    let (ru_en, kk_en) = (partners(re, Lang::Ru)?, partners(ke, Lang::Kk)?);
    let (rk32, re32, ke32) = (rk as u32, re as u32, ke as u32);
    let mut found: Vec<[u32; 3]> = Vec::new();
    let mut k = 0u32;
    units(rk, &mut |u| {
        let (r, kz) = (side_of(&u, Lang::Ru), side_of(&u, Lang::Kk));
        if let (Some(&(ie, e1)), Some(&(je, e2))) = (ru_en.get(&place(r)), kk_en.get(&place(kz))) {
            let at = [(rk32, k), (re32, ie), (ke32, je)];
            if e1 == e2 {
                found.push([k, ie, je]);
                for at in at {
                    verdicts.of.entry(at).or_insert(1);
                }
            } else {
                for at in at {
                    verdicts.of.insert(at, -1);
                }
            }
        }
        k += 1;
        Ok(())
    })?;
    drop((ru_en, kk_en));
    let v = &verdicts;
    found.retain(|[k, ie, je]| {
        [(rk32, *k), (re32, *ie), (ke32, *je)]
            .iter()
            .all(|at| v.of.get(at) == Some(&1))
    });
    // Each triangle's English side (from its ru-en unit) and kk-en score, by triangle number.
    let mut needed: Vec<(u32, usize)> = found.iter().enumerate().map(|(t, f)| (f[1], t)).collect();
    needed.sort_unstable();
    let mut en = Sorter::new(dir.join("triangle-en"), budget, |a: &EnSide, b: &EnSide| {
        a.triangle.cmp(&b.triangle)
    });
    let (mut i, mut next) = (0usize, 0usize);
    units(re, &mut |mut u| {
        v.adjust(re, i, &mut u);
        while next < needed.len() && needed[next].0 as usize == i {
            en.push(EnSide {
                triangle: needed[next].1,
                side: side_of(&u, Lang::En).clone(),
                score: u.score,
            })?;
            next += 1;
        }
        i += 1;
        Ok(())
    })?;
    let en = en.finish()?;
    let mut kk_en_score = vec![1.0; found.len()];
    let mut needed: Vec<(u32, usize)> = found.iter().enumerate().map(|(t, f)| (f[2], t)).collect();
    needed.sort_unstable();
    let (mut i, mut next) = (0usize, 0usize);
    units(ke, &mut |mut u| {
        v.adjust(ke, i, &mut u);
        while next < needed.len() && needed[next].0 as usize == i {
            kk_en_score[needed[next].1] = u.score;
            next += 1;
        }
        i += 1;
        Ok(())
    })?;
    let mut triangles = Sorter::new(dir.join("triangles"), budget, |a: &Triangle, b| {
        let (x, y) = (&a.sides[0], &b.sides[0]);
        (&x.doc, &x.sentences).cmp(&(&y.doc, &y.sentences))
    });
    let mut en_sides = en.reader()?;
    let (mut k, mut t) = (0usize, 0usize);
    units(rk, &mut |mut u| {
        if t < found.len() && found[t][0] as usize == k {
            v.adjust(rk, k, &mut u);
            let Some(e) = en_sides.next()? else {
                return Ok(());
            };
            let score = [u.score, e.score, kk_en_score[t]]
                .into_iter()
                .fold(1.0, f64::min);
            triangles.push(Triangle {
                sides: [
                    side_of(&u, Lang::Ru).clone(),
                    side_of(&u, Lang::Kk).clone(),
                    e.side,
                ],
                score,
            })?;
            t += 1;
        }
        k += 1;
        Ok(())
    })?;
    Ok((verdicts, triangles.finish()?))
}

/// `trilingual.tmx` up to its first triangle.
pub fn tmx_head(origin: &str) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">\n<tmx version=\"1.4\">\n");
    let _ = writeln!(
        out,
        "  <header creationtool=\"tilmash\" creationtoolversion=\"{}\" segtype=\"sentence\" o-tmf=\"{}\" adminlang=\"en\" srclang=\"*all*\" datatype=\"plaintext\"/>\n  <body>",
        env!("CARGO_PKG_VERSION"),
        escape(origin)
    );
    out
}

/// Triangle number `n` (from 1) of `trilingual.tmx`.
pub fn tmx_triangle(out: &mut String, n: usize, t: &Triangle) {
    let _ = writeln!(out, "    <tu tuid=\"{n}\">");
    let _ = writeln!(out, "      <prop type=\"x-score\">{:.4}</prop>", t.score);
    let _ = writeln!(out, "      <prop type=\"x-type\">trilingual</prop>");
    for s in &t.sides {
        let ix: Vec<String> = s.sentences.iter().map(usize::to_string).collect();
        let _ = writeln!(
            out,
            "      <prop type=\"x-{}-doc\">{}</prop>",
            s.lang.code(),
            escape(&s.doc)
        );
        let _ = writeln!(
            out,
            "      <prop type=\"x-{}-sentences\">{}</prop>",
            s.lang.code(),
            ix.join(",")
        );
    }
    for s in &t.sides {
        let _ = writeln!(
            out,
            "      <tuv xml:lang=\"{}\"><seg>{}</seg></tuv>",
            s.lang.code(),
            escape(s.text.trim())
        );
    }
    out.push_str("    </tu>\n");
}

/// What `trilingual.tmx` ends with.
pub const TMX_TAIL: &str = "  </body>\n</tmx>\n";

/// `trilingual.tmx`: one `<tu>` per triangle with three `<tuv>`s (ru, kk, en), in the same
/// header and property conventions as the pairwise files.
pub fn write_tmx(triangles: &[Triangle], origin: &str) -> String {
    let mut out = tmx_head(origin);
    for (n, t) in triangles.iter().enumerate() {
        tmx_triangle(&mut out, n + 1, t);
    }
    out.push_str(TMX_TAIL);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(lang: Lang, doc: &str, k: usize) -> UnitSide {
        UnitSide {
            lang,
            text: format!("{lang} {k}"),
            doc: doc.into(),
            sentences: vec![k],
        }
    }

    fn unit(a: UnitSide, b: UnitSide) -> TranslationUnit {
        TranslationUnit {
            src: a,
            tgt: b,
            bead: "1-1".into(),
            unit_type: UnitType::Parallel,
            score: 0.6,
        }
    }

    #[test]
    fn agreement_raises_and_disagreement_lowers() {
        let (r, k, e) = (Lang::Ru, Lang::Kk, Lang::En);
        let mut pairs = [
            (
                (r, k),
                vec![
                    unit(side(r, "r", 0), side(k, "k", 0)),
                    unit(side(r, "r", 1), side(k, "k", 1)),
                ],
            ),
            (
                (r, e),
                vec![
                    unit(side(r, "r", 0), side(e, "e", 0)),
                    unit(side(r, "r", 1), side(e, "e", 1)),
                ],
            ),
            // kk 1 goes to en 2: contradicts ru 1 → en 1
            (
                (k, e),
                vec![
                    unit(side(k, "k", 0), side(e, "e", 0)),
                    unit(side(k, "k", 1), side(e, "e", 2)),
                ],
            ),
        ];
        let names: Vec<(Lang, Lang)> = pairs.iter().map(|p| p.0).collect();
        let units = |i: usize, f: &mut dyn FnMut(TranslationUnit) -> Result<()>| {
            pairs[i].1.iter().cloned().try_for_each(f)
        };
        let dir = std::env::temp_dir();
        let cfg = MiningConfig::default();
        let (v, t) = triangulate(&names, &units, &cfg, &dir, usize::MAX).unwrap();
        let Sorted::Held(t) = t else {
            panic!("under an unlimited budget the triangles stay in memory")
        };
        for (p, us) in pairs.iter_mut().enumerate() {
            for (k, u) in us.1.iter_mut().enumerate() {
                v.adjust(p, k, u);
            }
        }
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].sides[2].sentences, vec![0]);
        assert!(pairs[0].1[0].score > 0.6 && pairs[2].1[0].score > 0.6);
        assert!(
            pairs[0].1[1].score < 0.6 && pairs[1].1[1].score < 0.6 && pairs[2].1[1].score < 0.6
        );
        let xml = write_tmx(&t, "test");
        assert_eq!(xml.matches("<tuv").count(), 3);
    }
}
