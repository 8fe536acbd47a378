//! Formats for NLP tooling: Moses-style line-aligned text and TSV with scores and provenance.

use super::jsonl::JsonlUnit;
use super::tmx::unit_type_name;

/// One line per unit: line breaks and tabs inside a text become spaces, so line `n` of the
/// source file always pairs with line `n` of the target file.
fn one_line(s: &str) -> String {
    s.split(['\n', '\r', '\t', '\u{2028}', '\u{2029}', '\u{85}'])
        .collect::<Vec<_>>()
        .join(" ")
}

/// Moses-style parallel text: (source lines, target lines), in JSONL order.
pub fn moses(units: &[JsonlUnit]) -> (String, String) {
    let (mut s, mut t) = (String::new(), String::new());
    for u in units {
        moses_line(&mut s, &u.src);
        moses_line(&mut t, &u.tgt);
    }
    (s, t)
}

/// One line of a Moses file: one side of a unit.
pub fn moses_line(out: &mut String, text: &str) {
    out.push_str(&one_line(text));
    out.push('\n');
}

pub const TSV_HEADER: [&str; 12] = [
    "id",
    "src_lang",
    "tgt_lang",
    "src",
    "tgt",
    "score",
    "type",
    "bead",
    "src_doc",
    "src_sentences",
    "tgt_doc",
    "tgt_sentences",
];

/// A field as Python's `csv` module (delimiter tab) and pandas write it: quoted, with inner
/// quotes doubled, only when it contains a quote; tabs and line breaks never occur.
fn field(s: &str) -> String {
    let s = one_line(s);
    if s.contains('"') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn join(ix: &[usize]) -> String {
    ix.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// TSV with a header row; `duplicates` holds the merged sources as
/// `doc#sentences=doc#sentences` separated by `;`.
pub fn tsv(units: &[JsonlUnit]) -> String {
    let mut out = tsv_head();
    for u in units {
        tsv_row(&mut out, u);
    }
    out
}

/// The TSV file's header row.
pub fn tsv_head() -> String {
    TSV_HEADER.join("\t") + "\tduplicates\n"
}

/// One unit's TSV row.
pub fn tsv_row(out: &mut String, u: &JsonlUnit) {
    let dups = u
        .duplicates
        .iter()
        .map(|d| {
            format!(
                "{}#{}={}#{}",
                d.src_doc,
                join(&d.src_sentences),
                d.tgt_doc,
                join(&d.tgt_sentences)
            )
        })
        .collect::<Vec<_>>()
        .join(";");
    let row = [
        u.id.clone(),
        u.src_lang.code().to_string(),
        u.tgt_lang.code().to_string(),
        u.src.clone(),
        u.tgt.clone(),
        format!("{:.4}", u.score),
        unit_type_name(u.unit_type).to_string(),
        u.bead.clone(),
        u.src_doc.clone(),
        join(&u.src_sentences),
        u.tgt_doc.clone(),
        join(&u.tgt_sentences),
        dups,
    ];
    out.push_str(&row.iter().map(|f| field(f)).collect::<Vec<_>>().join("\t"));
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_quote_only_when_needed_and_stay_on_one_line() {
        assert_eq!(field("a\tb\nc"), "a b c");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("«Алаш»"), "«Алаш»");
    }
}
