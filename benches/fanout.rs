//! Reminder fan-out by the real `curriculum-bot deliver` binary (a child process, so its batch,
//! pacing, concurrency and lease are exactly production's, derived from REST_PER_SECOND as
//! `deliver` derives them) against the fake Discord with its rate limits, which runs in this
//! process and validates every request against the OpenAPI spec. Two settings: the defaults
//! against Discord's global limit of 50 requests/s, and a scaled deployment paced at 1,990/s
//! against a limit of 2,000/s. Counts 429s (any scope: global, or per route once the fake has
//! route buckets) and requests per reminder, and checks that every subscriber got exactly one
//! reminder and that the store marked every one sent. Baseline in the same run: the same REST
//! client (same pacing) sending bare messages from 64 tasks, no store, no content.
//! `cargo bench --bench fanout`.

#[path = "../tests/support/mod.rs"]
mod support;

#[path = "common/mod.rs"]
mod common;

use common::{pick, thousands, Report};
use curriculum_bot::config::Settings;
use curriculum_bot::discord::rest::{Rest, RestConfig};
use curriculum_bot::reply::Message;
use sqlx::Connection;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::fake_discord::{FakeDiscord, Options};

const FIRST_USER: u64 = 900_000_000_000_000_000;
/// The baseline's recipients, far from the subscribers'.
const BASELINE_USER: u64 = 950_000_000_000_000_000;

struct Scenario {
    name: &'static str,
    reminders: u64,
    /// REST_PER_SECOND given to `deliver` (`None`: its default).
    pace: Option<u32>,
    /// The fake's global limit: (per second, burst).
    limit: (u32, u32),
}

struct Outcome {
    pace: u32,
    baseline_rate: f64,
    baseline_429: usize,
    rate_at_fake: f64,
    wall: f64,
    requests_per_reminder: f64,
    r429: usize,
    global_429: u64,
    once: u64,
    longest_pause: Duration,
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let defaults = Settings::from_vars(|_| None).expect("default settings");
    let scenarios = [
        Scenario {
            name: "defaults",
            reminders: pick(1_000, 200),
            pace: None,
            limit: (50, 50),
        },
        Scenario {
            name: "scaled",
            reminders: pick(10_000, 2_000),
            pace: Some(1_990),
            limit: (2_000, 50),
        },
    ];
    let mut rep = Report::new("fanout");
    let mut rows = Vec::new();
    for sc in &scenarios {
        let pace = sc.pace.unwrap_or(defaults.rest_per_second);
        let o = rt.block_on(run(sc, pace));
        let label = match sc.pace {
            None => format!("defaults (REST_PER_SECOND={pace})"),
            Some(p) => format!("REST_PER_SECOND={p}"),
        };
        rows.push(vec![
            label.clone(),
            format!("{}/s", thousands(u64::from(sc.limit.0))),
            thousands(sc.reminders),
            format!(
                "{:.1}/s ({:.1} % of the pacing), {} 429s",
                o.baseline_rate,
                100.0 * o.baseline_rate / f64::from(pace),
                o.baseline_429
            ),
            format!(
                "{:.1}/s = {:.1} % of the pacing, {:.1} % of the limit",
                o.rate_at_fake,
                100.0 * o.rate_at_fake / f64::from(pace),
                100.0 * o.rate_at_fake / f64::from(sc.limit.0)
            ),
            common::ratio(o.rate_at_fake, o.baseline_rate),
            format!("{:.1} s", o.wall),
            format!("{} ({} global)", o.r429, o.global_429),
            format!("{:.3}", o.requests_per_reminder),
            format!("{} of {}", thousands(o.once), thousands(sc.reminders)),
            format!("{:.1} ms", o.longest_pause.as_secs_f64() * 1e3),
        ]);
        rep.summary(
            &format!("reminder fan-out, {label}: rate vs pacing"),
            "≥ 95 %",
            format!("{:.1} %", 100.0 * o.rate_at_fake / f64::from(o.pace)),
            Some(o.rate_at_fake >= 0.95 * f64::from(o.pace)),
        );
        rep.summary(
            &format!("reminder fan-out, {label}: 429s (global) / requests per reminder"),
            "0 (0) / 1",
            format!(
                "{} ({}) / {:.3}",
                o.r429, o.global_429, o.requests_per_reminder
            ),
            Some(o.r429 == 0 && o.global_429 == 0 && o.requests_per_reminder <= 1.0 + 1e-9),
        );
    }
    rep.line(format!(
        "Due DM reminders (DM channels cached, as after the welcome DM; SQLite on disk) delivered \
         by `curriculum-bot deliver`, which derives its batch ({} at the default pacing) and \
         sends in flight from REST_PER_SECOND. Rate: reminders created at the fake, first to last. \
         Every subscriber's DM is checked for exactly one reminder and the store for every \
         delivery marked sent; the run fails otherwise. Baseline: the same REST client and pacing \
         sending bare messages from 64 tasks.\n",
        defaults.rest_per_second.clamp(100, 5_000)
    ));
    rep.table(
        &[
            "pacing",
            "fake's global limit",
            "reminders",
            "baseline (bare sends)",
            "reminders, rate at the fake",
            "vs baseline",
            "wall time",
            "429s",
            "requests per reminder",
            "exactly once",
            "longest pause between sends",
        ],
        &rows,
    );
    rep.write();
}

