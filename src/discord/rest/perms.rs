//! The bot's own permissions in a guild channel, computed as Discord documents ("Permissions:
//! Permission Overwrites"): `@everyone`'s and its roles' permissions (everything with
//! Administrator), then the channel's overwrites for `@everyone`, for its roles together, then for
//! its member. The guild's roles and the bot's member roles are cached for a minute (and forgotten
//! when the gateway says a channel, a role or a member changed); a channel's overwrites are read
//! each time, so a permission removed from a channel is seen at once.

use super::{id_of, Rest};
use crate::ports::{permission, RestError};
use serde_json::Value;
use std::collections::HashMap;
use std::time::Duration;
use tokio::time::Instant;

/// How long a guild's roles and the bot's member roles are trusted without a gateway event.
const ROLES_TTL: Duration = Duration::from_secs(60);

/// A guild's roles (id → permissions) and the bot's roles there, as cached.
#[derive(Clone)]
pub(super) struct GuildRoles {
    at: Instant,
    roles: HashMap<String, u64>,
    mine: Vec<String>,
}

/// A channel's permission overwrite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overwrite {
    pub id: String,
    /// 0 a role, 1 a member.
    pub kind: u8,
    pub allow: u64,
    pub deny: u64,
}

/// Discord's computation (PURE). `roles` maps role ids to permissions (`@everyone` has the
/// guild's id); `mine` are the member's roles.
pub fn compute(
    guild: &str,
    member: &str,
    roles: &HashMap<String, u64>,
    mine: &[String],
    overwrites: &[Overwrite],
) -> u64 {
    let mut base = roles.get(guild).copied().unwrap_or(0);
    for r in mine {
        base |= roles.get(r).copied().unwrap_or(0);
    }
    if base & permission::ADMINISTRATOR != 0 {
        return u64::MAX;
    }
    let apply = |p: u64, allow: u64, deny: u64| (p & !deny) | allow;
    if let Some(o) = overwrites.iter().find(|o| o.kind == 0 && o.id == guild) {
        base = apply(base, o.allow, o.deny);
    }
    let (mut allow, mut deny) = (0, 0);
    for o in overwrites
        .iter()
        .filter(|o| o.kind == 0 && mine.contains(&o.id))
    {
        allow |= o.allow;
        deny |= o.deny;
    }
    base = apply(base, allow, deny);
    if let Some(o) = overwrites.iter().find(|o| o.kind == 1 && o.id == member) {
        base = apply(base, o.allow, o.deny);
    }
    base
}

fn bits(v: &Value) -> u64 {
    match v {
        Value::String(s) => s.parse().unwrap_or(0),
        other => other.as_u64().unwrap_or(0),
    }
}

fn overwrites(channel: &Value) -> Vec<Overwrite> {
    channel["permission_overwrites"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| Overwrite {
            id: o["id"].as_str().unwrap_or("").to_string(),
            kind: match &o["type"] {
                Value::String(s) => s.parse().unwrap_or(0),
                v => v.as_u64().unwrap_or(0) as u8,
            },
            allow: bits(&o["allow"]),
            deny: bits(&o["deny"]),
        })
        .collect()
}

impl Rest {
    /// The bot's permissions in `channel` of `guild`.
    pub async fn own_permissions(&self, guild: &str, channel: &str) -> Result<u64, RestError> {
        let get = reqwest::Method::GET;
        let ch = self
            .call(get.clone(), &format!("/channels/{channel}"), None, false)
            .await?;
        let me = self.own_user_id().await?;
        let cached = self
            .roles
            .lock()
            .await
            .get(guild)
            .filter(|g| g.at.elapsed() < ROLES_TTL)
            .cloned();
        let g = match cached {
            Some(g) => g,
            None => {
                let list = self
                    .call(get.clone(), &format!("/guilds/{guild}/roles"), None, false)
                    .await?;
                let roles = list
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|r| Some((id_of(r).ok()?, bits(&r["permissions"]))))
                    .collect();
                let member = self
                    .call(get, &format!("/guilds/{guild}/members/{me}"), None, false)
                    .await?;
                let mine = member["roles"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|r| r.as_str().map(str::to_string))
                    .collect();
                let g = GuildRoles {
                    at: Instant::now(),
                    roles,
                    mine,
                };
                self.roles.lock().await.insert(guild.to_string(), g.clone());
                g
            }
        };
        Ok(compute(guild, &me, &g.roles, &g.mine, &overwrites(&ch)))
    }

    /// Forgets the cached roles (a gateway event said a role or a member changed).
    pub fn forget_roles(&self) {
        if let Ok(mut r) = self.roles.try_lock() {
            r.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use permission::VIEW_CHANNEL as VIEW;
    use permission::{ADMINISTRATOR, READ_MESSAGE_HISTORY as RMH, SEND_MESSAGES as SEND};

    fn ow(id: &str, kind: u8, allow: u64, deny: u64) -> Overwrite {
        Overwrite {
            id: id.into(),
            kind,
            allow,
            deny,
        }
    }

    #[test]
    fn overwrites_apply_everyone_then_roles_then_the_member() {
        let roles: HashMap<String, u64> = [
            ("g".to_string(), VIEW | SEND | RMH),
            ("bot".to_string(), SEND),
            ("other".to_string(), 0),
            ("admin".to_string(), ADMINISTRATOR),
        ]
        .into();
        let mine = vec!["bot".to_string()];
        let all = VIEW | SEND | RMH;
        let cases: Vec<(Vec<Overwrite>, u64, &str)> = vec![
            (vec![], all, "roles only"),
            (
                vec![ow("g", 0, 0, RMH)],
                VIEW | SEND,
                "@everyone denied history",
            ),
            (
                vec![ow("g", 0, 0, RMH), ow("bot", 0, RMH, 0)],
                all,
                "its role allows what @everyone denies",
            ),
            (
                vec![ow("bot", 0, 0, RMH), ow("other", 0, 0, VIEW)],
                VIEW | SEND,
                "another role's overwrite does not apply",
            ),
            (
                vec![ow("bot", 0, RMH, 0), ow("1", 1, 0, RMH)],
                VIEW | SEND,
                "the member's overwrite comes last",
            ),
            (
                vec![ow("bot", 0, 0, SEND), ow("g", 1, 0, VIEW)],
                VIEW | RMH,
                "a member overwrite of another id (the guild's) does not apply",
            ),
        ];
        for (ows, want, why) in cases {
            assert_eq!(compute("g", "1", &roles, &mine, &ows), want, "{why}");
        }
        let admin = vec!["admin".to_string()];
        let denied = [ow("g", 0, 0, all)];
        assert_eq!(
            compute("g", "1", &roles, &admin, &denied),
            u64::MAX,
            "admin"
        );
    }

    #[test]
    fn overwrites_are_read_from_a_channel_as_discord_sends_them() {
        let ch = serde_json::json!({"permission_overwrites": [
            {"id": "5", "type": 1, "allow": "65536", "deny": "0"},
            {"id": "6", "type": 0, "allow": "0", "deny": "1024"}
        ]});
        assert_eq!(overwrites(&ch), [ow("5", 1, RMH, 0), ow("6", 0, 0, VIEW)]);
    }
}
