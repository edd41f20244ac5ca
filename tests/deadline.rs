//! Discord's 3-second deadline end to end against the fake, with its REST answering slowly (5 s
//! on create-message and create-DM): `/pin` and `/remind subscribe` are acknowledged in time
//! with a deferred response and completed by an edit of the original response, over the gateway
//! and over the HTTP endpoint; and with REST failing, the work stops at its own deadline with a
//! clear message instead of retrying for 16 s.

mod endpoint_kit;
mod harness;
mod support;

use curriculum_bot::discord::deadline::{Deadlines, SLOW};
use curriculum_bot::discord::endpoint::Endpoint;
use ed25519_dalek::SigningKey;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use support::fake_discord::{FakeDiscord, Fault, InteractionKind, Invoker, ALWAYS};

const SLOW_REST: Duration = Duration::from_secs(5);
const DISCORD_DEADLINE: Duration = Duration::from_secs(3);
const DONE: Duration = Duration::from_secs(25);

fn slow_rest(fake: &FakeDiscord) {
    fake.inject("POST /channels/*/messages", Fault::Delay(SLOW_REST), ALWAYS);
    fake.inject("POST /users/@me/channels", Fault::Delay(SLOW_REST), ALWAYS);
}

fn pin() -> (&'static str, Value) {
    (
        "pin",
        json!([{ "name": "module", "type": 3, "value": "1" }]),
    )
}

fn subscribe() -> (&'static str, Value) {
    (
        "remind",
        json!([{ "name": "subscribe", "type": 1, "options": [] }]),
    )
}

async fn bot(deadlines: Deadlines) -> (FakeDiscord, harness::Bot) {
    let fake = FakeDiscord::start(Default::default()).await;
    let bot = harness::start_with(&fake, Some(fake.guild_id()), None, deadlines).await;
    assert!(
        fake.wait_ready(Duration::from_secs(10)).await,
        "bot connects"
    );
    (fake, bot)
}

/// `/pin` pinned its card and `/remind subscribe` sent its welcome DM, and their final replies
/// say so.
fn both_done(fake: &FakeDiscord, pinned: &Value, subscribed: &Value, member: &Invoker) {
    assert_eq!(content(pinned), "Pinned Module 1: MLOps Fundamentals.");
    assert_eq!(fake.pins(fake.channel_id()).len(), 1);
    assert!(
        content(subscribed).starts_with("Subscribed:"),
        "{subscribed}"
    );
    assert_eq!(fake.dm_messages(member.user).len(), 1, "welcome DM");
    fake.assert_no_violations();
}

fn content(m: &Value) -> &str {
    m["content"].as_str().unwrap_or_default()
}

