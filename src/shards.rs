//! Plan / work / merge: a pipeline run cut into shards that any scheduler (Slurm job arrays,
//! Snakemake, GNU parallel, a plain loop) can run independently, then merged into the outputs.
//!
//! `tilmash run` is itself a plan, every shard worked in one process, and a merge (see
//! `pipeline::run`), so a distributed run and a single-machine run share every line of code that
//! decides what the outputs hold; only where fragments are kept differs (in memory, or files in
//! the plan folder). That is what makes their outputs byte-identical.
//!
//! Two kinds of shard:
//! - `segment`: ingest → identify → normalize → segment a run of documents; its fragment holds
//!   the segmented documents (what `sentences.jsonl`, the summary and the exports need).
//! - `align`: one language pair over one or more alignment scopes. A scope is the set of
//!   documents passage matching may link: the whole corpus, or one folder with
//!   `[scale] match_within = "folder"`. Candidate generation, margins and the induced lexicon are
//!   learnt inside a scope, so scopes are independent units; a `work`ed align shard re-reads
//!   and segments its scopes' documents itself rather than waiting for the segment shards
//!   (`tilmash run` reads the segment shards' sentences from its work folder instead: same
//!   function, same sentences). Either way a scope over `[scale] max_scope_mb` is cut into the
//!   same parts (`each_part`). Its fragment holds the units and passage links, part by part.
//!
//! Sizing groups whole units (documents, scopes) by estimated seconds; it never changes what a
//! unit yields, so the outputs do not depend on the shard size either.
//!
//! The plan folder:
//! - `plan.json`: the pipeline (its file, input, output, encoding) and its config hash;
//! - `shards.jsonl`: one shard per line, sorted by id; line N is shard index N;
//! - `fragments/ID.jsonl`: a finished shard's results, written atomically;
//! - `done/ID.json`: the completion marker (shard fingerprint, fragment size and hash), written
//!   after the fragment; a fragment without a valid marker does not count;
//! - `failed/ID.json`: the error record of the last failed attempt (removed on success).
//!
//! Nothing written holds a host name, a process id or a time.

use crate::error::{Error, Result};
use crate::ingest;
use crate::model::{Lang, SegmentedDocument, Sentence, TranslationUnit};
use crate::pipeline::{self, Gathered, Pipeline, Summary};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Version of the plan and fragment formats.
/// 2: passage links in align fragments without their texts (rendered at merge).
/// 3: align fragments in parts (`Record::Part`), so merge renders one part at a time.
pub const FORMAT: u32 = 3;

/// Measured on the bundled corpus, one core (see README, "Running at scale"): bytes of input
/// per second for ingest → segment, and for aligning one language pair (segmenting included).
pub const SEGMENT_BYTES_PER_SECOND: f64 = 1.0e6;
pub const ALIGN_BYTES_PER_SECOND: f64 = 0.25e6;

/// 64-bit FNV-1a: change detection for inputs, configs and fragments (not a security hash).
#[derive(Clone, Copy)]
pub struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv64 {
    pub fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    /// Adds a field with its length, so that ("ab","c") and ("a","bc") differ.
    pub fn field(&mut self, bytes: &[u8]) {
        self.update(&(bytes.len() as u64).to_le_bytes());
        self.update(bytes);
    }
    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

pub fn hash_bytes(bytes: &[u8]) -> String {
    let mut h = Fnv64::default();
    h.update(bytes);
    h.hex()
}

/// Size and content hash of a file, read in blocks.
pub fn hash_file(path: &Path) -> Result<(u64, String)> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::read(path, e))?;
    let mut h = Fnv64::default();
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf).map_err(|e| Error::read(path, e))?;
        if k == 0 {
            break;
        }
        n += k as u64;
        h.update(&buf[..k]);
    }
    Ok((n, h.hex()))
}

/// Hash of everything in a pipeline that can change what a shard yields: the config (less the
/// output folder and the input key, which the document list stands for), the forced encoding,
/// and the tilmash version.
pub fn config_hash(p: &Pipeline) -> String {
    let mut cfg = p.config.clone();
    cfg.output = String::new();
    cfg.input = String::new();
    let json = serde_json::to_string(&cfg).unwrap_or_default();
    let mut h = Fnv64::default();
    h.field(json.as_bytes());
    h.field(p.encoding.map(|e| e.name()).unwrap_or_default().as_bytes());
    h.field(env!("CARGO_PKG_VERSION").as_bytes());
    h.field(&FORMAT.to_le_bytes());
    h.hex()
}

/// One input document as planned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocRef {
    pub id: String,
    pub path: PathBuf,
    pub bytes: u64,
    /// FNV-1a 64 of the file's bytes.
    pub hash: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShardKind {
    Segment,
    Align,
}

/// One unit of work for a scheduler: one line of `shards.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shard {
    /// Stable id: `segment-NNNNNN` (documents in input order) or `align-SRC-TGT-NNNNNN` (scopes
    /// in sorted order). The same inputs, config and sizing give the same ids.
    pub id: String,
    /// Position in `shards.jsonl` (ids sorted): the number `work --index` takes.
    pub index: usize,
    pub kind: ShardKind,
    /// The language pair of an align shard, e.g. `ru-kk`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pair: Option<String>,
    /// The alignment scopes of an align shard ("" is the whole corpus).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// Shared, not copied: `run` holds every document in its segment shard and in one align
    /// shard per pair, and these entries were most of its memory per input file.
    #[serde(with = "shared_docs")]
    pub documents: Vec<Arc<DocRef>>,
    /// Estimated single-core seconds.
    pub cost_seconds: f64,
    /// The pipeline's config hash.
    pub config: String,
    /// Hash of everything the shard's result depends on (config, kind, pair, scopes, document
    /// ids and content hashes): a fragment made under another fingerprint is stale.
    pub fingerprint: String,
}

/// `Vec<Arc<DocRef>>` in `shards.jsonl`: written and read as a plain list of documents (serde's
/// own `Arc` support is behind a feature that would rebuild every dependency).
mod shared_docs {
    use super::DocRef;
    use serde::{Deserialize, Deserializer, Serializer};
    use std::sync::Arc;

