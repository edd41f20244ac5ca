//! A reload of the 200-track synthetic site (`curriculum::synth::site(200, 7)`, 1,400 pages)
//! including the diff and the content hash, with one module's duration changed on every run:
//! parse, catalog (search index), diff against the served catalog, hash. Prints a markdown row
//! for BENCHMARKS.md. `cargo bench --bench reload` (RELOAD_RUNS=N to change the runs).

use curriculum_bot::curriculum::{self, synth};
use curriculum_bot::reload::rebuild;
use curriculum_bot::reply::Catalog;
use curriculum_bot::search::Aliases;
use std::time::{Duration, Instant};

fn main() {
    let runs: usize = std::env::var("RELOAD_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20)
        .max(1);
    let (pages, opts) = synth::site(200, 7);
    let served = Catalog::new(curriculum::parse(&pages, &opts), &Aliases::default());
    // The edited site: module 2 of track 7 is two weeks shorter.
    let mut edited = pages.clone();
    let overview = edited
        .iter_mut()
        .find(|p| p.path.starts_with("008-track-7/00-"))
        .expect("track 7's overview");
    overview.text = overview.text.replacen("(6-8 weeks)", "(4-6 weeks)", 1);
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    let mut changes = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let r = std::hint::black_box(rebuild(&edited, &opts, &served));
        times.push(t.elapsed());
        changes = r.diff.changes.len();
    }
    assert_eq!(changes, 1, "the diff finds the one change");
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let median = times[times.len() / 2];
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
    println!("| benchmark | runs | median | p99 |");
    println!("|---|---|---|---|");
    println!(
        "| reload of the 200-track synthetic site (1,400 pages) incl. diff and hash | {runs} | {:.1} ms | {:.1} ms |",
        ms(median),
        ms(p99)
    );
}
