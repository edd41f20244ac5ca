//! Crash test: a real `curriculum-bot deliver` process fans out 2,000 due reminders to the fake
//! Discord and is killed with SIGKILL at random points, 20 times, then restarted to finish. Every
//! subscriber gets its reminder exactly once, counted at the fake: nothing lost, nothing doubled.

mod harness;
mod support;

use curriculum_bot::store::{self, Schedule};
use std::time::{Duration, Instant};
use support::fake_discord::{FakeDiscord, Options};

const SUBSCRIBERS: u64 = 2_000;
const KILLS: usize = 20;
const FIRST_USER: u64 = 700_000_000_000_000_000;

fn deliver(fake: &FakeDiscord, db: &str) -> std::process::Child {
    harness::spawn_deliver(fake, db, &[("REST_PER_SECOND", "600")])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_fan_out_loses_and_duplicates_nothing() {
    let fake = FakeDiscord::start(Options::default()).await;
    let dir = std::env::temp_dir().join(format!("cb-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = format!("sqlite://{}/bot.db?mode=rwc", dir.display());
    {
        let s = store::open(&db, &Default::default()).await.unwrap();
        let utc = Schedule {
            weekday: 0,
            hour: 9,
            minute: 0,
            tz: "UTC".into(),
        };
        harness::seed_due_dms(s.as_ref(), FIRST_USER, SUBSCRIBERS, utc).await;
        s.close().await;
    }
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut killed_mid_run = 0;
    for _ in 0..KILLS {
        let mut child = deliver(&fake, &db);
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let before = fake.total_messages();
        tokio::time::sleep(Duration::from_millis(150 + seed % 350)).await;
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
        let after = fake.total_messages();
        if after > before && after < SUBSCRIBERS as usize {
            killed_mid_run += 1;
        }
    }
    let mut last = deliver(&fake, &db);
    let start = Instant::now();
    while fake.total_messages() < SUBSCRIBERS as usize && start.elapsed() < Duration::from_secs(120)
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    last.kill().unwrap();
    last.wait().unwrap();
    let mut missing = Vec::new();
    let mut doubled = Vec::new();
    for u in 0..SUBSCRIBERS {
        match fake.dm_messages(FIRST_USER + u).len() {
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
    assert!(
        killed_mid_run >= 3,
        "the kills landed mid fan-out ({killed_mid_run} of {KILLS})"
    );
    let posts = fake.requests_to("POST /channels/*/messages").len();
    eprintln!("{killed_mid_run} of {KILLS} kills landed mid fan-out; {posts} create-message requests for {SUBSCRIBERS} reminders");
    let _ = std::fs::remove_dir_all(&dir);
    fake.assert_no_violations();
}
