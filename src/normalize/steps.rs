//! Character-level steps of kazakh-normalization.md section 5: NFC (2, 13), invisible characters (3),
//! spaces (4, 5), hyphens, quotes and the ellipsis (6–8), stress marks (9).

use super::chars::{
    is_forbidden_control, is_invisible, is_space_like, is_typographic_space, script, Script,
};
use super::rewrite::Rewriter;
use super::tables::tables;
use super::Profile;
use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Latin-1, Latin Extended, IPA, Cyrillic letters and common punctuation are NFC whatever
/// surrounds them (no combining marks, no singletons): a byte scan answers for most lines.
fn surely_nfc(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        if x < 0x80 {
            i += 1;
            continue;
        }
        let y = b.get(i + 1).copied().unwrap_or(0);
        match x {
            0xC2..=0xCB | 0xD0 | 0xD1 | 0xD3 | 0xD4 => i += 2,
            0xD2 if !(0x83..=0x89).contains(&y) => i += 2,
            0xE2 => {
                let z = b.get(i + 2).copied().unwrap_or(0);
                if (y == 0x80 && z >= 0x90) || (y == 0x81 && z <= 0x9E) {
                    i += 3;
                } else {
                    return false;
                }
            }
            _ => return false,
        }
    }
    true
}

/// Steps 2 and 13: Unicode NFC (never NFKC: it would rewrite №, ¹, ² and the PT154 µ).
pub(crate) fn nfc(line: &str, rw: &mut Rewriter) {
    let surely_nfc = surely_nfc(line.as_bytes());
    if surely_nfc || is_nfc_quick(line.chars()) == IsNormalized::Yes {
        return;
    }
    // Normalize each starter with its following marks on its own, so that a change is reported
    // where it happens; fall back to the whole line when that differs from NFC of the line.
    let whole: String = line.nfc().collect();
    if whole == line {
        return;
    }
    let mut pieces: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut assembled = String::with_capacity(line.len());
    let mut start = 0;
    let flush = |a: usize, b: usize, pieces: &mut Vec<_>, assembled: &mut String| {
        let chunk = &line[a..b];
        let n: String = chunk.nfc().collect();
        assembled.push_str(&n);
        if n != chunk {
            pieces.push((a..b, n));
        }
    };
    for (i, c) in line.char_indices() {
        if i > start && canonical_combining_class(c) == 0 {
            flush(start, i, &mut pieces, &mut assembled);
            start = i;
        }
    }
    flush(start, line.len(), &mut pieces, &mut assembled);
    if assembled == whole {
        for (r, n) in pieces {
            rw.replace(r, &n, "nfc");
        }
    } else {
        rw.replace(0..line.len(), &whole, "nfc");
    }
}

/// Steps 3 and 6–9 in one scan: delete invisible characters and controls; fold hyphens (both
/// profiles), quotes and the ellipsis (align); delete stress marks after Cyrillic letters (align).
pub(crate) fn characters(line: &str, profile: Profile, rw: &mut Rewriter) {
    let align = profile == Profile::Align;
    if line.is_ascii()
        && !line
            .bytes()
            .any(|b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0B | 0x0C) || b == 0x7F)
    {
        return;
    }
    let t = tables();
    let mut last_base = Script::Other;
    for (i, c) in line.char_indices() {
        let end = i + c.len_utf8();
        if c.is_ascii() && c >= ' ' && c != '\u{7F}' {
            last_base = script(c);
            continue;
        }
        if matches!(c, 'А'..='я' | 'Ё' | 'ё' | 'Ә'..='ә' | 'Ғ'..='ү' | 'І' | 'і') {
            last_base = Script::Cyrillic;
            continue;
        }
        if is_invisible(c) {
            rw.replace(i..end, "", "invisible");
            continue;
        }
        if is_forbidden_control(c) && !is_space_like(c) {
            rw.replace(i..end, "", "control");
            continue;
        }
        let cyrillic_letter = ('\u{400}'..='\u{52F}').contains(&c);
        if let Some(&(to, rule, in_export)) = if cyrillic_letter {
            None
        } else {
            t.typography.get(&c)
        } {
            if align || in_export {
                rw.replace(i..end, to, rule);
                last_base = Script::Other;
                continue;
            }
        }
        if align {
            match c {
                '\u{0301}' | '\u{0300}' if last_base == Script::Cyrillic => {
                    rw.replace(i..end, "", "stress_mark");
                    continue;
                }
                // Precomposed Cyrillic letters with a grave are stress-marked е and и.
                'ѐ' | 'ѝ' | 'Ѐ' | 'Ѝ' => {
                    let base = match c {
                        'ѐ' => "е",
                        'ѝ' => "и",
                        'Ѐ' => "Е",
                        _ => "И",
                    };
                    rw.replace(i..end, base, "stress_mark");
                    last_base = Script::Cyrillic;
                    continue;
                }
                _ => {}
            }
        }
        if !unicode_normalization::char::is_combining_mark(c) {
            last_base = script(c);
        }
    }
}

/// Steps 4 and 5: spaces. A run of space-like characters becomes one space; leading and trailing
/// runs go. The align profile writes U+0020; the export profile keeps a typographic space (NBSP,
/// thin space …) when the run has one, so "1917 ж." keeps its no-break space.
pub(crate) fn spaces(line: &str, profile: Profile, rw: &mut Rewriter) {
    let mut run_start: Option<usize> = None;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_space_like(c) {
            if run_start.is_none() {
                run_start = Some(i);
            }
            let at_end = chars.peek().is_none_or(|&(_, n)| !is_space_like(n));
            if !at_end {
                continue;
            }
            let start = run_start.take().unwrap_or(i);
            let end = i + c.len_utf8();
            let run = &line[start..end];
            if start == 0 || end == line.len() {
                rw.replace(start..end, "", "space_trim");
                continue;
            }
            let keep = if profile == Profile::Export {
                run.chars().find(|&c| is_typographic_space(c))
            } else {
                None
            };
            let mut buf = [0u8; 4];
            let want: &str = match keep {
                Some(k) => k.encode_utf8(&mut buf),
                None => " ",
            };
            if run != want {
                let rule = if run.chars().all(|c| c == ' ') {
                    "space_collapse"
                } else {
                    "space"
                };
                rw.replace(start..end, want, rule);
            }
        }
    }
}
