//! Subcommands and their arguments. Each command reads its input, calls the library, and writes
//! to stdout; `main` turns errors into one line on stderr and an exit code.

use crate::align::mining::MiningConfig;
use crate::align::{self, AlignConfig};
use crate::error::{Error, Result};
use crate::export::{review, validate, TmxProfile};
use crate::ingest;
use crate::langid;
use crate::model::{Lang, ParagraphKind};
use crate::normalize::{self, Profile};
use crate::pipeline::align_files::{align_files, segment_raw_text};
use crate::pipeline::align_files::{AlignFiles, AlignFormat, AlignMode};
use crate::pipeline::{self, Pipeline, RunOptions};
use crate::segment;
use crate::shards;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Parser, Debug)]
#[command(
    name = "tilmash",
    version,
    about = "Align ru / kk / en documents into a reviewable translation memory"
)]
pub struct Cli {
    /// No progress bars.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Encoding of the input files (utf-8, utf-16le, utf-16be, cp1251, kz-1048, koi8-r, cp866,
    /// iso-8859-5, …); detected per file when absent. Overrides the pipeline's `encoding` key.
    #[arg(long, global = true, value_name = "NAME")]
    pub encoding: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a pipeline file: ingest → identify → normalize → segment → align → export.
    Run {
        pipeline: PathBuf,
        /// Override the pipeline's input (file, folder or glob).
        #[arg(long)]
        input: Option<PathBuf>,
        /// Override the pipeline's output folder.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Let the pipeline file's `output` point outside its project folder (absolute paths,
        /// `..`, symlinks leading out).
        #[arg(long)]
        allow_outside: bool,
        /// Worker threads (default and 0: $SLURM_CPUS_PER_TASK, else every core). Outputs are
        /// the same whatever the number.
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Cut a pipeline run into shards for a cluster (one JSON line each in DIR/shards.jsonl).
    Plan {
        pipeline: PathBuf,
        /// The plan folder (fragments and markers go there too).
        #[arg(long)]
        out: PathBuf,
        /// Target single-core seconds per shard (documents and scopes are never split).
        #[arg(long, default_value_t = 120.0)]
        shard_seconds: f64,
        /// Print only the shards without a finished, current fragment (for resubmission).
        #[arg(long)]
        missing: bool,
        /// Override the pipeline's input (file, folder or glob).
        #[arg(long)]
        input: Option<PathBuf>,
        /// Override the pipeline's output folder.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Let the pipeline file's `output` point outside its project folder.
        #[arg(long)]
        allow_outside: bool,
    },
    /// Work shards of a plan: writes each fragment atomically with a completion marker; exit 1
    /// on a retryable failure, 2 on bad input (with an error record in DIR/failed/).
    Work {
        /// The plan folder.
        #[arg(long)]
        plan: PathBuf,
        /// Which batch of shards: shards INDEX*COUNT .. INDEX*COUNT+COUNT-1 (default:
        /// $SLURM_ARRAY_TASK_ID).
        #[arg(long)]
        index: Option<usize>,
        /// Shards per batch.
        #[arg(long, default_value_t = 1)]
        count: usize,
        /// Worker threads (default: $SLURM_CPUS_PER_TASK, else every core).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Merge a plan's fragments into the outputs `tilmash run` writes (byte-identical).
    Merge {
        #[arg(long)]
        plan: PathBuf,
        /// Override the planned output folder.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Worker threads (default: $SLURM_CPUS_PER_TASK, else every core).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Done / missing / failed / stale shards of a plan.
    Status {
        #[arg(long)]
        plan: PathBuf,
        /// Print only the Slurm --array spec of the unfinished shards (empty when none).
        #[arg(long)]
        array: bool,
    },
    /// Language of each paragraph (or of each line with --lines).
    Identify {
        file: Option<PathBuf>,
        /// One label per input line: kk, ru, en, other or und.
        #[arg(long)]
        lines: bool,
    },
    /// Normalize text line by line.
    Normalize {
        file: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "export")]
        profile: Profile,
        /// List each change instead of the text: line, column, code points before and after, rule.
        #[arg(long)]
        explain: bool,
    },
    /// Transliterate Cyrillic text to Latin with a standard scheme, line by line.
    Translit {
        #[arg(long, value_enum)]
        scheme: normalize::Scheme,
        file: Option<PathBuf>,
    },
    /// Split text into sentences, one per output line.
    Segment {
        #[arg(long)]
        lang: String,
        file: Option<PathBuf>,
        /// Treat each input line as one paragraph, without markup cleaning.
        #[arg(long)]
        raw: bool,
    },
    /// Align two files (one sentence per line, or raw text with --segment).
    Align {
        #[arg(long)]
        src: String,
        #[arg(long)]
        tgt: String,
        src_file: PathBuf,
        tgt_file: PathBuf,
        /// Inputs are raw text: segment them first.
        #[arg(long)]
        segment: bool,
        #[arg(long, value_enum, default_value = "tmx")]
        format: AlignFormat,
        #[arg(long, value_enum, default_value = "parallel")]
        mode: AlignMode,
        /// Take the `[align]` settings from this pipeline file.
        #[arg(long)]
        pipeline: Option<PathBuf>,
        /// A user dictionary (hunalign `target @ source` lines, or `source<TAB>target`).
        #[arg(long)]
        dictionary: Option<PathBuf>,
    },
    /// Check a TMX file from any tool; exit 1 when problems are found.
    Validate {
        file: PathBuf,
        /// Also check the segment length limit of this profile (trados: 2,000 characters).
        #[arg(long, default_value = "generic", value_parser = ["generic", "omegat", "trados", "memoq"])]
        profile: String,
    },
    /// Write a self-contained review page per pair (SRC-TGT.review.html) into a run's output folder.
    Review { dir: PathBuf },
    /// Apply a decisions file downloaded from a review page: writes SRC-TGT.reviewed.tmx/.jsonl.
    ApplyReview {
        decisions: PathBuf,
        /// The run's output folder (default: the one recorded in the decisions file).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Benchmarks that print figures: `bench segment` (MB/s, linear scaling), `bench align`
    /// (wall time, peak memory and, with --gold, strict F1).
    #[command(subcommand)]
    Bench(BenchCommand),
}

impl Command {
    /// The line printed when the command is interrupted (Ctrl-C, SIGTERM, SIGHUP): what became
    /// of its output.
    pub fn interrupt_message(&self) -> &'static str {
        match self {
            Command::Run { .. } | Command::Merge { .. } => {
                "tilmash: interrupted; temporary files removed, outputs left as a complete set (the previous one unless this run had finished writing)"
            }
            Command::Work { .. } => {
                "tilmash: interrupted; temporary files removed, an unfinished shard stays unfinished (work it again)"
            }
            Command::Plan { .. } | Command::Review { .. } | Command::ApplyReview { .. } => {
                "tilmash: interrupted; temporary files removed, no file left half-written"
            }
            // the rest print to standard output and write no file
            _ => "tilmash: interrupted; what it printed, if anything, is incomplete",
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Segmentation MB/s at 1× and 10× the input (FILE, or a built-in sample, repeated to --mb).
    Segment {
        file: Option<PathBuf>,
        #[arg(long, default_value = "kk")]
        lang: String,
        /// Size of the 1× input in megabytes.
        #[arg(long, default_value_t = 5.0)]
        mb: f64,
    },
    /// Align SRC and TGT (one sentence per line) and report wall time and peak memory.
    Align {
        #[arg(long)]
        src: String,
        #[arg(long)]
        tgt: String,
        src_file: PathBuf,
        tgt_file: PathBuf,
        /// Gold beads (JSONL) to report strict F1 against.
        #[arg(long)]
        gold: Option<PathBuf>,
        /// Take the `[align]` settings from this pipeline file.
        #[arg(long)]
        pipeline: Option<PathBuf>,
        /// Also run hunalign ($HUNALIGN) and galechurch ($GALECHURCH_PYTHON) on the same files.
        #[arg(long)]
        peers: bool,
        /// Stop a peer after this many seconds (reported as killed).
        #[arg(long, default_value_t = 600)]
        peer_timeout: u64,
    },
}

fn lang_arg(s: &str, flag: &str) -> Result<Lang> {
    Lang::parse_working(s)
        .ok_or_else(|| Error::Usage(format!("{flag} {s}: unknown language; use kk, ru or en")))
}

/// Reads a file (or stdin when `None` or `-`) as text, with ingest's checks for files; warnings
/// (over-long lines cut, mixed encodings) go to stderr.
fn read_input(file: Option<&Path>, enc: Option<ingest::TextEncoding>) -> Result<String> {
    let (text, report) = match file {
        Some(p) if p != Path::new("-") => ingest::read_text_with(p, enc)?,
        _ => {
            let stdin = Path::new("<stdin>");
            let buf = ingest::read_stream(stdin, std::io::stdin().lock())?;
            // Blank input is not an error on stdin: line-by-line commands answer blank lines.
            if buf.iter().all(u8::is_ascii_whitespace) {
                return Ok(String::from_utf8_lossy(&buf).into_owned());
            }
            ingest::decode_bytes(stdin, &buf, enc)?
        }
    };
    for w in &report.warnings {
        eprintln!("tilmash: warning: {w}");
    }
    Ok(text)
}

fn emit(out: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
        .map_err(|e| Error::write(Path::new("<stdout>"), e))
}

/// The `[align]` and `[comparable]` settings of `--pipeline` (the defaults without one), with
/// `--dictionary` over the pipeline's.
fn align_config(
    pipeline: Option<&Path>,
    dictionary: Option<PathBuf>,
) -> Result<(AlignConfig, MiningConfig)> {
    let (mut cfg, mining) = match pipeline {
        Some(p) => {
            let c = Pipeline::load(p)?.config;
            (c.align, c.comparable)
        }
        None => Default::default(),
    };
    if dictionary.is_some() {
        cfg.dictionary = dictionary;
    }
    Ok((cfg, mining))
}

/// The most worker threads `--threads` (or `$SLURM_CPUS_PER_TASK`) may ask for.
const MAX_THREADS: usize = 1024;

/// Sizes rayon's global pool: `--threads`, else `$SLURM_CPUS_PER_TASK`, else every core.
fn set_threads(threads: Option<usize>) -> Result<()> {
    let n = threads.filter(|&n| n > 0).or_else(|| {
        std::env::var("SLURM_CPUS_PER_TASK")
            .ok()
            .and_then(|v| v.trim().parse().ok())
    });
    if let Some(n) = n.filter(|&n| n > MAX_THREADS) {
        // Each thread reserves a stack and a work buffer: 100,000 of them take minutes to start.
        return Err(Error::Usage(format!(
            "--threads {n}: more than {MAX_THREADS} threads; give at most the number of cores (0 = every core)"
        )));
    }
    if let Some(n) = n.filter(|&n| n > 0) {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .map_err(|e| Error::Usage(format!("--threads {n}: {e}")))?;
    }
    Ok(())
}

/// Runs a parsed command line; returns the process exit code.
pub fn execute(cli: Cli) -> Result<i32> {
    let opts = RunOptions { quiet: cli.quiet };
    let enc = cli
        .encoding
        .as_deref()
        .map(|l| ingest::TextEncoding::parse_or_err(l, "--encoding"))
        .transpose()?;
    match cli.command {
        Command::Run {
            pipeline,
            input,
            output,
            allow_outside,
            threads,
        } => {
            set_threads(threads)?;
            let mut p = Pipeline::load(&pipeline)?;
            if let Some(i) = input {
                p.input = i;
            }
            match output {
                Some(o) => p.output = o,
                None if !allow_outside => p.check_output_inside()?,
                None => {}
            }
            if enc.is_some() {
                p.encoding = enc;
            }
            let s = pipeline::run(&p, opts)?;
            for w in &s.warnings {
                eprintln!("tilmash: warning: {w}");
            }
            let mut out = format!(
                "tilmash: {} documents → {}\n",
                s.documents,
                p.output.display()
            );
            for (lang, n) in &s.sentences {
                out.push_str(&format!(
                    "  {lang}: {n} sentences, {} paragraphs\n",
                    s.paragraphs.get(lang).copied().unwrap_or(0)
                ));
            }
            for (pair, n) in &s.units {
                out.push_str(&format!("  {pair}: {n} units\n"));
            }
            let timings: Vec<String> = s
                .timings_ms
                .iter()
                .map(|(stage, ms)| format!("{stage} {ms} ms"))
                .collect();
            out.push_str(&format!("  timings: {}\n", timings.join(", ")));
            emit(&out)?;
            Ok(0)
        }
        Command::Plan {
            pipeline,
            out,
            shard_seconds,
            missing,
            input,
            output,
            allow_outside,
        } => {
            let mut p = Pipeline::load(&pipeline)?;
            // Workers may start in another folder: every planned path is absolute.
            p.path = std::fs::canonicalize(&pipeline).map_err(|e| Error::read(&pipeline, e))?;
            let base = p.path.parent().map(Path::to_path_buf).unwrap_or_default();
            p.input = base.join(&p.config.input);
            p.output = base.join(&p.config.output);
            let cwd = std::env::current_dir().map_err(|e| Error::read(Path::new("."), e))?;
            if let Some(i) = input {
                p.input = cwd.join(i);
            }
            match output {
                Some(o) => p.output = cwd.join(o),
                None if !allow_outside => p.check_output_inside()?,
                None => {}
            }
            if enc.is_some() {
                p.encoding = enc;
            }
            if !shard_seconds.is_finite() || shard_seconds < 0.0 {
                return Err(Error::Usage(format!(
                    "--shard-seconds {shard_seconds}: give a number of seconds, 0 or more"
                )));
            }
            let plan = shards::Plan::make(&p, shard_seconds, Some(&out))?;
            plan.write(&out)?;
            let mut text = String::new();
            if missing {
                for s in &plan.shards {
                    if shards::shard_state(&out, s) != shards::ShardState::Done {
                        text.push_str(&serde_json::to_string(s).unwrap_or_default());
                        text.push('\n');
                    }
                }
            } else {
                let cost: f64 = plan.shards.iter().map(|s| s.cost_seconds).sum();
                text = format!(
                    "tilmash: {} documents → {} shards ({:.0} core-seconds estimated) in {}\n",
                    plan.header.documents,
                    plan.shards.len(),
                    cost,
                    out.join("shards.jsonl").display()
                );
            }
            emit(&text)?;
            Ok(0)
        }
        Command::Work {
            plan,
            index,
            count,
            threads,
        } => {
            set_threads(threads)?;
            let index = match index {
                Some(i) => i,
                None => std::env::var("SLURM_ARRAY_TASK_ID")
                    .ok()
                    .and_then(|v| v.trim().parse().ok())
                    .ok_or_else(|| {
                        Error::Usage(
                            "work: give --index N (or run inside a Slurm array job)".into(),
                        )
                    })?,
            };
            let r = shards::work(&plan, index, count)?;
            let mut out = String::new();
            for id in &r.worked {
                out.push_str(&format!("done {id}\n"));
            }
            for id in &r.skipped {
                out.push_str(&format!("skipped {id} (already done)\n"));
            }
            emit(&out)?;
            for (id, code, msg) in &r.failed {
                let kind = if *code == 1 { "retryable" } else { "bad input" };
                eprintln!("tilmash: error: shard {id} failed ({kind}): {msg}");
            }
            Ok(r.exit_code())
        }
        Command::Merge {
            plan,
            output,
            threads,
        } => {
            set_threads(threads)?;
            let s = shards::merge(&plan, output.as_deref())?;
            for w in &s.warnings {
                eprintln!("tilmash: warning: {w}");
            }
            let mut out = format!("tilmash: merged {} documents\n", s.documents);
            for (pair, n) in &s.units {
                out.push_str(&format!("  {pair}: {n} units\n"));
            }
            emit(&out)?;
            Ok(0)
        }
        Command::Status { plan, array } => {
            let (p, states, note) = shards::status(&plan)?;
            if let Some(n) = note {
                eprintln!("tilmash: stale: {n}");
            }
            let mut out = String::new();
            if array {
                let todo: Vec<usize> = states
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| **s != shards::ShardState::Done)
                    .map(|(i, _)| i)
                    .collect();
                out = shards::array_spec(&todo) + "\n";
            } else {
                let mut counts = std::collections::BTreeMap::new();
                for (s, st) in p.shards.iter().zip(&states) {
                    *counts.entry(*st).or_insert(0usize) += 1;
                    if *st != shards::ShardState::Done {
                        out.push_str(&format!("{}\t{}\t{}\n", st.name(), s.index, s.id));
                    }
                }
                let line: Vec<String> = [
                    shards::ShardState::Done,
                    shards::ShardState::Missing,
                    shards::ShardState::Failed,
                    shards::ShardState::Stale,
                ]
                .iter()
                .map(|st| format!("{} {}", counts.get(st).copied().unwrap_or(0), st.name()))
                .collect();
                out.push_str(&format!("{} shards: {}\n", p.shards.len(), line.join(", ")));
            }
            emit(&out)?;
            Ok(0)
        }
        Command::Identify { file, lines } => {
            let text = read_input(file.as_deref(), enc)?;
            let mut out = String::new();
            if lines {
                for line in text.lines() {
                    out.push_str(langid::identify(line).lang.code());
                    out.push('\n');
                }
            } else {
                for p in ingest::build_paragraphs(&text) {
                    let g = langid::identify(&p.text);
                    let preview: String = p.text.chars().take(60).collect();
                    out.push_str(&format!(
                        "{}\t{:.2}\t{}\t{}\n",
                        g.lang, g.confidence, p.span.start, preview
                    ));
                }
            }
            emit(&out)?;
            Ok(0)
        }
        Command::Normalize {
            file,
            profile,
            explain,
        } => {
            let text = read_input(file.as_deref(), enc)?;
            let out = if explain {
                normalize::explain_lines(&text, profile)
            } else {
                let mut out = String::with_capacity(text.len());
                for line in text.lines() {
                    out.push_str(&normalize::normalize(line, profile));
                    out.push('\n');
                }
                out
            };
            emit(&out)?;
            Ok(0)
        }
        Command::Translit { scheme, file } => {
            let text = read_input(file.as_deref(), enc)?;
            let mut out = String::with_capacity(text.len() * 2);
            for line in text.lines() {
                out.push_str(&normalize::transliterate(line, scheme));
                out.push('\n');
            }
            emit(&out)?;
            Ok(0)
        }
        Command::Segment { lang, file, raw } => {
            let lang = lang_arg(&lang, "--lang")?;
            let text = read_input(file.as_deref(), enc)?;
            let mut out = String::new();
            let mut push = |s: &str| {
                out.push_str(s);
                out.push('\n');
            };
            if raw {
                for line in text.lines() {
                    for s in segment::split_unit(line, lang, ParagraphKind::Body) {
                        push(s);
                    }
                }
            } else {
                segment_raw_text(&text, lang, |s, _| push(s));
            }
            emit(&out)?;
            Ok(0)
        }
        Command::Align {
            src,
            tgt,
            src_file,
            tgt_file,
            segment: seg,
            format,
            mode,
            pipeline,
            dictionary,
        } => {
            let (src_lang, tgt_lang) = (lang_arg(&src, "--src")?, lang_arg(&tgt, "--tgt")?);
            let (align, mining) = align_config(pipeline.as_deref(), dictionary)?;
            let req = AlignFiles {
                src_lang,
                tgt_lang,
                src_file,
                tgt_file,
                segment: seg,
                format,
                mode,
                encoding: enc,
                align,
                mining,
            };
            let mut stdout = std::io::stdout().lock();
            align_files(&req, &mut stdout, &mut |w| {
                eprintln!("tilmash: warning: {w}")
            })?;
            Ok(0)
        }
        Command::Bench(BenchCommand::Segment { file, lang, mb }) => {
            let lang = lang_arg(&lang, "--lang")?;
            let seed = match file {
                Some(f) => Some(read_input(Some(&f), enc)?),
                None => None,
            };
            emit(&segment::bench::run(seed.as_deref(), lang, mb))?;
            Ok(0)
        }
        Command::Bench(BenchCommand::Align {
            src,
            tgt,
            src_file,
            tgt_file,
            gold,
            pipeline,
            peers,
            peer_timeout,
        }) => {
            let (sl, tl) = (lang_arg(&src, "--src")?, lang_arg(&tgt, "--tgt")?);
            let (cfg, _) = align_config(pipeline.as_deref(), None)?;
            // the command itself, as its own process (first, while this one is small): what
            // `/usr/bin/time -v` reports for it
            let command =
                align::bench::run_command(&src_file, &tgt_file, sl, tl, pipeline.as_deref())?;
            let mut report =
                align::bench::run(&src_file, &tgt_file, sl, tl, gold.as_deref(), &cfg)?;
            emit(&report.text)?;
            emit(&align::bench::command_report(&command))?;
            report.figures.command_wall = Some(command.wall);
            report.figures.command_cpu = command.cpu.map(|(u, s)| u + s);
            if peers {
                let limit = std::time::Duration::from_secs(peer_timeout);
                let runs = align::bench::run_peers(&src_file, &tgt_file, limit);
                emit(&align::bench::peer_report(&runs, &report.figures))?;
            }
            Ok(0)
        }
        Command::Review { dir } => {
            let pages = review::write_review_pages(&dir)?;
            let mut out = String::new();
            for p in pages {
                out.push_str(&format!("wrote {}\n", p.display()));
            }
            emit(&out)?;
            Ok(0)
        }
        Command::ApplyReview { decisions, dir } => {
            let r = review::apply_review(&decisions, dir.as_deref())?;
            let mut out = format!(
                "{}: {} accepted, {} edited, {} rejected, {} unknown ids; {} units written\n",
                r.pair, r.accepted, r.edited, r.rejected, r.unknown, r.written
            );
            for f in &r.files {
                out.push_str(&format!("wrote {}\n", f.display()));
            }
            emit(&out)?;
            Ok(0)
        }
        Command::Validate { file, profile } => {
            let bytes = ingest::read_bytes(&file)?;
            let profile = TmxProfile::parse(&profile).unwrap_or_default();
            let (problems, n) = validate::validate_tmx_profile(&bytes, profile);
            let mut out = String::new();
            for p in &problems {
                out.push_str(&format!("{}:{}: {}\n", file.display(), p.line, p.message));
            }
            if problems.is_empty() {
                out.push_str(&format!("{}: valid TMX, {} units\n", file.display(), n));
            }
            emit(&out)?;
            Ok(if problems.is_empty() { 0 } else { 1 })
        }
    }
}
