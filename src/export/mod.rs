//! Export: the last stage. Turns aligned units into what people use: TMX 1.4b in four profiles
//! for CAT tools, JSONL / Moses text / TSV for NLP teams, a sentence file that carries each
//! document's context for the review page, score histograms, SVG charts and an HTML index.
//! Also the review round trip (`review`, `apply-review`) and the TMX validator.

pub mod config;
pub mod jsonl;
pub mod nlp;
pub mod report;
pub mod review;
pub mod tmx;
pub mod tmx_read;
pub mod units;
pub mod validate;

pub use config::{ExportConfig, Format, LangCodes, OverLong, TmxProfile};
pub use jsonl::{read_jsonl, write_jsonl, write_jsonl_units, JsonlUnit, Provenance};
pub use tmx::{write_tmx, write_tmx_units, TmxOptions};
pub use units::{build_units, UnitBuilder, UnitCounts};

use crate::error::Result;
use crate::fsutil::StagedFiles;
use crate::model::{Lang, TranslationUnit};
use crate::spill::{LineReader, LineWriter};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What the export stage reports for one pair (part of `summary.json`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PairReport {
    /// Units written (the same in every format).
    pub units: usize,
    /// What happened to the aligner's units on the way (filters, dedup, over-long).
    pub counts: UnitCounts,
    /// Score histogram: ten bins of width 0.1, `counts[i]` = units with score in
    /// `[i/10, (i+1)/10)` (the last bin includes 1.0).
    pub histogram: Vec<usize>,
    /// Files written for this pair.
    pub files: Vec<String>,
}

/// What the export stage reports for the run.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ExportReport {
    pub profile: TmxProfile,
    pub lang_codes: LangCodes,
    /// `creationdate` written in every TMX header and where it came from.
    pub creation_date: String,
    pub creation_date_source: String,
    pub max_segment_chars: Option<usize>,
    pub pairs: BTreeMap<String, PairReport>,
    /// Files written by the export stage, in order (summary.json excluded).
    pub files: Vec<String>,
}

/// Everything the export stage needs from the run.
pub struct ExportInput<'a> {
    /// Pipeline name: TMX `o-tmf`, page titles.
    pub name: &'a str,
    pub output: &'a Path,
    pub formats: &'a [Format],
    pub config: &'a ExportConfig,
    /// Number of documents (for the index page).
    pub documents: usize,
    /// Writes `sentences.jsonl` (every sentence of every document; a run streams them from
    /// its work folder, one document at a time).
    pub sentences: &'a dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>,
    /// The language confidence of every sentence of a document (`None`: unknown); asked only
    /// when `config.min_lang_confidence` is set.
    pub confidences: &'a dyn Fn(&str) -> Option<Vec<f32>>,
    /// Input files, for the default `creationdate` (their newest modification time).
    pub input_files: &'a [PathBuf],
    /// The language pairs, in the pipeline's order.
    pub pairs: &'a [(Lang, Lang)],
    /// Hands pair `i`'s units (after triangles and the score filter) to `f`, one at a time, in
    /// the aligner's order.
    pub units: PairUnits<'a>,
    /// The run's work folder: a pair's exported units wait there while each format is
    /// written, and dedup spills there past `spill_bytes`.
    pub work: &'a Path,
    pub spill_bytes: usize,
}

/// Hands pair `i`'s units (in the pipeline's pair order) to `f`, one at a time, in order: how
/// the merge reads the units it keeps in its work folder.
pub type PairUnits<'a> =
    &'a dyn Fn(usize, &mut dyn FnMut(TranslationUnit) -> Result<()>) -> Result<()>;

pub fn pair_name(a: Lang, b: Lang) -> String {
    format!("{}-{}", a.code(), b.code())
}

/// Ten bins of width 0.1 over [0, 1].
pub fn histogram(scores: impl Iterator<Item = f64>) -> Vec<usize> {
    let mut h = vec![0; 10];
    for s in scores {
        h[score_bin(s)] += 1;
    }
    h
}

/// The bin of `histogram` a score falls in.
pub fn score_bin(s: f64) -> usize {
    ((s.clamp(0.0, 1.0) * 10.0).floor() as usize).min(9)
}

/// Stages `path` as `head`, then `row` for every exported unit in the work file `units` (read
/// back one at a time), then `tail`: how every per-unit format of a pair is written.
fn stage_units(
    staged: &mut StagedFiles,
    path: &Path,
    units: &Path,
    head: &str,
    row: &dyn Fn(&mut String, &JsonlUnit),
    tail: &str,
) -> Result<()> {
    let other = |e: crate::error::Error| std::io::Error::other(e.to_string());
    staged.stage_with(path, |w| {
        w.write_all(head.as_bytes())?;
        let mut r = LineReader::<JsonlUnit>::open(units, None).map_err(other)?;
        let mut buf = String::new();
        while let Some(u) = r.next().map_err(other)? {
            buf.clear();
            row(&mut buf, &u);
            w.write_all(buf.as_bytes())?;
        }
        w.write_all(tail.as_bytes())
    })
}

