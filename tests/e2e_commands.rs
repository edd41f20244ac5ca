//! End to end: the real serenity client and our REST client against the fake Discord, which
//! validates every request against Discord's OpenAPI spec. Tracks end to end are in
//! e2e_tracks.rs; the shared helpers are in e2e_kit.

mod e2e_kit;
mod harness;
mod support;

use e2e_kit::{embed_titles, q, T};
use serde_json::{json, Value};
use std::time::Duration;
use support::fake_discord::{perms, FakeDiscord, Fault, Options};

async fn setup() -> (FakeDiscord, harness::Bot) {
    harness::setup().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registers_commands_and_answers_resource_mlflow() {
    let (fake, _bot) = setup().await;
    let cmds = fake.wait_commands(Some(fake.guild_id()), T).await;
    let names: Vec<&str> = cmds.iter().filter_map(|c| c["name"].as_str()).collect();
    for n in [
        "resource", "search", "module", "path", "plan", "help", "pin", "remind",
    ] {
        assert!(names.contains(&n), "{n} registered in the guild: {names:?}");
    }
    let id = fake
        .send_command("resource", q("query", json!("mlflow")), perms::MEMBER)
        .await;
    let cb = fake.wait_callback(id, T).await.expect("answered");
    assert_eq!(cb.kind(), 4);
    assert!(!cb.ephemeral(), "lookups are public");
    let titles = embed_titles(&cb.body);
    assert!(
        titles.contains(&"MLflow Documentation".into())
            && titles.contains(&"MLflow Quickstart".into()),
        "{titles:?}"
    );
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_prints_the_payload_the_bot_sends() {
    let (fake, _bot) = setup().await;
    let app = curriculum_bot::cli::offline_app(harness::catalog())
        .await
        .unwrap();
    for (line, name, option, value) in [
        ("/resource mlflow", "resource", "query", "mlflow"),
        ("/search kubeflw", "search", "topic", "kubeflw"),
        ("/module 2", "module", "module", "2"),
        (
            "/path DevOps Engineers",
            "path",
            "background",
            "DevOps Engineers",
        ),
    ] {
        let mut out = Vec::new();
        curriculum_bot::cli::ask(&app, line, true, &Default::default(), &mut out)
            .await
            .unwrap();
        let printed: Value = serde_json::from_slice(&out).unwrap();
        let id = fake
            .send_command(name, q(option, json!(value)), perms::MEMBER)
            .await;
        let cb = fake.wait_callback(id, T).await.expect("answered");
        assert_eq!(cb.body["data"], printed, "{line}");
    }
    for (line, name) in [("/plan", "plan"), ("/help", "help"), ("/module", "module")] {
        let mut out = Vec::new();
        curriculum_bot::cli::ask(&app, line, true, &Default::default(), &mut out)
            .await
            .unwrap();
        let printed: Value = serde_json::from_slice(&out).unwrap();
        let id = fake.send_command(name, json!([]), perms::MEMBER).await;
        let cb = fake.wait_callback(id, T).await.expect("answered");
        assert_eq!(cb.body["data"], printed, "{line}");
    }
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autocomplete_answers_within_the_deadline() {
    let (fake, _bot) = setup().await;
    let opts = json!([{ "name": "query", "type": 3, "value": "kub", "focused": true }]);
    let id = fake
        .send_autocomplete("resource", opts, perms::MEMBER)
        .await;
    let cb = fake.wait_callback(id, T).await.expect("answered");
    assert_eq!(cb.kind(), 8);
    // In time: the fake accepts a callback only within Discord's 3 s (else 10062).
    let choices = cb.body["data"]["choices"].as_array().unwrap();
    assert!(choices
        .iter()
        .any(|c| c["name"].as_str().unwrap().contains("Kubeflow")));
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_results_with_buttons() {
    let (fake, _bot) = setup().await;
    let id = fake
        .send_command("resource", q("query", json!("ml")), perms::MEMBER)
        .await;
    let message = fake.wait_reply(id, T).await.expect("reply message");
    let next = message["components"][0]["components"][1]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    let click = fake.send_component(&next, &message, &fake.member()).await;
    let cb = fake.wait_callback(click, T).await.expect("click answered");
    assert_eq!(cb.kind(), 7, "the click edits the message");
    assert!(cb.body["data"]["content"]
        .as_str()
        .unwrap()
        .contains("page 2 of"));
    assert_ne!(
        embed_titles(&cb.body),
        message["embeds"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["title"].as_str().map(str::to_owned))
            .collect::<Vec<_>>()
    );
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pins_for_a_moderator_and_refuses_a_member() {
    let (fake, _bot) = setup().await;
    let id = fake
        .send_command_as("pin", q("module", json!("1")), &fake.member())
        .await;
    let cb = fake.wait_callback(id, T).await.expect("answered");
    assert!(cb.ephemeral());
    assert!(fake.pins(fake.channel_id()).is_empty());
    let id = fake
        .send_command_as("pin", q("module", json!("1")), &fake.moderator())
        .await;
    let cb = fake.wait_callback(id, T).await.expect("answered");
    assert!(cb.ephemeral(), "{}", cb.body);
    assert_eq!(fake.pins(fake.channel_id()).len(), 1, "{}", cb.body);
    let card = fake.messages(fake.channel_id());
    assert!(card
        .iter()
        .any(|m| m["embeds"][0]["title"] == "Module 1: MLOps Fundamentals"));
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn survives_a_gateway_disconnect() {
    let (fake, _bot) = setup().await;
    fake.drop_gateway();
    assert!(
        fake.wait_resumes(1, Duration::from_secs(20)).await,
        "the bot resumes"
    );
    let id = fake.send_command("plan", json!([]), perms::MEMBER).await;
    let cb = fake
        .wait_callback(id, T)
        .await
        .expect("answered after resume");
    assert_eq!(cb.kind(), 4);
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovers_from_429_and_502_without_losing_the_reply() {
    let (fake, _bot) = setup().await;
    fake.inject(
        "POST /interactions/*/*/callback",
        Fault::rate_limited(0.3),
        1,
    );
    let id = fake
        .send_command("resource", q("query", json!("docker")), perms::MEMBER)
        .await;
    let cb = fake
        .wait_callback(id, T)
        .await
        .expect("answered after a 429");
    assert_eq!(cb.kind(), 4);
    fake.inject("POST /interactions/*/*/callback", Fault::BadGateway, 1);
    let id = fake
        .send_command("resource", q("query", json!("terraform")), perms::MEMBER)
        .await;
    let cb = fake
        .wait_callback(id, T)
        .await
        .expect("answered after a 502");
    assert!(embed_titles(&cb.body)
        .iter()
        .any(|t| t.contains("Terraform")));
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_clear_ephemeral_answers() {
    let (fake, _bot) = setup().await;
    let long = "y".repeat(6000);
    let cases: Vec<(&str, Value)> = vec![
        ("resource", q("query", json!(""))),
        ("resource", q("query", json!(long))),
        ("resource", q("query", json!("\u{1}\u{2}\u{3}"))),
        ("search", q("topic", json!("שלום עולם"))),
        ("search", q("topic", json!("🦀🦀🦀"))),
        ("module", q("module", json!("Underwater Basket Weaving"))),
        (
            "resource",
            json!([{ "name": "query", "type": 4, "value": 42 }]),
        ),
    ];
    for (name, options) in cases {
        let id = fake
            .send_command(name, options.clone(), perms::MEMBER)
            .await;
        let cb = fake
            .wait_callback(id, T)
            .await
            .unwrap_or_else(|| panic!("{name} {options} answered"));
        assert!(cb.ephemeral(), "{name} {options}: {}", cb.body);
        let content = cb.body["data"]["content"].as_str().unwrap_or_default();
        assert!(
            !content.is_empty() && !content.contains("@everyone"),
            "{content}"
        );
        assert_eq!(cb.body["data"]["allowed_mentions"]["parse"], json!([]));
    }
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echoed_mentions_never_ping() {
    let (fake, _bot) = setup().await;
    for (name, options) in [
        (
            "search",
            q("topic", json!("@everyone @here <@&1> kubeflow")),
        ),
        ("resource", q("query", json!("@everyone"))),
        ("search", q("topic", json!("@here"))),
    ] {
        let id = fake
            .send_command(name, options.clone(), perms::MEMBER)
            .await;
        let cb = fake.wait_callback(id, T).await.expect("answered");
        assert_eq!(
            cb.body["data"]["allowed_mentions"]["parse"],
            json!([]),
            "{options}"
        );
        let text = cb.body["data"].to_string();
        assert!(
            !text.contains("@everyone") && !text.contains("@here"),
            "echo is escaped: {text}"
        );
    }
    fake.assert_no_violations();
}

/// Regression: serenity serializes an interaction without its `type`, so every command was
/// dropped as unreadable until the gateway put the type back from the variant.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serenity_interactions_keep_their_type_and_options() {
    let fake = FakeDiscord::start(Options::default()).await;
    use support::fake_discord::InteractionKind;
    let kinds = [
        (
            InteractionKind::Command {
                name: "resource".into(),
                options: q("query", json!("mlflow")),
            },
            2,
        ),
        (
            InteractionKind::Autocomplete {
                name: "resource".into(),
                options: json!([{ "name": "query", "type": 3, "value": "ml", "focused": true }]),
            },
            4,
        ),
    ];
    for (kind, expected) in kinds {
        let (_, payload) = fake.build_interaction(&kind, &fake.member());
        let serenity: serenity::all::Interaction =
            serde_json::from_value(payload).expect("serenity reads it");
        let ours = curriculum_bot::discord::gateway::to_interaction(&serenity)
            .expect("we read serenity's");
        assert_eq!(ours.kind, expected);
        assert_eq!(ours.name(), "resource");
        assert_eq!(
            ours.options()[0].value,
            Some(json!(if expected == 2 { "mlflow" } else { "ml" }))
        );
        assert!(ours.member_permissions() != 0 || ours.user_id().is_some());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn says_plainly_when_it_cannot_pin() {
    let (fake, _bot) = setup().await;
    // The bot may post but not pin here: Discord answers the pin with 403 / 50013.
    fake.set_bot_permissions(
        fake.channel_id(),
        perms::VIEW_CHANNEL | perms::SEND_MESSAGES | perms::EMBED_LINKS,
    );
    let id = fake
        .send_command_as("pin", q("module", json!("2")), &fake.moderator())
        .await;
    let cb = fake.wait_callback(id, T).await.expect("answered");
    assert!(cb.ephemeral());
    let text = cb.body["data"]["content"].as_str().unwrap_or_default();
    assert!(text.contains("Pin Messages"), "{text}");
    assert!(fake.pins(fake.channel_id()).is_empty());
    fake.assert_no_violations();
}
