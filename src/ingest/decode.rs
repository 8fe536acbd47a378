//! Character encodings: which one a file is in (detection, pass 1 over the raw bytes) and how to
//! turn its bytes into text (pass 2, line by line, so memory stays bounded whatever the file size).
//!
//! Decided per file, in this order:
//! 1. `--encoding NAME` / the pipeline's `encoding` key, when given;
//! 2. a byte-order mark: UTF-8, UTF-16LE, UTF-16BE, UTF-32LE, UTF-32BE;
//! 3. refusals: empty, known binary formats (PDF, ZIP/DOCX, …), NUL bytes (unless the NULs follow
//!    the pattern of UTF-16 without a BOM), too many control bytes;
//! 4. valid UTF-8 → `utf-8`;
//! 5. otherwise the lines that are not UTF-8 are given to chardetng and checked for plausible
//!    Cyrillic; windows-1251 with Kazakh letters on the KZ-1048 positions becomes `kz-1048`. When
//!    some lines are valid UTF-8 (with non-ASCII text) and others are not, the file is `mixed`: each
//!    line is decoded on its own (UTF-8 when it is valid UTF-8, the detected code page otherwise).
//! 6. anything else is undecidable: an error naming the file and suggesting `--encoding`.

use crate::error::{Error, Result};
use encoding_rs::Encoding;
use std::io::Read;
use std::path::Path;

