//! Building INTERACTION_CREATE payloads (slash commands, autocomplete, components) the way
//! Discord sends them, with `resolved` data for user/channel/role options, and recording each
//! interaction so its callback and webhook edits can be matched to it.

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{json, Map, Value};

use super::payloads::{self, guild_channel};
use super::state::{InteractionRecord, Shared, StoredMessage};
use super::world::World;

/// Who invokes an interaction, and where.
#[derive(Clone, Debug)]
pub struct Invoker {
    pub user: u64,
    /// The member's permissions in the channel (the `member.permissions` string).
    pub permissions: u64,
    /// `None`: the interaction comes from a DM with the bot.
    pub guild: Option<u64>,
    pub channel: u64,
    pub locale: String,
    /// The bot's permissions in the channel (`app_permissions`); `None`: as the fake's state says.
    pub app_permissions: Option<u64>,
}

/// What kind of interaction to send.
#[derive(Clone, Debug)]
pub enum InteractionKind {
    /// A slash command; `options` is Discord's option array, e.g.
    /// `[{"name": "query", "type": 3, "value": "mlflow"}]` (nest them for subcommands).
    Command { name: String, options: Value },
    /// Autocomplete for a command; one option carries `"focused": true`.
    Autocomplete { name: String, options: Value },
    /// A click on a button (component_type 2) or a choice in a select menu (3, with `values`)
    /// on `message` (as the fake stored it, e.g. from `FakeDiscord::wait_reply`).
    Component {
        custom_id: String,
        component_type: u8,
        values: Vec<String>,
        message: Value,
    },
}

impl InteractionKind {
    fn code(&self) -> u8 {
        match self {
            InteractionKind::Command { .. } => 2,
            InteractionKind::Component { .. } => 3,
            InteractionKind::Autocomplete { .. } => 4,
        }
    }
}

/// Builds the payload and records the interaction (dispatch time = now). Returns its id and the
/// INTERACTION_CREATE data.
pub fn create(shared: &Shared, kind: &InteractionKind, who: &Invoker) -> (u64, Value) {
    let world = &shared.world;
    let id = shared.snowflake();
    let token = format!("aW50ZXJhY3Rpb246{id}{:x}", id.rotate_left(17) ^ 0xfa4e);
    let (app_permissions, message) = {
        let s = shared.read();
        let message = match kind {
            // Prefer the fake's current copy of the message (it may have been edited).
            InteractionKind::Component { message, .. } => Some(
                message["id"]
                    .as_str()
                    .and_then(|m| m.parse::<u64>().ok())
                    .and_then(|m| s.messages.get(&m))
                    .map(|m| m.value.clone())
                    .unwrap_or_else(|| message.clone()),
            ),
            _ => None,
        };
        let app = who
            .app_permissions
            .unwrap_or_else(|| s.bot_permissions(world, who.channel));
        (app, message)
    };
    let (name, data) = match kind {
        InteractionKind::Command { name, options }
        | InteractionKind::Autocomplete { name, options } => {
            let mut data = json!({
                "id": command_id(shared, who.guild, name).to_string(),
                "name": name,
                "type": 1,
            });
            if options.as_array().is_some_and(|o| !o.is_empty()) {
                data["options"] = options.clone();
            }
            let resolved = resolved(world, who, options);
            if !resolved.is_empty() {
                data["resolved"] = Value::Object(resolved);
            }
            (name.clone(), data)
        }
        InteractionKind::Component {
            custom_id,
            component_type,
            values,
            ..
        } => {
            let mut data = json!({"custom_id": custom_id, "component_type": component_type});
            if *component_type != 2 {
                data["values"] = json!(values);
            }
            (custom_id.clone(), data)
        }
    };
    let channel = match who.guild {
        Some(_) => {
            let mut c = world
                .channel(who.channel)
                .map(guild_channel)
                .unwrap_or_else(
                    || json!({"id": who.channel.to_string(), "type": 0, "name": "unknown"}),
                );
            c["permissions"] = json!(who.permissions.to_string());
            c
        }
        None => payloads::dm_channel(world, who.channel, who.user),
    };
    let mut payload = json!({
        "id": id.to_string(),
        "application_id": world.ids.application.to_string(),
        "type": kind.code(),
        "data": data,
        "channel_id": who.channel.to_string(),
        "channel": channel,
        "token": token,
        "version": 1,
        "app_permissions": app_permissions.to_string(),
        "locale": who.locale,
        "entitlements": [],
        "attachment_size_limit": 10_485_760,
    });
    match who.guild {
        Some(g) => payloads::merge(
            &mut payload,
            json!({
                "guild_id": g.to_string(),
                "guild": {"id": g.to_string(), "locale": "en-US", "features": []},
                "guild_locale": "en-US",
                "member": payloads::member(world, g, who.user, Some(who.permissions)),
                "authorizing_integration_owners": {"0": g.to_string()},
                "context": 0,
            }),
        ),
        None => payloads::merge(
            &mut payload,
            json!({
                "user": payloads::user(world, who.user),
                "authorizing_integration_owners": {"0": "0"},
                "context": 1,
            }),
        ),
    }
    let source_message = message
        .as_ref()
        .and_then(|m| m["id"].as_str()?.parse().ok());
    if let Some(m) = message {
        payload["message"] = m;
    }
    let record = InteractionRecord {
        id,
        token: token.clone(),
        kind: kind.code(),
        dispatched: Instant::now(),
        channel: who.channel,
        guild: who.guild,
        user: who.user,
        name,
        callback: None,
        original: None,
        followups: Vec::new(),
        source_message,
        pending_edit: false,
    };
    let clicked = payload.get("message").cloned();
    shared.update(|s| {
        s.tokens.insert(token, id);
        s.interactions.insert(id, record);
        // A message the fake has not seen (built by the test) becomes known, so that an
        // UPDATE_MESSAGE callback can edit it.
        if let (Some(m), Some(mid)) = (clicked, source_message) {
            s.messages.entry(mid).or_insert(StoredMessage {
                value: m,
                channel: who.channel,
                ephemeral: false,
                deleted: false,
            });
        }
    });
    (id, payload)
}

