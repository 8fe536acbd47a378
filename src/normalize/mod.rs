//! Normalization: Unicode hygiene now; Kazakh-aware repair and transliteration keys plug in here.
//!
//! Two profiles (see `shared/docs/kazakh-normalization.md`, section 5):
//! - `Export`: what translators receive — repaired letters and hygiene, typography as written;
//! - `Align`: what matching uses — additionally folds typography (quotes, dashes, spaces).
//!
//! `match_key` derives a lower-cased, punctuation-folded key from the align form.

use unicode_normalization::UnicodeNormalization;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    Export,
    Align,
}

/// Characters that carry no text: zero-width spaces and joiners, soft hyphen, BOM, word joiner.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}'
    )
}

/// Characters XML 1.0 forbids, plus C1 controls (which only ever come from mojibake).
pub fn is_forbidden_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{7F}'..='\u{9F}' | '\u{FFFE}' | '\u{FFFF}')
}

fn is_space_like(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
        )
}

/// Normalizes one line of text with the given profile.
pub fn normalize(text: &str, profile: Profile) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfc() {
        if is_invisible(c) || is_forbidden_control(c) && c != '\t' && c != '\n' {
            continue;
        }
        if is_space_like(c) {
            let keep_nbsp = profile == Profile::Export && (c == '\u{A0}' || c == '\u{202F}');
            if keep_nbsp {
                out.push(c);
                pending_space = false;
            } else {
                pending_space = !out.is_empty();
            }
            continue;
        }
        if pending_space {
            if !out.ends_with(['\u{A0}', '\u{202F}']) {
                out.push(' ');
            }
            pending_space = false;
        }
        let c = if profile == Profile::Align {
            fold_typography(c)
        } else {
            c
        };
        out.push(c);
    }
    while out.ends_with(['\u{A0}', '\u{202F}']) {
        out.pop();
    }
    out
}

fn fold_typography(c: char) -> char {
    match c {
        '«' | '»' | '“' | '”' | '„' | '‟' | '″' => '"',
        '‘' | '’' | '‚' | '‛' | '′' | 'ʼ' => '\'',
        '–' | '—' | '―' | '‒' | '−' | '‐' | '‑' => '-',
        '…' => '.',
        _ => c,
    }
}

/// Lower-cased, punctuation-folded key for comparing texts: letters and digits only,
/// single spaces between words.
pub fn match_key(text: &str) -> String {
    let aligned = normalize(text, Profile::Align);
    let mut out = String::with_capacity(aligned.len());
    for w in aligned
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().flat_map(char::to_lowercase));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hygiene() {
        assert_eq!(
            normalize("  a\u{200B}b \u{00AD}c\t\td  ", Profile::Align),
            "ab c d"
        );
        assert_eq!(normalize("1917\u{A0}ж.", Profile::Export), "1917\u{A0}ж.");
        assert_eq!(normalize("1917\u{A0}ж.", Profile::Align), "1917 ж.");
        // NFC: е + combining diaeresis → ё
        assert_eq!(normalize("е\u{0308}ж", Profile::Export), "ёж");
    }

    #[test]
    fn align_folds_typography() {
        assert_eq!(
            normalize("«Алаш» — 1917…", Profile::Align),
            "\"Алаш\" - 1917."
        );
        assert_eq!(match_key("«Алаш» — партиясы!"), "алаш партиясы");
    }
}

/// Script-independent key for a name, so that Cyrillic kk/ru and Latin spellings of the same name
/// land close ("Бөкейханов", "Букейханов", "Bokeikhanov" → similar keys). Compare keys with
/// `name_similarity`. Basic version: lower-case, fold Cyrillic to ASCII Latin, collapse vowels
/// that the scripts disagree on.
pub fn name_key(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars().flat_map(char::to_lowercase) {
        let s: &str = match c {
            'а' | 'ә' | 'ä' | 'á' => "a",
            'б' => "b",
            'в' => "v",
            'г' | 'ғ' => "g",
            'д' => "d",
            'е' | 'ё' | 'э' | 'é' | 'ë' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' | 'і' | 'й' | 'ı' | 'ï' => "i",
            'к' | 'қ' | 'q' => "k",
            'л' => "l",
            'м' => "m",
            'н' | 'ң' | 'ñ' => "n",
            'о' | 'ө' | 'ö' | 'ó' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' | 'ұ' | 'ү' | 'ū' | 'ü' | 'ú' | 'w' => "u",
            'ф' => "f",
            'х' | 'һ' | 'h' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' | 'ş' => "sh",
            'щ' => "shch",
            'ъ' | 'ь' => "",
            'ы' | 'y' => "y",
            'ю' => "iu",
            'я' => "ia",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "",
        };
        out.push_str(s);
    }
    out
}

/// Similarity of two name keys in [0, 1] (normalized Levenshtein).
pub fn name_similarity(a: &str, b: &str) -> f64 {
    strsim::normalized_levenshtein(&name_key(a), &name_key(b))
}