async fn run(sc: &Scenario, pace: u32) -> Outcome {
    let fake = FakeDiscord::start(Options {
        global_limit: Some(sc.limit),
        check_responses: false,
        ..Options::default()
    })
    .await;
    let (baseline_rate, baseline_429) = baseline(&fake, pace).await;

    let dir = std::env::temp_dir().join(format!("cb-fanout-{}-{}", std::process::id(), sc.name));
    let _ = std::fs::remove_dir_all(&dir);
    let db = format!("sqlite://{}/bot.db?mode=rwc", dir.display());
    seed(&fake, &db, sc.reminders).await;

    let before = fake.requests().len();
    fake.set_global_limit(sc.limit.0, sc.limit.1); // fresh counters for the fan-out
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_curriculum-bot"));
    cmd.arg("deliver")
        .current_dir(root)
        .env("DATABASE_URL", &db)
        .env("DISCORD_TOKEN", fake.token())
        .env("DISCORD_API_URL", fake.base_url())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null());
    if let Some(p) = sc.pace {
        cmd.env("REST_PER_SECOND", p.to_string());
    }
    let t = Instant::now();
    let mut child = cmd.spawn().expect("deliver starts");
    let limit = Duration::from_secs(60 + 3 * sc.reminders / u64::from(pace));
    let mut conn = sqlx::SqliteConnection::connect(&db).await.expect("read db");
    loop {
        let (sent,): (i64,) =
            sqlx::query_as("SELECT count(*) FROM deliveries WHERE status = 'sent'")
                .fetch_one(&mut conn)
                .await
                .expect("count");
        if sent as u64 >= sc.reminders {
            break;
        }
        assert!(
            child.try_wait().expect("deliver's status").is_none(),
            "deliver exited early"
        );
        assert!(
            t.elapsed() < limit,
            "only {sent} of {} marked sent in {limit:?}",
            sc.reminders
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let wall = t.elapsed().as_secs_f64();
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let status = child.wait().expect("deliver exits");
    assert!(status.success(), "deliver exited with {status}");
    drop(conn);

    let requests = fake.requests().split_off(before);
    let r429 = requests.iter().filter(|r| r.status == 429).count();
    let created: Vec<_> = requests
        .iter()
        .filter(|r| r.status == 200 && r.operation.as_deref() == Some("create_message"))
        .collect();
    let span = created
        .last()
        .zip(created.first())
        .map(|(l, f)| l.at.duration_since(f.at).as_secs_f64())
        .unwrap_or_default();
    let rate_at_fake = (created.len().saturating_sub(1)) as f64 / span.max(1e-9);
    let longest_pause = created
        .windows(2)
        .map(|w| w[1].at.duration_since(w[0].at))
        .max()
        .unwrap_or_default();
    let once = (0..sc.reminders)
        .filter(|u| fake.dm_messages(FIRST_USER + u).len() == 1)
        .count() as u64;
    assert_eq!(
        once, sc.reminders,
        "every subscriber gets exactly one reminder"
    );
    assert_eq!(
        created.len() as u64,
        sc.reminders,
        "one message per reminder"
    );
    fake.assert_no_violations();
    let _ = std::fs::remove_dir_all(&dir);
    Outcome {
        pace,
        baseline_rate,
        baseline_429,
        rate_at_fake,
        wall,
        requests_per_reminder: requests.len() as f64 / sc.reminders as f64,
        r429,
        global_429: fake.global_limit_stats().rejected,
        once,
        longest_pause,
    }
}

/// Bare sends through the bot's REST client at the same pacing; (rate, 429s).
async fn baseline(fake: &FakeDiscord, pace: u32) -> (f64, usize) {
    let rest = Arc::new(
        Rest::new(&RestConfig {
            base_url: fake.base_url().into(),
            token: fake.token().into(),
            global_per_second: pace,
            max_attempts: 6,
        })
        .expect("rest client"),
    );
    let total = (pace as usize * pick(4, 2)).max(100);
    // One DM channel per message, as in the fan-out (so per-route buckets don't bite either).
    let channels: Arc<Vec<String>> = Arc::new(
        (0..total as u64)
            .map(|i| fake.dm_invoker(BASELINE_USER + i).channel.to_string())
            .collect(),
    );
    let left = Arc::new(AtomicUsize::new(total));
    let before = fake.requests().len();
    let t = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..64 {
        let (rest, channels, left) = (rest.clone(), channels.clone(), left.clone());
        set.spawn(async move {
            let msg = Message::text("baseline");
            while let Ok(n) =
                left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            {
                rest.send(&channels[n - 1], &msg, None)
                    .await
                    .expect("bare send");
            }
        });
    }
    while set.join_next().await.is_some() {}
    let rate = total as f64 / t.elapsed().as_secs_f64();
    let requests = fake.requests().split_off(before);
    let ok = requests.iter().filter(|r| r.status == 200).count();
    assert_eq!(ok, total, "every bare send created once");
    (rate, requests.iter().filter(|r| r.status == 429).count())
}

/// `n` due DM subscriptions and their cached DM channels, in one transaction.
async fn seed(fake: &FakeDiscord, db: &str, n: u64) {
    let store = curriculum_bot::store::open(db, &Default::default())
        .await
        .expect("open the store");
    store.close().await;
    drop(store);
    let now = curriculum_bot::app::unix_now();
    let mut conn = sqlx::SqliteConnection::connect(db).await.expect("connect");
    let mut tx = conn.begin().await.expect("begin");
    for u in 0..n {
        let user = (FIRST_USER + u) as i64;
        let dm = fake.dm_invoker(FIRST_USER + u).channel as i64;
        sqlx::query(
            "INSERT INTO subscriptions (owner_user_id, kind, weekday, hour, minute, tz, week, \
             next_due_at, created_at, updated_at) VALUES ($1, 'dm', 0, 9, 0, 'UTC', $2, $3, $4, $4)",
        )
        .bind(user)
        .bind(1 + (u % 40) as i64)
        .bind(now - 5)
        .bind(now)
        .execute(&mut *tx)
        .await
        .expect("subscription");
        sqlx::query("INSERT INTO dm_channels (user_id, channel_id) VALUES ($1, $2)")
            .bind(user)
            .bind(dm)
            .execute(&mut *tx)
            .await
            .expect("dm channel");
    }
    tx.commit().await.expect("commit");
}
