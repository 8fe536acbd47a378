//! `tilmash align`: the stages over two files, one per language (ingest → segment or one
//! sentence per line → normalize → align → export), written to the command's output as TMX or
//! as one JSON line per bead.

use crate::align::mining::{self, MiningConfig};
use crate::align::{self, AlignConfig};
use crate::error::{Error, Result};
use crate::export::jsonl::BeadLine;
use crate::export::{tmx, TmxOptions};
use crate::ingest::{self, TextEncoding};
use crate::model::{Bead, Lang, TranslationUnit, UnitSide, UnitType};
use crate::normalize::{self, Profile};
use crate::segment;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AlignFormat {
    Tmx,
    Jsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AlignMode {
    Parallel,
    Comparable,
}

/// What `tilmash align` was asked to do.
#[derive(Debug, Clone)]
pub struct AlignFiles {
    pub src_lang: Lang,
    pub tgt_lang: Lang,
    pub src_file: PathBuf,
    pub tgt_file: PathBuf,
    /// The inputs are raw text, segmented here; otherwise one sentence per line.
    pub segment: bool,
    pub format: AlignFormat,
    pub mode: AlignMode,
    /// The inputs' encoding (detected per file when `None`).
    pub encoding: Option<TextEncoding>,
    pub align: AlignConfig,
    /// Comparable mining's settings (`AlignMode::Comparable` only).
    pub mining: MiningConfig,
}

/// One side's sentences.
struct Sentences {
    /// As written: kept through the aligning only where TMX prints them and the file cannot be
    /// read again (a pipe).
    written: Vec<String>,
    /// In the align profile, as the aligner reads them.
    normalized: Vec<String>,
    /// Per sentence: does it start a paragraph (with `segment` only; empty otherwise).
    starts: Vec<bool>,
}

/// The aligner's answer: beads, and per bead what the JSON lines print besides its indices and
/// score (empty where the mode has none).
struct Aligned {
    beads: Vec<Bead>,
    /// Raw scores (no calibration) come with the margins the calibration is fitted on.
    margins: Vec<f64>,
    path_margins: Vec<f64>,
    /// Comparable mining: each unit's type and its evidence (pair score, margin, similarity).
    types: Vec<UnitType>,
    evidence: Vec<(f64, f64, f64)>,
}

/// Aligns `req.src_file` with `req.tgt_file` and writes the result to `out`, the command's
/// standard output (named `<stdout>` in errors). `warn` hears each input's warnings (over-long
/// lines cut, mixed encodings) as soon as the input is read.
pub fn align_files(
    req: &AlignFiles,
    out: &mut dyn Write,
    warn: &mut dyn FnMut(&str),
) -> Result<()> {
    let mut src = read_side(req, &req.src_file, req.src_lang, warn)?;
    let mut tgt = read_side(req, &req.tgt_file, req.tgt_lang, warn)?;
    let counts = (src.normalized.len(), tgt.normalized.len());
    let src_written = std::mem::take(&mut src.written);
    let tgt_written = std::mem::take(&mut tgt.written);
    let aligned = align_sides(req, src, tgt)?;
    let stdout_err = |e| Error::write(Path::new("<stdout>"), e);
    match req.format {
        AlignFormat::Jsonl => write_bead_lines(&aligned, out).map_err(stdout_err),
        AlignFormat::Tmx => {
            let src_sents =
                written_sentences(req, &req.src_file, req.src_lang, src_written, counts.0)?;
            let tgt_sents =
                written_sentences(req, &req.tgt_file, req.tgt_lang, tgt_written, counts.1)?;
            write_tmx(req, &aligned, &src_sents, &tgt_sents, out).map_err(stdout_err)
        }
    }
}

/// TMX prints the sentences as written: a regular file is read again for them after the
/// aligning, so they are not held through it (at 100,000 sentences per side about 47 MB); what
/// cannot be read twice (a pipe) is kept from the first reading.
fn read_again(req: &AlignFiles, path: &Path) -> bool {
    req.format == AlignFormat::Tmx && std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

fn read_side(
    req: &AlignFiles,
    path: &Path,
    lang: Lang,
    warn: &mut dyn FnMut(&str),
) -> Result<Sentences> {
    let (written, starts) = sentences_as_written(req, path, lang, Some(warn))?;
    let normalized = written
        .iter()
        .map(|s| normalize::normalize(s, Profile::Align))
        .collect();
    let keep = req.format == AlignFormat::Tmx && !read_again(req, path);
    Ok(Sentences {
        written: if keep { written } else { Vec::new() },
        normalized,
        starts,
    })
}

/// The sentences of one input as written (one per line, or segmented), and with `segment`
/// whether each starts a paragraph. `warn`: where the input's warnings go (`None` on the second
/// reading, which repeats them).
fn sentences_as_written(
    req: &AlignFiles,
    path: &Path,
    lang: Lang,
    warn: Option<&mut dyn FnMut(&str)>,
) -> Result<(Vec<String>, Vec<bool>)> {
    let (text, report) = ingest::read_text_with(path, req.encoding)?;
    if let Some(warn) = warn {
        for w in &report.warnings {
            warn(w);
        }
    }
    let mut written = Vec::new();
    let mut starts = Vec::new();
    if req.segment {
        // the scorer still sees the align-profile normalization
        segment_raw_text(&text, lang, |s, first| {
            written.push(s.to_string());
            starts.push(first);
        });
    } else {
        written = text.lines().map(str::to_string).collect();
    }
    Ok((written, starts))
}

/// Cuts raw text into sentences as `tilmash segment` does and hands each to `each` with whether
/// it starts a paragraph. Paragraphs are rebuilt and markup residue dropped, but the characters
/// of running text (citations, invisible marks) are kept, so each sentence lies over the input
/// (scorers locate it there).
pub fn segment_raw_text(text: &str, lang: Lang, mut each: impl FnMut(&str, bool)) {
    let opts = ingest::CleanOptions { keep_marks: true };
    for para in ingest::build_paragraphs_with(text, opts) {
        for (k, s) in segment::split_unit(&para.text, lang, para.kind)
            .into_iter()
            .enumerate()
        {
            each(s, k == 0);
        }
    }
}

/// One side's sentences as written for TMX: those kept from the first reading, or the file
/// read again (it must still hold `count` sentences).
fn written_sentences(
    req: &AlignFiles,
    path: &Path,
    lang: Lang,
    kept: Vec<String>,
    count: usize,
) -> Result<Vec<String>> {
    if !read_again(req, path) {
        return Ok(kept);
    }
    let (sents, _) = sentences_as_written(req, path, lang, None)?;
    if sents.len() != count {
        return Err(Error::read(
            path,
            std::io::Error::other("the file changed while it was aligned"),
        ));
    }
    Ok(sents)
}

fn align_sides(req: &AlignFiles, src: Sentences, tgt: Sentences) -> Result<Aligned> {
    let ra: Vec<&str> = src.normalized.iter().map(String::as_str).collect();
    let rb: Vec<&str> = tgt.normalized.iter().map(String::as_str).collect();
    if req.mode == AlignMode::Comparable {
        // unmatched sentences are left out: only mined pairs are printed
        let mined = mining::mine_texts(
            &ra,
            &rb,
            req.src_lang,
            req.tgt_lang,
            &req.align,
            &req.mining,
        )?;
        return Ok(Aligned {
            types: mined.iter().map(|m| m.unit_type).collect(),
            evidence: mined
                .iter()
                .map(|m| (m.pair, m.margin, m.similarity))
                .collect(),
            beads: mined
                .into_iter()
                .map(|m| Bead {
                    src: m.src,
                    tgt: m.tgt,
                    score: m.score,
                })
                .collect(),
            margins: Vec::new(),
            path_margins: Vec::new(),
        });
    }
    let mut phases = align::Phases::default();
    let analysed = align::analyse_sides(
        align::Side {
            lang: req.src_lang,
            sentences: &ra,
            para_start: &src.starts,
        },
        align::Side {
            lang: req.tgt_lang,
            sentences: &rb,
            para_start: &tgt.starts,
        },
        &req.align,
        &mut phases,
    )?;
    // the search needs the features only: the texts go before it
    drop((ra, rb));
    drop((src, tgt));
    let aligned = align::align_analysed(analysed, &req.align, &mut phases);
    Ok(Aligned {
        beads: aligned.beads,
        // raw scores come with the margins the calibration is fitted on
        margins: if req.align.calibrate {
            Vec::new()
        } else {
            aligned.margins
        },
        path_margins: if req.align.calibrate {
            Vec::new()
        } else {
            aligned.path_margins
        },
        types: Vec::new(),
        evidence: Vec::new(),
    })
}

fn write_bead_lines(a: &Aligned, out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
    for (k, b) in a.beads.iter().enumerate() {
        let evidence = a.evidence.get(k);
        let line = BeadLine {
            margin: evidence.map(|e| e.1).or(a.margins.get(k).copied()),
            pair: evidence.map(|e| e.0),
            path_margin: a.path_margins.get(k).copied(),
            score: b.score,
            similarity: evidence.map(|e| e.2),
            src: &b.src,
            tgt: &b.tgt,
            unit_type: a.types.get(k).copied(),
        };
        serde_json::to_writer(&mut w, &line)?;
        w.write_all(b"\n")?;
    }
    w.flush()
}

fn write_tmx(
    req: &AlignFiles,
    a: &Aligned,
    src_sents: &[String],
    tgt_sents: &[String],
    mut out: &mut dyn Write,
) -> std::io::Result<()> {
    let doc = |p: &Path| {
        p.file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let (src_doc, tgt_doc) = (doc(&req.src_file), doc(&req.tgt_file));
    let side = |lang, doc: &str, sents: &[String], idx: &[usize]| UnitSide {
        lang,
        text: idx
            .iter()
            .map(|&i| sents[i].as_str())
            .collect::<Vec<_>>()
            .join(" "),
        doc: doc.to_string(),
        sentences: idx.to_vec(),
    };
    let units = a
        .beads
        .iter()
        .enumerate()
        .filter(|(_, b)| b.is_pair())
        .map(|(k, b)| TranslationUnit {
            src: side(req.src_lang, &src_doc, src_sents, &b.src),
            tgt: side(req.tgt_lang, &tgt_doc, tgt_sents, &b.tgt),
            bead: b.kind(),
            unit_type: a.types.get(k).copied().unwrap_or(UnitType::Parallel),
            score: b.score,
        });
    let opts = TmxOptions::simple(
        req.src_lang,
        req.tgt_lang,
        "tilmash align",
        &[req.src_file.clone(), req.tgt_file.clone()],
    );
    // unit by unit: at 100,000 sentences a whole document in memory was 80 MB of TMX on top of
    // two copies of every unit's text
    tmx::stream_tmx(units, &opts, &mut out)?;
    out.flush()
}
