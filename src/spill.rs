//! What a run keeps on disk instead of in memory (see README, "Large input and memory"): each
//! segmented document's sentences, and each alignment group's passage lines, in the run's work
//! folder (`fsutil::WorkDir`, inside the output folder, deleted at the end and on
//! Ctrl-C). Memory then holds small per-document metadata plus what one worker is working on.
//!
//! The files are private to one process and read back by it alone: plain JSON lines, one
//! sentence per line, with the confidence stored as its bits so it comes back exactly.

use crate::error::{Error, Result};
use crate::model::{Lang, ParagraphKind, SegmentedDocument, Sentence};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What a run keeps in memory of a segmented document: everything the summary needs.
#[derive(Debug, Clone, Default)]
pub struct DocMeta {
    pub id: String,
    pub encoding: String,
    pub paragraph_count: usize,
    pub paragraph_langs: Vec<Lang>,
    pub sentence_langs: BTreeMap<Lang, usize>,
    /// Bytes of export text of its sentences (what `[scale] max_scope_mb` counts).
    pub text_bytes: usize,
    /// Warnings its reading raised (lines cut, mixed encodings).
    pub warnings: Vec<String>,
}

impl DocMeta {
    pub fn of(d: &SegmentedDocument, warnings: Vec<String>) -> DocMeta {
        let mut meta = DocMeta {
            id: d.id.clone(),
            encoding: d.encoding.clone(),
            paragraph_count: d.paragraph_count,
            paragraph_langs: d.paragraph_langs.clone(),
            warnings,
            ..Default::default()
        };
        for s in &d.sentences {
            meta.count(s);
        }
        meta
    }

    pub fn count(&mut self, s: &Sentence) {
        *self.sentence_langs.entry(s.lang).or_default() += 1;
        self.text_bytes += s.text.len();
    }
}

/// One sentence as spilled (the confidence as its bits, so it comes back exactly).
#[derive(Serialize, Deserialize)]
struct SpilledSentence<'a> {
    i: usize,
    p: usize,
    s: [usize; 2],
    l: Lang,
    c: u32,
    k: ParagraphKind,
    #[serde(borrow)]
    t: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    a: std::borrow::Cow<'a, str>,
}

/// The folder a work file is named by in messages: the output folder holding the work folder
/// (a user never sees the work folder's name, and a full disk is reported as the output's).
fn shown(path: &Path) -> &Path {
    path.ancestors()
        .find(|a| {
            a.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".tilmash-work-"))
        })
        .and_then(Path::parent)
        .unwrap_or(path)
}

fn write_err(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::write(shown(path), e)
}

fn read_err(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::read(shown(path), e)
}

fn json_err(path: &Path, e: serde_json::Error) -> Error {
    Error::Invalid {
        path: shown(path).to_path_buf(),
        why: format!("a work file is unreadable ({e}); run again"),
    }
}

/// Writes one document's sentences to its work file as they are segmented.
pub struct SentenceWriter {
    path: PathBuf,
    out: BufWriter<File>,
}

impl SentenceWriter {
    pub fn push(&mut self, s: &Sentence) -> Result<()> {
        let line = SpilledSentence {
            i: s.index,
            p: s.paragraph,
            s: [s.span.start, s.span.end],
            l: s.lang,
            c: s.lang_confidence.to_bits(),
            k: s.kind,
            t: s.text.as_str().into(),
            a: s.align.as_str().into(),
        };
        // Serialized first, so a write error (a full disk) is reported as one.
        let mut bytes = serde_json::to_vec(&line).map_err(|e| json_err(&self.path, e))?;
        bytes.push(b'\n');
        self.out.write_all(&bytes).map_err(write_err(&self.path))
    }

    pub fn finish(self) -> Result<()> {
        let path = self.path;
        self.out
            .into_inner()
            .map_err(|e| Error::write(shown(&path), e.into_error()))?;
        Ok(())
    }
}

/// The segmented documents of a run: metadata in memory (in input order), sentences on disk.
pub struct DocStore {
    dir: PathBuf,
    pub docs: Vec<DocMeta>,
    at: HashMap<String, usize>,
}

impl DocStore {
    pub fn new(work: &Path) -> Result<DocStore> {
        let dir = work.join("docs");
        std::fs::create_dir_all(&dir).map_err(write_err(&dir))?;
        Ok(DocStore {
            dir,
            docs: Vec::new(),
            at: HashMap::new(),
        })
    }

    fn file(&self, i: usize) -> PathBuf {
        self.dir.join(format!("{i:07}.jsonl"))
    }

    /// A writer for the sentences of document number `i` (its position in input order).
    pub fn writer(&self, i: usize) -> Result<SentenceWriter> {
        let path = self.file(i);
        let f = File::create(&path).map_err(write_err(&path))?;
        Ok(SentenceWriter {
            out: BufWriter::with_capacity(1 << 16, f),
            path,
        })
    }

