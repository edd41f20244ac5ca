//! PURE. The scoring engine: turns a list of query words into scores for every doc that matches
//! one of them, through the vocabulary's exact, prefix and typo lookups and its postings.
//!
//! A doc's score is, from most to least important:
//! - a tier: 3 when its whole title equals the query, 2 when its title starts with it;
//! - the weighted share of query words it matches, each word counting by the quality of its best
//!   match (title before body; exact before prefix before typo);
//! - up to 0.1 for how much of its title the query covers (short, specific titles first);
//! - 0.02 for docs that are not bare bullet points.

use super::text::{is_stop_word, typo_budget};
use super::vocab::{Field, Vocab};
use super::Kind;

/// Match quality by kind of match, in the title and in the body.
const EXACT: (f32, f32) = (1.0, 0.55);
/// The same word but for a plural `s`/`es`, either way round.
const PLURAL: (f32, f32) = (0.95, 0.53);
const TYPO1: (f32, f32) = (0.5, 0.3);
const TYPO2: (f32, f32) = (0.4, 0.25);
/// Prefix matches score between these, more the closer the word is to the prefix's length.
const PREFIX_MIN: (f32, f32) = (0.75, 0.4);
const PREFIX_SPAN: (f32, f32) = (0.1, 0.05);

/// Caps that keep one query's work bounded whatever it is.
pub const MAX_TERMS: usize = 12;
const MAX_PREFIX_WORDS: usize = 64;
const MAX_TYPO_WORDS: usize = 48;
/// In a full query, words shorter than this match only exactly or by typo, not as prefixes.
const MIN_QUERY_PREFIX: usize = 3;

/// How the last query word is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A full query: every word matches exactly, by prefix (3+ chars) or by typo.
    Query,
    /// Autocomplete: the last word is still being typed, so any prefix of a word counts; typos of
    /// it are tried only when the prefixes find fewer than `want` docs.
    Complete { last_is_prefix: bool, want: usize },
}

/// Per-doc facts the engine needs besides the vocabulary.
pub struct DocFacts<'a> {
    pub titles: &'a [Box<str>],
    pub title_len: &'a [u16],
    pub kinds: &'a [Kind],
}

/// Which kinds a query keeps, indexed by `Kind as usize`.
pub type KindMask = [bool; 7];

/// Per-doc scratch, indexed by doc, reused across queries on the same thread: allocating and
/// zeroing it per query would cost more than the query. Only touched entries are reset.
#[derive(Default)]
struct Scratch {
    acc: Vec<f32>,
    cur: Vec<f32>,
    cur_title: Vec<bool>,
    title_terms: Vec<u8>,
    seen: Vec<bool>,
    touched: Vec<u32>,
    cur_touched: Vec<u32>,
}

impl Scratch {
    fn ready(&mut self, n: usize) {
        if self.acc.len() != n {
            *self = Scratch {
                acc: vec![0.0; n],
                cur: vec![0.0; n],
                cur_title: vec![false; n],
                title_terms: vec![0; n],
                seen: vec![false; n],
                ..Scratch::default()
            };
        }
    }

    fn touch(&mut self, d: usize) {
        if !self.seen[d] {
            self.seen[d] = true;
            self.touched.push(d as u32);
        }
    }

    fn reset(&mut self) {
        for d in std::mem::take(&mut self.touched) {
            let d = d as usize;
            self.acc[d] = 0.0;
            self.title_terms[d] = 0;
            self.seen[d] = false;
        }
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Scores every doc of an `allowed` kind that matches at least one of `words`, plus the `extra`
/// docs (title-prefix candidates found another way). Returns `(doc, score)` in no particular
/// order. Stop words of a query that has other words are not looked up: they only count through
/// the title tiers, which compare whole strings.
pub fn score(
    vocab: &Vocab,
    facts: &DocFacts<'_>,
    words: &[String],
    mode: Mode,
    allowed: &KindMask,
    extra: &[u32],
) -> Vec<(u32, f32)> {
    let n = facts.titles.len();
    let words = dedup(words);
    if words.is_empty() || n == 0 {
        return Vec::new();
    }
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut s) => score_into(&mut s, vocab, facts, &words, mode, allowed, extra),
        // Only reachable by re-entrance, which never happens; stay correct anyway.
        Err(_) => score_into(
            &mut Scratch::default(),
            vocab,
            facts,
            &words,
            mode,
            allowed,
            extra,
        ),
    })
}

