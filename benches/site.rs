//! Issue 8's site benchmarks on the synthetic site of 200 tracks × 7 pages
//! (`curriculum::synth::site`, 1,400 pages): load and index time, search p99, the `check`
//! process's peak RSS, and the time `/curriculum reload` takes to build and swap it in (parse,
//! index, diff, hash); plus the fixture site's load time against the one-page seed. Every figure
//! has a baseline from the same run (the seed), and each step checks its own output.
//! `cargo bench --bench site`.

#[path = "common/mod.rs"]
mod common;

use common::{mib, pick, quantile, ratio, run_child, Ending, Report};
use curriculum_bot::config::Settings;
use curriculum_bot::curriculum::{self, synth, ParseOptions, SourcePage};
use curriculum_bot::load::load_catalog;
use curriculum_bot::reload::rebuild;
use curriculum_bot::reply::Catalog;
use curriculum_bot::search::{Aliases, Kind};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

const TRACKS: usize = 200;
const PAGES: usize = 7;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Times `f` `runs` times (after one warm-up), returning the sorted times.
fn timed<T>(runs: usize, mut f: impl FnMut() -> T) -> Vec<Duration> {
    std::hint::black_box(f());
    let mut v: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    v.sort();
    v
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// The seed page as the pure core sees it (one track of one page).
fn seed() -> (Vec<SourcePage>, ParseOptions) {
    let dir = root().join("data/curriculum");
    let text = std::fs::read_to_string(dir.join("mlops-engineering/getting-started.md"))
        .expect("the seed page");
    let page = SourcePage {
        path: "mlops-engineering/getting-started.md".into(),
        text,
    };
    (vec![page], ParseOptions::default())
}

fn index(pages: &[SourcePage], opts: &ParseOptions) -> Catalog {
    Catalog::new(curriculum::parse(pages, opts), &Aliases::default())
}

/// Writes the synthetic site as a docs folder (`_category_.json` per track) for the child run.
fn write_site(dir: &Path, pages: &[SourcePage], opts: &ParseOptions) {
    let _ = std::fs::remove_dir_all(dir);
    for p in pages {
        let f = dir.join(&p.path);
        std::fs::create_dir_all(f.parent().expect("a folder")).expect("mkdir");
        std::fs::write(f, &p.text).expect("write a page");
    }
    for c in &opts.categories {
        std::fs::write(dir.join(&c.dir).join("_category_.json"), &c.text).expect("category");
    }
}

fn check_child(dir: &Path) -> common::ChildRun {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_curriculum-bot"));
    cmd.arg("check")
        .arg(dir)
        .env("CURRICULUM_BASE_URL", "https://example.org/docs")
        .env("RUST_LOG", "error");
    let run = run_child(&cmd, Duration::from_secs(120), Some(4 << 30));
    assert!(
        matches!(run.ending, Ending::Exited(0 | 1)),
        "check did not finish: {:?} {}",
        run.ending,
        run.stdout_tail
    );
    run
}

fn main() {
    common::serve_spawn();
    let runs = pick(20, 3);
    let mut rep = Report::new("site");
    let (site_pages, site_opts) = synth::site(TRACKS, PAGES);
    let (seed_pages, seed_opts) = seed();

    // Load and index, in memory (parse + search index), against the seed.
    let site = index(&site_pages, &site_opts);
    let c = &site.curriculum;
    assert_eq!(c.tracks.len(), TRACKS, "every track loads");
    assert_eq!(c.pages.len(), TRACKS * PAGES, "every page loads");
    assert!(c.tracks.iter().all(|t| t.modules.len() == PAGES - 1));
    let site_load = timed(runs, || index(&site_pages, &site_opts));
    let seed_load = timed(runs * 10, || index(&seed_pages, &seed_opts));
    assert!(!index(&seed_pages, &seed_opts).curriculum.modules.is_empty());

    // Search: every module's title with a typo must find that module in the top 5.
    let docs = site.index.docs();
    let modules: Vec<usize> = (0..docs.len())
        .filter(|&d| docs[d].kind == Kind::Module)
        .step_by(5)
        .collect();
    let queries: Vec<(String, usize)> = modules
        .iter()
        .map(|&d| {
            let word = docs[d].title.split_whitespace().next().unwrap_or("x");
            let mut typo: Vec<char> = word.chars().collect();
            if typo.len() > 4 {
                typo.swap(2, 3);
            }
            let rest: Vec<&str> = docs[d].title.split_whitespace().skip(1).collect();
            (
                format!("{} {}", typo.iter().collect::<String>(), rest.join(" ")),
                d,
            )
        })
        .collect();
    let mut search_times = Vec::new();
    let mut found = 0;
    for (q, d) in &queries {
        for _ in 0..pick(5, 1) {
            let t = Instant::now();
            let hits = std::hint::black_box(site.index.query(q, None, 5));
            search_times.push(t.elapsed());
            found += usize::from(hits.iter().any(|h| h.doc == *d));
        }
    }
    let share = found as f64 / search_times.len() as f64;
    assert!(
        share >= 0.95,
        "only {:.0}% of module queries found their module",
        share * 100.0
    );
    search_times.sort();
    let seed_cat = index(&seed_pages, &seed_opts);
    let mut seed_times = Vec::new();
    for (q, _) in &queries {
        let t = Instant::now();
        std::hint::black_box(seed_cat.index.query(q, None, 5));
        seed_times.push(t.elapsed());
    }
    seed_times.sort();

    // Reload: build, diff and hash the edited site, then swap it in.
    let mut edited = site_pages.clone();
    let overview = edited
        .iter_mut()
        .find(|p| p.path.starts_with("008-track-7/00-"))
        .expect("track 7's overview");
    overview.text = overview.text.replacen("(4-6 weeks)", "(2-3 weeks)", 1);
    let served = Arc::new(RwLock::new(Arc::new(index(&site_pages, &site_opts))));
    // Each run swaps in the other version, so every run has exactly one change to find.
    let mut flip = false;
    let reload = timed(runs, || {
        flip = !flip;
        let pages = if flip { &edited } else { &site_pages };
        let current = served.read().expect("lock").clone();
        let r = rebuild(pages, &site_opts, &current);
        assert_eq!(r.diff.changes.len(), 1, "the diff finds the one change");
        *served.write().expect("lock") = Arc::new(r.catalog);
    });
    let seed_served = index(&seed_pages, &seed_opts);
    let seed_reload = timed(runs * 10, || rebuild(&seed_pages, &seed_opts, &seed_served));

    // Peak RSS of `check` on the site folder against the seed's.
    let dir = std::env::temp_dir().join(format!("cb-site-bench-{}", std::process::id()));
    write_site(&dir, &site_pages, &site_opts);
    let site_rss = check_child(&dir);
    assert!(
        site_rss
            .stdout_tail
            .contains(&format!("ok: {} pages,", TRACKS * PAGES)),
        "check summarised the tracks: {}",
        site_rss.stdout_tail
    );
    let seed_rss = check_child(&root().join("data/curriculum"));
    let _ = std::fs::remove_dir_all(&dir);

    // The fixture site (tests/site) against the seed, from disk, the way every mode loads.
    let settings = Settings::from_vars(|_| None).expect("default settings");
    let fixture = root().join("tests/site/docs");
    let (fx, _) = load_catalog(&fixture, &settings).expect("the fixture site loads");
    assert!(fx.curriculum.tracks.len() >= 3);
    let fixture_load = timed(runs * 5, || load_catalog(&fixture, &settings).map(|_| ()));
    let seed_disk = timed(runs * 5, || {
        load_catalog(&root().join("data/curriculum"), &settings).map(|_| ())
    });

    let p = |v: &[Duration], q: f64| quantile(v, q);
    rep.line(format!(
        "The synthetic site: {TRACKS} tracks × {PAGES} pages ({} pages, {} resources, {} search \
         docs); the baseline in the same run is the one-page seed. {runs} runs each (the seed's \
         10×).\n",
        c.pages.len(),
        c.resources.len(),
        docs.len()
    ));
    rep.table(
        &[
            "what",
            "site p50",
            "site p99",
            "seed p50 (baseline)",
            "ratio at p50",
        ],
        &[
            vec![
                "load and index (parse + search index, in memory)".into(),
                ms(p(&site_load, 0.5)),
                ms(p(&site_load, 0.99)),
                ms(p(&seed_load, 0.5)),
                ratio(
                    p(&site_load, 0.5).as_secs_f64(),
                    p(&seed_load, 0.5).as_secs_f64(),
                ),
            ],
            vec![
                format!("search: {} module titles with a typo, top 5", queries.len()),
                ms(p(&search_times, 0.5)),
                ms(p(&search_times, 0.99)),
                ms(p(&seed_times, 0.5)),
                ratio(
                    p(&search_times, 0.5).as_secs_f64(),
                    p(&seed_times, 0.5).as_secs_f64(),
                ),
            ],
            vec![
                "`/curriculum reload`: build, diff, hash and swap".into(),
                ms(p(&reload, 0.5)),
                ms(p(&reload, 0.99)),
                ms(p(&seed_reload, 0.5)),
                ratio(
                    p(&reload, 0.5).as_secs_f64(),
                    p(&seed_reload, 0.5).as_secs_f64(),
                ),
            ],
            vec![
                "fixture site (3 tracks) from disk vs the seed from disk".into(),
                ms(p(&fixture_load, 0.5)),
                ms(p(&fixture_load, 0.99)),
                ms(p(&seed_disk, 0.5)),
                ratio(
                    p(&fixture_load, 0.5).as_secs_f64(),
                    p(&seed_disk, 0.5).as_secs_f64(),
                ),
            ],
        ],
    );
    rep.line(format!(
        "Search found the intended module in the top 5 for {:.0}% of queries. `curriculum-bot \
         check` on the site folder: {:.2} s, peak RSS {} (the seed: {:.2} s, {}).\n",
        share * 100.0,
        site_rss.wall.as_secs_f64(),
        mib(site_rss.peak_rss_kib),
        seed_rss.wall.as_secs_f64(),
        mib(seed_rss.peak_rss_kib)
    ));
    let p99 = p(&search_times, 0.99);
    rep.summary(
        "search p99 on the 200-track site",
        "≤ 2 ms",
        ms(p99),
        Some(p99 <= Duration::from_millis(2)),
    );
    rep.summary(
        "load + index of the 200-track site",
        "—",
        format!("{} (p50)", ms(p(&site_load, 0.5))),
        None,
    );
    rep.summary(
        "reload of the 200-track site incl. diff",
        "—",
        format!("{} (p50)", ms(p(&reload, 0.5))),
        None,
    );
    rep.summary(
        "`check` peak RSS on the 200-track site",
        "—",
        mib(site_rss.peak_rss_kib),
        None,
    );
    rep.write();
}
