//! Ports: the traits the bot's logic calls for I/O, below every module that uses or implements
//! them. `Discord` is what effects and delivery need from Discord's REST API (the real one is
//! `discord::rest::Rest`; tests use in-memory ones); `RestError` is its typed failure. The store's
//! port is `store::Store`.

use crate::reply;

/// Discord's JSON error codes the bot acts on.
pub const CANNOT_DM: u64 = 50007;
pub const UNKNOWN_MESSAGE: u64 = 10008;
pub const UNKNOWN_CHANNEL: u64 = 10003;
pub const MISSING_ACCESS: u64 = 50001;
pub const MISSING_PERMISSIONS: u64 = 50013;

#[derive(Debug, thiserror::Error)]
pub enum RestError {
    #[error("Discord answered {status} (code {code}): {message}")]
    Discord {
        status: u16,
        code: u64,
        message: String,
    },
    #[error("Discord kept failing ({status}) after {attempts} attempts")]
    GaveUp { status: u16, attempts: u32 },
    /// A server error to a call that is not resent blindly (a create with a nonce): it may or may
    /// not have been done.
    #[error("Discord answered {0}: it may or may not have been done")]
    Unanswered(u16),
    #[error("could not reach Discord: {0}")]
    Transport(String),
    /// Not sent at all: the call could not start before its deadline (pacing, buckets, 429s).
    #[error("not sent: it could not start before its deadline")]
    Late,
}

impl RestError {
    pub fn code(&self) -> Option<u64> {
        match self {
            RestError::Discord { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// The target is gone or closed to us for good: DMs closed, channel deleted, access lost.
    pub fn is_target_gone(&self) -> bool {
        matches!(
            self,
            RestError::Discord {
                status: 403 | 404,
                ..
            }
        )
    }

    pub fn is_missing_access(&self) -> bool {
        matches!(self, RestError::Discord { status: 403, .. })
    }

    /// Whether a create that failed this way may still have created the message: a 5xx or a
    /// timeout to the end, or a connection lost before the answer. A 4xx (a 429 included) never
    /// creates anything.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            RestError::Discord { .. } | RestError::Late => false,
            RestError::GaveUp { status, .. } => *status != 429,
            RestError::Unanswered(_) | RestError::Transport(_) => true,
        }
    }
}

/// Posts `message` in `channel` once: with a fresh nonce, retrying an unknown outcome (a 5xx, a
/// timeout, a lost answer) twice at once, well within Discord's nonce memory ("the past few
/// minutes"), so a retry never posts a second copy. For posts a member is waiting on.
pub async fn post_once(
    discord: &dyn Discord,
    channel: &str,
    message: &reply::Message,
) -> Result<String, RestError> {
    let nonce = fresh_nonce();
    let mut tries = 0;
    loop {
        match discord.create_message(channel, message, Some(&nonce)).await {
            Err(e) if e.outcome_unknown() && tries < 2 => {
                tries += 1;
                tracing::warn!(error = %e, channel, "posting: outcome unknown; again, same nonce");
                tokio::time::sleep(std::time::Duration::from_millis(250)).await;
            }
            other => return other,
        }
    }
}

/// A nonce for one post: unique in this process, at most 25 characters as Discord allows.
fn fresh_nonce() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let n = N.fetch_add(1, Ordering::Relaxed) % 4096;
    format!("o{nanos:x}{n:03x}")
}

/// Permission bits the bot needs in a study group's channel to post a reminder and to read it back
/// (Discord's permissions reference).
pub mod permission {
    pub const ADMINISTRATOR: u64 = 1 << 3;
    pub const VIEW_CHANNEL: u64 = 1 << 10;
    pub const SEND_MESSAGES: u64 = 1 << 11;
    pub const READ_MESSAGE_HISTORY: u64 = 1 << 16;
    /// What a reminder channel needs: see it, post in it, read its history back (reconciliation).
    pub const REMINDERS: [(u64, &str); 3] = [
        (VIEW_CHANNEL, "View Channel"),
        (SEND_MESSAGES, "Send Messages"),
        (READ_MESSAGE_HISTORY, "Read Message History"),
    ];

    /// The names of the reminder permissions missing from `have`, in Discord's order.
    pub fn missing_for_reminders(have: u64) -> Vec<&'static str> {
        REMINDERS
            .iter()
            .filter(|(bit, _)| have & bit == 0)
            .map(|(_, name)| *name)
            .collect()
    }

    /// Whether the bot can read back what it posted: View Channel and Read Message History
    /// (without the latter Discord lists nothing, and says nothing).
    pub fn can_read_history(have: u64) -> bool {
        have & VIEW_CHANNEL != 0 && have & READ_MESSAGE_HISTORY != 0
    }
}

/// A message read back from a channel: enough to recognize one the bot sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedMessage {
    pub id: String,
    pub author_id: String,
    /// The `custom_id`s of its components (Discord returns them for the app's own messages even
    /// without the Message Content intent).
    pub custom_ids: Vec<String>,
}

/// What effects need from Discord's REST API; the real one is `discord::rest::Rest`.
#[async_trait::async_trait]
pub trait Discord: Send + Sync {
    /// Posts `message` in `channel` (uploading its files), returning the new message's id.
    async fn create_message(
        &self,
        channel: &str,
        message: &reply::Message,
        nonce: Option<&str>,
    ) -> Result<String, RestError>;
    async fn pin(&self, channel: &str, message: &str) -> Result<(), RestError>;
    /// Replaces the content, embeds, components and attachments of our `message` in `channel`
    /// (a pin stays pinned; `edit`'s files replace the old ones):
    /// `PATCH /channels/{channel}/messages/{message}`.
    async fn edit_message(
        &self,
        channel: &str,
        message: &str,
        edit: &reply::Message,
    ) -> Result<(), RestError>;
    /// [`Discord::create_message`] that only starts before `start_by`: when pacing, a bucket or
    /// 429s hold it until then, it gives up having sent nothing ([`RestError::Late`]). A
    /// delivery passes its lease's end less a margin, so no create of it is still on its way
    /// when another worker may take the claim over.
    async fn create_message_before(
        &self,
        channel: &str,
        message: &reply::Message,
        nonce: Option<&str>,
        start_by: tokio::time::Instant,
    ) -> Result<String, RestError> {
        if tokio::time::Instant::now() > start_by {
            return Err(RestError::Late);
        }
        self.create_message(channel, message, nonce).await
    }
    /// The bot's own permissions in `channel` of `guild`, as Discord computes them: `@everyone`
    /// and its roles, Administrator, then the channel's overwrites (`@everyone`, its roles, its
    /// member). `None` when this Discord doesn't model permissions (in-memory fakes).
    async fn own_permissions(&self, guild: &str, channel: &str) -> Result<Option<u64>, RestError> {
        let _ = (guild, channel);
        Ok(None)
    }
    /// Forgets cached permissions (a channel, a role or the bot's member changed).
    fn permissions_changed(&self) {}
    /// Opens (or finds) the DM channel with `user`, returning its id.
    async fn create_dm(&self, user: &str) -> Result<String, RestError>;
    /// Up to `limit` (1..=100) messages of `channel` created after the snowflake `after`,
    /// oldest first (`GET /channels/{id}/messages?after=…`).
    async fn messages_after(
        &self,
        channel: &str,
        after: u64,
        limit: u8,
    ) -> Result<Vec<PostedMessage>, RestError>;
    /// The bot's own user id (`GET /users/@me`, fetched once).
    async fn own_user_id(&self) -> Result<String, RestError>;
}
