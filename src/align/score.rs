//! Sentence-pair scoring: what makes two sentences (or two runs of sentences) translations of
//! each other. This is the stable API that sentence alignment and comparable-text mining share:
//!
//! ```
//! use tilmash::align::score::{Scorer, Side};
//! use tilmash::align::AlignConfig;
//! use tilmash::model::Lang;
//! let scorer = Scorer::new(Lang::Ru, Lang::Kk, &AlignConfig::default()).unwrap();
//! let a = scorer.features("Съезд открылся 30 ноября 1917 года.", Side::Src, false);
//! let b = scorer.features("Съезд 1917 жылы 30 қарашада ашылды.", Side::Tgt, false);
//! let c = scorer.features("Погода была хорошей.", Side::Tgt, false);
//! assert!(scorer.pair_score(&a, &b) > scorer.pair_score(&a, &c));
//! ```
//!
//! A sentence becomes a bag of *concept numbers* ([`SentenceFeatures::ids`]): numbers and month
//! names (dates), punctuation marks, names (transliteration keys of `normalize::name_key`, linked
//! across scripts with `normalize::name_similarity`), cognate stems, and translations from the seed
//! lexicon, a user dictionary and the lexicon induced from the corpus. Two sentences share a concept
//! when they share evidence; the similarity is the weighted share of matched evidence (a Dice
//! coefficient), combined with a Gale–Church length model whose ratio is estimated from the data.
//! The top three bits of a concept number say which signal it came from, so each signal has its
//! own weight and can be switched off.

use super::lexicon::{max_suffix, Lexicon, Months};
use super::AlignConfig;
use crate::error::Result;
use crate::model::Lang;
use crate::normalize;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasherDefault;

/// Which side of the pair a text is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Src,
    Tgt,
}

/// Signal kinds, stored in the top three bits of a concept number.
pub mod kind {
    pub const NUMBER: u32 = 0;
    pub const PUNCT: u32 = 1;
    pub const NAME: u32 = 2;
    pub const COGNATE: u32 = 3;
    pub const SEED: u32 = 4;
    pub const INDUCED: u32 = 5;
    pub const USER: u32 = 6;
    pub const COUNT: usize = 8;
}

fn concept(k: u32, low: u32) -> u32 {
    (k << 29) | (low & 0x1FFF_FFFF)
}

/// FNV-1a: a fixed hash so concept numbers are the same on every run and machine.
pub fn fnv(parts: &[&[u8]]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for p in parts {
        for &b in *p {
            h ^= b as u32;
            h = h.wrapping_mul(0x0100_0193);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// What the scorer needs to know about one sentence (or a run of sentences merged).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SentenceFeatures {
    /// Length in characters (spaces included), for the length model.
    pub chars: f32,
    /// Sorted concept numbers (repeats kept: a multiset).
    pub ids: Vec<u32>,
    /// Sorted, de-duplicated stem numbers of the words, for lexicon induction.
    pub stems: Vec<u32>,
    /// Total evidence weight this sentence could match (words, numbers, marks, weighted).
    pub weight: f32,
    /// First sentence of a paragraph (or heading / list item), when the input had structure.
    pub para_start: bool,
    /// Sentences the segmenter finds in the unit (at least 1): a line of pre-split input that
    /// holds two sentences is two sentences' worth of content. Counted only when the search
    /// uses them (`sentence_count_cost`); 1 otherwise and for segmented input.
    pub sentences: u32,
}

/// Weights of the evidence kinds; zero switches a signal off.
#[derive(Debug, Clone, Copy)]
struct Weights {
    word: f32,
    number: f32,
    punct: f32,
    by_kind: [f32; kind::COUNT],
}

/// A lexicon induced from the corpus being aligned: stem numbers of each side → concepts.
#[derive(Debug, Clone, Default)]
pub struct InducedLexicon {
    pub src: HashMap<u32, Vec<u32>>,
    pub tgt: HashMap<u32, Vec<u32>>,
    pub pairs: usize,
}

/// What a word form contributes to a sentence (see `Scorer::word_info`).
#[derive(Debug, Clone, Default)]
struct WordInfo {
    /// Shorter than two letters: not counted.
    skip: bool,
    /// A month name: counted as a number, not as a word.
    month: bool,
    stem: u32,
    /// Its concepts from months, seed and user lexicons, names or cognates.
    concepts: Vec<u32>,
}

/// The words of one side's sentences, from [`Scorer::analyse`]: what [`Scorer::with_induced`]
/// needs to add induced concepts without reading the text again.
#[derive(Debug, Clone)]
pub struct SideWords {
    side: Side,
    /// Distinct word forms, in order of first occurrence.
    words: Vec<WordInfo>,
    /// Counted words of all sentences, as indices into `words`; sentence k's are
    /// `flat[start[k]..start[k + 1]]`.
    flat: Vec<u32>,
    start: Vec<usize>,
}

/// A fast hasher for the word-form table of `Scorer::analyse` (FxHash's rotate-xor-multiply,
/// eight bytes at a time): it is hit once per token, and its keys are not attacker-chosen.
#[derive(Default)]
struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }
}

/// Sentences per job of [`Scorer::analyse`].
const CHUNK: usize = 512;

/// A token of [`Scorer::analyse`]: a number or mark as its concept, a word as the number of its
/// form among its chunk's distinct forms.
#[derive(Debug, Clone, Copy)]
enum Tok {
    Number(u32),
    Mark(u32),
    Word(u32),
}

/// The tokens of a chunk of sentences: sentence n's are `toks[ends[n - 1]..ends[n]]`.
struct ChunkTokens<'a> {
    forms: Vec<&'a str>,
    toks: Vec<Tok>,
    ends: Vec<usize>,
}

fn number_concept(d: &str) -> u32 {
    let d = d.trim_start_matches('0');
    let d = if d.is_empty() { "0" } else { d };
    concept(kind::NUMBER, fnv(&[b"n", d.as_bytes()]))
}

