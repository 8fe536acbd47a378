//! Checks a TMX file from any tool: well-formed XML, the rules of the TMX 1.4 DTD (elements,
//! their order, required and enumerated attributes), `xml:lang` on every `<tuv>`, known
//! language codes (BCP 47 subtags from ISO 639 / 15924 / 3166, tables in `data/export/`),
//! empty and duplicate units, dates, and the segment length limit of a profile.
//!
//! Entities are never expanded: the DOCTYPE is not read, a DOCTYPE that declares entities is
//! itself reported, and a reference to anything but the five XML entities and character
//! references is reported rather than resolved — so entity bombs and external entities are inert.

use super::config::{is_tmx_date, TmxProfile};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

/// Reports beyond this many are summarised in one line, so a broken million-unit file does not
/// print a million lines.
const MAX_PROBLEMS: usize = 500;

fn table(text: &'static str) -> HashSet<String> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split('\t').next())
        .map(|c| c.trim().to_ascii_lowercase())
        .collect()
}

fn languages() -> &'static HashSet<String> {
    static T: OnceLock<HashSet<String>> = OnceLock::new();
    T.get_or_init(|| table(include_str!("../../data/export/languages.tsv")))
}
fn regions() -> &'static HashSet<String> {
    static T: OnceLock<HashSet<String>> = OnceLock::new();
    T.get_or_init(|| table(include_str!("../../data/export/regions.tsv")))
}
fn scripts() -> &'static HashSet<String> {
    static T: OnceLock<HashSet<String>> = OnceLock::new();
    T.get_or_init(|| table(include_str!("../../data/export/scripts.tsv")))
}

/// Checks a language tag against BCP 47's shape and the ISO code tables; returns why not.
pub fn check_lang_tag(tag: &str) -> Result<(), String> {
    if tag.contains('_') {
        return Err(format!(
            "language code \"{tag}\" uses '_'; BCP 47 uses '-' (e.g. {})",
            tag.replace('_', "-")
        ));
    }
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("").to_ascii_lowercase();
    let private = primary == "x" || primary == "i";
    let reserved = primary.len() == 3 && ("qaa"..="qtz").contains(&primary.as_str());
    if !private && !reserved && !languages().contains(&primary) {
        return Err(format!(
            "unknown language code \"{tag}\" (\"{primary}\" is not an ISO 639 code)"
        ));
    }
    for sub in parts {
        let low = sub.to_ascii_lowercase();
        if private || low == "x" {
            return Ok(());
        }
        let ok = match sub.len() {
            2 if sub.chars().all(|c| c.is_ascii_alphabetic()) => regions().contains(&low),
            3 if sub.chars().all(|c| c.is_ascii_digit()) => true,
            4 if sub.chars().all(|c| c.is_ascii_alphabetic()) => scripts().contains(&low),
            5..=8 => sub.chars().all(|c| c.is_ascii_alphanumeric()),
            4 => sub.starts_with(|c: char| c.is_ascii_digit()),
            _ => false,
        };
        if !ok {
            return Err(format!(
                "unknown language code \"{tag}\" (subtag \"{sub}\" is not a known region, script or variant)"
            ));
        }
    }
    Ok(())
}

fn primary(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// What the DTD says about an element: attributes (name, required), allowed children, text.
struct Spec {
    attrs: &'static [(&'static str, bool)],
    children: &'static [&'static str],
    text: bool,
}

const DATES: [&str; 3] = ["creationdate", "changedate", "lastusagedate"];
const INLINE: &[&str] = &["bpt", "ept", "ph", "it", "hi", "ut"];

