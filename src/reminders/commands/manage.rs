//! The `/remind` subcommands that act on an existing subscription (status, pause, resume,
//! unsubscribe, skip, week, preview) and the buttons on each reminder.

use super::access::{self, NOT_YOURS};
use super::{error, next_three, ok, slot_of, ts, RemindCtx, MAX_WEEK};
use crate::reminders::content::{reminder, Audience};
use crate::reminders::schedule::{self, discord_timestamp, TimestampStyle};
use crate::reply::cards::quoted;
use crate::reply::command::integer;
use crate::reply::handle::Outcome;
use crate::reply::interaction::{option, perms, CommandOption, Interaction};
use crate::reply::message::Response;
use crate::store::{StoreError, Subscription, Target};
use jiff::Timestamp;

/// The subscription a subcommand acts on: with `channel:`, that channel's study-group one (see
/// [`access`] for who may); otherwise the member's own DM one.
async fn target_subscription(
    ctx: &RemindCtx<'_>,
    i: &Interaction,
    o: &[CommandOption],
) -> Result<Result<Subscription, Outcome>, StoreError> {
    match access::snowflake(o, "channel") {
        Err(e) => Ok(Err(error(e.to_string()))),
        Ok(Some(c)) => Ok(access::group(ctx.store, i, c)
            .await?
            .ok_or_else(|| error(NOT_YOURS))),
        Ok(None) => Ok(access::own_dm(ctx.store, i).await?.ok_or_else(|| {
            error("You have no reminder subscription. Start one with `/remind subscribe`.")
        })),
    }
}

fn describe(s: &Subscription, now: Timestamp) -> String {
    let slot = slot_of(s)
        .map(|x| x.to_string())
        .unwrap_or_else(|| "an unreadable slot".into());
    let state = match &s.paused_reason {
        None => format!(
            "active; next {}",
            discord_timestamp(
                ts(s.next_due_at.max(now.as_second())),
                TimestampStyle::LongDateTime
            )
        ),
        Some(r) => format!("**paused** ({r})"),
    };
    let target = match s.target {
        Target::Dm => "by DM".to_string(),
        Target::Channel {
            channel_id,
            role_id,
        } => format!(
            "in <#{channel_id}>{}",
            role_id.map(|r| format!(" for <@&{r}>")).unwrap_or_default()
        ),
    };
    let track = s
        .track
        .as_deref()
        .map(|t| format!(" on track **{t}**"))
        .unwrap_or_default();
    format!(
        "Every **{slot}** {target}{track}, plan week {}: {state}.",
        s.week
    )
}

const UNREADABLE: &str = "That subscription's schedule is unreadable; subscribe again.";

pub(super) async fn manage(
    ctx: &RemindCtx<'_>,
    i: &Interaction,
    sub: &str,
    o: &[CommandOption],
    now: Timestamp,
) -> Result<Outcome, StoreError> {
    let moderator = i.member_can(perms::MANAGE_CHANNELS) && option(o, "channel").is_none();
    let s = match target_subscription(ctx, i, o).await? {
        Ok(s) if sub == "status" && moderator => {
            return status_for_moderators(ctx, i, Some(&s), now).await
        }
        Ok(s) => s,
        Err(_) if sub == "status" && moderator => {
            return status_for_moderators(ctx, i, None, now).await
        }
        Err(reply) => return Ok(reply),
    };
    let t = now.as_second();
    let done = match sub {
        "status" => describe(&s, now),
        "pause" => {
            ctx.store.pause(s.id, "paused by the member", t).await?;
            "Paused. `/remind resume` starts them again.".to_string()
        }
        "resume" => {
            let Some(slot) = slot_of(&s) else {
                return Ok(error(UNREADABLE));
            };
            ctx.store
                .resume(s.id, schedule::next_after(&slot, now).as_second(), t)
                .await?;
            ctx.wake_delivery();
            format!("Resumed. Next reminders: {}", next_three(&slot, now))
        }
        "unsubscribe" => return unsubscribe(ctx, &s, t).await,
        "skip" => {
            let Some(slot) = slot_of(&s) else {
                return Ok(error(UNREADABLE));
            };
            // The pending reminder (the next one, or the current week's when it is overdue).
            let next = schedule::next_after(&slot, ts(s.next_due_at.max(t)));
            ctx.store.skip(s.id, next.as_second(), t).await?;
            ctx.wake_delivery();
            format!(
                "Skipped one week. Next reminder: {}",
                discord_timestamp(next, TimestampStyle::LongDateTime)
            )
        }
        "week" => {
            let Ok(Some(week)) = integer(o, "number", 1, MAX_WEEK) else {
                return Ok(error(format!(
                    "`number` must be a week from 1 to {MAX_WEEK}. Nothing was changed."
                )));
            };
            ctx.store.set_week(s.id, week as u32, t).await?;
            format!("You're now at plan week {week}.")
        }
        "preview" => return Ok(preview(ctx, &s)),
        other => {
            return Ok(error(format!(
                "There is no `/remind` subcommand {}.",
                quoted(other)
            )))
        }
    };
    Ok(ok(done))
}

