//! Step 1: UTF-8 text that was decoded as cp1251 ("ТљР°Р·Р°Т›" for "Қазақ"), kazakh-normalization.md 2.5.
//! The line is re-encoded to cp1251 bytes and decoded as UTF-8 when that round trip is strict and the
//! line shows at least two "lead letter + high punctuation" pairs, the fingerprint of this damage.

use super::rewrite::Rewriter;

/// cp1251 bytes 0x80–0xBF (0x98 is undefined, shown as NUL here); 0xC0–0xFF are А–я (U+0410–U+044F).
const CP1251_HIGH: [char; 64] = [
    '\u{0402}', '\u{0403}', '\u{201A}', '\u{0453}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{20AC}', '\u{2030}', '\u{0409}', '\u{2039}', '\u{040A}', '\u{040C}', '\u{040B}', '\u{040F}',
    '\u{0452}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\0', '\u{2122}', '\u{0459}', '\u{203A}', '\u{045A}', '\u{045C}', '\u{045B}', '\u{045F}',
    '\u{00A0}', '\u{040E}', '\u{045E}', '\u{0408}', '\u{00A4}', '\u{0490}', '\u{00A6}', '\u{00A7}',
    '\u{0401}', '\u{00A9}', '\u{0404}', '\u{00AB}', '\u{00AC}', '\u{00AD}', '\u{00AE}', '\u{0407}',
    '\u{00B0}', '\u{00B1}', '\u{0406}', '\u{0456}', '\u{0491}', '\u{00B5}', '\u{00B6}', '\u{00B7}',
    '\u{0451}', '\u{2116}', '\u{0454}', '\u{00BB}', '\u{0458}', '\u{0405}', '\u{0455}', '\u{0457}',
];

fn cp1251_byte(c: char) -> Option<u8> {
    match c as u32 {
        0..=0x7F => Some(c as u8),
        0x410..=0x44F => Some((c as u32 - 0x410 + 0xC0) as u8),
        _ => CP1251_HIGH
            .iter()
            .position(|&h| h == c && h != '\0')
            .map(|i| 0x80 + i as u8),
    }
}

/// What a UTF-8 continuation byte (0x80–0xBF) looks like in cp1251, and a few lead-byte neighbours.
pub(crate) fn is_mojibake_tail(c: char) -> bool {
    matches!(c as u32, 0x80..=0xBF | 0x402..=0x40F | 0x452..=0x45F | 0x490 | 0x491 | 0x2013..=0x2122)
}

fn looks_like_mojibake(line: &str) -> bool {
    let mut pairs = 0;
    let mut prev = ' ';
    for c in line.chars() {
        if matches!(prev, 'Р' | 'С' | 'Т' | 'У') && is_mojibake_tail(c) {
            pairs += 1;
            if pairs >= 2 {
                return true;
            }
        }
        prev = c;
    }
    false
}

pub(crate) fn repair(line: &str, rw: &mut Rewriter) {
    if !looks_like_mojibake(line) {
        return;
    }
    let mut bytes = Vec::with_capacity(line.len());
    for c in line.chars() {
        match cp1251_byte(c) {
            Some(b) => bytes.push(b),
            None => return,
        }
    }
    let Ok(decoded) = std::str::from_utf8(&bytes) else {
        return;
    };
    if decoded == line
        || !decoded
            .chars()
            .any(|c| super::chars::script(c) == super::chars::Script::Cyrillic)
    {
        return;
    }
    // ASCII bytes never sit inside a UTF-8 sequence, so each non-ASCII run decodes on its own:
    // report one change per damaged word rather than one for the whole line.
    let mut in_pos = 0; // offset in `line`
    let mut out_pos = 0; // offset in `decoded`
    let lb = line.as_bytes();
    let db = decoded.as_bytes();
    while in_pos < lb.len() {
        if lb[in_pos].is_ascii() {
            in_pos += 1;
            out_pos += 1;
            continue;
        }
        let mut in_end = in_pos;
        while in_end < lb.len() && !lb[in_end].is_ascii() {
            in_end += 1;
        }
        let mut out_end = out_pos;
        while out_end < db.len() && !db[out_end].is_ascii() {
            out_end += 1;
        }
        if line[in_pos..in_end] != decoded[out_pos..out_end] {
            rw.replace(
                in_pos..in_end,
                &decoded[out_pos..out_end],
                "mojibake_cp1251",
            );
        }
        in_pos = in_end;
        out_pos = out_end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_round_trips() {
        for b in 0x80u8..=0xFF {
            if b == 0x98 {
                continue;
            }
            let c = if b >= 0xC0 {
                char::from_u32(0x410 + (b as u32 - 0xC0)).unwrap()
            } else {
                CP1251_HIGH[(b - 0x80) as usize]
            };
            assert_eq!(cp1251_byte(c), Some(b), "{c}");
        }
    }

    #[test]
    fn repairs_utf8_read_as_cp1251() {
        let mut rw = Rewriter::new("ТљР°Р·Р°Т› РµР»С–", false);
        repair("ТљР°Р·Р°Т› РµР»С–", &mut rw);
        assert_eq!(rw.finish().unwrap().0, "Қазақ елі");
        // Russian text with a legitimate "Р" before punctuation is left alone.
        let mut rw = Rewriter::new("Р. Т. Иванов – автор", false);
        repair("Р. Т. Иванов – автор", &mut rw);
        assert!(rw.finish().is_none());
    }
}
