//! REST routes on channels, messages, DMs, pins, users, guilds and the gateway URL. Each answers
//! like Discord, including its errors: 10003 Unknown Channel, 10008 Unknown Message, 50007 Cannot
//! send messages to this user, 50013 Missing Permissions (also for uploads without Attach Files
//! in a guild channel), 50006 empty message, and `nonce` +
//! `enforce_nonce` deduplication on message creation for `Options::nonce_window` only ("the past
//! few minutes"). Reading a channel's messages honours `after` / `before` / `around` / `limit`,
//! needs View Channel, and answers an empty list without Read Message History; without the
//! Message Content intent other authors' messages come back without content, embeds,
//! attachments or components.

use serde_json::{json, Value};

use super::content::message_problems;
use super::payloads;
use super::rest::{Reply, Request};
use super::state::{Shared, State, StoredMessage};
use super::world::perms;

type Out = Option<(Reply, Vec<String>)>;

/// Handles the routes of this module; `None` for any other route.
pub fn handle(shared: &Shared, req: &Request<'_>) -> Out {
    let world = &shared.world;
    let plain = |r: Reply| Some((r, Vec::new()));
    match (req.op.method.as_str(), req.op.template.as_str()) {
        ("get", "/gateway") => plain(Reply::ok(json!({ "url": shared.gateway_url() }))),
        ("get", "/gateway/bot") => plain(Reply::ok(payloads::gateway_bot(
            &shared.gateway_url(),
            shared.opts.shards,
        ))),
        ("get", "/users/@me") => plain(Reply::ok(payloads::current_user(world))),
        ("get", "/users/{user_id}") => plain(Reply::ok(payloads::user(world, req.id("user_id")))),
        ("get", "/applications/@me" | "/oauth2/applications/@me") => {
            plain(Reply::ok(payloads::application(world)))
        }
        ("get", "/guilds/{guild_id}/channels") => plain(match world.guild(req.id("guild_id")) {
            Some(g) => {
                let s = shared.read();
                Reply::ok(g.channels.iter().map(|c| with_overwrites(&s, c)).collect())
            }
            None => Reply::error(404, 10004, "Unknown Guild"),
        }),
        ("get", "/guilds/{guild_id}/roles") => plain(match world.guild(req.id("guild_id")) {
            Some(g) => Reply::ok(g.roles.iter().map(payloads::role).collect()),
            None => Reply::error(404, 10004, "Unknown Guild"),
        }),
        ("get", "/guilds/{guild_id}/members/{user_id}") => {
            let (g, u) = (req.id("guild_id"), req.id("user_id"));
            let known = world
                .guild(g)
                .is_some_and(|g| g.members.iter().any(|m| m.id == u));
            plain(match known {
                true => Reply::ok(payloads::member(world, g, u, None)),
                false => Reply::error(404, 10007, "Unknown Member"),
            })
        }
        ("post", "/users/@me/channels") => plain(create_dm(shared, req)),
        ("get", "/channels/{channel_id}") => {
            let c = req.id("channel_id");
            plain(shared.update(|s| {
                match channel_state(shared, s, c) {
                    Err(r) => r,
                    Ok(Some(user)) => Reply::ok(payloads::dm_channel(world, c, user)),
                    Ok(None) => Reply::ok(
                        world
                            .channel(c)
                            .map(|c| with_overwrites(s, c))
                            .unwrap_or_default(),
                    ),
                }
            }))
        }
        ("post", "/channels/{channel_id}/messages") => Some(create_message(shared, req)),
        ("get", "/channels/{channel_id}/messages") => plain(list_messages(shared, req)),
        ("get" | "patch" | "delete", "/channels/{channel_id}/messages/{message_id}") => {
            let (c, m) = (req.id("channel_id"), req.id("message_id"));
            Some(shared.update(|s| {
                // Uploads to a guild channel need Attach Files (DMs don't).
                let may_attach = world.channel(c).is_none()
                    || s.bot_permissions(world, c) & perms::ATTACH_FILES != 0;
                match s.messages.get_mut(&m) {
                    Some(msg) if msg.channel == c && !msg.deleted && !msg.ephemeral => {
                        match req.op.method.as_str() {
                            "get" => (Reply::ok(msg.value.clone()), Vec::new()),
                            "delete" => {
                                msg.deleted = true;
                                (Reply::no_content(), Vec::new())
                            }
                            _ if !req.uploads.is_empty() && !may_attach => {
                                (Reply::error(403, 50013, "Missing Permissions"), Vec::new())
                            }
                            _ => {
                                let problems = message_problems(req.body, false);
                                if !problems.is_empty() {
                                    return (
                                        Reply::error(400, 50035, "Invalid Form Body"),
                                        problems,
                                    );
                                }
                                let problems = super::stored::apply_edit(
                                    shared,
                                    &mut msg.value,
                                    req.body,
                                    req.uploads,
                                );
                                (Reply::ok(msg.value.clone()), problems)
                            }
                        }
                    }
                    _ => (Reply::error(404, 10008, "Unknown Message"), Vec::new()),
                }
            }))
        }
        ("put" | "delete", "/channels/{channel_id}/pins/{message_id}")
        | ("put" | "delete", "/channels/{channel_id}/messages/pins/{message_id}") => {
            plain(pin(shared, req, req.op.method == "put"))
        }
        ("get", "/channels/{channel_id}/pins") => plain(Reply::ok(
            pinned(shared, req.id("channel_id"))
                .into_iter()
                .map(|(_, m)| m)
                .collect(),
        )),
        ("get", "/channels/{channel_id}/messages/pins") => {
            let items: Vec<Value> = pinned(shared, req.id("channel_id"))
                .into_iter()
                .map(|(at, m)| json!({"pinned_at": at, "message": m}))
                .collect();
            plain(Reply::ok(json!({"items": items, "has_more": false})))
        }
        _ => None,
    }
}

