//! Exactly once without leaning on Discord's nonce memory, which the fake forgets after a second
//! here (Discord: "the past few minutes").
//!
//! - A real `curriculum-bot deliver` process fans out 2,000 due reminders and is killed with
//!   SIGKILL mid fan-out, 10 times, each time restarted only after the nonce memory is gone.
//! - 20 answers are lost among 2,000 sends (created, then a 502 or a closed connection).
//!
//! Every subscriber gets its reminder exactly once, counted at the fake. Each test prints how many
//! deliveries were reconciled (found already sent: without reconciliation each of them would have
//! been a double) and how many were resent (not found, sent again with the same nonce), and
//! requires some reconciled ones, so that it tests the reconciliation and not luck.

mod harness;
mod support;

use curriculum_bot::app::App;
use curriculum_bot::delivery::{self, DeliveryConfig};
use curriculum_bot::discord::rest::{Rest, RestConfig};
use curriculum_bot::store::{self, Schedule};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::fake_discord::{FakeDiscord, Fault, Options};

const SUBSCRIBERS: u64 = 2_000;
const KILLS: usize = 10;
/// How long the fake deduplicates a nonce.
const NONCE_WINDOW: Duration = Duration::from_secs(1);

fn fake_options() -> Options {
    Options {
        nonce_window: NONCE_WINDOW,
        ..Options::default()
    }
}

fn utc_monday() -> Schedule {
    Schedule {
        weekday: 0,
        hour: 9,
        minute: 0,
        tz: "UTC".into(),
    }
}

/// A fresh SQLite database with `SUBSCRIBERS` DM subscriptions due now, for users `first..`.
async fn seeded(name: &str, first: u64) -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("cb-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}/bot.db?mode=rwc", dir.display());
    let s = store::open(&db, &Default::default()).await.unwrap();
    harness::seed_due_dms(s.as_ref(), first, SUBSCRIBERS, utc_monday()).await;
    s.close().await;
    (dir, db)
}

