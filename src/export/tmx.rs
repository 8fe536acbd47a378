//! TMX 1.4b writer (level 1: plain text, escaped), in four profiles (see `TmxProfile`).

use super::config::{LangCodes, TmxProfile};
use super::jsonl::JsonlUnit;
use crate::model::{Lang, TranslationUnit, UnitType};
use std::fmt::Write as _;

pub struct TmxOptions<'a> {
    pub src_lang: Lang,
    pub tgt_lang: Lang,
    /// `o-tmf`: usually the pipeline's name.
    pub origin: &'a str,
    /// Beads below this score get `x-flag = low-confidence` so reviewers can filter them.
    pub flag_below: f64,
    pub profile: TmxProfile,
    pub lang_codes: LangCodes,
    /// `YYYYMMDDThhmmssZ`, see `config::creation_date`.
    pub creation_date: String,
}

impl<'a> TmxOptions<'a> {
    /// Generic profile, short codes, the date `config::creation_date` gives for `inputs`: for
    /// one-off commands such as `align`.
    pub fn simple(
        src_lang: Lang,
        tgt_lang: Lang,
        origin: &'a str,
        inputs: &[std::path::PathBuf],
    ) -> Self {
        TmxOptions {
            src_lang,
            tgt_lang,
            origin,
            flag_below: 0.5,
            profile: TmxProfile::Generic,
            lang_codes: LangCodes::Short,
            creation_date: super::config::creation_date(&Default::default(), inputs).0,
        }
    }
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
            '\u{FFFE}' | '\u{FFFF}' => {}
            c if crate::normalize::is_forbidden_control(c) && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn join_indices(ix: &[usize]) -> String {
    ix.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

pub fn unit_type_name(t: UnitType) -> &'static str {
    match t {
        UnitType::Parallel => "parallel",
        UnitType::Comparable => "comparable",
    }
}

struct Props<'a> {
    out: &'a mut String,
    trados: bool,
}

impl Props<'_> {
    /// Trados Studio reads custom fields from `x-NAME:TYPE` props (its own exports use this
    /// form); other tools take the plain `x-NAME`.
    fn add(&mut self, name: &str, value: &str, multiple: bool) {
        let kind = match (self.trados, multiple) {
            (false, _) => name.to_string(),
            (true, false) => format!("{name}:SingleString"),
            (true, true) => format!("{name}:MultipleString"),
        };
        let _ = writeln!(
            self.out,
            "      <prop type=\"{}\">{}</prop>",
            escape(&kind),
            escape(value)
        );
    }
}

/// Renders units as a TMX document. Units with an empty side are skipped (none should reach
/// here). The source language's `<tuv>` comes first.
pub fn write_tmx_units(units: &[JsonlUnit], opts: &TmxOptions) -> String {
    let mut out = tmx_head(opts);
    for u in units {
        tmx_unit(&mut out, u, opts);
    }
    out.push_str(TMX_TAIL);
    out
}

/// What a pair's TMX file ends with.
pub const TMX_TAIL: &str = "  </body>\n</tmx>\n";

/// A pair's TMX file up to its first unit.
pub fn tmx_head(opts: &TmxOptions) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">\n");
    out.push_str("<tmx version=\"1.4\">\n");
    let _ = writeln!(
        out,
        "  <header creationtool=\"tilmash\" creationtoolversion=\"{}\" segtype=\"sentence\" o-tmf=\"{}\" adminlang=\"en\" srclang=\"{}\" datatype=\"plaintext\" creationdate=\"{}\" creationid=\"tilmash\">",
        env!("CARGO_PKG_VERSION"),
        escape(opts.origin),
        opts.lang_codes.tag(opts.src_lang),
        escape(&opts.creation_date),
    );
    let _ = writeln!(
        out,
        "    <prop type=\"x-tilmash-profile\">{}</prop>",
        opts.profile.name()
    );
    out.push_str("  </header>\n  <body>\n");
    out
}

/// One unit's `<tu>` (nothing for a unit with an empty side).
pub fn tmx_unit(out: &mut String, u: &JsonlUnit, opts: &TmxOptions) {
    let per_unit_dates = matches!(opts.profile, TmxProfile::Trados | TmxProfile::Memoq);
    let (src, tgt) = (escape(u.src.trim()), escape(u.tgt.trim()));
    if src.is_empty() || tgt.is_empty() {
        return;
    }
    let mut attrs = format!("tuid=\"{}\"", escape(&u.id));
    if per_unit_dates {
        let _ = write!(
            attrs,
            " creationdate=\"{}\" creationid=\"tilmash\"",
            escape(&opts.creation_date)
        );
    }
    if let Some(r) = u.review.as_ref().filter(|r| !r.reviewer.is_empty()) {
        let _ = write!(attrs, " changeid=\"{}\"", escape(&r.reviewer));
    }
    let _ = writeln!(out, "    <tu {attrs}>");
    let mut p = Props {
        out: &mut *out,
        trados: opts.profile == TmxProfile::Trados,
    };
    p.add("x-score", &format!("{:.4}", u.score), false);
    p.add("x-type", unit_type_name(u.unit_type), false);
    p.add("x-bead", &u.bead, false);
    p.add("x-src-doc", &u.src_doc, false);
    p.add("x-src-sentences", &join_indices(&u.src_sentences), false);
    p.add("x-tgt-doc", &u.tgt_doc, false);
    p.add("x-tgt-sentences", &join_indices(&u.tgt_sentences), false);
    if u.score < opts.flag_below {
        p.add("x-flag", "low-confidence", false);
    }
    if let Some(s) = &u.split {
        p.add("x-split", s, false);
    }
    for d in &u.duplicates {
        p.add(
            "x-duplicate",
            &format!(
                "{}#{} = {}#{} ({}, {:.4})",
                d.src_doc,
                join_indices(&d.src_sentences),
                d.tgt_doc,
                join_indices(&d.tgt_sentences),
                d.dedup,
                d.score
            ),
            true,
        );
    }
    match &u.review {
        None => p.add("x-review", "unreviewed", false),
        Some(r) => {
            p.add("x-review", &r.state, false);
            if !r.reviewer.is_empty() {
                p.add("x-reviewer", &r.reviewer, false);
            }
            if let Some(o) = &r.original_src {
                p.add("x-original-src", o, false);
            }
            if let Some(o) = &r.original_tgt {
                p.add("x-original-tgt", o, false);
            }
        }
    }
    for (lang, text) in [(u.src_lang, &src), (u.tgt_lang, &tgt)] {
        let _ = writeln!(
            out,
            "      <tuv xml:lang=\"{}\"><seg>{}</seg></tuv>",
            opts.lang_codes.tag(lang),
            text
        );
    }
    out.push_str("    </tu>\n");
}

