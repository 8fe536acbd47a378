//! `tilmash bench align`: time and peak memory of aligning two files, and strict F1 against gold
//! beads when given (Vecalign's convention, as `shared/tools/eval/align_eval.py` computes it).

use super::{align_analysed, analyse_sides, AlignConfig, Phases, Side};
use crate::error::{Error, Result};
use crate::ingest;
use crate::model::{Bead, Lang};
use crate::normalize::{self, Profile};
use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Peak resident memory of this process in KiB (Linux `VmHWM`), when the system reports it.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

/// Whose CPU time [`cpu_seconds`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// This process, all its threads.
    Process,
    /// The child processes this process has waited for (and theirs), all together.
    Children,
}

/// CPU time (user + system) in seconds (`getrusage`), when the system reports it.
pub fn cpu_seconds(who: Who) -> Option<f64> {
    cpu_times(who).map(|(u, s)| u + s)
}

/// CPU time (user, system) in seconds (`getrusage`), when the system reports it.
#[cfg(unix)]
pub fn cpu_times(who: Who) -> Option<(f64, f64)> {
    let whom = match who {
        Who::Process => libc::RUSAGE_SELF,
        Who::Children => libc::RUSAGE_CHILDREN,
    };
    // SAFETY: getrusage only writes the struct it is given, which is plain data and
    // zero-initialised.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(whom, &mut usage) } != 0 {
        return None;
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Some((secs(usage.ru_utime), secs(usage.ru_stime)))
}

#[cfg(not(unix))]
pub fn cpu_times(_who: Who) -> Option<(f64, f64)> {
    None
}

/// Strict precision, recall and F1: precision over all system beads, recall over gold beads
/// that have both sides, against system beads with both sides.
pub fn strict_prf(gold: &[Bead], sys: &[Bead]) -> (f64, f64, f64) {
    let key = |b: &Bead| (b.src.clone(), b.tgt.clone());
    let g: HashSet<_> = gold.iter().map(key).collect();
    let tp_p = sys.iter().filter(|b| g.contains(&key(b))).count();
    let s_pairs: HashSet<_> = sys.iter().filter(|b| b.is_pair()).map(key).collect();
    let g_pairs: Vec<_> = gold.iter().filter(|b| b.is_pair()).collect();
    let tp_r = g_pairs.iter().filter(|b| s_pairs.contains(&key(b))).count();
    let p = if sys.is_empty() {
        0.0
    } else {
        tp_p as f64 / sys.len() as f64
    };
    let r = if g_pairs.is_empty() {
        0.0
    } else {
        tp_r as f64 / g_pairs.len() as f64
    };
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

fn read_gold(path: &Path) -> Result<Vec<Bead>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::read(path, e))?;
    let mut out = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        #[derive(serde::Deserialize)]
        struct G {
            src: Vec<usize>,
            tgt: Vec<usize>,
        }
        let g: G = serde_json::from_str(line).map_err(|e| Error::Invalid {
            path: path.to_path_buf(),
            why: format!(
                "line {}: {e}; expected {{\"src\":[..],\"tgt\":[..]}}",
                n + 1
            ),
        })?;
        out.push(Bead {
            src: g.src,
            tgt: g.tgt,
            score: 1.0,
        });
    }
    Ok(out)
}

/// Time tilmash took on the benchmark input, to set the peers' beside.
#[derive(Debug, Clone, Copy, Default)]
pub struct Figures {
    /// Aligning only: wall seconds and CPU seconds (user + system, all threads).
    pub align_wall: f64,
    pub align_cpu: Option<f64>,
    /// Reading, normalising and aligning (what a peer's run does): wall and CPU seconds.
    pub total_wall: f64,
    pub total_cpu: Option<f64>,
    /// The `tilmash align` command as its own process ([`run_command`]): wall and CPU seconds.
    pub command_wall: Option<f64>,
    pub command_cpu: Option<f64>,
}

/// The benchmark's report (one `key: value` per line) and its figures.
#[derive(Debug, Clone)]
pub struct Report {
    pub text: String,
    pub figures: Figures,
}

