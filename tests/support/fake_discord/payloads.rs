//! JSON bodies the fake sends, shaped like Discord's: users, members, roles, channels, guilds,
//! messages, READY, gateway info and error bodies. `tests/fake_discord.rs` checks each against
//! serenity's models and the spec's response schemas.

use serde_json::{json, Map, Value};

use super::world::{ChannelInfo, GuildInfo, RoleInfo, World};

/// Discord's epoch (2015-01-01) in Unix milliseconds.
pub const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// Now, as Discord writes timestamps (RFC 3339 with microseconds and offset).
pub fn now_iso() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%S%.6f+00:00")
        .to_string()
}

/// The moment a snowflake was created, as an RFC 3339 timestamp.
pub fn snowflake_time(id: u64) -> String {
    let ms = (id >> 22) + DISCORD_EPOCH_MS;
    jiff::Timestamp::from_millisecond(ms as i64)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string())
        .unwrap_or_else(|_| now_iso())
}

/// Discord's error body: `{"message", "code"}` plus optional per-field `errors`.
pub fn error_body(code: u64, message: &str) -> Value {
    json!({ "message": message, "code": code })
}

/// 400 / 50035 Invalid Form Body, with the problems listed under `errors._errors`.
pub fn invalid_form_body(problems: &[String]) -> Value {
    let errors: Vec<Value> = problems
        .iter()
        .map(|p| json!({"code": "BASE_TYPE_INVALID", "message": p}))
        .collect();
    json!({
        "message": "Invalid Form Body",
        "code": 50035,
        "errors": { "_errors": errors },
    })
}

pub fn user(world: &World, id: u64) -> Value {
    let name = world.user_name(id);
    let bot = id == world.ids.bot_user;
    json!({
        "id": id.to_string(),
        "username": name,
        "discriminator": if bot { "4821" } else { "0" },
        "global_name": if bot { Value::Null } else { Value::String(name.clone()) },
        "avatar": null,
        "bot": bot,
        "public_flags": 0,
        "flags": 0,
        "banner": null,
        "accent_color": null,
        "avatar_decoration_data": null,
        "collectibles": null,
        "primary_guild": null,
    })
}

/// The bot user as `GET /users/@me` returns it.
pub fn current_user(world: &World) -> Value {
    let mut u = user(world, world.ids.bot_user);
    let extra = json!({
        "mfa_enabled": true,
        "locale": "en-US",
        "premium_type": 0,
        "verified": true,
        "email": null,
    });
    merge(&mut u, extra);
    u
}

/// A guild member. `permissions` is present only in interaction payloads.
pub fn member(world: &World, guild: u64, user_id: u64, permissions: Option<u64>) -> Value {
    let mut m = json!({
        "user": user(world, user_id),
        "nick": null,
        "avatar": null,
        "banner": null,
        "roles": world.member_roles(guild, user_id).iter().map(u64::to_string).collect::<Vec<_>>(),
        "joined_at": snowflake_time(guild),
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "communication_disabled_until": null,
        "unusual_dm_activity_until": null,
    });
    if let Some(p) = permissions {
        m["permissions"] = Value::String(p.to_string());
    }
    m
}

pub fn role(r: &RoleInfo) -> Value {
    json!({
        "id": r.id.to_string(),
        "name": r.name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": r.position,
        "permissions": r.permissions.to_string(),
        "managed": r.name == "curriculum-bot",
        "mentionable": r.mentionable,
        "flags": 0,
    })
}

/// A guild text channel (type 0).
pub fn guild_channel(c: &ChannelInfo) -> Value {
    json!({
        "id": c.id.to_string(),
        "type": 0,
        "guild_id": c.guild.to_string(),
        "name": c.name,
        "position": c.position,
        "permission_overwrites": [],
        "topic": null,
        "nsfw": false,
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "parent_id": null,
        "flags": 0,
    })
}