    pub fn serialize<S: Serializer>(docs: &[Arc<DocRef>], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(docs.iter().map(|d| &**d))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Arc<DocRef>>, D::Error> {
        Ok(Vec::<DocRef>::deserialize(d)?
            .into_iter()
            .map(Arc::new)
            .collect())
    }
}

/// `plan.json`: which pipeline a plan folder belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanHeader {
    pub format: u32,
    pub tilmash: String,
    /// The pipeline file (absolute).
    pub pipeline: PathBuf,
    pub input: PathBuf,
    pub output: PathBuf,
    /// Forced input encoding, when one was given.
    pub encoding: Option<String>,
    pub config: String,
    pub shard_seconds: f64,
    pub documents: usize,
    pub shards: usize,
}

/// A plan: the header, the input files in sorted order, and the shards sorted by id.
#[derive(Debug, Clone)]
pub struct Plan {
    pub header: PlanHeader,
    pub shards: Vec<Shard>,
}

impl Plan {
    /// Plans a pipeline: hashes every input, groups documents into segment shards and scopes
    /// into align shards of about `shard_seconds` each (0: one document or scope per shard).
    /// `plan_dir`: the folder the plan is written to, which (like the output folder) is never
    /// read back as input.
    pub fn make(p: &Pipeline, shard_seconds: f64, plan_dir: Option<&Path>) -> Result<Plan> {
        let written: Vec<&Path> = std::iter::once(p.output.as_path())
            .chain(plan_dir)
            .collect();
        let files = ingest::collect_inputs_beside(&p.input, &written)?;
        let root = ingest::input_root(&p.input);
        let docs: Vec<Arc<DocRef>> = files
            .par_iter()
            .map(|f| {
                let (bytes, hash) = hash_file(f)?;
                Ok(Arc::new(DocRef {
                    id: ingest::document_id(f, root.as_deref()),
                    path: f.clone(),
                    bytes,
                    hash,
                }))
            })
            .collect::<Result<_>>()?;
        let mut ids: BTreeMap<&str, &Path> = BTreeMap::new();
        for d in &docs {
            if let Some(first) = ids.insert(&d.id, &d.path) {
                return Err(Error::Invalid {
                    path: d.path.clone(),
                    why: format!(
                        "has the same document id \"{}\" as {}; rename one of them",
                        d.id,
                        first.display()
                    ),
                });
            }
        }
        let config = config_hash(p);
        let mut shards = Vec::new();
        // segment shards: runs of documents in input order
        let mut run: Vec<Arc<DocRef>> = Vec::new();
        let mut cost = 0.0;
        let flush = |run: &mut Vec<Arc<DocRef>>, cost: &mut f64, shards: &mut Vec<Shard>| {
            if run.is_empty() {
                return;
            }
            let n = shards.len();
            shards.push(new_shard(
                format!("segment-{n:06}"),
                ShardKind::Segment,
                None,
                vec![],
                std::mem::take(run),
                *cost,
                &config,
            ));
            *cost = 0.0;
        };
        for d in &docs {
            run.push(d.clone());
            cost += d.bytes as f64 / SEGMENT_BYTES_PER_SECOND;
            if cost >= shard_seconds {
                flush(&mut run, &mut cost, &mut shards);
            }
        }
        flush(&mut run, &mut cost, &mut shards);
        // align shards: per pair, runs of scopes in sorted order
        let mut scopes: BTreeMap<String, Vec<Arc<DocRef>>> = BTreeMap::new();
        for d in &docs {
            let s = pipeline::scope_of(&d.path, p.config.scale.match_within);
            scopes.entry(s).or_default().push(d.clone());
        }
        for &(a, b) in &p.pairs {
            let pair = format!("{}-{}", a.code(), b.code());
            let mut k = 0;
            let (mut names, mut members, mut cost) = (Vec::new(), Vec::new(), 0.0);
            let mut emit = |names: &mut Vec<String>,
                            members: &mut Vec<Arc<DocRef>>,
                            cost: &mut f64,
                            shards: &mut Vec<Shard>| {
                if names.is_empty() {
                    return;
                }
                shards.push(new_shard(
                    format!("align-{pair}-{k:06}"),
                    ShardKind::Align,
                    Some(pair.clone()),
                    std::mem::take(names),
                    std::mem::take(members),
                    *cost,
                    &config,
                ));
                k += 1;
                *cost = 0.0;
            };
            for (name, ds) in &scopes {
                names.push(name.clone());
                members.extend(ds.iter().cloned());
                cost += ds.iter().map(|d| d.bytes as f64).sum::<f64>() / ALIGN_BYTES_PER_SECOND;
                if cost >= shard_seconds {
                    emit(&mut names, &mut members, &mut cost, &mut shards);
                }
            }
            emit(&mut names, &mut members, &mut cost, &mut shards);
        }
        shards.sort_by(|x, y| x.id.cmp(&y.id));
        for (i, s) in shards.iter_mut().enumerate() {
            s.index = i;
        }
        let header = PlanHeader {
            format: FORMAT,
            tilmash: env!("CARGO_PKG_VERSION").into(),
            pipeline: p.path.clone(),
            input: p.input.clone(),
            output: p.output.clone(),
            encoding: p.encoding.map(|e| e.name()),
            config,
            shard_seconds,
            documents: docs.len(),
            shards: shards.len(),
        };
        Ok(Plan { header, shards })
    }

