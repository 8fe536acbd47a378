//! JSONL: one object per unit, flat, for training scripts.

use crate::model::{Lang, TranslationUnit, UnitType};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct JsonlUnit {
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
}

impl From<&TranslationUnit> for JsonlUnit {
    fn from(u: &TranslationUnit) -> Self {
        JsonlUnit {
            src_lang: u.src.lang,
            tgt_lang: u.tgt.lang,
            src: u.src.text.clone(),
            tgt: u.tgt.text.clone(),
            src_doc: u.src.doc.clone(),
            tgt_doc: u.tgt.doc.clone(),
            src_sentences: u.src.sentences.clone(),
            tgt_sentences: u.tgt.sentences.clone(),
            bead: u.bead.clone(),
            unit_type: u.unit_type,
            score: u.score,
        }
    }
}

/// One JSON object per line, for units whose sides are both non-empty (as in the TMX).
pub fn write_jsonl(units: &[TranslationUnit]) -> String {
    let mut out = String::new();
    for u in units {
        if u.src.text.trim().is_empty() || u.tgt.text.trim().is_empty() {
            continue;
        }
        if let Ok(line) = serde_json::to_string(&JsonlUnit::from(u)) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}
