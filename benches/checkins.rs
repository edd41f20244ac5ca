//! Check-in queries (issue 19) among 100,000 learners × 52 weeks of check-ins (5.2 million
//! rows), on SQLite and PostgreSQL (`cargo bench --bench checkins`; PostgreSQL when
//! TEST_DATABASE_URL is set; CHECKINS_BENCH_N changes the number of learners).
//!
//! Half the learners follow DM reminders, half are in study groups of 50. Timed through the
//! `Store` the bot uses, each checked: `/progress me` (`checkin_weeks`: one learner's 52 weeks),
//! the group line (`week_checkins`: a group's 50 members of one week) and `/report`
//! (`progress_rows`: a server's last 8 weeks, per track). Baseline, in the same run: the
//! learner's query forced to scan the table (SQLite `NOT INDEXED`; PostgreSQL with index scans
//! off). The run fails when a target is missed (p99 ≤ 20 ms for the two per-click queries,
//! ≤ 3 s for the report, and the indexed query at least 10× faster than the scan).

#[path = "common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{ms, pick, ratio, stats, thousands, Report};
use curriculum_bot::store::{open, OpenOptions, Store};
use sqlx::{Connection, Executor};

const T0: i64 = 1_700_000_000;
const WEEKS: i64 = 52;
const GROUP: i64 = 50;
/// The report runs a day after the last week's check-ins.
const NOW: i64 = T0 + WEEKS * 604_800 + 86_400;

/// Subscriptions: learners `1..=n/2` by DM (id = user), then `n/2/GROUP` study groups.
fn subscriptions(n: i64, xs: &str) -> String {
    let half = n / 2;
    let groups = half / GROUP;
    format!(
        "INSERT INTO subscriptions (id, guild_id, owner_user_id, kind, channel_id, role_id, \
         weekday, hour, minute, tz, week, next_due_at, paused_reason, paused_by_system, \
         created_at, updated_at, track) \
         SELECT x, 1, x, CASE WHEN x <= {half} THEN 'dm' ELSE 'channel' END, \
         CASE WHEN x <= {half} THEN NULL ELSE x END, NULL, 0, 9, 0, 'UTC', 53, {NOW} + 600000, \
         CASE WHEN x % 10 = 0 THEN 'member' END, FALSE, {T0}, {T0}, 'mlops' \
         FROM {xs} WHERE x <= {half} + {groups}"
    )
}

/// 52 weeks of check-ins of every learner: DM ones on their own subscription, the others on
/// their group's (learner `x` > n/2 is in group `n/2 + 1 + (x - n/2 - 1) / GROUP`).
fn checkins(n: i64, xs: &str, ws: &str) -> String {
    let half = n / 2;
    format!(
        "INSERT INTO checkins (subscription_id, user_id, week, guild_id, kind, track, module, at) \
         SELECT CASE WHEN x <= {half} THEN x ELSE {half} + 1 + (x - {half} - 1) / {GROUP} END, \
         x, w, 1, CASE WHEN x <= {half} THEN 'dm' ELSE 'channel' END, 'mlops', (w + 3) / 4, \
         {T0} + w * 604800 + x % 3600 FROM {xs} CROSS JOIN {ws}"
    )
}

/// The `/progress me` query, forced to scan (SQLite).
const SCAN_SQLITE: &str =
    "SELECT week FROM checkins NOT INDEXED WHERE subscription_id = $1 AND user_id = $2 ORDER BY week";
/// The same for PostgreSQL, another text so it is planned afresh with index scans off.
const SCAN_PG: &str = "/* scan */ SELECT week FROM checkins WHERE subscription_id = $1 \
     AND user_id = $2 ORDER BY week";

struct Figures {
    me: (Duration, Duration),
    line: (Duration, Duration),
    report: (Duration, Duration),
    scan: (Duration, Duration),
}

/// A DM learner and a study group, spread over the table.
fn learner(n: i64, k: usize) -> i64 {
    1 + (k as i64 * 7919) % (n / 2)
}
fn group_of(n: i64, k: usize) -> i64 {
    n / 2 + 1 + (k as i64 * 104_729) % (n / 2 / GROUP)
}

