//! One error type for the library. Every message names the file (or key) involved and says what to
//! do next, because `main` prints it as the single line a user sees.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: no such file or directory; check the path (and the pipeline's `input` key, if it came from there)")]
    MissingPath { path: PathBuf },

    #[error("{path}: cannot read ({source}); check that the file exists and is readable")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{path}: cannot write ({source}); {advice}", advice = write_advice(source))]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{path}: no text files found (looked for {what}); point --input at .txt/.md files")]
    NoInputs { path: PathBuf, what: String },

    #[error("{path}: file is empty (or holds only white space); remove it from the input or add text to it")]
    EmptyFile { path: PathBuf },

    #[error("{path}: looks like a binary file ({why}); give tilmash plain-text files only")]
    Binary { path: PathBuf, why: String },

    #[error("{path}: {why}; convert the file to UTF-8 or pass --encoding NAME")]
    Encoding { path: PathBuf, why: String },

    #[error("{path}: {why}")]
    Pipeline { path: PathBuf, why: String },

    #[error("{path}: {why}")]
    Invalid { path: PathBuf, why: String },

    #[error("{0}")]
    Usage(String),
}

/// What to do about a failed write: a full disk is not a permissions problem.
fn write_advice(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
            "free some space (or choose another output folder) and run again; the previous outputs are unchanged"
        }
        std::io::ErrorKind::ReadOnlyFilesystem => {
            "the file system is read-only; choose another output folder"
        }
        _ => "check that the output folder is writable",
    }
}

impl Error {
    pub fn read(path: &Path, source: std::io::Error) -> Self {
        if source.kind() == std::io::ErrorKind::NotFound {
            Error::MissingPath {
                path: path.to_path_buf(),
            }
        } else {
            Error::Read {
                path: path.to_path_buf(),
                source,
            }
        }
    }

    pub fn write(path: &Path, source: std::io::Error) -> Self {
        Error::Write {
            path: path.to_path_buf(),
            source,
        }
    }

    pub fn pipeline(path: &Path, why: impl Into<String>) -> Self {
        Error::Pipeline {
            path: path.to_path_buf(),
            why: why.into(),
        }
    }

    /// Exit code for the process: 2 for anything the user can fix in their input or invocation.
    pub fn exit_code(&self) -> i32 {
        2
    }
}

pub type Result<T> = std::result::Result<T, Error>;
