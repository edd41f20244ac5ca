//! Curriculum things as embeds: a resource, a module card, the module list, a pathway, the plan.

use super::message::{escape, Embed, EmbedField, Footer};
use crate::curriculum::{Curriculum, Link, Module, Resource};

pub const COLOR: u32 = 0x4f8a8b;

/// Markdown for a link: `[title](url)`, or the title and the relative path as plain text.
pub fn link_md(title: &str, link: &Link) -> String {
    match link.url() {
        Some(url) => format!("[{}]({url})", escape_link_text(title)),
        None => format!(
            "{} (`{}`)",
            escape_link_text(title),
            link.display().replace('`', "'")
        ),
    }
}

fn escape_link_text(s: &str) -> String {
    s.replace(['[', ']'], "")
}

/// One resource: its title as a link, description, and where it sits (section › topic).
pub fn resource_embed(c: &Curriculum, r: &Resource) -> Embed {
    let mut desc = String::new();
    if !r.description.is_empty() {
        desc.push_str(&r.description);
        desc.push('\n');
    }
    if r.link.url().is_none() {
        desc.push_str(&format!("Page: `{}`\n", r.link.display().replace('`', "'")));
    }
    desc.push_str(&format!("*{}*", c.place(r.section, r.topic)));
    let footer = (!r.duplicates.is_empty()).then(|| {
        let others: Vec<String> = r
            .duplicates
            .iter()
            .map(|&j| {
                let o = &c.resources[j];
                format!("{} ({})", o.title, c.sections[o.section].title)
            })
            .collect();
        Footer {
            text: format!("Also listed: {}", others.join("; ")),
        }
    });
    Embed {
        title: Some(r.title.clone()),
        url: r.link.url().map(str::to_owned),
        description: Some(desc),
        footer,
        color: Some(COLOR),
        ..Embed::default()
    }
}

fn weeks_text(m: &Module) -> String {
    match m.weeks {
        Some(w) if w.min == w.max && w.min == 1 => "1 week".to_string(),
        Some(w) => format!("{w} weeks"),
        None => "duration not given".to_string(),
    }
}

/// A module card: number, title, duration, focus, its resources and its link.
pub fn module_card(c: &Curriculum, m: &Module, resources: &[usize]) -> Embed {
    let mut fields = vec![EmbedField {
        name: "Duration".into(),
        value: weeks_text(m),
        inline: true,
    }];
    if !m.focus.is_empty() {
        fields.push(EmbedField {
            name: "Focus".into(),
            value: m.focus.clone(),
            inline: true,
        });
    }
    if !resources.is_empty() {
        let list: Vec<String> = resources
            .iter()
            .map(|&r| format!("• {}", link_md(&c.resources[r].title, &c.resources[r].link)))
            .collect();
        fields.push(EmbedField {
            name: "Resources".into(),
            value: list.join("\n"),
            inline: false,
        });
    }
    let link = m.link.map(|r| &c.resources[r].link);
    let description = match link {
        Some(l) if l.url().is_none() => Some(format!("Module page: `{}`", l.display())),
        Some(_) => None,
        None => Some("This module has no page of its own yet.".to_string()),
    };
    Embed {
        title: Some(format!("Module {}: {}", m.number, m.title)),
        url: link.and_then(|l| l.url().map(str::to_owned)),
        description,
        fields,
        color: Some(COLOR),
        ..Embed::default()
    }
}

/// All modules with the total duration.
pub fn modules_overview(c: &Curriculum) -> Embed {
    let lines: Vec<String> = c
        .modules
        .iter()
        .map(|m| {
            let title = format!("Module {}: {}", m.number, m.title);
            let head = match m.link.map(|r| &c.resources[r].link) {
                Some(l) if l.url().is_some() => link_md(&title, l),
                _ => format!("**{title}**"),
            };
            let focus = if m.focus.is_empty() {
                String::new()
            } else {
                format!(" — {}", m.focus)
            };
            format!("{head} · {}{focus}", weeks_text(m))
        })
        .collect();
    let total = match c.total_weeks() {
        Some(t) => format!("Total: {t} weeks"),
        None => "Total: not every module gives a duration".to_string(),
    };
    Embed {
        title: Some("Learning path modules".into()),
        description: Some(lines.join("\n")),
        footer: Some(Footer { text: total }),
        color: Some(COLOR),
        ..Embed::default()
    }
}

/// A pathway: duration, emphasis, and the modules in order.
pub fn path_card(c: &Curriculum, p: usize) -> Embed {
    let p = &c.pathways[p];
    let modules: Vec<String> = c
        .modules
        .iter()
        .map(|m| format!("{}. {} ({})", m.number, m.title, weeks_text(m)))
        .collect();
    Embed {
        title: Some(format!("Pathway for {}", p.background)),
        description: Some(format!("**{} months**, {}", p.months, p.emphasis)),
        fields: vec![EmbedField {
            name: "Modules, in order".into(),
            value: if modules.is_empty() {
                "No modules listed".into()
            } else {
                modules.join("\n")
            },
            inline: false,
        }],
        color: Some(COLOR),
        ..Embed::default()
    }
}

/// One plan phase as a field: its tasks, then its resources.
pub fn phase_field(c: &Curriculum, i: usize) -> EmbedField {
    let ph = &c.plan[i];
    let mut lines: Vec<String> = ph.tasks.iter().map(|t| format!("• {t}")).collect();
    for &r in &ph.resources {
        lines.push(format!(
            "↳ {}",
            link_md(&c.resources[r].title, &c.resources[r].link)
        ));
    }
    EmbedField {
        name: ph.heading.clone(),
        value: if lines.is_empty() {
            "—".into()
        } else {
            lines.join("\n")
        },
        inline: false,
    }
}

/// The action plan, phase by phase.
pub fn plan_embed(c: &Curriculum) -> Embed {
    let title = c
        .plan
        .first()
        .map(|p| c.sections[c.topics[p.topic].section].title.clone())
        .unwrap_or_else(|| "Action plan".into());
    Embed {
        title: Some(title),
        fields: (0..c.plan.len()).map(|i| phase_field(c, i)).collect(),
        color: Some(COLOR),
        ..Embed::default()
    }
}

/// Escaped member input, quoted for echoing.
pub fn quoted(s: &str) -> String {
    format!("“{}”", escape(s))
}

/// The moderators' report of searches that found nothing.
pub fn misses_report(rows: &[(String, u64)]) -> super::message::Message {
    let description = if rows.is_empty() {
        "Every search found something. Nothing to report.".to_string()
    } else {
        rows.iter()
            .map(|(q, n)| format!("• {} — {n}×", quoted(q)))
            .collect::<Vec<_>>()
            .join("\n")
    };
    super::message::Message::embed(Embed {
        title: Some("Searches that found nothing".into()),
        description: Some(description),
        color: Some(COLOR),
        ..Embed::default()
    })
    .within_limits()
}
