//! Starts the real bot (serenity gateway client + our REST client + the one handler) against a
//! fake Discord, the way `curriculum-bot run` does, for end-to-end tests.
#![allow(dead_code)]

use crate::support::fake_discord::FakeDiscord;
use curriculum_bot::app::App;
use curriculum_bot::config::Settings;
use curriculum_bot::discord::gateway::{self, GatewayConfig};
use curriculum_bot::discord::rest::{Rest, RestConfig};
use std::sync::Arc;

pub struct Bot {
    pub app: Arc<App>,
    pub rest: Arc<Rest>,
    pub shutdown: Arc<tokio::sync::Notify>,
    pub task: tokio::task::JoinHandle<()>,
}

pub fn settings() -> Settings {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    Settings::from_vars(|k| match k {
        "ALIASES_PATH" => Some(root.join("data/aliases.txt").display().to_string()),
        "CURRICULUM_PATH" => Some(root.join("data/curriculum").display().to_string()),
        _ => None,
    })
    .expect("settings")
}

pub fn catalog() -> curriculum_bot::reply::Catalog {
    let s = settings();
    curriculum_bot::load::load_catalog(&s.curriculum_path, &s)
        .expect("seed loads")
        .0
}

/// The fixture site (tests/site: three tracks).
pub fn site_catalog() -> curriculum_bot::reply::Catalog {
    let s = settings();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    curriculum_bot::load::load_catalog(&root.join("tests/site/docs"), &s)
        .expect("the fixture site loads")
        .0
}

/// Starts the bot; `guild` registers commands in that guild instead of globally.
pub async fn start(fake: &FakeDiscord, guild: Option<u64>) -> Bot {
    start_sharded(fake, guild, None).await
}

/// A fake Discord with the bot answering from the fixture site (three tracks).
pub async fn setup_site() -> (FakeDiscord, Bot) {
    let fake = FakeDiscord::start(Default::default()).await;
    let bot = start_catalog(
        &fake,
        Some(fake.guild_id()),
        None,
        Default::default(),
        site_catalog(),
    )
    .await;
    assert!(
        fake.wait_ready(std::time::Duration::from_secs(10)).await,
        "bot connects"
    );
    (fake, bot)
}

/// Starts the bot running shards `first..=last` of `total`.
pub async fn start_sharded(
    fake: &FakeDiscord,
    guild: Option<u64>,
    shards: Option<(u32, u32, u32)>,
) -> Bot {
    start_with(fake, guild, shards, Default::default()).await
}

/// Starts the bot with its own answer deadlines.
pub async fn start_with(
    fake: &FakeDiscord,
    guild: Option<u64>,
    shards: Option<(u32, u32, u32)>,
    deadlines: curriculum_bot::discord::deadline::Deadlines,
) -> Bot {
    start_catalog(fake, guild, shards, deadlines, catalog()).await
}