/// How the bytes of one file are turned into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    /// UTF-8 with a byte-order mark (the mark is dropped).
    Utf8Bom,
    Utf16Le {
        bom: bool,
    },
    Utf16Be {
        bom: bool,
    },
    /// UTF-32 (rare, but what some Windows and Python tools write), read with or without a BOM.
    Utf32 {
        be: bool,
        bom: bool,
    },
    /// A single-byte code page known to encoding_rs (windows-1251, koi8-r, ibm866, …).
    SingleByte(&'static Encoding),
    /// Kazakh standard ST RK 1048-2002: windows-1251 with 16 positions changed.
    Kz1048,
    /// Lines that are valid UTF-8 are UTF-8, the others are in this single-byte code page.
    Mixed(&'static Encoding),
    /// Mixed UTF-8 and KZ-1048 lines.
    MixedKz1048,
}

/// The 16 positions where KZ-1048 differs from windows-1251: (what windows-1251 decodes the byte
/// to, what KZ-1048 means). See docs/kazakh-normalization.md §2.4.
pub const KZ1048_FROM_CP1251: [(char, char); 16] = [
    ('\u{040C}', 'Қ'),
    ('\u{045C}', 'қ'),
    ('\u{040B}', 'Һ'),
    ('\u{045B}', 'һ'),
    ('\u{040E}', 'Ұ'),
    ('\u{045E}', 'ұ'),
    ('\u{0408}', 'Ә'),
    ('\u{0458}', 'ә'),
    ('\u{0490}', 'Ө'),
    ('\u{0491}', 'ө'),
    ('\u{0404}', 'Ғ'),
    ('\u{0454}', 'ғ'),
    ('\u{0407}', 'Ү'),
    ('\u{0457}', 'ү'),
    ('\u{0405}', 'Ң'),
    ('\u{0455}', 'ң'),
];

/// Decoded-as-windows-1251 characters that Russian and Ukrainian never use but KZ-1048 text is
/// full of (Ә Ң Қ Ұ on 0xA3/0xBC, 0xBD/0xBE, 0x8D/0x9D, 0xA1/0xA2).
const KZ1048_EVIDENCE: [char; 8] = [
    '\u{0408}', '\u{0458}', '\u{0405}', '\u{0455}', '\u{040C}', '\u{045C}', '\u{040E}', '\u{045E}',
];

/// Single-byte Cyrillic code pages tried when chardetng does not settle the question.
fn cyrillic_candidates() -> [&'static Encoding; 6] {
    [
        encoding_rs::WINDOWS_1251,
        encoding_rs::KOI8_R,
        encoding_rs::KOI8_U,
        encoding_rs::IBM866,
        encoding_rs::ISO_8859_5,
        encoding_rs::X_MAC_CYRILLIC,
    ]
}

impl TextEncoding {
    /// The name reported in summary.json and accepted by `--encoding`.
    pub fn name(&self) -> String {
        match self {
            TextEncoding::Utf8 => "utf-8".into(),
            TextEncoding::Utf8Bom => "utf-8-bom".into(),
            TextEncoding::Utf16Le { bom: true } => "utf-16le-bom".into(),
            TextEncoding::Utf16Le { bom: false } => "utf-16le".into(),
            TextEncoding::Utf16Be { bom: true } => "utf-16be-bom".into(),
            TextEncoding::Utf16Be { bom: false } => "utf-16be".into(),
            TextEncoding::Utf32 { be, bom } => format!(
                "utf-32{}{}",
                if *be { "be" } else { "le" },
                if *bom { "-bom" } else { "" }
            ),
            TextEncoding::SingleByte(e) => e.name().to_ascii_lowercase(),
            TextEncoding::Kz1048 => "kz-1048".into(),
            TextEncoding::Mixed(e) => format!("mixed:utf-8+{}", e.name().to_ascii_lowercase()),
            TextEncoding::MixedKz1048 => "mixed:utf-8+kz-1048".into(),
        }
    }

    /// Parses an `--encoding` value: `utf-8`, `utf-16le`, `utf-16be`, `kz-1048` (aliases
    /// `kz1048`, `rk1048`, `strk1048-2002`), or any single-byte label encoding_rs knows
    /// (`cp1251`, `windows-1251`, `koi8-r`, `cp866`, `iso-8859-5`, `windows-1252`, …).
    pub fn parse(label: &str) -> Option<TextEncoding> {
        let l = label.trim().to_ascii_lowercase();
        match l.as_str() {
            "kz-1048" | "kz1048" | "rk1048" | "strk1048-2002" | "kz_1048" => {
                return Some(TextEncoding::Kz1048)
            }
            "utf-8" | "utf8" => return Some(TextEncoding::Utf8),
            "utf-16le" | "utf-16" | "utf16" | "utf16le" => {
                return Some(TextEncoding::Utf16Le { bom: false })
            }
            "utf-16be" | "utf16be" => return Some(TextEncoding::Utf16Be { bom: false }),
            "utf-32le" | "utf-32" | "utf32" | "utf32le" => {
                return Some(TextEncoding::Utf32 {
                    be: false,
                    bom: false,
                })
            }
            "utf-32be" | "utf32be" => {
                return Some(TextEncoding::Utf32 {
                    be: true,
                    bom: false,
                })
            }
            _ => {}
        }
        let e = Encoding::for_label_no_replacement(l.as_bytes())?;
        if e == encoding_rs::UTF_8 {
            Some(TextEncoding::Utf8)
        } else if e == encoding_rs::UTF_16LE {
            Some(TextEncoding::Utf16Le { bom: false })
        } else if e == encoding_rs::UTF_16BE {
            Some(TextEncoding::Utf16Be { bom: false })
        } else if e.is_single_byte() {
            Some(TextEncoding::SingleByte(e))
        } else {
            // Multi-byte East Asian encodings are not what tilmash reads.
            None
        }
    }

    /// Parses a user-given label, or returns a usage error that lists what is accepted.
    pub fn parse_or_err(label: &str, what: &str) -> Result<TextEncoding> {
        TextEncoding::parse(label).ok_or_else(|| {
            Error::Usage(format!(
                "{what} \"{label}\": unknown encoding; use utf-8, utf-16le, utf-16be, utf-32le, utf-32be, cp1251, kz-1048, koi8-r, cp866, iso-8859-5 or another single-byte label"
            ))
        })
    }

    /// Bytes of a byte-order mark to skip at the start of the file.
    fn bom_len(&self) -> usize {
        match self {
            TextEncoding::Utf8Bom => 3,
            TextEncoding::Utf16Le { bom: true } | TextEncoding::Utf16Be { bom: true } => 2,
            TextEncoding::Utf32 { bom: true, .. } => 4,
            _ => 0,
        }
    }

    pub fn is_utf16(&self) -> bool {
        matches!(
            self,
            TextEncoding::Utf16Le { .. } | TextEncoding::Utf16Be { .. }
        )
    }

    /// Whether pass 2 transcodes the bytes to UTF-8 first (UTF-16, UTF-32), where a malformed
    /// code unit becomes U+FFFD.
    pub fn is_wide(&self) -> bool {
        self.is_utf16() || matches!(self, TextEncoding::Utf32 { .. })
    }
}

/// Windows-1251 text → KZ-1048 text (the 16 changed positions).
pub fn kz1048_from_cp1251(s: &str) -> String {
    s.chars()
        .map(|c| {
            KZ1048_FROM_CP1251
                .iter()
                .find(|(from, _)| *from == c)
                .map_or(c, |&(_, to)| to)
        })
        .collect()
}

/// Decodes one line (or piece of a line) of raw bytes. The caller has split the input at `\n`
/// for byte-oriented encodings; UTF-16 input is converted to UTF-8 bytes before that split.
/// UTF-8 input is borrowed, not copied.
pub fn decode_line(
    enc: TextEncoding,
    bytes: &[u8],
) -> std::result::Result<std::borrow::Cow<'_, str>, String> {
    use std::borrow::Cow;
    match enc {
        TextEncoding::Utf8 | TextEncoding::Utf8Bom => match std::str::from_utf8(bytes) {
            Ok(s) => Ok(Cow::Borrowed(s)),
            Err(e) => Err(format!("not valid UTF-8 at byte {}", e.valid_up_to())),
        },
        // Already transcoded to UTF-8 by `Utf16Reader` / `Utf32Reader`.
        TextEncoding::Utf16Le { .. }
        | TextEncoding::Utf16Be { .. }
        | TextEncoding::Utf32 { .. } => Ok(String::from_utf8_lossy(bytes)),
        TextEncoding::SingleByte(e) => Ok(e.decode_without_bom_handling(bytes).0),
        TextEncoding::Kz1048 => Ok(Cow::Owned(kz1048_from_cp1251(
            &encoding_rs::WINDOWS_1251
                .decode_without_bom_handling(bytes)
                .0,
        ))),
        TextEncoding::Mixed(e) => match std::str::from_utf8(bytes) {
            Ok(s) => Ok(Cow::Borrowed(s)),
            Err(_) => Ok(e.decode_without_bom_handling(bytes).0),
        },
        TextEncoding::MixedKz1048 => match std::str::from_utf8(bytes) {
            Ok(s) => Ok(Cow::Borrowed(s)),
            Err(_) => decode_line(TextEncoding::Kz1048, bytes),
        },
    }
}

