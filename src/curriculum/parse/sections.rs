//! The parser's headings and sections: a finished heading becomes a section, a plan phase or a
//! topic; the section and topic that the text below belongs to.

use super::{is_resource_label, PageParser, Role};
use crate::curriculum::lines::{parse_phase_heading, phase_error};
use crate::curriculum::model::*;
use crate::curriculum::Severity;
use pulldown_cmark::HeadingLevel;

impl PageParser<'_> {
    pub(super) fn end_heading(&mut self, level: HeadingLevel) {
        let Some((_, text, line)) = self.heading.take() else {
            return;
        };
        let text = text.trim().to_string();
        if text.is_empty() {
            return;
        }
        match level {
            HeadingLevel::H1 => {
                let page = &mut self.c.pages[self.page];
                if page.title == page.path {
                    page.title = text;
                }
            }
            HeadingLevel::H2 if !self.admit(line) => {}
            HeadingLevel::H2 => {
                self.section = Some(self.c.sections.len());
                self.heading_topic = None;
                let origin = self.origin(line);
                self.c.sections.push(Section {
                    page: self.page,
                    title: text,
                    origin,
                });
            }
            _ if !self.admit(line) => self.heading_topic = None,
            _ => {
                self.heading_topic = None;
                self.heading_topic = Some(self.make_topic(text, line));
            }
        }
    }

    pub(super) fn current_section(&mut self, line: u32) -> usize {
        if let Some(s) = self.section {
            return s;
        }
        let idx = self.c.sections.len();
        let origin = self.origin(line);
        self.c.sections.push(Section {
            page: self.page,
            title: self.c.pages[self.page].title.clone(),
            origin,
        });
        self.section = Some(idx);
        idx
    }

    pub(super) fn make_topic(&mut self, title: String, line: u32) -> usize {
        let section = self.current_section(line);
        let idx = self.c.topics.len();
        let origin = self.origin(line);
        let phase = parse_phase_heading(&title);
        // A phase past twenty years is an error and no phase (its weeks would run forever).
        let phase = phase.filter(|(weeks, _)| match phase_error(*weeks, &title) {
            Some(msg) => {
                self.diag(line, Severity::Error, msg);
                false
            }
            None => true,
        });
        if let Some((weeks, phase_title)) = phase {
            self.c.plan.push(PlanPhase {
                heading: title.clone(),
                title: phase_title,
                weeks,
                tasks: Vec::new(),
                resources: Vec::new(),
                topic: idx,
                origin: origin.clone(),
            });
        }
        self.c.topics.push(Topic {
            section,
            title,
            origin,
        });
        idx
    }

    /// Classifies the innermost open bullet once its own text is complete.
    pub(super) fn finish_head(&mut self) {
        let Some(f) = self.frames.last_mut() else {
            return;
        };
        if f.role.is_some() {
            return;
        }
        let head = std::mem::take(&mut f.head);
        let line = f.line;
        if !self.admit(line) {
            if let Some(f) = self.frames.last_mut() {
                f.role = Some(Role::Plain);
            }
            return;
        }
        let text = head.text.trim().to_string();
        let role = if head.bold_chars > 0 && head.plain_chars == 0 && head.links.is_empty() {
            match text.strip_suffix(':') {
                Some(label) => Role::Label {
                    resources: is_resource_label(label),
                },
                None => Role::Heading {
                    title: text.clone(),
                    topic: None,
                },
            }
        } else {
            Role::Plain
        };
        let plain = matches!(role, Role::Plain);
        if let Some(f) = self.frames.last_mut() {
            f.role = Some(role);
        }
        if plain && !text.is_empty() {
            self.plain_bullet(&head, &text, line);
        } else if !plain {
            // A label or heading under a heading makes that heading a real topic when it is a label.
            if let Some(Role::Label { .. }) = self.frames.last().and_then(|f| f.role.as_ref()) {
                self.context_topic(line);
            }
        }
    }

    /// The topic content at this depth belongs to, materialising the nearest bold heading.
    pub(super) fn context_topic(&mut self, line: u32) -> Option<usize> {
        let n = self.frames.len();
        for i in (0..n.saturating_sub(1)).rev() {
            if let Some(Role::Heading { title, topic }) = &self.frames[i].role {
                if let Some(t) = topic {
                    return Some(*t);
                }
                let title = title.clone();
                let t = self.make_topic(title, self.frames[i].line.min(line));
                if let Some(Role::Heading { topic, .. }) = &mut self.frames[i].role {
                    *topic = Some(t);
                }
                return Some(t);
            }
        }
        self.heading_topic
    }

    pub(super) fn under_resource_label(&self) -> bool {
        let n = self.frames.len();
        self.frames[..n.saturating_sub(1)]
            .iter()
            .rev()
            .find_map(|f| match &f.role {
                Some(Role::Label { resources }) => Some(*resources),
                Some(Role::Heading { .. }) => Some(false),
                _ => None,
            })
            .unwrap_or(false)
    }
}
