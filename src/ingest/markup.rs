//! Markup residue found in web copies and converted papers: markdown marks, HTML tags such as
//! `<sup>`, image file names, citation brackets, page furniture (bare numbers).

use crate::model::ParagraphKind;

/// What one source line turned out to be after cleaning.
#[derive(Debug, Clone, PartialEq)]
pub enum LineClass {
    /// Nothing left worth keeping (image name, bare number, empty markup).
    Drop,
    Text {
        text: String,
        kind: ParagraphKind,
    },
}

const IMAGE_EXTS: [&str; 7] = [".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".bmp"];

/// What cleaning may remove from the text of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CleanOptions {
    /// Keep citation brackets ("[6]", "[18, p. 45]"), lone stars and `__` in the text:
    /// `tilmash segment` keeps the characters of running text so that its sentences can be laid
    /// over the input (HTML tags, `<sup>` marks, paired emphasis and backslash escapes still go).
    pub keep_marks: bool,
}

/// Cleans one line and classifies it.
pub fn clean_line(raw: &str) -> LineClass {
    clean_line_with(raw, CleanOptions::default())
}

/// [`clean_line`] with options.
pub fn clean_line_with(raw: &str, opts: CleanOptions) -> LineClass {
    // A U+FEFF inside the text (two files with a byte-order mark joined by `cat`) is a zero-width
    // no-break space, never content: it goes like the mark at the start of a file. Paragraph spans
    // are line ranges, so they still cover the source line it stood in.
    let unmarked;
    let raw = if raw.contains('\u{FEFF}') {
        unmarked = raw.replace('\u{FEFF}', "");
        unmarked.as_str()
    } else {
        raw
    };
    let line = raw.trim();
    if line.is_empty() {
        return LineClass::Drop;
    }
    if is_image_name(line) || is_bare_number(line) {
        return LineClass::Drop;
    }
    let mut kind = ParagraphKind::Body;
    let mut rest = line;

    // Markdown headings.
    let hashes = rest.chars().take_while(|&c| c == '#').count();
    if (1..=6).contains(&hashes) && rest[hashes..].starts_with(' ') {
        kind = ParagraphKind::Heading;
        rest = rest[hashes..].trim_start();
    } else if let Some(item) = strip_list_marker(rest) {
        kind = ParagraphKind::ListItem;
        rest = item;
    } else if rest.starts_with('|') && rest.ends_with('|') && rest.len() > 1 {
        kind = ParagraphKind::TableCell;
    }

    if kind == ParagraphKind::ListItem {
        if let Some(after) = strip_leading_citation(rest) {
            kind = ParagraphKind::Reference;
            rest = after;
        }
    }
    let text = strip_inline_with(rest, opts);
    let text = text.trim().to_string();
    if text.is_empty() || text.chars().all(|c| !c.is_alphanumeric()) || is_bare_number(&text) {
        return LineClass::Drop;
    }
    LineClass::Text { text, kind }
}

fn is_image_name(line: &str) -> bool {
    if line.starts_with("![") && line.ends_with(')') {
        return true;
    }
    !line.contains(char::is_whitespace) && {
        let lower = line.to_ascii_lowercase();
        IMAGE_EXTS.iter().any(|e| lower.ends_with(e))
    }
}

/// A line that is only a number (page number, footnote mark, view counter).
fn is_bare_number(line: &str) -> bool {
    let t = line.trim_matches(|c: char| c.is_whitespace() || c == '*');
    !t.is_empty() && t.len() <= 8 && t.chars().all(|c| c.is_ascii_digit())
}

fn strip_list_marker(line: &str) -> Option<&str> {
    for marker in ["- ", "* ", "• ", "+ "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return Some(rest.trim_start());
        }
    }
    None
}