    /// Writes `plan.json` and `shards.jsonl` into `dir` (each only when its bytes change, so a
    /// re-plan while workers run leaves their files alone). Both are staged before either is
    /// renamed into place, so a failed write leaves the old plan whole.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let header = serde_json::to_string_pretty(&self.header).map_err(json_err)? + "\n";
        let mut lines = String::new();
        for s in &self.shards {
            lines.push_str(&serde_json::to_string(s).map_err(json_err)?);
            lines.push('\n');
        }
        let mut staged = crate::fsutil::StagedFiles::new();
        for (name, bytes) in [("plan.json", header), ("shards.jsonl", lines)] {
            let path = dir.join(name);
            if std::fs::read(&path).ok().as_deref() != Some(bytes.as_bytes()) {
                staged.stage(&path, bytes.as_bytes())?;
            }
        }
        staged.commit()?;
        Ok(())
    }

    /// Reads a plan folder.
    pub fn read(dir: &Path) -> Result<Plan> {
        let hp = dir.join("plan.json");
        let text = std::fs::read_to_string(&hp).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::Invalid {
                path: dir.to_path_buf(),
                why:
                    "no plan.json here; make the plan first with `tilmash plan PIPELINE --out DIR`"
                        .into(),
            },
            _ => Error::read(&hp, e),
        })?;
        let header: PlanHeader = serde_json::from_str(&text).map_err(|e| Error::Invalid {
            path: hp.clone(),
            why: format!("not a tilmash plan ({e}); make the plan again with `tilmash plan`"),
        })?;
        if header.format != FORMAT {
            return Err(Error::Invalid {
                path: hp,
                why: format!(
                    "plan format {} (this tilmash writes {FORMAT}); make the plan again",
                    header.format
                ),
            });
        }
        let sp = dir.join("shards.jsonl");
        let text = std::fs::read_to_string(&sp).map_err(|e| Error::read(&sp, e))?;
        let mut shards = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let s: Shard = serde_json::from_str(line).map_err(|e| Error::Invalid {
                path: sp.clone(),
                why: format!(
                    "line {}: not a shard ({e}); make the plan again with `tilmash plan`",
                    n + 1
                ),
            })?;
            if s.index != n {
                return Err(Error::Invalid {
                    path: sp.clone(),
                    why: format!(
                        "line {}: index {} out of place; make the plan again",
                        n + 1,
                        s.index
                    ),
                });
            }
            shards.push(s);
        }
        Ok(Plan { header, shards })
    }

    /// The pipeline this plan was made for, as it was planned (input, output and encoding
    /// overrides included). Fails when the pipeline file's settings changed since.
    pub fn pipeline(&self, dir: &Path) -> Result<Pipeline> {
        let mut p = Pipeline::load(&self.header.pipeline)?;
        p.input = self.header.input.clone();
        p.output = self.header.output.clone();
        p.encoding = match &self.header.encoding {
            Some(l) => Some(ingest::TextEncoding::parse_or_err(l, "plan.json encoding")?),
            None => None,
        };
        if config_hash(&p) != self.header.config {
            return Err(Error::Invalid {
                path: self.header.pipeline.clone(),
                why: format!(
                    "settings changed since the plan in {} was made (or tilmash was upgraded); \
                     its fragments are stale: make the plan again (`tilmash plan`) and work the \
                     shards `tilmash plan --missing` lists",
                    dir.display()
                ),
            });
        }
        Ok(p)
    }
}

fn json_err(e: serde_json::Error) -> Error {
    Error::Usage(format!("internal JSON error: {e}"))
}

fn new_shard(
    id: String,
    kind: ShardKind,
    pair: Option<String>,
    scopes: Vec<String>,
    documents: Vec<Arc<DocRef>>,
    cost: f64,
    config: &str,
) -> Shard {
    let mut h = Fnv64::default();
    h.field(config.as_bytes());
    h.field(format!("{kind:?}").as_bytes());
    h.field(pair.as_deref().unwrap_or("").as_bytes());
    for s in &scopes {
        h.field(s.as_bytes());
    }
    for d in &documents {
        h.field(d.id.as_bytes());
        h.field(d.path.to_string_lossy().as_bytes());
        h.field(d.hash.as_bytes());
    }
    Shard {
        id,
        index: 0,
        kind,
        pair,
        scopes,
        documents,
        cost_seconds: (cost * 1000.0).round() / 1000.0,
        config: config.to_string(),
        fingerprint: h.hex(),
    }
}

/// One line of a fragment.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Record {
    /// First line: which shard, under which fingerprint.
    Header { shard: String, fingerprint: String },
    /// A segmented document and the warnings its reading raised.
    Document {
        document: SegmentedDocument,
        warnings: Vec<String>,
    },
    /// Part `n` of an align shard's scopes (see `each_part`) begins: its units and passage
    /// links follow.
    Part(usize),
    /// An aligned unit (before triangles and the score filter).
    Unit(TranslationUnit),
    /// A passage link as a serialized `PassageRecord` (no texts: merge renders them from the
    /// segment fragments' documents when it writes `passages.jsonl`).
    Passage(String),
}

/// `Record` as written: the same JSON, from borrowed values.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum RecordOut<'a> {
    Header {
        shard: &'a str,
        fingerprint: &'a str,
    },
    Document {
        document: &'a SegmentedDocument,
        warnings: &'a [String],
    },
    Part(usize),
    Unit(&'a TranslationUnit),
    Passage(&'a str),
}

/// A failed shard: the error, and whether trying again may help.
#[derive(Debug)]
pub struct ShardError {
    pub error: Error,
    pub retryable: bool,
}

impl From<Error> for ShardError {
    fn from(error: Error) -> Self {
        // Reading or writing that failed for a reason other than a missing file (a full disk, a
        // network file system hiccup) may succeed on another attempt; bad input will not.
        let retryable = matches!(error, Error::Read { .. } | Error::Write { .. });
        ShardError { error, retryable }
    }
}

fn lang_pair(pair: &str) -> Option<(Lang, Lang)> {
    let (a, b) = pair.split_once('-')?;
    Some((Lang::parse_working(a)?, Lang::parse_working(b)?))
}

/// Works one shard into its fragment file `path` (written atomically, streamed: an align
/// shard part by part) and returns the fragment's size and hash. Checks first that every
/// document is still the one planned.
pub fn work_shard(
    p: &Pipeline,
    shard: &Shard,
    path: &Path,
) -> std::result::Result<(u64, String), ShardError> {
    let changed: Vec<String> = shard
        .documents
        .par_iter()
        .map(|d| hash_file(&d.path).map(|(_, h)| (h != d.hash).then(|| d.id.clone())))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    if let Some(first) = changed.first() {
        return Err(ShardError {
            error: Error::Invalid {
                path: PathBuf::from(first),
                why: format!(
                    "input changed since the plan was made ({} of shard {}'s documents); make \
                     the plan again with `tilmash plan` and work the shards it lists as missing",
                    changed.len(),
                    shard.id
                ),
            },
            retryable: false,
        });
    }
    let mut staged = crate::fsutil::StagedFiles::new();
    // An error of the shard itself (bad input) keeps its kind through the staging writer.
    let mut failed = None;
    let mut written = (0, String::new());
    let staging = staged.stage_with(path, |w| {
        let mut out = FragmentOut {
            w,
            hash: Fnv64::default(),
            bytes: 0,
        };
        match write_fragment(p, shard, &mut out) {
            Ok(()) => {
                written = (out.bytes, out.hash.hex());
                Ok(())
            }
            Err(e) => {
                let io = std::io::Error::other(e.to_string());
                failed = Some(e);
                Err(io)
            }
        }
    });
    if let Some(e) = failed {
        return Err(e.into());
    }
    staging?;
    staged.commit()?;
    Ok(written)
}

/// A fragment as it is written: its size and hash kept up to date.
struct FragmentOut<'a> {
    w: &'a mut dyn std::io::Write,
    hash: Fnv64,
    bytes: u64,
}

