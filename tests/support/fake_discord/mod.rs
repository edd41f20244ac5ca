//! `FakeDiscord`: a local Discord (REST + gateway) on 127.0.0.1 for end-to-end tests. See
//! `tests/support/mod.rs` for the guide; this file holds the handle and its test API.

mod api;
mod attachments;
mod commands;
mod content;
mod faults;
pub mod gateway;
mod interactions;
pub mod multipart;
pub mod payloads;
mod rest;
mod routes;
pub mod spec;
mod spec_util;
mod state;
mod stored;
mod webhooks;
mod world;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::task::JoinHandle;

pub use api::SessionInfo;
pub use faults::{Fault, GlobalLimitStats, RouteMatcher, ALWAYS};
pub use gateway::{Dispatch, Replay};
pub use interactions::{InteractionKind, Invoker};
pub use state::{GatewayStats, InteractionRecord, RecordedCallback, RecordedRequest};
pub use world::{perms, GuildInfo, Ids, World};

use faults::{GlobalLimit, RouteLimits};
use state::{Shared, State};

/// How to start the fake.
#[derive(Clone, Debug)]
pub struct Options {
    /// The bot token the fake accepts (REST `Authorization: Bot <token>`, gateway IDENTIFY).
    pub token: String,
    /// HELLO's heartbeat interval.
    pub heartbeat_interval_ms: u64,
    /// Discord refuses a callback later than this after dispatch (10062 Unknown interaction).
    pub interaction_deadline: Duration,
    /// `shards` in `GET /gateway/bot`.
    pub shards: u32,
    /// Extra guilds beside the test guild (for sharding tests).
    pub extra_guilds: u32,
    /// Enforce a global limit of (requests per second, burst) over all non-interaction routes.
    pub global_limit: Option<(u32, u32)>,
    /// Per-route buckets: (requests, window) for each route and major parameter (channel,
    /// guild, webhook, interaction), as Discord limits e.g. 5 messages per 5 s per channel.
    /// `None`: no route limit (headers still say what is left).
    pub route_limit: Option<(u32, Duration)>,
    /// How long `nonce` + `enforce_nonce` deduplicate a create: Discord says "the past few
    /// minutes"; tests of the delivery guarantee use about a second.
    pub nonce_window: Duration,
    /// How long `send_*` waits for a gateway session to dispatch to.
    pub ready_timeout: Duration,
    /// Panic on drop when violations were recorded and nobody looked at them. Tests keep it on
    /// (a violation always fails an end-to-end test); only benchmarks turn it off.
    pub check_on_drop: bool,
    /// Check the fake's own response bodies against the spec (turn off in benchmarks).
    pub check_responses: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            token: "fake-bot-token.MTE1MDAwMDAwMDAwMDAwMDAwMQ".into(),
            heartbeat_interval_ms: 1_000,
            interaction_deadline: Duration::from_secs(3),
            shards: 1,
            extra_guilds: 0,
            global_limit: None,
            route_limit: Some((5, Duration::from_secs(5))),
            nonce_window: Duration::from_secs(180),
            ready_timeout: Duration::from_secs(15),
            check_on_drop: true,
            check_responses: true,
        }
    }
}

/// A running fake Discord. Dropping it stops the server and closes gateway connections.
pub struct FakeDiscord {
    shared: Arc<Shared>,
    server: JoinHandle<()>,
}

impl FakeDiscord {
    /// Binds 127.0.0.1:0 and serves. Loads Discord's OpenAPI spec first: a missing or
    /// unparsable spec panics here, in the test, so the test fails instead of skipping.
    pub async fn start(opts: Options) -> FakeDiscord {
        spec::spec();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let port = listener.local_addr().expect("local addr").port();
        let state = State {
            global_limit: opts
                .global_limit
                .map(|(n, burst)| GlobalLimit::new(n, burst)),
            route_limits: RouteLimits::new(opts.route_limit),
            ..State::default()
        };
        let world = World::new(&opts.token, opts.extra_guilds);
        let shared = Arc::new(Shared::new(
            world,
            opts,
            format!("http://127.0.0.1:{port}"),
            state,
        ));
        let app = rest::router(Arc::clone(&shared));
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeDiscord { shared, server }
    }

    /// `http://127.0.0.1:PORT`: serenity's proxy base (it appends `/api/v10/...`).
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// `ws://127.0.0.1:PORT/gateway`, as `GET /gateway` returns it.
    pub fn gateway_url(&self) -> String {
        self.shared.gateway_url()
    }

