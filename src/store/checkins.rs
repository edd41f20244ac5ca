//! Check-ins (issue 19): "Done this week" on a reminder or `/progress done` records one row per
//! member per subscription per plan week, with the module the week falls in and the time. The
//! primary key decides under concurrent clicks and across replicas (`ON CONFLICT DO NOTHING`:
//! the second click changes nothing and is told so). Check-ins outlive an unsubscribe until the
//! member forgets them ([`Store::forget_checkins`](super::Store::forget_checkins)). Unsubscribes
//! are counted per track and plan week so `/report` can say where learners stop.

use super::types::{validate_track, week_i32};
use super::{StoreError, Subscription, Target};

/// One check-in: `user_id` (the subscription's owner for a DM one, the clicking member for a
/// study group's) did plan week `week` of `subscription`.
#[derive(Debug, Clone, Copy)]
pub struct NewCheckin<'a> {
    pub subscription: &'a Subscription,
    pub user_id: i64,
    pub week: u32,
    /// The module number the track's timeline puts the week in.
    pub module: Option<u32>,
    pub at: i64,
}

pub use crate::progress::rows::{
    CheckinCount, ProgressRows, SubscriptionCount, UnsubscribeCount, REPORT_WEEKS, WEEK_SECS,
};

/// The row as bound: (subscription, user, week, guild, kind, track, module, at).
pub(crate) type CheckinArgs<'a> = (
    i64,
    i64,
    i32,
    i64,
    &'static str,
    Option<&'a str>,
    Option<i32>,
    i64,
);

/// Checks a check-in before it is stored.
pub(crate) fn checkin_args<'a>(c: &NewCheckin<'a>) -> Result<CheckinArgs<'a>, StoreError> {
    let s = c.subscription;
    let track = s.track.as_deref().map(validate_track).transpose()?;
    let module = c
        .module
        .map(|m| {
            i32::try_from(m).map_err(|_| StoreError::Invalid(format!("module {m} is too large")))
        })
        .transpose()?;
    Ok((
        s.id,
        c.user_id,
        week_i32(c.week)?,
        s.guild_id.unwrap_or(0),
        kind(s),
        track,
        module,
        c.at,
    ))
}

pub(crate) fn kind(s: &Subscription) -> &'static str {
    match s.target {
        Target::Dm => "dm",
        Target::Channel { .. } => "channel",
    }
}

