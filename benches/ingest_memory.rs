//! Peak memory and speed of the streaming path (ingest → identify → normalize → segment) on a
//! large generated input. Prints figures; asserts nothing.
//!
//!   cargo bench --bench ingest_memory                      # 1 GiB of text in 1 file, 1 worker
//!   TILMASH_BENCH_MB=256 cargo bench --bench ingest_memory # smaller
//!   TILMASH_BENCH_LINE_MB=200 cargo bench --bench ingest_memory  # one 200 MB line
//!   TILMASH_BENCH_STAGES=ingest …   # ingest only (the whole front runs ~12 MiB/s per core)
//!   TILMASH_BENCH_CHUNK_KB=256 …    # another chunk size
//!   TILMASH_BENCH_INPUT=FILE …      # this file instead of generated text (size as it is)
//!   TILMASH_BENCH_DUMP=OUT …        # write every sentence (spans, language, confidence, kind,
//!                                   # export and align text) to OUT, to compare two builds with cmp
//!
//! With all stages, the figures per stage follow: how fast each stage would go on its own,
//! in MiB of input per second of one core (CPU time of this thread), so that a neighbour's load on
//! a shared machine does not count. `segment_document` (normalize + segment + per-sentence
//! language + align form, as a run calls it) is timed as a whole, then once more step by step.
//!
//! Peak resident memory is read from /proc/self/status (VmHWM, Linux), so it is the whole
//! process: the figure bounds what one worker needs. `benches/ingest_memory.sh` runs the same
//! under `/usr/bin/time -v` and adds a full `tilmash run` for comparison.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;
use tilmash::model::{Document, Lang, ParagraphKind, SegmentedDocument};
use tilmash::normalize::{normalize, normalize_tracked, Profile};
use tilmash::pipeline::{identify_document, segment_document, PipelineConfig};

/// CPU seconds of the calling thread (the bench runs in one thread), falling back to wall time
/// where the clock is unavailable.
fn cpu_now() -> f64 {
    #[cfg(target_os = "linux")]
    {
        if let Ok(s) = std::fs::read_to_string("/proc/thread-self/stat") {
            if let Some(after) = s.rfind(')').map(|i| &s[i + 2..]) {
                let f: Vec<&str> = after.split_whitespace().collect();
                if let (Some(u), Some(k)) = (f.get(11), f.get(12)) {
                    if let (Ok(u), Ok(k)) = (u.parse::<f64>(), k.parse::<f64>()) {
                        return (u + k) / 100.0;
                    }
                }
            }
        }
    }
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64()
}

/// Seconds per stage, wall and CPU.
#[derive(Default)]
struct Clock {
    wall: f64,
    cpu: f64,
}

impl Clock {
    fn time<T>(&mut self, f: impl FnOnce() -> T) -> T {
        let (w, c) = (Instant::now(), cpu_now());
        let out = f();
        self.wall += w.elapsed().as_secs_f64();
        self.cpu += cpu_now() - c;
        out
    }
}

/// The steps of `segment_document`, each over a whole chunk before the next (the same calls on
/// the same texts), so each is timed as a whole: a clock read per sentence would cost more than
/// the work it times.
#[derive(Default)]
struct Steps {
    normalize_export: Clock,
    split: Clock,
    sentence_langid: Clock,
    normalize_align: Clock,
    sentences: usize,
}

impl Steps {
    fn run(&mut self, doc: &Document) {
        let texts: Vec<String> = self.normalize_export.time(|| {
            doc.paragraphs
                .iter()
                .map(|p| normalize_tracked(&p.text, Profile::Export).text)
                .collect()
        });
        let spans: Vec<Vec<std::ops::Range<usize>>> = self.split.time(|| {
            doc.paragraphs
                .iter()
                .zip(&texts)
                .map(|(p, text)| {
                    let lang = if p.lang == Lang::Und {
                        Lang::En
                    } else {
                        p.lang
                    };
                    if p.kind == ParagraphKind::Reference {
                        let lead = text.len() - text.trim_start().len();
                        let t = text.trim();
                        if t.is_empty() {
                            vec![]
                        } else {
                            std::iter::once(lead..lead + t.len()).collect()
                        }
                    } else {
                        tilmash::segment::split(text, lang)
                    }
                })
                .collect()
        });
        let sentences: Vec<&str> = texts
            .iter()
            .zip(&spans)
            .flat_map(|(t, ss)| ss.iter().map(move |s| &t[s.clone()]))
            .collect();
        self.sentences += sentences.len();
        self.sentence_langid.time(|| {
            // as `segment_document`: sentences of under four words are not asked
            for s in sentences
                .iter()
                .filter(|s| s.split_whitespace().nth(3).is_some())
            {
                std::hint::black_box(tilmash::langid::identify(s));
            }
        });
        self.normalize_align.time(|| {
            for s in &sentences {
                std::hint::black_box(normalize(s, Profile::Align));
            }
        });
    }
}

