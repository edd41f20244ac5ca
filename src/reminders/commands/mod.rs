//! `/remind …`, the reminder buttons and `/remind` autocomplete: validated options in, the store
//! changed (or nothing stored on any error), an ephemeral reply out. `now` is a parameter, so
//! replies (the next three times) are deterministic in tests.

mod manage;
#[cfg(test)]
mod tests;

use super::schedule::{self, discord_timestamp, TimestampStyle, WeeklySlot};
use crate::app::App;
use crate::reply::command::{integer, text, Command};
use crate::reply::handle::{error, Outcome};
use crate::reply::interaction::{option, perms, CommandOption, Interaction};
use crate::reply::message::{Choice, Message, Response};
use crate::store::{NewSubscription, Schedule, StoreError, Subscription, Target};
use jiff::Timestamp;

/// The largest plan week accepted (ten years).
pub const MAX_WEEK: i64 = 520;

pub(crate) use crate::reminders::delivery::plan::ts;

fn ok(text: impl Into<String>) -> Outcome {
    Response::Message(Message::text(text).ephemeral().within_limits()).into()
}

fn id_option(opts: &[CommandOption], name: &str) -> Option<i64> {
    option(opts, name)?.value.as_ref().and_then(|v| match v {
        serde_json::Value::String(s) => s.parse().ok(),
        serde_json::Value::Number(n) => n.as_i64(),
        _ => None,
    })
}

fn user_of(i: &Interaction) -> Option<i64> {
    i.user_id().and_then(|u| u.parse().ok())
}

/// The slot a stored subscription fires at.
pub fn slot_of(s: &Subscription) -> Option<WeeklySlot> {
    use jiff::civil::Weekday::*;
    let day = *[
        Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday,
    ]
    .get(s.schedule.weekday as usize)?;
    WeeklySlot::new(
        day,
        s.schedule.hour as i8,
        s.schedule.minute as i8,
        &s.schedule.tz,
    )
    .ok()
}

