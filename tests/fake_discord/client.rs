//! A real serenity 0.12.5 `Client` against the fake: READY and GUILD_CREATE reach its handler,
//! slash commands are answered, and it survives a dropped gateway and a close frame by resuming.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use serenity::model::prelude::*;

use crate::support::fake_discord::{perms, FakeDiscord, Options};
use crate::SECOND;

#[derive(Default)]
struct Seen {
    ready: usize,
    guilds: usize,
    commands: Vec<String>,
}

struct Bot(Arc<Mutex<Seen>>);

#[serenity::async_trait]
impl serenity::client::EventHandler for Bot {
    async fn ready(&self, _: serenity::client::Context, _: Ready) {
        self.0.lock().expect("lock").ready += 1;
    }

    async fn guild_create(&self, _: serenity::client::Context, _: Guild, _: Option<bool>) {
        self.0.lock().expect("lock").guilds += 1;
    }

    async fn interaction_create(&self, ctx: serenity::client::Context, interaction: Interaction) {
        use serenity::builder::{CreateInteractionResponse, CreateInteractionResponseMessage};
        let Interaction::Command(c) = interaction else {
            return;
        };
        self.0
            .lock()
            .expect("lock")
            .commands
            .push(c.data.name.clone());
        let reply =
            CreateInteractionResponseMessage::new().content(format!("pong {}", c.data.name));
        let _ = c
            .create_response(&ctx.http, CreateInteractionResponse::Message(reply))
            .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serenity_client_connects_receives_interactions_and_resumes() {
    let fake = FakeDiscord::start(Options::default()).await;
    let seen = Arc::new(Mutex::new(Seen::default()));
    let http = serenity::http::HttpBuilder::new(fake.token())
        .proxy(fake.base_url())
        .ratelimiter_disabled(true)
        .build();
    let mut client = serenity::client::ClientBuilder::new_with_http(http, GatewayIntents::GUILDS)
        .event_handler(Bot(Arc::clone(&seen)))
        .await
        .expect("client");
    let shards = Arc::clone(&client.shard_manager);
    let running = tokio::spawn(async move { client.start().await });
    assert!(fake.wait_ready(10 * SECOND).await, "no READY");

    let send = |name: &'static str| fake.send_command(name, json!([]), perms::MEMBER);
    let answer = |id: u64| {
        let fake = &fake;
        async move {
            let cb = fake
                .wait_callback(id, 10 * SECOND)
                .await
                .unwrap_or_else(|| panic!("no callback for interaction {id}"));
            assert!(cb.latency < 10 * SECOND);
            let reply = fake.wait_reply(id, SECOND).await.expect("reply");
            (
                cb.kind(),
                reply["content"].as_str().unwrap_or("").to_owned(),
            )
        }
    };
    assert_eq!(
        answer(send("ping").await).await,
        (4, "pong ping".to_owned())
    );

    // A dropped connection, with RESUMEs held: the command is dispatched while the client is
    // certainly disconnected, so it can reach the bot only through the replay after RESUME.
    fake.hold_resumes();
    assert_eq!(fake.drop_gateway(), 1);
    let during = send("during-drop").await;
    assert!(fake.wait_held_resumes(1, 10 * SECOND).await, "no RESUME");
    assert!(
        fake.wait_callback(during, SECOND / 5).await.is_none(),
        "answered before the replay"
    );
    assert_eq!(fake.release_resumes(), 1);
    assert_eq!(answer(during).await, (4, "pong during-drop".to_owned()));
    let dispatched = fake
        .dispatches("INTERACTION_CREATE")
        .into_iter()
        .find(|d| d.data["id"].as_str() == Some(during.to_string().as_str()))
        .expect("dispatched");
    let seq = dispatched.seq;
    let replay = fake.replays().first().cloned().expect("a replay");
    // The client had seen everything up to the dispatch before it; the replay carried exactly
    // that dispatch, and RESUMED came right after it.
    assert_eq!(
        (replay.client_seq, replay.replayed, replay.resumed_seq),
        (seq - 1, vec![seq], seq + 1),
        "{dispatched:?}"
    );

    // A close frame with a resumable code: nothing was missed, nothing is replayed.
    assert_eq!(fake.close_gateway(4000), 1);
    assert!(fake.wait_resumes(2, 10 * SECOND).await);
    assert_eq!(fake.replays()[1].replayed, Vec::<u64>::new());
    assert_eq!(
        answer(send("after").await).await,
        (4, "pong after".to_owned())
    );

    for _ in 0..50 {
        if fake.gateway_stats().heartbeats >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let stats = fake.gateway_stats();
    assert_eq!((stats.identifies, stats.resumes), (1, 2), "{stats:?}");
    assert!(stats.replayed == 1 && stats.heartbeats >= 1, "{stats:?}");
    {
        let seen = seen.lock().expect("lock");
        assert_eq!((seen.ready, seen.guilds), (1, 1));
        assert_eq!(seen.commands, ["ping", "during-drop", "after"]);
    }
    assert_eq!(fake.sessions().len(), 1);
    fake.assert_no_violations();
    shards.shutdown_all().await;
    running.abort();
}
