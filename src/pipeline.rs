//! Reads a `pipelines/*.toml` file and runs the stages in order:
//! ingest → identify → normalize → segment → align → export.

pub mod align_files;

use crate::align::mining::MiningConfig;
use crate::align::score::{self, Scorer, SentenceFeatures};
use crate::align::{self, mining, passages, AlignConfig};
use crate::error::{Error, Result};
use crate::export;
use crate::fsutil::StagedFiles;
use crate::ingest;
use crate::langid;
use crate::model::{
    Document, Lang, ParagraphKind, SegmentedDocument, Sentence, TranslationUnit, UnitSide, UnitType,
};
use crate::normalize::{self, Profile};
use crate::segment;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub use crate::export::{ExportConfig, Format};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IdentifyConfig {
    /// Sentences whose own language differs from their paragraph's with at least this
    /// confidence are relabelled (mixed paragraphs).
    pub sentence_override: Option<f32>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NormalizeConfig {
    /// Keep exported text byte-exact (no repair); matching still uses the align profile.
    pub keep_original: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SegmentConfig {}

/// The pipeline file, as written.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineConfig {
    pub name: Option<String>,
    /// A file, a folder, or a glob, relative to the pipeline file.
    pub input: String,
    /// Output folder, relative to the pipeline file.
    pub output: String,
    #[serde(default = "default_languages")]
    pub languages: Vec<String>,
    #[serde(default = "default_pairs")]
    pub pairs: Vec<String>,
    #[serde(default = "default_formats")]
    pub formats: Vec<Format>,
    /// Encoding of every input file (e.g. "cp1251", "kz-1048"); detected per file when absent.
    #[serde(default)]
    pub encoding: Option<String>,
    #[serde(default)]
    pub identify: IdentifyConfig,
    #[serde(default)]
    pub normalize: NormalizeConfig,
    #[serde(default)]
    pub segment: SegmentConfig,
    #[serde(default)]
    pub align: AlignConfig,
    /// Comparable-text mining: passage matching, margins, thresholds, triangles.
    #[serde(default)]
    pub comparable: MiningConfig,
    #[serde(default)]
    pub export: ExportConfig,
    /// `[scale]`: alignment scopes (which documents may be matched with which).
    #[serde(default)]
    pub scale: ScaleConfig,
}

fn default_languages() -> Vec<String> {
    vec!["ru".into(), "kk".into(), "en".into()]
}
fn default_pairs() -> Vec<String> {
    vec!["ru-kk".into(), "ru-en".into(), "kk-en".into()]
}
fn default_formats() -> Vec<Format> {
    Format::ALL.to_vec()
}

/// A loaded, checked pipeline with paths resolved.
#[derive(Debug, Clone)]
pub struct Pipeline {
    pub path: PathBuf,
    pub name: String,
    pub input: PathBuf,
    pub output: PathBuf,
    pub languages: Vec<Lang>,
    pub pairs: Vec<(Lang, Lang)>,
    /// Forced input encoding (`encoding` key or `--encoding`); `None`: detect per file.
    pub encoding: Option<ingest::TextEncoding>,
    pub config: PipelineConfig,
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Refuses `nan` and `inf` anywhere in a pipeline file: TOML accepts them, but no setting means
/// anything with them, and a NaN slips through every range check (each comparison is false).
fn check_numbers(path: &Path, text: &str) -> Result<()> {
    fn walk(v: &toml::Value, key: &str) -> Option<String> {
        match v {
            toml::Value::Float(f) if !f.is_finite() => Some(key.to_string()),
            toml::Value::Table(t) => t.iter().find_map(|(k, v)| {
                walk(
                    v,
                    &if key.is_empty() {
                        k.clone()
                    } else {
                        format!("{key}.{k}")
                    },
                )
            }),
            toml::Value::Array(a) => a.iter().find_map(|v| walk(v, key)),
            _ => None,
        }
    }
    let Ok(table) = text.parse::<toml::Table>() else {
        return Ok(()); // the typed parse reports syntax errors with their line
    };
    match walk(&toml::Value::Table(table), "") {
        Some(key) => Err(Error::pipeline(
            path,
            format!("key `{key}`: nan or inf is not a setting; give a finite number"),
        )),
        None => Ok(()),
    }
}

impl Pipeline {
    pub fn load(path: &Path) -> Result<Pipeline> {
        if path.is_dir() {
            return Err(Error::pipeline(
                path,
                "is a folder; give the pipeline file itself (e.g. pipelines/alash.toml)",
            ));
        }
        let bytes = std::fs::read(path).map_err(|e| Error::read(path, e))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            Error::pipeline(
                path,
                format!(
                    "not UTF-8 (invalid byte at offset {}); save the pipeline file as UTF-8",
                    e.utf8_error().valid_up_to()
                ),
            )
        })?;
        Self::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Pipeline> {
        let config: PipelineConfig = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| {
                    format!(
                        "line {}: ",
                        1 + text[..s.start.min(text.len())].matches('\n').count()
                    )
                })
                .unwrap_or_default();
            Error::pipeline(
                path,
                format!(
                    "{line}{}; fix the pipeline file (see README, 'Pipeline file')",
                    one_line(e.message())
                ),
            )
        })?;
        check_numbers(path, text)?;
        let base = path.parent().unwrap_or(Path::new("."));
        let mut languages = Vec::new();
        for l in &config.languages {
            languages.push(Lang::parse_working(l).ok_or_else(|| {
                Error::pipeline(
                    path,
                    format!("key `languages`: unknown language code \"{l}\"; use kk, ru or en"),
                )
            })?);
        }
        // Without a `pairs` key, the default pairs are those of the listed `languages`
        // (`languages = ["ru", "kk"]` alone means ru-kk).
        let pairs_given = text
            .parse::<toml::Table>()
            .map_or(true, |t| t.contains_key("pairs"));
        let mut pairs = Vec::new();
        for p in &config.pairs {
            let parsed = p
                .split_once('-')
                .and_then(|(a, b)| Some((Lang::parse_working(a)?, Lang::parse_working(b)?)))
                .filter(|(a, b)| a != b && languages.contains(a) && languages.contains(b));
            if parsed.is_none() && !pairs_given {
                continue;
            }
            let parsed = parsed.ok_or_else(|| {
                Error::pipeline(path, format!("key `pairs`: \"{p}\" is not a pair of two different languages from `languages` (e.g. \"ru-kk\")"))
            })?;
            // Two entries for one pair would stage its files twice under the same names.
            if pairs.contains(&parsed) {
                return Err(Error::pipeline(
                    path,
                    format!("key `pairs`: \"{p}\" is listed twice; list each pair once"),
                ));
            }
            pairs.push(parsed);
        }
        if pairs.is_empty() {
            return Err(Error::pipeline(
                path,
                if pairs_given {
                    "key `pairs`: empty, so nothing would be aligned; list at least one pair (e.g. \"ru-kk\") or leave the key out for all three"
                } else {
                    "key `languages`: fewer than two languages, so nothing would be aligned; list at least two of \"ru\", \"kk\", \"en\""
                },
            ));
        }
        if config.formats.is_empty() {
            return Err(Error::pipeline(
                path,
                "key `formats`: empty, so no translation memory would be written; list at least one of \"tmx\", \"jsonl\", \"moses\", \"tsv\" or leave the key out for all four",
            ));
        }
        if config.output.trim().is_empty() {
            return Err(Error::pipeline(
                path,
                "key `output`: empty; give the output folder (e.g. \"../outputs/NAME\")",
            ));
        }
        for (key, value) in [
            ("align.variance", Some(config.align.variance)),
            ("align.length_ratio", config.align.length_ratio),
        ] {
            if value.is_some_and(|v| v <= 0.0) {
                return Err(Error::pipeline(
                    path,
                    format!("key `{key}`: must be greater than 0"),
                ));
            }
        }
        if config
            .identify
            .sentence_override
            .is_some_and(|v| !(0.0..=1.0).contains(&v))
        {
            return Err(Error::pipeline(
                path,
                "key `identify.sentence_override`: must be between 0 and 1",
            ));
        }
        if config.input.trim().is_empty() {
            return Err(Error::pipeline(
                path,
                "key `input`: empty; give a file, folder or glob",
            ));
        }
        let encoding = match &config.encoding {
            Some(label) => Some(ingest::TextEncoding::parse(label).ok_or_else(|| {
                Error::pipeline(
                    path,
                    format!("key `encoding`: unknown encoding \"{label}\"; use utf-8, utf-16le, utf-16be, cp1251, kz-1048, koi8-r, cp866 or iso-8859-5"),
                )
            })?),
            None => None,
        };
        config
            .export
            .check()
            .map_err(|why| Error::pipeline(path, why))?;
        if !(0.0..=1.0).contains(&config.align.min_score) {
            return Err(Error::pipeline(
                path,
                "key `align.min_score`: must be between 0 and 1",
            ));
        }
        Ok(Pipeline {
            path: path.to_path_buf(),
            name: config.name.clone().unwrap_or_else(|| {
                path.file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "tilmash".into())
            }),
            input: base.join(&config.input),
            output: base.join(&config.output),
            languages,
            pairs,
            encoding,
            config,
        })
    }

    /// The folder a pipeline file may write into: the folder holding the pipeline file, or its
    /// parent when that folder is called `pipelines` (the layout tilmash ships:
    /// `project/pipelines/x.toml` writing to `project/outputs/x`).
    pub fn project_root(&self) -> PathBuf {
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if dir.file_name().is_some_and(|n| n == "pipelines") {
            dir.parent()
                .filter(|d| !d.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
        } else {
            dir
        }
    }

    /// Refuses an `output` key that would make tilmash write outside `project_root()`: an
    /// absolute path, `..` climbing out, or a symlink (anywhere on the way) leading out.
    /// `--output` given on the command line is the user's own choice and is not checked.
    pub fn check_output_inside(&self) -> Result<()> {
        let key = &self.config.output;
        let refuse = |why: String| {
            Err(Error::pipeline(
                &self.path,
                format!("key `output`: \"{key}\" {why}; keep outputs inside {} or pass --allow-outside (or --output DIR)", self.project_root().display()),
            ))
        };
        let rel = Path::new(key);
        if rel.is_absolute() || rel.has_root() || key.starts_with('~') {
            return refuse("is an absolute path".into());
        }
        let root = self.project_root();
        let Ok(root_real) = root.canonicalize() else {
            return refuse(format!(
                "cannot be checked ({} cannot be resolved)",
                root.display()
            ));
        };
        // Resolve symlinks on the part of the path that exists, then walk the rest lexically.
        let dir = self
            .path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut existing = dir.join(rel);
        let mut rest: Vec<std::ffi::OsString> = Vec::new();
        let real = loop {
            if let Ok(r) = existing.canonicalize() {
                break r;
            }
            match (existing.components().next_back(), existing.parent()) {
                (Some(last), Some(parent)) if !parent.as_os_str().is_empty() => {
                    rest.push(last.as_os_str().to_os_string());
                    existing = parent.to_path_buf();
                }
                _ => return refuse("cannot be resolved".into()),
            }
        };
        let mut full = real;
        for part in rest.iter().rev() {
            full.push(part);
        }
        // `..` in the part that does not exist yet cannot be resolved by the file system.
        let mut clean = PathBuf::new();
        for c in full.components() {
            match c {
                std::path::Component::ParentDir => {
                    clean.pop();
                }
                std::path::Component::CurDir => {}
                other => clean.push(other.as_os_str()),
            }
        }
        if !clean.starts_with(&root_real) {
            return refuse(format!(
                "resolves to {}, outside the pipeline's project folder",
                clean.display()
            ));
        }
        Ok(())
    }
}