/// Runs the benchmark.
pub fn run(
    src: &Path,
    tgt: &Path,
    sl: Lang,
    tl: Lang,
    gold: Option<&Path>,
    cfg: &AlignConfig,
) -> Result<Report> {
    let t0 = Instant::now();
    let cpu0 = cpu_times(Who::Process);
    let load = |p: &Path| -> Result<Vec<String>> {
        Ok(ingest::read_text(p)?
            .0
            .lines()
            .map(|l| normalize::normalize(l, Profile::Align))
            .collect())
    };
    let (a, b) = (load(src)?, load(tgt)?);
    let ra: Vec<&str> = a.iter().map(String::as_str).collect();
    let rb: Vec<&str> = b.iter().map(String::as_str).collect();
    let t_load = t0.elapsed();
    let t1 = Instant::now();
    let cpu1 = cpu_times(Who::Process);
    let mut phases = Phases::default();
    let (na, nb) = (a.len(), b.len());
    // as `tilmash align` does: the texts go once the features are built
    let analysed = analyse_sides(
        Side {
            lang: sl,
            sentences: &ra,
            para_start: &[],
        },
        Side {
            lang: tl,
            sentences: &rb,
            para_start: &[],
        },
        cfg,
        &mut phases,
    )?;
    drop((ra, rb));
    drop((a, b));
    let beads = align_analysed(analysed, cfg, &mut phases).beads;
    let t_align = t1.elapsed();
    let cpu2 = cpu_times(Who::Process);
    let spent = |from: Option<(f64, f64)>| {
        from.zip(cpu2)
            .map(|((u0, s0), (u1, s1))| (u1 - u0, s1 - s0))
    };
    let figures = Figures {
        align_wall: t_align.as_secs_f64(),
        align_cpu: spent(cpu1).map(|(u, s)| u + s),
        total_wall: t0.elapsed().as_secs_f64(),
        total_cpu: spent(cpu0).map(|(u, s)| u + s),
        command_wall: None,
        command_cpu: None,
    };
    let mut out = format!(
        "pair: {sl}-{tl}\nsentences: {} x {}\nbeads: {}\nload_s: {:.3}\nalign_s: {:.3}\nthreads: {}\n",
        na,
        nb,
        beads.len(),
        t_load.as_secs_f64(),
        t_align.as_secs_f64(),
        rayon::current_num_threads()
    );
    let cpu_line = |name: &str, t: Option<(f64, f64)>| {
        t.map_or(String::new(), |(u, s)| {
            format!("{name}: {:.3} (user {u:.3}, sys {s:.3})\n", u + s)
        })
    };
    out.push_str(&cpu_line("align_cpu_s", spent(cpu1)));
    out.push_str(&format!("total_s: {:.3}\n", figures.total_wall));
    out.push_str(&cpu_line("total_cpu_s", spent(cpu0)));
    for (name, secs, cpu, peak) in &phases.spans {
        let cpu = cpu.map_or(String::new(), |c| format!(", cpu {c:.3} s"));
        let peak = peak.map_or(String::new(), |k| {
            format!(" (peak so far {:.0} MB)", k as f64 / 1024.0)
        });
        out.push_str(&format!("phase {name}: {secs:.3} s{cpu}{peak}\n"));
    }
    if let Some(k) = peak_rss_kib() {
        out.push_str(&format!("peak_rss_mb: {:.1}\n", k as f64 / 1024.0));
    }
    if let Some(g) = gold {
        let (p, r, f) = strict_prf(&read_gold(g)?, &beads);
        out.push_str(&format!(
            "strict_p: {p:.4}\nstrict_r: {r:.4}\nstrict_f1: {f:.4}\n"
        ));
    }
    Ok(Report { text: out, figures })
}

/// A peer aligner's run on the benchmark input.
#[derive(Debug, Clone)]
pub struct PeerRun {
    pub name: &'static str,
    /// How it ran; `None` when skipped.
    pub result: Option<CommandRun>,
    /// Why it was skipped.
    pub notice: String,
}

/// Wall seconds, CPU seconds (user, system), peak resident memory (KiB) seen, and how a
/// command ended.
#[derive(Debug, Clone)]
pub struct CommandRun {
    pub wall: f64,
    pub cpu: Option<(f64, f64)>,
    /// Peak resident memory sampled every 20 ms (`VmHWM`).
    pub peak_kib: Option<u64>,
    /// `ru_maxrss` from `wait4`. Linux counts in it the parent's peak at the time of the fork
    /// (the child starts as its copy), so it is the child's own only when the parent is small.
    pub max_rss_kib: Option<u64>,
    pub how: String,
}

/// Peak resident memory (`VmHWM`, KiB) of a running process.
fn child_peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

