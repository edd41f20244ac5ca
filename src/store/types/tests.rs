//! Unit tests of `types`.

use super::normalize_query;

#[test]
fn normalizes_queries() {
    let long = "x".repeat(300);
    let cases = [
        ("  Rust   Traits ", "rust traits"),
        ("\t\n", "∅"),
        ("ÉCOLE", "école"),
    ];
    let got: Vec<String> = cases
        .iter()
        .map(|(q, _)| normalize_query(q).unwrap_or_else(|| "∅".into()))
        .collect();
    let want: Vec<&str> = cases.iter().map(|(_, w)| *w).collect();
    assert_eq!(got, want);
    assert_eq!(normalize_query(&long).map(|q| q.chars().count()), Some(200));
}
