//! Language identification: ru / kk / en / other / und, with a confidence.
//!
//! Basic version: script counts, Kazakh-only letters, and function-word hits per language.
//! Function words live in `data/langid/*.txt` so they can be read and extended.

use crate::model::Lang;
use std::collections::HashSet;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LangGuess {
    pub lang: Lang,
    pub confidence: f32,
}

struct Lexicons {
    kk: HashSet<&'static str>,
    ru: HashSet<&'static str>,
    en: HashSet<&'static str>,
    other_latin: HashSet<&'static str>,
}

fn words_of(data: &'static str) -> HashSet<&'static str> {
    data.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

fn lexicons() -> &'static Lexicons {
    static L: OnceLock<Lexicons> = OnceLock::new();
    L.get_or_init(|| Lexicons {
        kk: words_of(include_str!("../../data/langid/kk.txt")),
        ru: words_of(include_str!("../../data/langid/ru.txt")),
        en: words_of(include_str!("../../data/langid/en.txt")),
        other_latin: words_of(include_str!("../../data/langid/other-latin.txt")),
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

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}' | '\u{0500}'..='\u{052F}')
}

/// Identifies the language of a text span.
pub fn identify(text: &str) -> LangGuess {
    let lex = lexicons();
    let (mut cyr, mut lat, mut kk_letters) = (0usize, 0usize, 0usize);
    for c in text.chars() {
        if is_cyrillic(c) {
            cyr += 1;
            if is_kazakh_letter(c) {
                kk_letters += 1;
            }
        } else if c.is_alphabetic() {
            lat += 1;
        }
    }
    let letters = cyr + lat;
    if letters < 3 {
        return LangGuess {
            lang: Lang::Und,
            confidence: 0.0,
        };
    }
    let (mut kk, mut ru, mut en, mut oth, mut words) = (0usize, 0usize, 0usize, 0usize, 0usize);
    for w in text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        words += 1;
        let lw = w.to_lowercase();
        let lw = lw.as_str();
        kk += lex.kk.contains(lw) as usize;
        ru += lex.ru.contains(lw) as usize;
        en += lex.en.contains(lw) as usize;
        oth += lex.other_latin.contains(lw) as usize;
    }
    if cyr >= lat {
        let kk_ratio = kk_letters as f32 / cyr.max(1) as f32;
        // Kazakh letters are ~8% of Kazakh text; a Russian text quoting a Kazakh word has far fewer.
        let kk_score = kk_ratio * 12.0 + kk as f32 * 0.5;
        let ru_score = ru as f32 * 0.5 + if kk_letters == 0 { 0.6 } else { 0.0 };
        let (lang, a, b) = if kk_score > ru_score {
            (Lang::Kk, kk_score, ru_score)
        } else {
            (Lang::Ru, ru_score, kk_score)
        };
        let conf = confidence(a, b, words);
        LangGuess {
            lang: if words < 2 && conf < 0.6 {
                Lang::Und
            } else {
                lang
            },
            confidence: conf,
        }
    } else {
        let en_score = en as f32;
        let oth_score = oth as f32 + non_english_letters(text) as f32 * 0.5;
        if en_score == 0.0 && oth_score == 0.0 {
            return LangGuess {
                lang: if words >= 4 { Lang::Other } else { Lang::Und },
                confidence: 0.3,
            };
        }
        let (lang, a, b) = if en_score > oth_score {
            (Lang::En, en_score, oth_score)
        } else {
            (Lang::Other, oth_score, en_score)
        };
        LangGuess {
            lang,
            confidence: confidence(a, b, words),
        }
    }
}

fn non_english_letters(text: &str) -> usize {
    text.chars()
        .filter(|c| "áéíóúñ¿¡àèùâêîôûçëïüœäößăşţğı".contains(*c))
        .count()
}

fn confidence(best: f32, second: f32, words: usize) -> f32 {
    let margin = (best - second) / (best + second + 1.0);
    let size = (words as f32 / 8.0).min(1.0);
    (0.5 + 0.5 * margin * size).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn too_short_is_und() {
        assert_eq!(identify("12.").lang, Lang::Und);
    }
}
