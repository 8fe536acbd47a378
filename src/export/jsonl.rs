//! JSONL: one object per unit, flat, for training scripts. `JsonlUnit` is also the unit every
//! other writer (TMX, Moses, TSV, review page) reads, so all formats carry the same units.

use crate::error::{Error, Result};
use crate::model::{Lang, TranslationUnit, UnitType};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Where a merged duplicate came from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Provenance {
    pub src_doc: String,
    pub src_sentences: Vec<usize>,
    pub tgt_doc: String,
    pub tgt_sentences: Vec<usize>,
    pub score: f64,
    /// `exact` (same texts) or `normalized` (same texts after the align normalization).
    pub dedup: String,
}

/// A reviewer's decision, present only in `*.reviewed.*` files.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ReviewMark {
    /// `accepted` or `edited` (rejected units are dropped).
    pub state: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reviewer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_src: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_tgt: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct JsonlUnit {
    /// Stable id: a hash of the unit's provenance (documents and sentence indices), so it does
    /// not change when filters or other units change. Also the TMX `tuid`.
    #[serde(default)]
    pub id: String,
    pub src_lang: Lang,
    pub tgt_lang: Lang,
    pub src: String,
    pub tgt: String,
    pub src_doc: String,
    pub tgt_doc: String,
    pub src_sentences: Vec<usize>,
    pub tgt_sentences: Vec<usize>,
    pub bead: String,
    #[serde(rename = "type")]
    pub unit_type: UnitType,
    pub score: f64,
    /// Other places the same unit was found (deduplication), best-scoring first.
    #[serde(default)]
    pub duplicates: Vec<Provenance>,
    /// `i/n` when an over-long unit was cut into n pieces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewMark>,
}

/// One bead of `tilmash align --format jsonl`: its sentence indices and score, the aligner's
/// margin with raw scores, and for comparable mining the unit's type and evidence. The fields
/// stand in name order, the order in which the lines were first printed (from a JSON object),
/// so the lines stay byte for byte what they were.
#[derive(Debug, Serialize)]
pub struct BeadLine<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub margin: Option<f64>,
    /// Comparable mining: the pair score behind the unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pair: Option<f64>,
    /// With raw scores: the search's path margin (`Searcher::path_margins`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path_margin: Option<f64>,
    pub score: f64,
    /// Comparable mining: the evidence similarity of the two sides.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f64>,
    pub src: &'a [usize],
    pub tgt: &'a [usize],
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub unit_type: Option<UnitType>,
}

/// FNV-1a, 64 bits: small, stable across platforms and Rust versions.
pub fn fnv64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn join(ix: &[usize]) -> String {
    ix.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

impl JsonlUnit {
    pub fn provenance_id(src_doc: &str, src: &[usize], tgt_doc: &str, tgt: &[usize]) -> String {
        let key = format!(
            "{src_doc}\u{0}{}\u{0}{tgt_doc}\u{0}{}",
            join(src),
            join(tgt)
        );
        format!("{:016x}", fnv64(key.as_bytes()))
    }
}

impl From<&TranslationUnit> for JsonlUnit {
    fn from(u: &TranslationUnit) -> Self {
        JsonlUnit {
            id: JsonlUnit::provenance_id(
                &u.src.doc,
                &u.src.sentences,
                &u.tgt.doc,
                &u.tgt.sentences,
            ),
            src_lang: u.src.lang,
            tgt_lang: u.tgt.lang,
            src: u.src.text.trim().to_string(),
            tgt: u.tgt.text.trim().to_string(),
            src_doc: u.src.doc.clone(),
            tgt_doc: u.tgt.doc.clone(),
            src_sentences: u.src.sentences.clone(),
            tgt_sentences: u.tgt.sentences.clone(),
            bead: u.bead.clone(),
            unit_type: u.unit_type,
            score: u.score,
            duplicates: Vec::new(),
            split: None,
            review: None,
        }
    }
}

/// One JSON object per line.
pub fn write_jsonl_units(units: &[JsonlUnit]) -> String {
    let mut out = String::new();
    for u in units {
        jsonl_line(&mut out, u);
    }
    out
}

/// One unit's JSON line.
pub fn jsonl_line(out: &mut String, u: &JsonlUnit) {
    if let Ok(line) = serde_json::to_string(u) {
        out.push_str(&line);
        out.push('\n');
    }
}

/// JSONL for aligner units, without filters or dedup, skipping units with an empty side.
pub fn write_jsonl(units: &[TranslationUnit]) -> String {
    let v: Vec<JsonlUnit> = units
        .iter()
        .map(JsonlUnit::from)
        .filter(|u| !u.src.is_empty() && !u.tgt.is_empty())
        .collect();
    write_jsonl_units(&v)
}

/// Reads a JSONL file written by `write_jsonl_units`.
pub fn read_jsonl(path: &Path) -> Result<Vec<JsonlUnit>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::read(path, e))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut u: JsonlUnit = serde_json::from_str(line).map_err(|e| Error::Invalid {
            path: path.to_path_buf(),
            why: format!(
                "line {}: not a tilmash JSONL unit ({e}); re-run the pipeline to rewrite it",
                i + 1
            ),
        })?;
        if u.id.is_empty() {
            // Files from before ids existed: the id the exporter would give.
            u.id = JsonlUnit::provenance_id(
                &u.src_doc,
                &u.src_sentences,
                &u.tgt_doc,
                &u.tgt_sentences,
            );
        }
        out.push(u);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bead lines are what the JSON object they were first printed from prints (keys sorted,
    /// numbers by serde_json): margins, non-finite numbers, merges and comparable units included.
    #[test]
    fn bead_lines_as_the_json_object_printed_them() {
        let beads = [
            (vec![0], vec![0], 0.9999, None, None),
            (vec![1, 2], vec![1], 0.5, Some(-0.1234), None),
            (vec![], vec![3], 1e-7, Some(12.0), None),
            (vec![4], vec![], f64::NAN, Some(f64::INFINITY), None),
            (vec![5], vec![4, 5, 6], 0.0, Some(-0.0), None),
            (
                vec![7],
                vec![8],
                0.25,
                Some(1.5),
                Some((0.61, 0.4, UnitType::Comparable)),
            ),
            (
                vec![9, 10],
                vec![9],
                0.8,
                Some(2.0),
                Some((0.9, f64::NAN, UnitType::Parallel)),
            ),
        ];
        for (src, tgt, score, margin, mined) in beads {
            let mut v = serde_json::json!({"src": src, "tgt": tgt, "score": score});
            if let Some(m) = margin {
                v["margin"] = serde_json::json!(m);
            }
            if let Some((pair, similarity, t)) = mined {
                v["type"] = serde_json::json!(t);
                v["pair"] = serde_json::json!(pair);
                v["similarity"] = serde_json::json!(similarity);
            }
            if margin.is_some() && mined.is_none() {
                v["path_margin"] = serde_json::json!(0.5);
            }
            let line = BeadLine {
                margin,
                pair: mined.map(|m| m.0),
                path_margin: (margin.is_some() && mined.is_none()).then_some(0.5),
                score,
                similarity: mined.map(|m| m.1),
                src: &src,
                tgt: &tgt,
                unit_type: mined.map(|m| m.2),
            };
            assert_eq!(serde_json::to_string(&line).unwrap(), v.to_string());
        }
    }
}
