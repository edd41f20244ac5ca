//! The PostgreSQL backend: several workers share it; claims are leases, batches skip locked rows.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgPool};

use super::imp::impl_store;
use super::sql::DUE_UNCLAIMED_LOCKED;
use super::{Backend, OpenOptions, Result, StoreError};

/// A store on a PostgreSQL database (the schema is the first one on the `search_path`).
#[derive(Debug, Clone)]
pub struct PgStore {
    read: PgPool,
    /// The same pool as `read`: PostgreSQL has no single-writer constraint.
    write: PgPool,
}

impl PgStore {
    /// Connects to `url` (`postgres://…`; `?options=-c search_path=…` selects a schema) and runs
    /// the migrations (serialized between processes by sqlx's advisory lock).
    pub async fn open(url: &str, opts: &OpenOptions) -> Result<PgStore> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::InvalidUrl(format!("not a usable postgres:// URL: {e}")))?;
        // One direct connection first: the pool would turn "connection refused" or "password
        // authentication failed" into a bare timeout.
        let probe = options.connect().await.map_err(|e| {
            StoreError::Connect(format!(
                "PostgreSQL at {}:{}: {e}",
                options.get_host(),
                options.get_port()
            ))
        })?;
        probe.close().await?;
        let pool = PgPoolOptions::new()
            .max_connections(opts.max_connections.max(1))
            .acquire_timeout(opts.acquire_timeout)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(PgStore {
            read: pool.clone(),
            write: pool,
        })
    }
}

impl_store!(
    PgStore,
    sqlx::Postgres,
    Backend::Postgres,
    DUE_UNCLAIMED_LOCKED
);
