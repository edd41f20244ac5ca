//! The store contract: every test runs against SQLite and, with TEST_DATABASE_URL, PostgreSQL.
//!
//! Both backends must print the same snapshots. `cargo test --test store_contract`.

#[path = "store_contract/checkins.rs"]
mod checkins;
#[path = "store_contract/delivery.rs"]
mod delivery;
#[path = "store_contract/fixture.rs"]
mod fixture;
#[path = "store_contract/migration.rs"]
mod migration;
#[path = "store_contract/opening.rs"]
mod opening;
#[path = "store_contract/pins.rs"]
mod pins;
#[path = "store_contract/races.rs"]
mod races;
#[path = "store_contract/track_refs.rs"]
mod track_refs;
#[path = "store_contract/tracks.rs"]
mod tracks;
#[path = "store_contract/versions.rs"]
mod versions;

use std::sync::Arc;

use checkins::*;
use curriculum_bot::store::StoreError;
use delivery::*;
use expect_test::{expect, Expect};
use fixture::*;
use migration::*;
use pins::*;
use races::*;
use track_refs::*;
use tracks::*;
use versions::*;

/// Each contract test once per backend: `sqlite::name` and `postgres::name`.
macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() {
                super::fixture::run(super::fixture::Kind::Sqlite, super::$name).await
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() {
                super::fixture::run(super::fixture::Kind::Postgres, super::$name).await
            })*
        }
    };
}

contract!(
    migrations_run_twice,
    subscribe_replaces_and_gets,
    one_group_per_channel,
    invalid_input_stores_nothing,
    due_order_and_pause,
    batch_claims_are_exclusive,
    single_claims_are_exclusive,
    lease_expiry_takeover,
    mark_sent_is_idempotent,
    late_and_final_reminders,
    failure_pauses_and_notifies,
    release_retries_later,
    unknown_outcomes_are_remembered,
    dm_channel_cache,
    search_misses,
    member_tracks,
    channel_tracks,
    subscription_tracks,
    search_misses_are_capped_and_aged,
    tracks_migration_keeps_everything,
    curriculum_versions,
    living_pins,
    pin_claims_are_leased,
    pin_claims_are_exclusive,
    checkins_one_per_member_per_week,
    concurrent_checkins_count_once,
    forgetting_checkins,
    progress_report_rows,
    checkins_migration_keeps_everything,
    missing_tracks,
);

fn check(actual: String, expect: Expect) {
    expect.assert_eq(&actual);
}

fn lines<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    items.iter().map(|i| f(i) + "\n").collect()
}

async fn migrations_run_twice(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let sub = store.subscribe(&dm(10, T0), T0).await.unwrap();
    store.close().await;
    drop(store);
    let again = fx.open().await;
    assert_eq!(again.get_dm(10).await.unwrap(), Some(sub));
}

