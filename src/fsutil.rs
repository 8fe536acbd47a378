//! Atomic file output: write to a temporary sibling, then rename, so a reader (or an interrupted
//! run) never sees a half-written file.
//!
//! Interruption (Ctrl-C, SIGTERM, SIGHUP): `main` installs `interrupt_cleanup` as the handler.
//! Every temporary file is registered in `PENDING` before it is created; staging and the final
//! renames hold the `PENDING` lock, and the handler takes that lock, deletes what is registered
//! and exits without ever releasing it. So an interrupt either lands before the renames (previous
//! outputs untouched, temporaries deleted) or waits until every rename is done (a complete new
//! set) — never a mix of old and new files, never a temporary file left behind.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary files that exist (or are about to) and must not outlive the process.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn pending() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Deletes every registered temporary file and returns holding the lock, so no other thread can
/// stage or rename anything afterwards. Call it from the interrupt handler, then exit.
pub fn interrupt_cleanup() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    let mut guard = pending();
    for tmp in guard.drain(..) {
        let _ = std::fs::remove_file(tmp);
    }
    guard
}

/// The temporary name for `dest`: hidden, beside it, marked with the process id.
fn temp_name(dest: &Path) -> PathBuf {
    let dir = dest.parent().unwrap_or(Path::new("."));
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir.join(format!(".{name}.tmp-{}", std::process::id()))
}

/// Removes temporary files of `dest` left by a process that no longer runs (killed with
/// SIGKILL or a power cut, the one case the handler cannot see).
fn remove_stale_temps(dest: &Path) {
    let (Some(dir), Some(name)) = (dest.parent(), dest.file_name()) else {
        return;
    };
    let prefix = format!(".{}.tmp-", name.to_string_lossy());
    let Ok(rd) = std::fs::read_dir(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }) else {
        return;
    };
    for e in rd.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = file.strip_prefix(&prefix) else {
            continue;
        };
        let alive = !cfg!(target_os = "linux")
            || pid.parse::<u32>().map_or(true, |pid| {
                pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists()
            });
        if !alive {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

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
        if let Some(not_dir) = dir.ancestors().find(|a| a.is_file()) {
            return Err(Error::Invalid {
                path: not_dir.to_path_buf(),
                why: "exists and is a file, not a folder; move it away or choose another output folder".into(),
            });
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
        remove_stale_temps(path);
        let tmp = temp_name(path);
        let mut reg = pending();
        reg.push(tmp.clone());
        self.staged.push((tmp.clone(), path.to_path_buf()));
        let mut f = std::fs::File::create(&tmp).map_err(|e| Error::write(&tmp, e))?;
        f.write_all(bytes).map_err(|e| Error::write(&tmp, e))?;
        f.sync_all().map_err(|e| Error::write(&tmp, e))?;
        drop(reg);
        Ok(())
    }

    /// Renames every staged file into place, all under one lock (see the module comment).
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        let mut reg = pending();
        let mut done = Vec::new();
        let mut dirs: Vec<PathBuf> = Vec::new();
        for (tmp, dest) in std::mem::take(&mut self.staged) {
            if let Err(e) = std::fs::rename(&tmp, &dest) {
                let _ = std::fs::remove_file(&tmp);
                reg.retain(|p| p != &tmp);
                return Err(Error::write(&dest, e));
            }
            reg.retain(|p| p != &tmp);
            if let Some(d) = dest.parent() {
                if !dirs.iter().any(|x| x == d) {
                    dirs.push(d.to_path_buf());
                }
            }
            done.push(dest);
        }
        drop(reg);
        // Make the renames durable (best effort: not every platform can open a directory).
        for d in dirs {
            if let Ok(f) = std::fs::File::open(&d) {
                let _ = f.sync_all();
            }
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
        if self.staged.is_empty() {
            return;
        }
        let mut reg = pending();
        for (tmp, _) in &self.staged {
            let _ = std::fs::remove_file(tmp);
            reg.retain(|p| p != tmp);
        }
    }
}

/// Writes one file atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut s = StagedFiles::new();
    s.stage(path, bytes)?;
    s.commit().map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_stage_leaves_nothing_and_commit_replaces() {
        let tmp = std::env::temp_dir().join(format!("tilmash-fsutil-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let dest = tmp.join("a.txt");
        write_atomic(&dest, b"old").unwrap();
        {
            let mut s = StagedFiles::new();
            s.stage(&dest, b"new").unwrap();
        }
        assert_eq!(std::fs::read(&dest).unwrap(), b"old");
        let names: Vec<_> = std::fs::read_dir(&tmp).unwrap().flatten().collect();
        assert_eq!(names.len(), 1);
        // A stale temporary from a dead process is swept.
        let stale = tmp.join(".a.txt.tmp-4000000000");
        std::fs::write(&stale, b"x").unwrap();
        write_atomic(&dest, b"new").unwrap();
        assert!(!stale.exists());
        assert_eq!(std::fs::read(&dest).unwrap(), b"new");
        assert!(pending().is_empty());
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
