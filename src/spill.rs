//! What a run keeps on disk instead of in memory (see README, "Large input and memory"): each
//! segmented document's sentences, each aligned part's units and passage lines, and the sorts
//! of the merge (each pair's units, dedup, triangles), in the run's work folder
//! (`fsutil::WorkDir`, inside the output folder, deleted at the end and on Ctrl-C). Memory then
//! holds small per-document metadata, fixed-size hashes per unit, and what one worker is working
//! on.
//!
//! The files are private to one process and read back by it alone: plain JSON lines written by
//! `LineWriter` and read by `LineReader` (sentences with the confidence stored as its bits, so
//! it comes back exactly; floats round-trip exactly with serde_json's `float_roundtrip`).

use crate::error::{Error, Result};
use crate::model::{Lang, ParagraphKind, SegmentedDocument, Sentence};
use serde::de::DeserializeOwned;
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
    t: std::borrow::Cow<'a, str>,
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
pub struct SentenceWriter(LineWriter);

impl SentenceWriter {
    pub fn push(&mut self, s: &Sentence) -> Result<()> {
        self.0.push(&SpilledSentence {
            i: s.index,
            p: s.paragraph,
            s: [s.span.start, s.span.end],
            l: s.lang,
            c: s.lang_confidence.to_bits(),
            k: s.kind,
            t: s.text.as_str().into(),
            a: s.align.as_str().into(),
        })
    }

