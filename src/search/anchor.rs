//! PURE. Section anchors as Docusaurus makes them (github-slugger): lowercase, punctuation
//! removed, each space a `-`; a repeated heading on the same page gets `-1`, `-2`…

use crate::curriculum::Curriculum;
use std::collections::HashSet;

/// The slug of one heading's text, before de-duplication: `CI/CD & Testing (E2E)` ->
/// `cicd--testing-e2e`.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c == ' ' {
            out.push('-');
        } else if c.is_alphanumeric() || c == '-' || c == '_' {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Hands out unique slugs for the headings of one page, in order.
#[derive(Debug, Default)]
pub struct Slugger {
    seen: HashSet<String>,
}

impl Slugger {
    pub fn next(&mut self, text: &str) -> String {
        let base = slug(text);
        let mut s = base.clone();
        let mut n = 0;
        while !self.seen.insert(s.clone()) {
            n += 1;
            s = format!("{base}-{n}");
        }
        s
    }
}

/// The anchor of every section of `c` (by index), counted page by page in reading order. Only
/// `##` sections are known to the model, so a `###` heading repeating a `##` heading's text on
/// the same page is not counted.
pub fn section_anchors(c: &Curriculum) -> Vec<String> {
    let mut per_page: Vec<Option<Slugger>> = (0..c.pages.len()).map(|_| None).collect();
    c.sections
        .iter()
        .map(|s| {
            per_page[s.page]
                .get_or_insert_with(Slugger::default)
                .next(&s.title)
        })
        .collect()
}

/// A page URL with a section's anchor: `https://x/docs/a#feature-engineering`.
pub fn with_anchor(url: &str, anchor: &str) -> String {
    let base = url.split('#').next().unwrap_or(url);
    if anchor.is_empty() {
        base.to_owned()
    } else {
        format!("{base}#{anchor}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_like_github_slugger() {
        let mut s = Slugger::default();
        let got: Vec<String> = [
            "Feature Engineering",
            "CI/CD & Testing (E2E)",
            "Feature Engineering",
            "Feature Engineering",
            "Déjà vu — 2024!",
            "snake_case and-dash",
        ]
        .iter()
        .map(|t| s.next(t))
        .collect();
        assert_eq!(
            got,
            [
                "feature-engineering",
                "cicd--testing-e2e",
                "feature-engineering-1",
                "feature-engineering-2",
                "déjà-vu--2024",
                "snake_case-and-dash"
            ]
        );
    }
}
