//! `/remind …`, the reminder buttons and `/remind` autocomplete: validated options in, the store
//! changed (or nothing stored on any error), an ephemeral reply out. `now` is a parameter, so
//! replies (the next three times) are deterministic in tests.

pub mod access;
mod manage;
mod readback;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_access;

use super::schedule::{self, discord_timestamp, SlotError, TimestampStyle, WeeklySlot};
use crate::ports::Discord;
use crate::reply::cards::quoted;
use crate::reply::command::{integer, text, Command};
use crate::reply::handle::{error, Outcome};
use crate::reply::interaction::{CommandOption, Interaction};
use crate::reply::message::{Choice, Message, Response};
use crate::reply::tracks::{self, TrackContext};
use crate::reply::Catalog;
use crate::store::{NewSubscription, Schedule, Store, StoreError, Subscription, Target};
use access::{snowflake, user_of, NOT_YOURS};
use jiff::Timestamp;

/// What the reminder commands need, and nothing more: the store, Discord (for the welcome DM),
/// the curriculum (pathways, previews) and the delivery loop's wake-up.
#[derive(Clone, Copy)]
pub struct RemindCtx<'a> {
    pub store: &'a dyn Store,
    pub discord: &'a dyn Discord,
    pub catalog: &'a Catalog,
    /// Poked when a subscription's next due time changes.
    pub delivery: &'a tokio::sync::Notify,
    /// The member's and the channel's stored tracks (looked up by the app).
    pub tracks: &'a TrackContext,
}

impl RemindCtx<'_> {
    fn wake_delivery(&self) {
        self.delivery.notify_one();
    }
}

/// The largest plan week accepted (ten years).
pub const MAX_WEEK: i64 = 520;

pub(crate) use crate::reminders::plan::ts;

