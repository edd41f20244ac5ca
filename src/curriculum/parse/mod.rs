//! pulldown-cmark events -> the curriculum model, with `file:line` diagnostics. Never panics.
//!
//! Structure is read from the Markdown tree, not from line patterns: `##` headings are sections,
//! a bullet whose whole text is bold is a topic (or just a group label when it only holds other
//! bold bullets), a bold label ending in `:` (such as `**Resources:**`) introduces the list below
//! it, and a bullet that starts with a link is a resource.

use super::frontmatter;
use super::model::*;

mod bullets;
mod sections;
use super::{Diagnostic, Severity};
pub use bullets::classify_link;
use bullets::is_resource_label;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// One page's text as read by the caller.
#[derive(Debug, Clone)]
pub struct SourcePage {
    pub path: String,
    pub text: String,
}

/// A link found anywhere in the curriculum, kept so `check` can find missing pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    pub page: usize,
    pub dest: String,
    pub origin: Origin,
}

/// Links kept from one bullet or paragraph (the first is what matters; the rest are checked).
const MAX_LINKS_PER_LINE: usize = 64;

/// Inline content of a bullet before any nested list.
#[derive(Default)]
struct Head {
    text: String,
    bold_chars: usize,
    plain_chars: usize,
    /// (text, destination, offset in `text` where the link starts).
    links: Vec<(String, String, usize)>,
}

enum Role {
    /// A bold heading; `topic` is set once it proves to hold content (or is a leaf).
    Heading {
        title: String,
        topic: Option<usize>,
    },
    /// A bold label ending in `:`; `resources` when it is a resource list.
    Label {
        resources: bool,
    },
    Plain,
}

struct Frame {
    line: u32,
    head: Head,
    role: Option<Role>,
    has_children: bool,
}

/// The most entries (sections, topics, items, resources, links, diagnostics) one page may add:
/// a hostile page of a million links costs bounded memory and is reported once.
pub const MAX_ENTRIES_PER_PAGE: usize = 250_000;

pub(crate) struct PageParser<'a> {
    pub(crate) c: &'a mut Curriculum,
    pub(crate) diags: &'a mut Vec<Diagnostic>,
    pub(crate) links: &'a mut Vec<LinkRef>,
    /// Resources by URL (or by target path for relative links): one resource, many places.
    by_url: &'a mut std::collections::HashMap<String, usize>,
    /// Entries this page added so far; see [`MAX_ENTRIES_PER_PAGE`].
    entries: usize,
    page: usize,
    path: String,
    line_starts: Vec<usize>,
    section: Option<usize>,
    heading_topic: Option<usize>,
    frames: Vec<Frame>,
    /// Link being read: (destination, text so far, offset in the head text).
    link: Option<(String, String, usize)>,
    strong: usize,
    heading: Option<(HeadingLevel, String, u32)>,
    para: Option<(Head, u32)>,
    in_code: bool,
}

impl<'a> PageParser<'a> {
    pub(crate) fn new(
        c: &'a mut Curriculum,
        diags: &'a mut Vec<Diagnostic>,
        links: &'a mut Vec<LinkRef>,
        by_url: &'a mut std::collections::HashMap<String, usize>,
        page: usize,
        origin_prefix: &str,
    ) -> Self {
        let path = format!("{origin_prefix}{}", c.pages[page].path);
        PageParser {
            c,
            diags,
            links,
            by_url,
            entries: 0,
            page,
            path,
            line_starts: Vec::new(),
            section: None,
            heading_topic: None,
            frames: Vec::new(),
            link: None,
            strong: 0,
            heading: None,
            para: None,
            in_code: false,
        }
    }

    pub(crate) fn run(mut self, text: &str) {
        self.line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let (fm, problems) = frontmatter::read(text);
        for (line, msg) in problems {
            self.diag(line, Severity::Warning, msg);
        }
        if let Some(t) = fm.title {
            self.c.pages[self.page].title = t;
        }
        let opts = Options::ENABLE_YAML_STYLE_METADATA_BLOCKS | Options::ENABLE_TABLES;
        let mut in_meta = false;
        for (event, range) in Parser::new_ext(text, opts).into_offset_iter() {
            let line = self.line_of(range.start);
            match event {
                Event::Start(Tag::MetadataBlock(_)) => in_meta = true,
                Event::End(TagEnd::MetadataBlock(_)) => in_meta = false,
                _ if in_meta => {}
                Event::Start(tag) => self.start(tag, line),
                Event::End(tag) => self.end(tag),
                Event::Text(t) | Event::Code(t) => self.text(&t),
                Event::SoftBreak | Event::HardBreak => self.text(" "),
                _ => {}
            }
        }
    }

