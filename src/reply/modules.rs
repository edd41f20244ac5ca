//! PURE. A track's modules, module cards (duration, focus, page, what the module covers, its
//! resources paged with buttons), its pathways and its plan.

use super::cards::{self, quoted};
use super::handle::{error, Outcome};
use super::message::{Component, Embed, EmbedField, Footer, Message, Response};
use super::Catalog;
use crate::curriculum::{Curriculum, Module};
use crate::search::Kind;

/// Resources per page of a module card.
pub const MODULE_PAGE: usize = 5;

/// A module of track `t` by number (`2`), title or `Module 2: …`, with typo tolerance.
pub fn find(cat: &Catalog, t: usize, w: &str) -> Option<usize> {
    let c = &cat.curriculum;
    let track = &c.tracks[t];
    let w = w.trim();
    let number = w
        .parse::<u32>()
        .ok()
        .or_else(|| crate::curriculum::lines::module_number(w));
    if let Some(n) = number {
        return track.module(c, n);
    }
    cat.index
        .query_where(w, Some(&[Kind::Module]), 1, |d| {
            c.modules[d.target].track == t
        })
        .into_iter()
        .next()
        .map(|h| cat.index.docs()[h.doc].target)
}

/// "No module …" with the track's modules.
pub fn unknown(c: &Curriculum, t: usize, w: &str) -> String {
    let track = &c.tracks[t];
    if track.modules.is_empty() {
        return no_modules(c, t);
    }
    let list: Vec<String> = track
        .modules
        .iter()
        .map(|&m| format!("{} ({})", c.modules[m].number, c.modules[m].title))
        .collect();
    format!(
        "No module {} in {}. Modules: {}.",
        quoted(w),
        track.label,
        list.join(", ")
    )
}

fn no_modules(c: &Curriculum, t: usize) -> String {
    let track = &c.tracks[t];
    let link = track
        .url
        .as_deref()
        .map(|u| format!(" See its page: {u}"))
        .unwrap_or_default();
    format!("**{}** has no modules.{link}", track.label)
}

/// `/module` without a module: the track's modules and its total.
pub fn list(c: &Curriculum, t: usize) -> Outcome {
    let track = &c.tracks[t];
    if track.modules.is_empty() {
        return Response::Message(Message::text(no_modules(c, t)).within_limits()).into();
    }
    let lines: Vec<String> = track
        .modules
        .iter()
        .map(|&m| {
            let m = &c.modules[m];
            let title = format!("Module {}: {}", m.number, m.title);
            let head = match page_url(c, m) {
                Some(u) => format!("[{}]({u})", title.replace(['[', ']'], "")),
                None => format!("**{title}**"),
            };
            let focus = if m.focus.is_empty() {
                String::new()
            } else {
                format!(" — {}", m.focus)
            };
            format!("{head} · {}{focus}", weeks_text(m))
        })
        .collect();
    let total = match track.total(c) {
        Some(t) => format!("Total: {t}"),
        None => "Total: not every module gives a duration".to_string(),
    };
    let title = if c.tracks.len() == 1 {
        "Learning path modules".to_string()
    } else {
        format!("{} — modules", track.label)
    };
    Response::Message(
        Message::embed(Embed {
            title: Some(title),
            url: track.url.clone(),
            description: Some(lines.join("\n")),
            footer: Some(Footer { text: total }),
            color: Some(cards::COLOR),
            ..Embed::default()
        })
        .within_limits(),
    )
    .into()
}

/// The URL of a module's own page (the page it owns, else its link).
pub fn page_url<'a>(c: &'a Curriculum, m: &'a Module) -> Option<&'a str> {
    m.page
        .and_then(|p| c.pages[p].url.as_deref())
        .or_else(|| m.link.and_then(|r| c.resources[r].link.url()))
}

/// "8-10 weeks", "ongoing", "1 week".
pub fn weeks_text(m: &Module) -> String {
    match m.weeks {
        Some(w) if w.min == w.max && w.min == 1 => "1 week".to_string(),
        Some(w) => format!("{w} weeks"),
        None if m.open_ended => "ongoing".to_string(),
        None => "duration not given".to_string(),
    }
}

