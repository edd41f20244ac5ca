//! `/remind …`, the reminder buttons and `/remind` autocomplete: validated options in, the store
//! changed (or nothing stored on any error), an ephemeral reply out.

use super::schedule::{self, discord_timestamp, TimestampStyle, WeeklySlot};
use crate::app::{unix_now, App};
use crate::reply::command::{integer, text, Command};
use crate::reply::handle::{error, Outcome};
use crate::reply::interaction::{option, perms, CommandOption, Interaction};
use crate::reply::message::{Choice, Message, Response};
use crate::store::{NewSubscription, Schedule, Subscription, Target};
use jiff::Timestamp;

mod manage;
use manage::manage;

/// The largest plan week accepted (ten years).
pub const MAX_WEEK: i64 = 520;

fn ts(unix: i64) -> Timestamp {
    Timestamp::from_second(unix).unwrap_or(Timestamp::UNIX_EPOCH)
}

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

/// The slot a stored subscription fires at.
pub fn slot_of(s: &Subscription) -> Option<WeeklySlot> {
    let wd = [
        jiff::civil::Weekday::Monday,
        jiff::civil::Weekday::Tuesday,
        jiff::civil::Weekday::Wednesday,
        jiff::civil::Weekday::Thursday,
        jiff::civil::Weekday::Friday,
        jiff::civil::Weekday::Saturday,
        jiff::civil::Weekday::Sunday,
    ];
    let day = *wd.get(s.schedule.weekday as usize)?;
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
/// (from the resolved channel's permissions when Discord sent them) or in general.
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

/// Handles `/remind` commands, `rem|` buttons and `/remind` autocomplete.
pub async fn handle(app: &App, i: &Interaction, cmd: &Command) -> Outcome {
    let now = Timestamp::now();
    match cmd {
        Command::Complete { option, typed, .. } => complete(app, option, typed),
        Command::Button { custom_id } => button(app, i, custom_id).await,
        Command::Remind { sub, options } => {
            let result = match sub.as_str() {
                "subscribe" => subscribe(app, i, options, now).await,
                other => manage(app, i, other, options, now).await,
            };
            result.unwrap_or_else(|e| error(format!("That didn't work: {e}. Nothing was changed.")))
        }
        _ => error("That isn't a reminder command."),
    }
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
            .map(|p| Choice::new(&p.background, &p.background))
            .collect(),
        _ => Vec::new(),
    };
    Response::Autocomplete { choices }.into()
}

