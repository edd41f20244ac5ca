//! `/pin list`: the living pins of this server (moderators), each with whether it is current.

use super::current_card;
use crate::reply::interaction::perms;
use crate::reply::{self, Catalog, Interaction, Message, Outcome, Response};
use crate::store::Store;

/// At most this many pins are listed (the reply stays within Discord's limits).
const SHOWN: usize = 25;

pub async fn list(store: &dyn Store, catalog: &Catalog, i: &Interaction) -> Outcome {
    let Some(guild) = i.guild_id.as_deref().and_then(|g| g.parse::<i64>().ok()) else {
        return reply::handle::error("Living pins are per server: run `/pin list` in one.");
    };
    if !i.member_can(perms::MANAGE_MESSAGES) {
        return reply::handle::error("Only moderators with **Manage Messages** can list pins.");
    }
    let pins = match store.list_pins(guild).await {
        Ok(p) => p,
        Err(e) => return reply::handle::error(format!("I couldn't read the pins: {e}")),
    };
    if pins.is_empty() {
        let none = "No living pins here yet: `/pin module` posts a card that stays up to date.";
        return Response::Message(Message::text(none).ephemeral()).into();
    }
    let mut lines = vec![format!("**Living pins** ({})", pins.len())];
    for p in pins.iter().take(SHOWN) {
        let state = match current_card(catalog, p) {
            Some(card) if card.hash() == p.hash => "✅ current".to_string(),
            Some(card) if card.shown_by(&p.hash) => {
                "✅ current, without its roadmap picture (I need **Attach Files** there; it gets \
                 the picture at its next edit)"
                    .to_string()
            }
            Some(_) => "🔄 outdated: updated after the next reload".to_string(),
            None => "⚠️ its module or track is missing: the card says so, and comes back when it \
                     returns"
                .to_string(),
        };
        lines.push(format!(
            "• Module {} (`{}`) — https://discord.com/channels/{}/{}/{} — {state}",
            p.module, p.track, p.guild_id, p.channel_id, p.message_id
        ));
    }
    if pins.len() > SHOWN {
        lines.push(format!("…and {} more.", pins.len() - SHOWN));
    }
    let text = Message::text(lines.join("\n")).ephemeral().within_limits();
    Response::Message(text).into()
}
