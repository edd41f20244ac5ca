//! Shared test support: a local fake Discord that speaks Discord's real protocol on 127.0.0.1.
//!
//! Include it from an integration test with `mod support;` and start one fake per test:
//!
//! ```ignore
//! mod support;
//! use support::fake_discord::{perms, FakeDiscord, Options};
//!
//! #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
//! async fn answers_resource() {
//!     let fake = FakeDiscord::start(Options::default()).await;
//!     // Point the real serenity client at the fake (the only way serenity 0.12.5 honours a
//!     // proxy is with its own rate limiter disabled):
//!     let http = serenity::http::HttpBuilder::new(fake.token())
//!         .proxy(fake.base_url())
//!         .ratelimiter_disabled(true)
//!         .build();
//!     // (`fake.serenity_http()` builds the same.) Then ClientBuilder::new_with_http(http,
//!     // intents).event_handler(bot).await and client.start() in a task; do not call `.token()`
//!     // on the builder: it would replace the Http. A complete working example is
//!     // `tests/fake_discord/client.rs`.
//!     assert!(fake.wait_ready(Duration::from_secs(10)).await);
//!     let id = fake.send_command("resource", json!([{"name": "query", "type": 3, "value": "mlflow"}]), perms::MEMBER).await;
//!     let cb = fake.wait_callback(id, Duration::from_secs(3)).await.expect("callback");
//!     assert_eq!(cb.kind(), 4);
//!     let reply = fake.wait_reply(id, Duration::from_secs(3)).await.expect("reply"); // the message JSON
//!     fake.assert_no_violations();
//! }
//! ```
//!
//! # What the fake serves (`FakeDiscord::start(Options) -> FakeDiscord`)
//! - `base_url()` = `http://127.0.0.1:PORT`; REST under `/api/v10`, the gateway at
//!   `ws://127.0.0.1:PORT/gateway` (returned by `GET /gateway` and `/gateway/bot`).
//! - A fixed world (`fake.ids()`, `fake.world()`): application id = bot user id, guild
//!   "MLOps Study Club" with `#general` (`ids.general`, default channel) and `#study-group`
//!   (`ids.study`), roles `Moderators` (`ids.moderator_role`) and mentionable `Study Group`
//!   (`ids.study_role`), members `ids.member` (learner), `ids.moderator`, `ids.owner`.
//!   Permission bits are in `perms` (`MEMBER`, `MODERATOR`, `BOT`, `MANAGE_MESSAGES`, ...).
//! - REST, with Discord's bodies and errors: users/@me, applications/@me, gateway(/bot);
//!   command bulk overwrite/list/create, global and per guild (ids stable per name);
//!   interaction callback (3 s deadline → 10062, second ack → 40060, callback type checked
//!   against the interaction type, `?with_response=true` supported); `@original` GET/PATCH/DELETE
//!   and followups; create DM (stable channel per user); channel messages create/get/edit/delete
//!   (`nonce` + `enforce_nonce` returns the first message instead of a second one); pins on both
//!   `/channels/{c}/pins/{m}` and `/channels/{c}/messages/pins/{m}` (needs Manage Messages or Pin
//!   Messages → else 403/50013; unknown message → 10008). DMs closed (`close_dms`) → 403/50007;
//!   deleted channel (`delete_channel`) → 404/10003.
//! - Every request is matched to an operation of Discord's OpenAPI spec, pinned in
//!   `tests/discord-api-spec/` (a missing or unparsable spec fails `start`), and validated
//!   (path and query params, JSON body as JSON Schema 2020-12); Discord's extra limits are checked too (content ≤ 2000,
//!   embeds ≤ 6000 chars, no empty message, autocomplete ≤ 25 choices of ≤ 100 chars).
//!   A mismatch answers 400/50035 and is recorded as a violation, as are unknown routes (404),
//!   a wrong `Authorization` (401), late or double callbacks. `assert_no_violations()` fails the
//!   test with the list; a fake dropped with unread violations panics (`Options::check_on_drop`),
//!   `take_violations()` reads and clears them for tests that provoke them on purpose.
//!   The fake's own response bodies are checked against the spec too ("fake bug: ..." entries;
//!   `Options::check_responses = false` skips that in benchmarks). Known spec errata are
//!   tolerated: permission bitfields (`default_member_permissions`, ...) may be decimal strings,
//!   as Discord documents and serenity sends them, though the spec types them as integers.
//! - Capacity: about 1,500–1,700 create-DM + create-message requests/s with the load generator
//!   in the same debug-built process on this shared 2-core machine; run rate benchmarks with
//!   `--release` if the fake should not be the bottleneck.
//!
//! # Gateway
//! HELLO (`Options::heartbeat_interval_ms`, 1 s by default), IDENTIFY → READY (+ GUILD_CREATE
//! when the GUILDS intent is set), heartbeat ACKs, RESUME → replay of missed dispatches +
//! RESUMED, shards (`[id, total]` in IDENTIFY; guild → shard by `(id >> 22) % total`).
//! `wait_ready`, `drop_gateway()` (TCP drop), `close_gateway(code)`, `invalidate_sessions`,
//! `withhold_heartbeat_acks`, `gateway_stats()` (`identifies`, `resumes`, `replayed`, ...),
//! `wait_resumes(n, timeout)`, `sessions()`, `dispatch_event(guild, "EVENT", data)`.
//! Dispatches to a disconnected session wait in its log; RESUME replays those above the client's
//! seq, then RESUMED (`replays()`: client seq, replayed seqs, RESUMED's seq). `hold_resumes()`
//! leaves RESUMEs unanswered until `release_resumes()` (`wait_held_resumes(n, timeout)`), so a
//! test can dispatch while the client is certainly disconnected. `dispatches("EVENT")` lists
//! what was dispatched, with session, shard and seq.
//!
//! # Interactions (all return the interaction id)
//! - `send_command(name, options, member_permissions)` from the default learner;
//!   `send_command_as(name, options, &invoker)` with `fake.member()`, `fake.moderator()`,
//!   `fake.invoker(user, perms)`, `fake.dm_invoker(user)`; an `Invoker` is plain data (user,
//!   permissions, guild, channel, locale, app_permissions) to tweak freely.
//! - `send_autocomplete(name, options_with_focused, perms)` / `_as`.
//! - `send_component(custom_id, &message, &invoker)` (button), `send_select(...)`.
//! - `build_interaction(&kind, &invoker)` records without dispatching (HTTP endpoint tests).
//! - Options use Discord's JSON: `[{"name": "q", "type": 3, "value": "x", "focused": true}]`;
//!   user/channel/role options get `resolved` data automatically.
//! - `wait_callback(id, timeout) -> Option<RecordedCallback>` (`body`, `latency` from dispatch,
//!   `kind()`, `ephemeral()`), `wait_reply(id, timeout)` (the final original message, also after
//!   a deferral + `PATCH @original`), `original_message(id)`, `followups(id)`.
//!
//! Ids: methods taking an id accept `u64` or serenity's id types (`impl Into<u64>`); give an
//! integer literal a suffix (`fake.close_dms(77_u64)`).
//!
//! # Records and counters
//! `requests()` / `requests_to("POST /channels/*/messages")` (method, path, query, body, status,
//! operation, fault), `wait_request`, `messages(channel)`, `message_count(channel)`,
//! `message_counts()`, `total_messages()`, `wait_total_messages(n, timeout)`,
//! `dm_channel(user)`, `dm_messages(user)`, `pins(channel)`, `global_commands()`,
//! `guild_commands(guild)`, `wait_commands(scope, timeout)`. Created messages carry the pings
//! Discord would compute from `allowed_mentions` (`mentions`, `mention_roles`,
//! `mention_everyone`).
//!
//! # Faults
//! `inject("POST /channels/*/messages", Fault::rate_limited(0.2), 1)`: the next matching
//! request gets the fault (`ALWAYS` for all). Patterns are `[METHOD] path` relative to
//! `/api/v10`, `*`/`{x}` matching one segment. Faults: `rate_limited(s)` (429, per-route headers,
//! `X-RateLimit-Scope: user`), `global_rate_limited(s)` (`X-RateLimit-Global`), `ServerError`
//! (500), `BadGateway` (502 with HTML), `cannot_message_user()` (403/50007), `unknown_channel()`
//! (404/10003), `missing_permissions()`, `Fault::error(status, code, msg)`, `Delay(d)`.
//! Global limit: `Options::global_limit = Some((per_second, burst))` or `set_global_limit`;
//! requests beyond it (interaction and webhook routes excepted) get a global 429;
//! `global_limit_stats()` gives allowed, rejected and `achieved_rate()`.
#![allow(dead_code, unused_imports)]

pub mod fake_discord;
pub mod postgres;
