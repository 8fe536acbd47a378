//! Ingest: read files, refuse what is not text, strip markup residue and rebuild paragraphs.
//! Every paragraph keeps the byte range of the source lines it came from.

pub mod decode;
mod markup;
mod paragraphs;

use decode::LineReader;
pub use decode::{TextEncoding, MAX_LINE_BYTES};
use std::io::Read;

pub use markup::{clean_line, strip_inline, CleanOptions, LineClass};
pub use paragraphs::{build_paragraphs, build_paragraphs_with};

use crate::error::{Error, Result};
use crate::model::Document;
use std::path::{Path, PathBuf};

/// File name extensions treated as text when a folder is given as input.
pub const TEXT_EXTENSIONS: [&str; 3] = ["txt", "md", "text"];

/// Expands an input spec (a file, a folder, or a glob) into a sorted list of files.
pub fn collect_inputs(spec: &Path) -> Result<Vec<PathBuf>> {
    collect_inputs_beside(spec, &[])
}

/// `collect_inputs` for a run or plan that writes into the folders `written` (its output folder,
/// a plan folder): what tilmash wrote is never read back as input (see `InputRule`).
pub fn collect_inputs_beside(spec: &Path, written: &[&Path]) -> Result<Vec<PathBuf>> {
    let rule = InputRule::new(written);
    let spec_str = spec.to_string_lossy();
    let has_glob = is_glob(&spec_str);
    let mut files = Vec::new();
    if has_glob {
        files = glob_files(spec, &rule)?;
        if files.is_empty() {
            return Err(Error::NoInputs {
                path: spec.to_path_buf(),
                what: "files matching the glob".into(),
            });
        }
    } else if spec.is_dir() {
        let rd = std::fs::read_dir(spec).map_err(|e| Error::read(spec, e))?;
        let in_written = rule.holds(spec);
        for entry in rd.flatten() {
            let p = entry.path();
            // a folder yields its text files only (one level deep), wherever it lies
            if has_text_extension(&p) && InputRule::takes(&p, in_written) {
                if let Some(file) = input_file(&p)? {
                    files.push(file);
                }
            }
        }
        if files.is_empty() {
            return Err(Error::NoInputs {
                path: spec.to_path_buf(),
                what: "*.txt, *.md, *.text".into(),
            });
        }
    } else if spec.is_file() {
        files.push(spec.to_path_buf());
    } else if std::fs::symlink_metadata(spec).is_ok() {
        // A pipe, socket or device (`--input /dev/stdin`), or a broken link: say which.
        input_file(spec)?;
        return Err(Error::MissingPath {
            path: spec.to_path_buf(),
        });
    } else {
        return Err(Error::MissingPath {
            path: spec.to_path_buf(),
        });
    }
    files.sort();
    Ok(without_repeats(files))
}

/// Input discovery's rule for which files a folder or glob yields, whatever the spec: what
/// tilmash writes is never read back. In or below a folder tilmash writes into (a run's output
/// folder, a plan folder) only text files (`*.txt`, `*.md`, `*.text`) are input, which tilmash
/// never writes, so `--input 'DIR/**'` with the output (or the plan) in `DIR/out` gives the same
/// documents on every re-run; work folders (`.tilmash-work-*`) are never entered.
struct InputRule {
    written: Vec<FileKey>,
}

impl InputRule {
    fn new(written: &[&Path]) -> Self {
        InputRule {
            written: written.iter().filter_map(|p| file_key(p)).collect(),
        }
    }

    /// Whether the folder of this identity is one tilmash writes into.
    fn is_written(&self, key: Option<&FileKey>) -> bool {
        key.is_some_and(|k| self.written.contains(k))
    }

    /// Whether `dir` is, or lies below, a folder tilmash writes into (however it is named: a
    /// glob's root or an input folder may be given inside the output folder).
    fn holds(&self, dir: &Path) -> bool {
        !self.written.is_empty()
            && std::fs::canonicalize(dir).is_ok_and(|real| {
                real.ancestors()
                    .any(|a| self.is_written(file_key(a).as_ref()))
            })
    }

    /// Whether the walk enters the folder `name`: never a work folder.
    fn enters(name: &std::ffi::OsStr) -> bool {
        !name.to_string_lossy().starts_with(".tilmash-work-")
    }

