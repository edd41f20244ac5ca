//! Search over a synthetic curriculum of 100,000 docs (`cargo bench --bench search`).
//!
//! A per-query timing loop gives the median and p99 of full queries and autocomplete prefixes,
//! for the index and for the baseline measured in the same process: strsim over the DISTINCT
//! vocabulary (every distinct word once, with its postings), the same scoring, no filter. Each
//! query's answer is checked (a top-3 title contains the intended word) and the run fails when
//! the index, or the baseline, misses. Last, the candidate matchers (nucleo-matcher, frizbee,
//! fst, strsim alone) are compared for speed and quality on the same typo queries.

#[path = "common/mod.rs"]
mod common;
#[path = "search/matchers.rs"]
mod matchers;

use common::{ms, pick, ratio, stats, thousands, Report};
use curriculum_bot::search::synth::{self, QueryKind, SynthQuery};
use curriculum_bot::search::{Aliases, Doc, SearchIndex};
use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

const SEED: u64 = 42;
/// Below this top-3 hit rate a run fails: the timings would be of wrong answers.
const MIN_HIT_RATE: f64 = 0.95;

fn main() {
    let n = pick(100_000, 20_000);
    let t = Instant::now();
    let docs = synth::generate(n, SEED);
    let gen = t.elapsed();
    let t = Instant::now();
    let idx = SearchIndex::new(docs.clone(), &Aliases::builtin());
    let indexing = t.elapsed();
    let t = Instant::now();
    let base = VocabScan::new(&docs);
    let base_build = t.elapsed();
    let mut rep = Report::new("search");
    rep.line(format!(
        "{} synthetic docs (seed {SEED}; generated in {:.2} s), {} distinct words. Building the \
         index took {:.2} s; the baseline's vocabulary and postings {:.2} s.\n",
        thousands(n as u64),
        gen.as_secs_f64(),
        thousands(idx.vocabulary_size() as u64),
        indexing.as_secs_f64(),
        base_build.as_secs_f64()
    ));
    per_query_report(&mut rep, &idx, &base, &docs, n);
    matchers::report(&mut rep, &idx, &base, &docs, n);
    rep.write();
}

/// Runs every query `reps` times, timing each run; also returns the share of queries whose
/// expected word is in a top-3 title.
fn time_each(
    qs: &[SynthQuery],
    reps: usize,
    docs: &[Doc],
    mut run: impl FnMut(&str) -> Vec<usize>,
) -> (Vec<Duration>, f64) {
    let mut times = Vec::with_capacity(qs.len() * reps);
    let mut good = 0;
    for q in qs {
        let mut top = Vec::new();
        for _ in 0..reps {
            let t = Instant::now();
            top = black_box(run(&q.text));
            times.push(t.elapsed());
        }
        if top
            .iter()
            .take(3)
            .any(|&d| docs[d].title.to_lowercase().contains(&q.expect))
        {
            good += 1;
        }
    }
    (times, good as f64 / qs.len().max(1) as f64)
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn per_query_report(rep: &mut Report, idx: &SearchIndex, base: &VocabScan, docs: &[Doc], n: usize) {
    let reps = pick(10, 2);
    let all = synth::queries(40, SEED);
    let full: Vec<SynthQuery> = all
        .iter()
        .filter(|q| q.kind != QueryKind::Prefix)
        .cloned()
        .collect();
    let mut prefixes: Vec<SynthQuery> = all
        .iter()
        .filter(|q| q.kind == QueryKind::Prefix)
        .cloned()
        .collect();
    // Typing names one char at a time, as autocomplete sees them.
    for name in [
        "kubernetes",
        "terraform",
        "prometheus",
        "experiment tracking",
        "sagemaker",
    ] {
        for k in 1..=name.len() {
            let text = name[..k].to_owned();
            prefixes.push(SynthQuery {
                kind: QueryKind::Prefix,
                expect: text.clone(),
                text,
            });
        }
    }
    let hits = |v: Vec<curriculum_bot::search::Hit>| v.into_iter().map(|h| h.doc).collect();
    let (ours_full, q_full) = time_each(&full, reps, docs, |q| hits(idx.query(q, None, 10)));
    let (ours_pre, q_pre) = time_each(&prefixes, reps, docs, |q| hits(idx.complete(q, &[], 25)));
    let (base_full, b_full) = time_each(&full, 1, docs, |q| base.query(q, 10));
    let (base_pre, b_pre) = time_each(&prefixes, 1, docs, |q| base.complete(q, 25));
    rep.line(format!(
        "Per query on one thread: the index runs every query {reps} times, the baseline once. \
         Full queries are exact, multi-word and one-typo names; autocomplete is short prefixes \
         plus five names typed one char at a time. Hit rate: a title in the top 3 contains the \
         intended word (the run fails below {}).\n",
        pct(MIN_HIT_RATE)
    ));
    let mut rows = Vec::new();
    for (name, count, ours, theirs, qo, qb, target_what) in [
        (
            "full queries",
            full.len(),
            ours_full,
            base_full,
            q_full,
            b_full,
            "full queries",
        ),
        (
            "autocomplete",
            prefixes.len(),
            ours_pre,
            base_pre,
            q_pre,
            b_pre,
            "autocomplete prefixes",
        ),
    ] {
        assert!(
            qo >= MIN_HIT_RATE && qb >= MIN_HIT_RATE,
            "{name}: top-3 hit rate index {qo:.2}, baseline {qb:.2}: below {MIN_HIT_RATE}"
        );
        let (om, op) = stats(ours);
        let (bm, bp) = stats(theirs);
        let p99_ratio = bp.as_secs_f64() / op.as_secs_f64().max(1e-9);
        rows.push(vec![
            name.to_string(),
            count.to_string(),
            ms(om),
            ms(op),
            ms(bm),
            ms(bp),
            ratio(bm.as_secs_f64(), om.as_secs_f64()),
            ratio(bp.as_secs_f64(), op.as_secs_f64()),
            format!("{} / {}", pct(qo), pct(qb)),
        ]);
        rep.summary(
            &format!("search p99, {} docs, {target_what}", thousands(n as u64)),
            "≤ 2 ms, ≥ 10× faster than the baseline",
            format!(
                "{}, {} faster",
                ms(op),
                ratio(bp.as_secs_f64(), op.as_secs_f64())
            ),
            Some(op <= Duration::from_millis(2) && p99_ratio >= 10.0),
        );
    }
    rep.table(
        &[
            "workload",
            "queries",
            "index median",
            "index p99",
            "baseline median",
            "baseline p99",
            "ratio (median)",
            "ratio (p99)",
            "top-3 hit rate index / baseline",
        ],
        &rows,
    );
    let mut rows = Vec::new();
    for kind in [QueryKind::Exact, QueryKind::MultiWord, QueryKind::Typo] {
        let qs: Vec<SynthQuery> = full.iter().filter(|q| q.kind == kind).cloned().collect();
        let (t, q) = time_each(&qs, reps, docs, |q| hits(idx.query(q, None, 10)));
        let (bt, _) = time_each(&qs, 1, docs, |q| base.query(q, 10));
        let (m, p) = stats(t);
        let (bm, bp) = stats(bt);
        rows.push(vec![
            format!("{kind:?}"),
            qs.len().to_string(),
            ms(m),
            ms(p),
            ms(bm),
            ms(bp),
            pct(q),
        ]);
    }
    rep.line("By kind of full query:\n");
    rep.table(
        &[
            "kind",
            "queries",
            "index median",
            "index p99",
            "baseline median",
            "baseline p99",
            "index top-3 hit rate",
        ],
        &rows,
    );
}

/// Edits a query word of `len` chars may carry (the index's own rule, `search::text`).
fn typo_budget(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=6 => 1,
        _ => 2,
    }
}

