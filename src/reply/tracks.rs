//! PURE. Which learning track a command answers from, and the `/track` answers: the track list
//! with its select menu, picking a track, tying a channel to one. The app looks the member's and
//! the channel's stored tracks up *before* answering and passes them in a [`TrackContext`].

use super::cards::{quoted, COLOR};
use super::command::{text, CommandError};
use super::handle::{error, Effect, Outcome};
use super::interaction::{perms, CommandOption, Interaction};
use super::message::{
    Choice, Component, Embed, EmbedField, Message, Response, CHOICES_MAX, SELECT_OPTIONS_MAX,
};
use crate::curriculum::Curriculum;

/// The custom_id of the track select menu; the choice comes back in the interaction's `values`.
pub const PICK_ID: &str = "trk|pick";

/// The tracks stored for whoever is asking and where (slugs, as saved; they may no longer exist).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrackContext {
    /// The member's own choice (`/track` or the select menu).
    pub member: Option<String>,
    /// The channel's track (`/track channel:`).
    pub channel: Option<String>,
}

/// The `track` option among `opts`, cleaned.
pub fn option(opts: &[CommandOption]) -> Result<Option<String>, CommandError> {
    text(opts, "track", false)
}

/// The track a member typed: a slug, label or token (any case), else the one track whose slug
/// or label starts with it (`devops` for `02-devops-and-sre`… labelled "DevOps & SRE").
pub fn find(c: &Curriculum, name: &str) -> Result<usize, TrackError> {
    if let Some(t) = c
        .track_by_name(name)
        .or_else(|| super::track_ids::by_token(c, name.trim()))
    {
        return Ok(t);
    }
    let n = name.trim().to_lowercase();
    let hits: Vec<usize> = (0..c.tracks.len())
        .filter(|&t| {
            let tr = &c.tracks[t];
            !n.is_empty()
                && (tr.slug.to_lowercase().starts_with(&n)
                    || tr.label.to_lowercase().starts_with(&n))
        })
        .collect();
    match hits.as_slice() {
        [t] => Ok(*t),
        _ => Err(TrackError::Unknown(name.to_string())),
    }
}

/// Why a command has no track.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrackError {
    /// The `track` option names no track.
    #[error("no track called {0:?}")]
    Unknown(String),
    /// No option, nothing stored and several tracks: ask, never guess.
    #[error("which track?")]
    Unresolved,
}

impl TrackError {
    /// The reply: the tracks' names for a wrong option, else the select-menu prompt.
    pub fn reply(&self, c: &Curriculum) -> Outcome {
        match self {
            TrackError::Unknown(name) => error(format!(
                "No track called {}. Tracks: {}.",
                quoted(name),
                names(c)
            )),
            TrackError::Unresolved => prompt(c),
        }
    }
}

/// The track a command uses: the option; the member's track; the channel's track; the only
/// track. `Ok(None)` when none applies (searching then ranks no track first).
pub fn pick(
    c: &Curriculum,
    option: Option<&str>,
    ctx: &TrackContext,
) -> Result<Option<usize>, TrackError> {
    if let Some(name) = option {
        return find(c, name).map(Some);
    }
    let stored = [&ctx.member, &ctx.channel]
        .into_iter()
        .flatten()
        .find_map(|s| c.track_by_name(s));
    Ok(stored.or((c.tracks.len() == 1).then_some(0)))
}

/// Like [`pick`], but a command that needs a track gets [`TrackError::Unresolved`].
pub fn resolve(
    c: &Curriculum,
    option: Option<&str>,
    ctx: &TrackContext,
) -> Result<usize, TrackError> {
    pick(c, option, ctx)?.ok_or(TrackError::Unresolved)
}

/// "Which track?": an ephemeral message with the select menu, never a guess.
pub fn prompt(c: &Curriculum) -> Outcome {
    if c.tracks.is_empty() {
        return error("No curriculum is loaded.");
    }
    let m = Message {
        content: Some(format!(
            "This server has {} learning tracks. Pick yours below and I'll remember it; then run \
             the command again (or add `track:` to it).",
            c.tracks.len()
        )),
        components: vec![Component::row(vec![select(c)])],
        ..Message::default()
    }
    .ephemeral();
    Outcome {
        response: Response::Message(m.within_limits()),
        effects: Vec::new(),
        failed: false,
    }
}