fn mark_concept(c: char) -> u32 {
    let mut b = [0u8; 4];
    concept(kind::PUNCT, fnv(&[c.encode_utf8(&mut b).as_bytes()]))
}

/// What a target name key stands for: the source key it names and the source word's second
/// concept (its cognate stem, if it has one).
type NameLink = (String, Option<u32>);

/// Scores sentence pairs for one language pair.
#[derive(Debug, Clone)]
pub struct Scorer {
    pub src_lang: Lang,
    pub tgt_lang: Lang,
    /// Expected target/source character ratio.
    pub ratio: f64,
    /// Gale–Church variance per character.
    pub variance: f64,
    w: Weights,
    use_length: bool,
    use_names: bool,
    use_cognates: bool,
    /// Count the sentences of each unit (only the search's `sentence_count_cost` reads them).
    count_sentences: bool,
    seed: Lexicon,
    user: Lexicon,
    induced: InducedLexicon,
    months: (Months, Months),
    /// Name keys of the target side that name a source word: the source key (itself when the
    /// keys are equal, else the key it transliterates) and the source word's second concept
    /// (see [`Scorer::word_info`]), so a name shared by both sides matches in full.
    name_links: HashMap<String, NameLink>,
}

/// A word or number token of a sentence.
#[derive(Debug)]
enum Token<'a> {
    Word(&'a str),
    Number(&'a str),
    Mark(char),
}

fn make_token(w: &str, digit: bool) -> Token<'_> {
    if digit {
        Token::Number(w)
    } else {
        Token::Word(w)
    }
}

/// `char::is_alphanumeric`, from a table for the first 2048 code points (Latin and Cyrillic
/// text stays there; the general look-up is slow and tokenising is hot).
#[inline]
fn alphanumeric(c: char) -> bool {
    static TABLE: std::sync::OnceLock<[u64; 32]> = std::sync::OnceLock::new();
    let k = c as u32;
    if k < 2048 {
        let table = TABLE.get_or_init(|| {
            let mut t = [0u64; 32];
            for k in 0..2048u32 {
                if char::from_u32(k).is_some_and(char::is_alphanumeric) {
                    t[(k / 64) as usize] |= 1 << (k % 64);
                }
            }
            t
        });
        table[(k / 64) as usize] >> (k % 64) & 1 == 1
    } else {
        c.is_alphanumeric()
    }
}

fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut run: Option<(usize, bool)> = None; // (start byte, digits?)
    for (i, c) in text.char_indices() {
        let digit = c.is_ascii_digit();
        let alpha = !digit && alphanumeric(c);
        if let Some((s, d)) = run {
            if (d && digit) || (!d && alpha) {
                continue;
            }
            out.push(make_token(&text[s..i], d));
            run = None;
        }
        if digit || alpha {
            run = Some((i, digit));
        } else if matches!(
            c,
            '?' | '!' | '"' | '(' | ':' | ';' | '%' | '$' | '№' | '§' | '€' | '£' | '/'
        ) {
            out.push(Token::Mark(c));
        }
    }
    if let Some((s, d)) = run {
        out.push(make_token(&text[s..], d));
    }
    out
}

/// A list marker or heading number at the start of a sentence: "1)", "a)", "-", "•", "2.".
fn list_marker(text: &str) -> bool {
    let t = text.trim_start();
    let mut chars = t.chars();
    match chars.next() {
        Some('-' | '•' | '*' | '–' | '—' | '·') => true,
        Some(c) if c.is_ascii_digit() || c.is_alphabetic() => {
            let head: String = t.chars().take_while(|c| c.is_alphanumeric()).collect();
            let next = t[head.len()..].chars().next();
            head.chars().count() <= 3
                && matches!(next, Some(')'))
                && (head.chars().all(|c| c.is_ascii_digit()) || head.chars().count() == 1)
        }
        _ => false,
    }
}

fn lower(w: &str) -> String {
    w.chars().flat_map(char::to_lowercase).collect()
}

fn prefix(w: &str, n: usize) -> &str {
    match w.char_indices().nth(n) {
        Some((i, _)) => &w[..i],
        None => w,
    }
}

/// One side's sentences tokenised once, for [`Scorer::link_name_forms`] and
/// [`Scorer::analyse_tokens`].
pub struct SideTokens<'a> {
    /// Chunks of [`CHUNK`] sentences.
    chunks: Vec<ChunkTokens<'a>>,
    /// Per chunk, its forms as numbers of `forms`.
    globals: Vec<Vec<u32>>,
    /// Distinct word forms of the side, in order of first occurrence (the same order whatever
    /// the thread count: chunks are fixed).
    forms: Vec<&'a str>,
}

/// Tokenises sentences (in parallel, a chunk at a time), each once.
pub fn tokenise<'a>(texts: &[&'a str]) -> SideTokens<'a> {
    // each chunk's tokens, with words as numbers of the chunk's own distinct forms
    let chunks: Vec<ChunkTokens> = texts
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut local: HashMap<&str, u32, BuildHasherDefault<WordHasher>> = HashMap::default();
            let mut forms = Vec::new();
            let mut toks = Vec::new();
            let mut ends = Vec::with_capacity(chunk.len());
            for text in chunk {
                for tok in tokens(text) {
                    toks.push(match tok {
                        Token::Number(d) => Tok::Number(number_concept(d)),
                        Token::Mark(c) => Tok::Mark(mark_concept(c)),
                        Token::Word(w) => Tok::Word(*local.entry(w).or_insert_with(|| {
                            forms.push(w);
                            forms.len() as u32 - 1
                        })),
                    });
                }
                ends.push(toks.len());
            }
            ChunkTokens { forms, toks, ends }
        })
        .collect();
    let mut number: HashMap<&str, u32, BuildHasherDefault<WordHasher>> = HashMap::default();
    let mut forms: Vec<&str> = Vec::new();
    let globals: Vec<Vec<u32>> = chunks
        .iter()
        .map(|c| {
            c.forms
                .iter()
                .map(|&f| {
                    *number.entry(f).or_insert_with(|| {
                        forms.push(f);
                        forms.len() as u32 - 1
                    })
                })
                .collect()
        })
        .collect();
    SideTokens {
        chunks,
        globals,
        forms,
    }
}

