//! Two names for one thing: track folders whose slugs collide (`mlops-engineering` and
//! `12-mlops-engineering`, or `Ops` and `ops`) and pages that publish the same route. Both are
//! errors in `check` (and so hold a reload), each naming the files involved.

use crate::curriculum::model::*;
use crate::curriculum::{Diagnostic, Severity};
use std::collections::HashMap;

/// One error per track or page that repeats an earlier one's slug or route.
pub(in crate::curriculum) fn duplicates(c: &Curriculum, prefix: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let error = |file: String, message: String| Diagnostic {
        origin: Origin { file, line: 1 },
        severity: Severity::Error,
        message,
    };
    let mut slugs: HashMap<String, usize> = HashMap::new();
    for (i, t) in c.tracks.iter().enumerate() {
        match slugs.get(&t.slug.to_lowercase()) {
            Some(&first) => out.push(error(
                format!("{prefix}{}/", t.dir),
                format!(
                    "track folders `{}` and `{}` both have the slug `{}`; a track needs a slug of its own: rename one folder",
                    c.tracks[first].dir, t.dir, t.slug
                ),
            )),
            None => {
                slugs.insert(t.slug.to_lowercase(), i);
            }
        }
    }
    let mut routes: HashMap<&str, usize> = HashMap::new();
    for (i, p) in c.pages.iter().enumerate() {
        match routes.get(p.route.as_str()) {
            Some(&first) => out.push(error(
                format!("{prefix}{}", p.path),
                format!(
                    "pages `{}` and `{}` both publish the route `/{}`; give one a `slug` or another file name",
                    c.pages[first].path, p.path, p.route
                ),
            )),
            None => {
                routes.insert(&p.route, i);
            }
        }
    }
    out
}
