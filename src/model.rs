//! The plain types that flow forward through the pipeline:
//! `Document` → `Paragraph` → `Sentence` → `Bead` → `TranslationUnit`.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

/// A language label. `Other` is a language we recognise as none of ours (e.g. Spanish);
/// `Und` means the text is too short or ambiguous to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Kk,
    Ru,
    En,
    Other,
    Und,
}

impl Lang {
    pub const ALIGNABLE: [Lang; 3] = [Lang::Ru, Lang::Kk, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Kk => "kk",
            Lang::Ru => "ru",
            Lang::En => "en",
            Lang::Other => "other",
            Lang::Und => "und",
        }
    }

    /// Parses one of the three working languages (`kk`, `ru`, `en`), case-insensitively.
    pub fn parse_working(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "kk" => Some(Lang::Kk),
            "ru" => Some(Lang::Ru),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One input file, decoded, split into paragraphs.
#[derive(Debug, Clone)]
pub struct Document {
    /// Stable id: the file's path relative to the input root, with `/` separators.
    pub id: String,
    pub path: PathBuf,
    /// How the bytes were decoded (e.g. `utf-8`).
    pub encoding: String,
    pub paragraphs: Vec<Paragraph>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParagraphKind {
    Body,
    Heading,
    ListItem,
    TableCell,
    Caption,
    Reference,
}

/// A paragraph after markup residue has been stripped. `span` is the byte range in the source file
/// that the paragraph came from (first byte of its first line to the end of its last line).
#[derive(Debug, Clone)]
pub struct Paragraph {
    pub span: Range<usize>,
    pub kind: ParagraphKind,
    pub text: String,
    pub lang: Lang,
    pub lang_confidence: f32,
}

/// One sentence of a document. `index` is 0-based over all sentences of the document, whatever
/// their language, so it is stable provenance for exports.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sentence {
    pub index: usize,
    pub paragraph: usize,
    /// Byte range inside the paragraph's (stripped) text as ingested, before normalization.
    pub span: Range<usize>,
    pub lang: Lang,
    pub lang_confidence: f32,
    pub kind: ParagraphKind,
    /// What translators see (export profile).
    pub text: String,
    /// What matching uses (align profile).
    pub align: String,
}

/// A document after segmentation: every sentence, in order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SegmentedDocument {
    pub id: String,
    pub encoding: String,
    pub paragraph_count: usize,
    pub paragraph_langs: Vec<Lang>,
    pub sentences: Vec<Sentence>,
}

/// A link between consecutive sentence ranges: `src` and `tgt` are indices into the aligned
/// sequences (either may be empty for a 1-0 / 0-1 bead).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bead {
    pub src: Vec<usize>,
    pub tgt: Vec<usize>,
    pub score: f64,
}

impl Bead {
    pub fn kind(&self) -> String {
        format!("{}-{}", self.src.len(), self.tgt.len())
    }
    pub fn is_pair(&self) -> bool {
        !self.src.is_empty() && !self.tgt.is_empty()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitType {
    Parallel,
    Comparable,
}

/// One side of a unit: its language, text and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitSide {
    pub lang: Lang,
    pub text: String,
    pub doc: String,
    pub sentences: Vec<usize>,
}

/// What a user sees: a pair of texts with provenance, type and score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TranslationUnit {
    pub src: UnitSide,
    pub tgt: UnitSide,
    pub bead: String,
    pub unit_type: UnitType,
    pub score: f64,
}
