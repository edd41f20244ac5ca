//! Contract tests of check-ins (issue 19): one per member per week (the database decides, also
//! under concurrent clicks from several replicas), forgetting, the report's rows, and the
//! migration that adds them keeping everything.

use std::sync::Arc;

use curriculum_bot::store::{NewCheckin, Store, Subscription};
use expect_test::expect;

use super::check;
use super::fixture::*;
use super::migration::{everything, old_database};
use super::races::worker_store;

fn at(s: &Subscription, user: i64, week: u32, t: i64) -> NewCheckin<'_> {
    NewCheckin {
        subscription: s,
        user_id: user,
        week,
        module: Some(week.div_ceil(4)),
        at: t,
    }
}

async fn tracked(
    store: &Arc<dyn Store>,
    mut new: curriculum_bot::store::NewSubscription,
) -> Subscription {
    new.track = Some("mlops".into());
    store.subscribe(&new, T0).await.unwrap()
}

pub async fn checkins_one_per_member_per_week(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let learner = tracked(&store, dm(10, T0 + 100)).await;
    let study = tracked(&store, group(500, Some(7), 11, T0 + 100)).await;
    let first = store.check_in(&at(&learner, 10, 3, T0 + 1)).await.unwrap();
    let again = store.check_in(&at(&learner, 10, 3, T0 + 2)).await.unwrap();
    let other_week = store.check_in(&at(&learner, 10, 4, T0 + 3)).await.unwrap();
    assert!(
        first && !again && other_week,
        "{first} {again} {other_week}"
    );
    // A group: each member once per week; the same member in their DM is another subscription.
    for (user, t) in [(21, 5), (20, 6), (21, 7), (10, 8)] {
        store.check_in(&at(&study, user, 3, T0 + t)).await.unwrap();
    }
    store.check_in(&at(&study, 21, 2, T0 + 9)).await.unwrap();
    let shown = format!(
        "learner weeks {:?}\ngroup week 3 {:?}\ngroup counts {:?}\nmembers {}\nunknown {:?}",
        store.checkin_weeks(learner.id, 10).await.unwrap(),
        store.week_checkins(study.id, 3).await.unwrap(),
        store.week_checkin_counts(study.id, 1, 8).await.unwrap(),
        store.checkin_members(study.id).await.unwrap(),
        store.checkin_weeks(learner.id, 99).await.unwrap(),
    );
    check(
        shown,
        expect![[r#"
            learner weeks [3, 4]
            group week 3 [21, 20, 10]
            group counts [(2, 1), (3, 3)]
            members 3
            unknown []"#]],
    );
    // A week 0 is refused with a clear error and stores nothing.
    let bad = store.check_in(&at(&learner, 10, 0, T0)).await.unwrap_err();
    assert!(bad.to_string().contains("week 0"), "{bad}");
    // Check-ins outlive the subscription (until forgotten).
    store.unsubscribe(learner.id).await.unwrap();
    assert_eq!(store.checkin_weeks(learner.id, 10).await.unwrap(), [3, 4]);
}

pub async fn concurrent_checkins_count_once(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let study = tracked(&store, group(500, Some(7), 11, T0 + 100)).await;
    let mut clicks = Vec::new();
    // 4 "replicas" (own pools on PostgreSQL); 40 members, each clicking 3 times at once.
    for replica in 0..4 {
        let store = worker_store(&fx, &store).await;
        let study = study.clone();
        clicks.push(tokio::spawn(async move {
            let mut new = 0;
            for user in 0..40 {
                let c = NewCheckin {
                    subscription: &study,
                    user_id: 1000 + user,
                    week: 5,
                    module: None,
                    at: T0 + replica,
                };
                let a = store.check_in(&c);
                let b = store.check_in(&c);
                let (a, b) = tokio::join!(a, b);
                new += usize::from(a.unwrap()) + usize::from(b.unwrap());
            }
            new
        }));
    }
    let mut recorded = 0;
    for c in clicks {
        recorded += c.await.unwrap();
    }
    assert_eq!(recorded, 40, "each member's first click only");
    assert_eq!(store.week_checkins(study.id, 5).await.unwrap().len(), 40);
    assert_eq!(
        store.week_checkin_counts(study.id, 5, 5).await.unwrap(),
        [(5, 40)]
    );
}

pub async fn forgetting_checkins(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let learner = tracked(&store, dm(10, T0 + 100)).await;
    let study = tracked(&store, group(500, Some(7), 11, T0 + 100)).await;
    for week in 1..=3 {
        store.check_in(&at(&learner, 10, week, T0)).await.unwrap();
    }
    store.check_in(&at(&study, 10, 3, T0)).await.unwrap();
    store.check_in(&at(&study, 20, 3, T0)).await.unwrap();
    assert_eq!(store.forget_checkins(10).await.unwrap(), 4, "DM and group");
    assert_eq!(store.forget_checkins(10).await.unwrap(), 0, "nothing left");
    assert!(store
        .checkin_weeks(learner.id, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.week_checkins(study.id, 3).await.unwrap(), [20]);
    assert_eq!(store.checkin_members(study.id).await.unwrap(), 1);
    // Forgotten, a week can be checked in again.
    assert!(store.check_in(&at(&learner, 10, 1, T0)).await.unwrap());
}

pub async fn progress_report_rows(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let a = tracked(&store, dm(10, T0 + 100)).await;
    let b = tracked(&store, dm(11, T0 + 100)).await;
    let mut elsewhere = dm(12, T0 + 100);
    elsewhere.guild_id = Some(2);
    let elsewhere = tracked(&store, elsewhere).await;
    let mut in_dms = dm(13, T0 + 100);
    in_dms.guild_id = None;
    in_dms.week = 6;
    let in_dms = tracked(&store, in_dms).await;
    let study = tracked(&store, group(500, Some(7), 11, T0 + 100)).await;
    store.pause(b.id, "member", T0).await.unwrap();
    let now = T0 + 20 * WEEK;
    for (s, user, week, ago) in [
        (&a, 10, 1, 0),
        (&a, 10, 2, WEEK + 5),
        (&in_dms, 13, 6, 2 * WEEK),
        (&study, 30, 1, 10),
        (&study, 31, 1, 20),
        (&study, 31, 2, 3 * WEEK),
        (&elsewhere, 12, 1, 0),
        (&a, 10, 3, 9 * WEEK),
    ] {
        store.check_in(&at(s, user, week, now - ago)).await.unwrap();
    }
    let gone = tracked(&store, dm(14, T0)).await;
    store.record_unsubscribe(&gone, now).await.unwrap();
    store.unsubscribe(gone.id).await.unwrap();
    let rows = store.progress_rows(Some(1), now).await.unwrap();
    let mut shown: Vec<String> = rows
        .subscriptions
        .iter()
        .map(|r| format!("{r:?}"))
        .collect();
    shown.extend(rows.checkins.iter().map(|r| format!("{r:?}")));
    shown.push(format!("{:?}", rows.group_learners));
    shown.extend(rows.unsubscribes.iter().map(|r| format!("{r:?}")));
    check(
        shown.join("\n"),
        expect![[r#"
        SubscriptionCount { track: Some("mlops"), group: false, week: 1, paused: false, count: 1 }
        SubscriptionCount { track: Some("mlops"), group: false, week: 1, paused: true, count: 1 }
        SubscriptionCount { track: Some("mlops"), group: false, week: 6, paused: false, count: 1 }
        SubscriptionCount { track: Some("mlops"), group: true, week: 1, paused: false, count: 1 }
        CheckinCount { track: Some("mlops"), weeks_ago: 0, count: 3 }
        CheckinCount { track: Some("mlops"), weeks_ago: 1, count: 1 }
        CheckinCount { track: Some("mlops"), weeks_ago: 2, count: 1 }
        CheckinCount { track: Some("mlops"), weeks_ago: 3, count: 1 }
        [(Some("mlops"), 2)]
        UnsubscribeCount { track: Some("mlops"), group: false, week: 1, count: 1 }"#]],
    );
}

/// The check-ins migration keeps every subscription, delivery, cache and counter, and check-ins
/// work on the subscriptions made before it.
pub async fn checkins_migration_keeps_everything(fx: Arc<Fixture>) {
    old_database(&fx, "_checkins.sql").await;
    let store = fx.open().await;
    let (subs, migrated) = everything(&store).await;
    assert_eq!(subs.len(), 3);
    assert!(
        migrated.contains("owner 21: due=T-604800 week=3"),
        "{migrated}"
    );
    assert!(
        migrated.contains("misses: [SearchMiss { query: \"rust traits\""),
        "{migrated}"
    );
    let s = &subs[0];
    assert!(store
        .check_in(&at(s, s.owner_user_id, 4, T0))
        .await
        .unwrap());
    assert_eq!(
        store.checkin_weeks(s.id, s.owner_user_id).await.unwrap(),
        [4]
    );
    let (_, again) = everything(&store).await;
    assert_eq!(migrated, again, "checking in changed nothing else");
}
