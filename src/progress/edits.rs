//! The live line on a study group's reminder (`✅ 2 checked in: @alice, @carol`), edited in
//! place through the `Discord` port (the paced REST client) and coalesced: at most one edit per
//! message is in flight; clicks arriving meanwhile mark it dirty and one more edit follows with
//! the count read from the store at that time. A burst of 50 clicks gives a few edits, never 50.
//! After an edit the count is read once more, so a click recorded by another replica (whose own
//! edit may have landed first) is not left showing an older count.

use super::text::with_group_line;
use crate::ports::Discord;
use crate::reply::message::{AllowedMentions, Message};
use crate::store::Store;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Edits of one message at most this many times per burst (a safety bound).
const MAX_ROUNDS: u32 = 8;

/// What to edit: the reminder `message` in `channel` showing week `week` of `subscription`.
#[derive(Debug, Clone)]
pub struct EditRequest {
    pub channel: String,
    pub message: String,
    /// The reminder as it is (content, embeds, buttons); its live line is replaced.
    pub base: Message,
    pub subscription: i64,
    pub week: u32,
}

#[derive(Default)]
struct Pending {
    dirty: bool,
    /// The latest copy of the message a click carried.
    base: Option<Message>,
}

/// The coalescer, shared by every interaction of a replica.
#[derive(Clone)]
pub struct GroupEdits {
    store: Arc<dyn Store>,
    discord: Arc<dyn Discord>,
    pending: Arc<Mutex<HashMap<String, Pending>>>,
}

impl GroupEdits {
    pub fn new(store: Arc<dyn Store>, discord: Arc<dyn Discord>) -> GroupEdits {
        GroupEdits {
            store,
            discord,
            pending: Arc::default(),
        }
    }

    /// Asks for the message's line to show the current count; returns the task when this call
    /// started one (`None`: an edit in flight will pick the change up).
    pub fn request(&self, r: EditRequest) -> Option<tokio::task::JoinHandle<u32>> {
        {
            let mut map = self.lock();
            if let Some(p) = map.get_mut(&r.message) {
                p.dirty = true;
                p.base = Some(r.base);
                return None;
            }
            map.insert(r.message.clone(), Pending::default());
        }
        let me = self.clone();
        Some(tokio::spawn(async move { me.run(r).await }))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Pending>> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Edits until nothing changed meanwhile; returns how many edits it made.
    async fn run(&self, r: EditRequest) -> u32 {
        let mut base = r.base.clone();
        let mut edits = 0;
        let mut shown: Option<Vec<i64>> = None;
        for _ in 0..MAX_ROUNDS {
            let users = match self.store.week_checkins(r.subscription, r.week).await {
                Ok(u) => u,
                Err(e) => {
                    tracing::warn!(error = %e, "could not read a group's check-ins");
                    break;
                }
            };
            if shown.as_ref() != Some(&users) {
                let edit = line_edit(&base, &users);
                match self
                    .discord
                    .edit_message(&r.channel, &r.message, &edit)
                    .await
                {
                    Ok(()) => edits += 1,
                    Err(e) => {
                        tracing::warn!(error = %e, "could not edit a study group's reminder");
                        break;
                    }
                }
                shown = Some(users);
                // Another replica may have recorded a click meanwhile: read once more.
                continue;
            }
            let mut map = self.lock();
            match map.get_mut(&r.message) {
                Some(p) if p.dirty => {
                    p.dirty = false;
                    if let Some(b) = p.base.take() {
                        base = b;
                    }
                }
                // Removed under the same lock: a click from now on starts a new task.
                _ => {
                    map.remove(&r.message);
                    return edits;
                }
            }
        }
        self.lock().remove(&r.message);
        edits
    }
}

/// The reminder with its live line for `users`; it pings nobody.
fn line_edit(base: &Message, users: &[i64]) -> Message {
    let content = with_group_line(base.content.as_deref().unwrap_or_default(), users);
    Message {
        content: Some(content),
        embeds: base.embeds.clone(),
        components: base.components.clone(),
        allowed_mentions: AllowedMentions::default(),
        ..Message::default()
    }
    .within_limits()
}

#[cfg(test)]
mod tests;