impl FragmentOut<'_> {
    fn record(&mut self, r: &RecordOut) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(r)?;
        line.push(b'\n');
        self.hash.update(&line);
        self.bytes += line.len() as u64;
        self.w.write_all(&line)
    }
}

/// A shard's fragment: a header line, then one record per line; an align shard's units and
/// passage links part by part, each part aligned as soon as its sentences are segmented.
fn write_fragment(p: &Pipeline, shard: &Shard, out: &mut FragmentOut) -> Result<()> {
    let io = |e: std::io::Error| Error::Write {
        path: PathBuf::from(format!("fragments/{}.jsonl", shard.id)),
        source: e,
    };
    out.record(&RecordOut::Header {
        shard: &shard.id,
        fingerprint: &shard.fingerprint,
    })
    .map_err(io)?;
    match shard.kind {
        ShardKind::Segment => {
            let files: Vec<(PathBuf, String)> = shard
                .documents
                .iter()
                .map(|d| (d.path.clone(), d.id.clone()))
                .collect();
            for (document, warnings) in pipeline::prepare_documents(&files, p.encoding, &p.config)?
            {
                out.record(&RecordOut::Document {
                    document: &document,
                    warnings: &warnings,
                })
                .map_err(io)?;
            }
        }
        ShardKind::Align => {
            let (a, b) = shard_pair(shard)?;
            let segment = |d: &DocRef, f: &mut dyn FnMut(Sentence) -> Result<()>| {
                pipeline::ingest_and_segment_stream(
                    &d.path,
                    d.id.clone(),
                    p.encoding,
                    &p.config,
                    |part| part.into_iter().try_for_each(&mut *f),
                )
                .map(|_| ())
            };
            each_part(p, shard, &segment, &mut |n, docs| {
                let r = align_part(p, a, b, docs)?;
                out.record(&RecordOut::Part(n)).map_err(io)?;
                for u in &r.units {
                    out.record(&RecordOut::Unit(u)).map_err(io)?;
                }
                for l in &r.passages {
                    out.record(&RecordOut::Passage(l)).map_err(io)?;
                }
                Ok(())
            })?;
        }
    }
    Ok(())
}

/// What aligning one part of a scope yields for a pair: units (before triangles and the score
/// filter) and passage links (serialized `PassageRecord`s, without texts).
#[derive(Default)]
pub struct AlignOutput {
    pub units: Vec<TranslationUnit>,
    pub passages: Vec<String>,
}

/// The language pair of an align shard.
fn shard_pair(shard: &Shard) -> Result<(Lang, Lang)> {
    let pair = shard.pair.as_deref().unwrap_or("");
    lang_pair(pair).ok_or_else(|| Error::Invalid {
        path: PathBuf::from(&shard.id),
        why: format!("bad language pair \"{pair}\"; make the plan again"),
    })
}

/// Hands every sentence of a document to `f`, in order: read from a run's work folder, or
/// segmented from the file by a `work`er.
pub type Sentences<'a> =
    &'a (dyn Fn(&DocRef, &mut dyn FnMut(Sentence) -> Result<()>) -> Result<()> + Sync);

/// The one place a scope is cut into parts: each scope of `shard` (in order; its documents in
/// input order, their sentences streamed by `sentences`) cut by `ScopeParts` at
/// `[scale] max_scope_mb`, and `part(n, documents)` called for each part, numbered across the
/// shard's scopes. `run`, `work` and `merge` all cut through here, so they cut alike.
pub fn each_part(
    p: &Pipeline,
    shard: &Shard,
    sentences: Sentences,
    part: &mut dyn FnMut(usize, &[SegmentedDocument]) -> Result<()>,
) -> Result<()> {
    let mut n = 0;
    let mut emit = |docs: &[SegmentedDocument]| -> Result<()> {
        part(n, docs)?;
        n += 1;
        Ok(())
    };
    for scope in &shard.scopes {
        let mut parts = ScopeParts::new(p.config.scale.max_scope_bytes());
        let within = p.config.scale.match_within;
        for d in shard
            .documents
            .iter()
            .filter(|d| pipeline::scope_of(&d.path, within) == *scope)
        {
            // The aligner reads a document's id and sentences, nothing else.
            parts.start(&SegmentedDocument {
                id: d.id.clone(),
                encoding: String::new(),
                paragraph_count: 0,
                paragraph_langs: Vec::new(),
                sentences: Vec::new(),
            });
            sentences(d, &mut |s| match parts.push(s) {
                Some(done) => emit(&done),
                None => Ok(()),
            })?;
        }
        emit(&parts.finish())?;
    }
    Ok(())
}

/// Aligns pair `a`-`b` over `docs` (one scope, or one part of one).
pub fn align_part(
    p: &Pipeline,
    a: Lang,
    b: Lang,
    docs: &[SegmentedDocument],
) -> Result<AlignOutput> {
    let r = pipeline::align_pair(docs, a, b, &p.config.align, &p.config.comparable)?;
    // Each record is dropped once serialized: one copy of the passages at a time.
    let mut passages = Vec::with_capacity(r.passages.len());
    for l in r.passages {
        passages.push(serde_json::to_string(&l).map_err(json_err)?);
    }
    Ok(AlignOutput {
        units: r.units,
        passages,
    })
}

/// Cuts an alignment scope into parts of about `budget` bytes of export text, so that the
/// aligner's memory is bounded whatever the size of a scope or of one document: fed the scope's
/// sentences in order (documents in input order), it ends a part before a sentence that opens a
/// paragraph (or a document) once the part holds `budget` bytes. A document may so be cut in
/// two parts (each holds a run of its sentences, with their document-wide numbers). The cut
/// depends only on the sentences, so any worker cuts a scope the same way, and a scope under
/// the budget is one part: every document whole.
pub struct ScopeParts {
    budget: usize,
    bytes: usize,
    part: Vec<SegmentedDocument>,
    /// The paragraph of the last sentence pushed, in the current document.
    paragraph: Option<usize>,
}

impl ScopeParts {
    pub fn new(budget: usize) -> ScopeParts {
        ScopeParts {
            budget,
            bytes: 0,
            part: Vec::new(),
            paragraph: None,
        }
    }

