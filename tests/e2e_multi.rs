//! End to end on the multi-track fixture (tests/sites/multi), against the fake Discord: a member
//! changes track and `/remind preview` follows; `/resource` pages 1–3 clicked by two members of
//! different tracks are the same pages without repeats; a group subscription in a channel tied
//! to a track uses that track, not the moderator's.

mod harness;
mod reminders_kit;
mod support;

use reminders_kit::{content, remind, sub, T};
use serde_json::{json, Value};
use support::fake_discord::{perms, FakeDiscord};

async fn setup() -> (FakeDiscord, harness::Bot) {
    let fake = FakeDiscord::start(Default::default()).await;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let catalog = curriculum_bot::load::load_catalog(
        &root.join("tests/sites/multi/docs"),
        &harness::settings(),
    )
    .expect("the multi fixture loads")
    .0;
    let bot = harness::start_catalog(
        &fake,
        Some(fake.guild_id()),
        None,
        Default::default(),
        catalog,
    )
    .await;
    assert!(fake.wait_ready(std::time::Duration::from_secs(10)).await);
    (fake, bot)
}

fn track(slug: &str) -> Value {
    json!([{ "name": "track", "type": 3, "value": slug }])
}

fn text_of(body: &Value) -> String {
    let mut s = body["data"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    for e in body["data"]["embeds"].as_array().into_iter().flatten() {
        s.push('\n');
        s.push_str(&e.to_string());
    }
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_track_moves_the_dm_reminders_and_preview_follows() {
    let (fake, bot) = setup().await;
    let member = fake.member();
    let id = fake
        .send_command_as("track", track("mlops-engineering"), &member)
        .await;
    fake.wait_callback(id, T).await.expect("answered");
    let cb = remind(&fake, sub("subscribe", json!([])), &member).await;
    assert!(
        content(&cb).contains("MLOps Engineering"),
        "{}",
        content(&cb)
    );
    let welcome = fake.dm_messages(member.user);
    assert!(
        welcome[0].to_string().contains("MLOps Engineering"),
        "{welcome:?}"
    );
    let cb = remind(&fake, sub("preview", json!([])), &member).await;
    assert!(
        text_of(&cb).contains("Experiment Tracking"),
        "{}",
        text_of(&cb)
    );
    // A prefix is enough.
    let id = fake
        .send_command_as("track", track("data-sci"), &member)
        .await;
    let cb = fake.wait_callback(id, T).await.expect("answered").body;
    assert!(content(&cb).contains("DM reminders"), "{}", content(&cb));
    let stored = bot
        .app
        .store
        .get_dm(member.user as i64)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.track.as_deref(), Some("data-science"));
    let cb = remind(&fake, sub("preview", json!([])), &member).await;
    let shown = text_of(&cb);
    assert!(
        shown.contains("Statistics") && !shown.contains("Experiment Tracking"),
        "{shown}"
    );
    let cb = remind(&fake, sub("status", json!([])), &member).await;
    assert!(content(&cb).contains("data-science"), "{}", content(&cb));
    // A week past the new track's end starts the new track from week 1, never "finished".
    let id = fake
        .send_command_as("track", track("mlops-engineering"), &member)
        .await;
    fake.wait_callback(id, T).await.expect("answered");
    let cb = remind(
        &fake,
        sub(
            "week",
            json!([{ "name": "number", "type": 4, "value": 18 }]),
        ),
        &member,
    )
    .await;
    assert!(content(&cb).contains("18"), "{}", content(&cb));
    let id = fake
        .send_command_as("track", track("devops"), &member)
        .await;
    fake.wait_callback(id, T).await.expect("answered");
    let stored = bot
        .app
        .store
        .get_dm(member.user as i64)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((stored.track.as_deref(), stored.week), (Some("devops"), 1));
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resource_pages_are_the_same_whoever_clicks() {
    let (fake, _bot) = setup().await;
    let a = fake.member();
    let b = fake.invoker(fake.ids().member + 77, perms::MEMBER);
    // The two members follow different tracks.
    for (who, t) in [(&a, "devops"), (&b, "data-science")] {
        let id = fake.send_command_as("track", track(t), who).await;
        fake.wait_callback(id, T).await.expect("answered");
    }
    // "example" matches every resource of the site: several pages.
    let id = fake
        .send_command_as(
            "resource",
            json!([{ "name": "query", "type": 3, "value": "example" }]),
            &a,
        )
        .await;
    fake.wait_callback(id, T).await.expect("answered");
    let first = fake.wait_reply(id, T).await.expect("posted");
    let mut seen: Vec<Vec<String>> = Vec::new();
    for who in [&a, &b] {
        let mut message = first.clone();
        let mut titles = Vec::new();
        for _ in 0..2 {
            let next = message["components"][0]["components"][1]["custom_id"]
                .as_str()
                .expect("a Next button")
                .to_string();
            // Clicked on the posted message (the fake knows it by id).
            let id = fake.send_component(&next, &first, who).await;
            let cb = fake.wait_callback(id, T).await.expect("answered").body;
            for e in cb["data"]["embeds"].as_array().into_iter().flatten() {
                titles.push(e["url"].as_str().unwrap_or_default().to_string());
            }
            message = cb["data"].clone();
        }
        seen.push(titles);
    }
    let page1: Vec<String> = first["embeds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["url"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(seen[0], seen[1], "the same pages 2 and 3 for both members");
    let mut all = page1.clone();
    all.extend(seen[0].clone());
    let mut dedup = all.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(
        dedup.len(),
        all.len(),
        "no resource repeated on pages 1-3: {all:?}"
    );
    assert!(all.len() > 10, "{all:?}");
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_subscription_uses_the_channels_track() {
    let (fake, bot) = setup().await;
    let moderator = fake.moderator();
    let channel = fake.channel_id().to_string();
    let id = fake
        .send_command_as("track", track("mlops-engineering"), &moderator)
        .await;
    fake.wait_callback(id, T).await.expect("answered");
    let tie = json!([
        { "name": "track", "type": 3, "value": "devops" },
        { "name": "channel", "type": 7, "value": channel }
    ]);
    let id = fake.send_command_as("track", tie, &moderator).await;
    fake.wait_callback(id, T).await.expect("answered");
    let cb = remind(
        &fake,
        sub(
            "subscribe",
            json!([{ "name": "channel", "type": 7, "value": channel }]),
        ),
        &moderator,
    )
    .await;
    assert!(content(&cb).contains("DevOps"), "{}", content(&cb));
    let stored = bot
        .app
        .store
        .get_group(fake.channel_id() as i64)
        .await
        .unwrap()
        .expect("stored");
    assert_eq!(stored.track.as_deref(), Some("devops"));
    fake.assert_no_violations();
}
