//! Benchmark: finding the due reminders among 1,000,000 stored subscriptions (`Store::due`).
//!
//! `cargo bench --bench store` (SQLite; also PostgreSQL when TEST_DATABASE_URL is set).
//! STORE_BENCH_N changes the number of subscriptions. The baseline is the same query forced to
//! scan the table (SQLite `NOT INDEXED`; PostgreSQL with index scans disabled).

use std::hash::{BuildHasher, RandomState};
use std::time::{Duration, Instant};

use curriculum_bot::store::{open, OpenOptions, Store};
use sqlx::{Connection, Executor};

const T0: i64 = 1_700_000_000;
const WEEK: i64 = 7 * 24 * 3600;
/// One hour after T0: about 1/168 of the active subscriptions are due.
const NOW: i64 = T0 + 3600;
const LIMIT: u32 = 500;

/// `n` DM subscriptions spread over a week, every tenth one paused.
fn bulk_insert(series: &str) -> String {
    format!(
        "INSERT INTO subscriptions (guild_id, owner_user_id, kind, weekday, hour, minute, tz, week, \
         next_due_at, paused_reason, paused_by_system, created_at, updated_at) \
         SELECT 1, x, 'dm', 0, 9, 0, 'UTC', 1, {T0} + (x * 7919) % {WEEK}, \
         CASE WHEN x % 10 = 0 THEN 'member' END, FALSE, {T0}, {T0} FROM {series}"
    )
}

const SCAN_SQLITE: &str = "SELECT * FROM subscriptions NOT INDEXED WHERE paused_reason IS NULL \
     AND next_due_at <= $1 ORDER BY next_due_at LIMIT $2";
/// Another statement text, so PostgreSQL plans it afresh (cached plans ignore new settings).
const SCAN_PG: &str = "/* scan */ SELECT * FROM subscriptions WHERE paused_reason IS NULL \
     AND next_due_at <= $1 ORDER BY next_due_at LIMIT $2";
const QUERY: &str = "SELECT * FROM subscriptions WHERE paused_reason IS NULL \
     AND next_due_at <= $1 ORDER BY next_due_at LIMIT $2";

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

async fn time_due(store: &dyn Store, runs: usize) -> Duration {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let due = store.due(NOW, LIMIT).await.expect("due");
        times.push(t.elapsed());
        assert_eq!(due.len(), LIMIT as usize);
    }
    median(times)
}

/// Median time of `sql` (the due query's shape) run directly on `conn`.
macro_rules! time_raw {
    ($conn:expr, $sql:expr, $runs:expr) => {{
        let mut times = Vec::with_capacity($runs);
        for _ in 0..$runs {
            let t = Instant::now();
            let rows = sqlx::query($sql)
                .bind(NOW)
                .bind(i64::from(LIMIT))
                .fetch_all(&mut $conn)
                .await
                .expect("query");
            times.push(t.elapsed());
            assert_eq!(rows.len(), LIMIT as usize);
        }
        median(times)
    }};
}

fn report(backend: &str, n: u64, store: Duration, indexed: Duration, scan: Duration) {
    println!(
        "{backend}: {n} subscriptions, due(now, {LIMIT}): store.due median {}, same SQL {}, \
         full-scan baseline {} -> x{:.0} faster than the baseline",
        ms(store),
        ms(indexed),
        ms(scan),
        scan.as_secs_f64() / store.as_secs_f64()
    );
}

async fn sqlite(n: u64) {
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
    tx.commit().await.expect("commit");
    conn.execute("ANALYZE").await.expect("analyze");
    eprintln!("sqlite: inserted {n} in {:.1} s", t.elapsed().as_secs_f64());
    let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(&format!("EXPLAIN QUERY PLAN {QUERY}"))
        .bind(NOW)
        .bind(i64::from(LIMIT))
        .fetch_all(&mut conn)
        .await
        .expect("plan");
    eprintln!(
        "sqlite plan: {:?}",
        plan.iter().map(|p| &p.3).collect::<Vec<_>>()
    );
    let store_t = time_due(&*store, 201).await;
    let indexed = time_raw!(conn, QUERY, 201);
    let scan = time_raw!(conn, SCAN_SQLITE, 11);
    report("SQLite", n, store_t, indexed, scan);
    drop(store);
    let _ = std::fs::remove_dir_all(dir);
}

async fn postgres(base: &str, n: u64) {
    let schema = format!(
        "store_bench_{:x}",
        RandomState::new().hash_one(std::process::id())
    );
    let mut admin = sqlx::PgConnection::connect(base).await.expect("connect");
    admin
        .execute(format!("CREATE SCHEMA {schema}").as_str())
        .await
        .expect("schema");
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    let store = open(&url, &OpenOptions::default()).await.expect("open");
    let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");
    let t = Instant::now();
    let series = format!("generate_series(1::bigint, {n}) AS x");
    conn.execute(bulk_insert(&series).as_str())
        .await
        .expect("insert");
    conn.execute("VACUUM ANALYZE subscriptions")
        .await
        .expect("analyze");
    eprintln!(
        "postgres: inserted {n} in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let store_t = time_due(&*store, 201).await;
    let indexed = time_raw!(conn, QUERY, 201);
    conn.execute(
        "SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off",
    )
    .await
    .expect("set");
    let scan = time_raw!(conn, SCAN_PG, 11);
    report("PostgreSQL", n, store_t, indexed, scan);
    store.close().await;
    admin
        .execute(format!("DROP SCHEMA {schema} CASCADE").as_str())
        .await
        .expect("drop");
}

fn main() {
    let n = std::env::var("STORE_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        sqlite(n).await;
        match std::env::var("TEST_DATABASE_URL") {
            Ok(base) => postgres(&base, n).await,
            Err(_) => eprintln!("note: TEST_DATABASE_URL is not set; PostgreSQL skipped"),
        }
    });
}