/// How a run reports progress.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    pub quiet: bool,
}

fn progress(label: &str, len: usize, opts: RunOptions) -> ProgressBar {
    if opts.quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(len as u64);
    pb.set_style(
        ProgressStyle::with_template("{prefix:>10} [{bar:30}] {pos}/{len} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb.set_prefix(label.to_string());
    pb
}

/// Ingest, identify, normalize and segment one file as one unit of work, streaming it in chunks
/// of `ingest::CHUNK_BYTES` so a worker holds one chunk of raw text at a time (plus the sentences
/// it keeps for alignment). For files under one chunk the result equals
/// `segment_document(ingest_file(..))`.
pub fn ingest_and_segment_file(
    path: &Path,
    id: String,
    encoding: Option<ingest::TextEncoding>,
    cfg: &PipelineConfig,
) -> Result<(SegmentedDocument, ingest::StreamReport)> {
    let mut sentences = Vec::new();
    let (mut seg, report) = ingest_and_segment_stream(path, id, encoding, cfg, |part| {
        sentences.extend(part);
        Ok(())
    })?;
    seg.sentences = sentences;
    Ok((seg, report))
}

/// `ingest_and_segment_file` handing the sentences to `sink` chunk by chunk (numbered over the
/// whole document) instead of keeping them: the document it returns has no sentences. `run`
/// writes them to its work folder, so a worker holds one chunk, not one document.
pub fn ingest_and_segment_stream(
    path: &Path,
    id: String,
    encoding: Option<ingest::TextEncoding>,
    cfg: &PipelineConfig,
    mut sink: impl FnMut(Vec<Sentence>) -> Result<()>,
) -> Result<(SegmentedDocument, ingest::StreamReport)> {
    let mut seg = SegmentedDocument {
        id: id.clone(),
        encoding: String::new(),
        paragraph_count: 0,
        paragraph_langs: Vec::new(),
        sentences: Vec::new(),
    };
    let mut sentence_count = 0;
    let report = ingest::stream_text(path, encoding, ingest::CHUNK_BYTES, |chunk, offset| {
        let mut paragraphs = ingest::build_paragraphs(chunk);
        for p in &mut paragraphs {
            p.span = p.span.start + offset..p.span.end + offset;
        }
        let mut doc = Document {
            id: id.clone(),
            path: path.to_path_buf(),
            encoding: String::new(),
            paragraphs,
        };
        identify_document(&mut doc);
        let part = segment_document(&doc, cfg);
        let (pbase, sbase) = (seg.paragraph_count, sentence_count);
        sentence_count += part.sentences.len();
        seg.paragraph_count += part.paragraph_count;
        seg.paragraph_langs.extend(part.paragraph_langs);
        sink(
            part.sentences
                .into_iter()
                .map(|mut s| {
                    s.index += sbase;
                    s.paragraph += pbase;
                    s
                })
                .collect(),
        )
    })?;
    seg.encoding = report.encoding.name();
    let mut report = report;
    if sentence_count == 0 {
        report.warnings.push(format!(
            "{}: no text left once markup, image names and bare numbers are removed; nothing from it is aligned",
            path.display()
        ));
    }
    Ok((seg, report))
}

/// Stage 2: language of every paragraph.
pub fn identify_document(doc: &mut Document) {
    for p in &mut doc.paragraphs {
        let g = langid::identify(&p.text);
        p.lang = g.lang;
        p.lang_confidence = g.confidence;
    }
}

/// Stages 3 and 4: normalize each paragraph, split it into sentences, and label each sentence
/// (a sentence confidently in another language than its paragraph keeps its own label).
pub fn segment_document(doc: &Document, cfg: &PipelineConfig) -> SegmentedDocument {
    let override_at = cfg.identify.sentence_override.unwrap_or(0.75);
    let mut sentences = Vec::new();
    for (pi, p) in doc.paragraphs.iter().enumerate() {
        // With `keep_original` the exported text is the paragraph byte for byte; otherwise the
        // export profile's repairs, with a map so sentence spans still point into the source.
        let (text, offsets) = if cfg.normalize.keep_original {
            (p.text.clone(), None)
        } else {
            let n = normalize::normalize_tracked(&p.text, Profile::Export);
            (n.text, Some(n.map))
        };
        let seg_lang = if p.lang == Lang::Und {
            Lang::En
        } else {
            p.lang
        };
        // A reference-list entry is one unit ("Nurpeisov K. Alash. Almaty, 1995." is not three).
        let spans = if p.kind == ParagraphKind::Reference {
            let lead = text.len() - text.trim_start().len();
            let t = text.trim();
            if t.is_empty() {
                vec![]
            } else {
                std::iter::once(lead..lead + t.len()).collect()
            }
        } else {
            segment::split(&text, seg_lang)
        };
        for span in spans {
            let s = &text[span.clone()];
            let mut lang = p.lang;
            let mut conf = p.lang_confidence;
            // A sentence of under four words keeps its paragraph's language unasked: too short
            // to overrule it.
            if s.split_whitespace().nth(3).is_some() {
                let own = langid::identify(s);
                if own.lang != p.lang && own.confidence >= override_at {
                    lang = own.lang;
                    conf = own.confidence;
                }
            }
            sentences.push(Sentence {
                index: sentences.len(),
                paragraph: pi,
                span: offsets
                    .as_ref()
                    .map_or(span.clone(), |m| m.source_range(span.clone())),
                lang,
                lang_confidence: conf,
                kind: p.kind,
                text: s.to_string(),
                align: normalize::normalize(s, Profile::Align),
            });
        }
    }
    SegmentedDocument {
        id: doc.id.clone(),
        encoding: doc.encoding.clone(),
        paragraph_count: doc.paragraphs.len(),
        paragraph_langs: doc.paragraphs.iter().map(|p| p.lang).collect(),
        sentences,
    }
}

/// One side of a language pair: every sentence of that language across the corpus, in
/// document order, with its (document, sentence) provenance and its paragraphs as passages.
struct PairSide<'a> {
    lang: Lang,
    /// (document index, sentence index in the document)
    at: Vec<(usize, usize)>,
    texts: Vec<&'a str>,
    /// (document, paragraph, positions in `at`)
    paragraphs: Vec<(usize, usize, Vec<usize>)>,
}

impl<'a> PairSide<'a> {
    fn new(docs: &'a [SegmentedDocument], lang: Lang) -> Self {
        let mut side = PairSide {
            lang,
            at: Vec::new(),
            texts: Vec::new(),
            paragraphs: Vec::new(),
        };
        for (di, d) in docs.iter().enumerate() {
            for s in d.sentences.iter().filter(|s| s.lang == lang) {
                let k = side.at.len();
                side.at.push((di, s.index));
                side.texts.push(s.align.as_str());
                match side.paragraphs.last_mut() {
                    Some((pd, pp, v)) if *pd == di && *pp == s.paragraph => v.push(k),
                    _ => side.paragraphs.push((di, s.paragraph, vec![k])),
                }
            }
        }
        side
    }

    /// The paragraph number (index into `paragraphs`) of every position in `at`.
    fn blocks(&self) -> Vec<usize> {
        let mut out = vec![0; self.at.len()];
        for (b, (_, _, v)) in self.paragraphs.iter().enumerate() {
            for &k in v {
                out[k] = b;
            }
        }
        out
    }

    fn passages(&self, feats: &[SentenceFeatures]) -> Vec<passages::Passage> {
        self.paragraphs
            .iter()
            .map(|(d, p, v)| passages::Passage::new(*d, *p, v.clone(), feats))
            .collect()
    }

    /// A unit side must be a run of consecutive sentences of one document.
    fn is_run(&self, ix: &[usize]) -> bool {
        !ix.is_empty()
            && ix
                .windows(2)
                .all(|w| w[1] == w[0] + 1 && self.at[w[0]].0 == self.at[w[1]].0)
    }

    fn unit_side(&self, docs: &[SegmentedDocument], ix: &[usize]) -> UnitSide {
        let d = &docs[self.at[ix[0]].0];
        let sentences: Vec<usize> = ix.iter().map(|&k| self.at[k].1).collect();
        UnitSide {
            lang: self.lang,
            // `at` holds only indices of `d`'s sentences, so nothing is out of range here.
            text: sentences_text(d, &sentences).unwrap_or_default(),
            doc: d.id.clone(),
            sentences,
        }
    }
}

/// The export text of sentences `ix` (`Sentence::index`) of `d`, joined by a space: what a unit
/// side and a passage in `passages.jsonl` show. `None` when an index is out of range.
pub fn sentences_text(d: &SegmentedDocument, ix: &[usize]) -> Option<String> {
    // A document cut into parts (see `shards::ScopeParts`) holds a run of its sentences.
    let first = d.sentences.first().map_or(0, |s| s.index);
    let parts: Option<Vec<&str>> = ix
        .iter()
        .map(|&k| {
            k.checked_sub(first)
                .and_then(|k| d.sentences.get(k))
                .map(|s| s.text.as_str())
        })
        .collect();
    Some(parts?.join(" "))
}

/// What one language pair yields: its units and the passage links behind them.
#[derive(Debug, Clone, Default)]
pub struct PairAlignment {
    pub units: Vec<TranslationUnit>,
    pub passages: Vec<passages::PassageRecord>,
}

/// Stage 5: align one language pair across all documents, with no document pairing given:
/// passages linked through the anchor index, sentences mined inside linked passages (margin
/// scores, local alignment), one unit per sentence at most, a second pass with a lexicon
/// induced from the first. Units below `cfg.min_score` are left out.
pub fn align_pair(
    docs: &[SegmentedDocument],
    a: Lang,
    b: Lang,
    cfg: &AlignConfig,
    mining: &MiningConfig,
) -> Result<PairAlignment> {
    let (sa, sb) = (PairSide::new(docs, a), PairSide::new(docs, b));
    if sa.at.is_empty() || sb.at.is_empty() {
        return Ok(PairAlignment::default());
    }
    let mut scorer = Scorer::new(a, b, cfg)?;
    // Corpus totals say nothing about a translation's length when the sides are different
    // papers: start from 1 and learn the ratio from the first pass's parallel units.
    scorer.ratio = cfg.length_ratio.unwrap_or(1.0);
    scorer.link_names(&sa.texts, &sb.texts);
    let feats = |scorer: &Scorer| -> (Vec<SentenceFeatures>, Vec<SentenceFeatures>) {
        (
            sa.texts
                .par_iter()
                .map(|t| scorer.features(t, score::Side::Src, false))
                .collect(),
            sb.texts
                .par_iter()
                .map(|t| scorer.features(t, score::Side::Tgt, false))
                .collect(),
        )
    };
    let (blocks_a, blocks_b) = (sa.blocks(), sb.blocks());
    // Comparable beads are mined (and teach the induced lexicon) whatever `keep_comparable`
    // says; it only decides what is exported, so it cannot change the parallel units.
    let keep_comparable = mining.keep_comparable;
    let mining = &MiningConfig {
        keep_comparable: true,
        ..mining.clone()
    };
    let mine = |scorer: &Scorer, fs: &[SentenceFeatures], ft: &[SentenceFeatures]| {
        let (pa, pb) = (sa.passages(fs), sb.passages(ft));
        let links = passages::link(
            &pa,
            &pb,
            mining.passages_per_side,
            mining.passage_min_score,
            mining.max_anchor_share,
        );
        let groups: Vec<Vec<(usize, usize)>> = links
            .iter()
            .map(|l| {
                let (x, y) = (&pa[l.src], &pb[l.tgt]);
                x.sentences
                    .iter()
                    .flat_map(|&i| y.sentences.iter().map(move |&j| (i, j)))
                    .collect()
            })
            .collect();
        let beads = mining::mine_groups(scorer, fs, ft, &groups, (&blocks_a, &blocks_b), mining);
        (pa, pb, links, beads)
    };
    let (mut fs, mut ft) = feats(&scorer);
    let mut round = mine(&scorer, &fs, &ft);
    if mining.induction && cfg.signals.induction {
        if let Some(lex) = mining::induce_from(
            &round.3,
            &fs,
            &ft,
            cfg.induce_min_prob,
            cfg.induce_min_score,
        ) {
            scorer.set_induced(lex);
            if cfg.length_ratio.is_none() {
                let (ls, lt) = round
                    .3
                    .iter()
                    .filter(|m| m.unit_type == UnitType::Parallel)
                    .fold((0f64, 0f64), |(x, y), m| {
                        (
                            x + m.src.iter().map(|&k| fs[k].chars as f64).sum::<f64>(),
                            y + m.tgt.iter().map(|&k| ft[k].chars as f64).sum::<f64>(),
                        )
                    });
                if ls > 500.0 && lt > 500.0 {
                    scorer.ratio = (lt / ls).clamp(0.5, 2.0);
                }
            }
            (fs, ft) = feats(&scorer);
            round = mine(&scorer, &fs, &ft);
        }
    }
    let (pa, pb, links, beads) = round;
    // The sentence features are done with; the records below need memory of their own.
    drop((fs, ft));
    let units: Vec<TranslationUnit> = beads
        .iter()
        // The miner keeps beads inside one paragraph (`blocks`); this guard keeps a future
        // change from turning a bead across documents into an index panic.
        .filter(|m| m.score >= cfg.min_score && sa.is_run(&m.src) && sb.is_run(&m.tgt))
        .filter(|m| keep_comparable || m.unit_type == UnitType::Parallel)
        .map(|m| TranslationUnit {
            src: sa.unit_side(docs, &m.src),
            tgt: sb.unit_side(docs, &m.tgt),
            bead: format!("{}-{}", m.src.len(), m.tgt.len()),
            unit_type: m.unit_type,
            score: m.score,
        })
        .collect();
    // passage links for review, with the units found inside each
    let mut inside: std::collections::HashMap<(usize, usize), usize> = Default::default();
    let where_s: std::collections::HashMap<usize, usize> = pa
        .iter()
        .enumerate()
        .flat_map(|(pi, p)| p.sentences.iter().map(move |&k| (k, pi)))
        .collect();
    let where_t: std::collections::HashMap<usize, usize> = pb
        .iter()
        .enumerate()
        .flat_map(|(pi, p)| p.sentences.iter().map(move |&k| (k, pi)))
        .collect();
    for m in beads
        .iter()
        .filter(|m| m.score >= cfg.min_score)
        .filter(|m| keep_comparable || m.unit_type == UnitType::Parallel)
    {
        if let (Some(&x), Some(&y)) = (where_s.get(&m.src[0]), where_t.get(&m.tgt[0])) {
            *inside.entry((x, y)).or_default() += 1;
        }
    }
    let records = links
        .iter()
        .map(|l| {
            let (x, y) = (&pa[l.src], &pb[l.tgt]);
            let (us, ut) = (
                sa.unit_side(docs, &x.sentences),
                sb.unit_side(docs, &y.sentences),
            );
            let surf_s = passages::anchor_surfaces(&scorer, &us.text, score::Side::Src);
            let surf_t = passages::anchor_surfaces(&scorer, &ut.text, score::Side::Tgt);
            // The texts are dropped here: `write_outputs` renders them from the documents.
            passages::PassageRecord {
                src_lang: a,
                tgt_lang: b,
                score: l.score,
                units: inside.get(&(l.src, l.tgt)).copied().unwrap_or(0),
                anchors: l
                    .shared
                    .iter()
                    .filter_map(|id| Some([surf_s.get(id)?.clone(), surf_t.get(id)?.clone()]))
                    .take(12)
                    .collect(),
                src_doc: us.doc,
                src_paragraph: x.paragraph,
                src_sentences: us.sentences,
                tgt_doc: ut.doc,
                tgt_paragraph: y.paragraph,
                tgt_sentences: ut.sentences,
            }
        })
        .collect();
    let mut units = units;
    units.sort_by(|u, v| {
        (&u.src.doc, &u.src.sentences, &u.tgt.doc, &u.tgt.sentences).cmp(&(
            &v.src.doc,
            &v.src.sentences,
            &v.tgt.doc,
            &v.tgt.sentences,
        ))
    });
    Ok(PairAlignment {
        units,
        passages: records,
    })
}

/// What `summary.json` holds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Summary {
    pub pipeline: String,
    pub documents: usize,
    pub encodings: BTreeMap<String, String>,
    pub paragraphs: BTreeMap<String, usize>,
    pub sentences: BTreeMap<String, usize>,
    pub units: BTreeMap<String, usize>,
    pub score_bands: BTreeMap<String, BTreeMap<String, usize>>,
    pub files: Vec<String>,
    /// Over-long lines cut, mixed encodings: one line each, naming the file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// What the export stage wrote and dropped, per pair (histograms, filters, dedup).
    pub export: Option<export::ExportReport>,
    /// The `[export]` settings used (apply-review re-exports with them).
    pub export_config: Option<ExportConfig>,
    /// Stage timings; printed on stdout, never written to summary.json so that re-runs give
    /// byte-identical outputs.
    #[serde(skip)]
    pub timings_ms: BTreeMap<String, u64>,
}

