//! Loading the seed curriculum: reading, parsing and checking the page, and building the catalog
//! (search index included), against a baseline in the same run: only reading the file's bytes.
//! `cargo bench --bench load`.

use curriculum_bot::config::Settings;
use std::time::{Duration, Instant};

fn percentiles(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[v.len() * 99 / 100])
}

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("data/curriculum");
    let settings = Settings::from_vars(|k| match k {
        "ALIASES_PATH" => Some(root.join("data/aliases.txt").display().to_string()),
        _ => None,
    })
    .unwrap();
    const N: usize = 500;
    let (mut read, mut parse, mut full) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..N + 20 {
        let t = Instant::now();
        std::hint::black_box(
            std::fs::read(dir.join("mlops-engineering/getting-started.md")).unwrap(),
        );
        let r = t.elapsed();
        let t = Instant::now();
        let parsed = curriculum_bot::load::load(&dir, None).unwrap();
        std::hint::black_box(parsed.check());
        let p = t.elapsed();
        let t = Instant::now();
        std::hint::black_box(curriculum_bot::load::load_catalog(&dir, &settings).unwrap());
        let f = t.elapsed();
        if i >= 20 {
            read.push(r);
            parse.push(p);
            full.push(f);
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let (rm, rp) = percentiles(read);
    println!("loading the seed curriculum, {N} runs");
    println!("{:<44} {:>9} {:>9}", "", "median", "p99");
    println!(
        "{:<44} {:>7.3}ms {:>7.3}ms",
        "baseline: read the file",
        ms(rm),
        ms(rp)
    );
    for (name, v) in [
        ("read + parse + check", parse),
        ("load_catalog (+ aliases, search index)", full),
    ] {
        let (m, p) = percentiles(v);
        println!(
            "{name:<44} {:>7.3}ms {:>7.3}ms   ({:.0}x the baseline median)",
            ms(m),
            ms(p),
            m.as_secs_f64() / rm.as_secs_f64()
        );
    }
}