fn spec(name: &str) -> Option<Spec> {
    const TU_ATTRS: &[(&str, bool)] = &[
        ("tuid", false),
        ("o-encoding", false),
        ("datatype", false),
        ("usagecount", false),
        ("lastusagedate", false),
        ("creationtool", false),
        ("creationtoolversion", false),
        ("creationdate", false),
        ("creationid", false),
        ("changedate", false),
        ("segtype", false),
        ("changeid", false),
        ("o-tmf", false),
        ("srclang", false),
    ];
    Some(match name {
        "tmx" => Spec {
            attrs: &[("version", true)],
            children: &["header", "body"],
            text: false,
        },
        "header" => Spec {
            attrs: &[
                ("creationtool", true),
                ("creationtoolversion", true),
                ("segtype", true),
                ("o-tmf", true),
                ("adminlang", true),
                ("srclang", true),
                ("datatype", true),
                ("o-encoding", false),
                ("creationdate", false),
                ("creationid", false),
                ("changedate", false),
                ("changeid", false),
            ],
            children: &["note", "prop", "ude"],
            text: false,
        },
        "body" => Spec {
            attrs: &[],
            children: &["tu"],
            text: false,
        },
        "note" => Spec {
            attrs: &[("o-encoding", false), ("xml:lang", false), ("lang", false)],
            children: &[],
            text: true,
        },
        "ude" => Spec {
            attrs: &[("name", true), ("base", false)],
            children: &["map"],
            text: false,
        },
        "map" => Spec {
            attrs: &[
                ("unicode", true),
                ("code", false),
                ("ent", false),
                ("subst", false),
            ],
            children: &[],
            text: false,
        },
        "prop" => Spec {
            attrs: &[
                ("type", true),
                ("xml:lang", false),
                ("o-encoding", false),
                ("lang", false),
            ],
            children: &[],
            text: true,
        },
        "tu" => Spec {
            attrs: TU_ATTRS,
            children: &["note", "prop", "tuv"],
            text: false,
        },
        "tuv" => Spec {
            attrs: &[
                ("xml:lang", true),
                ("o-encoding", false),
                ("datatype", false),
                ("usagecount", false),
                ("lastusagedate", false),
                ("creationtool", false),
                ("creationtoolversion", false),
                ("creationdate", false),
                ("creationid", false),
                ("changedate", false),
                ("o-tmf", false),
                ("changeid", false),
                ("lang", false),
            ],
            children: &["note", "prop", "seg"],
            text: false,
        },
        "seg" => Spec {
            attrs: &[],
            children: INLINE,
            text: true,
        },
        "bpt" => Spec {
            attrs: &[("i", true), ("x", false), ("type", false)],
            children: &["sub"],
            text: true,
        },
        "ept" => Spec {
            attrs: &[("i", true)],
            children: &["sub"],
            text: true,
        },
        "sub" => Spec {
            attrs: &[("datatype", false), ("type", false)],
            children: INLINE,
            text: true,
        },
        "it" => Spec {
            attrs: &[("pos", true), ("x", false), ("type", false)],
            children: &["sub"],
            text: true,
        },
        "ph" => Spec {
            attrs: &[("x", false), ("assoc", false), ("type", false)],
            children: &["sub"],
            text: true,
        },
        "hi" => Spec {
            attrs: &[("x", false), ("type", false)],
            children: INLINE,
            text: true,
        },
        "ut" => Spec {
            attrs: &[("x", false)],
            children: &["sub"],
            text: true,
        },
        _ => return None,
    })
}

/// Checks the order the DTD requires of an element's children; returns why not.
fn check_sequence(name: &str, children: &[String]) -> Option<String> {
    let names: Vec<&str> = children.iter().map(String::as_str).collect();
    match name {
        "tmx" if names != ["header", "body"] => {
            Some("<tmx> must contain <header> then <body>".into())
        }
        "ude" if names.is_empty() => Some("<ude> needs at least one <map>".into()),
        "tu" | "tuv" => {
            let last = if name == "tu" { "tuv" } else { "seg" };
            let first_main = names.iter().position(|n| *n == last);
            match first_main {
                None => Some(format!("<{name}> has no <{last}>")),
                Some(i) => {
                    if names[i..].iter().any(|n| *n != last) {
                        Some(format!(
                            "<{name}>: <note> and <prop> must come before <{last}>"
                        ))
                    } else if name == "tuv" && names.len() - i > 1 {
                        Some("<tuv> must contain exactly one <seg>".into())
                    } else {
                        None
                    }
                }
            }
        }
        _ => None,
    }
}

struct Frame {
    name: String,
    line: usize,
    children: Vec<String>,
}

#[derive(Default)]
struct TuState {
    line: usize,
    srclang: Option<String>,
    tuvs: Vec<(String, usize)>,
    segs: Vec<(String, String, usize)>,
}

struct Lines<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
}

impl Lines<'_> {
    /// Line of byte `pos`; positions are asked in increasing order, so this is linear overall.
    fn at(&mut self, pos: usize) -> usize {
        let pos = pos.min(self.bytes.len());
        if pos < self.pos {
            return 1 + self.bytes[..pos].iter().filter(|&&b| b == b'\n').count();
        }
        self.line += self.bytes[self.pos..pos]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.pos = pos;
        self.line
    }
}

struct Checker {
    problems: Vec<Problem>,
    dropped: usize,
}