/// Starts the bot answering from `catalog`.
pub async fn start_catalog(
    fake: &FakeDiscord,
    guild: Option<u64>,
    shards: Option<(u32, u32, u32)>,
    deadlines: curriculum_bot::discord::deadline::Deadlines,
    catalog: curriculum_bot::reply::Catalog,
) -> Bot {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
    let rest = rest_client(fake);
    let dir = std::env::temp_dir().join(format!(
        "cb-e2e-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    let url = format!("sqlite://{}/bot.db?mode=rwc", dir.display());
    let store = curriculum_bot::store::open(&url, &Default::default())
        .await
        .expect("store");
    start_on(fake, guild, shards, deadlines, catalog, store, rest)
}

/// The bot's REST client, on the fake.
pub fn rest_client(fake: &FakeDiscord) -> Arc<Rest> {
    Arc::new(
        Rest::new(&RestConfig {
            base_url: fake.base_url().to_string(),
            token: fake.token().to_string(),
            global_per_second: 45,
            max_attempts: 6,
        })
        .expect("rest client"),
    )
}

/// Starts the bot on `store` (e.g. the database of a bot that was stopped: a restart).
pub fn start_on(
    fake: &FakeDiscord,
    guild: Option<u64>,
    shards: Option<(u32, u32, u32)>,
    deadlines: curriculum_bot::discord::deadline::Deadlines,
    catalog: curriculum_bot::reply::Catalog,
    store: Arc<dyn curriculum_bot::store::Store>,
    rest: Arc<Rest>,
) -> Bot {
    let app = Arc::new(App::new(catalog, rest.clone(), store));
    let cfg = GatewayConfig {
        token: fake.token().to_string(),
        api_url: fake.base_url().to_string(),
        guild_id: guild.map(|g| g.to_string()),
        shards,
        deadlines,
    };
    let shutdown = Arc::new(tokio::sync::Notify::new());
    let stop = shutdown.clone();
    let (a, r) = (app.clone(), rest.clone());
    let task = tokio::spawn(async move {
        let stopped = async move { stop.notified().await };
        if let Err(e) = gateway::run(cfg, a, r, stopped).await {
            eprintln!("bot stopped: {e}");
        }
    });
    Bot {
        app,
        rest,
        shutdown,
        task,
    }
}

/// A fake Discord with the bot connected and registering its commands in the test guild.
pub async fn setup() -> (FakeDiscord, Bot) {
    let fake = FakeDiscord::start(Default::default()).await;
    let bot = start(&fake, Some(fake.guild_id())).await;
    assert!(
        fake.wait_ready(std::time::Duration::from_secs(10)).await,
        "bot connects"
    );
    (fake, bot)
}

/// Starts `curriculum-bot deliver` as its own process against the fake and `db`.
pub fn spawn_deliver(fake: &FakeDiscord, db: &str, env: &[(&str, &str)]) -> std::process::Child {
    spawn_deliver_logged(fake, db, env, None)
}

/// `spawn_deliver`, writing the delivery loop's info logs (reconciled, resent) to `log`.
pub fn spawn_deliver_logged(
    fake: &FakeDiscord,
    db: &str,
    env: &[(&str, &str)],
    log: Option<&std::path::Path>,
) -> std::process::Child {
    use std::process::Stdio;
    let (level, stderr) = match log {
        Some(path) => (
            "error,curriculum_bot::delivery=info",
            Stdio::from(std::fs::File::create(path).expect("a log file")),
        ),
        None => ("error", Stdio::null()),
    };
    std::process::Command::new(env!("CARGO_BIN_EXE_curriculum-bot"))
        .arg("deliver")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DISCORD_TOKEN", fake.token())
        .env("DISCORD_API_URL", fake.base_url())
        .env("DATABASE_URL", db)
        .env("RUST_LOG", level)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("the bot starts")
}

/// How many deliveries the logs in `paths` report as reconciled (found already sent) and as
/// resent (not found, sent again).
pub fn reconciled_and_resent(paths: &[std::path::PathBuf]) -> (usize, usize) {
    let text: String = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    (
        text.matches("reconciled: already sent").count(),
        text.matches("resent: reconciliation found no earlier send")
            .count(),
    )
}

/// Stores `n` DM subscriptions for users `first_user..`, all due now.
pub async fn seed_due_dms(
    store: &dyn curriculum_bot::store::Store,
    first_user: u64,
    n: u64,
    schedule: curriculum_bot::store::Schedule,
) {
    let now = curriculum_bot::app::unix_now();
    for u in 0..n {
        let new = curriculum_bot::store::NewSubscription {
            guild_id: None,
            owner_user_id: (first_user + u) as i64,
            target: curriculum_bot::store::Target::Dm,
            schedule: schedule.clone(),
            pathway: None,
            track: None,
            week: 1 + (u % 40) as u32,
            next_due_at: now - 5,
        };
        store.subscribe(&new, now).await.expect("subscribe");
    }
}
