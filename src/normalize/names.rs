//! Script-independent keys for names, so that Cyrillic kk/ru and Latin spellings of one name land
//! close: Бөкейханов, Букейханов, Bokeikhanov, Bökeikhan and Бөкейхановтың all key to `bokeihan` or
//! one letter from it.
//!
//! The key (kazakh-normalization.md 6.3 and 7): lower-case; Cyrillic to a Latin key alphabet that
//! merges what the romanization schemes disagree on (ә/а, ө/о, ұ/ү/у, і/ы/и/й/y, қ/q/k, ғ/gh/g,
//! ң/ñ/n, х/һ/kh/h, ж/zh/j/dzh); diacritics dropped; endings stripped (case endings of Kazakh and
//! Russian, then the family suffixes -ov/-ev/-in/-uly that differ between the languages, from the
//! table `data/normalize/name-endings.tsv`); doubled letters collapsed. Latin spellings go through
//! the very same folds and strips, so both sides of a comparison lose the same things.

use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

/// Shortest stem an ending may leave behind (shorter keys stop being names).
const MIN_STEM: usize = 4;
/// At most this many endings are stripped (case + family suffix, or plural + case + family).
const MAX_ENDINGS: usize = 3;

fn endings() -> &'static [&'static str] {
    static E: OnceLock<Vec<&'static str>> = OnceLock::new();
    E.get_or_init(|| {
        let mut v: Vec<&'static str> =
            super::tables::tsv_rows(include_str!("../../data/normalize/name-endings.tsv"))
                .filter_map(|r| r.first().copied())
                .filter(|e| !e.is_empty())
                .collect();
        // Longest first: the longest ending that fits is stripped.
        v.sort_by_key(|e| std::cmp::Reverse(e.len()));
        v
    })
}

/// Cyrillic letter → key alphabet (lower-case input).
fn cyrillic(c: char) -> Option<&'static str> {
    Some(match c {
        'а' | 'ә' => "a",
        'б' => "b",
        'в' => "v",
        'г' | 'ғ' => "g",
        'д' => "d",
        'е' | 'э' => "e",
        'ё' => "o",
        'ж' => "j",
        'з' => "z",
        'и' | 'й' | 'і' | 'ы' => "i",
        'к' | 'қ' => "k",
        'л' => "l",
        'м' => "m",
        'н' | 'ң' => "n",
        'о' | 'ө' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ұ' | 'ү' => "u",
        'ф' => "f",
        'х' | 'һ' => "h",
        'ц' => "ts",
        'ч' => "ch",
        'ш' | 'щ' => "sh",
        'ъ' | 'ь' => "",
        'ю' => "iu",
        'я' => "ia",
        _ => return None,
    })
}

/// Latin letters whose decomposition does not give the base letter.
fn latin_special(c: char) -> Option<&'static str> {
    Some(match c {
        'ş' | 'ș' => "sh",
        'ç' => "ch",
        'ı' => "i",
        'ł' => "l",
        'ø' => "o",
        'æ' => "ae",
        'ß' => "ss",
        'ə' | 'ǝ' => "a",
        'ɵ' | 'θ' => "o",
        'ŋ' => "n",
        _ => return None,
    })
}