/// Tracks per page of the select menu when there are more than Discord's 25 options (room is
/// left for "previous" and "more").
const MENU_PAGE: usize = 23;

/// The value of a menu option that shows another page of tracks.
const PAGE_VALUE: &str = "~page|";

/// The track select menu (its first page).
pub fn select(c: &Curriculum) -> Component {
    select_page(c, 0)
}

/// The track select menu from track `from` on: every track when they fit, else a page of them
/// with options for the previous and the next page. Values are track tokens, unique in any case.
pub fn select_page(c: &Curriculum, from: usize) -> Component {
    let n = c.tracks.len();
    let fits = n <= SELECT_OPTIONS_MAX;
    let from = if fits {
        0
    } else {
        from.min(n.saturating_sub(1))
    };
    let to = if fits { n } else { (from + MENU_PAGE).min(n) };
    let mut options: Vec<(String, String, Option<String>)> = Vec::new();
    if from > 0 {
        let back = from.saturating_sub(MENU_PAGE);
        options.push((
            format!("← Tracks {}-{}", back + 1, from),
            format!("{PAGE_VALUE}{back}"),
            None,
        ));
    }
    options.extend((from..to).map(|t| {
        let tr = &c.tracks[t];
        (
            tr.label.clone(),
            super::track_ids::token(c, t),
            tr.description.clone(),
        )
    }));
    if to < n {
        options.push((
            format!(
                "More tracks → ({}-{} of {n})",
                to + 1,
                (to + MENU_PAGE).min(n)
            ),
            format!("{PAGE_VALUE}{to}"),
            None,
        ));
    }
    let placeholder = if fits {
        "Choose your track".to_string()
    } else {
        format!("Choose your track ({}-{to} of {n})", from + 1)
    };
    Component::select(PICK_ID, &placeholder, options)
}

/// A menu choice that asks for another page of tracks: the menu from that track on.
pub fn menu_page(c: &Curriculum, value: &str) -> Option<Outcome> {
    let from: usize = value.strip_prefix(PAGE_VALUE)?.parse().ok()?;
    let m = Message {
        content: Some(format!(
            "This server has {} learning tracks; pick yours below.",
            c.tracks.len()
        )),
        components: vec![Component::row(vec![select_page(c, from)])],
        ..Message::default()
    };
    Some(Response::Update(m.within_limits()).into())
}

