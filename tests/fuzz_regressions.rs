//! Every input a fuzz target (fuzz/) found failing, kept as a test.

use tilmash::export::{tmx_read::read_tmx, write_tmx, TmxOptions};
use tilmash::model::{Lang, TranslationUnit, UnitSide, UnitType};

fn unit(src: &str, tgt: &str) -> TranslationUnit {
    let side = |lang, text: &str| UnitSide {
        lang,
        text: text.to_string(),
        doc: "d.txt".into(),
        sentences: vec![0],
    };
    TranslationUnit {
        src: side(Lang::Ru, src),
        tgt: side(Lang::Kk, tgt),
        bead: "1-1".into(),
        unit_type: UnitType::Parallel,
        score: 0.9,
    }
}

fn roundtrip(src: &str, tgt: &str) -> (String, String) {
    let opts = TmxOptions::simple(Lang::Ru, Lang::Kk, "t", &[]);
    let (xml, n) = write_tmx(&[unit(src, tgt)], &opts);
    assert_eq!(n, 1);
    let units = read_tmx(xml.as_bytes()).unwrap();
    (
        units[0].variants[0].1.clone(),
        units[0].variants[1].1.clone(),
    )
}

/// fuzz/tmx_roundtrip crash-527a396c: a carriage return inside a segment was written raw, and
/// an XML parser turns a raw CR into LF, so the text read back differed.
#[test]
fn tmx_roundtrip_keeps_carriage_returns() {
    // The control character keeps the CR from being trimmed; the writer drops the control.
    assert_eq!(
        roundtrip("\u{1}\r+", "a\r\nb"),
        ("\r+".into(), "a\r\nb".into())
    );
}
