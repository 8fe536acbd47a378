//! Subcommands and their arguments. Each command reads its input, calls the library, and writes
//! to stdout; `main` turns errors into one line on stderr and an exit code.

use crate::align::{self, AlignConfig};
use crate::error::{Error, Result};
use crate::export::{self, validate, TmxOptions};
use crate::ingest;
use crate::langid;
use crate::model::{Bead, Lang, TranslationUnit, UnitSide, UnitType};
use crate::normalize::{self, Profile};
use crate::pipeline::{self, Pipeline, RunOptions};
use crate::segment;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{Read, Write};
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
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AlignFormat {
    Tmx,
    Jsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AlignMode {
    Parallel,
    Comparable,
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
    /// Benchmarks: `bench align` aligns two files and prints time, peak memory and (with --gold)
    /// strict F1.
    Bench {
        #[command(subcommand)]
        what: BenchWhat,
    },
    /// Check a TMX file; exit 1 when problems are found.
    Validate { file: PathBuf },
}

fn lang_arg(s: &str, flag: &str) -> Result<Lang> {
    Lang::parse_working(s)
        .ok_or_else(|| Error::Usage(format!("{flag} {s}: unknown language; use kk, ru or en")))
}

/// Reads a file (or stdin when `None` or `-`) as text, with ingest's checks for files.
fn read_input(file: Option<&Path>) -> Result<String> {
    match file {
        Some(p) if p != Path::new("-") => ingest::read_text(p).map(|(t, _)| t),
        _ => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| Error::read(Path::new("<stdin>"), e))?;
            if buf.iter().all(u8::is_ascii_whitespace) {
                return Ok(String::new());
            }
            ingest::decode(Path::new("<stdin>"), buf).map(|(t, _)| t)
        }
    }
}

fn emit(out: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
        .map_err(|e| Error::write(Path::new("<stdout>"), e))
}

#[derive(Subcommand, Debug)]
pub enum BenchWhat {
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
    },
}

fn align_config(pipeline: Option<&Path>, dictionary: Option<PathBuf>) -> Result<AlignConfig> {
    let mut cfg = match pipeline {
        Some(p) => Pipeline::load(p)?.config.align,
        None => AlignConfig::default(),
    };
    if dictionary.is_some() {
        cfg.dictionary = dictionary;
    }
    Ok(cfg)
}