/// A DM channel (type 1) with one recipient.
pub fn dm_channel(world: &World, id: u64, recipient: u64) -> Value {
    json!({
        "id": id.to_string(),
        "type": 1,
        "last_message_id": null,
        "flags": 0,
        "recipients": [user(world, recipient)],
    })
}

/// The full guild object of GUILD_CREATE.
pub fn guild_create(world: &World, g: &GuildInfo) -> Value {
    let members: Vec<Value> = g
        .members
        .iter()
        .map(|m| member(world, g.id, m.id, None))
        .collect();
    let mut guild = json!({
        "id": g.id.to_string(),
        "name": g.name,
        "icon": null, "icon_hash": null, "splash": null, "discovery_splash": null,
        "owner_id": g.owner.to_string(),
        "afk_channel_id": null, "afk_timeout": 300,
        "widget_enabled": false, "widget_channel_id": null,
        "verification_level": 1, "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "roles": g.roles.iter().map(role).collect::<Vec<_>>(),
        "emojis": [], "stickers": [], "features": [],
        "mfa_level": 0, "application_id": null,
        "system_channel_id": g.channels.first().map(|c| c.id.to_string()),
        "system_channel_flags": 0, "rules_channel_id": null,
        "max_presences": null, "max_members": 500000, "vanity_url_code": null,
        "description": null, "banner": null, "premium_tier": 0,
        "premium_subscription_count": 0, "preferred_locale": "en-US",
    });
    let gateway_only = json!({
        "public_updates_channel_id": null, "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50, "nsfw_level": 0,
        "premium_progress_bar_enabled": false, "safety_alerts_channel_id": null,
        "incidents_data": null,
        "joined_at": snowflake_time(g.id),
        "large": false, "unavailable": false,
        "member_count": members.len(),
        "voice_states": [], "members": members,
        "channels": g.channels.iter().map(guild_channel).collect::<Vec<_>>(),
        "threads": [], "presences": [], "stage_instances": [],
        "guild_scheduled_events": [], "soundboard_sounds": [],
        "lazy": true,
    });
    merge(&mut guild, gateway_only);
    guild
}

/// The READY dispatch's data.
pub fn ready(world: &World, session_id: &str, resume_url: &str, shard: [u32; 2]) -> Value {
    let guilds: Vec<Value> = world
        .guilds
        .iter()
        .filter(|g| World::shard_of(g.id, shard[1]) == shard[0])
        .map(|g| json!({"id": g.id.to_string(), "unavailable": true}))
        .collect();
    json!({
        "v": 10,
        "user": current_user(world),
        "user_settings": {},
        "guilds": guilds,
        "presences": [],
        "private_channels": [],
        "relationships": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": ["europe", "us-east"],
        "session_type": "normal",
        "session_id": session_id,
        "resume_gateway_url": resume_url,
        "shard": shard,
        "application": { "id": world.ids.application.to_string(), "flags": 8_953_856 },
        "_trace": ["[\"fake-discord-gateway\",{\"micros\":0}]"],
    })
}

/// `GET /gateway/bot`.
pub fn gateway_bot(url: &str, shards: u32) -> Value {
    json!({
        "url": url,
        "shards": shards,
        "session_start_limit": {
            "total": 1000, "remaining": 999, "reset_after": 86_400_000, "max_concurrency": 1,
        },
    })
}

/// `GET /applications/@me` and `GET /oauth2/applications/@me`.
pub fn application(world: &World) -> Value {
    json!({
        "id": world.ids.application.to_string(),
        "name": "curriculum-bot",
        "icon": null,
        "description": "Curriculum lookups and weekly reminders",
        "type": null,
        "bot": user(world, world.ids.bot_user),
        "summary": "",
        "bot_public": true,
        "bot_require_code_grant": false,
        "verify_key": "0".repeat(64),
        "flags": 8_953_856,
        "hook": true,
        "is_monetized": false,
        "is_verified": false,
        "is_discoverable": false,
        "owner": user(world, world.ids.owner),
        "team": null,
        "redirect_uris": [],
        "interactions_endpoint_url": null,
        "integration_types_config": {"0": {}},
        "flags_new": "8953856",
        "role_connections_verification_url": null,
        "approximate_guild_count": world.guilds.len(),
        "approximate_user_install_count": 0,
        "approximate_user_authorization_count": 0,
        "explicit_content_filter": 0,
        "eligible_oauth2_scopes": ["bot", "applications.commands"],
    })
}