/// A count as read back (never negative).
pub(crate) fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// A week as read back (the schema keeps it >= 1; anything else reads as 0).
pub(crate) fn week(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

pub(crate) const CHECK_IN: &str = "INSERT INTO checkins (subscription_id, user_id, week, \
     guild_id, kind, track, module, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
     ON CONFLICT (subscription_id, user_id, week) DO NOTHING";
/// Served by the primary key.
pub(crate) const MEMBER_WEEKS: &str = "SELECT week FROM checkins WHERE subscription_id = $1 \
     AND user_id = $2 ORDER BY week";
/// Served by `checkins_by_week`.
pub(crate) const WEEK_MEMBERS: &str = "SELECT user_id FROM checkins WHERE subscription_id = $1 \
     AND week = $2 ORDER BY at, user_id";
pub(crate) const WEEK_COUNTS: &str = "SELECT week, COUNT(*) FROM checkins \
     WHERE subscription_id = $1 AND week BETWEEN $2 AND $3 GROUP BY week ORDER BY week";
pub(crate) const MEMBERS: &str =
    "SELECT COUNT(DISTINCT user_id) FROM checkins WHERE subscription_id = $1";
/// Served by `checkins_by_user`.
pub(crate) const FORGET: &str = "DELETE FROM checkins WHERE user_id = $1";
/// Served by the deliveries' primary key.
pub(crate) const LAST_SENT_WEEK: &str = "SELECT week FROM deliveries WHERE subscription_id = $1 \
     AND status = 'sent' ORDER BY due_at DESC LIMIT 1";
pub(crate) const RECORD_UNSUBSCRIBE: &str = "INSERT INTO unsubscribes (guild_id, kind, track, \
     week, at) VALUES ($1, $2, $3, $4, $5)";

// `/report` for guild `$1` (with the direct-message subscriptions, guild 0) at `$2`.
pub(crate) const REPORT_SUBSCRIPTIONS: &str = "SELECT track, kind = 'channel' AS grp, week, \
     paused_reason IS NOT NULL AS paused, COUNT(*) AS n FROM subscriptions \
     WHERE COALESCE(guild_id, 0) IN ($1, 0) GROUP BY track, grp, week, paused \
     ORDER BY track, grp, week, paused";
/// `$3` is the window's length; served by `checkins_by_guild_at` (covering).
pub(crate) const REPORT_CHECKINS: &str = "SELECT track, ($2 - at) / 604800 AS ago, COUNT(*) \
     AS n FROM checkins WHERE guild_id IN ($1, 0) AND at > $2 - $3 AND at <= $2 \
     GROUP BY track, ago ORDER BY track, ago";
pub(crate) const REPORT_GROUP_LEARNERS: &str = "SELECT track, COUNT(DISTINCT user_id) AS n \
     FROM checkins WHERE guild_id IN ($1, 0) AND at > $2 - $3 AND at <= $2 \
     AND kind = 'channel' GROUP BY track ORDER BY track";
pub(crate) const REPORT_UNSUBSCRIBES: &str = "SELECT track, kind = 'channel' AS grp, week, \
     COUNT(*) AS n FROM unsubscribes WHERE guild_id IN ($1, 0) GROUP BY track, grp, week \
     ORDER BY track, grp, week";

/// The inherent check-in methods of a backend (`impl_store!` delegates the `Store` ones here).
macro_rules! impl_checkins {
    ($ty:ty) => {
        impl $ty {
            async fn check_in_in(&self, c: &checkins::NewCheckin<'_>) -> R<bool> {
                let a = checkins::checkin_args(c)?;
                let done = sqlx::query(checkins::CHECK_IN)
                    .bind(a.0)
                    .bind(a.1)
                    .bind(a.2)
                    .bind(a.3)
                    .bind(a.4)
                    .bind(a.5)
                    .bind(a.6)
                    .bind(a.7)
                    .execute(&self.write)
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn member_weeks_in(&self, sub: i64, user: i64) -> R<Vec<u32>> {
                let rows: Vec<i32> = sqlx::query_scalar(checkins::MEMBER_WEEKS)
                    .bind(sub)
                    .bind(user)
                    .fetch_all(&self.read)
                    .await?;
                Ok(rows.into_iter().map(|w| checkins::week(w.into())).collect())
            }

            async fn week_members_in(&self, sub: i64, week: u32) -> R<Vec<i64>> {
                let q = sqlx::query_scalar(checkins::WEEK_MEMBERS)
                    .bind(sub)
                    .bind(week_i32(week)?);
                Ok(q.fetch_all(&self.read).await?)
            }

            async fn week_counts_in(&self, sub: i64, first: u32, last: u32) -> R<Vec<(u32, u64)>> {
                let clamp = |w: u32| i32::try_from(w.max(1)).unwrap_or(i32::MAX);
                let rows: Vec<(i32, i64)> = sqlx::query_as(checkins::WEEK_COUNTS)
                    .bind(sub)
                    .bind(clamp(first))
                    .bind(clamp(last))
                    .fetch_all(&self.read)
                    .await?;
                let counts = rows.into_iter();
                Ok(counts
                    .map(|(w, n)| (checkins::week(w.into()), checkins::count(n)))
                    .collect())
            }

            async fn group_members_in(&self, sub: i64) -> R<u64> {
                let n: i64 = sqlx::query_scalar(checkins::MEMBERS)
                    .bind(sub)
                    .fetch_one(&self.read)
                    .await?;
                Ok(checkins::count(n))
            }

            async fn forget_checkins_in(&self, user: i64) -> R<u64> {
                let q = sqlx::query(checkins::FORGET).bind(user);
                Ok(q.execute(&self.write).await?.rows_affected())
            }

            async fn last_sent_week_in(&self, sub: i64) -> R<Option<u32>> {
                let w: Option<i32> = sqlx::query_scalar(checkins::LAST_SENT_WEEK)
                    .bind(sub)
                    .fetch_optional(&self.read)
                    .await?;
                Ok(w.map(|w| checkins::week(w.into())))
            }

            async fn record_unsubscribe_in(&self, s: &Subscription, now: i64) -> R<()> {
                let last = self.last_sent_week_in(s.id).await?;
                sqlx::query(checkins::RECORD_UNSUBSCRIBE)
                    .bind(s.guild_id.unwrap_or(0))
                    .bind(checkins::kind(s))
                    .bind(s.track.as_deref())
                    .bind(week_i32(crate::progress::math::current_week(s.week, last))?)
                    .bind(now)
                    .execute(&self.write)
                    .await?;
                Ok(())
            }

            async fn progress_rows_in(
                &self,
                guild: Option<i64>,
                now: i64,
            ) -> R<checkins::ProgressRows> {
                use checkins::{count, week, CheckinCount, SubscriptionCount, UnsubscribeCount};
                let g = guild.unwrap_or(0);
                let window = checkins::WEEK_SECS * i64::from(checkins::REPORT_WEEKS);
                let subs: Vec<(Option<String>, bool, i32, bool, i64)> =
                    sqlx::query_as(checkins::REPORT_SUBSCRIPTIONS)
                        .bind(g)
                        .fetch_all(&self.read)
                        .await?;
                let done: Vec<(Option<String>, i64, i64)> =
                    sqlx::query_as(checkins::REPORT_CHECKINS)
                        .bind(g)
                        .bind(now)
                        .bind(window)
                        .fetch_all(&self.read)
                        .await?;
                let learners: Vec<(Option<String>, i64)> =
                    sqlx::query_as(checkins::REPORT_GROUP_LEARNERS)
                        .bind(g)
                        .bind(now)
                        .bind(window)
                        .fetch_all(&self.read)
                        .await?;
                let stops: Vec<(Option<String>, bool, i32, i64)> =
                    sqlx::query_as(checkins::REPORT_UNSUBSCRIBES)
                        .bind(g)
                        .fetch_all(&self.read)
                        .await?;
                Ok(checkins::ProgressRows {
                    subscriptions: subs
                        .into_iter()
                        .map(|(track, group, w, paused, n)| SubscriptionCount {
                            track,
                            group,
                            week: week(w.into()),
                            paused,
                            count: count(n),
                        })
                        .collect(),
                    checkins: done
                        .into_iter()
                        .map(|(track, ago, n)| CheckinCount {
                            track,
                            weeks_ago: u32::try_from(ago).unwrap_or(0),
                            count: count(n),
                        })
                        .collect(),
                    group_learners: learners.into_iter().map(|(t, n)| (t, count(n))).collect(),
                    unsubscribes: stops
                        .into_iter()
                        .map(|(track, group, w, n)| UnsubscribeCount {
                            track,
                            group,
                            week: week(w.into()),
                            count: count(n),
                        })
                        .collect(),
                })
            }
        }
    };
}

pub(crate) use impl_checkins;
