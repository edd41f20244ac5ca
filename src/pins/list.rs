//! `/pin list`: the living pins of this server (moderators), each with whether it is current,
//! paged within Discord's 2,000 characters (`pin|list|N` buttons) instead of cut mid-line.

use super::current_card;
use crate::reply::interaction::perms;
use crate::reply::message::Component;
use crate::reply::{self, Catalog, Interaction, Message, Outcome, Response};
use crate::store::{Pin, Store};

/// At most this many pins on a page.
const PER_PAGE: usize = 10;
/// The characters a page's lines may take (the content limit is 2,000).
const PAGE_CHARS: usize = 1_700;

/// `/pin list`: the first page.
pub async fn list(store: &dyn Store, catalog: &Catalog, i: &Interaction) -> Outcome {
    match page(store, catalog, i, 0).await {
        Ok(m) => Response::Message(m).into(),
        Err(e) => e,
    }
}

/// A `pin|list|N` button: page `N`, in place.
pub async fn button(store: &dyn Store, catalog: &Catalog, i: &Interaction, id: &str) -> Outcome {
    let n = id
        .strip_prefix("pin|list|")
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    match page(store, catalog, i, n).await {
        Ok(m) => Response::Update(m).into(),
        Err(e) => e,
    }
}

async fn page(
    store: &dyn Store,
    catalog: &Catalog,
    i: &Interaction,
    n: usize,
) -> Result<Message, Outcome> {
    let Some(guild) = i.guild_id.as_deref().and_then(|g| g.parse::<i64>().ok()) else {
        return Err(reply::handle::error(
            "Living pins are per server: run `/pin list` in one.",
        ));
    };
    if !i.member_can(perms::MANAGE_MESSAGES) {
        return Err(reply::handle::error(
            "Only moderators with **Manage Messages** can list pins.",
        ));
    }
    let pins = store
        .list_pins(guild)
        .await
        .map_err(|e| reply::handle::error(format!("I couldn't read the pins: {e}")))?;
    if pins.is_empty() {
        let none = "No living pins here yet: `/pin module` posts a card that stays up to date.";
        return Ok(Message::text(none).ephemeral());
    }
    let lines: Vec<String> = pins.iter().map(|p| line(catalog, p)).collect();
    Ok(paged(&lines, n))
}

/// One pin: its module, track, link and state.
fn line(catalog: &Catalog, p: &Pin) -> String {
    let state = match current_card(catalog, p) {
        Some(card) if card.hash() == p.hash => "✅ current",
        Some(card) if card.shown_by(&p.hash) => {
            "✅ current, without its roadmap picture (I need **Attach Files** there; it gets the \
             picture at its next edit)"
        }
        Some(_) => "🔄 outdated: updated after the next reload",
        None => {
            "⚠️ its module or track is missing: the card says so, and comes back when it returns"
        }
    };
    let track = reply::message::truncate(&p.track.replace('`', "'"), 60);
    format!(
        "• Module {} (`{track}`) — https://discord.com/channels/{}/{}/{} — {state}",
        p.module, p.guild_id, p.channel_id, p.message_id
    )
}

/// Page `n` (clamped) of the lines: whole lines only, with Previous/Next buttons.
fn paged(lines: &[String], n: usize) -> Message {
    let mut pages: Vec<std::ops::Range<usize>> = Vec::new();
    let (mut start, mut chars) = (0, 0);
    for (k, l) in lines.iter().enumerate() {
        let len = l.chars().count() + 1;
        if k > start && (k - start >= PER_PAGE || chars + len > PAGE_CHARS) {
            pages.push(start..k);
            (start, chars) = (k, 0);
        }
        chars += len;
    }
    pages.push(start..lines.len());
    let n = n.min(pages.len() - 1);
    let mut text = format!("**Living pins** ({})", lines.len());
    if pages.len() > 1 {
        text.push_str(&format!(" — page {} of {}", n + 1, pages.len()));
    }
    for l in &lines[pages[n].clone()] {
        text.push('\n');
        text.push_str(l);
    }
    let mut m = Message::text(text).ephemeral();
    if pages.len() > 1 {
        let id = |k: usize| format!("pin|list|{k}");
        m.components = vec![Component::row(vec![
            Component::button(2, "Previous", &id(n.saturating_sub(1)), n == 0),
            Component::button(2, "Next", &id(n + 1), n + 1 >= pages.len()),
        ])];
    }
    m.within_limits()
}

#[cfg(test)]
mod tests {
    use super::paged;

    /// Regression: 40 pins were cut mid-line at 2,000 characters; now every pin is on a page.
    #[test]
    fn forty_long_lines_are_paged_whole() {
        let lines: Vec<String> = (0..40)
            .map(|n| format!("• Module {n} {}", "x".repeat(180)))
            .collect();
        let first = paged(&lines, 0);
        let text = first.content.clone().unwrap();
        assert!(text.contains(" — page 1 of "), "{text}");
        let pages: usize = text
            .split(" of ")
            .nth(1)
            .and_then(|r| r.split(')').next())
            .and_then(|n| n.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .expect("a page count");
        let mut seen = Vec::new();
        for p in 0..pages + 1 {
            let m = paged(&lines, p);
            let text = m.content.clone().unwrap();
            assert!(text.chars().count() <= 2_000);
            assert_eq!(m.components.len(), 1, "paging buttons");
            for l in text.lines().skip(1) {
                assert!(lines.contains(&l.to_string()), "a whole line: {l}");
                if !seen.contains(&l.to_string()) {
                    seen.push(l.to_string());
                }
            }
        }
        assert_eq!(seen, lines, "every pin once, in order");
        assert!(
            paged(&lines[..3], 0).components.is_empty(),
            "one page: no buttons"
        );
    }
}