/// A module's resources: those its page lists, in page order; for a module without a page,
/// the resource its line names and resources of its own track (never another's) whose title
/// mentions the module's distinctive words.
pub fn resources(cat: &Catalog, m: &Module) -> Vec<usize> {
    let c = &cat.curriculum;
    if !m.sections.is_empty() {
        let mut res = c.resources_in(&m.sections);
        res.sort_by_key(|&r| {
            c.resource_places(r)
                .into_iter()
                .filter(|p| m.sections.contains(&p.section))
                .map(|p| (p.section, p.origin.line))
                .min()
        });
        return res;
    }
    let mut res: Vec<usize> = m.link.into_iter().collect();
    let words: Vec<String> = m
        .title
        .split(|ch: char| !ch.is_alphanumeric())
        .filter(|w| w.chars().count() >= 5)
        .map(str::to_lowercase)
        .filter(|w| {
            // Words found in many resources ("mlops") tell nothing about this module.
            let n = c
                .resources
                .iter()
                .filter(|r| r.title.to_lowercase().contains(w.as_str()))
                .count();
            n * 5 <= c.resources.len()
        })
        .collect();
    let own = |d: &crate::search::Doc| d.tracks.contains(&m.track);
    for h in cat
        .index
        .query_where(&m.title, Some(&[Kind::Resource]), 10, own)
    {
        let r = cat.index.docs()[h.doc].target;
        let text =
            format!("{} {}", c.resources[r].title, c.resources[r].description).to_lowercase();
        if !res.contains(&r) && res.len() < 4 && words.iter().any(|w| text.contains(w.as_str())) {
            res.push(r);
        }
    }
    res
}

/// Where to read about a module: its page, else its link, else its track's overview.
pub fn read_url<'a>(c: &'a Curriculum, m: &'a Module) -> Option<&'a str> {
    page_url(c, m).or_else(|| {
        let o = c.tracks.get(m.track)?.overview?;
        c.pages[o].url.as_deref()
    })
}

/// The module's line as the overview writes it: `Module 4: Career Growth (ongoing) - focus`.
pub fn overview_line(m: &Module) -> String {
    let focus = if m.focus.is_empty() {
        String::new()
    } else {
        format!(" - {}", m.focus)
    };
    format!(
        "Module {}: {} ({}){focus}",
        m.number,
        m.title,
        weeks_text(m)
    )
}

/// The custom_id of a module card's paging button.
pub fn page_id(c: &Curriculum, m: &Module, page: usize) -> String {
    let t = super::track_ids::token(c, m.track);
    format!("mod|{t}|{}|{page}", m.number)
}

/// `(module, page)` of a paging button, `None` when it no longer fits the curriculum.
pub fn parse_page_id(c: &Curriculum, id: &str) -> Option<(usize, usize)> {
    let mut parts = id.strip_prefix("mod|")?.rsplitn(3, '|');
    let page = parts.next()?.parse().ok()?;
    let number = parts.next()?.parse().ok()?;
    let t = super::track_ids::by_token(c, parts.next()?)?;
    Some((c.tracks[t].module(c, number)?, page))
}

