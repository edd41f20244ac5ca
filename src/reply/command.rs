//! An Interaction's data -> a typed [`Command`]. Bad options become a typed [`CommandError`] with a
//! message fit to show the member; nothing here panics on any input.

use super::interaction::{self as ix, option, CommandOption, Interaction};
use serde_json::Value;

/// Discord's option type of a subcommand (`registry::SUB_COMMAND`; `registry` depends on us).
const SUB_COMMAND: u8 = 1;

/// The longest query or option text accepted, in characters.
pub const MAX_QUERY: usize = 200;

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Ping,
    Resource {
        query: String,
        page: usize,
    },
    Search {
        topic: String,
    },
    Module {
        which: Option<String>,
    },
    Path {
        background: String,
    },
    Plan,
    Help,
    Pin {
        module: String,
    },
    /// `/roadmap [track]`: the timeline picture; the app fills in the member's plan week.
    Roadmap {
        track: Option<String>,
        marker_week: Option<u32>,
    },
    /// `/track`: list the tracks, pick one (`track`), or tie `channel` to it (moderators).
    Track {
        track: Option<String>,
        channel: Option<String>,
    },
    /// Moderators: `/pin list`, the server's living pins and whether each is current.
    PinList,
    /// Moderators: what members searched for and did not find.
    Report,
    /// Moderators: reload or validate the curriculum from disk; a reload may be forced past a
    /// hold and map a missing track's slug to a new one (`rename:old=new`).
    Curriculum {
        reload: bool,
        force: bool,
        rename: Option<String>,
    },
    /// Autocomplete for `option` of `command`, with what has been typed so far.
    Complete {
        command: String,
        option: String,
        typed: String,
    },
    /// A button click; `custom_id` as sent.
    Button {
        custom_id: String,
    },
    /// `/remind …`, parsed further by the reminders module.
    Remind {
        sub: String,
        options: Vec<CommandOption>,
    },
    /// `/progress me|group|done|forget`, parsed further by the progress module.
    Progress {
        sub: String,
        options: Vec<CommandOption>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("I don't know the command `{0}`. Try `/help`.")]
    Unknown(String),
    #[error("`{0}` needs a value.")]
    Missing(&'static str),
    #[error("`{option}` must be {expected}.")]
    WrongType {
        option: &'static str,
        expected: &'static str,
    },
    #[error("`{0}` is empty: type a few letters to look for.")]
    Empty(&'static str),
    #[error("`{option}` is {len} characters long; at most {max} are accepted.")]
    TooLong {
        option: &'static str,
        len: usize,
        max: usize,
    },
}

/// Reads a command from an interaction.
pub fn parse(i: &Interaction) -> Result<Command, CommandError> {
    match i.kind {
        ix::PING => return Ok(Command::Ping),
        ix::MESSAGE_COMPONENT => {
            let id = i
                .data
                .as_ref()
                .and_then(|d| d.custom_id.clone())
                .unwrap_or_default();
            return Ok(Command::Button { custom_id: id });
        }
        ix::AUTOCOMPLETE => {
            let f = ix::focused(i.options());
            return Ok(Command::Complete {
                command: i.name().to_string(),
                option: f.map(|o| o.name.clone()).unwrap_or_default(),
                typed: f
                    .and_then(|o| o.value.as_ref())
                    .map(value_text)
                    .map(|s| clean(&s))
                    .unwrap_or_default(),
            });
        }
        _ => {}
    }
    let opts = i.options();
    Ok(match i.name() {
        "resource" => Command::Resource {
            query: text(opts, "query", true)?.unwrap_or_default(),
            page: 0,
        },
        "search" => Command::Search {
            topic: text(opts, "topic", true)?.unwrap_or_default(),
        },
        "module" => Command::Module {
            which: text(opts, "module", false)?,
        },
        "path" => Command::Path {
            background: text(opts, "background", true)?.unwrap_or_default(),
        },
        "plan" => Command::Plan,
        "help" => Command::Help,
        // `/pin module module:<x>` and `/pin list`; a bare `module` option is the old shape.
        "pin" => match opts.first() {
            Some(sub) if sub.kind == SUB_COMMAND && sub.name == "list" => Command::PinList,
            Some(sub) if sub.kind == SUB_COMMAND => Command::Pin {
                module: text(&sub.options, "module", true)?.unwrap_or_default(),
            },
            _ => Command::Pin {
                module: text(opts, "module", true)?.unwrap_or_default(),
            },
        },
        "track" => Command::Track {
            track: text(opts, "track", false)?,
            channel: text(opts, "channel", false)?,
        },
        "roadmap" => Command::Roadmap {
            track: text(opts, "track", false)?,
            marker_week: None,
        },
        "report" => Command::Report,
        "curriculum" => {
            let sub = opts.first().map(|o| o.name.as_str()).unwrap_or("");
            let sub_opts = opts.first().map(|o| o.options.as_slice()).unwrap_or(&[]);
            let force = option(sub_opts, "force").is_some_and(|o| {
                matches!(&o.value, Some(Value::Bool(true)))
                    || matches!(&o.value, Some(Value::String(s)) if s.trim() == "true")
            });
            match sub {
                "reload" => Command::Curriculum {
                    reload: true,
                    force,
                    rename: text(sub_opts, "rename", false)?,
                },
                "validate" => Command::Curriculum {
                    reload: false,
                    force: false,
                    rename: None,
                },
                other => {
                    return Err(CommandError::Unknown(format!(
                        "curriculum {}",
                        escape_name(other)
                    )))
                }
            }
        }
        "remind" => {
            let sub = opts.first().ok_or(CommandError::Missing("subcommand"))?;
            Command::Remind {
                sub: sub.name.clone(),
                options: sub.options.clone(),
            }
        }
        "progress" => {
            let sub = opts.first().ok_or(CommandError::Missing("subcommand"))?;
            Command::Progress {
                sub: sub.name.clone(),
                options: sub.options.clone(),
            }
        }
        other => return Err(CommandError::Unknown(escape_name(other))),
    })
}

fn escape_name(s: &str) -> String {
    super::message::truncate(&super::message::escape(s), 50)
}

/// A string option, cleaned: control characters removed, whitespace collapsed, length capped.
pub fn text(
    opts: &[CommandOption],
    name: &'static str,
    required: bool,
) -> Result<Option<String>, CommandError> {
    let Some(o) = option(opts, name) else {
        return if required {
            Err(CommandError::Missing(name))
        } else {
            Ok(None)
        };
    };
    let raw = match &o.value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        None if !required => return Ok(None),
        None => return Err(CommandError::Missing(name)),
        Some(_) => {
            return Err(CommandError::WrongType {
                option: name,
                expected: "text",
            })
        }
    };
    let len = raw.chars().count();
    if len > MAX_QUERY {
        return Err(CommandError::TooLong {
            option: name,
            len,
            max: MAX_QUERY,
        });
    }
    let cleaned = clean(&raw);
    if cleaned.is_empty() {
        return if required {
            Err(CommandError::Empty(name))
        } else {
            Ok(None)
        };
    }
    Ok(Some(cleaned))
}

/// An integer option within `min..=max`.
pub fn integer(
    opts: &[CommandOption],
    name: &'static str,
    min: i64,
    max: i64,
) -> Result<Option<i64>, CommandError> {
    let Some(o) = option(opts, name) else {
        return Ok(None);
    };
    let n = match &o.value {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    match n {
        Some(n) if (min..=max).contains(&n) => Ok(Some(n)),
        _ => Err(CommandError::WrongType {
            option: name,
            expected: "a whole number in the allowed range",
        }),
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.chars().take(MAX_QUERY).collect(),
        other => other.to_string(),
    }
}

/// Control characters and bidirectional formatting characters (which can reverse how the rest
/// of a message reads) out, runs of whitespace folded to one space, trimmed.
pub fn clean(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control() || super::message::is_bidi_control(c))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A query carried in a button's custom_id, cleaned and capped like a typed one: `None` when
/// nothing is left or it is longer than [`MAX_QUERY`].
pub fn clean_query(raw: &str) -> Option<String> {
    let q = clean(raw);
    (!q.is_empty() && q.chars().count() <= MAX_QUERY).then_some(q)
}