    /// Whether a file found in or below a written folder (`in_written`) or elsewhere counts as
    /// input: in a written folder only text files; what a run wrote (TMX, JSONL, TSV, a plan's
    /// fragments …) is not input.
    fn takes(path: &Path, in_written: bool) -> bool {
        !in_written || has_text_extension(path)
    }
}

/// Keeps the first path (in sorted order) to each file: a symbolic or hard link to a file already
/// listed would otherwise align a document with itself.
fn without_repeats(files: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut seen = std::collections::HashSet::new();
    files
        .into_iter()
        .filter(|f| file_key(f).is_none_or(|k| seen.insert(k)))
        .collect()
}

fn has_text_extension(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| TEXT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

#[cfg(unix)]
type FileKey = (u64, u64);
#[cfg(not(unix))]
type FileKey = PathBuf;

/// Identity of a file or folder (device and inode), following symbolic links.
#[cfg(unix)]
fn file_key(path: &Path) -> Option<FileKey> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}
#[cfg(not(unix))]
fn file_key(path: &Path) -> Option<FileKey> {
    std::fs::canonicalize(path).ok()
}

/// The files a glob matches, found by walking the folder before its first wildcard. Each folder
/// is entered once, whatever links lead to it, so a symbolic-link loop (`in/a/up -> ..`) is not
/// walked round: the glob crate listed the same files through `a/up/a/up/…` until the kernel's
/// link limit, exponentially many times with two such links. Without `**` the walk goes no
/// deeper than the pattern.
fn glob_files(spec: &Path, rule: &InputRule) -> Result<Vec<PathBuf>> {
    let spec_str = spec.to_string_lossy();
    let bad = |e: glob::PatternError| {
        Error::Usage(format!(
            "{spec_str}: bad glob pattern ({e}); fix the pipeline's `input` or --input"
        ))
    };
    let comps: Vec<_> = spec.components().collect();
    let first = comps
        .iter()
        .position(|c| is_glob(&c.as_os_str().to_string_lossy()))
        .unwrap_or(0);
    let root: PathBuf = comps[..first].iter().collect();
    let rel: Vec<String> = comps[first..]
        .iter()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let pattern = glob::Pattern::new(&rel.join("/")).map_err(bad)?;
    let opts = glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: false,
    };
    let max_depth = if rel.iter().any(|c| c.contains("**")) {
        usize::MAX
    } else {
        rel.len()
    };
    let mut files = Vec::new();
    let mut entered = std::collections::HashSet::new();
    let read_root = if root.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        root.clone()
    };
    if let Some(k) = file_key(&read_root) {
        entered.insert(k);
    }
    let root_written = rule.holds(&read_root);
    // (folder to read, its path as listed, its path relative to the root, depth, in or below a
    // written folder)
    let mut stack = vec![(
        read_root,
        root.clone(),
        PathBuf::new(),
        0usize,
        root_written,
    )];
    while let Some((dir, listed, rel_dir, depth, in_written)) = stack.pop() {
        let rd = match std::fs::read_dir(&dir) {
            Ok(rd) => rd,
            // A folder that vanished during the walk is no longer input.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::read(&dir, e)),
        };
        let mut names: Vec<std::ffi::OsString> = rd.flatten().map(|e| e.file_name()).collect();
        names.sort();
        for name in names.into_iter().rev() {
            let path = listed.join(&name);
            let rel_path = rel_dir.join(&name);
            let full = dir.join(&name);
            if std::fs::metadata(&full).is_ok_and(|m| m.is_dir()) {
                let key = file_key(&full);
                if InputRule::enters(&name)
                    && depth + 1 < max_depth
                    && key.is_none_or(|k| entered.insert(k))
                {
                    let inside = in_written || rule.is_written(key.as_ref());
                    stack.push((full, path, rel_path, depth + 1, inside));
                }
            } else if InputRule::takes(&path, in_written)
                && pattern.matches_path_with(&rel_path, opts)
            {
                if let Some(file) = input_file(&path)? {
                    files.push(file);
                }
            }
        }
    }
    Ok(files)
}

