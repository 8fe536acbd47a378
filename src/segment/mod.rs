//! Sentence segmentation, per language. The engine is language-neutral; what differs between
//! languages (abbreviations and how they behave, heading labels such as "Article 8") lives in
//! `data/segment/<lang>.tsv`, a table a linguist can read and extend.
//!
//! The engine makes one pass over the text, so it is linear in the input size:
//! 1. quotes and brackets that close within a short distance are found first; a full stop
//!    inside them does not end the sentence around them (`«Сейчас мы ничего не делаем. Я звонил».`);
//! 2. at each terminator cluster (`.`, `!`, `?`, `…`, with closing quotes/brackets after it) the
//!    token before and the token after decide: abbreviations, initials, list numbers, Kazakh
//!    suffixes glued to a full stop (`ХХ ғ.-дың`), speech attribution after a dash (`!» – деді`);
//! 3. two boundaries need no punctuation: after a heading label and its number (`Article 8`,
//!    `Статья 8`, `8-бап`) and before a news dateline (`… Rise LONDON – China's …`).

pub mod bench;
mod rules;

pub use rules::{AbbrevClass, Rules};

use crate::model::{Lang, ParagraphKind};
use std::cell::RefCell;
use std::ops::Range;

/// Characters that may follow a terminator and still belong to its sentence.
const CLOSERS: &[char] = &['»', '"', '”', '’', '\'', ')', ']', '}', '›', '“'];
/// Characters that may open a sentence before its first letter.
const OPENERS: &[char] = &[
    '«', '"', '“', '„', '‘', '(', '[', '‹', '—', '–', '-', '¿', '¡', '\'',
];
const DASHES: &[char] = &['—', '–', '-', '‒', '―'];
/// A quote or bracket longer than this (in characters) is not treated as one unit: an unclosed
/// or very long quotation must not swallow the sentences after it.
const MAX_SHIELD_CHARS: usize = 400;

/// `char::is_whitespace`, answered without a table look-up for letters (asked of every
/// character of every paragraph).
#[inline]
fn is_space(c: char) -> bool {
    match c as u32 {
        0..=0x7F => matches!(c, ' ' | '\t'..='\r'),
        0x85 | 0xA0 => true,
        0x86..=0x167F => false,
        _ => c.is_whitespace(),
    }
}

fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '‼' | '⁇' | '⁈' | '⁉')
}

/// A paragraph's characters with their byte offsets are kept in a buffer per thread between
/// calls (one allocation per paragraph cost more than segmenting a short one); a buffer grown
/// past this many characters by a long paragraph is given back after it.
const KEEP_CHARS: usize = 1 << 16;

/// Splits `text` into sentence byte ranges (trimmed, never empty).
pub fn split(text: &str, lang: Lang) -> Vec<Range<usize>> {
    thread_local! {
        static CHARS: RefCell<Vec<(usize, char)>> = const { RefCell::new(Vec::new()) };
    }
    CHARS.with(|buf| {
        let mut chars = buf.take();
        chars.clear();
        chars.extend(text.char_indices());
        let out = split_chars(text, &chars, Rules::for_lang(lang));
        if chars.capacity() <= KEEP_CHARS {
            buf.replace(chars);
        }
        out
    })
}