/// Runs the whole pipeline and writes its outputs atomically. Returns the summary.
///
/// A run is a plan, every shard worked in this process, and a merge: the same steps
/// `tilmash plan / work / merge` take on a cluster, so the two give byte-identical outputs by
/// construction (see `shards`). Memory stays bounded by what one worker works on (README,
/// "Large input and memory"): each document's sentences go to the run's work folder as they are
/// segmented (`spill`), the align shards of one group (one set of scopes, every pair) load
/// just their documents from there, and their passage lines go back to the work folder as
/// soon as they are rendered. Each document is read and segmented once, not once per pair.
pub fn run(p: &Pipeline, opts: RunOptions) -> Result<Summary> {
    use crate::shards::{align_group, align_groups, AlignSink, ShardKind};
    use crate::spill::{DocMeta, DocStore};
    let mut timings = BTreeMap::new();
    let clock = Instant::now();
    // Sizing does not change what a shard yields, only how work is grouped: one unit per shard.
    let plan = crate::shards::Plan::make(p, 0.0, None)?;
    timings.insert("plan".to_string(), clock.elapsed().as_millis() as u64);
    let clock = Instant::now();
    let work = crate::fsutil::WorkDir::create(&p.output)?;
    let pb = progress("work", plan.shards.len(), opts);
    let files: Vec<(PathBuf, String)> = plan
        .shards
        .iter()
        .filter(|s| s.kind == ShardKind::Segment)
        .flat_map(|s| s.documents.iter().map(|d| (d.path.clone(), d.id.clone())))
        .collect();
    let mut store = DocStore::new(work.path())?;
    let metas: Vec<DocMeta> = files
        .par_iter()
        .enumerate()
        .map(|(i, (f, id))| {
            let mut out = store.writer(i)?;
            let mut meta = DocMeta::default();
            let (seg, report) =
                ingest_and_segment_stream(f, id.clone(), p.encoding, &p.config, |part| {
                    for s in &part {
                        meta.count(s);
                        out.push(s)?;
                    }
                    Ok(())
                })?;
            out.finish()?;
            pb.inc(1);
            Ok(DocMeta {
                id: seg.id,
                encoding: seg.encoding,
                paragraph_count: seg.paragraph_count,
                paragraph_langs: seg.paragraph_langs,
                warnings: report.warnings,
                ..meta
            })
        })
        .collect::<Result<_>>()?;
    for m in metas {
        store.push(m);
    }
    let sink = AlignSink::new(p, work.path())?;
    let from_store = |d: &crate::shards::DocRef, f: &mut dyn FnMut(Sentence) -> Result<()>| {
        store.each_sentence(store.index(&d.id)?, f)
    };
    align_groups(&plan)
        .par_iter()
        .enumerate()
        .try_for_each(|(k, group)| -> Result<()> {
            align_group(p, k, group, &from_store, &sink)?;
            pb.inc(group.len() as u64);
            Ok(())
        })?;
    pb.finish_and_clear();
    timings.insert("work".to_string(), clock.elapsed().as_millis() as u64);
    let clock = Instant::now();
    let input_files = files.into_iter().map(|(f, _)| f).collect();
    let mut summary = sink.finish(p, input_files, store, work)?;
    timings.insert("merge".to_string(), clock.elapsed().as_millis() as u64);
    summary.timings_ms = timings;
    Ok(summary)
}

