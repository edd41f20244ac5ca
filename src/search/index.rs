//! PURE. [`SearchIndex`]: ranked, typo-tolerant queries, autocomplete and "did you mean" over a
//! list of [`Doc`]s. See [`super::score`] for how a doc is scored.

use super::score::{self, DocFacts, KindMask, Mode, MAX_TERMS};
use super::text::{is_stop_word, tokens, typo_budget};
use super::vocab::{Field, Vocab, VocabBuilder};
use super::{Aliases, Doc, Hit, Kind};

/// Only this many chars of a query are read: a 6000-char paste costs no more than a sentence.
const MAX_QUERY_CHARS: usize = 256;
/// Titles starting with an autocomplete prefix that are looked at, at most.
const MAX_TITLE_SCAN: usize = 4096;

/// The index. Built once per curriculum load; queries take `&self` and never fail.
#[derive(Debug, Clone)]
pub struct SearchIndex {
    docs: Vec<Doc>,
    aliases: Aliases,
    vocab: Vocab,
    /// Each doc's title, normalized (lowercase words joined by single spaces).
    titles: Vec<Box<str>>,
    /// Number of words in each title, stop words left out.
    title_len: Vec<u16>,
    kinds: Vec<Kind>,
    /// Doc ids sorted by normalized title, for title-prefix lookups.
    by_title: Vec<u32>,
}

