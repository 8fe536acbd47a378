//! Rebuilds paragraphs from the layouts seen in real copies: one paragraph per line,
//! blank-line separated blocks, and HTML-copy residue where a paragraph is broken over many
//! indented lines with citation marks and footnote numbers on lines of their own.

use super::markup::{clean_line_with, CleanOptions, LineClass};
use crate::model::{Lang, Paragraph, ParagraphKind};

struct Line<'a> {
    start: usize,
    end: usize,
    raw: &'a str,
}

fn lines_with_offsets(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in text.split_inclusive('\n') {
        let raw = piece.trim_end_matches(['\n', '\r']);
        out.push(Line {
            start,
            end: start + raw.len(),
            raw,
        });
        start += piece.len();
    }
    out
}

/// True when most text lines are indented: the layout of HTML copied as text, where a paragraph's
/// lines are wrapped and blank (whitespace-only) lines separate paragraphs.
fn is_indented_layout(lines: &[Line]) -> bool {
    let text_lines: Vec<&Line> = lines.iter().filter(|l| !l.raw.trim().is_empty()).collect();
    let indented = text_lines
        .iter()
        .filter(|l| l.raw.starts_with("    ") || l.raw.starts_with('\t'))
        .count();
    !text_lines.is_empty() && indented * 10 >= text_lines.len() * 3
}

fn ends_sentence(s: &str) -> bool {
    s.trim_end()
        .ends_with(['.', '!', '?', ':', ';', '…', '»', '"', '”', ')'])
}

/// Across blank lines, a paragraph goes on only when it visibly stopped mid-sentence: it ends
/// in a comma, or without final punctuation and the next line starts in lower case. A heading
/// never ends in a comma, and the next text after a heading starts with a capital.
fn continues_across_gap(prev: &str, next: &str) -> bool {
    let prev = prev.trim_end();
    prev.ends_with([',', ';']) && !looks_like_heading(next)
        || !ends_sentence(prev) && next.chars().next().is_some_and(char::is_lowercase)
}

fn starts_lowercase_or_punct(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_lowercase() || ".,;:!?)»”–—".contains(c))
}