fn score_into(
    s: &mut Scratch,
    vocab: &Vocab,
    facts: &DocFacts<'_>,
    words: &[String],
    mode: Mode,
    allowed: &KindMask,
    extra: &[u32],
) -> Vec<(u32, f32)> {
    let n = facts.titles.len();
    s.ready(n);
    let all_stop = words.iter().all(|w| is_stop_word(w));
    let ln_n = ((n as f32) + 1.0).ln().max(1.0);
    let mut total_w = 0.0f32;
    let mut nterms = 0u8;
    let last = words.len() - 1;
    for (i, w) in words.iter().enumerate() {
        if is_stop_word(w) && !all_stop {
            continue;
        }
        nterms += 1;
        let typing = matches!(
            mode,
            Mode::Complete {
                last_is_prefix: true,
                ..
            }
        ) && i == last;
        let want = match mode {
            Mode::Complete { want, .. } if i == last => Some(want),
            _ => None,
        };
        let matches = expand(vocab, w, typing, want);
        let df = matches
            .iter()
            .map(|m| vocab.df(m.0))
            .max()
            .unwrap_or(1)
            .max(1);
        let idf = (((n as f32) + 1.0) / df as f32).ln() / ln_n;
        let weight = 1.0 + 0.5 * idf.clamp(0.0, 1.0);
        total_w += weight;
        for &(id, qt, qb) in &matches {
            for p in vocab.postings(id) {
                let doc = p.doc();
                if !allowed[facts.kinds[doc] as usize] {
                    continue;
                }
                // The old ranking reads the shown title and the body only.
                let (q, in_title) = match p.field() {
                    Field::Title => (qt, true),
                    Field::Body => (qb, false),
                    Field::Alt | Field::Heading | Field::Place => continue,
                };
                if s.cur[doc] == 0.0 {
                    s.cur_touched.push(doc as u32);
                }
                if q > s.cur[doc] {
                    s.cur[doc] = q;
                }
                s.cur_title[doc] |= in_title;
            }
        }
        let cur_touched = std::mem::take(&mut s.cur_touched);
        for &d in &cur_touched {
            let d = d as usize;
            s.acc[d] += weight * s.cur[d];
            s.title_terms[d] += u8::from(s.cur_title[d]);
            s.cur[d] = 0.0;
            s.cur_title[d] = false;
            s.touch(d);
        }
        s.cur_touched = cur_touched;
        s.cur_touched.clear();
    }
    let first_extra = s.touched.len();
    for &d in extra {
        s.touch(d as usize);
    }
    let qnorm = words.join(" ");
    let last_prefix_ok = matches!(
        mode,
        Mode::Complete {
            last_is_prefix: true,
            ..
        }
    );
    let total_w = total_w.max(f32::MIN_POSITIVE);
    let out = s
        .touched
        .iter()
        .enumerate()
        .map(|(k, &d)| {
            let i = d as usize;
            let title = &facts.titles[i];
            let tier = if s.title_terms[i] < nterms && k < first_extra {
                0.0
            } else {
                title_tier(title, &qnorm, last_prefix_ok)
            };
            let cov = f32::from(s.title_terms[i]) / f32::from(facts.title_len[i].max(1));
            let kind = if facts.kinds[i] == Kind::Item {
                0.0
            } else {
                0.02
            };
            (d, tier + s.acc[i] / total_w + 0.1 * cov.min(1.0) + kind)
        })
        .collect();
    s.reset();
    out
}

