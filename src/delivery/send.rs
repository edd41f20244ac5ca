//! One claimed reminder: reconciled first when its outcome is unknown, sent (with its nonce) only
//! while its lease leaves room for the create to finish, and its failure settled so that an
//! unknown outcome stays unknown until a read has decided it.

use super::reconcile::{self, Check, Place};
use super::target::{channel_for, gone};
use super::{nonce, retry_backoff_secs, Clock, Sending, Sent};
use crate::app::App;
use crate::ports::RestError;
use crate::reminders::commands::slot_of;
use crate::reminders::content::{missing_track, missing_track_pause, reminder, Audience};
use crate::reminders::plan::{ts, NONCE_TRUST_SECS};
use crate::reminders::schedule::next_after;
use crate::store::{After, Delivery, StoreError, Subscription, Target};
use std::time::Duration;

/// Sends one claimed reminder. A success comes back to be marked; a gone target pauses the
/// subscription; anything else releases the claim for a later retry. A claim with less than
/// `guard` seconds of its lease left is not sent at all, and a create the REST client can't
/// start by then (pacing, buckets, 429s) gives the claim back having sent nothing: no create of
/// it is on its way when another worker may take it over. Nor is a claim this process is
/// already sending (claimed again after its lease ran out in the queue).
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
    let start_by_secs = d.lease_until - how.guard;
    let expiring = || clock.now() > start_by_secs;
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
    let (audience, guild) = match sub.target {
        Target::Dm => (Audience::Learner, None),
        Target::Channel { role_id, .. } => (Audience::Group { role: role_id }, sub.guild_id),
    };
    let mut r = reminder(
        &cat.curriculum,
        sub.track.as_deref(),
        d.week,
        sub.pathway.as_deref(),
        d.key.due_at,
        d.late,
        audience,
    );
    if !r.complete {
        crate::progress::lastweek::annotate(&*app.store, sub, d.week, &mut r.message).await;
    }
    // Whether it is known that no earlier attempt created the message: a first attempt, or a
    // read found nothing. Until then no failure may clear the "outcome unknown" marker.
    let mut decided = d.unknown_since.is_none();
    let mut resend = false;
    let channel = match channel_for(app, sub, dm).await {
        Ok(c) => c,
        Err(e) => return settle(app, sub, d, e, decided, clock).await,
    };
    let place = Place {
        channel: &channel,
        guild,
        until: clock.now(),
    };
    match reconcile::check(app, &place, d).await {
        Check::First => {}
        Check::Found(id) => return Ok(Some(reconciled(app, sub, d, &id, clock, r.complete))),
        Check::Absent => (decided, resend) = (true, true),
        Check::Failed(e) => {
            tracing::warn!(error = %e, subscription = sub.id,
                "could not reconcile an unknown outcome; retrying later");
            return keep_unknown(app, d, clock).await;
        }
        Check::Undecided => return keep_unknown(app, d, clock).await,
        Check::Unreadable => {
            let since = d.unknown_since.unwrap_or(d.claimed_at);
            if clock.now() - since >= NONCE_TRUST_SECS {
                app.metrics.reminders_unverifiable.inc();
                tracing::warn!(
                    subscription = sub.id,
                    due_at = d.key.due_at,
                    channel,
                    "outcome unknown and the channel's history can't be read (View Channel, \
                     Read Message History): held, not sent again; moderators see it in \
                     /remind status"
                );
                return keep_unknown(app, d, clock).await;
            }
            // Discord still remembers the nonce: a resend returns the message if it exists.
            tracing::info!(
                subscription = sub.id,
                "channel unreadable; resent within the nonce memory"
            );
            resend = true;
        }
    }
    if expiring() {
        tracing::info!(
            subscription = sub.id,
            "lease nearly over after reconciling; left for a re-claim"
        );
        return Ok(None);
    }
    let left_ms = start_by_secs.saturating_mul(1000) - clock.now_ms();
    let start_by = tokio::time::Instant::now() + Duration::from_millis(left_ms.max(0) as u64);
    let sent = app
        .discord
        .create_message_before(&channel, &r.message, Some(&nonce(d.key)), start_by)
        .await;
    let message_id = match sent {
        Ok(id) => id,
        Err(e) => return settle(app, sub, d, e, decided, clock).await,
    };
    let now = clock.now();
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
    Ok(Some(sent_now(sub, d, &message_id, now, r.complete)))
}

/// Releases a delivery whose outcome stays unknown, for a later reconciliation.
async fn keep_unknown(app: &App, d: &Delivery, clock: Clock) -> Result<Option<Sent>, StoreError> {
    let retry = clock.now() + retry_backoff_secs(d.attempts);
    app.store.release_unknown(d.key, retry).await?;
    Ok(None)
}

/// Settles a failed send: a gone target pauses the subscription; otherwise the claim is released
/// for a retry, keeping its outcome unknown unless it is known that nothing was created (a 4xx,
/// or a create that never started, after a first attempt or a read that decided).
async fn settle(
    app: &App,
    sub: &Subscription,
    d: &Delivery,
    e: RestError,
    decided: bool,
    clock: Clock,
) -> Result<Option<Sent>, StoreError> {
    let now = clock.now();
    if e.is_target_gone() {
        let (reason, notice) = gone(&e);
        app.store
            .mark_failed_pause(d.key, &reason, &notice, now)
            .await?;
        app.metrics.reminders_failed.inc();
        tracing::warn!(subscription = sub.id, %reason, "reminder target gone; subscription paused");
        return Ok(None);
    }
    // A create that could not start in time goes back at once, for a claim with a fresh lease,
    // as it came: an unknown outcome stays unknown (the next claim reads again).
    let (retry, keep_unknown) = match e {
        RestError::Late => {
            tracing::info!(
                subscription = sub.id,
                "could not start the send within the lease; given back unsent"
            );
            (now, d.unknown_since.is_some())
        }
        _ => {
            let retry = now + retry_backoff_secs(d.attempts);
            tracing::warn!(error = %e, subscription = sub.id, retry, "send failed; retrying later");
            (retry, e.outcome_unknown() || !decided)
        }
    };
    if keep_unknown {
        app.store.release_unknown(d.key, retry).await?;
    } else {
        app.store.release(d.key, retry).await?;
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
