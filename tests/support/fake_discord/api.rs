//! The rest of `FakeDiscord`'s test API: recorded requests and messages, world changes (closed
//! DMs, deleted channels, bot permissions), fault injection, gateway control, and violations.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::Value;

use super::faults::{GlobalLimit, Injection};
use super::state::{GatewayStats, RecordedRequest};
use super::{counts, gateway, FakeDiscord, Fault, GlobalLimitStats, RouteMatcher};

/// A gateway session as tests see it.
#[derive(Clone, Debug)]
pub struct SessionInfo {
    pub id: String,
    pub shard: [u32; 2],
    pub intents: u64,
    pub connected: bool,
    pub resumes: u32,
    pub seq: u64,
}

impl FakeDiscord {
    // ----- REST records -----

    /// Every REST request so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.read().requests.clone()
    }

    /// Requests matching a route pattern like `"POST /channels/*/messages"`.
    pub fn requests_to(&self, pattern: &str) -> Vec<RecordedRequest> {
        let m = RouteMatcher::parse(pattern);
        let s = self.shared.read();
        s.requests
            .iter()
            .filter(|r| m.matches(&r.method, &r.path))
            .cloned()
            .collect()
    }

    /// Waits for the first request matching `pattern` that was answered with a 2xx.
    pub async fn wait_request(&self, pattern: &str, timeout: Duration) -> Option<RecordedRequest> {
        let m = RouteMatcher::parse(pattern);
        self.shared
            .wait_for(timeout, |s| {
                s.requests
                    .iter()
                    .find(|r| (200..300).contains(&r.status) && m.matches(&r.method, &r.path))
                    .cloned()
            })
            .await
    }

    /// Messages created with `POST /channels/{channel}/messages`, oldest first, as they are now.
    pub fn messages(&self, channel: impl Into<u64>) -> Vec<Value> {
        let channel: u64 = channel.into();
        let s = self.shared.read();
        let ids = s
            .channel_messages
            .get(&channel)
            .cloned()
            .unwrap_or_default();
        ids.iter()
            .filter_map(|id| s.messages.get(id))
            .map(|m| m.value.clone())
            .collect()
    }

    /// How many messages were created in `channel` (a nonce-deduplicated retry adds none).
    pub fn message_count(&self, channel: impl Into<u64>) -> usize {
        let channel: u64 = channel.into();
        self.shared
            .read()
            .channel_messages
            .get(&channel)
            .map_or(0, Vec::len)
    }

    /// Created messages per channel.
    pub fn message_counts(&self) -> HashMap<u64, usize> {
        counts(&self.shared.read().channel_messages)
    }

    /// Created messages over all channels.
    pub fn total_messages(&self) -> usize {
        self.shared
            .read()
            .channel_messages
            .values()
            .map(Vec::len)
            .sum()
    }

    /// Waits until at least `n` messages were created in total; returns the total then.
    pub async fn wait_total_messages(&self, n: usize, timeout: Duration) -> usize {
        let reached = self.shared.wait_for(timeout, |s| {
            let total: usize = s.channel_messages.values().map(Vec::len).sum();
            (total >= n).then_some(total)
        });
        match reached.await {
            Some(total) => total,
            None => self.total_messages(),
        }
    }

    /// Waits until message `id` (as it is now, edits included) satisfies `ready`; returns it.
    pub async fn wait_message_where(
        &self,
        id: u64,
        timeout: Duration,
        ready: impl Fn(&Value) -> bool,
    ) -> Option<Value> {
        self.shared
            .wait_for(timeout, |s| {
                let m = s.messages.get(&id)?;
                ready(&m.value).then(|| m.value.clone())
            })
            .await
    }

    /// Waits until `channel` has at least `n` created messages; returns them.
    pub async fn wait_messages(
        &self,
        channel: impl Into<u64>,
        n: usize,
        timeout: Duration,
    ) -> Vec<Value> {
        let channel: u64 = channel.into();
        let reached = self.shared.wait_for(timeout, |s| {
            (s.channel_messages.get(&channel).map_or(0, Vec::len) >= n).then_some(())
        });
        reached.await;
        self.messages(channel)
    }

    /// The DM channel id of `user`, once the bot (or `dm_invoker`) opened one.
    pub fn dm_channel(&self, user: impl Into<u64>) -> Option<u64> {
        let user: u64 = user.into();
        self.shared.read().dm_channels.get(&user).copied()
    }

    /// Messages created in `user`'s DM channel.
    pub fn dm_messages(&self, user: impl Into<u64>) -> Vec<Value> {
        let user: u64 = user.into();
        self.dm_channel(user)
            .map(|c| self.messages(c))
            .unwrap_or_default()
    }

    /// Pinned message ids of a channel, in pin order.
    pub fn pins(&self, channel: impl Into<u64>) -> Vec<u64> {
        let channel: u64 = channel.into();
        self.shared
            .read()
            .pins
            .get(&channel)
            .cloned()
            .unwrap_or_default()
    }

    /// Commands registered globally (the last bulk overwrite plus later creates).
    pub fn global_commands(&self) -> Vec<Value> {
        self.shared.read().global_commands.clone()
    }

    /// Commands registered in a guild.
    pub fn guild_commands(&self, guild: impl Into<u64>) -> Vec<Value> {
        let guild: u64 = guild.into();
        self.shared
            .read()
            .guild_commands
            .get(&guild)
            .cloned()
            .unwrap_or_default()
    }

    /// Waits until some commands are registered (in `guild`, or globally for `None`).
    pub async fn wait_commands(&self, guild: Option<u64>, timeout: Duration) -> Vec<Value> {
        let found = self.shared.wait_for(timeout, |s| {
            let list = match guild {
                Some(g) => s.guild_commands.get(&g).cloned().unwrap_or_default(),
                None => s.global_commands.clone(),
            };
            (!list.is_empty()).then_some(list)
        });
        found.await.unwrap_or_default()
    }

    // ----- world changes -----

    /// `user` closes their DMs: creating a message in their DM channel answers 403 / 50007.
    pub fn close_dms(&self, user: impl Into<u64>) {
        let user: u64 = user.into();
        self.shared.update(|s| s.closed_dms.insert(user));
    }

    pub fn open_dms(&self, user: impl Into<u64>) {
        let user: u64 = user.into();
        self.shared.update(|s| s.closed_dms.remove(&user));
    }

    /// The channel is deleted: every route on it answers 404 / 10003.
    pub fn delete_channel(&self, channel: impl Into<u64>) {
        let channel: u64 = channel.into();
        self.shared.update(|s| s.deleted_channels.insert(channel));
    }

    /// Sets the bot's permissions in a channel, as a member overwrite for the bot that the
    /// channel lists (without Manage Messages / Pin Messages, pins answer 403 / 50013; without
    /// Read Message History reads list nothing; the next interactions there carry it as
    /// `app_permissions`).
    pub fn set_bot_permissions(&self, channel: impl Into<u64>, permissions: u64) {
        let channel: u64 = channel.into();
        let bot = self.shared.world.ids.bot_user;
        self.set_overwrite(channel, bot, 1, (permissions, !permissions));
    }

    /// Sets a channel's overwrite for a role (`kind` 0) or a member (`kind` 1).
    pub fn set_overwrite(
        &self,
        channel: impl Into<u64>,
        id: u64,
        kind: u8,
        (allow, deny): (u64, u64),
    ) {
        let o = super::state::Overwrite {
            id,
            kind,
            allow,
            deny,
        };
        let channel: u64 = channel.into();
        self.shared.update(|s| s.set_overwrite(channel, o));
    }

    /// Posts a message in a guild channel as `author` (a member or another bot), with these
    /// button rows (`components`); its id.
    pub fn post_as(
        &self,
        channel: impl Into<u64>,
        author: u64,
        content: &str,
        components: Value,
    ) -> u64 {
        let channel: u64 = channel.into();
        let shared = &self.shared;
        shared.update(|s| {
            let body = serde_json::json!({"content": content, "components": components});
            let who = super::payloads::user(&shared.world, author);
            let v = super::stored::store(shared, s, channel, (&body, &[]), who, 0, None);
            let id = v["id"].as_str().and_then(|i| i.parse().ok()).unwrap_or(0);
            s.channel_messages.entry(channel).or_default().push(id);
            id
        })
    }

    /// A moderator deletes a message.
    pub fn delete_message(&self, message: u64) {
        self.shared.update(|s| {
            if let Some(m) = s.messages.get_mut(&message) {
                m.deleted = true;
            }
        });
    }

    // ----- faults -----

    /// Answers the next `times` requests matching `route` with `fault` (`ALWAYS` for all).
    pub fn inject(&self, route: impl Into<RouteMatcher>, fault: Fault, times: u32) {
        let matcher = route.into();
        self.shared.update(|s| {
            s.injections.push(Injection {
                matcher,
                fault,
                remaining: times,
            })
        });
    }

    pub fn clear_faults(&self) {
        self.shared.update(|s| s.injections.clear());
    }

    /// Enforces a global limit from now on (token bucket: `per_second` sustained, `burst`).
    pub fn set_global_limit(&self, per_second: u32, burst: u32) {
        self.shared
            .update(|s| s.global_limit = Some(GlobalLimit::new(per_second, burst)));
    }

    /// What the global limit let through and refused (default stats when none is set).
    pub fn global_limit_stats(&self) -> GlobalLimitStats {
        let s = self.shared.read();
        s.global_limit
            .as_ref()
            .map(|l| l.stats.clone())
            .unwrap_or_default()
    }

    /// Requests refused with a route 429 (their bucket was empty).
    pub fn route_limited(&self) -> u64 {
        self.shared.read().route_limits.rejected
    }

    /// Answers Discord counts as invalid: 401, 403 and 429 (10,000 in ten minutes ban the IP).
    pub fn invalid_requests(&self) -> u64 {
        self.shared.read().invalid_requests
    }

    // ----- gateway -----

    /// Waits until a session has received READY and is connected.
    pub async fn wait_ready(&self, timeout: Duration) -> bool {
        let ready = self.shared.wait_for(timeout, |s| {
            s.sessions
                .values()
                .any(|sess| sess.conn.is_some() && !sess.invalid && sess.seq > 0)
                .then_some(())
        });
        ready.await.is_some()
    }

    /// Drops every gateway connection without a close frame (a network failure). Sessions stay
    /// resumable and events sent meanwhile are replayed on RESUME. Returns how many were open.
    pub fn drop_gateway(&self) -> usize {
        self.shared.update(|s| gateway::close_all(s, None))
    }

    /// Closes every gateway connection with a close frame of this code (4000 is resumable).
    pub fn close_gateway(&self, code: u16) -> usize {
        self.shared.update(|s| gateway::close_all(s, Some(code)))
    }

    /// Sends INVALID_SESSION (op 9) to every connection.
    pub fn invalidate_sessions(&self, resumable: bool) {
        self.shared
            .update(|s| gateway::invalidate_all(s, resumable));
    }

    /// Stops (or resumes) acknowledging heartbeats: a zombied connection.
    pub fn withhold_heartbeat_acks(&self, on: bool) {
        self.shared.update(|s| s.withhold_acks = on);
    }

    pub fn gateway_stats(&self) -> GatewayStats {
        self.shared.read().gateway.clone()
    }

    /// Waits until at least `n` RESUMEs have succeeded.
    pub async fn wait_resumes(&self, n: u64, timeout: Duration) -> bool {
        let done = self
            .shared
            .wait_for(timeout, |s| (s.gateway.resumes >= n).then_some(()));
        done.await.is_some()
    }

    pub fn sessions(&self) -> Vec<SessionInfo> {
        let s = self.shared.read();
        let mut list: Vec<SessionInfo> = s
            .sessions
            .values()
            .map(|sess| SessionInfo {
                id: sess.id.clone(),
                shard: sess.shard,
                intents: sess.intents,
                connected: sess.conn.is_some(),
                resumes: sess.resumes,
                seq: sess.seq,
            })
            .collect();
        list.sort_by_key(|sess| sess.shard);
        list
    }

    // ----- violations -----

    /// Protocol violations recorded so far (spec mismatches, unknown routes, bad tokens,
    /// double acknowledgements, late callbacks, Discord limits...).
    pub fn violations(&self) -> Vec<String> {
        self.shared.read().violations.clone()
    }

    /// Returns and clears the violations (for tests that provoke them on purpose: assert on them).
    #[must_use = "a test that provokes violations asserts on them"]
    pub fn take_violations(&self) -> Vec<String> {
        self.shared.update(|s| std::mem::take(&mut s.violations))
    }

    /// Fails the test with the list of violations, if any.
    #[track_caller]
    pub fn assert_no_violations(&self) {
        let v = self.take_violations();
        assert!(
            v.is_empty(),
            "fake discord recorded {} violation(s):\n  {}",
            v.len(),
            v.join("\n  ")
        );
    }
}
