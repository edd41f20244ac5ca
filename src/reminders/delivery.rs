//! The delivery loop: claim due reminders (a lease), send each with a nonce derived from its
//! (subscription, slot) key, mark it sent. It sleeps until the next reminder is due, wakes early
//! when subscriptions change, and stops on shutdown (a `select!` over the three, as in
//! mini-redis's purge task). Nothing is lost (failed sends are released and retried) and nothing is
//! sent twice (a crash between send and mark resends the same nonce, which Discord deduplicates).

mod pipeline;
pub(crate) mod plan;
#[cfg(test)]
mod tests;

pub use pipeline::Sent;
pub use plan::{nonce, plan_slot, retry_backoff_secs, sleep_for};

use super::commands::slot_of;
use super::content::{reminder, Audience};
use super::schedule::next_after;
use crate::app::App;
use crate::ports::{RestError, CANNOT_DM, UNKNOWN_CHANNEL};
use crate::store::{After, Delivery, Lease, StoreError, Subscription, Target};
use pipeline::Pipeline;
use plan::ts;
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
    for d in claims {
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

/// Where a reminder goes; `known` is its DM channel from the cache, looked up with its batch.
async fn channel_for(
    app: &App,
    sub: &Subscription,
    known: Option<i64>,
) -> Result<String, RestError> {
    match sub.target {
        Target::Channel { channel_id, .. } => Ok(channel_id.to_string()),
        Target::Dm => {
            if let Some(c) = known {
                return Ok(c.to_string());
            }
            let c = app
                .discord
                .create_dm(&sub.owner_user_id.to_string())
                .await?;
            if let Ok(id) = c.parse::<i64>() {
                if let Err(e) = app.store.put_dm_channel(sub.owner_user_id, id).await {
                    tracing::warn!(error = %e, "could not cache a DM channel");
                }
            }
            Ok(c)
        }
    }
}

/// Why a target is gone, for the subscription (`reason`) and for its owner (`notice`).
fn gone(e: &RestError) -> (String, String) {
    match e.code() {
        Some(CANNOT_DM) => (
            "DMs are closed".into(),
            "Your weekly reminders are paused: I can't DM you. Allow direct messages from this \
             server (server menu → Privacy Settings), then run `/remind resume`."
                .into(),
        ),
        Some(UNKNOWN_CHANNEL) => (
            "the channel no longer exists".into(),
            "A study-group reminder you set up is paused: its channel no longer exists. \
             Subscribe again in another channel."
                .into(),
        ),
        _ => (
            format!("access lost ({e})"),
            "Your reminders are paused: I lost access to where they are posted. Fix my \
             permissions there, then run `/remind resume`."
                .into(),
        ),
    }
}

/// Sends one claimed reminder. A success comes back to be marked; a gone target pauses the
/// subscription; anything else releases the claim for a later retry.
pub async fn deliver(
    app: &App,
    sub: &Subscription,
    d: &Delivery,
    dm: Option<i64>,
    clock: Clock,
) -> Result<Option<Sent>, StoreError> {
    let cat = app.catalog();
    let audience = match sub.target {
        Target::Dm => Audience::Learner,
        Target::Channel { role_id, .. } => Audience::Group { role: role_id },
    };
    let r = reminder(
        &cat.curriculum,
        sub.track.as_deref(),
        d.week,
        sub.pathway.as_deref(),
        d.key.due_at,
        d.late,
        audience,
    );
    let sent = match channel_for(app, sub, dm).await {
        Ok(channel) => {
            app.discord
                .create_message(&channel, &r.message, Some(&nonce(d.key)))
                .await
        }
        Err(e) => Err(e),
    };
    let now = clock.now();
    match sent {
        Ok(message_id) => {
            let after = match (r.complete, slot_of(sub)) {
                (false, Some(slot)) => After::Advance {
                    next_due_at: next_after(&slot, ts(d.key.due_at)).as_second(),
                    week: d.week.saturating_add(1),
                },
                _ => After::End,
            };
            app.metrics.reminders_sent.inc();
            if d.late {
                app.metrics.reminders_late.inc();
            }
            app.metrics
                .reminder_delay_seconds
                .observe((now - d.key.due_at).max(0) as f64);
            return Ok(Some((d.key, message_id.parse().unwrap_or(0), now, after)));
        }
        Err(e) if e.is_target_gone() => {
            let (reason, notice) = gone(&e);
            app.store
                .mark_failed_pause(d.key, &reason, &notice, now)
                .await?;
            app.metrics.reminders_failed.inc();
            tracing::warn!(subscription = sub.id, %reason, "reminder target gone; subscription paused");
        }
        Err(e) => {
            let retry = now + retry_backoff_secs(d.attempts);
            tracing::warn!(error = %e, subscription = sub.id, retry, "send failed; retrying later");
            app.store.release(d.key, retry).await?;
        }
    }
    Ok(None)
}