/// Runs a command to completion or until `limit`. Its CPU time is the one the system reports
/// for it when it is reaped (`wait4`, as `/usr/bin/time` reads it); its peak memory is sampled
/// every 20 ms (`VmHWM`), and `wait4`'s `ru_maxrss` is kept beside it.
fn time_command(cmd: &mut Command, limit: Duration) -> std::io::Result<CommandRun> {
    let t0 = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let mut peak = None;
    loop {
        if let Some(k) = child_peak_kib(child.id()) {
            peak = Some(peak.map_or(k, |p: u64| p.max(k)));
        }
        if let Some((how, cpu, max_kib)) = reap(&mut child)? {
            return Ok(CommandRun {
                wall: t0.elapsed().as_secs_f64(),
                cpu,
                peak_kib: peak,
                max_rss_kib: max_kib,
                how,
            });
        }
        if t0.elapsed() >= limit {
            let _ = child.kill();
            let (_, cpu, max_kib) = reap_blocking(&mut child)?;
            return Ok(CommandRun {
                wall: t0.elapsed().as_secs_f64(),
                cpu,
                peak_kib: peak,
                max_rss_kib: max_kib,
                how: format!("killed at the {} s limit", limit.as_secs()),
            });
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// What a finished child reports: how it ended, CPU (user, system) seconds, peak KiB.
type Reaped = (String, Option<(f64, f64)>, Option<u64>);

/// The child's end and its own resource use, when it has ended (`wait4` without blocking).
#[cfg(unix)]
fn reap(child: &mut std::process::Child) -> std::io::Result<Option<Reaped>> {
    wait4(child, libc::WNOHANG)
}

#[cfg(unix)]
fn reap_blocking(child: &mut std::process::Child) -> std::io::Result<Reaped> {
    wait4(child, 0).map(|r| r.unwrap_or(("?".into(), None, None)))
}

#[cfg(unix)]
fn wait4(child: &mut std::process::Child, flags: libc::c_int) -> std::io::Result<Option<Reaped>> {
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: wait4 writes only the status and the struct it is given, which is plain data and
    // zero-initialised; the pid is our own child, not yet reaped.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, flags, &mut usage) };
    if r < 0 {
        return Err(std::io::Error::last_os_error());
    }
    if r == 0 {
        return Ok(None);
    }
    let how = if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0 {
        "ok".to_string()
    } else if libc::WIFEXITED(status) {
        format!("failed (exit status {})", libc::WEXITSTATUS(status))
    } else {
        format!("failed (signal {})", libc::WTERMSIG(status))
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Ok(Some((
        how,
        Some((secs(usage.ru_utime), secs(usage.ru_stime))),
        // Linux reports ru_maxrss in KiB
        Some(usage.ru_maxrss as u64),
    )))
}

#[cfg(not(unix))]
fn reap(child: &mut std::process::Child) -> std::io::Result<Option<Reaped>> {
    Ok(child.try_wait()?.map(|s| {
        let how = if s.success() {
            "ok".to_string()
        } else {
            format!("failed ({s})")
        };
        (how, None, None)
    }))
}

#[cfg(not(unix))]
fn reap_blocking(child: &mut std::process::Child) -> std::io::Result<Reaped> {
    child.wait().map(|_| ("killed".into(), None, None))
}

/// Runs this program's own `tilmash align --src S --tgt T SRC TGT --format jsonl` (output
/// discarded) as a separate process: the wall time, CPU time and peak memory of the command
/// itself, the figures `/usr/bin/time -v` gives for it. Run it before this process has grown
/// (before [`run`]): its peak is then `wait4`'s `ru_maxrss`, exact as `/usr/bin/time`'s.
pub fn run_command(
    src: &Path,
    tgt: &Path,
    sl: Lang,
    tl: Lang,
    pipeline: Option<&Path>,
) -> Result<CommandRun> {
    let exe = std::env::current_exe().map_err(|e| Error::read(Path::new("<current exe>"), e))?;
    let mut cmd = Command::new(&exe);
    cmd.arg("align")
        .args(["--src", sl.code(), "--tgt", tl.code()])
        .arg(src)
        .arg(tgt)
        .args(["--format", "jsonl"]);
    if let Some(p) = pipeline {
        cmd.arg("--pipeline").arg(p);
    }
    time_command(&mut cmd, Duration::from_secs(3600)).map_err(|e| Error::read(&exe, e))
}

/// The report's line for [`run_command`].
pub fn command_report(r: &CommandRun) -> String {
    let cpu = r.cpu.map_or("?".to_string(), |(u, s)| {
        format!("{:.3} (user {u:.3}, sys {s:.3})", u + s)
    });
    let peak = r
        .peak_kib
        .max(r.max_rss_kib)
        .map_or("?".to_string(), |k| format!("{:.1}", k as f64 / 1024.0));
    format!(
        "command tilmash align --format jsonl: wall_s {:.3}, cpu_s {cpu}, peak_rss_mb {peak}, {}\n",
        r.wall, r.how
    )
}

/// Runs the peers on the same two files: hunalign (binary from `$HUNALIGN`, with an empty
/// dictionary, as `align_eval.py` runs it) and galechurch (`galechurch.align` from PyPI, in the
/// Python named by `$GALECHURCH_PYTHON`). A peer that is not configured is skipped with a notice.
pub fn run_peers(src: &Path, tgt: &Path, limit: Duration) -> Vec<PeerRun> {
    let mut out = Vec::new();
    // peers run in a scratch folder (hunalign leaves a translate.txt in its working folder)
    let abs = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (src, tgt) = (&abs(src), &abs(tgt));
    let scratch = std::env::temp_dir().join(format!("tilmash-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&scratch);
    match std::env::var_os("HUNALIGN").map(std::path::PathBuf::from) {
        Some(bin) if bin.is_file() => {
            let dic = std::env::temp_dir().join("tilmash-bench-empty.dic");
            let result = std::fs::write(&dic, "").and_then(|_| {
                time_command(
                    Command::new(&bin)
                        .current_dir(&scratch)
                        .arg(&dic)
                        .arg(src)
                        .arg(tgt),
                    limit,
                )
            });
            out.push(match result {
                Ok(r) => PeerRun {
                    name: "hunalign",
                    result: Some(r),
                    notice: String::new(),
                },
                Err(e) => PeerRun {
                    name: "hunalign",
                    result: None,
                    notice: format!("could not run {}: {e}", bin.display()),
                },
            });
        }
        _ => out.push(PeerRun {
            name: "hunalign",
            result: None,
            notice: "skipped: set HUNALIGN to a hunalign binary".into(),
        }),
    }
    match std::env::var_os("GALECHURCH_PYTHON") {
        Some(py) => {
            let script = "import sys, galechurch\n\
                s = open(sys.argv[1], encoding='utf-8').read().splitlines()\n\
                t = open(sys.argv[2], encoding='utf-8').read().splitlines()\n\
                galechurch.align(s, t, max_block_size=10**12)\n";
            let result = time_command(
                Command::new(&py)
                    .current_dir(&scratch)
                    .arg("-c")
                    .arg(script)
                    .arg(src)
                    .arg(tgt),
                limit,
            );
            out.push(match result {
                Ok(r) => PeerRun {
                    name: "galechurch",
                    result: Some(r),
                    notice: String::new(),
                },
                Err(e) => PeerRun {
                    name: "galechurch",
                    result: None,
                    notice: format!("could not run {}: {e}", Path::new(&py).display()),
                },
            });
        }
        None => out.push(PeerRun {
            name: "galechurch",
            result: None,
            notice: "skipped: set GALECHURCH_PYTHON to a Python with galechurch (PyPI)".into(),
        }),
    }
    let _ = std::fs::remove_dir_all(&scratch);
    out
}

/// The peers' lines of the report, each followed by how many times tilmash's time it took:
/// by wall time and by CPU time (all threads), against tilmash's aligning alone and against its
/// whole run (reading and normalising too, as a peer's run includes its reading), and against
/// the `tilmash align` command run as its own process (process against process), when it ran.
pub fn peer_report(peers: &[PeerRun], tilmash: &Figures) -> String {
    let mut out = String::new();
    let times = |peer: f64, ours: Option<f64>| {
        ours.filter(|&x| x > 0.0)
            .map_or("?".to_string(), |x| format!("{:.1}", peer / x))
    };
    for p in peers {
        match &p.result {
            Some(r) => {
                let peak = r
                    .peak_kib
                    .map_or("?".to_string(), |k| format!("{:.1}", k as f64 / 1024.0));
                let cpu = r.cpu.map_or("?".to_string(), |(u, s)| {
                    format!("{:.3} (user {u:.3}, sys {s:.3})", u + s)
                });
                out.push_str(&format!(
                    "peer {}: wall_s {:.3}, cpu_s {cpu}, peak_rss_mb {peak}, {}\n",
                    p.name, r.wall, r.how
                ));
                let cpu = r.cpu.map(|(u, s)| u + s);
                out.push_str(&format!(
                    "peer {} / tilmash: wall {}x (align) {}x (total), cpu {}x (align) {}x (total)\n",
                    p.name,
                    times(r.wall, Some(tilmash.align_wall)),
                    times(r.wall, Some(tilmash.total_wall)),
                    cpu.map_or("?".into(), |c| times(c, tilmash.align_cpu)),
                    cpu.map_or("?".into(), |c| times(c, tilmash.total_cpu)),
                ));
                if let Some(w) = tilmash.command_wall {
                    out.push_str(&format!(
                        "peer {} / tilmash align command: wall {}x, cpu {}x\n",
                        p.name,
                        times(r.wall, Some(w)),
                        cpu.map_or("?".into(), |c| times(c, tilmash.command_cpu)),
                    ));
                }
            }
            None => out.push_str(&format!("peer {}: {}\n", p.name, p.notice)),
        }
    }
    out
}
