//! TMX 1.4b writer (level 1: plain text, escaped).

use crate::model::{Lang, TranslationUnit};
use std::fmt::Write as _;

pub struct TmxOptions<'a> {
    pub src_lang: Lang,
    pub tgt_lang: Lang,
    /// `o-tmf` and note text: usually the pipeline's name.
    pub origin: &'a str,
    /// Beads below this score get `x-flag = low-confidence` so reviewers can filter them.
    pub flag_below: f64,
}

/// Escapes text for XML content and attribute values, dropping characters XML 1.0 forbids.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // A raw CR would be read back as LF (XML end-of-line handling): keep it as a reference.
            '\r' => out.push_str("&#13;"),
            c if crate::normalize::is_forbidden_control(c) && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn prop(out: &mut String, kind: &str, value: &str) {
    let _ = writeln!(out, "      <prop type=\"{kind}\">{}</prop>", escape(value));
}

fn join_indices(ix: &[usize]) -> String {
    ix.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Renders a TMX document. Units with an empty side are skipped; returns the text and the
/// number of units written.
pub fn write_tmx(units: &[TranslationUnit], opts: &TmxOptions) -> (String, usize) {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">\n");
    out.push_str("<tmx version=\"1.4\">\n");
    let _ = writeln!(
        out,
        "  <header creationtool=\"tilmash\" creationtoolversion=\"{}\" segtype=\"sentence\" o-tmf=\"{}\" adminlang=\"en\" srclang=\"{}\" datatype=\"plaintext\"/>",
        env!("CARGO_PKG_VERSION"),
        escape(opts.origin),
        opts.src_lang.code()
    );
    out.push_str("  <body>\n");
    let mut written = 0;
    for u in units {
        let (src, tgt) = (escape(u.src.text.trim()), escape(u.tgt.text.trim()));
        if src.is_empty() || tgt.is_empty() {
            continue;
        }
        written += 1;
        let _ = writeln!(out, "    <tu tuid=\"{written}\">");
        prop(&mut out, "x-score", &format!("{:.4}", u.score));
        prop(&mut out, "x-type", serde_plain(&u.unit_type));
        prop(&mut out, "x-bead", &u.bead);
        prop(&mut out, "x-src-doc", &u.src.doc);
        prop(&mut out, "x-src-sentences", &join_indices(&u.src.sentences));
        prop(&mut out, "x-tgt-doc", &u.tgt.doc);
        prop(&mut out, "x-tgt-sentences", &join_indices(&u.tgt.sentences));
        if u.score < opts.flag_below {
            prop(&mut out, "x-flag", "low-confidence");
        }
        for (lang, text) in [(u.src.lang, &src), (u.tgt.lang, &tgt)] {
            let _ = writeln!(
                out,
                "      <tuv xml:lang=\"{}\"><seg>{}</seg></tuv>",
                lang.code(),
                text
            );
        }
        out.push_str("    </tu>\n");
    }
    out.push_str("  </body>\n</tmx>\n");
    (out, written)
}

fn serde_plain(t: &crate::model::UnitType) -> &'static str {
    match t {
        crate::model::UnitType::Parallel => "parallel",
        crate::model::UnitType::Comparable => "comparable",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{UnitSide, UnitType};

    fn unit(src: &str, tgt: &str) -> TranslationUnit {
        TranslationUnit {
            src: UnitSide {
                lang: Lang::Ru,
                text: src.into(),
                doc: "a.txt".into(),
                sentences: vec![0],
            },
            tgt: UnitSide {
                lang: Lang::En,
                text: tgt.into(),
                doc: "b.txt".into(),
                sentences: vec![1, 2],
            },
            bead: "1-2".into(),
            unit_type: UnitType::Parallel,
            score: 0.9,
        }
    }

    #[test]
    fn escapes_and_skips_empty() {
        let opts = TmxOptions {
            src_lang: Lang::Ru,
            tgt_lang: Lang::En,
            origin: "t",
            flag_below: 0.5,
        };
        let (xml, n) = write_tmx(&[unit("a < b & \u{1}c", "x \"y\""), unit("  ", "z")], &opts);
        assert_eq!(n, 1);
        assert!(xml.contains("<seg>a &lt; b &amp; c</seg>"));
        assert!(xml.contains("<seg>x &quot;y&quot;</seg>"));
        assert!(xml.contains("xml:lang=\"ru\""));
        assert!(!xml.contains("low-confidence"));
    }
}