    /// Records document number `docs.len()` (its sentences written with `writer`).
    pub fn push(&mut self, meta: DocMeta) {
        self.at.insert(meta.id.clone(), self.docs.len());
        self.docs.push(meta);
    }

    /// Spills a document held in memory (as `merge` reads it from a fragment).
    pub fn add(&mut self, d: &SegmentedDocument, warnings: Vec<String>) -> Result<()> {
        let mut w = self.writer(self.docs.len())?;
        for s in &d.sentences {
            w.push(s)?;
        }
        w.finish()?;
        self.push(DocMeta::of(d, warnings));
        Ok(())
    }

    /// Calls `f` with every sentence of document `i`, in order, one at a time.
    pub fn each_sentence(&self, i: usize, mut f: impl FnMut(Sentence) -> Result<()>) -> Result<()> {
        let path = self.file(i);
        let file = File::open(&path).map_err(read_err(&path))?;
        let mut r = BufReader::with_capacity(1 << 16, file);
        let mut line = String::new();
        loop {
            line.clear();
            if r.read_line(&mut line).map_err(read_err(&path))? == 0 {
                return Ok(());
            }
            let s: SpilledSentence = serde_json::from_str(&line).map_err(|e| json_err(&path, e))?;
            f(Sentence {
                index: s.i,
                paragraph: s.p,
                span: s.s[0]..s.s[1],
                lang: s.l,
                lang_confidence: f32::from_bits(s.c),
                kind: s.k,
                text: s.t.into_owned(),
                align: s.a.into_owned(),
            })?;
        }
    }

    /// Document `i` whole (for the aligner, which needs a scope's sentences at once).
    pub fn load(&self, i: usize) -> Result<SegmentedDocument> {
        let mut d = self.header(i);
        self.each_sentence(i, |s| {
            d.sentences.push(s);
            Ok(())
        })?;
        Ok(d)
    }

    /// Document `i` without its sentences.
    pub fn header(&self, i: usize) -> SegmentedDocument {
        let m = &self.docs[i];
        SegmentedDocument {
            id: m.id.clone(),
            encoding: m.encoding.clone(),
            paragraph_count: m.paragraph_count,
            paragraph_langs: m.paragraph_langs.clone(),
            sentences: Vec::new(),
        }
    }

    /// The position of document `id`.
    /// The documents a shard names, loaded in its order.
    pub fn load_shard(&self, shard: &crate::shards::Shard) -> Result<Vec<SegmentedDocument>> {
        shard
            .documents
            .iter()
            .map(|d| self.load(self.index(&d.id)?))
            .collect()
    }

    pub fn index(&self, id: &str) -> Result<usize> {
        self.at.get(id).copied().ok_or_else(|| Error::Invalid {
            path: PathBuf::from(id),
            why: "internal: a document named by the aligner was not segmented".into(),
        })
    }

    /// The language confidence of every sentence of document `id`.
    pub fn confidences(&self, id: &str) -> Result<Vec<f32>> {
        let mut out = Vec::new();
        self.each_sentence(self.index(id)?, |s| {
            out.push(s.lang_confidence);
            Ok(())
        })?;
        Ok(out)
    }
}

/// Runs of lines appended by parallel workers to one file, each under a key, read back in key
/// order whatever order they were written in.
pub struct RunFile {
    path: PathBuf,
    state: Mutex<RunState>,
}

struct RunState {
    out: BufWriter<File>,
    len: u64,
    /// (key, offset, length)
    runs: Vec<(crate::shards::PartKey, u64, u64)>,
}

impl RunFile {
    pub fn create(path: PathBuf) -> Result<RunFile> {
        let f = File::create(&path).map_err(write_err(&path))?;
        Ok(RunFile {
            state: Mutex::new(RunState {
                out: BufWriter::with_capacity(1 << 16, f),
                len: 0,
                runs: Vec::new(),
            }),
            path,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, RunState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Appends lines (each ending in `\n`) as the run of `key`.
    pub fn append(&self, key: crate::shards::PartKey, bytes: &[u8]) -> Result<()> {
        let mut st = self.lock();
        st.out.write_all(bytes).map_err(write_err(&self.path))?;
        let at = st.len;
        st.len += bytes.len() as u64;
        st.runs.push((key, at, bytes.len() as u64));
        Ok(())
    }

    fn reader(&self) -> Result<File> {
        self.lock().out.flush().map_err(write_err(&self.path))?;
        File::open(&self.path).map_err(read_err(&self.path))
    }

    /// Copies every run, in key order (runs of one key in the order appended), to `w`.
    pub fn copy_runs(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let mut f = self
            .reader()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let mut runs = self.lock().runs.clone();
        runs.sort_by_key(|r| r.0);
        for (_, at, len) in runs {
            f.seek(SeekFrom::Start(at))?;
            let copied = std::io::copy(&mut Read::by_ref(&mut f).take(len), w)?;
            if copied != len {
                return Err(std::io::Error::other(format!(
                    "a work file in {} is shorter than written",
                    shown(&self.path).display()
                )));
            }
        }
        Ok(())
    }
}
