//! PURE. The vocabulary behind the index: every distinct normalized word of the docs, sorted for
//! exact and prefix lookups by binary search, with postings (which docs, title or body), document
//! frequencies, and length buckets of char masks for typo lookups.

use super::text::{char_mask, stem, MAX_TOKEN_CHARS};
use std::collections::HashMap;
use std::ops::Range;

/// Where a word occurs in a doc (the fields of BM25F, most telling first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The title shown.
    Title,
    /// The other titles a merged resource is listed under.
    Alt,
    /// Descriptions and the link's domain.
    Body,
    /// The enclosing topic heading and the bullets beside it.
    Heading,
    /// Where it sits: section, page, module and track.
    Place,
}

/// Number of [`Field`]s.
pub const FIELDS: usize = 5;

impl Field {
    pub const ALL: [Field; FIELDS] = [
        Field::Title,
        Field::Alt,
        Field::Body,
        Field::Heading,
        Field::Place,
    ];
}

/// One occurrence list entry, packed as `doc * 8 + field`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Posting(u32);

impl Posting {
    fn new(doc: u32, field: Field) -> Self {
        Posting(doc * 8 + field as u32)
    }
    pub fn doc(self) -> usize {
        (self.0 / 8) as usize
    }
    pub fn field(self) -> Field {
        Field::ALL[((self.0 & 7) as usize).min(FIELDS - 1)]
    }
}

#[derive(Debug, Clone, Default)]
pub struct Vocab {
    /// Sorted, distinct.
    words: Vec<Box<str>>,
    /// Number of docs each word occurs in.
    df: Vec<u32>,
    /// `post[post_start[w]..post_start[w + 1]]` are the postings of word `w`, sorted.
    post_start: Vec<u32>,
    post: Vec<Posting>,
    /// `by_len[n]` holds `(char_mask, word)` for every word of `n` chars.
    by_len: Vec<Vec<(u64, u32)>>,
    /// Stem -> the words with that stem (`monitor` -> monitor, monitoring, monitors).
    stems: HashMap<Box<str>, Vec<u32>>,
}

/// Collects postings doc by doc, then freezes into a [`Vocab`].
#[derive(Default)]
pub struct VocabBuilder {
    ids: HashMap<String, u32>,
    lists: Vec<Vec<Posting>>,
}

impl VocabBuilder {
    /// Records `words` in `field` of `doc`. Docs must be added in increasing order.
    pub fn add(&mut self, doc: u32, field: Field, words: &[String]) {
        for w in words {
            let id = match self.ids.get(w.as_str()) {
                Some(&id) => id,
                None => {
                    let id = self.lists.len() as u32;
                    self.ids.insert(w.clone(), id);
                    self.lists.push(Vec::new());
                    id
                }
            };
            let list = &mut self.lists[id as usize];
            let p = Posting::new(doc, field);
            if list.last() != Some(&p) {
                list.push(p);
            }
        }
    }

    pub fn build(self) -> Vocab {
        let mut entries: Vec<(String, u32)> = self.ids.into_iter().collect();
        entries.sort_unstable();
        let mut lists = self.lists;
        let mut v = Vocab {
            by_len: vec![Vec::new(); MAX_TOKEN_CHARS + 1],
            ..Vocab::default()
        };
        v.post_start.push(0);
        for (new_id, (word, old)) in entries.into_iter().enumerate() {
            let mut list = std::mem::take(&mut lists[old as usize]);
            list.sort_unstable();
            list.dedup();
            let mut docs = 0u32;
            let mut last = usize::MAX;
            for p in &list {
                if p.doc() != last {
                    docs += 1;
                    last = p.doc();
                }
            }
            v.df.push(docs);
            v.post.extend_from_slice(&list);
            v.post_start.push(v.post.len() as u32);
            let n = word.chars().count().min(MAX_TOKEN_CHARS);
            v.by_len[n].push((char_mask(&word), new_id as u32));
            v.stems
                .entry(stem(&word).into())
                .or_default()
                .push(new_id as u32);
            v.words.push(word.into_boxed_str());
        }
        v
    }
}

impl Vocab {
    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn word(&self, id: u32) -> &str {
        &self.words[id as usize]
    }

    pub fn df(&self, id: u32) -> u32 {
        self.df[id as usize]
    }

    pub fn postings(&self, id: u32) -> &[Posting] {
        let a = self.post_start[id as usize] as usize;
        let b = self.post_start[id as usize + 1] as usize;
        &self.post[a..b]
    }

    /// Every word with the stem of `word` (the word itself included when indexed).
    pub fn same_stem(&self, word: &str) -> &[u32] {
        self.stems
            .get(stem(word).as_ref())
            .map_or(&[], Vec::as_slice)
    }

    pub fn find(&self, word: &str) -> Option<u32> {
        self.words
            .binary_search_by(|w| w.as_ref().cmp(word))
            .ok()
            .map(|i| i as u32)
    }

    /// Ids of every word starting with `prefix` (the word itself included), in sorted order.
    pub fn prefix_range(&self, prefix: &str) -> Range<u32> {
        let start = self.words.partition_point(|w| w.as_ref() < prefix);
        let len = self.words[start..].partition_point(|w| w.starts_with(prefix));
        start as u32..(start + len) as u32
    }