    pub fn token(&self) -> &str {
        &self.shared.world.token
    }

    pub fn ids(&self) -> &Ids {
        &self.shared.world.ids
    }

    pub fn world(&self) -> &World {
        &self.shared.world
    }

    pub fn application_id(&self) -> u64 {
        self.ids().application
    }

    pub fn bot_user_id(&self) -> u64 {
        self.ids().bot_user
    }

    pub fn guild_id(&self) -> u64 {
        self.ids().guild
    }

    /// `#general`, where interactions happen by default.
    pub fn channel_id(&self) -> u64 {
        self.ids().general
    }

    /// A serenity `Http` wired to the fake the way the bot must be: proxy + limiter disabled.
    pub fn serenity_http(&self) -> serenity::http::Http {
        serenity::http::HttpBuilder::new(self.token())
            .proxy(self.base_url())
            .ratelimiter_disabled(true)
            .application_id(self.application_id().into())
            .build()
    }

    // ----- invokers -----

    /// A guild member in `#general` with the given permissions (`perms::MEMBER`, ...).
    pub fn invoker(&self, user: impl Into<u64>, permissions: u64) -> Invoker {
        let user: u64 = user.into();
        Invoker {
            user,
            permissions,
            guild: Some(self.guild_id()),
            channel: self.channel_id(),
            locale: "en-US".into(),
            app_permissions: None,
        }
    }

    /// The default learner, with ordinary member permissions.
    pub fn member(&self) -> Invoker {
        self.invoker(self.ids().member, perms::MEMBER)
    }

    /// A moderator (Manage Messages, Manage Channels, Pin Messages).
    pub fn moderator(&self) -> Invoker {
        self.invoker(self.ids().moderator, perms::MODERATOR)
    }

    /// `user` in their DM with the bot (the DM channel is created if needed).
    pub fn dm_invoker(&self, user: impl Into<u64>) -> Invoker {
        let user: u64 = user.into();
        let channel = self.shared.update(|s| match s.dm_channels.get(&user) {
            Some(c) => *c,
            None => {
                let c = self.shared.snowflake();
                s.dm_channels.insert(user, c);
                s.dm_recipients.insert(c, user);
                c
            }
        });
        Invoker {
            user,
            permissions: perms::MEMBER,
            guild: None,
            channel,
            locale: "en-US".into(),
            app_permissions: None,
        }
    }

    // ----- interactions -----

    /// Dispatches a slash command from the default member with `member_permissions`; returns
    /// the interaction id. `options` is Discord's option array (`json!([])` for none).
    pub async fn send_command(&self, name: &str, options: Value, member_permissions: u64) -> u64 {
        let who = self.invoker(self.ids().member, member_permissions);
        self.send_command_as(name, options, &who).await
    }

    pub async fn send_command_as(&self, name: &str, options: Value, who: &Invoker) -> u64 {
        let kind = InteractionKind::Command {
            name: name.into(),
            options,
        };
        self.send(&kind, who).await
    }

    /// Dispatches autocomplete; one option in `options` should carry `"focused": true`.
    pub async fn send_autocomplete(
        &self,
        name: &str,
        options: Value,
        member_permissions: u64,
    ) -> u64 {
        let who = self.invoker(self.ids().member, member_permissions);
        self.send_autocomplete_as(name, options, &who).await
    }

    pub async fn send_autocomplete_as(&self, name: &str, options: Value, who: &Invoker) -> u64 {
        let kind = InteractionKind::Autocomplete {
            name: name.into(),
            options,
        };
        self.send(&kind, who).await
    }

    /// Dispatches a button click on `message` (e.g. from [`FakeDiscord::wait_reply`]).
    pub async fn send_component(&self, custom_id: &str, message: &Value, who: &Invoker) -> u64 {
        let kind = InteractionKind::Component {
            custom_id: custom_id.into(),
            component_type: 2,
            values: Vec::new(),
            message: message.clone(),
        };
        self.send(&kind, who).await
    }

    /// Dispatches a string-select choice on `message`.
    pub async fn send_select(
        &self,
        custom_id: &str,
        values: &[&str],
        message: &Value,
        who: &Invoker,
    ) -> u64 {
        let kind = InteractionKind::Component {
            custom_id: custom_id.into(),
            component_type: 3,
            values: values.iter().map(|v| (*v).to_owned()).collect(),
            message: message.clone(),
        };
        self.send(&kind, who).await
    }

