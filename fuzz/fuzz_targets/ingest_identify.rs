//! Any bytes through encoding detection, decoding, paragraph rebuild and language identification:
//! an error is fine, a panic or a hang is not; decoded text must never contain NUL.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use tilmash::ingest;

fuzz_target!(|data: &[u8]| {
    let forced = [None, Some(ingest::TextEncoding::Kz1048), Some(ingest::TextEncoding::Utf16Le { bom: false })];
    let which = data.first().map_or(0, |b| *b as usize % forced.len());
    if let Ok((text, _report)) = ingest::decode_bytes(Path::new("<fuzz>"), data, forced[which]) {
        assert!(!text.contains('\0'));
        for p in ingest::build_paragraphs(&text) {
            let g = tilmash::langid::identify(&p.text);
            assert!((0.0..=1.0).contains(&g.confidence), "{g:?}");
        }
    }
});
