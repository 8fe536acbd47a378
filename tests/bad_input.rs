//! Bad input: one clear line naming the file, exit code 2, and no output written.
//!
//! The catalogue (issue 8): missing file, unreadable file, folder without texts, empty file,
//! binary file, invalid UTF-8 without a detectable encoding, NUL bytes, pipeline file with an
//! unknown key / wrong type / missing input glob / unknown language code, output escaping the
//! output folder, and beyond the issue's list: broken symlinks, FIFOs, UTF-32, a pipeline file that
//! is not UTF-8, a file that fails mid-read (/proc/self/mem), an output folder that is a file — each refused. Two cases are not refusals, by design, because refusing them
//! would drop text a user gave: mixed encodings in one file (each line decoded on its own, a
//! warning, the decision in summary.json) and a 10 MB line (cut into pieces with a warning).
//!
//! Third session, beyond that (see the section at the end): BOM-only and whitespace-only files,
//! markup-only files (warned), UTF-16 without BOM / odd length / lone surrogates, CR-only line
//! ends, non-UTF-8 file names and colliding ids, the output folder inside the input, symlink
//! loops and deep folders, many tiny files, hand-written pipeline files (empty, BOM, CRLF,
//! duplicate keys, upper-case codes, a folder), bad command lines, `--threads 0`, a full disk.
//!
//! Sixth session (at the end): pipes given by name, endless binary streams, a glob over the output
//! folder, more binary formats, UTF-32 (now read), more pipeline values, absurd thread counts, a
//! read-only file system.

mod common;
use common::*;
use std::path::Path;

fn assert_clean_failure(o: &std::process::Output, needle: &str, out: &Path) {
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(o));
    let err = stderr(o);
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected: {err}"
    );
    assert!(err.contains(needle), "{needle:?} not in {err:?}");
    assert!(!err.contains("panicked"));
    assert!(
        !out.exists() || std::fs::read_dir(out).unwrap().next().is_none(),
        "output written"
    );
}

fn run_on(input: &Path, out: &Path) -> std::process::Output {
    let pipeline = repo().join("pipelines/alash.toml");
    run(&[
        "run",
        pipeline.to_str().unwrap(),
        "--input",
        input.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--quiet",
    ])
}

#[test]
fn missing_path() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope");
    let out = tmp.path().join("out");
    assert_clean_failure(&run_on(&missing, &out), "nope: no such file", &out);
}

#[test]
fn folder_without_text_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("a.pdf"), b"%PDF").unwrap();
    let out = tmp.path().join("out");
    assert_clean_failure(&run_on(&dir, &out), "no text files", &out);
}

#[test]
fn invalid_utf8() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("bad.txt");
    std::fs::write(&f, b"caf\xe9 \xff\xfe ok").unwrap();
    let out = tmp.path().join("out");
    assert_clean_failure(&run_on(&f, &out), "bad.txt", &out);
}

#[test]
fn binary_file() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("blob.txt");
    std::fs::write(&f, [0x7fu8, b'E', b'L', b'F', 0, 0, 1, 2, 3]).unwrap();
    let out = tmp.path().join("out");
    assert_clean_failure(&run_on(&f, &out), "binary", &out);
}

#[test]
fn empty_file() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("empty.txt");
    std::fs::write(&f, b"").unwrap();
    let out = tmp.path().join("out");
    assert_clean_failure(&run_on(&f, &out), "empty.txt: file is empty", &out);
}

#[test]
fn one_bad_file_among_good_ones_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).unwrap();
    std::fs::copy(
        repo().join("corpus/alash/000_d71f70a9bdb45bc0.txt"),
        dir.join("a.txt"),
    )
    .unwrap();
    std::fs::write(dir.join("b.txt"), b"").unwrap();
    let out = tmp.path().join("out");
    assert_clean_failure(&run_on(&dir, &out), "b.txt", &out);
}

