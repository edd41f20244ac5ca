//! The fake's fixed world: the bot, one test guild with channels, roles and members, and the
//! permission bits tests need. Ids are stable snowflakes, the same in every run.

/// Discord permission bits used by the fake (see Discord's permissions reference).
pub mod perms {
    pub const ADMINISTRATOR: u64 = 1 << 3;
    pub const MANAGE_CHANNELS: u64 = 1 << 4;
    pub const ADD_REACTIONS: u64 = 1 << 6;
    pub const VIEW_CHANNEL: u64 = 1 << 10;
    pub const SEND_MESSAGES: u64 = 1 << 11;
    pub const MANAGE_MESSAGES: u64 = 1 << 13;
    pub const EMBED_LINKS: u64 = 1 << 14;
    pub const ATTACH_FILES: u64 = 1 << 15;
    pub const READ_MESSAGE_HISTORY: u64 = 1 << 16;
    pub const MENTION_EVERYONE: u64 = 1 << 17;
    pub const USE_EXTERNAL_EMOJIS: u64 = 1 << 18;
    pub const MANAGE_ROLES: u64 = 1 << 28;
    pub const USE_APPLICATION_COMMANDS: u64 = 1 << 31;
    pub const SEND_MESSAGES_IN_THREADS: u64 = 1 << 38;
    pub const PIN_MESSAGES: u64 = 1 << 51;

    /// What `@everyone` may do in the test guild: an ordinary member.
    pub const MEMBER: u64 = VIEW_CHANNEL
        | SEND_MESSAGES
        | ADD_REACTIONS
        | EMBED_LINKS
        | ATTACH_FILES
        | READ_MESSAGE_HISTORY
        | USE_EXTERNAL_EMOJIS
        | USE_APPLICATION_COMMANDS
        | SEND_MESSAGES_IN_THREADS;
    /// A moderator: a member who may also manage (and pin) messages and manage channels.
    pub const MODERATOR: u64 = MEMBER | MANAGE_MESSAGES | MANAGE_CHANNELS | PIN_MESSAGES;
    /// What the bot is granted by the invite: enough to post, embed, attach, and pin.
    pub const BOT: u64 = VIEW_CHANNEL
        | SEND_MESSAGES
        | EMBED_LINKS
        | ATTACH_FILES
        | READ_MESSAGE_HISTORY
        | MANAGE_MESSAGES
        | PIN_MESSAGES
        | SEND_MESSAGES_IN_THREADS;
}

const BASE: u64 = 1_150_000_000_000_000_000;

/// The ids of the fake's fixed entities. Application id and bot user id are equal, as for every
/// application created since 2020.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ids {
    pub application: u64,
    pub bot_user: u64,
    pub guild: u64,
    /// The guild's owner.
    pub owner: u64,
    /// A learner, the default invoker of interactions.
    pub member: u64,
    /// A member holding the Moderators role.
    pub moderator: u64,
    /// `#general`, the default channel of interactions.
    pub general: u64,
    /// `#study-group`, a second text channel.
    pub study: u64,
    /// `Moderators`: Manage Messages and Manage Channels.
    pub moderator_role: u64,
    /// `Study Group`: a mentionable role with no extra permissions.
    pub study_role: u64,
    /// Two learners holding the Study Group role.
    pub alice: u64,
    pub carol: u64,
}

impl Ids {
    pub const fn fixed() -> Ids {
        Ids {
            application: BASE + 1,
            bot_user: BASE + 1,
            guild: BASE + 100,
            owner: BASE + 201,
            member: BASE + 202,
            moderator: BASE + 203,
            general: BASE + 301,
            study: BASE + 302,
            moderator_role: BASE + 401,
            study_role: BASE + 402,
            alice: BASE + 204,
            carol: BASE + 205,
        }
    }
}

/// A text channel of a guild.
#[derive(Clone, Debug)]
pub struct ChannelInfo {
    pub id: u64,
    pub guild: u64,
    pub name: String,
    pub position: u32,
}

/// A role of a guild; `@everyone` has the guild's id.
#[derive(Clone, Debug)]
pub struct RoleInfo {
    pub id: u64,
    pub name: String,
    pub permissions: u64,
    pub position: u32,
    pub mentionable: bool,
}

/// A user the fake knows by id (any other id is given a synthetic name).
#[derive(Clone, Debug)]
pub struct UserInfo {
    pub id: u64,
    pub name: String,
    pub roles: Vec<u64>,
}

