//! Per-language segmentation rules, read from `data/segment/<lang>.tsv` (see the header of
//! `data/segment/common.tsv` for the columns and classes).

use crate::fxhash::{FxHashMap, FxHashSet};
use crate::model::Lang;
use std::cell::RefCell;
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
    pub(super) abbrevs: FxHashMap<String, AbbrevClass>,
    pub(super) heading_labels: FxHashSet<String>,
    pub(super) question_continuations: FxHashSet<String>,
    pub(super) caption_labels: FxHashSet<String>,
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
        abbrevs: FxHashMap::default(),
        heading_labels: FxHashSet::default(),
        question_continuations: FxHashSet::default(),
        caption_labels: FxHashSet::default(),
        lowercase_after_question: false,
        lowercase_after_period: false,
    };
    parse(COMMON, &mut rules);
    for d in lang_data {
        parse(d, &mut rules);
    }
    rules
}

/// Calls `f` with `s.to_lowercase()`, built in a buffer kept per thread: the segmenter asks at
/// every full stop, and an allocation per question cost more than the look-up.
fn with_lowercase<T>(s: &str, f: impl FnOnce(&str) -> T) -> T {
    thread_local! {
        static BUF: RefCell<String> = const { RefCell::new(String::new()) };
    }
    if s.bytes().all(|b| !b.is_ascii_uppercase()) && s.is_ascii() {
        return f(s);
    }
    BUF.with(|b| {
        let mut buf = b.take();
        buf.clear();
        // `str::to_lowercase`, which differs from lower-casing each character only for a
        // final capital sigma.
        if s.contains('Σ') {
            buf.push_str(&s.to_lowercase());
        } else {
            buf.extend(s.chars().flat_map(char::to_lowercase));
        }
        let out = f(&buf);
        b.replace(buf);
        out
    })
}

/// The two parts of `head` split at any of `seps`, when there are exactly two.
fn two_parts<'a>(head: &'a str, seps: &[char]) -> Option<(&'a str, &'a str)> {
    let mut it = head.split(seps);
    match (it.next(), it.next(), it.next()) {
        (Some(a), Some(b), None) => Some((a, b)),
        _ => None,
    }
}

pub(super) fn is_number(s: &str) -> bool {
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
        let w = word.trim_start_matches(|c: char| !c.is_alphanumeric());
        with_lowercase(w, |w| self.abbrevs.get(w).copied())
    }

    /// True when `word` after "?" continues the question ("Or", "Или").
    pub fn continues_question(&self, word: &str) -> bool {
        with_lowercase(word, |w| self.question_continuations.contains(w))
    }

    /// True for a caption label with its number, which a full stop does not end: "Table 1.",
    /// "Кесте 2.", "Рис. 3.".
    pub fn is_caption_label(&self, head: &str) -> bool {
        let Some((a, b)) = two_parts(head, &[' ', '\u{a0}']) else {
            return false;
        };
        let b = b.trim_end_matches('.');
        is_number(b) && with_lowercase(a.trim_end_matches('.'), |a| self.caption_labels.contains(a))
    }

    /// True for a heading made of a label and a number: "Article 8", "Статья 8", "8-бап", "8 бап".
    pub fn is_heading_label(&self, head: &str) -> bool {
        let Some((a, b)) = two_parts(head, &[' ', '-', '\u{a0}']) else {
            return false;
        };
        let label = |s: &str| with_lowercase(s, |s| self.heading_labels.contains(s));
        is_number(b) && label(a) || is_number(a) && label(b)
    }
}