impl Scorer {
    /// A scorer with the seed lexicon of the pair, the user dictionary named in `cfg` (if any),
    /// and the length ratio from `cfg` (or 1 until [`Scorer::estimate_length`] is called).
    pub fn new(src_lang: Lang, tgt_lang: Lang, cfg: &AlignConfig) -> Result<Scorer> {
        let s = &cfg.signals;
        let word = cfg.word_weight as f32;
        let mut by_kind = [0f32; kind::COUNT];
        by_kind[kind::NUMBER as usize] = if s.numbers {
            cfg.number_weight as f32
        } else {
            0.0
        };
        by_kind[kind::PUNCT as usize] = if s.punctuation {
            cfg.punct_weight as f32
        } else {
            0.0
        };
        // a word's name and cognate concepts are two halves of its weight (`word_info`)
        by_kind[kind::NAME as usize] = if s.names { word / 2.0 } else { 0.0 };
        by_kind[kind::COGNATE as usize] = if s.cognates { word / 2.0 } else { 0.0 };
        by_kind[kind::SEED as usize] = if s.seed_lexicon { word } else { 0.0 };
        by_kind[kind::INDUCED as usize] = if s.induction { word } else { 0.0 };
        by_kind[kind::USER as usize] = word;
        let user = match &cfg.dictionary {
            Some(p) => Lexicon::load_user(p)?,
            None => Lexicon::default(),
        };
        Ok(Scorer {
            src_lang,
            tgt_lang,
            ratio: cfg.length_ratio.unwrap_or(1.0),
            variance: cfg.variance,
            w: Weights {
                word,
                number: by_kind[kind::NUMBER as usize],
                punct: by_kind[kind::PUNCT as usize],
                by_kind,
            },
            use_length: s.length,
            use_names: s.names,
            use_cognates: s.cognates,
            count_sentences: s.structure && cfg.sentence_count_cost != 0.0,
            seed: if s.seed_lexicon {
                Lexicon::seed(src_lang, tgt_lang)
            } else {
                Lexicon::default()
            },
            user,
            induced: InducedLexicon::default(),
            months: (Months::for_lang(src_lang), Months::for_lang(tgt_lang)),
            name_links: HashMap::new(),
        })
    }

    fn lang(&self, side: Side) -> Lang {
        match side {
            Side::Src => self.src_lang,
            Side::Tgt => self.tgt_lang,
        }
    }

    /// Sets the length ratio from the character totals of both sides.
    pub fn estimate_length(&mut self, src: &[&str], tgt: &[&str]) {
        let s: usize = src.iter().map(|t| t.chars().count()).sum();
        let t: usize = tgt.iter().map(|t| t.chars().count()).sum();
        if s > 0 && t > 0 {
            self.ratio = (t as f64 / s as f64).clamp(0.2, 5.0);
        }
    }

    /// The expected target/source length ratio of the language pair, measured on development data
    /// (`data/align/length-ratios.tsv`); `None` for a pair not listed there.
    pub fn prior_ratio(src: Lang, tgt: Lang) -> Option<f64> {
        prior_ratio(src.code(), tgt.code())
    }

    /// Links names across scripts for this corpus: each capitalised target word whose name key
    /// is close (`normalize::name_similarity` ≥ 0.8) to a source one gets that source key.
    pub fn link_names(&mut self, src: &[&str], tgt: &[&str]) {
        if self.use_names {
            self.link_name_forms(&tokenise(src), &tokenise(tgt));
        }
    }

    /// [`Scorer::link_names`] of two tokenised sides.
    pub fn link_name_forms(&mut self, src: &SideTokens, tgt: &SideTokens) {
        if !self.use_names {
            return;
        }
        let collect = |side: &SideTokens| {
            // capitalised words in text order (a word's first occurrence only: its key is the
            // same every time)
            let first: Vec<&str> = side
                .forms
                .iter()
                .copied()
                .filter(|w| {
                    w.chars().next().is_some_and(char::is_uppercase) && w.chars().count() >= 3
                })
                .collect();
            let keys: Vec<String> = first.par_iter().map(|w| normalize::name_key(w)).collect();
            let mut m: BTreeMap<String, String> = BTreeMap::new();
            for (key, w) in keys.into_iter().zip(first) {
                m.entry(key).or_insert_with(|| w.to_string());
            }
            m
        };
        let (sk, tk) = (collect(src), collect(tgt));
        // bucket source keys by first letter so the comparison stays near-linear; each name's
        // similarity keys are computed once, not once per comparison
        let mut buckets: HashMap<char, Vec<(&String, normalize::NameKeys)>> = HashMap::new();
        let keyed: Vec<(&String, normalize::NameKeys)> = sk
            .par_iter()
            .map(|(k, w)| (k, normalize::NameKeys::new(w)))
            .collect();
        for (k, w) in keyed {
            if let Some(c) = k.chars().next() {
                buckets.entry(c).or_default().push((k, w));
            }
        }
        let targets: Vec<(&String, &String)> = tk.iter().collect();
        let second = |k: &String| sk.get(k).and_then(|w| self.cognate_concept(&lower(w)));
        let links: Vec<Option<(String, NameLink)>> = targets
            .par_iter()
            .map(|&(k, w)| {
                if sk.contains_key(k) {
                    return Some((k.clone(), (k.clone(), second(k))));
                }
                let c = k.chars().next()?;
                let cands = buckets.get(&c)?;
                let kl = k.len() as isize;
                let w = normalize::NameKeys::new(w);
                let mut best: Option<(f64, &String)> = None;
                for (sk_key, sw) in cands {
                    if (sk_key.len() as isize - kl).abs() > 3 {
                        continue;
                    }
                    let sim = sw.similarity(&w);
                    if sim >= 0.8 && best.is_none_or(|(b, _)| sim > b) {
                        best = Some((sim, sk_key));
                    }
                }
                best.map(|(_, s)| (k.clone(), (s.clone(), second(s))))
            })
            .collect();
        self.name_links.extend(links.into_iter().flatten());
    }

