//! End to end on the fixture site (tests/site: three tracks), against the fake Discord: a member
//! picks a track from the `/track` menu, a moderator ties a channel to one, and `/module` and
//! `/plan` answer from it.

mod e2e_kit;
mod harness;
mod support;

use e2e_kit::{embed_titles, q, T};
use serde_json::{json, Value};
use support::fake_discord::perms;

fn first_title(body: &Value) -> String {
    embed_titles(body).into_iter().next().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_picks_a_track_from_the_menu_and_module_2_answers_from_it() {
    let (fake, _bot) = harness::setup_site().await;
    let member = fake.member();
    // Three tracks and no choice yet: a prompt with the menu, never a guess.
    let id = fake
        .send_command_as("module", q("module", json!("2")), &member)
        .await;
    let cb = fake.wait_callback(id, T).await.expect("answered");
    assert!(cb.ephemeral(), "the prompt is private");
    assert!(
        embed_titles(&cb.body).is_empty(),
        "no module card: {}",
        cb.body
    );
    let id = fake.send_command_as("track", json!([]), &member).await;
    let cb = fake.wait_callback(id, T).await.expect("answered");
    let menu = &cb.body["data"]["components"][0]["components"][0];
    assert_eq!(menu["type"], 3, "a string select: {}", cb.body);
    assert_eq!(menu["custom_id"], "trk|pick");
    let message = fake
        .wait_reply(id, T)
        .await
        .expect("the track list is posted");
    let id = fake
        .send_select("trk|pick", &["data-engineering"], &message, &member)
        .await;
    let cb = fake.wait_callback(id, T).await.expect("answered");
    assert!(
        cb.body["data"]["content"]
            .as_str()
            .unwrap_or_default()
            .contains("Data Engineering"),
        "{}",
        cb.body
    );
    let id = fake
        .send_command_as("module", q("module", json!("2")), &member)
        .await;
    let cb = fake.wait_callback(id, T).await.expect("answered");
    assert_eq!(first_title(&cb.body), "Module 2: Batch Pipelines");
    // Autocomplete on track labels and slugs stays within Discord's limits.
    let opts = json!([{ "name": "track", "type": 3, "value": "cloud", "focused": true }]);
    let id = fake.send_autocomplete("module", opts, perms::MEMBER).await;
    let cb = fake.wait_callback(id, T).await.expect("answered");
    assert_eq!(cb.body["data"]["choices"][0]["value"], "cloud-security");
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channel_tied_to_a_track_answers_from_that_track() {
    let (fake, _bot) = harness::setup_site().await;
    let channel = fake.channel_id().to_string();
    let tie = json!([
        { "name": "track", "type": 3, "value": "cloud-security" },
        { "name": "channel", "type": 7, "value": channel }
    ]);
    // Members may not; moderators (Manage Channels) may.
    let id = fake
        .send_command_as("track", tie.clone(), &fake.member())
        .await;
    let cb = fake.wait_callback(id, T).await.expect("answered");
    assert!(cb.ephemeral());
    assert!(
        cb.body["data"]["content"]
            .as_str()
            .unwrap_or_default()
            .contains("Manage Channels"),
        "{}",
        cb.body
    );
    let id = fake.send_command_as("track", tie, &fake.moderator()).await;
    fake.wait_callback(id, T).await.expect("answered");
    let id = fake
        .send_command_as("module", q("module", json!("2")), &fake.member())
        .await;
    let cb = fake.wait_callback(id, T).await.expect("answered");
    assert_eq!(first_title(&cb.body), "Module 2: Network Defense");
    let id = fake
        .send_command_as("plan", json!([]), &fake.member())
        .await;
    let cb = fake.wait_callback(id, T).await.expect("answered");
    assert!(
        first_title(&cb.body).starts_with("Cloud Security"),
        "{}",
        cb.body
    );
    fake.assert_no_violations();
}