/// Folds one word to the key alphabet, before endings are stripped. With `cognate`, also the
/// correspondences of loanwords that the name key keeps apart (`cognate_key`).
fn fold(word: &str, out: &mut String, cognate: bool) {
    let mut raw = String::with_capacity(word.len());
    let mut prev_d = false;
    let mut chars = word.nfc().flat_map(char::to_lowercase).peekable();
    while let Some(c) = chars.next() {
        if cognate {
            let next = chars.peek().copied();
            let latin = match (c, next) {
                // theatre/театр, method/метод
                ('t', Some('h')) => Some("t"),
                // technology/технология, character/характер, mechanism/механизм
                ('c', Some('h')) => Some("h"),
                _ => None,
            };
            if let Some(s) = latin {
                chars.next();
                raw.push_str(s);
                prev_d = false;
                continue;
            }
            // a soft c is mostly ц: process/процесс, social/социальный, civilization/цивилизация
            if c == 'c' && matches!(next, Some('e' | 'i' | 'y')) {
                raw.push_str("ts");
                prev_d = false;
                continue;
            }
        }
        if let Some(s) = cyrillic(c) {
            // дж is one sound (Джамбейты = Dzhambeity = j).
            if c == 'ж' && prev_d {
                raw.pop();
            }
            prev_d = c == 'д';
            raw.push_str(s);
            continue;
        }
        prev_d = false;
        if let Some(s) = latin_special(c) {
            raw.push_str(s);
        } else if c.is_ascii_alphabetic() {
            raw.push(c);
        } else if c.is_alphabetic() {
            // ä ö ü ū ğ ñ é …: keep the base letter.
            raw.extend(std::iter::once(c).nfd().filter(|d| d.is_ascii_alphabetic()));
        }
    }
    let b = raw.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        let (s, n): (&str, usize) = if rest.starts_with(b"dzh") {
            ("j", 3)
        } else if rest.starts_with(b"zh") || rest.starts_with(b"dj") {
            ("j", 2)
        } else if rest.starts_with(b"kh") {
            ("h", 2)
        } else if rest.starts_with(b"gh") {
            ("g", 2)
        } else if rest.starts_with(b"ch") {
            ("ch", 2)
        } else if rest.starts_with(b"ck") {
            ("k", 2)
        } else if rest.starts_with(b"ph") {
            ("f", 2)
        } else if rest.starts_with(b"ye") {
            ("e", 2)
        } else if rest.starts_with(b"yo") {
            ("o", 2)
        } else {
            let s = match b[i] {
                b'q' | b'c' => "k",
                b'w' => "u",
                b'x' => "ks",
                b'y' => "i",
                _ => {
                    out.push(b[i] as char);
                    i += 1;
                    continue;
                }
            };
            (s, 1)
        };
        out.push_str(s);
        i += n;
    }
}

fn strip_endings(key: &mut String) {
    for _ in 0..MAX_ENDINGS {
        let Some(e) = endings()
            .iter()
            .find(|e| key.ends_with(**e) && key.len() - e.len() >= MIN_STEM)
        else {
            break;
        };
        key.truncate(key.len() - e.len());
    }
}

fn collapse_doubles(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for c in key.chars() {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

fn word_key(word: &str) -> String {
    let mut k = String::with_capacity(word.len() + 4);
    fold(word, &mut k, false);
    strip_endings(&mut k);
    collapse_doubles(&k)
}

/// The key of one word for cognates (loanwords shared by the languages), as `name_key` of one
/// word with three more correspondences that the Latin and Cyrillic spellings of loanwords
/// follow: Latin th is т (theory/теория), Latin ch is х (technology/технология; the ch of
/// champion/чемпион is rarer in loanwords), and a soft c (before e, i, y) is ц, as in
/// process/процесс, social/социальный, medicine/медицина (not к, as a c elsewhere). Names keep
/// their key: there the romanizations disagree (Чехов = Chekhov).
pub fn cognate_key(word: &str) -> String {
    let mut k = String::with_capacity(word.len() + 4);
    fold(word, &mut k, true);
    strip_endings(&mut k);
    collapse_doubles(&k)
}

fn name_words(name: &str) -> impl Iterator<Item = &str> {
    name.split(|c: char| c.is_whitespace() || c == '/' || c == ',')
        .filter(|w| w.chars().any(char::is_alphabetic))
}

/// Script-independent key for a name: lower-case ASCII letters; for several words, the words' keys
/// joined by a space. Hyphens and apostrophes inside a word are dropped (Alash-Orda = Alashorda).
pub fn name_key(word: &str) -> String {
    let mut out = String::new();
    for w in name_words(word) {
        let k = word_key(w);
        if k.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&k);
    }
    out
}

fn key_similarity(a: &str, b: &str) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    strsim::normalized_levenshtein(a, b)
}

/// Similarity of two names in [0, 1]: normalized Levenshtein of their keys. Names of several words
/// are compared both as one run of letters (`Alash Orda` = `Алашорда`) and word by word (each word
/// of the shorter name against its best partner, averaged over the longer name's word count).
/// Two spellings of one name score ≥ `NAME_MATCH_THRESHOLD`.
pub fn name_similarity(a: &str, b: &str) -> f64 {
    NameKeys::new(a).similarity(&NameKeys::new(b))
}

