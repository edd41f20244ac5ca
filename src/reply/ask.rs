//! `curriculum-bot ask "/resource mlflow"`: a typed command line -> the Interaction Discord would
//! send, using the registered command definitions for option names and types.

use super::interaction::{perms, CommandOption, Interaction, InteractionData, Member, User};
use super::registry::{self, CHANNEL, INTEGER, ROLE, SUB_COMMAND};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AskError {
    #[error("a command starts with `/`, e.g. `/resource mlflow`")]
    NoSlash,
    #[error("unknown command `/{0}`; known: {1}")]
    UnknownCommand(String, String),
    #[error("`/{0}` needs a subcommand: {1}")]
    MissingSub(String, String),
    #[error("option `{0}` must be {1}, not `{2}`")]
    BadValue(String, &'static str, String),
    #[error("`{0}` takes no free text; use `name:value` options: {1}")]
    FreeText(String, String),
}

/// Who is asking and where: `ask` plays a member in a server channel.
#[derive(Debug, Clone)]
pub struct Asker {
    pub user_id: String,
    pub guild_id: Option<String>,
    pub channel_id: String,
    pub moderator: bool,
}

impl Default for Asker {
    fn default() -> Self {
        Asker {
            user_id: "100000000000000001".into(),
            guild_id: Some("100000000000000002".into()),
            channel_id: "100000000000000003".into(),
            moderator: false,
        }
    }
}

fn names(list: &[Value]) -> String {
    list.iter()
        .filter_map(|o| o["name"].as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses `line` against `defs` into an APPLICATION_COMMAND interaction.
pub fn interaction(line: &str, defs: &[Value], who: &Asker) -> Result<Interaction, AskError> {
    let line = line.trim();
    let rest = line.strip_prefix('/').ok_or(AskError::NoSlash)?;
    let (name, mut rest) = rest.split_once(' ').unwrap_or((rest, ""));
    let def = registry::find(defs, name)
        .ok_or_else(|| AskError::UnknownCommand(name.into(), names(defs)))?;
    let mut spec: Vec<Value> = def["options"].as_array().cloned().unwrap_or_default();
    let mut sub: Option<String> = None;
    if spec.iter().any(|o| o["type"] == SUB_COMMAND) {
        let (word, tail) = rest
            .trim_start()
            .split_once(' ')
            .unwrap_or((rest.trim(), ""));
        let found = spec.iter().find(|o| o["name"] == word).cloned();
        let Some(s) = found else {
            return Err(AskError::MissingSub(name.into(), names(&spec)));
        };
        sub = Some(word.to_string());
        spec = s["options"].as_array().cloned().unwrap_or_default();
        rest = tail;
    }
    let options = parse_options(rest, &spec, name)?;
    let options = match sub {
        Some(s) => vec![CommandOption {
            name: s,
            kind: SUB_COMMAND,
            value: None,
            options,
            focused: None,
        }],
        None => options,
    };
    let permissions = if who.moderator {
        perms::MANAGE_MESSAGES | perms::MANAGE_CHANNELS | perms::MANAGE_GUILD | perms::SEND_MESSAGES
    } else {
        perms::SEND_MESSAGES | perms::VIEW_CHANNEL
    };
    let user = User {
        id: who.user_id.clone(),
        username: "ask".into(),
    };
    Ok(Interaction {
        id: "100000000000000010".into(),
        application_id: "100000000000000011".into(),
        kind: super::interaction::APPLICATION_COMMAND,
        data: Some(InteractionData {
            name: Some(name.to_string()),
            options,
            ..InteractionData::default()
        }),
        guild_id: who.guild_id.clone(),
        channel_id: Some(who.channel_id.clone()),
        member: who.guild_id.as_ref().map(|_| Member {
            user: Some(user.clone()),
            permissions: Some(permissions.to_string()),
            roles: Vec::new(),
        }),
        user: who.guild_id.is_none().then_some(user),
        token: "ask".into(),
        app_permissions: Some(
            (perms::SEND_MESSAGES
                | perms::MANAGE_MESSAGES
                | perms::EMBED_LINKS
                | perms::ATTACH_FILES)
                .to_string(),
        ),
        locale: Some("en-US".into()),
        message: None,
    })
}

/// `key:value` pairs for known option names; leftover text goes to the first text option.
fn parse_options(rest: &str, spec: &[Value], cmd: &str) -> Result<Vec<CommandOption>, AskError> {
    let known = |w: &str| -> Option<&Value> {
        let (k, _) = w.split_once(':')?;
        spec.iter().find(|o| o["name"] == k)
    };
    let mut named: Vec<(String, String)> = Vec::new();
    let mut free: Vec<&str> = Vec::new();
    for word in rest.split_whitespace() {
        if let Some(o) = known(word) {
            let value = word.split_once(':').map_or("", |(_, v)| v);
            named.push((
                o["name"].as_str().unwrap_or_default().to_string(),
                value.to_string(),
            ));
        } else if let Some(last) = named.last_mut() {
            // `track:Cloud Security`: words after a `name:value` continue its value.
            last.1.push(' ');
            last.1.push_str(word);
        } else {
            free.push(word);
        }
    }
    if !free.is_empty() {
        let Some(first) = spec.iter().find(|o| o["type"] == 3) else {
            return Err(AskError::FreeText(cmd.into(), names(spec)));
        };
        named.insert(
            0,
            (
                first["name"].as_str().unwrap_or_default().into(),
                free.join(" "),
            ),
        );
    }
    named
        .into_iter()
        .map(|(name, raw)| {
            let kind = spec
                .iter()
                .find(|o| o["name"] == name.as_str())
                .and_then(|o| o["type"].as_u64())
                .unwrap_or(3) as u8;
            let value = match kind {
                INTEGER => Value::from(raw.trim().parse::<i64>().map_err(|_| {
                    AskError::BadValue(name.clone(), "a whole number", raw.clone())
                })?),
                CHANNEL | ROLE => {
                    let id: String = raw.chars().filter(char::is_ascii_digit).collect();
                    if id.is_empty() {
                        return Err(AskError::BadValue(name, "a channel or role id", raw));
                    }
                    Value::from(id)
                }
                _ => Value::from(raw),
            };
            Ok(CommandOption {
                name,
                kind,
                value: Some(value),
                options: Vec::new(),
                focused: None,
            })
        })
        .collect()
}
