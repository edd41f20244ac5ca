//! Contract tests of claiming: concurrent workers, leases that expire, takeovers.

use std::collections::BTreeMap;
use std::sync::Arc;

use curriculum_bot::store::{Backend, Slot, Store, Subscription};
use expect_test::expect;

use super::fixture::*;

/// A worker's own store: PostgreSQL workers get separate pools (like separate processes);
/// SQLite allows one instance, so its workers share it.
pub async fn worker_store(fx: &Fixture, shared: &Arc<dyn Store>) -> Arc<dyn Store> {
    match shared.backend() {
        Backend::Postgres => fx.open().await,
        Backend::Sqlite => shared.clone(),
    }
}

async fn seed(store: &Arc<dyn Store>, n: i64) -> Vec<Subscription> {
    let mut subs = Vec::new();
    for user in 1..=n {
        subs.push(store.subscribe(&dm(user, T0 + user), T0).await.unwrap());
    }
    subs
}

/// Sub ids claimed more than once, and how many were claimed in all.
fn tally(claims: impl IntoIterator<Item = i64>) -> (Vec<(i64, usize)>, usize) {
    let mut per_sub = BTreeMap::new();
    for id in claims {
        *per_sub.entry(id).or_insert(0) += 1;
    }
    let dups = per_sub
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(id, n)| (*id, *n))
        .collect();
    (dups, per_sub.len())
}

pub async fn batch_claims_are_exclusive(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let subs = seed(&store, 60).await;
    let mut workers = Vec::new();
    for w in 0..4 {
        let store = worker_store(&fx, &store).await;
        workers.push(tokio::spawn(async move {
            let name = format!("w{w}");
            let mut mine = Vec::new();
            loop {
                let lease = lease(&name, T0 + 100);
                let batch = store
                    .claim_due_batch(&lease, 5, &Slot::scheduled)
                    .await
                    .unwrap();
                if batch.is_empty() {
                    return mine;
                }
                for (sub, d) in batch {
                    assert_eq!(d.key, key(&sub));
                    tokio::task::yield_now().await;
                    assert!(store
                        .mark_sent(d.key, w, T0 + 101, next_week(&sub))
                        .await
                        .unwrap());
                    mine.push(sub.id);
                }
            }
        }));
    }
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.unwrap());
    }
    assert_eq!(
        tally(all),
        (vec![], subs.len()),
        "each subscription claimed exactly once"
    );
    assert!(
        store.due(T0 + 100, 100).await.unwrap().is_empty(),
        "none left behind"
    );
    for s in &subs {
        let d = store.delivery(key(s)).await.unwrap().unwrap();
        assert_eq!(
            (d.attempts, d.sent_at),
            (1, Some(T0 + 101)),
            "{}",
            delivery_line(&d)
        );
    }
}

pub async fn single_claims_are_exclusive(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let subs = Arc::new(seed(&store, 30).await);
    let mut tasks = Vec::new();
    for w in 0..8 {
        let (store, subs) = (worker_store(&fx, &store).await, subs.clone());
        tasks.push(tokio::spawn(async move {
            let name = format!("w{w}");
            let mut won = Vec::new();
            // Each task walks the keys from a different place, so they collide everywhere.
            for i in 0..subs.len() {
                let s = &subs[(i + w * 4) % subs.len()];
                if let Some(d) = store
                    .claim(s.id, Slot::scheduled(s), &lease(&name, T0))
                    .await
                    .unwrap()
                {
                    assert_eq!(d.claimed_by.as_deref(), Some(name.as_str()));
                    won.push(s.id);
                }
            }
            won
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    assert_eq!(
        tally(all),
        (vec![], subs.len()),
        "each delivery claimed exactly once"
    );
}

pub async fn lease_expiry_takeover(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let a = store.subscribe(&dm(10, T0), T0).await.unwrap();
    let slot = Slot::scheduled(&a);
    let mut log = Vec::new();
    let mut attempt = |who: &str, now: i64, got: Option<curriculum_bot::store::Delivery>| {
        log.push(format!(
            "{who}@{}: {}",
            rel(now),
            got.as_ref().map_or("-".into(), delivery_line)
        ));
    };
    attempt(
        "w1",
        T0,
        store.claim(a.id, slot, &lease("w1", T0)).await.unwrap(),
    );
    attempt(
        "w2",
        T0 + 30,
        store
            .claim(a.id, slot, &lease("w2", T0 + 30))
            .await
            .unwrap(),
    );
    attempt(
        "w1",
        T0 + 30,
        store
            .claim(a.id, slot, &lease("w1", T0 + 30))
            .await
            .unwrap(),
    );
    attempt(
        "w2",
        T0 + 89,
        store
            .claim(a.id, slot, &lease("w2", T0 + 89))
            .await
            .unwrap(),
    );
    attempt(
        "w2",
        T0 + 90,
        store
            .claim(a.id, slot, &lease("w2", T0 + 90))
            .await
            .unwrap(),
    );
    let unsent = (
        store.unsent_claims("w1").await.unwrap(),
        store.unsent_claims("w2").await.unwrap(),
    );
    log.push(format!(
        "unsent w1={} w2={}",
        unsent.0.len(),
        unsent.1.len()
    ));
    // A batch never takes a live claim, and resumes an expired one with its own slot.
    let elsewhere = |s: &Subscription| Slot {
        due_at: s.next_due_at + 999,
        week: 9,
        late: true,
    };
    for now in [T0 + 149, T0 + 150] {
        let batch = store
            .claim_due_batch(&lease("w3", now), 10, &elsewhere)
            .await
            .unwrap();
        log.push(format!("batch w3@{}: {}", rel(now), lines_of(&batch)));
    }
    check_lines(
        log,
        expect![[r#"
        w1@T+0: sub#1 due=T+0 week=1 late=false Claimed by=Some("w1") lease=T+60 attempts=1 message=None sent=None
        w2@T+30: -
        w1@T+30: sub#1 due=T+0 week=1 late=false Claimed by=Some("w1") lease=T+90 attempts=2 message=None sent=None
        w2@T+89: -
        w2@T+90: sub#1 due=T+0 week=1 late=false Claimed by=Some("w2") lease=T+150 attempts=3 message=None sent=None
        unsent w1=0 w2=1
        batch w3@T+149: 
        batch w3@T+150: sub#1 due=T+0 week=1 late=false Claimed by=Some("w3") lease=T+210 attempts=4 message=None sent=None"#]],
    );
}

fn lines_of(batch: &[(Subscription, curriculum_bot::store::Delivery)]) -> String {
    batch
        .iter()
        .map(|(_, d)| delivery_line(d))
        .collect::<Vec<_>>()
        .join("; ")
}

fn check_lines(log: Vec<String>, expect: expect_test::Expect) {
    expect.assert_eq(&log.join("\n"));
}