fn split_chars(text: &str, chars: &[(usize, char)], rules: &Rules) -> Vec<Range<usize>> {
    let n = chars.len();
    let shielded = Shielded::find(text, chars);
    let mut out = Vec::new();
    // Start of the current sentence, as a char index (after leading whitespace).
    let mut start = 0;
    let byte = |i: usize| chars.get(i).map_or(text.len(), |&(p, _)| p);
    let mut i = 0;
    while i < n {
        let c = chars[i].1;
        // Boundaries without punctuation: after "Article 8", before "LONDON –".
        if is_space(c) && i > start {
            if let Some(cut) = unpunctuated_break(text, chars, rules, start, i) {
                push_trimmed(text, byte(start), byte(cut), &mut out);
                start = cut;
                i = cut;
                continue;
            }
        }
        if !is_terminator(c) {
            i += 1;
            continue;
        }
        // The terminator cluster and the closing quotes/brackets after it.
        let mut j = i + 1;
        while j < n && is_terminator(chars[j].1) {
            j += 1;
        }
        let cluster_end = j;
        loop {
            while j < n && CLOSERS.contains(&chars[j].1) {
                j += 1;
            }
            // A citation or footnote bracket glued after the full stop belongs to the sentence:
            // "…in Dulwich.[17] Placed…", "…(1821).[22]".
            match citation_len(&chars[j..]) {
                Some(len) => j += len,
                None => break,
            }
        }
        let mut k = j;
        while k < n && chars[k].1.is_whitespace() {
            k += 1;
        }
        // A citation after the full stop and a space still belongs to the sentence: "elegies. [25] In".
        while let Some(len) = citation_len(&chars[k..]) {
            j = k + len;
            k = j;
            while k < n && chars[k].1.is_whitespace() {
                k += 1;
            }
        }
        // A stop glued to the next sentence ("quality.You'll", "және т.б.Олардың"): a boundary when
        // a lower-case word or an etc.-abbreviation is followed by a capitalised word.
        if k == j && cluster_end == j && j + 2 < n && !shielded.at(j) && chars[i].1 == '.' {
            let glued = chars[j].1.is_uppercase()
                && chars[j + 1].1.is_lowercase()
                && chars[j + 2].1.is_lowercase();
            if glued && glued_boundary(text, chars, rules, start, i) {
                push_trimmed(text, byte(start), byte(j), &mut out);
                start = j;
                i = j;
                continue;
            }
        }
        if k > j && k < n && !shielded.at(j) {
            // The cluster's characters are contiguous in the text.
            let cluster = &text[byte(i)..byte(cluster_end)];
            let ctx = Context {
                text,
                chars,
                rules,
                start,
                dot: i,
                cluster,
                closed_quote: j > cluster_end,
                next: k,
            };
            if ctx.is_boundary() {
                push_trimmed(text, byte(start), byte(j), &mut out);
                start = k;
            }
        }
        i = j.max(i + 1);
    }
    push_trimmed(text, byte(start), text.len(), &mut out);
    out
}

/// The sentences of one paragraph of the given kind: an entry of a reference list
/// ("Nurpeisov K. Alash hām Alashorda. Almaty, Atatek, 1995.") is one unit, never split.
pub fn split_unit(text: &str, lang: Lang, kind: ParagraphKind) -> Vec<&str> {
    if kind == ParagraphKind::Reference {
        let t = text.trim();
        return if t.is_empty() { vec![] } else { vec![t] };
    }
    split_str(text, lang)
}

/// Convenience: the sentences of `text` as string slices.
pub fn split_str(text: &str, lang: Lang) -> Vec<&str> {
    split(text, lang).into_iter().map(|r| &text[r]).collect()
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Range<usize>>) {
    if start >= end {
        return;
    }
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() {
        out.push(start + lead..end - trail);
    }
}

/// The char positions strictly inside a quote or bracket pair that closes within
/// `MAX_SHIELD_CHARS`: position `j` is shielded when it lies after an opener whose closer is at
/// or after `j`. Found with a stack in one pass, so linear in the input; kept as sorted,
/// disjoint char ranges (most paragraphs have none or a few).
struct Shielded {
    ranges: Vec<Range<usize>>,
}

impl Shielded {
    fn find(text: &str, chars: &[(usize, char)]) -> Shielded {
        let mut ranges: Vec<Range<usize>> = Vec::new();
        // Every opener is ASCII or has one of these bytes in its UTF-8 form: text without
        // any has nothing to shield.
        if !text
            .bytes()
            .any(|b| matches!(b, b'(' | b'[' | b'"' | 0xAB | 0x9C | 0x9E))
        {
            return Shielded { ranges };
        }
        let mut stack: Vec<(char, usize)> = Vec::new();
        let prev_is_open_context = |i: usize| {
            i == 0 || {
                let p = chars[i - 1].1;
                p.is_whitespace() || OPENERS.contains(&p) || matches!(p, ':' | ',' | ';')
            }
        };
        for (i, &(_, c)) in chars.iter().enumerate() {
            if !matches!(c, '»' | ')' | ']' | '”' | '“' | '"' | '«' | '(' | '[' | '„') {
                continue;
            }
            let closes = match c {
                '»' => Some(&['«'][..]),
                ')' => Some(&['('][..]),
                ']' => Some(&['['][..]),
                '”' => Some(&['“', '„'][..]),
                '“' if stack.last().is_some_and(|&(o, _)| o == '„') => Some(&['„'][..]),
                '"' if !prev_is_open_context(i) => Some(&['"'][..]),
                _ => None,
            };
            if let Some(openers) = closes {
                // Look a few entries down the stack, so that one stray opener does not block
                // the rest.
                let depth = stack.len();
                if let Some(pos) = (depth.saturating_sub(4)..depth)
                    .rev()
                    .find(|&p| openers.contains(&stack[p].0))
                {
                    let open = stack[pos].1;
                    stack.truncate(pos);
                    if i - open <= MAX_SHIELD_CHARS {
                        ranges.push(open + 1..i + 1);
                    }
                }
                continue;
            }
            if matches!(c, '«' | '(' | '[' | '“' | '„') || c == '"' && prev_is_open_context(i)
            {
                stack.push((c, i));
            }
        }
        // Pairs come out in the order they close; merge them into disjoint ranges.
        ranges.sort_unstable_by_key(|r| r.start);
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        Shielded { ranges: merged }
    }

