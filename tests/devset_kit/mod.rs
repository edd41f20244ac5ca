//! The graded dev set over the search fixture site (`tests/sites/search/devset.tsv`, written by
//! `gen.py` before any ranking ran on it): loading, three rankings to compare (the index, its
//! old ranking, a plain BM25) and top-3 grading per cause. Shared by `tests/devset.rs` and
//! `benches/devset.rs`.
#![allow(dead_code)]

use curriculum_bot::curriculum::Curriculum;
use curriculum_bot::search::{docs_from, Aliases, Doc, SearchIndex};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

pub const SITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sites/search/docs");
pub const DEVSET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sites/search/devset.tsv");
/// Hits asked of a ranking before the track's own are put first.
const ASK: usize = 30;

pub struct Row {
    pub query: String,
    pub cause: String,
    pub track: Option<String>,
    pub urls: Vec<String>,
}

pub fn rows() -> Vec<Row> {
    let tsv = std::fs::read_to_string(DEVSET).unwrap_or_else(|e| panic!("reading {DEVSET}: {e}"));
    tsv.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(n, l)| {
            let c: Vec<&str> = l.split('\t').collect();
            let [query, cause, track, urls] = c[..] else {
                panic!("devset.tsv:{}: expected 4 tab-separated columns", n + 1)
            };
            Row {
                query: query.into(),
                cause: cause.into(),
                track: (track != "-").then(|| track.to_owned()),
                urls: urls.split(' ').map(str::to_owned).collect(),
            }
        })
        .collect()
}

pub fn site() -> (Curriculum, SearchIndex) {
    let parsed = curriculum_bot::load::load(Path::new(SITE), None)
        .unwrap_or_else(|e| panic!("loading {SITE}: {e}"));
    let c = parsed.curriculum;
    let idx = SearchIndex::new(docs_from(&c), &Aliases::builtin());
    (c, idx)
}

/// Panics unless every acceptable URL of the dev set is a URL the site has (a page or a doc),
/// so no query is graded against something that cannot be found.
pub fn assert_urls_on_site(c: &Curriculum, idx: &SearchIndex, rows: &[Row]) {
    let mut known: HashSet<String> = idx.docs().iter().filter_map(|d| d.url.clone()).collect();
    known.extend(c.pages.iter().filter_map(|p| p.url.clone()));
    for r in rows {
        for u in &r.urls {
            assert!(known.contains(u), "{:?}: {u} is not on the site", r.query);
        }
    }
}

/// Which ranking answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ranking {
    Bm25f,
    Old,
    PlainBm25,
}

/// The top 3 URLs a member sees for `row`: the ranking's hits, the asked track's first, one
/// per URL.
pub fn top3(
    c: &Curriculum,
    idx: &SearchIndex,
    plain: &PlainBm25,
    how: Ranking,
    row: &Row,
) -> Vec<String> {
    let hits: Vec<usize> = match how {
        Ranking::Bm25f => idx
            .query(&row.query, None, ASK)
            .into_iter()
            .map(|h| h.doc)
            .collect(),
        Ranking::Old => idx
            .query_legacy(&row.query, None, ASK)
            .into_iter()
            .map(|h| h.doc)
            .collect(),
        Ranking::PlainBm25 => plain.query(&row.query, ASK),
    };
    let docs = idx.docs();
    let t = row.track.as_deref().and_then(|t| c.track_by_name(t));
    let (mut mine, rest): (Vec<usize>, Vec<usize>) = hits
        .into_iter()
        .partition(|&d| t.is_some_and(|t| docs[d].tracks.contains(&t)));
    mine.extend(rest);
    let mut seen = HashSet::new();
    mine.into_iter()
        .filter_map(|d| docs[d].url.clone())
        .filter(|u| seen.insert(u.clone()))
        .take(3)
        .collect()
}

/// Whether one of `got` is acceptable (a hit's URL matches with or without its `#anchor`).
pub fn good(row: &Row, got: &[String]) -> bool {
    got.iter().any(|u| {
        let bare = u.split('#').next().unwrap_or(u);
        row.urls.iter().any(|w| w == u || w == bare)
    })
}

/// Per cause (and `all`): (queries with an acceptable URL in the top 3, queries).
pub type Scores = BTreeMap<String, (usize, usize)>;

/// Top-3 hits per cause (and `all`).
pub fn score(
    c: &Curriculum,
    idx: &SearchIndex,
    plain: &PlainBm25,
    how: Ranking,
    rows: &[Row],
) -> Scores {
    let mut out = Scores::new();
    for r in rows {
        let ok = good(r, &top3(c, idx, plain, how, r));
        for key in [r.cause.as_str(), "all"] {
            let e = out.entry(key.to_owned()).or_default();
            e.0 += usize::from(ok);
            e.1 += 1;
        }
    }
    out
}

fn words(s: &str) -> Vec<String> {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The baseline: plain BM25 (k1 1.2, b 0.75) over each doc's title, description and topic
/// heading as one field; lowercase words, no stemming, no typo or prefix matching, no aliases.
pub struct PlainBm25 {
    post: HashMap<String, Vec<(u32, u16)>>,
    len: Vec<f32>,
    avg: f32,
}

impl PlainBm25 {
    pub fn new(docs: &[Doc]) -> PlainBm25 {
        let mut post: HashMap<String, Vec<(u32, u16)>> = HashMap::new();
        let mut len = Vec::with_capacity(docs.len());
        for (i, d) in docs.iter().enumerate() {
            let ws = words(&format!("{} {} {}", d.title, d.body, d.heading));
            len.push(ws.len() as f32);
            let mut tf: HashMap<String, u16> = HashMap::new();
            for w in ws {
                *tf.entry(w).or_default() += 1;
            }
            for (w, n) in tf {
                post.entry(w).or_default().push((i as u32, n));
            }
        }
        let avg = len.iter().sum::<f32>() / len.len().max(1) as f32;
        PlainBm25 { post, len, avg }
    }

    pub fn query(&self, q: &str, limit: usize) -> Vec<usize> {
        let n = self.len.len() as f32;
        let mut score: HashMap<u32, f32> = HashMap::new();
        let mut qs = words(q);
        qs.sort();
        qs.dedup();
        for w in qs {
            let Some(p) = self.post.get(&w) else { continue };
            let df = p.len() as f32;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            for &(d, tf) in p {
                let tf = f32::from(tf);
                let norm = 1.0 - 0.75 + 0.75 * self.len[d as usize] / self.avg.max(1.0);
                *score.entry(d).or_default() += idf * tf * 2.2 / (tf + 1.2 * norm);
            }
        }
        let mut v: Vec<(u32, f32)> = score.into_iter().collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v.into_iter().take(limit).map(|x| x.0 as usize).collect()
    }
}
