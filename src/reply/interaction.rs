//! The transport-neutral `Interaction`: Discord's INTERACTION_CREATE JSON, deserialized the same
//! way whether it came from the gateway, the HTTP endpoint or the `ask` CLI.

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const PING: u8 = 1;
pub const APPLICATION_COMMAND: u8 = 2;
pub const MESSAGE_COMPONENT: u8 = 3;
pub const AUTOCOMPLETE: u8 = 4;

/// Permission bits this bot checks.
pub mod perms {
    pub const ADMINISTRATOR: u64 = 1 << 3;
    pub const MANAGE_CHANNELS: u64 = 1 << 4;
    pub const MANAGE_GUILD: u64 = 1 << 5;
    pub const VIEW_CHANNEL: u64 = 1 << 10;
    pub const SEND_MESSAGES: u64 = 1 << 11;
    pub const MANAGE_MESSAGES: u64 = 1 << 13;
    pub const EMBED_LINKS: u64 = 1 << 14;
    /// Uploading files to a channel (the pinned cards' roadmap picture).
    pub const ATTACH_FILES: u64 = 1 << 15;
    /// Split from Manage Messages by Discord in 2025; pinning needs it.
    pub const PIN_MESSAGES: u64 = 1 << 51;
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Interaction {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub application_id: String,
    #[serde(rename = "type")]
    pub kind: u8,
    #[serde(default)]
    pub data: Option<InteractionData>,
    #[serde(default)]
    pub guild_id: Option<String>,
    #[serde(default)]
    pub channel_id: Option<String>,
    #[serde(default)]
    pub member: Option<Member>,
    #[serde(default)]
    pub user: Option<User>,
    #[serde(default)]
    pub token: String,
    /// The bot's own permissions in the channel, as a decimal bit set.
    #[serde(default)]
    pub app_permissions: Option<String>,
    #[serde(default)]
    pub locale: Option<String>,
    /// The message a clicked component is on.
    #[serde(default)]
    pub message: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InteractionData {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub options: Vec<CommandOption>,
    #[serde(default)]
    pub custom_id: Option<String>,
    #[serde(default)]
    pub component_type: Option<u8>,
    #[serde(default)]
    pub resolved: Option<Value>,
    /// A select menu's chosen values (`null` on a button click from some clients).
    #[serde(default)]
    pub values: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommandOption {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<CommandOption>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focused: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Member {
    #[serde(default)]
    pub user: Option<User>,
    #[serde(default)]
    pub permissions: Option<String>,
    #[serde(default)]
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    #[serde(default)]
    pub username: String,
}

impl Interaction {
    /// The invoking user, in a guild (member.user) or in a DM (user).
    pub fn user_id(&self) -> Option<&str> {
        self.member
            .as_ref()
            .and_then(|m| m.user.as_ref())
            .or(self.user.as_ref())
            .map(|u| u.id.as_str())
    }

    /// The member's permissions; in DMs there is no member and no guild permission.
    pub fn member_permissions(&self) -> u64 {
        parse_bits(self.member.as_ref().and_then(|m| m.permissions.as_deref()))
    }

    /// Whether the member has `bit` (administrators have every bit).
    pub fn member_can(&self, bit: u64) -> bool {
        let p = self.member_permissions();
        p & perms::ADMINISTRATOR != 0 || p & bit == bit
    }

    /// Whether the bot has `bit` in this channel; unknown (`None`) counts as yes so that the
    /// REST call's own error decides.
    pub fn bot_can(&self, bit: u64) -> bool {
        match self.app_permissions.as_deref() {
            None => true,
            Some(s) => {
                let p = parse_bits(Some(s));
                p & perms::ADMINISTRATOR != 0 || p & bit == bit
            }
        }
    }

    pub fn name(&self) -> &str {
        self.data
            .as_ref()
            .and_then(|d| d.name.as_deref())
            .unwrap_or("")
    }

    /// Top-level options, or a subcommand's options.
    pub fn options(&self) -> &[CommandOption] {
        self.data.as_ref().map_or(&[], |d| d.options.as_slice())
    }
}

fn parse_bits(s: Option<&str>) -> u64 {
    s.and_then(|s| s.parse().ok()).unwrap_or(0)
}

/// Looks an option up by name among `opts`.
pub fn option<'a>(opts: &'a [CommandOption], name: &str) -> Option<&'a CommandOption> {
    opts.iter().find(|o| o.name == name)
}

/// The focused option of an autocomplete interaction, at any depth.
pub fn focused(opts: &[CommandOption]) -> Option<&CommandOption> {
    opts.iter().find_map(|o| {
        if o.focused == Some(true) {
            Some(o)
        } else {
            focused(&o.options)
        }
    })
}
