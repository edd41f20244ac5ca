//! The tracks migration keeps every subscription, delivery, cache and counter, and
//! `assign_untracked_subscriptions` moves the subscriptions made before tracks to the one track.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use curriculum_bot::store::{DeliveryKey, Store, Subscription};
use expect_test::expect;
use sqlx::migrate::Migrator;

use super::check;
use super::fixture::*;

/// The database as the previous release left it, in that release's columns (no ids given, so
/// PostgreSQL's identity stays in step). Literal SQL that both backends run as it is.
const OLD_ROWS: &str = "
INSERT INTO subscriptions (guild_id, owner_user_id, kind, channel_id, role_id, weekday, hour,
    minute, tz, pathway, week, next_due_at, paused_reason, paused_by_system, notice_pending,
    created_at, updated_at) VALUES
 (1, 21, 'dm', NULL, NULL, 2, 7, 30, 'Asia/Kathmandu', 'Data Scientists', 4, 1700000300,
  NULL, FALSE, NULL, 1699000000, 1699900000),
 (NULL, 22, 'dm', NULL, NULL, 6, 23, 59, 'UTC', NULL, 1, 1700000400, 'member', FALSE, NULL,
  1699000001, 1699900001),
 (1, 23, 'channel', 500, 7, 0, 9, 0, 'Europe/Berlin', 'Backend', 12, 1700000500,
  'the channel is gone', TRUE, 'Reminders in <#500> stopped.', 1699000002, 1699900002);
INSERT INTO deliveries (subscription_id, due_at, week, status, claimed_by, lease_until,
    attempts, message_id, late, sent_at)
 SELECT id, 1699395200, 3, 'sent', 'w1', 1699395260, 1, 9001, FALSE, 1699395201
 FROM subscriptions WHERE owner_user_id = 21;
INSERT INTO deliveries (subscription_id, due_at, week, status, claimed_by, lease_until,
    attempts, message_id, late, sent_at)
 SELECT id, 1700000000, 4, 'claimed', 'w2', 1700000060, 2, NULL, TRUE, NULL
 FROM subscriptions WHERE owner_user_id = 21;
INSERT INTO deliveries (subscription_id, due_at, week, status, claimed_by, lease_until,
    attempts, message_id, late, sent_at)
 SELECT id, 1699995200, 11, 'failed', 'w1', 1699995260, 1, NULL, FALSE, NULL
 FROM subscriptions WHERE owner_user_id = 23;
INSERT INTO dm_channels (user_id, channel_id) VALUES (21, 9021);
INSERT INTO search_misses (guild_id, query, count, last_at) VALUES (1, 'rust traits', 3, 1700000000);
";

/// The slot instants of the deliveries in [`OLD_ROWS`], by owner.
const OLD_DELIVERIES: [(i64, i64); 3] = [(21, 1699395200), (21, 1700000000), (23, 1699995200)];

/// A copy of `migrations/<backend>` holding only the migrations before the one whose file name
/// ends in `suffix` (e.g. `_tracks.sql`).
fn old_migrations(backend: &str, suffix: &str) -> (PathBuf, i64) {
    let all = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    let version = |p: &Path| -> i64 {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        name.split('_').next().unwrap().parse().unwrap()
    };
    let files: Vec<PathBuf> = std::fs::read_dir(&all)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let tracks = files
        .iter()
        .find(|p| p.to_string_lossy().ends_with(suffix))
        .map(|p| version(p))
        .expect("the migration named");
    let dir = std::env::temp_dir().join(unique("old_migrations"));
    std::fs::create_dir_all(&dir).unwrap();
    for file in files.iter().filter(|p| version(p) < tracks) {
        std::fs::copy(file, dir.join(file.file_name().unwrap())).unwrap();
    }
    (dir, tracks)
}