async fn subscribe_replaces_and_gets(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let first = store.subscribe(&dm(10, T0 + 100), T0).await.unwrap();
    store.pause(first.id, "member", T0 + 1).await.unwrap();
    let mut changed = dm(10, T0 + 200);
    changed.guild_id = None;
    changed.schedule.hour = 18;
    changed.schedule.tz = "Asia/Kathmandu".into();
    changed.pathway = Some("backend".into());
    changed.week = 3;
    let replaced = store.subscribe(&changed, T0 + 5).await.unwrap();
    let other = store.subscribe(&dm(11, T0 + 300), T0 + 6).await.unwrap();
    let got = [
        store.get(first.id).await.unwrap(),
        store.get_dm(10).await.unwrap(),
        store.get_dm(11).await.unwrap(),
        store.get_dm(99).await.unwrap(),
        store.get_group(10).await.unwrap(),
        store.get(other.id + 1).await.unwrap(),
    ];
    assert_eq!(got[1].as_ref(), Some(&replaced));
    let shown = lines(&got, |s| s.as_ref().map_or("none".into(), sub_line));
    check(
        shown,
        expect![[r#"
        dm owner=10 guild=None day=0 18:00 Asia/Kathmandu pathway=Some("backend") week=3 next=T+200 active notice=None created=T+0 updated=T+5
        dm owner=10 guild=None day=0 18:00 Asia/Kathmandu pathway=Some("backend") week=3 next=T+200 active notice=None created=T+0 updated=T+5
        dm owner=11 guild=Some(1) day=0 09:00 UTC pathway=None week=1 next=T+300 active notice=None created=T+6 updated=T+6
        none
        none
        none
    "#]],
    );
}

async fn one_group_per_channel(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let a = store
        .subscribe(&group(500, Some(7), 10, T0), T0)
        .await
        .unwrap();
    let dm10 = store.subscribe(&dm(10, T0), T0).await.unwrap();
    let a2 = store
        .subscribe(&group(500, None, 12, T0 + 50), T0 + 1)
        .await
        .unwrap();
    let b = store
        .subscribe(&group(501, Some(8), 10, T0), T0 + 2)
        .await
        .unwrap();
    assert_eq!(
        (a.id, store.get_group(500).await.unwrap()),
        (a2.id, Some(a2.clone()))
    );
    check(
        lines(&[a, dm10, a2, b], sub_line),
        expect![[r#"
        channel=500 role=Some(7) owner=10 guild=Some(1) day=0 09:00 UTC pathway=None week=1 next=T+0 active notice=None created=T+0 updated=T+0
        dm owner=10 guild=Some(1) day=0 09:00 UTC pathway=None week=1 next=T+0 active notice=None created=T+0 updated=T+0
        channel=500 role=None owner=12 guild=Some(1) day=0 09:00 UTC pathway=None week=1 next=T+50 active notice=None created=T+0 updated=T+1
        channel=501 role=Some(8) owner=10 guild=Some(1) day=0 09:00 UTC pathway=None week=1 next=T+0 active notice=None created=T+2 updated=T+2
    "#]],
    );
}

async fn invalid_input_stores_nothing(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let mut cases = Vec::new();
    let edits: [fn(&mut curriculum_bot::store::NewSubscription); 6] = [
        |s| s.week = 0,
        |s| s.week = u32::MAX,
        |s| s.schedule.weekday = 7,
        |s| s.schedule.hour = 25,
        |s| s.schedule.minute = 99,
        |s| s.schedule.tz = " ".into(),
    ];
    for edit in edits {
        let mut new = dm(10, T0);
        edit(&mut new);
        cases.push(store.subscribe(&new, T0).await.map(|s| s.id));
    }
    let ok = store.subscribe(&dm(10, T0), T0).await.unwrap();
    cases.push(store.set_week(ok.id, 0, T0).await.map(|_| 0));
    let shown = lines(&cases, |r| match r {
        Err(e @ StoreError::Invalid(_)) => e.to_string(),
        other => format!("unexpected {other:?}"),
    });
    check(
        shown,
        expect![[r#"
        invalid input: week 0 is not a plan week (1 or more)
        invalid input: week 4294967295 is not a plan week (1 or more)
        invalid input: weekday 7 is not 0 (Monday) to 6 (Sunday)
        invalid input: 25:00 is not a time of day
        invalid input: 09:99 is not a time of day
        invalid input: the time zone is empty
        invalid input: week 0 is not a plan week (1 or more)
    "#]],
    );
    assert_eq!(
        store.get_dm(10).await.unwrap(),
        Some(ok),
        "rejected input stored nothing"
    );
}

async fn due_order_and_pause(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let mut ids = Vec::new();
    for (user, next) in [
        (1, T0 + 30),
        (2, T0 + 10),
        (3, T0 + 20),
        (4, T0 + 1000),
        (5, T0 + 5),
    ] {
        ids.push(store.subscribe(&dm(user, next), T0).await.unwrap().id);
    }
    let due = |limit| {
        let store = store.clone();
        async move {
            let subs = store.due(T0 + 100, limit).await.unwrap();
            subs.iter()
                .map(|s| format!("u{}@{}", s.owner_user_id, rel(s.next_due_at)))
                .collect::<Vec<_>>()
                .join(" ")
        }
    };
    let mut log = vec![due(10).await, due(2).await];
    assert!(store.pause(ids[4], "member", T0).await.unwrap());
    log.push(due(10).await);
    assert!(store.resume(ids[4], T0 + 1, T0).await.unwrap());
    assert!(store.skip(ids[1], T0 + 40, T0).await.unwrap());
    log.push(due(10).await);
    assert!(store.unsubscribe(ids[0]).await.unwrap());
    assert!(!store.unsubscribe(ids[0]).await.unwrap());
    assert!(!store.pause(ids[0], "gone", T0).await.unwrap());
    log.push(due(10).await);
    check(
        log.join("\n"),
        expect![[r#"
        u5@T+5 u2@T+10 u3@T+20 u1@T+30
        u5@T+5 u2@T+10
        u2@T+10 u3@T+20 u1@T+30
        u5@T+1 u3@T+20 u1@T+30 u2@T+40
        u5@T+1 u3@T+20 u2@T+40"#]],
    );
}

async fn dm_channel_cache(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let before = store.dm_channel(10).await.unwrap();
    store.put_dm_channel(10, 900).await.unwrap();
    store.put_dm_channel(11, 901).await.unwrap();
    let first = store.dm_channel(10).await.unwrap();
    store.put_dm_channel(10, 902).await.unwrap();
    let got = (
        before,
        first,
        store.dm_channel(10).await.unwrap(),
        store.dm_channel(11).await.unwrap(),
    );
    assert_eq!(got, (None, Some(900), Some(902), Some(901)));
    // Several at once, across the 500-user chunks, unknown users left out.
    for u in 0..1_200 {
        store.put_dm_channel(1_000 + u, 50_000 + u).await.unwrap();
    }
    let users: Vec<i64> = (0..1_300).map(|u| 1_000 + u).chain([10, 12]).collect();
    let many = store.dm_channels(&users).await.unwrap();
    assert_eq!(many.len(), 1_201);
    assert_eq!(
        (many[&10], many[&1_000], many[&2_199]),
        (902, 50_000, 51_199)
    );
    assert!(!many.contains_key(&12) && !many.contains_key(&2_200));
    assert!(store.dm_channels(&[]).await.unwrap().is_empty());
}

async fn search_misses(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let misses = [
        (Some(1), "Rust  Traits", 5),
        (Some(1), "async", 6),
        (Some(1), "rust traits", 7),
        (Some(1), " ASYNC ", 3),
        (Some(1), "rust TRAITS", 4),
        (Some(1), "zig", 8),
        (Some(2), "zig", 9),
        (None, "dm only", 10),
        (None, "   ", 11),
    ];
    for (guild, q, at) in misses {
        store.record_miss(guild, q, T0 + at).await.unwrap();
    }
    let mut log = Vec::new();
    for (guild, limit) in [
        (Some(1), 2),
        (Some(1), 10),
        (Some(2), 10),
        (None, 10),
        (Some(3), 10),
    ] {
        let top = store.top_misses(guild, limit).await.unwrap();
        let shown: Vec<String> = top
            .iter()
            .map(|m| format!("{}×{}@{}", m.query, m.count, rel(m.last_at)))
            .collect();
        log.push(format!("{guild:?}/{limit}: {}", shown.join(", ")));
    }
    check(
        log.join("\n"),
        expect![[r#"
        Some(1)/2: rust traits×3@T+7, async×2@T+6
        Some(1)/10: rust traits×3@T+7, async×2@T+6, zig×1@T+8
        Some(2)/10: zig×1@T+9
        None/10: dm only×1@T+10
        Some(3)/10: "#]],
    );
}
