//! `tilmash segment` on the bundled corpus, read as a new user would: every output line should be
//! a sentence (or a heading, a list item, a caption, a reference entry), never a fragment.

mod common;

use common::{repo, run, stdout};

fn segment(file: &str, lang: &str) -> Vec<String> {
    let path = repo().join("corpus/alash").join(file);
    let out = run(&[
        "segment",
        "--lang",
        lang,
        path.to_str().expect("utf-8 path"),
    ]);
    assert!(out.status.success(), "segment failed on {file}");
    stdout(&out).lines().map(str::to_string).collect()
}

fn corpus_file(prefix: &str) -> String {
    let dir = repo().join("corpus/alash");
    std::fs::read_dir(&dir)
        .expect("corpus/alash")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with(prefix))
        .expect("corpus file")
}

#[test]
fn no_fragments_in_the_html_copy() {
    let lines = segment(&corpus_file("003_"), "en");
    assert!(
        lines.iter().any(|l| l == "1. Introduction"),
        "heading kept whole"
    );
    assert!(lines.iter().any(|l| l == "2. Materials and Methods"));
    for l in &lines {
        assert!(
            !l.trim().chars().all(|c| c.is_ascii_digit() || c == '.'),
            "a bare number or list mark on its own line: {l:?}"
        );
        // No sentence ends on an initial ("… by S." / "Zhussip et al.").
        let last = l.rsplit(' ').next().unwrap_or("");
        let initial =
            last.len() == 2 && last.ends_with('.') && last.starts_with(char::is_uppercase);
        assert!(!initial, "split after an initial: {l:?}");
    }
}

#[test]
fn blank_line_breaks_inside_a_sentence_are_rejoined() {
    let lines = segment(&corpus_file("002_"), "en");
    for l in &lines {
        assert!(!l.ends_with(','), "a sentence ends in a comma: {l:?}");
        assert!(
            !l.starts_with(|c: char| c.is_lowercase()),
            "a sentence starts in lower case: {l:?}"
        );
    }
    assert!(lines
        .iter()
        .any(|l| l.starts_with("Nurpeisov K. Alash hām Alashorda. Almaty")));
}

#[test]
fn kazakh_paper_keeps_initials_and_years() {
    let lines = segment(&corpus_file("001_"), "kk");
    for l in &lines {
        let last = l.rsplit(' ').next().unwrap_or("");
        assert!(
            // ("т.б." may end a sentence: "… және т.б.")
            !(last == "ж."
                || last == "ғ."
                || last.chars().count() == 2
                    && last.ends_with('.')
                    && last.starts_with(char::is_uppercase)),
            "split after an abbreviation or initial: {l:?}"
        );
    }
}