async fn time_store(
    store: &dyn Store,
    n: i64,
    runs: usize,
    reports: usize,
) -> [(Duration, Duration); 3] {
    let mut me = Vec::new();
    let mut line = Vec::new();
    for k in 0..runs {
        let u = learner(n, k);
        let t = Instant::now();
        let weeks = store.checkin_weeks(u, u).await.expect("checkin_weeks");
        me.push(t.elapsed());
        assert_eq!(weeks, (1..=WEEKS as u32).collect::<Vec<_>>(), "learner {u}");
        let (g, w) = (group_of(n, k), 1 + (k as u32 % WEEKS as u32));
        let t = Instant::now();
        let who = store.week_checkins(g, w).await.expect("week_checkins");
        line.push(t.elapsed());
        assert_eq!(who.len(), GROUP as usize, "group {g} week {w}");
    }
    let mut report = Vec::new();
    for _ in 0..reports {
        let t = Instant::now();
        let rows = store
            .progress_rows(Some(1), NOW)
            .await
            .expect("progress_rows");
        report.push(t.elapsed());
        // The last 8 weeks: every learner once a week.
        let total: u64 = rows.checkins.iter().map(|c| c.count).sum();
        assert_eq!(total, 8 * n as u64, "{:?}", rows.checkins);
        let subs: u64 = rows.subscriptions.iter().map(|s| s.count).sum();
        assert_eq!(subs, (n / 2 + n / 2 / GROUP) as u64);
    }
    [stats(me), stats(line), stats(report)]
}

macro_rules! time_scan {
    ($conn:expr, $sql:expr, $n:expr, $runs:expr) => {{
        let mut times = Vec::new();
        for k in 0..$runs {
            let u = learner($n, k);
            let t = Instant::now();
            let rows = sqlx::query($sql)
                .bind(u)
                .bind(u)
                .fetch_all(&mut $conn)
                .await
                .expect("scan");
            times.push(t.elapsed());
            assert_eq!(rows.len(), WEEKS as usize);
        }
        stats(times)
    }};
}

fn runs() -> (usize, usize, usize) {
    // (per-click queries, reports, scans)
    pick((501, 11, 5), (51, 3, 2))
}

async fn sqlite(n: i64) -> Figures {
    let dir = std::env::temp_dir().join(format!("checkins_bench_{}", std::process::id()));
    let url = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
    let store = open(&url, &OpenOptions::default()).await.expect("open");
    let mut conn = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("connect");
    let t = Instant::now();
    let xs = format!(
        "(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n}) SELECT x FROM c)"
    );
    let ws = format!(
        "(WITH RECURSIVE c(w) AS (SELECT 1 UNION ALL SELECT w + 1 FROM c WHERE w < {WEEKS}) SELECT w FROM c)"
    );
    let mut tx = conn.begin().await.expect("begin");
    tx.execute(subscriptions(n, &xs).as_str())
        .await
        .expect("subscriptions");
    tx.execute(checkins(n, &xs, &ws).as_str())
        .await
        .expect("checkins");
    tx.commit().await.expect("commit");
    conn.execute("ANALYZE").await.expect("analyze");
    eprintln!(
        "sqlite: {} check-ins in {:.1} s",
        n * WEEKS,
        t.elapsed().as_secs_f64()
    );
    let (runs, reports, scans) = runs();
    let [me, line, report] = time_store(&*store, n, runs, reports).await;
    let scan = time_scan!(conn, SCAN_SQLITE, n, scans);
    store.close().await;
    drop(store);
    let _ = std::fs::remove_dir_all(dir);
    Figures {
        me,
        line,
        report,
        scan,
    }
}

