//! Who may manage which subscription, decided in one place for every path (the `/remind`
//! subcommands, their `channel:` variants and the buttons on a reminder):
//!
//! - a DM subscription is managed only by its own user;
//! - a study group's subscription only from its own server (the interaction's guild equals the
//!   guild stored with the subscription), by a member with **Manage Channels** on its channel.
//!
//! "Not yours" and "doesn't exist" get the same reply, [`NOT_YOURS`], so nobody can probe which
//! subscriptions exist. Buttons carry no subscription id: the subscription follows from where the
//! click happens (the clicker's DM subscription, or the group subscription of the channel).

use crate::reply::interaction::{option, perms, CommandOption, Interaction};
use crate::store::{Store, StoreError, Subscription, Target};

/// The one refusal for a subscription that isn't the invoker's to manage or doesn't exist.
pub const NOT_YOURS: &str = "There's no reminder here that you can manage. (A study group's \
     reminder is managed in its server, with **Manage Channels** on its channel.)";

/// A Discord id option that isn't a snowflake.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` must be a {0} of this server, picked from the list (not a typed number or name).")]
pub struct BadId(pub &'static str);

/// A snowflake option (`channel`, `role`): a positive decimal id. `Ok(None)` when absent.
pub fn snowflake(opts: &[CommandOption], name: &'static str) -> Result<Option<i64>, BadId> {
    let Some(o) = option(opts, name) else {
        return Ok(None);
    };
    let text = match &o.value {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => return Err(BadId(name)),
    };
    parse_snowflake(&text).map(Some).ok_or(BadId(name))
}

/// A positive decimal id (digits only, no sign) that fits the store's 63 bits.
pub fn parse_snowflake(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 20 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok().filter(|&n| n > 0)
}

pub fn user_of(i: &Interaction) -> Option<i64> {
    i.user_id().and_then(parse_snowflake)
}

fn guild_of(i: &Interaction) -> Option<i64> {
    i.guild_id.as_deref().and_then(parse_snowflake)
}

/// The invoker's permissions on `channel`: Discord's computed permissions from the resolved
/// channel, or the member's permissions when `channel` is the one the interaction happens in.
/// `None` for any other channel (nothing tells us the invoker's rights there).
fn channel_permissions(i: &Interaction, channel: i64) -> Option<u64> {
    let resolved = i
        .data
        .as_ref()
        .and_then(|d| d.resolved.as_ref())
        .and_then(|r| {
            r["channels"][channel.to_string()]["permissions"]
                .as_str()
                .map(str::to_owned)
        })
        .and_then(|p| p.parse::<u64>().ok());
    let here = i.channel_id.as_deref().and_then(parse_snowflake) == Some(channel);
    resolved.or_else(|| here.then(|| i.member_permissions()))
}

/// Whether the invoker, in a server, has Manage Channels (or Administrator) on `channel`.
pub fn can_manage_channel(i: &Interaction, channel: i64) -> bool {
    guild_of(i).is_some()
        && channel_permissions(i, channel)
            .is_some_and(|p| p & (perms::MANAGE_CHANNELS | perms::ADMINISTRATOR) != 0)
}

/// Whether the invoker may manage `s` from this interaction.
pub fn may_manage(i: &Interaction, s: &Subscription) -> bool {
    match s.target {
        Target::Dm => user_of(i).is_some_and(|u| u == s.owner_user_id),
        Target::Channel { channel_id, .. } => {
            guild_of(i).is_some_and(|g| s.guild_id == Some(g)) && can_manage_channel(i, channel_id)
        }
    }
}

/// `s` when the invoker may manage it; `None` for "not yours" and "doesn't exist" alike.
pub fn owned(i: &Interaction, s: Option<Subscription>) -> Option<Subscription> {
    s.filter(|s| may_manage(i, s))
}

/// The group subscription of `channel`, if the invoker may manage it from here.
pub async fn group(
    store: &dyn Store,
    i: &Interaction,
    channel: i64,
) -> Result<Option<Subscription>, StoreError> {
    if !can_manage_channel(i, channel) {
        // Don't even look: the answer must not depend on whether one exists.
        return Ok(None);
    }
    Ok(owned(i, store.get_group(channel).await?))
}

/// The invoker's own DM subscription.
pub async fn own_dm(
    store: &dyn Store,
    i: &Interaction,
) -> Result<Option<Subscription>, StoreError> {
    match user_of(i) {
        Some(u) => Ok(owned(i, store.get_dm(u).await?)),
        None => Ok(None),
    }
}

/// Which subscription a reminder button names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ButtonTarget {
    /// The clicker's own DM subscription (`rem|<action>|dm`).
    Dm,
    /// The group subscription of the channel clicked in (`rem|<action>|group`).
    Group,
    /// A button posted before ids left custom_ids (`rem|<action>|<id>`): honoured only when the
    /// subscription found from where the click happens has this id.
    Legacy(i64),
}

/// `(action, target)` of a reminder button (built by `content::button_id`), `None` when it isn't one.
pub fn parse_button(custom_id: &str) -> Option<(&str, ButtonTarget)> {
    // `rem|<action>|<dm|group>|<slot>`; the slot only identifies the delivery (reconciliation).
    let mut parts = custom_id.split('|');
    let (Some("rem"), Some(action), Some(which)) = (parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let slot = parts.next();
    if parts.next().is_some() || slot.is_some_and(|s| s.parse::<i64>().is_err()) {
        return None;
    }
    let target = match which {
        "dm" => ButtonTarget::Dm,
        "group" => ButtonTarget::Group,
        id if slot.is_none() => ButtonTarget::Legacy(parse_snowflake(id)?),
        _ => return None,
    };
    Some((action, target))
}

/// The subscription a button click may act on, or `None` (one refusal for every reason).
pub async fn button_subscription(
    store: &dyn Store,
    i: &Interaction,
    target: ButtonTarget,
) -> Result<Option<Subscription>, StoreError> {
    let here = i.channel_id.as_deref().and_then(parse_snowflake);
    let in_guild = guild_of(i).is_some();
    let group_here = || async {
        match here {
            Some(c) => group(store, i, c).await,
            None => Ok(None),
        }
    };
    Ok(match target {
        ButtonTarget::Dm => own_dm(store, i).await?,
        ButtonTarget::Group => group_here().await?,
        ButtonTarget::Legacy(id) => {
            let found = if in_guild {
                group_here().await?
            } else {
                own_dm(store, i).await?
            };
            found.filter(|s| s.id == id)
        }
    })
}