/// A listed path that names a text input: `Some` for a regular file (or a symlink to one), `None`
/// for a folder (globs like `*` match folders too), and an error for anything that would otherwise be
/// skipped without a word: a broken symlink, a FIFO, a socket or a device.
fn input_file(path: &Path) -> Result<Option<PathBuf>> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) => {
            let is_link = std::fs::symlink_metadata(path)
                .map(|m| m.file_type().is_symlink())
                .unwrap_or(false);
            return Err(if is_link {
                Error::Invalid {
                    path: path.to_path_buf(),
                    why: format!(
                        "broken symbolic link ({e}); fix the link or remove it from the input"
                    ),
                }
            } else {
                Error::read(path, e)
            });
        }
    };
    if meta.is_dir() {
        Ok(None)
    } else if meta.is_file() {
        Ok(Some(path.to_path_buf()))
    } else {
        Err(Error::Invalid {
            path: path.to_path_buf(),
            why: "not a regular file (a pipe, socket or device); copy its text into a file and point the input at that".into(),
        })
    }
}

/// Decoded text is handed on in chunks of about this many bytes, each ending at a line end
/// (preferably a blank line), so a worker holds one chunk of a file, not the whole file.
pub const CHUNK_BYTES: usize = 4 << 20;

/// What streaming one file found out: its encoding and anything the user should be told.
#[derive(Debug, Clone)]
pub struct StreamReport {
    pub encoding: TextEncoding,
    /// One line each, naming the file (over-long lines cut, mixed encodings, malformed UTF-16).
    pub warnings: Vec<String>,
    /// Bytes of decoded text.
    pub text_bytes: usize,
}

/// Reads `path` in two passes (detect the encoding, then decode) and calls `sink` with successive
/// chunks of text and the byte offset of each chunk in the whole decoded text. Memory: one chunk
/// (about `chunk_bytes`, at most twice that plus one `MAX_LINE_BYTES` piece) plus read buffers.
pub fn stream_text(
    path: &Path,
    forced: Option<TextEncoding>,
    chunk_bytes: usize,
    sink: impl FnMut(&str, usize) -> Result<()>,
) -> Result<StreamReport> {
    let enc = decode::detect(path, forced)?;
    let f = std::fs::File::open(path).map_err(|e| Error::read(path, e))?;
    stream_decoded(path, std::io::BufReader::new(f), enc, chunk_bytes, sink)
}

fn stream_decoded(
    path: &Path,
    reader: impl Read,
    enc: TextEncoding,
    chunk_bytes: usize,
    mut sink: impl FnMut(&str, usize) -> Result<()>,
) -> Result<StreamReport> {
    let mut lines = LineReader::new(decode::text_reader(reader, enc), MAX_LINE_BYTES);
    let mut chunk = String::new();
    let mut chunk_start = 0usize;
    let mut line_no = 1u64;
    let mut cut_lines: Vec<(u64, usize)> = Vec::new();
    let mut non_space = false;
    let mut nul_at: Option<usize> = None;
    let mut bad_utf16 = false;
    while let Some(line) = lines.next_line().map_err(|e| Error::read(path, e))? {
        let text = decode::decode_line(enc, line.bytes).map_err(|why| Error::Encoding {
            path: path.to_path_buf(),
            why: format!("line {line_no}: {why} (did the file change while it was read?)"),
        })?;
        bad_utf16 |= enc.is_wide() && text.contains('\u{FFFD}');
        if nul_at.is_none() {
            nul_at = text.find('\0').map(|i| chunk_start + chunk.len() + i);
        }
        non_space = non_space || text.chars().any(|c| !c.is_whitespace());
        let blank = text.trim().is_empty();
        chunk.push_str(&text);
        if line.cut {
            match cut_lines.last_mut() {
                Some((n, k)) if *n == line_no => *k += 1,
                _ => cut_lines.push((line_no, 1)),
            }
        } else {
            line_no += 1;
        }
        // A cut ends its chunk, so each piece of an enormous line is its own unit of work.
        if line.cut || (chunk.len() >= chunk_bytes && blank) || chunk.len() >= 2 * chunk_bytes {
            sink(&chunk, chunk_start)?;
            chunk_start += chunk.len();
            chunk.clear();
        }
    }
    if !non_space {
        return Err(Error::EmptyFile {
            path: path.to_path_buf(),
        });
    }
    if let Some(pos) = nul_at {
        return Err(Error::Binary {
            path: path.to_path_buf(),
            why: format!("NUL character at text offset {pos}; remove the NUL characters"),
        });
    }
    if !chunk.is_empty() {
        sink(&chunk, chunk_start)?;
        chunk_start += chunk.len();
    }
    let mut warnings = Vec::new();
    let p = path.display();
    for (n, k) in &cut_lines {
        warnings.push(format!(
            "{p}: line {n} is longer than {} MiB; cut into {} pieces at spaces (a sentence may be split there)",
            MAX_LINE_BYTES >> 20,
            k + 1
        ));
    }
    match enc {
        TextEncoding::Mixed(_) | TextEncoding::MixedKz1048 => warnings.push(format!(
            "{p}: mixed encodings: lines that are not UTF-8 were read as {} (pass --encoding to decide)",
            enc.name().trim_start_matches("mixed:utf-8+")
        )),
        _ => {}
    }
    if bad_utf16 {
        warnings.push(if enc.is_utf16() {
            format!("{p}: malformed UTF-16 (an unpaired surrogate or an odd last byte) replaced by U+FFFD")
        } else {
            format!("{p}: malformed UTF-32 (a value that is no character, or an incomplete last unit) replaced by U+FFFD")
        });
    }
    Ok(StreamReport {
        encoding: enc,
        warnings,
        text_bytes: chunk_start,
    })
}