/// What a known binary format starts with, and what to tell the user.
const SIGNATURES: [(&[u8], &str); 15] = [
    (b"%PDF", "a PDF; extract its text first (e.g. pdftotext)"),
    (
        b"PK\x03\x04",
        "a ZIP archive (DOCX, ODT, EPUB …); extract its text first",
    ),
    (b"\x7fELF", "an executable"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "gzip-compressed; decompress it first"),
    (
        b"\xd0\xcf\x11\xe0",
        "an old Office document (DOC/XLS); save it as text first",
    ),
    (b"GIF8", "a GIF image"),
    (b"\xfd7zXZ\x00", "xz-compressed; decompress it first"),
    (b"BZh91AY&", "bzip2-compressed; decompress it first"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed; decompress it first"),
    (
        b"7z\xbc\xaf\x27\x1c",
        "a 7-Zip archive; extract its text first",
    ),
    (b"SQLite f", "an SQLite database"),
    (
        b"{\\rtf",
        "an RTF document; save it as plain text (.txt) first",
    ),
    (b"RIFF", "a RIFF file (audio, video or image)"),
];

/// How many bytes of non-UTF-8 lines chardetng and the plausibility check look at.
const SAMPLE_BYTES: usize = 1 << 20;

/// Facts gathered in one pass over the raw bytes.
#[derive(Default)]
struct Scan {
    total: u64,
    non_space: bool,
    first_nul: Option<u64>,
    /// NUL bytes at even / odd offsets (UTF-16 without BOM has them on one side).
    nul_even: u64,
    nul_odd: u64,
    /// bytes that are 0x00 or 0x04 (the high byte of ASCII / Cyrillic in UTF-16) at even / odd offsets
    utf16_hi_even: u64,
    utf16_hi_odd: u64,
    controls: u64,
    /// lines that are valid UTF-8 and contain non-ASCII
    utf8_lines: u64,
    /// lines that are not valid UTF-8
    bad_lines: u64,
    first_bad: Option<u64>,
    /// non-UTF-8 lines, up to SAMPLE_BYTES
    sample: Vec<u8>,
}

/// Pass 1: decides the encoding of a file (or returns the error that explains why it cannot).
pub fn detect(path: &Path, forced: Option<TextEncoding>) -> Result<TextEncoding> {
    let f = std::fs::File::open(path).map_err(|e| Error::read(path, e))?;
    if f.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(Error::Read {
            path: path.to_path_buf(),
            source: std::io::Error::other("is a directory"),
        });
    }
    detect_from(path, f, forced)
}