    /// Opens the next document (its sentences, if any, are ignored: `push` them).
    pub fn start(&mut self, d: &SegmentedDocument) {
        self.part.push(SegmentedDocument {
            id: d.id.clone(),
            encoding: d.encoding.clone(),
            paragraph_count: d.paragraph_count,
            paragraph_langs: d.paragraph_langs.clone(),
            sentences: Vec::new(),
        });
        self.paragraph = None;
    }

    /// Adds the next sentence of the current document; returns the part it ends, if any.
    pub fn push(&mut self, s: Sentence) -> Option<Vec<SegmentedDocument>> {
        let mut done = None;
        if self.paragraph != Some(s.paragraph) && self.budget > 0 && self.bytes >= self.budget {
            let mut current = self.part.pop()?;
            let sentences = std::mem::take(&mut current.sentences);
            let next = current.clone();
            current.sentences = sentences;
            let mut finished = std::mem::take(&mut self.part);
            if !current.sentences.is_empty() {
                finished.push(current);
            }
            self.part.push(next);
            self.bytes = 0;
            done = Some(finished);
        }
        self.bytes += s.text.len();
        self.paragraph = Some(s.paragraph);
        self.part.last_mut()?.sentences.push(s);
        done
    }

    /// The last part.
    pub fn finish(self) -> Vec<SegmentedDocument> {
        self.part
    }
}

/// Reads a fragment back record by record (one document, or one part, at a time).
struct FragmentReader<'a> {
    shard: &'a Shard,
    lines: std::io::Lines<std::io::BufReader<std::fs::File>>,
    next: Option<Record>,
}

impl<'a> FragmentReader<'a> {
    fn stale(shard: &Shard, why: &str) -> Error {
        Error::Invalid {
            path: PathBuf::from(format!("fragments/{}.jsonl", shard.id)),
            why: format!("{why}; work shard {} again", shard.id),
        }
    }

    /// Opens `path` and checks its header names `shard` under its fingerprint.
    fn open(shard: &'a Shard, path: &Path) -> Result<FragmentReader<'a>> {
        use std::io::BufRead;
        let f = std::fs::File::open(path).map_err(|e| Error::read(path, e))?;
        let mut r = FragmentReader {
            shard,
            lines: std::io::BufReader::with_capacity(1 << 16, f).lines(),
            next: None,
        };
        match r.read()? {
            Some(Record::Header {
                shard: s,
                fingerprint,
            }) if s == shard.id => {
                if fingerprint != shard.fingerprint {
                    return Err(Self::stale(
                        shard,
                        "stale fragment (made for another plan, config or input)",
                    ));
                }
            }
            _ => return Err(Self::stale(shard, "not a fragment of this shard")),
        }
        r.next = r.read()?;
        Ok(r)
    }

    fn read(&mut self) -> Result<Option<Record>> {
        match self.lines.next() {
            None => Ok(None),
            Some(line) => {
                let line = line.map_err(|e| {
                    Error::read(
                        &PathBuf::from(format!("fragments/{}.jsonl", self.shard.id)),
                        e,
                    )
                })?;
                serde_json::from_str(&line)
                    .map(Some)
                    .map_err(|_| Self::stale(self.shard, "unreadable fragment line"))
            }
        }
    }

    /// The next record of a segment fragment.
    fn document(&mut self) -> Result<Option<(SegmentedDocument, Vec<String>)>> {
        match self.next.take() {
            None => Ok(None),
            Some(Record::Document { document, warnings })
                if self.shard.kind == ShardKind::Segment =>
            {
                self.next = self.read()?;
                Ok(Some((document, warnings)))
            }
            Some(_) => Err(Self::stale(self.shard, "unreadable fragment line")),
        }
    }

    /// Part `n` of an align fragment.
    fn part(&mut self, n: usize) -> Result<AlignOutput> {
        if !matches!(self.next, Some(Record::Part(m)) if m == n) {
            return Err(Self::stale(
                self.shard,
                "fragment parts do not match the plan's",
            ));
        }
        let mut out = AlignOutput::default();
        loop {
            match self.read()? {
                Some(Record::Unit(u)) => out.units.push(u),
                Some(Record::Passage(l)) => out.passages.push(l),
                next @ (None | Some(Record::Part(_))) => {
                    self.next = next;
                    return Ok(out);
                }
                Some(_) => return Err(Self::stale(self.shard, "unreadable fragment line")),
            }
        }
    }

    /// Fails when records are left over.
    fn finish(self) -> Result<()> {
        match self.next {
            None => Ok(()),
            Some(_) => Err(Self::stale(
                self.shard,
                "fragment parts do not match the plan's",
            )),
        }
    }
}

/// The align shards in groups: the k-th shard of every pair (in plan order). Scopes are grouped
/// into shards the same way for every pair, so a group's shards cover the same documents; a
/// group's documents are loaded once for all its pairs.
pub fn align_groups(plan: &Plan) -> Vec<Vec<&Shard>> {
    let mut per_pair: BTreeMap<&str, Vec<&Shard>> = BTreeMap::new();
    for s in plan.shards.iter().filter(|s| s.kind == ShardKind::Align) {
        per_pair
            .entry(s.pair.as_deref().unwrap_or(""))
            .or_default()
            .push(s);
    }
    let mut groups: Vec<Vec<&Shard>> = Vec::new();
    for shards in per_pair.values() {
        for (k, s) in shards.iter().enumerate() {
            if groups.len() <= k {
                groups.push(Vec::new());
            }
            groups[k].push(s);
        }
    }
    groups
}

/// Where an align shard's output goes in the order of the outputs: (group, part).
pub type PartKey = (usize, usize);

/// Aligns group `k` part by part (see `each_part`), every pair of a part in turn, with its
/// documents' sentences streamed by `sentences`: what `run` does with each group.
pub fn align_group(
    p: &Pipeline,
    k: usize,
    group: &[&Shard],
    sentences: Sentences,
    sink: &AlignSink,
) -> Result<()> {
    let pairs: Vec<(Lang, Lang)> = group.iter().map(|s| shard_pair(s)).collect::<Result<_>>()?;
    each_part(p, group[0], sentences, &mut |n, part| {
        // One pair at a time: the aligner parallelizes inside a pair, and pairs side by side
        // would each hold their working memory.
        for (shard, &(a, b)) in group.iter().zip(&pairs) {
            sink.add((k, n), shard, align_part(p, a, b, part)?, part)?;
        }
        Ok(())
    })
}

/// Collects what the align shards yield, part by part (in any order, from parallel workers),
/// in the work folder: units as they are, passage lines rendered with the part's documents.
/// `finish` reads them back in (group, part) order.
pub struct AlignSink {
    pairs: Vec<String>,
    /// Each pair's units, run by run.
    units: Vec<crate::spill::RunFile>,
    passages: Vec<crate::spill::RunFile>,
}

impl AlignSink {
    pub fn new(p: &Pipeline, work: &Path) -> Result<AlignSink> {
        let pairs: Vec<String> = p
            .pairs
            .iter()
            .map(|(a, b)| format!("{}-{}", a.code(), b.code()))
            .collect();
        let runs = |what: &str| -> Result<Vec<crate::spill::RunFile>> {
            pairs
                .iter()
                .map(|n| crate::spill::RunFile::create(work.join(format!("{what}-{n}.jsonl"))))
                .collect()
        };
        Ok(AlignSink {
            units: runs("units")?,
            passages: runs("passages")?,
            pairs,
        })
    }

