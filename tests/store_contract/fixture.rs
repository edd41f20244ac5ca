//! Fresh databases for the store contract: a temp SQLite file, or a fresh PostgreSQL schema.

use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use curriculum_bot::store::{
    open, After, Delivery, DeliveryKey, Lease, NewSubscription, OpenOptions, Schedule, Store,
    Subscription, Target,
};
use sqlx::Connection;

/// `TEST_DATABASE_URL`, counting skips (one note per run of this binary says how many).
#[path = "../support/postgres.rs"]
mod postgres;
pub use postgres::skipped_without;

/// The reference instant of the tests; times print relative to it.
pub const T0: i64 = 1_700_000_000;
pub const WEEK: i64 = 7 * 24 * 3600;

#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// One test's database.
pub struct Fixture {
    pub url: String,
    /// SQLite: the directory holding the file (created by `open`).
    pub dir: Option<PathBuf>,
    /// PostgreSQL: the admin URL and the schema to drop afterwards.
    schema: Option<(String, String)>,
}

impl Fixture {
    pub async fn open(&self) -> Arc<dyn Store> {
        match open(&self.url, &OpenOptions::default()).await {
            Ok(store) => store,
            Err(e) => panic!("opening {}: {e}", self.url),
        }
    }
}

pub fn unique(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let random = RandomState::new().hash_one(n) as u32;
    format!("{prefix}_{}_{n}_{random:08x}", std::process::id())
}

pub fn sqlite_fixture() -> Fixture {
    let dir = std::env::temp_dir().join(unique("curriculum_bot_store"));
    // A directory that doesn't exist yet: `open` must create it.
    let db = dir.join("nested").join("bot.db");
    Fixture {
        url: format!("sqlite://{}?mode=rwc", db.display()),
        dir: Some(dir),
        schema: None,
    }
}

async fn pg_fixture() -> Option<Fixture> {
    let base = postgres::database_url()?;
    let schema = unique("store_test");
    let mut admin = sqlx::PgConnection::connect(&base)
        .await
        .expect("TEST_DATABASE_URL connects");
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&mut admin)
        .await
        .expect("schema");
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    Some(Fixture {
        url,
        dir: None,
        schema: Some((base, schema)),
    })
}

/// Runs `test` on a fresh database of `kind`, then removes it (also when the test panics).
pub async fn run<F, Fut>(kind: Kind, test: F)
where
    F: FnOnce(Arc<Fixture>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let fixture = match kind {
        Kind::Sqlite => sqlite_fixture(),
        Kind::Postgres => match pg_fixture().await {
            Some(f) => f,
            None => return,
        },
    };
    let fixture = Arc::new(fixture);
    let outcome = tokio::spawn(test(fixture.clone())).await;
    if let Some(dir) = &fixture.dir {
        let _ = std::fs::remove_dir_all(dir);
    }
    if let Some((base, schema)) = &fixture.schema {
        if let Ok(mut admin) = sqlx::PgConnection::connect(base).await {
            let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&mut admin)
                .await;
        }
    }
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

pub fn dm(user: i64, next_due_at: i64) -> NewSubscription {
    NewSubscription {
        guild_id: Some(1),
        owner_user_id: user,
        target: Target::Dm,
        schedule: Schedule {
            weekday: 0,
            hour: 9,
            minute: 0,
            tz: "UTC".into(),
        },
        pathway: None,
        track: None,
        week: 1,
        next_due_at,
    }
}

pub fn group(channel: i64, role: Option<i64>, owner: i64, next_due_at: i64) -> NewSubscription {
    NewSubscription {
        target: Target::Channel {
            channel_id: channel,
            role_id: role,
        },
        ..dm(owner, next_due_at)
    }
}

pub fn rel(t: i64) -> String {
    format!("T{:+}", t - T0)
}

/// Without the id: PostgreSQL spends sequence values on upserts, SQLite doesn't.
pub fn sub_line(s: &Subscription) -> String {
    let target = match &s.target {
        Target::Dm => "dm".to_string(),
        Target::Channel {
            channel_id,
            role_id,
        } => format!("channel={channel_id} role={role_id:?}"),
    };
    let c = &s.schedule;
    let state = match (&s.paused_reason, s.paused_by_system) {
        (None, _) => "active".to_string(),
        (Some(r), system) => format!("paused({r}{})", if system { ", system" } else { "" }),
    };
    format!(
        "{target} owner={} guild={:?} day={} {:02}:{:02} {} pathway={:?} week={} next={} {state} \
         notice={:?} created={} updated={}",
        s.owner_user_id,
        s.guild_id,
        c.weekday,
        c.hour,
        c.minute,
        c.tz,
        s.pathway,
        s.week,
        rel(s.next_due_at),
        s.notice_pending,
        rel(s.created_at),
        rel(s.updated_at),
    )
}

pub fn delivery_line(d: &Delivery) -> String {
    format!(
        "sub#{} due={} week={} late={} {:?} by={:?} lease={} attempts={} message={:?} sent={:?}",
        d.key.subscription_id,
        rel(d.key.due_at),
        d.week,
        d.late,
        d.status,
        d.claimed_by,
        rel(d.lease_until),
        d.attempts,
        d.message_id,
        d.sent_at.map(rel),
    )
}

pub fn lease(worker: &str, now: i64) -> Lease<'_> {
    Lease {
        worker,
        now,
        until: now + 60,
    }
}

pub fn key(s: &Subscription) -> DeliveryKey {
    DeliveryKey {
        subscription_id: s.id,
        due_at: s.next_due_at,
    }
}

pub fn next_week(s: &Subscription) -> After {
    After::Advance {
        next_due_at: s.next_due_at + WEEK,
        week: s.week + 1,
    }
}

/// A short timeout, for URLs that must fail rather than hang.
pub fn quick() -> OpenOptions {
    OpenOptions {
        acquire_timeout: Duration::from_secs(2),
        ..OpenOptions::default()
    }
}
