//! The aligner on random pairs of sentence lists: beads cover every sentence of both sides
//! exactly once, in order, with a finite score in [0, 1].
#![no_main]
use libfuzzer_sys::fuzz_target;
use tilmash::align::{align, AlignConfig};

fuzz_target!(|input: (Vec<String>, Vec<String>)| {
    let (a, b) = input;
    if a.len() > 300 || b.len() > 300 {
        return;
    }
    let sa: Vec<&str> = a.iter().map(String::as_str).collect();
    let sb: Vec<&str> = b.iter().map(String::as_str).collect();
    let beads = align(&sa, &sb, &AlignConfig::default());
    let (mut i, mut j) = (0, 0);
    for bead in &beads {
        for &k in &bead.src {
            assert_eq!(k, i);
            i += 1;
        }
        for &k in &bead.tgt {
            assert_eq!(k, j);
            j += 1;
        }
        assert!(bead.score.is_finite() && (0.0..=1.0).contains(&bead.score), "{bead:?}");
    }
    assert_eq!((i, j), (sa.len(), sb.len()));
});
