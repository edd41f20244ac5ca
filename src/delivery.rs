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
mod target;
#[cfg(test)]
mod tests;

pub use pipeline::{InFlight, Sending, Sent};
pub use plan::{
    lease_guard_secs, nonce, plan_slot, reconcile_after, retry_backoff_secs, sleep_for,
};
pub use reconcile::READ_LIMIT;

use crate::app::App;
use crate::reminders::commands::slot_of;
use crate::reminders::content::{missing_track, missing_track_pause, reminder, Audience};
use crate::reminders::plan;
use crate::reminders::schedule::next_after;
use crate::store::{After, Delivery, Lease, StoreError, Subscription, Target};
use pipeline::Pipeline;
use plan::ts;
use reconcile::Check;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use target::{channel_for, gone};

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

/// Sends one claimed reminder. A success comes back to be marked; a gone target pauses the
/// subscription; anything else releases the claim for a later retry. A claim with less than
/// `guard` seconds of its lease left is not sent at all: it is left to be claimed again (and
/// reconciled, its attempt being recorded) once the lease is over. Nor is a claim this process
/// is already sending (claimed again after its lease ran out in the queue).
pub async fn deliver(
    app: &App,
    sub: &Subscription,
    d: &Delivery,
    dm: Option<i64>,
    how: &Sending,
) -> Result<Option<Sent>, StoreError> {
    let Some(_in_flight) = how.in_flight.enter(d.key) else {
        return Ok(None);
    };
    let clock = how.clock;
    let expiring = || clock.now() > d.lease_until - how.guard;
    if expiring() {
        tracing::info!(
            subscription = sub.id,
            "lease nearly over before the send; left for a re-claim"
        );
        return Ok(None);
    }
    let cat = app.catalog();
    if let Some(slug) = missing_track(&cat.curriculum, sub.track.as_deref()) {
        // Renamed or removed since the last reload looked: paused, never sent another track's.
        let (reason, notice) = missing_track_pause(slug);
        app.store
            .mark_failed_pause(d.key, &reason, &notice, clock.now())
            .await?;
        tracing::warn!(
            subscription = sub.id,
            track = slug,
            "its track is missing; paused"
        );
        return Ok(None);
    }
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
    let mut resend = false;
    let sent = match channel_for(app, sub, dm).await {
        Ok(channel) => match reconcile::check(app, &channel, d).await {
            Check::Found(id) => return Ok(Some(reconciled(app, sub, d, &id, clock, r.complete))),
            Check::Failed(e) => {
                let retry = clock.now() + retry_backoff_secs(d.attempts);
                tracing::warn!(error = %e, subscription = sub.id, retry,
                    "could not reconcile an unknown outcome; retrying later");
                app.store.release_unknown(d.key, retry).await?;
                return Ok(None);
            }
            _ if expiring() => {
                tracing::info!(
                    subscription = sub.id,
                    "lease nearly over after reconciling; left for a re-claim"
                );
                return Ok(None);
            }
            check => {
                resend = matches!(check, Check::Absent);
                app.discord
                    .create_message(&channel, &r.message, Some(&nonce(d.key)))
                    .await
            }
        },
        Err(e) => Err(e),
    };
    let now = clock.now();
    match sent {
        Ok(message_id) => {
            if resend {
                app.metrics.reminders_resent.inc();
                tracing::info!(
                    subscription = sub.id,
                    due_at = d.key.due_at,
                    "resent: reconciliation found no earlier send"
                );
            }
            app.metrics.reminders_sent.inc();
            if d.late {
                app.metrics.reminders_late.inc();
            }
            app.metrics
                .reminder_delay_seconds
                .observe((now - d.key.due_at).max(0) as f64);
            return Ok(Some(sent_now(sub, d, &message_id, now, r.complete)));
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
            if e.outcome_unknown() {
                app.store.release_unknown(d.key, retry).await?;
            } else {
                app.store.release(d.key, retry).await?;
            }
        }
    }
    Ok(None)
}

/// A delivery that went out, to be marked with what comes after it.
fn sent_now(sub: &Subscription, d: &Delivery, message_id: &str, now: i64, complete: bool) -> Sent {
    let after = match (complete, slot_of(sub)) {
        (false, Some(slot)) => After::Advance {
            next_due_at: next_after(&slot, ts(d.key.due_at)).as_second(),
            week: d.week.saturating_add(1),
        },
        _ => After::End,
    };
    (d.key, message_id.parse().unwrap_or(0), now, after)
}

/// A delivery found already sent by reconciliation: counted and logged, then marked like a send.
fn reconciled(
    app: &App,
    sub: &Subscription,
    d: &Delivery,
    message_id: &str,
    clock: Clock,
    complete: bool,
) -> Sent {
    app.metrics.reminders_reconciled.inc();
    tracing::info!(
        subscription = sub.id,
        due_at = d.key.due_at,
        message_id,
        "reconciled: already sent, not sent again"
    );
    sent_now(sub, d, message_id, clock.now(), complete)
}