fn next_three(slot: &WeeklySlot, now: Timestamp) -> String {
    schedule::upcoming(slot, now, 3)
        .into_iter()
        .map(|t| discord_timestamp(t, TimestampStyle::LongDateTime))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether the invoker may manage the group subscription of a channel: Manage Channels there
/// (from the resolved channel's permissions, which Discord computes for the invoking member) or,
/// when Discord sent none, the member's permissions where the interaction happened.
fn can_manage_channel(i: &Interaction, channel: i64) -> bool {
    let in_channel = i
        .data
        .as_ref()
        .and_then(|d| d.resolved.as_ref())
        .and_then(|r| {
            r["channels"][channel.to_string()]["permissions"]
                .as_str()
                .map(str::to_owned)
        })
        .and_then(|p| p.parse::<u64>().ok());
    match in_channel {
        Some(p) => p & (perms::MANAGE_CHANNELS | perms::ADMINISTRATOR) != 0,
        None => i.member_can(perms::MANAGE_CHANNELS),
    }
}

/// Handles `/remind` commands, `rem|` buttons and `/remind` autocomplete at `now`.
pub async fn handle(app: &App, i: &Interaction, cmd: &Command, now: Timestamp) -> Outcome {
    let result = match cmd {
        Command::Complete { option, typed, .. } => return complete(app, option, typed),
        Command::Button { custom_id } => manage::button(app, i, custom_id, now).await,
        Command::Remind { sub, options } if sub == "subscribe" => {
            subscribe(app, i, options, now).await
        }
        Command::Remind { sub, options } => manage::manage(app, i, sub, options, now).await,
        _ => return error("That isn't a reminder command."),
    };
    result.unwrap_or_else(|e| error(format!("That didn't work: {e}. Nothing was changed.")))
}

fn complete(app: &App, option: &str, typed: &str) -> Outcome {
    let choices = match option {
        "timezone" => schedule::tz_autocomplete(typed, 25)
            .into_iter()
            .map(|z| Choice::new(&z, &z))
            .collect(),
        "pathway" => app
            .catalog()
            .curriculum
            .pathways
            .iter()
            .filter(|p| p.background.to_lowercase().contains(&typed.to_lowercase()))
            .take(25)
            .map(|p| Choice::new(&p.background, &p.background))
            .collect(),
        _ => Vec::new(),
    };
    Response::Autocomplete { choices }.into()
}

/// The validated options of `/remind subscribe`, or what is wrong with them.
fn parse_subscribe(
    app: &App,
    o: &[CommandOption],
) -> Result<(WeeklySlot, u32, Option<String>), String> {
    let opt = |name| text(o, name, false).map_err(|e| e.to_string());
    let slot = WeeklySlot::parse(
        opt("day")?.as_deref(),
        opt("time")?.as_deref(),
        opt("timezone")?.as_deref(),
    )
    .map_err(|e| e.to_string())?;
    let week = integer(o, "start_week", 1, MAX_WEEK)
        .map_err(|_| format!("`start_week` must be a week number from 1 to {MAX_WEEK}"))?
        .unwrap_or(1) as u32;
    let Some(p) = opt("pathway")? else {
        return Ok((slot, week, None));
    };
    let cat = app.catalog();
    let pathways = &cat.curriculum.pathways;
    match pathways
        .iter()
        .find(|x| x.background.eq_ignore_ascii_case(&p))
    {
        Some(x) => Ok((slot, week, Some(x.background.clone()))),
        None => Err(format!(
            "there is no pathway `{p}`; choose one of: {}",
            pathways
                .iter()
                .map(|x| x.background.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Where the reminders go, or the reason the invoker can't have that.
fn target_of(i: &Interaction, o: &[CommandOption]) -> Result<Target, &'static str> {
    let guild = i.guild_id.as_deref().and_then(|g| g.parse::<i64>().ok());
    let role = id_option(o, "role");
    let Some(channel) = id_option(o, "channel") else {
        return match role {
            Some(_) => Err("A role goes with a study-group `channel`."),
            None => Ok(Target::Dm),
        };
    };
    if guild.is_none() || !can_manage_channel(i, channel) {
        return Err("Study-group reminders need **Manage Channels** on that channel.");
    }
    if role.is_some() && role == guild {
        return Err("Pick the study group's role, not @everyone.");
    }
    Ok(Target::Channel {
        channel_id: channel,
        role_id: role,
    })
}

async fn subscribe(
    app: &App,
    i: &Interaction,
    o: &[CommandOption],
    now: Timestamp,
) -> Result<Outcome, StoreError> {
    let (slot, week, pathway) = match parse_subscribe(app, o) {
        Ok(x) => x,
        Err(msg) => {
            let stop = if msg.ends_with(['.', '?', '!']) {
                ""
            } else {
                "."
            };
            return Ok(error(format!("{msg}{stop} Nothing was saved.")));
        }
    };
    let Some(user) = user_of(i) else {
        return Ok(error("I can't tell who you are."));
    };
    let target = match target_of(i, o) {
        Ok(t) => t,
        Err(msg) => return Ok(error(format!("{msg} Nothing was saved."))),
    };
    let next = schedule::next_after(&slot, now);
    let new = NewSubscription {
        guild_id: i.guild_id.as_deref().and_then(|g| g.parse().ok()),
        owner_user_id: user,
        target: target.clone(),
        schedule: Schedule {
            weekday: slot.weekday().to_monday_zero_offset() as u8,
            hour: slot.hour() as u8,
            minute: slot.minute() as u8,
            tz: slot.tz_name().to_string(),
        },
        pathway: pathway.clone(),
        // The track is wired in with the /track work (issue 8); `None` keeps a replaced one.
        track: None,
        week,
        next_due_at: next.as_second(),
    };
    let existing = match target {
        Target::Dm => app.store.get_dm(user).await?,
        Target::Channel { channel_id, .. } => app.store.get_group(channel_id).await?,
    };
    if target == Target::Dm {
        if let Err(reply) = welcome(app, user, &slot, next).await? {
            return Ok(reply);
        }
    }
    app.store.subscribe(&new, now.as_second()).await?;
    app.wake_delivery();
    let whom = match target {
        Target::Dm => "you by DM".to_string(),
        Target::Channel {
            channel_id,
            role_id,
        } => format!(
            "<#{channel_id}>{}",
            role_id
                .map(|r| format!(", mentioning <@&{r}>,"))
                .unwrap_or_default()
        ),
    };
    let replaced = match existing {
        Some(_) if target == Target::Dm => "\nThis replaces your previous subscription.",
        Some(_) => "\nThis replaces the channel's previous study-group reminder.",
        None => "",
    };
    Ok(ok(format!(
        "Subscribed: I'll remind {whom} every **{slot}**, starting at plan week {week}{}.\n\
         Next reminders: {}{replaced}",
        pathway
            .map(|p| format!(" on the {p} pathway"))
            .unwrap_or_default(),
        next_three(&slot, now)
    )))
}

/// The welcome DM; `Err` is the reply when it could not be sent (nothing is stored then).
async fn welcome(
    app: &App,
    user: i64,
    slot: &WeeklySlot,
    next: Timestamp,
) -> Result<Result<(), Outcome>, StoreError> {
    let text = Message::text(format!(
        "👋 You're subscribed to weekly reminders: every {slot}. Your first one arrives {}.",
        discord_timestamp(next, TimestampStyle::Relative)
    ));
    let sent = match app.discord.create_dm(&user.to_string()).await {
        Ok(dm) => app
            .discord
            .create_message(&dm, &text, None)
            .await
            .map(|_| dm),
        Err(e) => Err(e),
    };
    match sent {
        Ok(dm) => {
            if let Ok(dm) = dm.parse::<i64>() {
                app.store.put_dm_channel(user, dm).await?;
            }
            Ok(Ok(()))
        }
        Err(e) if e.code() == Some(crate::ports::CANNOT_DM) => Ok(Err(error(
            "I can't send you DMs, so nothing was saved. Open them in this server's menu → \
             **Privacy Settings** → allow **Direct Messages**, then run `/remind subscribe` again.",
        ))),
        Err(e) => Ok(Err(error(format!(
            "I couldn't DM you ({e}). Nothing was saved; try again."
        )))),
    }
}