    pub fn finish(self) -> Result<()> {
        self.0.finish()
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
        Ok(SentenceWriter(LineWriter::create(self.file(i))?))
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
        let mut r = LineReader::<SpilledSentence>::open(&self.file(i), None)?;
        while let Some(s) = r.next()? {
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
        Ok(())
    }

    /// The position of document `id`.
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

    /// Appends `items`, one JSON line each, as the run of `key`.
    pub fn append_all<T: Serialize>(&self, key: crate::shards::PartKey, items: &[T]) -> Result<()> {
        let mut bytes = Vec::new();
        for t in items {
            serde_json::to_writer(&mut bytes, t).map_err(|e| json_err(&self.path, e))?;
            bytes.push(b'\n');
        }
        self.append(key, &bytes)
    }

    /// Calls `f` with every line of every run, read as a `T`, in key order (runs of one key in
    /// the order appended).
    pub fn each<T: DeserializeOwned>(&self, mut f: impl FnMut(T) -> Result<()>) -> Result<()> {
        drop(self.reader()?);
        let mut runs = self.lock().runs.clone();
        runs.sort_by_key(|r| r.0);
        for (_, at, len) in runs {
            let mut r = LineReader::<T>::open(&self.path, Some((at, len)))?;
            while let Some(t) = r.next()? {
                f(t)?;
            }
        }
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

/// Writes values as JSON lines to a work file: the one writer of every spill (sentences,
/// sorted runs, a pair's exported units).
pub struct LineWriter {
    path: PathBuf,
    out: BufWriter<File>,
    line: Vec<u8>,
}

impl LineWriter {
    pub fn create(path: PathBuf) -> Result<LineWriter> {
        let f = File::create(&path).map_err(write_err(&path))?;
        Ok(LineWriter {
            out: BufWriter::with_capacity(1 << 16, f),
            path,
            line: Vec::new(),
        })
    }

    pub fn push<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        // Serialized first, so a write error (a full disk) is reported as one.
        self.line.clear();
        serde_json::to_writer(&mut self.line, v).map_err(|e| json_err(&self.path, e))?;
        self.line.push(b'\n');
        self.out
            .write_all(&self.line)
            .map_err(write_err(&self.path))
    }

    pub fn finish(self) -> Result<()> {
        let path = self.path;
        self.out
            .into_inner()
            .map_err(|e| Error::write(shown(&path), e.into_error()))?;
        Ok(())
    }
}

/// Reads back what a `LineWriter` wrote (or a `RunFile` run): the one reader of every spill.
pub struct LineReader<T> {
    path: PathBuf,
    r: BufReader<std::io::Take<File>>,
    line: String,
    item: std::marker::PhantomData<T>,
}

impl<T: DeserializeOwned> LineReader<T> {
    /// The lines of `path`, or of its bytes `at .. at + len`.
    pub fn open(path: &Path, range: Option<(u64, u64)>) -> Result<LineReader<T>> {
        let mut f = File::open(path).map_err(read_err(path))?;
        let (at, len) = range.unwrap_or((0, u64::MAX));
        f.seek(SeekFrom::Start(at)).map_err(read_err(path))?;
        Ok(LineReader {
            path: path.to_path_buf(),
            r: BufReader::with_capacity(1 << 16, f.take(len)),
            line: String::new(),
            item: std::marker::PhantomData,
        })
    }

    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<T>> {
        self.line.clear();
        if self
            .r
            .read_line(&mut self.line)
            .map_err(read_err(&self.path))?
            == 0
        {
            return Ok(None);
        }
        serde_json::from_str(&self.line)
            .map(Some)
            .map_err(|e| json_err(&self.path, e))
    }
}

/// A 64-bit hash of a value (SipHash with fixed keys): what the merge keeps of a unit's texts
/// or of a unit side's place instead of the strings (two different values share one with odds
/// of about n²/2⁶⁵ for n values: 3·10⁻⁸ for a million).
pub fn hash64<H: std::hash::Hash + ?Sized>(v: &H) -> u64 {
    use std::hash::Hasher;
    let mut h = std::hash::DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

/// About how many bytes a value takes in memory: what a `Sorter` counts against its budget.
pub trait Weigh {
    fn weight(&self) -> usize;
}

/// At most this many runs are merged at once (one open file and read buffer each).
const FAN_IN: usize = 32;

/// A stable sort of any number of values in bounded memory: values are held up to `budget`
/// bytes (`Weigh`), then sorted and written to the work folder as a run; `finish` merges the
/// runs (`FAN_IN` at a time, ties to the earlier run, so the order is exactly that of a stable
/// sort of everything pushed, in push order). Under the budget nothing is written.
pub struct Sorter<T> {
    dir: PathBuf,
    budget: usize,
    order: fn(&T, &T) -> std::cmp::Ordering,
    held: Vec<T>,
    held_bytes: usize,
    runs: Vec<PathBuf>,
    made: usize,
}

/// What a `Sorter` gives back: the values in order, held or in one file, to be read any
/// number of times.
pub enum Sorted<T> {
    Held(Vec<T>),
    File(PathBuf),
}

/// Reads a `Sorted` once, in order.
pub enum SortedReader<'a, T> {
    Held(std::slice::Iter<'a, T>),
    File(LineReader<T>),
}

impl<T: DeserializeOwned + Clone> SortedReader<'_, T> {
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<T>> {
        match self {
            SortedReader::Held(it) => Ok(it.next().cloned()),
            SortedReader::File(r) => r.next(),
        }
    }
}

impl<T: DeserializeOwned + Clone> Sorted<T> {
    pub fn reader(&self) -> Result<SortedReader<'_, T>> {
        Ok(match self {
            Sorted::Held(v) => SortedReader::Held(v.iter()),
            Sorted::File(p) => SortedReader::File(LineReader::open(p, None)?),
        })
    }

    /// Calls `f` with every value, in order.
    pub fn each(&self, mut f: impl FnMut(T) -> Result<()>) -> Result<()> {
        let mut r = self.reader()?;
        while let Some(t) = r.next()? {
            f(t)?;
        }
        Ok(())
    }
}

impl<T: Serialize + DeserializeOwned + Clone + Weigh> Sorter<T> {
    /// A sorter spilling into folder `dir` (made when first needed) once it holds `budget`
    /// bytes (`usize::MAX`: never).
    pub fn new(dir: PathBuf, budget: usize, order: fn(&T, &T) -> std::cmp::Ordering) -> Self {
        Sorter {
            dir,
            budget: budget.max(1),
            order,
            held: Vec::new(),
            held_bytes: 0,
            runs: Vec::new(),
            made: 0,
        }
    }

    pub fn push(&mut self, item: T) -> Result<()> {
        self.held_bytes += item.weight();
        self.held.push(item);
        if self.held_bytes >= self.budget {
            self.spill()?;
        }
        Ok(())
    }

