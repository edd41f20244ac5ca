//! The `/remind` subcommands that act on an existing subscription: status, pause, resume,
//! unsubscribe, skip, week and preview (a member's DM one, or a channel's group one).

use super::{can_manage_channel, id_option, next_three, ok, slot_of, ts, MAX_WEEK};
use crate::app::App;
use crate::reminders::content::{reminder, Audience};
use crate::reminders::schedule::{self, discord_timestamp, TimestampStyle};
use crate::reply::command::integer;
use crate::reply::handle::{error, Outcome};
use crate::reply::interaction::{perms, CommandOption, Interaction};
use crate::reply::message::Response;
use crate::store::{Subscription, Target};
use jiff::Timestamp;

/// The subscription a subcommand acts on: the channel's group one, or the member's DM one.
async fn target_subscription(
    app: &App,
    i: &Interaction,
    o: &[CommandOption],
) -> Result<Result<Subscription, Outcome>, crate::store::StoreError> {
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
    let Some(user) = i.user_id().and_then(|u| u.parse::<i64>().ok()) else {
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
        Target::Channel { channel_id, .. } => format!("in <#{channel_id}>"),
    };
    format!("Every **{slot}** {target}, plan week {}: {state}.", s.week)
}

pub(super) async fn manage(
    app: &App,
    i: &Interaction,
    sub: &str,
    o: &[CommandOption],
    now: Timestamp,
) -> Result<Outcome, crate::store::StoreError> {
    let s = match target_subscription(app, i, o).await? {
        Ok(s) => s,
        Err(reply) if sub == "status" && i.member_can(perms::MANAGE_CHANNELS) => {
            let _ = reply;
            return status_for_moderators(app, i, None, now).await;
        }
        Err(reply) => return Ok(reply),
    };
    let t = now.as_second();
    let done = match sub {
        "status" => {
            if i.member_can(perms::MANAGE_CHANNELS) {
                return status_for_moderators(app, i, Some(&s), now).await;
            }
            return Ok(ok(describe(&s, now)));
        }
        "pause" => app
            .store
            .pause(s.id, "paused by the member", t)
            .await
            .map(|_| "Paused. `/remind resume` starts them again.".to_string())?,
        "resume" => {
            let Some(slot) = slot_of(&s) else {
                return Ok(error(
                    "That subscription's schedule is unreadable; subscribe again.",
                ));
            };
            app.store
                .resume(s.id, schedule::next_after(&slot, now).as_second(), t)
                .await?;
            app.wake_delivery();
            format!("Resumed. Next reminders: {}", next_three(&slot, now))
        }
        "unsubscribe" => app
            .store
            .unsubscribe(s.id)
            .await
            .map(|_| "Unsubscribed. No more reminders.".to_string())?,
        "skip" => {
            let Some(slot) = slot_of(&s) else {
                return Ok(error(
                    "That subscription's schedule is unreadable; subscribe again.",
                ));
            };
            let next = schedule::next_after(&slot, ts(s.next_due_at));
            app.store.skip(s.id, next.as_second(), t).await?;
            format!(
                "Skipped one week. Next reminder: {}",
                discord_timestamp(next, TimestampStyle::LongDateTime)
            )
        }
        "week" => {
            let week = match integer(o, "number", 1, MAX_WEEK) {
                Ok(Some(w)) => w as u32,
                _ => {
                    return Ok(error(format!(
                        "`number` must be a week from 1 to {MAX_WEEK}. Nothing was changed."
                    )))
                }
            };
            app.store.set_week(s.id, week, t).await?;
            format!("You're now at plan week {week}.")
        }
        "preview" => {
            let cat = app.catalog();
            let audience = match s.target {
                Target::Dm => Audience::Learner,
                Target::Channel { role_id, .. } => Audience::Group { role: role_id },
            };
            let r = reminder(
                &cat.curriculum,
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
            return Ok(Response::Message(m.ephemeral()).into());
        }
        other => return Ok(error(format!("There is no `/remind {other}`."))),
    };
    Ok(ok(done))
}

async fn status_for_moderators(
    app: &App,
    i: &Interaction,
    own: Option<&Subscription>,
    now: Timestamp,
) -> Result<Outcome, crate::store::StoreError> {
    let mut lines = Vec::new();
    if let Some(s) = own {
        lines.push(describe(s, now));
    }
    if let Some(g) = i.guild_id.as_deref().and_then(|g| g.parse::<i64>().ok()) {
        for s in app.store.paused_groups(g).await? {
            lines.push(format!("⏸ {}", describe(&s, now)));
        }
    }
    if lines.is_empty() {
        lines.push("No subscription here, and no paused study-group reminders.".into());
    }
    Ok(ok(lines.join("\n")))
}
