//! Word-level steps of kazakh-normalization.md section 5: KZ-1048 repair (10), other-Cyrillic
//! look-alikes (11), Cyrillic Roman numerals (12a) and the mixed-script rule (12b, section 3).
//!
//! A word is a maximal run of letters with their combining marks; digits, hyphens, apostrophes and
//! punctuation end it. Rules 10 and 11 touch only Cyrillic-majority words, so a Latin word with a
//! stray Cyrillic letter is never "Kazakhified" and the Kazakh word in a Russian sentence keeps its
//! letters (it has nothing to repair). Rule 12b touches only words that mix scripts.

use super::chars::{is_kazakh_only, is_letter, is_word_char, script, Script};
use super::rewrite::Rewriter;
use super::tables::{tables, Tables};
use super::translit::{self, Scheme};
use super::Profile;
use std::ops::Range;

/// Top-level domains that a mixed-script word after a "." is read as (`pweination. соm`).
const DOMAIN_SUFFIXES: [&str; 10] = [
    "com", "org", "net", "edu", "gov", "info", "kz", "ru", "uk", "io",
];

/// Iterates the words of a line as byte ranges.
pub(crate) struct Words<'a> {
    line: &'a str,
    pos: usize,
}

impl<'a> Words<'a> {
    pub fn new(line: &'a str) -> Self {
        Words { line, pos: 0 }
    }
}