/// Pass 1 over any reader (a file, or standard input already held in memory).
pub fn detect_from(
    path: &Path,
    mut r: impl Read,
    forced: Option<TextEncoding>,
) -> Result<TextEncoding> {
    let mut head = [0u8; 8];
    let n = read_full(&mut r, &mut head).map_err(|e| Error::read(path, e))?;
    let head = &head[..n];
    // UTF-32's little-endian BOM starts like UTF-16's, so it is told apart first.
    let bom = if head.starts_with(b"\xFF\xFE\x00\x00") {
        Some(TextEncoding::Utf32 {
            be: false,
            bom: true,
        })
    } else if head.starts_with(b"\x00\x00\xFE\xFF") {
        Some(TextEncoding::Utf32 {
            be: true,
            bom: true,
        })
    } else if head.starts_with(b"\xEF\xBB\xBF") {
        Some(TextEncoding::Utf8Bom)
    } else if head.starts_with(b"\xFF\xFE") {
        Some(TextEncoding::Utf16Le { bom: true })
    } else if head.starts_with(b"\xFE\xFF") {
        Some(TextEncoding::Utf16Be { bom: true })
    } else {
        None
    };
    if let Some(f) = forced {
        // A BOM that agrees with the forced encoding is still skipped.
        return Ok(match (f, bom) {
            (TextEncoding::Utf8, Some(TextEncoding::Utf8Bom)) => TextEncoding::Utf8Bom,
            (TextEncoding::Utf16Le { .. }, Some(b @ TextEncoding::Utf16Le { .. })) => b,
            (TextEncoding::Utf16Be { .. }, Some(b @ TextEncoding::Utf16Be { .. })) => b,
            (TextEncoding::Utf32 { be, .. }, Some(b @ TextEncoding::Utf32 { be: bom_be, .. }))
                if be == bom_be =>
            {
                b
            }
            _ => f,
        });
    }
    if let Some(b) = bom {
        if b.is_wide() {
            // Empty UTF-16 files and binary content are caught when the decoded text is checked.
            return Ok(b);
        }
    }
    for (sig, what) in SIGNATURES {
        if head.starts_with(sig) {
            return Err(Error::Binary {
                path: path.to_path_buf(),
                why: format!("it is {what}"),
            });
        }
    }
    let skip = bom.map_or(0, |b| b.bom_len());
    let mut scan = Scan::default();
    let mut lines = LineReader::new(
        std::io::Cursor::new(head[skip..].to_vec()).chain(r),
        MAX_LINE_BYTES,
    );
    let mut offset = skip as u64;
    while let Some(line) = lines.next_line().map_err(|e| Error::read(path, e))? {
        scan_line(&mut scan, line.bytes, offset);
        offset += line.bytes.len() as u64;
    }
    scan.total = offset;
    decide(path, bom, scan)
}

fn scan_line(s: &mut Scan, line: &[u8], offset: u64) {
    let ascii = line.is_ascii();
    if !s.non_space {
        s.non_space = line.iter().any(|b| !b.is_ascii_whitespace());
    }
    // Everything counted below is a byte under 0x20: most lines have none but the line end.
    for (i, &b) in line.iter().enumerate() {
        if b >= 0x20 || b == b'\n' {
            continue;
        }
        let pos = offset + i as u64;
        let even = pos.is_multiple_of(2);
        if b == 0 {
            s.first_nul.get_or_insert(pos);
            if even {
                s.nul_even += 1
            } else {
                s.nul_odd += 1
            }
        }
        if b == 0 || b == 4 {
            if even {
                s.utf16_hi_even += 1
            } else {
                s.utf16_hi_odd += 1
            }
        }
        if b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0) {
            s.controls += 1;
        }
    }
    if ascii {
        return;
    }
    match std::str::from_utf8(line) {
        Ok(_) => s.utf8_lines += 1,
        Err(e) => {
            s.bad_lines += 1;
            s.first_bad.get_or_insert(offset + e.valid_up_to() as u64);
            if s.sample.len() < SAMPLE_BYTES {
                let room = SAMPLE_BYTES - s.sample.len();
                s.sample.extend_from_slice(&line[..line.len().min(room)]);
            }
        }
    }
}

