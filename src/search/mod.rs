//! PURE. One search index over everything in a curriculum: ranked fuzzy queries and autocomplete.
//!
//! The index knows nothing of Markdown: it indexes [`Doc`]s, which [`docs_from`] derives from a
//! [`Curriculum`]. A [`Hit`] points back at its doc by position.

mod abbrev;
pub mod aliases;
pub mod anchor;
mod bullets;
pub mod index;
mod query;
mod rank;
mod score;
pub mod synth;
#[cfg(test)]
mod tests;
mod text;
mod vocab;

pub use aliases::Aliases;
pub use index::SearchIndex;
pub use query::Stages;

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
    /// Other titles it is listed under (a merged resource), matched almost like the title.
    pub alt_titles: Vec<String>,
    /// The enclosing topic heading, the bullets beside it that describe it and the section
    /// title, matched below the title.
    pub heading: String,
    /// Where it sits (section, page, module and track names), matched least.
    pub context: String,
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

/// Every searchable doc of a curriculum, in a stable order. Section, topic and item docs link
/// their page at the section's anchor; items are kept once per text, and not at all when they
/// only repeat a link's title (a banner line on every page is one doc).
pub fn docs_from(c: &Curriculum) -> Vec<Doc> {
    let anchors = anchor::section_anchors(c);
    let at = |section: usize| {
        let page = &c.pages[c.sections[section].page];
        page.url
            .as_deref()
            .map(|u| anchor::with_anchor(u, &anchors[section]))
    };
    let bullets = bullets::Bullets::new(c);
    let mut docs = Vec::new();
    let mut link_titles = std::collections::HashSet::new();
    for (i, r) in c.resources.iter().enumerate() {
        let places = c.resource_places(i);
        let mut body = String::new();
        let mut alt_titles: Vec<String> = Vec::new();
        let mut heading = String::new();
        let mut context = String::new();
        for p in &places {
            link_titles.insert(normal(&p.title));
            if p.title != r.title && !alt_titles.contains(&p.title) {
                alt_titles.push(p.title.clone());
            }
            if !body.contains(p.description.as_str()) {
                push_text(&mut body, &p.description);
            }
            if let Some(t) = p.topic {
                push_text(&mut heading, &c.topics[t].title);
                for it in bullets.of_link(t, &p.title) {
                    push_text(&mut heading, &c.items[it].text);
                }
                // A title many links share ("Official Documentation") is only read with its
                // heading: "Helm Official Documentation".
                if !r.duplicates.is_empty() {
                    alt_titles.push(format!("{} {}", c.topics[t].title, p.title));
                }
            }
            push_text(&mut heading, &c.sections[p.section].title);
            // The section title is read as a heading already.
            let page = &c.pages[c.sections[p.section].page];
            if page.module.is_none() {
                push_text(&mut context, &page.title);
            }
            if let Some(t) = page.track {
                push_text(&mut context, &c.tracks[t].label);
            }
        }
        if let Some(d) = r.link.domain() {
            push_text(&mut body, d);
        }
        docs.push(Doc {
            kind: Kind::Resource,
            title: r.title.clone(),
            body,
            section: c.place(r.section, r.topic),
            url: r.link.url().map(str::to_owned),
            target: i,
            tracks: c.resource_tracks(i),
            alt_titles,
            heading,
            context,
        });
    }
    for (i, m) in c.modules.iter().enumerate() {
        let url = m
            .link
            .and_then(|r| c.resources[r].link.url().map(str::to_owned))
            .or_else(|| m.page.and_then(|p| c.pages[p].url.clone()));
        let mut context = c
            .tracks
            .get(m.track)
            .map_or(String::new(), |t| t.label.clone());
        if let Some(p) = m.page {
            push_text(&mut context, &c.pages[p].title);
            for &s in &m.sections {
                push_text(&mut context, &c.sections[s].title);
            }
        }
        docs.push(Doc {
            kind: Kind::Module,
            title: format!("Module {}: {}", m.number, m.title),
            body: m.focus.clone(),
            section: c.sections[m.section].title.clone(),
            url,
            target: i,
            tracks: vec![m.track],
            alt_titles: Vec::new(),
            heading: String::new(),
            context,
        });
    }
    for (i, p) in c.pathways.iter().enumerate() {
        docs.push(Doc {
            kind: Kind::Pathway,
            title: p.background.clone(),
            body: p.emphasis.clone(),
            section: where_of(c, p.section),
            url: at(p.section),
            target: i,
            tracks: in_track(c, p.section),
            alt_titles: Vec::new(),
            heading: String::new(),
            context: place_words(c, p.section, false),
        });
    }
    for (i, p) in c.plan.iter().enumerate() {
        let t = &c.topics[p.topic];
        docs.push(Doc {
            kind: Kind::PlanPhase,
            title: p.heading.clone(),
            body: p.tasks.join(" "),
            section: where_of(c, t.section),
            url: at(t.section),
            target: i,
            tracks: in_track(c, t.section),
            alt_titles: Vec::new(),
            heading: String::new(),
            context: place_words(c, t.section, false),
        });
    }
    for (i, t) in c.topics.iter().enumerate() {
        let mut body = String::new();
        for it in bullets.of_topic(i) {
            push_text(&mut body, &c.items[it].text);
        }
        docs.push(Doc {
            kind: Kind::Topic,
            title: t.title.clone(),
            body,
            section: where_of(c, t.section),
            url: at(t.section),
            target: i,
            tracks: in_track(c, t.section),
            alt_titles: Vec::new(),
            heading: String::new(),
            context: place_words(c, t.section, false),
        });
    }
    for (i, s) in c.sections.iter().enumerate() {
        docs.push(Doc {
            kind: Kind::Section,
            title: s.title.clone(),
            body: c.pages[s.page].title.clone(),
            section: where_of(c, i),
            url: at(i),
            target: i,
            tracks: in_track(c, i),
            alt_titles: Vec::new(),
            heading: c.pages[s.page].title.clone(),
            context: place_words(c, i, true),
        });
    }
    let mut item_texts = std::collections::HashSet::new();
    for (i, it) in c.items.iter().enumerate() {
        let key = normal(&it.text);
        if link_titles.contains(&key) || !item_texts.insert(key) {
            continue;
        }
        docs.push(Doc {
            kind: Kind::Item,
            title: it.text.clone(),
            body: String::new(),
            section: match it.topic {
                Some(t) => format!("{} › {}", where_of(c, it.section), c.topics[t].title),
                None => where_of(c, it.section),
            },
            url: at(it.section),
            target: i,
            tracks: in_track(c, it.section),
            alt_titles: Vec::new(),
            heading: it
                .topic
                .map_or(String::new(), |t| c.topics[t].title.clone()),
            context: place_words(c, it.section, false),
        });
    }
    docs
}

