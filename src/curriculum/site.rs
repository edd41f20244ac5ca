//! The site model: a docs folder's tracks (one per subfolder, or the folder itself), their
//! `_category_.json`/`.yml`, pages in sidebar order, each track's overview (found by its content), and
//! modules joined to the pages they link (`build.rs`: `layout` before parsing, `finish` after).

mod build;
mod category;
mod dupes;
pub mod owners;
pub(super) use build::{finish, layout};
pub use category::unusable as unusable_category;
pub(super) use dupes::duplicates;

use super::model::*;
use serde::Serialize;

/// A learning track: a folder of the docs with its overview, modules, pathways and plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Track {
    /// The folder name with its number prefix stripped (`mlops-engineering`).
    pub slug: String,
    /// `label` from `_category_.json`, else the slug in title case.
    pub label: String,
    /// `position` from `_category_.json` (rounded), else the folder's number prefix.
    pub position: Option<i64>,
    /// `description` (or `link.description`) from `_category_.json`, else the overview's title.
    pub description: Option<String>,
    /// The folder, relative to the curriculum root (`""` when the root is the track).
    pub dir: String,
    /// The folder's route below the docs root.
    pub route: String,
    /// The track's page: its index page, else its overview, else its first page.
    pub url: Option<String>,
    /// The page holding the module list, pathways or plan (the first such in sidebar order).
    pub overview: Option<usize>,
    /// Pages in sidebar order.
    pub pages: Vec<usize>,
    pub modules: Vec<usize>,
    pub pathways: Vec<usize>,
    pub plan: Vec<usize>,
}

impl Track {
    /// The sum of the track's module durations ("30-38 weeks + ongoing").
    pub fn total(&self, c: &Curriculum) -> Option<Total> {
        Total::of(self.modules.iter().map(|&m| &c.modules[m]))
    }

    /// The module the track's timeline puts week `week` (1-based) in.
    pub fn module_at_week(&self, c: &Curriculum, week: u32) -> Option<usize> {
        c.module_at_week_in(&self.modules, week)
    }

    /// The track's plan phase covering week `week`.
    pub fn phase_at_week(&self, c: &Curriculum, week: u32) -> Option<usize> {
        self.plan.iter().copied().find(|&p| {
            let w = c.plan[p].weeks;
            w.min <= week && week <= w.max
        })
    }

    /// The track's module numbered `number`.
    pub fn module(&self, c: &Curriculum, number: u32) -> Option<usize> {
        self.modules
            .iter()
            .copied()
            .find(|&m| c.modules[m].number == number)
    }
}

/// A total duration: weeks of fixed-length modules, plus whether any module is open-ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Total {
    pub weeks: Span,
    pub ongoing: bool,
}

impl Total {
    /// `None` for no modules, or when a fixed-length module has no duration.
    pub fn of<'a>(modules: impl Iterator<Item = &'a Module>) -> Option<Total> {
        let mut t = Total {
            weeks: Span { min: 0, max: 0 },
            ongoing: false,
        };
        let mut any = false;
        for m in modules {
            any = true;
            if m.open_ended {
                t.ongoing = true;
                continue;
            }
            let w = m.weeks?;
            t.weeks.min = t.weeks.min.saturating_add(w.min);
            t.weeks.max = t.weeks.max.saturating_add(w.max);
        }
        any.then_some(t)
    }
}

impl std::fmt::Display for Total {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.weeks.max, self.ongoing) {
            (0, true) => write!(f, "ongoing"),
            (_, true) => write!(f, "{} weeks + ongoing", self.weeks),
            _ => write!(f, "{} weeks", self.weeks),
        }
    }
}

/// A `_category_.json` (or `_category_.yml`/`.yaml`) as read by the loader.
#[derive(Debug, Clone)]
pub struct SourceCategory {
    /// Its folder relative to the curriculum root (`""` for the root).
    pub dir: String,
    /// The file's name, which says how to read it.
    pub file: String,
    pub text: String,
}

impl Curriculum {
    /// The track a section's page belongs to (`None` for a root page of the site).
    pub fn track_of_section(&self, section: usize) -> Option<usize> {
        self.pages[self.sections[section].page].track
    }

    /// A track by slug or label (case-insensitive).
    pub fn track_by_name(&self, name: &str) -> Option<usize> {
        let name = name.trim();
        self.tracks
            .iter()
            .position(|t| t.slug.eq_ignore_ascii_case(name))
            .or_else(|| {
                self.tracks
                    .iter()
                    .position(|t| t.label.eq_ignore_ascii_case(name))
            })
    }

    /// Every place resource `r` is listed, its first place first.
    pub fn resource_places(&self, r: usize) -> Vec<Place> {
        let res = &self.resources[r];
        let first = Place {
            title: res.title.clone(),
            description: res.description.clone(),
            section: res.section,
            topic: res.topic,
            origin: res.origin.clone(),
        };
        std::iter::once(first)
            .chain(res.places.iter().cloned())
            .collect()
    }

    /// The tracks resource `r` is listed in, in the order of its places, without repeats.
    pub fn resource_tracks(&self, r: usize) -> Vec<usize> {
        let res = &self.resources[r];
        let mut out = Vec::new();
        for s in std::iter::once(res.section).chain(res.places.iter().map(|p| p.section)) {
            if let Some(t) = self.track_of_section(s) {
                if !out.contains(&t) {
                    out.push(t);
                }
            }
        }
        out
    }

    /// Resource `r` as listed in track `t`: its first place there (title, description, section),
    /// else its first place. Without a description there, the resource's own is kept.
    pub fn listing(&self, r: usize, t: Option<usize>) -> Place {
        let places = self.resource_places(r);
        let mut chosen = t
            .and_then(|t| {
                places
                    .iter()
                    .find(|p| self.track_of_section(p.section) == Some(t))
            })
            .unwrap_or(&places[0])
            .clone();
        if chosen.description.is_empty() {
            chosen.description = self.resources[r].description.clone();
        }
        chosen
    }

    /// "Track › Module 2 › Section" for a place (the module when the page is a module's page;
    /// no track for a site page), for "also in: …" labels.
    pub fn place_label(&self, section: usize) -> String {
        let s = &self.sections[section];
        let page = &self.pages[s.page];
        let mut parts: Vec<String> = Vec::new();
        if let Some(t) = page.track {
            parts.push(self.tracks[t].label.clone());
        }
        if let Some(m) = page.module {
            parts.push(format!("Module {}", self.modules[m].number));
        }
        parts.push(s.title.clone());
        parts.join(" › ")
    }

    /// The resources listed in the given sections (a module's content), in page order.
    pub fn resources_in(&self, sections: &[usize]) -> Vec<usize> {
        let wanted: std::collections::HashSet<usize> = sections.iter().copied().collect();
        (0..self.resources.len())
            .filter(|&r| {
                let res = &self.resources[r];
                wanted.contains(&res.section)
                    || res.places.iter().any(|p| wanted.contains(&p.section))
            })
            .collect()
    }
}