fn decide(path: &Path, bom: Option<TextEncoding>, s: Scan) -> Result<TextEncoding> {
    let p = || path.to_path_buf();
    if !s.non_space {
        return Err(Error::EmptyFile { path: p() });
    }
    if let Some(pos) = s.first_nul {
        // UTF-16 without a BOM: one side of every byte pair is (nearly) always 0x00 or 0x04.
        let half = s.total / 2;
        if bom.is_none() && s.total.is_multiple_of(2) && half > 0 {
            if s.utf16_hi_odd * 100 >= half * 97 && s.nul_even * 100 < half {
                return Ok(TextEncoding::Utf16Le { bom: false });
            }
            if s.utf16_hi_even * 100 >= half * 97 && s.nul_odd * 100 < half {
                return Ok(TextEncoding::Utf16Be { bom: false });
            }
        }
        let n = s.nul_even + s.nul_odd;
        return Err(Error::Binary {
            path: p(),
            why: format!(
                "{n} NUL byte{} (first at offset {pos}); if it is UTF-16 without a byte-order mark pass --encoding utf-16le or utf-16be, otherwise remove the NUL bytes",
                if n == 1 { "" } else { "s" }
            ),
        });
    }
    if s.controls * 20 > s.total {
        return Err(Error::Binary {
            path: p(),
            why: format!("{} control bytes in {} bytes", s.controls, s.total),
        });
    }
    if s.bad_lines == 0 {
        return Ok(bom.unwrap_or(TextEncoding::Utf8));
    }
    let first_bad = s.first_bad.unwrap_or(0);
    let Some(code_page) = guess_cyrillic(&s.sample) else {
        return Err(Error::Encoding {
            path: p(),
            why: format!(
                "not valid UTF-8 (first bad byte at offset {first_bad}) and no Cyrillic code page fits{}",
                best_other_guess(&s.sample)
            ),
        });
    };
    if s.utf8_lines > 0 || bom.is_some() {
        return Ok(match code_page {
            TextEncoding::Kz1048 => TextEncoding::MixedKz1048,
            TextEncoding::SingleByte(e) => TextEncoding::Mixed(e),
            other => other,
        });
    }
    Ok(code_page)
}

/// "; chardetng's guess is X" when it guessed a non-Cyrillic single-byte encoding.
fn best_other_guess(sample: &[u8]) -> String {
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(sample, true);
    let g = det.guess(None, chardetng::Utf8Detection::Deny);
    if g.is_single_byte() && g.name() != "windows-1251" {
        format!(
            "; it may be {} (then pass --encoding {})",
            g.name(),
            g.name()
        )
    } else {
        String::new()
    }
}

/// The Cyrillic code page of the non-UTF-8 sample, or `None` when none is plausible.
fn guess_cyrillic(sample: &[u8]) -> Option<TextEncoding> {
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(sample, true);
    let guess = det.guess(None, chardetng::Utf8Detection::Deny);
    let non_ascii = sample.iter().filter(|&&b| b >= 0x80).count();
    let scored: Vec<(&'static Encoding, f64)> = cyrillic_candidates()
        .into_iter()
        .map(|e| (e, plausibility(&e.decode_without_bom_handling(sample).0)))
        .collect();
    let chosen = if let Some(&(e, score)) = scored.iter().find(|(e, _)| *e == guess) {
        // chardetng chose a Cyrillic code page: accept it when the text looks like words.
        (score >= 0.8).then_some(e)
    } else {
        // chardetng did not: take the best-looking Cyrillic page, but only on enough evidence.
        let (e, score) =
            scored
                .iter()
                .copied()
                .fold((encoding_rs::WINDOWS_1251, -1.0), |best, c| {
                    if c.1 > best.1 {
                        c
                    } else {
                        best
                    }
                });
        (score >= 0.9 && non_ascii >= 16).then_some(e)
    }?;
    if chosen == encoding_rs::WINDOWS_1251 && looks_kz1048(sample) {
        return Some(TextEncoding::Kz1048);
    }
    Some(TextEncoding::SingleByte(chosen))
}

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

/// Share of non-ASCII letters that sit in well-formed Cyrillic words: every letter of the word
/// Cyrillic, at least two letters, and lower-case, upper-case or capitalised (a wrong code page
/// gives words like "пРХБЕР" or "cafй").
pub fn plausibility(text: &str) -> f64 {
    let mut good = 0usize;
    let mut total = 0usize;
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        let non_ascii = word.chars().filter(|c| !c.is_ascii()).count();
        if non_ascii == 0 {
            continue;
        }
        total += non_ascii;
        let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
        let all_cyr = !letters.is_empty() && letters.iter().all(|&c| is_cyrillic(c));
        let lower = letters.iter().all(|c| c.is_lowercase());
        let upper = letters.iter().all(|c| c.is_uppercase());
        let capitalised = letters.first().is_some_and(|c| c.is_uppercase())
            && letters[1..].iter().all(|c| c.is_lowercase());
        if all_cyr && letters.len() >= 2 && (lower || upper || capitalised) {
            good += non_ascii;
        }
    }
    if total == 0 {
        0.0
    } else {
        good as f64 / total as f64
    }
}

