//! What `curriculum-bot check` reports beyond parse errors: broken relative links (one diagnostic
//! per target, with a count), modules whose page is missing, tracks without an overview, modules
//! without a duration, tracks whose modules run past twenty years (an error), and a note per
//! group of same-title resources. Linear in the input.

use super::lines::MAX_TRACK_WEEKS;
use super::links::join_path;
use super::model::*;
use super::{Diagnostic, Parsed, Severity};
use std::collections::{HashMap, HashSet};

/// Distinct missing pages reported one by one; the rest are summed up in one diagnostic.
pub const MAX_BROKEN_TARGETS: usize = 1000;

impl Parsed {
    /// Every diagnostic for this site, sorted by file and line.
    pub fn check(&self) -> Vec<Diagnostic> {
        let c = &self.curriculum;
        let mut out = self.diagnostics.clone();
        let known: HashSet<&str> = c.pages.iter().map(|p| p.path.as_str()).collect();
        let routes: HashSet<&str> = c.pages.iter().map(|p| p.route.as_str()).collect();
        let module_pages: HashSet<&str> = c
            .modules
            .iter()
            .filter_map(|m| m.page_path.as_deref())
            .collect();
        // Broken links, grouped by target: (first origin, dest, message, count).
        let mut broken: HashMap<Option<String>, (Origin, String, usize)> = HashMap::new();
        for l in &self.links {
            let from = &c.pages[l.page];
            let target = l.dest.split(['#', '?']).next().unwrap_or("");
            if target.is_empty() {
                continue;
            }
            let joined = if target.ends_with(".md") || target.ends_with(".mdx") {
                match join_path(&from.path, target) {
                    Some(p) if known.contains(p.as_str()) || module_pages.contains(p.as_str()) => {
                        continue
                    }
                    other => other,
                }
            } else {
                let dir = super::route::link_base(&from.route, from.slash);
                match join_path(&format!("{dir}/x"), target) {
                    Some(r) if routes.contains(r.trim_start_matches('/')) => continue,
                    _ if !target.contains('/') && target.contains('.') => continue,
                    other => other,
                }
            };
            broken.entry(joined).and_modify(|e| e.2 += 1).or_insert((
                l.origin.clone(),
                l.dest.clone(),
                1,
            ));
        }
        let mut broken: Vec<_> = broken.into_iter().collect();
        broken.sort_by(|a, b| (&a.1 .0.file, a.1 .0.line).cmp(&(&b.1 .0.file, b.1 .0.line)));
        if broken.len() > MAX_BROKEN_TARGETS {
            let rest = broken.split_off(MAX_BROKEN_TARGETS);
            let links: usize = rest.iter().map(|e| e.1 .2).sum();
            out.push(warning(
                &rest[0].1 .0,
                format!(
                    "and {links} more links to {} other pages that are not in the curriculum folder",
                    rest.len()
                ),
            ));
        }
        for (joined, (origin, dest, n)) in broken {
            let also = if n > 1 {
                format!(" ({n} links to it)")
            } else {
                String::new()
            };
            let message = match joined {
                Some(p) => {
                    format!("link `{dest}` points at `{p}`, which is not in the curriculum folder{also}")
                }
                None => format!("link `{dest}` points outside the curriculum folder{also}"),
            };
            out.push(Diagnostic {
                origin,
                severity: Severity::Warning,
                message,
            });
        }
        // One note per title that names several URLs, with all its places (the first few, then
        // how many more).
        let mut by_title: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, r) in c.resources.iter().enumerate() {
            by_title.entry(r.title.to_lowercase()).or_default().push(i);
        }
        for same in by_title.into_values().filter(|v| v.len() > 1) {
            const SHOWN: usize = 8;
            let r = &c.resources[same[0]];
            let mut places: Vec<String> = same
                .iter()
                .take(SHOWN)
                .map(|&i| {
                    let o = &c.resources[i].origin;
                    format!("{}:{}", o.file, o.line)
                })
                .collect();
            if same.len() > SHOWN {
                places.push(format!("and {} more", same.len() - SHOWN));
            }
            out.push(Diagnostic {
                origin: r.origin.clone(),
                severity: Severity::Note,
                message: format!(
                    "title `{}` names {} resources with different URLs ({}); they are kept apart",
                    r.title,
                    same.len(),
                    places.join(", ")
                ),
            });
        }
        let reported: HashSet<&Origin> = self.diagnostics.iter().map(|d| &d.origin).collect();
        for m in &c.modules {
            if m.weeks.is_none() && !m.open_ended && !reported.contains(&m.origin) {
                out.push(warning(
                    &m.origin,
                    format!(
                        "module {} `{}` has no duration such as `(6-8 weeks)` or `(Ongoing)`",
                        m.number, m.title
                    ),
                ));
            }
            if let (Some(path), None) = (&m.page_path, m.page) {
                out.push(warning(
                    &m.origin,
                    format!(
                        "module {} `{}` links the page `{path}`, which is not in the curriculum folder",
                        m.number, m.title
                    ),
                ));
            }
        }
        out.extend(super::site::owners::diagnostics(c, &self.origin_prefix));
        // A lone page or folder of resources needs no overview; a track of a site does.
        for t in c.tracks.iter().filter(|_| c.tracks.len() > 1) {
            if t.overview.is_none() {
                let file = t.pages.first().map_or(&t.dir, |&p| &c.pages[p].path);
                let origin = Origin {
                    file: format!("{}{file}", self.origin_prefix),
                    line: 1,
                };
                out.push(warning(
                    &origin,
                    format!(
                        "track `{}` has no overview: no page lists its modules, pathways or plan",
                        t.slug
                    ),
                ));
            }
        }
        out.extend(super::site::duplicates(c, &self.origin_prefix));
        out.extend(c.tracks.iter().filter_map(|t| too_long(c, t)));
        out.sort_by(|a, b| (&a.origin.file, a.origin.line).cmp(&(&b.origin.file, b.origin.line)));
        out
    }
}

/// The error for a track whose modules, back to back, run past week [`MAX_TRACK_WEEKS`]: named by
/// the module line that crosses it.
fn too_long(c: &Curriculum, t: &super::Track) -> Option<Diagnostic> {
    let mut end = 0u32;
    for m in t.modules.iter().map(|&m| &c.modules[m]) {
        end = end.saturating_add(m.weeks.map_or(0, |w| w.max));
        if end > MAX_TRACK_WEEKS {
            return Some(Diagnostic {
                origin: m.origin.clone(),
                severity: Severity::Error,
                message: format!(
                    "module {} `{}` ends track `{}`'s modules at week {end}, past week \
                     {MAX_TRACK_WEEKS} (twenty years): a typo?",
                    m.number, m.title, t.slug
                ),
            });
        }
    }
    None
}

fn warning(origin: &Origin, message: String) -> Diagnostic {
    Diagnostic {
        origin: origin.clone(),
        severity: Severity::Warning,
        message,
    }
}
