//! Normalization: Kazakh-aware repair, Unicode hygiene, and transliteration keys.
//!
//! Two profiles (`shared/docs/kazakh-normalization.md`, section 5):
//! - `Export`: what translators receive — repaired letters and hygiene (mojibake, KZ-1048, NFC,
//!   invisible characters, spaces, hyphens, look-alike letters), typography as written (quotes,
//!   ellipsis, no-break spaces, stress marks and Cyrillic Roman numerals are kept);
//! - `Align`: what matching uses — additionally folds spaces, quotes, the ellipsis, stress marks
//!   and Cyrillic Roman numerals.
//!
//! `match_key` derives a lower-cased, punctuation-folded key from the align form; `name_key` a
//! script-independent key for names; `transliterate` renders Cyrillic in a standard Latin scheme.
//!
//! Every rule is a step over the line that records what it changed; `normalize_tracked` returns
//! those changes with their positions in the source (for `--explain`) and an `OffsetMap` from the
//! result back to the source.

mod chars;
mod features;
mod mojibake;
mod names;
mod rewrite;
mod steps;
mod tables;
mod translit;
mod words;

pub use chars::is_forbidden_control;
pub use names::{cognate_key, name_key, name_similarity, NameKeys, NAME_MATCH_THRESHOLD};
pub use rewrite::OffsetMap;
pub use translit::{transliterate, Scheme};

use features::Features;
use rewrite::Rewriter;
use std::borrow::Cow;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    Export,
    Align,
}

/// One change made to a line: the source byte range it replaced, the text before and after the
/// step, and the rule's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Byte range in the source line.
    pub source: std::ops::Range<usize>,
    pub before: String,
    pub after: String,
    pub rule: &'static str,
}

/// A normalized line with the changes that made it and the map back to the source.
#[derive(Debug, Clone)]
pub struct Normalized {
    pub text: String,
    pub changes: Vec<Change>,
    pub map: OffsetMap,
}

/// Rules can enable one another (a word turned Cyrillic may now hold a Khanty ӈ; NFC after a
/// deleted stress mark may compose ӧ), so the steps run again until nothing changes.
const MAX_ROUNDS: usize = 4;

struct Run {
    track: bool,
    /// Skip steps that the byte scan says have nothing to do (off only to test the scan).
    gate: bool,
    changes: Vec<Change>,
    map: Option<OffsetMap>,
}

impl Run {
    /// Runs one step on `cur`; returns whether it changed anything.
    fn step(&mut self, cur: &mut Cow<'_, str>, f: impl FnOnce(&str, &mut Rewriter)) -> bool {
        let result = {
            let mut rw = Rewriter::new(cur, self.track);
            f(cur, &mut rw);
            rw.finish()
        };
        let Some((new, edits)) = result else {
            return false;
        };
        if let Some(map) = self.map.as_mut() {
            for e in &edits {
                self.changes.push(Change {
                    source: map.source_range(e.src.clone()),
                    before: cur[e.src.clone()].to_string(),
                    after: new[e.dst.clone()].to_string(),
                    rule: e.rule,
                });
            }
            map.apply(&edits, new.len());
        }
        *cur = Cow::Owned(new);
        true
    }
}

fn run<'a>(text: &'a str, profile: Profile, run: &mut Run) -> Cow<'a, str> {
    let mut cur = Cow::Borrowed(text);
    for _ in 0..MAX_ROUNDS {
        let gate = run.gate;
        let scan = |s: &str| {
            if gate {
                Features::scan(s.as_bytes())
            } else {
                Features::all()
            }
        };
        let mut f = scan(&cur);
        let mut again = false;
        if f.mojibake && run.step(&mut cur, mojibake::repair) {
            again = true;
            f = scan(&cur);
        }
        if f.nfc && run.step(&mut cur, steps::nfc) {
            f = scan(&cur);
        }
        let mut changed = false;
        if f.characters && run.step(&mut cur, |l, rw| steps::characters(l, profile, rw)) {
            changed = true;
            f = scan(&cur);
        }
        if f.spaces && run.step(&mut cur, |l, rw| steps::spaces(l, profile, rw)) {
            changed = true;
            f = scan(&cur);
        }
        let words_changed = f.words && run.step(&mut cur, |l, rw| words::words(l, profile, rw));
        again |= words_changed;
        // Deleting or replacing characters can leave a sequence that NFC composes.
        if changed || words_changed {
            again |= run.step(&mut cur, steps::nfc);
        }
        if !again {
            break;
        }
    }
    cur
}

/// Normalizes one line of text with the given profile.
pub fn normalize(text: &str, profile: Profile) -> String {
    let mut r = Run {
        track: false,
        gate: true,
        changes: Vec::new(),
        map: None,
    };
    run(text, profile, &mut r).into_owned()
}

/// `normalize` without the byte-scan shortcut: every step looks at every line. For tests that
/// check the shortcut never skips a step that had work to do.
#[doc(hidden)]
pub fn normalize_every_step(text: &str, profile: Profile) -> String {
    let mut r = Run {
        track: false,
        gate: false,
        changes: Vec::new(),
        map: None,
    };
    run(text, profile, &mut r).into_owned()
}

/// Like `normalize`, and also returns every change with its source position, and the offset map.
pub fn normalize_tracked(text: &str, profile: Profile) -> Normalized {
    let mut r = Run {
        track: true,
        gate: true,
        changes: Vec::new(),
        map: Some(OffsetMap::identity(text.len())),
    };
    let out = run(text, profile, &mut r).into_owned();
    Normalized {
        map: r.map.unwrap_or_else(|| OffsetMap::identity(out.len())),
        text: out,
        changes: r.changes,
    }
}

/// Lower-cased, punctuation-folded key for comparing texts: letters and digits only,
/// single spaces between words.
pub fn match_key(text: &str) -> String {
    let aligned = normalize(text, Profile::Align);
    let mut out = String::with_capacity(aligned.len());
    for w in aligned
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().flat_map(char::to_lowercase));
    }
    out
}

/// `U+0430 а U+0301` style listing of a string's code points, for explanations and test failures.
pub fn code_points(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&format!("U+{:04X}", c as u32));
        if !c.is_control()
            && !c.is_whitespace()
            && !unicode_normalization::char::is_combining_mark(c)
            && !chars::is_invisible(c)
        {
            out.push(' ');
            out.push(c);
        }
    }
    if out.is_empty() {
        out.push('∅');
    }
    out
}

/// `--explain`: one tab-separated row per change of every line — line number (1-based), column
/// (1-based, in characters of the source line), code points before, code points after, rule.
pub fn explain_lines(text: &str, profile: Profile) -> String {
    let mut out = String::from("line\tcolumn\tbefore\tafter\trule\n");
    for (i, line) in text.lines().enumerate() {
        let mut changes = normalize_tracked(line, profile).changes;
        changes.sort_by_key(|c| c.source.start);
        for c in changes {
            let col = line[..c.source.start].chars().count() + 1;
            out.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\n",
                i + 1,
                col,
                code_points(&c.before),
                code_points(&c.after),
                c.rule
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests;
