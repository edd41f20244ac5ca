//! Search benchmark over a synthetic curriculum of 100,000 docs (`cargo bench --bench search`).
//!
//! Criterion measures a few representative queries; then a per-query timing loop prints the
//! median and p99 of full queries and autocomplete prefixes, for the index and for the baseline
//! (a naive strsim linear scan over every title and body) measured in the same process, and the
//! ratio between them. Last, it compares the candidate matchers (nucleo-matcher, frizbee, fst,
//! strsim alone) for speed and for quality on the same typo queries.

use criterion::{black_box, Criterion};
use curriculum_bot::search::synth::{self, QueryKind, SynthQuery};
use curriculum_bot::search::{Aliases, Doc, SearchIndex};
use std::time::{Duration, Instant};

const N: usize = 100_000;
const SEED: u64 = 42;

fn main() {
    let t = Instant::now();
    let docs = synth::generate(N, SEED);
    let gen = t.elapsed();
    let t = Instant::now();
    let idx = SearchIndex::new(docs.clone(), &Aliases::builtin());
    println!(
        "{N} docs generated in {:.0?}, indexed in {:.0?} ({} distinct words)",
        gen,
        t.elapsed(),
        idx.vocabulary_size()
    );
    let naive = Naive::new(&docs);

    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    let mut g = c.benchmark_group("search_100k");
    for (name, q) in [
        ("query_exact", "kubernetes"),
        ("query_multi", "model monitoring with prometheus"),
        ("query_typo", "kuberntes"),
    ] {
        g.bench_function(name, |b| b.iter(|| idx.query(black_box(q), None, 10)));
    }
    g.bench_function("complete_prefix", |b| {
        b.iter(|| idx.complete(black_box("kub"), &[], 25))
    });
    g.bench_function("baseline_naive_strsim", |b| {
        b.iter(|| naive.query(black_box("kuberntes"), 10))
    });
    g.finish();

    per_query_report(&idx, &naive, &docs);
    matchers::report(&idx, &naive, &docs);
    c.final_summary();
}

