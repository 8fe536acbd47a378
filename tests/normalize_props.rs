//! Property tests: both profiles never panic, are idempotent, keep the tracked and untracked
//! results identical, and map every change back to a valid range of the source.

use proptest::prelude::*;
use tilmash::normalize::{
    is_forbidden_control, match_key, name_key, normalize, normalize_every_step, normalize_tracked,
    Profile,
};

/// Characters the rules care about, so that random strings often hit them: Kazakh, Russian and
/// Latin letters, look-alikes, KZ-1048 and mojibake characters, marks, spaces, quotes, invisibles.
const ALPHABET: &str =
    "аеорсхуіһәғқңөұүАЕОРСХУІҺӘҒҚҢӨҰҮбвгджзийклмнптфцчшщъыьэюяХІaeopcxyihkmqAEOPCXYIHKMTBV\
əǝɵθŋñüöäğūşıÄÖÜΘΑοҡӈӄҟҝќћѓҕӻӷӊӧӱӯӏѳЌЋЎЈҐЄЇЅўјґєїѕРСТУ‘’«»“”„…‐‑–—\u{301}\u{300}\u{308}\u{306}\
\u{A0}\u{202F}\u{2009}\u{AD}\u{200B}\u{200D}\u{FEFF}\u{1}\u{9F}Ѐѝ .,-'\"1917";

fn mixed_text() -> impl Strategy<Value = String> {
    let chars: Vec<char> = ALPHABET.chars().collect();
    prop::collection::vec(prop::sample::select(chars), 0..60).prop_map(|v| v.into_iter().collect())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        mixed_text(),
        any::<String>(),
        "[a-zа-яәғқңөұүһі .«»…]{0,40}"
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn profiles_are_idempotent(s in any_text()) {
        for p in [Profile::Export, Profile::Align] {
            let once = normalize(&s, p);
            let twice = normalize(&once, p);
            prop_assert_eq!(&twice, &once, "profile {:?} on {:?}", p, s);
            prop_assert!(!once.chars().any(|c| is_forbidden_control(c) && !matches!(c, '\t' | '\n' | '\r')));
            prop_assert_eq!(once.trim(), once.as_str());
        }
        let _ = match_key(&s);
        let _ = name_key(&s);
    }

    #[test]
    fn tracking_changes_nothing_and_maps_into_the_source(s in any_text()) {
        for p in [Profile::Export, Profile::Align] {
            let n = normalize_tracked(&s, p);
            prop_assert_eq!(&n.text, &normalize(&s, p));
            // The byte-scan shortcut never skips a step that had work to do.
            prop_assert_eq!(&n.text, &normalize_every_step(&s, p), "shortcut on {:?}", s);
            for c in &n.changes {
                prop_assert!(s.get(c.source.clone()).is_some(), "{:?} in {:?}", c, s);
            }
            let r = n.map.source_range(0..n.text.len());
            prop_assert!(s.get(r).is_some());
        }
    }
}
