//! The `/remind` subcommands that act on an existing subscription (status, pause, resume,
//! unsubscribe, skip, week, preview) and the buttons on each reminder.

use super::{can_manage_channel, error, id_option, next_three, ok, slot_of, ts, user_of, MAX_WEEK};
use crate::app::App;
use crate::reminders::content::{reminder, Audience};
use crate::reminders::schedule::{self, discord_timestamp, TimestampStyle};
use crate::reply::command::integer;
use crate::reply::handle::Outcome;
use crate::reply::interaction::{perms, CommandOption, Interaction};
use crate::reply::message::Response;
use crate::store::{StoreError, Subscription, Target};
use jiff::Timestamp;

/// The subscription a subcommand acts on: the channel's group one (for members with Manage
/// Channels there), or the member's DM one.
async fn target_subscription(
    app: &App,
    i: &Interaction,
    o: &[CommandOption],
) -> Result<Result<Subscription, Outcome>, StoreError> {
    if let Some(c) = id_option(o, "channel") {
        if !can_manage_channel(i, c) {
            return Ok(Err(error(
                "Managing a study group's reminders needs **Manage Channels** on its channel.",
            )));
        }
        return Ok(app
            .store
            .get_group(c)
            .await?
            .ok_or_else(|| error("That channel has no study-group reminder.")));
    }
    let Some(user) = user_of(i) else {
        return Ok(Err(error("I can't tell who you are.")));
    };
    Ok(app.store.get_dm(user).await?.ok_or_else(|| {
        error("You have no reminder subscription. Start one with `/remind subscribe`.")
    }))
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
    format!("Every **{slot}** {target}, plan week {}: {state}.", s.week)
}

const UNREADABLE: &str = "That subscription's schedule is unreadable; subscribe again.";

pub(super) async fn manage(
    app: &App,
    i: &Interaction,
    sub: &str,
    o: &[CommandOption],
    now: Timestamp,
) -> Result<Outcome, StoreError> {
    let moderator = i.member_can(perms::MANAGE_CHANNELS);
    let s = match target_subscription(app, i, o).await? {
        Ok(s) if sub == "status" && moderator && id_option(o, "channel").is_none() => {
            return status_for_moderators(app, i, Some(&s), now).await
        }
        Ok(s) => s,
        Err(_) if sub == "status" && moderator && id_option(o, "channel").is_none() => {
            return status_for_moderators(app, i, None, now).await
        }
        Err(reply) => return Ok(reply),
    };
    let t = now.as_second();
    let done = match sub {
        "status" => describe(&s, now),
        "pause" => {
            app.store.pause(s.id, "paused by the member", t).await?;
            "Paused. `/remind resume` starts them again.".to_string()
        }
        "resume" => {
            let Some(slot) = slot_of(&s) else {
                return Ok(error(UNREADABLE));
            };
            app.store
                .resume(s.id, schedule::next_after(&slot, now).as_second(), t)
                .await?;
            app.wake_delivery();
            format!("Resumed. Next reminders: {}", next_three(&slot, now))
        }
        "unsubscribe" => {
            app.store.unsubscribe(s.id).await?;
            "Unsubscribed. No more reminders.".to_string()
        }
        "skip" => {
            let Some(slot) = slot_of(&s) else {
                return Ok(error(UNREADABLE));
            };
            // The pending reminder (the next one, or the current week's when it is overdue).
            let next = schedule::next_after(&slot, ts(s.next_due_at.max(t)));
            app.store.skip(s.id, next.as_second(), t).await?;
            app.wake_delivery();
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
            app.store.set_week(s.id, week as u32, t).await?;
            format!("You're now at plan week {week}.")
        }
        "preview" => return Ok(preview(app, &s)),
        other => return Ok(error(format!("There is no `/remind {other}`."))),
    };
    Ok(ok(done))
}

/// This week's reminder now, ephemeral: no buttons and no mentions.
fn preview(app: &App, s: &Subscription) -> Outcome {
    let audience = match s.target {
        Target::Dm => Audience::Learner,
        Target::Channel { role_id, .. } => Audience::Group { role: role_id },
    };
    let r = reminder(
        &app.catalog().curriculum,
        s.id,
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
    app: &App,
    i: &Interaction,
    own: Option<&Subscription>,
    now: Timestamp,
) -> Result<Outcome, StoreError> {
    let mut lines = Vec::new();
    if let Some(s) = own {
        lines.push(format!("Yours: {}", describe(s, now)));
    }
    let here = match i.channel_id.as_deref().and_then(|c| c.parse::<i64>().ok()) {
        Some(c) => app.store.get_group(c).await?,
        None => None,
    };
    if let Some(g) = &here {
        lines.push(format!("This channel: {}", describe(g, now)));
    }
    if let Some(guild) = i.guild_id.as_deref().and_then(|g| g.parse::<i64>().ok()) {
        for s in app.store.paused_groups(guild).await? {
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

/// "Done this week", "Pause" and "Unsubscribe" on a reminder: for its subscriber (or, on a
/// study group's reminder, a member with Manage Channels there); anyone else is told so.
pub(super) async fn button(
    app: &App,
    i: &Interaction,
    custom_id: &str,
    now: Timestamp,
) -> Result<Outcome, StoreError> {
    // `rem|<action>|<subscription>[|<slot>]`: the slot only identifies the delivery.
    let mut parts = custom_id.split('|');
    let (Some("rem"), Some(action), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
        return Ok(error("That button has expired."));
    };
    let Ok(id) = id.parse::<i64>() else {
        return Ok(error("That button has expired."));
    };
    let Some(s) = app.store.get(id).await? else {
        return Ok(error("That reminder subscription no longer exists."));
    };
    let allowed = user_of(i) == Some(s.owner_user_id)
        || matches!(s.target, Target::Channel { channel_id, .. } if can_manage_channel(i, channel_id));
    if !allowed {
        return Ok(error(
            "These buttons are for the reminder's subscriber. Get your own with `/remind subscribe`.",
        ));
    }
    let t = now.as_second();
    let text = match action {
        "done" => format!(
            "Nice work on week {}! See you next week.",
            s.week.saturating_sub(1).max(1)
        ),
        "pause" => {
            app.store.pause(id, "paused from a reminder", t).await?;
            "Paused. `/remind resume` starts them again.".into()
        }
        "unsub" => {
            app.store.unsubscribe(id).await?;
            "Unsubscribed. No more reminders.".into()
        }
        _ => return Ok(error("That button has expired.")),
    };
    Ok(ok(text))
}
