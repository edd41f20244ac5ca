//! Reminder fan-out: 10,000 due reminders delivered by the real delivery code (claim, content,
//! send with nonce, mark) with its default settings to the fake Discord enforcing a global limit
//! of 2,000 requests/s, with the bot paced just under it (the fake admits bursts of 50, as Discord
//! counts per second). Baseline in the same run: the same REST client sending bare messages as
//! fast as its pacing allows (no store, no content). `cargo bench --bench fanout`.

#[path = "../tests/support/mod.rs"]
mod support;

use curriculum_bot::app::App;
use curriculum_bot::discord::rest::{Rest, RestConfig};
use curriculum_bot::reminders::delivery::{self, DeliveryConfig};
use curriculum_bot::reply::Message;
use curriculum_bot::store::{self, NewSubscription, Schedule, Target};
use std::sync::Arc;
use std::time::Instant;
use support::fake_discord::{FakeDiscord, Options};

const REMINDERS: u64 = 10_000;
const LIMIT: u32 = 2_000;
const PACE: u32 = 1_990;
const FIRST_USER: u64 = 900_000_000_000_000_000;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run());
}

async fn run() {
    let opts = Options {
        global_limit: Some((LIMIT, 50)),
        check_on_drop: false,
        ..Options::default()
    };
    let fake = FakeDiscord::start(opts).await;
    let rest = Arc::new(
        Rest::new(&RestConfig {
            base_url: fake.base_url().into(),
            token: fake.token().into(),
            global_per_second: PACE,
            max_attempts: 6,
        })
        .unwrap(),
    );
    // Baseline: bare sends, 64 in flight, same pacing.
    let channel = fake.channel_id().to_string();
    let bare = Message::text("baseline");
    let t = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..64 {
        let (rest, channel, bare) = (rest.clone(), channel.clone(), bare.clone());
        set.spawn(async move {
            for _ in 0..(2_000 / 64) {
                rest.send(&channel, &bare, None).await.unwrap();
            }
        });
    }
    while set.join_next().await.is_some() {}
    let base_n = (2_000 / 64) * 64;
    let base_rate = base_n as f64 / t.elapsed().as_secs_f64();
    let base_stats = fake.global_limit_stats();

    let dir = std::env::temp_dir().join(format!("cb-fanout-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = format!("sqlite://{}/bot.db?mode=rwc", dir.display());
    let st = store::open(&db, &Default::default()).await.unwrap();
    let now = curriculum_bot::app::unix_now();
    for u in 0..REMINDERS {
        let user = FIRST_USER + u;
        let dm = fake.dm_invoker(user).channel;
        st.put_dm_channel(user as i64, dm as i64).await.unwrap();
        let new = NewSubscription {
            guild_id: None,
            owner_user_id: user as i64,
            target: Target::Dm,
            schedule: Schedule {
                weekday: 0,
                hour: 9,
                minute: 0,
                tz: "UTC".into(),
            },
            pathway: None,
            track: None,
            week: 1 + (u % 40) as u32,
            next_due_at: now - 5,
        };
        st.subscribe(&new, now).await.unwrap();
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let settings = curriculum_bot::config::Settings::from_vars(|_| None).unwrap();
    let (cat, _) =
        curriculum_bot::load::load_catalog(&root.join("data/curriculum"), &settings).unwrap();
    let app = Arc::new(App::new(cat, rest.clone(), st));
    let before_requests = fake.requests().len();
    fake.set_global_limit(LIMIT, 50); // fresh counters for the fan-out
    let before = fake.global_limit_stats();
    let cfg = DeliveryConfig::default();
    let t = Instant::now();
    let sent = delivery::drain(&app, &cfg).await.unwrap();
    assert_eq!(sent, REMINDERS as usize);
    let secs = t.elapsed().as_secs_f64();
    let after = fake.global_limit_stats();
    let requests = fake.requests().len() - before_requests;
    let delivered = fake.total_messages() - base_n;
    let rate = delivered as f64 / secs;
    println!(
        "fan-out of {REMINDERS} due reminders, fake global limit {LIMIT}/s, bot paced at {PACE}/s"
    );
    println!(
        "baseline (bare sends, same client): {base_rate:.0} msg/s = {:.1}% of the limit, 429s {}",
        100.0 * base_rate / LIMIT as f64,
        base_stats.rejected
    );
    println!(
        "reminders: {delivered} delivered in {secs:.2} s = {rate:.0}/s = {:.1}% of the allowed rate ({:.2}x the baseline)",
        100.0 * rate / LIMIT as f64,
        rate / base_rate
    );
    if let Some(r) = after.achieved_rate() {
        println!(
            "rate seen at the fake (first to last request): {r:.0}/s = {:.1}% of the allowed rate",
            100.0 * r / LIMIT as f64
        );
    }
    println!(
        "429s during the fan-out: {}; requests per reminder: {:.3}",
        after.rejected - before.rejected,
        requests as f64 / delivered as f64
    );
    let posts: Vec<_> = fake
        .requests()
        .split_off(before_requests)
        .into_iter()
        .filter(|r| r.status == 200)
        .collect();
    let longest = posts
        .windows(2)
        .map(|w| w[1].at.duration_since(w[0].at))
        .max()
        .unwrap_or_default();
    let once = (0..REMINDERS)
        .filter(|u| fake.dm_messages(FIRST_USER + u).len() == 1)
        .count();
    println!(
        "subscribers with exactly one reminder: {once} of {REMINDERS}; longest pause between two sends: {:.1} ms",
        longest.as_secs_f64() * 1e3
    );
    let _ = std::fs::remove_dir_all(&dir);
}
