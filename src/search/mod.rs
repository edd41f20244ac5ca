//! PURE. One search index over everything in a curriculum: ranked fuzzy queries and autocomplete.
//!
//! The index knows nothing of Markdown: it indexes [`Doc`]s, which [`docs_from`] derives from a
//! [`Curriculum`]. A [`Hit`] points back at its doc by position.

pub mod aliases;
pub mod index;
mod score;
pub mod synth;
#[cfg(test)]
mod tests;
mod text;
mod vocab;

pub use aliases::Aliases;
pub use index::SearchIndex;

use crate::curriculum::Curriculum;
use serde::Serialize;

/// What kind of thing a doc stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Resource,
    Topic,
    Section,
    Module,
    Pathway,
    PlanPhase,
    Item,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Resource => "resource",
            Kind::Topic => "topic",
            Kind::Section => "section",
            Kind::Module => "module",
            Kind::Pathway => "pathway",
            Kind::PlanPhase => "plan_phase",
            Kind::Item => "item",
        }
    }
}

/// One searchable thing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Doc {
    pub kind: Kind,
    /// Shown, matched first. For items, the bullet's text.
    pub title: String,
    /// Matched with less weight: a resource's description, a module's focus, link domain…
    pub body: String,
    /// The section (and topic) it sits in, for display.
    pub section: String,
    pub url: Option<String>,
    /// Index into the curriculum vector of `kind` (resources, topics, modules…).
    pub target: usize,
    /// The tracks it belongs to (indices into `Curriculum::tracks`), first place first. A
    /// resource listed in several tracks is still one doc; empty for a site page's content.
    pub tracks: Vec<usize>,
}

impl Doc {
    /// The track of its first place.
    pub fn track(&self) -> Option<usize> {
        self.tracks.first().copied()
    }
}

/// One ranked result. Higher `score` is better; hits come best first.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Hit {
    /// Index into the docs the index was built from.
    pub doc: usize,
    pub score: f32,
}

/// Every searchable doc of a curriculum, in a stable order.
pub fn docs_from(c: &Curriculum) -> Vec<Doc> {
    let mut docs = Vec::new();
    for (i, r) in c.resources.iter().enumerate() {
        let mut body = r.description.clone();
        if let Some(d) = r.link.domain() {
            body.push(' ');
            body.push_str(d);
        }
        docs.push(Doc {
            kind: Kind::Resource,
            title: r.title.clone(),
            body,
            section: c.place(r.section, r.topic),
            url: r.link.url().map(str::to_owned),
            target: i,
            tracks: c.resource_tracks(i),
        });
    }
    for (i, m) in c.modules.iter().enumerate() {
        let url = m
            .link
            .and_then(|r| c.resources[r].link.url().map(str::to_owned));
        docs.push(Doc {
            kind: Kind::Module,
            title: format!("Module {}: {}", m.number, m.title),
            body: m.focus.clone(),
            section: c.sections[m.section].title.clone(),
            url,
            target: i,
            tracks: vec![m.track],
        });
    }
    for (i, p) in c.pathways.iter().enumerate() {
        docs.push(Doc {
            kind: Kind::Pathway,
            title: p.background.clone(),
            body: p.emphasis.clone(),
            section: c.sections[p.section].title.clone(),
            url: None,
            target: i,
            tracks: in_track(c, p.section),
        });
    }
    for (i, p) in c.plan.iter().enumerate() {
        let t = &c.topics[p.topic];
        docs.push(Doc {
            kind: Kind::PlanPhase,
            title: p.heading.clone(),
            body: p.tasks.join(" "),
            section: c.sections[t.section].title.clone(),
            url: None,
            target: i,
            tracks: in_track(c, t.section),
        });
    }
    for (i, t) in c.topics.iter().enumerate() {
        docs.push(Doc {
            kind: Kind::Topic,
            title: t.title.clone(),
            body: String::new(),
            section: c.sections[t.section].title.clone(),
            url: None,
            target: i,
            tracks: in_track(c, t.section),
        });
    }
    for (i, s) in c.sections.iter().enumerate() {
        docs.push(Doc {
            kind: Kind::Section,
            title: s.title.clone(),
            body: c.pages[s.page].title.clone(),
            section: s.title.clone(),
            url: None,
            target: i,
            tracks: in_track(c, i),
        });
    }
    for (i, it) in c.items.iter().enumerate() {
        docs.push(Doc {
            kind: Kind::Item,
            title: it.text.clone(),
            body: String::new(),
            section: c.place(it.section, it.topic),
            url: None,
            target: i,
            tracks: in_track(c, it.section),
        });
    }
    docs
}

fn in_track(c: &Curriculum, section: usize) -> Vec<usize> {
    c.track_of_section(section).into_iter().collect()
}
