//! Checks a TMX file from any tool: well-formed XML, the structure the TMX 1.4 DTD requires,
//! `xml:lang` on every `<tuv>`, known language codes, and empty units. Entities are never
//! expanded (quick-xml does not resolve DTDs), so entity bombs and external entities are inert.

use quick_xml::events::Event;
use quick_xml::Reader;

#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

const HEADER_REQUIRED: [&str; 7] = [
    "creationtool",
    "creationtoolversion",
    "segtype",
    "o-tmf",
    "adminlang",
    "srclang",
    "datatype",
];

fn line_of(text: &[u8], pos: usize) -> usize {
    1 + text[..pos.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

fn known_lang(code: &str) -> bool {
    let primary = code
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    code == "*all*"
        || (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_lowercase())
}

/// Validates TMX bytes; returns the problems found and the number of `<tu>` elements.
pub fn validate_tmx(bytes: &[u8]) -> (Vec<Problem>, usize) {
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().check_end_names = true;
    let mut problems = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut tu_count = 0;
    let mut tu_start = 0;
    let mut tuv_in_tu = 0;
    let mut seg_text = String::new();
    let mut seg_start = 0;
    let mut seen_root = false;
    let mut buf = Vec::new();
    loop {
        let pos = reader.buffer_position() as usize;
        let ev = reader.read_event_into(&mut buf);
        let line = line_of(bytes, pos);
        match ev {
            Err(e) => {
                problems.push(Problem {
                    line: line_of(bytes, reader.error_position() as usize),
                    message: format!("not well-formed XML: {e}"),
                });
                break;
            }
            Ok(Event::Eof) => {
                if let Some(open) = stack.last() {
                    problems.push(Problem {
                        line,
                        message: format!("not well-formed XML: <{open}> is never closed"),
                    });
                }
                break;
            }
            Ok(Event::Start(ref e)) | Ok(Event::Empty(ref e)) => {
                let is_empty = matches!(ev, Ok(Event::Empty(_)));
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                let attr = |k: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == k.as_bytes())
                        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
                };
                let parent = stack.last().map(String::as_str).unwrap_or("");
                match name.as_str() {
                    "tmx" => {
                        seen_root = true;
                        if attr("version").as_deref() != Some("1.4") {
                            problems.push(Problem {
                                line,
                                message: "<tmx> must have version=\"1.4\"".into(),
                            });
                        }
                    }
                    "header" => {
                        for k in HEADER_REQUIRED {
                            if attr(k).is_none() {
                                problems.push(Problem {
                                    line,
                                    message: format!("<header> lacks the required attribute {k}"),
                                });
                            }
                        }
                        if let Some(seg) = attr("segtype") {
                            if !["block", "paragraph", "sentence", "phrase"].contains(&seg.as_str())
                            {
                                problems.push(Problem { line, message: format!("segtype=\"{seg}\" is not block, paragraph, sentence or phrase") });
                            }
                        }
                    }
                    "tu" => {
                        tu_count += 1;
                        tu_start = line;
                        tuv_in_tu = 0;
                        if parent != "body" {
                            problems.push(Problem {
                                line,
                                message: "<tu> outside <body>".into(),
                            });
                        }
                    }
                    "tuv" => {
                        tuv_in_tu += 1;
                        match attr("xml:lang") {
                            None => problems.push(Problem {
                                line,
                                message: "<tuv> without xml:lang".into(),
                            }),
                            Some(l) if !known_lang(&l) => problems.push(Problem {
                                line,
                                message: format!("unknown language code \"{l}\""),
                            }),
                            _ => {}
                        }
                    }
                    "seg" => {
                        seg_text.clear();
                        seg_start = line;
                        if is_empty {
                            problems.push(Problem {
                                line,
                                message: "empty <seg>".into(),
                            });
                        }
                    }
                    _ => {}
                }
                if !is_empty {
                    stack.push(name);
                }
            }
            Ok(Event::Text(t)) => {
                if stack.iter().any(|n| n == "seg") {
                    seg_text.push_str(&String::from_utf8_lossy(t.as_ref()));
                }
            }
            Ok(Event::End(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if name == "seg" && seg_text.trim().is_empty() {
                    problems.push(Problem {
                        line: seg_start,
                        message: "empty <seg>".into(),
                    });
                }
                if name == "tu" && tuv_in_tu < 2 {
                    problems.push(Problem {
                        line: tu_start,
                        message: format!("<tu> with {tuv_in_tu} <tuv> (needs at least 2)"),
                    });
                }
                stack.pop();
            }
            Ok(_) => {}
        }
        buf.clear();
    }
    if !seen_root && problems.is_empty() {
        problems.push(Problem {
            line: 1,
            message: "no <tmx> root element".into(),
        });
    }
    (problems, tu_count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_missing_lang_and_bad_xml() {
        let good = br#"<?xml version="1.0"?><tmx version="1.4"><header creationtool="a" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="kk" datatype="plaintext"/><body><tu><tuv xml:lang="kk"><seg>a</seg></tuv><tuv xml:lang="en"><seg>b</seg></tuv></tu></body></tmx>"#;
        let (p, n) = validate_tmx(good);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(n, 1);
        let bad = String::from_utf8_lossy(good).replace("<tuv xml:lang=\"en\">", "<tuv>");
        let (p, _) = validate_tmx(bad.as_bytes());
        assert!(p.iter().any(|p| p.message.contains("xml:lang")));
        let (p, _) = validate_tmx(b"<tmx version=\"1.4\"><body>");
        assert!(!p.is_empty());
    }
}
