//! The review round trip. `tilmash run` writes `sentences.jsonl` (every sentence of every
//! document, the context a reviewer asks for); `tilmash review DIR` writes one self-contained
//! HTML page per pair (`SRC-TGT.review.html`, data, script and style inline, nothing fetched);
//! the page keeps decisions in the browser's local storage and downloads them as JSON;
//! `tilmash apply-review DECISIONS.json` writes `SRC-TGT.reviewed.tmx` and
//! `SRC-TGT.reviewed.jsonl` with the decisions applied.

use super::config::{ExportConfig, LangCodes, TmxProfile};
use super::jsonl::{read_jsonl, write_jsonl_units, JsonlUnit, ReviewMark};
use super::report::review_file;
use super::tmx::{write_tmx_units, TmxOptions};
use crate::error::{Error, Result};
use crate::fsutil::StagedFiles;
use crate::model::{Lang, SegmentedDocument};
use crate::normalize::{normalize, Profile};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

pub const SENTENCES_FILE: &str = "sentences.jsonl";

const PAGE_HTML: &str = include_str!("review/page.html");
const PAGE_CSS: &str = include_str!("review/page.css");
const PAGE_JS: &str = include_str!("review/page.js");

/// One line of `sentences.jsonl`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SentenceLine {
    pub doc: String,
    pub index: usize,
    pub paragraph: usize,
    pub lang: Lang,
    pub lang_confidence: f32,
    pub text: String,
}

/// `SentenceLine` as written, from borrowed values (the same JSON).
#[derive(Serialize)]
struct SentenceLineRef<'a> {
    doc: &'a str,
    index: usize,
    paragraph: usize,
    lang: Lang,
    lang_confidence: f32,
    text: &'a str,
}

/// Every sentence of every document, in document then sentence order.
pub fn sentences_file(docs: &[SegmentedDocument]) -> String {
    let mut out = Vec::new();
    let _ = write_sentences(docs, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// `sentences.jsonl` written line by line (a run streams it into its output file).
pub fn write_sentences(
    docs: &[SegmentedDocument],
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    for d in docs {
        for s in &d.sentences {
            write_sentence(&d.id, s, w)?;
        }
    }
    Ok(())
}

/// One line of `sentences.jsonl`.
pub fn write_sentence(
    doc: &str,
    s: &crate::model::Sentence,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let line = SentenceLineRef {
        doc,
        index: s.index,
        paragraph: s.paragraph,
        lang: s.lang,
        lang_confidence: (s.lang_confidence * 100.0).round() / 100.0,
        text: &s.text,
    };
    serde_json::to_writer(&mut *w, &line)?;
    w.write_all(b"\n")
}

fn read_sentences(path: &Path) -> Result<BTreeMap<String, Vec<(String, Lang)>>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::read(path, e))?;
    let mut docs: BTreeMap<String, Vec<(String, Lang)>> = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let s: SentenceLine = serde_json::from_str(line).map_err(|e| Error::Invalid {
            path: path.to_path_buf(),
            why: format!("line {}: {e}; re-run the pipeline to rewrite it", i + 1),
        })?;
        let v = docs.entry(s.doc).or_default();
        if v.len() <= s.index {
            v.resize(s.index + 1, (String::new(), Lang::Und));
        }
        v[s.index] = (s.text, s.lang);
    }
    Ok(docs)
}

/// The pairs of a run folder: its `xx-yy.jsonl` files.
pub fn pairs_in(dir: &Path) -> Result<Vec<(Lang, Lang)>> {
    let rd = std::fs::read_dir(dir).map_err(|e| Error::read(dir, e))?;
    let mut pairs = Vec::new();
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".jsonl") else {
            continue;
        };
        if let Some((a, b)) = stem.split_once('-') {
            if let (Some(a), Some(b)) = (Lang::parse_working(a), Lang::parse_working(b)) {
                if stem == format!("{a}-{b}") {
                    pairs.push((a, b));
                }
            }
        }
    }
    pairs.sort();
    Ok(pairs)
}

/// What `summary.json` tells the review commands (all optional so older runs still work).
#[derive(Debug, Default, Deserialize)]
struct RunInfo {
    #[serde(default)]
    pipeline: String,
    #[serde(default)]
    export: Option<super::ExportReport>,
    #[serde(default)]
    export_config: Option<ExportConfig>,
}

