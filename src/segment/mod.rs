//! Sentence segmentation, per language. The engine is language-neutral; what differs between
//! languages (abbreviations and how they behave) lives in `data/segment/<lang>.tsv`.

mod rules;

pub use rules::{AbbrevClass, Rules};

use crate::model::Lang;
use std::ops::Range;

const CLOSERS: &[char] = &['»', '"', '”', '’', '\'', ')', ']', '}', '›'];
const OPENERS: &[char] = &[
    '«', '"', '“', '„', '‘', '(', '[', '‹', '—', '–', '-', '¿', '¡',
];

/// Splits `text` into sentence byte ranges (trimmed, never empty).
pub fn split(text: &str, lang: Lang) -> Vec<Range<usize>> {
    let rules = Rules::for_lang(lang);
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if !matches!(c, '.' | '!' | '?' | '…') {
            i += 1;
            continue;
        }
        // Extend over the terminator cluster and closing quotes/brackets.
        let mut j = i + 1;
        while j < chars.len() && matches!(chars[j].1, '.' | '!' | '?' | '…') {
            j += 1;
        }
        while j < chars.len() && CLOSERS.contains(&chars[j].1) {
            j += 1;
        }
        let end = chars.get(j).map_or(text.len(), |&(p, _)| p);
        // A boundary needs whitespace after it, then a plausible sentence start.
        let mut k = j;
        while k < chars.len() && chars[k].1.is_whitespace() {
            k += 1;
        }
        if k == j || k >= chars.len() {
            i = j.max(i + 1);
            continue;
        }
        let next = chars[k].1;
        let single_dot = c == '.' && j - i == 1
            || c == '.' && j > i + 1 && CLOSERS.contains(&chars[j - 1].1) && chars[i + 1].1 != '.';
        let is_break = if single_dot && pos >= start {
            let word = word_before(text, start, pos);
            dot_breaks(rules, word, next, text, chars[k].0)
        } else {
            next.is_uppercase() || next.is_ascii_digit() || OPENERS.contains(&next)
        };
        if is_break {
            push_trimmed(text, start, end, &mut out);
            start = chars[k].0;
        }
        i = j.max(i + 1);
    }
    push_trimmed(text, start, text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Range<usize>>) {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() {
        out.push(start + lead..end - trail);
    }
}

/// The token before a full stop at `dot` (back to whitespace, without opening punctuation).
fn word_before(text: &str, start: usize, dot: usize) -> &str {
    let head = &text[start..dot];
    let from = head
        .rfind(|c: char| c.is_whitespace() || OPENERS.contains(&c))
        .map_or(0, |p| {
            p + head[p..].chars().next().map_or(1, char::len_utf8)
        });
    &head[from..]
}

fn dot_breaks(rules: &Rules, word: &str, next: char, text: &str, next_pos: usize) -> bool {
    let starts_sentence = next.is_uppercase() || next.is_ascii_digit() || OPENERS.contains(&next);
    if !starts_sentence {
        return false;
    }
    // Initials: "В.И. Ленин", "M. Tynyshpaev", "А.Бөкейханов".
    let last_seg = word.rsplit('.').next().unwrap_or(word);
    let mut lc = last_seg.chars();
    if let (Some(ch), None) = (lc.next(), lc.next()) {
        if ch.is_uppercase() {
            return false;
        }
    }
    match rules.class_of(word) {
        Some(AbbrevClass::NonFinal) => false,
        Some(AbbrevClass::BeforeNumber) => !next.is_ascii_digit(),
        Some(AbbrevClass::MaybeFinal) => {
            next.is_uppercase() && !text[next_pos..].starts_with(|c: char| c.is_ascii_digit())
        }
        None => true,
    }
}

/// Convenience: the sentences of `text` as string slices.
pub fn split_str(text: &str, lang: Lang) -> Vec<&str> {
    split(text, lang).into_iter().map(|r| &text[r]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_are_not_ends() {
        let s = split_str(
            "Оларға В.И. Ленин жауап берді. И.В. Сталин келді.",
            Lang::Kk,
        );
        assert_eq!(
            s,
            vec!["Оларға В.И. Ленин жауап берді.", "И.В. Сталин келді."]
        );
        let s = split_str(
            "Led by M. Tynyshpaev and A. Bokeikhanov. Then more.",
            Lang::En,
        );
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn abbreviations_per_language() {
        assert_eq!(
            split_str("1918 ж. наурызында барды. Келді.", Lang::Kk).len(),
            2
        );
        assert_eq!(split_str("В 1917–1920 гг. было. Потом.", Lang::Ru).len(), 2);
        assert_eq!(
            split_str("See No. 15 (29.09.1917) and pp. 55–81. Next.", Lang::En).len(),
            2
        );
        assert_eq!(
            split_str("кітаптар, газеттер т.б. Келесі сөйлем.", Lang::Kk).len(),
            2
        );
    }

    #[test]
    fn quotes_close_sentences() {
        let s = split_str("Он сказал: «Все части восстали». Власть перешла.", Lang::Ru);
        assert_eq!(
            s,
            vec!["Он сказал: «Все части восстали».", "Власть перешла."]
        );
    }
}
