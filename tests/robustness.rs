//! Issue 8: encodings end to end, byte-identical outputs (re-runs, 1 vs N threads), interrupted
//! runs, characters XML forbids, and untrusted TMX (entity bombs, external entities).

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use tilmash::export::tmx_read::read_tmx;

fn outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

fn run_with_threads(input: &Path, out: &Path, threads: &str) -> std::process::Output {
    let pipeline = repo().join("pipelines/alash.toml");
    bin()
        .env("RAYON_NUM_THREADS", threads)
        .args([
            "run",
            pipeline.to_str().unwrap(),
            "--input",
            input.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
            "--quiet",
        ])
        .output()
        .unwrap()
}

/// The bundled corpus copied `copies` times (different ids, same texts) into `dir`.
fn big_corpus(dir: &Path, copies: usize) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("corpus/alash"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    for k in 0..copies {
        for f in &files {
            let name = format!("{k:02}_{}", f.file_name().unwrap().to_string_lossy());
            std::fs::copy(f, dir.join(name)).unwrap();
        }
    }
    dir.to_path_buf()
}

#[test]
fn outputs_identical_across_threads_and_reruns() {
    let tmp = tempfile::tempdir().unwrap();
    let input = big_corpus(&tmp.path().join("in"), 2);
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    let c = tmp.path().join("c");
    for (out, threads) in [(&a, "1"), (&b, "4"), (&c, "4")] {
        let o = run_with_threads(&input, out, threads);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let (oa, ob, oc) = (outputs(&a), outputs(&b), outputs(&c));
    assert!(oa.iter().any(|(n, _)| n == "summary.json"));
    assert!(
        oa.len() >= 7,
        "{:?}",
        oa.iter().map(|x| &x.0).collect::<Vec<_>>()
    );
    assert_eq!(oa, ob, "1 thread vs 4 threads");
    assert_eq!(ob, oc, "re-run");
    let summary =
        String::from_utf8(oa.iter().find(|x| x.0 == "summary.json").unwrap().1.clone()).unwrap();
    assert!(
        !summary.contains("timings"),
        "timings vary; they belong on stdout"
    );
}

/// Encodes `s` in windows-1251 with the KZ-1048 positions for Kazakh letters (test helper).
fn kz1048(s: &str) -> Vec<u8> {
    const KZ: [(char, u8); 16] = [
        ('Қ', 0x8D),
        ('қ', 0x9D),
        ('Һ', 0x8E),
        ('һ', 0x9E),
        ('Ұ', 0xA1),
        ('ұ', 0xA2),
        ('Ә', 0xA3),
        ('ә', 0xBC),
        ('Ө', 0xA5),
        ('ө', 0xB4),
        ('Ғ', 0xAA),
        ('ғ', 0xBA),
        ('Ү', 0xAF),
        ('ү', 0xBF),
        ('Ң', 0xBD),
        ('ң', 0xBE),
    ];
    s.chars()
        .map(|c| match c {
            'А'..='я' => (c as u32 - 0x410 + 0xC0) as u8,
            'І' => 0xB2,
            'і' => 0xB3,
            'Ё' => 0xA8,
            'ё' => 0xB8,
            c if c.is_ascii() => c as u8,
            c => KZ
                .iter()
                .find(|k| k.0 == c)
                .map(|k| k.1)
                .expect("kz-1048 letter"),
        })
        .collect()
}

const KK: &str = "Алаш партиясы 1917 жылы құрылды. Әлихан Бөкейханов партияның көшбасшысы болды.\n\nҚазақстандағы азаматтық соғыс ошақтарының бірі құрылды.\n";
const RU: &str = "Партия Алаш была создана в 1917 году. Алихан Букейханов стал лидером партии.\n\nВ Оренбурге прошёл съезд, избравший правительство.\n";

#[test]
fn legacy_encodings_are_detected_decoded_and_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("kk-kz1048.txt"), kz1048(KK)).unwrap();
    let ru_cp1251: Vec<u8> = kz1048(RU); // Russian letters are the same in cp1251 and KZ-1048
    std::fs::write(dir.join("ru-cp1251.txt"), ru_cp1251).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(RU.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(dir.join("ru-utf16.txt"), &utf16).unwrap();
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(KK.as_bytes());
    std::fs::write(dir.join("kk-bom.txt"), bom).unwrap();
    std::fs::write(dir.join("kk-utf8.txt"), KK).unwrap();
    let out = tmp.path().join("out");
    let o = run_with_threads(&dir, &out, "2");
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let enc = &summary["encodings"];
    assert_eq!(enc["kk-kz1048.txt"], "kz-1048", "{summary}");
    assert_eq!(enc["ru-cp1251.txt"], "windows-1251", "{summary}");
    assert_eq!(enc["ru-utf16.txt"], "utf-16le-bom", "{summary}");
    assert_eq!(enc["kk-bom.txt"], "utf-8-bom", "{summary}");
    assert_eq!(enc["kk-utf8.txt"], "utf-8", "{summary}");

    // The decoded texts are exactly the originals: the stage commands show it.
    for (name, original) in [
        ("kk-kz1048.txt", KK),
        ("ru-cp1251.txt", RU),
        ("ru-utf16.txt", RU),
    ] {
        let o = run(&["normalize", dir.join(name).to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        let want: String = original
            .lines()
            .map(|l| format!("{}\n", l.trim()))
            .collect();
        assert_eq!(stdout(&o), want, "{name}");
    }
}

#[test]
fn encoding_flag_overrides_detection() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("kk.txt");
    std::fs::write(&f, kz1048(KK)).unwrap();
    // Read as plain cp1251 on purpose: the KZ-1048 letters come out as cp1251's Ќ ў Ј …
    // The normalizer repairs that mojibake; --explain shows it had to (rule kz1048).
    let o = run(&[
        "normalize",
        "--explain",
        "--encoding",
        "cp1251",
        f.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("U+040C Ќ\tU+049A Қ\tkz1048"),
        "{}",
        stdout(&o)
    );
    let o = run(&[
        "segment",
        "--lang",
        "kk",
        "--encoding",
        "kz-1048",
        f.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("Қазақстандағы азаматтық соғыс"),
        "{}",
        stdout(&o)
    );
    // The pipeline key does the same, and --encoding beats it.
    let p = tmp.path().join("p.toml");
    std::fs::write(
        &p,
        "input = \"kk.txt\"\noutput = \"out\"\nencoding = \"cp1251\"\n",
    )
    .unwrap();
    let o = run(&["run", p.to_str().unwrap(), "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = std::fs::read_to_string(tmp.path().join("out/summary.json")).unwrap();
    assert!(s.contains("\"kk.txt\": \"windows-1251\""), "{s}");
    let o = run(&[
        "run",
        p.to_str().unwrap(),
        "--quiet",
        "--encoding",
        "kz1048",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = std::fs::read_to_string(tmp.path().join("out/summary.json")).unwrap();
    assert!(s.contains("\"kk.txt\": \"kz-1048\""), "{s}");
}

fn forbidden_in_xml(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

#[test]
fn control_characters_from_pdf_extraction_never_reach_a_tmx() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).unwrap();
    for e in std::fs::read_dir(repo().join("corpus/alash"))
        .unwrap()
        .flatten()
    {
        let text = std::fs::read_to_string(e.path()).unwrap();
        // What pdftotext and friends leave: form feeds, vertical tabs, STX/ETX, ESC, DEL, U+FFFF.
        let dirty: String = text
            .split_inclusive(". ")
            .enumerate()
            .map(|(i, s)| {
                let junk = [
                    "\u{c}", "\u{b}", "\u{2}", "\u{3}", "\u{1b}", "\u{7f}", "\u{ffff}", "\u{8}",
                ];
                format!("{}{s}", junk[i % junk.len()])
            })
            .collect();
        std::fs::write(dir.join(e.file_name()), dirty).unwrap();
    }
    let out = tmp.path().join("out");
    let o = run_with_threads(&dir, &out, "2");
    assert!(o.status.success(), "{}", stderr(&o));
    let mut units = 0;
    for pair in ["ru-kk", "ru-en", "kk-en"] {
        let bytes = std::fs::read(out.join(format!("{pair}.tmx"))).unwrap();
        let xml = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            !xml.chars().any(forbidden_in_xml),
            "{pair}: forbidden character in TMX"
        );
        assert!(
            !xml.contains("&#"),
            "{pair}: no character references needed"
        );
        let read = read_tmx(&bytes).unwrap();
        units += read.len();
    }
    assert!(units > 20, "the dirty corpus still aligns ({units} units)");
}

#[test]
fn validate_and_reader_do_not_expand_entities() {
    let tmp = tempfile::tempdir().unwrap();
    // A billion-laughs bomb: expanded it would be 10^9 bytes.
    let mut dtd = String::from("<!ENTITY l0 \"lol\">");
    for i in 1..10 {
        dtd.push_str(&format!(
            "<!ENTITY l{i} \"{}\">",
            format!("&l{};", i - 1).repeat(10)
        ));
    }
    let bomb = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [{dtd}]>\n<tmx version=\"1.4\"><header creationtool=\"x\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"x\" adminlang=\"en\" srclang=\"en\" datatype=\"plaintext\"/><body><tu><tuv xml:lang=\"en\"><seg>&l9;</seg></tuv><tuv xml:lang=\"ru\"><seg>x</seg></tuv></tu></body></tmx>\n"
    );
    let secret = tmp.path().join("secret.txt");
    std::fs::write(&secret, "TOP-SECRET-CONTENT").unwrap();
    let external = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [<!ENTITY x SYSTEM \"file://{}\">]>\n<tmx version=\"1.4\"><header creationtool=\"x\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"x\" adminlang=\"en\" srclang=\"en\" datatype=\"plaintext\"/><body><tu><tuv xml:lang=\"en\"><seg>&x;</seg></tuv><tuv xml:lang=\"ru\"><seg>x</seg></tuv></tu></body></tmx>\n",
        secret.display()
    );
    for (name, xml) in [("bomb.tmx", bomb), ("external.tmx", external)] {
        let f = tmp.path().join(name);
        std::fs::write(&f, &xml).unwrap();
        let start = std::time::Instant::now();
        let o = run(&["validate", f.to_str().unwrap()]);
        assert!(start.elapsed().as_secs() < 10, "{name}: took too long");
        assert!(
            matches!(o.status.code(), Some(0) | Some(1)),
            "{name}: {}",
            stderr(&o)
        );
        let all = stdout(&o) + &stderr(&o);
        assert!(!all.contains("TOP-SECRET"), "{name}: external entity read");
        assert!(!all.contains("lollollol"), "{name}: entity expanded");
        assert!(all.len() < 100_000, "{name}: output blew up");
        // The library reader refuses the reference instead of expanding it.
        let err = read_tmx(xml.as_bytes()).unwrap_err();
        assert!(!err.contains("TOP-SECRET"));
    }
}

/// Sends SIGINT to a running `tilmash run` at a range of moments: each time the output folder
/// holds either the complete previous set or the complete new set, never a mix, and no
/// temporary file.
#[test]
fn interrupted_runs_leave_previous_outputs_intact_and_no_temp_files() {
    if which("kill").is_none() {
        skip("interrupt test: no `kill` command");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let small = big_corpus(&tmp.path().join("small"), 1);
    let big = big_corpus(&tmp.path().join("big"), 8);
    let out = tmp.path().join("out");
    let reference_new = tmp.path().join("ref");
    assert!(run_with_threads(&small, &out, "2").status.success());
    assert!(run_with_threads(&big, &reference_new, "2").status.success());
    let old = outputs(&out);
    let new = outputs(&reference_new);
    assert_ne!(old, new);
    let start = std::time::Instant::now();
    assert!(run_with_threads(&big, &tmp.path().join("timing"), "2")
        .status
        .success());
    let full_ms = start.elapsed().as_millis() as u64;
    let mut interrupted = 0;
    let mut finished = 0;
    for step in 0..12u64 {
        // Put the previous set back, then interrupt a run that would replace it.
        for (name, bytes) in &old {
            std::fs::write(out.join(name), bytes).unwrap();
        }
        let pipeline = repo().join("pipelines/alash.toml");
        let child = bin()
            .env("RAYON_NUM_THREADS", "2")
            .args([
                "run",
                pipeline.to_str().unwrap(),
                "--input",
                big.to_str().unwrap(),
            ])
            .args(["--output", out.to_str().unwrap(), "--quiet"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(full_ms * step / 10));
        let _ = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
        let o = child.wait_with_output().unwrap();
        match o.status.code() {
            // None: killed by the signal before the handler was installed (nothing written yet).
            Some(130) | None => interrupted += 1,
            Some(0) => finished += 1,
            other => panic!("exit {other:?}: {}", stderr(&o)),
        }
        let now = outputs(&out);
        for (name, _) in &now {
            assert!(!name.contains(".tmp-"), "temporary file left: {name}");
        }
        assert!(
            now == old || now == new,
            "step {step}: a mix of old and new outputs"
        );
        if o.status.code() == Some(130) {
            assert!(stderr(&o).contains("interrupted"), "{}", stderr(&o));
        }
    }
    assert!(
        interrupted > 0,
        "no run was interrupted ({finished} finished)"
    );
}
