//! Rendering one roadmap (`/roadmap`'s picture for the seed curriculum, with a marker): SVG build,
//! rasterising and PNG encoding, p50/p99 over 300 runs after 20 warm-up runs. Baselines in the
//! same run: PNG-encoding a blank picture of the same size (the floor any PNG reply pays), and
//! rendering the same layout with its text removed (what the text costs). Checks its own output
//! (decodes, right size, marker present) and prints a markdown table row for BENCHMARKS.md;
//! `cargo bench --bench roadmap`.

use curriculum_bot::config::Settings;
use curriculum_bot::load::load_catalog;
use curriculum_bot::reply::roadmap::input;
use curriculum_bot::roadmap::{png, svg};
use resvg::tiny_skia::Pixmap;
use std::time::{Duration, Instant};

const RUNS: usize = 300;
const WARM_UP: usize = 20;

fn measure(mut f: impl FnMut() -> usize) -> (Duration, Duration) {
    let mut sink = 0;
    for _ in 0..WARM_UP {
        sink ^= f();
    }
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            sink ^= f();
            t.elapsed()
        })
        .collect();
    std::hint::black_box(sink);
    times.sort();
    (times[RUNS / 2], times[RUNS * 99 / 100])
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
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

fn main() {
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

    let full = measure(|| png::roadmap_png(&roadmap).map(|b| b.len()).unwrap_or(0));
    let build = measure(|| svg::build(&roadmap).len());
    let text = svg::build(&roadmap);
    let shapes = without_text(&text);
    let no_text = measure(|| png::png(&shapes).map(|b| b.len()).unwrap_or(0));
    let blank = measure(|| {
        let mut p = Pixmap::new(w, h).unwrap();
        p.fill(resvg::tiny_skia::Color::WHITE);
        p.encode_png().map(|b| b.len()).unwrap_or(0)
    });

    println!("roadmap {w}×{h}, {} bytes of PNG, {RUNS} runs", out.len());
    println!("| step | p50 | p99 |");
    println!("|---|---|---|");
    for (name, (p50, p99)) in [
        ("SVG build only", build),
        ("whole roadmap: SVG + render + PNG", full),
        ("baseline: same layout without text", no_text),
        ("baseline: blank PNG of the same size", blank),
    ] {
        println!("| {name} | {} | {} |", ms(p50), ms(p99));
    }
    let ratio = full.1.as_secs_f64() / blank.1.as_secs_f64().max(1e-9);
    println!();
    println!("Summary row for BENCHMARKS.md:");
    println!(
        "| rendering one roadmap (seed, {w}×{h} PNG), p99 | ≤ 50 ms | {} ({ratio:.1}× a blank PNG encode, {} without text) | `cargo bench --bench roadmap` |",
        ms(full.1),
        ms(no_text.1)
    );
}
