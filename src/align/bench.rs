//! `tilmash bench align`: time and peak memory of aligning two files, and strict F1 against gold
//! beads when given (Vecalign's convention, as `shared/tools/eval/align_eval.py` computes it).

use super::{align_sides_timed, AlignConfig, Phases, Side};
use crate::error::{Error, Result};
use crate::ingest;
use crate::model::{Bead, Lang};
use crate::normalize::{self, Profile};
use std::collections::HashSet;
use std::path::Path;
use std::time::Instant;

/// Peak resident memory of this process in KiB (Linux `VmHWM`), when the system reports it.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
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

/// Runs the benchmark and returns the report (one `key: value` per line).
pub fn run(
    src: &Path,
    tgt: &Path,
    sl: Lang,
    tl: Lang,
    gold: Option<&Path>,
    cfg: &AlignConfig,
) -> Result<String> {
    let t0 = Instant::now();
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
    let mut phases = Phases::default();
    let beads = align_sides_timed(
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
    let t_align = t1.elapsed();
    let mut out = format!(
        "pair: {sl}-{tl}\nsentences: {} x {}\nbeads: {}\nload_s: {:.3}\nalign_s: {:.3}\nthreads: {}\n",
        a.len(),
        b.len(),
        beads.len(),
        t_load.as_secs_f64(),
        t_align.as_secs_f64(),
        rayon::current_num_threads()
    );
    for (name, secs, peak) in &phases.spans {
        let peak = peak.map_or(String::new(), |k| {
            format!(" (peak so far {:.0} MB)", k as f64 / 1024.0)
        });
        out.push_str(&format!("phase {name}: {secs:.3} s{peak}\n"));
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
    Ok(out)
}
