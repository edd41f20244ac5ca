//! The fake's mutable state, shared by the REST server, the gateway and the test API, and the
//! records tests read: requests, callbacks, messages, DM channels, pins and violations.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::{mpsc, watch};

use super::faults::{GlobalLimit, Injection, RouteLimits};
use super::payloads::DISCORD_EPOCH_MS;
use super::world::{perms, World};
use super::Options;

/// One REST request as the fake saw it.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    /// Path relative to `/api/v10`, e.g. `/channels/1/messages`.
    pub path: String,
    pub query: String,
    /// The JSON body (or multipart `payload_json`), if any.
    pub body: Option<Value>,
    pub status: u16,
    /// The spec's operation id, e.g. `create_message`.
    pub operation: Option<String>,
    /// The injected fault or limit that answered it, e.g. `RateLimited { .. }`.
    pub fault: Option<String>,
    pub at: Instant,
}

/// The first accepted interaction callback of an interaction.
#[derive(Clone, Debug)]
pub struct RecordedCallback {
    pub interaction_id: u64,
    /// The callback body: `{"type": 4, "data": {...}}`.
    pub body: Value,
    /// From dispatch of INTERACTION_CREATE (the `send_*` call) to the callback's arrival.
    pub latency: Duration,
}

impl RecordedCallback {
    /// The callback type: 4 message, 5 deferred, 6 deferred update, 7 update, 8 autocomplete.
    pub fn kind(&self) -> u64 {
        self.body["type"].as_u64().unwrap_or(0)
    }

    /// Whether the response is ephemeral (flag 64).
    pub fn ephemeral(&self) -> bool {
        self.body["data"]["flags"].as_u64().unwrap_or(0) & 64 != 0
    }
}

/// An interaction the fake dispatched.
#[derive(Clone, Debug)]
pub struct InteractionRecord {
    pub id: u64,
    pub token: String,
    /// 2 command, 3 component, 4 autocomplete.
    pub kind: u8,
    pub dispatched: Instant,
    pub channel: u64,
    pub guild: Option<u64>,
    pub user: u64,
    pub name: String,
    pub callback: Option<RecordedCallback>,
    /// Message id of the original response, once there is one.
    pub original: Option<u64>,
    pub followups: Vec<u64>,
    /// The message a component was clicked on.
    pub source_message: Option<u64>,
    /// A deferred callback (5 or 6) awaits its `PATCH @original`.
    pub pending_edit: bool,
}

/// A channel's permission overwrite: for a role (`kind` 0; `@everyone` has the guild's id) or a
/// member (`kind` 1).
#[derive(Clone, Debug)]
pub struct Overwrite {
    pub id: u64,
    pub kind: u8,
    pub allow: u64,
    pub deny: u64,
}

/// A stored message, by id.
#[derive(Clone, Debug)]
pub struct StoredMessage {
    pub value: Value,
    pub channel: u64,
    pub ephemeral: bool,
    pub deleted: bool,
}

/// An open gateway connection: where to push frames.
#[derive(Clone, Debug)]
pub struct ConnHandle {
    pub id: u64,
    pub tx: mpsc::UnboundedSender<Outgoing>,
}

/// What a connection task is told to do.
#[derive(Clone, Debug)]
pub enum Outgoing {
    Frame(String),
    /// Close with this code; `None` drops the TCP connection without a close frame.
    Close(Option<u16>),
}

/// A gateway session: survives its connection until the client resumes or re-identifies.
#[derive(Clone, Debug)]
pub struct Session {
    pub id: String,
    pub shard: [u32; 2],
    pub intents: u64,
    pub seq: u64,
    /// Every dispatch sent in this session, for replay on RESUME.
    pub log: Vec<(u64, String)>,
    pub conn: Option<ConnHandle>,
    pub resumes: u32,
    pub invalid: bool,
    /// A snowflake taken at IDENTIFY: orders sessions by age.
    pub created: u64,
}

/// Gateway counters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GatewayStats {
    pub connections: u64,
    pub identifies: u64,
    pub resumes: u64,
    pub heartbeats: u64,
    /// Dispatches replayed on RESUME.
    pub replayed: u64,
}

#[derive(Default)]
pub struct State {
    pub requests: Vec<RecordedRequest>,
    pub violations: Vec<String>,
    pub messages: HashMap<u64, StoredMessage>,
    /// Messages created with `POST /channels/{id}/messages`, per channel, in order.
    pub channel_messages: HashMap<u64, Vec<u64>>,
    /// (channel, nonce) → (message, when it was created): remembered for `Options::nonce_window`.
    pub nonces: HashMap<(u64, String), (u64, Instant)>,
    pub dm_channels: HashMap<u64, u64>,
    pub dm_recipients: HashMap<u64, u64>,
    pub closed_dms: HashSet<u64>,
    pub deleted_channels: HashSet<u64>,
    /// Channel → its permission overwrites (as `GET /channels/{id}` lists them).
    pub overwrites: HashMap<u64, Vec<Overwrite>>,
    pub interactions: HashMap<u64, InteractionRecord>,
    pub tokens: HashMap<String, u64>,
    pub global_commands: Vec<Value>,
    pub guild_commands: HashMap<u64, Vec<Value>>,
    pub command_ids: HashMap<(Option<u64>, String), u64>,
    pub pins: HashMap<u64, Vec<u64>>,
    pub injections: Vec<Injection>,
    pub global_limit: Option<GlobalLimit>,
    pub route_limits: RouteLimits,
    /// Answers Discord counts as invalid (401, 403, 429 but shared ones): 10,000 in ten minutes
    /// ban the IP.
    pub invalid_requests: u64,
    pub sessions: HashMap<String, Session>,
    pub gateway: GatewayStats,
    pub gateway_ctl: super::gateway::Control,
    pub withhold_acks: bool,
    /// Files uploaded in multipart requests.
    pub uploads: Vec<super::multipart::Upload>,
}

