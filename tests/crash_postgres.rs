//! Several replicas: two `curriculum-bot deliver` processes share one PostgreSQL database and
//! 2,000 reminders due at once; one is killed with SIGKILL mid-run. The other takes over the dead
//! worker's claims when their lease (20 s) expires, long after the fake has forgotten their nonces
//! (1 s): each reminder arrives exactly once only because the survivor reconciles the claims the
//! dead one had attempted. The test checks the takeover happened (the survivor delivered claims
//! the killed worker held) and prints how many were reconciled and resent.

mod harness;
mod support;

use curriculum_bot::store::{self, Schedule};
use std::time::{Duration, Instant};
use support::fake_discord::{FakeDiscord, Options};

const SUBSCRIBERS: u64 = 2_000;
const FIRST_USER: u64 = 800_000_000_000_000_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_one_killed_takeover_after_the_nonce_window_exactly_once() {
    let Some(base) = support::postgres::database_url() else {
        return;
    };
    let opts = Options {
        nonce_window: Duration::from_secs(1),
        ..Options::default()
    };
    let fake = FakeDiscord::start(opts).await;
    let pg = support::postgres::Schema::create(&base, "crash").await;
    let (admin, schema, db) = (&pg.admin, &pg.name, &pg.url);
    {
        let s = store::open(db, &Default::default()).await.unwrap();
        let london = Schedule {
            weekday: 2,
            hour: 18,
            minute: 30,
            tz: "Europe/London".into(),
        };
        harness::seed_due_dms(s.as_ref(), FIRST_USER, SUBSCRIBERS, london).await;
        s.close().await;
    }
    let dir = std::env::temp_dir().join(format!("cb-crash-pg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let logs = [dir.join("a.log"), dir.join("b.log")];
    // Batches of 100 (the claim batch follows the REST rate): each is sent well within its lease
    // even against the fake's debug build on a busy machine.
    let env = [("REST_PER_SECOND", "100"), ("DELIVERY_LEASE_SECS", "20")];
    let t0 = Instant::now();
    let mut a = harness::spawn_deliver_logged(&fake, db, &env, Some(&logs[0]));
    let mut b = harness::spawn_deliver_logged(&fake, db, &env, Some(&logs[1]));
    let (killed, survivor) = (
        format!("worker-{}-%", a.id()),
        format!("worker-{}-", b.id()),
    );
    fake.wait_total_messages(600, Duration::from_secs(60)).await;
    a.kill().expect("SIGKILL");
    a.wait().unwrap();
    let at_kill = fake.total_messages();
    // What the dead worker held (nothing changes them until their lease ends).
    let held: Vec<(i64, i64, Option<i64>)> = sqlx::query_as(&format!(
        "SELECT subscription_id, due_at, attempted_at FROM {schema}.deliveries \
         WHERE status = 'claimed' AND claimed_by LIKE $1"
    ))
    .bind(&killed)
    .fetch_all(admin)
    .await
    .unwrap();
    let attempted = held.iter().filter(|h| h.2.is_some()).count();
    fake.wait_total_messages(SUBSCRIBERS as usize, Duration::from_secs(120))
        .await;
    tokio::time::sleep(Duration::from_secs(21)).await; // a lease period: nothing more may arrive
    b.kill().unwrap();
    b.wait().unwrap();
    let counts: Vec<usize> = (0..SUBSCRIBERS)
        .map(|u| fake.dm_messages(FIRST_USER + u).len())
        .collect();
    let missing = counts.iter().filter(|&&n| n == 0).count();
    let doubled = counts.iter().filter(|&&n| n > 1).count();
    // The survivor delivered every claim the killed worker held.
    let mut taken_over = 0;
    for (sub, due, _) in &held {
        let row: Option<(String, String)> = sqlx::query_as(&format!(
            "SELECT status, claimed_by FROM {schema}.deliveries \
             WHERE subscription_id = $1 AND due_at = $2"
        ))
        .bind(sub)
        .bind(due)
        .fetch_optional(admin)
        .await
        .unwrap();
        if row.is_some_and(|(st, by)| st == "sent" && by.starts_with(&survivor)) {
            taken_over += 1;
        }
    }
    pg.drop().await;
    let (reconciled, resent) = harness::reconciled_and_resent(&logs[1..]);
    let left = std::fs::read_to_string(&logs[1])
        .unwrap_or_default()
        .matches("left for a re-claim")
        .count();
    eprintln!(
        "killed one worker after {at_kill} of {SUBSCRIBERS}, holding {} claims ({attempted} \
         attempted); the other delivered {taken_over} of them; survivor's reconciliation: \
         {reconciled} found already sent, {resent} resent ({left} sends left for a re-claim when \
         their lease ran short); {:?} from start",
        held.len(),
        t0.elapsed()
    );
    assert!(
        at_kill < SUBSCRIBERS as usize,
        "the kill landed mid-run ({at_kill} delivered)"
    );
    assert_eq!((missing, doubled), (0, 0), "each reminder exactly once");
    assert_eq!(fake.total_messages(), SUBSCRIBERS as usize);
    assert!(!held.is_empty(), "the killed worker held claims");
    assert_eq!(
        taken_over,
        held.len(),
        "the survivor delivered every claim the killed worker held"
    );
    assert!(
        reconciled + resent >= attempted,
        "each attempted claim of the dead worker was reconciled before any resend"
    );
    let _ = std::fs::remove_dir_all(&dir);
    fake.assert_no_violations();
}
