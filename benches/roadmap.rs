//! The roadmap picture. (1) One roadmap of the seed (`/roadmap`'s picture with a marker): SVG
//! build, rasterising and PNG encoding, p50/p99 over 300 runs after 20 warm-up runs, against
//! PNG-encoding a blank picture of the same size and rendering the same layout without its text.
//! (2) `/roadmap` through `App::handle` (the real path: drawn on the blocking pool) on a
//! synthetic track of 500 modules next to ones of 5 and 40 (the largest picture drawn: 40 rows),
//! each in a fresh child process so its peak RSS is its own; each child checks its reply (one
//! PNG within Discord's limit, decoding to the bounded size, the 500-module one summing up the
//! modules past the 39th). Fails when a target is missed. `cargo bench --bench roadmap`.

#[path = "common/mod.rs"]
mod common;

use common::{mib, ms, ratio, run_child, stats, Ending, Report};
use curriculum_bot::cli::offline_app;
use curriculum_bot::config::Settings;
use curriculum_bot::curriculum::{parse, synth};
use curriculum_bot::load::load_catalog;
use curriculum_bot::reply::roadmap::input;
use curriculum_bot::reply::{ask, registry, Catalog};
use curriculum_bot::roadmap::{png, svg};
use curriculum_bot::search::Aliases;
use resvg::tiny_skia::Pixmap;
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 300;
const WARM_UP: usize = 20;
/// The child's argument: run `/roadmap` on a track of N modules and print its figures.
const CHILD: &str = "__roadmap_track";
/// Targets: `/roadmap` on 500 modules, p99 (far inside the 2 s before a reply is deferred), and
/// against 40 modules in the same run: past [`svg::MAX_ROWS`] the picture stops growing, and so
/// must the cost.
const P99_TARGET: Duration = Duration::from_millis(500);
const RATIO_TARGET: f64 = 1.5;
/// What drawing a 500-module roadmap may add to the process's peak RSS.
const RSS_TARGET_KIB: u64 = 48 * 1024;

fn measure(runs: usize, mut f: impl FnMut() -> usize) -> (Duration, Duration) {
    let mut sink = 0;
    for _ in 0..WARM_UP {
        sink ^= f();
    }
    let times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            sink ^= f();
            t.elapsed()
        })
        .collect();
    std::hint::black_box(sink);
    stats(times)
}

