//! Our REST client against the fake Discord: a global 429 pauses every sender (so only the first
//! request hits it), a route's bucket is never run dry (no 429 storm), per-route 429s and 5xx are
//! retried, a lost answer is an unknown outcome, a create that can't start before its deadline
//! gives up unsent, and error codes come back typed.

mod support;

use curriculum_bot::discord::rest::{Rest, RestConfig};
use curriculum_bot::ports::{RestError, CANNOT_DM};
use curriculum_bot::reply::Message;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::fake_discord::{FakeDiscord, Fault, Options};

fn client(fake: &FakeDiscord, per_second: u32) -> Arc<Rest> {
    Arc::new(
        Rest::new(&RestConfig {
            base_url: fake.base_url().into(),
            token: fake.token().into(),
            global_per_second: per_second,
            max_attempts: 6,
        })
        .unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_global_429_pauses_every_sender() {
    let opts = Options {
        route_limit: None,
        ..Options::default()
    };
    let fake = FakeDiscord::start(opts).await;
    let rest = client(&fake, 50);
    fake.inject(
        "POST /channels/*/messages",
        Fault::global_rate_limited(0.5),
        1,
    );
    let channel = fake.channel_id().to_string();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (rest, channel) = (rest.clone(), channel.clone());
        tasks.push(tokio::spawn(async move {
            rest.send(&channel, &Message::text(format!("m{i}")), None)
                .await
                .unwrap()
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let statuses: Vec<u16> = fake
        .requests_to("POST /channels/*/messages")
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(
        statuses.iter().filter(|&&s| s == 429).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(fake.message_count(fake.channel_id()), 20, "nothing lost");
    fake.assert_no_violations();
}

/// Regression: a reminder's create (with a nonce) was retried by the client after a 5xx, and a
/// retry later than Discord's nonce memory posted it twice. Now the unknown outcome goes back to
/// delivery, which reconciles (reads the channel) before any resend.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_with_a_nonce_is_never_resent_blindly() {
    let fake = FakeDiscord::start(Options::default()).await;
    let rest = client(&fake, 50);
    let channel = fake.channel_id().to_string();
    fake.inject("POST /channels/*/messages", Fault::created_then_502(), 1);
    let err = rest
        .send(&channel, &Message::text("once"), Some("n-1"))
        .await
        .expect_err("the answer was lost");
    assert!(err.outcome_unknown(), "{err:?}");
    assert_eq!(fake.requests_to("POST /channels/*/messages").len(), 1);
    assert_eq!(fake.message_count(fake.channel_id()), 1, "created once");
    // Without a nonce (an idempotent-enough call), a 5xx is still retried by the client.
    fake.inject("POST /channels/*/messages", Fault::ServerError, 1);
    rest.send(&channel, &Message::text("retried"), None)
        .await
        .expect("retried");
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_held_past_its_start_deadline_gives_up_unsent() {
    let fake = FakeDiscord::start(Options::default()).await;
    let rest = client(&fake, 50);
    let channel = fake.channel_id().to_string();
    // A 429 holds the route for 2 s; the create had to start within 1 s.
    fake.inject("POST /channels/*/messages", Fault::rate_limited(2.0), 1);
    let start_by = tokio::time::Instant::now() + Duration::from_secs(1);
    let err = rest
        .send_before(
            &channel,
            &Message::text("late"),
            Some("n-2"),
            Some(start_by),
        )
        .await
        .expect_err("too late to start");
    assert!(matches!(err, RestError::Late), "{err:?}");
    assert!(!err.outcome_unknown(), "nothing was created");
    assert_eq!(
        fake.requests_to("POST /channels/*/messages").len(),
        1,
        "the 429 only"
    );
    assert_eq!(fake.message_count(fake.channel_id()), 0);
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_retried_or_typed() {
    let fake = FakeDiscord::start(Options::default()).await;
    let rest = client(&fake, 50);
    let channel = fake.channel_id().to_string();
    fake.inject("POST /channels/*/messages", Fault::ServerError, 2);
    rest.send(&channel, &Message::text("after two 500s"), None)
        .await
        .expect("retried");
    let user = fake.ids().member;
    fake.close_dms(user);
    let dm = rest.create_dm(&user.to_string()).await.unwrap();
    let err = rest
        .send(&dm, &Message::text("hi"), None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(CANNOT_DM));
    assert!(err.is_target_gone());
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_channel_waits_for_its_bucket_instead_of_collecting_429s() {
    let opts = Options {
        route_limit: Some((5, Duration::from_millis(500))),
        ..Options::default()
    };
    let fake = FakeDiscord::start(opts).await;
    let rest = client(&fake, 50);
    let channel = fake.channel_id().to_string();
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..16 {
        let (rest, channel) = (rest.clone(), channel.clone());
        tasks.push(tokio::spawn(async move {
            rest.send(&channel, &Message::text(format!("m{i}")), None)
                .await
                .unwrap()
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = t0.elapsed();
    assert_eq!(fake.message_count(fake.channel_id()), 16);
    assert_eq!(fake.route_limited(), 0, "never asked an empty bucket");
    assert_eq!(fake.invalid_requests(), 0);
    // 16 at 5 per 500 ms: at least three refills.
    assert!(elapsed >= Duration::from_millis(1500), "{elapsed:?}");
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_route_429_is_waited_out_once() {
    let fake = FakeDiscord::start(Options::default()).await;
    let rest = client(&fake, 50);
    let channel = fake.channel_id().to_string();
    fake.inject("POST /channels/*/messages", Fault::rate_limited(0.4), 1);
    let t0 = Instant::now();
    rest.send(&channel, &Message::text("after a 429"), None)
        .await
        .expect("retried after the wait");
    assert!(t0.elapsed() >= Duration::from_millis(400));
    let statuses: Vec<u16> = fake
        .requests_to("POST /channels/*/messages")
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [429, 200]);
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_is_an_unknown_outcome() {
    let fake = FakeDiscord::start(Options::default()).await;
    let rest = client(&fake, 50);
    let channel = fake.channel_id().to_string();
    fake.inject("POST /channels/*/messages", Fault::created_then_closed(), 1);
    let err = rest
        .send(&channel, &Message::text("lost"), Some("n1"))
        .await
        .unwrap_err();
    assert!(err.outcome_unknown(), "{err}");
    assert_eq!(fake.message_count(fake.channel_id()), 1, "it was created");
    // Read back, it carries our identity: the author is the bot.
    let me = rest.own_user_id().await.unwrap();
    let read = rest.messages_after(&channel, 0, 100).await.unwrap();
    assert_eq!(read.len(), 1);
    assert_eq!(read[0].author_id, me);
    fake.assert_no_violations();
}
