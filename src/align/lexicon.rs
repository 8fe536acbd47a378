//! Bilingual word lists that link tokens across languages: the seed lexicons shipped in
//! `data/lexicon/` (one readable TSV per pair), the month table used for dates, and user
//! dictionaries in hunalign's format (`target @ source`) or plain TSV (`source<TAB>target`).
//!
//! Entries are *forms*: a whole word or, for forms of four letters or more, a stem that a word may
//! extend by a few suffix letters (Kazakh and Russian inflect: `қараша` matches `қарашада`,
//! `ноябр` matches `ноября`). A word uses its longest matching form only. A form written with a
//! trailing `-` (`ел-`) also matches itself followed by one of its language's noun endings
//! (`data/lexicon/endings-kk.txt`): short Kazakh nouns inflect too, and a short form otherwise
//! matches whole words only.

use crate::error::{Error, Result};
use crate::model::Lang;
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

const SEED_RU_KK: &str = include_str!("../../data/lexicon/ru-kk.tsv");
const SEED_RU_EN: &str = include_str!("../../data/lexicon/ru-en.tsv");
const SEED_KK_EN: &str = include_str!("../../data/lexicon/kk-en.tsv");
const MONTHS: &str = include_str!("../../data/lexicon/months.tsv");
const ENDINGS_KK: &str = include_str!("../../data/lexicon/endings-kk.txt");

/// Shortest form that may match as a stem (shorter forms match whole words only).
const MIN_STEM: usize = 4;

/// How many letters a language's inflection may add to a stem.
pub fn max_suffix(lang: Lang) -> usize {
    match lang {
        Lang::Kk => 7,
        Lang::Ru => 4,
        _ => 3,
    }
}

/// The noun endings a `-` form of a language may take, shortest first (so the longest stem wins).
fn endings(lang: Lang) -> &'static [String] {
    static KK: OnceLock<Vec<String>> = OnceLock::new();
    match lang {
        Lang::Kk => KK.get_or_init(|| {
            let mut v: Vec<String> = ENDINGS_KK
                .lines()
                .filter(|l| !l.trim_start().starts_with('#'))
                .flat_map(str::split_whitespace)
                .map(str::to_lowercase)
                .collect();
            v.sort_by_key(|e| (e.chars().count(), e.clone()));
            v.dedup();
            v
        }),
        _ => &[],
    }
}

/// Word forms of one side mapped to concept numbers shared with the other side.
#[derive(Debug, Clone, Default)]
pub struct FormTable {
    forms: HashMap<String, Vec<u32>>,
    longest: usize,
    /// Forms written with a trailing `-`: they also match with one of `endings` added.
    inflected: HashMap<String, Vec<u32>>,
    endings: &'static [String],
}

impl FormTable {
    pub fn insert(&mut self, form: &str, concept: u32) {
        let form = form.trim().to_lowercase();
        let form = match form.strip_suffix('-') {
            Some(stem) if !stem.is_empty() => {
                let v = self.inflected.entry(stem.to_string()).or_default();
                if !v.contains(&concept) {
                    v.push(concept);
                }
                stem.to_string()
            }
            _ => form,
        };
        if form.is_empty() {
            return;
        }
        self.longest = self.longest.max(form.chars().count());
        let v = self.forms.entry(form).or_default();
        if !v.contains(&concept) {
            v.push(concept);
        }
    }

    pub fn len(&self) -> usize {
        self.forms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }

    /// Concepts of the longest form matching `word` (lower-case), allowing `max_suffix` extra
    /// letters after a stem of at least four letters.
    pub fn lookup(&self, word: &str, max_suffix: usize) -> &[u32] {
        if self.forms.is_empty() {
            return &[];
        }
        if let Some(v) = self.forms.get(word) {
            return v;
        }
        let bounds: Vec<usize> = word.char_indices().map(|(i, _)| i).skip(1).collect();
        let n = bounds.len() + 1;
        for (k, &end) in bounds.iter().enumerate().rev() {
            let plen = k + 1;
            if plen < MIN_STEM || n - plen > max_suffix {
                break; // shorter prefixes only leave a longer suffix
            }
            if plen > self.longest {
                continue;
            }
            if let Some(v) = self.forms.get(&word[..end]) {
                return v;
            }
        }
        if !self.inflected.is_empty() {
            for ending in self.endings {
                if let Some(stem) = word.strip_suffix(ending.as_str()) {
                    if let Some(v) = self.inflected.get(stem) {
                        return v;
                    }
                }
            }
        }
        &[]
    }