    fn next_run(&mut self) -> Result<PathBuf> {
        if self.made == 0 {
            std::fs::create_dir_all(&self.dir).map_err(write_err(&self.dir))?;
        }
        self.made += 1;
        Ok(self.dir.join(format!("run-{:06}.jsonl", self.made)))
    }

    fn spill(&mut self) -> Result<()> {
        let order = self.order;
        self.held.sort_by(order);
        let path = self.next_run()?;
        let mut w = LineWriter::create(path.clone())?;
        for t in self.held.drain(..) {
            w.push(&t)?;
        }
        w.finish()?;
        self.held_bytes = 0;
        self.runs.push(path);
        Ok(())
    }

    /// Merges `runs` (in order) into one new run; ties go to the earlier run.
    fn merge(&mut self, runs: &[PathBuf]) -> Result<PathBuf> {
        let mut readers = runs
            .iter()
            .map(|p| LineReader::<T>::open(p, None))
            .collect::<Result<Vec<_>>>()?;
        let mut heads = readers
            .iter_mut()
            .map(LineReader::next)
            .collect::<Result<Vec<_>>>()?;
        let path = self.next_run()?;
        let mut w = LineWriter::create(path.clone())?;
        loop {
            let mut best: Option<usize> = None;
            for (i, h) in heads.iter().enumerate() {
                let Some(h) = h else { continue };
                match best {
                    Some(b) if (self.order)(h, heads[b].as_ref().unwrap_or(h)).is_ge() => {}
                    _ => best = Some(i),
                }
            }
            let Some(b) = best else { break };
            if let Some(t) = heads[b].take() {
                w.push(&t)?;
            }
            heads[b] = readers[b].next()?;
        }
        w.finish()?;
        for p in runs {
            let _ = std::fs::remove_file(p);
        }
        Ok(path)
    }

    pub fn finish(mut self) -> Result<Sorted<T>> {
        if self.runs.is_empty() {
            let order = self.order;
            self.held.sort_by(order);
            return Ok(Sorted::Held(self.held));
        }
        if !self.held.is_empty() {
            self.spill()?;
        }
        while self.runs.len() > 1 {
            let runs = std::mem::take(&mut self.runs);
            for chunk in runs.chunks(FAN_IN) {
                let merged = match chunk {
                    [one] => one.clone(),
                    _ => self.merge(chunk)?,
                };
                self.runs.push(merged);
            }
        }
        Ok(Sorted::File(self.runs.remove(0)))
    }
}

impl Weigh for crate::model::TranslationUnit {
    fn weight(&self) -> usize {
        let side =
            |s: &crate::model::UnitSide| 48 + s.text.len() + s.doc.len() + 8 * s.sentences.len();
        96 + side(&self.src) + side(&self.tgt) + self.bead.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    struct Item {
        key: u32,
        seq: usize,
        text: String,
    }

    impl Weigh for Item {
        fn weight(&self) -> usize {
            self.text.len()
        }
    }

    #[test]
    fn a_sorter_equals_a_stable_sort_whatever_its_budget() {
        let dir = tempfile::tempdir().unwrap();
        // keys with many ties, so that stability shows
        let items: Vec<Item> = (0..2000)
            .map(|i| Item {
                key: (i * 7919 % 61) as u32,
                seq: i,
                text: "x".repeat(i % 13),
            })
            .collect();
        let mut want = items.clone();
        want.sort_by_key(|t| t.key);
        // unlimited: held; 1 byte: a run per item (merged 32 at a time, twice over); between
        for (k, budget) in [usize::MAX, 1, 100, 5000].into_iter().enumerate() {
            let mut s = Sorter::new(dir.path().join(format!("s{k}")), budget, |a: &Item, b| {
                a.key.cmp(&b.key)
            });
            for t in &items {
                s.push(t.clone()).unwrap();
            }
            let sorted = s.finish().unwrap();
            assert_eq!(matches!(sorted, Sorted::Held(_)), budget == usize::MAX);
            for _ in 0..2 {
                let mut got = Vec::new();
                sorted
                    .each(|t| {
                        got.push(t);
                        Ok(())
                    })
                    .unwrap();
                assert!(got == want, "budget {budget}");
            }
        }
    }
}
