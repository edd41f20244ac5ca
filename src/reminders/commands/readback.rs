//! What a study group's channel must let the bot do for exactly-once reminders: see it, post in
//! it and read its history back (reconciliation after an unknown outcome). `/remind subscribe
//! channel:` refuses a channel missing any of them, naming what is missing; `/remind status`
//! tells moderators about a reminder held because the channel can't be read back.

use super::RemindCtx;
use crate::ports::permission::{can_read_history, missing_for_reminders};
use crate::reminders::schedule::{discord_timestamp, TimestampStyle};
use crate::store::{DeliveryKey, DeliveryStatus, StoreError, Subscription, Target};

/// Why the bot can't serve reminders in `channel` of `guild`, if it can't.
pub(super) async fn refusal(ctx: &RemindCtx<'_>, guild: i64, channel: i64) -> Option<String> {
    let have = ctx
        .discord
        .own_permissions(&guild.to_string(), &channel.to_string())
        .await;
    let missing = match have {
        Ok(Some(bits)) => missing_for_reminders(bits),
        Ok(None) => return None,
        // Discord hides a channel the bot can't see.
        Err(e) if e.is_target_gone() => vec!["View Channel"],
        Err(e) => {
            tracing::warn!(error = %e, channel, "could not read my permissions; not checked");
            return None;
        }
    };
    if missing.is_empty() {
        return None;
    }
    Some(format!(
        "I can't keep study-group reminders in <#{channel}>: I lack **{}** there. Grant me \
         that in the channel's permissions, then subscribe again.",
        missing.join("**, **")
    ))
}

/// A line for moderators when `s`'s current reminder is held: its outcome is unknown and the bot
/// can't read the channel back (past the nonce memory, delivery holds it rather than resend).
pub(super) async fn held(
    ctx: &RemindCtx<'_>,
    s: &Subscription,
) -> Result<Option<String>, StoreError> {
    let (Target::Channel { channel_id, .. }, Some(guild)) = (&s.target, s.guild_id) else {
        return Ok(None);
    };
    let key = DeliveryKey {
        subscription_id: s.id,
        due_at: s.next_due_at,
    };
    let Some(d) = ctx.store.delivery(key).await? else {
        return Ok(None);
    };
    // Past the nonce memory it is held; before, it is resent once under its nonce.
    let unknown = d.status == DeliveryStatus::Claimed && d.unknown_since.is_some();
    if !unknown {
        return Ok(None);
    }
    let have = ctx
        .discord
        .own_permissions(&guild.to_string(), &channel_id.to_string())
        .await;
    match have {
        Ok(Some(bits)) if !can_read_history(bits) => Ok(Some(format!(
            "⚠ The reminder due {} may or may not have been posted in <#{channel_id}>: I can't \
             read the channel's history to check (I lack **{}**). It is held, not posted again, \
             until I can: grant me that there.",
            discord_timestamp(super::ts(d.key.due_at), TimestampStyle::LongDateTime),
            missing_for_reminders(bits).join("**, **")
        ))),
        _ => Ok(None),
    }
}