/// A guild channel with the overwrites it has now.
fn with_overwrites(s: &State, c: &super::world::ChannelInfo) -> Value {
    let mut v = payloads::guild_channel(c);
    v["permission_overwrites"] = s.overwrites_json(c.id);
    v
}

/// `Ok(Some(user))` for a DM channel, `Ok(None)` for a guild channel, `Err` when unknown/gone.
fn channel_state(shared: &Shared, s: &State, channel: u64) -> Result<Option<u64>, Reply> {
    if s.deleted_channels.contains(&channel) {
        return Err(Reply::error(404, 10003, "Unknown Channel"));
    }
    if let Some(user) = s.dm_recipients.get(&channel) {
        return Ok(Some(*user));
    }
    match shared.world.channel(channel) {
        Some(_) => Ok(None),
        None => Err(Reply::error(404, 10003, "Unknown Channel")),
    }
}

fn create_dm(shared: &Shared, req: &Request<'_>) -> Reply {
    let recipient = req.body["recipient_id"]
        .as_str()
        .and_then(|r| r.parse::<u64>().ok())
        .or(req.body["recipient_id"].as_u64());
    let Some(user) = recipient else {
        return Reply::error(400, 50035, "Invalid Form Body");
    };
    let id = shared.update(|s| match s.dm_channels.get(&user) {
        Some(id) => *id,
        None => {
            let id = shared.snowflake();
            s.dm_channels.insert(user, id);
            s.dm_recipients.insert(id, user);
            id
        }
    });
    Reply::ok(payloads::dm_channel(&shared.world, id, user))
}

fn create_message(shared: &Shared, req: &Request<'_>) -> (Reply, Vec<String>) {
    let channel = req.id("channel_id");
    let problems = message_problems(req.body, true);
    if !problems.is_empty() {
        let code = if problems.iter().any(|p| p.contains("50006")) {
            50006
        } else {
            50035
        };
        return (Reply::error(400, code, "Invalid Form Body"), problems);
    }
    shared.update(|s| {
        let dm_user = match channel_state(shared, s, channel) {
            Ok(user) => user,
            Err(reply) => return (reply, Vec::new()),
        };
        match dm_user {
            Some(user) if s.closed_dms.contains(&user) => {
                return (
                    Reply::error(403, 50007, "Cannot send messages to this user"),
                    Vec::new(),
                );
            }
            Some(_) => {}
            None => {
                let have = s.bot_permissions(&shared.world, channel);
                if have & perms::VIEW_CHANNEL == 0 {
                    return (Reply::error(403, 50001, "Missing Access"), Vec::new());
                }
                let attaching = !req.uploads.is_empty() && have & perms::ATTACH_FILES == 0;
                if have & perms::SEND_MESSAGES == 0 || attaching {
                    return (Reply::error(403, 50013, "Missing Permissions"), Vec::new());
                }
            }
        }
        let nonce = req
            .body
            .get("nonce")
            .filter(|n| !n.is_null())
            .map(|n| match n {
                Value::String(t) => t.clone(),
                other => other.to_string(),
            });
        let enforce = req.body["enforce_nonce"].as_bool().unwrap_or(false);
        if let (Some(n), true) = (&nonce, enforce) {
            let window = shared.opts.nonce_window;
            let existing = s
                .nonces
                .get(&(channel, n.clone()))
                .filter(|(_, at)| at.elapsed() < window)
                .and_then(|(id, _)| s.messages.get(id));
            if let Some(m) = existing {
                return (Reply::ok(m.value.clone()), Vec::new());
            }
        }
        let author = payloads::user(&shared.world, shared.world.ids.bot_user);
        let value = store_message(shared, s, channel, req, author);
        let id = value["id"]
            .as_str()
            .and_then(|i| i.parse().ok())
            .unwrap_or(0);
        s.channel_messages.entry(channel).or_default().push(id);
        if let Some(n) = nonce {
            s.nonces
                .insert((channel, n), (id, std::time::Instant::now()));
        }
        (Reply::ok(value), Vec::new())
    })
}