/// The keys `name_similarity` compares, computed once for a name that is compared with many.
#[derive(Debug, Clone)]
pub struct NameKeys {
    /// Key of each word (empty keys left out).
    words: Vec<String>,
    /// Key of the words run together.
    joined: String,
}

impl NameKeys {
    pub fn new(name: &str) -> NameKeys {
        NameKeys {
            words: name_words(name)
                .map(word_key)
                .filter(|k| !k.is_empty())
                .collect(),
            joined: word_key(&name_words(name).collect::<String>()),
        }
    }

    /// `name_similarity` of the two names.
    pub fn similarity(&self, other: &NameKeys) -> f64 {
        let (ka, kb) = (&self.words, &other.words);
        if ka.is_empty() || kb.is_empty() {
            return 0.0;
        }
        let whole = key_similarity(&self.joined, &other.joined);
        if ka.len() == 1 && kb.len() == 1 {
            return whole;
        }
        let (short, long) = if ka.len() <= kb.len() {
            (ka, kb)
        } else {
            (kb, ka)
        };
        let sum: f64 = short
            .iter()
            .map(|x| {
                long.iter()
                    .map(|y| key_similarity(x, y))
                    .fold(0.0, f64::max)
            })
            .sum();
        whole.max(sum / long.len() as f64)
    }
}

/// Two names whose `name_similarity` reaches this are taken as spellings of one name (measured on
/// `names-variants.tsv`: see tests/normalize_names.rs and the README).
pub const NAME_MATCH_THRESHOLD: f64 = 0.8;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_meet_across_scripts() {
        for w in [
            "Бөкейханов",
            "Bokeikhanov",
            "Bökeikhan",
            "Бөкейхановтың",
            "Букейханова",
        ] {
            let k = name_key(w);
            assert!(k == "bokeihan" || k == "bukeihan", "{w} → {k}");
        }
        assert_eq!(name_key("Семейдегі"), name_key("Semey"));
        assert_eq!(name_key("Сталинмен"), name_key("Stalin"));
        assert_eq!(name_key("Алашорданың"), name_key("Alashorda"));
        assert_eq!(name_key("Байтұрсынұлы"), name_key("Baitursynov"));
        assert_eq!(name_key("Dossmukhamedov"), name_key("Досмұхамедовтерден"));
        assert_eq!(name_key("Alash-Orda"), name_key("Алашорда"));
    }

    #[test]
    fn cognate_keys_meet_where_loanwords_differ() {
        let p5 = |w: &str| cognate_key(w).chars().take(5).collect::<String>();
        for (ru, en) in [
            ("технология", "technology"),
            ("характер", "character"),
            ("теория", "theory"),
            ("метод", "method"),
            ("процесс", "process"),
            ("социальный", "social"),
            ("медицина", "medicine"),
            ("цивилизация", "civilization"),
            ("мутаций", "mutations"),
        ] {
            assert_eq!(p5(ru), p5(en), "{ru} / {en}");
        }
        // the name key keeps them apart, and keeps its own spellings
        assert_ne!(name_key("технология"), name_key("technology"));
        assert_eq!(name_key("Chekhov"), name_key("Чехов"));
        // a hard c is k; ч stays ch
        assert_eq!(p5("компания"), p5("company"));
        assert_ne!(cognate_key("чай"), cognate_key("хай"));
    }

    #[test]
    fn similarity() {
        assert!(name_similarity("Бөкейханов", "Bukeikhanov") >= NAME_MATCH_THRESHOLD);
        assert!(name_similarity("Alash Orda", "Алашорда") >= NAME_MATCH_THRESHOLD);
        assert!(name_similarity("Семей", "Семипалатинск") < NAME_MATCH_THRESHOLD);
        assert!(name_similarity("Абай", "Ақбаев") < NAME_MATCH_THRESHOLD);
        assert_eq!(name_similarity("", "Абай"), 0.0);
    }
}