fn ok(text: impl Into<String>) -> Outcome {
    Response::Message(Message::text(text).ephemeral().within_limits()).into()
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

/// Handles `/remind` commands, `rem|` buttons and `/remind` autocomplete at `now`.
pub async fn handle(
    ctx: &RemindCtx<'_>,
    i: &Interaction,
    cmd: &Command,
    now: Timestamp,
) -> Outcome {
    let result = match cmd {
        Command::Complete { option, typed, .. } => {
            // The subcommand's options: the track typed so far narrows the pathways.
            let options = i
                .options()
                .first()
                .map_or(&[][..], |s| s.options.as_slice());
            return complete(ctx, options, option, typed);
        }
        Command::Button { custom_id } => manage::button(ctx, i, custom_id, now).await,
        Command::Remind { sub, options } if sub == "subscribe" => {
            subscribe(ctx, i, options, now).await
        }
        Command::Remind { sub, options } => manage::manage(ctx, i, sub, options, now).await,
        _ => return error("That isn't a reminder command."),
    };
    result.unwrap_or_else(|e| error(format!("That didn't work: {e}. Nothing was changed.")))
}

fn complete(ctx: &RemindCtx<'_>, options: &[CommandOption], option: &str, typed: &str) -> Outcome {
    let choices = match option {
        // Only tracks with modules or a plan have something to remind of.
        "track" => {
            let c = &ctx.catalog.curriculum;
            tracks::complete(c, typed)
                .into_iter()
                .filter(|ch| {
                    tracks::find(c, &ch.value).is_ok_and(|t| not_for_reminders(c, t).is_none())
                })
                .collect()
        }
        "timezone" => schedule::tz_autocomplete(typed, 25)
            .into_iter()
            .map(|z| Choice::new(&z, &z))
            .collect(),
        "pathway" => {
            crate::reply::handle::pathways(ctx.catalog, pathway_track(ctx, options), typed)
                .into_iter()
                .take(25)
                .collect()
        }
        _ => Vec::new(),
    };
    Response::Autocomplete { choices }.into()
}

/// The track `/remind subscribe` would use for its pathways (none: every pathway).
fn pathway_track(ctx: &RemindCtx<'_>, options: &[CommandOption]) -> Option<usize> {
    let c = &ctx.catalog.curriculum;
    let chosen = tracks::option(options).ok().flatten();
    tracks::pick(c, chosen.as_deref(), ctx.tracks)
        .ok()
        .flatten()
}

/// The validated options of `/remind subscribe`, or what is wrong with them (member input in
/// the message is escaped).
fn parse_subscribe(
    ctx: &RemindCtx<'_>,
    o: &[CommandOption],
    track: usize,
) -> Result<(WeeklySlot, u32, Option<String>), String> {
    let opt = |name| text(o, name, false).map_err(|e| e.to_string());
    let slot = WeeklySlot::parse(
        opt("day")?.as_deref(),
        opt("time")?.as_deref(),
        opt("timezone")?.as_deref(),
    )
    .map_err(|e| slot_error(&e))?;
    let c = &ctx.catalog.curriculum;
    let last = crate::reminders::content::last_week_of(c, Some(track));
    let max = i64::from(last).min(MAX_WEEK);
    let week = integer(o, "start_week", 1, max)
        .map_err(|_| match last {
            u32::MAX => format!("`start_week` must be a week number from 1 to {MAX_WEEK}"),
            _ => format!(
                "`start_week` must be from 1 to {max}: **{}** is {max} weeks long",
                c.tracks[track].label
            ),
        })?
        .unwrap_or(1) as u32;
    let Some(p) = opt("pathway")? else {
        return Ok((slot, week, None));
    };
    let pathways: Vec<&crate::curriculum::Pathway> = c.tracks[track]
        .pathways
        .iter()
        .map(|&x| &c.pathways[x])
        .collect();
    match pathways
        .iter()
        .find(|x| x.background.eq_ignore_ascii_case(&p))
    {
        Some(x) => Ok((slot, week, Some(x.background.clone()))),
        None => Err(format!(
            "there is no pathway {}; choose one of: {}",
            quoted(&p),
            pathways
                .iter()
                .map(|x| x.background.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// A slot error with the member's input escaped: the schedule module quotes it raw (`"…"`).
fn slot_error(e: &SlotError) -> String {
    let input = match e {
        SlotError::UnknownDay { input }
        | SlotError::BadTimeFormat { input }
        | SlotError::HourOutOfRange { input, .. }
        | SlotError::MinuteOutOfRange { input }
        | SlotError::UnknownZone { input, .. } => input,
        _ => return e.to_string(),
    };
    let text = e.to_string();
    match text.strip_prefix(&format!("{input:?}")) {
        Some(rest) => format!("{}{rest}", quoted(input)),
        None => crate::reply::message::escape(&text),
    }
}

/// Where the reminders go, or the reason the invoker can't have that.
fn target_of(i: &Interaction, o: &[CommandOption]) -> Result<Target, String> {
    let guild = i.guild_id.as_deref().and_then(access::parse_snowflake);
    let role = snowflake(o, "role").map_err(|e| e.to_string())?;
    let Some(channel) = snowflake(o, "channel").map_err(|e| e.to_string())? else {
        return match role {
            Some(_) => Err("A role goes with a study-group `channel`.".into()),
            None => Ok(Target::Dm),
        };
    };
    if guild.is_none() {
        return Err("Study-group reminders are set up in a server channel, not in DMs.".into());
    }
    if !access::can_manage_channel(i, channel) {
        return Err("Study-group reminders need **Manage Channels** on that channel.".into());
    }
    if role.is_some() && role == guild {
        return Err("Pick the study group's role, not @everyone.".into());
    }
    Ok(Target::Channel {
        channel_id: channel,
        role_id: role,
    })
}

async fn subscribe(
    ctx: &RemindCtx<'_>,
    i: &Interaction,
    o: &[CommandOption],
    now: Timestamp,
) -> Result<Outcome, StoreError> {
    // The track: the option, the member's, the channel's, the only one; else the prompt.
    let c = &ctx.catalog.curriculum;
    let chosen = match tracks::option(o) {
        Ok(t) => t,
        Err(e) => return Ok(error(format!("{e} Nothing was saved."))),
    };
    let target = match target_of(i, o) {
        Ok(t) => t,
        Err(msg) => return Ok(error(format!("{msg} Nothing was saved."))),
    };
    let track = match &target {
        Target::Dm => match tracks::resolve(c, chosen.as_deref(), ctx.tracks) {
            Ok(t) => t,
            Err(e) => return Ok(e.reply(c)),
        },
        Target::Channel { channel_id, .. } => {
            match group_track(ctx, chosen.as_deref(), *channel_id).await? {
                Ok(t) => t,
                Err(reply) => return Ok(reply),
            }
        }
    };
    if let Some(why) = not_for_reminders(c, track) {
        return Ok(error(why));
    }
    let (slot, week, pathway) = match parse_subscribe(ctx, o, track) {
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
    let next = schedule::next_after(&slot, now);
    let new = NewSubscription {
        guild_id: i.guild_id.as_deref().and_then(access::parse_snowflake),
        owner_user_id: user,
        target: target.clone(),
        schedule: Schedule {
            weekday: slot.weekday().to_monday_zero_offset() as u8,
            hour: slot.hour() as u8,
            minute: slot.minute() as u8,
            tz: slot.tz_name().to_string(),
        },
        pathway: pathway.clone(),
        track: Some(c.tracks[track].slug.clone()),
        week,
        next_due_at: next.as_second(),
    };
    let existing = match target {
        Target::Dm => ctx.store.get_dm(user).await?,
        Target::Channel { channel_id, .. } => match ctx.store.get_group(channel_id).await? {
            // A channel of another server (its id typed here): not this server's to replace.
            Some(s) if !access::may_manage(i, &s) => {
                return Ok(error(format!("{NOT_YOURS} Nothing was saved.")))
            }
            found => found,
        },
    };
    if let (Target::Channel { channel_id, .. }, Some(guild)) = (&target, new.guild_id) {
        if let Some(why) = readback::refusal(ctx, guild, *channel_id).await {
            return Ok(error(format!("{why} Nothing was saved.")));
        }
    }
    if target == Target::Dm {
        let label = &c.tracks[track].label;
        if let Err(reply) = welcome(ctx, user, &slot, next, label).await? {
            return Ok(reply);
        }
    }
    ctx.store.subscribe(&new, now.as_second()).await?;
    ctx.wake_delivery();
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
        "Subscribed: I'll remind {whom} every **{slot}** on track **{}**, starting at plan week \
         {week}{}.\nNext reminders: {}{replaced}",
        c.tracks[track].label,
        pathway
            .map(|p| format!(" on the {p} pathway"))
            .unwrap_or_default(),
        next_three(&slot, now)
    )))
}

/// The track of a study group's subscription: the option, else the channel's own track
/// (`/track … channel:`), else the only track. Never the moderator's personal track.
async fn group_track(
    ctx: &RemindCtx<'_>,
    chosen: Option<&str>,
    channel: i64,
) -> Result<Result<usize, Outcome>, StoreError> {
    let c = &ctx.catalog.curriculum;
    if let Some(name) = chosen {
        return Ok(tracks::find(c, name).map_err(|e| e.reply(c)));
    }
    let stored = ctx.store.channel_track(channel).await?;
    if let Some(t) = stored.as_deref().and_then(|s| c.track_by_name(s)) {
        return Ok(Ok(t));
    }
    if c.tracks.len() == 1 {
        return Ok(Ok(0));
    }
    Ok(Err(error(format!(
        "Which track should <#{channel}>'s study group follow? Add `track:` (one of: {}), or tie \
         the channel to a track with `/track track:… channel:…`. Nothing was saved.",
        tracks::names(c)
    ))))
}

/// Why track `t` can't have reminders (no modules and no plan: an overview pointing elsewhere).
fn not_for_reminders(c: &crate::curriculum::Curriculum, t: usize) -> Option<String> {
    let tr = &c.tracks[t];
    if !tr.modules.is_empty() || !tr.plan.is_empty() {
        return None;
    }
    let link = tr
        .url
        .as_deref()
        .map(|u| format!(" Read its page instead: {u}"))
        .unwrap_or_default();
    Some(format!(
        "**{}** has no modules or plan here, so there is nothing to remind you of week by week.\
         {link} Nothing was saved.",
        tr.label
    ))
}

/// The welcome DM; `Err` is the reply when it could not be sent (nothing is stored then).
async fn welcome(
    ctx: &RemindCtx<'_>,
    user: i64,
    slot: &WeeklySlot,
    next: Timestamp,
    track: &str,
) -> Result<Result<(), Outcome>, StoreError> {
    let text = Message::text(format!(
        "👋 You're subscribed to weekly reminders on the **{track}** track: every {slot}. Your \
         first one arrives {}.",
        discord_timestamp(next, TimestampStyle::Relative)
    ));
    let sent = match ctx.discord.create_dm(&user.to_string()).await {
        Ok(dm) => crate::ports::post_once(ctx.discord, &dm, &text)
            .await
            .map(|_| dm),
        Err(e) => Err(e),
    };
    match sent {
        Ok(dm) => {
            if let Ok(dm) = dm.parse::<i64>() {
                ctx.store.put_dm_channel(user, dm).await?;
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
