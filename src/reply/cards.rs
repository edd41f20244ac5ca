//! Curriculum things as embeds: a resource, a module card, the module list, a pathway, the plan.

use super::message::{escape, Embed, EmbedField, Footer};
use crate::curriculum::{Curriculum, Link};

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

/// Where a resource is listed: its place in track `t` (else its first place; "Track › Module 2
/// › Section › Topic" on a site with several tracks), then "also in: …" its other places.
pub fn places_text(c: &Curriculum, r: usize, t: Option<usize>) -> String {
    let here = c.listing(r, t);
    let first = if c.tracks.len() > 1 {
        let mut s = c.place_label(here.section);
        if let Some(t) = here.topic {
            s.push_str(&format!(" › {}", c.topics[t].title));
        }
        s
    } else {
        c.place(here.section, here.topic)
    };
    let mut also: Vec<String> = Vec::new();
    for p in c.resource_places(r) {
        let label = c.place_label(p.section);
        if label != c.place_label(here.section) && !also.contains(&label) {
            also.push(label);
        }
    }
    let shown = also.len().min(3);
    let more = also.len() - shown;
    let mut out = format!("*{first}*");
    if shown > 0 {
        out.push_str(&format!(" — also in: {}", also[..shown].join("; ")));
        if more > 0 {
            out.push_str(&format!(" (+{more} more)"));
        }
    }
    out
}

/// One resource as listed in track `t`: its title there as a link, its description there, and
/// where it sits.
pub fn resource_embed(c: &Curriculum, i: usize, t: Option<usize>) -> Embed {
    let r = &c.resources[i];
    let here = c.listing(i, t);
    let mut desc = String::new();
    if !here.description.is_empty() {
        desc.push_str(&here.description);
        desc.push('\n');
    }
    if r.link.url().is_none() {
        desc.push_str(&format!("Page: `{}`\n", r.link.display().replace('`', "'")));
    }
    desc.push_str(&places_text(c, i, t));
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
        title: Some(here.title),
        url: r.link.url().map(str::to_owned),
        description: Some(desc),
        footer,
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

/// An action plan (a track's phases), phase by phase.
pub fn plan_embed(c: &Curriculum, phases: &[usize]) -> Embed {
    let title = phases
        .first()
        .map(|&p| c.sections[c.topics[c.plan[p].topic].section].title.clone())
        .unwrap_or_else(|| "Action plan".into());
    Embed {
        title: Some(title),
        fields: phases.iter().map(|&i| phase_field(c, i)).collect(),
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