    /// Adds what align shard `shard` yielded for `key` (its group, and the part of the
    /// group); `docs` holds the documents aligned (the part).
    pub fn add(
        &self,
        key: PartKey,
        shard: &Shard,
        output: AlignOutput,
        docs: &[SegmentedDocument],
    ) -> Result<()> {
        let AlignOutput { units, passages } = output;
        let pair = shard.pair.as_deref().unwrap_or("");
        let Some(pi) = self.pairs.iter().position(|n| n == pair) else {
            return Ok(());
        };
        let by_id: std::collections::HashMap<&str, &SegmentedDocument> =
            docs.iter().map(|d| (d.id.as_str(), d)).collect();
        // Rendered lines go to the work folder about a megabyte at a time (a pair's passage
        // lines can be many times its text); each compact line is dropped once rendered.
        let mut lines = Vec::new();
        for l in passages {
            lines.extend(pipeline::render_passage(&l, &by_id)?);
            if lines.len() >= 1 << 20 {
                self.passages[pi].append(key, &lines)?;
                lines.clear();
            }
        }
        self.passages[pi].append(key, &lines)?;
        self.units[pi].append_all(key, &units)
    }

    /// The global steps (see `pipeline::write_outputs`): units per pair in the pipeline's pair
    /// order, from every group in order, sorted into one order.
    pub fn finish(
        self,
        p: &Pipeline,
        input_files: Vec<PathBuf>,
        documents: crate::spill::DocStore,
        work: crate::fsutil::WorkDir,
    ) -> Result<Summary> {
        // Groups in order, then one order over all of them (scopes come in sorted order,
        // documents in input order), sorted in bounded memory.
        let units = self
            .units
            .iter()
            .zip(&self.pairs)
            .map(|(runs, pair)| {
                let dir = work.path().join(format!("sort-{pair}"));
                let mut sorter = crate::spill::Sorter::new(
                    dir,
                    p.config.scale.spill_bytes(),
                    |u: &TranslationUnit, v: &TranslationUnit| {
                        (&u.src.doc, &u.src.sentences, &u.tgt.doc, &u.tgt.sentences).cmp(&(
                            &v.src.doc,
                            &v.src.sentences,
                            &v.tgt.doc,
                            &v.tgt.sentences,
                        ))
                    },
                );
                runs.each(|u| sorter.push(u))?;
                sorter.finish()
            })
            .collect::<Result<_>>()?;
        pipeline::write_outputs(
            p,
            Gathered {
                input_files,
                documents,
                units,
                passages: self.passages,
                work,
            },
        )
    }
}

/// The global steps over every shard's fragment: segment fragments (in plan order) into the
/// work folder's documents, then the align groups part by part (cut as `run` cuts them, each
/// part's passage links rendered with its documents), then `pipeline::write_outputs`.
/// `fragment` checks one shard's fragment and gives its path; fragments are read a record at a
/// time.
pub fn merge_fragments(
    p: &Pipeline,
    plan: &Plan,
    fragment: impl Fn(&Shard) -> Result<PathBuf>,
) -> Result<Summary> {
    let work = crate::fsutil::WorkDir::create(&p.output)?;
    let mut store = crate::spill::DocStore::new(work.path())?;
    let mut input_files: Vec<PathBuf> = Vec::new();
    for s in plan.shards.iter().filter(|s| s.kind == ShardKind::Segment) {
        input_files.extend(s.documents.iter().map(|d| d.path.clone()));
        let mut r = FragmentReader::open(s, &fragment(s)?)?;
        while let Some((d, w)) = r.document()? {
            store.add(&d, w)?;
        }
    }
    let sink = AlignSink::new(p, work.path())?;
    let from_store = |d: &DocRef, f: &mut dyn FnMut(Sentence) -> Result<()>| {
        store.each_sentence(store.index(&d.id)?, f)
    };
    for (k, group) in align_groups(plan).iter().enumerate() {
        let mut readers = group
            .iter()
            .map(|s| FragmentReader::open(s, &fragment(s)?))
            .collect::<Result<Vec<_>>>()?;
        each_part(p, group[0], &from_store, &mut |n, part| {
            for (shard, r) in group.iter().zip(readers.iter_mut()) {
                sink.add((k, n), shard, r.part(n)?, part)?;
            }
            Ok(())
        })?;
        readers.into_iter().try_for_each(FragmentReader::finish)?;
    }
    sink.finish(p, input_files, store, work)
}

/// `done/ID.json`: a finished shard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoneMarker {
    pub shard: String,
    pub fingerprint: String,
    pub bytes: u64,
    pub hash: String,
}

/// `failed/ID.json`: the last failed attempt of a shard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailureRecord {
    pub shard: String,
    pub fingerprint: String,
    /// 1: retryable (I/O); 2: bad input (trying again will not help until it is fixed).
    pub exit: i32,
    pub error: String,
}

fn fragment_path(dir: &Path, id: &str) -> PathBuf {
    dir.join("fragments").join(format!("{id}.jsonl"))
}
fn done_path(dir: &Path, id: &str) -> PathBuf {
    dir.join("done").join(format!("{id}.json"))
}
fn failed_path(dir: &Path, id: &str) -> PathBuf {
    dir.join("failed").join(format!("{id}.json"))
}