fn run_info(dir: &Path) -> RunInfo {
    std::fs::read_to_string(dir.join("summary.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// JSON for a `<script type="application/json">` block: `<` escaped so no text can close it.
fn script_json(v: &serde_json::Value) -> String {
    v.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// Writes `SRC-TGT.review.html` for every pair in `dir` and refreshes `index.html`'s links.
/// Returns the pages written.
pub fn write_review_pages(dir: &Path) -> Result<Vec<PathBuf>> {
    let pairs = pairs_in(dir)?;
    if pairs.is_empty() {
        return Err(Error::Invalid {
            path: dir.to_path_buf(),
            why: "no SRC-TGT.jsonl files here; give the output folder of `tilmash run`".into(),
        });
    }
    let sentences_path = dir.join(SENTENCES_FILE);
    let sentences = if sentences_path.is_file() {
        read_sentences(&sentences_path)?
    } else {
        BTreeMap::new()
    };
    let info = run_info(dir);
    let abs = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut staged = StagedFiles::new();
    let mut written = Vec::new();
    for (a, b) in pairs {
        let pair = super::pair_name(a, b);
        let units = read_jsonl(&dir.join(format!("{pair}.jsonl")))?;
        let mut used: BTreeSet<&str> = BTreeSet::new();
        for u in &units {
            used.insert(&u.src_doc);
            used.insert(&u.tgt_doc);
        }
        let docs: BTreeMap<&str, Vec<serde_json::Value>> = used
            .iter()
            .filter_map(|d| {
                sentences.get(*d).map(|v| {
                    (
                        *d,
                        v.iter()
                            .map(|(t, l)| serde_json::json!([t, l.code()]))
                            .collect(),
                    )
                })
            })
            .collect();
        let data = serde_json::json!({
            "pipeline": info.pipeline,
            "pair": pair,
            "src_lang": a.code(),
            "tgt_lang": b.code(),
            "run_dir": abs.display().to_string(),
            "source": format!("{pair}.jsonl"),
            "units": units,
            "docs": docs,
        });
        let title = format!(
            "{} {} → {} review",
            if info.pipeline.is_empty() {
                "tilmash"
            } else {
                &info.pipeline
            },
            a.code(),
            b.code()
        );
        let page = PAGE_HTML
            .replace("{{TITLE}}", &super::report::html_escape(&title))
            .replace("{{CSS}}", PAGE_CSS)
            .replace("{{DATA}}", &script_json(&data))
            .replace("{{JS}}", PAGE_JS);
        let path = dir.join(review_file(&pair));
        staged.stage(&path, page.as_bytes())?;
        written.push(path);
    }
    staged.commit()?;
    // Refresh the index so it links the pages (when the run wrote one).
    if let Some(report) = info.export.as_ref() {
        if dir.join("index.html").is_file() {
            let docs = sentences.len();
            let html = super::report::index_html(&info.pipeline, docs, report, dir);
            crate::fsutil::write_atomic(&dir.join("index.html"), html.as_bytes())?;
        }
    }
    Ok(written)
}

/// One decision from the review page.
#[derive(Debug, Clone, Deserialize)]
pub struct Decision {
    pub id: String,
    /// `accepted`, `rejected` or `edited`.
    pub state: String,
    #[serde(default)]
    pub src: Option<String>,
    #[serde(default)]
    pub tgt: Option<String>,
}

/// The file the review page downloads.
#[derive(Debug, Clone, Deserialize)]
pub struct Decisions {
    pub pair: String,
    #[serde(default)]
    pub run_dir: Option<String>,
    #[serde(default)]
    pub reviewer: String,
    pub decisions: Vec<Decision>,
}

/// What `apply-review` did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ApplyReport {
    pub pair: String,
    pub accepted: usize,
    pub edited: usize,
    pub rejected: usize,
    /// Decisions naming a unit the JSONL does not have (e.g. after a re-run with other settings).
    pub unknown: usize,
    pub written: usize,
    pub files: Vec<PathBuf>,
}

fn clean_edit(s: &str) -> String {
    normalize(
        &s.split_whitespace().collect::<Vec<_>>().join(" "),
        Profile::Export,
    )
    .trim()
    .to_string()
}

/// Applies a decisions file: rejected units are dropped, edits replace the text (the original
/// is kept in `x-original-src/tgt`), accepted and edited units get `x-review` and
/// `x-reviewer`. Writes `SRC-TGT.reviewed.tmx` and `.reviewed.jsonl` beside the run's files.
/// `dir` overrides the run folder recorded in the decisions.
pub fn apply_review(decisions_path: &Path, dir: Option<&Path>) -> Result<ApplyReport> {
    let text =
        std::fs::read_to_string(decisions_path).map_err(|e| Error::read(decisions_path, e))?;
    let bad = |why: String| Error::Invalid {
        path: decisions_path.to_path_buf(),
        why,
    };
    let d: Decisions = serde_json::from_str(&text).map_err(|e| {
        bad(format!(
            "not a tilmash decisions file ({e}); download it again from the review page"
        ))
    })?;
    let (a, b) = d
        .pair
        .split_once('-')
        .and_then(|(a, b)| Some((Lang::parse_working(a)?, Lang::parse_working(b)?)))
        .ok_or_else(|| bad(format!("pair \"{}\" is not like ru-kk", d.pair)))?;
    let pair = super::pair_name(a, b);
    let dir: PathBuf = match (dir, &d.run_dir) {
        (Some(p), _) => p.to_path_buf(),
        (None, Some(r)) if Path::new(r).join(format!("{pair}.jsonl")).is_file() => PathBuf::from(r),
        _ => decisions_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default(),
    };
    let jsonl = dir.join(format!("{pair}.jsonl"));
    if !jsonl.is_file() {
        return Err(bad(format!(
            "{} not found; pass --dir with the run's output folder",
            jsonl.display()
        )));
    }
    let units = read_jsonl(&jsonl)?;
    let by_id: HashMap<&str, &Decision> = d.decisions.iter().map(|x| (x.id.as_str(), x)).collect();
    let mut rep = ApplyReport {
        pair: pair.clone(),
        unknown: d
            .decisions
            .iter()
            .filter(|x| !units.iter().any(|u| u.id == x.id))
            .count(),
        ..Default::default()
    };
    let mut out: Vec<JsonlUnit> = Vec::with_capacity(units.len());
    for mut u in units {
        let Some(dec) = by_id.get(u.id.as_str()) else {
            out.push(u);
            continue;
        };
        match dec.state.as_str() {
            "rejected" => {
                rep.rejected += 1;
                continue;
            }
            "accepted" => {
                rep.accepted += 1;
                u.review = Some(ReviewMark {
                    state: "accepted".into(),
                    reviewer: d.reviewer.clone(),
                    original_src: None,
                    original_tgt: None,
                });
            }
            "edited" => {
                let src = dec.src.as_deref().map(clean_edit);
                let tgt = dec.tgt.as_deref().map(clean_edit);
                if src.as_deref() == Some("") || tgt.as_deref() == Some("") {
                    // An emptied side cannot be a translation unit: treat it as rejected.
                    rep.rejected += 1;
                    continue;
                }
                rep.edited += 1;
                let mut mark = ReviewMark {
                    state: "edited".into(),
                    reviewer: d.reviewer.clone(),
                    original_src: None,
                    original_tgt: None,
                };
                if let Some(s) = src.filter(|s| *s != u.src) {
                    mark.original_src = Some(std::mem::replace(&mut u.src, s));
                }
                if let Some(t) = tgt.filter(|t| *t != u.tgt) {
                    mark.original_tgt = Some(std::mem::replace(&mut u.tgt, t));
                }
                u.review = Some(mark);
            }
            other => {
                return Err(bad(format!(
                    "unit {}: state \"{other}\" is not accepted, rejected or edited",
                    u.id
                )))
            }
        }
        out.push(u);
    }
    rep.written = out.len();
    let info = run_info(&dir);
    let cfg = info.export_config.unwrap_or_default();
    let (profile, codes, date) = match &info.export {
        Some(e) => (e.profile, e.lang_codes, e.creation_date.clone()),
        None => (
            TmxProfile::Generic,
            LangCodes::Short,
            super::config::creation_date(&cfg, &[]).0,
        ),
    };
    let name = if info.pipeline.is_empty() {
        "tilmash".to_string()
    } else {
        info.pipeline.clone()
    };
    let opts = TmxOptions {
        src_lang: a,
        tgt_lang: b,
        origin: &name,
        flag_below: cfg.flag_below,
        profile,
        lang_codes: codes,
        creation_date: date,
    };
    let mut staged = StagedFiles::new();
    let tmx = dir.join(format!("{pair}.reviewed.tmx"));
    let jl = dir.join(format!("{pair}.reviewed.jsonl"));
    staged.stage(&tmx, write_tmx_units(&out, &opts).as_bytes())?;
    staged.stage(&jl, write_jsonl_units(&out).as_bytes())?;
    rep.files = staged.commit()?;
    Ok(rep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_cannot_close_the_script() {
        let v = serde_json::json!({"src": "</script><script>alert(1)</script> & \u{2028}"});
        let s = script_json(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn edits_are_cleaned_like_exported_text() {
        assert_eq!(clean_edit("  a\n  b\u{200B}c  "), "a bc");
    }
}
