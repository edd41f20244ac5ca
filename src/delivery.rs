//! The delivery loop: claim due reminders (a lease), send each with a nonce derived from its
//! (subscription, slot) key, mark it sent. It sleeps until the next reminder is due, wakes early
//! when subscriptions change, and stops on shutdown (a `select!` over the three, as in
//! mini-redis's purge task). Nothing is lost (failed sends are released and retried) and nothing is
//! sent twice: a delivery whose outcome is unknown (a crash or takeover between send and mark, a
//! 5xx, a timeout or a lost answer) is reconciled against its channel before any resend
//! (`reconcile`), and every send carries the same nonce, which Discord deduplicates for a few
//! minutes.

mod pipeline;
mod reconcile;
mod send;
mod target;
#[cfg(test)]
mod tests;

pub use pipeline::{InFlight, Sending, Sent};
pub use plan::{
    lease_guard_secs, nonce, plan_slot, reconcile_after, retry_backoff_secs, sleep_for,
};
pub use reconcile::{MAX_PAGES, READ_LIMIT};
pub use send::deliver;

use crate::app::App;
use crate::reminders::plan;
use crate::store::{Delivery, Lease, StoreError, Subscription, Target};
use pipeline::Pipeline;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// Where the loop reads the time: the wall clock, or tokio's clock counted from a given unix
/// instant (tests: `tokio::time::pause` then moves it deterministically).
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    Tokio {
        unix_ms: i64,
        at: tokio::time::Instant,
    },
}

impl Clock {
    /// A clock reading `unix` seconds now and following tokio's (possibly paused) time.
    pub fn starting_at(unix: i64) -> Clock {
        Clock::Tokio {
            unix_ms: unix.saturating_mul(1000),
            at: tokio::time::Instant::now(),
        }
    }

    pub fn now_ms(&self) -> i64 {
        match self {
            Clock::System => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as i64),
            Clock::Tokio { unix_ms, at } => unix_ms + at.elapsed().as_millis() as i64,
        }
    }

    /// Unix seconds.
    pub fn now(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }
}

#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    /// Claims are held under this id. A single SQLite instance uses a fixed id, so a restarted
    /// process takes its own unfinished claims back at once.
    pub worker: String,
    /// How long a claim holds before another worker may take it over.
    pub lease_secs: i64,
    /// Reminders claimed at a time: about one second's worth at the REST pacing.
    pub batch: u32,
    /// Sends in flight at once (the REST client paces them under the global limit).
    pub concurrency: usize,
    /// A reminder sent more than this after its slot is marked late.
    pub grace_secs: i64,
    /// The longest sleep when nothing is due soon.
    pub idle: Duration,
    /// How often to look again when something is due but held by a lease or waiting for its
    /// retry time.
    pub poll: Duration,
    pub clock: Clock,
    /// What this process is sending now (shared by its rounds).
    pub in_flight: InFlight,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
            worker: "local".into(),
            lease_secs: 120,
            batch: 500,
            concurrency: 128,
            grace_secs: 15 * 60,
            idle: Duration::from_secs(60),
            poll: Duration::from_secs(2),
            clock: Clock::System,
            in_flight: InFlight::default(),
        }
    }
}

/// Runs until `shutdown` resolves.
pub async fn run(
    app: Arc<App>,
    cfg: DeliveryConfig,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    if let Err(e) = resume_own_claims(&app, &cfg).await {
        tracing::error!(error = %e, "could not resume unfinished deliveries");
    }
    loop {
        // Shutdown may stop a fan-out midway: unfinished claims are resumed (same nonces) by
        // the next start or, after their lease, by another worker.
        let result = tokio::select! {
            r = drain(&app, &cfg) => r,
            _ = &mut shutdown => break,
        };
        let sent = match result {
            Ok(n) => n,
            Err(e) => {
                tracing::error!(error = %e, "delivery round failed");
                0
            }
        };
        if sent > 0 {
            continue;
        }
        let wait = next_wait(&app, &cfg).await;
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = app.delivery.notified() => {}
            _ = &mut shutdown => break,
        }
    }
    tracing::info!("delivery loop stopped");
}