/// A module card, resources page `page`.
pub fn card(cat: &Catalog, m: usize, page: usize) -> Message {
    let c = &cat.curriculum;
    let m = &c.modules[m];
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
    if !m.sections.is_empty() {
        let covers: Vec<String> = m
            .sections
            .iter()
            .map(|&s| format!("• {}", c.sections[s].title))
            .collect();
        fields.push(EmbedField {
            name: "What it covers".into(),
            value: covers.join("\n"),
            inline: false,
        });
    }
    let res = resources(cat, m);
    let pages = res.len().div_ceil(MODULE_PAGE).max(1);
    let page = page.min(pages - 1);
    if !res.is_empty() {
        let list: Vec<String> = res
            .iter()
            .skip(page * MODULE_PAGE)
            .take(MODULE_PAGE)
            .map(|&r| {
                format!(
                    "• {}",
                    cards::link_md(&c.resources[r].title, &c.resources[r].link)
                )
            })
            .collect();
        let name = if pages > 1 {
            format!("Resources ({} of {pages})", page + 1)
        } else {
            "Resources".to_string()
        };
        fields.push(EmbedField {
            name,
            value: list.join("\n"),
            inline: false,
        });
    }
    let url = read_url(c, m).map(str::to_owned);
    let mut description = Vec::new();
    if c.tracks.len() > 1 {
        description.push(format!("Track: **{}**", c.tracks[m.track].label));
    }
    // With a URL the title links the module's page.
    match (page_url(c, m), &m.page_path) {
        (Some(_), _) => {}
        (None, Some(p)) => description.push(format!("Module page: `{}`", p.replace('`', "'"))),
        (None, None) => description.push(format!(
            "No page of its own yet; the overview says:\n> {}",
            overview_line(m)
        )),
    }
    let mut msg = Message::embed(Embed {
        title: Some(format!("Module {}: {}", m.number, m.title)),
        url,
        description: (!description.is_empty()).then(|| description.join("\n")),
        fields,
        color: Some(cards::COLOR),
        ..Embed::default()
    });
    if pages > 1 {
        msg.components = vec![Component::row(vec![
            Component::button(
                2,
                "Previous",
                &page_id(c, m, page.saturating_sub(1)),
                page == 0,
            ),
            Component::button(2, "Next", &page_id(c, m, page + 1), page + 1 >= pages),
        ])];
    }
    msg.within_limits()
}

/// A pathway of track `t` by background, exact first, then fuzzy within the track.
pub fn find_pathway(cat: &Catalog, t: usize, b: &str) -> Option<usize> {
    let c = &cat.curriculum;
    let ps = &c.tracks[t].pathways;
    if let Some(&p) = ps
        .iter()
        .find(|&&p| c.pathways[p].background.eq_ignore_ascii_case(b))
    {
        return Some(p);
    }
    cat.index
        .query_where(b, Some(&[Kind::Pathway]), 1, |d| ps.contains(&d.target))
        .into_iter()
        .next()
        .map(|h| cat.index.docs()[h.doc].target)
}

/// `/path`: the pathway and only its track's modules.
pub fn path(cat: &Catalog, t: usize, background: &str) -> Outcome {
    let c = &cat.curriculum;
    let track = &c.tracks[t];
    let Some(p) = find_pathway(cat, t, background) else {
        if track.pathways.is_empty() {
            return error(format!("{} lists no pathways.", track.label));
        }
        let names: Vec<&str> = track
            .pathways
            .iter()
            .map(|&p| c.pathways[p].background.as_str())
            .collect();
        return error(format!(
            "No pathway called {} in {}. Choose one of: {}.",
            quoted(background),
            track.label,
            names.join(", ")
        ));
    };
    let p = &c.pathways[p];
    let modules: Vec<String> = track
        .modules
        .iter()
        .map(|&m| {
            let m = &c.modules[m];
            let title = match read_url(c, m) {
                Some(u) => format!("[{}]({u})", m.title.replace(['[', ']'], "")),
                None => m.title.clone(),
            };
            format!("{}. {title} ({})", m.number, weeks_text(m))
        })
        .collect();
    let title = if c.tracks.len() == 1 {
        format!("Pathway for {}", p.background)
    } else {
        format!("{}: pathway for {}", track.label, p.background)
    };
    let embed = Embed {
        title: Some(title),
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
        color: Some(cards::COLOR),
        ..Embed::default()
    };
    Response::Message(Message::embed(embed).within_limits()).into()
}

/// `/plan`: the track's action plan, phase by phase.
pub fn plan(c: &Curriculum, t: usize) -> Outcome {
    let track = &c.tracks[t];
    if track.plan.is_empty() {
        let link = track
            .url
            .as_deref()
            .map(|u| format!(" See its page: {u}"))
            .unwrap_or_default();
        return error(format!("{} has no action plan.{link}", track.label));
    }
    let mut e = cards::plan_embed(c, &track.plan);
    if c.tracks.len() > 1 {
        e.title = e.title.map(|t| format!("{} — {t}", track.label));
    }
    Response::Message(Message::embed(e).within_limits()).into()
}

#[cfg(test)]
mod tests;