/// Which documents passage matching may link.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchWithin {
    /// Any document with any other (the default; margins and the induced lexicon are learnt
    /// over the whole corpus).
    #[default]
    Corpus,
    /// Only documents in the same folder (one folder per website or collection, as ParaCrawl
    /// and Bitextor align within a web domain). Each folder is aligned on its own, so a corpus
    /// of many folders splits into many independent shards.
    Folder,
}

/// `[scale]`: how a corpus splits into independent alignment scopes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScaleConfig {
    pub match_within: MatchWithin,
    /// The most sentence text (MiB of export text) aligned as one unit, which bounds a
    /// worker's memory: a larger scope, or one huge document, is cut into parts of about this
    /// size at paragraph boundaries (documents in input order), each aligned on its own, so no
    /// unit or passage link crosses two parts. 0: no limit.
    pub max_scope_mb: u64,
    /// The most a sort at the merge holds in memory (KiB of units; each pair's units, dedup,
    /// triangles) before it goes on in the work folder. Outputs do not depend on it.
    pub spill_kb: u64,
}

impl Default for ScaleConfig {
    fn default() -> Self {
        ScaleConfig {
            match_within: MatchWithin::Corpus,
            max_scope_mb: 16,
            spill_kb: 1024,
        }
    }
}

impl ScaleConfig {
    /// `max_scope_mb` in bytes (0: no limit).
    pub fn max_scope_bytes(&self) -> usize {
        (self.max_scope_mb as usize).saturating_mul(1 << 20)
    }