/// Windows-1251 bytes whose Cyrillic words carry Ә Ң Қ Ұ on the KZ-1048 positions.
fn looks_kz1048(sample: &[u8]) -> bool {
    let text = encoding_rs::WINDOWS_1251
        .decode_without_bom_handling(sample)
        .0;
    let mut hits = 0;
    for word in text.split(|c: char| !c.is_alphabetic()) {
        let cyr = word.chars().filter(|&c| is_cyrillic(c)).count();
        if cyr * 2 > word.chars().count() {
            hits += word.chars().filter(|c| KZ1048_EVIDENCE.contains(c)).count();
        }
    }
    hits >= 2
}

/// The longest line handled as one piece; longer lines are cut (with a warning).
pub const MAX_LINE_BYTES: usize = 1 << 20;

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// One line (with its `\n`, when it had one) or one piece of an over-long line.
pub struct Line<'a> {
    pub bytes: &'a [u8],
    /// True when the line was longer than the limit and this piece ends at a cut.
    pub cut: bool,
}

/// Splits a byte stream at `\n`, cutting lines longer than `max` (at a space when there is one
/// near the end, never inside a UTF-8 character). Holds at most about `max` + 64 KiB.
pub struct LineReader<R: Read> {
    inner: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    max: usize,
}

impl<R: Read> LineReader<R> {
    pub fn new(inner: R, max: usize) -> Self {
        let max = max.max(16);
        LineReader {
            inner,
            // Grows on demand up to `max` + 64 KiB: small files stay cheap.
            buf: vec![0; (max + (64 << 10)).min(64 << 10)],
            start: 0,
            end: 0,
            eof: false,
            max,
        }
    }

