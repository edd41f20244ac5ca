//! Reconciliation: before a delivery whose outcome is unknown is sent again (its claim was taken
//! over, resumed after a crash, or released after a 5xx, a timeout or a lost answer), its channel
//! is read forward from a minute before the attempt, page by page (each read paced like every
//! request), looking for the message carrying its identity: a reminder button `custom_id` naming
//! its slot, on a message the bot itself wrote. A person can't put components on a message, and
//! another app's message has another author.
//!
//! "Not there" is concluded only from a read that reached the end of the channel or went past
//! the attempt window; a read cut short by its page bound decides nothing. Discord returns the
//! components of the app's own messages even without the Message Content intent. In a guild
//! channel the read needs View Channel and Read Message History: without the latter Discord
//! answers an empty list and no error, so the bot computes its own permissions there first and
//! never takes such an empty list for "not sent".

use crate::app::App;
use crate::ports::{permission, RestError};
use crate::reminders::content::is_button_of;
use crate::reminders::plan::{reconcile_after, snowflake_secs, RECONCILE_SKEW_SECS};
use crate::store::Delivery;

/// Messages per read: Discord's maximum.
pub const READ_LIMIT: u8 = 100;
/// Reads per reconciliation at most: a channel with more messages since the attempt is left
/// undecided (retried later), never taken for "not sent".
pub const MAX_PAGES: usize = 10;

/// What the channel says about a delivery.
#[derive(Debug)]
pub enum Check {
    /// A first attempt: nothing to look for.
    First,
    /// The message is there: mark it sent with this id, send nothing.
    Found(String),
    /// Read to the end of the channel (or past the attempt window) and not there: send it again
    /// (same nonce).
    Absent,
    /// The read failed: the outcome stays unknown; try again later.
    Failed(RestError),
    /// `MAX_PAGES` full pages without reaching past the attempt window: the outcome stays
    /// unknown.
    Undecided,
    /// The bot can't read this channel's history (no View Channel or Read Message History):
    /// whether it was sent can't be known.
    Unreadable,
}

/// Where a delivery goes, as reconciliation needs it.
pub struct Place<'a> {
    pub channel: &'a str,
    /// The guild of a study group's channel; `None` for a DM.
    pub guild: Option<i64>,
    /// The read may stop at a message newer than this (unix seconds): past the attempt window.
    pub until: i64,
}

/// Looks for `d`'s message in its channel when `d`'s outcome is unknown.
pub async fn check(app: &App, at: &Place<'_>, d: &Delivery) -> Check {
    let Some(since) = d.unknown_since else {
        return Check::First;
    };
    if let Some(guild) = at.guild {
        match app
            .discord
            .own_permissions(&guild.to_string(), at.channel)
            .await
        {
            Ok(Some(have)) if !permission::can_read_history(have) => return Check::Unreadable,
            Ok(_) => {}
            // The target is gone or closed: the send will find that out and pause it.
            Err(e) if e.is_target_gone() => return Check::Absent,
            Err(e) => return Check::Failed(e),
        }
    }
    let me = match app.discord.own_user_id().await {
        Ok(me) => me,
        Err(e) => return Check::Failed(e),
    };
    let due = d.key.due_at;
    let mut after = reconcile_after(since);
    for _ in 0..MAX_PAGES {
        let page = match app
            .discord
            .messages_after(at.channel, after, READ_LIMIT)
            .await
        {
            Ok(m) => m,
            Err(e) if e.is_target_gone() => return Check::Absent,
            Err(e) => return Check::Failed(e),
        };
        let found = page
            .iter()
            .find(|m| m.author_id == me && m.custom_ids.iter().any(|c| is_button_of(c, due)));
        if let Some(m) = found {
            return Check::Found(m.id.clone());
        }
        if page.len() < usize::from(READ_LIMIT) {
            return Check::Absent;
        }
        let newest = page.iter().filter_map(|m| m.id.parse::<u64>().ok()).max();
        match newest {
            Some(id) if id > after => after = id,
            // A full page that doesn't move forward: nothing more can be learnt.
            _ => break,
        }
        if snowflake_secs(after) > at.until + RECONCILE_SKEW_SECS {
            return Check::Absent;
        }
    }
    tracing::warn!(
        subscription = d.key.subscription_id,
        due_at = due,
        channel = at.channel,
        pages = MAX_PAGES,
        "reconciliation read its page bound without reaching past the attempt; not resending"
    );
    Check::Undecided
}