async fn next_wait(app: &App, cfg: &DeliveryConfig) -> Duration {
    let now_ms = cfg.clock.now_ms();
    let horizon = now_ms.div_euclid(1000) + cfg.idle.as_secs() as i64 + 1;
    match app.store.due(horizon, 1).await {
        Ok(v) => sleep_for(
            v.first().map(|s| s.next_due_at.saturating_mul(1000)),
            now_ms,
            cfg.idle,
            cfg.poll,
        ),
        Err(e) => {
            tracing::error!(error = %e, "could not read the next due reminder");
            cfg.poll.max(Duration::from_secs(5))
        }
    }
}

/// Claims that this worker held when it stopped (a crash), sent again with the same nonce.
async fn resume_own_claims(app: &Arc<App>, cfg: &DeliveryConfig) -> Result<(), StoreError> {
    let claims = app.store.unsent_claims(&cfg.worker).await?;
    let mut work = Vec::new();
    for mut d in claims {
        // Held when this worker stopped: sent, perhaps, if its attempt was recorded.
        d.unknown_since = d.unknown_since.or(d.attempted_at);
        if let Some(sub) = app.store.get(d.key.subscription_id).await? {
            work.push((sub, d));
        }
    }
    let dms = dm_channels(app, &work).await?;
    let mut p = Pipeline::new(app, cfg);
    p.send_all(work, &dms).await;
    p.finish().await
}

/// A claimed batch with the cached DM channels of its learners.
type Batch = (Vec<(Subscription, Delivery)>, HashMap<i64, i64>);

async fn dm_channels(
    app: &App,
    work: &[(Subscription, Delivery)],
) -> Result<HashMap<i64, i64>, StoreError> {
    let users: Vec<i64> = work
        .iter()
        .filter(|(s, _)| s.target == Target::Dm)
        .map(|(s, _)| s.owner_user_id)
        .collect();
    app.store.dm_channels(&users).await
}

/// Claims one batch of due reminders for this worker, with their DM channels.
async fn claim(app: Arc<App>, cfg: DeliveryConfig) -> Result<Batch, StoreError> {
    let now = cfg.clock.now();
    let lease = Lease {
        worker: &cfg.worker,
        now,
        until: now + cfg.lease_secs,
    };
    let grace = cfg.grace_secs;
    let plan = move |s: &Subscription| plan_slot(s, now, grace);
    let work = app.store.claim_due_batch(&lease, cfg.batch, &plan).await?;
    let dms = dm_channels(&app, &work).await?;
    Ok((work, dms))
}

/// Claims one batch of due reminders and delivers them; returns how many were claimed.
pub async fn tick(app: &Arc<App>, cfg: &DeliveryConfig) -> Result<usize, StoreError> {
    let (work, dms) = claim(app.clone(), cfg.clone()).await?;
    let n = work.len();
    let mut p = Pipeline::new(app, cfg);
    p.send_all(work, &dms).await;
    p.finish().await?;
    Ok(n)
}

/// Delivers everything due now; returns how many were claimed. The next batch is claimed while
/// the current one is sent, and sends run on across batches, so a fan-out never waits for the
/// database.
pub async fn drain(app: &Arc<App>, cfg: &DeliveryConfig) -> Result<usize, StoreError> {
    let mut total = 0;
    let mut p = Pipeline::new(app, cfg);
    let mut next = tokio::spawn(claim(app.clone(), cfg.clone()));
    loop {
        let claimed = next
            .await
            .map_err(|e| StoreError::Invalid(format!("claim task: {e}")));
        let (work, dms) = match claimed {
            Ok(Ok(batch)) => batch,
            Ok(Err(e)) | Err(e) => {
                p.finish().await?;
                return Err(e);
            }
        };
        if work.is_empty() {
            break;
        }
        total += work.len();
        next = tokio::spawn(claim(app.clone(), cfg.clone()));
        p.send_all(work, &dms).await;
    }
    p.finish().await?;
    Ok(total)
}