fn push_text(out: &mut String, s: &str) {
    if s.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push_str(" \n ");
    }
    out.push_str(s);
}

/// Lowercase words joined by single spaces: two texts that read the same compare equal.
fn normal(s: &str) -> String {
    text::tokens(s).join(" ")
}

/// "Module 3 › Feature Engineering" (or the page's title when it is no module's page), so two
/// sections of the same name never look alike.
pub fn where_of(c: &Curriculum, section: usize) -> String {
    let s = &c.sections[section];
    let page = &c.pages[s.page];
    let head = match page.module {
        Some(m) => format!("Module {}", c.modules[m].number),
        None => page.title.clone(),
    };
    if head == s.title {
        head
    } else {
        format!("{head} › {}", s.title)
    }
}

/// The words that say where a section is: its title, its page's title, its track and (for a
/// section itself) its module's number and title, so `module 3` finds the module's sections,
/// not every link on the page.
fn place_words(c: &Curriculum, section: usize, module: bool) -> String {
    let s = &c.sections[section];
    let page = &c.pages[s.page];
    let mut out = s.title.clone();
    // A module page's title is its module's: the module's own doc answers for it.
    if page.module.is_none() || module {
        push_text(&mut out, &page.title);
    }
    if let Some(m) = page.module.filter(|_| module) {
        push_text(&mut out, &format!("Module {}", c.modules[m].number));
    }
    if let Some(t) = page.track {
        push_text(&mut out, &c.tracks[t].label);
    }
    out
}

fn in_track(c: &Curriculum, section: usize) -> Vec<usize> {
    c.track_of_section(section).into_iter().collect()
}
