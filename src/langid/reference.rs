//! The identifier as it was before it was rewritten for speed (one allocation per word, a
//! scan of every suffix), kept to check that the fast one gives the very same answers.

use super::LangGuess;
use crate::model::Lang;
use std::collections::HashSet;
use std::sync::OnceLock;

const UND: LangGuess = LangGuess {
    lang: Lang::Und,
    confidence: 0.0,
};

struct Lexicons {
    kk: HashSet<&'static str>,
    ru: HashSet<&'static str>,
    en: HashSet<&'static str>,
    other_latin: HashSet<&'static str>,
    kk_suffixes: Vec<&'static str>,
    ru_suffixes: Vec<&'static str>,
}

fn words_of(data: &'static str) -> HashSet<&'static str> {
    data.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// Suffixes sorted longest first, so the first match is the longest.
fn suffixes_of(data: &'static str) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = words_of(data).into_iter().collect();
    v.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
    v
}

fn lexicons() -> &'static Lexicons {
    static L: OnceLock<Lexicons> = OnceLock::new();
    L.get_or_init(|| Lexicons {
        kk: words_of(include_str!("../../data/langid/kk.txt")),
        ru: words_of(include_str!("../../data/langid/ru.txt")),
        en: words_of(include_str!("../../data/langid/en.txt")),
        other_latin: words_of(include_str!("../../data/langid/other-latin.txt")),
        kk_suffixes: suffixes_of(include_str!("../../data/langid/kk-suffixes.txt")),
        ru_suffixes: suffixes_of(include_str!("../../data/langid/ru-suffixes.txt")),
    })
}

fn is_kazakh_letter(c: char) -> bool {
    matches!(
        c,
        'ә' | 'ғ'
            | 'қ'
            | 'ң'
            | 'ө'
            | 'ұ'
            | 'ү'
            | 'һ'
            | 'і'
            | 'Ә'
            | 'Ғ'
            | 'Қ'
            | 'Ң'
            | 'Ө'
            | 'Ұ'
            | 'Ү'
            | 'Һ'
            | 'І'
    )
}

/// Cyrillic letters of other languages (Ukrainian, Belarusian, Serbian, Macedonian…).
fn is_other_cyrillic(c: char) -> bool {
    matches!(
        c,
        'ї' | 'є' | 'ґ' | 'ў' | 'ј' | 'љ' | 'њ' | 'ћ' | 'ђ' | 'џ' | 'ѓ' | 'ќ' | 'ѕ'
    )
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}' | '\u{0500}'..='\u{052F}')
}

/// Latin letters that English does not use but other Latin-script languages do.
fn is_other_latin_letter(c: char) -> bool {
    "áéíóúñ¿¡àèùâêîôûçëïüœäößăşţğıøåæąęłńśźżčšžřůőű".contains(c.to_lowercase().next().unwrap_or(c))
}

/// The longest suffix in `list` that leaves at least two letters of `word`.
fn has_suffix(word: &str, list: &[&str]) -> bool {
    let n = word.chars().count();
    list.iter()
        .any(|s| n >= s.chars().count() + 2 && word.ends_with(s))
}

/// Identifies the language of a text span.
pub fn identify(text: &str) -> LangGuess {
    let lex = lexicons();
    let (mut cyr, mut lat, mut other_cyr, mut foreign) = (0usize, 0usize, 0usize, 0usize);
    for c in text.chars() {
        if is_cyrillic(c) {
            cyr += 1;
            other_cyr += is_other_cyrillic(c) as usize;
        } else if c.is_alphabetic() {
            lat += 1;
            // Greek, Arabic, CJK…: none of ours.
            foreign += !(c.is_ascii_alphabetic() || is_other_latin_letter(c)) as usize;
        }
    }
    if cyr + lat < 2 {
        return UND;
    }
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let n_words = words.len().max(1);
    if cyr >= lat {
        if other_cyr * 2 > words.len().max(2) / 4 + 1 {
            return LangGuess {
                lang: Lang::Other,
                confidence: 0.7,
            };
        }
        let (mut kk, mut ru) = (0.0f32, 0.0f32);
        for w in words.iter().filter(|w| w.chars().any(is_cyrillic)) {
            if w.chars().any(is_kazakh_letter) {
                kk += 1.5;
                continue;
            }
            if lex.kk.contains(w.as_str()) {
                kk += 1.0;
            } else if lex.ru.contains(w.as_str()) {
                ru += 1.0;
            } else {
                let k = has_suffix(w, &lex.kk_suffixes);
                let r = has_suffix(w, &lex.ru_suffixes);
                if k && !r {
                    kk += 0.5;
                } else if r && !k {
                    ru += 0.5;
                }
            }
        }
        decide_ref(Lang::Kk, kk, Lang::Ru, ru, n_words)
    } else {
        let (mut en, mut oth) = (0.0f32, foreign as f32);
        for w in text
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
        {
            let lw = w.to_lowercase();
            en += lex.en.contains(lw.as_str()) as u8 as f32;
            oth += lex.other_latin.contains(lw.as_str()) as u8 as f32;
            if w.chars().any(is_other_latin_letter) {
                // A name such as "Orbán" or "Jarosław" in English text weighs little.
                let capitalized = w.chars().next().is_some_and(char::is_uppercase);
                oth += if capitalized { 0.25 } else { 1.0 };
            }
        }
        if oth > en + 0.5 {
            return decide_ref(Lang::Other, oth, Lang::En, en, n_words);
        }
        // English by default: the one Latin-script working language.
        let g = decide_ref(Lang::En, en + 0.5, Lang::Other, oth, n_words);
        LangGuess {
            lang: Lang::En,
            confidence: g.confidence,
        }
    }
}

/// Picks the better of two scores; `und` when there is no evidence either way.
fn decide_ref(a: Lang, sa: f32, b: Lang, sb: f32, words: usize) -> LangGuess {
    if sa == 0.0 && sb == 0.0 {
        return UND;
    }
    let (lang, best, second) = if sa >= sb { (a, sa, sb) } else { (b, sb, sa) };
    if best == second {
        return UND;
    }
    let margin = (best - second) / (best + second + 0.5);
    let size = (words as f32 / 6.0).min(1.0);
    LangGuess {
        lang,
        confidence: (0.5 + 0.5 * margin * (0.4 + 0.6 * size)).clamp(0.0, 1.0),
    }
}