    /// Lets this side's `-` forms take `lang`'s noun endings.
    pub fn inflect_as(&mut self, lang: Lang) {
        self.endings = endings(lang);
    }
}

/// A bilingual lexicon: both sides' forms linked through concept numbers.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    pub src: FormTable,
    pub tgt: FormTable,
    entries: usize,
}

impl Lexicon {
    pub fn entries(&self) -> usize {
        self.entries
    }

    /// Adds `src ↔ tgt`. Concepts are numbered per distinct source form, so a target word with
    /// several source translations still matches each source word once.
    pub fn add(&mut self, src: &str, tgt: &str, ids: &mut HashMap<String, u32>) {
        let s = src.trim().to_lowercase();
        let t = tgt.trim().to_lowercase();
        if s.is_empty() || t.is_empty() {
            return;
        }
        let next = ids.len() as u32;
        let c = *ids.entry(s.clone()).or_insert(next);
        self.src.insert(&s, c);
        self.tgt.insert(&t, c);
        self.entries += 1;
    }

    /// Parses `src<TAB>tgt` lines; `#` starts a comment; several variants may be given
    /// separated by `|` on either side.
    pub fn add_tsv(&mut self, text: &str, swap: bool, ids: &mut HashMap<String, u32>) {
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("");
            let mut cols = line.split('\t');
            let (Some(a), Some(b)) = (cols.next(), cols.next()) else {
                continue;
            };
            let (a, b) = if swap { (b, a) } else { (a, b) };
            let key = a.split('|').next().unwrap_or(a).trim().to_lowercase();
            for sa in a.split('|') {
                for tb in b.split('|') {
                    // all source variants of one line share the first variant's concept
                    let next = ids.len() as u32;
                    let c = *ids.entry(key.clone()).or_insert(next);
                    let (s, t) = (sa.trim().to_lowercase(), tb.trim().to_lowercase());
                    if s.is_empty() || t.is_empty() {
                        continue;
                    }
                    self.src.insert(&s, c);
                    self.tgt.insert(&t, c);
                    self.entries += 1;
                }
            }
        }
    }

    /// The seed lexicon shipped for a pair (either direction), empty for other pairs.
    pub fn seed(src: Lang, tgt: Lang) -> Lexicon {
        let mut lex = Lexicon::default();
        let mut ids = HashMap::new();
        let table = match (src, tgt) {
            (Lang::Ru, Lang::Kk) => Some((SEED_RU_KK, false)),
            (Lang::Kk, Lang::Ru) => Some((SEED_RU_KK, true)),
            (Lang::Ru, Lang::En) => Some((SEED_RU_EN, false)),
            (Lang::En, Lang::Ru) => Some((SEED_RU_EN, true)),
            (Lang::Kk, Lang::En) => Some((SEED_KK_EN, false)),
            (Lang::En, Lang::Kk) => Some((SEED_KK_EN, true)),
            _ => None,
        };
        if let Some((text, swap)) = table {
            lex.add_tsv(text, swap, &mut ids);
        }
        lex.src.inflect_as(src);
        lex.tgt.inflect_as(tgt);
        lex
    }

    /// Loads a user dictionary: hunalign's `target @ source` lines, or `source<TAB>target` TSV.
    /// Multi-word entries are kept when each side is one word; others are skipped.
    pub fn load_user(path: &Path) -> Result<Lexicon> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::read(path, e))?;
        let mut lex = Lexicon::default();
        let mut ids = HashMap::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (s, t) = if let Some((t, s)) = line.split_once(" @ ") {
                (s, t)
            } else if let Some((s, t)) = line.split_once('\t') {
                (s, t.split('\t').next().unwrap_or(t))
            } else {
                return Err(Error::Invalid {
                    path: path.to_path_buf(),
                    why: format!(
                        "line {}: expected `target @ source` (hunalign) or `source<TAB>target`; fix the dictionary",
                        n + 1
                    ),
                });
            };
            if s.split_whitespace().count() == 1 && t.split_whitespace().count() == 1 {
                lex.add(s, t, &mut ids);
            }
        }
        Ok(lex)
    }
}

