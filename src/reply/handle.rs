//! Command + &Catalog -> Outcome. The curriculum commands are answered here, purely; what needs
//! I/O (recording a missed search, posting and pinning) comes back as an [`Effect`].

use super::cards;
use super::command::{Command, CommandError};
use super::interaction::{perms, Interaction};
use super::message::{Choice, Embed, Message, Response, CHOICES_MAX};
use super::tracks::{self, TrackContext};
use super::{modules, Catalog};
use crate::search::Kind;

pub use super::lookup::{page_id, PAGE_SIZE};
use super::lookup::{parse_page_id, resources, search};

/// Something the transport must do besides replying.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// A `/search` with no result, counted per guild for the moderators' report.
    RecordMiss {
        guild: Option<String>,
        query: String,
    },
    /// Post `card` in `channel` and pin it; the reply depends on whether that worked. The pin
    /// is recorded as living (`pinned`), so reloads keep it true.
    PostAndPin {
        channel: String,
        card: Box<super::pincard::PinCard>,
        pinned: PinnedCard,
    },
    /// Remember a member's track (`/track`, the select menu).
    SetMemberTrack {
        guild: Option<String>,
        user: String,
        track: String,
    },
    /// Tie a channel to a track (moderators' `/track channel:`).
    SetChannelTrack {
        guild: String,
        channel: String,
        track: String,
    },
}

/// Which card a pin shows: the module `module` of track `track` (a slug), pinned in `guild`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinnedCard {
    pub guild: String,
    pub track: String,
    pub module: u32,
    /// The module's title, for the reply.
    pub title: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub response: Response,
    pub effects: Vec<Effect>,
    /// The member's input could not be served (bad option, nothing found…).
    pub failed: bool,
}

impl From<Response> for Outcome {
    fn from(response: Response) -> Self {
        Outcome {
            response,
            effects: Vec::new(),
            failed: false,
        }
    }
}

/// A private error reply.
pub fn error(text: impl Into<String>) -> Outcome {
    Outcome {
        response: Response::Message(Message::text(text).ephemeral().within_limits()),
        effects: Vec::new(),
        failed: true,
    }
}

pub fn command_error(e: &CommandError) -> Outcome {
    error(e.to_string())
}

pub(super) fn public(m: Message) -> Response {
    Response::Message(m.within_limits())
}

