//! Peak memory and speed of the streaming path (ingest → identify → normalize → segment) on a
//! large generated input. Prints figures; asserts nothing.
//!
//!   cargo bench --bench ingest_memory                      # 1 GiB of text in 1 file, 1 worker
//!   TILMASH_BENCH_MB=256 cargo bench --bench ingest_memory # smaller
//!   TILMASH_BENCH_LINE_MB=200 cargo bench --bench ingest_memory  # one 200 MB line
//!   TILMASH_BENCH_STAGES=ingest …   # ingest only (the later stages run ~0.5 MiB/s per core)
//!   TILMASH_BENCH_CHUNK_KB=256 …    # another chunk size
//!
//! Peak resident memory is read from /proc/self/status (VmHWM, Linux), so it is the whole
//! process: the figure bounds what one worker needs. `benches/ingest_memory.sh` runs the same
//! under `/usr/bin/time -v` and adds a full `tilmash run` for comparison.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;
use tilmash::model::Document;
use tilmash::pipeline::{identify_document, segment_document, PipelineConfig};

fn vm_hwm_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn env_mb(key: &str, default: u64) -> u64 {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Writes `mb` MiB of corpus text (repeated); with `one_line`, every newline becomes a space.
fn generate(path: &Path, mb: u64, one_line: bool) -> u64 {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus/alash");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus/alash")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let mut text = String::new();
    for f in files {
        text.push_str(&std::fs::read_to_string(f).expect("corpus file"));
        text.push_str("\n\n");
    }
    if one_line {
        text = text.replace(['\n', '\r'], " ");
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    let target = mb << 20;
    let mut written = 0u64;
    while written < target {
        out.write_all(text.as_bytes()).expect("write");
        written += text.len() as u64;
    }
    if one_line {
        out.write_all(b"\n").expect("write");
    }
    out.flush().expect("flush");
    written
}

fn main() {
    // `cargo bench` passes --bench; any other argument filters like libtest would: ignore.
    let line_mb = env_mb("TILMASH_BENCH_LINE_MB", 0);
    let mb = if line_mb > 0 {
        line_mb
    } else {
        env_mb("TILMASH_BENCH_MB", 1024)
    };
    let dir = std::env::temp_dir().join(format!("tilmash-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("big.txt");
    let bytes = generate(&file, mb, line_mb > 0);
    let before = vm_hwm_mb();
    let cfg: PipelineConfig = toml::from_str("input = \"x\"\noutput = \"y\"\n").expect("config");
    let start = Instant::now();
    let (mut paragraphs, mut sentences, mut chunks) = (0usize, 0usize, 0usize);
    let chunk_bytes = match env_mb("TILMASH_BENCH_CHUNK_KB", 0) {
        0 => tilmash::ingest::CHUNK_BYTES,
        kb => (kb << 10) as usize,
    };
    let all_stages = std::env::var("TILMASH_BENCH_STAGES").map_or(true, |v| v != "ingest");
    let report = tilmash::ingest::stream_text(&file, None, chunk_bytes, |chunk, _| {
        chunks += 1;
        if !all_stages {
            paragraphs += tilmash::ingest::build_paragraphs(chunk).len();
            return Ok(());
        }
        let mut doc = Document {
            id: "big.txt".into(),
            path: file.clone(),
            encoding: String::new(),
            paragraphs: tilmash::ingest::build_paragraphs(chunk),
        };
        identify_document(&mut doc);
        let seg = segment_document(&doc, &cfg);
        paragraphs += seg.paragraph_count;
        sentences += seg.sentences.len();
        Ok(())
    });
    let secs = start.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&dir);
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            eprintln!("bench failed: {e}");
            std::process::exit(1);
        }
    };
    let mib = bytes as f64 / (1 << 20) as f64;
    if all_stages {
        println!("ingest_memory: streaming ingest → identify → normalize → segment, 1 worker");
    } else {
        println!("ingest_memory: streaming ingest (detect, decode, cut lines, rebuild paragraphs), 1 worker");
    }
    println!(
        "  input            {mib:.0} MiB in 1 file{}",
        if line_mb > 0 { " (one line)" } else { "" }
    );
    println!("  encoding         {}", report.encoding.name());
    println!(
        "  chunks           {chunks} (chunk {} KiB, MAX_LINE_BYTES {} MiB)",
        chunk_bytes >> 10,
        tilmash::ingest::MAX_LINE_BYTES >> 20
    );
    println!("  paragraphs       {paragraphs}");
    println!("  sentences        {sentences}");
    println!("  warnings         {}", report.warnings.len());
    println!("  time             {secs:.1} s ({:.1} MiB/s)", mib / secs);
    println!("  peak RSS before  {before:.0} MiB (after generating the file)");
    println!(
        "  peak RSS         {:.0} MiB (VmHWM, whole process)",
        vm_hwm_mb()
    );
}