/// A short line without final punctuation standing alone reads as a heading.
fn looks_like_heading(text: &str) -> bool {
    // Counted only as far as the answer needs: paragraphs can be long.
    let words = text.split_whitespace().take(15).count();
    (1..=14).contains(&words)
        && text.chars().take(121).count() <= 120
        && !text
            .trim_end()
            .ends_with(['.', ',', ';', ':', '!', '?', '…'])
        && text
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

fn join_into(buf: &mut String, next: &str) {
    if buf.is_empty() || next.starts_with(['.', ',', ';', ':', '!', '?', ')']) {
        buf.push_str(next);
    } else {
        buf.push(' ');
        buf.push_str(next);
    }
}

/// Splits `text` into paragraphs; `span` is the byte range of the source lines of each.
pub fn build_paragraphs(text: &str) -> Vec<Paragraph> {
    build_paragraphs_with(text, CleanOptions::default())
}

/// [`build_paragraphs`] with cleaning options.
pub fn build_paragraphs_with(text: &str, opts: CleanOptions) -> Vec<Paragraph> {
    let lines = lines_with_offsets(text);
    let indented = is_indented_layout(&lines);
    let mut out = Vec::new();
    let mut cur: Option<(usize, usize, String, usize)> = None; // start, end, text, line count

    let flush = |cur: &mut Option<(usize, usize, String, usize)>, out: &mut Vec<Paragraph>| {
        if let Some((start, end, text, nlines)) = cur.take() {
            let kind = if nlines == 1 && looks_like_heading(&text) {
                ParagraphKind::Heading
            } else {
                ParagraphKind::Body
            };
            out.push(Paragraph {
                span: start..end,
                kind,
                text,
                lang: Lang::Und,
                lang_confidence: 0.0,
            });
        }
    };

    let mut gap = false;
    for line in &lines {
        // In HTML copies, indented whitespace-only lines sit inside paragraphs; only a truly
        // empty line separates them.
        let separator = if indented {
            line.raw.is_empty()
        } else {
            line.raw.trim().is_empty()
        };
        if separator {
            // The flush waits for the next line: a paragraph broken by blank lines in the middle of
            // a sentence ("At that meeting,⏎⏎Bokeikhanov stressed…") is joined again.
            gap = true;
            continue;
        }
        match clean_line_with(line.raw, opts) {
            LineClass::Drop => continue,
            LineClass::Text { text, kind } if kind != ParagraphKind::Body => {
                gap = false;
                flush(&mut cur, &mut out);
                out.push(Paragraph {
                    span: line.start..line.end,
                    kind,
                    text,
                    lang: Lang::Und,
                    lang_confidence: 0.0,
                });
            }
            LineClass::Text { text, .. } => {
                let join = match &cur {
                    Some((_, _, prev, _)) if gap => continues_across_gap(prev, &text),
                    Some((_, _, prev, _)) => {
                        indented || (!ends_sentence(prev) && starts_lowercase_or_punct(&text))
                    }
                    None => false,
                };
                gap = false;
                if join {
                    if let Some((_, end, buf, n)) = cur.as_mut() {
                        join_into(buf, &text);
                        *end = line.end;
                        *n += 1;
                    }
                } else {
                    flush(&mut cur, &mut out);
                    cur = Some((line.start, line.end, text, 1));
                }
            }
        }
    }
    flush(&mut cur, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_paragraph_per_line_with_offsets() {
        let text = "Первый абзац.\nВторой абзац.\n";
        let ps = build_paragraphs(text);
        assert_eq!(ps.len(), 2);
        assert_eq!(&text[ps[1].span.clone()], "Второй абзац.");
    }

    #[test]
    fn indented_html_copy_is_joined_and_cleaned() {
        let text = "    \n      The study by S. Zhussip et al.\n      \n        [2]\n      \n      – is devoted to the army\n      2\n      . D. Massimkhanuly\n    \n\n    \n      1. Introduction\n    \n";
        let ps = build_paragraphs(text);
        assert_eq!(ps.len(), 2, "{ps:?}");
        assert_eq!(
            ps[0].text,
            "The study by S. Zhussip et al. – is devoted to the army. D. Massimkhanuly"
        );
        assert_eq!(ps[1].text, "1. Introduction");
        assert_eq!(ps[1].kind, ParagraphKind::Heading);
    }

    #[test]
    fn a_sentence_broken_by_blank_lines_is_joined_again() {
        let text = "Attended by Bokeikhanov and others. At that meeting,\n\n\n\nBokeikhanov stressed unity.\n\nThe materials of the 1917 Semey\n\noblast congresses were published.\n\nIntroduction\n\nText starts here.\n";
        let ps = build_paragraphs(text);
        let texts: Vec<&str> = ps.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "Attended by Bokeikhanov and others. At that meeting, Bokeikhanov stressed unity.",
                "The materials of the 1917 Semey oblast congresses were published.",
                "Introduction",
                "Text starts here."
            ]
        );
        assert_eq!(ps[2].kind, ParagraphKind::Heading);
    }

    #[test]
    fn list_items_and_table_cells_stay_units() {
        let text = "Intro text:\n- first item,\n- second item\n| cell a |\n| cell b |\n";
        let ps = build_paragraphs(text);
        let kinds: Vec<ParagraphKind> = ps.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            vec![
                ParagraphKind::Body,
                ParagraphKind::ListItem,
                ParagraphKind::ListItem,
                ParagraphKind::TableCell,
                ParagraphKind::TableCell
            ]
        );
    }

    #[test]
    fn headings_are_never_joined() {
        let ps = build_paragraphs("## Heading\ntext continues here.\n");
        assert_eq!(ps.len(), 2);
        assert_eq!(ps[0].kind, ParagraphKind::Heading);
    }
}