    pub fn next_line(&mut self) -> std::io::Result<Option<Line<'_>>> {
        let mut scanned = 0;
        loop {
            let avail = &self.buf[self.start..self.end];
            if let Some(i) = avail[scanned..].iter().position(|&b| b == b'\n') {
                let len = scanned + i + 1;
                if len <= self.max {
                    let s = self.start;
                    self.start += len;
                    return Ok(Some(Line {
                        bytes: &self.buf[s..s + len],
                        cut: false,
                    }));
                }
            }
            scanned = avail.len();
            if avail.len() > self.max {
                let len = cut_point(avail, self.max);
                let s = self.start;
                self.start += len;
                return Ok(Some(Line {
                    bytes: &self.buf[s..s + len],
                    cut: true,
                }));
            }
            if self.eof {
                if avail.is_empty() {
                    return Ok(None);
                }
                let (s, e) = (self.start, self.end);
                self.start = e;
                return Ok(Some(Line {
                    bytes: &self.buf[s..e],
                    cut: false,
                }));
            }
            // Move what is left to the front and read more.
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            if self.end == self.buf.len() {
                let cap = self.max + (64 << 10);
                let grown = (self.buf.len() * 2).min(cap);
                self.buf.resize(grown, 0);
            }
            let room = self.buf.len() - self.end;
            let n = loop {
                match self.inner.read(&mut self.buf[self.end..self.end + room]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
            if n == 0 {
                self.eof = true;
            }
            self.end += n;
        }
    }
}

/// Where to cut an over-long line (`avail` holds more than `max` bytes of it, or all that is
/// left): after the last space or tab in the final 4 KiB before `max`, else at `max` moved back
/// so the next piece does not start inside a UTF-8 character.
fn cut_point(avail: &[u8], max: usize) -> usize {
    let max = max.min(avail.len());
    // Best: just after a sentence end (". ", "! ", "? ", "… ") in the last 64 KiB.
    let far = max.saturating_sub(64 << 10);
    if let Some(i) = avail[far..max].windows(2).rposition(|w| {
        w[1] == b' ' && matches!(w[0], b'.' | b'!' | b'?' | 0xA6 /* last byte of … */)
    }) {
        return far + i + 2;
    }
    let tail = max.saturating_sub(4096);
    if let Some(i) = avail[tail..max]
        .iter()
        .rposition(|b| *b == b' ' || *b == b'\t')
    {
        return tail + i + 1;
    }
    let mut k = max;
    while k > 1 && k < avail.len() && avail[k] & 0xC0 == 0x80 && max - k < 3 {
        k -= 1;
    }
    k
}

/// Wraps a UTF-16 byte stream and yields UTF-8 bytes (malformed pairs become U+FFFD, counted).
pub struct Utf16Reader<R: Read> {
    inner: R,
    decoder: encoding_rs::Decoder,
    raw: Vec<u8>,
    out: Vec<u8>,
    out_pos: usize,
    done: bool,
    pub replaced: bool,
}

impl<R: Read> Utf16Reader<R> {
    pub fn new(inner: R, enc: TextEncoding) -> Self {
        let e = match enc {
            TextEncoding::Utf16Be { .. } => encoding_rs::UTF_16BE,
            _ => encoding_rs::UTF_16LE,
        };
        Utf16Reader {
            inner,
            decoder: e.new_decoder_without_bom_handling(),
            raw: vec![0; 64 << 10],
            out: Vec::new(),
            out_pos: 0,
            done: false,
            replaced: false,
        }
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.out_pos >= self.out.len() {
            if self.done {
                return Ok(0);
            }
            let n = self.inner.read(&mut self.raw)?;
            let last = n == 0;
            let mut s =
                String::with_capacity(self.decoder.max_utf8_buffer_length(n).unwrap_or(n * 3 + 16));
            let (_, _, had_errors) = self.decoder.decode_to_string(&self.raw[..n], &mut s, last);
            self.replaced |= had_errors;
            self.out = s.into_bytes();
            self.out_pos = 0;
            self.done = last;
        }
        Ok(serve(&self.out, &mut self.out_pos, buf))
    }
}

/// Copies decoded bytes from `out[*pos..]` into `buf`, as much as fits (the transcoding readers'
/// common tail).
fn serve(out: &[u8], pos: &mut usize, buf: &mut [u8]) -> usize {
    let k = buf.len().min(out.len() - *pos);
    buf[..k].copy_from_slice(&out[*pos..*pos + k]);
    *pos += k;
    k
}

/// Wraps a UTF-32 byte stream and yields UTF-8 bytes (a value that is no character, or a last
/// incomplete unit, becomes U+FFFD).
pub struct Utf32Reader<R: Read> {
    inner: R,
    be: bool,
    raw: Vec<u8>,
    /// bytes of an incomplete last unit, carried to the next read
    carry: Vec<u8>,
    out: Vec<u8>,
    out_pos: usize,
    done: bool,
}

impl<R: Read> Utf32Reader<R> {
    pub fn new(inner: R, be: bool) -> Self {
        Utf32Reader {
            inner,
            be,
            raw: vec![0; 64 << 10],
            carry: Vec::new(),
            out: Vec::new(),
            out_pos: 0,
            done: false,
        }
    }
}

impl<R: Read> Read for Utf32Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.out_pos >= self.out.len() {
            if self.done {
                return Ok(0);
            }
            let n = self.inner.read(&mut self.raw)?;
            self.carry.extend_from_slice(&self.raw[..n]);
            let whole = self.carry.len() / 4 * 4;
            let mut s = String::with_capacity(whole);
            for u in self.carry[..whole].chunks_exact(4) {
                let u = [u[0], u[1], u[2], u[3]];
                let v = if self.be {
                    u32::from_be_bytes(u)
                } else {
                    u32::from_le_bytes(u)
                };
                s.push(char::from_u32(v).unwrap_or('\u{FFFD}'));
            }
            self.carry.drain(..whole);
            if n == 0 {
                if !self.carry.is_empty() {
                    s.push('\u{FFFD}');
                    self.carry.clear();
                }
                self.done = true;
            }
            self.out = s.into_bytes();
            self.out_pos = 0;
        }
        Ok(serve(&self.out, &mut self.out_pos, buf))
    }
}