    fn at(&self, j: usize) -> bool {
        let k = self.ranges.partition_point(|r| r.start <= j);
        k > 0 && j < self.ranges[k - 1].end
    }
}

/// What the engine knows at one terminator cluster.
struct Context<'a> {
    text: &'a str,
    chars: &'a [(usize, char)],
    rules: &'a Rules,
    /// Char index where the current sentence starts.
    start: usize,
    /// Char index of the first terminator of the cluster.
    dot: usize,
    cluster: &'a str,
    /// A closing quote or bracket follows the cluster ("…?' says Pall": attribution follows).
    closed_quote: bool,
    /// Char index of the first non-space character after the cluster.
    next: usize,
}

impl Context<'_> {
    /// The first letter or digit after the cluster, skipping opening quotes, brackets and dashes.
    fn next_alnum(&self) -> Option<char> {
        self.chars[self.next..]
            .iter()
            .take(6)
            .map(|&(_, c)| c)
            .find(|c| c.is_alphanumeric())
    }

    fn is_boundary(&self) -> bool {
        let first = self.chars[self.next].1;
        // A mention, a hashtag or an emoji after a terminator starts a new sentence (social media).
        if first == '@' || first == '#' || is_pictograph(first) {
            return true;
        }
        let Some(alnum) = self.next_alnum() else {
            // Emoji, symbols: a new sentence when the cluster is a strong one.
            return !first.is_alphanumeric() && self.cluster != ".";
        };
        // Speech attribution after a quotation: «Жасаған-ау, бала бер!» – деді.
        if DASHES.contains(&first) && alnum.is_lowercase() {
            return false;
        }
        let upper_or_digit = alnum.is_uppercase() || alnum.is_ascii_digit();
        if self.cluster != "." {
            // "!", "?", "…", "...", "?!": a boundary before anything that starts a sentence;
            // before a lower-case word only for "?" and "!" (questions in informal text).
            let strong = self.cluster.contains(['!', '?']);
            if self.cluster == "?"
                && !self.closed_quote
                && self.rules.continues_question(self.next_word())
            {
                return false;
            }
            return upper_or_digit
                || alnum.is_alphabetic() && !alnum.is_lowercase()
                || strong
                    && alnum.is_lowercase()
                    && self.rules.lowercase_after_question
                    && !self.closed_quote;
        }
        let word = self.word_before();
        let capital_start = upper_or_digit || alnum.is_alphabetic() && !alnum.is_lowercase();
        if !capital_start {
            return self.lowercase_start_breaks(word);
        }
        if word.is_empty() {
            return true;
        }
        // Initials: "В.И. Ленин", "M. Tynyshpaev", "А. Бөкейханов".
        let last_seg = word.rsplit('.').next().unwrap_or(word);
        let mut lc = last_seg.chars();
        if let (Some(ch), None) = (lc.next(), lc.next()) {
            if ch.is_uppercase() {
                return false;
            }
        }
        // Numbering at the start of a heading or list item: "1. Introduction", "2.1. Әдістер", "IV. Итоги".
        if self.sentence_so_far() == word && is_list_number(word) {
            return false;
        }
        // A caption label: "Table 1. State and political structure…", "Кесте 2. Алаш…".
        if self.rules.is_caption_label(self.sentence_so_far()) {
            return false;
        }
        let class = self.rules.class_of(word).or_else(|| {
            // Spaced abbreviations: "т. е.", "т. б.", "и т. д."
            let prev = self.token_before(word);
            if prev.ends_with('.') && prev.chars().count() <= 4 {
                self.rules.class_of(&format!("{prev}{word}"))
            } else {
                None
            }
        });
        match class {
            Some(AbbrevClass::NonFinal) => false,
            Some(AbbrevClass::BeforeNumber) => !alnum.is_ascii_digit(),
            Some(AbbrevClass::MaybeFinal) => !alnum.is_ascii_digit(),
            None => true,
        }
    }

    /// A full stop before a lower-case word ends a sentence only when the next word is a
    /// mixed-case name ("pH", "iPhone"), or, where the language's table allows it (informal
    /// English), after a plain word of four letters or more that is no abbreviation.
    fn lowercase_start_breaks(&self, word: &str) -> bool {
        let next_word: Vec<char> = self.chars[self.next..]
            .iter()
            .map(|&(_, c)| c)
            .take_while(|c| c.is_alphanumeric())
            .take(5)
            .collect();
        if next_word.len() >= 2 && next_word[1..].iter().any(|c| c.is_uppercase()) {
            return self.rules.class_of(word).is_none();
        }
        self.rules.lowercase_after_period
            && next_word.len() >= 2
            && word.chars().count() >= 4
            && word.chars().all(char::is_alphabetic)
            && self.rules.class_of(word).is_none()
    }

    /// The word after the cluster.
    fn next_word(&self) -> &str {
        let rest = &self.text[self.chars[self.next].0..];
        let end = rest
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(rest.len());
        &rest[..end]
    }

    /// The text of the current sentence up to the terminator, trimmed.
    fn sentence_so_far(&self) -> &str {
        let from = self.chars[self.start].0;
        self.text[from..self.chars[self.dot].0].trim()
    }

    /// The token before the terminator (back to whitespace or opening punctuation).
    fn word_before(&self) -> &str {
        let head = self.sentence_so_far();
        let from = head
            .rfind(|c: char| c.is_whitespace() || matches!(c, '«' | '"' | '“' | '„' | '(' | '['))
            .map_or(0, |p| {
                p + head[p..].chars().next().map_or(1, char::len_utf8)
            });
        &head[from..]
    }

    /// The whitespace-separated token before `word` in the current sentence.
    fn token_before(&self, word: &str) -> &str {
        let head = self.sentence_so_far();
        let head = head[..head.len() - word.len()].trim_end();
        head.rsplit(char::is_whitespace).next().unwrap_or("")
    }
}

