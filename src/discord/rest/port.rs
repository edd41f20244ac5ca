//! `Rest` as the bot's `Discord` port, and reading back the messages it fetches.

use super::{id_of, message_json, Body, Resend, Rest};
use crate::ports::{Discord, PostedMessage, RestError};
use crate::reply::Message;
use serde_json::json;
use serde_json::Value;
use tokio::time::Instant;

#[async_trait::async_trait]
impl Discord for Rest {
    async fn create_message(
        &self,
        channel: &str,
        message: &Message,
        nonce: Option<&str>,
    ) -> Result<String, RestError> {
        self.send(channel, message, nonce).await
    }

    async fn create_message_before(
        &self,
        channel: &str,
        message: &Message,
        nonce: Option<&str>,
        start_by: tokio::time::Instant,
    ) -> Result<String, RestError> {
        self.send_before(channel, message, nonce, Some(start_by))
            .await
    }

    async fn own_permissions(&self, guild: &str, channel: &str) -> Result<Option<u64>, RestError> {
        Rest::own_permissions(self, guild, channel).await.map(Some)
    }

    fn permissions_changed(&self) {
        self.forget_roles();
    }

    async fn pin(&self, channel: &str, message: &str) -> Result<(), RestError> {
        self.pin_message(channel, message).await
    }

    async fn edit_message(
        &self,
        channel: &str,
        message: &str,
        edit: &Message,
    ) -> Result<(), RestError> {
        self.edit(channel, message, edit).await
    }

    async fn create_dm(&self, user: &str) -> Result<String, RestError> {
        Rest::create_dm(self, user).await
    }

    async fn messages_after(
        &self,
        channel: &str,
        after: u64,
        limit: u8,
    ) -> Result<Vec<PostedMessage>, RestError> {
        Rest::messages_after(self, channel, after, limit).await
    }

    async fn own_user_id(&self) -> Result<String, RestError> {
        Rest::own_user_id(self).await
    }
}

impl Rest {
    /// Posts a message; with a nonce (and `enforce_nonce`), a 5xx or a timeout is returned as
    /// an unknown outcome, never resent blindly.
    pub async fn send(
        &self,
        channel: &str,
        message: &Message,
        nonce: Option<&str>,
    ) -> Result<String, RestError> {
        self.send_before(channel, message, nonce, None).await
    }

    /// [`Rest::send`] that gives up, having sent nothing, when pacing, a bucket or 429s keep it
    /// from starting before `start_by`.
    pub async fn send_before(
        &self,
        channel: &str,
        message: &Message,
        nonce: Option<&str>,
        start_by: Option<Instant>,
    ) -> Result<String, RestError> {
        let mut body = message_json(message);
        if let Some(n) = nonce {
            body["nonce"] = json!(n);
            body["enforce_nonce"] = json!(true);
        }
        let path = format!("/channels/{channel}/messages");
        let body = Body::with_files(&body, &message.files);
        // With a nonce the caller (delivery) reconciles an unknown outcome before resending:
        // Discord's nonce memory is only "the past few minutes", so a resend is never blind.
        let resend = match nonce {
            Some(_) => Resend::KnownOnly,
            None => Resend::Always,
        };
        let post = reqwest::Method::POST;
        let v = self
            .attempts(post, &path, Some(body), false, (resend, start_by))
            .await?;
        id_of(&v)
    }

    /// Up to `limit` messages of `channel` after the snowflake `after`.
    pub async fn messages_after(
        &self,
        channel: &str,
        after: u64,
        limit: u8,
    ) -> Result<Vec<PostedMessage>, RestError> {
        let limit = limit.clamp(1, 100);
        let path = format!("/channels/{channel}/messages?after={after}&limit={limit}");
        let v = self.call(reqwest::Method::GET, &path, None, false).await?;
        let list = v
            .as_array()
            .ok_or_else(|| RestError::Transport("Discord's answer was not a list".into()))?;
        Ok(list.iter().map(posted).collect())
    }

    /// The bot's user id, from `GET /users/@me` the first time.
    pub async fn own_user_id(&self) -> Result<String, RestError> {
        self.me
            .get_or_try_init(|| async {
                let v = self
                    .call(reqwest::Method::GET, "/users/@me", None, false)
                    .await?;
                id_of(&v)
            })
            .await
            .cloned()
    }
}

/// A fetched message: its id, author and the `custom_id`s of its components (nested in rows).
pub(super) fn posted(m: &Value) -> PostedMessage {
    fn walk(v: &Value, out: &mut Vec<String>) {
        for c in v.as_array().into_iter().flatten() {
            if let Some(id) = c["custom_id"].as_str() {
                out.push(id.to_string());
            }
            walk(&c["components"], out);
        }
    }
    let mut custom_ids = Vec::new();
    walk(&m["components"], &mut custom_ids);
    PostedMessage {
        id: m["id"].as_str().unwrap_or("").to_string(),
        author_id: m["author"]["id"].as_str().unwrap_or("").to_string(),
        custom_ids,
    }
}