/// Builds the database as it was before the migration named by `suffix` at the fixture's URL
/// and fills it with [`OLD_ROWS`].
pub async fn old_database(fx: &Fixture, suffix: &str) {
    let sqlite = fx.url.starts_with("sqlite:");
    let (dir, tracks) = old_migrations(if sqlite { "sqlite" } else { "postgres" }, suffix);
    let old = Migrator::new(dir.clone()).await.unwrap();
    assert!(old.iter().all(|m| m.version < tracks) && old.iter().count() > 0);
    if sqlite {
        let options: sqlx::sqlite::SqliteConnectOptions = fx.url.parse().unwrap();
        std::fs::create_dir_all(options.get_filename().parent().unwrap()).unwrap();
        let pool = sqlx::SqlitePool::connect_with(options.create_if_missing(true))
            .await
            .unwrap();
        old.run(&pool).await.unwrap();
        sqlx::raw_sql(OLD_ROWS).execute(&pool).await.unwrap();
        pool.close().await;
    } else {
        let options: sqlx::postgres::PgConnectOptions = fx.url.parse().unwrap();
        let pool = sqlx::PgPool::connect_with(options).await.unwrap();
        old.run(&pool).await.unwrap();
        sqlx::raw_sql(OLD_ROWS).execute(&pool).await.unwrap();
        pool.close().await;
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// Everything the old rows hold, as the store reads it back.
pub async fn everything(store: &Arc<dyn Store>) -> (Vec<Subscription>, String) {
    let mut subs = Vec::new();
    for user in [21, 22] {
        subs.extend(store.get_dm(user).await.unwrap());
    }
    subs.extend(store.get_group(500).await.unwrap());
    let mut shown: Vec<String> = subs
        .iter()
        .map(|s| format!("{} track={:?}", sub_line(s), s.track))
        .collect();
    for (owner, due_at) in OLD_DELIVERIES {
        let sub = subs.iter().find(|s| s.owner_user_id == owner).unwrap();
        let key = DeliveryKey {
            subscription_id: sub.id,
            due_at,
        };
        let d = store.delivery(key).await.unwrap();
        shown.push(format!(
            "owner {owner}: {}",
            d.as_ref().map_or("missing".into(), |d| delivery_line(d)
                .replace(&format!("sub#{} ", sub.id), "")),
        ));
    }
    let claims = store.unsent_claims("w2").await.unwrap();
    shown.push(format!("w2 holds {} claim(s)", claims.len()));
    shown.push(format!(
        "dm channel of 21: {:?}",
        store.dm_channel(21).await.unwrap()
    ));
    let misses = store.top_misses(Some(1), 10).await.unwrap();
    shown.push(format!("misses: {misses:?}"));
    (subs, shown.join("\n"))
}

pub async fn tracks_migration_keeps_everything(fx: Arc<Fixture>) {
    old_database(&fx, "_tracks.sql").await;
    let store = fx.open().await;
    let (before, migrated) = everything(&store).await;
    let assigned = store
        .assign_untracked_subscriptions("mlops-engineering")
        .await
        .unwrap();
    let (after, tracked) = everything(&store).await;
    assert_eq!(assigned, 3, "every old subscription got the track");
    assert_eq!(before.len(), 3);
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b.track, None, "made before tracks");
        assert_eq!(a.track.as_deref(), Some("mlops-engineering"));
        let untracked = Subscription {
            track: None,
            ..a.clone()
        };
        assert_eq!(&untracked, b, "nothing else changed");
    }
    assert_eq!(
        migrated.replace("track=None", "track=Some(\"mlops-engineering\")"),
        tracked
    );
    // Nothing left to assign; a new subscription gets a fresh id.
    let again = store.assign_untracked_subscriptions("other").await.unwrap();
    let fresh = store.subscribe(&dm(24, T0), T0).await.unwrap();
    assert_eq!(again, 0);
    assert!(after.iter().all(|s| s.id < fresh.id), "ids are not reused");
    check(
        tracked,
        expect![[r#"
        dm owner=21 guild=Some(1) day=2 07:30 Asia/Kathmandu pathway=Some("Data Scientists") week=4 next=T+300 active notice=None created=T-1000000 updated=T-100000 track=Some("mlops-engineering")
        dm owner=22 guild=None day=6 23:59 UTC pathway=None week=1 next=T+400 paused(member) notice=None created=T-999999 updated=T-99999 track=Some("mlops-engineering")
        channel=500 role=Some(7) owner=23 guild=Some(1) day=0 09:00 Europe/Berlin pathway=Some("Backend") week=12 next=T+500 paused(the channel is gone, system) notice=Some("Reminders in <#500> stopped.") created=T-999998 updated=T-99998 track=Some("mlops-engineering")
        owner 21: due=T-604800 week=3 late=false Sent by=Some("w1") lease=T-604740 attempts=1 message=Some(9001) sent=Some("T-604799")
        owner 21: due=T+0 week=4 late=true Claimed by=Some("w2") lease=T+60 attempts=2 message=None sent=None
        owner 23: due=T-4800 week=11 late=false Failed by=Some("w1") lease=T-4740 attempts=1 message=None sent=None
        w2 holds 1 claim(s)
        dm channel of 21: Some(9021)
        misses: [SearchMiss { query: "rust traits", count: 3, last_at: 1700000000 }]"#]],
    );
}
