//! Language identification: ru / kk / en / other / und, with a confidence.
//!
//! Evidence, all of it in readable lists under `data/langid/`:
//! - script: Cyrillic against Latin letters;
//! - Kazakh-only letters (ә ғ қ ң ө ұ ү һ і): a word with one is Kazakh (a Russian text quoting
//!   a Kazakh name has one such word among many Russian ones);
//! - function words per language (`kk.txt`, `ru.txt`, `en.txt`, `other-latin.txt`);
//! - word endings (`kk-suffixes.txt`, `ru-suffixes.txt`): Kazakh agglutinative suffixes against
//!   Russian inflections, for lines without a Kazakh-only letter ("Дарашыл Макрон");
//! - letters of other alphabets (Ukrainian ї є ґ, Spanish ñ, German ß, …) for `other`.
//!
//! Latin-script text is English unless it shows evidence of another language: English is the
//! one Latin-script working language, and a short English headline has no function word.

use crate::fxhash::{FxHashMap, FxHashSet};
use crate::model::Lang;
use std::ops::Range;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LangGuess {
    pub lang: Lang,
    pub confidence: f32,
}

impl LangGuess {
    const UND: LangGuess = LangGuess {
        lang: Lang::Und,
        confidence: 0.0,
    };
}

/// Characters below this have their classes and lower-case form in a table: Latin, Greek and
/// Cyrillic, where nearly all kk/ru/en text lives.
const TABLE_CHARS: usize = 0x530;
/// In `CharClass::lower`: no one-character lower case, or one that depends on context (final
/// sigma): the word is lower-cased by `str::to_lowercase`.
const NO_FAST_LOWER: u32 = u32::MAX;

const ALPHA: u8 = 1;
const CYRILLIC: u8 = 2;
const OTHER_CYRILLIC: u8 = 4;
const ASCII_ALPHA: u8 = 8;
const OTHER_LATIN: u8 = 16;
/// The lower case is Cyrillic / a Kazakh letter.
const LOWER_CYRILLIC: u8 = 32;
const LOWER_KAZAKH: u8 = 64;

/// What the identifier asks of one character, in one look-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CharClass {
    flags: u8,
    lower: u32,
}

impl CharClass {
    fn of(c: char) -> CharClass {
        let mut l = c.to_lowercase();
        let lower = match (l.next(), l.next()) {
            // Σ lower-cases to ς at the end of a word.
            (Some(x), None) if c != 'Σ' => x,
            _ => '\u{0}',
        };
        let flag = |b: bool, f: u8| if b { f } else { 0 };
        CharClass {
            flags: flag(c.is_alphabetic(), ALPHA)
                | flag(is_cyrillic(c), CYRILLIC)
                | flag(is_other_cyrillic(c), OTHER_CYRILLIC)
                | flag(c.is_ascii_alphabetic(), ASCII_ALPHA)
                | flag(is_other_latin_letter(c), OTHER_LATIN)
                | flag(lower != '\0' && is_cyrillic(lower), LOWER_CYRILLIC)
                | flag(lower != '\0' && is_kazakh_letter(lower), LOWER_KAZAKH),
            lower: if lower == '\0' {
                NO_FAST_LOWER
            } else {
                lower as u32
            },
        }
    }

    fn has(self, f: u8) -> bool {
        self.flags & f != 0
    }
}

/// Whether a suffix is a Kazakh and/or a Russian ending.
#[derive(Debug, Clone, Copy, Default)]
struct SuffixOf {
    kk: bool,
    ru: bool,
}

struct Lexicons {
    kk: FxHashSet<&'static str>,
    ru: FxHashSet<&'static str>,
    en: FxHashSet<&'static str>,
    other_latin: FxHashSet<&'static str>,
    /// Every ending of both suffix lists, with the lists it is on.
    suffixes: FxHashMap<&'static str, SuffixOf>,
    /// The lengths in characters that occur in `suffixes`, shortest first.
    suffix_lengths: Vec<usize>,
    /// `CharClass::of` the characters below `TABLE_CHARS`.
    classes: Vec<CharClass>,
}