/// Answers a curriculum command from the track the command uses (see [`tracks::pick`]; `ctx`
/// holds the member's and the channel's stored tracks). `/remind`, `/report` and `/curriculum`
/// need the store or the disk and are answered by the caller; here they get a short error.
pub fn answer(cat: &Catalog, i: &Interaction, cmd: &Command, ctx: &TrackContext) -> Outcome {
    let c = &cat.curriculum;
    // `/pin module …` nests its options under the subcommand.
    let opts = match i.options().first() {
        Some(sub) if sub.kind == super::registry::SUB_COMMAND => sub.options.as_slice(),
        _ => i.options(),
    };
    let opt = match tracks::option(opts) {
        Ok(o) => o,
        Err(e) => return command_error(&e),
    };
    // The track a command must have: the option, the member's, the channel's, the only one.
    let need = || tracks::resolve(c, opt.as_deref(), ctx);
    // The track to rank first when searching everything.
    let prefer = || tracks::pick(c, opt.as_deref(), ctx);
    match cmd {
        Command::Ping => Response::Pong.into(),
        Command::Resource { query, page } => match prefer() {
            Ok(t) => resources(cat, t, query, *page, false),
            Err(e) => e.reply(c),
        },
        Command::Button { custom_id } if custom_id == tracks::PICK_ID => {
            match i.data.as_ref().and_then(|d| d.values.as_ref()?.first()) {
                Some(v) => tracks::set(c, i, v, None),
                None => error("Pick a track from the menu."),
            }
        }
        Command::Button { custom_id } if custom_id.starts_with("mod|") => {
            match modules::parse_page_id(c, custom_id) {
                Some((m, page)) => Response::Update(modules::card(cat, m, page)).into(),
                None => error("That button has expired. Run the command again."),
            }
        }
        Command::Button { custom_id } => match parse_page_id(c, custom_id) {
            // The track of the original command, whoever clicks.
            Some((page, Some(t), query)) => resources(cat, t, &query, page, true),
            _ => error("That button has expired. Run the command again."),
        },
        Command::Search { topic } => match prefer() {
            Ok(t) => search(cat, i, t, topic),
            Err(e) => e.reply(c),
        },
        Command::Track {
            track: None,
            channel: None,
        } => tracks::list(c, ctx.member.as_deref().and_then(|m| c.track_by_name(m))),
        Command::Track {
            track: Some(t),
            channel,
        } => tracks::set(c, i, t, channel.as_deref()),
        Command::Track {
            track: None,
            channel: Some(_),
        } => error("Name the track to tie the channel to: `/track track:… channel:…`."),
        Command::Module { which } => match need() {
            Err(e) => e.reply(c),
            Ok(t) => match which {
                None => modules::list(c, t),
                Some(w) => match modules::find(cat, t, w) {
                    Some(m) => public(modules::card(cat, m, 0)).into(),
                    None => error(modules::unknown(c, t, w)),
                },
            },
        },
        Command::Path { background } => match need() {
            Ok(t) => modules::path(cat, t, background),
            Err(e) => e.reply(c),
        },
        Command::Plan => match need() {
            Ok(t) => modules::plan(c, t),
            Err(e) => e.reply(c),
        },
        Command::Help => public(Message::embed(help(cat))).into(),
        Command::Pin { module } => match need() {
            Ok(t) => pin(cat, i, t, module),
            Err(e) => e.reply(c),
        },
        Command::Roadmap { marker_week, .. } => match need() {
            Ok(t) => super::roadmap::answer(cat, t, *marker_week),
            Err(e) => e.reply(c),
        },
        Command::Complete {
            command,
            option,
            typed,
        } => {
            let t = tracks::pick(c, opt.as_deref(), ctx).unwrap_or(None);
            complete(cat, t, command, option, typed).into()
        }
        Command::Report
        | Command::Curriculum { .. }
        | Command::Remind { .. }
        | Command::Progress { .. }
        | Command::PinList => error("That command isn't available here."),
    }
}

fn pin(cat: &Catalog, i: &Interaction, t: usize, module: &str) -> Outcome {
    let c = &cat.curriculum;
    if i.guild_id.is_none() {
        return error("Pinning works in a server channel, not in DMs.");
    }
    if !i.member_can(perms::MANAGE_MESSAGES) {
        return error("Only moderators with **Manage Messages** can pin module cards.");
    }
    let can_pin = i.bot_can(perms::PIN_MESSAGES) || i.bot_can(perms::MANAGE_MESSAGES);
    if !(i.bot_can(perms::SEND_MESSAGES | perms::EMBED_LINKS) && can_pin) {
        return error(
            "I can't pin here: I need **Send Messages**, **Embed Links** and **Pin Messages** in \
             this channel. Ask an admin to grant them to my role.",
        );
    }
    let Some(mi) = modules::find(cat, t, module) else {
        return error(modules::unknown(c, t, module));
    };
    let m = &c.modules[mi];
    let (Some(channel), Some(guild)) = (i.channel_id.clone(), i.guild_id.clone()) else {
        return error("I can't tell which channel to pin in.");
    };
    // Without Attach Files the card goes up without its roadmap picture (and says so).
    let attach = i.bot_can(perms::ATTACH_FILES);
    let pinned = match attach {
        true => super::pincard::card(cat, mi),
        false => super::pincard::card(cat, mi).bare(),
    };
    let card = PinnedCard {
        guild,
        track: (cat.curriculum.tracks.get(m.track)).map_or_else(String::new, |t| t.slug.clone()),
        module: m.number,
        title: m.title.clone(),
    };
    Outcome {
        response: Response::Message(
            Message::text(match attach {
                true => format!("Pinned Module {}: {}.", m.number, m.title),
                false => format!(
                    "Pinned Module {}: {}, without the roadmap picture: I need **Attach Files** \
                     in this channel for it.",
                    m.number, m.title
                ),
            })
            .ephemeral(),
        ),
        effects: vec![Effect::PostAndPin {
            channel,
            card: Box::new(pinned),
            pinned: card,
        }],
        failed: false,
    }
}

