//! PURE. [`SearchIndex`]: ranked, typo-tolerant queries, autocomplete and "did you mean" over a
//! list of [`Doc`]s. See [`super::score`] for how a doc is scored.

use super::query::{self, Stages};
use super::rank::{self, Facts};
use super::score::{self, DocFacts, KindMask, Mode, MAX_TERMS};
use super::text::{is_stop_word, tokens, typo_budget};
use super::vocab::{Field, Vocab, VocabBuilder, FIELDS};
use super::{abbrev, Aliases, Doc, Hit, Kind};

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
    /// Words per field of each doc, and their averages, for BM25F.
    field_len: Vec<[u16; FIELDS]>,
    avg_len: [f32; FIELDS],
    /// Abbreviations the site defines itself (`search::abbrev`).
    mined: Aliases,
    stages: Stages,
}

impl SearchIndex {
    pub fn new(docs: Vec<Doc>, aliases: &Aliases) -> SearchIndex {
        let mut b = VocabBuilder::default();
        let mut titles = Vec::with_capacity(docs.len());
        let mut title_len = Vec::with_capacity(docs.len());
        let mut field_len = Vec::with_capacity(docs.len());
        let mut sum = [0f64; FIELDS];
        for (i, d) in docs.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            let t = tokens(&d.title);
            let alt = d.alt_titles.join(" \n ");
            let mut lens = [0u16; FIELDS];
            for (f, text) in [
                (Field::Title, d.title.as_str()),
                (Field::Alt, alt.as_str()),
                (Field::Body, d.body.as_str()),
                (Field::Heading, d.heading.as_str()),
                (Field::Place, d.context.as_str()),
            ] {
                let words = if f == Field::Title {
                    t.clone()
                } else {
                    tokens(text)
                };
                lens[f as usize] = u16::try_from(words.len()).unwrap_or(u16::MAX);
                sum[f as usize] += words.len() as f64;
                b.add(i, f, &words);
            }
            field_len.push(lens);
            let meaningful = t.iter().filter(|w| !is_stop_word(w)).count();
            title_len.push(u16::try_from(meaningful).unwrap_or(u16::MAX));
            titles.push(t.join(" ").into_boxed_str());
        }
        let n = docs.len().max(1) as f64;
        let avg_len = sum.map(|x| (x / n) as f32);
        let mined = abbrev::mine(docs.iter().flat_map(|d| {
            std::iter::once(d.title.as_str())
                .chain(d.alt_titles.iter().map(String::as_str))
                .chain([d.heading.as_str(), d.body.as_str()])
        }));
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
            field_len,
            avg_len,
            mined,
            stages: Stages::default(),
        }
    }

    /// The index with some ranking stages off, to measure what each adds.
    #[doc(hidden)]
    pub fn with_stages(mut self, stages: Stages) -> SearchIndex {
        self.stages = stages;
        self
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

    /// The best `limit` docs for `q`, best first, optionally only of some kinds: one hit per
    /// URL and per text (see [`SearchIndex::query_where`]).
    pub fn query(&self, q: &str, kinds: Option<&[Kind]>, limit: usize) -> Vec<Hit> {
        self.query_where(q, kinds, limit, |_| true)
    }

    /// [`SearchIndex::query`] over the docs `keep` accepts (e.g. one track's), best first. Ranked
    /// by BM25F ([`super::rank`]) over every reading of the query ([`super::query`]); a doc
    /// keeps its best reading. Then a whole-title match, and a link before a topic before a bare
    /// bullet of equal relevance. A doc whose URL, or (without a URL) whose text, an earlier hit
    /// already has is left out.
    pub fn query_where(
        &self,
        q: &str,
        kinds: Option<&[Kind]>,
        limit: usize,
        keep: impl Fn(&Doc) -> bool,
    ) -> Vec<Hit> {
        let words = query_words(q);
        if words.is_empty() || limit == 0 {
            return Vec::new();
        }
        let allowed = kind_mask(kinds.unwrap_or(&[]));
        let f = self.stages.fields;
        let facts = Facts {
            fields: [true, f, true, f, f],
            len: &self.field_len,
            avg: self.avg_len,
            kinds: &self.kinds,
        };
        let mut scored: Vec<(u32, f32)> = Vec::new();
        let empty = Aliases::default();
        let mined = if self.stages.mined {
            &self.mined
        } else {
            &empty
        };
        let stages = self.stages;
        let readings = query::readings(&self.vocab, &words, &[&self.aliases, mined], stages);
        let several = readings.len() > 1;
        for reading in readings {
            let terms: Vec<rank::Term> = reading
                .iter()
                .map(|w| query::term(&self.vocab, w, stages))
                .collect();
            let n = terms.len() as f32;
            scored.extend(
                rank::score(&self.vocab, &facts, &terms, &allowed)
                    .into_iter()
                    .map(|(d, s, m)| (d, s * (0.6 + 0.4 * f32::from(m) / n))),
            );
        }
        if several {
            scored.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
            scored.dedup_by_key(|s| s.0);
        }
        let qnorm = words.join(" ");
        scored.retain(|&(d, _)| keep(&self.docs[d as usize]));
        for (d, s) in &mut scored {
            let i = *d as usize;
            if *self.titles[i] == *qnorm {
                *s += 0.3;
            }
            // A link or a module is the answer; a heading or a bullet that only names the same
            // thing comes after it.
            *s *= match self.kinds[i] {
                Kind::Resource | Kind::Module => 1.0,
                Kind::Item => 0.8,
                _ => 0.85,
            };
        }
        self.distinct_top(scored, limit)
    }

    /// The old ranking (title and body only, no stemming, compounds or mined abbreviations),
    /// kept to measure the new one against (`cargo bench --bench devset`).
    #[doc(hidden)]
    pub fn query_legacy(&self, q: &str, kinds: Option<&[Kind]>, limit: usize) -> Vec<Hit> {
        let words = query_words(q);
        let allowed = kind_mask(kinds.unwrap_or(&[]));
        let scored = self.score_with_aliases(&words, Mode::Query, &allowed, &[]);
        top(scored, limit)
    }

    /// The best `limit` of `scored` with one hit per URL and per text without a URL.
    fn distinct_top(&self, scored: Vec<(u32, f32)>, limit: usize) -> Vec<Hit> {
        let mut want = limit.saturating_mul(4).max(16);
        loop {
            let all = scored.len() <= want;
            let best = top(scored.clone(), want);
            let mut urls = std::collections::HashSet::new();
            let mut texts = std::collections::HashSet::new();
            let out: Vec<Hit> = best
                .into_iter()
                .filter(|h| match &self.docs[h.doc].url {
                    Some(u) => urls.insert(u.as_str()),
                    None => texts.insert(&*self.titles[h.doc]),
                })
                .take(limit)
                .collect();
            if out.len() >= limit || all {
                return out;
            }
            want = want.saturating_mul(4);
        }
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