impl Iterator for Words<'_> {
    type Item = Range<usize>;
    fn next(&mut self) -> Option<Range<usize>> {
        let rest = &self.line[self.pos..];
        let (off, _) = rest.char_indices().find(|&(_, c)| is_word_char(c))?;
        let start = self.pos + off;
        let end = self.line[start..]
            .char_indices()
            .find(|&(_, c)| !is_word_char(c))
            .map_or(self.line.len(), |(i, _)| start + i);
        self.pos = end;
        Some(start..end)
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct WordStats {
    cyr: u32,
    lat: u32,
    grk: u32,
    /// Has a letter that only KZ-1048 damage produces (Ј Ѕ Ґ Ї).
    kz_trigger: bool,
    /// Has any of the 16 KZ-1048 characters.
    kz_char: bool,
    /// Has another alphabet's stand-in for a Kazakh letter (fita excluded).
    other_cyr: bool,
    fita: bool,
    kazakh_letter: bool,
    roman: bool,
}

impl WordStats {
    fn cyrillic_majority(&self) -> bool {
        self.cyr > self.lat + self.grk
    }
    fn mixed(&self) -> bool {
        self.cyr > 0 && self.lat + self.grk > 0
    }
}

/// Letters of the Russian alphabet and Kazakh letters: never in the look-alike tables.
fn is_plain_cyrillic(c: char) -> bool {
    matches!(c, 'А'..='я' | 'Ё' | 'ё') || is_kazakh_only(c)
}

fn stats(word: &str, t: &Tables) -> WordStats {
    let mut s = WordStats::default();
    for c in word.chars() {
        if !is_letter(c) {
            continue;
        }
        match script(c) {
            Script::Cyrillic => {
                s.cyr += 1;
                if is_kazakh_only(c) {
                    s.kazakh_letter = true;
                } else if !is_plain_cyrillic(c) {
                    if let Some(&(_, trigger)) = t.kz1048.get(&c) {
                        s.kz_char = true;
                        s.kz_trigger |= trigger;
                    }
                    if let Some(&(_, fita)) = t.other_cyrillic.get(&c) {
                        if fita {
                            s.fita = true;
                        } else {
                            s.other_cyr = true;
                        }
                    }
                }
            }
            Script::Latin => s.lat += 1,
            Script::Greek => s.grk += 1,
            Script::Other => {}
        }
    }
    s.roman = s.cyr > 0 && is_roman_numeral(word);
    s
}

/// Step 12a: two or more characters from Cyrillic Х І and Latin I V X that read as I–XXXIX.
fn is_roman_numeral(word: &str) -> bool {
    let mut n = 0;
    let mut latin = [0u8; 8];
    for c in word.chars() {
        let l = match c {
            'Х' | 'X' => b'X',
            'І' | 'I' => b'I',
            'V' => b'V',
            _ => return false,
        };
        if n == latin.len() {
            return false;
        }
        latin[n] = l;
        n += 1;
    }
    if n < 2 {
        return false;
    }
    let s = &latin[..n];
    let tens = s.iter().take_while(|&&b| b == b'X').count().min(3);
    matches!(
        &s[tens..],
        b"" | b"I" | b"II" | b"III" | b"IV" | b"V" | b"VI" | b"VII" | b"VIII" | b"IX"
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Keep,
    Cyrillic,
    LatinVisual,
    LatinTranslit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pref {
    Cyrillic,
    Latin,
    Tie,
}

fn pref(cyr: i64, lat: i64) -> Pref {
    match cyr.cmp(&lat) {
        std::cmp::Ordering::Greater => Pref::Cyrillic,
        std::cmp::Ordering::Less => Pref::Latin,
        std::cmp::Ordering::Equal => Pref::Tie,
    }
}

/// Line-level facts the word rules depend on.
struct LineFacts {
    kz1048: bool,
    kazakh_line: bool,
    cyr: i64,
    lat: i64,
}

/// Steps 10, 11, 12a, 12b.
pub(crate) fn words(line: &str, profile: Profile, rw: &mut Rewriter) {
    if line.is_ascii() {
        return;
    }
    let t = tables();
    let align = profile == Profile::Align;
    let mut facts = LineFacts {
        kz1048: false,
        kazakh_line: false,
        cyr: 0,
        lat: 0,
    };
    let mut work = false;
    for w in Words::new(line) {
        let s = stats(&line[w], t);
        let maj = s.cyrillic_majority();
        facts.kz1048 |= maj && s.kz_trigger;
        facts.kazakh_line |= s.kazakh_letter || (maj && s.other_cyr);
        if align && s.roman {
            facts.lat += (s.cyr + s.lat) as i64;
        } else {
            facts.cyr += s.cyr as i64;
            facts.lat += s.lat as i64;
        }
        work |= s.mixed() || (align && s.roman) || (maj && (s.kz_char || s.other_cyr || s.fita));
    }
    if !work {
        return;
    }
    if facts.kz1048 {
        facts.kazakh_line = true;
    }
    for w in Words::new(line) {
        let s = stats(&line[w.clone()], t);
        let maj = s.cyrillic_majority();
        if !(s.mixed() || (align && s.roman) || (maj && (s.kz_char || s.other_cyr || s.fita))) {
            continue;
        }
        rewrite_word(line, w, &s, &facts, align, t, rw);
    }
}

/// The Kazakh letter a Cyrillic character stands for under steps 10–11, if any.
fn cyrillic_repair(
    c: char,
    s: &WordStats,
    f: &LineFacts,
    t: &Tables,
) -> Option<(char, &'static str)> {
    if !s.cyrillic_majority() || is_plain_cyrillic(c) {
        return None;
    }
    if f.kz1048 {
        if let Some(&(to, _)) = t.kz1048.get(&c) {
            return Some((to, "kz1048"));
        }
    }
    match t.other_cyrillic.get(&c) {
        Some(&(to, fita)) if !fita || f.kazakh_line => Some((to, "other_cyrillic")),
        _ => None,
    }
}

fn decide(
    line: &str,
    w: &Range<usize>,
    s: &WordStats,
    f: &LineFacts,
    t: &Tables,
) -> (Target, Option<&'static str>) {
    let word = &line[w.clone()];
    let mut can_cyr = true;
    let mut can_lat = s.grk == 0;
    for c in word.chars().filter(|&c| is_letter(c)) {
        match script(c) {
            Script::Latin | Script::Greek => can_cyr &= t.latin_to_cyrillic.contains_key(&c),
            Script::Cyrillic => {
                let m = cyrillic_repair(c, s, f, t).map_or(c, |(m, _)| m);
                can_lat &= t.cyrillic_to_latin.contains_key(&m);
            }
            Script::Other => {}
        }
    }
    // A mixed word right after "." that reads as a domain suffix is Latin (`pweination. соm`).
    let before = &line[..w.start];
    if before.ends_with('.') || before.ends_with(". ") {
        for translit_all in [false, true] {
            let mut r = String::with_capacity(word.len());
            for c in word.chars() {
                if script(c) == Script::Cyrillic {
                    let lower = c.to_lowercase().next().unwrap_or(c);
                    match (translit_all, t.cyrillic_to_latin.get(&lower)) {
                        (false, Some(&v)) => r.push(v),
                        _ => r.push_str(translit::letter(Scheme::KkIcs630, lower).unwrap_or("?")),
                    }
                } else {
                    r.extend(c.to_lowercase());
                }
            }
            if DOMAIN_SUFFIXES.contains(&r.as_str()) {
                let visual = !translit_all && can_lat;
                return (
                    if visual {
                        Target::LatinVisual
                    } else {
                        Target::LatinTranslit
                    },
                    Some("domain_to_latin"),
                );
            }
        }
    }
    let line_pref = pref(f.cyr - s.cyr as i64, f.lat - s.lat as i64);
    let word_pref = pref(s.cyr as i64, (s.lat + s.grk) as i64);
    let target = match (can_cyr, can_lat) {
        (true, false) => Target::Cyrillic,
        (false, true) => Target::LatinVisual,
        (true, true) => match (line_pref, word_pref) {
            (Pref::Cyrillic, _) | (Pref::Tie, Pref::Cyrillic) => Target::Cyrillic,
            (Pref::Latin, _) | (Pref::Tie, Pref::Latin) => Target::LatinVisual,
            (Pref::Tie, Pref::Tie) => Target::Keep,
        },
        (false, false) => match (word_pref, line_pref) {
            (Pref::Latin, _) | (Pref::Tie, Pref::Latin) => Target::LatinTranslit,
            _ => Target::Keep,
        },
    };
    (target, None)
}

fn rewrite_word(
    line: &str,
    w: Range<usize>,
    s: &WordStats,
    f: &LineFacts,
    align: bool,
    t: &Tables,
    rw: &mut Rewriter,
) {
    let word = &line[w.clone()];
    let mut buf = [0u8; 4];
    if align && s.roman {
        for (i, c) in word.char_indices() {
            let to = match c {
                'Х' => "X",
                'І' => "I",
                _ => continue,
            };
            let at = w.start + i;
            rw.replace(at..at + c.len_utf8(), to, "roman_numeral");
        }
        return;
    }
    let (target, rule_override) = if s.mixed() {
        decide(line, &w, s, f, t)
    } else {
        (Target::Keep, None)
    };
    let letters: Vec<(usize, char)> = if target == Target::LatinTranslit {
        word.char_indices().filter(|&(_, c)| is_letter(c)).collect()
    } else {
        Vec::new()
    };
    for (i, c) in word.char_indices() {
        let at = w.start + i;
        let range = at..at + c.len_utf8();
        let sc = if is_letter(c) {
            script(c)
        } else {
            Script::Other
        };
        let repaired = if sc == Script::Cyrillic {
            cyrillic_repair(c, s, f, t)
        } else {
            None
        };
        let m = repaired.map_or(c, |(m, _)| m);
        match (target, sc) {
            (Target::Cyrillic, Script::Latin | Script::Greek) => {
                if let Some(&to) = t.latin_to_cyrillic.get(&c) {
                    rw.replace(
                        range,
                        to.encode_utf8(&mut buf),
                        rule_override.unwrap_or("latin_to_cyrillic"),
                    );
                }
            }
            (Target::LatinVisual, Script::Cyrillic) => {
                if let Some(&to) = t.cyrillic_to_latin.get(&m) {
                    rw.replace(
                        range,
                        to.encode_utf8(&mut buf),
                        rule_override.unwrap_or("cyrillic_to_latin"),
                    );
                }
            }
            (Target::LatinTranslit, Script::Cyrillic) => {
                if let Some(v) = translit::letter(Scheme::KkIcs630, m) {
                    let k = letters.iter().position(|&(j, _)| j == i).unwrap_or(0);
                    let upper = |j: usize| letters.get(j).is_some_and(|&(_, c)| c.is_uppercase());
                    let all_caps = m.is_uppercase()
                        && (upper(k + 1) || (k + 1 == letters.len() && k > 0 && upper(k - 1)));
                    let rule = rule_override.unwrap_or("translit_to_latin");
                    if all_caps {
                        rw.replace(range, &v.to_uppercase(), rule);
                    } else {
                        rw.replace(range, v, rule);
                    }
                }
            }
            _ => {
                if let Some((to, rule)) = repaired {
                    rw.replace(range, to.encode_utf8(&mut buf), rule);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_on_digits_and_punctuation() {
        let line = "H5N1 күдiктi, e-history.kz";
        let w: Vec<&str> = Words::new(line).map(|r| &line[r]).collect();
        assert_eq!(w, ["H", "N", "күдiктi", "e", "history", "kz"]);
    }

    #[test]
    fn roman_numerals() {
        assert!(is_roman_numeral("ХХ"));
        assert!(is_roman_numeral("ХІХ"));
        assert!(is_roman_numeral("XIV"));
        assert!(!is_roman_numeral("Х"));
        assert!(!is_roman_numeral("ІХІ"));
        assert!(!is_roman_numeral("ХХХХ"));
    }
}
