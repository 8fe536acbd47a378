//! Three-way consistency. When the ru-kk, ru-en and kk-en units close a triangle (the Russian
//! side of a ru-kk unit is aligned to English text that the Kazakh side is also aligned to), the
//! three units confirm each other: their confidence rises and one trilingual unit is written.
//! When two of them lead to different English (or Russian, or Kazakh) text, at least one is
//! wrong: the confidence of all three falls.

use super::mining::MiningConfig;
use crate::export::tmx::escape;
use crate::model::{Lang, TranslationUnit, UnitSide, UnitType};
use std::collections::HashMap;
use std::fmt::Write as _;

/// A unit with one side per working language (ru, kk, en, in that order).
#[derive(Debug, Clone, PartialEq)]
pub struct Triangle {
    pub sides: [UnitSide; 3],
    /// The lowest adjusted score of the three pairwise units.
    pub score: f64,
}

type Key = (String, Vec<usize>);

fn key(s: &UnitSide) -> Key {
    (s.doc.clone(), s.sentences.clone())
}

/// For a pair's units: side of language `from` → (unit index, side of the other language).
fn partners(units: &[TranslationUnit], from: Lang) -> HashMap<Key, (usize, UnitSide)> {
    units
        .iter()
        .enumerate()
        .map(|(k, u)| {
            if u.src.lang == from {
                (key(&u.src), (k, u.tgt.clone()))
            } else {
                (key(&u.tgt), (k, u.src.clone()))
            }
        })
        .collect()
}

fn side_of(u: &TranslationUnit, lang: Lang) -> &UnitSide {
    if u.src.lang == lang {
        &u.src
    } else {
        &u.tgt
    }
}

/// Finds the triangles among the units of the ru-kk, ru-en and kk-en pairs (either direction),
/// adjusts the scores of the units involved in place (re-typing a `parallel` unit that falls
/// below `cfg.parallel_score`) and returns the triangles, sorted by the Russian side.
pub fn triangulate(
    pairs: &mut [((Lang, Lang), Vec<TranslationUnit>)],
    cfg: &MiningConfig,
) -> Vec<Triangle> {
    let find = |x: Lang, y: Lang| {
        pairs
            .iter()
            .position(|((a, b), _)| (*a, *b) == (x, y) || (*a, *b) == (y, x))
    };
    let (Some(rk), Some(re), Some(ke)) = (
        find(Lang::Ru, Lang::Kk),
        find(Lang::Ru, Lang::En),
        find(Lang::Kk, Lang::En),
    ) else {
        return Vec::new();
    };
    let ru_en = partners(&pairs[re].1, Lang::Ru);
    let kk_en = partners(&pairs[ke].1, Lang::Kk);
    // +1 agreement, -1 disagreement, per (pair, unit)
    let mut verdict: HashMap<(usize, usize), i8> = HashMap::new();
    let mut found: Vec<(usize, usize, usize)> = Vec::new();
    for (k, u) in pairs[rk].1.iter().enumerate() {
        let (r, kz) = (side_of(u, Lang::Ru), side_of(u, Lang::Kk));
        let (Some((ie, e1)), Some((je, e2))) = (ru_en.get(&key(r)), kk_en.get(&key(kz))) else {
            continue;
        };
        if key(e1) == key(e2) {
            found.push((k, *ie, *je));
            for at in [(rk, k), (re, *ie), (ke, *je)] {
                verdict.entry(at).or_insert(1);
            }
        } else {
            for at in [(rk, k), (re, *ie), (ke, *je)] {
                verdict.insert(at, -1);
            }
        }
    }
    for ((p, k), v) in &verdict {
        let u = &mut pairs[*p].1[*k];
        u.score = if *v > 0 {
            u.score + (1.0 - u.score) * cfg.triangle_boost
        } else {
            u.score * cfg.triangle_penalty
        };
        u.score = (u.score * 1e4).round() / 1e4;
        if *v < 0 && u.unit_type == UnitType::Parallel && u.score < cfg.parallel_score {
            u.unit_type = UnitType::Comparable;
        }
    }
    let mut out: Vec<Triangle> = found
        .into_iter()
        .filter(|(k, ie, je)| {
            [(rk, *k), (re, *ie), (ke, *je)]
                .iter()
                .all(|at| verdict.get(at) == Some(&1))
        })
        .map(|(k, ie, je)| {
            let u = &pairs[rk].1[k];
            let e = side_of(&pairs[re].1[ie], Lang::En).clone();
            let score = [u.score, pairs[re].1[ie].score, pairs[ke].1[je].score]
                .into_iter()
                .fold(1.0, f64::min);
            Triangle {
                sides: [
                    side_of(u, Lang::Ru).clone(),
                    side_of(u, Lang::Kk).clone(),
                    e,
                ],
                score,
            }
        })
        .collect();
    out.sort_by(|a, b| key(&a.sides[0]).cmp(&key(&b.sides[0])));
    out
}

/// `trilingual.tmx`: one `<tu>` per triangle with three `<tuv>`s (ru, kk, en), in the same
/// header and property conventions as the pairwise files.
pub fn write_tmx(triangles: &[Triangle], origin: &str) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">\n<tmx version=\"1.4\">\n");
    let _ = writeln!(
        out,
        "  <header creationtool=\"tilmash\" creationtoolversion=\"{}\" segtype=\"sentence\" o-tmf=\"{}\" adminlang=\"en\" srclang=\"*all*\" datatype=\"plaintext\"/>\n  <body>",
        env!("CARGO_PKG_VERSION"),
        escape(origin)
    );
    for (n, t) in triangles.iter().enumerate() {
        let _ = writeln!(out, "    <tu tuid=\"{}\">", n + 1);
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
    out.push_str("  </body>\n</tmx>\n");
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
        let mut pairs = vec![
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
        let t = triangulate(&mut pairs, &MiningConfig::default());
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
