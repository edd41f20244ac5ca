//! Loading the seed curriculum: reading, parsing and checking the page, and building the catalog
//! (search index included), against a baseline in the same run: only reading the file's bytes.
//! `cargo bench --bench load`.

#[path = "common/mod.rs"]
mod common;

use common::{ms, pick, ratio, stats, Report};
use curriculum_bot::config::Settings;
use std::time::{Duration, Instant};

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("data/curriculum");
    let settings = Settings::from_vars(|k| match k {
        "ALIASES_PATH" => Some(root.join("data/aliases.txt").display().to_string()),
        _ => None,
    })
    .unwrap();
    let (n, warm) = pick((500, 20), (50, 5));
    let (mut read, mut parse, mut full) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..n + warm {
        let t = Instant::now();
        let bytes = std::hint::black_box(
            std::fs::read(dir.join("mlops-engineering/getting-started.md")).unwrap(),
        );
        let r = t.elapsed();
        let t = Instant::now();
        let parsed = curriculum_bot::load::load(&dir, None).unwrap();
        let diags = std::hint::black_box(parsed.check());
        let p = t.elapsed();
        let t = Instant::now();
        let (cat, _) =
            std::hint::black_box(curriculum_bot::load::load_catalog(&dir, &settings).unwrap());
        let f = t.elapsed();
        if i == 0 {
            // The work is real: the seed loads whole and clean.
            assert!(!bytes.is_empty());
            assert!(
                !curriculum_bot::curriculum::Parsed::has_errors(&diags),
                "{diags:?}"
            );
            assert!(!cat.curriculum.modules.is_empty() && !cat.curriculum.resources.is_empty());
            assert!(!cat.index.query("mlflow", None, 3).is_empty());
        }
        if i >= warm {
            read.push(r);
            parse.push(p);
            full.push(f);
        }
    }
    let (rm, rp) = stats(read);
    let mut rows = vec![vec![
        "baseline: read the file".to_string(),
        ms(rm),
        ms(rp),
        "1×".to_string(),
    ]];
    let mut whole = Duration::ZERO;
    for (name, v) in [
        ("read + parse + check", parse),
        ("whole catalog (+ aliases, search index)", full),
    ] {
        let (m, p) = stats(v);
        whole = p;
        rows.push(vec![
            name.to_string(),
            ms(m),
            ms(p),
            ratio(m.as_secs_f64(), rm.as_secs_f64()),
        ]);
    }
    let mut rep = Report::new("load");
    rep.line(format!(
        "`load::load` (read, parse, check) and `load::load_catalog` (the same plus aliases and \
         the search index) on `data/curriculum`, {n} runs after {warm} warm-up runs. Baseline in \
         the same run: reading the page's bytes.\n"
    ));
    rep.table(&["step", "median", "p99", "vs baseline (median)"], &rows);
    rep.summary(
        "loading the seed (whole catalog), p99",
        "≤ 5 ms",
        ms(whole),
        Some(whole <= Duration::from_millis(5)),
    );
    rep.write();
}