/// Whether the token before the full stop at `dot` can end a sentence glued to the next one.
fn glued_boundary(
    text: &str,
    chars: &[(usize, char)],
    rules: &Rules,
    start: usize,
    dot: usize,
) -> bool {
    let head = text[chars[start].0..chars[dot].0].trim();
    let from = head
        .rfind(|c: char| c.is_whitespace() || matches!(c, '«' | '"' | '“' | '(' | '['))
        .map_or(0, |p| {
            p + head[p..].chars().next().map_or(1, char::len_utf8)
        });
    let word = &head[from..];
    // An initial glued to its name: "Г.Потанин", "А.Бөкейханов".
    let last_seg = word.rsplit('.').next().unwrap_or(word);
    if last_seg.chars().count() == 1 && last_seg.chars().all(char::is_uppercase) {
        return false;
    }
    match rules.class_of(word) {
        Some(AbbrevClass::MaybeFinal) => true,
        Some(_) => false,
        None => {
            !word.contains('.')
                && word.chars().count() >= 3
                && word.chars().all(|c| c.is_lowercase())
        }
    }
}

/// Length in chars of a citation bracket at the start of `rest`: "[17]", "[17, 18]", "[12]–[15]",
/// "[18, p. 45]".
fn citation_len(rest: &[(usize, char)]) -> Option<usize> {
    if rest.first()?.1 != '[' {
        return None;
    }
    let close = rest.iter().take(24).position(|&(_, c)| c == ']')?;
    let body = &rest[1..close];
    let digits = body.iter().filter(|&&(_, c)| c.is_ascii_digit()).count();
    let letters = body.iter().filter(|&&(_, c)| c.is_alphabetic()).count();
    (digits > 0 && letters <= 3 && body.first().is_some_and(|&(_, c)| c.is_ascii_digit()))
        .then_some(close + 1)
}

/// ":)", "=)))", ":-(", ":D", ")))" — a smiley written with punctuation.
fn is_emoticon(token: &[(usize, char)]) -> bool {
    // Asked before every capitalised word: most tokens have a character no smiley has.
    if !token
        .iter()
        .all(|&(_, c)| matches!(c, ':' | '=' | ';' | '-' | ')' | '(' | 'D' | 'P' | 'Р' | 'Д'))
    {
        return false;
    }
    let t: String = token.iter().map(|&(_, c)| c).collect();
    let body = t.trim_start_matches([':', '=', ';', '-']);
    let eyes = t.len() - body.len();
    let mouth_ok = !body.is_empty()
        && (body.chars().all(|c| c == ')' || c == '(')
            || body.chars().all(|c| matches!(c, 'D' | 'P' | 'Р' | 'Д')));
    mouth_ok && (eyes > 0 || body.chars().count() >= 2 && body.chars().all(|c| c == ')'))
}

