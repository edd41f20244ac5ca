//! The in-memory Discord's channels as reconciliation sees them: other authors' messages (other
//! bots' with look-alike buttons, members'), messages deleted by a moderator, the bot's
//! permissions per channel (without Read Message History a read lists nothing, as Discord's
//! does) and slow sends (a create held by pacing before it starts, or answered late).

use super::{MemDiscord, MemState, BOT_USER, DISCORD_EPOCH_MS};
use crate::ports::{permission, PostedMessage, RestError};
use crate::reply::Message;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

#[derive(Default)]
pub(super) struct More {
    /// (channel, message) written by someone else.
    foreign: Vec<(String, PostedMessage)>,
    deleted: HashSet<String>,
    pub(super) permissions: HashMap<String, u64>,
    /// Every create waits this long (pacing, a bucket) before it may start.
    start_delay: Duration,
    /// Every create that started is made and answered this much later.
    answer_delay: Duration,
}

impl MemDiscord {
    /// A snowflake for now: the clock's timestamp and a counter.
    pub(super) fn snowflake(&self, s: &mut MemState) -> String {
        s.next_id += 1;
        let ms = self.clock.now_ms() - DISCORD_EPOCH_MS;
        ((ms.max(0) << 22) + (s.next_id as i64 & 0x3f_ffff)).to_string()
    }

    /// Posts a message by `author` in `channel` carrying these button `custom_id`s; its id.
    pub fn post_as(&self, channel: &str, author: &str, custom_ids: &[String]) -> String {
        let mut s = self.state();
        let id = self.snowflake(&mut s);
        let m = PostedMessage {
            id: id.clone(),
            author_id: author.to_string(),
            custom_ids: custom_ids.to_vec(),
        };
        s.more.foreign.push((channel.to_string(), m));
        id
    }

    /// A moderator deletes message `id`.
    pub fn delete(&self, id: &str) {
        self.state().more.deleted.insert(id.to_string());
    }

    /// The bot's permissions in `channel` (unset: not modelled, `own_permissions` says `None`).
    pub fn set_permissions(&self, channel: &str, bits: u64) {
        self.state()
            .more
            .permissions
            .insert(channel.to_string(), bits);
    }

    /// Every create waits `d` (paced) before it starts.
    pub fn delay_starts(&self, d: Duration) {
        self.state().more.start_delay = d;
    }

    /// Every create that started is made and answered `d` later.
    pub fn delay_answers(&self, d: Duration) {
        self.state().more.answer_delay = d;
    }

    pub(super) async fn create_before(
        &self,
        channel: &str,
        message: &Message,
        nonce: Option<&str>,
        start_by: tokio::time::Instant,
    ) -> Result<String, RestError> {
        let (start, answer) = {
            let s = self.state();
            (s.more.start_delay, s.more.answer_delay)
        };
        tokio::time::sleep(start).await;
        if tokio::time::Instant::now() > start_by {
            self.state()
                .requests
                .push(format!("late create_message {channel}"));
            return Err(RestError::Late);
        }
        tokio::time::sleep(answer).await;
        crate::ports::Discord::create_message(self, channel, message, nonce).await
    }
}

/// Up to `limit` messages of `channel` after `after`, oldest first: the bot's (with their
/// buttons) and others', none deleted; nothing at all without Read Message History.
pub(super) fn list(s: &MemState, channel: &str, after: u64, limit: u8) -> Vec<PostedMessage> {
    let readable = s
        .more
        .permissions
        .get(channel)
        .is_none_or(|p| permission::can_read_history(*p));
    if !readable {
        return Vec::new();
    }
    let own = s
        .sent
        .iter()
        .filter(|m| m.channel == channel)
        .map(|m| PostedMessage {
            id: m.id.clone(),
            author_id: BOT_USER.into(),
            custom_ids: m
                .message
                .components
                .iter()
                .flat_map(|row| &row.components)
                .filter_map(|c| c.custom_id.clone())
                .collect(),
        });
    let others = s
        .more
        .foreign
        .iter()
        .filter(|(c, _)| c == channel)
        .map(|(_, m)| m.clone());
    let mut found: Vec<PostedMessage> = own
        .chain(others)
        .filter(|m| !s.more.deleted.contains(&m.id))
        .filter(|m| m.id.parse::<u64>().is_ok_and(|id| id > after))
        .collect();
    found.sort_by_key(|m| m.id.parse::<u64>().unwrap_or(0));
    found.truncate(usize::from(limit));
    found
}
