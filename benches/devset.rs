//! The search dev set (`cargo bench --bench devset`): 245 member-style queries over the search
//! fixture site (`tests/sites/search/`, 6 tracks, 1,652 distinct URLs), each graded by the set of
//! acceptable URLs fixed before any ranking ran on it. Top-3 per cause for the index's ranking,
//! its old ranking and a plain BM25, measured in the same run; then the index with one stage off
//! at a time, for what each stage adds. The run fails when an acceptable URL is not on the site
//! or the ranking does worse than either baseline.

#[path = "common/mod.rs"]
mod common;
#[path = "../tests/devset_kit/mod.rs"]
mod devset_kit;

use common::Report;
use curriculum_bot::search::Stages;
use devset_kit::{PlainBm25, Ranking};

/// The target share of queries with an acceptable URL in the top 3.
const TARGET: f64 = 0.95;

fn pct(good: usize, total: usize) -> String {
    format!(
        "{:.1}% ({good}/{total})",
        100.0 * good as f64 / total.max(1) as f64
    )
}

fn main() {
    let (c, idx) = devset_kit::site();
    let rows = devset_kit::rows();
    devset_kit::assert_urls_on_site(&c, &idx, &rows);
    let plain = PlainBm25::new(idx.docs());
    let runs: Vec<(&str, devset_kit::Scores)> = [
        ("plain BM25 (baseline)", Ranking::PlainBm25),
        ("old ranking", Ranking::Old),
        ("BM25F (this ranking)", Ranking::Bm25f),
    ]
    .into_iter()
    .map(|(name, how)| (name, devset_kit::score(&c, &idx, &plain, how, &rows)))
    .collect();
    let mut rep = Report::new("devset");
    rep.line(format!(
        "{} queries over {} tracks, {} resources ({} links listed). A query counts when an \
         acceptable URL is among the first 3 distinct URLs, the query's track (when it names \
         one) first, as `/search` lists them. Plain BM25: title, description and topic heading \
         as one field, no stemming, typos or aliases. Old ranking: the previous scorer (title and \
         body, prefix and typo matching, aliases) over the same docs.\n",
        rows.len(),
        c.tracks.len(),
        c.resources.len(),
        c.resources
            .iter()
            .map(|r| 1 + r.places.len())
            .sum::<usize>(),
    ));
    let causes: Vec<String> = runs[2].1.keys().filter(|k| *k != "all").cloned().collect();
    let mut table = Vec::new();
    for cause in causes.iter().map(String::as_str).chain(["all"]) {
        let mut row = vec![if cause == "all" {
            "**all**".to_owned()
        } else {
            cause.to_owned()
        }];
        row.push(runs[2].1[cause].1.to_string());
        for (_, s) in &runs {
            let (g, t) = s[cause];
            row.push(pct(g, t));
        }
        table.push(row);
    }
    let mut header = vec!["cause", "queries"];
    header.extend(runs.iter().map(|r| r.0));
    rep.table(&header, &table);

    // One stage off at a time.
    let all_on = Stages::default();
    let mut ablation = Vec::new();
    for (name, stages) in [
        ("all stages", all_on),
        (
            "without other titles, heading and place fields",
            Stages {
                fields: false,
                ..all_on
            },
        ),
        (
            "without stemming",
            Stages {
                stem: false,
                ..all_on
            },
        ),
        (
            "without joined/split compounds",
            Stages {
                compounds: false,
                ..all_on
            },
        ),
        (
            "without mined abbreviations",
            Stages {
                mined: false,
                ..all_on
            },
        ),
        (
            "with prefix and typo matching for every word",
            Stages {
                bounded_fuzz: false,
                ..all_on
            },
        ),
    ] {
        let i = idx.clone().with_stages(stages);
        let s = devset_kit::score(&c, &i, &plain, Ranking::Bm25f, &rows);
        let mut row = vec![name.to_owned()];
        row.extend(causes.iter().map(|k| {
            let (g, t) = s[k];
            format!("{:.0}%", 100.0 * g as f64 / t as f64)
        }));
        let (g, t) = s["all"];
        row.push(pct(g, t));
        ablation.push(row);
    }
    rep.line("\nWhat each stage adds: the same run with one stage switched off.\n");
    let mut header: Vec<&str> = vec!["ranking"];
    header.extend(causes.iter().map(String::as_str));
    header.push("all");
    rep.table(&header, &ablation);

    let (g, t) = runs[2].1["all"];
    let share = g as f64 / t as f64;
    for (name, s) in &runs[..2] {
        let (bg, _) = s["all"];
        assert!(
            g >= bg,
            "the ranking ({g}/{t}) does worse than the {name} ({bg}/{t})"
        );
    }
    rep.summary(
        "search dev set, top-3 (245 member-style queries, 6-track fixture)",
        "≥ 95%",
        format!(
            "{} (old ranking {}, plain BM25 {})",
            pct(g, t),
            pct(runs[1].1["all"].0, t),
            pct(runs[0].1["all"].0, t)
        ),
        Some(share >= TARGET),
    );
    rep.write();
}
