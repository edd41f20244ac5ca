//! PURE. The curriculum model and its Markdown parser: pages in, a typed [`Curriculum`] and
//! `file:line` diagnostics out. No I/O here: the caller reads the files (see `crate::load`).

pub mod anchor;
mod check;
pub mod diff;
mod frontmatter;
pub mod lines;
pub mod links;
mod mdx;
pub mod model;
mod parse;
pub mod route;
pub mod site;
pub mod synth;
pub mod version;

pub use model::*;
pub use parse::{classify_link, LinkRef, SourcePage};
pub use route::{Routing, SiteConfig};
pub use site::{SourceCategory, Total, Track};

/// The site as a whole: its tracks, root pages and everything in them.
pub type Site = Curriculum;

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
    /// Worth knowing, not a problem (e.g. one title used for several URLs).
    Note,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        write!(
            f,
            "{}:{}: {sev}: {}",
            escape_control(&self.origin.file),
            self.origin.line,
            escape_control(&self.message)
        )
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

/// Control characters (newlines, escapes, NUL…) written as `\n`, `\u{1b}`: a file name or a
/// page's text can never start a line of its own in `check`'s output or the log.
pub fn escape_control(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// How to read pages.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// URL of the docs root (`CURRICULUM_BASE_URL`, or from docusaurus.config). `None`: relative
    /// links stay paths.
    pub base_url: Option<String>,
    /// Docusaurus `trailingSlash`.
    pub trailing_slash: Option<bool>,
    /// Put before a page's path in diagnostics. The loader leaves it empty: diagnostics name
    /// files relative to the curriculum folder, never where the server keeps it.
    pub origin_prefix: String,
    /// The curriculum root's folder below the docs folder, as written: empty when the root is
    /// the docs folder, `12-mlops-engineering` when it is that track's folder.
    pub docs_dir: String,
    /// The root folder's name, for the slug of a one-track curriculum.
    pub root_name: String,
    /// The `_category_.json` / `_category_.yml` files found.
    pub categories: Vec<SourceCategory>,
}

/// The result of parsing: always a curriculum (possibly partial) plus what went wrong.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub curriculum: Curriculum,
    pub diagnostics: Vec<Diagnostic>,
    /// Every relative link, for [`Parsed::check`].
    pub links: Vec<LinkRef>,
    /// [`ParseOptions::origin_prefix`], for diagnostics made after parsing.
    pub origin_prefix: String,
}

/// Parses pages into one site: pages grouped into tracks and put in sidebar order, then read.
/// A page with errors keeps its valid parts and never takes other pages down.
pub fn parse(pages: &[SourcePage], opts: &ParseOptions) -> Parsed {
    let mut out = Parsed {
        origin_prefix: opts.origin_prefix.clone(),
        ..Parsed::default()
    };
    let layout = site::layout(pages, opts, &mut out.diagnostics);
    out.curriculum.tracks = layout.tracks;
    let mut by_url = std::collections::HashMap::new();
    for (&i, &track) in layout.order.iter().zip(&layout.track_of) {
        let src = &pages[i];
        let fm = &layout.front[i];
        let page = out.curriculum.pages.len();
        // An unlisted page is in no track's or the site's list (Docusaurus: not in the sidebar).
        match track {
            _ if fm.unlisted => {}
            Some(t) => out.curriculum.tracks[t].pages.push(page),
            None => out.curriculum.site_pages.push(page),
        }
        let at = route::page_route(
            &opts.docs_dir,
            &src.path,
            route::RouteMatter {
                slug: fm.slug.as_deref(),
                id: fm.id.as_deref(),
                numbers: !fm.keep_number_prefixes,
            },
        );
        out.curriculum.pages.push(Page {
            path: src.path.clone(),
            title: fm.title.clone().unwrap_or_else(|| src.path.clone()),
            slug: fm.slug.clone(),
            id: fm.id.clone(),
            sidebar_position: fm.sidebar_position,
            route: at.route,
            slash: at.slash,
            url: None,
            unlisted: fm.unlisted,
            track,
            module: None,
        });
        if fm.unlisted {
            continue;
        }
        let text = mdx::strip(&src.text);
        parse::PageParser::new(
            &mut out.curriculum,
            &mut out.diagnostics,
            &mut out.links,
            &mut by_url,
            page,
            &opts.origin_prefix,
        )
        .run(&text);
    }
    links::finish(&mut out.curriculum);
    site::finish(&mut out.curriculum, opts);
    out
}

impl Parsed {
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