/// Median and p99 of a set of timings.
fn stats(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort_unstable();
    if v.is_empty() {
        return (Duration::ZERO, Duration::ZERO);
    }
    let p = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    (p(0.5), p(0.99))
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

fn fmt(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn per_query_report(idx: &SearchIndex, naive: &Naive, docs: &[Doc]) {
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
        for n in 1..=name.len() {
            let text = name[..n].to_owned();
            prefixes.push(SynthQuery {
                kind: QueryKind::Prefix,
                expect: text.clone(),
                text,
            });
        }
    }
    let hits = |v: Vec<curriculum_bot::search::Hit>| v.into_iter().map(|h| h.doc).collect();
    let (ours_full, q_full) = time_each(&full, 10, docs, |q| hits(idx.query(q, None, 10)));
    let (ours_pre, q_pre) = time_each(&prefixes, 10, docs, |q| hits(idx.complete(q, &[], 25)));
    // The baseline is ~1000x slower: a subset, once each.
    let sub = |v: &[SynthQuery]| v.iter().step_by(6).cloned().collect::<Vec<_>>();
    let (base_full, b_full) = time_each(&sub(&full), 1, docs, |q| naive.query(q, 10));
    let (base_pre, b_pre) = time_each(&sub(&prefixes), 1, docs, |q| naive.complete(q, 25));

    println!("\n## Per-query timings over {N} docs (one core)\n");
    println!("| workload | queries | index median | index p99 | baseline median | baseline p99 | median ratio | p99 ratio | top-3 hit rate index / baseline |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for (name, n, ours, base, qo, qb) in [
        (
            "full queries (exact, multi-word, typo)",
            full.len(),
            ours_full,
            base_full,
            q_full,
            b_full,
        ),
        (
            "autocomplete prefixes",
            prefixes.len(),
            ours_pre,
            base_pre,
            q_pre,
            b_pre,
        ),
    ] {
        let (om, op) = stats(ours);
        let (bm, bp) = stats(base);
        println!(
            "| {name} | {n} | {} | {} | {} | {} | {:.0}x | {:.0}x | {:.0}% / {:.0}% |",
            fmt(om),
            fmt(op),
            fmt(bm),
            fmt(bp),
            bm.as_secs_f64() / om.as_secs_f64().max(1e-9),
            bp.as_secs_f64() / op.as_secs_f64().max(1e-9),
            qo * 100.0,
            qb * 100.0
        );
    }
    for kind in [QueryKind::Exact, QueryKind::MultiWord, QueryKind::Typo] {
        let qs: Vec<SynthQuery> = full.iter().filter(|q| q.kind == kind).cloned().collect();
        let (t, q) = time_each(&qs, 10, docs, |q| hits(idx.query(q, None, 10)));
        let (m, p) = stats(t);
        println!(
            "  {kind:?}: median {} p99 {} top-3 {:.0}%",
            fmt(m),
            fmt(p),
            q * 100.0
        );
    }
}

/// The baseline: for every doc, every query word against every title and body word with
/// strsim's OSA distance. Words are lowercased and split once up front (in its favour).
struct Naive {
    docs: Vec<(Vec<String>, Vec<String>)>,
}

fn words(s: &str) -> Vec<String> {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Naive {
    fn new(docs: &[Doc]) -> Naive {
        Naive {
            docs: docs
                .iter()
                .map(|d| (words(&d.title), words(&d.body)))
                .collect(),
        }
    }

    fn sim(t: &str, w: &str, prefix: bool) -> f64 {
        if t == w {
            return 1.0;
        }
        if prefix && w.starts_with(t) {
            return 0.9;
        }
        let n = t.chars().count();
        let budget = if n <= 3 {
            0
        } else if n <= 7 {
            1
        } else {
            2
        };
        let d = strsim::osa_distance(t, w);
        if d <= budget {
            0.7 - 0.1 * d as f64
        } else {
            0.0
        }
    }

    fn run(&self, q: &str, limit: usize, prefix: bool) -> Vec<usize> {
        let terms = words(q);
        let mut scored: Vec<(usize, f64)> = Vec::new();
        for (i, (title, body)) in self.docs.iter().enumerate() {
            let mut s = 0.0;
            for t in &terms {
                let bt = title
                    .iter()
                    .map(|w| Self::sim(t, w, prefix))
                    .fold(0.0, f64::max);
                let bb = body
                    .iter()
                    .map(|w| Self::sim(t, w, prefix))
                    .fold(0.0, f64::max);
                s += bt.max(0.5 * bb);
            }
            if s > 0.0 {
                scored.push((i, s + 0.1 / (1 + title.len()) as f64));
            }
        }
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

/// The candidate matchers, each on the same work and checked for the same quality.
mod matchers {
    use super::{fmt, stats, time_each, Naive, N, SEED};
    use curriculum_bot::search::synth::{self, QueryKind, Rng, SynthQuery};
    use curriculum_bot::search::{Doc, SearchIndex};
    use fst::{automaton::Levenshtein, IntoStreamer, Set};
    use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
    use std::time::{Duration, Instant};

    pub fn report(idx: &SearchIndex, naive: &Naive, docs: &[Doc]) {
        let qs: Vec<SynthQuery> = synth::queries(12, SEED ^ 1)
            .into_iter()
            .filter(|q| matches!(q.kind, QueryKind::Exact | QueryKind::Typo))
            .collect();
        let hay: Vec<String> = docs
            .iter()
            .map(|d| format!("{} {}", d.title, d.body))
            .collect();
        let hits = |v: Vec<curriculum_bot::search::Hit>| v.into_iter().map(|h| h.doc).collect();
        println!("\n## Matchers, whole search over {N} docs (exact and one-typo names)\n");
        println!("| matcher | median | p99 | top-3 hit rate |");
        println!("|---|---|---|---|");
        let row = |name: &str, (t, q): (Vec<Duration>, f64)| {
            let (m, p) = stats(t);
            println!("| {name} | {} | {} | {:.0}% |", fmt(m), fmt(p), q * 100.0);
        };
        row(
            "index: vocabulary + char-mask filter + strsim OSA",
            time_each(&qs, 5, docs, |q| hits(idx.query(q, None, 10))),
        );
        let few: Vec<SynthQuery> = qs.iter().step_by(3).cloned().collect();
        row(
            "strsim alone (naive linear scan, baseline)",
            time_each(&few, 1, docs, |q| naive.query(q, 10)),
        );
        let mut nm = nucleo_matcher::Matcher::new(nucleo_matcher::Config::DEFAULT);
        row(
            "nucleo-matcher linear scan of title+body",
            time_each(&few, 1, docs, |q| {
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
            "frizbee linear scan of title+body (max 1 typo)",
            time_each(&few, 1, docs, |q| {
                let mut m = frizbee::Matcher::new(q, &cfg);
                m.match_list(&hay)
                    .into_iter()
                    .take(10)
                    .map(|x| x.index as usize)
                    .collect()
            }),
        );

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
        println!(
            "\n## Matchers, typo lookup in the vocabulary ({} words, {} one-typo words)\n",
            vocab.len(),
            typos.len()
        );
        println!(
            "| matcher | median | p99 | intended word in top 5 | candidates returned (mean) |"
        );
        println!("|---|---|---|---|---|");
        let lookup = |name: &str, f: &mut dyn FnMut(&str) -> Vec<String>| {
            let (mut times, mut found, mut cands) = (Vec::new(), 0, 0);
            for (t, w) in &typos {
                let start = Instant::now();
                let got = std::hint::black_box(f(t));
                times.push(start.elapsed());
                found += usize::from(got.iter().take(5).any(|g| g == w));
                cands += got.len();
            }
            let (m, p) = stats(times);
            let n = typos.len().max(1);
            println!(
                "| {name} | {} | {} | {:.0}% | {:.1} |",
                fmt(m),
                fmt(p),
                100.0 * found as f64 / n as f64,
                cands as f64 / n as f64
            );
        };
        lookup(
            "index: length buckets + char-mask filter + strsim OSA",
            &mut |t| idx.typo_words(t).into_iter().map(str::to_owned).collect(),
        );
        lookup("strsim alone: OSA against every word", &mut |t| {
            let budget = if t.chars().count() >= 7 { 2 } else { 1 };
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
                &format!("fst Levenshtein automaton, distance {d}"),
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
    }

    /// A haystack that remembers its position, for nucleo's `match_list`.
    struct Indexed<'a>(usize, &'a String);
    impl AsRef<str> for Indexed<'_> {
        fn as_ref(&self) -> &str {
            self.1
        }
    }
}