/// Reads a whole file as text (for the stage commands), with ingest's checks.
pub fn read_text_with(path: &Path, forced: Option<TextEncoding>) -> Result<(String, StreamReport)> {
    if is_stream(path) {
        // A pipe or device given by name (`<(cmd)`, a FIFO) can be read only once.
        return decode_bytes(path, &read_bytes(path)?, forced);
    }
    let mut text = String::new();
    let report = stream_text(path, forced, usize::MAX / 4, |chunk, _| {
        text.push_str(chunk);
        Ok(())
    })?;
    Ok((text, report))
}

/// Reads a file and decodes it to text, rejecting empty, binary and undecodable input.
/// Returns the text and the name of the encoding used.
pub fn read_text(path: &Path) -> Result<(String, String)> {
    read_text_with(path, None).map(|(t, r)| (t, r.encoding.name()))
}

/// Whether `path` is something other than a regular file or a folder: a pipe (`<(cmd)`,
/// `/dev/stdin` on a pipe), a FIFO, a socket or a device. Those can be read only once, so they
/// are read into memory with `read_stream` instead of the two passes a file gets.
pub fn is_stream(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// How much of a stream is read before it is checked for binary content, so an endless binary
/// source (`/dev/zero`, `/dev/urandom`) is refused at once instead of filling memory.
const STREAM_CHECK_BYTES: usize = 1 << 20;

/// Reads a stream (standard input, a pipe, a device) to its end, refusing binary content (NUL
/// bytes that are not UTF-16, known binary formats) after its first MiB.
pub fn read_stream(path: &Path, mut r: impl Read) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    let mut checked = false;
    let mut block = vec![0u8; 1 << 16];
    loop {
        let n = match r.read(&mut block) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::read(path, e)),
        };
        buf.extend_from_slice(&block[..n]);
        if !checked && buf.len() >= STREAM_CHECK_BYTES {
            checked = true;
            refuse_binary(path, &buf)?;
        }
    }
    if !checked {
        refuse_binary(path, &buf)?;
    }
    Ok(buf)
}

fn refuse_binary(path: &Path, head: &[u8]) -> Result<()> {
    match decode::detect_from(path, head, None) {
        Err(e @ Error::Binary { .. }) => Err(e),
        _ => Ok(()),
    }
}

/// The bytes of a file, or of a stream (see `is_stream`) read once with `read_stream`.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    if is_stream(path) {
        let f = std::fs::File::open(path).map_err(|e| Error::read(path, e))?;
        read_stream(path, f)
    } else {
        std::fs::read(path).map_err(|e| Error::read(path, e))
    }
}