/// Where a shard stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ShardState {
    Done,
    /// Finished under another fingerprint (config or inputs changed since).
    Stale,
    Failed,
    Missing,
}

impl ShardState {
    pub fn name(self) -> &'static str {
        match self {
            ShardState::Done => "done",
            ShardState::Stale => "stale",
            ShardState::Failed => "failed",
            ShardState::Missing => "missing",
        }
    }
}

/// A shard's state from its marker (fingerprint and fragment size; `merge` checks the hash).
pub fn shard_state(dir: &Path, shard: &Shard) -> ShardState {
    let marker: Option<DoneMarker> = std::fs::read_to_string(done_path(dir, &shard.id))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok());
    match marker {
        Some(m) if m.fingerprint != shard.fingerprint => ShardState::Stale,
        Some(m)
            if std::fs::metadata(fragment_path(dir, &shard.id))
                .is_ok_and(|x| x.len() == m.bytes) =>
        {
            ShardState::Done
        }
        _ if failed_path(dir, &shard.id).is_file() => ShardState::Failed,
        _ => ShardState::Missing,
    }
}

/// What `work` did with each shard it was given.
#[derive(Debug, Default)]
pub struct WorkReport {
    pub worked: Vec<String>,
    pub skipped: Vec<String>,
    /// (shard, exit code, message)
    pub failed: Vec<(String, i32, String)>,
}

impl WorkReport {
    /// 0: all done; 1: a retryable failure; 2: bad input somewhere.
    pub fn exit_code(&self) -> i32 {
        self.failed.iter().map(|f| f.1).max().unwrap_or(0)
    }
}

/// Set (to 1) only by tests: a file `inject/fail-once-ID` in the plan folder makes shard ID fail
/// once, retryably (the file is removed), as a lost node would.
pub const FAULT_INJECTION_ENV: &str = "TILMASH_FAULT_INJECTION";

/// Works shards `index*count .. index*count+count` of the plan in `dir`, writing each fragment
/// atomically and then its completion marker. A shard already done is skipped.
pub fn work(dir: &Path, index: usize, count: usize) -> Result<WorkReport> {
    let plan = Plan::read(dir)?;
    let count = count.max(1);
    let first = index.saturating_mul(count);
    if first >= plan.shards.len() {
        return Err(Error::Usage(format!(
            "--index {index} with --count {count}: the plan in {} has {} shards (indices 0..{}); \
             size the array as ceil(shards / count)",
            dir.display(),
            plan.shards.len(),
            plan.shards.len().div_ceil(count)
        )));
    }
    let p = plan.pipeline(dir)?;
    let mut report = WorkReport::default();
    let inject = std::env::var(FAULT_INJECTION_ENV).is_ok_and(|v| v == "1");
    for shard in plan.shards.iter().skip(first).take(count) {
        if shard_state(dir, shard) == ShardState::Done {
            report.skipped.push(shard.id.clone());
            continue;
        }
        let trap = dir.join("inject").join(format!("fail-once-{}", shard.id));
        let fragment = fragment_path(dir, &shard.id);
        let result = if inject && trap.is_file() {
            let _ = std::fs::remove_file(&trap);
            Err(ShardError {
                error: Error::Write {
                    path: fragment_path(dir, &shard.id),
                    source: std::io::Error::other("fault injected for a test"),
                },
                retryable: true,
            })
        } else {
            work_shard(&p, shard, &fragment)
        };
        let result = result.and_then(|(bytes, hash)| {
            let marker = DoneMarker {
                shard: shard.id.clone(),
                fingerprint: shard.fingerprint.clone(),
                bytes,
                hash,
            };
            let json = serde_json::to_string(&marker).map_err(json_err)? + "\n";
            crate::fsutil::write_atomic(&done_path(dir, &shard.id), json.as_bytes())?;
            Ok(())
        });
        match result {
            Ok(()) => {
                let _ = std::fs::remove_file(failed_path(dir, &shard.id));
                report.worked.push(shard.id.clone());
            }
            Err(e) => {
                let exit = if e.retryable { 1 } else { 2 };
                let rec = FailureRecord {
                    shard: shard.id.clone(),
                    fingerprint: shard.fingerprint.clone(),
                    exit,
                    error: e.error.to_string(),
                };
                if let Ok(json) = serde_json::to_string(&rec) {
                    let _ = crate::fsutil::write_atomic(
                        &failed_path(dir, &shard.id),
                        (json + "\n").as_bytes(),
                    );
                }
                report.failed.push((shard.id.clone(), exit, rec.error));
            }
        }
    }
    Ok(report)
}

/// Every shard with its state, in plan order, and why finished shards are stale when they are
/// (the pipeline's settings or an input changed since the plan was made).
pub fn status(dir: &Path) -> Result<(Plan, Vec<ShardState>, Option<String>)> {
    let plan = Plan::read(dir)?;
    let mut states: Vec<ShardState> = plan.shards.iter().map(|s| shard_state(dir, s)).collect();
    let note =
        match plan.pipeline(dir) {
            Err(e) => {
                for st in states.iter_mut().filter(|st| **st == ShardState::Done) {
                    *st = ShardState::Stale;
                }
                Some(e.to_string())
            }
            Ok(_) => {
                let changed = changed_inputs(&plan);
                for (s, st) in plan.shards.iter().zip(states.iter_mut()) {
                    if *st == ShardState::Done
                        && s.documents.iter().any(|d| changed.contains(&d.id))
                    {
                        *st = ShardState::Stale;
                    }
                }
                (!changed.is_empty()).then(|| {
                    format!(
                    "{} input(s) changed since the plan was made ({}); make the plan again and \
                     work the shards `tilmash plan --missing` lists",
                    changed.len(),
                    changed.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
                )
                })
            }
        };
    Ok((plan, states, note))
}

/// Documents whose content changed since the plan was made.
pub fn changed_inputs(plan: &Plan) -> Vec<String> {
    let mut docs: Vec<&Arc<DocRef>> = plan
        .shards
        .iter()
        .filter(|s| s.kind == ShardKind::Segment)
        .flat_map(|s| s.documents.iter())
        .collect();
    docs.dedup_by(|a, b| a.id == b.id);
    docs.par_iter()
        .filter(|d| hash_file(&d.path).map_or(true, |(_, h)| h != d.hash))
        .map(|d| d.id.clone())
        .collect()
}

