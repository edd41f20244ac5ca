//! Which page each module owns, after the links are followed: the unclaimed page of its track
//! whose title (or file name) matches the module's name, else the unclaimed page numbered like
//! the module (its number prefix, else its place among the track's module pages). The overview,
//! the track's index and `00-`/prerequisites pages are never a module's page.

use crate::curriculum::model::*;
use crate::curriculum::route::{number_prefix, stem, strip_number_prefix};
use std::collections::HashSet;

/// A name reduced for matching: lowercase words, `&` read as "and", punctuation, "and" and a
/// leading `Module N:` dropped (`Monitoring & Observability` = `monitoring-observability`).
pub fn normalise(s: &str) -> String {
    let s = match crate::curriculum::lines::module_number(s) {
        Some(_) => s
            .split_once([':', '-', '–', '—', '.'])
            .map_or(s, |(_, r)| r),
        None => s,
    };
    s.to_lowercase()
        .replace('&', " and ")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && *w != "and")
        .collect::<Vec<_>>()
        .join(" ")
}

/// The track's pages a module may own, in sidebar order: not the overview, not the track's index
/// page, not a `00-`/prerequisites page.
pub fn candidates(c: &Curriculum, t: usize) -> Vec<usize> {
    let track = &c.tracks[t];
    track
        .pages
        .iter()
        .copied()
        .filter(|&p| {
            let page = &c.pages[p];
            let file = stem(page.path.rsplit('/').next().unwrap_or(""));
            let name = strip_number_prefix(file).to_ascii_lowercase();
            Some(p) != track.overview
                && page.route != track.route
                && number_prefix(file) != Some(0)
                && !name.starts_with("prerequisite")
                && !matches!(name.as_str(), "index" | "readme")
        })
        .collect()
}

/// The number a candidate page stands for: its number prefix, else its place (1-based) among
/// the track's candidates.
pub fn page_number(c: &Curriculum, candidates: &[usize], i: usize) -> u64 {
    let page = &c.pages[candidates[i]];
    let file = stem(page.path.rsplit('/').next().unwrap_or(""));
    number_prefix(file).unwrap_or(i as u64 + 1)
}

/// Gives every module still without a page the page the title rule, then the number rule,
/// finds in its own track. Modules with a page keep it.
pub fn assign(c: &mut Curriculum) {
    let mut claimed: HashSet<usize> = c.modules.iter().filter_map(|m| m.page).collect();
    for t in 0..c.tracks.len() {
        let cands = candidates(c, t);
        let mods = c.tracks[t].modules.clone();
        for &m in &mods {
            if c.modules[m].page.is_some() {
                continue;
            }
            let want = normalise(&c.modules[m].title);
            let found = cands.iter().copied().find(|&p| {
                let page = &c.pages[p];
                let file = strip_number_prefix(stem(page.path.rsplit('/').next().unwrap_or("")));
                !claimed.contains(&p)
                    && !want.is_empty()
                    && (normalise(&page.title) == want || normalise(file) == want)
            });
            if let Some(p) = found {
                claimed.insert(p);
                c.modules[m].page = Some(p);
                c.modules[m].page_rule = Some(PageRule::Title);
            }
        }
        for &m in &mods {
            if c.modules[m].page.is_some() {
                continue;
            }
            let n = u64::from(c.modules[m].number);
            let found = (0..cands.len())
                .find(|&i| !claimed.contains(&cands[i]) && page_number(c, &cands, i) == n)
                .map(|i| cands[i]);
            if let Some(p) = found {
                claimed.insert(p);
                c.modules[m].page = Some(p);
                c.modules[m].page_rule = Some(PageRule::Number);
            }
        }
    }
}

/// Pages a module could own that none does, with the number they stand for (only pages with a
/// number prefix: an unnumbered page may be a track's notes).
pub fn unowned_numbered(c: &Curriculum, t: usize) -> Vec<(usize, u64)> {
    let owned: HashSet<usize> = c.modules.iter().filter_map(|m| m.page).collect();
    candidates(c, t)
        .into_iter()
        .filter(|p| !owned.contains(p))
        .filter_map(|p| {
            let file = stem(c.pages[p].path.rsplit('/').next().unwrap_or(""));
            number_prefix(file).map(|n| (p, n))
        })
        .collect()
}

/// `check`'s warnings: a module without a page in a track that has module pages, and a numbered
/// page no module owns.
pub fn diagnostics(c: &Curriculum, origin_prefix: &str) -> Vec<crate::curriculum::Diagnostic> {
    use crate::curriculum::{Diagnostic, Severity};
    let mut out = Vec::new();
    for t in 0..c.tracks.len() {
        if candidates(c, t).is_empty() {
            continue;
        }
        for &m in &c.tracks[t].modules {
            let m = &c.modules[m];
            if m.page.is_none() && m.page_path.is_none() {
                out.push(Diagnostic {
                    origin: m.origin.clone(),
                    severity: Severity::Warning,
                    message: format!(
                        "module {} `{}` has no page: its line links none, and no page of track \
                         `{}` is titled like it or numbered {}",
                        m.number, m.title, c.tracks[t].slug, m.number
                    ),
                });
            }
        }
        for (p, n) in unowned_numbered(c, t) {
            out.push(Diagnostic {
                origin: Origin {
                    file: format!("{origin_prefix}{}", c.pages[p].path),
                    line: 1,
                },
                severity: Severity::Warning,
                message: format!(
                    "page `{}` is numbered {n} but no module of track `{}` owns it",
                    c.pages[p].title, c.tracks[t].slug
                ),
            });
        }
    }
    out
}

/// Each module's page and the rule that found it, for `check --format json`.
pub fn report(c: &Curriculum) -> serde_json::Value {
    let rows: Vec<serde_json::Value> = c
        .modules
        .iter()
        .map(|m| {
            serde_json::json!({
                "track": c.tracks.get(m.track).map(|t| t.slug.as_str()),
                "number": m.number,
                "title": m.title,
                "page": m.page.map(|p| c.pages[p].path.as_str()),
                "rule": m.page_rule,
            })
        })
        .collect();
    serde_json::Value::Array(rows)
}
