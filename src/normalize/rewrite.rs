//! Building a rewritten line piece by piece, recording what changed and where, and mapping offsets of
//! the result back to the source line.
//!
//! A step scans its input and calls `replace` for each change; text between changes is copied in one
//! go. Nothing is allocated when a step changes nothing, so clean text costs one scan per step.

use std::ops::Range;

/// One change made by one step, in the coordinates of that step's input and output.
#[derive(Debug, Clone)]
pub(crate) struct Edit {
    pub src: Range<usize>,
    pub dst: Range<usize>,
    pub rule: &'static str,
}

pub(crate) struct Rewriter<'a> {
    input: &'a str,
    out: String,
    copied: usize,
    changed: bool,
    track: bool,
    pub edits: Vec<Edit>,
}

impl<'a> Rewriter<'a> {
    pub fn new(input: &'a str, track: bool) -> Self {
        Rewriter {
            input,
            out: String::new(),
            copied: 0,
            changed: false,
            track,
            edits: Vec::new(),
        }
    }

    /// Replaces `input[range]` by `with`. Ranges must come in increasing, non-overlapping order.
    pub fn replace(&mut self, range: Range<usize>, with: &str, rule: &'static str) {
        debug_assert!(range.start >= self.copied);
        if !self.changed {
            self.out.reserve(self.input.len() + 8);
            self.changed = true;
        }
        self.out.push_str(&self.input[self.copied..range.start]);
        let start = self.out.len();
        self.out.push_str(with);
        if self.track {
            self.edits.push(Edit {
                src: range.clone(),
                dst: start..self.out.len(),
                rule,
            });
        }
        self.copied = range.end;
    }

    /// The rewritten text, or `None` when nothing changed.
    pub fn finish(mut self) -> Option<(String, Vec<Edit>)> {
        if !self.changed {
            return None;
        }
        self.out.push_str(&self.input[self.copied..]);
        Some((self.out, self.edits))
    }
}

#[derive(Debug, Clone)]
struct Seg {
    cur: Range<usize>,
    orig: Range<usize>,
    /// Byte-for-byte copy of the source (offsets inside map exactly); otherwise a rewritten piece
    /// that maps to its whole source range.
    exact: bool,
}

/// Maps byte offsets of a normalized line back to the source line.
#[derive(Debug, Clone)]
pub struct OffsetMap {
    segs: Vec<Seg>,
    len: usize,
    source_len: usize,
}

impl OffsetMap {
    pub(crate) fn identity(len: usize) -> Self {
        OffsetMap {
            segs: vec![Seg {
                cur: 0..len,
                orig: 0..len,
                exact: true,
            }],
            len,
            source_len: len,
        }
    }

    /// Source offset where the text at normalized offset `pos` starts.
    pub fn source_start(&self, pos: usize) -> usize {
        let i = self.segs.partition_point(|s| s.cur.end <= pos);
        match self.segs.get(i) {
            Some(s) if s.exact && pos >= s.cur.start => s.orig.start + (pos - s.cur.start),
            Some(s) => s.orig.start,
            None => self.source_len,
        }
    }

    /// Source offset where the text ending at normalized offset `pos` ends.
    pub fn source_end(&self, pos: usize) -> usize {
        if pos == 0 {
            return self.source_start(0);
        }
        let i = self.segs.partition_point(|s| s.cur.end < pos);
        match self.segs.get(i) {
            Some(s) if s.exact && pos >= s.cur.start => s.orig.start + (pos - s.cur.start),
            Some(s) => s.orig.end,
            None => self.source_len,
        }
    }

    /// The source byte range that the normalized byte range `r` came from.
    pub fn source_range(&self, r: Range<usize>) -> Range<usize> {
        let start = self.source_start(r.start);
        if r.is_empty() {
            return start..start;
        }
        start..self.source_end(r.end).max(start)
    }

    /// Length of the normalized text this map describes.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn copy(&self, r: Range<usize>, shift: isize, out: &mut Vec<Seg>) {
        if r.is_empty() {
            return;
        }
        let first = self.segs.partition_point(|s| s.cur.end <= r.start);
        for s in &self.segs[first..] {
            if s.cur.start >= r.end {
                break;
            }
            let a = s.cur.start.max(r.start);
            let b = s.cur.end.min(r.end);
            if a >= b {
                continue;
            }
            let orig = if s.exact {
                s.orig.start + (a - s.cur.start)..s.orig.start + (b - s.cur.start)
            } else {
                s.orig.clone()
            };
            out.push(Seg {
                cur: (a as isize + shift) as usize..(b as isize + shift) as usize,
                orig,
                exact: s.exact,
            });
        }
    }

    /// Composes this map with one step's edits (in this map's normalized coordinates).
    pub(crate) fn apply(&mut self, edits: &[Edit], new_len: usize) {
        let mut out = Vec::with_capacity(self.segs.len() + 2 * edits.len());
        let mut pos = 0;
        let mut shift: isize = 0;
        for e in edits {
            self.copy(pos..e.src.start, shift, &mut out);
            if !e.dst.is_empty() {
                let orig = if e.src.is_empty() {
                    let p = self.source_start(e.src.start);
                    p..p
                } else {
                    self.source_range(e.src.clone())
                };
                out.push(Seg {
                    cur: e.dst.clone(),
                    orig,
                    exact: false,
                });
            }
            shift = e.dst.end as isize - e.src.end as isize;
            pos = e.src.end;
        }
        self.copy(pos..self.len, shift, &mut out);
        self.segs = out;
        self.len = new_len;
    }
}