/// Month names per language as stems, numbered 1–12, for dates such as "30 ноября" /
/// "30 қарашада" / "30 November".
#[derive(Debug, Clone, Default)]
pub struct Months {
    table: FormTable,
}

impl Months {
    pub fn for_lang(lang: Lang) -> Months {
        let col = match lang {
            Lang::Ru => 1,
            Lang::Kk => 2,
            Lang::En => 3,
            _ => return Months::default(),
        };
        let mut table = FormTable::default();
        for line in MONTHS.lines().filter(|l| !l.starts_with('#')) {
            let cols: Vec<&str> = line.split('\t').collect();
            if let (Some(num), Some(forms)) = (cols.first(), cols.get(col)) {
                if let Ok(m) = num.trim().parse::<u32>() {
                    for f in forms.split('|') {
                        table.insert(f, m);
                    }
                }
            }
        }
        Months { table }
    }

    /// The month number (1–12) of a lower-case word, if it is a month name.
    pub fn month(&self, word: &str, max_suffix: usize) -> Option<u32> {
        self.table.lookup(word, max_suffix).first().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_match_inflected_words_only_within_the_suffix_limit() {
        let mut t = FormTable::default();
        t.insert("қараша", 11);
        t.insert("ол", 1);
        assert_eq!(t.lookup("қарашада", 7), &[11]);
        assert_eq!(t.lookup("ол", 7), &[1]);
        assert!(
            t.lookup("олар", 7).is_empty(),
            "short forms match whole words only"
        );
        assert!(t.lookup("қарашадағылардың", 7).is_empty());
    }

    #[test]
    fn dash_forms_take_their_languages_noun_endings() {
        let mut t = FormTable::default();
        t.insert("ел-", 5);
        t.insert("ол", 1);
        t.inflect_as(Lang::Kk);
        for w in [
            "ел",
            "елге",
            "елден",
            "еліне",
            "елінен",
            "елдерде",
            "елдерінің",
        ] {
            assert_eq!(t.lookup(w, 7), &[5], "{w}");
        }
        // only listed endings, and only on `-` forms
        assert!(t.lookup("елік", 7).is_empty());
        assert!(t.lookup("олар", 7).is_empty());
        // a language without an endings list leaves `-` forms whole words
        let mut en = FormTable::default();
        en.insert("ел-", 5);
        en.inflect_as(Lang::En);
        assert!(en.lookup("елге", 3).is_empty());
        assert_eq!(en.lookup("ел", 3), &[5]);
        // the shipped lexicon marks short Kazakh nouns so
        let seed = Lexicon::seed(Lang::Kk, Lang::En);
        let (kk, en) = (
            seed.src.lookup("елдерде", 7),
            seed.tgt.lookup("countries", 3),
        );
        assert!(!kk.is_empty() && kk.iter().any(|c| en.contains(c)));
    }

    #[test]
    fn months_across_languages() {
        for (lang, w) in [
            (Lang::Ru, "ноября"),
            (Lang::Kk, "қарашада"),
            (Lang::En, "november"),
        ] {
            assert_eq!(
                Months::for_lang(lang).month(w, max_suffix(lang)),
                Some(11),
                "{w}"
            );
        }
    }

    #[test]
    fn seed_lexicons_link_both_directions() {
        let a = Lexicon::seed(Lang::Ru, Lang::Kk);
        let b = Lexicon::seed(Lang::Kk, Lang::Ru);
        assert!(a.entries() > 100);
        let ca = a.src.lookup("правительство", 4);
        let ct = a.tgt.lookup("үкіметі", 7);
        assert!(!ca.is_empty() && ca.iter().any(|c| ct.contains(c)));
        assert!(!b.src.lookup("үкімет", 7).is_empty());
    }

    #[test]
    fn user_dictionary_formats() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("d.dic");
        std::fs::write(&p, "house @ үй\nbig red @ үлкен\nкітап\tbook\n").unwrap();
        let lex = Lexicon::load_user(&p).unwrap();
        assert_eq!(lex.entries(), 2);
        let bad = dir.path().join("bad.dic");
        std::fs::write(&bad, "no separator here\n").unwrap();
        assert!(Lexicon::load_user(&bad).is_err());
    }
}
