//! PURE. `/resource` and `/search` over the whole site: relevant hits, the command's track first,
//! each labelled with its place and track ("also in: …"), and the paging buttons' ids.

use super::cards::{self, quoted};
use super::handle::{error, public, Effect, Outcome};
use super::interaction::Interaction;
use super::message::{escape, Component, Embed, Message, Response, CUSTOM_ID_MAX};
use super::{track_ids, Catalog};
use crate::curriculum::Curriculum;
use crate::search::Kind;

/// Resources shown per page of `/resource`.
pub const PAGE_SIZE: usize = 5;
const MAX_RESULTS: usize = 50;

/// Drops the long tail: hits scoring under about a third of the best one are noise to a member
/// (`production ml systems` should not list every resource that mentions "ML").
pub(super) fn relevant(hits: Vec<crate::search::Hit>) -> Vec<crate::search::Hit> {
    let best = hits.first().map_or(0.0, |h| h.score);
    hits.into_iter()
        .filter(|h| h.score >= best * 0.35)
        .collect()
}

/// `custom_id` of a paging button: `res|<page>|<track>|<query>` (the track the command answered
/// from, `-` for none, see [`track_ids`]), the query cleaned and cut so that the whole id fits
/// Discord's 100 characters. Whoever clicks gets the same pages.
pub fn page_id(c: &Curriculum, t: Option<usize>, page: usize, query: &str) -> String {
    let head = format!("res|{page}|{}|", track_ids::token_or_none(c, t));
    let room = CUSTOM_ID_MAX.saturating_sub(head.chars().count());
    let q: String = super::command::clean(query).chars().take(room).collect();
    format!("{head}{}", q.trim_end())
}

/// `(page, track, query)` of a paging button; the query gets the same cleaning and cap as a
/// typed one (a custom_id comes from the client and can hold anything). The track is `None`
/// when it is gone; an id without a track (older buttons) gives `Some(None)` for it.
pub(super) fn parse_page_id(
    c: &Curriculum,
    id: &str,
) -> Option<(usize, Option<Option<usize>>, String)> {
    let rest = id.strip_prefix("res|")?;
    let (page, rest) = rest.split_once('|')?;
    let page = page.parse().ok()?;
    match rest.split_once('|') {
        Some((tok, query))
            if tok == "-" || tok.starts_with('~') || track_ids::by_token(c, tok).is_some() =>
        {
            let query = super::command::clean_query(query)?;
            Some((page, track_ids::from_token_or_none(c, tok), query))
        }
        _ => Some((page, Some(None), super::command::clean_query(rest)?)),
    }
}

/// Hits in track `t` first, the rest after, each group in score order.
fn track_first(
    cat: &Catalog,
    t: Option<usize>,
    hits: Vec<crate::search::Hit>,
) -> Vec<crate::search::Hit> {
    let Some(t) = t else { return hits };
    let (mut mine, rest): (Vec<_>, Vec<_>) = hits
        .into_iter()
        .partition(|h| cat.index.docs()[h.doc].tracks.contains(&t));
    mine.extend(rest);
    mine
}

