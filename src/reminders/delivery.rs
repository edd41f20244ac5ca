//! The delivery loop: claim due reminders (a lease), send each with a nonce derived from its
//! (subscription, slot) key, mark it sent. It sleeps until the next reminder is due, wakes early
//! when subscriptions change, and stops on shutdown (a `select!` over the three, as in
//! mini-redis's purge task). Nothing is lost (failed sends are released and retried) and nothing is
//! sent twice (a crash between send and mark resends the same nonce, which Discord deduplicates).

use super::commands::slot_of;
use super::content::{reminder, Audience};
use super::schedule::{latest_at_or_before, next_after, slots_between};
use crate::app::{unix_now, App};
use crate::discord::rest::{RestError, CANNOT_DM, UNKNOWN_CHANNEL};
use crate::store::{After, Delivery, DeliveryKey, Lease, Slot, StoreError, Subscription, Target};
use jiff::Timestamp;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;

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
        }
    }
}

fn ts(unix: i64) -> Timestamp {
    Timestamp::from_second(unix).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// PURE: which slot to deliver for `s` at `now`: the scheduled one, or, when whole weeks were
/// missed (downtime), one late reminder for the current week, never a burst.
pub fn plan_slot(s: &Subscription, now: i64, grace_secs: i64) -> Slot {
    let Some(slot) = slot_of(s) else {
        return Slot::scheduled(s);
    };
    let latest = latest_at_or_before(&slot, ts(now));
    if latest.as_second() > s.next_due_at {
        let missed = slots_between(&slot, ts(s.next_due_at), latest) as u32;
        return Slot {
            due_at: latest.as_second(),
            week: s.week.saturating_add(missed),
            late: true,
        };
    }
    Slot {
        due_at: s.next_due_at,
        week: s.week,
        late: now - s.next_due_at > grace_secs,
    }
}

/// The nonce for a delivery: the same key always gives the same nonce (≤ 25 characters).
pub fn nonce(key: DeliveryKey) -> String {
    format!("{:x}.{:x}", key.subscription_id, key.due_at)
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

/// How long to sleep when nothing could be claimed. At least a second: a reminder that is due but
/// held by another worker's live claim (or released for a retry) must not make this loop spin.
async fn next_wait(app: &App, cfg: &DeliveryConfig) -> Duration {
    let now = unix_now();
    let horizon = now + cfg.idle.as_secs() as i64;
    match app.store.due(horizon, 1).await {
        Ok(v) => match v.first() {
            Some(s) => {
                Duration::from_secs((s.next_due_at - now).clamp(1, cfg.idle.as_secs() as i64) as u64)
            }
            None => cfg.idle,
        },
        Err(_) => Duration::from_secs(5),
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
    deliver_all(app, cfg.concurrency, work).await
}

/// Claims one batch of due reminders for this worker.
async fn claim(
    app: Arc<App>,
    cfg: DeliveryConfig,
) -> Result<Vec<(Subscription, Delivery)>, StoreError> {
    let now = unix_now();
    let lease = Lease {
        worker: &cfg.worker,
        now,
        until: now + cfg.lease_secs,
    };
    let grace = cfg.grace_secs;
    let plan = move |s: &Subscription| plan_slot(s, now, grace);
    app.store.claim_due_batch(&lease, cfg.batch, &plan).await
}

/// Claims one batch of due reminders and delivers them; returns how many were claimed.
pub async fn tick(app: &Arc<App>, cfg: &DeliveryConfig) -> Result<usize, StoreError> {
    let batch = claim(app.clone(), cfg.clone()).await?;
    let n = batch.len();
    deliver_all(app, cfg.concurrency, batch).await?;
    Ok(n)
}

/// Delivers everything due now, claiming the next batch while the current one is being sent so
/// the sends never wait for the database; returns how many were claimed.
pub async fn drain(app: &Arc<App>, cfg: &DeliveryConfig) -> Result<usize, StoreError> {
    let mut total = 0;
    let mut next = tokio::spawn(claim(app.clone(), cfg.clone()));
    loop {
        let batch = next
            .await
            .map_err(|e| StoreError::Invalid(format!("claim task: {e}")))??;
        if batch.is_empty() {
            return Ok(total);
        }
        total += batch.len();
        next = tokio::spawn(claim(app.clone(), cfg.clone()));
        deliver_all(app, cfg.concurrency, batch).await?;
    }
}

/// How many sent reminders are marked per transaction.
const MARK_GROUP: usize = 64;

/// Delivers `work` with at most `limit` sends in flight, marking successes in groups.
async fn deliver_all(
    app: &Arc<App>,
    limit: usize,
    work: Vec<(Subscription, Delivery)>,
) -> Result<(), StoreError> {
    let dm_users: Vec<i64> = work
        .iter()
        .filter(|(s, _)| s.target == Target::Dm)
        .map(|(s, _)| s.owner_user_id)
        .collect();
    let dms = app.store.dm_channels(&dm_users).await?;
    let mut jobs: JoinSet<Result<Option<Sent>, StoreError>> = JoinSet::new();
    let mut sent = Vec::new();
    let mut first_error = None;
    let mut collect =
        |r: Option<Result<Result<Option<Sent>, StoreError>, tokio::task::JoinError>>,
         sent: &mut Vec<Sent>| match r {
            Some(Ok(Ok(Some(s)))) => sent.push(s),
            Some(Ok(Err(e))) => {
                tracing::error!(error = %e, "delivery failed; it will be retried");
                first_error.get_or_insert(e);
            }
            _ => {}
        };
    for (sub, d) in work {
        while jobs.len() >= limit.max(1) {
            let r = jobs.join_next().await;
            collect(r, &mut sent);
        }
        if sent.len() >= MARK_GROUP {
            flush(app, &mut sent).await?;
        }
        let app = app.clone();
        let dm = dms.get(&sub.owner_user_id).copied();
        jobs.spawn(async move { deliver(&app, &sub, &d, dm).await });
    }
    while let Some(r) = jobs.join_next().await {
        collect(Some(r), &mut sent);
        if sent.len() >= MARK_GROUP {
            flush(app, &mut sent).await?;
        }
    }
    flush(app, &mut sent).await?;
    match first_error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Where a reminder goes; `known` holds DM channels looked up for the whole batch at once.
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
                let _ = app.store.put_dm_channel(sub.owner_user_id, id).await;
            }
            Ok(c)
        }
    }
}