/// "[12] Author…" at the start of a reference-list entry.
fn strip_leading_citation(text: &str) -> Option<&str> {
    let t = text.trim_start();
    if !t.starts_with('[') {
        return None;
    }
    let close = t.find(']')?;
    if is_citation_body(&t[1..close]) {
        Some(t[close + 1..].trim_start())
    } else {
        None
    }
}

/// Body of a citation bracket: "1", "1, 2", "4–6", "18, p. 45", "5; 7", "12, б. 3".
fn is_citation_body(body: &str) -> bool {
    let body = body.trim();
    if body.is_empty()
        || body.chars().count() > 60
        || !body.starts_with(|c: char| c.is_ascii_digit())
    {
        return false;
    }
    let mut run = 0;
    for c in body.chars() {
        if c.is_alphabetic() {
            run += 1;
            if run > 3 {
                return false;
            }
        } else {
            run = 0;
            if !(c.is_ascii_digit() || c.is_whitespace() || ",;.:–—-".contains(c)) {
                return false;
            }
        }
    }
    true
}

/// Removes inline markup: `<sup>n</sup>` marks, other HTML tags, markdown emphasis and escapes,
/// links (keeping their text), and citation brackets (with the space before them).
pub fn strip_inline(s: &str) -> String {
    strip_inline_with(s, CleanOptions::default())
}

