//! The SQLite backend: one instance per database file, WAL, `synchronous=FULL`, one writer.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use super::imp::impl_store;
use super::lock::InstanceLock;
use super::sql::DUE_UNCLAIMED;
use super::{Backend, OpenOptions, Result, StoreError};

/// A store on a SQLite file. Holds the single-instance lock until dropped.
#[derive(Debug)]
pub struct SqliteStore {
    read: SqlitePool,
    /// One connection: transactions never interleave, as with `BEGIN IMMEDIATE`.
    write: SqlitePool,
    path: PathBuf,
    // Declared last: released after the pools are dropped.
    _lock: InstanceLock,
}

impl SqliteStore {
    /// Opens (creating the file and its directory) `url`, a `sqlite:` URL, takes the instance
    /// lock and runs the migrations.
    pub async fn open(url: &str, opts: &OpenOptions) -> Result<SqliteStore> {
        let parsed = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::InvalidUrl(format!("{url}: {e}")))?;
        let path = parsed.get_filename().to_path_buf();
        let mode = url.split_once('?').map_or("", |(_, q)| q);
        let memory = url.contains(":memory:") || mode.contains("mode=memory");
        if memory || path.as_os_str().is_empty() {
            return Err(StoreError::InvalidUrl(format!(
                "{url}: the bot needs a database file (e.g. {}), not an in-memory database",
                super::DEFAULT_DATABASE_URL
            )));
        }
        if mode.contains("mode=ro") {
            return Err(StoreError::InvalidUrl(format!(
                "{url}: the bot needs to write"
            )));
        }
        create_parent(&path)?;
        let lock = InstanceLock::acquire(&path)?;
        let options = parsed
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(opts.busy_timeout)
            .foreign_keys(true);
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(opts.acquire_timeout)
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&write).await?;
        let read = SqlitePoolOptions::new()
            .max_connections(opts.max_connections.max(1))
            .acquire_timeout(opts.acquire_timeout)
            .connect_with(options)
            .await?;
        Ok(SqliteStore {
            read,
            write,
            path,
            _lock: lock,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn create_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.exists() => std::fs::create_dir_all(dir)
            .map_err(|error| StoreError::Io {
                path: dir.to_path_buf(),
                error,
            }),
        _ => Ok(()),
    }
}

impl_store!(SqliteStore, sqlx::Sqlite, Backend::Sqlite, DUE_UNCLAIMED);
