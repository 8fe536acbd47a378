//! One byte scan per round that tells which steps can have anything to do, so that clean text
//! costs a single pass instead of one per step. Every check errs on the side of "maybe".

/// Which steps may change the line.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Features {
    pub mojibake: bool,
    pub nfc: bool,
    pub characters: bool,
    pub spaces: bool,
    pub words: bool,
}

impl Features {
    pub fn all() -> Features {
        Features {
            mojibake: true,
            nfc: true,
            characters: true,
            spaces: true,
            words: true,
        }
    }

    /// The flags in one pass: ASCII and two-byte characters (Latin, Greek, Cyrillic) through a
    /// table built once, the rest by the rules below (and `scan_reference` in the tests, the
    /// same rules byte by byte, checks the table).
    pub fn scan(b: &[u8]) -> Features {
        let table = two_byte_table();
        let mut fl: u8 = if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
            SPACES
        } else {
            0
        };
        let at = |i: usize| b.get(i).copied().unwrap_or(0);
        let numeral = |i: usize| match at(i) {
            b'I' | b'V' | b'X' => true,
            0xD0 => matches!(at(i + 1), 0xA5 | 0x86),
            _ => false,
        };
        let mut prev: u8 = 0;
        let mut i = 0;
        while i < b.len() {
            let x = b[i];
            if x < 0x80 {
                match x {
                    b' ' if prev == b' ' => fl |= SPACES,
                    b'a'..=b'z' | b'A'..=b'Z' if prev >= 0x80 => fl |= WORDS,
                    b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => fl |= SPACES,
                    0..=0x1F | 0x7F => fl |= CHARACTERS,
                    _ => {}
                }
                prev = x;
                i += 1;
                continue;
            }
            if prev.is_ascii_alphabetic() {
                fl |= WORDS;
            }
            if (0xC2..=0xDF).contains(&x) {
                let y = at(i + 1);
                let e = table[(((x & 0x1F) as usize) << 6) | (y & 0x3F) as usize];
                fl |= e & (NFC | CHARACTERS | SPACES | WORDS);
                if e & MOJIBAKE_LEAD != 0 {
                    // Р С Т У before a character that cp1251 mojibake puts after them (see
                    // `mojibake::is_mojibake_tail`).
                    let (z, w) = (at(i + 2), at(i + 3));
                    if z == 0xC2
                        || z == 0xE2
                        || z == 0xD0 && (0x82..=0x8F).contains(&w)
                        || z == 0xD1 && (0x92..=0x9F).contains(&w)
                        || z == 0xD2 && matches!(w, 0x90 | 0x91)
                    {
                        fl |= MOJIBAKE;
                    }
                }
                if e & NUMERAL != 0
                    && (numeral(i + 2)
                        || (i >= 2 && b[i - 2] == 0xD0 && matches!(b[i - 1], 0xA5 | 0x86))
                        || matches!(prev, b'I' | b'V' | b'X'))
                {
                    fl |= WORDS;
                }
                prev = x;
                i += 2;
                continue;
            }
            let y = at(i + 1);
            let z = at(i + 2);
            let len = match x {
                0xE0..=0xEF => 3,
                0xF0..=0xF7 => 4,
                _ => 1,
            };
            match x {
                0xE2 => match y {
                    0x80 => {
                        if matches!(z, 0x8B..=0x91 | 0x98..=0x9F | 0xA6 | 0xAA..=0xAE | 0xB9 | 0xBA)
                        {
                            fl |= CHARACTERS;
                        }
                        if matches!(z, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF) {
                            fl |= SPACES;
                        }
                        if z < 0x90 {
                            fl |= NFC;
                        }
                    }
                    0x81 => {
                        if matches!(z, 0xA0..=0xA9) {
                            fl |= CHARACTERS;
                        }
                        if z == 0x9F {
                            fl |= SPACES;
                        }
                        if z > 0x9E {
                            fl |= NFC;
                        }
                    }
                    0x84 | 0x85 => fl |= NFC | WORDS,
                    _ => fl |= NFC,
                },
                // Other scripts, symbols, invisible characters (E1 180E, EF FEFF), wide
                // spaces (E1 1680, E3 3000), fullwidth letters: let every step look.
                _ => fl |= NFC | CHARACTERS | SPACES | WORDS,
            }
            prev = x;
            i += len;
        }
        Features {
            mojibake: fl & MOJIBAKE != 0,
            nfc: fl & NFC != 0,
            characters: fl & CHARACTERS != 0,
            spaces: fl & SPACES != 0,
            words: fl & WORDS != 0,
        }
    }

    #[cfg(test)]
    pub fn scan_reference(b: &[u8]) -> Features {
        let mut f = Features {
            spaces: b.first() == Some(&b' ') || b.last() == Some(&b' '),
            ..Features::default()
        };
        let at = |i: usize| b.get(i).copied().unwrap_or(0);
        let numeral = |i: usize| match at(i) {
            b'I' | b'V' | b'X' => true,
            0xD0 => matches!(at(i + 1), 0xA5 | 0x86),
            _ => false,
        };
        let mut prev: u8 = 0;
        let mut i = 0;
        while i < b.len() {
            let x = b[i];
            if x < 0x80 {
                match x {
                    b' ' => f.spaces |= prev == b' ',
                    b'a'..=b'z' | b'A'..=b'Z' => f.words |= prev >= 0x80,
                    b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => f.spaces = true,
                    0..=0x1F | 0x7F => f.characters = true,
                    _ => {}
                }
                prev = x;
                i += 1;
                continue;
            }
            f.words |= prev.is_ascii_alphabetic();
            let y = at(i + 1);
            let z = at(i + 2);
            let len = match x {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF7 => 4,
                _ => 1,
            };
            match x {
                0xC2 => {
                    f.characters |= matches!(y, 0x80..=0x9F | 0xAB | 0xAD | 0xBB);
                    f.spaces |= matches!(y, 0x85 | 0xA0);
                }
                0xC3..=0xC9 => f.words = true,
                0xCA => {
                    f.characters = true;
                    f.words = true;
                }
                0xCB => {}
                0xCC..=0xCD => {
                    f.nfc = true;
                    f.characters = true;
                    f.words = true;
                }
                0xCE | 0xCF => {
                    f.nfc = true;
                    f.words = true;
                }
                0xD0 => {
                    if (0xA0..=0xA3).contains(&y) && matches!(z, 0xC2 | 0xD0 | 0xD1 | 0xD2 | 0xE2) {
                        f.mojibake = true;
                    }
                    if matches!(y, 0x80 | 0x8D) {
                        f.characters = true;
                    }
                    if (0x80..=0x8F).contains(&y) && y != 0x81 && y != 0x86 {
                        f.words = true;
                    }
                    if matches!(y, 0xA5 | 0x86)
                        && (numeral(i + 2)
                            || (i >= 2 && b[i - 2] == 0xD0 && matches!(b[i - 1], 0xA5 | 0x86))
                            || matches!(prev, b'I' | b'V' | b'X'))
                    {
                        f.words = true;
                    }
                }
                0xD1 => {
                    if matches!(y, 0x90 | 0x9D) {
                        f.characters = true;
                    }
                    if (0x90..=0xBF).contains(&y) && y != 0x91 && y != 0x96 {
                        f.words = true;
                    }
                }
                0xD2 => {
                    if (0x83..=0x89).contains(&y) {
                        f.nfc = true;
                        f.characters = true;
                    }
                    if !matches!(
                        y,
                        0x92 | 0x93
                            | 0x9A
                            | 0x9B
                            | 0xA2
                            | 0xA3
                            | 0xAE
                            | 0xAF
                            | 0xB0
                            | 0xB1
                            | 0xBA
                            | 0xBB
                    ) {
                        f.words = true;
                    }
                }
                0xD3 => f.words |= !matches!(y, 0x98 | 0x99 | 0xA8 | 0xA9),
                0xD4 => f.words = true,
                0xE2 => match y {
                    0x80 => {
                        f.characters |= matches!(z, 0x8B..=0x91 | 0x98..=0x9F | 0xA6 | 0xAA..=0xAE | 0xB9 | 0xBA);
                        f.spaces |= matches!(z, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF);
                        f.nfc |= z < 0x90;
                    }
                    0x81 => {
                        f.characters |= matches!(z, 0xA0..=0xA9);
                        f.spaces |= z == 0x9F;
                        f.nfc |= z > 0x9E;
                    }
                    0x84 | 0x85 => {
                        f.nfc = true;
                        f.words = true;
                    }
                    _ => f.nfc = true,
                },
                0xD5..=0xDF => f.nfc = true,
                _ => {
                    // Other scripts, symbols, invisible characters (E1 180E, EF FEFF), wide
                    // spaces (E1 1680, E3 3000), fullwidth letters: let every step look.
                    f = Features {
                        mojibake: f.mojibake,
                        nfc: true,
                        characters: true,
                        spaces: true,
                        words: true,
                    };
                }
            }
            prev = x;
            i += len;
        }
        f
    }
}

