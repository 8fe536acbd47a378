//! Atomic file output: write to a temporary sibling, then rename, so a reader (or an interrupted
//! run) never sees a half-written file.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A set of files that become visible together when `commit` is called; dropped uncommitted,
/// its temporary files are removed.
pub struct StagedFiles {
    staged: Vec<(PathBuf, PathBuf)>,
}

impl StagedFiles {
    pub fn new() -> Self {
        StagedFiles { staged: Vec::new() }
    }

    /// Writes `bytes` to a temporary file beside `path`.
    pub fn stage(&mut self, path: &Path, bytes: &[u8]) -> Result<()> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let mut f = std::fs::File::create(&tmp).map_err(|e| Error::write(&tmp, e))?;
        f.write_all(bytes).map_err(|e| Error::write(&tmp, e))?;
        f.sync_all().map_err(|e| Error::write(&tmp, e))?;
        self.staged.push((tmp, path.to_path_buf()));
        Ok(())
    }

    /// Renames every staged file into place.
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        let mut done = Vec::new();
        for (tmp, dest) in std::mem::take(&mut self.staged) {
            std::fs::rename(&tmp, &dest).map_err(|e| Error::write(&dest, e))?;
            done.push(dest);
        }
        Ok(done)
    }
}

impl Default for StagedFiles {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for StagedFiles {
    fn drop(&mut self) {
        for (tmp, _) in &self.staged {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Writes one file atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut s = StagedFiles::new();
    s.stage(path, bytes)?;
    s.commit().map(|_| ())
}
