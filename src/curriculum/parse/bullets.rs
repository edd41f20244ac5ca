//! The parser's bullets: a plain bullet becomes a resource, a module, a pathway or an item; links
//! are classified (absolute, relative, refused) and relative ones remembered for `check`.

use super::{Head, PageParser};
use crate::curriculum::lines::{
    parse_module_line, parse_pathway_line, strip_separator, ModuleLine,
};
use crate::curriculum::model::*;
use crate::curriculum::parse::LinkRef;
use crate::curriculum::Severity;

/// The places one resource remembers (the same URL listed in more places is still one resource).
pub const MAX_PLACES: usize = 32;

impl PageParser<'_> {
    pub(super) fn plain_bullet(&mut self, head: &Head, text: &str, line: u32) {
        let topic = self.context_topic(line);
        let section = self.current_section(line);
        // Phases are made in topic order, so they are sorted by topic.
        let phase = topic.and_then(|t| {
            let i = self.c.plan.partition_point(|p| p.topic < t);
            (self.c.plan.get(i).map(|p| p.topic) == Some(t)).then_some(i)
        });
        let leading_link = head
            .links
            .first()
            .filter(|(_, _, at)| head.text[..*at].trim().is_empty());
        let origin = self.origin(line);
        if let Some((title, dest, at)) = leading_link {
            let rest_start = (*at + title.len()).min(head.text.len());
            let description = strip_separator(head.text.get(rest_start..).unwrap_or(""));
            // `[Module 2: ML Pipelines](./02-ml-pipelines.md) (8-10 weeks) - …` is a module
            // line too (and stays a resource, which links the module's page).
            if description.starts_with('(') && !self.under_resource_label() {
                if let Some(m) = parse_module_line(text) {
                    self.module(m, head, section, origin.clone(), line);
                }
            }
            self.resource(title, dest, description, section, topic, origin, phase);
            return;
        }
        self.record_links(head, line);
        if self.under_resource_label() {
            self.diag(
                line,
                Severity::Error,
                format!(
                    "resource line has no link; write it as `[title](url) - description`: `{text}`"
                ),
            );
        } else if let Some(m) = parse_module_line(text) {
            self.module(m, head, section, origin, line);
            return;
        } else if let Some((background, months, emphasis)) = parse_pathway_line(text) {
            self.c.pathways.push(Pathway {
                background,
                months,
                emphasis,
                section,
                origin,
            });
            return;
        }
        if let Some(p) = phase {
            self.c.plan[p].tasks.push(text.to_string());
        }
        self.c.items.push(Item {
            section,
            topic,
            text: text.to_string(),
            origin,
        });
    }

    fn module(&mut self, m: ModuleLine, head: &Head, section: usize, origin: Origin, line: u32) {
        let weeks = match m.weeks {
            Ok(w) => w,
            Err(msg) => {
                self.diag(line, Severity::Error, msg);
                None
            }
        };
        let page_path = head.links.iter().find_map(|(_, dest, _)| {
            let target = dest.split(['#', '?']).next().unwrap_or("");
            let is_page = target.ends_with(".md") || target.ends_with(".mdx");
            match classify_link(dest) {
                Ok(Link::Relative { .. }) if is_page => {
                    crate::curriculum::links::join_path(&self.c.pages[self.page].path, target)
                }
                _ => None,
            }
        });
        self.c.modules.push(Module {
            number: m.number,
            title: m.title,
            weeks,
            open_ended: m.open_ended,
            focus: m.focus,
            link: None,
            page_path,
            page: None,
            page_rule: None,
            sections: Vec::new(),
            track: 0,
            section,
            origin,
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn resource(
        &mut self,
        title: &str,
        dest: &str,
        description: &str,
        section: usize,
        topic: Option<usize>,
        origin: Origin,
        phase: Option<usize>,
    ) {
        let title = title.trim();
        let dest = dest.trim();
        let line = origin.line;
        if dest.is_empty() {
            self.diag(
                line,
                Severity::Error,
                format!("resource `{title}` has no URL"),
            );
            return;
        }
        if title.is_empty() {
            self.diag(
                line,
                Severity::Error,
                format!("resource link to `{dest}` has no title"),
            );
            return;
        }
        let link = match classify_link(dest) {
            Ok(l) => l,
            Err(msg) => {
                self.diag(line, Severity::Error, msg);
                return;
            }
        };
        let url_key = match &link {
            Link::Absolute { url } => url.clone(),
            Link::Relative { path, .. } => {
                self.links.push(LinkRef {
                    page: self.page,
                    dest: path.clone(),
                    origin: origin.clone(),
                });
                let target = path.split(['#', '?']).next().unwrap_or("");
                let fragment = path.find('#').map_or("", |i| &path[i..]);
                let from = &self.c.pages[self.page].path;
                match crate::curriculum::links::join_path(from, target) {
                    Some(p) => format!("./{p}{fragment}"),
                    None => format!("{from} -> {path}"),
                }
            }
        };
        let (idx, new_place) = match self.by_url.get(&url_key) {
            Some(&i) => {
                let r = &mut self.c.resources[i];
                let known = (r.section == section && r.topic == topic)
                    || r.places
                        .iter()
                        .any(|p| p.section == section && p.topic == topic);
                if !known && r.places.len() < MAX_PLACES {
                    r.places.push(Place {
                        title: title.to_string(),
                        description: description.to_string(),
                        section,
                        topic,
                        origin,
                    });
                }
                if r.description.is_empty() && !description.is_empty() {
                    r.description = description.to_string();
                }
                (i, !known)
            }
            None => {
                let i = self.c.resources.len();
                self.by_url.insert(url_key, i);
                self.c.resources.push(Resource {
                    key: String::new(),
                    title: title.to_string(),
                    description: description.to_string(),
                    link,
                    section,
                    topic,
                    origin,
                    places: Vec::new(),
                    duplicates: Vec::new(),
                });
                (i, true)
            }
        };
        // A phase is found by its topic, so a place already known is a phase already listed.
        if let Some(p) = phase.filter(|_| new_place) {
            self.c.plan[p].resources.push(idx);
        }
    }

    pub(super) fn record_links(&mut self, head: &Head, line: u32) {
        for (_, dest, _) in &head.links {
            if !self.admit(line) {
                return;
            }
            if let Ok(Link::Relative { path, .. }) = classify_link(dest) {
                let origin = self.origin(line);
                self.links.push(LinkRef {
                    page: self.page,
                    dest: path,
                    origin,
                });
            }
        }
    }
}

pub(super) fn is_resource_label(label: &str) -> bool {
    let l = label.trim().to_lowercase();
    [
        "resources",
        "resource",
        "links",
        "further reading",
        "reading",
        "references",
    ]
    .contains(&l.as_str())
}

/// `https://…` is absolute, `./x.md` or `x.md` is relative; other schemes are refused.
pub fn classify_link(dest: &str) -> Result<Link, String> {
    let lower = dest.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        if dest.len() <= "https://".len() + 1 || dest.contains(char::is_whitespace) {
            return Err(format!("link `{dest}` is not a valid URL"));
        }
        return Ok(Link::Absolute {
            url: dest.to_string(),
        });
    }
    if let Some((scheme, _)) = dest.split_once(':') {
        if !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+')
        {
            return Err(format!(
                "link `{dest}` uses an unsupported scheme `{scheme}:`"
            ));
        }
    }
    if dest.starts_with('#') {
        return Err(format!(
            "link `{dest}` points inside the page, not at a resource"
        ));
    }
    Ok(Link::Relative {
        path: dest.to_string(),
        resolved: None,
    })
}