    /// Installs a lexicon induced from the corpus (see `induce`).
    pub fn set_induced(&mut self, lex: InducedLexicon) {
        self.induced = lex;
    }

    pub fn induced_pairs(&self) -> usize {
        self.induced.pairs
    }

    /// Stem number of a lower-case word: its first six letters, per language.
    pub fn stem_id(&self, word_lower: &str, side: Side) -> u32 {
        let lang = self.lang(side).code();
        fnv(&[lang.as_bytes(), prefix(word_lower, 6).as_bytes()])
    }

    /// Extracts the features of one sentence (align-profile text): [`Scorer::analyse`] of the
    /// one sentence, with the induced lexicon's concepts added as [`Scorer::with_induced`] adds
    /// them, so a sentence scored alone and in a batch gets the same features.
    pub fn features(&self, text: &str, side: Side, para_start: bool) -> SentenceFeatures {
        let (base, words) = self.analyse(&[text], side, &[para_start]);
        let induced = match side {
            Side::Src => &self.induced.src,
            Side::Tgt => &self.induced.tgt,
        };
        let mut one = if induced.is_empty() {
            base
        } else {
            self.with_induced(&base, &words)
        };
        one.pop().unwrap_or_default()
    }

    /// What one word form (as written) contributes, except induced concepts: the per-word part
    /// of a sentence's features, which [`Scorer::analyse`] runs once per distinct form.
    fn word_info(&self, w: &str, side: Side) -> WordInfo {
        let lang = self.lang(side);
        let suffix = max_suffix(lang);
        let months = match side {
            Side::Src => &self.months.0,
            Side::Tgt => &self.months.1,
        };
        let (seed, user) = match side {
            Side::Src => (&self.seed.src, &self.user.src),
            Side::Tgt => (&self.seed.tgt, &self.user.tgt),
        };
        let cap = w.chars().next().is_some_and(char::is_uppercase);
        let lw = lower(w);
        let n = lw.chars().count();
        let mut info = WordInfo {
            skip: n < 2,
            ..WordInfo::default()
        };
        if info.skip {
            return info;
        }
        if let Some(m) = months.month(&lw, suffix) {
            info.concepts
                .push(concept(kind::NUMBER, fnv(&[b"m", &m.to_le_bytes()])));
            info.month = true;
        }
        info.stem = self.stem_id(&lw, side);
        for &c in seed.lookup(&lw, suffix) {
            info.concepts.push(concept(kind::SEED, c));
        }
        for &c in user.lookup(&lw, suffix) {
            info.concepts.push(concept(kind::USER, c));
        }
        // A name or cognate counts as two concepts of half a word's weight each. A lower-case
        // word has its cognate stem twice. A capitalised word has its name and its cognate
        // stem (its name twice without one): a name shared by both sides matches in full, and
        // a sentence's first word still matches its cognate in the other sentence's middle at
        // half weight, without a capitalised common word counting twice.
        let cognate = self.cognate_concept(&lw);
        if cap && self.use_names && n >= 3 {
            let own = normalize::name_key(w);
            let (key, second) = match (side, self.name_links.get(&own)) {
                (Side::Tgt, Some((key, second))) => (key, *second),
                _ => (&own, cognate),
            };
            let name = concept(kind::NAME, fnv(&[b"p", key.as_bytes()]));
            info.concepts.push(name);
            info.concepts.push(second.unwrap_or(name));
        } else if let Some(c) = cognate {
            info.concepts.extend([c, c]);
        }
        info
    }

    /// The cognate-stem concept of a lower-case word: the first 5 letters of its
    /// `normalize::cognate_key`, for words of at least 5 letters.
    fn cognate_concept(&self, lw: &str) -> Option<u32> {
        if !self.use_cognates || lw.chars().count() < 5 {
            return None;
        }
        let key = normalize::cognate_key(lw);
        (key.len() >= 5).then(|| concept(kind::COGNATE, fnv(&[b"c", prefix(&key, 5).as_bytes()])))
    }

    /// Features of all sentences of one side, without induced concepts (see
    /// [`Scorer::with_induced`]), each distinct word form analysed once: most of the cost is per
    /// word (lower-casing, lexicon look-ups, transliteration keys) and words repeat.
    pub fn analyse(
        &self,
        texts: &[&str],
        side: Side,
        para_start: &[bool],
    ) -> (Vec<SentenceFeatures>, SideWords) {
        self.analyse_tokens(tokenise(texts), texts, side, para_start)
    }

