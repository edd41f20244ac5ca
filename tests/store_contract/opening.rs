//! Opening a store: the SQLite single-instance lock, and clear errors for bad URLs.

use std::sync::Arc;

use curriculum_bot::store::{open, OpenOptions, StoreError};
use expect_test::expect;

use super::check;
use super::fixture::*;

#[tokio::test]
async fn sqlite_single_instance_lock() {
    let fx = sqlite_fixture();
    let dir = fx.dir.clone().unwrap();
    let db = dir.join("nested").join("bot.db");
    let first = fx.open().await;
    let refusal = |r: Result<Arc<dyn curriculum_bot::store::Store>, StoreError>| match r {
        Err(e @ StoreError::AlreadyRunning { .. }) => {
            e.to_string().replace(&dir.display().to_string(), "<tmp>")
        }
        Err(e) => format!("unexpected error {e}"),
        Ok(_) => "opened twice".into(),
    };
    check(refusal(open(&fx.url, &OpenOptions::default()).await), expect!["another curriculum-bot is already delivering from <tmp>/nested/bot.db; running two copies duplicates reminders"]);
    drop(first);
    drop(fx.open().await);

    // Another process holds the lock, then dies by SIGKILL: the OS drops its lock.
    let lock = format!("{}-lock", db.display());
    match std::process::Command::new("flock")
        .args(["-o", &lock, "sleep", "20"])
        .spawn()
    {
        Err(e) => {
            eprintln!("note: no flock(1) ({e}); skipping the cross-process part");
            super::fixture::skipped_without("flock(1): the lock's cross-process part");
        }
        Ok(mut holder) => {
            let mut held = false;
            for _ in 0..100 {
                match open(&fx.url, &OpenOptions::default()).await {
                    Err(StoreError::AlreadyRunning { .. }) => {
                        held = true;
                        break;
                    }
                    Ok(store) => drop(store),
                    Err(e) => panic!("{e}"),
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            holder.kill().unwrap(); // SIGKILL
            holder.wait().unwrap();
            assert!(held, "the other process's lock was seen");
            drop(fx.open().await);
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn bad_urls_are_clear_errors() {
    let urls = [
        "",
        "data/bot.db",
        "mysql://localhost/db",
        "sqlite::memory:",
        "sqlite://?mode=memory",
        "sqlite:x.db?mode=ro",
        "sqlite:x.db?mode=bogus",
        "postgres://user@[::1/db",
        "postgres://postgres@127.0.0.1:1/test",
    ];
    let mut shown = String::new();
    for url in urls {
        let got = open(url, &quick())
            .await
            .err()
            .map_or("opened!".into(), |e| e.to_string());
        shown += &format!("{url:?} -> {got}\n");
    }
    check(
        shown,
        expect![[r#"
        "" -> invalid DATABASE_URL: expected sqlite:PATH or postgres://…, got no scheme
        "data/bot.db" -> invalid DATABASE_URL: expected sqlite:PATH or postgres://…, got no scheme
        "mysql://localhost/db" -> invalid DATABASE_URL: expected sqlite:PATH or postgres://…, got the scheme "mysql"
        "sqlite::memory:" -> invalid DATABASE_URL: sqlite::memory:: the bot needs a database file (e.g. sqlite://data/curriculum-bot.db?mode=rwc), not an in-memory database
        "sqlite://?mode=memory" -> invalid DATABASE_URL: sqlite://?mode=memory: the bot needs a database file (e.g. sqlite://data/curriculum-bot.db?mode=rwc), not an in-memory database
        "sqlite:x.db?mode=ro" -> invalid DATABASE_URL: sqlite:x.db?mode=ro: the bot needs to write
        "sqlite:x.db?mode=bogus" -> invalid DATABASE_URL: sqlite:x.db?mode=bogus: error with configuration: unknown value "bogus" for `mode`
        "postgres://user@[::1/db" -> invalid DATABASE_URL: not a usable postgres:// URL: error with configuration: invalid IPv6 address
        "postgres://postgres@127.0.0.1:1/test" -> cannot connect to PostgreSQL at 127.0.0.1:1: error communicating with database: Connection refused (os error 111)
    "#]],
    );
    assert!(
        !std::path::Path::new("x.db").exists(),
        "nothing created for a refused URL"
    );
}