/// Decodes bytes that were read from `path` (used for messages only), e.g. standard input.
pub fn decode_bytes(
    path: &Path,
    bytes: &[u8],
    forced: Option<TextEncoding>,
) -> Result<(String, StreamReport)> {
    let enc = decode::detect_from(path, bytes, forced)?;
    let mut text = String::new();
    let report = stream_decoded(path, bytes, enc, usize::MAX / 4, |chunk, _| {
        text.push_str(chunk);
        Ok(())
    })?;
    Ok((text, report))
}

/// Decodes bytes that were read from `path`; returns the text and the encoding's name.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<(String, String)> {
    decode_bytes(path, &bytes, None).map(|(t, r)| (t, r.encoding.name()))
}

/// Reads one file into a `Document` with paragraphs (languages not yet identified).
pub fn ingest_file(path: &Path, id: String) -> Result<Document> {
    let (text, encoding) = read_text(path)?;
    Ok(Document {
        id,
        path: path.to_path_buf(),
        encoding,
        paragraphs: build_paragraphs(&text),
    })
}

/// Whether an input spec (or one component of it) holds glob wildcards.
fn is_glob(spec: &str) -> bool {
    spec.contains(['*', '?', '['])
}

/// The folder document ids are relative to: the input folder itself, or for a glob the folder
/// before its first wildcard (so `in/**/*.txt` keeps `a/x.txt` and `b/x.txt` apart); none for a
/// single file.
pub fn input_root(spec: &Path) -> Option<PathBuf> {
    if spec.is_dir() {
        return Some(spec.to_path_buf());
    }
    let components: Vec<_> = spec.components().collect();
    let first_glob = components
        .iter()
        .position(|c| is_glob(&c.as_os_str().to_string_lossy()))?;
    Some(components[..first_glob].iter().collect())
}

/// A stable document id: the path relative to `root` (or the file name), with `/` separators.
pub fn document_id(path: &Path, root: Option<&Path>) -> String {
    let rel = root
        .and_then(|r| path.strip_prefix(r).ok())
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new(path.file_name().unwrap_or(path.as_os_str())));
    rel.components()
        .map(|c| escaped_name(c.as_os_str()))
        .collect::<Vec<_>>()
        .join("/")
}

/// A file name as text: bytes that are not UTF-8 become `%XX`, so two names that differ only there
/// stay two ids (a lossy conversion made both `caf?.txt` with U+FFFD).
fn escaped_name(name: &std::ffi::OsStr) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in name.as_bytes().utf8_chunks() {
            out.push_str(chunk.valid());
            for b in chunk.invalid() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        name.to_string_lossy().into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_empty_binary_and_bad_utf8() {
        let p = Path::new("x.txt");
        assert!(matches!(
            decode(p, b"  \n".to_vec()),
            Err(Error::EmptyFile { .. })
        ));
        assert!(matches!(
            decode(p, b"ab\0cd".to_vec()),
            Err(Error::Binary { .. })
        ));
        assert!(matches!(
            decode(p, b"ab\xffcd".to_vec()),
            Err(Error::Encoding { .. })
        ));
        let (s, enc) = decode(p, b"\xEF\xBB\xBFhello".to_vec()).unwrap();
        assert_eq!((s.as_str(), enc.as_str()), ("hello", "utf-8-bom"));
    }

    #[test]
    fn document_id_is_relative() {
        let id = document_id(Path::new("/a/b/c.txt"), Some(Path::new("/a")));
        assert_eq!(id, "b/c.txt");
        assert_eq!(document_id(Path::new("/a/b/c.txt"), None), "c.txt");
        let root = input_root(Path::new("in/**/*.txt"));
        assert_eq!(root.as_deref(), Some(Path::new("in")));
        let ids: Vec<String> = ["in/a/x.txt", "in/b/x.txt"]
            .iter()
            .map(|f| document_id(Path::new(f), root.as_deref()))
            .collect();
        assert_eq!(ids, ["a/x.txt", "b/x.txt"]);
        let root = input_root(Path::new("corpus/alash/*.txt"));
        assert_eq!(
            document_id(Path::new("corpus/alash/001.txt"), root.as_deref()),
            "001.txt"
        );
    }
}