    /// [`Scorer::analyse`] of texts already tokenised by [`tokenise`].
    pub fn analyse_tokens(
        &self,
        tokens: SideTokens,
        texts: &[&str],
        side: Side,
        para_start: &[bool],
    ) -> (Vec<SentenceFeatures>, SideWords) {
        let SideTokens {
            chunks,
            globals,
            forms,
        } = tokens;
        let words: Vec<WordInfo> = forms.par_iter().map(|w| self.word_info(w, side)).collect();
        let w = &self.w;
        let lang = self.lang(side);
        let per_sentence: Vec<(SentenceFeatures, Vec<u32>)> = chunks
            .into_par_iter()
            .zip(globals.into_par_iter())
            .zip(texts.par_chunks(CHUNK))
            .enumerate()
            .flat_map_iter(|(c, ((chunk, global), chunk_texts))| {
                let mut from = 0;
                let mut out = Vec::with_capacity(chunk_texts.len());
                // a sentence's lists are gathered in buffers reused through the chunk and
                // copied out at their final length (growing three lists per sentence and
                // shrinking two was 430,000 reallocations at 20,000 sentences per side)
                let (mut ids, mut stems, mut word_ids) = (Vec::new(), Vec::new(), Vec::new());
                for (n, text) in chunk_texts.iter().enumerate() {
                    let k = c * CHUNK + n;
                    ids.clear();
                    stems.clear();
                    word_ids.clear();
                    let (mut nwords, mut nums, mut marks) = (0u32, 0u32, 0u32);
                    if list_marker(text) {
                        ids.push(concept(kind::PUNCT, fnv(&[b"list"])));
                        marks += 1;
                    }
                    for tok in &chunk.toks[from..chunk.ends[n]] {
                        match *tok {
                            Tok::Number(id) => {
                                ids.push(id);
                                nums += 1;
                            }
                            Tok::Mark(id) => {
                                ids.push(id);
                                marks += 1;
                            }
                            Tok::Word(local) => {
                                let x = global[local as usize];
                                let info = &words[x as usize];
                                if info.skip {
                                    continue;
                                }
                                word_ids.push(x);
                                if info.month {
                                    nums += 1;
                                } else {
                                    nwords += 1;
                                }
                                stems.push(info.stem);
                                ids.extend_from_slice(&info.concepts);
                            }
                        }
                    }
                    from = chunk.ends[n];
                    ids.sort_unstable();
                    stems.sort_unstable();
                    stems.dedup();
                    let weight =
                        w.word * nwords as f32 + w.number * nums as f32 + w.punct * marks as f32;
                    // segmented input (its structure is known) holds one sentence per unit already
                    let sentences = if self.count_sentences && para_start.is_empty() {
                        crate::segment::split(text, lang).len().max(1) as u32
                    } else {
                        1
                    };
                    out.push((
                        SentenceFeatures {
                            chars: text.chars().count() as f32,
                            ids: ids.to_vec(),
                            stems: stems.to_vec(),
                            weight,
                            para_start: para_start.get(k).copied().unwrap_or(false),
                            sentences,
                        },
                        word_ids.to_vec(),
                    ));
                }
                out
            })
            .collect();
        let mut base = Vec::with_capacity(per_sentence.len());
        let mut flat = Vec::new();
        let mut start = Vec::with_capacity(per_sentence.len() + 1);
        for (f, ws) in per_sentence {
            start.push(flat.len());
            flat.extend(ws);
            base.push(f);
        }
        start.push(flat.len());
        (
            base,
            SideWords {
                side,
                words,
                flat,
                start,
            },
        )
    }

    /// The features `base` (from [`Scorer::analyse`]) with the concepts of this scorer's induced
    /// lexicon added: equal to [`Scorer::features`] of each sentence.
    pub fn with_induced(&self, base: &[SentenceFeatures], a: &SideWords) -> Vec<SentenceFeatures> {
        let mut out = base.to_vec();
        self.add_induced(&mut out, a);
        out
    }

    /// As [`Scorer::with_induced`], in place (no second copy of a side's features).
    pub fn add_induced(&self, fs: &mut [SentenceFeatures], a: &SideWords) {
        let induced = match a.side {
            Side::Src => &self.induced.src,
            Side::Tgt => &self.induced.tgt,
        };
        // induced concepts per word form, looked up once
        let extra: Vec<&[u32]> = a
            .words
            .par_iter()
            .map(|info| {
                if info.skip {
                    &[][..]
                } else {
                    induced.get(&info.stem).map_or(&[][..], Vec::as_slice)
                }
            })
            .collect();
        fs.par_iter_mut().enumerate().for_each(|(k, f)| {
            let words = &a.flat[a.start[k]..a.start[k + 1]];
            let added: usize = words.iter().map(|&x| extra[x as usize].len()).sum();
            if added > 0 {
                f.ids.reserve_exact(added);
                for &x in words {
                    for &c in extra[x as usize] {
                        f.ids.push(concept(kind::INDUCED, c));
                    }
                }
                f.ids.sort_unstable();
            }
        });
    }

    /// Weighted share in [0, 1] of the evidence of the source run `a` matched by the target run
    /// `b` and vice versa (Dice coefficient over concept multisets).
    pub fn similarity(&self, a: &[&SentenceFeatures], b: &[&SentenceFeatures]) -> f64 {
        let wa: f32 = a.iter().map(|f| f.weight).sum();
        let wb: f32 = b.iter().map(|f| f.weight).sum();
        if wa + wb <= 0.0 {
            return 0.0;
        }
        let la: Vec<&[u32]> = a.iter().map(|f| f.ids.as_slice()).collect();
        let lb: Vec<&[u32]> = b.iter().map(|f| f.ids.as_slice()).collect();
        let m = matched_weight(&la, &lb, &self.w.by_kind);
        ((2.0 * m) / (wa + wb)).min(1.0) as f64
    }

    /// Gale–Church cost (−log probability) of the length difference of two runs.
    pub fn length_cost(&self, src_chars: f32, tgt_chars: f32) -> f64 {
        if !self.use_length {
            return 0.0;
        }
        length_cost(
            src_chars as f64,
            tgt_chars as f64,
            self.ratio,
            self.variance,
        )
    }

    /// The length cost the search uses: as [`Scorer::length_cost`], under a mixture of the
    /// Gale–Church normal (weight 1 − `tail_weight`) and one `tail_width` times as wide. Free
    /// translations have heavy tails: now and then a sentence gains or loses a clause, and the
    /// normal's quadratic cost then splits a correct 1-1 pair into merges and deletions.
    pub fn length_cost_mixed(
        &self,
        src_chars: f32,
        tgt_chars: f32,
        tail_weight: f64,
        tail_width: f64,
    ) -> f64 {
        if tail_weight <= 0.0 {
            return self.length_cost(src_chars, tgt_chars);
        }
        if !self.use_length {
            return 0.0;
        }
        let (l1, l2) = (src_chars as f64, tgt_chars as f64);
        if l1 == 0.0 && l2 == 0.0 {
            return 0.0;
        }
        let delta = length_delta(l1, l2, self.ratio, self.variance).abs();
        let p = (1.0 - tail_weight) * 2.0 * normal_tail(delta)
            + tail_weight * 2.0 * normal_tail(delta / tail_width);
        (-p.max(1e-11).ln()).min(25.0)
    }