/// `GET /channels/{id}/messages`: up to `limit` (default 50) messages after, before or around a
/// snowflake (else the latest), newest first, as Discord answers.
fn list_messages(shared: &Shared, req: &Request<'_>) -> Reply {
    let c = req.id("channel_id");
    let s = shared.read();
    let dm = match channel_state(shared, &s, c) {
        Ok(dm) => dm,
        Err(reply) => return reply,
    };
    if dm.is_none() {
        let have = s.bot_permissions(&shared.world, c);
        if have & perms::VIEW_CHANNEL == 0 {
            return Reply::error(403, 50001, "Missing Access");
        }
        if have & perms::READ_MESSAGE_HISTORY == 0 {
            // No error: the history is simply not there for the bot.
            return Reply::ok(json!([]));
        }
    }
    let query = |name: &str| -> Option<u64> {
        req.query
            .split('&')
            .find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
    };
    let limit = query("limit").unwrap_or(50).clamp(1, 100) as usize;
    let mut list: Vec<(u64, &StoredMessage)> = s
        .messages
        .iter()
        .filter(|(_, m)| m.channel == c && !m.ephemeral && !m.deleted)
        .map(|(id, m)| (*id, m))
        .collect();
    list.sort_by_key(|(id, _)| *id);
    let page: Vec<&(u64, &StoredMessage)> = match (query("after"), query("before"), query("around"))
    {
        (Some(after), _, _) => list
            .iter()
            .filter(|(id, _)| *id > after)
            .take(limit)
            .collect(),
        (None, Some(before), _) => {
            let older: Vec<_> = list.iter().filter(|(id, _)| *id < before).collect();
            older[older.len().saturating_sub(limit)..].to_vec()
        }
        (None, None, Some(around)) => {
            let at = list.partition_point(|(id, _)| *id < around);
            let from = at.saturating_sub(limit / 2);
            list[from..(from + limit).min(list.len())].iter().collect()
        }
        (None, None, None) => list[list.len().saturating_sub(limit)..].iter().collect(),
    };
    let bot = shared.world.ids.bot_user.to_string();
    let out: Vec<Value> = page
        .iter()
        .rev()
        .map(|(_, m)| {
            let mut v = m.value.clone();
            let own = v["author"]["id"].as_str() == Some(bot.as_str());
            if dm.is_none() && !own {
                // No Message Content intent: only the app's own messages and DMs keep theirs.
                v["content"] = json!("");
                for key in ["embeds", "attachments", "components"] {
                    v[key] = json!([]);
                }
            }
            v
        })
        .collect();
    Reply::ok(Value::from(out))
}

/// Creates and stores a message from a request body; returns its JSON.
fn store_message(
    shared: &Shared,
    s: &mut State,
    channel: u64,
    req: &Request<'_>,
    author: Value,
) -> Value {
    super::stored::store(shared, s, channel, (req.body, req.uploads), author, 0, None)
}

fn pin(shared: &Shared, req: &Request<'_>, add: bool) -> Reply {
    let (channel, message) = (req.id("channel_id"), req.id("message_id"));
    shared.update(|s| {
        let dm = match channel_state(shared, s, channel) {
            Ok(dm) => dm,
            Err(reply) => return reply,
        };
        let allowed = perms::MANAGE_MESSAGES | perms::PIN_MESSAGES;
        if dm.is_none() && s.bot_permissions(&shared.world, channel) & allowed == 0 {
            return Reply::error(403, 50013, "Missing Permissions");
        }
        match s.messages.get_mut(&message) {
            Some(m) if m.channel == channel && !m.deleted && !m.ephemeral => {
                m.value["pinned"] = json!(add);
            }
            _ => return Reply::error(404, 10008, "Unknown Message"),
        }
        let pins = s.pins.entry(channel).or_default();
        match add {
            true if pins.contains(&message) => {}
            true if pins.len() >= 50 => {
                return Reply::error(400, 30003, "Maximum number of pins reached (50)")
            }
            true => pins.push(message),
            false => pins.retain(|m| *m != message),
        }
        Reply::no_content()
    })
}

/// Pinned messages of a channel, newest pin first, with a pin timestamp.
fn pinned(shared: &Shared, channel: u64) -> Vec<(String, Value)> {
    let s = shared.read();
    let ids = s.pins.get(&channel).cloned().unwrap_or_default();
    ids.iter()
        .rev()
        .filter_map(|id| s.messages.get(id))
        .map(|m| (payloads::now_iso(), m.value.clone()))
        .collect()
}