/// A guild with its channels, roles and known members.
#[derive(Clone, Debug)]
pub struct GuildInfo {
    pub id: u64,
    pub name: String,
    pub owner: u64,
    pub channels: Vec<ChannelInfo>,
    pub roles: Vec<RoleInfo>,
    pub members: Vec<UserInfo>,
}

/// Everything the fake serves that does not change while it runs.
#[derive(Clone, Debug)]
pub struct World {
    pub ids: Ids,
    pub token: String,
    pub guilds: Vec<GuildInfo>,
}

impl World {
    /// The test guild plus `extra_guilds` small ones (id `guild + (k << 22)`, one `#general`
    /// each, channel id = guild id + 1), for sharding tests: extra guild `k` is created `k` ms
    /// after the test guild, so `(id >> 22) % shards` gives consecutive guilds consecutive shards
    /// and any `shards` ≤ guild count gets guilds on every shard.
    pub fn new(token: &str, extra_guilds: u32) -> World {
        let ids = Ids::fixed();
        let channel = |id, guild, name: &str, position| ChannelInfo {
            id,
            guild,
            name: name.to_owned(),
            position,
        };
        let role = |id, name: &str, permissions, position, mentionable| RoleInfo {
            id,
            name: name.to_owned(),
            permissions,
            position,
            mentionable,
        };
        let user = |id, name: &str, roles: Vec<u64>| UserInfo {
            id,
            name: name.to_owned(),
            roles,
        };
        let bot_role = ids.study_role + 1;
        let main = GuildInfo {
            id: ids.guild,
            name: "MLOps Study Club".into(),
            owner: ids.owner,
            channels: vec![
                channel(ids.general, ids.guild, "general", 0),
                channel(ids.study, ids.guild, "study-group", 1),
            ],
            roles: vec![
                role(ids.guild, "@everyone", perms::MEMBER, 0, false),
                role(ids.moderator_role, "Moderators", perms::MODERATOR, 3, false),
                role(ids.study_role, "Study Group", 0, 1, true),
                role(bot_role, "curriculum-bot", perms::BOT, 2, false),
            ],
            members: vec![
                user(ids.bot_user, "curriculum-bot", vec![bot_role]),
                user(ids.owner, "club-owner", vec![]),
                user(ids.member, "learner", vec![]),
                user(ids.moderator, "moderator", vec![ids.moderator_role]),
                user(ids.alice, "alice", vec![ids.study_role]),
                user(ids.carol, "carol", vec![ids.study_role]),
            ],
        };
        let mut guilds = vec![main];
        for k in 1..=u64::from(extra_guilds) {
            let id = ids.guild + (k << 22);
            guilds.push(GuildInfo {
                id,
                name: format!("Extra Guild {k}"),
                owner: ids.owner,
                channels: vec![channel(id + 1, id, "general", 0)],
                roles: vec![role(id, "@everyone", perms::MEMBER, 0, false)],
                members: vec![user(ids.bot_user, "curriculum-bot", vec![])],
            });
        }
        World {
            ids,
            token: token.to_owned(),
            guilds,
        }
    }

    pub fn guild(&self, id: u64) -> Option<&GuildInfo> {
        self.guilds.iter().find(|g| g.id == id)
    }

    pub fn channel(&self, id: u64) -> Option<&ChannelInfo> {
        self.guilds
            .iter()
            .flat_map(|g| &g.channels)
            .find(|c| c.id == id)
    }

    pub fn role(&self, id: u64) -> Option<&RoleInfo> {
        self.guilds
            .iter()
            .flat_map(|g| &g.roles)
            .find(|r| r.id == id)
    }

    /// The name the fake gives a user id (known members by name, others `user-<id>`).
    pub fn user_name(&self, id: u64) -> String {
        self.guilds
            .iter()
            .flat_map(|g| &g.members)
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| format!("user-{id}"))
    }

    /// Roles of a user in a guild (known members only).
    pub fn member_roles(&self, guild: u64, user: u64) -> Vec<u64> {
        self.guild(guild)
            .and_then(|g| g.members.iter().find(|m| m.id == user))
            .map(|m| m.roles.clone())
            .unwrap_or_default()
    }

    /// The guild a shard serves, by Discord's formula `(guild_id >> 22) % num_shards`.
    pub fn shard_of(guild: u64, total: u32) -> u32 {
        ((guild >> 22) % u64::from(total.max(1))) as u32
    }
}