/// A created message: the request's fields, plus what Discord adds.
pub struct MessageParts<'a> {
    pub id: u64,
    pub channel: u64,
    pub author: Value,
    pub body: &'a Value,
    /// 0 default, 19 reply, 20 chat input command, 23 context menu.
    pub kind: u8,
    pub mentions: Value,
    pub mention_roles: Value,
    pub mention_everyone: bool,
    pub webhook_id: Option<u64>,
    pub interaction_metadata: Option<Value>,
}

pub fn message(p: MessageParts<'_>) -> Value {
    let body = p.body;
    let mut m = json!({
        "id": p.id.to_string(),
        "channel_id": p.channel.to_string(),
        "author": p.author,
        "content": body["content"].as_str().unwrap_or(""),
        "timestamp": snowflake_time(p.id),
        "edited_timestamp": null,
        "tts": body["tts"].as_bool().unwrap_or(false),
        "mention_everyone": p.mention_everyone,
        "mentions": p.mentions,
        "mention_roles": p.mention_roles,
        "attachments": [],
        "embeds": embeds(&body["embeds"]),
        "pinned": false,
        "type": p.kind,
        "flags": body["flags"].as_u64().unwrap_or(0),
        "components": numbered_components(&body["components"]),
    });
    if let Some(nonce) = body.get("nonce").filter(|n| !n.is_null()) {
        m["nonce"] = nonce.clone();
    }
    if let Some(w) = p.webhook_id {
        m["webhook_id"] = json!(w.to_string());
        m["application_id"] = json!(w.to_string());
    }
    if let Some(meta) = p.interaction_metadata {
        m["interaction_metadata"] = meta;
    }
    m
}

/// Embeds as Discord returns them: without nulls, `type: rich`, fields with `inline`.
pub fn embeds(embeds: &Value) -> Value {
    let mut out = match strip_nulls(embeds) {
        Value::Array(list) => list,
        _ => Vec::new(),
    };
    for e in out.iter_mut().filter_map(Value::as_object_mut) {
        e.insert("type".into(), json!("rich"));
        let fields = e.get_mut("fields").and_then(Value::as_array_mut);
        for f in fields
            .into_iter()
            .flatten()
            .filter_map(Value::as_object_mut)
        {
            f.entry("inline").or_insert(json!(false));
        }
    }
    Value::Array(out)
}

/// Components as Discord returns them: without nulls, each with a numeric `id` (depth first,
/// from 1) unless the request gave one.
pub fn numbered_components(components: &Value) -> Value {
    fn walk(v: &mut Value, next: &mut u64) {
        let Some(list) = v.as_array_mut() else { return };
        for c in list.iter_mut().filter_map(Value::as_object_mut) {
            c.entry("id").or_insert(json!(*next));
            *next += 1;
            if let Some(inner) = c.get_mut("components") {
                walk(inner, next);
            }
        }
    }
    let mut out = match strip_nulls(components) {
        Value::Array(list) => Value::Array(list),
        _ => json!([]),
    };
    walk(&mut out, &mut 1);
    out
}

/// Copies a JSON value without `null` object members (Discord omits unset fields).
pub fn strip_nulls(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), strip_nulls(v)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip_nulls).collect()),
        other => other.clone(),
    }
}

/// Shallow merge of `extra`'s members into `base`.
pub fn merge(base: &mut Value, extra: Value) {
    if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
        b.extend(e);
    }
}