const MOJIBAKE: u8 = 1;
const NFC: u8 = 2;
const CHARACTERS: u8 = 4;
const SPACES: u8 = 8;
const WORDS: u8 = 16;
/// In the two-byte table: Р С Т У, which start cp1251 mojibake depending on what follows.
const MOJIBAKE_LEAD: u8 = 32;
/// In the two-byte table: Cyrillic Х and І, part of a Roman numeral depending on the neighbours.
const NUMERAL: u8 = 64;

/// The flags of every two-byte UTF-8 character (U+0080–U+07FF) that do not depend on its
/// neighbours, indexed by code point; `MOJIBAKE_LEAD` and `NUMERAL` mark those that do.
fn two_byte_table() -> &'static [u8; 0x800] {
    static T: std::sync::OnceLock<[u8; 0x800]> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        let mut t = [0u8; 0x800];
        for (cp, e) in t.iter_mut().enumerate().skip(0x80) {
            let (x, y) = (0xC0 | (cp >> 6) as u8, 0x80 | (cp & 0x3F) as u8);
            *e = two_byte_flags(x, y);
        }
        t
    })
}

/// The rules for one two-byte character `x y` (lead byte, continuation byte).
fn two_byte_flags(x: u8, y: u8) -> u8 {
    let mut f = 0;
    let mut set = |cond: bool, flag: u8| {
        if cond {
            f |= flag;
        }
    };
    match x {
        0xC2 => {
            set(matches!(y, 0x80..=0x9F | 0xAB | 0xAD | 0xBB), CHARACTERS);
            set(matches!(y, 0x85 | 0xA0), SPACES);
        }
        0xC3..=0xC9 => set(true, WORDS),
        0xCA => set(true, CHARACTERS | WORDS),
        0xCC..=0xCD => set(true, NFC | CHARACTERS | WORDS),
        0xCE | 0xCF => set(true, NFC | WORDS),
        0xD0 => {
            set((0xA0..=0xA3).contains(&y), MOJIBAKE_LEAD);
            set(matches!(y, 0x80 | 0x8D), CHARACTERS);
            set((0x80..=0x8F).contains(&y) && y != 0x81 && y != 0x86, WORDS);
            set(matches!(y, 0xA5 | 0x86), NUMERAL);
        }
        0xD1 => {
            set(matches!(y, 0x90 | 0x9D), CHARACTERS);
            set((0x90..=0xBF).contains(&y) && y != 0x91 && y != 0x96, WORDS);
        }
        0xD2 => {
            set((0x83..=0x89).contains(&y), NFC | CHARACTERS);
            set(
                !matches!(
                    y,
                    0x92 | 0x93
                        | 0x9A
                        | 0x9B
                        | 0xA2
                        | 0xA3
                        | 0xAE
                        | 0xAF
                        | 0xB0
                        | 0xB1
                        | 0xBA
                        | 0xBB
                ),
                WORDS,
            );
        }
        0xD3 => set(!matches!(y, 0x98 | 0x99 | 0xA8 | 0xA9), WORDS),
        0xD4 => set(true, WORDS),
        0xD5..=0xDF => set(true, NFC),
        // 0xCB: modifier letters, nothing to do.
        _ => {}
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table-driven scan raises every flag the byte-by-byte rules raise, and the same ones,
    /// except the mojibake flag, which it raises only where a mojibake pair can start.
    fn check(s: &str) {
        let (new, old) = (
            Features::scan(s.as_bytes()),
            Features::scan_reference(s.as_bytes()),
        );
        let flags = |f: Features| (f.nfc, f.characters, f.spaces, f.words);
        assert_eq!(flags(new), flags(old), "{s:?}");
        assert!(!new.mojibake || old.mojibake, "{s:?}");
        let mut prev = ' ';
        for c in s.chars() {
            if matches!(prev, 'Р' | 'С' | 'Т' | 'У')
                && crate::normalize::mojibake::is_mojibake_tail(c)
            {
                assert!(new.mojibake, "{s:?}");
            }
            prev = c;
        }
    }

    #[test]
    fn agrees_with_the_byte_rules_around_every_character() {
        let contexts = ["", "a", "I", "V", " ", "Р", "Х", "ХІ", "é", "\u{A0}", "«"];
        for u in 0..0x3100u32 {
            let Some(c) = char::from_u32(u) else { continue };
            for before in contexts {
                for after in contexts {
                    check(&format!("{before}{c}{after}"));
                }
            }
        }
        for s in [
            "ТљР°Р·Р°Т›",
            "Р. Т. Иванов",
            "ХХ ғ.",
            "IХ",
            "Рђ",
            "С‚",
            "Т– x",
            "  a",
        ] {
            check(s);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5000))]
        #[test]
        fn agrees_with_the_byte_rules_on_random_text(
            s in "[a-zA-Z IVX\\t\\u{1}РСТУХІхіаяЁёЂђЍѝӘәҚқ\\u{A0}\\u{AB}\\u{AD}\\u{301}\\u{2013}\\u{2019}\\u{2026}\\u{2116}\\u{2160}\\u{FEFF}\\u{1F600}ΘθÀé]{0,40}"
        ) {
            check(&s);
        }
    }
}
