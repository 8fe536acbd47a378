//! Ingest: read files, refuse what is not text, strip markup residue and rebuild paragraphs.
//! Every paragraph keeps the byte range of the source lines it came from.

mod markup;
mod paragraphs;

pub use markup::{clean_line, strip_inline, CleanOptions, LineClass};
pub use paragraphs::{build_paragraphs, build_paragraphs_with};

use crate::error::{Error, Result};
use crate::model::Document;
use std::path::{Path, PathBuf};

/// File name extensions treated as text when a folder is given as input.
pub const TEXT_EXTENSIONS: [&str; 3] = ["txt", "md", "text"];

/// Expands an input spec (a file, a folder, or a glob) into a sorted list of files.
pub fn collect_inputs(spec: &Path) -> Result<Vec<PathBuf>> {
    let spec_str = spec.to_string_lossy();
    let has_glob = spec_str.contains(['*', '?', '[']);
    let mut files = Vec::new();
    if has_glob {
        let paths = glob::glob(&spec_str).map_err(|e| {
            Error::Usage(format!(
                "{spec_str}: bad glob pattern ({e}); fix the pipeline's `input` or --input"
            ))
        })?;
        for entry in paths.flatten() {
            if entry.is_file() {
                files.push(entry);
            }
        }
        if files.is_empty() {
            return Err(Error::NoInputs {
                path: spec.to_path_buf(),
                what: "files matching the glob".into(),
            });
        }
    } else if spec.is_dir() {
        let rd = std::fs::read_dir(spec).map_err(|e| Error::read(spec, e))?;
        for entry in rd.flatten() {
            let p = entry.path();
            let is_text = p
                .extension()
                .and_then(|e| e.to_str())
                .map(|e| TEXT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
                .unwrap_or(false);
            if p.is_file() && is_text {
                files.push(p);
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
    } else {
        return Err(Error::MissingPath {
            path: spec.to_path_buf(),
        });
    }
    files.sort();
    Ok(files)
}

/// Reads a file and decodes it to text, rejecting empty, binary and undecodable input.
/// Returns the text and the name of the encoding used.
pub fn read_text(path: &Path) -> Result<(String, &'static str)> {
    let bytes = std::fs::read(path).map_err(|e| Error::read(path, e))?;
    decode(path, bytes)
}

/// Decodes bytes that were read from `path` (used for messages only).
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<(String, &'static str)> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::EmptyFile {
            path: path.to_path_buf(),
        });
    }
    if let Some(why) = binary_reason(&bytes) {
        return Err(Error::Binary {
            path: path.to_path_buf(),
            why,
        });
    }
    let (body, encoding) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest.to_vec(), "utf-8-bom"),
        None => (bytes, "utf-8"),
    };
    match String::from_utf8(body) {
        Ok(s) => Ok((s, encoding)),
        Err(e) => Err(Error::Encoding {
            path: path.to_path_buf(),
            why: format!(
                "not valid UTF-8 (first bad byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        }),
    }
}

/// NUL bytes or a high share of control bytes mean the file is not text.
fn binary_reason(bytes: &[u8]) -> Option<String> {
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    if let Some(pos) = sample.iter().position(|&b| b == 0) {
        return Some(format!("NUL byte at offset {pos}"));
    }
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    if controls * 20 > sample.len() {
        return Some(format!(
            "{controls} control bytes in the first {} bytes",
            sample.len()
        ));
    }
    None
}

/// Reads one file into a `Document` with paragraphs (languages not yet identified).
pub fn ingest_file(path: &Path, id: String) -> Result<Document> {
    let (text, encoding) = read_text(path)?;
    Ok(Document {
        id,
        path: path.to_path_buf(),
        encoding: encoding.to_string(),
        paragraphs: build_paragraphs(&text),
    })
}

/// A stable document id: the path relative to `root` (or the file name), with `/` separators.
pub fn document_id(path: &Path, root: Option<&Path>) -> String {
    let rel = root
        .and_then(|r| path.strip_prefix(r).ok())
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new(path.file_name().unwrap_or(path.as_os_str())));
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
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
        assert_eq!((s.as_str(), enc), ("hello", "utf-8-bom"));
    }

    #[test]
    fn document_id_is_relative() {
        let id = document_id(Path::new("/a/b/c.txt"), Some(Path::new("/a")));
        assert_eq!(id, "b/c.txt");
        assert_eq!(document_id(Path::new("/a/b/c.txt"), None), "c.txt");
    }
}
