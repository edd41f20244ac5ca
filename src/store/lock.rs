//! The single-instance lock of a SQLite database: an exclusive OS file lock on `<db>-lock`.
//!
//! The OS drops the lock when the process dies, even on SIGKILL, so a crash never leaves a
//! stale lock behind. The lock file itself stays (deleting it would race with a new instance).
//! The `-lock` suffix sits next to SQLite's own `-wal`/`-shm` files (and the repo's ignore rule).

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use super::StoreError;

/// Held for the life of the store; dropping it releases the lock.
#[derive(Debug)]
pub(crate) struct InstanceLock {
    _file: File,
}

/// `<db>-lock` next to the database file.
pub(crate) fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-lock");
    PathBuf::from(name)
}

impl InstanceLock {
    /// Takes the lock for `db` or reports who holds it.
    pub(crate) fn acquire(db: &Path) -> Result<InstanceLock, StoreError> {
        let path = lock_path(db);
        let io = |error| StoreError::Io {
            path: path.clone(),
            error,
        };
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => Ok(InstanceLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(StoreError::AlreadyRunning {
                path: db.to_path_buf(),
            }),
            Err(TryLockError::Error(e)) => Err(io(e)),
        }
    }
}