fn pipeline_error(toml: impl AsRef<[u8]>, needle: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p.toml");
    std::fs::write(&p, toml).unwrap();
    let out = tmp.path().join("out");
    let o = run(&[
        "run",
        p.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_clean_failure(&o, needle, &out);
    assert!(stderr(&o).contains("p.toml"));
}

#[test]
fn malformed_pipeline_files() {
    pipeline_error(
        "input = \"x\"\noutput = \"o\"\nbogus = 1\n",
        "unknown field `bogus`",
    );
    pipeline_error(
        "input = \"x\"\noutput = \"o\"\n[align]\nmin_score = \"high\"\n",
        "line 4",
    );
    pipeline_error(
        "input = \"x\"\noutput = \"o\"\nlanguages = [\"ru\", \"xx\"]\n",
        "unknown language code \"xx\"",
    );
    pipeline_error("output = \"o\"\n", "missing field `input`");
    pipeline_error("input = \"x\n", "p.toml");
}

#[test]
fn stage_commands_reject_bad_files_too() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("empty.txt");
    std::fs::write(&f, b"").unwrap();
    let o = run(&["segment", "--lang", "kk", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("empty.txt"));
    let o = run(&["segment", "--lang", "xx", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
}

fn write_pipeline(dir: &Path, body: &str) -> std::path::PathBuf {
    let p = dir.join("p.toml");
    std::fs::write(&p, body).unwrap();
    p
}

fn corpus_glob() -> String {
    repo()
        .join("corpus/alash/*.txt")
        .to_string_lossy()
        .replace('\\', "/")
}

#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("secret.txt");
    std::fs::write(&f, "Алаш партиясы 1917 жылы құрылды.\n").unwrap();
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&f).is_ok() {
        // Running as root (or with CAP_DAC_OVERRIDE): permissions do not block reads.
        // Not a missing tool, so not `skip()`: CI runs as root too and must still pass.
        eprintln!(
            "NOTICE: skipping unreadable_file: running as root, chmod 000 does not stop reads"
        );
        return;
    }
    let out = tmp.path().join("out");
    assert_clean_failure(&run_on(&f, &out), "secret.txt: cannot read", &out);
}

#[test]
fn unreadable_input_is_a_directory_named_like_a_text() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir_all(dir.join("folder.txt")).unwrap();
    let out = tmp.path().join("out");
    assert_clean_failure(&run_on(&dir, &out), "no text files", &out);
}

#[test]
fn pdf_and_other_known_binaries_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("paper.txt");
    std::fs::write(&f, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n").unwrap();
    let out = tmp.path().join("out");
    assert_clean_failure(
        &run_on(&f, &out),
        "paper.txt: looks like a binary file (it is a PDF",
        &out,
    );
}

#[test]
fn undetectable_encoding_is_refused_with_advice() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("latin.txt");
    // Latin-1 French: not UTF-8, not Cyrillic.
    std::fs::write(
        &f,
        b"Le caf\xe9 \xe9tait ferm\xe9; la r\xe9union a eu lieu \xe0 Paris.\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = run_on(&f, &out);
    assert_clean_failure(&o, "latin.txt: not valid UTF-8", &out);
    assert!(stderr(&o).contains("--encoding"), "{}", stderr(&o));
}

#[test]
fn nul_bytes_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("nul.txt");
    std::fs::write(
        &f,
        "Алаш партиясы\0 1917 жылы құрылды. Some English text here.\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = run_on(&f, &out);
    assert_clean_failure(
        &o,
        "nul.txt: looks like a binary file (1 NUL byte (first at offset 25)",
        &out,
    );
    // The stage commands say the same.
    let o = run(&["segment", "--lang", "kk", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("NUL byte"));
}

#[test]
fn mixed_encodings_are_decoded_line_by_line_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("mixed.txt");
    let mut bytes = "Қазақ тілі — Қазақстан Республикасының мемлекеттік тілі.\n\n"
        .as_bytes()
        .to_vec();
    bytes.extend(cp1251(
        "Русский язык официально употребляется наравне с казахским.\n",
    ));
    std::fs::write(&f, &bytes).unwrap();
    let o = run(&["segment", "--lang", "ru", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("mixed.txt: mixed encodings"),
        "{}",
        stderr(&o)
    );
    let text = stdout(&o);
    assert!(text.contains("мемлекеттік тілі"), "{text}");
    assert!(text.contains("Русский язык официально"), "{text}");
    let out = tmp.path().join("out");
    let o = run_on(&f, &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(
        summary.contains("\"mixed.txt\": \"mixed:utf-8+windows-1251\""),
        "{summary}"
    );
    assert!(summary.contains("mixed encodings"), "{summary}");
}

/// windows-1251 bytes of `s` (Russian letters and ASCII only).
fn cp1251(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            'А'..='я' => (c as u32 - 0x410 + 0xC0) as u8,
            'Ё' => 0xA8,
            'ё' => 0xB8,
            c if c.is_ascii() => c as u8,
            c => panic!("no cp1251 byte for {c}"),
        })
        .collect()
}

#[test]
fn ten_megabyte_line_is_cut_with_a_warning_and_nothing_lost() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("long.txt");
    let sentence = "Алашорда правительство провозгласило автономию в декабре 1917 года. ";
    let n = 10_000_000 / sentence.len() + 1;
    let mut text = sentence.repeat(n);
    text.push('\n');
    std::fs::write(&f, &text).unwrap();
    let out = tmp.path().join("out");
    let o = run_on(&f, &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("long.txt: line 1 is longer than 1 MiB; cut into"),
        "{err}"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    // Every sentence survives the cuts (cuts fall at spaces between sentences here).
    let sentences: u64 = summary["sentences"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(sentences, n as u64, "{summary}");
}

#[test]
fn missing_input_glob() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write_pipeline(tmp.path(), "input = \"texts/*.txt\"\noutput = \"out\"\n");
    let o = run(&["run", p.to_str().unwrap(), "--quiet"]);
    let out = tmp.path().join("out");
    assert_clean_failure(
        &o,
        "texts/*.txt: no text files found (looked for files matching the glob)",
        &out,
    );
}

#[test]
fn wrong_type_names_the_key_and_line() {
    pipeline_error(
        "input = \"x\"\noutput = \"o\"\npairs = \"ru-kk\"\n",
        "line 3",
    );
    pipeline_error("input = 5\noutput = \"o\"\n", "line 1");
    pipeline_error(
        "input = \"x\"\noutput = \"o\"\nencoding = \"ebcdic-9\"\n",
        "key `encoding`: unknown encoding",
    );
}

#[test]
fn unknown_encoding_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("a.txt");
    std::fs::write(&f, "text\n").unwrap();
    let o = run(&[
        "segment",
        "--lang",
        "en",
        "--encoding",
        "klingon",
        f.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--encoding \"klingon\": unknown encoding"),
        "{}",
        stderr(&o)
    );
}