/// A Slurm `--array` spec for shard indices: `0-3,7,9-10`.
pub fn array_spec(indices: &[usize]) -> String {
    let mut parts = Vec::new();
    let mut k = 0;
    while k < indices.len() {
        let start = indices[k];
        let mut end = start;
        while k + 1 < indices.len() && indices[k + 1] == end + 1 {
            k += 1;
            end += 1;
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        k += 1;
    }
    parts.join(",")
}

/// Merges a plan folder's fragments into the pipeline's outputs (`output` overrides the
/// planned output folder). Fails, naming them, when shards are unfinished or stale, when a
/// fragment was altered, or when an input changed since the plan.
pub fn merge(dir: &Path, output: Option<&Path>) -> Result<Summary> {
    let plan = Plan::read(dir)?;
    let mut p = plan.pipeline(dir)?;
    if let Some(o) = output {
        p.output = o.to_path_buf();
    }
    let changed = changed_inputs(&plan);
    if !changed.is_empty() {
        return Err(Error::Invalid {
            path: dir.to_path_buf(),
            why: format!(
                "{} input(s) changed since the plan was made ({}); the fragments are stale: make \
                 the plan again and work the shards `tilmash plan --missing` lists",
                changed.len(),
                changed
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    let states: Vec<ShardState> = plan.shards.iter().map(|s| shard_state(dir, s)).collect();
    let bad: Vec<String> = plan
        .shards
        .iter()
        .zip(&states)
        .filter(|(_, st)| **st != ShardState::Done)
        .map(|(s, st)| format!("{} {}", s.id, st.name()))
        .collect();
    if !bad.is_empty() {
        let shown: Vec<&str> = bad.iter().take(5).map(String::as_str).collect();
        return Err(Error::Invalid {
            path: dir.to_path_buf(),
            why: format!(
                "{} of {} shards not finished ({}{}); work them (`tilmash status --plan {} --array` \
                 gives the Slurm array) and merge again",
                bad.len(),
                plan.shards.len(),
                shown.join(", "),
                if bad.len() > 5 { ", …" } else { "" },
                dir.display()
            ),
        });
    }
    merge_fragments(&p, &plan, |s| {
        let path = fragment_path(dir, &s.id);
        let (_, hash) = hash_file(&path)?;
        let marker: Option<DoneMarker> = std::fs::read_to_string(done_path(dir, &s.id))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok());
        if marker.is_none_or(|m| m.hash != hash) {
            return Err(Error::Invalid {
                path,
                why: format!(
                    "fragment does not match its completion marker (altered or torn); \
                     delete done/{}.json and work shard {} again",
                    s.id, s.index
                ),
            });
        }
        Ok(path)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_spec_joins_runs() {
        assert_eq!(array_spec(&[]), "");
        assert_eq!(array_spec(&[4]), "4");
        assert_eq!(array_spec(&[0, 1, 2, 5, 7, 8]), "0-2,5,7-8");
    }

    fn doc(id: &str, paragraphs: &[usize]) -> SegmentedDocument {
        SegmentedDocument {
            id: id.into(),
            encoding: "utf-8".into(),
            paragraph_count: paragraphs.len(),
            paragraph_langs: vec![Lang::Ru; paragraphs.len()],
            sentences: paragraphs
                .iter()
                .enumerate()
                .flat_map(|(p, &n)| std::iter::repeat_n(p, n))
                .enumerate()
                .map(|(i, p)| Sentence {
                    index: i,
                    paragraph: p,
                    span: 0..10,
                    lang: Lang::Ru,
                    lang_confidence: 1.0,
                    kind: crate::model::ParagraphKind::Body,
                    text: "0123456789".into(),
                    align: "0123456789".into(),
                })
                .collect(),
        }
    }

    fn cut(docs: &[SegmentedDocument], budget: usize) -> Vec<Vec<SegmentedDocument>> {
        let mut parts = ScopeParts::new(budget);
        let mut out = Vec::new();
        for d in docs {
            parts.start(d);
            for s in &d.sentences {
                out.extend(parts.push(s.clone()));
            }
        }
        out.push(parts.finish());
        out
    }

    #[test]
    fn scope_parts_cut_at_paragraphs_and_keep_every_sentence_once() {
        // 10 bytes a sentence; paragraphs of 3, 1, 4 sentences, and a second document.
        let docs = vec![doc("a", &[3, 1, 4]), doc("b", &[2, 2])];
        let parts = cut(&docs, 35);
        let seen: Vec<(String, usize)> = parts
            .iter()
            .flatten()
            .flat_map(|d| d.sentences.iter().map(|s| (d.id.clone(), s.index)))
            .collect();
        let all: Vec<(String, usize)> = docs
            .iter()
            .flat_map(|d| d.sentences.iter().map(|s| (d.id.clone(), s.index)))
            .collect();
        assert_eq!(seen, all);
        // a: 30+10 bytes reach 35 after paragraph 1, so paragraph 2 opens the second part,
        // which holds 40 bytes when b opens
        assert_eq!(parts.len(), 3, "{parts:?}");
        assert_eq!(parts[0].len(), 1);
        assert_eq!(parts[1].len(), 1);
        assert_eq!(parts[1][0].sentences[0].index, 4);
        assert_eq!(parts[2][0].id, "b");
        // a part's text: the sentences it holds, by their document-wide numbers
        assert_eq!(
            pipeline::sentences_text(&parts[1][0], &[4, 5]).as_deref(),
            Some("0123456789 0123456789")
        );
        assert_eq!(pipeline::sentences_text(&parts[1][0], &[3]), None);
        // under the budget (or no budget): one part, every document whole
        for budget in [1000, 0] {
            let one = cut(&docs, budget);
            assert_eq!(one.len(), 1);
            assert_eq!(one[0].len(), 2);
            assert_eq!(one[0][0].sentences.len(), 8);
        }
        // a part is never cut again by the same budget
        for part in &parts {
            assert_eq!(cut(part, 35).len(), 1);
        }
    }

    #[test]
    fn fields_are_hashed_with_their_lengths() {
        let h = |parts: &[&str]| {
            let mut h = Fnv64::default();
            for p in parts {
                h.field(p.as_bytes());
            }
            h.hex()
        };
        assert_ne!(h(&["ab", "c"]), h(&["a", "bc"]));
        assert_eq!(h(&["ab", "c"]), h(&["ab", "c"]));
        assert_eq!(hash_bytes(b""), "cbf29ce484222325");
    }
}
