//! Several replicas: two `curriculum-bot deliver` processes share one PostgreSQL database and
//! 5,000 reminders due at once; one is killed with SIGKILL mid-run. The other takes over the dead
//! worker's claims when their lease expires, and each reminder arrives exactly once at the fake.

mod harness;
mod support;

use curriculum_bot::store::{self, Schedule};
use std::time::{Duration, Instant};
use support::fake_discord::{FakeDiscord, Options};

const SUBSCRIBERS: u64 = 5_000;
const FIRST_USER: u64 = 800_000_000_000_000_000;

fn deliver(fake: &FakeDiscord, db: &str) -> std::process::Child {
    harness::spawn_deliver(
        fake,
        db,
        &[("REST_PER_SECOND", "1500"), ("DELIVERY_LEASE_SECS", "3")],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_one_killed_each_reminder_exactly_once() {
    let Some(base) = support::postgres::database_url() else {
        return;
    };
    let fake = FakeDiscord::start(Options::default()).await;
    let schema = format!(
        "crash_{}_{}",
        std::process::id(),
        curriculum_bot::app::unix_now()
    );
    let admin = sqlx::PgPool::connect(&base).await.expect("PostgreSQL");
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&admin)
        .await
        .unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    let db = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    {
        let s = store::open(&db, &Default::default()).await.unwrap();
        let london = Schedule {
            weekday: 2,
            hour: 18,
            minute: 30,
            tz: "Europe/London".into(),
        };
        harness::seed_due_dms(s.as_ref(), FIRST_USER, SUBSCRIBERS, london).await;
        s.close().await;
    }
    let t0 = Instant::now();
    let mut a = deliver(&fake, &db);
    let mut b = deliver(&fake, &db);
    let start = Instant::now();
    while fake.total_messages() < 1_000 && start.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    a.kill().expect("SIGKILL");
    a.wait().unwrap();
    let at_kill = fake.total_messages();
    eprintln!("kill at {:?}", t0.elapsed());
    while fake.total_messages() < SUBSCRIBERS as usize && start.elapsed() < Duration::from_secs(120)
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(4)).await; // a lease period: nothing more may arrive
    b.kill().unwrap();
    b.wait().unwrap();
    let counts: Vec<usize> = (0..SUBSCRIBERS)
        .map(|u| fake.dm_messages(FIRST_USER + u).len())
        .collect();
    let missing = counts.iter().filter(|&&n| n == 0).count();
    let doubled = counts.iter().filter(|&&n| n > 1).count();
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&admin)
        .await
        .unwrap();
    assert!(
        at_kill < SUBSCRIBERS as usize,
        "the kill landed mid-run ({at_kill} delivered)"
    );
    assert_eq!((missing, doubled), (0, 0), "each reminder exactly once");
    assert_eq!(fake.total_messages(), SUBSCRIBERS as usize);
    eprintln!(
        "killed one worker after {at_kill} of {SUBSCRIBERS}; the other finished; {:?} from start",
        t0.elapsed()
    );
    fake.assert_no_violations();
}
