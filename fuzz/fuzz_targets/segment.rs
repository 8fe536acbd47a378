//! Sentence splitting in every language on any text: spans in order, on character boundaries,
//! inside the text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tilmash::model::Lang;

fuzz_target!(|text: &str| {
    for lang in [Lang::Kk, Lang::Ru, Lang::En] {
        let mut last = 0;
        for span in tilmash::segment::split(text, lang) {
            assert!(span.start >= last && span.start <= span.end && span.end <= text.len());
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            last = span.end;
        }
    }
});
