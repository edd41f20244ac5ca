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
    /// `id` front matter: replaces the file name in the page's route.
    pub id: Option<String>,
    pub sidebar_position: Option<i64>,
    /// Docusaurus route below the docs root, e.g. `mlops-engineering/ml-pipelines`.
    pub route: String,
    /// Its URL ends in `/`: a category index (its slug does) with `trailingSlash` unset, or
    /// every page with `trailingSlash: true`. Relative links resolve from there.
    pub slash: bool,
    /// The published URL (`CURRICULUM_BASE_URL` or docusaurus.config + route), when known.
    pub url: Option<String>,
    /// `unlisted: true`: it has a URL (links and modules reach it) but its content is not read,
    /// so nothing on it is listed or searchable, as Docusaurus hides it from sidebar and search.
    pub unlisted: bool,
    /// Index into `Curriculum::tracks`; `None` for a root page of the site (`intro.md`).
    pub track: Option<usize>,
    /// The module whose page this is, if a module line links it.
    pub module: Option<usize>,
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
    /// The other places the same URL is listed (on this page, other pages or other tracks): one
    /// resource, many places. The first place is `section`/`topic`/`origin` above.
    pub places: Vec<Place>,
    /// Other resources with the same title but a different URL (at most
    /// [`MAX_DUPLICATES_KEPT`]); both are kept and shown with their section.
    pub duplicates: Vec<usize>,
}

/// How many same-title resources a resource remembers (a hostile page may have thousands).
pub const MAX_DUPLICATES_KEPT: usize = 8;

/// Where a resource is listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    /// The link's title and description as listed here (a merged resource keeps every one).
    pub title: String,
    pub description: String,
    pub section: usize,
    pub topic: Option<usize>,
    pub origin: Origin,
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
    /// `None` when the line has no (or a malformed) duration, or is open-ended.
    pub weeks: Option<Span>,
    /// `(Ongoing)`, `(self-paced)`: no fixed length; totals read "… + ongoing".
    pub open_ended: bool,
    pub focus: String,
    /// The module's page, from a resource such as `[Module 2: ML Pipelines](./02-ml-pipelines.md)`.
    pub link: Option<usize>,
    /// The page the module line (or its resource) links, as a path inside the curriculum folder.
    pub page_path: Option<String>,
    /// That page, when it is in the curriculum: its `##` sections are the module's content.
    pub page: Option<usize>,
    /// Which rule gave the module its page (`None`: no page).
    pub page_rule: Option<PageRule>,
    /// The module's page's sections (empty when the page is missing).
    pub sections: Vec<usize>,
    /// Index into `Curriculum::tracks`.
    pub track: usize,
    pub section: usize,
    pub origin: Origin,
}

/// How a module found its page: the link on its line, a page titled like it, or the page
/// numbered like it among its track's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PageRule {
    Link,
    Title,
    Number,
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

/// The whole loaded site: its tracks and every page, section, topic, item, resource, module,
/// pathway and plan phase of all of them (each track lists its own by index).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Curriculum {
    /// Learning tracks in sidebar order. Always at least one when any page was read.
    pub tracks: Vec<super::site::Track>,
    /// Root pages of the site (`intro.md`), which belong to no track.
    pub site_pages: Vec<usize>,
    /// Every page: site pages first, then each track's pages in sidebar order.
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
        let all: Vec<usize> = (0..self.modules.len()).collect();
        self.module_at_week_in(&all, week).map(|i| &self.modules[i])
    }

    /// [`Curriculum::module_at_week`] over some modules (a track's), as an index. An open-ended
    /// last module (`(Ongoing)`) covers every week after the others.
    pub fn module_at_week_in(&self, modules: &[usize], week: u32) -> Option<usize> {
        let mut end = 0u32;
        for &i in modules {
            end = end.saturating_add(self.modules[i].weeks.map_or(0, |w| w.max));
            if week <= end && self.modules[i].weeks.is_some() {
                return Some(i);
            }
        }
        modules
            .last()
            .copied()
            .filter(|&i| self.modules[i].open_ended)
    }

    /// Total duration of all modules in weeks (sum of lower and upper bounds), open-ended
    /// modules left out. `None` when a fixed-length module has no duration.
    pub fn total_weeks(&self) -> Option<Span> {
        super::site::Total::of(self.modules.iter()).map(|t| t.weeks)
    }

    /// The plan phase covering week `week`, if any.
    pub fn phase_at_week(&self, week: u32) -> Option<&PlanPhase> {
        self.plan
            .iter()
            .find(|p| p.weeks.min <= week && week <= p.weeks.max)
    }
}