/// Writes every export file for a run into `staged` (committed by the caller together with
/// `summary.json`). Deterministic: the same inputs and config give byte-identical files.
pub fn write_run(input: &ExportInput, staged: &mut StagedFiles) -> Result<ExportReport> {
    let cfg = input.config;
    let (creation_date, source) = config::creation_date(cfg, input.input_files);
    let mut report = ExportReport {
        profile: cfg.profile,
        lang_codes: cfg.lang_codes(),
        creation_date: creation_date.clone(),
        creation_date_source: source,
        max_segment_chars: cfg.max_segment_chars(),
        ..Default::default()
    };
    let out = input.output;
    // A few documents' confidences at a time: units come sorted by source document.
    let mut cache: Vec<(String, std::rc::Rc<Vec<f32>>)> = Vec::new();
    let mut confidences = |doc: &str| -> Option<std::rc::Rc<Vec<f32>>> {
        if let Some((_, c)) = cache.iter().find(|(d, _)| d == doc) {
            return Some(c.clone());
        }
        let c = std::rc::Rc::new((input.confidences)(doc)?);
        if cache.len() >= 16 {
            cache.remove(0);
        }
        cache.push((doc.to_string(), c.clone()));
        Some(c)
    };
    for (pi, &(a, b)) in input.pairs.iter().enumerate() {
        let pair = pair_name(a, b);
        let dedup = input.work.join(format!("dedup-{pair}"));
        let mut builder = units::UnitBuilder::new(cfg, dedup, input.spill_bytes);
        (input.units)(pi, &mut |u| builder.push(&u, &mut confidences))?;
        let exported = input.work.join(format!("export-{pair}.jsonl"));
        let mut w = LineWriter::create(exported.clone())?;
        let mut hist = vec![0; 10];
        let counts = builder.finish(&mut |u| {
            hist[score_bin(u.score)] += 1;
            w.push(&u)
        })?;
        w.finish()?;
        let mut files = Vec::new();
        let mut stage = |name: String, head: &str, row: &dyn Fn(&mut String, &JsonlUnit), tail| {
            stage_units(staged, &out.join(&name), &exported, head, row, tail)?;
            files.push(name);
            Result::Ok(())
        };
        if input.formats.contains(&Format::Tmx) {
            let opts = TmxOptions {
                src_lang: a,
                tgt_lang: b,
                origin: input.name,
                flag_below: cfg.flag_below,
                profile: cfg.profile,
                lang_codes: cfg.lang_codes(),
                creation_date: creation_date.clone(),
            };
            let row = |o: &mut String, u: &JsonlUnit| tmx::tmx_unit(o, u, &opts);
            stage(
                format!("{pair}.tmx"),
                &tmx::tmx_head(&opts),
                &row,
                tmx::TMX_TAIL,
            )?;
        }
        if input.formats.contains(&Format::Jsonl) {
            stage(format!("{pair}.jsonl"), "", &jsonl::jsonl_line, "")?;
        }
        if input.formats.contains(&Format::Moses) {
            let src = |o: &mut String, u: &JsonlUnit| nlp::moses_line(o, &u.src);
            let tgt = |o: &mut String, u: &JsonlUnit| nlp::moses_line(o, &u.tgt);
            stage(format!("{pair}.{}", a.code()), "", &src, "")?;
            stage(format!("{pair}.{}", b.code()), "", &tgt, "")?;
        }
        if input.formats.contains(&Format::Tsv) {
            stage(format!("{pair}.tsv"), &nlp::tsv_head(), &nlp::tsv_row, "")?;
        }
        let chart = format!("{pair}.scores.svg");
        staged.stage(
            &out.join(&chart),
            report::score_chart(&pair, &hist).as_bytes(),
        )?;
        files.push(chart);
        report.files.extend(files.iter().cloned());
        report.pairs.insert(
            pair,
            PairReport {
                units: counts.written,
                counts,
                histogram: hist,
                files,
            },
        );
    }
    let mut files = Vec::new();
    staged.stage_with(&out.join(review::SENTENCES_FILE), input.sentences)?;
    files.push(review::SENTENCES_FILE.to_string());
    let index = report::index_html(input.name, input.documents, &report, out);
    staged.stage(&out.join("index.html"), index.as_bytes())?;
    files.push("index.html".to_string());
    report.files.extend(files);
    Ok(report)
}