/// 3 when `title` is the query, 2 when it starts with it: at a word boundary, or with a plural
/// `s`/`es` (`devops engineer` -> DevOps Engineers), or anywhere when the last query word is
/// still being typed (`any_prefix`). Else 0.
pub fn title_tier(title: &str, qnorm: &str, any_prefix: bool) -> f32 {
    let Some(rest) = title.strip_prefix(qnorm) else {
        return 0.0;
    };
    if rest.is_empty() {
        return 3.0;
    }
    let word_rest = rest.split(' ').next().unwrap_or("");
    if any_prefix || matches!(word_rest, "" | "s" | "es") {
        2.0
    } else {
        0.0
    }
}

/// The vocabulary words a query word matches, as `(word, title quality, body quality)`. Stop
/// words (`and`, `com`…) match only when typed in full.
fn expand(vocab: &Vocab, w: &str, typing: bool, want: Option<usize>) -> Vec<(u32, f32, f32)> {
    let mut out = Vec::new();
    let exact = vocab.find(w);
    if let Some(id) = exact {
        out.push((id, EXACT.0, EXACT.1));
    }
    let len = w.chars().count();
    if typing || len >= MIN_QUERY_PREFIX {
        let range = vocab.prefix_range(w);
        let mut ids: Vec<u32> = range
            .filter(|&id| Some(id) != exact && !is_stop_word(vocab.word(id)))
            .collect();
        if ids.len() > MAX_PREFIX_WORDS {
            // Keep the most common completions: likelier what is being typed.
            ids.sort_unstable_by_key(|&id| (std::cmp::Reverse(vocab.df(id)), id));
            ids.truncate(MAX_PREFIX_WORDS);
        }
        for id in ids {
            let word = vocab.word(id);
            if matches!(&word[w.len()..], "s" | "es") {
                out.push((id, PLURAL.0, PLURAL.1));
                continue;
            }
            let ratio = len as f32 / word.chars().count().max(1) as f32;
            out.push((
                id,
                PREFIX_MIN.0 + PREFIX_SPAN.0 * ratio,
                PREFIX_MIN.1 + PREFIX_SPAN.1 * ratio,
            ));
        }
    }
    // The singular of a plural query word (`pipelines` -> pipeline).
    if len >= 4 {
        for cut in ["es", "s"] {
            if let Some(id) = w.strip_suffix(cut).and_then(|stem| vocab.find(stem)) {
                if out.iter().all(|m| m.0 != id) {
                    out.push((id, PLURAL.0, PLURAL.1));
                }
            }
        }
    }
    let docs_found: usize = out.iter().map(|m| vocab.df(m.0) as usize).sum();
    let try_typos = match want {
        Some(want) if typing => docs_found < want,
        _ => true,
    };
    if try_typos {
        for (id, d) in vocab.typos(w, typo_budget(len), MAX_TYPO_WORDS) {
            if is_stop_word(vocab.word(id)) || out.iter().any(|m| m.0 == id) {
                continue;
            }
            let (t, b) = if d <= 1 { TYPO1 } else { TYPO2 };
            out.push((id, t, b));
        }
        // The start of a word typed with a typo (`dokc` -> docker).
        if typing && len >= 4 {
            for id in vocab.typo_prefixes(w, MAX_PREFIX_WORDS) {
                if !is_stop_word(vocab.word(id)) && out.iter().all(|m| m.0 != id) {
                    out.push((id, TYPO2.0, TYPO2.1));
                }
            }
        }
    }
    out
}

/// The first [`MAX_TERMS`] distinct words, in order.
fn dedup(words: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in words {
        if !out.contains(w) {
            out.push(w.clone());
            if out.len() == MAX_TERMS {
                break;
            }
        }
    }
    out
}
