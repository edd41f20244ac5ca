//! `Rest` as the bot's `Discord` port, and reading back the messages it fetches.

use super::Rest;
use crate::ports::{Discord, PostedMessage, RestError};
use crate::reply::Message;
use serde_json::Value;

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