fn assert_escape_refused(output_key: &str, setup: impl FnOnce(&Path)) {
    let tmp = tempfile::tempdir().unwrap();
    let proj = tmp.path().join("proj");
    std::fs::create_dir(&proj).unwrap();
    setup(&proj);
    let body = format!(
        "input = \"{}\"\noutput = \"{}\"\n",
        corpus_glob(),
        output_key
    );
    let p = write_pipeline(&proj, &body);
    let o = run(&["run", p.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(2), "{output_key}: {}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("p.toml: key `output`"), "{err}");
    assert!(err.contains("--allow-outside"), "{err}");
    // Nothing written anywhere in the temporary tree but the pipeline file (and the setup).
    let mut files = Vec::new();
    let mut stack = vec![tmp.path().to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let ft = e.file_type().unwrap();
            if ft.is_dir() {
                stack.push(e.path());
            } else if ft.is_file() {
                files.push(e.file_name().to_string_lossy().into_owned());
            }
        }
    }
    assert_eq!(files, vec!["p.toml".to_string()], "{output_key}");
}

#[test]
fn output_path_escaping_the_output_folder() {
    assert_escape_refused("../escaped", |_| {});
    assert_escape_refused("a/../../escaped", |_| {});
    let abs = std::env::temp_dir().join("tilmash-escape-test");
    assert_escape_refused(&abs.to_string_lossy(), |_| {});
    assert!(!abs.exists());
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().to_path_buf();
    assert_escape_refused("link/out", |proj| {
        std::os::unix::fs::symlink(&target, proj.join("link")).unwrap();
    });
    assert!(std::fs::read_dir(outside.path()).unwrap().next().is_none());
}

#[test]
fn allow_outside_and_explicit_output_are_obeyed() {
    let tmp = tempfile::tempdir().unwrap();
    let proj = tmp.path().join("proj");
    std::fs::create_dir(&proj).unwrap();
    let body = format!("input = \"{}\"\noutput = \"../escaped\"\n", corpus_glob());
    let p = write_pipeline(&proj, &body);
    let o = run(&["run", p.to_str().unwrap(), "--quiet", "--allow-outside"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(tmp.path().join("escaped/summary.json").is_file());
    let chosen = tmp.path().join("chosen");
    let o = run(&[
        "run",
        p.to_str().unwrap(),
        "--quiet",
        "--output",
        chosen.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(chosen.join("summary.json").is_file());
    // Inside the project folder is fine without any flag.
    let body = format!("input = \"{}\"\noutput = \"out/./x\"\n", corpus_glob());
    let p = write_pipeline(&proj, &body);
    let o = run(&["run", p.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(proj.join("out/x/summary.json").is_file());
}

#[test]
fn broken_symlink_is_named_not_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("a.txt"), "Алаш партиясы 1917 жылы құрылды.\n").unwrap();
    std::os::unix::fs::symlink(dir.join("gone.txt"), dir.join("b.txt")).unwrap();
    let out = tmp.path().join("out");
    assert_clean_failure(&run_on(&dir, &out), "b.txt: broken symbolic link", &out);
}

#[test]
fn fifo_in_the_input_is_named_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("a.txt"), "Алаш партиясы 1917 жылы құрылды.\n").unwrap();
    let fifo = dir.join("pipe.txt");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.map(|s| s.success()).unwrap_or(false) {
        eprintln!("NOTICE: skipping fifo_in_the_input_is_named_not_read: mkfifo failed");
        return;
    }
    let out = tmp.path().join("out");
    assert_clean_failure(&run_on(&dir, &out), "pipe.txt: not a regular file", &out);
}

#[test]
fn unreadable_file_even_as_root() {
    // /proc/self/mem is a regular file that fails every read at offset 0, even for root:
    // it stands in for a disk error or a revoked network mount.
    let mem = Path::new("/proc/self/mem");
    if !mem.is_file() {
        eprintln!("NOTICE: skipping unreadable_file_even_as_root: no /proc/self/mem here");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_clean_failure(&run_on(mem, &out), "/proc/self/mem: cannot read", &out);
}

#[test]
fn utf32_with_a_bom_is_read() {
    // Session 6: UTF-32 was refused; it is read now (no text a user gave is refused when its
    // encoding is certain) and reported as `utf-32le-bom` / `utf-32be-bom`.
    let tmp = tempfile::tempdir().unwrap();
    let text = "Алаш Орда — 1917 жылы құрылған үкімет.\n\nЕго возглавил Алихан Букейхан.\n";
    for (be, name) in [(false, "utf-32le-bom"), (true, "utf-32be-bom")] {
        let f = tmp.path().join(format!("wide-{be}.txt"));
        std::fs::write(&f, utf32_with_bom(text, be)).unwrap();
        let o = run(&["segment", "--lang", "kk", f.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(stdout(&o).contains("құрылған үкімет"), "{}", stdout(&o));
        assert!(stdout(&o).contains("Алихан Букейхан"), "{}", stdout(&o));
        let out = tmp.path().join(format!("out-{be}"));
        let o = run_on(&f, &out);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
        let doc = f.file_name().unwrap().to_str().unwrap();
        assert!(
            summary.contains(&format!("\"{doc}\": \"{name}\"")),
            "{summary}"
        );
    }
}

/// UTF-32 decodes character for character (one beyond the Basic Multilingual Plane included);
/// a value that is no character and a cut last unit become U+FFFD, with a warning, and nothing
/// else is lost.
#[test]
fn utf32_decodes_exactly_and_marks_what_is_malformed() {
    let tmp = tempfile::tempdir().unwrap();
    let text = "Алаш Orda 𝔸\nҚазақ\n";
    for be in [false, true] {
        let f = tmp.path().join(format!("wide-{be}.txt"));
        let mut bytes = utf32_with_bom(text, be);
        std::fs::write(&f, &bytes).unwrap();
        let o = run(&["segment", "--raw", "--lang", "kk", f.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(stdout(&o), text);
        assert_eq!(stderr(&o), "");
        bytes.extend(if be {
            0xD800u32.to_be_bytes()
        } else {
            0xD800u32.to_le_bytes()
        });
        bytes.extend([0x41, 0]);
        std::fs::write(&f, &bytes).unwrap();
        let o = run(&["segment", "--raw", "--lang", "kk", f.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(stdout(&o), format!("{text}\u{FFFD}\u{FFFD}\n"));
        assert!(stderr(&o).contains("malformed UTF-32"), "{}", stderr(&o));
    }
}

#[test]
fn pipeline_file_not_utf8() {
    pipeline_error(
        b"name = \"\xe0\xeb\xe0\xf8\"\ninput = \"x\"\noutput = \"o\"\n",
        "p.toml: not UTF-8",
    );
}

#[test]
fn output_folder_that_is_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("a.txt");
    std::fs::write(&f, "Алаш партиясы 1917 жылы құрылды.\n").unwrap();
    let out = tmp.path().join("out");
    std::fs::write(&out, "not a folder").unwrap();
    let o = run_on(&f, &out);
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("out: exists and is a file"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "not a folder");
}

// ---- Cases beyond the issue's list (third session): what an adversarial tester tries. ----

/// A run that must succeed; returns its stderr and the parsed summary.
fn run_ok_on(input: &str, out: &Path, extra: &[&str]) -> (String, serde_json::Value) {
    let pipeline = repo().join("pipelines/alash.toml");
    let mut args = vec![
        "run",
        pipeline.to_str().unwrap(),
        "--input",
        input,
        "--output",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"));
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    (stderr(&o), serde_json::from_str(&summary).unwrap())
}

fn copy_corpus(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir).unwrap();
    let mut all: Vec<_> = std::fs::read_dir(repo().join("corpus/alash"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    all.sort();
    for f in all.iter().take(n) {
        std::fs::copy(f, dir.join(f.file_name().unwrap())).unwrap();
    }
}

fn output_files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn bom_only_and_whitespace_only_files_are_empty() {
    for (name, bytes) in [
        ("bom8.txt", b"\xEF\xBB\xBF".to_vec()),
        ("bom16.txt", b"\xFF\xFE".to_vec()),
        ("bom16ws.txt", b"\xFE\xFF\x00 \x00\n".to_vec()),
        ("spaces.txt", b"  \r\n\t\n\x0c\n".to_vec()),
        ("nbsp.txt", "\u{a0}\u{2003}\n".as_bytes().to_vec()),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let f = tmp.path().join(name);
        std::fs::write(&f, bytes).unwrap();
        let out = tmp.path().join("out");
        assert_clean_failure(&run_on(&f, &out), &format!("{name}: file is empty"), &out);
    }
}

/// Markup only (all text stripped by ingest) is not an error — the file is text — but the user
/// is told, on one line naming it, that nothing of it is aligned.
#[test]
fn markup_only_file_is_named_in_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    copy_corpus(&dir, 1);
    std::fs::write(
        dir.join("markup.txt"),
        "<div><p></p><br/></div>\n![](figure1.png)\n12\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let (err, summary) = run_ok_on(dir.to_str().unwrap(), &out, &[]);
    assert!(err.contains("markup.txt: no text left"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(summary["warnings"].to_string().contains("markup.txt"));
}

/// UTF-16 without a BOM, with an odd last byte, with a lone surrogate; CR-only line ends: read,
/// with a warning where something had to be replaced, and no text lost around it.
#[test]
fn odd_utf16_and_cr_only_line_ends() {
    let tmp = tempfile::tempdir().unwrap();
    let text = "Алаш партиясы 1917 жылы құрылды. Оның көсемі Әлихан Бөкейхан болды.\n";
    let le = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect() };
    let cases: Vec<(&str, Vec<u8>, &str, bool)> = vec![
        ("nobom.txt", le(text), "utf-16le", false),
        (
            "odd.txt",
            [&[0xFF, 0xFE][..], &le(text), &[0x41]].concat(),
            "utf-16le-bom",
            true,
        ),
        (
            "lone.txt",
            [
                &[0xFF, 0xFE][..],
                &le("Алаш партиясы"),
                &[0x00, 0xD8],
                &le(" 1917 жылы құрылды.\n"),
            ]
            .concat(),
            "utf-16le-bom",
            true,
        ),
        (
            "cr.txt",
            text.replace(". ", ".\r").into_bytes(),
            "utf-8",
            false,
        ),
    ];
    for (name, bytes, enc, warned) in cases {
        let dir = tmp.path().join(name.replace('.', "_"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
        let out = tmp.path().join(format!("out_{name}"));
        let (err, summary) = run_ok_on(dir.to_str().unwrap(), &out, &[]);
        assert_eq!(summary["encodings"][name], enc, "{name}");
        assert_eq!(err.contains(name), warned, "{name}: {err}");
        let sentences = std::fs::read_to_string(out.join("sentences.jsonl")).unwrap();
        assert!(
            sentences.contains("Бөкейхан") || name == "lone.txt",
            "{name}"
        );
        assert!(sentences.contains("құрылды"), "{name}: text lost");
        assert!(!sentences.contains("\\r"), "{name}: CR left in a sentence");
        if name == "cr.txt" {
            assert_eq!(sentences.lines().count(), 2, "{name}: CR is a line end");
        }
    }
}

/// Two file names that differ only in bytes that are not UTF-8 stay two documents.
#[test]
fn non_utf8_file_names_stay_apart() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).unwrap();
    let a = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    let b = std::ffi::OsStr::from_bytes(b"caf\xe8.txt");
    if std::fs::write(dir.join(a), "Алаш партиясы 1917 жылы құрылды.\n").is_err()
    {
        skip("non-UTF-8 file names: the file system refuses them");
        return;
    }
    std::fs::write(dir.join(b), "Партия Алаш основана в 1917 году.\n").unwrap();
    let out = tmp.path().join("out");
    let (_, summary) = run_ok_on(dir.to_str().unwrap(), &out, &[]);
    assert_eq!(summary["documents"], 2);
    assert_eq!(summary["encodings"]["caf%E9.txt"], "utf-8");
    assert_eq!(summary["encodings"]["caf%E8.txt"], "utf-8");
}

/// A literal `%E9` in one name and a byte 0xE9 in another give one id: refused, naming both.
#[test]
fn colliding_document_ids_are_refused() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).unwrap();
    if std::fs::write(
        dir.join(std::ffi::OsStr::from_bytes(b"caf\xe9.txt")),
        "Алаш партиясы 1917 жылы құрылды.\n",
    )
    .is_err()
    {
        skip("non-UTF-8 file names: the file system refuses them");
        return;
    }
    std::fs::write(
        dir.join("caf%E9.txt"),
        "Партия Алаш основана в 1917 году.\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    assert_clean_failure(&run_on(&dir, &out), "same document id \"caf%E9.txt\"", &out);
}

/// The output folder is the input folder (or inside it): outputs are never read back as input,
/// so a second run gives the same documents and byte-identical outputs.
#[test]
fn output_folder_inside_the_input_is_not_reingested() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    copy_corpus(&dir, 5);
    for (input, out) in [
        (dir.to_str().unwrap().to_string(), dir.clone()),
        (format!("{}/**/*.txt", dir.display()), dir.join("out")),
    ] {
        let (_, first) = run_ok_on(&input, &out, &[]);
        let before = output_files(&out);
        let (_, second) = run_ok_on(&input, &out, &[]);
        assert_eq!(first["documents"], 5);
        assert_eq!(second["documents"], 5, "outputs read back as input");
        assert_eq!(before, output_files(&out), "{input}: second run differs");
    }
}

/// Symbolic-link loops, links to files already listed, and a very deep folder: each file is read
/// once, and the walk ends (two loop links used to make it run for ever).
#[test]
fn symlink_loops_links_and_deep_folders_in_the_input() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    let a = dir.join("a");
    copy_corpus(&a, 2);
    symlink("..", a.join("up1")).unwrap();
    symlink("..", a.join("up2")).unwrap();
    symlink("../a", dir.join("b")).unwrap();
    let first = std::fs::read_dir(&a)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .min()
        .unwrap();
    symlink(&first, a.join("zz_link.txt")).unwrap();
    let mut deep = dir.join("deep");
    for _ in 0..200 {
        deep = deep.join("d");
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("x.txt"), "Алаш партиясы 1917 жылы құрылды.\n").unwrap();
    let out = tmp.path().join("out");
    let start = std::time::Instant::now();
    let (_, summary) = run_ok_on(&format!("{}/**/*.txt", dir.display()), &out, &[]);
    assert!(start.elapsed().as_secs() < 120, "walk took too long");
    assert_eq!(summary["documents"], 3, "{}", summary["encodings"]);
}

/// Many tiny files: every one is a document, none is lost.
#[test]
fn many_tiny_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).unwrap();
    let lines = [
        "Алаш партиясы 1917 жылы құрылды.",
        "Партия Алаш основана в 1917 году.",
        "The Alash party was founded in 1917.",
    ];
    for i in 0..1500 {
        std::fs::write(dir.join(format!("{i:05}.txt")), lines[i % 3]).unwrap();
    }
    let out = tmp.path().join("out");
    let (_, summary) = run_ok_on(dir.to_str().unwrap(), &out, &[]);
    assert_eq!(summary["documents"], 1500);
    let sentences = std::fs::read_to_string(out.join("sentences.jsonl")).unwrap();
    assert_eq!(sentences.lines().count(), 1500);
}

/// Pipeline files as people write them by hand.
#[test]
fn hand_written_pipeline_files() {
    pipeline_error("", "missing field `input`");
    pipeline_error("\u{feff}", "missing field `input`");
    pipeline_error(
        "input = \"a\"\ninput = \"b\"\noutput = \"o\"\n",
        "duplicate key `input`",
    );
    pipeline_error(
        "input = \"x\"\noutput = \"o\"\npairs = [\"ru-ru\"]\n",
        "\"ru-ru\" is not a pair",
    );
    pipeline_error("input = \"\"\noutput = \"o\"\n", "key `input`: empty");
    pipeline_error(
        "input = \"x\"\noutput = \"o\"\nencoding = \"latin-9000\"\n",
        "unknown encoding \"latin-9000\"",
    );
    // A folder given as the pipeline file.
    let tmp = tempfile::tempdir().unwrap();
    let o = run(&["run", tmp.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).trim_end().lines().count(), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("is a folder; give the pipeline file"));
    // BOM, CRLF line ends, upper-case language codes, input naming one file: all accepted.
    let dir = tmp.path().join("proj");
    std::fs::create_dir(&dir).unwrap();
    let one = repo().join("corpus/alash/000_d71f70a9bdb45bc0.txt");
    let p = dir.join("p.toml");
    std::fs::write(
        &p,
        format!(
            "\u{feff}input = '{}'\r\noutput = \"out\"\r\nlanguages = [\"RU\", \"Kk\", \"en\"]\r\npairs = [\"RU-KK\", \"kk-EN\"]\r\n",
            one.display()
        ),
    )
    .unwrap();
    let o = run(&["run", p.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir.join("out/ru-kk.tmx").is_file());
    assert!(dir.join("out/kk-en.tmx").is_file());
    let summary = std::fs::read_to_string(dir.join("out/summary.json")).unwrap();
    assert!(summary.contains("\"documents\": 1"), "{summary}");
}

/// Command lines a new user gets wrong: one line naming the argument, exit 2.
#[test]
fn bad_command_lines_are_one_line() {
    let pipeline = repo().join("pipelines/alash.toml");
    let p = pipeline.to_str().unwrap();
    for (args, needle) in [
        (vec!["run", p, "--frobnicate"], "'--frobnicate'"),
        (vec!["run", p, "--threads", "many"], "'many'"),
        (vec!["run", p, "--threads", "-1"], "'-1'"),
        (vec!["frobnicate"], "'frobnicate'"),
        (vec!["run"], "<PIPELINE>"),
        (vec!["run", p, "--encoding", "bogus"], "\"bogus\""),
        (vec!["segment", "--lang", "xx", p], "xx"),
    ] {
        let o = run(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    // Help still prints in full.
    let o = run(&["run", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).lines().count() > 3);
}

/// `--threads 0` means every core, and the outputs are the same as with one thread.
#[test]
fn threads_zero_means_every_core_with_the_same_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let glob = corpus_glob();
    let (zero, one) = (tmp.path().join("t0"), tmp.path().join("t1"));
    run_ok_on(&glob, &zero, &["--threads", "0"]);
    run_ok_on(&glob, &one, &["--threads", "1"]);
    assert_eq!(output_files(&zero), output_files(&one));
}

/// A tmpfs mounted for one test (root only), unmounted when dropped.
struct TmpfsMount<'a>(&'a Path);

impl<'a> TmpfsMount<'a> {
    fn new(dir: &'a Path, options: &str) -> Option<Self> {
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        mounted.then_some(TmpfsMount(dir))
    }
}

impl Drop for TmpfsMount<'_> {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(self.0).status();
    }
}

/// A full disk: one line naming the file and saying to free space, exit 2, no temporary file,
/// the previous outputs intact. Needs a small tmpfs (root); skipped elsewhere.
#[test]
fn disk_full_keeps_previous_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let mnt = tmp.path().join("small");
    std::fs::create_dir(&mnt).unwrap();
    let Some(_mount) = TmpfsMount::new(&mnt, "size=48k") else {
        // Not a checker tool: a machine without mount rights skips even under TILMASH_REQUIRE_TOOLS.
        eprintln!("NOTICE: skipping disk-full test: cannot mount a small tmpfs (needs root)");
        return;
    };
    let out = mnt.join("out");
    // Previous outputs of a one-file run fit; the five-file run's do not.
    let one = repo().join("corpus/alash/004_805f8a9411291562.txt");
    let first = run_on(&one, &out);
    let before = if first.status.success() {
        output_files(&out)
    } else {
        Default::default()
    };
    let dir = tmp.path().join("in");
    copy_corpus(&dir, 5);
    let o = run_on(&dir, &out);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("free some space"), "{err}");
    assert!(
        !err.contains(".tmp-"),
        "message names a temporary file: {err}"
    );
    if out.exists() {
        let now = output_files(&out);
        assert!(now.keys().all(|k| !k.contains(".tmp-")), "temporary left");
        assert_eq!(now, before, "previous outputs changed");
    }
}

// ---------------------------------------------------------------------------------------------
// Session 6: cases tried by hand as a new user would, each fixed and kept here.

/// `segment`, `identify`, `align`, `validate` given a pipe by name (`<(cmd)`, a FIFO,
/// `/dev/stdin`) read it once: the two passes a file gets found the second pass empty ("file is
/// empty") or, on a FIFO, waited for ever for a second writer.
#[test]
fn pipes_given_by_name_are_read_once() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read(repo().join("corpus/alash/000_d71f70a9bdb45bc0.txt")).unwrap();
    let expected = stdout(&run(&[
        "segment",
        "--lang",
        "ru",
        repo()
            .join("corpus/alash/000_d71f70a9bdb45bc0.txt")
            .to_str()
            .unwrap(),
    ]));
    assert!(expected.lines().count() > 10);
    // /dev/stdin on a pipe
    let mut child = bin()
        .args(["segment", "--lang", "ru", "/dev/stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feed = text.clone();
    let writer = std::thread::spawn(move || stdin.write_all(&feed));
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), expected);
    // a FIFO: one writer, read once (it hung before)
    let fifo = tmp.path().join("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("NOTICE: skipping the FIFO part: mkfifo failed");
        return;
    }
    let (f2, feed) = (fifo.clone(), text.clone());
    let writer = std::thread::spawn(move || std::fs::write(f2, feed));
    let mut child = bin()
        .args(["segment", "--lang", "ru", fifo.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            panic!("segment on a FIFO hangs");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), expected);
}

/// An endless binary stream is refused after its first MiB: `segment < /dev/zero` held 7 GB
/// after 8 seconds and grew until the machine ran out of memory; `segment /dev/zero` and
/// `validate /dev/zero` never ended.
#[test]
fn endless_binary_streams_are_refused_at_once() {
    if !Path::new("/dev/zero").exists() {
        eprintln!("NOTICE: skipping: no /dev/zero");
        return;
    }
    let o = bin()
        .args(["segment", "--lang", "ru"])
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("<stdin>: looks like a binary file"), "{err}");
    for args in [
        &["segment", "--lang", "ru", "/dev/zero"][..],
        &["identify", "--lines", "/dev/zero"],
        &["normalize", "--profile", "export", "/dev/zero"],
        &["validate", "/dev/zero"],
    ] {
        let o = run(args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains("/dev/zero: looks like a binary file"), "{err}");
    }
    // `run --input` naming a device or a pipe says what it is (it said "no such file")
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_clean_failure(
        &run_on(Path::new("/dev/zero"), &out),
        "/dev/zero: not a regular file",
        &out,
    );
}

/// `--input 'DIR/**'` with the output in `DIR/out`: the re-run read the first run's TMX, JSONL,
/// TSV, HTML … back as 21 more documents. In the output folder only text files are input now.
#[test]
fn a_glob_over_the_output_folder_does_not_read_outputs_back() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    copy_corpus(&dir, 2);
    let out = dir.join("out");
    let glob = format!("{}/**", dir.display());
    let (_, first) = run_ok_on(&glob, &out, &[]);
    let before = output_files(&out);
    let (_, second) = run_ok_on(&glob, &out, &[]);
    assert_eq!(first["documents"], second["documents"]);
    assert_eq!(output_files(&out), before, "re-run differs");
    // the output folder being the input folder itself, with a glob matching everything
    let glob = format!("{}/*", dir.display());
    let (_, third) = run_ok_on(&glob, &dir, &[]);
    let (_, fourth) = run_ok_on(&glob, &dir, &[]);
    assert_eq!(third["documents"], first["documents"]);
    assert_eq!(fourth["documents"], first["documents"]);
}