/// Runs a parsed command line; returns the process exit code.
pub fn execute(cli: Cli) -> Result<i32> {
    let opts = RunOptions { quiet: cli.quiet };
    match cli.command {
        Command::Run {
            pipeline,
            input,
            output,
        } => {
            let mut p = Pipeline::load(&pipeline)?;
            if let Some(i) = input {
                p.input = i;
            }
            if let Some(o) = output {
                p.output = o;
            }
            let s = pipeline::run(&p, opts)?;
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
            emit(&out)?;
            Ok(0)
        }
        Command::Identify { file, lines } => {
            let text = read_input(file.as_deref())?;
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
        Command::Normalize { file, profile } => {
            let text = read_input(file.as_deref())?;
            let mut out = String::with_capacity(text.len());
            for line in text.lines() {
                out.push_str(&normalize::normalize(line, profile));
                out.push('\n');
            }
            emit(&out)?;
            Ok(0)
        }
        Command::Segment { lang, file, raw } => {
            let lang = lang_arg(&lang, "--lang")?;
            let text = read_input(file.as_deref())?;
            let paragraphs: Vec<String> = if raw {
                text.lines().map(str::to_string).collect()
            } else {
                ingest::build_paragraphs(&text)
                    .into_iter()
                    .map(|p| p.text)
                    .collect()
            };
            let mut out = String::new();
            for p in paragraphs {
                let p = normalize::normalize(&p, Profile::Export);
                for s in segment::split_str(&p, lang) {
                    out.push_str(s);
                    out.push('\n');
                }
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
            let (sl, tl) = (lang_arg(&src, "--src")?, lang_arg(&tgt, "--tgt")?);
            let mining = match &pipeline {
                Some(p) => Pipeline::load(p)?.config.comparable,
                None => Default::default(),
            };
            let cfg = align_config(pipeline.as_deref(), dictionary)?;
            // sentences, and whether each starts a paragraph (known with --segment only)
            let load = |p: &Path, lang: Lang| -> Result<(Vec<String>, Vec<bool>)> {
                let text = ingest::read_text(p)?.0;
                let mut sents = Vec::new();
                let mut starts = Vec::new();
                if seg {
                    for para in ingest::build_paragraphs(&text) {
                        let n = normalize::normalize(&para.text, Profile::Export);
                        for (k, s) in segment::split_str(&n, lang).into_iter().enumerate() {
                            sents.push(s.to_string());
                            starts.push(k == 0);
                        }
                    }
                } else {
                    sents = text.lines().map(str::to_string).collect();
                }
                Ok((sents, starts))
            };
            let ((src_sents, src_starts), (tgt_sents, tgt_starts)) =
                (load(&src_file, sl)?, load(&tgt_file, tl)?);
            let fa: Vec<String> = src_sents
                .iter()
                .map(|s| normalize::normalize(s, Profile::Align))
                .collect();
            let fb: Vec<String> = tgt_sents
                .iter()
                .map(|s| normalize::normalize(s, Profile::Align))
                .collect();
            let ra: Vec<&str> = fa.iter().map(String::as_str).collect();
            let rb: Vec<&str> = fb.iter().map(String::as_str).collect();
            let mut types = Vec::new();
            let mut evidence = Vec::new();
            let beads = if mode == AlignMode::Comparable {
                // unmatched sentences are left out: only mined pairs are printed
                let mined = align::mining::mine_texts(&ra, &rb, sl, tl, &cfg, &mining)?;
                types = mined.iter().map(|m| m.unit_type).collect();
                evidence = mined.iter().map(|m| (m.pair, m.margin, m.similarity)).collect();
                mined
                    .into_iter()
                    .map(|m| Bead {
                        src: m.src,
                        tgt: m.tgt,
                        score: m.score,
                    })
                    .collect()
            } else {
                align::align_sides(
                align::Side {
                    lang: sl,
                    sentences: &ra,
                    para_start: &src_starts,
                },
                align::Side {
                    lang: tl,
                    sentences: &rb,
                    para_start: &tgt_starts,
                },
                &cfg,
            )?
            };
            let type_of = |k: usize| types.get(k).copied().unwrap_or(UnitType::Parallel);
            let out = match format {
                AlignFormat::Jsonl => beads
                    .iter()
                    .enumerate()
                    .map(|(k, b)| {
                        let mut v = serde_json::json!({"src": b.src, "tgt": b.tgt, "score": b.score});
                        if mode == AlignMode::Comparable {
                            v["type"] = serde_json::json!(type_of(k));
                            if let Some(&(pair, margin, sim)) = evidence.get(k) {
                                v["pair"] = serde_json::json!(pair);
                                v["similarity"] = serde_json::json!(sim);
                                v["margin"] = serde_json::json!(margin);
                            }
                        }
                        v.to_string() + "\n"
                    })
                    .collect::<String>(),
                AlignFormat::Tmx => {
                    let doc = |p: &Path| {
                        p.file_name()
                            .map(|f| f.to_string_lossy().into_owned())
                            .unwrap_or_default()
                    };
                    let units: Vec<TranslationUnit> = beads
                        .iter()
                        .enumerate()
                        .filter(|(_, b)| b.is_pair())
                        .map(|(k, b)| TranslationUnit {
                            src: UnitSide {
                                lang: sl,
                                text: b
                                    .src
                                    .iter()
                                    .map(|&i| src_sents[i].as_str())
                                    .collect::<Vec<_>>()
                                    .join(" "),
                                doc: doc(&src_file),
                                sentences: b.src.clone(),
                            },
                            tgt: UnitSide {
                                lang: tl,
                                text: b
                                    .tgt
                                    .iter()
                                    .map(|&i| tgt_sents[i].as_str())
                                    .collect::<Vec<_>>()
                                    .join(" "),
                                doc: doc(&tgt_file),
                                sentences: b.tgt.clone(),
                            },
                            bead: b.kind(),
                            unit_type: type_of(k),
                            score: b.score,
                        })
                        .collect();
                    export::write_tmx(
                        &units,
                        &TmxOptions {
                            src_lang: sl,
                            tgt_lang: tl,
                            origin: "tilmash align",
                            flag_below: 0.5,
                        },
                    )
                    .0
                }
            };
            emit(&out)?;
            Ok(0)
        }
        Command::Bench {
            what:
                BenchWhat::Align {
                    src,
                    tgt,
                    src_file,
                    tgt_file,
                    gold,
                    pipeline,
                },
        } => {
            let (sl, tl) = (lang_arg(&src, "--src")?, lang_arg(&tgt, "--tgt")?);
            let cfg = align_config(pipeline.as_deref(), None)?;
            let report = align::bench::run(&src_file, &tgt_file, sl, tl, gold.as_deref(), &cfg)?;
            emit(&report)?;
            Ok(0)
        }
        Command::Validate { file } => {
            let bytes = std::fs::read(&file).map_err(|e| Error::read(&file, e))?;
            let (problems, n) = validate::validate_tmx(&bytes);
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
