//! `/progress me|group|done|forget`, **Done this week** on a reminder and the `prog|forget`
//! button, over the store: a check-in is recorded once per member per week (the store's primary
//! key decides), a study group's reminder gets its live line through [`GroupEdits`].
//!
//! Who may check in: on a DM reminder its subscriber; on a study group's, every member holding
//! the group's role (from the click's `member.roles`, no privileged intent), or anyone in the
//! channel when the group mentions no role. Pause and Unsubscribe stay with
//! `reminders::commands::access`.

use super::edits::{EditRequest, GroupEdits};
use super::{math, text};
use crate::reminders::commands::access::{self, ButtonTarget, NOT_YOURS};
use crate::reminders::content::track_of;
use crate::reply::handle::{error, Outcome};
use crate::reply::interaction::{perms, CommandOption, Interaction};
use crate::reply::message::{Component, Message, Response};
use crate::reply::{Catalog, Command};
use crate::store::{NewCheckin, Store, StoreError, Subscription, Target};

/// The custom_id of the button that forgets the clicker's check-ins (offered after unsubscribing).
pub const FORGET_BUTTON: &str = "prog|forget";

/// What progress needs: the store, the curriculum and the group-edit coalescer.
#[derive(Clone, Copy)]
pub struct ProgressCtx<'a> {
    pub store: &'a dyn Store,
    pub catalog: &'a Catalog,
    pub edits: &'a GroupEdits,
}

/// Whether the app routes this click here: **Done this week** or [`FORGET_BUTTON`].
pub fn is_progress_button(custom_id: &str) -> bool {
    custom_id == FORGET_BUTTON || access::parse_button(custom_id).is_some_and(|(a, _)| a == "done")
}

/// `/progress …` and the progress buttons at `now` (unix seconds).
pub async fn handle(ctx: &ProgressCtx<'_>, i: &Interaction, cmd: &Command, now: i64) -> Outcome {
    let result = match cmd {
        Command::Button { custom_id } if custom_id == FORGET_BUTTON => forget(ctx, i).await,
        Command::Button { custom_id } => done_button(ctx, i, custom_id, now).await,
        Command::Progress { sub, options } => match sub.as_str() {
            "me" => me(ctx, i, now).await,
            "group" => group(ctx, i, options).await,
            "done" => done_now(ctx, i, now).await,
            "forget" => forget(ctx, i).await,
            other => Ok(error(format!(
                "There is no `/progress` subcommand {}.",
                crate::reply::cards::quoted(other)
            ))),
        },
        _ => return error("That isn't a progress command."),
    };
    result.unwrap_or_else(|e| error(format!("That didn't work: {e}. Nothing was changed.")))
}

/// The plan week a subscription is in now.
async fn current(store: &dyn Store, s: &Subscription) -> Result<u32, StoreError> {
    Ok(math::current_week(
        s.week,
        store.last_sent_week(s.id).await?,
    ))
}

/// The module number the timeline puts `week` in.
fn module_at(cat: &Catalog, s: &Subscription, week: u32) -> Option<u32> {
    let c = &cat.curriculum;
    let t = track_of(c, s.track.as_deref())?;
    let m = c.module_at_week_in(&c.tracks[t].modules, week)?;
    Some(c.modules[m].number)
}

/// Whether the clicker holds the group's role (any member, when the group mentions none).
fn in_group(i: &Interaction, s: &Subscription) -> bool {
    match s.target {
        Target::Channel {
            role_id: Some(r), ..
        } => i
            .member
            .as_ref()
            .is_some_and(|m| m.roles.iter().any(|x| *x == r.to_string())),
        Target::Channel { role_id: None, .. } => i.member.is_some(),
        Target::Dm => false,
    }
}

/// The study group of the channel the interaction happens in, from its own server.
async fn group_here(
    store: &dyn Store,
    i: &Interaction,
    channel: Option<i64>,
) -> Result<Option<Subscription>, StoreError> {
    let guild = i.guild_id.as_deref().and_then(access::parse_snowflake);
    let Some(channel) = channel.filter(|_| guild.is_some()) else {
        return Ok(None);
    };
    Ok(store
        .get_group(channel)
        .await?
        .filter(|s| s.guild_id == guild))
}