    /// Words within `max` edits (optimal string alignment) of `word`, the word itself excluded,
    /// as `(id, distance)`. Scans only the length buckets that can match and skips words whose
    /// char masks differ too much before computing any distance; stops after `cap` matches.
    pub fn typos(&self, word: &str, max: usize, cap: usize) -> Vec<(u32, usize)> {
        let mut out = Vec::new();
        if max == 0 {
            return out;
        }
        let n = word.chars().count();
        let mask = char_mask(word);
        let lo = n.saturating_sub(max);
        let hi = (n + max).min(MAX_TOKEN_CHARS);
        for len in lo..=hi {
            for &(m, id) in &self.by_len[len] {
                if (m ^ mask).count_ones() as usize > 2 * max {
                    continue;
                }
                let cand = self.word(id);
                if cand == word {
                    continue;
                }
                let d = strsim::osa_distance(word, cand);
                if d <= max {
                    out.push((id, d));
                    if out.len() >= cap {
                        return out;
                    }
                }
            }
        }
        out
    }
}

impl Vocab {
    /// Words starting with something one edit away from `prefix` (`dokc` -> docker), for
    /// autocomplete when the typed start of a word has a typo. Each edit of `prefix` (a char
    /// dropped, swapped with the next, replaced or inserted from a-z, 0-9 and the prefix's own
    /// chars) is looked up as a prefix range; stops after `cap` words.
    pub fn typo_prefixes(&self, prefix: &str, cap: usize) -> Vec<u32> {
        let cs: Vec<char> = prefix.chars().collect();
        let mut alphabet: Vec<char> = ('a'..='z')
            .chain('0'..='9')
            .chain(cs.iter().copied())
            .collect();
        alphabet.sort_unstable();
        alphabet.dedup();
        let mut variants: Vec<String> = Vec::new();
        for i in 0..cs.len() {
            let mut v = cs.clone();
            v.remove(i);
            variants.push(v.into_iter().collect());
            if i + 1 < cs.len() {
                let mut v = cs.clone();
                v.swap(i, i + 1);
                variants.push(v.into_iter().collect());
            }
        }
        for i in 0..=cs.len() {
            for &c in &alphabet {
                let mut v = cs.clone();
                v.insert(i, c);
                variants.push(v.into_iter().collect());
                if i < cs.len() && cs[i] != c {
                    let mut v = cs.clone();
                    v[i] = c;
                    variants.push(v.into_iter().collect());
                }
            }
        }
        let mut out: Vec<u32> = Vec::new();
        for v in variants {
            if v.is_empty() || v == prefix {
                continue;
            }
            for id in self.prefix_range(&v) {
                if !out.contains(&id) && starts_within_one(self.word(id), &cs) {
                    out.push(id);
                    if out.len() >= cap {
                        return out;
                    }
                }
            }
        }
        out
    }
}

/// Whether the start of `word` as long as `prefix`, or one char longer, is within one edit of
/// `prefix`: `dokc` -> docker, but not `dokc` -> documentation (through `doc`).
fn starts_within_one(word: &str, prefix: &[char]) -> bool {
    let n = prefix.len();
    let p: String = prefix.iter().collect();
    (n..=n + 1).any(|len| {
        let start: String = word.chars().take(len).collect();
        start.chars().count() == len && strsim::osa_distance(&p, &start) <= 1
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab(docs: &[&str]) -> Vocab {
        let mut b = VocabBuilder::default();
        for (i, d) in docs.iter().enumerate() {
            b.add(i as u32, Field::Title, &super::super::text::tokens(d));
        }
        b.build()
    }

    #[test]
    fn lookups() {
        let v = vocab(&["Docker docs", "docker compose", "Kubeflow"]);
        let id = v.find("docker").map(|i| v.word(i).to_owned());
        assert_eq!(id.as_deref(), Some("docker"));
        let r = v.prefix_range("doc");
        let words: Vec<&str> = r.map(|i| v.word(i)).collect();
        assert_eq!(words, ["docker", "docs"]);
        assert_eq!(v.find("docker").map(|i| v.df(i)), Some(2));
        let t: Vec<(&str, usize)> = v
            .typos("dokcer", 1, 10)
            .into_iter()
            .map(|(i, d)| (v.word(i), d))
            .collect();
        assert_eq!(t, [("docker", 1)]);
        let t: Vec<&str> = v
            .typos("kubeflw", 1, 10)
            .into_iter()
            .map(|(i, _)| v.word(i))
            .collect();
        assert_eq!(t, ["kubeflow"]);
        assert!(v.prefix_range("zzz").is_empty());
        for (typed, want) in [
            ("dokc", "docker"),
            ("kbue", "kubeflow"),
            ("dcoker", "docker"),
        ] {
            let got: Vec<&str> = v
                .typo_prefixes(typed, 10)
                .into_iter()
                .map(|i| v.word(i))
                .collect();
            assert_eq!(got, [want], "{typed}");
        }
    }
}