/// The output-folder rule holds however the input names the folder: a glob whose root lies
/// inside the output folder yields its text files only, like a glob over the whole folder (it
/// read a JSONL kept there as a document).
#[test]
fn a_glob_rooted_inside_the_output_folder_takes_text_files_only() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let kept = out.join("kept");
    copy_corpus(&kept, 2);
    std::fs::write(
        kept.join("ru-kk.jsonl"),
        "{\"src\":\"Партия Алаш основана в 1917 году.\",\"tgt\":\"Алаш партиясы 1917 жылы құрылды.\"}\n",
    )
    .unwrap();
    let (_, whole) = run_ok_on(&format!("{}/**", out.display()), &out, &[]);
    let (_, inside) = run_ok_on(&format!("{}/*", kept.display()), &out, &[]);
    assert_eq!(whole["documents"], 2, "{}", whole["encodings"]);
    assert_eq!(inside["documents"], 2, "{}", inside["encodings"]);
}

/// Two files with a byte-order mark joined by `cat`: the second mark (U+FEFF inside the text)
/// is not content and leaves no trace in what is segmented or identified, while the paragraph
/// offsets still point at the source line it stood in.
#[test]
fn a_byte_order_mark_inside_the_text_is_dropped() {
    let tmp = tempfile::tempdir().unwrap();
    let first = "Алаш партиясы 1917 жылы құрылды. Оны Әлихан Бөкейхан басқарды.\n";
    let second = "Партия Алаш основана в 1917 году.\n";
    let f = tmp.path().join("joined.txt");
    std::fs::write(&f, format!("\u{FEFF}{first}\u{FEFF}{second}")).unwrap();
    let o = run(&["segment", "--lang", "kk", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stdout(&o).contains('\u{FEFF}'), "{:?}", stdout(&o));
    assert!(
        stdout(&o).ends_with(&format!("\n{second}")),
        "{:?}",
        stdout(&o)
    );
    let o = run(&["identify", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<Vec<String>> = stdout(&o)
        .lines()
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect();
    assert_eq!(lines.len(), 2, "{}", stdout(&o));
    // the leading mark is skipped by decoding; the second line starts where `first` ends
    assert_eq!(lines[1][2], first.len().to_string(), "{}", stdout(&o));
    assert_eq!(lines[1][3], second.trim_end(), "{}", stdout(&o));
}

/// More binary formats are named (they got the NUL-byte message, whose advice is about UTF-16;
/// RTF went through as text: its control words were aligned).
#[test]
fn more_binary_formats_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &str); 6] = [
        (
            "xz.txt",
            b"\xfd7zXZ\x00\x00\x04\xe6\xd6\xb4\x46",
            "xz-compressed",
        ),
        ("bz.txt", b"BZh91AY&SY\x12\x34\x00\x00", "bzip2-compressed"),
        (
            "zst.txt",
            b"\x28\xb5\x2f\xfd\x24\x10\x81\x00",
            "zstd-compressed",
        ),
        ("7z.txt", b"7z\xbc\xaf\x27\x1c\x00\x04", "7-Zip archive"),
        ("db.txt", b"SQLite format 3\x00\x10\x00", "SQLite database"),
        (
            "doc.txt",
            b"{\\rtf1\\ansi\\ansicpg1251 \\f0 \\'c0\\'eb\\'e0\\'f8 text}\n",
            "RTF document; save it as plain text",
        ),
    ];
    for (name, bytes, needle) in cases {
        let dir = tmp.path().join(name).with_extension("d");
        copy_corpus(&dir, 1);
        std::fs::write(dir.join(name), bytes).unwrap();
        let out = tmp.path().join("out");
        assert_clean_failure(
            &run_on(&dir, &out),
            &format!("{name}: looks like a binary file (it is"),
            &out,
        );
        assert!(stderr(&run_on(&dir, &out)).contains(needle));
        let o = run(&["segment", "--lang", "ru", dir.join(name).to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains(needle), "{}", stderr(&o));
    }
}

/// Pipeline values that were taken silently (or broke the run half-way) are refused with the key.
#[test]
fn hand_written_pipeline_values_session6() {
    let input = corpus_glob();
    let cases = [
        // two entries for one pair staged its files twice: the run failed in its final renames
        // with six files of the pair torn and five temporary files left behind
        (
            r#"pairs = ["ru-kk", "ru-kk"]"#,
            "key `pairs`: \"ru-kk\" is listed twice",
        ),
        ("pairs = []", "key `pairs`: empty"),
        ("formats = []", "key `formats`: empty"),
        (
            "languages = [\"ru\"]",
            "key `languages`: fewer than two languages",
        ),
        (
            "[align]\nvariance = -3.0",
            "key `align.variance`: must be greater than 0",
        ),
        (
            "[align]\nlength_ratio = 0.0",
            "key `align.length_ratio`: must be greater than 0",
        ),
        (
            "[align]\nlength_ratio = inf",
            "key `align.length_ratio`: nan or inf",
        ),
        (
            "[align]\nmin_score = nan",
            "key `align.min_score`: nan or inf",
        ),
        (
            "[comparable]\nparallel_score = -inf",
            "key `comparable.parallel_score`: nan or inf",
        ),
        (
            "[identify]\nsentence_override = 2.0",
            "key `identify.sentence_override`: must be between 0 and 1",
        ),
    ];
    for (extra, needle) in cases {
        pipeline_error(
            format!("input = \"{input}\"\noutput = \"out\"\n{extra}\n"),
            needle,
        );
    }
    pipeline_error(
        format!("input = \"{input}\"\noutput = \"\"\n"),
        "key `output`: empty",
    );
}

/// Runs the bundled corpus into DIR/out with `languages` and `formats` (TOML lists) and no
/// `pairs`; the command's output and the files written.
fn run_corpus_with(
    dir: &Path,
    languages: &str,
    formats: &str,
) -> (
    std::process::Output,
    std::collections::BTreeMap<String, Vec<u8>>,
) {
    let p = write_pipeline(
        dir,
        &format!(
            "input = \"{}\"\noutput = \"out\"\nlanguages = {languages}\nformats = {formats}\n",
            corpus_glob()
        ),
    );
    let o = run(&["run", p.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    (o, output_files(&dir.join("out")))
}

/// `languages = ["ru", "kk"]` without `pairs` aligns ru-kk (it failed on the default pair ru-en,
/// a key the user had not written).
#[test]
fn default_pairs_follow_the_languages() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, files) = run_corpus_with(tmp.path(), "[\"ru\", \"kk\"]", "[\"jsonl\"]");
    assert!(files.contains_key("ru-kk.jsonl"), "{:?}", files.keys());
    assert!(
        !files.keys().any(|k| k.contains("-en") || k.contains("en-")),
        "{:?}",
        files.keys()
    );
}

/// A trilingual memory needs three languages: with two, `trilingual.tmx` is neither written nor
/// listed (it was written empty and counted as 0 units); with three it is.
#[test]
fn trilingual_tmx_only_with_three_languages() {
    for (languages, expected) in [
        ("[\"ru\", \"kk\"]", false),
        ("[\"ru\", \"kk\", \"en\"]", true),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let (o, files) = run_corpus_with(tmp.path(), languages, "[\"tmx\"]");
        assert!(files.contains_key("ru-kk.tmx"), "{:?}", files.keys());
        assert_eq!(
            files.contains_key("trilingual.tmx"),
            expected,
            "{languages}: {:?}",
            files.keys()
        );
        let summary = String::from_utf8_lossy(&files["summary.json"]).into_owned();
        assert_eq!(
            summary.contains("trilingual"),
            expected,
            "{languages}: {summary}"
        );
        assert_eq!(
            stdout(&o).contains("trilingual"),
            expected,
            "{languages}: {}",
            stdout(&o)
        );
    }
}

/// `--threads 100000` started 100,000 threads and had not finished after a minute.
#[test]
fn absurd_thread_counts_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let pipeline = repo().join("pipelines/alash.toml");
    let o = run(&[
        "run",
        pipeline.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--threads",
        "100000",
    ]);
    assert_clean_failure(&o, "--threads 100000: more than 1024 threads", &out);
}

/// A read-only file system: one line saying so, nothing written, no temporary left.
#[test]
fn read_only_output_file_system() {
    let tmp = tempfile::tempdir().unwrap();
    let mnt = tmp.path().join("ro");
    std::fs::create_dir(&mnt).unwrap();
    let Some(_mount) = TmpfsMount::new(&mnt, "ro,size=64k") else {
        eprintln!(
            "NOTICE: skipping read_only_output_file_system: cannot mount a tmpfs (needs root)"
        );
        return;
    };
    for out in [mnt.clone(), mnt.join("out")] {
        let o = run_on(&repo().join("corpus/alash"), &out);
        assert_clean_failure(&o, "the file system is read-only", &out);
    }
}
