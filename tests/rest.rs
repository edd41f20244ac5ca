//! Our REST client against the fake Discord: a global 429 pauses every sender (so only the first
//! request hits it), per-route 429s and 5xx are retried, and error codes come back typed.

mod support;

use curriculum_bot::discord::rest::{Rest, RestConfig};
use curriculum_bot::ports::CANNOT_DM;
use curriculum_bot::reply::Message;
use std::sync::Arc;
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
    let fake = FakeDiscord::start(Options::default()).await;
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