/// The reader pass 2 splits into lines: raw bytes, or UTF-16/UTF-32 transcoded to UTF-8.
pub fn text_reader<'a>(r: impl Read + 'a, enc: TextEncoding) -> Box<dyn Read + 'a> {
    let skip = enc.bom_len() as u64;
    let mut r: Box<dyn Read + 'a> = Box::new(r);
    if skip > 0 {
        let mut b = vec![0u8; skip as usize];
        let _ = read_full(&mut r, &mut b);
    }
    if let TextEncoding::Utf32 { be, .. } = enc {
        Box::new(Utf32Reader::new(r, be))
    } else if enc.is_utf16() {
        Box::new(Utf16Reader::new(r, enc))
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn det(bytes: &[u8]) -> Result<TextEncoding> {
        detect_from(Path::new("t.txt"), bytes, None)
    }

    #[test]
    fn cyrillic_code_pages_are_detected() {
        let ru = "Движение Алаш возникло в 1917 году. Съезд в Оренбурге избрал правительство Алаш-Орду.\n";
        let cp1251 = encoding_rs::WINDOWS_1251.encode(ru).0;
        assert_eq!(det(&cp1251).unwrap().name(), "windows-1251");
        let koi = encoding_rs::KOI8_R.encode(ru).0;
        // KOI8-R and KOI8-U agree on every Russian letter; either decodes the text exactly.
        let enc = det(&koi).unwrap();
        assert!(enc.name().starts_with("koi8"), "{}", enc.name());
        assert_eq!(decode_line(enc, &koi).unwrap(), ru);
        let dos = encoding_rs::IBM866.encode(ru).0;
        assert_eq!(det(&dos).unwrap().name(), "ibm866");
    }

    #[test]
    fn kz1048_is_told_from_cp1251() {
        let kk =
            "Қазақстандағы азаматтық соғыс ошақтарының бірі құрылды. Әлихан Бөкейхан өңірде.\n";
        let cp1251_view: String = kk
            .chars()
            .map(|c| {
                KZ1048_FROM_CP1251
                    .iter()
                    .find(|(_, to)| *to == c)
                    .map_or(c, |&(from, _)| from)
            })
            .collect();
        let bytes = encoding_rs::WINDOWS_1251.encode(&cp1251_view).0;
        let enc = det(&bytes).unwrap();
        assert_eq!(enc, TextEncoding::Kz1048);
        assert_eq!(decode_line(enc, &bytes).unwrap(), kk);
    }

    #[test]
    fn boms_and_utf16_without_bom() {
        let s = "Алаш Orda\n";
        let mut le = vec![0xFF, 0xFE];
        le.extend(s.encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(det(&le).unwrap(), TextEncoding::Utf16Le { bom: true });
        let be: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(det(&be).unwrap(), TextEncoding::Utf16Be { bom: false });
        assert_eq!(det(b"\xEF\xBB\xBFhi\n").unwrap(), TextEncoding::Utf8Bom);
    }

    #[test]
    fn refusals() {
        assert!(matches!(det(b" \n\t"), Err(Error::EmptyFile { .. })));
        assert!(matches!(det(b"%PDF-1.4\n"), Err(Error::Binary { .. })));
        assert!(matches!(
            det(b"text\0with nul\n"),
            Err(Error::Binary { .. })
        ));
        assert!(matches!(
            det(b"caf\xe9 \xff\xfe ok"),
            Err(Error::Encoding { .. })
        ));
    }

    #[test]
    fn mixed_lines_are_decoded_each_on_its_own() {
        let mut bytes = "Қазақ тілі — мемлекеттік тіл.\n".as_bytes().to_vec();
        bytes.extend(
            encoding_rs::WINDOWS_1251
                .encode("Русский язык является официальным языком.\n")
                .0
                .iter(),
        );
        let enc = det(&bytes).unwrap();
        assert_eq!(enc, TextEncoding::Mixed(encoding_rs::WINDOWS_1251));
    }

    #[test]
    fn long_lines_are_cut_between_characters() {
        let line = "ж".repeat(100) + "\n";
        let mut r = LineReader::new(line.as_bytes(), 33);
        let mut pieces = Vec::new();
        while let Some(l) = r.next_line().unwrap() {
            pieces.push(std::str::from_utf8(l.bytes).unwrap().to_string());
        }
        assert!(pieces.len() > 3);
        assert_eq!(pieces.concat(), line);
    }

    #[test]
    fn labels() {
        assert_eq!(
            TextEncoding::parse("cp1251").unwrap().name(),
            "windows-1251"
        );
        assert_eq!(TextEncoding::parse("KZ-1048"), Some(TextEncoding::Kz1048));
        assert!(TextEncoding::parse("shift_jis").is_none());
        assert!(TextEncoding::parse("nonsense").is_none());
    }
}
