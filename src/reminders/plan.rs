//! PURE decisions of the delivery loop: which slot a due subscription gets (one late reminder
//! after downtime, never a burst), the nonce of a delivery, how long to back off after a failed
//! send and how long to sleep.

use crate::reminders::commands::slot_of;
use crate::reminders::schedule::{latest_at_or_before, slots_between};
use crate::store::{DeliveryKey, Slot, Subscription};
use jiff::Timestamp;
use std::time::Duration;

pub(crate) fn ts(unix: i64) -> Timestamp {
    Timestamp::from_second(unix).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Which slot to deliver for `s` at `now`: the scheduled one, or, when whole weeks were missed
/// (downtime), one late reminder for the current week, never a burst.
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

/// The nonce for a delivery: the same key always gives the same nonce (≤ 25 characters, as
/// Discord requires, for any id with any instant before the year 2106).
pub fn nonce(key: DeliveryKey) -> String {
    format!("{:x}.{:x}", key.subscription_id, key.due_at)
}

/// Discord's epoch (2015-01-01T00:00:00Z) in unix milliseconds: snowflakes count from it.
const DISCORD_EPOCH_MS: i64 = 1_420_070_400_000;

/// How far before `unknown_since` a reconciliation read starts, for clock skew between this
/// host and Discord.
pub const RECONCILE_SKEW_SECS: i64 = 60;

/// The snowflake a reconciliation read starts `after`: the earliest instant a message of a
/// delivery whose outcome is unknown since `unknown_since` (unix seconds) can carry, less the
/// skew allowance.
pub fn reconcile_after(unknown_since: i64) -> u64 {
    let ms = unknown_since
        .saturating_sub(RECONCILE_SKEW_SECS)
        .saturating_mul(1000)
        .saturating_sub(DISCORD_EPOCH_MS);
    u64::try_from(ms).map_or(0, |ms| ms << 22)
}

/// The instant (unix seconds) a snowflake was made at: the inverse of [`reconcile_after`].
pub fn snowflake_secs(id: u64) -> i64 {
    ((id >> 22) as i64 + DISCORD_EPOCH_MS).div_euclid(1000)
}

/// How long after an attempt a resend is still covered by Discord's nonce memory ("the past few
/// minutes"): a delivery whose channel can't be read back is resent only this soon.
pub const NONCE_TRUST_SECS: i64 = 120;

/// How much of its lease a claim must have left for its send to start: a send that could still
/// be in flight when the lease runs out might cross a takeover's reconciliation read and double.
/// A third of the lease, between 1 s and 30 s.
pub fn lease_guard_secs(lease_secs: i64) -> i64 {
    (lease_secs / 3).clamp(1, 30)
}

/// How long a released delivery waits before it is tried again: 30 s after the first attempt,
/// doubling, at most 15 minutes. `attempts` counts the claims so far (1 for the first).
pub fn retry_backoff_secs(attempts: u32) -> i64 {
    let doublings = attempts.saturating_sub(1).min(5);
    (30_i64 << doublings).min(15 * 60)
}

/// How long the loop sleeps when its last round claimed nothing: until the earliest due
/// subscription (`next_due_ms`), at most `idle`. A subscription already due but not claimable
/// (held by another worker's lease, or released until its retry time) is polled every `poll`,
/// instead of spinning.
pub fn sleep_for(
    next_due_ms: Option<i64>,
    now_ms: i64,
    idle: Duration,
    poll: Duration,
) -> Duration {
    match next_due_ms {
        None => idle,
        Some(due) if due <= now_ms => poll.min(idle),
        Some(due) => Duration::from_millis((due - now_ms) as u64).min(idle),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Schedule, Target};

    fn sub(next_due_at: i64, week: u32, tz: &str) -> Subscription {
        Subscription {
            id: 1,
            guild_id: None,
            owner_user_id: 2,
            target: Target::Dm,
            schedule: Schedule {
                weekday: 0,
                hour: 9,
                minute: 0,
                tz: tz.into(),
            },
            pathway: None,
            track: None,
            week,
            next_due_at,
            paused_reason: None,
            paused_by_system: false,
            notice_pending: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    const WEEK: i64 = 7 * 24 * 3600;

    #[test]
    fn downtime_gives_one_late_reminder_for_the_current_week() {
        // Monday 2026-01-05 09:00 UTC.
        let monday = 1_767_603_600;
        let slot = |due_at, week, late| Slot { due_at, week, late };
        let cases = [
            // (now, expected): on time, within the grace, late the same week.
            (monday, slot(monday, 3, false)),
            (monday + 900, slot(monday, 3, false)),
            (monday + 901, slot(monday, 3, true)),
            // A day short of a week late: still this week's reminder.
            (monday + WEEK - 1, slot(monday, 3, true)),
            // Down for three weeks and a day: one reminder, for the week we're in now.
            (monday + 3 * WEEK + 86_400, slot(monday + 3 * WEEK, 6, true)),
        ];
        for (now, want) in cases {
            assert_eq!(
                plan_slot(&sub(monday, 3, "UTC"), now, 900),
                want,
                "now={now}"
            );
        }
    }

    #[test]
    fn downtime_across_a_dst_change_keeps_the_local_time() {
        // Monday 2026-03-02 09:00 in New York (EST, UTC-5); DST starts on 2026-03-08.
        let monday = 1_772_460_000;
        let s = plan_slot(
            &sub(monday, 1, "America/New_York"),
            monday + 2 * WEEK + 7200,
            900,
        );
        // Two weeks later it is 09:00 EDT (UTC-4): one hour less than two weeks of seconds.
        assert_eq!(
            s,
            Slot {
                due_at: monday + 2 * WEEK - 3600,
                week: 3,
                late: true
            }
        );
    }

    #[test]
    fn nonces_fit_discord_and_differ_per_key() {
        let key = |subscription_id, due_at| DeliveryKey {
            subscription_id,
            due_at,
        };
        assert!(nonce(key(i64::MAX, i64::from(u32::MAX))).len() <= 25);
        assert_eq!(nonce(key(255, 16)), "ff.10");
        assert_ne!(nonce(key(1, 20)), nonce(key(12, 0)));
        assert_eq!(nonce(key(7, 1_767_603_600)), nonce(key(7, 1_767_603_600)));
    }

    #[test]
    fn reconciliation_reads_from_a_minute_before_the_claim() {
        // 2026-01-05 09:00:00 UTC less 60 s, as a snowflake's timestamp part.
        let after = reconcile_after(1_767_603_600);
        assert_eq!(after & 0x3f_ffff, 0);
        assert_eq!((after >> 22) as i64 + DISCORD_EPOCH_MS, 1_767_603_540_000);
        assert_eq!(
            reconcile_after(0),
            0,
            "before Discord's epoch: from the start"
        );
        assert_eq!(snowflake_secs(after), 1_767_603_540);
        assert_eq!(snowflake_secs(after + (999 << 22)), 1_767_603_540);
        assert_eq!(snowflake_secs(after + (1000 << 22)), 1_767_603_541);
    }

    #[test]
    fn sends_keep_a_third_of_the_lease_in_hand() {
        let got: Vec<i64> = [1, 3, 9, 120, 3600].map(lease_guard_secs).to_vec();
        assert_eq!(got, [1, 1, 3, 30, 30]);
    }

    #[test]
    fn backoff_doubles_up_to_fifteen_minutes() {
        let got: Vec<i64> = (0..9).map(retry_backoff_secs).collect();
        assert_eq!(got, [30, 30, 60, 120, 240, 480, 900, 900, 900]);
    }

    #[test]
    fn sleeps_until_the_next_due_but_never_spins() {
        let (idle, poll) = (Duration::from_secs(60), Duration::from_secs(2));
        let cases = [
            (None, idle),
            (Some(10_500), Duration::from_millis(500)),
            (Some(10_000), poll),
            (Some(0), poll),
            (Some(10_000 + 3_600_000), idle),
        ];
        for (due, want) in cases {
            assert_eq!(sleep_for(due, 10_000, idle, poll), want, "{due:?}");
        }
    }
}