async fn postgres(base: &str, n: i64) -> Figures {
    let (pg, mut conn) = common::PgScratch::new(base, "checkins_bench").await;
    let store = pg.store.clone();
    let t = Instant::now();
    let xs = format!("generate_series(1::bigint, {n}) AS x");
    let ws = format!("generate_series(1, {WEEKS}) AS w");
    conn.execute(subscriptions(n, &xs).as_str())
        .await
        .expect("subscriptions");
    conn.execute(checkins(n, &xs, &ws).as_str())
        .await
        .expect("checkins");
    conn.execute("VACUUM ANALYZE checkins")
        .await
        .expect("analyze");
    conn.execute("VACUUM ANALYZE subscriptions")
        .await
        .expect("analyze");
    eprintln!(
        "postgres: {} check-ins in {:.1} s",
        n * WEEKS,
        t.elapsed().as_secs_f64()
    );
    let (runs, reports, scans) = runs();
    let [me, line, report] = time_store(&*store, n, runs, reports).await;
    conn.execute(
        "SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off",
    )
    .await
    .expect("set");
    let scan = time_scan!(conn, SCAN_PG, n, scans);
    drop(store);
    pg.drop().await;
    Figures {
        me,
        line,
        report,
        scan,
    }
}

fn main() {
    let n: i64 = std::env::var("CHECKINS_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(pick(100_000, 10_000))
        .max(2 * GROUP);
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
    let (runs, reports, scans) = runs();
    let nn = thousands(n as u64);
    let mut rep = Report::new("checkins");
    rep.line(format!(
        "{nn} learners × {WEEKS} weeks = {} check-ins: half by DM, half in study groups of \
         {GROUP}. {runs} runs of each per-click query (random learners and groups), {reports} \
         reports, {scans} scans.\n",
        thousands((n * WEEKS) as u64)
    ));
    if pg.is_none() {
        rep.line("PostgreSQL: not run (TEST_DATABASE_URL is not set).\n");
    }
    let backends = [
        ("SQLite (WAL, file)", Some(&sq)),
        ("PostgreSQL (loopback)", pg.as_ref()),
    ];
    let mut rows = Vec::new();
    for (name, f) in backends {
        let Some(f) = f else { continue };
        rows.push(vec![
            name.to_string(),
            format!("{} / {}", ms(f.me.0), ms(f.me.1)),
            format!("{} / {}", ms(f.line.0), ms(f.line.1)),
            format!("{} / {}", ms(f.report.0), ms(f.report.1)),
            ms(f.scan.0),
            ratio(f.scan.0.as_secs_f64(), f.me.0.as_secs_f64()),
        ]);
    }
    rep.table(
        &[
            "backend",
            "`/progress me` median / p99",
            "group line median / p99",
            "`/report` median / p99",
            "`/progress me` without the index, median",
            "scan / indexed",
        ],
        &rows,
    );
    let mut missed = Vec::new();
    for (name, f) in backends {
        let Some(f) = f else { continue };
        let short = name.split(' ').next().unwrap_or(name);
        let click = f.me.1 <= Duration::from_millis(20) && f.line.1 <= Duration::from_millis(20);
        let indexed = f.scan.0.as_secs_f64() >= 10.0 * f.me.0.as_secs_f64();
        let report = f.report.1 <= Duration::from_secs(3);
        rep.summary(
            &format!("check-in queries among {nn} learners × {WEEKS} weeks, {short}"),
            "p99 ≤ 20 ms; ≥ 10× the scan",
            format!(
                "me {} p99, group line {} p99; {} faster than the scan",
                ms(f.me.1),
                ms(f.line.1),
                ratio(f.scan.0.as_secs_f64(), f.me.0.as_secs_f64())
            ),
            Some(click && indexed),
        );
        rep.summary(
            &format!("`/report` progress among {nn} learners, {short}"),
            "p99 ≤ 3 s",
            format!("{} median, {} p99", ms(f.report.0), ms(f.report.1)),
            Some(report),
        );
        for (ok, what) in [
            (click, "per-click p99"),
            (indexed, "index vs scan"),
            (report, "report p99"),
        ] {
            if !ok {
                missed.push(format!("{short}: {what}"));
            }
        }
    }
    rep.write();
    assert!(missed.is_empty(), "targets missed: {missed:?}");
}