/// The SVG without its text: only rects, lines and the marker.
fn without_text(svg: &str) -> String {
    svg.lines()
        .map(|l| match l.find("<clipPath") {
            Some(at) => &l[..at],
            None => l,
        })
        .map(|l| match l.find("<text") {
            Some(at) => &l[..at],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Peak RSS (`VmHWM`, KiB) of this process so far.
fn own_peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The child: a one-track synthetic site of `modules` modules, `/roadmap` answered `runs` times
/// through the bot's handler; prints `p50_ns p99_ns peak_before_kib png_bytes height`.
fn child(modules: usize, runs: usize) {
    let (pages, opts) = synth::site(1, modules + 1);
    let cat = Catalog::new(parse(&pages, &opts), &Aliases::default());
    assert_eq!(cat.curriculum.tracks[0].modules.len(), modules);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let app = offline_app(cat).await.expect("an offline app");
        let defs = registry::definitions(&app.catalog().curriculum);
        let i = ask::interaction("/roadmap", &defs, &ask::Asker::default()).unwrap();
        // Checked before anything is timed.
        let out = app.handle(&i).await;
        let files = out.response.files();
        assert_eq!(files.len(), 1, "one picture: {:?}", out.response);
        let bytes = &files[0].bytes;
        assert!(bytes.len() <= png::MAX_PNG_BYTES);
        let p = Pixmap::decode_png(bytes).expect("decodes as PNG");
        let want = svg::size(&input(&app.catalog(), 0, None));
        assert_eq!((p.width(), p.height()), want, "size");
        assert!(f64::from(p.height()) <= svg::MAX_HEIGHT.ceil());
        let text = svg::build(&input(&app.catalog(), 0, None));
        if modules > svg::MAX_ROWS {
            let rest = modules - (svg::MAX_ROWS - 1);
            assert!(
                text.contains(&format!("+ {rest} more modules")),
                "summed up"
            );
        }
        let before = own_peak_kib();
        let mut times = Vec::with_capacity(runs);
        for _ in 0..WARM_UP + runs {
            let t = Instant::now();
            let out = app.handle(&i).await;
            times.push(t.elapsed());
            assert_eq!(out.response.files().len(), 1);
        }
        let (p50, p99) = stats(times.split_off(WARM_UP));
        println!(
            "{} {} {before} {} {}",
            p50.as_nanos(),
            p99.as_nanos(),
            bytes.len(),
            p.height()
        );
    });
}

struct Track {
    modules: usize,
    p50: Duration,
    p99: Duration,
    peak_kib: u64,
    before_kib: u64,
    png: u64,
    height: u64,
}

fn track(modules: usize, runs: usize) -> Track {
    let exe = std::env::current_exe().expect("the benchmark's own path");
    let mut cmd = Command::new(exe);
    cmd.arg(CHILD)
        .arg(modules.to_string())
        .arg(runs.to_string());
    let r = run_child(&cmd, Duration::from_secs(300), Some(4 << 30));
    assert_eq!(r.ending, Ending::Exited(0), "the {modules}-module child");
    let f: Vec<u64> = r
        .stdout_tail
        .split_whitespace()
        .map(|n| n.parse().expect("a number"))
        .collect();
    let [p50, p99, before_kib, png, height] = f[..] else {
        panic!("the child's figures: {:?}", r.stdout_tail)
    };
    Track {
        modules,
        p50: Duration::from_nanos(p50),
        p99: Duration::from_nanos(p99),
        peak_kib: r.peak_rss_kib,
        before_kib,
        png,
        height,
    }
}

fn main() {
    common::serve_spawn();
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(CHILD) {
        let n = |i: usize| args[i].parse::<usize>().expect("a count");
        child(n(2), n(3));
        return;
    }
    let mut report = Report::new("roadmap");
    let runs = common::pick(RUNS, 30);

    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let settings = Settings::from_vars(|_| None).unwrap();
    let (cat, _) = load_catalog(&root.join("data/curriculum"), &settings).unwrap();
    let roadmap = input(&cat, 0, Some(20));
    let (w, h) = svg::size(&roadmap);

    // The output is checked before anything is timed.
    let out = png::roadmap_png(&roadmap).expect("renders");
    let decoded = Pixmap::decode_png(&out).expect("decodes as PNG");
    assert_eq!((decoded.width(), decoded.height()), (w, h), "size");
    let x = svg::marker_x(&roadmap).unwrap();
    let (top, bottom) = svg::marker_span(&roadmap);
    let c = decoded.pixel(x, (top + bottom) / 2).unwrap();
    assert_eq!((c.red(), c.green(), c.blue()), (0xe5, 0x48, 0x4d), "marker");

    let full = measure(runs, || {
        png::roadmap_png(&roadmap).map(|b| b.len()).unwrap_or(0)
    });
    let build = measure(runs, || svg::build(&roadmap).len());
    let text = svg::build(&roadmap);
    let shapes = without_text(&text);
    let no_text = measure(runs, || png::png(&shapes).map(|b| b.len()).unwrap_or(0));
    let blank = measure(runs, || {
        let mut p = Pixmap::new(w, h).unwrap();
        p.fill(resvg::tiny_skia::Color::WHITE);
        p.encode_png().map(|b| b.len()).unwrap_or(0)
    });
    report.line(format!(
        "Seed roadmap {w}×{h}, {} bytes of PNG, {runs} runs:",
        out.len()
    ));
    report.line("");
    let rows: Vec<Vec<String>> = [
        ("SVG build only", build),
        ("whole roadmap: SVG + render + PNG", full),
        ("baseline: same layout without text", no_text),
        ("baseline: blank PNG of the same size", blank),
    ]
    .into_iter()
    .map(|(name, (p50, p99))| vec![name.to_string(), ms(p50), ms(p99)])
    .collect();
    report.table(&["step", "p50", "p99"], &rows);
    let seed_met = full.1 <= Duration::from_millis(50);
    report.summary(
        &format!("rendering one roadmap (seed, {w}×{h} PNG), p99"),
        "≤ 50 ms",
        format!(
            "{} ({} a blank PNG encode, {} without text)",
            ms(full.1),
            ratio(full.1.as_secs_f64(), blank.1.as_secs_f64()),
            ms(no_text.1)
        ),
        Some(seed_met),
    );

    let small = track(5, runs);
    let full_size = track(svg::MAX_ROWS, runs);
    let big = track(500, runs);
    report.line(format!(
        "`/roadmap` through the bot's handler on a synthetic track, {runs} runs each in its own \
         process (peak RSS from `wait4`; \"during /roadmap\" is the growth of the peak after the \
         curriculum was loaded):"
    ));
    report.line("");
    let rows: Vec<Vec<String>> = [&small, &full_size, &big]
        .iter()
        .map(|t| {
            vec![
                format!("{} modules", t.modules),
                ms(t.p50),
                ms(t.p99),
                mib(t.peak_kib),
                mib(t.peak_kib.saturating_sub(t.before_kib)),
                format!("{} px, {} KiB", t.height, t.png / 1024),
            ]
        })
        .collect();
    report.table(
        &[
            "track",
            "p50",
            "p99",
            "peak RSS",
            "of it during /roadmap",
            "picture",
        ],
        &rows,
    );
    let ratio_met = big.p99.as_secs_f64() <= RATIO_TARGET * full_size.p99.as_secs_f64();
    let grown = big.peak_kib.saturating_sub(big.before_kib);
    let met = big.p99 <= P99_TARGET && ratio_met && grown <= RSS_TARGET_KIB;
    report.summary(
        "`/roadmap` on a 500-module track, p99 and peak RSS (vs 5 and 40 modules)",
        &format!(
            "≤ {} ms and ≤ {RATIO_TARGET}× 40 modules (the largest picture); ≤ {} more RSS",
            P99_TARGET.as_millis(),
            mib(RSS_TARGET_KIB)
        ),
        format!(
            "{} ({} 40 modules' {}; 5 modules: {}), peak RSS {} (+{} during /roadmap; 5 \
             modules: {})",
            ms(big.p99),
            ratio(big.p99.as_secs_f64(), full_size.p99.as_secs_f64()),
            ms(full_size.p99),
            ms(small.p99),
            mib(big.peak_kib),
            mib(grown),
            mib(small.peak_kib)
        ),
        Some(met),
    );
    report.write();
    assert!(seed_met, "the seed's roadmap missed its target");
    assert!(met, "/roadmap on 500 modules missed its target");
}
