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

    pub fn scan(b: &[u8]) -> Features {
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
