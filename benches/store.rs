//! The store's hot paths among 1,000,000 stored subscriptions, on SQLite and PostgreSQL
//! (`cargo bench --bench store`; PostgreSQL when TEST_DATABASE_URL is set).
//!
//! - `Store::due(now, 500)`, against the same query forced to scan the table (SQLite
//!   `NOT INDEXED`; PostgreSQL with index scans off).
//! - The real claim path, `Store::claim_due_batch`, with deliveries present (a sent delivery for
//!   every subscription, and live claims of another worker on some due ones, which must be
//!   skipped), against a plain indexed SELECT of the same rows. Each claim is checked (500
//!   distinct, due, not held by the other worker) and undone, untimed, before the next.
//!
//! STORE_BENCH_N changes the number of subscriptions.

#[path = "common/mod.rs"]
mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::{ms, pick, ratio, stats, thousands, Report};
use curriculum_bot::store::{open, Lease, OpenOptions, Slot, Store};
use sqlx::{Connection, Executor};

const T0: i64 = 1_700_000_000;
const WEEK: i64 = 7 * 24 * 3600;
/// "Now": one hour after T0 at a million subscriptions (about 1/168 of the active ones due,
/// ~5,400), proportionally later for smaller tables, so as many are due.
static NOW_CELL: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
fn now() -> i64 {
    *NOW_CELL.get().expect("set in main")
}
const LIMIT: u32 = 500;
/// Every due subscription whose id is a multiple of this is held by another worker's live claim.
const HELD_EVERY: i64 = 7;

/// `n` DM subscriptions spread over a week, every tenth one paused.
fn bulk_insert(series: &str) -> String {
    format!(
        "INSERT INTO subscriptions (guild_id, owner_user_id, kind, weekday, hour, minute, tz, week, \
         next_due_at, paused_reason, paused_by_system, created_at, updated_at) \
         SELECT 1, x, 'dm', 0, 9, 0, 'UTC', 1, {T0} + (x * 7919) % {WEEK}, \
         CASE WHEN x % 10 = 0 THEN 'member' END, FALSE, {T0}, {T0} FROM {series}"
    )
}

/// Last week's delivery of every subscription, sent.
const SENT_HISTORY: &str = "INSERT INTO deliveries (subscription_id, due_at, week, status, \
     claimed_by, lease_until, attempts, message_id, late, sent_at) \
     SELECT id, next_due_at - 604800, 1, 'sent', 'old', next_due_at - 604680, 1, id, FALSE, \
     next_due_at - 604800 FROM subscriptions";
/// Another worker's live claims on some of the due subscriptions.
fn held_claims() -> String {
    format!(
        "INSERT INTO deliveries (subscription_id, due_at, week, status, claimed_by, lease_until, \
         attempts, late) SELECT id, next_due_at, week, 'claimed', 'other', {}, 1, FALSE \
         FROM subscriptions WHERE paused_reason IS NULL AND next_due_at <= {} \
         AND id % {HELD_EVERY} = 0",
        now() + 3600,
        now()
    )
}
const UNDO_CLAIMS: &str =
    "DELETE FROM deliveries WHERE claimed_by = 'bench' AND status = 'claimed'";

const SCAN_SQLITE: &str = "SELECT * FROM subscriptions NOT INDEXED WHERE paused_reason IS NULL \
     AND next_due_at <= $1 ORDER BY next_due_at LIMIT $2";
/// Another statement text, so PostgreSQL plans it afresh (cached plans ignore new settings).
const SCAN_PG: &str = "/* scan */ SELECT * FROM subscriptions WHERE paused_reason IS NULL \
     AND next_due_at <= $1 ORDER BY next_due_at LIMIT $2";
const QUERY: &str = "SELECT * FROM subscriptions WHERE paused_reason IS NULL \
     AND next_due_at <= $1 ORDER BY next_due_at LIMIT $2";

/// One backend's figures.
struct Figures {
    due: (Duration, Duration),
    raw: (Duration, Duration),
    scan: (Duration, Duration),
    claim: (Duration, Duration),
}

async fn time_due(store: &dyn Store, runs: usize) -> (Duration, Duration) {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let due = store.due(now(), LIMIT).await.expect("due");
        times.push(t.elapsed());
        assert_eq!(due.len(), LIMIT as usize);
        assert!(due.iter().all(|s| s.next_due_at <= now()));
    }
    stats(times)
}