fn complete(cat: &Catalog, t: Option<usize>, command: &str, option: &str, typed: &str) -> Response {
    let c = &cat.curriculum;
    let choices: Vec<Choice> = match (command, option) {
        (_, "track") => tracks::complete(c, typed),
        ("path", _) => pathways(cat, t, typed),
        ("resource", _) => cat
            .index
            .complete(typed, &[Kind::Resource], CHOICES_MAX)
            .into_iter()
            .map(|h| {
                let r = &c.resources[cat.index.docs()[h.doc].target];
                let name = if r.duplicates.is_empty() {
                    r.title.clone()
                } else {
                    format!("{} — {}", r.title, c.sections[r.section].title)
                };
                Choice::new(&name, &r.key)
            })
            .collect(),
        ("module" | "pin", _) => cat
            .index
            .complete(typed, &[Kind::Module], 4 * CHOICES_MAX)
            .into_iter()
            .filter(|h| t.is_none_or(|t| c.modules[cat.index.docs()[h.doc].target].track == t))
            .map(|h| {
                let m = &c.modules[cat.index.docs()[h.doc].target];
                Choice::new(
                    &format!("Module {}: {}", m.number, m.title),
                    &m.number.to_string(),
                )
            })
            .collect(),
        ("search", _) => cat
            .index
            .complete(typed, &[], CHOICES_MAX)
            .into_iter()
            .map(|h| {
                let t = &cat.index.docs()[h.doc].title;
                Choice::new(t, t)
            })
            .collect(),
        _ => Vec::new(),
    };
    // Never two choices that submit or read the same.
    let mut seen = std::collections::HashSet::new();
    let mut names = std::collections::HashSet::new();
    let choices = choices
        .into_iter()
        .filter(|ch| seen.insert(ch.value.clone()) && names.insert(ch.name.to_lowercase()))
        .take(CHOICES_MAX)
        .collect();
    Response::Autocomplete { choices }
}

/// The pathways of track `t` (of every track when none applies) matching `typed`, those
/// starting with it first (`/path` and `/remind subscribe pathway:`).
pub fn pathways(cat: &Catalog, t: Option<usize>, typed: &str) -> Vec<Choice> {
    let c = &cat.curriculum;
    let list: Vec<usize> = match t {
        Some(t) => c.tracks[t].pathways.clone(),
        None => (0..c.pathways.len()).collect(),
    };
    let typed = typed.to_lowercase();
    let (mut first, mut then) = (Vec::new(), Vec::new());
    for p in list {
        let b = &c.pathways[p].background;
        let l = b.to_lowercase();
        if typed.is_empty() || l.starts_with(&typed) {
            first.push(Choice::new(b, b));
        } else if l.contains(&typed) {
            then.push(Choice::new(b, b));
        }
    }
    first.extend(then);
    first
}

fn help(cat: &Catalog) -> Embed {
    let c = &cat.curriculum;
    let cmds = super::registry::usage(&super::registry::definitions(c));
    let lines: Vec<String> = cmds.iter().map(|(n, d)| format!("`{n}` — {d}")).collect();
    Embed {
        title: Some(format!(
            "{} — commands",
            c.pages.first().map_or("Curriculum", |p| p.title.as_str())
        )),
        description: Some(format!(
            "{}\n\nTracks: {}\nAdd `track:` to a command to use another track.\n\nLoaded: {}",
            lines.join("\n"),
            tracks::names(c),
            crate::curriculum::summary(c)
        )),
        color: Some(cards::COLOR),
        ..Embed::default()
    }
}