impl State {
    /// The bot's permissions in a channel, as Discord computes them: `@everyone` and its roles
    /// (all with Administrator), then the channel's overwrites for `@everyone`, its roles, and
    /// its member. Outside the test guild's channels: what the invite grants.
    pub fn bot_permissions(&self, world: &World, channel: u64) -> u64 {
        let Some(guild) = world.channel(channel).and_then(|c| world.guild(c.guild)) else {
            return perms::BOT;
        };
        let bot = world.ids.bot_user;
        let roles = world.member_roles(guild.id, bot);
        let mut base = guild
            .roles
            .iter()
            .filter(|r| r.id == guild.id || roles.contains(&r.id))
            .fold(0, |acc, r| acc | r.permissions);
        if base & perms::ADMINISTRATOR != 0 {
            return u64::MAX;
        }
        let ows = self.overwrites.get(&channel).map_or(&[][..], Vec::as_slice);
        let apply = |p: u64, allow: u64, deny: u64| (p & !deny) | allow;
        if let Some(o) = ows.iter().find(|o| o.kind == 0 && o.id == guild.id) {
            base = apply(base, o.allow, o.deny);
        }
        let (allow, deny) = ows
            .iter()
            .filter(|o| o.kind == 0 && roles.contains(&o.id))
            .fold((0, 0), |(a, d), o| (a | o.allow, d | o.deny));
        base = apply(base, allow, deny);
        if let Some(o) = ows.iter().find(|o| o.kind == 1 && o.id == bot) {
            base = apply(base, o.allow, o.deny);
        }
        base
    }

    /// Sets (or replaces) the overwrite for `id` in `channel`.
    pub fn set_overwrite(&mut self, channel: u64, o: Overwrite) {
        let list = self.overwrites.entry(channel).or_default();
        list.retain(|x| (x.id, x.kind) != (o.id, o.kind));
        list.push(o);
    }

    /// A channel's overwrites as Discord lists them.
    pub fn overwrites_json(&self, channel: u64) -> Value {
        let list = self.overwrites.get(&channel).map_or(&[][..], Vec::as_slice);
        list.iter()
            .map(|o| {
                serde_json::json!({
                    "id": o.id.to_string(),
                    "type": o.kind,
                    "allow": o.allow.to_string(),
                    "deny": o.deny.to_string(),
                })
            })
            .collect()
    }

    pub fn violation(&mut self, text: String) {
        self.violations.push(text);
    }
}

/// Everything the server tasks and the `FakeDiscord` handle share.
pub struct Shared {
    pub world: World,
    pub opts: Options,
    pub base_url: String,
    state: Mutex<State>,
    changed: watch::Sender<u64>,
    last_id: AtomicU64,
    pub conn_ids: AtomicU64,
    /// The files behind attachment urls (the fake's CDN): url -> bytes.
    pub cdn: Mutex<HashMap<String, Vec<u8>>>,
}

impl Shared {
    pub fn new(world: World, opts: Options, base_url: String, state: State) -> Shared {
        Shared {
            world,
            opts,
            base_url,
            state: Mutex::new(state),
            changed: watch::channel(0).0,
            last_id: AtomicU64::new(0),
            conn_ids: AtomicU64::new(0),
            cdn: Mutex::new(HashMap::new()),
        }
    }

    /// Reads the state.
    pub fn read(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Changes the state and wakes every waiter.
    pub fn update<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let out = f(&mut self.read());
        self.changed.send_modify(|v| *v += 1);
        out
    }

    /// Waits until `f` returns `Some`, re-checking after each state change.
    pub async fn wait_for<T>(
        &self,
        timeout: Duration,
        mut f: impl FnMut(&State) -> Option<T>,
    ) -> Option<T> {
        let mut rx = self.changed.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            rx.borrow_and_update();
            if let Some(out) = f(&self.read()) {
                return Some(out);
            }
            if tokio::time::timeout_at(deadline, rx.changed())
                .await
                .is_err()
            {
                return f(&self.read());
            }
        }
    }

    /// A fresh snowflake for now: increasing, with a realistic timestamp part.
    pub fn snowflake(&self) -> u64 {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let candidate = (ms.saturating_sub(DISCORD_EPOCH_MS)) << 22;
        let mut last = self.last_id.load(Ordering::Relaxed);
        loop {
            let next = candidate.max(last + 1);
            match self
                .last_id
                .compare_exchange(last, next, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return next,
                Err(seen) => last = seen,
            }
        }
    }

    /// The gateway URL clients connect to.
    pub fn gateway_url(&self) -> String {
        format!("{}/gateway", self.base_url.replacen("http://", "ws://", 1))
    }
}