/// [`strip_inline`] with options.
pub fn strip_inline_with(s: &str, opts: CleanOptions) -> String {
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let b = s.as_bytes();
    while i < s.len() {
        // Text up to the next character that can start markup (all ASCII) is copied as it is.
        let plain = b[i..]
            .iter()
            .position(|&x| matches!(x, b'<' | b'\\' | b'*' | b'_' | b'['))
            .unwrap_or(b.len() - i);
        if plain > 0 {
            out.push_str(&s[i..i + plain]);
            i += plain;
            continue;
        }
        let rest = &s[i..];
        let c = rest.chars().next().unwrap_or(' ');
        match c {
            '<' => {
                if let Some(len) = sup_len(rest) {
                    i += len;
                    continue;
                }
                if let Some(end) = rest.find('>') {
                    let inner = &rest[1..end];
                    if inner.starts_with("http://") || inner.starts_with("https://") {
                        out.push_str(inner);
                        i += end + 1;
                        continue;
                    }
                    if is_tag(inner) {
                        i += end + 1;
                        continue;
                    }
                }
                out.push(c);
                i += 1;
            }
            '\\' if i + 1 < s.len() && b[i + 1].is_ascii_punctuation() => {
                out.push(b[i + 1] as char);
                i += 2;
            }
            '*' if opts.keep_marks => {
                // Only paired emphasis goes: "*Introduction*", "**REFERENCES**"; a star in
                // running text ("Кучи* Пока", "***") stays.
                let run = rest.chars().take_while(|&c| c == '*').count();
                let prev_ok = out.chars().last().is_none_or(|c| !c.is_alphanumeric());
                let inner = &rest[run..];
                let marker = &rest[..run];
                let close = inner.find(marker).filter(|&p| {
                    p > 0
                        && !inner[..p].starts_with(char::is_whitespace)
                        && !inner[..p].ends_with(char::is_whitespace)
                        && !inner[..p].contains('*')
                        && inner[p + run..]
                            .chars()
                            .next()
                            .is_none_or(|c| !c.is_alphanumeric())
                });
                match close {
                    Some(p) if run <= 3 && prev_ok => {
                        out.push_str(&strip_inline_with(&inner[..p], opts));
                        i += run + p + run;
                    }
                    _ => {
                        out.push_str(marker);
                        i += run;
                    }
                }
            }
            '*' => {
                // Emphasis marks; a lone '*' between spaces is kept.
                let prev_space = out.chars().last().is_none_or(char::is_whitespace);
                let next_space = rest[1..].chars().next().is_none_or(char::is_whitespace);
                if prev_space && next_space {
                    out.push('*');
                }
                i += 1;
            }
            '_' if !opts.keep_marks && rest.starts_with("__") => i += 2,
            '[' => {
                if let Some(close) = rest.find(']') {
                    let inner = &rest[1..close];
                    if !opts.keep_marks && is_citation_body(inner) {
                        while out.ends_with([' ', '\u{a0}']) {
                            out.pop();
                        }
                        i += close + 1;
                        continue;
                    }
                    if rest[close + 1..].starts_with('(') {
                        if let Some(paren) = rest[close + 1..].find(')') {
                            out.push_str(&strip_inline_with(inner, opts));
                            i += close + 1 + paren + 1;
                            continue;
                        }
                    }
                }
                out.push('[');
                i += 1;
            }
            _ => {
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    out
}

fn is_tag(inner: &str) -> bool {
    let name = inner.trim_start_matches('/');
    let name: String = name
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    const TAGS: [&str; 16] = [
        "sup", "sub", "b", "i", "u", "em", "strong", "span", "br", "p", "div", "a", "font",
        "small", "hr", "img",
    ];
    TAGS.contains(&name.to_ascii_lowercase().as_str())
}

/// Length of a `<sup>…</sup>` footnote mark at the start of `s`, when its content is a mark
/// (digits, commas, asterisks) rather than real text.
fn sup_len(s: &str) -> Option<usize> {
    let lower_start = s.get(..5)?.to_ascii_lowercase();
    if lower_start != "<sup>" {
        return None;
    }
    let end = s.find("</sup>").or_else(|| s.find("</SUP>"))?;
    let inner = &s[5..end];
    let is_mark = inner.chars().count() <= 12
        && inner
            .chars()
            .all(|c| c.is_ascii_digit() || ",*† ".contains(c) || c.is_ascii_lowercase());
    is_mark.then_some(end + 6)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(line: &str) -> (String, ParagraphKind) {
        match clean_line(line) {
            LineClass::Text { text, kind } => (text, kind),
            LineClass::Drop => (String::new(), ParagraphKind::Body),
        }
    }

    #[test]
    fn strips_markdown_and_sup() {
        assert_eq!(
            text("<sup>1</sup>Abubakir M.N.\\*, <sup>2</sup>Dukenbaeva Z.O").0,
            "Abubakir M.N.*, Dukenbaeva Z.O"
        );
        assert_eq!(
            text("### THE ALASH MOVEMENT"),
            ("THE ALASH MOVEMENT".into(), ParagraphKind::Heading)
        );
        assert_eq!(
            text("**Annotation.** This article").0,
            "Annotation. This article"
        );
        assert_eq!(text("#### *Introduction*").0, "Introduction");
    }

    #[test]
    fn drops_images_and_bare_numbers() {
        assert_eq!(
            clean_line("c62ebf3a52a491ed2d940df1ff70009e.jpg"),
            LineClass::Drop
        );
        assert_eq!(clean_line("4495"), LineClass::Drop);
        assert_eq!(clean_line("   [1]  "), LineClass::Drop);
    }

    #[test]
    fn strips_citations_but_not_other_brackets() {
        assert_eq!(
            strip_inline("the Alash movement [6]."),
            "the Alash movement."
        );
        assert_eq!(strip_inline("as shown [18, p. 45; 19]"), "as shown");
        assert_eq!(strip_inline("a [sic] b"), "a [sic] b");
        assert_eq!(
            text("- [1] Nurpeisov K. Alash hām Alashorda."),
            (
                "Nurpeisov K. Alash hām Alashorda.".into(),
                ParagraphKind::Reference
            )
        );
    }

    #[test]
    fn keeps_link_text() {
        assert_eq!(
            strip_inline(
                "[https://ratel.kz/raw/kitayskiy\\_alash](https://ratel.kz/raw/kitayskiy_alash)"
            ),
            "https://ratel.kz/raw/kitayskiy_alash"
        );
        assert_eq!(
            strip_inline("<https://alash.semeylib.kz/>"),
            "https://alash.semeylib.kz/"
        );
    }
}
