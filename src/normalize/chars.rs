//! Character classes the rules need: scripts, invisible characters, spaces, Kazakh letters.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Script {
    Cyrillic,
    Latin,
    Greek,
    Other,
}

/// Script of a letter, by Unicode block (enough for kk/ru/en text and the look-alikes they meet).
pub(crate) fn script(c: char) -> Script {
    match c as u32 {
        0x41..=0x5A | 0x61..=0x7A => Script::Latin,
        0x00..=0x7F => Script::Other,
        0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
        0xAA
        | 0xBA
        | 0xC0..=0xD6
        | 0xD8..=0xF6
        | 0xF8..=0x2AF
        | 0x1D00..=0x1DBF
        | 0x1E00..=0x1EFF
        | 0x2C60..=0x2C7F
        | 0xA720..=0xA7FF
        | 0xAB30..=0xAB6F
        | 0xFF21..=0xFF3A
        | 0xFF41..=0xFF5A => Script::Latin,
        0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Greek,
        _ => Script::Other,
    }
}

/// A letter (Unicode Alphabetic), with fast answers for the blocks kk/ru/en text lives in.
#[inline]
pub(crate) fn is_letter(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphabetic(),
        0x80..=0xBF => matches!(c, '\u{AA}' | '\u{B5}' | '\u{BA}'),
        0xC0..=0x24F => c != '\u{D7}' && c != '\u{F7}',
        0x400..=0x481 | 0x48A..=0x52F => true,
        0x482..=0x489 | 0x2000..=0x206F => false,
        _ => c.is_alphabetic(),
    }
}

/// Part of a word: a letter or a combining mark attached to one.
#[inline]
pub(crate) fn is_word_char(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphabetic(),
        0x80..=0xBF => matches!(c, '\u{AA}' | '\u{B5}' | '\u{BA}'),
        0xC0..=0x24F => c != '\u{D7}' && c != '\u{F7}',
        0x400..=0x481 | 0x483..=0x52F => true,
        0x482 | 0x2000..=0x206F => false,
        _ => c.is_alphabetic() || unicode_normalization::char::is_combining_mark(c),
    }
}

/// The nine letters Kazakh has and Russian has not.
pub(crate) fn is_kazakh_only(c: char) -> bool {
    matches!(
        c,
        'Ә' | 'ә'
            | 'Ғ'
            | 'ғ'
            | 'Қ'
            | 'қ'
            | 'Ң'
            | 'ң'
            | 'Ө'
            | 'ө'
            | 'Ұ'
            | 'ұ'
            | 'Ү'
            | 'ү'
            | 'Һ'
            | 'һ'
            | 'І'
            | 'і'
    )
}

/// Characters that carry no text (kazakh-normalization.md 4.2): deleted in both profiles.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Characters XML 1.0 forbids, plus C1 controls (which only ever come from mojibake).
pub fn is_forbidden_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{7F}'..='\u{9F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// Spaces that carry typography (no-break, thin, figure, ideographic …): the export profile keeps
/// them as written, the align profile turns them into U+0020.
pub(crate) fn is_typographic_space(c: char) -> bool {
    matches!(
        c,
        '\u{00A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// Any character that separates words as a space does (tabs and line breaks included).
#[inline]
pub(crate) fn is_space_like(c: char) -> bool {
    if c.is_ascii() {
        matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{B}' | '\u{C}')
    } else {
        c.is_whitespace() || is_typographic_space(c)
    }
}