/// Each subscriber got exactly one reminder.
fn assert_exactly_once(fake: &FakeDiscord, first: u64) {
    let mut missing = Vec::new();
    let mut doubled = Vec::new();
    for u in 0..SUBSCRIBERS {
        match fake.dm_messages(first + u).len() {
            1 => {}
            0 => missing.push(u),
            _ => doubled.push(u),
        }
    }
    assert!(
        missing.is_empty(),
        "{} subscribers got nothing: {:?}",
        missing.len(),
        &missing[..missing.len().min(10)]
    );
    assert!(
        doubled.is_empty(),
        "{} subscribers got two: {:?}",
        doubled.len(),
        &doubled[..doubled.len().min(10)]
    );
    assert_eq!(fake.total_messages(), SUBSCRIBERS as usize);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_fan_out_and_restart_after_the_nonce_window_exactly_once() {
    const FIRST_USER: u64 = 700_000_000_000_000_000;
    let fake = FakeDiscord::start(fake_options()).await;
    let (dir, db) = seeded("crash", FIRST_USER).await;
    let mut logs = Vec::new();
    let mut run = |fake: &FakeDiscord| {
        let log = dir.join(format!("deliver-{}.log", logs.len()));
        let child =
            harness::spawn_deliver_logged(fake, &db, &[("REST_PER_SECOND", "600")], Some(&log));
        logs.push(log);
        child
    };
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut killed_mid_run = 0;
    for _ in 0..KILLS {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let before = fake.total_messages();
        // Kill after 40..240 more reminders went out (or after 20 s, whatever comes first).
        let target = (before + 40 + (seed % 200) as usize).min(SUBSCRIBERS as usize);
        let mut child = run(&fake);
        fake.wait_total_messages(target, Duration::from_secs(20))
            .await;
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
        let after = fake.total_messages();
        if after > before && after < SUBSCRIBERS as usize {
            killed_mid_run += 1;
        }
        // Down for longer than Discord's (the fake's) nonce memory: a time condition, not a
        // synchronisation.
        tokio::time::sleep(NONCE_WINDOW + Duration::from_millis(300)).await;
    }
    let mut last = run(&fake);
    let start = Instant::now();
    fake.wait_total_messages(SUBSCRIBERS as usize, Duration::from_secs(120))
        .await;
    // Stop the last worker gracefully and wait for it to exit: nothing it sent can arrive later.
    stop_gracefully(&mut last);
    assert_exactly_once(&fake, FIRST_USER);
    let (reconciled, resent) = harness::reconciled_and_resent(&logs);
    let posts = fake.requests_to("POST /channels/*/messages").len();
    let reads = fake.requests_to("GET /channels/*/messages").len();
    eprintln!(
        "{killed_mid_run} of {KILLS} kills landed mid fan-out; {reconciled} deliveries reconciled \
         (found already sent), {resent} resent; {posts} create-message and {reads} read requests \
         for {SUBSCRIBERS} reminders; the last run took {:?}",
        start.elapsed()
    );
    assert!(
        killed_mid_run >= 5,
        "the kills landed mid fan-out ({killed_mid_run} of {KILLS})"
    );
    assert!(
        reconciled > 0,
        "some kills fell between a send and its mark: those are the doubles reconciliation stops"
    );
    // Each read is one reconciliation (a delivery can be unknown again after each kill); reads
    // beyond the logged ones were cut short by a kill (at most `concurrency` per kill).
    assert!(
        reads >= reconciled + resent && reads <= reconciled + resent + KILLS * 128,
        "one read per unknown outcome ({reads} reads, {reconciled} + {resent} reconciliations)"
    );
    let _ = std::fs::remove_dir_all(&dir);
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_lost_answers_among_2000_sends_exactly_once() {
    const FIRST_USER: u64 = 710_000_000_000_000_000;
    let fake = FakeDiscord::start(fake_options()).await;
    let (dir, db) = seeded("lost", FIRST_USER).await;
    let rest = Arc::new(
        Rest::new(&RestConfig {
            base_url: fake.base_url().into(),
            token: fake.token().into(),
            global_per_second: 600,
            max_attempts: 6,
        })
        .unwrap(),
    );
    let store = store::open(&db, &Default::default()).await.unwrap();
    let app = Arc::new(App::new(harness::catalog(), rest, store));
    let stop = Arc::new(tokio::sync::Notify::new());
    let cfg = DeliveryConfig {
        batch: 600,
        ..DeliveryConfig::default()
    };
    let worker = {
        let (app, stop) = (app.clone(), stop.clone());
        tokio::spawn(
            async move { delivery::run(app, cfg, async move { stop.notified().await }).await },
        )
    };
    // Spread over the fan-out: every 100 reminders, one answer lost to a 502 and one to a closed
    // connection, each after Discord created the message.
    let mut lost = 0;
    for step in 1..=10 {
        fake.wait_total_messages(step * 150, Duration::from_secs(30))
            .await;
        fake.inject("POST /channels/*/messages", Fault::created_then_502(), 1);
        fake.inject("POST /channels/*/messages", Fault::created_then_closed(), 1);
        lost += 2;
    }
    // Retries come after the 30 s backoff, long after the nonce memory is gone.
    let start = Instant::now();
    loop {
        let done = app
            .store
            .due(curriculum_bot::app::unix_now(), 1)
            .await
            .unwrap();
        if done.is_empty() || start.elapsed() > Duration::from_secs(120) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    stop.notify_one();
    worker.await.unwrap();
    let faulted = fake
        .requests()
        .iter()
        .filter(|r| {
            r.fault
                .as_deref()
                .is_some_and(|f| f.starts_with("LostAnswer"))
        })
        .count();
    assert_eq!(faulted, lost, "every injected loss happened");
    let reads = fake.requests_to("GET /channels/*/messages").len();
    assert_exactly_once(&fake, FIRST_USER);
    let reconciled = app.metrics.reminders_reconciled.get();
    let resent = app.metrics.reminders_resent.get();
    let metrics = app.metrics.render();
    eprintln!(
        "{lost} lost answers: {reconciled} deliveries reconciled (found already sent), {resent} \
         resent"
    );
    // The client never resends a nonce'd create itself: every lost answer is reconciled.
    assert_eq!(reconciled, lost as u64, "each lost answer is reconciled");
    assert_eq!(
        reads as u64,
        reconciled + resent,
        "one read per unknown outcome, none for first attempts"
    );
    assert!(metrics.contains(&format!(
        "curriculum_bot_reminders_reconciled_total {reconciled}"
    )));
    assert!(metrics.contains(&format!("curriculum_bot_reminders_resent_total {resent}")));
    app.store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    fake.assert_no_violations();
}

/// SIGTERM, then waits (at most a minute) for the process to exit; SIGKILL after that.
fn stop_gracefully(child: &mut std::process::Child) {
    // SAFETY: `kill` with a pid we spawned and a valid signal number.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.wait();
}