impl SearchIndex {
    pub fn new(docs: Vec<Doc>, aliases: &Aliases) -> SearchIndex {
        let mut b = VocabBuilder::default();
        let mut titles = Vec::with_capacity(docs.len());
        let mut title_len = Vec::with_capacity(docs.len());
        for (i, d) in docs.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            let t = tokens(&d.title);
            b.add(i, Field::Title, &t);
            b.add(i, Field::Body, &tokens(&d.body));
            let meaningful = t.iter().filter(|w| !is_stop_word(w)).count();
            title_len.push(u16::try_from(meaningful).unwrap_or(u16::MAX));
            titles.push(t.join(" ").into_boxed_str());
        }
        let mut by_title: Vec<u32> = (0..docs.len() as u32).collect();
        by_title.sort_by(|&a, &b| titles[a as usize].cmp(&titles[b as usize]));
        SearchIndex {
            kinds: docs.iter().map(|d| d.kind).collect(),
            docs,
            aliases: aliases.clone(),
            vocab: b.build(),
            titles,
            title_len,
            by_title,
        }
    }

    pub fn docs(&self) -> &[Doc] {
        &self.docs
    }

    /// Number of distinct words indexed.
    pub fn vocabulary_size(&self) -> usize {
        self.vocab.len()
    }

    /// Every distinct indexed word, sorted.
    pub fn vocabulary(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.vocab.len() as u32).map(|i| self.vocab.word(i))
    }

    /// The indexed words a query word matches by typo (within its typo budget), closest first.
    pub fn typo_words(&self, word: &str) -> Vec<&str> {
        let w = word.to_lowercase();
        let mut t = self
            .vocab
            .typos(&w, typo_budget(w.chars().count()), usize::MAX);
        t.sort_by_key(|&(id, d)| (d, id));
        t.into_iter().map(|(id, _)| self.vocab.word(id)).collect()
    }

    /// The best `limit` docs for `q`, best first, optionally only of some kinds.
    pub fn query(&self, q: &str, kinds: Option<&[Kind]>, limit: usize) -> Vec<Hit> {
        let words = query_words(q);
        let allowed = kind_mask(kinds.unwrap_or(&[]));
        let scored = self.score_with_aliases(&words, Mode::Query, &allowed, &[]);
        top(scored, limit)
    }

    /// [`SearchIndex::query`] over the docs `keep` accepts (e.g. one track's), best first.
    pub fn query_where(
        &self,
        q: &str,
        kinds: Option<&[Kind]>,
        limit: usize,
        keep: impl Fn(&Doc) -> bool,
    ) -> Vec<Hit> {
        let words = query_words(q);
        let allowed = kind_mask(kinds.unwrap_or(&[]));
        let mut scored = self.score_with_aliases(&words, Mode::Query, &allowed, &[]);
        scored.retain(|&(d, _)| keep(&self.docs[d as usize]));
        top(scored, limit)
    }

    /// Autocomplete: the best `limit` titles for what is typed so far. The last word may be
    /// unfinished; any word of a title may start with it. Titles that start with the whole
    /// prefix come first. An empty prefix lists the first docs in order. `kinds` empty = all.
    pub fn complete(&self, prefix: &str, kinds: &[Kind], limit: usize) -> Vec<Hit> {
        let allowed = kind_mask(kinds);
        let words = query_words(prefix);
        if words.is_empty() {
            return (0..self.docs.len())
                .filter(|&i| allowed[self.kinds[i] as usize])
                .take(limit)
                .map(|doc| Hit { doc, score: 0.0 })
                .collect();
        }
        let last_is_prefix = prefix
            .chars()
            .take(MAX_QUERY_CHARS)
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == '+' || c == '#');
        // Titles that start with what is typed.
        let qnorm = words.join(" ");
        let start = self
            .by_title
            .partition_point(|&d| self.titles[d as usize].as_ref() < qnorm.as_str());
        let mut found: Vec<u32> = self.by_title[start..]
            .iter()
            .take(MAX_TITLE_SCAN)
            .take_while(|&&d| self.titles[d as usize].starts_with(qnorm.as_str()))
            .copied()
            .filter(|&d| allowed[self.kinds[d as usize] as usize])
            .filter(|&d| score::title_tier(&self.titles[d as usize], &qnorm, last_is_prefix) > 0.0)
            .collect();
        found.sort_unstable();
        if found.len() >= limit {
            // They outrank anything else: rank them among themselves, skip the word lookups.
            let nterms = words.iter().filter(|w| !is_stop_word(w)).count().max(1) as f32;
            let scored = found
                .into_iter()
                .map(|d| {
                    let i = d as usize;
                    let tier = score::title_tier(&self.titles[i], &qnorm, last_is_prefix);
                    let cov = (nterms / f32::from(self.title_len[i].max(1))).min(1.0);
                    let kind = if self.kinds[i] == Kind::Item {
                        0.0
                    } else {
                        0.02
                    };
                    // A whole word typed beats the start of a longer one (`ml`: ML before MLOps).
                    let rest = &self.titles[i][qnorm.len()..];
                    let whole = if rest.is_empty() || rest.starts_with(' ') {
                        1.0
                    } else {
                        0.85
                    };
                    (d, tier + whole + 0.1 * cov + kind)
                })
                .collect();
            return top(scored, limit);
        }
        let mode = Mode::Complete {
            last_is_prefix,
            want: limit,
        };
        top(
            self.score_with_aliases(&words, mode, &allowed, &found),
            limit,
        )
    }

    /// A corrected query for `q` built from the closest indexed words (allowing one more edit
    /// than search does), or `None` when every word is known or some word has nothing close.
    /// When the correction is exactly a title, the title as written.
    pub fn did_you_mean(&self, q: &str) -> Option<String> {
        let words = query_words(q);
        let mut changed = false;
        let mut out = Vec::with_capacity(words.len());
        for w in words.iter().take(MAX_TERMS) {
            if self.vocab.find(w).is_some() || self.aliases.get(w).is_some() {
                out.push(w.clone());
                continue;
            }
            if is_stop_word(w) {
                out.push(w.clone());
                continue;
            }
            let n = w.chars().count();
            let first = w.chars().next();
            // One edit more than search allows, if the first letter is right and most of the
            // word is: `dckr` -> docker, but not `store` -> core.
            let close = |id: u32, d: usize| {
                let cand = self.vocab.word(id);
                let longest = n.max(cand.chars().count()) as f32;
                d <= typo_budget(n)
                    || (cand.chars().next() == first && 1.0 - d as f32 / longest >= 0.6)
            };
            let best = self
                .vocab
                .typos(w, typo_budget(n) + 1, usize::MAX)
                .into_iter()
                .filter(|&(id, d)| n >= 3 && close(id, d))
                .min_by_key(|&(id, d)| (d, std::cmp::Reverse(self.vocab.df(id)), id));
            match best {
                Some((id, _)) => {
                    out.push(self.vocab.word(id).to_owned());
                    changed = true;
                }
                // An unknown word with nothing close: no honest suggestion for the query.
                None => return None,
            }
        }
        if !changed {
            return None;
        }
        // Prefer a real title, as written, when the correction is one.
        let fixed = out.join(" ");
        let start = self
            .by_title
            .partition_point(|&d| self.titles[d as usize].as_ref() < fixed.as_str());
        match self.by_title.get(start) {
            Some(&d) if self.titles[d as usize].as_ref() == fixed => {
                Some(self.docs[d as usize].title.clone())
            }
            _ => Some(fixed),
        }
    }

    /// Scores `words` and, when they contain aliases, their expansion too; a doc keeps the
    /// better score.
    fn score_with_aliases(
        &self,
        words: &[String],
        mode: Mode,
        allowed: &KindMask,
        extra: &[u32],
    ) -> Vec<(u32, f32)> {
        let facts = DocFacts {
            titles: &self.titles,
            title_len: &self.title_len,
            kinds: &self.kinds,
        };
        let mut scored = score::score(&self.vocab, &facts, words, mode, allowed, extra);
        if let Some(expanded) = self.aliases.expand(words) {
            let more = score::score(&self.vocab, &facts, &expanded, mode, allowed, extra);
            scored.extend(more);
            scored.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
            scored.dedup_by_key(|s| s.0);
        }
        scored
    }
}

/// Which kinds to keep: all of them for an empty list.
fn kind_mask(kinds: &[Kind]) -> KindMask {
    let mut m = [kinds.is_empty(); 7];
    for &k in kinds {
        m[k as usize] = true;
    }
    m
}

/// The words of at most [`MAX_QUERY_CHARS`] chars of `q`.
fn query_words(q: &str) -> Vec<String> {
    let end = q
        .char_indices()
        .nth(MAX_QUERY_CHARS)
        .map_or(q.len(), |(i, _)| i);
    tokens(&q[..end])
}

/// The best `limit` of `scored`, best first; ties go to the earlier doc.
fn top(mut scored: Vec<(u32, f32)>, limit: usize) -> Vec<Hit> {
    let cmp = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if limit == 0 {
        return Vec::new();
    }
    if scored.len() > limit {
        scored.select_nth_unstable_by(limit - 1, cmp);
        scored.truncate(limit);
    }
    scored.sort_unstable_by(cmp);
    scored
        .into_iter()
        .map(|(d, score)| Hit {
            doc: d as usize,
            score,
        })
        .collect()
}
