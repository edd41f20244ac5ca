//! PURE. The curriculum model and its Markdown parser: pages in, a typed [`Curriculum`] and
//! `file:line` diagnostics out. No I/O here: the caller reads the files (see `crate::load`).

mod frontmatter;
pub mod lines;
pub mod links;
pub mod model;
mod parse;

pub use model::*;
pub use parse::{classify_link, LinkRef, SourcePage};

use std::collections::HashSet;

/// A problem found while reading a page, reported as `file:line: message`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub origin: Origin,
    pub severity: Severity,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {sev}: {}", self.origin, self.message)
    }
}

impl Diagnostic {
    pub fn error(file: &str, line: u32, message: impl Into<String>) -> Self {
        Diagnostic {
            origin: Origin {
                file: file.to_string(),
                line,
            },
            severity: Severity::Error,
            message: message.into(),
        }
    }
}

/// How to read pages.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// `CURRICULUM_BASE_URL`: where the Docusaurus site publishes these pages.
    pub base_url: Option<String>,
    /// Put before a page's path in diagnostics, e.g. `data/curriculum/`.
    pub origin_prefix: String,
}

/// The result of parsing: always a curriculum (possibly partial) plus what went wrong.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub curriculum: Curriculum,
    pub diagnostics: Vec<Diagnostic>,
    /// Every relative link, for [`Parsed::check`].
    pub links: Vec<LinkRef>,
}

/// Parses pages into one curriculum, ordered by `sidebar_position`, then path. A page with errors
/// keeps its valid parts and never takes other pages down.
pub fn parse(pages: &[SourcePage], opts: &ParseOptions) -> Parsed {
    let mut order: Vec<(Option<i64>, &SourcePage, frontmatter::FrontMatter)> = pages
        .iter()
        .map(|p| {
            let fm = frontmatter::read(&p.text).0;
            (fm.sidebar_position, p, fm)
        })
        .collect();
    order.sort_by(|a, b| (a.0.is_none(), a.0, &a.1.path).cmp(&(b.0.is_none(), b.0, &b.1.path)));
    let mut out = Parsed::default();
    for (_, src, fm) in order {
        let page = out.curriculum.pages.len();
        out.curriculum.pages.push(Page {
            path: src.path.clone(),
            title: src.path.clone(),
            slug: fm.slug,
            sidebar_position: fm.sidebar_position,
        });
        parse::PageParser::new(
            &mut out.curriculum,
            &mut out.diagnostics,
            &mut out.links,
            page,
            &opts.origin_prefix,
        )
        .run(&src.text);
    }
    links::finish(&mut out.curriculum);
    links::resolve(&mut out.curriculum, opts.base_url.as_deref());
    out
}

impl Parsed {
    /// Everything `curriculum-bot check` reports: parse errors, relative links to pages missing
    /// from the folder, duplicate titles and modules without a duration. Missing pages and
    /// duplicates are warnings: a curriculum index may link pages published elsewhere.
    pub fn check(&self) -> Vec<Diagnostic> {
        let c = &self.curriculum;
        let mut out = self.diagnostics.clone();
        let known: HashSet<&str> = c.pages.iter().map(|p| p.path.as_str()).collect();
        let mut reported = HashSet::new();
        for l in &self.links {
            let from = &c.pages[l.page].path;
            let message = match links::join_path(from, &l.dest) {
                Some(p) if known.contains(p.as_str()) => continue,
                Some(p) => format!(
                    "link `{}` points at `{p}`, which is not in the curriculum folder",
                    l.dest
                ),
                None => format!("link `{}` points outside the curriculum folder", l.dest),
            };
            if reported.insert((l.origin.clone(), l.dest.clone())) {
                out.push(Diagnostic {
                    origin: l.origin.clone(),
                    severity: Severity::Warning,
                    message,
                });
            }
        }
        for (i, r) in c.resources.iter().enumerate() {
            for &j in &r.duplicates {
                let other = &c.resources[j];
                if j < i && other.title.eq_ignore_ascii_case(&r.title) {
                    out.push(Diagnostic {
                        origin: r.origin.clone(),
                        severity: Severity::Warning,
                        message: format!(
                            "duplicate title `{}` (also at {}); both are kept as `{}` and `{}`",
                            r.title, other.origin, other.key, r.key
                        ),
                    });
                }
            }
        }
        for m in &c.modules {
            if m.weeks.is_none() && !out.iter().any(|d| d.origin == m.origin) {
                out.push(Diagnostic {
                    origin: m.origin.clone(),
                    severity: Severity::Error,
                    message: format!(
                        "module {} `{}` has no duration such as `(6-8 weeks)`",
                        m.number, m.title
                    ),
                });
            }
        }
        out.sort_by(|a, b| (&a.origin.file, a.origin.line).cmp(&(&b.origin.file, b.origin.line)));
        out
    }

    pub fn has_errors(diags: &[Diagnostic]) -> bool {
        diags.iter().any(|d| d.severity == Severity::Error)
    }
}

/// Counts for the `check` summary and `/help`.
pub fn summary(c: &Curriculum) -> String {
    format!(
        "{} pages, {} sections, {} topics, {} resources, {} modules, {} pathways, {} plan phases",
        c.pages.len(),
        c.sections.len(),
        c.topics.len(),
        c.resources.len(),
        c.modules.len(),
        c.pathways.len(),
        c.plan.len()
    )
}