impl Checker {
    fn add(&mut self, line: usize, message: impl Into<String>) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(Problem {
                line,
                message: message.into(),
            });
        } else {
            self.dropped += 1;
        }
    }

    /// Resolves the five XML entities and character references in raw text; anything else is
    /// reported, never expanded.
    fn unescape(&mut self, raw: &str, line: usize) -> String {
        let mut out = String::with_capacity(raw.len());
        let mut rest = raw;
        while let Some(i) = rest.find('&') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let Some(end) = after.find(';').filter(|&e| e <= 40) else {
                self.add(line, "a bare '&' (write &amp;)");
                out.push('&');
                rest = after;
                continue;
            };
            let name = &after[..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "apos" => Some('\''),
                "quot" => Some('"'),
                _ if name.starts_with("#x") || name.starts_with("#X") => {
                    u32::from_str_radix(&name[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                }
                _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
                _ => {
                    self.add(
                        line,
                        format!("reference to the entity &{name}; — only &amp; &lt; &gt; &apos; &quot; exist in TMX (entities are not expanded)"),
                    );
                    None
                }
            };
            match c {
                Some(c) if forbidden(c) => {
                    self.add(
                        line,
                        format!("character reference &{name}; is a character XML 1.0 forbids"),
                    );
                }
                Some(c) => out.push(c),
                None if name.starts_with('#') => {
                    self.add(line, format!("bad character reference &{name};"));
                }
                None => {}
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }
}

fn forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// Validates TMX bytes; returns the problems found and the number of `<tu>` elements.
pub fn validate_tmx(bytes: &[u8]) -> (Vec<Problem>, usize) {
    validate_tmx_profile(bytes, TmxProfile::Generic)
}

/// Validates TMX bytes, with the segment length limit of `profile`.
pub fn validate_tmx_profile(bytes: &[u8], profile: TmxProfile) -> (Vec<Problem>, usize) {
    let mut ck = Checker {
        problems: Vec::new(),
        dropped: 0,
    };
    let mut lines = Lines {
        bytes,
        pos: 0,
        line: 1,
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = lines.at(e.valid_up_to());
            let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
            ck.add(
                line,
                if utf16 {
                    "file is UTF-16; tilmash validates UTF-8 TMX (convert with iconv -f UTF-16 -t UTF-8)".to_string()
                } else {
                    format!("not valid UTF-8 at byte {}", e.valid_up_to())
                },
            );
            return (ck.problems, 0);
        }
    };
    let mut raw_lines = Lines {
        bytes,
        pos: 0,
        line: 1,
    };
    for (i, c) in text.char_indices() {
        if forbidden(c) {
            let line = raw_lines.at(i);
            ck.add(
                line,
                format!("character U+{:04X} is not allowed in XML 1.0", c as u32),
            );
        }
    }
    let limit = profile.max_segment_chars();
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Frame> = Vec::new();
    let mut tu_count = 0;
    let mut tu: Option<TuState> = None;
    let mut seg_text = String::new();
    let mut seg_line = 0;
    let mut tuv_lang = String::new();
    let mut header_srclang: Option<String> = None;
    let mut seen_root = false;
    let mut tuids: HashMap<String, usize> = HashMap::new();
    let mut contents: HashMap<Vec<(String, String)>, usize> = HashMap::new();
    loop {
        let pos = reader.buffer_position() as usize;
        let ev = reader.read_event();
        let line = lines.at(pos);
        match ev {
            Err(e) => {
                let at = lines.at(reader.error_position() as usize);
                ck.add(at, format!("not well-formed XML: {e}"));
                break;
            }
            Ok(Event::Eof) => {
                if let Some(open) = stack.last() {
                    ck.add(
                        open.line,
                        format!("not well-formed XML: <{}> is never closed", open.name),
                    );
                }
                break;
            }
            Ok(Event::DocType(d)) => {
                let body = String::from_utf8_lossy(d.as_ref()).into_owned();
                if body.contains("<!ENTITY") {
                    ck.add(line, "the DOCTYPE declares entities; tilmash does not expand them and a TMX needs none (this is how entity bombs and external-file entities work)");
                }
            }
            Ok(ref e @ (Event::Start(_) | Event::Empty(_))) => {
                let (start, is_empty): (&BytesStart, bool) = match e {
                    Event::Start(s) => (s, false),
                    Event::Empty(s) => (s, true),
                    _ => unreachable!(),
                };
                let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(name.clone());
                    match spec(&parent.name) {
                        Some(ps) if !ps.children.contains(&name.as_str()) => ck.add(
                            line,
                            format!("<{name}> is not allowed inside <{}>", parent.name),
                        ),
                        _ => {}
                    }
                } else if seen_root {
                    ck.add(line, "more than one root element");
                } else {
                    seen_root = true;
                    if name != "tmx" {
                        ck.add(line, format!("root element is <{name}>, not <tmx>"));
                    }
                }
                let mut attrs: Vec<(String, String)> = Vec::new();
                for a in start.attributes() {
                    match a {
                        Ok(a) => {
                            let k = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                            let raw = String::from_utf8_lossy(&a.value).into_owned();
                            let v = ck.unescape(&raw, line);
                            attrs.push((k, v));
                        }
                        Err(e) => ck.add(line, format!("not well-formed XML: {e}")),
                    }
                }
                let attr = |k: &str| attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
                match spec(&name) {
                    None => ck.add(line, format!("<{name}> is not a TMX 1.4 element")),
                    Some(s) => {
                        for (k, required) in s.attrs {
                            if *required && attr(k).is_none() {
                                ck.add(line, format!("<{name}> lacks the required attribute {k}"));
                            }
                        }
                        for (k, _) in &attrs {
                            if !s.attrs.iter().any(|(a, _)| a == k) && !k.starts_with("xmlns") {
                                ck.add(line, format!("<{name}> has no attribute {k} in TMX 1.4"));
                            }
                        }
                    }
                }
                for d in DATES {
                    if let Some(v) = attr(d) {
                        if !is_tmx_date(&v) {
                            ck.add(line, format!("{d}=\"{v}\" is not YYYYMMDDThhmmssZ (UTC)"));
                        }
                    }
                }
                if let Some(seg) = attr("segtype") {
                    if !["block", "paragraph", "sentence", "phrase"].contains(&seg.as_str()) {
                        ck.add(
                            line,
                            format!(
                                "segtype=\"{seg}\" is not block, paragraph, sentence or phrase"
                            ),
                        );
                    }
                }
                match name.as_str() {
                    "tmx" if attr("version").is_some_and(|v| v != "1.4") => {
                        ck.add(line, "<tmx> must have version=\"1.4\" (fixed by the DTD)");
                    }
                    "header" => {
                        if let Some(l) = attr("srclang") {
                            if l != "*all*" {
                                if let Err(m) = check_lang_tag(&l) {
                                    ck.add(line, format!("srclang: {m}"));
                                }
                            }
                            header_srclang = Some(l);
                        }
                        if let Some(l) = attr("adminlang") {
                            if let Err(m) = check_lang_tag(&l) {
                                ck.add(line, format!("adminlang: {m}"));
                            }
                        }
                    }
                    "tu" => {
                        tu_count += 1;
                        if let Some(id) = attr("tuid") {
                            if let Some(first) = tuids.get(&id) {
                                ck.add(
                                    line,
                                    format!("duplicate tuid \"{id}\" (first at line {first})"),
                                );
                            } else {
                                tuids.insert(id, line);
                            }
                        }
                        let srclang = attr("srclang");
                        if let Some(l) = srclang.as_deref().filter(|l| *l != "*all*") {
                            if let Err(m) = check_lang_tag(l) {
                                ck.add(line, format!("srclang: {m}"));
                            }
                        }
                        tu = Some(TuState {
                            line,
                            srclang,
                            ..Default::default()
                        });
                    }
                    "tuv" => {
                        let lang = attr("xml:lang");
                        match &lang {
                            None if attr("lang").is_some() => {
                                ck.add(line, "<tuv> has the deprecated lang but no xml:lang")
                            }
                            None => {}
                            Some(l) => {
                                if let Err(m) = check_lang_tag(l) {
                                    ck.add(line, m);
                                }
                            }
                        }
                        tuv_lang = lang.unwrap_or_default();
                        if let Some(t) = tu.as_mut() {
                            if let Some((_, first)) = t
                                .tuvs
                                .iter()
                                .find(|(l, _)| l.eq_ignore_ascii_case(&tuv_lang))
                            {
                                ck.add(
                                    line,
                                    format!(
                                        "a second <tuv> in language \"{tuv_lang}\" (first at line {first})"
                                    ),
                                );
                            }
                            t.tuvs.push((tuv_lang.clone(), line));
                        }
                    }
                    "seg" => {
                        seg_text.clear();
                        seg_line = line;
                    }
                    "it" => {
                        if let Some(p) = attr("pos") {
                            if p != "begin" && p != "end" {
                                ck.add(line, format!("<it pos=\"{p}\">: pos must be begin or end"));
                            }
                        }
                    }
                    _ => {}
                }
                if is_empty {
                    close(
                        &mut ck,
                        &name,
                        line,
                        &[],
                        &mut CloseCtx {
                            tu: &mut tu,
                            seg_text: &seg_text,
                            seg_line,
                            tuv_lang: &tuv_lang,
                            header_srclang: header_srclang.as_deref(),
                            contents: &mut contents,
                            limit,
                            profile,
                        },
                    );
                } else {
                    stack.push(Frame {
                        name,
                        line,
                        children: Vec::new(),
                    });
                }
            }
            Ok(Event::Text(t)) => {
                let raw = String::from_utf8_lossy(t.as_ref()).into_owned();
                let value = ck.unescape(&raw, line);
                match stack.last() {
                    None => {
                        if !value.trim().is_empty() {
                            ck.add(line, "text outside the root element");
                        }
                    }
                    Some(f) => {
                        let allows_text = spec(&f.name).is_none_or(|s| s.text);
                        if !allows_text && !value.trim().is_empty() {
                            ck.add(
                                line,
                                format!("text is not allowed directly inside <{}>", f.name),
                            );
                        }
                        let in_code = stack
                            .iter()
                            .any(|f| matches!(f.name.as_str(), "bpt" | "ept" | "it" | "ph" | "ut"));
                        if stack.iter().any(|f| f.name == "seg") && !in_code {
                            seg_text.push_str(&value);
                        }
                    }
                }
            }
            Ok(Event::CData(c)) => {
                if stack.iter().any(|f| f.name == "seg") {
                    seg_text.push_str(&String::from_utf8_lossy(c.as_ref()));
                }
            }
            Ok(Event::End(_)) => {
                if let Some(f) = stack.pop() {
                    close(
                        &mut ck,
                        &f.name,
                        f.line,
                        &f.children,
                        &mut CloseCtx {
                            tu: &mut tu,
                            seg_text: &seg_text,
                            seg_line,
                            tuv_lang: &tuv_lang,
                            header_srclang: header_srclang.as_deref(),
                            contents: &mut contents,
                            limit,
                            profile,
                        },
                    );
                }
            }
            Ok(_) => {}
        }
    }
    if !seen_root && ck.problems.is_empty() {
        ck.add(1, "no <tmx> root element");
    }
    if ck.dropped > 0 {
        let line = ck.problems.last().map(|p| p.line).unwrap_or(1);
        let n = ck.dropped;
        ck.problems.push(Problem {
            line,
            message: format!("… and {n} more problems"),
        });
    }
    (ck.problems, tu_count)
}