async fn subscribe(
    app: &App,
    i: &Interaction,
    o: &[CommandOption],
    now: Timestamp,
) -> Result<Outcome, crate::store::StoreError> {
    let parsed = (|| -> Result<_, String> {
        let slot = WeeklySlot::parse(
            text(o, "day", false).map_err(|e| e.to_string())?.as_deref(),
            text(o, "time", false)
                .map_err(|e| e.to_string())?
                .as_deref(),
            text(o, "timezone", false)
                .map_err(|e| e.to_string())?
                .as_deref(),
        )
        .map_err(|e| e.to_string())?;
        let week = integer(o, "start_week", 1, MAX_WEEK)
            .map_err(|_| format!("`start_week` must be a week number from 1 to {MAX_WEEK}"))?
            .unwrap_or(1) as u32;
        let pathway = match text(o, "pathway", false).map_err(|e| e.to_string())? {
            None => None,
            Some(p) => {
                let cat = app.catalog();
                let found = cat
                    .curriculum
                    .pathways
                    .iter()
                    .find(|x| x.background.eq_ignore_ascii_case(&p));
                match found {
                    Some(x) => Some(x.background.clone()),
                    None => {
                        let names: Vec<&str> = cat
                            .curriculum
                            .pathways
                            .iter()
                            .map(|x| x.background.as_str())
                            .collect();
                        return Err(format!(
                            "there is no pathway `{p}`; choose one of: {}",
                            names.join(", ")
                        ));
                    }
                }
            }
        };
        Ok((slot, week, pathway))
    })();
    let (slot, week, pathway) = match parsed {
        Ok(x) => x,
        Err(msg) => return Ok(error(format!("{msg}. Nothing was saved."))),
    };
    let Some(user) = i.user_id().and_then(|u| u.parse::<i64>().ok()) else {
        return Ok(error("I can't tell who you are."));
    };
    let guild = i.guild_id.as_deref().and_then(|g| g.parse::<i64>().ok());
    let next = schedule::next_after(&slot, now);
    let channel = id_option(o, "channel");
    let role = id_option(o, "role");
    let target = match channel {
        Some(c) => {
            if guild.is_none() || !can_manage_channel(i, c) {
                return Ok(error("Study-group reminders need **Manage Channels** on that channel. Nothing was saved."));
            }
            // The @everyone role shares the guild's id: mentioning it would ping the whole server.
            if role.is_some() && role == guild {
                return Ok(error(
                    "Pick the study group's own role, not @everyone. Nothing was saved.",
                ));
            }
            Target::Channel {
                channel_id: c,
                role_id: role,
            }
        }
        None if role.is_some() => {
            return Ok(error(
                "A role goes with a study-group `channel`. Nothing was saved.",
            ))
        }
        None => Target::Dm,
    };
    let new = NewSubscription {
        guild_id: guild,
        owner_user_id: user,
        target: target.clone(),
        schedule: Schedule {
            weekday: slot.weekday().to_monday_zero_offset() as u8,
            hour: slot.hour() as u8,
            minute: slot.minute() as u8,
            tz: slot.tz_name().to_string(),
        },
        pathway: pathway.clone(),
        week,
        next_due_at: next.as_second(),
    };
    if target == Target::Dm {
        // A welcome DM first: if DMs are closed, say how to open them and store nothing.
        let welcome = Message::text(format!(
            "👋 You're subscribed to weekly reminders: every {slot}. Your first one arrives {}.",
            discord_timestamp(next, TimestampStyle::Relative)
        ));
        let sent = match app.discord.create_dm(&user.to_string()).await {
            Ok(dm) => app
                .discord
                .create_message(&dm, &welcome, None)
                .await
                .map(|_| dm),
            Err(e) => Err(e),
        };
        match sent {
            Ok(dm) => {
                if let Ok(dm) = dm.parse::<i64>() {
                    app.store.put_dm_channel(user, dm).await?;
                }
            }
            Err(e) if e.code() == Some(crate::discord::rest::CANNOT_DM) => {
                return Ok(error(
                    "I can't send you DMs, so nothing was saved. Open them in this server's menu → \
                     **Privacy Settings** → allow **Direct Messages**, then run `/remind subscribe` again.",
                ))
            }
            Err(e) => return Ok(error(format!("I couldn't DM you ({e}). Nothing was saved; try again."))),
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
                .map(|r| format!(", mentioning <@&{r}>"))
                .unwrap_or_default()
        ),
    };
    Ok(ok(format!(
        "Subscribed: I'll remind {whom} every **{slot}**, starting at plan week {week}{}.\nNext reminders: {}",
        pathway.map(|p| format!(" on the {p} pathway")).unwrap_or_default(),
        next_three(&slot, now)
    )))
}

async fn button(app: &App, i: &Interaction, custom_id: &str) -> Outcome {
    let mut parts = custom_id.splitn(3, '|');
    let (Some("rem"), Some(action), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
        return error("That button has expired.");
    };
    let Ok(id) = id.parse::<i64>() else {
        return error("That button has expired.");
    };
    let s = match app.store.get(id).await {
        Ok(Some(s)) => s,
        Ok(None) => return error("That reminder subscription no longer exists."),
        Err(e) => return error(format!("I couldn't look that up: {e}")),
    };
    let me = i.user_id().and_then(|u| u.parse::<i64>().ok());
    let allowed = me == Some(s.owner_user_id)
        || matches!(s.target, Target::Channel { channel_id, .. } if can_manage_channel(i, channel_id));
    if !allowed {
        return error("These buttons are for the reminder's subscriber.");
    }
    let t = unix_now();
    let result = match action {
        "done" => Ok(format!(
            "Nice work on week {}! See you next week.",
            s.week.saturating_sub(1).max(1)
        )),
        "pause" => app
            .store
            .pause(id, "paused from a reminder", t)
            .await
            .map(|_| "Paused. `/remind resume` starts them again.".into()),
        "unsub" => app
            .store
            .unsubscribe(id)
            .await
            .map(|_| "Unsubscribed. No more reminders.".into()),
        _ => return error("That button has expired."),
    };
    match result {
        Ok(text) => ok(text),
        Err(e) => error(format!("That didn't work: {e}")),
    }
}
