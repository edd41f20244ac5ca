//! PURE. The arithmetic of progress, with `now` as a parameter: which plan week a subscription
//! is in, how many weeks count so far, the current streak and check-in rates.

use super::rows::WEEK_SECS;

/// The plan week a subscription is in: the week of the latest reminder sent (`last_sent`) while
/// the next one (`week`) follows it; before the first reminder, or after the member set another
/// week or subscribed again, the week the next reminder is about.
pub fn current_week(week: u32, last_sent: Option<u32>) -> u32 {
    match last_sent {
        Some(w) if w.saturating_add(1) == week => w.max(1),
        _ => week.max(1),
    }
}

/// The plan weeks that count so far for a subscription made at `created_at` and now in week
/// `current`: one per calendar week since it was made (at least one), never more than `current`.
/// Returns the first counted week (the last is `current`).
pub fn first_counted_week(current: u32, created_at: i64, now: i64) -> u32 {
    let elapsed = now.saturating_sub(created_at).max(0) / WEEK_SECS;
    let weeks = u32::try_from(elapsed).unwrap_or(u32::MAX).saturating_add(1);
    current.saturating_sub(weeks.min(current)).saturating_add(1)
}

/// Weeks checked in among `first..=current` (`weeks` may hold others).
pub fn checked_between(weeks: &[u32], first: u32, current: u32) -> u32 {
    let n = weeks
        .iter()
        .filter(|w| (first..=current).contains(*w))
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The current streak: consecutive checked-in weeks ending at `current`, or at the week before
/// when `current` has no check-in yet (the week isn't over, so the streak isn't broken).
pub fn streak(weeks: &[u32], current: u32) -> u32 {
    let has = |w: u32| weeks.contains(&w);
    let mut end = current;
    if !has(end) {
        end = end.saturating_sub(1);
    }
    let mut n = 0;
    while end >= 1 && has(end) {
        n += 1;
        end -= 1;
    }
    n
}

/// A rate in whole percent (rounded down, at most 100); `None` without a denominator.
pub fn percent(part: u64, whole: u64) -> Option<u64> {
    (whole > 0).then(|| (part.min(whole) * 100) / whole)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_700_000_000;

    #[test]
    fn current_week_is_the_last_reminder_sent() {
        assert_eq!(current_week(5, None), 5, "nothing sent yet: the start week");
        assert_eq!(current_week(6, Some(5)), 5, "week 5 went out, 6 is next");
        assert_eq!(current_week(9, Some(5)), 9, "the member set week 9 since");
        assert_eq!(current_week(3, Some(7)), 3, "subscribed again at week 3");
        assert_eq!(current_week(0, None), 1, "never below 1");
    }

    #[test]
    fn weeks_so_far_follow_the_calendar_and_stop_at_the_current_week() {
        assert_eq!(first_counted_week(3, T, T), 3, "made today: one week");
        assert_eq!(first_counted_week(3, T, T + WEEK_SECS), 2);
        assert_eq!(
            first_counted_week(3, T, T + 50 * WEEK_SECS),
            1,
            "not before week 1"
        );
        assert_eq!(first_counted_week(10, T, T + 3 * WEEK_SECS + 5), 7);
        assert_eq!(
            first_counted_week(4, T, T - 10),
            4,
            "a clock behind: one week"
        );
        assert_eq!(checked_between(&[1, 2, 7, 8, 12], 7, 10), 2);
    }

    #[test]
    fn streaks() {
        assert_eq!(streak(&[], 4), 0);
        assert_eq!(streak(&[2, 3, 4], 4), 3, "through this week");
        assert_eq!(streak(&[2, 3], 4), 2, "this week not over yet");
        assert_eq!(streak(&[1, 2], 4), 0, "week 3 missed");
        assert_eq!(streak(&[1, 3, 4], 4), 2, "a gap ends it");
        assert_eq!(streak(&[1], 1), 1);
        assert_eq!(streak(&[5], 1), 0, "later weeks don't count");
    }

    #[test]
    fn rates() {
        assert_eq!(percent(5, 8), Some(62));
        assert_eq!(percent(0, 8), Some(0));
        assert_eq!(percent(9, 8), Some(100), "capped");
        assert_eq!(percent(3, 0), None);
    }
}