    /// Probability-like score in [0, 1] that two runs are mutual translations: the calibrated
    /// confidence the aligner gives a bead.
    pub fn run_score(&self, a: &[&SentenceFeatures], b: &[&SentenceFeatures]) -> f64 {
        let sim = self.similarity(a, b);
        let la: f32 = a.iter().map(|f| f.chars).sum();
        let lb: f32 = b.iter().map(|f| f.chars).sum();
        confidence(sim, self.length_cost(la, lb))
    }

    /// Probability-like score in [0, 1] that two sentences are mutual translations.
    pub fn pair_score(&self, a: &SentenceFeatures, b: &SentenceFeatures) -> f64 {
        self.run_score(&[a], &[b])
    }

    pub(crate) fn kind_weights(&self) -> &[f32; kind::COUNT] {
        &self.w.by_kind
    }
}

const LENGTH_RATIOS: &str = include_str!("../../data/align/length-ratios.tsv");

fn prior_ratio(src: &str, tgt: &str) -> Option<f64> {
    LENGTH_RATIOS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            let mut f = l.split('\t');
            let (a, b) = (f.next()?, f.next()?);
            let r: f64 = f.next()?.trim().parse().ok()?;
            if (a, b) == (src, tgt) {
                Some(r)
            } else if (a, b) == (tgt, src) {
                Some(1.0 / r)
            } else {
                None
            }
        })
}

const CALIBRATION: &str = include_str!("../../data/align/calibration.tsv");

/// Logistic map (bias, slope of the raw score's logit, slope of the margin, slope of the path
/// margin) of one bead class from `data/align/calibration.tsv`; a missing slope is 0.
fn calibration(class: &str) -> [f64; 4] {
    CALIBRATION
        .lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            let mut f = l.split('\t');
            if f.next()? != class {
                return None;
            }
            let mut num = || f.next().and_then(|x| x.trim().parse::<f64>().ok());
            Some([num()?, num()?, num().unwrap_or(0.0), num().unwrap_or(0.0)])
        })
        .unwrap_or([0.0, 1.0, 0.0, 0.0])
}

/// The calibrated confidence of a bead of `a` source and `b` target sentences whose raw score
/// (evidence and length for a pair, one minus the best nearby pair for a deletion) is `raw` and
/// whose margin over the nearest competing pairs is `margin`, and whose path margin (how much
/// dearer the search's best path nearby gets without it; `Searcher::path_margins`) is
/// `path_margin`: σ(bias + slope · logit(raw) + slope_margin · margin + slope_path · min(path
/// margin, `PATH_MARGIN_CAP`)) with the constants of the bead's class, fitted so that beads at or
/// above 0.5 are at least 95 % correct (docs/evaluation-alignment.md).
pub fn calibrated(raw: f64, margin: f64, path_margin: f64, a: usize, b: usize) -> f64 {
    use std::sync::OnceLock;
    static MAPS: OnceLock<[[f64; 4]; 3]> = OnceLock::new();
    let maps = MAPS.get_or_init(|| {
        [
            calibration("one"),
            calibration("merge"),
            calibration("deletion"),
        ]
    });
    let [bias, slope, slope_margin, slope_path] = match (a, b) {
        (0, _) | (_, 0) => maps[2],
        (1, 1) => maps[0],
        _ => maps[1],
    };
    let p = raw.clamp(1e-4, 1.0 - 1e-4);
    let z = bias
        + slope * (p / (1.0 - p)).ln()
        + slope_margin * margin
        + slope_path * path_margin.min(PATH_MARGIN_CAP);
    1.0 / (1.0 + (-z).exp())
}

/// Path margins above this (in search cost units) say no more: the calibration caps them here.
pub const PATH_MARGIN_CAP: f64 = 8.0;

/// Calibration of a bead's confidence from its similarity and length cost (fitted by logistic
/// regression on the development cases; see docs/evaluation-alignment.md).
pub fn confidence(sim: f64, len_cost: f64) -> f64 {
    let z = CAL_BIAS + CAL_SIM * sim + CAL_LEN * len_cost.min(20.0);
    1.0 / (1.0 + (-z).exp())
}

pub const CAL_BIAS: f64 = -1.5;
pub const CAL_SIM: f64 = 12.0;
pub const CAL_LEN: f64 = -0.4;