    fn line_of(&self, offset: usize) -> u32 {
        let idx = self.line_starts.partition_point(|&s| s <= offset);
        idx.max(1) as u32
    }

    fn origin(&self, line: u32) -> Origin {
        Origin {
            file: self.path.clone(),
            line,
        }
    }

    /// Counts one more entry; `false` (after reporting it once) when the page has too many.
    pub(crate) fn admit(&mut self, line: u32) -> bool {
        self.entries += 1;
        if self.entries == MAX_ENTRIES_PER_PAGE + 1 {
            let origin = self.origin(line);
            self.diags.push(Diagnostic {
                origin,
                severity: Severity::Error,
                message: format!(
                    "page holds more than {MAX_ENTRIES_PER_PAGE} entries (sections, bullets, links); the rest of it is not read"
                ),
            });
        }
        self.entries <= MAX_ENTRIES_PER_PAGE
    }

    fn diag(&mut self, line: u32, severity: Severity, message: String) {
        if !self.admit(line) {
            return;
        }
        let origin = self.origin(line);
        self.diags.push(Diagnostic {
            origin,
            severity,
            message,
        });
    }

    /// Where inline text currently goes: a heading, the open bullet's head, or a paragraph.
    fn head_mut(&mut self) -> Option<&mut Head> {
        if self.in_code || self.heading.is_some() {
            return None;
        }
        if let Some(f) = self.frames.last_mut() {
            if f.role.is_none() {
                return Some(&mut f.head);
            }
        }
        self.para.as_mut().map(|p| &mut p.0)
    }

    fn text(&mut self, t: &str) {
        if let Some(h) = self.heading.as_mut() {
            h.1.push_str(t);
            return;
        }
        let bold = self.strong > 0;
        let in_link = self.link.is_some();
        if let Some(head) = self.head_mut() {
            head.text.push_str(t);
            let n = t.chars().filter(|c| !c.is_whitespace()).count();
            if bold {
                head.bold_chars += n;
            } else {
                head.plain_chars += n;
            }
        }
        if in_link {
            if let Some(l) = self.link.as_mut() {
                l.1.push_str(t);
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>, line: u32) {
        match tag {
            Tag::Heading { level, .. } => self.heading = Some((level, String::new(), line)),
            Tag::CodeBlock(_) => self.in_code = true,
            Tag::Strong => self.strong += 1,
            Tag::Paragraph if self.frames.is_empty() => self.para = Some((Head::default(), line)),
            Tag::Link { dest_url, .. } => {
                let at = self.head_mut().map_or(0, |h| h.text.len());
                self.link = Some((dest_url.to_string(), String::new(), at));
            }
            Tag::List(_) => {
                if let Some(f) = self.frames.last_mut() {
                    f.has_children = true;
                }
                self.finish_head();
            }
            Tag::Item => {
                if let Some(parent) = self.frames.last_mut() {
                    parent.has_children = true;
                }
                self.frames.push(Frame {
                    line,
                    head: Head::default(),
                    role: None,
                    has_children: false,
                });
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(level) => self.end_heading(level),
            TagEnd::CodeBlock => self.in_code = false,
            TagEnd::Strong => self.strong = self.strong.saturating_sub(1),
            TagEnd::Link => {
                if let Some((dest, text, at)) = self.link.take() {
                    if let Some(h) = self.head_mut() {
                        if h.links.len() < MAX_LINKS_PER_LINE {
                            h.links.push((text, dest, at));
                        }
                    }
                }
            }
            TagEnd::Paragraph if self.frames.is_empty() => {
                if let Some((p, line)) = self.para.take() {
                    self.record_links(&p, line);
                }
            }
            TagEnd::Item => {
                self.finish_head();
                if let Some(f) = self.frames.pop() {
                    if let Some(Role::Heading { title, topic: None }) = &f.role {
                        if !f.has_children {
                            let title = title.clone();
                            self.make_topic(title, f.line);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}
