//! PostgreSQL tests run only when `TEST_DATABASE_URL` is set. Without it they skip, each skip is
//! counted, and the test binary says so once, as it exits, with the real count:
//! `note: PostgreSQL tests skipped: 14 (TEST_DATABASE_URL is not set)`. Every PostgreSQL test
//! gets its URL from [`database_url`], so none can skip silently. Also compiled into the
//! store contract (`tests/store_contract/fixture.rs`), which does not use the fake Discord.
//! Another missing prerequisite (`flock(1)`) is counted and reported the same way
//! ([`skipped_without`]).

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

static SKIPPED: AtomicUsize = AtomicUsize::new(0);

/// `TEST_DATABASE_URL`, or `None` after counting the calling test as skipped (it returns then).
pub fn database_url() -> Option<String> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            SKIPPED.fetch_add(1, Ordering::SeqCst);
            report_at_exit();
            None
        }
    }
}

/// Other prerequisites a test (or part of one) skipped without, e.g. `flock(1)`: counted and
/// reported at exit like the PostgreSQL skips.
static OTHER: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());

/// Counts a skip for want of `what`; the binary reports it as it exits.
#[allow(dead_code)] // not every test binary that compiles this module uses it
pub fn skipped_without(what: &'static str) {
    OTHER.lock().unwrap_or_else(|p| p.into_inner()).push(what);
    report_at_exit();
}

fn report_at_exit() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    // libtest captures what a passing test prints, so the note is written at exit.
    // SAFETY: C's `atexit` is thread-safe and `report` is a plain function that neither panics
    // nor captures anything.
    ONCE.call_once(|| unsafe {
        atexit(report);
    });
}

extern "C" {
    fn atexit(callback: extern "C" fn()) -> std::os::raw::c_int;
}

extern "C" fn report() {
    let skipped = SKIPPED.load(Ordering::SeqCst);
    let mut err = std::io::stderr().lock();
    if skipped > 0 {
        let _ = writeln!(
            err,
            "note: PostgreSQL tests skipped: {skipped} (TEST_DATABASE_URL is not set)"
        );
    }
    let other = OTHER.lock().map(|v| v.clone()).unwrap_or_default();
    for what in &other {
        let _ = writeln!(err, "note: test part skipped: 1 (no {what})");
    }
}

/// A schema of its own on the test database, so tests (and their child processes) never see
/// each other's rows: `url` selects it through `search_path`; [`Schema::drop`] removes it.
#[allow(dead_code)] // not every test binary that compiles this module uses it
pub struct Schema {
    pub admin: sqlx::PgPool,
    pub name: String,
    pub url: String,
}

#[allow(dead_code)]
impl Schema {
    /// Creates `<prefix>_<pid>_<unix time>` on the database at `base`.
    pub async fn create(base: &str, prefix: &str) -> Schema {
        let name = format!(
            "{prefix}_{}_{}",
            std::process::id(),
            curriculum_bot::app::unix_now()
        );
        let admin = sqlx::PgPool::connect(base).await.expect("PostgreSQL");
        sqlx::query(&format!("CREATE SCHEMA {name}"))
            .execute(&admin)
            .await
            .expect("CREATE SCHEMA");
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{name}");
        Schema { admin, name, url }
    }

    pub async fn drop(self) {
        let _ = sqlx::query(&format!("DROP SCHEMA {} CASCADE", self.name))
            .execute(&self.admin)
            .await;
    }
}