/// Standard normal upper tail, via the Abramowitz–Stegun erfc approximation.
fn normal_tail(z: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.5 * z.abs());
    let y = t
        * (-z * z / 2.0 - 1.26551223
            + t * (1.00002368
                + t * (0.37409196
                    + t * (0.09678418
                        + t * (-0.18628806
                            + t * (0.27886187
                                + t * (-1.13520398
                                    + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))))
            .exp();
    if z >= 0.0 {
        y / 2.0
    } else {
        1.0 - y / 2.0
    }
}

/// Gale–Church's normalised length difference δ.
#[inline]
fn length_delta(l1: f64, l2: f64, ratio: f64, variance: f64) -> f64 {
    let mean = (l1 + l2 / ratio) / 2.0;
    (l2 - l1 * ratio) / (mean.max(1.0) * variance).sqrt()
}

/// −log P(length difference) under the Gale–Church model, capped at 25.
pub fn length_cost(l1: f64, l2: f64, ratio: f64, variance: f64) -> f64 {
    if l1 == 0.0 && l2 == 0.0 {
        return 0.0;
    }
    let delta = length_delta(l1, l2, ratio, variance);
    let p = 2.0 * normal_tail(delta.abs());
    (-p.max(1e-11).ln()).min(25.0)
}

/// Walks up to three sorted lists as one sorted sequence.
struct Merged<'a> {
    lists: [&'a [u32]; 3],
    n: usize,
}

impl<'a> Merged<'a> {
    fn new(ls: &[&'a [u32]]) -> Self {
        let mut lists: [&[u32]; 3] = [&[], &[], &[]];
        for (i, l) in ls.iter().take(3).enumerate() {
            lists[i] = l;
        }
        Merged {
            lists,
            n: ls.len().min(3),
        }
    }
    #[inline]
    fn peek(&self) -> Option<(u32, usize)> {
        let mut best: Option<(u32, usize)> = None;
        for i in 0..self.n {
            if let Some(&v) = self.lists[i].first() {
                if best.is_none_or(|(b, _)| v < b) {
                    best = Some((v, i));
                }
            }
        }
        best
    }
    #[inline]
    fn advance(&mut self, i: usize) {
        self.lists[i] = &self.lists[i][1..];
    }
}

/// Weighted size of the multiset intersection of the union of `a` and the union of `b`.
pub(crate) fn matched_weight(a: &[&[u32]], b: &[&[u32]], w: &[f32; kind::COUNT]) -> f32 {
    matched_weight_by(a, b, |v| w[(v >> 29) as usize])
}

/// As `matched_weight`, with the weight of a concept given by `weight`.
pub(crate) fn matched_weight_by(a: &[&[u32]], b: &[&[u32]], weight: impl Fn(u32) -> f32) -> f32 {
    if a.len() == 1 && b.len() == 1 {
        return matched_weight2_by(a[0], b[0], weight);
    }
    let (mut x, mut y) = (Merged::new(a), Merged::new(b));
    let mut m = 0f32;
    while let (Some((u, i)), Some((v, j))) = (x.peek(), y.peek()) {
        if u < v {
            x.advance(i);
        } else if v < u {
            y.advance(j);
        } else {
            m += weight(u);
            x.advance(i);
            y.advance(j);
        }
    }
    m
}

/// `matched_weight(&[x], &[y1, y2], w)`, specialised: the same matches added in the same order
/// (ascending concept number), so the result is bit-identical, without the general merge. One
/// step per element of the three lists, without data-dependent branches (a non-match adds 0.0,
/// which leaves an f32 sum unchanged).
#[inline]
pub(crate) fn matched_weight_1v2(
    x: &[u32],
    y1: &[u32],
    y2: &[u32],
    weight: impl Fn(u32) -> f32,
) -> f32 {
    // u32::MAX is no concept (kind 7 is unused), so it marks an exhausted list
    let head = |l: &[u32], k: usize| l.get(k).copied().unwrap_or(u32::MAX);
    let (mut i, mut p, mut q, mut m) = (0, 0, 0, 0f32);
    while i < x.len() && (p < y1.len() || q < y2.len()) {
        let (v, a, b) = (x[i], head(y1, p), head(y2, q));
        let low = a.min(b);
        let take_a = a <= b;
        // v < low: v is unmatched; v == low: a match, from y1 first; v > low: skip low
        let eq = v == low;
        m += if eq { weight(v) } else { 0.0 };
        i += (v <= low) as usize;
        p += (v >= low && take_a) as usize;
        q += (v >= low && !take_a) as usize;
    }
    m
}

/// Weighted size of the multiset intersection of two sorted lists, the weight of a concept
/// given by `weight`, added in ascending order.
#[inline]
pub(crate) fn matched_weight2_by(a: &[u32], b: &[u32], weight: impl Fn(u32) -> f32) -> f32 {
    let (mut i, mut j, mut m) = (0, 0, 0f32);
    while i < a.len() && j < b.len() {
        let (u, v) = (a[i], b[j]);
        // branch-free: a non-match adds 0.0, which leaves an f32 sum unchanged
        m += if u == v { weight(u) } else { 0.0 };
        i += (u <= v) as usize;
        j += (v <= u) as usize;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scorer(a: Lang, b: Lang) -> Scorer {
        Scorer::new(a, b, &AlignConfig::default()).unwrap()
    }

    #[test]
    fn dates_match_across_languages() {
        let s = scorer(Lang::Kk, Lang::En);
        let a = s.features("Съезд 30 қарашада ашылды.", Side::Src, false);
        let b = s.features("The congress opened on 30 November.", Side::Tgt, false);
        let c = s.features("The congress opened on 30 October.", Side::Tgt, false);
        assert!(s.similarity(&[&a], &[&b]) > s.similarity(&[&a], &[&c]));
    }

    #[test]
    fn names_link_across_scripts() {
        let mut s = scorer(Lang::Ru, Lang::En);
        let src = ["Букейханов приехал в Семипалатинск."];
        let tgt = ["Bokeikhanov arrived in Semipalatinsk."];
        let before = s.similarity(
            &[&s.features(src[0], Side::Src, false)],
            &[&s.features(tgt[0], Side::Tgt, false)],
        );
        s.link_names(&src, &tgt);
        let after = s.similarity(
            &[&s.features(src[0], Side::Src, false)],
            &[&s.features(tgt[0], Side::Tgt, false)],
        );
        assert!(after > before, "{before} → {after}");
    }

    /// A word's name and cognate concepts share its weight: a capitalised first word still
    /// matches its cognate in the middle of the other sentence (at half weight), and a
    /// capitalised word on both sides counts once, not once as a name and once as a cognate.
    #[test]
    fn a_word_counts_once_whatever_its_concepts() {
        let mut s = scorer(Lang::Ru, Lang::En);
        let sim = |s: &Scorer, a: &str, b: &str| {
            s.similarity(
                &[&s.features(a, Side::Src, false)],
                &[&s.features(b, Side::Tgt, false)],
            )
        };
        // two words a side, one of them a cognate: a full match is half the evidence
        let lower = sim(&s, "мутация абвгд", "mutation zzzzq");
        assert!((lower - 0.5).abs() < 1e-6, "{lower}");
        let first = sim(&s, "Мутация абвгд", "zzzzq mutation");
        assert!((first - 0.25).abs() < 1e-6, "{first}");
        let (src, tgt) = (["Мутация абвгд"], ["Mutation zzzzq"]);
        s.link_names(&src, &tgt);
        let both = sim(&s, src[0], tgt[0]);
        assert!((0.25 - 1e-6..=0.5 + 1e-6).contains(&both), "{both}");
    }

    #[test]
    fn switching_a_signal_off_removes_its_evidence() {
        let mut cfg = AlignConfig::default();
        let on = Scorer::new(Lang::Ru, Lang::En, &cfg).unwrap();
        cfg.signals.numbers = false;
        let off = Scorer::new(Lang::Ru, Lang::En, &cfg).unwrap();
        let (a, b) = ("1917 1918 1920", "1917 1918 1920");
        let f = |s: &Scorer| {
            s.similarity(
                &[&s.features(a, Side::Src, false)],
                &[&s.features(b, Side::Tgt, false)],
            )
        };
        assert!(f(&on) > 0.9);
        assert_eq!(f(&off), 0.0);
    }

    #[test]
    fn merged_runs_cover_more() {
        let s = scorer(Lang::Ru, Lang::En);
        let a1 = s.features("В 1917 году прошёл съезд.", Side::Src, false);
        let a2 = s.features("Было 300 делегатов.", Side::Src, false);
        let b = s.features(
            "The congress met in 1917 and had 300 delegates.",
            Side::Tgt,
            false,
        );
        assert!(s.similarity(&[&a1, &a2], &[&b]) > s.similarity(&[&a1], &[&b]));
    }

    #[test]
    fn length_cost_grows_with_mismatch() {
        assert!(length_cost(100.0, 100.0, 1.0, 6.8) < length_cost(100.0, 160.0, 1.0, 6.8));
        assert_eq!(length_cost(0.0, 0.0, 1.0, 6.8), 0.0);
    }

    /// The mixed length cost is the plain one without a tail; with one, it still grows with the
    /// mismatch but stays far below the normal's quadratic cost for a large one.
    #[test]
    fn mixed_length_cost_has_a_heavy_tail() {
        let s = scorer(Lang::Ru, Lang::En);
        let r = s.ratio as f32;
        for (a, b) in [(100.0, 100.0 * r), (100.0, 160.0), (80.0, 300.0)] {
            assert_eq!(s.length_cost_mixed(a, b, 0.0, 3.0), s.length_cost(a, b));
        }
        let near = s.length_cost_mixed(100.0, 100.0 * r, 0.2, 3.0);
        let mid = s.length_cost_mixed(100.0, 140.0 * r, 0.2, 3.0);
        let far = s.length_cost_mixed(100.0, 300.0 * r, 0.2, 3.0);
        assert!(near < mid && mid < far, "{near} {mid} {far}");
        // a threefold length difference: about 17 under the normal, about 4 with the tail
        assert!(s.length_cost(100.0, 300.0 * r) > 12.0);
        assert!(far < 8.0, "{far}");
        // a matching length costs about the same either way (−ln(1 − weight) more at most)
        assert!((near - s.length_cost(100.0, 100.0 * r)).abs() < 0.25);
    }

    #[test]
    fn length_ratio_priors_cover_every_pair_both_ways() {
        for (a, b) in [("kk", "en"), ("kk", "ru"), ("ru", "en")] {
            let r = prior_ratio(a, b).unwrap();
            assert!((0.5..2.0).contains(&r));
            assert!((prior_ratio(b, a).unwrap() * r - 1.0).abs() < 1e-12);
        }
        assert_eq!(prior_ratio("en", "en"), None);
    }

    #[test]
    fn list_markers() {
        assert!(list_marker("1) Everyone has the right"));
        assert!(list_marker("- item"));
        assert!(!list_marker("The 1990s) were"));
    }

    /// The batch analysis gives each sentence the features `features` gives it, before and
    /// after an induced lexicon is installed.
    #[test]
    fn analyse_equals_features() {
        let mut s = scorer(Lang::Ru, Lang::Kk);
        let texts = [
            "Съезд открылся 30 ноября 1917 года в Оренбурге.",
            "1) Букейханов: «Алаш» — партия?",
            "Я и ты, съезд съезда съезду.",
            "",
            "Закон 007 принят (в 2019 г.)!",
        ];
        s.link_names(&texts, &texts);
        let (base, words) = s.analyse(&texts, Side::Src, &[true, false]);
        let one = |s: &Scorer| -> Vec<SentenceFeatures> {
            texts
                .iter()
                .enumerate()
                .map(|(k, t)| s.features(t, Side::Src, k == 0))
                .collect()
        };
        assert_eq!(base, one(&s));
        let mut lex = InducedLexicon::default();
        lex.src.insert(s.stem_id("съезд", Side::Src), vec![7, 9]);
        lex.src.insert(s.stem_id("закон", Side::Src), vec![11]);
        s.set_induced(lex);
        let induced = s.with_induced(&base, &words);
        assert_eq!(induced, one(&s));
        assert_ne!(induced, base);
    }

    /// The specialised unit-against-two-units match equals the general merge.
    #[test]
    fn matched_weight_1v2_equals_general() {
        let w = [2.0, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0];
        let mut x: u32 = 12345;
        let mut next = |n: usize| -> Vec<u32> {
            let mut v: Vec<u32> = (0..n)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    ((x >> 16) % 7) << 29 | ((x >> 8) % 13)
                })
                .collect();
            v.sort_unstable();
            v
        };
        for k in 0..200 {
            let (a, b, c) = (next(k % 9), next(k % 5 + 1), next(k % 7));
            assert_eq!(
                matched_weight_1v2(&a, &b, &c, |v| w[(v >> 29) as usize]),
                matched_weight(&[&a], &[&b, &c], &w)
            );
        }
    }

    #[test]
    fn alphanumeric_table_matches_std() {
        for k in 0..0x3000u32 {
            if let Some(c) = char::from_u32(k) {
                assert_eq!(alphanumeric(c), c.is_alphanumeric(), "{k:x}");
            }
        }
    }
}
