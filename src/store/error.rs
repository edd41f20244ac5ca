//! [`StoreError`]: what the store reports, each cause printed once.
//!
//! A variant either prints its cause in its message or returns it from `source()`, never both:
//! reporters such as anyhow's `{:#}` print the message and then every source, so a cause in
//! both places was printed twice. The store's variants print the cause (logs use `Display`) and
//! keep `source()` empty, which also hides sqlx's own repetition (its `Display` already includes
//! the inner error that its `source()` returns).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid DATABASE_URL: {0}")]
    InvalidUrl(String),
    #[error(
        "another curriculum-bot is already delivering from {}; running two copies duplicates reminders",
        .path.display()
    )]
    AlreadyRunning { path: PathBuf },
    /// `error` (not `source`): thiserror would make a field named `source` the error's source.
    #[error("cannot prepare {}: {error}", .path.display())]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("cannot connect to {0}")]
    Connect(String),
    #[error("database error: {0}")]
    Database(sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(sqlx::migrate::MigrateError),
    #[error("invalid input: {0}")]
    Invalid(String),
    #[error("unexpected data in the database: {0}")]
    Corrupt(String),
}

// Written out rather than `#[from]`, which would also make the error the `source()`.
impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Database(e)
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Migrate(e)
    }
}

#[cfg(test)]
mod tests {
    use super::StoreError;

    /// What `main` prints for a failure: anyhow's `{:#}`, the message and all its sources.
    fn reported(e: StoreError) -> String {
        format!("{:#}", anyhow::Error::from(e))
    }

    fn io(msg: &str) -> std::io::Error {
        std::io::Error::other(msg.to_string())
    }

    #[test]
    fn each_cause_is_printed_once() {
        let cases = [
            StoreError::from(sqlx::Error::Io(io("disk on fire"))),
            StoreError::from(sqlx::Error::Protocol("disk on fire".into())),
            StoreError::from(sqlx::migrate::MigrateError::Execute(sqlx::Error::Io(io(
                "disk on fire",
            )))),
            StoreError::Io {
                path: "data".into(),
                error: io("disk on fire"),
            },
        ];
        let shown: Vec<String> = cases.into_iter().map(reported).collect();
        for line in &shown {
            assert_eq!(line.matches("disk on fire").count(), 1, "{line}");
        }
        assert_eq!(
            shown,
            [
                "database error: error communicating with database: disk on fire",
                "database error: encountered unexpected or invalid data: disk on fire",
                "database migration failed: while executing migrations: error communicating \
                 with database: disk on fire",
                "cannot prepare data: disk on fire",
            ]
        );
    }
}