fn words(s: &str) -> Vec<String> {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The baseline: every distinct word once, with its postings (doc, in the title or not); a query
/// word is compared with strsim's OSA distance against every distinct word, under the index's
/// typo budget, and scores the docs of the words it matches (best match per doc and query word;
/// a title match counts double). What the index does, without its length buckets and letter-set
/// filter.
struct VocabScan {
    vocab: Vec<(String, Vec<(u32, bool)>)>,
    title_len: Vec<usize>,
}

impl VocabScan {
    fn new(docs: &[Doc]) -> VocabScan {
        let mut postings: HashMap<String, Vec<(u32, bool)>> = HashMap::new();
        let mut title_len = Vec::with_capacity(docs.len());
        for (i, d) in docs.iter().enumerate() {
            let title = words(&d.title);
            title_len.push(title.len());
            for (ws, in_title) in [(title, true), (words(&d.body), false)] {
                let mut ws = ws;
                ws.sort_unstable();
                ws.dedup();
                for w in ws {
                    postings.entry(w).or_default().push((i as u32, in_title));
                }
            }
        }
        let mut vocab: Vec<_> = postings.into_iter().collect();
        vocab.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        VocabScan { vocab, title_len }
    }

    fn sim(t: &str, w: &str, prefix: bool) -> f64 {
        if t == w {
            return 1.0;
        }
        if prefix && w.starts_with(t) {
            return 0.9;
        }
        let d = strsim::osa_distance(t, w);
        if d <= typo_budget(t.chars().count()) {
            0.7 - 0.1 * d as f64
        } else {
            0.0
        }
    }

    fn run(&self, q: &str, limit: usize, prefix: bool) -> Vec<usize> {
        let mut score: HashMap<u32, f64> = HashMap::new();
        for t in words(q) {
            let mut best: HashMap<u32, f64> = HashMap::new();
            for (w, posts) in &self.vocab {
                let s = Self::sim(&t, w, prefix);
                if s == 0.0 {
                    continue;
                }
                for &(d, in_title) in posts {
                    let v = if in_title { s } else { 0.5 * s };
                    let e = best.entry(d).or_insert(0.0);
                    *e = e.max(v);
                }
            }
            for (d, v) in best {
                *score.entry(d).or_insert(0.0) += v;
            }
        }
        let mut scored: Vec<(usize, f64)> = score
            .into_iter()
            .map(|(d, s)| {
                let d = d as usize;
                (d, s + 0.1 / (1 + self.title_len[d]) as f64)
            })
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored.into_iter().take(limit).map(|s| s.0).collect()
    }

    fn query(&self, q: &str, limit: usize) -> Vec<usize> {
        self.run(q, limit, false)
    }

    fn complete(&self, q: &str, limit: usize) -> Vec<usize> {
        self.run(q, limit, true)
    }
}
