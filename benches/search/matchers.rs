//! The candidate matchers (nucleo-matcher, frizbee, fst, strsim alone) beside the index and the
//! baseline, each on the same work and checked for the same quality.

use super::{pct, time_each, VocabScan, MIN_HIT_RATE, SEED};
use crate::common::{ms, pick, stats, thousands, Report};
use curriculum_bot::search::synth::{self, QueryKind, Rng, SynthQuery};
use curriculum_bot::search::{Doc, SearchIndex};
use fst::{automaton::Levenshtein, IntoStreamer, Set};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use std::time::{Duration, Instant};

pub fn report(rep: &mut Report, idx: &SearchIndex, base: &VocabScan, docs: &[Doc], n: usize) {
    let qs: Vec<SynthQuery> = synth::queries(pick(12, 4), SEED ^ 1)
        .into_iter()
        .filter(|q| matches!(q.kind, QueryKind::Exact | QueryKind::Typo))
        .collect();
    let hay: Vec<String> = docs
        .iter()
        .map(|d| format!("{} {}", d.title, d.body))
        .collect();
    let hits = |v: Vec<curriculum_bot::search::Hit>| v.into_iter().map(|h| h.doc).collect();
    rep.line(format!(
        "### Choice of matcher\n\nThe whole search over the {} docs, {} exact and one-typo \
         tool names (the index 5 times each, the others once):\n",
        thousands(n as u64),
        qs.len()
    ));
    let mut rows = Vec::new();
    let mut row = |name: &str, (t, q): (Vec<Duration>, f64)| {
        let (m, p) = stats(t);
        rows.push(vec![name.to_string(), ms(m), ms(p), pct(q)]);
        q
    };
    let q = row(
        "index (vocabulary + letter-set filter + strsim OSA)",
        time_each(&qs, 5, docs, |q| hits(idx.query(q, None, 10))),
    );
    assert!(q >= MIN_HIT_RATE, "index hit rate {q:.2}");
    row(
        "baseline: strsim over the distinct vocabulary",
        time_each(&qs, 1, docs, |q| base.query(q, 10)),
    );
    let mut nm = nucleo_matcher::Matcher::new(nucleo_matcher::Config::DEFAULT);
    row(
        "nucleo-matcher 0.3, linear scan of title + body",
        time_each(&qs, 1, docs, |q| {
            let p = Pattern::parse(q, CaseMatching::Ignore, Normalization::Smart);
            let m = p.match_list(hay.iter().enumerate().map(|(i, h)| Indexed(i, h)), &mut nm);
            m.into_iter().take(10).map(|(x, _)| x.0).collect()
        }),
    );
    let cfg = frizbee::Config {
        max_typos: Some(1),
        ..frizbee::Config::default()
    };
    row(
        "frizbee 0.13 (max 1 typo), linear scan of title + body",
        time_each(&qs, 1, docs, |q| {
            let mut m = frizbee::Matcher::new(q, &cfg);
            m.match_list(&hay)
                .into_iter()
                .take(10)
                .map(|x| x.index as usize)
                .collect()
        }),
    );
    rep.table(&["matcher", "median", "p99", "top-3 hit rate"], &rows);

    // The part a matcher really does in the index: find the vocabulary words a typed word
    // means. Same words, same queries, for every candidate.
    let vocab: Vec<&str> = idx.vocabulary().collect();
    let set = Set::from_iter(vocab.iter()).ok();
    let mut rng = Rng::new(SEED);
    let typos: Vec<(String, String)> = (0..60)
        .map(|_| {
            let w = rng.pick(synth::TOOLS).to_lowercase();
            (synth::typo(&mut rng, &w), w)
        })
        .filter(|(t, w)| t != w && w.chars().all(char::is_alphanumeric))
        .collect();
    rep.line(format!(
        "Finding the vocabulary words a typed word stands for ({} one-typo tool names: a char \
         dropped, doubled, swapped or replaced; {} words):\n",
        typos.len(),
        thousands(vocab.len() as u64)
    ));
    let mut rows = Vec::new();
    let mut lookup = |name: &str, f: &mut dyn FnMut(&str) -> Vec<String>| {
        let (mut times, mut found, mut cands) = (Vec::new(), 0, 0);
        for (t, w) in &typos {
            let start = Instant::now();
            let got = std::hint::black_box(f(t));
            times.push(start.elapsed());
            found += usize::from(got.iter().take(5).any(|g| g == w));
            cands += got.len();
        }
        let (m, p) = stats(times);
        let k = typos.len().max(1) as f64;
        rows.push(vec![
            name.to_string(),
            ms(m),
            ms(p),
            pct(found as f64 / k),
            format!("{:.1}", cands as f64 / k),
        ]);
        found as f64 / k
    };
    let found = lookup(
        "index: length buckets + letter-set filter + strsim OSA",
        &mut |t| idx.typo_words(t).into_iter().map(str::to_owned).collect(),
    );
    assert!(found >= MIN_HIT_RATE, "index typo lookup found {found:.2}");
    lookup("strsim alone, OSA against every word", &mut |t| {
        let budget = super::typo_budget(t.chars().count());
        let mut v: Vec<(usize, &str)> = vocab
            .iter()
            .map(|w| (strsim::osa_distance(t, w), *w))
            .filter(|(d, _)| *d <= budget)
            .collect();
        v.sort();
        v.into_iter().map(|(_, w)| w.to_owned()).collect()
    });
    for d in [1u32, 2] {
        lookup(
            &format!("fst 0.4 Levenshtein automaton, distance {d}"),
            &mut |t| {
                let (Some(set), Ok(lev)) = (&set, Levenshtein::new(t, d)) else {
                    return Vec::new();
                };
                let mut v: Vec<String> = set
                    .search(lev)
                    .into_stream()
                    .into_strs()
                    .unwrap_or_default();
                v.sort_by_key(|w| strsim::osa_distance(t, w));
                v
            },
        );
    }
    let mut nm = nucleo_matcher::Matcher::new(nucleo_matcher::Config::DEFAULT);
    lookup("nucleo-matcher over the vocabulary", &mut |t| {
        let p = Pattern::parse(t, CaseMatching::Ignore, Normalization::Smart);
        p.match_list(vocab.iter().copied(), &mut nm)
            .into_iter()
            .map(|(w, _)| w.to_owned())
            .collect()
    });
    lookup("frizbee over the vocabulary (max 1 typo)", &mut |t| {
        let cfg = frizbee::Config {
            max_typos: Some(1),
            ..frizbee::Config::default()
        };
        let mut m = frizbee::Matcher::new(t, &cfg);
        m.match_list(&vocab)
            .into_iter()
            .map(|x| vocab[x.index as usize].to_owned())
            .collect()
    });
    rep.table(
        &[
            "matcher",
            "median",
            "p99",
            "intended word in top 5",
            "candidates (mean)",
        ],
        &rows,
    );
}

/// A haystack that remembers its position, for nucleo's `match_list`.
struct Indexed<'a>(usize, &'a String);
impl AsRef<str> for Indexed<'_> {
    fn as_ref(&self) -> &str {
        self.1
    }
}
