//! One refresh of the living pins at a time per replica, the newest catalog winning (issue 17):
//! two quick reloads used to run two refreshes at once under one replica id, and the older
//! catalog's edits landed last. Each request records its catalog as the newest and queues on one
//! lock (first come, first served); a request that finds a newer one recorded when its turn comes
//! steps aside, since that newer one runs after it and re-checks every pin against the newest
//! catalog, including those an earlier, racing refresh just edited. A running refresh stops
//! starting edits as soon as a newer request is recorded (the rate limit is better spent on
//! the newest cards).

use super::{refresh_pins_until, replica_id, RefreshReport};
use crate::ports::Discord;
use crate::reply::Catalog;
use crate::store::Store;
use std::sync::{Arc, Mutex};

/// The serialiser of one replica's refreshes (cheap to clone; clones share it).
#[derive(Clone, Default)]
pub struct Refresher {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    serial: tokio::sync::Mutex<()>,
    /// The newest request: its number and catalog.
    newest: Mutex<(u64, Option<Arc<Catalog>>)>,
}

impl Refresher {
    /// Refreshes the pins against `catalog` in the background (after a reload, at start-up) and
    /// logs what it did. `None` when a newer catalog's refresh took over, or the store failed.
    pub fn spawn(
        &self,
        store: Arc<dyn Store>,
        discord: Arc<dyn Discord>,
        catalog: Arc<Catalog>,
    ) -> tokio::task::JoinHandle<Option<RefreshReport>> {
        let number = {
            let mut newest = lock(&self.inner.newest);
            newest.0 += 1;
            newest.1 = Some(catalog);
            newest.0
        };
        let inner = self.inner.clone();
        tokio::spawn(async move {
            let _one = inner.serial.lock().await;
            let (latest, catalog) = lock(&inner.newest).clone();
            let catalog = catalog.filter(|_| latest == number)?;
            // A newer request stops this one between edits: it re-checks every pin anyway.
            let newer = || lock(&inner.newest).0 != number;
            let refreshed =
                refresh_pins_until(&*store, &*discord, &catalog, replica_id(), &newer).await;
            match refreshed {
                Ok(r) => {
                    tracing::info!(?r, "living pins refreshed");
                    Some(r)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "could not refresh the living pins");
                    None
                }
            }
        })
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
