//! Atomic file output: write to a temporary sibling, then rename, so a reader (or an interrupted
//! run) never sees a half-written file.
//!
//! Interruption (Ctrl-C, SIGTERM, SIGHUP): `main` installs `interrupt_cleanup` as the handler.
//! Every temporary file is registered in `PENDING` before it is created; staging and the final
//! renames hold the `PENDING` lock, and the handler takes that lock, deletes what is registered
//! and exits without ever releasing it. So an interrupt either lands before the renames (previous
//! outputs untouched, temporaries deleted) or waits until every rename is done (a complete new
//! set) — never a mix of old and new files, never a temporary file left behind.
//!
//! Two runs writing one output folder: `lock_folder` takes an exclusive lock (flock) on the
//! folder for the time a run stages and renames its outputs, so the second waits and each set
//! lands whole (last writer wins). The kernel drops the lock when a process dies, even by
//! SIGKILL; the next holder then deletes every temporary file it finds there, since no other
//! writer can be active.

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
        if tmp.is_dir() {
            remove_work_dir(&tmp);
        } else {
            let _ = std::fs::remove_file(tmp);
        }
    }
    guard
}

/// Removes a work folder; tried a few times, since a worker thread may still be adding a file
/// to it while an interrupt deletes it.
fn remove_work_dir(dir: &Path) {
    for _ in 0..5 {
        if std::fs::remove_dir_all(dir).is_ok() || !dir.exists() {
            return;
        }
    }
}

/// Whether process `pid` still runs (always true off Linux, where this cannot be told cheaply).
fn process_alive(pid: u32) -> bool {
    !cfg!(target_os = "linux")
        || pid == std::process::id()
        || Path::new(&format!("/proc/{pid}")).exists()
}

/// A hidden work folder inside an output folder (`.tilmash-work-N.tmp-PID`) for the files a run
/// spills to disk instead of holding in memory (see `spill`). It is registered like a temporary
/// file, so Ctrl-C deletes it; dropping it deletes it; a killed run's folder is deleted by the
/// next run on that output folder (its process is gone).
#[derive(Debug)]
pub struct WorkDir {
    path: PathBuf,
    /// Folders `create` made for it (deepest first): removed again when left empty, so a run
    /// that fails writes nothing at all.
    made: Vec<PathBuf>,
}

impl WorkDir {
    pub fn create(output: &Path) -> Result<WorkDir> {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let made: Vec<PathBuf> = output
            .ancestors()
            .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
            .map(Path::to_path_buf)
            .collect();
        ensure_folder(output)?;
        sweep_dead_work_dirs(output);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = output.join(format!(".tilmash-work-{n}.tmp-{}", std::process::id()));
        let mut reg = pending();
        reg.push(path.clone());
        if path.exists() {
            remove_work_dir(&path);
        }
        std::fs::create_dir(&path).map_err(|e| Error::write(output, e))?;
        drop(reg);
        Ok(WorkDir { path, made })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let mut reg = pending();
        remove_work_dir(&self.path);
        reg.retain(|p| p != &self.path);
        for d in &self.made {
            if std::fs::remove_dir(d).is_err() {
                break;
            }
        }
    }
}

/// Deletes the work folders of runs that no longer run (killed with SIGKILL or a power cut).
fn sweep_dead_work_dirs(dir: &Path) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.starts_with(".tilmash-work-") || !e.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        if temp_pid(&name).is_some_and(|pid| !process_alive(pid)) {
            remove_work_dir(&e.path());
        }
    }
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

/// The process id in a temporary file's name (`.NAME.tmp-PID`), when `file` is one.
fn temp_pid(file: &str) -> Option<u32> {
    let (head, pid) = file.rsplit_once(".tmp-")?;
    if !head.starts_with('.') || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// Refuses a folder path that runs through a file, then creates the folder.
fn ensure_folder(dir: &Path) -> Result<()> {
    if let Some(not_dir) = dir.ancestors().find(|a| a.is_file()) {
        return Err(Error::Invalid {
            path: not_dir.to_path_buf(),
            why: "exists and is a file, not a folder; move it away or choose another output folder"
                .into(),
        });
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))
}