    /// Dispatches any interaction over the gateway session serving the invoker's guild (waiting
    /// up to `ready_timeout` for one). While the session is disconnected, the event waits in its
    /// log and is replayed on RESUME.
    pub async fn send(&self, kind: &InteractionKind, who: &Invoker) -> u64 {
        let timeout = self.shared.opts.ready_timeout;
        let session = self
            .shared
            .wait_for(timeout, |s| gateway::session_for(s, who.guild))
            .await
            .unwrap_or_else(|| {
                panic!(
                    "fake discord: no gateway session for {:?} within {timeout:?}",
                    who.guild
                )
            });
        let (id, payload) = interactions::create(&self.shared, kind, who);
        self.shared
            .update(|s| gateway::push(s, &session, "INTERACTION_CREATE", payload));
        id
    }

    /// Builds and records an interaction without dispatching it (for an HTTP interactions
    /// endpoint: POST the payload yourself). Its webhook routes then work as for a dispatch.
    pub fn build_interaction(&self, kind: &InteractionKind, who: &Invoker) -> (u64, Value) {
        interactions::create(&self.shared, kind, who)
    }

    /// Dispatches any event (e.g. `GUILD_DELETE`) to the session serving `guild`.
    pub async fn dispatch_event(&self, guild: Option<u64>, event: &str, data: Value) {
        let timeout = self.shared.opts.ready_timeout;
        if let Some(session) = self
            .shared
            .wait_for(timeout, |s| gateway::session_for(s, guild))
            .await
        {
            self.shared
                .update(|s| gateway::push(s, &session, event, data));
        }
    }

    /// The interaction's first accepted callback, waiting up to `timeout`.
    pub async fn wait_callback(
        &self,
        interaction: impl Into<u64>,
        timeout: Duration,
    ) -> Option<RecordedCallback> {
        let interaction: u64 = interaction.into();
        self.shared
            .wait_for(timeout, |s| {
                s.interactions.get(&interaction)?.callback.clone()
            })
            .await
    }

    /// The interaction's visible reply: the original response message once it is final (a
    /// deferred response counts after its `PATCH @original`), with the fake's current content.
    pub async fn wait_reply(
        &self,
        interaction: impl Into<u64>,
        timeout: Duration,
    ) -> Option<Value> {
        let interaction: u64 = interaction.into();
        self.shared
            .wait_for(timeout, |s| {
                let rec = s.interactions.get(&interaction)?;
                let msg = s.messages.get(&rec.original?)?;
                (!rec.pending_edit).then(|| msg.value.clone())
            })
            .await
    }

    /// The original response message as it is now.
    pub fn original_message(&self, interaction: impl Into<u64>) -> Option<Value> {
        let interaction: u64 = interaction.into();
        let s = self.shared.read();
        let id = s.interactions.get(&interaction)?.original?;
        s.messages.get(&id).map(|m| m.value.clone())
    }

    /// Followup messages of an interaction, in order.
    pub fn followups(&self, interaction: impl Into<u64>) -> Vec<Value> {
        let interaction: u64 = interaction.into();
        let s = self.shared.read();
        let ids = s
            .interactions
            .get(&interaction)
            .map(|r| r.followups.clone())
            .unwrap_or_default();
        ids.iter()
            .filter_map(|id| s.messages.get(id))
            .map(|m| m.value.clone())
            .collect()
    }

    pub fn interaction(&self, interaction: impl Into<u64>) -> Option<InteractionRecord> {
        let interaction: u64 = interaction.into();
        self.shared.read().interactions.get(&interaction).cloned()
    }
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        self.server.abort();
        let violations = self.shared.update(|s| {
            gateway::close_all(s, None);
            std::mem::take(&mut s.violations)
        });
        if self.shared.opts.check_on_drop && !violations.is_empty() && !std::thread::panicking() {
            panic!(
                "fake discord recorded {} violation(s):\n  {}",
                violations.len(),
                violations.join("\n  ")
            );
        }
    }
}

/// Counts per channel from a message map (used by the API module).
fn counts(map: &HashMap<u64, Vec<u64>>) -> HashMap<u64, usize> {
    map.iter().map(|(c, ids)| (*c, ids.len())).collect()
}