    /// `spill_kb` in bytes (at least 1).
    pub fn spill_bytes(&self) -> usize {
        (self.spill_kb as usize).saturating_mul(1 << 10).max(1)
    }
}

/// The alignment scope of an input file: "" for the whole corpus, else its folder.
pub fn scope_of(path: &Path, within: MatchWithin) -> String {
    match within {
        MatchWithin::Corpus => String::new(),
        MatchWithin::Folder => path
            .parent()
            .map(|d| d.to_string_lossy().into_owned())
            .unwrap_or_default(),
    }
}

/// Ingest, identify, normalize and segment files (in parallel), in the order given; each
/// document with the warnings its reading raised.
pub fn prepare_documents(
    files: &[(PathBuf, String)],
    encoding: Option<ingest::TextEncoding>,
    cfg: &PipelineConfig,
) -> Result<Vec<(SegmentedDocument, Vec<String>)>> {
    files
        .par_iter()
        .map(|(f, id)| {
            ingest_and_segment_file(f, id.clone(), encoding, cfg).map(|(d, r)| (d, r.warnings))
        })
        .collect()
}

/// Everything the shards produced, ready for the global steps.
pub struct Gathered {
    /// Input files in sorted order (their newest modification time dates the TMX).
    pub input_files: Vec<PathBuf>,
    /// The segmented documents, in input order (sentences in the work folder).
    pub documents: crate::spill::DocStore,
    /// Units per pair, in the pipeline's pair order, sorted, before triangles and the score
    /// filter (in the work folder past `[scale] spill_kb`).
    pub units: Vec<crate::spill::Sorted<TranslationUnit>>,
    /// `passages.jsonl`'s lines, pair by pair, in the work folder.
    pub passages: Vec<crate::spill::RunFile>,
    /// Kept until the outputs are committed, then deleted.
    pub work: crate::fsutil::WorkDir,
}