/// Emoji and pictographs.
fn is_pictograph(c: char) -> bool {
    matches!(c as u32, 0x2600..=0x27BF | 0x1F000..=0x1FAFF)
}

/// "1", "2.1", "IV", "a" (a list letter), "12)" are numbering, not words.
fn is_list_number(word: &str) -> bool {
    let w = word.trim_end_matches(')');
    !w.is_empty()
        && (w.chars().all(|c| c.is_ascii_digit() || c == '.')
            || w.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C'))
            || w.chars().count() == 1 && w.chars().all(char::is_lowercase))
}

/// A boundary at whitespace char `ws` that no punctuation marks. Returns the char index where the
/// next sentence starts.
fn unpunctuated_break(
    text: &str,
    chars: &[(usize, char)],
    rules: &Rules,
    start: usize,
    ws: usize,
) -> Option<usize> {
    let prev = chars[ws - 1].1;
    let next = chars.get(ws + 1).map(|&(_, c)| c)?;
    // A heading label with its number: "Article 8 Everyone…", "Статья 8 Каждый…", "8-бап Әркім…".
    if ws - start <= 24 && next.is_uppercase() && (prev.is_ascii_digit() || prev.is_alphabetic()) {
        let head = text[chars[start].0..chars[ws].0].trim();
        if rules.is_heading_label(head) {
            return Some(ws + 1);
        }
    }
    // An emoticon ends a sentence the way "!" does: "Шедеврально! =) Супер", "не собираюсь =))) Я".
    if next.is_uppercase() || is_pictograph(next) {
        let from = (start..ws)
            .rev()
            .find(|&p| chars[p].1.is_whitespace())
            .map_or(start, |p| p + 1);
        if ws - from <= 8 && is_emoticon(&chars[from..ws]) {
            return Some(ws + 1);
        }
    }
    // A news dateline: "Rewriting the Monetary-Policy Script MUNICH – How long…"; the dash may
    // be glued to the sentence after it ("Macron's Labor Gambit CAMBRIDGE –At the end…").
    if DASHES.contains(&next) {
        let after = chars.get(ws + 2).map(|&(_, c)| c);
        let glued = matches!(next, '–' | '—')
            && after.is_some_and(char::is_uppercase)
            && chars.get(ws + 3).is_some_and(|&(_, c)| c.is_lowercase());
        if after.is_some_and(char::is_whitespace) || glued {
            return dateline_start(chars, start, ws);
        }
    }
    None
}

/// When the words before the dash at `ws + 1` are an upper-case place name ("LONDON",
/// "WASHINGTON, DC", "OXFORD/SHANGHAI") that follows a headline without final punctuation,
/// returns the char index where the place name starts.
fn dateline_start(chars: &[(usize, char)], start: usize, ws: usize) -> Option<usize> {
    let mut i = ws;
    let mut words = 0;
    let mut letters = 0;
    // Walk back over at most three upper-case words.
    loop {
        let end = i;
        while i > start && !chars[i - 1].1.is_whitespace() {
            i -= 1;
        }
        let word: Vec<char> = chars[i..end].iter().map(|&(_, c)| c).collect();
        let word_letters = word.iter().filter(|c| c.is_alphabetic()).count();
        let upper = word_letters >= 2
            && word
                .iter()
                .all(|&c| c.is_uppercase() || ",/.-'’".contains(c))
            && word[0].is_uppercase();
        if !upper {
            if words == 0 {
                return None;
            }
            i = end + 1;
            break;
        }
        words += 1;
        letters += word_letters;
        if words > 3 || i <= start {
            return None;
        }
        i -= 1; // the space before this word
        while i > start && chars[i - 1].1.is_whitespace() {
            i -= 1;
        }
        if i <= start {
            return None;
        }
    }
    // The headline before it: ends in a letter, digit or closing quote, not in punctuation.
    let mut h = i - 1;
    while h > start && chars[h].1.is_whitespace() {
        h -= 1;
    }
    let last = chars[h].1;
    // the headline may open with a year or a quote: "2018 жылы бар ақиқатты ашып айту ЛОНДОН – …"
    let first = chars[start].1;
    let headline_ok = (last.is_alphanumeric() || matches!(last, '»' | '”' | '"' | ')'))
        && (first.is_uppercase() || first.is_ascii_digit() || matches!(first, '«' | '“' | '"'))
        && h > start + 2
        && chars[start..h].iter().any(|&(_, c)| c.is_lowercase());
    (headline_ok && letters >= 3).then_some(i)
}

#[cfg(test)]
mod tests;
