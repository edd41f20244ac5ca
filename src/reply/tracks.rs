//! PURE. Which learning track a command answers from, and the `/track` answers: the track list
//! with its select menu, picking a track, tying a channel to one. The app looks the member's and
//! the channel's stored tracks up *before* answering and passes them in a [`TrackContext`].

use super::cards::{quoted, COLOR};
use super::command::{text, CommandError};
use super::handle::{error, Effect, Outcome};
use super::interaction::{perms, CommandOption, Interaction};
use super::message::{Choice, Component, Embed, EmbedField, Message, Response, CHOICES_MAX};
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
        return match c.track_by_name(name) {
            Some(t) => Ok(Some(t)),
            None => Err(TrackError::Unknown(name.to_string())),
        };
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

/// The track select menu.
pub fn select(c: &Curriculum) -> Component {
    Component::select(
        PICK_ID,
        "Choose your track",
        c.tracks
            .iter()
            .map(|t| (t.label.clone(), t.slug.clone(), t.description.clone())),
    )
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
        .map(|(_, i)| Choice::new(&c.tracks[i].label, &c.tracks[i].slug))
        .collect()
}

/// `/track`: every track (label, description, modules, total, link) and the select menu.
pub fn list(c: &Curriculum, current: Option<usize>) -> Outcome {
    if c.tracks.is_empty() {
        return error("No curriculum is loaded.");
    }
    let fields = c
        .tracks
        .iter()
        .enumerate()
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
    let m = Message {
        embeds: vec![Embed {
            title: Some("Learning tracks".into()),
            description: Some("Pick your track below; commands then answer from it.".into()),
            fields,
            color: Some(COLOR),
            ..Embed::default()
        }],
        components: vec![Component::row(vec![select(c)])],
        ..Message::default()
    };
    Response::Message(m.within_limits()).into()
}

/// `/track track:… [channel:…]`, or a choice in the select menu (`chosen`).
pub fn set(c: &Curriculum, i: &Interaction, chosen: &str, channel: Option<&str>) -> Outcome {
    let Some(t) = c.track_by_name(chosen) else {
        return error(format!(
            "No track called {}. Tracks: {}.",
            quoted(chosen),
            names(c)
        ));
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
            "Your track is now **{}**. `/module`, `/path`, `/plan` and reminders follow it.",
            track.label
        ),
    };
    Outcome {
        response: Response::Message(Message::text(text).ephemeral().within_limits()),
        effects: vec![effect],
        failed: false,
    }
}