/// The line of `passages.jsonl` for a passage link (a serialized `PassageRecord`, without its
/// texts), with the texts rendered from `docs`.
pub fn render_passage(
    line: &str,
    docs: &std::collections::HashMap<&str, &SegmentedDocument>,
) -> Result<Vec<u8>> {
    let rec: passages::PassageRecord = serde_json::from_str(line).map_err(|e| Error::Invalid {
        path: PathBuf::from("passages"),
        why: format!("internal: unreadable passage link ({e})"),
    })?;
    let text = |doc: &str, ix: &[usize]| {
        docs.get(doc)
            .and_then(|d| sentences_text(d, ix))
            .ok_or_else(|| Error::Invalid {
                path: PathBuf::from(doc),
                why: format!(
                    "internal: a passage link names sentences {ix:?}, which were not segmented"
                ),
            })
    };
    let (src, tgt) = (
        text(&rec.src_doc, &rec.src_sentences)?,
        text(&rec.tgt_doc, &rec.tgt_sentences)?,
    );
    let mut out =
        serde_json::to_vec(&rec.line(&src, &tgt)).map_err(|e| Error::Usage(e.to_string()))?;
    out.push(b'\n');
    Ok(out)
}

/// The global steps after alignment: triangles across pairs, the score filter, the summary, and
/// every output file, written atomically.
pub fn write_outputs(p: &Pipeline, g: Gathered) -> Result<Summary> {
    let Gathered {
        input_files,
        documents: store,
        units,
        passages,
        work,
    } = g;
    let mut summary = Summary {
        pipeline: p.name.clone(),
        warnings: store.docs.iter().flat_map(|d| d.warnings.clone()).collect(),
        ..Default::default()
    };
    // Every pass over a pair's units streams them from the work folder.
    let spill = p.config.scale.spill_bytes();
    let pair_units = |i: usize, f: &mut dyn FnMut(TranslationUnit) -> Result<()>| units[i].each(f);
    let (verdicts, triangles) = align::triangle::triangulate(
        &p.pairs,
        &pair_units,
        &p.config.comparable,
        work.path(),
        spill,
    )?;
    let min_score = p.config.align.min_score;
    let export_units = |i: usize, f: &mut dyn FnMut(TranslationUnit) -> Result<()>| {
        let mut k = 0;
        units[i].each(|mut u| {
            verdicts.adjust(i, k, &mut u);
            k += 1;
            if u.score >= min_score {
                f(u)
            } else {
                Ok(())
            }
        })
    };

    summary.documents = store.docs.len();
    for d in &store.docs {
        summary.encodings.insert(d.id.clone(), d.encoding.clone());
        for lang in &d.paragraph_langs {
            *summary.paragraphs.entry(lang.code().into()).or_default() += 1;
        }
        for (lang, n) in &d.sentence_langs {
            *summary.sentences.entry(lang.code().into()).or_default() += n;
        }
    }
    // Streamed from the work folder one sentence at a time; a write error keeps its kind
    // (a full disk is reported as such, naming sentences.jsonl).
    let sentences = |w: &mut dyn std::io::Write| -> std::io::Result<()> {
        for (i, d) in store.docs.iter().enumerate() {
            let mut failed = None;
            let read = store.each_sentence(i, |s| {
                export::review::write_sentence(&d.id, &s, w).map_err(|e| {
                    let why = e.to_string();
                    failed = Some(e);
                    Error::Usage(why)
                })
            });
            if let Some(e) = failed {
                return Err(e);
            }
            read.map_err(|e| std::io::Error::other(e.to_string()))?;
        }
        Ok(())
    };
    let confidences = |doc: &str| store.confidences(doc).ok();

    // One writer at a time per output folder (see fsutil): a second run waits, then replaces
    // the whole set.
    let _lock = crate::fsutil::lock_folder(&p.output)?;
    let mut staged = StagedFiles::new();
    let report = export::write_run(
        &export::ExportInput {
            name: &p.name,
            output: &p.output,
            formats: &p.config.formats,
            config: &p.config.export,
            documents: store.docs.len(),
            sentences: &sentences,
            confidences: &confidences,
            input_files: &input_files,
            pairs: &p.pairs,
            units: &export_units,
            work: work.path(),
            spill_bytes: spill,
        },
        &mut staged,
    )?;
    for (pair, r) in &report.pairs {
        summary.units.insert(pair.clone(), r.units);
        let bands = summary.score_bands.entry(pair.clone()).or_default();
        for (k, range) in [("0.0-0.5", 0..5), ("0.5-0.8", 5..8), ("0.8-1.0", 8..10)] {
            bands.insert(k.into(), r.histogram[range].iter().sum());
        }
    }
    summary.files = report.files.clone();
    summary.export = Some(report);
    summary.export_config = Some(p.config.export.clone());
    // comparable-text reviews: passage links and the trilingual memory
    staged.stage_with(&p.output.join("passages.jsonl"), |w| {
        for f in &passages {
            f.copy_runs(w)?;
        }
        Ok(())
    })?;
    summary.files.push("passages.jsonl".into());
    // Only with all three languages (a triangle needs them); then written even when empty, so
    // that every run of a pipeline writes the same set of files (a stale trilingual.tmx from an
    // earlier run must not survive beside new outputs).
    let three = Lang::ALIGNABLE.iter().all(|l| p.languages.contains(l));
    let mut trilingual = 0;
    triangles.each(|_| {
        trilingual += 1;
        Ok(())
    })?;
    if three && p.config.formats.contains(&Format::Tmx) {
        use align::triangle::{tmx_head, tmx_triangle, TMX_TAIL};
        staged.stage_with(&p.output.join("trilingual.tmx"), |w| {
            let other = |e: Error| std::io::Error::other(e.to_string());
            w.write_all(tmx_head(&p.name).as_bytes())?;
            let (mut r, mut n, mut buf) = (triangles.reader().map_err(other)?, 0, String::new());
            while let Some(t) = r.next().map_err(other)? {
                n += 1;
                buf.clear();
                tmx_triangle(&mut buf, n, &t);
                w.write_all(buf.as_bytes())?;
            }
            w.write_all(TMX_TAIL.as_bytes())
        })?;
        summary.files.push("trilingual.tmx".into());
    }
    if three {
        summary.units.insert("trilingual".into(), trilingual);
    }
    summary.files.push("summary.json".into());
    let json = serde_json::to_string_pretty(&summary).map_err(|e| Error::Usage(e.to_string()))?;
    staged.stage(
        &p.output.join("summary.json"),
        format!("{json}\n").as_bytes(),
    )?;
    let stale = stale_outputs(&p.output, &summary.files);
    staged.commit()?;
    for f in stale {
        match std::fs::remove_file(&f) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(Error::write(&f, e)),
            _ => {}
        }
    }
    drop(work);
    Ok(summary)
}

/// Files the previous run's `summary.json` in `output` listed that this run does not write (an
/// export format switched off, a pair or a language dropped): removed once the new set is in
/// place, so the folder never mixes two runs' outputs. Only plain file names listed there are
/// candidates, so a file the user put beside the outputs is never touched; an unreadable or
/// absent summary gives none.
fn stale_outputs(output: &Path, written: &[String]) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read_to_string(output.join("summary.json")) else {
        return Vec::new();
    };
    let Ok(old) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    let listed = old["files"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    listed
        .iter()
        .filter_map(serde_json::Value::as_str)
        .filter(|name| {
            let mut parts = Path::new(name).components();
            matches!(
                (parts.next(), parts.next()),
                (Some(std::path::Component::Normal(_)), None)
            ) && !written.iter().any(|w| w == name)
        })
        .map(|name| output.join(name))
        .filter(|f| std::fs::symlink_metadata(f).is_ok_and(|m| m.is_file()))
        .collect()
}
