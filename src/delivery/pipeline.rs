//! Sending claimed reminders: each group recorded as attempted just before it goes out, at most
//! `concurrency` sends in flight (the REST client paces them) and a marker task that commits the successes in groups, one transaction (one disk sync) per
//! group. Sends never wait for the database: while a group commits, or while the single SQLite
//! writer claims the next batch, the next sends go out and their marks queue up.

use super::{deliver, lease_guard_secs, Clock, DeliveryConfig};
use crate::app::App;
use crate::store::{After, Delivery, DeliveryKey, StoreError, Subscription};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio::task::{JoinError, JoinHandle, JoinSet};

/// A sent reminder waiting to be marked: (key, message id, sent at, what comes after).
pub type Sent = (DeliveryKey, i64, i64, After);

/// The deliveries this process is sending right now. When a claim's lease runs out while its
/// send waits (a slow Discord, a long queue) and this worker claims it again, the second claim
/// is not sent: the first is still on its way.
#[derive(Debug, Clone, Default)]
pub struct InFlight(Arc<std::sync::Mutex<HashSet<DeliveryKey>>>);

impl InFlight {
    /// Enters `key`, or `None` when it is already in flight here; it leaves when the guard drops.
    pub fn enter(&self, key: DeliveryKey) -> Option<InFlightGuard> {
        let mut set = self.0.lock().unwrap_or_else(|p| p.into_inner());
        set.insert(key).then(|| InFlightGuard {
            set: self.clone(),
            key,
        })
    }
}

/// Holds a delivery in [`InFlight`] until dropped.
pub struct InFlightGuard {
    set: InFlight,
    key: DeliveryKey,
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        let mut set = self.set.0.lock().unwrap_or_else(|p| p.into_inner());
        set.remove(&self.key);
    }
}

/// How this process sends: its clock, the lease it keeps in hand, what it has in flight.
#[derive(Debug, Clone)]
pub struct Sending {
    pub clock: Clock,
    /// Lease seconds a claim must have left for its send to start.
    pub guard: i64,
    pub in_flight: InFlight,
}

/// At most this many marks per transaction.
const MARK_GROUP: usize = 64;

pub(super) struct Pipeline {
    app: Arc<App>,
    limit: usize,
    sending: Sending,
    jobs: JoinSet<Result<Option<Sent>, StoreError>>,
    marks: mpsc::UnboundedSender<Sent>,
    marker: JoinHandle<Result<(), StoreError>>,
    first_error: Option<StoreError>,
}

impl Pipeline {
    pub(super) fn new(app: &Arc<App>, cfg: &DeliveryConfig) -> Pipeline {
        let (marks, rx) = mpsc::unbounded_channel();
        Pipeline {
            app: app.clone(),
            limit: cfg.concurrency.max(1),
            sending: Sending {
                clock: cfg.clock,
                guard: lease_guard_secs(cfg.lease_secs),
                in_flight: cfg.in_flight.clone(),
            },
            jobs: JoinSet::new(),
            marks,
            marker: tokio::spawn(mark_groups(app.clone(), rx)),
            first_error: None,
        }
    }

    /// Starts sending `work`, waiting only for free send slots. Each group of `concurrency`
    /// sends is first recorded as attempted (one transaction), so that after a crash only those
    /// are of unknown outcome and need reading back; a group that can't be recorded isn't sent
    /// (its claims are retried later as first attempts).
    pub(super) async fn send_all(
        &mut self,
        work: Vec<(Subscription, Delivery)>,
        dms: &HashMap<i64, i64>,
    ) {
        let mut work = work.into_iter().peekable();
        while work.peek().is_some() {
            let group: Vec<(Subscription, Delivery)> = work.by_ref().take(self.limit).collect();
            let keys: Vec<DeliveryKey> = group.iter().map(|(_, d)| d.key).collect();
            if let Err(e) = self
                .app
                .store
                .mark_attempted(&keys, self.sending.clock.now())
                .await
            {
                tracing::error!(error = %e, n = keys.len(), "could not record attempts; not sent");
                self.first_error.get_or_insert(e);
                continue;
            }
            for (sub, d) in group {
                while self.jobs.len() >= self.limit {
                    let done = self.jobs.join_next().await;
                    self.collect(done);
                }
                let (app, sending) = (self.app.clone(), self.sending.clone());
                let dm = dms.get(&sub.owner_user_id).copied();
                self.jobs
                    .spawn(async move { deliver(&app, &sub, &d, dm, &sending).await });
            }
        }
    }

    fn collect(&mut self, done: Option<Result<Result<Option<Sent>, StoreError>, JoinError>>) {
        match done {
            Some(Ok(Ok(Some(sent)))) => {
                // The marker only stops when this sender is dropped.
                let _ = self.marks.send(sent);
            }
            Some(Ok(Err(e))) => {
                tracing::error!(error = %e, "delivery failed; it will be retried");
                self.first_error.get_or_insert(e);
            }
            Some(Err(e)) => tracing::error!(error = %e, "a delivery task failed"),
            Some(Ok(Ok(None))) | None => {}
        }
    }

    /// Waits for every send and every mark; the first error, if any.
    pub(super) async fn finish(mut self) -> Result<(), StoreError> {
        while let Some(done) = self.jobs.join_next().await {
            self.collect(Some(done));
        }
        drop(self.marks);
        let marked = self
            .marker
            .await
            .map_err(|e| StoreError::Invalid(format!("marker task: {e}")))
            .and_then(|r| r);
        match (self.first_error, marked) {
            (Some(e), _) | (None, Err(e)) => Err(e),
            (None, Ok(())) => Ok(()),
        }
    }
}

/// Commits the marks as they come, in groups of what has queued up meanwhile. A failed group
/// stays claimed: it is resent with the same nonces after a restart or when its lease ends.
async fn mark_groups(
    app: Arc<App>,
    mut rx: mpsc::UnboundedReceiver<Sent>,
) -> Result<(), StoreError> {
    let mut first_error = None;
    let mut group = Vec::with_capacity(MARK_GROUP);
    while rx.recv_many(&mut group, MARK_GROUP).await > 0 {
        group.sort_by_key(|s| s.0);
        if let Err(e) = app.store.mark_sent_many(&group).await {
            tracing::error!(error = %e, n = group.len(), "marking sent reminders failed");
            first_error.get_or_insert(e);
        }
        group.clear();
    }
    first_error.map_or(Ok(()), Err)
}