fn this_is_for(s: &Subscription) -> Outcome {
    match s.target {
        Target::Channel {
            role_id: Some(r), ..
        } => error(format!(
            "This reminder is for <@&{r}>: check in with your own reminder (`/remind subscribe`)."
        )),
        _ => error(NOT_YOURS),
    }
}

/// **Done this week** on a reminder: the week is the delivery's (the slot in the custom_id).
async fn done_button(
    ctx: &ProgressCtx<'_>,
    i: &Interaction,
    custom_id: &str,
    now: i64,
) -> Result<Outcome, StoreError> {
    let Some((_, target)) = access::parse_button(custom_id) else {
        return Ok(error("That button has expired."));
    };
    let here = i.channel_id.as_deref().and_then(access::parse_snowflake);
    let group = match target {
        ButtonTarget::Group => true,
        ButtonTarget::Dm => false,
        ButtonTarget::Legacy(_) => i.guild_id.is_some(),
    };
    let found = match group {
        true => group_here(ctx.store, i, here).await?,
        false => access::own_dm(ctx.store, i).await?,
    };
    let s = match (found, target) {
        (Some(s), ButtonTarget::Legacy(id)) if s.id != id => return Ok(error(NOT_YOURS)),
        (Some(s), _) => s,
        (None, _) => return Ok(error(NOT_YOURS)),
    };
    if group && !in_group(i, &s) {
        return Ok(this_is_for(&s));
    }
    let Some(user) = access::user_of(i) else {
        return Ok(error("I can't tell who you are."));
    };
    let slot = custom_id
        .rsplit('|')
        .next()
        .and_then(|x| x.parse::<i64>().ok());
    let delivered = match slot {
        Some(due_at) => {
            let key = crate::store::DeliveryKey {
                subscription_id: s.id,
                due_at,
            };
            ctx.store.delivery(key).await?.map(|d| d.week)
        }
        None => None,
    };
    let week = match delivered {
        Some(w) => w,
        None => current(ctx.store, &s).await?,
    };
    let new = record(ctx, &s, user, week, now).await?;
    if new && group {
        if let (Some(channel), Some(message)) = (here, clicked(i)) {
            ctx.edits.request(EditRequest {
                channel: channel.to_string(),
                message: message.0,
                base: message.1,
                subscription: s.id,
                week,
            });
        }
    }
    Ok(ok(text::checked_in(week, new)))
}

/// The clicked message's id and its content, embeds and buttons.
fn clicked(i: &Interaction) -> Option<(String, Message)> {
    let m = i.message.as_ref()?;
    let id = m["id"].as_str()?.to_string();
    let base = Message {
        content: m["content"].as_str().map(str::to_owned),
        embeds: serde_json::from_value(m["embeds"].clone()).unwrap_or_default(),
        components: serde_json::from_value(m["components"].clone()).unwrap_or_default(),
        ..Message::default()
    };
    Some((id, base))
}

async fn record(
    ctx: &ProgressCtx<'_>,
    s: &Subscription,
    user: i64,
    week: u32,
    now: i64,
) -> Result<bool, StoreError> {
    let c = NewCheckin {
        subscription: s,
        user_id: user,
        week,
        module: module_at(ctx.catalog, s, week),
        at: now,
    };
    ctx.store.check_in(&c).await
}

fn ok(text: impl Into<String>) -> Outcome {
    Response::Message(Message::text(text).ephemeral().within_limits()).into()
}

/// The subscription `/progress me` and `/progress done` act on: the member's DM one, else the
/// study group of this channel when they are in it.
async fn own(
    ctx: &ProgressCtx<'_>,
    i: &Interaction,
) -> Result<Result<Subscription, Outcome>, StoreError> {
    if let Some(s) = access::own_dm(ctx.store, i).await? {
        return Ok(Ok(s));
    }
    let here = i.channel_id.as_deref().and_then(access::parse_snowflake);
    match group_here(ctx.store, i, here).await? {
        Some(s) if in_group(i, &s) => Ok(Ok(s)),
        _ => Ok(Err(error(
            "You have no reminder subscription to count progress on. Start one with \
             `/remind subscribe` (or run this in your study group's channel).",
        ))),
    }
}