fn words_of(data: &'static str) -> FxHashSet<&'static str> {
    data.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

fn lexicons() -> &'static Lexicons {
    static L: OnceLock<Lexicons> = OnceLock::new();
    L.get_or_init(|| {
        let mut suffixes: FxHashMap<&'static str, SuffixOf> = FxHashMap::default();
        for s in words_of(include_str!("../../data/langid/kk-suffixes.txt")) {
            suffixes.entry(s).or_default().kk = true;
        }
        for s in words_of(include_str!("../../data/langid/ru-suffixes.txt")) {
            suffixes.entry(s).or_default().ru = true;
        }
        let mut suffix_lengths: Vec<usize> = suffixes.keys().map(|s| s.chars().count()).collect();
        suffix_lengths.sort_unstable();
        suffix_lengths.dedup();
        let en = words_of(include_str!("../../data/langid/en.txt"));
        let other_latin = words_of(include_str!("../../data/langid/other-latin.txt"));
        // `identify` looks up only words without Cyrillic letters in these lists.
        let latin = |w: &&str| !w.chars().flat_map(char::to_lowercase).any(is_cyrillic);
        let (en, other_latin) = (
            en.into_iter().filter(latin).collect(),
            other_latin.into_iter().filter(latin).collect(),
        );
        Lexicons {
            kk: words_of(include_str!("../../data/langid/kk.txt")),
            ru: words_of(include_str!("../../data/langid/ru.txt")),
            en,
            other_latin,
            suffixes,
            suffix_lengths,
            classes: (0..TABLE_CHARS as u32)
                .map(|u| CharClass::of(char::from_u32(u).unwrap_or('\0')))
                .collect(),
        }
    })
}

impl Lexicons {
    #[inline]
    fn class(&self, c: char) -> CharClass {
        match self.classes.get(c as usize) {
            Some(&k) => k,
            None => CharClass::of(c),
        }
    }

    /// Whether `word` (lower case, `n` characters) ends in a Kazakh or Russian suffix that
    /// leaves at least two letters: (Kazakh, Russian).
    fn suffixes_of(&self, word: &str, n: usize) -> (bool, bool) {
        let (mut kk, mut ru) = (false, false);
        for &len in &self.suffix_lengths {
            if n < len + 2 {
                break;
            }
            // The start of the last `len` characters.
            let Some((at, _)) = word.char_indices().rev().nth(len - 1) else {
                break;
            };
            if let Some(s) = self.suffixes.get(&word[at..]) {
                kk |= s.kk;
                ru |= s.ru;
            }
        }
        (kk, ru)
    }

    /// Calls `f` for each maximal run of letters of `text` (what
    /// `split(|c| !c.is_alphabetic())` leaves) with the word in lower case (`str::to_lowercase`)
    /// and what its letters are, built as the text is read.
    fn each_word(
        &self,
        text: &str,
        lw: &mut String,
        mut f: impl FnMut(&str, &str, WordFacts),
    ) -> Letters {
        let mut n = Letters::default();
        let mut start: Option<usize> = None;
        let mut facts = WordFacts::default();
        let mut slow = false;
        let mut finish = |word: &str, lw: &mut String, facts: WordFacts, slow: bool| {
            if slow {
                *lw = word.to_lowercase();
                let facts = WordFacts {
                    chars: lw.chars().count(),
                    cyrillic: lw.chars().any(is_cyrillic),
                    kazakh: lw.chars().any(is_kazakh_letter),
                    ..facts
                };
                f(word, lw, facts);
            } else {
                f(word, lw, facts);
            }
        };
        for (i, c) in text.char_indices() {
            let k = self.class(c);
            n.add(k);
            if k.has(ALPHA) {
                if start.is_none() {
                    n.words += 1;
                    start = Some(i);
                    facts = WordFacts::default();
                    slow = false;
                    lw.clear();
                }
                facts.chars += 1;
                facts.cyrillic |= k.has(LOWER_CYRILLIC);
                facts.kazakh |= k.has(LOWER_KAZAKH);
                facts.other_latin |= k.has(OTHER_LATIN);
                match char::from_u32(k.lower) {
                    Some(l) if !slow => lw.push(l),
                    _ => slow = true,
                }
            } else if let Some(s) = start.take() {
                finish(&text[s..i], lw, facts, slow);
            }
        }
        if let Some(s) = start {
            finish(&text[s..], lw, facts, slow);
        }
        n
    }
}

/// Letters counted over a text.
#[derive(Debug, Clone, Copy, Default)]
struct Letters {
    cyr: usize,
    lat: usize,
    other_cyr: usize,
    /// Letters of no working language's script (Greek, Arabic, CJK…).
    foreign: usize,
    /// Runs of letters.
    words: usize,
}

impl Letters {
    #[inline]
    fn add(&mut self, k: CharClass) {
        if k.has(CYRILLIC) {
            self.cyr += 1;
            self.other_cyr += k.has(OTHER_CYRILLIC) as usize;
        } else if k.has(ALPHA) {
            self.lat += 1;
            self.foreign += !k.has(ASCII_ALPHA | OTHER_LATIN) as usize;
        }
    }
}

/// What the identifier needs to know of one word.
#[derive(Debug, Clone, Copy, Default)]
struct WordFacts {
    /// Characters of the word in lower case.
    chars: usize,
    /// Its lower case has a Cyrillic letter / a Kazakh-only letter.
    cyrillic: bool,
    kazakh: bool,
    /// It has a letter of another Latin-script language (as written).
    other_latin: bool,
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

/// Latin letters that English does not use but other Latin-script languages do (compared in
/// lower case: á … ű).
fn is_other_latin_letter(c: char) -> bool {
    if c.is_ascii() {
        return false;
    }
    matches!(
        c.to_lowercase().next().unwrap_or(c),
        'á' | 'é'
            | 'í'
            | 'ó'
            | 'ú'
            | 'ñ'
            | '¿'
            | '¡'
            | 'à'
            | 'è'
            | 'ù'
            | 'â'
            | 'ê'
            | 'î'
            | 'ô'
            | 'û'
            | 'ç'
            | 'ë'
            | 'ï'
            | 'ü'
            | 'œ'
            | 'ä'
            | 'ö'
            | 'ß'
            | 'ă'
            | 'ş'
            | 'ţ'
            | 'ğ'
            | 'ı'
            | 'ø'
            | 'å'
            | 'æ'
            | 'ą'
            | 'ę'
            | 'ł'
            | 'ń'
            | 'ś'
            | 'ź'
            | 'ż'
            | 'č'
            | 'š'
            | 'ž'
            | 'ř'
            | 'ů'
            | 'ő'
            | 'ű'
    )
}

/// Texts shorter than this (in bytes) are identified in one pass (`identify`): the scores of
/// both script branches are kept as the words go by. Their sums of quarter points stay below
/// 2^22, where `f32` adds them exactly, so adding the foreign-letter count at the end gives the
/// bits the two-pass order gives. Longer texts take the two passes.
const ONE_PASS_MAX: usize = 1 << 20;

/// Identifies the language of a text span.
pub fn identify(text: &str) -> LangGuess {
    if text.len() >= ONE_PASS_MAX {
        return identify_two_pass(text);
    }
    let lex = lexicons();
    let mut lw = String::with_capacity(32);
    let (mut kk, mut ru) = (0.0f32, 0.0f32);
    let (mut en, mut oth_words) = (0.0f32, 0.0f32);
    let n = lex.each_word(text, &mut lw, |w, lw, facts| {
        if facts.cyrillic {
            if facts.kazakh {
                kk += 1.5;
            } else if lex.kk.contains(lw) {
                kk += 1.0;
            } else if lex.ru.contains(lw) {
                ru += 1.0;
            } else {
                let (k, r) = lex.suffixes_of(lw, facts.chars);
                if k && !r {
                    kk += 0.5;
                } else if r && !k {
                    ru += 0.5;
                }
            }
        }
        // The Latin-script lists hold no Cyrillic word (checked when they are read).
        if !facts.cyrillic {
            en += lex.en.contains(lw) as u8 as f32;
            oth_words += lex.other_latin.contains(lw) as u8 as f32;
        }
        if facts.other_latin {
            // A name such as "Orbán" or "Jarosław" in English text weighs little.
            let capitalized = w.chars().next().is_some_and(char::is_uppercase);
            oth_words += if capitalized { 0.25 } else { 1.0 };
        }
    });
    if n.cyr + n.lat < 2 {
        return LangGuess::UND;
    }
    let n_words = n.words.max(1);
    if n.cyr >= n.lat {
        if n.other_cyr * 2 > n.words.max(2) / 4 + 1 {
            return LangGuess {
                lang: Lang::Other,
                confidence: 0.7,
            };
        }
        decide(Lang::Kk, kk, Lang::Ru, ru, n_words)
    } else {
        latin_decision(en, n.foreign as f32 + oth_words, n_words)
    }
}

/// English unless another Latin-script language has clearly more evidence.
fn latin_decision(en: f32, oth: f32, n_words: usize) -> LangGuess {
    if oth > en + 0.5 {
        return decide(Lang::Other, oth, Lang::En, en, n_words);
    }
    // English by default: the one Latin-script working language.
    let g = decide(Lang::En, en + 0.5, Lang::Other, oth, n_words);
    LangGuess {
        lang: Lang::En,
        confidence: g.confidence,
    }
}

/// `identify` for long texts: letters are counted first, then the words are looked at in the
/// branch the script decides, each score summed in text order.
fn identify_two_pass(text: &str) -> LangGuess {
    let lex = lexicons();
    let (mut cyr, mut lat, mut other_cyr, mut foreign) = (0usize, 0usize, 0usize, 0usize);
    let mut words = 0usize;
    let mut in_word = false;
    for c in text.chars() {
        let k = lex.class(c);
        let alpha = k.has(ALPHA);
        if k.has(CYRILLIC) {
            cyr += 1;
            other_cyr += k.has(OTHER_CYRILLIC) as usize;
        } else if alpha {
            lat += 1;
            // Greek, Arabic, CJK…: none of ours.
            foreign += !k.has(ASCII_ALPHA | OTHER_LATIN) as usize;
        }
        words += (alpha && !in_word) as usize;
        in_word = alpha;
    }
    if cyr + lat < 2 {
        return LangGuess::UND;
    }
    let n_words = words.max(1);
    let mut lw = String::with_capacity(32);
    if cyr >= lat {
        if other_cyr * 2 > words.max(2) / 4 + 1 {
            return LangGuess {
                lang: Lang::Other,
                confidence: 0.7,
            };
        }
        let (mut kk, mut ru) = (0.0f32, 0.0f32);
        lex.each_word(text, &mut lw, |_, lw, facts| {
            if !facts.cyrillic {
                return;
            }
            if facts.kazakh {
                kk += 1.5;
                return;
            }
            if lex.kk.contains(lw) {
                kk += 1.0;
            } else if lex.ru.contains(lw) {
                ru += 1.0;
            } else {
                let (k, r) = lex.suffixes_of(lw, facts.chars);
                if k && !r {
                    kk += 0.5;
                } else if r && !k {
                    ru += 0.5;
                }
            }
        });
        decide(Lang::Kk, kk, Lang::Ru, ru, n_words)
    } else {
        let (mut en, mut oth) = (0.0f32, foreign as f32);
        lex.each_word(text, &mut lw, |w, lw, facts| {
            en += lex.en.contains(lw) as u8 as f32;
            oth += lex.other_latin.contains(lw) as u8 as f32;
            if facts.other_latin {
                // A name such as "Orbán" or "Jarosław" in English text weighs little.
                let capitalized = w.chars().next().is_some_and(char::is_uppercase);
                oth += if capitalized { 0.25 } else { 1.0 };
            }
        });
        latin_decision(en, oth, n_words)
    }
}

/// Picks the better of two scores; `und` when there is no evidence either way.
fn decide(a: Lang, sa: f32, b: Lang, sb: f32, words: usize) -> LangGuess {
    if sa == 0.0 && sb == 0.0 {
        return LangGuess::UND;
    }
    let (lang, best, second) = if sa >= sb { (a, sa, sb) } else { (b, sb, sa) };
    if best == second {
        return LangGuess::UND;
    }
    let margin = (best - second) / (best + second + 0.5);
    let size = (words as f32 / 6.0).min(1.0);
    LangGuess {
        lang,
        confidence: (0.5 + 0.5 * margin * (0.4 + 0.6 * size)).clamp(0.0, 1.0),
    }
}

/// Splits a paragraph into runs of sentences in one language: each sentence is identified on its
/// own (segmented with the neutral rules), and a sentence too short to say joins its neighbours.
/// Returns byte ranges of `text` with the language of each run.
pub fn identify_runs(text: &str) -> Vec<(Range<usize>, LangGuess)> {
    let mut runs: Vec<(Range<usize>, LangGuess)> = Vec::new();
    for span in crate::segment::split(text, Lang::Other) {
        let g = identify(&text[span.clone()]);
        match runs.last_mut() {
            Some((r, last)) if g.lang == Lang::Und || g.lang == last.lang => {
                r.end = span.end;
                if g.lang == last.lang {
                    last.confidence = last.confidence.max(g.confidence);
                }
            }
            Some((r, last)) if last.lang == Lang::Und => {
                r.end = span.end;
                *last = g;
            }
            _ => runs.push((span, g)),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines of the bundled corpus and strings that stress the fast paths: mixed scripts, final
    /// sigma, İ (two characters in lower case), letters beyond the tables, Ukrainian letters.
    fn samples() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/alash");
        let mut out: Vec<String> = Vec::new();
        for e in std::fs::read_dir(dir).expect("corpus").flatten() {
            let text = std::fs::read_to_string(e.path()).expect("corpus file");
            out.extend(text.lines().map(str::to_string));
        }
        for s in [
            "ΣΟΦΙΑΣ Σοφίας ΑΣ aΣ Σ",
            "İstanbul İZMİR Diyarbakır",
            "Қазақстан Республикасы and Kazakhstan",
            "Україна сьогодні її підтримує",
            "中文 текст Ճ Ꙁ ᲀ",
            "Әрине. Ѐ ѐ Ӏ ӏ ҂ ҈ Ԯ ԯ",
            "ДАРАШЫЛ МАКРОННЫҢ Дарашылдардан",
            "naïve Orbán Jarosław façade",
        ] {
            out.push(s.to_string());
        }
        out
    }

    #[test]
    fn one_pass_and_two_passes_agree_on_long_texts() {
        let all = samples().join(" ");
        assert!(all.len() < ONE_PASS_MAX);
        assert_eq!(identify_two_pass(&all), identify(&all));
        for s in samples() {
            assert_eq!(identify_two_pass(&s), identify(&s), "{s}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn one_pass_and_two_passes_agree_on_random_text(
            s in "[a-zA-Zа-яА-ЯёЁәғқңөұүһіӘҒҚҢӨҰҮҺІїєґўΣσςΑİıéñüß中 .,!?0-9«»-]{0,60}"
        ) {
            proptest::prop_assert_eq!(identify_two_pass(&s), identify(&s));
        }
    }

    #[test]
    fn words_and_their_lower_case_agree_with_std() {
        let lex = lexicons();
        let mut buf = String::new();
        for u in 0..0x3000u32 {
            let Some(c) = char::from_u32(u) else { continue };
            for text in [
                c.to_string(),
                format!("a{c}"),
                format!("{c}a b"),
                format!("Σ{c} İ{c}"),
            ] {
                let want: Vec<(String, String)> = text
                    .split(|c: char| !c.is_alphabetic())
                    .filter(|w| !w.is_empty())
                    .map(|w| (w.to_string(), w.to_lowercase()))
                    .collect();
                let mut got = Vec::new();
                lex.each_word(&text, &mut buf, |w, lw, facts| {
                    assert_eq!(facts.chars, lw.chars().count(), "{text:?}");
                    assert_eq!(facts.cyrillic, lw.chars().any(is_cyrillic), "{text:?}");
                    assert_eq!(facts.kazakh, lw.chars().any(is_kazakh_letter), "{text:?}");
                    assert_eq!(
                        facts.other_latin,
                        w.chars().any(is_other_latin_letter),
                        "{text:?}"
                    );
                    got.push((w.to_string(), lw.to_string()));
                });
                assert_eq!(got, want, "{text:?}");
            }
            assert_eq!(lex.class(c), CharClass::of(c));
            assert_eq!(lex.class(c).has(ALPHA), c.is_alphabetic(), "{c:?}");
        }
    }

    #[test]
    fn separates_the_three_languages_and_spanish() {
        assert_eq!(identify("Бұл мақалада ХХ ғасырдың басында Шығыс Қазақстанда қалыптасқан Алаш қозғалысы қарастырылады.").lang, Lang::Kk);
        assert_eq!(identify("В статье проводится комплексный анализ роли Алашского движения в Восточном Казахстане.").lang, Lang::Ru);
        assert_eq!(identify("This article provides a comprehensive analysis of the Alash Movement in Eastern Kazakhstan.").lang, Lang::En);
        assert_eq!(identify("La pertinencia del estudio está condicionada por la necesidad de ampliar la cantidad de información disponible.").lang, Lang::Other);
    }

    #[test]
    fn russian_quoting_a_kazakh_word_stays_russian() {
        let g = identify("Отдельно анализируются попытки установить связи с администрацией Китая в Шәуешекке и укрепить связи.");
        assert_eq!(g.lang, Lang::Ru);
    }

    #[test]
    fn short_lines() {
        assert_eq!(identify("12.").lang, Lang::Und);
        assert_eq!(identify("Әрине.").lang, Lang::Kk);
        assert_eq!(identify("Дарашыл Макрон").lang, Lang::Kk);
        assert_eq!(identify("Russia’s Cold War Habit").lang, Lang::En);
        assert_eq!(identify("Why?").lang, Lang::En);
        assert_eq!(identify("Его поддержали").lang, Lang::Ru);
    }

    #[test]
    fn other_alphabets_are_other() {
        assert_eq!(identify("Україна сьогодні її підтримує").lang, Lang::Other);
        assert_eq!(
            identify("Die Straße ist für alle Menschen offen").lang,
            Lang::Other
        );
        assert_eq!(identify("Ελληνικά κείμενα εδώ").lang, Lang::Other);
    }

    #[test]
    fn mixed_paragraph_is_split_into_runs() {
        let text = "Бұл мақалада Алаш қозғалысы қарастырылады. В статье анализируется роль движения. This article analyses the movement.";
        let runs = identify_runs(text);
        let langs: Vec<Lang> = runs.iter().map(|(_, g)| g.lang).collect();
        assert_eq!(langs, vec![Lang::Kk, Lang::Ru, Lang::En]);
        assert!(text[runs[1].0.clone()].starts_with("В статье"));
    }
}
