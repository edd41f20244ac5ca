//! Messages as the fake stores them: created from a request body and its uploads (pings
//! computed, attachments settled) and edited in place.

use serde_json::{json, Value};

use super::content::pings;
use super::multipart::Upload;
use super::payloads::{self, MessageParts};
use super::state::{Shared, State, StoredMessage};

/// Creates and stores a message from a request body and its uploads; returns its JSON.
pub fn store(
    shared: &Shared,
    s: &mut State,
    channel: u64,
    (body, uploads): (&Value, &[Upload]),
    author: Value,
    kind: u8,
    interaction: Option<(u64, Value)>,
) -> Value {
    let id = shared.snowflake();
    let content = body["content"].as_str().unwrap_or("");
    let p = pings(content, body.get("allowed_mentions"));
    let ephemeral = body["flags"].as_u64().unwrap_or(0) & 64 != 0;
    let (webhook_id, interaction_metadata) = match interaction {
        Some((app, meta)) => (Some(app), Some(meta)),
        None => (None, None),
    };
    let mut value = payloads::message(MessageParts {
        id,
        channel,
        author,
        body,
        kind,
        mentions: p
            .users
            .iter()
            .map(|u| payloads::user(&shared.world, *u))
            .collect(),
        mention_roles: p.roles.iter().map(u64::to_string).collect(),
        mention_everyone: p.everyone,
        webhook_id,
        interaction_metadata,
    });
    let problems = super::attachments::settle(shared, &mut value, body, uploads, true);
    s.violations.extend(problems);
    s.messages.insert(
        id,
        StoredMessage {
            value: value.clone(),
            channel,
            ephemeral,
            deleted: false,
        },
    );
    value
}

/// Applies an edit body (and its uploads) to a stored message, recomputing its pings when
/// content changes; returns the problems found.
pub fn apply_edit(
    shared: &Shared,
    message: &mut Value,
    body: &Value,
    uploads: &[Upload],
) -> Vec<String> {
    let world = &shared.world;
    for key in ["content", "embeds", "components"] {
        if let Some(v) = body.get(key) {
            message[key] = match (key, v) {
                ("content", Value::Null) => json!(""),
                (_, Value::Null) => json!([]),
                ("components", v) => payloads::numbered_components(v),
                ("embeds", v) => payloads::embeds(v),
                _ => payloads::strip_nulls(v),
            };
        }
    }
    let loading = 128;
    if let Some(flags) = message["flags"].as_u64() {
        // Editing a deferred ("thinking") response replaces the placeholder.
        message["flags"] = json!(flags & !loading);
    }
    if body.get("content").is_some() || body.get("allowed_mentions").is_some() {
        let content = message["content"].as_str().unwrap_or("").to_owned();
        let p = pings(&content, body.get("allowed_mentions"));
        message["mention_everyone"] = json!(p.everyone);
        message["mention_roles"] = p.roles.iter().map(u64::to_string).collect();
        message["mentions"] = p.users.iter().map(|u| payloads::user(world, *u)).collect();
    }
    message["edited_timestamp"] = json!(payloads::now_iso());
    super::attachments::settle(shared, message, body, uploads, false)
}