/// Times `claim_due_batch` and checks each claim; `undo` gives the claims back, untimed.
async fn time_claims<F, Fut>(store: &dyn Store, runs: usize, mut undo: F) -> (Duration, Duration)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let lease = Lease {
        worker: "bench",
        now: now(),
        until: now() + 120,
    };
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let claimed = store
            .claim_due_batch(&lease, LIMIT, &Slot::scheduled)
            .await
            .expect("claim_due_batch");
        times.push(t.elapsed());
        assert_eq!(claimed.len(), LIMIT as usize, "a full batch is claimed");
        let ids: HashSet<i64> = claimed.iter().map(|(s, _)| s.id).collect();
        assert_eq!(ids.len(), claimed.len(), "no subscription claimed twice");
        for (s, d) in &claimed {
            assert!(s.next_due_at <= now() && s.paused_reason.is_none(), "{s:?}");
            assert!(s.id % HELD_EVERY != 0, "took another worker's live claim");
            assert_eq!((d.key.subscription_id, d.key.due_at), (s.id, s.next_due_at));
        }
        undo().await;
    }
    stats(times)
}

/// Median and p99 of `sql` (the due query's shape) run directly on `conn`.
macro_rules! time_raw {
    ($conn:expr, $sql:expr, $runs:expr) => {{
        let mut times = Vec::with_capacity($runs);
        for _ in 0..$runs {
            let t = Instant::now();
            let rows = sqlx::query($sql)
                .bind(now())
                .bind(i64::from(LIMIT))
                .fetch_all(&mut $conn)
                .await
                .expect("query");
            times.push(t.elapsed());
            assert_eq!(rows.len(), LIMIT as usize);
        }
        stats(times)
    }};
}

fn runs() -> (usize, usize, usize) {
    // (due and raw, claims, full scans)
    pick((201, 51, 11), (21, 11, 3))
}

async fn sqlite(n: u64) -> Figures {
    let dir = std::env::temp_dir().join(format!("store_bench_{}", std::process::id()));
    let url = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
    let store = open(&url, &OpenOptions::default()).await.expect("open");
    let mut conn = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("connect");
    let t = Instant::now();
    let series = format!(
        "(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n}) \
         SELECT x FROM c)"
    );
    let mut tx = conn.begin().await.expect("begin");
    tx.execute(bulk_insert(&series).as_str())
        .await
        .expect("insert");
    tx.execute(SENT_HISTORY).await.expect("history");
    tx.execute(held_claims().as_str()).await.expect("held");
    tx.commit().await.expect("commit");
    conn.execute("ANALYZE").await.expect("analyze");
    eprintln!("sqlite: inserted {n} in {:.1} s", t.elapsed().as_secs_f64());
    let (runs, claims, scans) = runs();
    let due = time_due(&*store, runs).await;
    let raw = time_raw!(conn, QUERY, runs);
    let scan = time_raw!(conn, SCAN_SQLITE, scans);
    let claim = time_claims(&*store, claims, || {
        let url = url.clone();
        async move {
            let mut c = sqlx::SqliteConnection::connect(&url)
                .await
                .expect("connect");
            c.execute(UNDO_CLAIMS).await.expect("undo");
        }
    })
    .await;
    store.close().await;
    drop(store);
    let _ = std::fs::remove_dir_all(dir);
    Figures {
        due,
        raw,
        scan,
        claim,
    }
}

