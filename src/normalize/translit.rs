//! Cyrillic → Latin transliteration from the tables in `data/translit/` (copied from the public
//! standards described in `data/translit/README.md`), with the context rules the tables name.

use std::collections::HashMap;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

/// A transliteration scheme (`tilmash translit --scheme …`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Scheme {
    /// Kazakh Latin alphabet of 28 January 2021 (Ä Ğ Ñ Ö Ş Ū Ü İ ı).
    #[value(name = "kk-latin-2021")]
    KkLatin2021,
    /// Kazakh Latin, decree of 19 February 2018 (acute accents).
    #[value(name = "kk-latin-2018")]
    KkLatin2018,
    /// Kazakh Latin, decree of 26 October 2017 (apostrophes).
    #[value(name = "kk-latin-2017")]
    KkLatin2017,
    /// BGN/PCGN 1979 romanization of Kazakh.
    #[value(name = "kk-bgn")]
    KkBgn,
    /// ICS-630-01 (2015) Kazakh personal names, ASCII only.
    #[value(name = "kk-ics630")]
    KkIcs630,
    /// ISO 9:1995 = GOST 7.79-2000 system A (covers the Kazakh letters too).
    #[value(name = "ru-iso9")]
    RuIso9,
    /// BGN/PCGN 1947 romanization of Russian.
    #[value(name = "ru-bgn")]
    RuBgn,
    /// ALA-LC (Library of Congress), strict form with tie bars.
    #[value(name = "ru-alalc")]
    RuAlalc,
}

impl Scheme {
    pub const ALL: [Scheme; 8] = [
        Scheme::KkLatin2021,
        Scheme::KkLatin2018,
        Scheme::KkLatin2017,
        Scheme::KkBgn,
        Scheme::KkIcs630,
        Scheme::RuIso9,
        Scheme::RuBgn,
        Scheme::RuAlalc,
    ];

    fn source(self) -> &'static str {
        match self {
            Scheme::KkLatin2021 => include_str!("../../data/translit/kk-cyrl-latn-2021.tsv"),
            Scheme::KkLatin2018 => include_str!("../../data/translit/kk-cyrl-latn-2018.tsv"),
            Scheme::KkLatin2017 => include_str!("../../data/translit/kk-cyrl-latn-2017.tsv"),
            Scheme::KkBgn => include_str!("../../data/translit/kk-cyrl-latn-bgnpcgn-1979.tsv"),
            Scheme::KkIcs630 => include_str!("../../data/translit/kk-cyrl-latn-ics630-2015.tsv"),
            Scheme::RuIso9 => include_str!("../../data/translit/ru-cyrl-latn-iso9-1995.tsv"),
            Scheme::RuBgn => include_str!("../../data/translit/ru-cyrl-latn-bgnpcgn-1947.tsv"),
            Scheme::RuAlalc => include_str!("../../data/translit/ru-cyrl-latn-alalc.tsv"),
        }
    }

    fn index(self) -> usize {
        Scheme::ALL.iter().position(|&s| s == self).unwrap_or(0)
    }

    fn table(self) -> &'static HashMap<char, &'static str> {
        static TABLES: OnceLock<Vec<HashMap<char, &'static str>>> = OnceLock::new();
        &TABLES.get_or_init(|| {
            Scheme::ALL
                .iter()
                .map(|s| {
                    super::tables::tsv_rows(s.source())
                        .filter_map(|r| {
                            let mut cs = r.first()?.chars();
                            let c = cs.next()?;
                            if cs.next().is_some() {
                                return None;
                            }
                            Some((c, r.get(1).copied().unwrap_or("")))
                        })
                        .collect()
                })
                .collect()
        })[self.index()]
    }
}

/// The scheme's rendering of one Cyrillic letter, without context (capitals in title case).
pub(crate) fn letter(scheme: Scheme, c: char) -> Option<&'static str> {
    scheme.table().get(&c).copied()
}

fn is_vowel_or_sign(c: char) -> bool {
    "аеёиоуыэюяйъьАЕЁИОУЫЭЮЯЙЪЬ".contains(c)
}

/// Transliterates Cyrillic letters of `text` with `scheme`; everything else passes through.
/// Case is decided on the Cyrillic side: a capital renders in title case (`Ш` → `Sh`) or in
/// capitals inside an all-caps word (`ШЫҒЫС` → `SHYGHYS`).
pub fn transliterate(text: &str, scheme: Scheme) -> String {
    let table = scheme.table();
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for (i, &c) in chars.iter().enumerate() {
        let Some(&value) = table.get(&c) else {
            out.push(c);
            continue;
        };
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let lower = |c: char| c.to_lowercase().next().unwrap_or(c);
        // ICS-630-01: a doubled letter whose romanization is a digraph is written once (шш → sh).
        if scheme == Scheme::KkIcs630
            && value.chars().count() > 1
            && prev.is_some_and(|p| lower(p) == lower(c))
        {
            continue;
        }
        let mut v = std::borrow::Cow::Borrowed(value);
        // BGN/PCGN Russian: е, ё → ye, yë at the start of a word and after a vowel, й, ъ or ь.
        if scheme == Scheme::RuBgn
            && matches!(c, 'е' | 'Е' | 'ё' | 'Ё')
            && prev.is_none_or(|p| !p.is_alphabetic() || is_vowel_or_sign(p))
        {
            let base = letter(scheme, lower(c)).unwrap_or("e");
            v = if c.is_uppercase() {
                format!("Y{base}").into()
            } else {
                format!("y{base}").into()
            };
        }
        if c.is_uppercase() && v.chars().count() > 1 {
            let next_upper = next.is_some_and(|n| n.is_uppercase());
            let next_lower = next.is_some_and(|n| n.is_lowercase());
            let prev_upper = prev.is_some_and(|p| p.is_uppercase());
            if next_upper || (prev_upper && !next_lower) {
                v = v.to_uppercase().into();
            }
        }
        out.push_str(&v);
    }
    out.nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_loads() {
        for s in Scheme::ALL {
            assert!(s.table().len() >= 66, "{s:?}: {}", s.table().len());
        }
    }

    #[test]
    fn kazakh_2021_sample() {
        // The 2021-style sample quoted in kazakh-normalization.md 6.1.
        assert_eq!(
            transliterate("бір данышпан кісі", Scheme::KkLatin2021),
            "bır danyşpan kısı"
        );
        assert_eq!(transliterate("үйіне", Scheme::KkLatin2021), "üiıne");
        assert_eq!(
            transliterate("Бұрыңғы шаһарының", Scheme::KkLatin2021),
            "Būryñğy şaharynyñ"
        );
    }

    #[test]
    fn case_and_context() {
        assert_eq!(transliterate("ШЫҒЫС", Scheme::KkIcs630), "SHYGHYS");
        assert_eq!(transliterate("Шоқай", Scheme::KkIcs630), "Shoqay");
        assert_eq!(transliterate("Елизово", Scheme::RuBgn), "Yelizovo");
        assert_eq!(transliterate("Йошкар-Ола", Scheme::RuBgn), "Yoshkar-Ola");
        assert_eq!(transliterate("Өскенбай", Scheme::KkBgn), "Öskenbay");
        assert_eq!(transliterate("Щучинск", Scheme::RuIso9), "Ŝučinsk");
        assert_eq!(transliterate("Алаш 1917", Scheme::RuAlalc), "Alash 1917");
    }
}