/// This week's reminder now, ephemeral: no buttons and no mentions.
fn preview(ctx: &RemindCtx<'_>, s: &Subscription) -> Outcome {
    let audience = match s.target {
        Target::Dm => Audience::Learner,
        Target::Channel { role_id, .. } => Audience::Group { role: role_id },
    };
    let r = reminder(
        &ctx.catalog.curriculum,
        s.track.as_deref(),
        s.week,
        s.pathway.as_deref(),
        s.next_due_at,
        false,
        audience,
    );
    let mut m = r.message;
    m.components.clear();
    m.allowed_mentions = Default::default();
    Response::Message(m.ephemeral()).into()
}

/// Moderators' status: their own subscription, this channel's study group, and every paused
/// study group of the server.
async fn status_for_moderators(
    ctx: &RemindCtx<'_>,
    i: &Interaction,
    own: Option<&Subscription>,
    now: Timestamp,
) -> Result<Outcome, StoreError> {
    let mut lines = Vec::new();
    if let Some(s) = own {
        lines.push(format!("Yours: {}", describe(s, now)));
    }
    let here = match i.channel_id.as_deref().and_then(access::parse_snowflake) {
        Some(c) => access::group(ctx.store, i, c).await?,
        None => None,
    };
    if let Some(g) = &here {
        lines.push(format!("This channel: {}", describe(g, now)));
        lines.extend(super::readback::held(ctx, g).await?);
    }
    if let Some(guild) = i.guild_id.as_deref().and_then(|g| g.parse::<i64>().ok()) {
        for s in ctx.store.paused_groups(guild).await? {
            if here.as_ref().map(|h| h.id) != Some(s.id) {
                lines.push(format!("⏸ {}", describe(&s, now)));
            }
        }
    }
    if lines.is_empty() {
        lines.push("No subscription here, and no paused study-group reminders.".into());
    }
    Ok(ok(lines.join("\n")))
}

/// "Done this week", "Pause" and "Unsubscribe" on a reminder: for whoever may manage the
/// subscription the click resolves to (see [`access`]); everyone else gets [`NOT_YOURS`].
pub(super) async fn button(
    ctx: &RemindCtx<'_>,
    i: &Interaction,
    custom_id: &str,
    now: Timestamp,
) -> Result<Outcome, StoreError> {
    const EXPIRED: &str = "That button has expired.";
    let Some((action, target)) = access::parse_button(custom_id) else {
        return Ok(error(EXPIRED));
    };
    if !["done", "pause", "unsub"].contains(&action) {
        return Ok(error(EXPIRED));
    }
    let Some(s) = access::button_subscription(ctx.store, i, target).await? else {
        return Ok(error(NOT_YOURS));
    };
    let t = now.as_second();
    let text = match action {
        "done" => format!(
            "Nice work on week {}! See you next week.",
            s.week.saturating_sub(1).max(1)
        ),
        "pause" => {
            ctx.store.pause(s.id, "paused from a reminder", t).await?;
            "Paused. `/remind resume` starts them again.".into()
        }
        _ => return unsubscribe(ctx, &s, t).await,
    };
    Ok(ok(text))
}

/// Unsubscribes (counted for `/report`) and, for a learner, offers to forget their check-ins.
async fn unsubscribe(
    ctx: &RemindCtx<'_>,
    s: &Subscription,
    now: i64,
) -> Result<Outcome, StoreError> {
    // Counted first: the deliveries go with the subscription and tell the week it stopped at.
    if let Err(e) = ctx.store.record_unsubscribe(s, now).await {
        tracing::warn!(error = %e, "could not count an unsubscribe");
    }
    ctx.store.unsubscribe(s.id).await?;
    Ok(crate::progress::commands::unsubscribed(s))
}
