//! Per-language segmentation rules, read from `data/segment/<lang>.tsv`.

use crate::model::Lang;
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbbrevClass {
    /// Never ends a sentence ("т.е.", "Mr.", "напр.").
    NonFinal,
    /// Does not end a sentence before a number ("No. 15", "pp. 55", "с. 12").
    BeforeNumber,
    /// Ends a sentence only when an upper-case word follows ("гг.", "ж.", "т.б.", "etc.").
    MaybeFinal,
}

pub struct Rules {
    abbrevs: HashMap<String, AbbrevClass>,
}

fn parse(data: &str, into: &mut HashMap<String, AbbrevClass>) {
    for line in data.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(abbr), Some(class)) = (cols.next(), cols.next()) else {
            continue;
        };
        let class = match class.trim() {
            "nonfinal" => AbbrevClass::NonFinal,
            "before_number" => AbbrevClass::BeforeNumber,
            "maybe_final" => AbbrevClass::MaybeFinal,
            _ => continue,
        };
        into.insert(abbr.trim().trim_end_matches('.').to_lowercase(), class);
    }
}

const COMMON: &str = include_str!("../../data/segment/common.tsv");
const KK: &str = include_str!("../../data/segment/kk.tsv");
const RU: &str = include_str!("../../data/segment/ru.tsv");
const EN: &str = include_str!("../../data/segment/en.tsv");

fn build(lang_data: &[&str]) -> Rules {
    let mut abbrevs = HashMap::new();
    parse(COMMON, &mut abbrevs);
    for d in lang_data {
        parse(d, &mut abbrevs);
    }
    Rules { abbrevs }
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
}