/// An exclusive lock on an output folder, held until dropped (or the process ends).
#[derive(Debug)]
pub struct FolderLock {
    _dir: std::fs::File,
}

/// Creates `dir` if needed and locks it for writing outputs. When another tilmash holds the
/// lock, says so on stderr and waits for it. With the lock held, every temporary file in the
/// folder is an orphan of a killed run, and is deleted. File systems without locks (some network
/// mounts) are written unlocked.
pub fn lock_folder(dir: &Path) -> Result<FolderLock> {
    ensure_folder(dir)?;
    let f = std::fs::File::open(dir).map_err(|e| Error::write(dir, e))?;
    match f.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            eprintln!(
                "tilmash: another tilmash is writing to {}; waiting for it to finish",
                dir.display()
            );
            f.lock().map_err(|e| Error::write(dir, e))?;
        }
        Err(std::fs::TryLockError::Error(_)) => {}
    }
    if let Ok(rd) = std::fs::read_dir(dir) {
        let me = std::process::id();
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if temp_pid(&name).is_some_and(|pid| pid != me)
                && e.file_type().is_ok_and(|t| t.is_file())
            {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    sweep_dead_work_dirs(dir);
    Ok(FolderLock { _dir: f })
}

/// A pause after each staged file, for tests that interrupt a run while it writes
/// (`TILMASH_FAULT_INJECTION=1` and `TILMASH_STAGE_DELAY_MS=N`); zero otherwise.
fn stage_delay() -> std::time::Duration {
    static DELAY: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let ms = *DELAY.get_or_init(|| {
        if std::env::var("TILMASH_FAULT_INJECTION").is_ok_and(|v| v == "1") {
            std::env::var("TILMASH_STAGE_DELAY_MS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        } else {
            0
        }
    });
    std::time::Duration::from_millis(ms)
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
        if !file.starts_with(&prefix) {
            continue;
        }
        let Some(pid) = temp_pid(&file) else {
            continue;
        };
        if !process_alive(pid) {
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
        self.stage_with(path, |w| w.write_all(bytes))
    }

    /// Like `stage`, with the contents written by `fill` through a buffer, so a large output
    /// never has to exist whole in memory.
    pub fn stage_with(
        &mut self,
        path: &Path,
        fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<()> {
        ensure_folder(path.parent().unwrap_or(Path::new(".")))?;
        remove_stale_temps(path);
        let tmp = temp_name(path);
        let mut reg = pending();
        reg.push(tmp.clone());
        self.staged.push((tmp.clone(), path.to_path_buf()));
        // Errors name the file being written, not its temporary name.
        let f = std::fs::File::create(&tmp).map_err(|e| Error::write(path, e))?;
        let mut w = std::io::BufWriter::with_capacity(1 << 16, f);
        fill(&mut w).map_err(|e| Error::write(path, e))?;
        let f = w
            .into_inner()
            .map_err(|e| Error::write(path, e.into_error()))?;
        f.sync_all().map_err(|e| Error::write(path, e))?;
        drop(reg);
        std::thread::sleep(stage_delay());
        Ok(())
    }

    /// Renames every staged file into place, all under one lock (see the module comment).
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        // Everything that can be checked is checked before the first rename, so a failure leaves
        // the previous set whole (and `drop` removes every temporary file).
        let mut dests = std::collections::HashSet::new();
        for (tmp, dest) in &self.staged {
            if !dests.insert(dest) {
                return Err(Error::write(
                    dest,
                    std::io::Error::other("staged twice in one run (a tilmash bug)"),
                ));
            }
            if let Err(e) = std::fs::symlink_metadata(tmp) {
                return Err(Error::write(dest, e));
            }
        }
        let mut reg = pending();
        let mut done = Vec::new();
        let mut dirs: Vec<PathBuf> = Vec::new();
        let staged = std::mem::take(&mut self.staged);
        let mut staged = staged.into_iter();
        while let Some((tmp, dest)) = staged.next() {
            if let Err(e) = std::fs::rename(&tmp, &dest) {
                let _ = std::fs::remove_file(&tmp);
                reg.retain(|p| p != &tmp);
                drop(reg);
                self.staged = staged.collect();
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