fn dump(out: &mut impl Write, seg: &SegmentedDocument) {
    for s in &seg.sentences {
        writeln!(
            out,
            "{}\t{}\t{}..{}\t{}\t{:08x}\t{:?}\t{}\t{}",
            s.index,
            s.paragraph,
            s.span.start,
            s.span.end,
            s.lang,
            s.lang_confidence.to_bits(),
            s.kind,
            s.text,
            s.align
        )
        .expect("dump");
    }
}

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
    let given = std::env::var_os("TILMASH_BENCH_INPUT").map(PathBuf::from);
    let (file, bytes) = match given {
        Some(f) => {
            let n = std::fs::metadata(&f).expect("TILMASH_BENCH_INPUT").len();
            (f, n)
        }
        None => {
            let file = dir.join("big.txt");
            let bytes = generate(&file, mb, line_mb > 0);
            (file, bytes)
        }
    };
    let mut dump_to = std::env::var_os("TILMASH_BENCH_DUMP")
        .map(|p| std::io::BufWriter::new(std::fs::File::create(p).expect("TILMASH_BENCH_DUMP")));
    let before = vm_hwm_mb();
    let cfg: PipelineConfig = toml::from_str("input = \"x\"\noutput = \"y\"\n").expect("config");
    let start = Instant::now();
    let cpu_start = cpu_now();
    let (mut paragraphs, mut sentences, mut chunks) = (0usize, 0usize, 0usize);
    let (mut build, mut identify, mut segment, mut sink): (Clock, Clock, Clock, Clock) =
        Default::default();
    let mut steps = Steps::default();
    let mut stepped = Clock::default();
    let (mut pbase, mut sbase) = (0usize, 0usize);
    let chunk_bytes = match env_mb("TILMASH_BENCH_CHUNK_KB", 0) {
        0 => tilmash::ingest::CHUNK_BYTES,
        kb => (kb << 10) as usize,
    };
    let all_stages = std::env::var("TILMASH_BENCH_STAGES").map_or(true, |v| v != "ingest");
    let report = tilmash::ingest::stream_text(&file, None, chunk_bytes, |chunk, offset| {
        chunks += 1;
        let (w, c) = (Instant::now(), cpu_now());
        if !all_stages {
            paragraphs += build.time(|| tilmash::ingest::build_paragraphs(chunk).len());
            sink.wall += w.elapsed().as_secs_f64();
            sink.cpu += cpu_now() - c;
            return Ok(());
        }
        let mut doc = Document {
            id: "big.txt".into(),
            path: file.clone(),
            encoding: String::new(),
            paragraphs: build.time(|| tilmash::ingest::build_paragraphs(chunk)),
        };
        for p in &mut doc.paragraphs {
            p.span = p.span.start + offset..p.span.end + offset;
        }
        identify.time(|| identify_document(&mut doc));
        let mut seg = segment.time(|| segment_document(&doc, &cfg));
        sink.wall += w.elapsed().as_secs_f64();
        sink.cpu += cpu_now() - c;
        // Not timed: the same steps once more, one by one, and the dump.
        stepped.time(|| steps.run(&doc));
        assert_eq!(steps.sentences, sentences + seg.sentences.len());
        if let Some(out) = dump_to.as_mut() {
            for s in &mut seg.sentences {
                s.index += sbase;
                s.paragraph += pbase;
            }
            dump(out, &seg);
        }
        pbase += seg.paragraph_count;
        sbase += seg.sentences.len();
        paragraphs += seg.paragraph_count;
        sentences += seg.sentences.len();
        Ok(())
    });
    let (stepped_wall, stepped_cpu) = (stepped.wall, stepped.cpu);
    let secs = start.elapsed().as_secs_f64() - stepped_wall;
    let cpu = cpu_now() - cpu_start - stepped_cpu;
    if let Some(mut out) = dump_to {
        out.flush().expect("dump");
    }
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
    // Reading and decoding is what the whole stream took beyond the work on its chunks.
    let decode = Clock {
        wall: secs - sink.wall,
        cpu: cpu - sink.cpu,
    };
    let rate = |c: &Clock| {
        format!(
            "{:>8.2} s CPU {:>8.1} MiB/s   ({:.2} s wall)",
            c.cpu,
            mib / c.cpu.max(1e-9),
            c.wall
        )
    };
    println!(
        "  per stage, one core (MiB of input per CPU second; the stage alone would run so fast):"
    );
    println!("    read + decode           {}", rate(&decode));
    println!("    paragraphs              {}", rate(&build));
    if all_stages {
        println!("    identify paragraphs     {}", rate(&identify));
        println!("    segment_document        {}", rate(&segment));
        println!(
            "      normalize export      {}",
            rate(&steps.normalize_export)
        );
        println!("      segment split         {}", rate(&steps.split));
        println!(
            "      identify sentences    {}",
            rate(&steps.sentence_langid)
        );
        println!(
            "      normalize align       {}",
            rate(&steps.normalize_align)
        );
        let whole = Clock { wall: secs, cpu };
        println!("    whole front             {}", rate(&whole));
    }
    println!("  peak RSS before  {before:.0} MiB (after generating the file)");
    println!(
        "  peak RSS         {:.0} MiB (VmHWM, whole process)",
        vm_hwm_mb()
    );
}