/// A sent reminder waiting to be marked (marks are committed in groups: one disk sync each).
pub type Sent = (DeliveryKey, i64, i64, After);

/// Marks sent reminders in one transaction, with their metrics.
async fn flush(app: &App, sent: &mut Vec<Sent>) -> Result<(), StoreError> {
    if sent.is_empty() {
        return Ok(());
    }
    sent.sort_by_key(|s| s.0);
    app.store.mark_sent_many(sent).await?;
    sent.clear();
    Ok(())
}

/// Sends one claimed reminder. A success comes back to be marked; a gone target pauses the
/// subscription; anything else releases the claim for a later retry.
pub async fn deliver(
    app: &App,
    sub: &Subscription,
    d: &Delivery,
    dm: Option<i64>,
) -> Result<Option<Sent>, StoreError> {
    let cat = app.catalog();
    let audience = match sub.target {
        Target::Dm => Audience::Learner,
        Target::Channel { role_id, .. } => Audience::Group { role: role_id },
    };
    let r = reminder(
        &cat.curriculum,
        sub.id,
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
    let now = unix_now();
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
            let (reason, notice) = match (e.code(), &sub.target) {
                (Some(CANNOT_DM), _) => (
                    "DMs are closed".to_string(),
                    "Your weekly reminders are paused: I can't DM you. Allow direct messages from this server, then run `/remind resume`.".to_string(),
                ),
                (Some(UNKNOWN_CHANNEL), _) => (
                    "the channel no longer exists".to_string(),
                    "A study-group reminder you set up is paused: its channel no longer exists. Subscribe again in another channel.".to_string(),
                ),
                _ => (
                    format!("access lost ({e})"),
                    "Your reminders are paused: I lost access to where they are posted. Fix my permissions, then run `/remind resume`.".to_string(),
                ),
            };
            app.store
                .mark_failed_pause(d.key, &reason, &notice, now)
                .await?;
            app.metrics.reminders_failed.inc();
            tracing::warn!(subscription = sub.id, %reason, "reminder target gone; subscription paused");
        }
        Err(e) => {
            tracing::warn!(error = %e, subscription = sub.id, "send failed; retrying later");
            app.store.release(d.key, now + 30).await?;
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Schedule;

    fn sub(next_due_at: i64, week: u32) -> Subscription {
        Subscription {
            id: 1,
            guild_id: None,
            owner_user_id: 2,
            target: Target::Dm,
            schedule: Schedule {
                weekday: 0,
                hour: 9,
                minute: 0,
                tz: "UTC".into(),
            },
            pathway: None,
            week,
            next_due_at,
            paused_reason: None,
            paused_by_system: false,
            notice_pending: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn downtime_gives_one_late_reminder_for_the_current_week() {
        // Monday 2026-01-05 09:00 UTC.
        let monday = 1_767_603_600;
        let week = 7 * 24 * 3600;
        assert_eq!(
            plan_slot(&sub(monday, 3), monday + 60, 900),
            Slot {
                due_at: monday,
                week: 3,
                late: false
            }
        );
        assert_eq!(
            plan_slot(&sub(monday, 3), monday + 3600, 900),
            Slot {
                due_at: monday,
                week: 3,
                late: true
            }
        );
        // Down for three weeks and a day: one reminder, for the week we're in now.
        let s = plan_slot(&sub(monday, 3), monday + 3 * week + 86_400, 900);
        assert_eq!(
            s,
            Slot {
                due_at: monday + 3 * week,
                week: 6,
                late: true
            }
        );
        assert!(
            nonce(DeliveryKey {
                subscription_id: i64::MAX,
                due_at: i64::from(u32::MAX)
            })
            .len()
                <= 25
        );
    }
}
