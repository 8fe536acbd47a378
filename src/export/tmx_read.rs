//! A minimal TMX reader: the units and the text of each `<seg>`, read the way a conformant XML
//! parser reads them. Used by the round-trip fuzz target and the tests (what tilmash writes must
//! read back as the same text); not a general TMX library.
//!
//! Safety with untrusted files: quick-xml never reads the DTD, so no entity is ever expanded —
//! neither internal ones (no "billion laughs") nor external ones (no file or network access).
//! A reference to an entity other than the five XML predefined ones is an error, not an empty
//! string.

use quick_xml::events::Event;
use quick_xml::Reader;

/// One `<tu>`: its props and its variants as (`xml:lang`, segment text).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TmxUnit {
    pub tuid: Option<String>,
    pub props: Vec<(String, String)>,
    pub variants: Vec<(String, String)>,
}

/// XML 1.0 §2.11: a parser turns every `\r\n` and lone `\r` in the document into `\n` (a `\r`
/// written as `&#13;` survives).
fn normalize_eol(raw: &str) -> std::borrow::Cow<'_, str> {
    if raw.contains('\r') {
        raw.replace("\r\n", "\n").replace('\r', "\n").into()
    } else {
        raw.into()
    }
}

fn text_of(raw: &[u8], pos: u64) -> Result<String, String> {
    let s = std::str::from_utf8(raw).map_err(|e| format!("byte {pos}: not UTF-8 ({e})"))?;
    quick_xml::escape::unescape(&normalize_eol(s))
        .map(|c| c.into_owned())
        .map_err(|e| format!("byte {pos}: {e} (entities other than the XML ones are not expanded)"))
}

fn attr(e: &quick_xml::events::BytesStart, key: &[u8]) -> Result<Option<String>, String> {
    for a in e.attributes() {
        let a = a.map_err(|err| format!("bad attribute: {err}"))?;
        if a.key.as_ref() == key {
            let v = a
                .unescape_value()
                .map_err(|err| format!("bad attribute value: {err}"))?;
            return Ok(Some(v.into_owned()));
        }
    }
    Ok(None)
}

/// Reads every `<tu>` of a TMX document. Errors name the byte offset of the problem.
pub fn read_tmx(bytes: &[u8]) -> Result<Vec<TmxUnit>, String> {
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().check_end_names = true;
    let mut units = Vec::new();
    let mut unit: Option<TmxUnit> = None;
    let mut lang: Option<String> = None;
    // Text being collected: a `<seg>` (depth of inline codes to skip) or a `<prop>`.
    let mut seg: Option<String> = None;
    let mut prop: Option<(String, String)> = None;
    let mut skip_depth = 0usize;
    let mut buf = Vec::new();
    loop {
        let pos = reader.buffer_position();
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("byte {}: not well-formed XML: {e}", reader.error_position()))?;
        match ev {
            Event::Eof => break,
            Event::Start(e) => match e.name().as_ref() {
                b"tu" => {
                    unit = Some(TmxUnit {
                        tuid: attr(&e, b"tuid")?,
                        ..Default::default()
                    })
                }
                b"tuv" => lang = attr(&e, b"xml:lang")?.or(attr(&e, b"lang")?),
                b"seg" if unit.is_some() => seg = Some(String::new()),
                b"prop" if unit.is_some() && seg.is_none() => {
                    prop = Some((attr(&e, b"type")?.unwrap_or_default(), String::new()))
                }
                // Native codes inside a segment are markup, not text.
                b"bpt" | b"ept" | b"ph" | b"it" | b"ut" if seg.is_some() => skip_depth += 1,
                _ if skip_depth > 0 => skip_depth += 1,
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                b"tu" => {
                    if let Some(u) = unit.take() {
                        units.push(u)
                    }
                }
                b"seg" => {
                    if let (Some(u), Some(text)) = (unit.as_mut(), seg.take()) {
                        u.variants.push((lang.clone().unwrap_or_default(), text));
                    }
                }
                b"prop" => {
                    if let (Some(u), Some(p)) = (unit.as_mut(), prop.take()) {
                        u.props.push(p);
                    }
                }
                _ if skip_depth > 0 => skip_depth -= 1,
                _ => {}
            },
            Event::Text(t) if skip_depth == 0 => {
                let text = text_of(t.as_ref(), pos)?;
                if let Some(s) = seg.as_mut() {
                    s.push_str(&text);
                } else if let Some((_, v)) = prop.as_mut() {
                    v.push_str(&text);
                }
            }
            Event::CData(t) if skip_depth == 0 => {
                let raw = std::str::from_utf8(t.as_ref())
                    .map_err(|e| format!("byte {pos}: not UTF-8 ({e})"))?;
                let text = normalize_eol(raw);
                if let Some(s) = seg.as_mut() {
                    s.push_str(&text);
                } else if let Some((_, v)) = prop.as_mut() {
                    v.push_str(&text);
                }
            }
            _ => {}
        }
        buf.clear();
    }
    Ok(units)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_segments_and_props() {
        let xml = b"<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header/><body>\
            <tu tuid=\"7\"><prop type=\"x-score\">0.9</prop>\
            <tuv xml:lang=\"ru\"><seg>a &lt; b&#13;\r\nc<ph>{1}</ph>!</seg></tuv>\
            <tuv xml:lang=\"en\"><seg><![CDATA[x & y]]></seg></tuv></tu></body></tmx>";
        let units = read_tmx(xml).unwrap();
        assert_eq!(units.len(), 1);
        assert_eq!(units[0].tuid.as_deref(), Some("7"));
        assert_eq!(units[0].props, vec![("x-score".into(), "0.9".into())]);
        assert_eq!(units[0].variants[0], ("ru".into(), "a < b\r\nc!".into()));
        assert_eq!(units[0].variants[1], ("en".into(), "x & y".into()));
    }

    #[test]
    fn entities_are_never_expanded() {
        let bomb = b"<?xml version=\"1.0\"?><!DOCTYPE tmx [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>\
            <tmx><body><tu><tuv xml:lang=\"en\"><seg>&b;</seg></tuv></tu></body></tmx>";
        assert!(read_tmx(bomb).is_err());
        let ext =
            b"<?xml version=\"1.0\"?><!DOCTYPE tmx [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\
            <tmx><body><tu><tuv xml:lang=\"en\"><seg>&x;</seg></tuv></tu></body></tmx>";
        let e = read_tmx(ext).unwrap_err();
        assert!(!e.contains("root:"), "{e}");
    }
}
