//! PURE. How a full query becomes BM25F terms: function words left out, the readings of the query
//! (as typed, with moderators' aliases, with the site's own abbreviations, with words joined or
//! split: `py spark` -> pyspark, `fluxcd` -> flux cd), and for each word the indexed words it
//! matches (itself, its stem, a symbol variant; a prefix or a typo only when the word is rare or
//! absent, so `helm` never pulls in `help` while Helm is indexed).

use super::rank::Term;
use super::text::{is_function_word, is_stop_word, typo_budget};
use super::vocab::Vocab;
use super::Aliases;

/// Stages of the ranking that can be switched off, to measure what each adds (the devset
/// benchmark); all on in the bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stages {
    /// Other titles, headings and place as fields (else the title and body only).
    pub fields: bool,
    pub stem: bool,
    pub compounds: bool,
    /// Abbreviations mined from the site.
    pub mined: bool,
    /// Prefixes and typos only for rare or absent words (else for every word).
    pub bounded_fuzz: bool,
}

impl Default for Stages {
    fn default() -> Self {
        Stages {
            fields: true,
            stem: true,
            compounds: true,
            mined: true,
            bounded_fuzz: true,
        }
    }
}

/// Readings of one query scored, at most.
const MAX_READINGS: usize = 5;
/// Caps that keep one query's work bounded.
const MAX_TERMS: usize = 12;
const MAX_PREFIX_WORDS: usize = 32;
const MAX_TYPO_WORDS: usize = 32;
/// A word found in fewer docs than this (with its stem) also matches by prefix and typo.
const RARE_DF: u32 = 3;

/// Quality of a match, by kind.
const SAME_STEM: f32 = 0.95;
const SYMBOL: f32 = 0.85;
const TYPO1: f32 = 0.7;
const TYPO2: f32 = 0.5;
const PREFIX_MIN: f32 = 0.55;
const PREFIX_SPAN: f32 = 0.3;

/// The words that count: function words left out unless nothing else is left.
pub fn content_words(words: &[String]) -> Vec<String> {
    let kept: Vec<String> = words
        .iter()
        .filter(|w| !is_function_word(w))
        .cloned()
        .collect();
    let mut out = if kept.is_empty() {
        words.to_vec()
    } else {
        kept
    };
    let mut seen = Vec::new();
    out.retain(|w| {
        let new = !seen.contains(w);
        seen.push(w.clone());
        new
    });
    out.truncate(MAX_TERMS);
    out
}

/// The readings of `words` (all of the query's words), the query as typed first.
pub fn readings(
    vocab: &Vocab,
    words: &[String],
    aliases: &[&Aliases],
    stages: Stages,
) -> Vec<Vec<String>> {
    let base = content_words(words);
    let mut out = vec![base.clone()];
    for a in aliases {
        if let Some(x) = a.expand(words) {
            out.push(content_words(&x));
        }
    }
    if let Some(x) = compounds(vocab, words).filter(|_| stages.compounds) {
        out.push(content_words(&x));
    }
    let mut seen: Vec<Vec<String>> = Vec::new();
    out.retain(|r| {
        let new = !r.is_empty() && !seen.contains(r);
        seen.push(r.clone());
        new
    });
    out.truncate(MAX_READINGS);
    out
}

/// `words` with adjacent words joined when the joined word is indexed (`dev sec ops`,
/// `mongo db`), and unknown words split into indexed ones (`fluxcd` -> flux cd,
/// `hackthebox` -> hack the box). `None` when nothing changes.
fn compounds(vocab: &Vocab, words: &[String]) -> Option<Vec<String>> {
    let mut out = Vec::with_capacity(words.len());
    let mut changed = false;
    let mut i = 0;
    'outer: while i < words.len() {
        for k in [3, 2] {
            if i + k <= words.len() {
                let joined: String = words[i..i + k].concat();
                if vocab.find(&joined).is_some() {
                    out.push(joined);
                    changed = true;
                    i += k;
                    continue 'outer;
                }
            }
        }
        let w = &words[i];
        if vocab.find(w).is_none() && vocab.same_stem(w).is_empty() {
            if let Some(parts) = split(vocab, w) {
                out.extend(parts);
                changed = true;
                i += 1;
                continue;
            }
        }
        out.push(w.clone());
        i += 1;
    }
    changed.then_some(out)
}