/// Renders aligner units (no filters, no dedup); returns the text and the number of units.
pub fn write_tmx(units: &[TranslationUnit], opts: &TmxOptions) -> (String, usize) {
    let mut out = Vec::new();
    let n =
        stream_tmx(units.iter().cloned(), opts, &mut out).expect("writing to a Vec cannot fail");
    (
        String::from_utf8(out).expect("TMX is built from strings"),
        n,
    )
}

/// Writes aligner units to `w` as they come, one `<tu>` at a time, so a large alignment never
/// sits in memory as one document; returns the number of units written.
pub fn stream_tmx<W: std::io::Write>(
    units: impl Iterator<Item = TranslationUnit>,
    opts: &TmxOptions,
    w: &mut W,
) -> std::io::Result<usize> {
    let mut buf = tmx_head(opts);
    let mut n = 0;
    for u in units {
        let before = buf.len();
        tmx_unit(&mut buf, &JsonlUnit::from(&u), opts);
        // `tmx_unit` writes nothing for a side that escapes to nothing (fuzz tmx_roundtrip: a
        // side of only control characters), so the count follows what was written.
        n += usize::from(buf.len() > before);
        if buf.len() >= 1 << 16 {
            w.write_all(buf.as_bytes())?;
            buf.clear();
        }
    }
    buf.push_str(TMX_TAIL);
    w.write_all(buf.as_bytes())?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::UnitSide;

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
    fn streaming_over_many_buffers_writes_every_unit_once_and_counts_only_written_ones() {
        let opts = TmxOptions::simple(Lang::Ru, Lang::En, "t", &[]);
        let mut units: Vec<TranslationUnit> = (0..3000)
            .map(|k| {
                unit(
                    &format!("предложение номер {k}"),
                    &format!("sentence number {k}"),
                )
            })
            .collect();
        units.insert(1500, unit("\u{1}\u{2}", "z"));
        let mut out = Vec::new();
        let n = stream_tmx(units.into_iter(), &opts, &mut out).unwrap();
        let xml = String::from_utf8(out).unwrap();
        assert!(
            xml.len() > 4 << 16,
            "the test must cross several buffer flushes"
        );
        assert_eq!(n, 3000);
        assert_eq!(xml.matches("<tu ").count(), 3000);
        assert!(xml.contains("<seg>sentence number 2999</seg>"));
        assert!(xml.ends_with(TMX_TAIL));
    }

    #[test]
    fn escapes_and_skips_empty() {
        let opts = TmxOptions::simple(Lang::Ru, Lang::En, "t", &[]);
        let (xml, n) = write_tmx(&[unit("a < b & \u{1}c", "x \"y\""), unit("  ", "z")], &opts);
        assert_eq!(n, 1);
        assert!(xml.contains("<seg>a &lt; b &amp; c</seg>"));
        assert!(xml.contains("<seg>x &quot;y&quot;</seg>"));
        assert!(xml.contains("xml:lang=\"ru\""));
        assert!(!xml.contains("low-confidence"));
        assert!(xml.contains("<prop type=\"x-review\">unreviewed</prop>"));
    }

    #[test]
    fn trados_profile_uses_regions_typed_fields_and_unit_dates() {
        let mut opts = TmxOptions::simple(Lang::Ru, Lang::En, "t", &[]);
        opts.profile = TmxProfile::Trados;
        opts.lang_codes = LangCodes::Region;
        opts.creation_date = "20260101T000000Z".into();
        let (xml, _) = write_tmx(&[unit("а", "b")], &opts);
        assert!(xml.contains("srclang=\"ru-RU\""));
        assert!(xml.contains("<tuv xml:lang=\"en-US\">"));
        assert!(xml.contains("<prop type=\"x-score:SingleString\">0.9000</prop>"));
        assert!(xml.contains("creationdate=\"20260101T000000Z\" creationid=\"tilmash\">"));
        let ru = xml.find("xml:lang=\"ru-RU\"").unwrap();
        let en = xml.find("xml:lang=\"en-US\"").unwrap();
        assert!(ru < en, "source tuv first");
    }
}