async fn postgres(base: &str, n: u64) -> Figures {
    let (pg, mut conn) = common::PgScratch::new(base, "store_bench").await;
    let store = pg.store.clone();
    let t = Instant::now();
    let series = format!("generate_series(1::bigint, {n}) AS x");
    conn.execute(bulk_insert(&series).as_str())
        .await
        .expect("insert");
    conn.execute(SENT_HISTORY).await.expect("history");
    conn.execute(held_claims().as_str()).await.expect("held");
    conn.execute("VACUUM ANALYZE subscriptions")
        .await
        .expect("analyze");
    conn.execute("VACUUM ANALYZE deliveries")
        .await
        .expect("analyze");
    eprintln!(
        "postgres: inserted {n} in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let (runs, claims, scans) = runs();
    let due = time_due(&*store, runs).await;
    let raw = time_raw!(conn, QUERY, runs);
    let claim = time_claims(&*store, claims, || {
        let url = pg.url.clone();
        async move {
            let mut c = sqlx::PgConnection::connect(&url).await.expect("connect");
            c.execute(UNDO_CLAIMS).await.expect("undo");
        }
    })
    .await;
    conn.execute(
        "SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off",
    )
    .await
    .expect("set");
    let scan = time_raw!(conn, SCAN_PG, scans);
    drop(store);
    pg.drop().await;
    Figures {
        due,
        raw,
        scan,
        claim,
    }
}

fn main() {
    let n: u64 = std::env::var("STORE_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(pick(1_000_000, 100_000));
    NOW_CELL
        .set(T0 + 3600 * (1_000_000 / n.max(1)).max(1) as i64)
        .expect("set once");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let pg_url = std::env::var("TEST_DATABASE_URL").ok();
    let (sq, pg) = rt.block_on(async {
        let sq = sqlite(n).await;
        let pg = match &pg_url {
            Some(base) => Some(postgres(base, n).await),
            None => None,
        };
        (sq, pg)
    });
    let (runs, claims, scans) = runs();
    let nn = thousands(n);
    let mut rep = Report::new("store");
    rep.line(format!(
        "{nn} DM subscriptions with their slots spread over a week, every tenth paused; a sent \
         delivery (last week's) for every one of them; another worker's live claim on every \
         {HELD_EVERY}th due one. Batches of {LIMIT}.\n"
    ));
    if pg.is_none() {
        rep.line("PostgreSQL: not run (TEST_DATABASE_URL is not set).\n");
    }
    let backends = [
        ("SQLite (WAL, file)", Some(&sq)),
        ("PostgreSQL (loopback)", pg.as_ref()),
    ];
    rep.line(format!(
        "Finding the due reminders, `Store::due(now, {LIMIT})` ({runs} runs), against the same \
         query forced to scan the table ({scans} runs):\n"
    ));
    let mut rows = Vec::new();
    for (name, f) in backends {
        let Some(f) = f else { continue };
        rows.push(vec![
            name.to_string(),
            ms(f.due.0),
            ms(f.due.1),
            ms(f.raw.0),
            ms(f.scan.0),
            ratio(f.scan.0.as_secs_f64(), f.due.0.as_secs_f64()),
        ]);
    }
    rep.table(
        &[
            "backend",
            "`store.due` median",
            "`store.due` p99",
            "same SQL, raw, median",
            "full-scan baseline median",
            "baseline / `store.due`",
        ],
        &rows,
    );
    rep.line(format!(
        "Claiming a batch, `Store::claim_due_batch` ({claims} runs; each inserts {LIMIT} claims \
         in one transaction), against a plain indexed SELECT of the same {LIMIT} due rows:\n"
    ));
    let mut rows = Vec::new();
    for (name, f) in backends {
        let Some(f) = f else { continue };
        rows.push(vec![
            name.to_string(),
            ms(f.claim.0),
            ms(f.claim.1),
            ms(f.raw.0),
            ms(f.raw.1),
            ratio(f.claim.0.as_secs_f64(), f.raw.0.as_secs_f64()),
            format!("{:.1} µs", f.claim.0.as_secs_f64() * 1e6 / f64::from(LIMIT)),
        ]);
    }
    rep.table(
        &[
            "backend",
            "claim median",
            "claim p99",
            "SELECT median",
            "SELECT p99",
            "claim / SELECT (median)",
            "claim per reminder",
        ],
        &rows,
    );
    for (name, f) in backends {
        let Some(f) = f else { continue };
        let short = name.split(' ').next().unwrap_or(name);
        rep.summary(
            &format!("due subscriptions among {nn}, {short}"),
            "≤ 10 ms",
            format!("{} median, {} p99", ms(f.due.0), ms(f.due.1)),
            Some(f.due.0 <= Duration::from_millis(10)),
        );
        rep.summary(
            &format!("claiming a batch of {LIMIT} among {nn}, {short}"),
            "—",
            format!(
                "{} median ({} a plain SELECT of the rows)",
                ms(f.claim.0),
                ratio(f.claim.0.as_secs_f64(), f.raw.0.as_secs_f64())
            ),
            None,
        );
    }
    rep.write();
}