/// The split of `w` into two or three indexed words of two or more chars each: fewest parts
/// first, then the most even.
fn split(vocab: &Vocab, w: &str) -> Option<Vec<String>> {
    let cs: Vec<char> = w.chars().collect();
    let n = cs.len();
    if !(4..=32).contains(&n) || !cs.iter().all(|c| c.is_alphanumeric()) {
        return None;
    }
    let known = |a: usize, b: usize| {
        let s: String = cs[a..b].iter().collect();
        (b - a >= 2 && vocab.find(&s).is_some()).then_some(s)
    };
    let mut best: Option<(usize, usize, Vec<String>)> = None;
    let mut consider = |parts: Vec<String>| {
        let shortest = parts.iter().map(|p| p.chars().count()).min().unwrap_or(0);
        let key = (parts.len(), usize::MAX - shortest);
        if best.as_ref().is_none_or(|b| key < (b.0, b.1)) {
            best = Some((key.0, key.1, parts));
        }
    };
    for a in 2..n.saturating_sub(1) {
        let Some(x) = known(0, a) else { continue };
        if let Some(y) = known(a, n) {
            consider(vec![x.clone(), y]);
        }
        for b in a + 2..n.saturating_sub(1) {
            if let (Some(y), Some(z)) = (known(a, b), known(b, n)) {
                consider(vec![x.clone(), y, z]);
            }
        }
    }
    best.map(|b| b.2)
}

/// The indexed words `w` matches, with their quality.
pub fn term(vocab: &Vocab, w: &str, stages: Stages) -> Term {
    let mut alts: Vec<(u32, f32)> = Vec::new();
    let add = |alts: &mut Vec<(u32, f32)>, id: u32, q: f32| {
        if !alts.iter().any(|a| a.0 == id) {
            alts.push((id, q));
        }
    };
    if let Some(id) = vocab.find(w) {
        add(&mut alts, id, 1.0);
    }
    for &id in vocab.same_stem(w).iter().filter(|_| stages.stem) {
        add(&mut alts, id, SAME_STEM);
    }
    // `net+` -> network+, `sec+` -> security+: a symbol word matches longer ones with it.
    if let Some(sym) = w.chars().last().filter(|c| matches!(c, '+' | '#')) {
        let base = &w[..w.len() - sym.len_utf8()];
        if !base.is_empty() {
            for id in vocab.prefix_range(base) {
                let cand = vocab.word(id);
                if cand.ends_with(sym)
                    && cand != w
                    && !cand[base.len()..cand.len() - 1].contains(['+', '#'])
                {
                    add(&mut alts, id, SYMBOL);
                }
            }
        }
        return Term { alts };
    }
    let known: u32 = alts.iter().map(|a| vocab.df(a.0)).sum();
    if known >= RARE_DF && stages.bounded_fuzz {
        return Term { alts };
    }
    let len = w.chars().count();
    if len >= 3 {
        let mut ids: Vec<u32> = vocab
            .prefix_range(w)
            .filter(|&id| !is_stop_word(vocab.word(id)))
            .collect();
        if ids.len() > MAX_PREFIX_WORDS {
            ids.sort_unstable_by_key(|&id| (std::cmp::Reverse(vocab.df(id)), id));
            ids.truncate(MAX_PREFIX_WORDS);
        }
        for id in ids {
            let ratio = len as f32 / vocab.word(id).chars().count().max(1) as f32;
            add(&mut alts, id, PREFIX_MIN + PREFIX_SPAN * ratio);
        }
    }
    for (id, d) in vocab.typos(w, typo_budget(len), MAX_TYPO_WORDS) {
        if !is_stop_word(vocab.word(id)) {
            add(&mut alts, id, if d <= 1 { TYPO1 } else { TYPO2 });
        }
    }
    Term { alts }
}