/// The tracks' labels, for error messages.
pub fn names(c: &Curriculum) -> String {
    c.tracks
        .iter()
        .map(|t| t.label.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Autocomplete on track labels and slugs.
pub fn complete(c: &Curriculum, typed: &str) -> Vec<Choice> {
    let typed = typed.to_lowercase();
    let mut scored: Vec<(usize, usize)> = c
        .tracks
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let (l, s) = (t.label.to_lowercase(), t.slug.to_lowercase());
            let rank = if typed.is_empty() || l.starts_with(&typed) || s.starts_with(&typed) {
                0
            } else if l.contains(&typed) || s.contains(&typed) {
                1
            } else {
                return None;
            };
            Some((rank, i))
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(CHOICES_MAX)
        .map(|(_, i)| Choice::new(&c.tracks[i].label, &super::track_ids::token(c, i)))
        .collect()
}

/// `/track`: every track (label, description, modules, total, link) and the select menu.
pub fn list(c: &Curriculum, current: Option<usize>) -> Outcome {
    if c.tracks.is_empty() {
        return error("No curriculum is loaded.");
    }
    // An embed holds 25 fields: past that, the menu pages through every track.
    let shown = if c.tracks.len() > 25 { 24 } else { 25 };
    let mut fields: Vec<EmbedField> = c
        .tracks
        .iter()
        .enumerate()
        .take(shown)
        .map(|(i, t)| {
            let mut lines = Vec::new();
            if let Some(d) = &t.description {
                lines.push(d.clone());
            }
            let total = t.total(c).map(|t| format!(" · {t}")).unwrap_or_default();
            lines.push(format!("{} modules{total}", t.modules.len()));
            if let Some(u) = &t.url {
                lines.push(u.clone());
            }
            EmbedField {
                name: format!(
                    "{}{}",
                    t.label,
                    if current == Some(i) { " (yours)" } else { "" }
                ),
                value: lines.join("\n"),
                inline: false,
            }
        })
        .collect();
    if c.tracks.len() > shown {
        fields.push(EmbedField {
            name: format!("… and {} more", c.tracks.len() - shown),
            value: "Page through them in the menu, or type `/track track:` and a few letters."
                .into(),
            inline: false,
        });
    }
    let description = if c.tracks.len() > 25 {
        format!(
            "{} learning tracks. Pick yours below; commands then answer from it.",
            c.tracks.len()
        )
    } else {
        "Pick your track below; commands then answer from it.".to_string()
    };
    let m = Message {
        embeds: vec![Embed {
            title: Some("Learning tracks".into()),
            description: Some(description),
            fields,
            color: Some(COLOR),
            ..Embed::default()
        }],
        components: vec![Component::row(vec![select(c)])],
        ..Message::default()
    };
    Response::Message(m.within_limits()).into()
}

/// For a track without modules or plan (an overview that points elsewhere): " It has no
/// modules or plan here; its page: …". Empty for other tracks.
pub fn no_path(c: &Curriculum, t: usize) -> String {
    let tr = &c.tracks[t];
    if !tr.modules.is_empty() || !tr.plan.is_empty() {
        return String::new();
    }
    match &tr.url {
        Some(u) => format!(" It has no modules or plan here; read its page: {u}"),
        None => " It has no modules or plan here.".to_string(),
    }
}

/// `/track track:… [channel:…]`, or a choice in the select menu (`chosen`).
pub fn set(c: &Curriculum, i: &Interaction, chosen: &str, channel: Option<&str>) -> Outcome {
    if let Some(page) = menu_page(c, chosen) {
        return page;
    }
    let t = match find(c, chosen) {
        Ok(t) => t,
        Err(e) => return e.reply(c),
    };
    let track = &c.tracks[t];
    let effect = match channel {
        Some(channel) => {
            let Some(guild) = i.guild_id.clone() else {
                return error("Channels get a track in a server, not in DMs.");
            };
            if !i.member_can(perms::MANAGE_CHANNELS) {
                return error(
                    "Only moderators with **Manage Channels** can tie a channel to a track.",
                );
            }
            if !channel_of_guild(i, channel) {
                return error("That is not a channel of this server: pick one with `channel:`.");
            }
            Effect::SetChannelTrack {
                guild,
                channel: channel.to_string(),
                track: track.slug.clone(),
            }
        }
        None => {
            let Some(user) = i.user_id() else {
                return error("I can't tell who you are.");
            };
            Effect::SetMemberTrack {
                guild: i.guild_id.clone(),
                user: user.to_string(),
                track: track.slug.clone(),
            }
        }
    };
    let text = match channel {
        Some(ch) => format!(
            "<#{ch}> now answers from **{}**: commands there use it unless a member picked \
             their own track.",
            track.label
        ),
        None => format!(
            "Your track is now **{}**. `/module`, `/path`, `/plan` and your DM reminders follow \
             it.{}",
            track.label,
            no_path(c, t)
        ),
    };
    Outcome {
        response: Response::Message(Message::text(text).ephemeral().within_limits()),
        effects: vec![effect],
        failed: false,
    }
}

/// Whether `channel` is a channel id this interaction's server sent: a snowflake, and (when
/// Discord resolved the option, as it always does) one of the resolved channels, of this guild.
fn channel_of_guild(i: &Interaction, channel: &str) -> bool {
    let snowflake = (17..=20).contains(&channel.len())
        && channel.bytes().all(|b| b.is_ascii_digit())
        && channel.parse::<u64>().is_ok_and(|n| n > 0);
    if !snowflake {
        return false;
    }
    let resolved = i.data.as_ref().and_then(|d| d.resolved.as_ref());
    match resolved.and_then(|r| r.get("channels")) {
        None => true,
        Some(chans) => chans.get(channel).is_some_and(|ch| {
            match (
                ch.get("guild_id").and_then(|g| g.as_str()),
                i.guild_id.as_deref(),
            ) {
                (Some(g), Some(mine)) => g == mine,
                _ => true,
            }
        }),
    }
}