/// `/progress done`: a check-in for the current week without a reminder. (A study group's
/// reminder shows it with the next click on it.)
async fn done_now(ctx: &ProgressCtx<'_>, i: &Interaction, now: i64) -> Result<Outcome, StoreError> {
    let s = match own(ctx, i).await? {
        Ok(s) => s,
        Err(reply) => return Ok(reply),
    };
    let Some(user) = access::user_of(i) else {
        return Ok(error("I can't tell who you are."));
    };
    let week = current(ctx.store, &s).await?;
    let new = record(ctx, &s, user, week, now).await?;
    Ok(ok(text::checked_in(week, new)))
}

async fn me(ctx: &ProgressCtx<'_>, i: &Interaction, now: i64) -> Result<Outcome, StoreError> {
    let s = match own(ctx, i).await? {
        Ok(s) => s,
        Err(reply) => return Ok(reply),
    };
    let Some(user) = access::user_of(i) else {
        return Ok(error("I can't tell who you are."));
    };
    let weeks = ctx.store.checkin_weeks(s.id, user).await?;
    let current = current(ctx.store, &s).await?;
    let learner = text::Learner {
        track: s.track.as_deref(),
        pathway: s.pathway.as_deref(),
        current,
        first: math::first_counted_week(current, s.created_at, now),
        weeks: &weeks,
        due: s.next_due_at,
        where_: match s.target {
            Target::Dm => "by DM".into(),
            Target::Channel { channel_id, .. } => format!("in <#{channel_id}>"),
        },
    };
    Ok(text::me(ctx.catalog, &learner))
}

/// `/progress group channel:` for the group's members and its moderators.
async fn group(
    ctx: &ProgressCtx<'_>,
    i: &Interaction,
    o: &[CommandOption],
) -> Result<Outcome, StoreError> {
    const NONE: &str = "There's no study group there that you are in. (Members of a study group \
         and moderators with **Manage Channels** on its channel can see its progress.)";
    let channel = match access::snowflake(o, "channel") {
        Ok(Some(c)) => Some(c),
        Ok(None) => i.channel_id.as_deref().and_then(access::parse_snowflake),
        Err(e) => return Ok(error(e.to_string())),
    };
    let Some(s) = group_here(ctx.store, i, channel).await? else {
        return Ok(error(NONE));
    };
    let Target::Channel { channel_id, .. } = s.target else {
        return Ok(error(NONE));
    };
    let moderator = access::can_manage_channel(i, channel_id) || i.member_can(perms::MANAGE_GUILD);
    if !(moderator || in_group(i, &s)) {
        return Ok(error(NONE));
    }
    let current = current(ctx.store, &s).await?;
    let first = current.saturating_sub(text::GROUP_WEEKS - 1).max(1);
    let counts = ctx.store.week_checkin_counts(s.id, first, current).await?;
    let this_week = ctx.store.week_checkins(s.id, current).await?;
    let members = ctx.store.checkin_members(s.id).await?;
    Ok(Response::Message(text::group(
        channel_id, current, &counts, &this_week, members,
    ))
    .into())
}

/// `/progress forget` and the button offered after unsubscribing: every check-in of the member.
async fn forget(ctx: &ProgressCtx<'_>, i: &Interaction) -> Result<Outcome, StoreError> {
    let Some(user) = access::user_of(i) else {
        return Ok(error("I can't tell who you are."));
    };
    let n = ctx.store.forget_checkins(user).await?;
    Ok(ok(match n {
        0 => "You have no check-ins stored; nothing to forget.".to_string(),
        1 => "Forgot your 1 check-in.".to_string(),
        n => format!("Forgot your {n} check-ins."),
    }))
}

/// The reply to unsubscribing: a learner's check-ins are kept for `/progress` unless they
/// confirm forgetting them with the button.
pub fn unsubscribed(s: &Subscription) -> Outcome {
    let mut m = Message::text(match s.target {
        Target::Dm => {
            "Unsubscribed. No more reminders.\nYour check-ins are kept for `/progress me`; \
             **Forget my check-ins** deletes them (so does `/progress forget`)."
        }
        Target::Channel { .. } => "Unsubscribed. No more reminders.",
    });
    if s.target == Target::Dm {
        m.components = vec![Component::row(vec![Component::button(
            4,
            "Forget my check-ins",
            FORGET_BUTTON,
            false,
        )])];
    }
    Response::Message(m.ephemeral().within_limits()).into()
}
