//! The search dev set: every row of `tests/data/search-devset.tsv` (query, expected title substrings
//! separated by `|`, k) must find one of the expected titles within the top k hits, over the
//! shipped curriculum loaded by the real loader, with the shipped aliases.

use curriculum_bot::search::{docs_from, Aliases, SearchIndex};
use std::path::Path;

const DEVSET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/search-devset.tsv");

fn index() -> SearchIndex {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let parsed = curriculum_bot::load::load(&root.join("data/curriculum"), None)
        .unwrap_or_else(|e| panic!("loading data/curriculum: {e}"));
    let text = std::fs::read_to_string(root.join("data/aliases.txt"))
        .unwrap_or_else(|e| panic!("reading data/aliases.txt: {e}"));
    let (aliases, diags) = Aliases::parse("data/aliases.txt", &text);
    assert!(diags.is_empty(), "{diags:?}");
    SearchIndex::new(docs_from(&parsed.curriculum), &aliases)
}

#[test]
fn every_devset_row_passes() {
    let tsv = std::fs::read_to_string(DEVSET).unwrap_or_else(|e| panic!("reading {DEVSET}: {e}"));
    let idx = index();
    let mut rows = 0;
    let mut failures = Vec::new();
    for (n, line) in tsv.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [query, expected, k] = cols[..] else {
            panic!(
                "search-devset.tsv:{}: expected 3 tab-separated columns",
                n + 1
            );
        };
        let k: usize = k
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("search-devset.tsv:{}: bad k `{k}`", n + 1));
        let wanted: Vec<&str> = expected.split('|').map(str::trim).collect();
        let hits = idx.query(query, None, k);
        let titles: Vec<&str> = hits
            .iter()
            .map(|h| idx.docs()[h.doc].title.as_str())
            .collect();
        rows += 1;
        if !titles.iter().any(|t| wanted.iter().any(|w| t.contains(w))) {
            failures.push(format!(
                "line {}: {query:?} wants {expected:?} in the top {k}, got {titles:?}",
                n + 1
            ));
        }
    }
    assert!(rows > 0, "the dev set has no rows");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    println!("{rows} dev set rows pass");
}