struct CloseCtx<'a> {
    tu: &'a mut Option<TuState>,
    seg_text: &'a str,
    seg_line: usize,
    tuv_lang: &'a str,
    header_srclang: Option<&'a str>,
    contents: &'a mut HashMap<Vec<(String, String)>, usize>,
    limit: Option<usize>,
    profile: TmxProfile,
}

fn close(ck: &mut Checker, name: &str, line: usize, children: &[String], cx: &mut CloseCtx) {
    if let Some(m) = check_sequence(name, children) {
        ck.add(line, m);
    }
    match name {
        "seg" => {
            let n = cx.seg_text.chars().count();
            if cx.seg_text.trim().is_empty() {
                ck.add(cx.seg_line, "empty <seg>");
            }
            if let Some(limit) = cx.limit.filter(|&l| n > l) {
                ck.add(
                    cx.seg_line,
                    format!(
                        "segment of {n} characters is over the {} limit of {limit}",
                        cx.profile.name()
                    ),
                );
            }
            if let Some(t) = cx.tu.as_mut() {
                t.segs.push((
                    cx.tuv_lang.to_ascii_lowercase(),
                    cx.seg_text.trim().to_string(),
                    cx.seg_line,
                ));
            }
        }
        "tu" => {
            let Some(t) = cx.tu.take() else { return };
            if t.tuvs.len() < 2 {
                ck.add(
                    t.line,
                    format!(
                        "<tu> with {} <tuv> (a translation unit needs two languages)",
                        t.tuvs.len()
                    ),
                );
            }
            let src = t
                .srclang
                .as_deref()
                .or(cx.header_srclang)
                .filter(|l| *l != "*all*");
            if let Some(src) = src {
                if !t.tuvs.iter().any(|(l, _)| primary(l) == primary(src)) {
                    ck.add(t.line, format!("no <tuv> in the source language \"{src}\""));
                }
            }
            if t.segs.iter().all(|(_, s, _)| !s.is_empty()) && t.segs.len() >= 2 {
                let mut key: Vec<(String, String)> = t
                    .segs
                    .iter()
                    .map(|(l, s, _)| (l.clone(), s.clone()))
                    .collect();
                key.sort();
                if let Some(first) = cx.contents.get(&key) {
                    ck.add(
                        t.line,
                        format!("duplicate unit: the same texts as the unit at line {first}"),
                    );
                } else {
                    cx.contents.insert(key, t.line);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"<?xml version="1.0"?><tmx version="1.4"><header creationtool="a" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="kk" datatype="plaintext"/><body><tu><tuv xml:lang="kk"><seg>a</seg></tuv><tuv xml:lang="en"><seg>b</seg></tuv></tu></body></tmx>"#;

    fn messages(xml: &str) -> Vec<String> {
        validate_tmx(xml.as_bytes())
            .0
            .into_iter()
            .map(|p| p.message)
            .collect()
    }

    #[test]
    fn finds_missing_lang_and_bad_xml() {
        let (p, n) = validate_tmx(GOOD.as_bytes());
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(n, 1);
        let bad = GOOD.replace("<tuv xml:lang=\"en\">", "<tuv>");
        assert!(messages(&bad).iter().any(|m| m.contains("xml:lang")));
        let (p, _) = validate_tmx(b"<tmx version=\"1.4\"><body>");
        assert!(!p.is_empty());
    }

    #[test]
    fn dtd_rules_codes_and_duplicates() {
        let m = messages(&GOOD.replace("segtype=\"sentence\"", "segtype=\"line\""));
        assert!(m.iter().any(|m| m.contains("segtype=\"line\"")), "{m:?}");
        let m = messages(&GOOD.replace(
            "<tuv xml:lang=\"kk\"><seg>a</seg></tuv>",
            "<tuv xml:lang=\"kk\"><seg>a</seg></tuv><prop type=\"x\">1</prop>",
        ));
        assert!(m.iter().any(|m| m.contains("must come before")), "{m:?}");
        let m = messages(&GOOD.replace("xml:lang=\"en\"", "xml:lang=\"zz-QQ\""));
        assert!(
            m.iter().any(|m| m.contains("unknown language code")),
            "{m:?}"
        );
        assert!(check_lang_tag("kk-Cyrl-KZ").is_ok());
        assert!(check_lang_tag("EN-us").is_ok());
        assert!(check_lang_tag("kk_KZ").is_err());
        let unit = "<tu><tuv xml:lang=\"kk\"><seg>a</seg></tuv><tuv xml:lang=\"en\"><seg>b</seg></tuv></tu>";
        let m = messages(&GOOD.replace("</body>", &format!("{unit}</body>")));
        assert!(m.iter().any(|m| m.contains("duplicate unit")), "{m:?}");
        let m = messages(&GOOD.replace("<seg>b</seg>", "<seg> </seg>"));
        assert!(m.iter().any(|m| m.contains("empty <seg>")), "{m:?}");
        let m = messages(&GOOD.replace("<header ", "<header creationdate=\"2025-01-01\" "));
        assert!(m.iter().any(|m| m.contains("YYYYMMDDThhmmssZ")), "{m:?}");
    }

    #[test]
    fn entities_are_reported_not_expanded() {
        let bomb = GOOD.replace(
            "<tmx version",
            "<!DOCTYPE tmx [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>\n<tmx version",
        ).replace("<seg>a</seg>", "<seg>&c;</seg>");
        let m = messages(&bomb);
        assert!(m.iter().any(|m| m.contains("declares entities")), "{m:?}");
        assert!(m.iter().any(|m| m.contains("&c;")), "{m:?}");
        let m = messages(&GOOD.replace("<seg>a</seg>", "<seg>a&#1;</seg>"));
        assert!(m.iter().any(|m| m.contains("forbids")), "{m:?}");
    }

    #[test]
    fn trados_limit_and_line_numbers() {
        let long = "x ".repeat(1100);
        let xml = GOOD
            .replace("<body>", "<body>\n\n")
            .replace("<seg>b</seg>", &format!("<seg>{long}</seg>"));
        let (p, _) = validate_tmx_profile(xml.as_bytes(), TmxProfile::Trados);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].line, 3);
        assert!(p[0].message.contains("limit of 2000"));
        assert!(validate_tmx(xml.as_bytes()).0.is_empty());
    }
}
