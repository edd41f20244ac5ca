//! The typed curriculum: pages, sections, topics, items, resources, modules, pathways and the
//! action plan. Plain data; every cross-reference is an index into one of `Curriculum`'s vectors.

use serde::Serialize;

/// Where something was read from: the page's path as given and a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Origin {
    pub file: String,
    pub line: u32,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One Markdown page, with what its front matter says about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page {
    /// The path as read (relative to the curriculum root when loaded from a folder).
    pub path: String,
    /// `title` from front matter, else the first `#` heading, else the file stem.
    pub title: String,
    pub slug: Option<String>,
    pub sidebar_position: Option<i64>,
}

/// A `##` section of a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub page: usize,
    pub title: String,
    pub origin: Origin,
}

/// A bold topic heading inside a bullet list (`- **Cloud ML Platforms**`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Topic {
    pub section: usize,
    pub title: String,
    pub origin: Origin,
}

/// A plain bullet point under a topic (or directly under a section).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub section: usize,
    pub topic: Option<usize>,
    pub text: String,
    pub origin: Origin,
}

/// A link target. Relative links are resolved against `CURRICULUM_BASE_URL` when it is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Link {
    /// An absolute `http(s)://` URL.
    Absolute { url: String },
    /// A relative link such as `./01-mlops-fundamentals.md`; `resolved` is the absolute URL when a
    /// base URL is configured.
    Relative {
        path: String,
        resolved: Option<String>,
    },
}

impl Link {
    /// The absolute URL, when there is one. Never a broken relative link.
    pub fn url(&self) -> Option<&str> {
        match self {
            Link::Absolute { url } => Some(url),
            Link::Relative { resolved, .. } => resolved.as_deref(),
        }
    }

    /// What to show a person: the URL, or the relative path as plain text.
    pub fn display(&self) -> &str {
        match self {
            Link::Absolute { url } => url,
            Link::Relative { path, resolved } => resolved.as_deref().unwrap_or(path),
        }
    }

    /// The host of an absolute URL (`docs.docker.com`), for search.
    pub fn domain(&self) -> Option<&str> {
        let url = self.url()?;
        let rest = url.split_once("://")?.1;
        let host = rest.split(['/', '?', '#']).next()?;
        let host = host.rsplit('@').next()?;
        let host = host.split(':').next()?;
        (!host.is_empty()).then_some(host)
    }
}

/// A `[title](url) - description` line from a `**Resources:**` list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resource {
    /// Stable key derived from the title, made unique with `-2`, `-3`… for duplicate titles.
    pub key: String,
    pub title: String,
    pub description: String,
    pub link: Link,
    pub section: usize,
    pub topic: Option<usize>,
    pub origin: Origin,
    /// Other resources with the same title (`Production ML Systems` twice) or the same URL.
    /// Never merged: both entries are kept and shown with their section so they can be told apart.
    pub duplicates: Vec<usize>,
}

/// An inclusive range `min..=max` of weeks or months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    pub min: u32,
    pub max: u32,
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.min == self.max {
            write!(f, "{}", self.min)
        } else {
            write!(f, "{}-{}", self.min, self.max)
        }
    }
}

/// `Module 2: ML Pipelines (8-10 weeks) - Automated training and data pipelines`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Module {
    pub number: u32,
    pub title: String,
    /// `None` when the line has no (or a malformed) duration; `check` reports it.
    pub weeks: Option<Span>,
    pub focus: String,
    /// The module's page, from a resource such as `[Module 2: ML Pipelines](./02-ml-pipelines.md)`.
    pub link: Option<usize>,
    pub section: usize,
    pub origin: Origin,
}

/// `Software Engineers: 12-16 months focused on ML concepts and data engineering`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pathway {
    pub background: String,
    pub months: Span,
    pub emphasis: String,
    pub section: usize,
    pub origin: Origin,
}

/// One phase of the action plan: `Weeks 2-4: Core Skills Development`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanPhase {
    /// The heading as written, e.g. `Weeks 2-4: Core Skills Development`.
    pub heading: String,
    /// The part after the colon, e.g. `Core Skills Development`.
    pub title: String,
    /// Weeks since the start, inclusive (`Month 2-3` -> 5..=13).
    pub weeks: Span,
    pub tasks: Vec<String>,
    pub resources: Vec<usize>,
    pub topic: usize,
    pub origin: Origin,
}

/// The whole loaded curriculum.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Curriculum {
    pub pages: Vec<Page>,
    pub sections: Vec<Section>,
    pub topics: Vec<Topic>,
    pub items: Vec<Item>,
    pub resources: Vec<Resource>,
    pub modules: Vec<Module>,
    pub pathways: Vec<Pathway>,
    pub plan: Vec<PlanPhase>,
}

impl Curriculum {
    /// "Section › Topic" for a resource, item or phase.
    pub fn place(&self, section: usize, topic: Option<usize>) -> String {
        let s = &self.sections[section].title;
        match topic {
            Some(t) => format!("{s} › {}", self.topics[t].title),
            None => s.clone(),
        }
    }

    /// The module the learning-path timeline puts week `week` (1-based) in, counting each
    /// module's upper duration bound back to back. `None` after the last module.
    pub fn module_at_week(&self, week: u32) -> Option<&Module> {
        let mut end = 0u32;
        for m in &self.modules {
            end = end.saturating_add(m.weeks.map_or(0, |w| w.max));
            if week <= end {
                return Some(m);
            }
        }
        None
    }

    /// Total duration of all modules in weeks (sum of lower and upper bounds).
    pub fn total_weeks(&self) -> Option<Span> {
        if self.modules.is_empty() {
            return None;
        }
        let mut total = Span { min: 0, max: 0 };
        for m in &self.modules {
            let w = m.weeks?;
            total.min = total.min.saturating_add(w.min);
            total.max = total.max.saturating_add(w.max);
        }
        Some(total)
    }

    /// The plan phase covering week `week`, if any.
    pub fn phase_at_week(&self, week: u32) -> Option<&PlanPhase> {
        self.plan
            .iter()
            .find(|p| p.weeks.min <= week && week <= p.weeks.max)
    }
}
