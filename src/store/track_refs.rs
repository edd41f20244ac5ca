//! What points at a track by its slug (subscriptions, members' and channels' choices, living
//! pins), for a reload to say how many point at a track that went missing; pausing the
//! subscriptions of a missing track and resuming them when it returns; and mapping an old slug
//! to a new one (`/curriculum reload rename:old=new`). A reload never changes a stored slug by
//! itself: only a rename does.

use super::types::validate_track;
use super::StoreError;

/// How many rows point at one track.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrackRefs {
    pub track: String,
    pub subscriptions: u64,
    pub members: u64,
    pub channels: u64,
    pub pins: u64,
}

impl TrackRefs {
    /// Nothing points at it.
    pub fn is_empty(&self) -> bool {
        self.subscriptions + self.members + self.channels + self.pins == 0
    }
}

/// One row per track slug in use, by slug.
pub(crate) const TRACK_REFS: &str = "SELECT track, SUM(s) AS s, SUM(m) AS m, SUM(c) AS c, \
     SUM(p) AS p FROM (\
     SELECT track, 1 AS s, 0 AS m, 0 AS c, 0 AS p FROM subscriptions WHERE track IS NOT NULL \
     UNION ALL SELECT track, 0, 1, 0, 0 FROM member_tracks \
     UNION ALL SELECT track, 0, 0, 1, 0 FROM channel_tracks \
     UNION ALL SELECT track, 0, 0, 0, 1 FROM pins) AS refs GROUP BY track ORDER BY track";
/// Pauses the running subscriptions of track `$1` (a paused one keeps its own reason).
pub(crate) const PAUSE_TRACK: &str = "UPDATE subscriptions SET paused_reason = $2, \
     paused_by_system = TRUE, notice_pending = $3, updated_at = $4 \
     WHERE track = $1 AND paused_reason IS NULL";
pub(crate) const PAUSED_FOR: &str = "SELECT * FROM subscriptions WHERE track = $1 \
     AND paused_by_system = TRUE AND paused_reason = $2 ORDER BY id";
/// Compare-and-set: only while still paused for that reason by the bot.
pub(crate) const RESUME_PAUSED: &str = "UPDATE subscriptions SET paused_reason = NULL, \
     paused_by_system = FALSE, next_due_at = $3, notice_pending = $4, updated_at = $5 \
     WHERE id = $1 AND paused_by_system = TRUE AND paused_reason = $2";
pub(crate) const RENAME_SUBSCRIPTIONS: &str =
    "UPDATE subscriptions SET track = $2, updated_at = $3 WHERE track = $1";
pub(crate) const RENAME_MEMBERS: &str = "UPDATE member_tracks SET track = $2 WHERE track = $1";
pub(crate) const RENAME_CHANNELS: &str = "UPDATE channel_tracks SET track = $2 WHERE track = $1";
pub(crate) const RENAME_PINS: &str = "UPDATE pins SET track = $2 WHERE track = $1";

/// Both slugs of a rename, checked.
pub(crate) fn validate_rename<'a>(old: &'a str, new: &'a str) -> Result<(), StoreError> {
    validate_track(old)?;
    validate_track(new)?;
    Ok(())
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// A `TRACK_REFS` row.
pub(crate) fn refs_of((track, s, m, c, p): (String, i64, i64, i64, i64)) -> TrackRefs {
    TrackRefs {
        track,
        subscriptions: count(s),
        members: count(m),
        channels: count(c),
        pins: count(p),
    }
}

/// The inherent track-reference methods of a backend (`impl_store!` delegates to them).
macro_rules! impl_track_refs {
    ($ty:ty) => {
        impl $ty {
            async fn track_refs_in(&self) -> R<Vec<track_refs::TrackRefs>> {
                let rows: Vec<(String, i64, i64, i64, i64)> =
                    sqlx::query_as(track_refs::TRACK_REFS)
                        .fetch_all(&self.read)
                        .await?;
                Ok(rows.into_iter().map(track_refs::refs_of).collect())
            }

            async fn pause_track_in(
                &self,
                track: &str,
                reason: &str,
                notice: &str,
                now: i64,
            ) -> R<u64> {
                let q = sqlx::query(track_refs::PAUSE_TRACK)
                    .bind(track)
                    .bind(reason)
                    .bind(notice)
                    .bind(now);
                Ok(q.execute(&self.write).await?.rows_affected())
            }

            async fn paused_for_in(&self, track: &str, reason: &str) -> R<Vec<Subscription>> {
                let rows = sqlx::query_as::<_, SubRow>(track_refs::PAUSED_FOR)
                    .bind(track)
                    .bind(reason)
                    .fetch_all(&self.read)
                    .await?;
                rows.into_iter().map(Subscription::try_from).collect()
            }

            async fn resume_paused_in(
                &self,
                id: i64,
                reason: &str,
                next_due_at: i64,
                notice: &str,
                now: i64,
            ) -> R<bool> {
                let q = sqlx::query(track_refs::RESUME_PAUSED)
                    .bind(id)
                    .bind(reason)
                    .bind(next_due_at)
                    .bind(notice)
                    .bind(now);
                self.update(q).await
            }

            async fn rename_track_in(
                &self,
                old: &str,
                new: &str,
                now: i64,
            ) -> R<track_refs::TrackRefs> {
                track_refs::validate_rename(old, new)?;
                let mut tx = self.write.begin().await?;
                let mut moved = [0u64; 4];
                let stmts = [
                    track_refs::RENAME_SUBSCRIPTIONS,
                    track_refs::RENAME_MEMBERS,
                    track_refs::RENAME_CHANNELS,
                    track_refs::RENAME_PINS,
                ];
                for (n, stmt) in moved.iter_mut().zip(stmts) {
                    let mut q = sqlx::query(stmt).bind(old).bind(new);
                    if stmt == track_refs::RENAME_SUBSCRIPTIONS {
                        q = q.bind(now);
                    }
                    *n = q.execute(&mut *tx).await?.rows_affected();
                }
                tx.commit().await?;
                Ok(track_refs::TrackRefs {
                    track: new.to_string(),
                    subscriptions: moved[0],
                    members: moved[1],
                    channels: moved[2],
                    pins: moved[3],
                })
            }
        }
    };
}

pub(crate) use impl_track_refs;