pub(super) fn resources(
    cat: &Catalog,
    t: Option<usize>,
    query: &str,
    page: usize,
    update: bool,
) -> Outcome {
    let c = &cat.curriculum;
    // An autocomplete choice submits the resource's key: show exactly that one first.
    let mut hits: Vec<usize> = c
        .resources
        .iter()
        .position(|r| r.key == query)
        .into_iter()
        .collect();
    let found = relevant(cat.index.query(query, Some(&[Kind::Resource]), MAX_RESULTS));
    for h in track_first(cat, t, found) {
        let r = cat.index.docs()[h.doc].target;
        if !hits.contains(&r) {
            hits.push(r);
        }
    }
    if hits.is_empty() {
        // No link fits: a module (or the prerequisites) that does is the answer instead.
        let mut modules = relevant(cat.index.query(query, Some(&[Kind::Module]), PAGE_SIZE));
        let in_track =
            |h: &crate::search::Hit| t.is_some_and(|t| cat.index.docs()[h.doc].tracks.contains(&t));
        if modules.iter().any(in_track) {
            modules.retain(in_track);
        }
        let lines: Vec<String> = modules
            .iter()
            .map(|h| {
                let d = &cat.index.docs()[h.doc];
                match &d.url {
                    Some(u) => format!("• **{}** — <{u}>", escape(&d.title)),
                    None => format!("• **{}**", escape(&d.title)),
                }
            })
            .collect();
        if !lines.is_empty() {
            let m = Message {
                content: Some(format!(
                    "No resource matches {}, but {}:\n{}",
                    quoted(query),
                    if lines.len() == 1 {
                        "this module does"
                    } else {
                        "these modules do"
                    },
                    lines.join("\n")
                )),
                ..Message::default()
            };
            return public(m).into();
        }
        let hint = cat
            .index
            .did_you_mean(query)
            .map(|s| format!(" Did you mean **{}**?", escape(&s)))
            .unwrap_or_default();
        return error(format!("No resource matches {}.{hint}", quoted(query)));
    }
    let pages = hits.len().div_ceil(PAGE_SIZE);
    let page = page.min(pages - 1);
    let embeds: Vec<Embed> = hits
        .iter()
        .skip(page * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|&r| cards::resource_embed(c, r, t))
        .collect();
    let mut m = Message {
        content: Some(format!(
            "Resources for {} — {} match{}{}",
            quoted(query),
            hits.len(),
            if hits.len() == 1 { "" } else { "es" },
            if pages > 1 {
                format!(", page {} of {pages}", page + 1)
            } else {
                String::new()
            }
        )),
        embeds,
        ..Message::default()
    };
    if pages > 1 {
        m.components = vec![Component::row(vec![
            Component::button(
                2,
                "Previous",
                &page_id(c, t, page.saturating_sub(1), query),
                page == 0,
            ),
            Component::button(
                2,
                "Next",
                &page_id(c, t, page + 1, query),
                page + 1 >= pages,
            ),
        ])];
    }
    let m = m.within_limits();
    if update {
        Response::Update(m).into()
    } else {
        Response::Message(m).into()
    }
}

pub(super) fn search(cat: &Catalog, i: &Interaction, t: Option<usize>, topic: &str) -> Outcome {
    let c = &cat.curriculum;
    let hits = track_first(cat, t, relevant(cat.index.query(topic, None, 10)));
    if hits.is_empty() {
        let hint = cat
            .index
            .did_you_mean(topic)
            .map(|s| format!(" Did you mean **{}**?", escape(&s)))
            .unwrap_or_default();
        let mut out = error(format!(
            "Nothing close to {} in the curriculum.{hint}",
            quoted(topic)
        ));
        out.effects.push(Effect::RecordMiss {
            guild: i.guild_id.clone(),
            query: topic.to_lowercase(),
        });
        return out;
    }
    let lines: Vec<String> = hits
        .iter()
        .map(|h| {
            let d = &cat.index.docs()[h.doc];
            // A resource shows its listing in the asked track.
            let name = match d.kind {
                Kind::Resource => c.listing(d.target, t).title,
                _ => d.title.clone(),
            };
            let title = match &d.url {
                Some(u) => format!("[{}]({u})", name.replace(['[', ']'], "")),
                None => format!("**{name}**"),
            };
            let kind = d.kind.as_str().replace('_', " ");
            if d.kind == Kind::Resource {
                return format!("{title} · {kind} · {}", cards::places_text(c, d.target, t));
            }
            let track = match d.track() {
                Some(t) if c.tracks.len() > 1 => format!("{} › ", c.tracks[t].label),
                _ => String::new(),
            };
            format!("{title} · {kind} · *{track}{}*", d.section)
        })
        .collect();
    public(Message::embed(Embed {
        title: Some(format!(
            "Search: {}",
            escape(&super::message::truncate(topic, 200))
        )),
        description: Some(lines.join("\n")),
        color: Some(cards::COLOR),
        ..Embed::default()
    }))
    .into()
}