/// Sends `command` over the gateway; checks the deferred acknowledgement came in time and returns
/// the final reply (after the edit of `@original`).
async fn over_gateway(fake: &FakeDiscord, (name, options): (&str, Value), who: &Invoker) -> Value {
    let id = fake.send_command_as(name, options, who).await;
    let cb = fake.wait_callback(id, DONE).await.expect("acknowledged");
    eprintln!("gateway /{name}: acknowledged after {:?}", cb.latency);
    assert!(cb.latency < DISCORD_DEADLINE, "{:?}", cb.latency);
    assert_eq!((cb.kind(), cb.ephemeral()), (5, true), "{}", cb.body);
    let reply = fake.wait_reply(id, DONE).await.expect("completed");
    let done = fake.interaction(id).unwrap();
    assert!(done.followups.is_empty());
    reply
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_rest_over_the_gateway_defers_then_edits_the_original() {
    let (fake, _bot) = bot(Deadlines::default()).await;
    slow_rest(&fake);
    let (moderator, member) = (fake.moderator(), fake.member());
    let (pinned, subscribed) = tokio::join!(
        over_gateway(&fake, pin(), &moderator),
        over_gateway(&fake, subscribe(), &member)
    );
    both_done(&fake, &pinned, &subscribed, &member);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_failing_ends_at_the_work_deadline_with_a_clear_message() {
    let deadlines = Deadlines {
        work: Duration::from_secs(4),
        ..Deadlines::default()
    };
    let (fake, _bot) = bot(deadlines).await;
    // Without the bound, six attempts with backoff take about 16 s. (Opening a DM is retried by
    // the client; a post with a nonce is not, so `/pin` fails at once instead.)
    fake.inject("POST /users/@me/channels", Fault::ServerError, ALWAYS);
    let start = Instant::now();
    let member = fake.member();
    let reply = over_gateway(&fake, subscribe(), &member).await;
    let took = start.elapsed();
    eprintln!("gateway /remind subscribe with REST down: finished after {took:?}");
    assert_eq!(content(&reply), SLOW);
    // The 4 s work deadline, not the ~16 s of retries; generous for a loaded machine.
    assert!(took < Duration::from_secs(12), "{took:?}");
    assert!(fake.dm_messages(member.user).is_empty());
    fake.assert_no_violations();
}

/// Sends `command` over HTTP (see [`acked_over_http`]); the final reply.
async fn over_http(
    fake: &FakeDiscord,
    url: &str,
    key: &SigningKey,
    command: (&str, Value),
    who: &Invoker,
) -> Value {
    let (id, ack) = acked_over_http(fake, url, key, command, who).await;
    assert_eq!(ack, json!({ "type": 5, "data": { "flags": 64 } }));
    fake.wait_reply(id, DONE).await.expect("completed")
}

/// Discord's side of an HTTP interaction: POST the signed payload to the endpoint, check it was
/// deferred in time, and pass its answer on as the callback (so the fake records and validates
/// it like any other). The interaction's id and the deferral.
async fn acked_over_http(
    fake: &FakeDiscord,
    url: &str,
    key: &SigningKey,
    (name, options): (&str, Value),
    who: &Invoker,
) -> (u64, Value) {
    let kind = InteractionKind::Command {
        name: name.into(),
        options,
    };
    let (id, payload) = fake.build_interaction(&kind, who);
    let body = payload.to_string();
    let (sig, ts) = endpoint_kit::sign(key, endpoint_kit::unix_now(), body.as_bytes());
    let http = reqwest::Client::new();
    let start = Instant::now();
    let resp = http
        .post(format!("{url}/interactions"))
        .header("X-Signature-Ed25519", sig)
        .header("X-Signature-Timestamp", ts)
        .body(body)
        .send()
        .await
        .unwrap();
    let took = start.elapsed();
    eprintln!("HTTP /{name}: answered after {took:?}");
    assert!(took < DISCORD_DEADLINE, "{took:?}");
    assert_eq!(resp.status().as_u16(), 200);
    let ack: Value = resp.json().await.unwrap();
    assert_eq!(ack["type"], 5, "deferred");
    let token = payload["token"].as_str().unwrap();
    let callback = format!(
        "{}/api/v10/interactions/{id}/{token}/callback",
        fake.base_url()
    );
    let status = http
        .post(callback)
        .json(&ack)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 204);
    (id, ack)
}

/// The HTTP endpoint's state on the bot's app and REST client.
fn endpoint(bot: &harness::Bot, key: &SigningKey) -> Endpoint {
    Endpoint {
        app: bot.app.clone(),
        key: key.verifying_key(),
        health: endpoint_kit::healthy(),
        rest: bot.rest.clone(),
        deadlines: Deadlines::default(),
        pending: Default::default(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_rest_over_http_defers_then_edits_the_original() {
    let (fake, bot) = bot(Deadlines::default()).await;
    slow_rest(&fake);
    let key = endpoint_kit::key();
    let state = endpoint(&bot, &key);
    let (addr, _) = endpoint_kit::serve(state, Default::default(), std::future::pending()).await;
    let url = format!("http://{addr}");
    let (moderator, member) = (fake.moderator(), fake.member());
    let (pinned, subscribed) = tokio::join!(
        over_http(&fake, &url, &key, pin(), &moderator),
        over_http(&fake, &url, &key, subscribe(), &member)
    );
    both_done(&fake, &pinned, &subscribed, &member);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_public_answer_edits_and_a_late_private_one_replaces_the_public_placeholder() {
    // Every answer is "late" here, so the public command `/resource` is deferred publicly.
    let deadlines = Deadlines {
        ack: Duration::ZERO,
        ..Deadlines::default()
    };
    let (fake, _bot) = bot(deadlines).await;
    let query = |q: &str| json!([{ "name": "query", "type": 3, "value": q }]);
    let found = fake
        .send_command_as("resource", query("mlflow"), &fake.member())
        .await;
    let cb = fake.wait_callback(found, DONE).await.expect("acknowledged");
    assert_eq!((cb.kind(), cb.ephemeral()), (5, false), "{}", cb.body);
    let reply = fake.wait_reply(found, DONE).await.expect("completed");
    assert!(
        reply["embeds"].as_array().is_some_and(|e| !e.is_empty()),
        "{reply}"
    );
    assert_eq!(reply["flags"].as_u64().unwrap_or(0) & 64, 0, "public");
    // No result: the answer is a private error, so the public placeholder goes and a private
    // follow-up takes its place.
    let missed = fake
        .send_command_as("resource", query("qqqzzzxxx"), &fake.member())
        .await;
    let cb = fake
        .wait_callback(missed, DONE)
        .await
        .expect("acknowledged");
    assert_eq!((cb.kind(), cb.ephemeral()), (5, false));
    let start = Instant::now();
    let followups = loop {
        let f = fake.followups(missed);
        if !f.is_empty() || start.elapsed() > DONE {
            break f;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(followups.len(), 1);
    assert_eq!(followups[0]["flags"].as_u64().unwrap_or(0) & 64, 64);
    assert!(content(&followups[0]).starts_with("No resource matches"));
    let deleted = fake.requests_to("DELETE /webhooks/*/*/messages/@original");
    assert_eq!(deleted.len(), 1, "the placeholder is gone");
    assert_eq!(deleted[0].status, 204);
    fake.assert_no_violations();
}

/// Regression: a deferred answer still being finished at shutdown was dropped, leaving the
/// member on "thinking…". Shutting the gateway down now waits for it: when `gateway::run`
/// returns, the original response has been edited.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutting_the_gateway_down_finishes_the_deferred_answers() {
    let (fake, bot) = bot(Deadlines::default()).await;
    slow_rest(&fake);
    let id = fake
        .send_command_as(pin().0, pin().1, &fake.moderator())
        .await;
    let cb = fake.wait_callback(id, DONE).await.expect("acknowledged");
    assert_eq!(cb.kind(), 5, "deferred: REST is slow");
    let asked = Instant::now();
    bot.shutdown.notify_one();
    tokio::time::timeout(DONE, bot.task)
        .await
        .expect("stops within the work deadline")
        .unwrap();
    eprintln!("gateway stopped {:?} after the shutdown", asked.elapsed());
    let reply = fake.wait_reply(id, Duration::ZERO).await;
    let reply = reply.expect("the answer was finished before the bot stopped");
    assert_eq!(content(&reply), "Pinned Module 1: MLOps Fundamentals.");
    fake.assert_no_violations();
}

/// The same over HTTP: the endpoint stops taking requests, then finishes the deferred edits
/// within its shutdown deadline before `serve` returns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutting_the_endpoint_down_finishes_the_deferred_answers() {
    let (fake, bot) = bot(Deadlines::default()).await;
    slow_rest(&fake);
    let key = endpoint_kit::key();
    let state = endpoint(&bot, &key);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let opts = curriculum_bot::discord::endpoint::ServeOptions {
        shutdown_deadline: Duration::from_secs(20),
        ..Default::default()
    };
    let (addr, served) = endpoint_kit::serve(state, opts, async move {
        let _ = stopped.await;
    })
    .await;
    let url = format!("http://{addr}");
    let (id, _) = acked_over_http(&fake, &url, &key, pin(), &fake.moderator()).await;
    stop.send(()).unwrap();
    tokio::time::timeout(DONE, served)
        .await
        .expect("stops within the shutdown deadline")
        .unwrap()
        .unwrap();
    let reply = fake.wait_reply(id, Duration::ZERO).await;
    let reply = reply.expect("the answer was finished before serve returned");
    assert_eq!(content(&reply), "Pinned Module 1: MLOps Fundamentals.");
    fake.assert_no_violations();
}

/// A reply with a picture can't be an HTTP response: `/roadmap` over the endpoint is deferred
/// (publicly, as its answer is public) and the picture uploaded by editing the original.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_picture_over_http_is_deferred_then_uploaded() {
    let (fake, bot) = bot(Deadlines::default()).await;
    let key = endpoint_kit::key();
    let state = endpoint(&bot, &key);
    let (addr, _) = endpoint_kit::serve(state, Default::default(), std::future::pending()).await;
    let url = format!("http://{addr}");
    let roadmap = ("roadmap", json!([]));
    let (id, ack) = acked_over_http(&fake, &url, &key, roadmap, &fake.member()).await;
    assert_eq!(ack, json!({ "type": 5 }), "public, like the answer");
    let reply = fake.wait_reply(id, DONE).await.expect("uploaded");
    let picture = &reply["attachments"][0];
    assert_eq!(picture["filename"], "roadmap.png");
    assert_eq!(reply["embeds"][0]["image"]["url"], picture["url"]);
    let png = fake.attachment_bytes(picture).expect("the upload");
    assert!(png.starts_with(b"\x89PNG"));
    fake.assert_no_violations();
}
