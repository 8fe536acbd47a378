//! Normalizer throughput: the bundled corpus (corpus/alash) repeated to at least 50 MB, line by
//! line, one thread, for each profile; prints MB/s. Run: `cargo bench --bench normalize`.

use std::time::Instant;
use tilmash::normalize::{match_key, normalize, normalize_tracked, Profile};

const TARGET_BYTES: usize = 50 * 1024 * 1024;

/// CPU seconds of this process (user + system), from /proc where there is one: the machine may be
/// shared, and wall-clock figures then measure the neighbours too.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/alash");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus/alash is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt" || x == "md"))
        .collect();
    files.sort();
    let mut corpus = String::new();
    for f in &files {
        corpus.push_str(&std::fs::read_to_string(f).expect("corpus file is UTF-8"));
        corpus.push('\n');
    }
    let lines: Vec<&str> = corpus.lines().filter(|l| !l.trim().is_empty()).collect();
    let once: usize = lines.iter().map(|l| l.len() + 1).sum();
    let reps = TARGET_BYTES.div_ceil(once);
    let total = once * reps;
    println!(
        "corpus: {} files, {} lines, {:.2} MB; repeated {reps}× = {:.1} MB",
        files.len(),
        lines.len(),
        once as f64 / 1e6,
        total as f64 / 1e6
    );
    let bench = |name: &str, f: &dyn Fn(&str) -> usize| {
        let t = Instant::now();
        let cpu0 = cpu_seconds();
        let mut out_bytes = 0usize;
        for _ in 0..reps {
            for l in &lines {
                out_bytes += f(l);
            }
        }
        let s = t.elapsed().as_secs_f64();
        let cpu = cpu0.zip(cpu_seconds()).map(|(a, b)| b - a);
        println!(
            "{name:<24} {:>7.1} MB/s wall  {} ({:.2} s, {:.1} MB out)",
            total as f64 / 1e6 / s,
            cpu.filter(|&c| c > 0.0)
                .map(|c| format!("{:>7.1} MB/s CPU", total as f64 / 1e6 / c))
                .unwrap_or_default(),
            s,
            out_bytes as f64 / 1e6
        );
    };
    bench("normalize export", &|l| normalize(l, Profile::Export).len());
    bench("normalize align", &|l| normalize(l, Profile::Align).len());
    bench("match_key", &|l| match_key(l).len());
    bench("normalize_tracked align", &|l| {
        normalize_tracked(l, Profile::Align).text.len()
    });
}
