//! `tilmash validate` on TMX from any tool: problems with line numbers, exit code 1, and no
//! entity is ever expanded (entity bombs, external entities).

mod common;
use common::*;
use std::time::{Duration, Instant};

const HEADER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
<header creationtool="x" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="kk" datatype="plaintext"/>
<body>
"#;

fn validate(xml: &str, extra: &[&str]) -> (i32, String) {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("t.tmx");
    std::fs::write(&f, xml).unwrap();
    let mut args = vec!["validate"];
    args.extend_from_slice(extra);
    args.push(f.to_str().unwrap());
    let o = run(&args);
    (o.status.code().unwrap(), stdout(&o))
}

#[test]
fn problems_come_with_line_numbers_and_exit_1() {
    let xml = format!(
        "{HEADER}<tu tuid=\"1\">\n<tuv xml:lang=\"kk\"><seg>Алаш</seg></tuv>\n<tuv xml:lang=\"ru\"><seg>Алаш</seg></tuv>\n</tu>\n<tu tuid=\"1\">\n<tuv xml:lang=\"kk\"><seg>Алаш</seg></tuv>\n<tuv xml:lang=\"ru\"><seg>Алаш</seg></tuv>\n</tu>\n<tu>\n<tuv><seg>x</seg></tuv>\n<tuv xml:lang=\"qq-ZZ\"><seg></seg></tuv>\n</tu>\n</body>\n</tmx>\n"
    );
    let (code, out) = validate(&xml, &[]);
    assert_eq!(code, 1, "{out}");
    let has = |line: usize, what: &str| {
        out.lines()
            .any(|l| l.contains(&format!(":{line}: ")) && l.contains(what))
    };
    assert!(has(9, "duplicate tuid"), "{out}");
    assert!(has(9, "duplicate unit"), "{out}");
    assert!(
        has(14, "without xml:lang") || has(14, "lacks the required attribute xml:lang"),
        "{out}"
    );
    assert!(has(15, "unknown language code \"qq-ZZ\""), "{out}");
    assert!(has(15, "empty <seg>"), "{out}");
    assert!(has(13, "no <tuv> in the source language"), "{out}");
}

#[test]
fn a_clean_file_passes_and_trados_limits_apply_only_to_trados() {
    let long = "сөз ".repeat(600);
    let xml = format!(
        "{HEADER}<tu><tuv xml:lang=\"kk-KZ\"><seg>{long}</seg></tuv><tuv xml:lang=\"ru-RU\"><seg>слово</seg></tuv></tu>\n</body>\n</tmx>\n"
    );
    let (code, out) = validate(&xml, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("valid TMX, 1 units"));
    let (code, out) = validate(&xml, &["--profile", "trados"]);
    assert_eq!(code, 1);
    assert!(
        out.contains(":5: segment of 2400 characters is over the trados limit of 2000"),
        "{out}"
    );
}

#[test]
fn entity_bombs_are_reported_not_expanded() {
    // "Billion laughs": ten levels of ten references, 10^9 copies if expanded.
    let mut decl = String::from("<!ENTITY l0 \"lol\">");
    for i in 1..10 {
        decl.push_str(&format!(
            "<!ENTITY l{i} \"{}\">",
            format!("&l{};", i - 1).repeat(10)
        ));
    }
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [{decl}]>\n{}<tu><tuv xml:lang=\"kk\"><seg>&l9;</seg></tuv><tuv xml:lang=\"ru\"><seg>b</seg></tuv></tu>\n</body>\n</tmx>\n",
        &HEADER[HEADER.find("<tmx").unwrap()..]
    );
    let t = Instant::now();
    let (code, out) = validate(&xml, &[]);
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "took {:?}",
        t.elapsed()
    );
    assert_eq!(code, 1);
    assert!(out.contains(":2: the DOCTYPE declares entities"), "{out}");
    assert!(out.contains("&l9;"), "{out}");
    assert!(!out.contains("lollol"));
}

#[test]
fn external_entities_are_never_read() {
    let secret = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret.path(), "TOP-SECRET-CONTENT").unwrap();
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [<!ENTITY x SYSTEM \"file://{}\">]>\n{}<tu><tuv xml:lang=\"kk\"><seg>&x;</seg></tuv><tuv xml:lang=\"ru\"><seg>b</seg></tuv></tu>\n</body>\n</tmx>\n",
        secret.path().display(),
        &HEADER[HEADER.find("<tmx").unwrap()..]
    );
    let (code, out) = validate(&xml, &[]);
    assert_eq!(code, 1);
    assert!(!out.contains("TOP-SECRET"), "{out}");
    assert!(out.contains("&x;"), "{out}");
}

#[test]
fn broken_xml_and_bad_bytes() {
    let (code, out) = validate(
        &format!("{HEADER}<tu><tuv xml:lang=\"kk\"><seg>a</tuv>"),
        &[],
    );
    assert_eq!(code, 1);
    assert!(out.contains("not well-formed"), "{out}");
    let (code, out) = validate(&format!("{HEADER}<tu><tuv xml:lang=\"kk\"><seg>a\u{1}</seg></tuv><tuv xml:lang=\"ru\"><seg>b</seg></tuv></tu></body></tmx>"), &[]);
    assert_eq!(code, 1);
    assert!(out.contains(":5: character U+0001"), "{out}");
    let o = run(&["validate", "/nonexistent/x.tmx"]);
    assert_eq!(o.status.code(), Some(2));
}