/// The id of a registered command (guild first, then global), or a stable made-up one.
fn command_id(shared: &Shared, guild: Option<u64>, name: &str) -> u64 {
    let s = shared.read();
    guild
        .and_then(|g| s.command_ids.get(&(Some(g), name.to_owned())))
        .or_else(|| s.command_ids.get(&(None, name.to_owned())))
        .copied()
        .unwrap_or_else(|| shared.world.ids.application + 10_000 + name.len() as u64)
}

/// `resolved` for user (6), channel (7), role (8) and mentionable (9) options, at any depth.
fn resolved(world: &World, who: &Invoker, options: &Value) -> Map<String, Value> {
    let mut found: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
    let mut stack: Vec<&Value> = options
        .as_array()
        .map(|o| o.iter().collect())
        .unwrap_or_default();
    while let Some(opt) = stack.pop() {
        if let Some(nested) = opt["options"].as_array() {
            stack.extend(nested);
        }
        let id = opt["value"]
            .as_str()
            .and_then(|v| v.parse::<u64>().ok())
            .or(opt["value"].as_u64());
        let (Some(kind), Some(id)) = (opt["type"].as_u64(), id) else {
            continue;
        };
        let key = id.to_string();
        let is_role = world.role(id).is_some();
        match kind {
            7 => {
                let mut c = match world.channel(id) {
                    Some(c) => guild_channel(c),
                    None => json!({"id": key, "type": 0, "name": format!("channel-{id}")}),
                };
                c["permissions"] = json!(who.permissions.to_string());
                found.entry("channels").or_default().insert(key, c);
            }
            8 | 9 if is_role || kind == 8 => {
                let r = world.role(id).map(payloads::role).unwrap_or_else(|| {
                    json!({"id": key, "name": format!("role-{id}"), "color": 0, "hoist": false,
                           "position": 1, "permissions": "0", "managed": false,
                           "mentionable": true, "flags": 0, "icon": null, "unicode_emoji": null})
                });
                found.entry("roles").or_default().insert(key, r);
            }
            6 | 9 => {
                found
                    .entry("users")
                    .or_default()
                    .insert(key.clone(), payloads::user(world, id));
                if let Some(g) = who.guild {
                    let mut m = payloads::member(world, g, id, Some(super::world::perms::MEMBER));
                    if let Some(obj) = m.as_object_mut() {
                        obj.remove("user");
                    }
                    found.entry("members").or_default().insert(key, m);
                }
            }
            _ => {}
        }
    }
    found
        .into_iter()
        .map(|(k, v)| (k.to_owned(), Value::Object(v)))
        .collect()
}
