//! `tilmash normalize` and `tilmash translit` from the command line, and the pipeline's
//! `[normalize] keep_original` switch.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use tilmash::model::{Document, Lang, Paragraph, ParagraphKind};
use tilmash::pipeline::{segment_document, Pipeline};

fn run_stdin(args: &[&str], input: &str) -> (String, i32) {
    let mut child = common::bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("binary ends");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn normalize_prints_one_line_per_input_line() {
    let input = "Mukhtar Aueзов\n\n  «ХХ ғасыр»…  \nҚазаќ\u{00AD}стан\n";
    let (out, code) = run_stdin(&["normalize", "--profile", "align", "-"], input);
    assert_eq!(code, 0);
    assert_eq!(out, "Mukhtar Auezov\n\n\"XX ғасыр\"...\nҚазақстан\n");
    let (out, _) = run_stdin(&["normalize", "-"], input);
    assert_eq!(out, "Mukhtar Auezov\n\n«ХХ ғасыр»…\nҚазақстан\n");
}

#[test]
fn explain_lists_position_code_points_and_rule() {
    let (out, code) = run_stdin(
        &["normalize", "--profile", "align", "--explain", "-"],
        "ok\nжəне ХХ\n",
    );
    assert_eq!(code, 0);
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows[0], "line\tcolumn\tbefore\tafter\trule");
    assert_eq!(rows[1], "2\t2\tU+0259 ə\tU+04D9 ә\tlatin_to_cyrillic");
    assert_eq!(rows[2], "2\t6\tU+0425 Х\tU+0058 X\troman_numeral");
    assert_eq!(rows.len(), 4);
}

#[test]
fn translit_schemes() {
    let (out, code) = run_stdin(
        &["translit", "--scheme", "kk-latin-2021", "-"],
        "Бұрыңғы шаһарының\nҚазақстан\n",
    );
    assert_eq!(code, 0);
    assert_eq!(out, "Būryñğy şaharynyñ\nQazaqstan\n");
    let (out, _) = run_stdin(
        &["translit", "--scheme", "ru-bgn", "-"],
        "Елизово, Семипалатинск\n",
    );
    assert_eq!(out, "Yelizovo, Semipalatinsk\n");
    let (out, _) = run_stdin(&["translit", "--scheme", "ru-iso9", "-"], "Щучинск\n");
    assert_eq!(out, "Ŝučinsk\n");
    let o = common::run(&["translit", "--scheme", "kk-latin-1940", "-"]);
    assert_eq!(o.status.code(), Some(2));
}

fn document(text: &str) -> Document {
    Document {
        id: "t.txt".into(),
        path: "t.txt".into(),
        encoding: "utf-8".into(),
        paragraphs: vec![Paragraph {
            span: 0..text.len(),
            kind: ParagraphKind::Body,
            text: text.into(),
            lang: Lang::Kk,
            lang_confidence: 1.0,
        }],
    }
}

#[test]
fn keep_original_exports_byte_exact_and_spans_point_into_the_source() {
    let text = "Ќазаќстандаєы  ошаќтарыныѕ бірі. Жаhанша   Досмұхамедов «Алаш» партиясында болды.";
    for keep in [false, true] {
        let toml =
            format!("input = \"in\"\noutput = \"out\"\n[normalize]\nkeep_original = {keep}\n");
        let p = Pipeline::parse(Path::new("t.toml"), &toml).expect("pipeline parses");
        let seg = segment_document(&document(text), &p.config);
        assert_eq!(seg.sentences.len(), 2, "{keep}");
        for s in &seg.sentences {
            let source = &text[s.span.clone()];
            if keep {
                assert_eq!(s.text, source);
            } else {
                assert_eq!(
                    s.text,
                    tilmash::normalize::normalize(source, tilmash::normalize::Profile::Export)
                );
            }
        }
        if !keep {
            assert_eq!(seg.sentences[0].text, "Қазақстандағы ошақтарының бірі.");
            assert_eq!(
                seg.sentences[1].text,
                "Жаһанша Досмұхамедов «Алаш» партиясында болды."
            );
        }
    }
}

#[test]
fn blank_stdin_gives_one_output_line_per_input_line() {
    use std::io::Write;
    let mut child = common::bin()
        .args(["normalize", "--profile", "align", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"\n  \n\n").unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    assert_eq!(String::from_utf8_lossy(&o.stdout), "\n\n\n");
}
