//! Reconciliation: before a delivery whose outcome is unknown is sent again (its claim was taken
//! over, resumed after a crash, or released after a 5xx, a timeout or a lost answer), one read of
//! its channel from the claim time on looks for the message carrying its identity: a reminder
//! button `custom_id` naming its subscription and slot, on a message the bot itself wrote. A
//! person can't put components on a message, and another app's message has another author.
//!
//! Discord returns the components of the app's own messages even without the Message Content
//! intent. In a guild channel the read needs Read Message History: without it Discord answers an
//! empty list and no error, so nothing is found and the reminder is sent again, with the same
//! nonce (Discord's dedupe still covers a retry within its few minutes).

use crate::app::App;
use crate::ports::RestError;
use crate::reminders::content::is_button_of;
use crate::reminders::plan::reconcile_after;
use crate::store::Delivery;

/// Messages read per reconciliation: one page, Discord's maximum.
pub const READ_LIMIT: u8 = 100;

/// What the channel says about a delivery.
#[derive(Debug)]
pub enum Check {
    /// A first attempt: nothing to look for.
    First,
    /// The message is there: mark it sent with this id, send nothing.
    Found(String),
    /// Not there: send it again (same nonce).
    Absent,
    /// The read failed: the outcome stays unknown; try again later.
    Failed(RestError),
}

/// Looks for `d`'s message in `channel` when `d`'s outcome is unknown: at most one read.
pub async fn check(app: &App, channel: &str, d: &Delivery) -> Check {
    let Some(since) = d.unknown_since else {
        return Check::First;
    };
    let me = match app.discord.own_user_id().await {
        Ok(me) => me,
        Err(e) => return Check::Failed(e),
    };
    let read = app
        .discord
        .messages_after(channel, reconcile_after(since), READ_LIMIT)
        .await;
    let messages = match read {
        Ok(m) => m,
        // The target is gone or closed: the send will find that out and pause it.
        Err(e) if e.is_target_gone() => return Check::Absent,
        Err(e) => return Check::Failed(e),
    };
    let (id, due) = (d.key.subscription_id, d.key.due_at);
    let found = messages
        .iter()
        .find(|m| m.author_id == me && m.custom_ids.iter().any(|c| is_button_of(c, due)));
    match found {
        Some(m) => Check::Found(m.id.clone()),
        None => {
            if messages.len() >= usize::from(READ_LIMIT) {
                tracing::warn!(
                    subscription = id,
                    due_at = due,
                    channel,
                    "reconciliation read a full page without finding the reminder; sending again"
                );
            }
            Check::Absent
        }
    }
}
