//! Per-language segmentation rules, read from `data/segment/<lang>.tsv` (see the header of
//! `data/segment/common.tsv` for the columns and classes).

use crate::model::Lang;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbbrevClass {
    /// Never ends a sentence ("т.е.", "Mr.", "напр.", Kazakh "ж." and "ғ.").
    NonFinal,
    /// Does not end a sentence before a number ("No. 15", "pp. 55", "с. 12").
    BeforeNumber,
    /// Ends a sentence only when an upper-case word follows ("гг.", "т.б.", "etc.").
    MaybeFinal,
}

pub struct Rules {
    abbrevs: HashMap<String, AbbrevClass>,
    heading_labels: HashSet<String>,
    question_continuations: HashSet<String>,
    caption_labels: HashSet<String>,
    /// "?" and "!" end a sentence even before a lower-case word (informal English).
    pub lowercase_after_question: bool,
    /// "." ends a sentence before a lower-case word after a plain word (informal English).
    pub lowercase_after_period: bool,
}

fn parse(data: &str, into: &mut Rules) {
    for line in data.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(item), Some(class)) = (cols.next(), cols.next()) else {
            continue;
        };
        let item = item.trim();
        let key = item.trim_end_matches('.').to_lowercase();
        match class.trim() {
            "nonfinal" => {
                into.abbrevs.insert(key, AbbrevClass::NonFinal);
            }
            "before_number" => {
                into.abbrevs.insert(key, AbbrevClass::BeforeNumber);
            }
            "maybe_final" => {
                into.abbrevs.insert(key, AbbrevClass::MaybeFinal);
            }
            "caption_label" => {
                into.caption_labels.insert(key);
            }
            "question_continuation" => {
                into.question_continuations.insert(key);
            }
            "heading_label" => {
                into.heading_labels.insert(key);
            }
            "option" if item == "lowercase_after_question" => {
                into.lowercase_after_question = cols.next().map(str::trim) == Some("yes");
            }
            "option" if item == "lowercase_after_period" => {
                into.lowercase_after_period = cols.next().map(str::trim) == Some("yes");
            }
            _ => {}
        }
    }
}

const COMMON: &str = include_str!("../../data/segment/common.tsv");
const KK: &str = include_str!("../../data/segment/kk.tsv");
const RU: &str = include_str!("../../data/segment/ru.tsv");
const EN: &str = include_str!("../../data/segment/en.tsv");

fn build(lang_data: &[&str]) -> Rules {
    let mut rules = Rules {
        abbrevs: HashMap::new(),
        heading_labels: HashSet::new(),
        question_continuations: HashSet::new(),
        caption_labels: HashSet::new(),
        lowercase_after_question: false,
        lowercase_after_period: false,
    };
    parse(COMMON, &mut rules);
    for d in lang_data {
        parse(d, &mut rules);
    }
    rules
}

fn is_number(s: &str) -> bool {
    !s.is_empty()
        && (s.chars().all(|c| c.is_ascii_digit())
            || s.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C')))
}

impl Rules {
    pub fn for_lang(lang: Lang) -> &'static Rules {
        static KK_R: OnceLock<Rules> = OnceLock::new();
        static RU_R: OnceLock<Rules> = OnceLock::new();
        static EN_R: OnceLock<Rules> = OnceLock::new();
        static ANY_R: OnceLock<Rules> = OnceLock::new();
        match lang {
            // Kazakh text cites Russian sources, so it gets the Russian list underneath its own.
            Lang::Kk => KK_R.get_or_init(|| build(&[RU, KK])),
            Lang::Ru => RU_R.get_or_init(|| build(&[RU])),
            Lang::En => EN_R.get_or_init(|| build(&[EN])),
            _ => ANY_R.get_or_init(|| build(&[EN, RU, KK])),
        }
    }

    /// The class of the token before a full stop, e.g. "т.б" for "т.б.", "гг" for "гг.".
    pub fn class_of(&self, word: &str) -> Option<AbbrevClass> {
        let w = word
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        self.abbrevs.get(&w).copied()
    }

    /// True when `word` after "?" continues the question ("Or", "Или").
    pub fn continues_question(&self, word: &str) -> bool {
        self.question_continuations.contains(&word.to_lowercase())
    }

    /// True for a caption label with its number, which a full stop does not end: "Table 1.",
    /// "Кесте 2.", "Рис. 3.".
    pub fn is_caption_label(&self, head: &str) -> bool {
        let parts: Vec<&str> = head.split([' ', '\u{a0}']).collect();
        let [a, b] = parts[..] else {
            return false;
        };
        let b = b.trim_end_matches('.');
        is_number(b)
            && self
                .caption_labels
                .contains(&a.trim_end_matches('.').to_lowercase())
    }

    /// True for a heading made of a label and a number: "Article 8", "Статья 8", "8-бап", "8 бап".
    pub fn is_heading_label(&self, head: &str) -> bool {
        let parts: Vec<&str> = head.split([' ', '-', '\u{a0}']).collect();
        let [a, b] = parts[..] else {
            return false;
        };
        let label = |s: &str| self.heading_labels.contains(&s.to_lowercase());
        is_number(b) && label(a) || is_number(a) && label(b)
    }
}
