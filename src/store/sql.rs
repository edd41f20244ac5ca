//! The SQL both backends share.
//!
//! SQLite (3.46, bundled) and PostgreSQL accept the same statements here: `$N` parameters,
//! `ON CONFLICT … DO UPDATE … WHERE`, `RETURNING`, partial-index conflict targets. The only
//! difference is the row locking of `claim_due_batch` ([`DUE_UNCLAIMED_LOCKED`]).

macro_rules! upsert_subscription {
    ($conflict:literal, $owner:literal) => {
        concat!(
            "INSERT INTO subscriptions (guild_id, owner_user_id, kind, channel_id, role_id, weekday, \
             hour, minute, tz, pathway, week, next_due_at, paused_reason, paused_by_system, \
             notice_pending, created_at, updated_at, track) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, FALSE, NULL, \
             $13, $13, $14) ON CONFLICT ",
            $conflict,
            " DO UPDATE SET guild_id = excluded.guild_id, ",
            $owner,
            "role_id = excluded.role_id, weekday = excluded.weekday, hour = excluded.hour, \
             minute = excluded.minute, tz = excluded.tz, pathway = excluded.pathway, \
             week = excluded.week, next_due_at = excluded.next_due_at, paused_reason = NULL, \
             paused_by_system = FALSE, updated_at = excluded.updated_at, \
             track = COALESCE(excluded.track, subscriptions.track) RETURNING *"
        )
    };
}

pub(crate) const UPSERT_DM: &str = upsert_subscription!("(owner_user_id) WHERE kind = 'dm'", "");
/// Whoever sets a group up again becomes its owner (they get its notices).
pub(crate) const UPSERT_GROUP: &str = upsert_subscription!(
    "(channel_id) WHERE kind = 'channel'",
    "owner_user_id = excluded.owner_user_id, "
);
pub(crate) const GET: &str = "SELECT * FROM subscriptions WHERE id = $1";
pub(crate) const GET_DM: &str =
    "SELECT * FROM subscriptions WHERE kind = 'dm' AND owner_user_id = $1";
pub(crate) const GET_GROUP: &str =
    "SELECT * FROM subscriptions WHERE kind = 'channel' AND channel_id = $1";
pub(crate) const PAUSED_GROUPS: &str = "SELECT * FROM subscriptions WHERE kind = 'channel' \
     AND guild_id = $1 AND paused_reason IS NOT NULL ORDER BY id";
pub(crate) const PAUSE: &str = "UPDATE subscriptions SET paused_reason = $2, \
     paused_by_system = FALSE, updated_at = $3 WHERE id = $1";
pub(crate) const RESUME: &str = "UPDATE subscriptions SET paused_reason = NULL, \
     paused_by_system = FALSE, next_due_at = $2, updated_at = $3 WHERE id = $1";
pub(crate) const UNSUBSCRIBE: &str = "DELETE FROM subscriptions WHERE id = $1";
pub(crate) const SET_WEEK: &str =
    "UPDATE subscriptions SET week = $2, updated_at = $3 WHERE id = $1";
pub(crate) const SET_SUBSCRIPTION_TRACK: &str =
    "UPDATE subscriptions SET track = $2, updated_at = $3 WHERE id = $1";
pub(crate) const SKIP: &str =
    "UPDATE subscriptions SET next_due_at = $2, updated_at = $3 WHERE id = $1";
pub(crate) const PENDING_NOTICES: &str = "SELECT id, notice_pending FROM subscriptions \
     WHERE owner_user_id = $1 AND notice_pending IS NOT NULL ORDER BY id";
/// Compare-and-clear, so two concurrent readers never both get a notice.
pub(crate) const CLEAR_NOTICE: &str = "UPDATE subscriptions SET notice_pending = NULL \
     WHERE id = $1 AND notice_pending = $2";

/// Served by the partial index `subscriptions_due`.
pub(crate) const DUE: &str = "SELECT * FROM subscriptions WHERE paused_reason IS NULL \
     AND next_due_at <= $1 ORDER BY next_due_at LIMIT $2";
/// Due and not held by a live claim (`claim_due_batch`), followed by the backend's row locking.
macro_rules! due_unclaimed {
    ($lock:literal) => {
        concat!(
            "SELECT s.* FROM subscriptions s \
             WHERE s.paused_reason IS NULL AND s.next_due_at <= $1 AND NOT EXISTS (\
             SELECT 1 FROM deliveries d WHERE d.subscription_id = s.id AND d.status = 'claimed' \
             AND d.lease_until > $1) ORDER BY s.next_due_at LIMIT $2",
            $lock
        )
    };
}

/// SQLite: the single writer connection already serializes claimers.
pub(crate) const DUE_UNCLAIMED: &str = due_unclaimed!("");
/// PostgreSQL: concurrent workers skip each other's rows instead of waiting.
pub(crate) const DUE_UNCLAIMED_LOCKED: &str = due_unclaimed!(" FOR UPDATE OF s SKIP LOCKED");
pub(crate) const OPEN_CLAIM: &str = "SELECT * FROM deliveries WHERE subscription_id = $1 \
     AND status = 'claimed' ORDER BY due_at DESC LIMIT 1";
/// Insert, or take over an unsent claim whose lease expired (or that this worker holds). A
/// claim still held and attempted (its worker crashed or stalled after recording the attempt)
/// may have been sent: it becomes unknown since that attempt, so the new holder reconciles before
/// sending. A released claim keeps what the release said (`RELEASE` / `RELEASE_UNKNOWN`).
pub(crate) const CLAIM: &str = "INSERT INTO deliveries (subscription_id, due_at, week, status, \
     claimed_by, lease_until, attempts, late, claimed_at) \
     VALUES ($1, $2, $3, 'claimed', $4, $5, 1, $6, $7) \
     ON CONFLICT (subscription_id, due_at) DO UPDATE SET claimed_by = excluded.claimed_by, \
     lease_until = excluded.lease_until, attempts = deliveries.attempts + 1, \
     claimed_at = excluded.claimed_at, attempted_at = NULL, \
     unknown_since = CASE WHEN deliveries.claimed_by IS NULL THEN deliveries.unknown_since \
     ELSE COALESCE(deliveries.unknown_since, deliveries.attempted_at) END \
     WHERE deliveries.status = 'claimed' \
     AND (deliveries.lease_until <= $7 OR deliveries.claimed_by = excluded.claimed_by) \
     RETURNING *";
// Lock order: a transaction touching both tables locks the subscription row first, then the
// delivery (as `claim_due_batch` does), so concurrent PostgreSQL workers can't deadlock.
// Hence the `EXISTS` guards: the subscription is changed before its delivery, and only while the
// delivery is still open.

/// Moves the subscription on (never back, e.g. after a skip during the send).
pub(crate) const ADVANCE: &str = "UPDATE subscriptions SET next_due_at = $2, week = $3, \
     updated_at = $4 WHERE id = $1 AND next_due_at <= $5 AND EXISTS (SELECT 1 FROM deliveries \
     WHERE subscription_id = $1 AND due_at = $5 AND status <> 'sent')";
/// The completion message went out: the subscription ends (its deliveries go with it).
pub(crate) const END: &str = "DELETE FROM subscriptions WHERE id = $1 AND EXISTS (SELECT 1 \
     FROM deliveries WHERE subscription_id = $1 AND due_at = $2 AND status <> 'sent')";
pub(crate) const DELIVERY_SENT: &str = "UPDATE deliveries SET status = 'sent', message_id = $3, \
     sent_at = $4 WHERE subscription_id = $1 AND due_at = $2 AND status <> 'sent'";
pub(crate) const SYSTEM_PAUSE: &str = "UPDATE subscriptions SET paused_reason = $2, \
     paused_by_system = TRUE, notice_pending = $3, updated_at = $4 WHERE id = $1 AND EXISTS (\
     SELECT 1 FROM deliveries WHERE subscription_id = $1 AND due_at = $5 AND status = 'claimed')";
pub(crate) const DELIVERY_FAILED: &str = "UPDATE deliveries SET status = 'failed' \
     WHERE subscription_id = $1 AND due_at = $2 AND status = 'claimed'";
/// The send certainly created nothing (a 4xx, a 429 to the end): the next claim is a first try.
pub(crate) const RELEASE: &str = "UPDATE deliveries SET claimed_by = NULL, lease_until = $3, \
     attempted_at = NULL, unknown_since = NULL \
     WHERE subscription_id = $1 AND due_at = $2 AND status = 'claimed'";
/// The send may have created the message (a 5xx, a timeout, a lost connection) or the
/// reconciliation read failed: the next claim reconciles first.
pub(crate) const RELEASE_UNKNOWN: &str = "UPDATE deliveries SET claimed_by = NULL, \
     lease_until = $3, unknown_since = COALESCE(unknown_since, attempted_at, claimed_at), \
     attempted_at = NULL WHERE subscription_id = $1 AND due_at = $2 AND status = 'claimed'";
/// The send is about to go out (recorded before it, in groups): from now on a crash or a
/// takeover leaves its outcome unknown.
pub(crate) const MARK_ATTEMPTED: &str = "UPDATE deliveries SET attempted_at = $3 \
     WHERE subscription_id = $1 AND due_at = $2 AND status = 'claimed' AND attempted_at IS NULL";
pub(crate) const UNSENT_CLAIMS: &str = "SELECT * FROM deliveries WHERE status = 'claimed' \
     AND claimed_by = $1 ORDER BY due_at, subscription_id";
pub(crate) const DELIVERY: &str =
    "SELECT * FROM deliveries WHERE subscription_id = $1 AND due_at = $2";
pub(crate) const PRUNE: &str = "DELETE FROM deliveries WHERE status <> 'claimed' AND due_at < $1";

pub(crate) const DM_CHANNEL: &str = "SELECT channel_id FROM dm_channels WHERE user_id = $1";
pub(crate) const PUT_DM_CHANNEL: &str = "INSERT INTO dm_channels (user_id, channel_id) \
     VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET channel_id = excluded.channel_id";
pub(crate) const RECORD_MISS: &str = "INSERT INTO search_misses (guild_id, query, count, last_at) \
     VALUES ($1, $2, 1, $3) ON CONFLICT (guild_id, query) DO UPDATE \
     SET count = search_misses.count + 1, last_at = CASE WHEN excluded.last_at > \
     search_misses.last_at THEN excluded.last_at ELSE search_misses.last_at END";
/// Drops the misses (of every guild) not seen since `$1`; served by `search_misses_by_last_at`.
pub(crate) const AGE_MISSES: &str = "DELETE FROM search_misses WHERE last_at < $1";
/// Keeps guild `$1`'s `$2` most frequent misses (the most recent among equals).
pub(crate) const CAP_MISSES: &str = "DELETE FROM search_misses WHERE guild_id = $1 \
     AND query IN (SELECT query FROM (SELECT query, ROW_NUMBER() OVER (\
     ORDER BY count DESC, last_at DESC, query) AS place FROM search_misses WHERE guild_id = $1) \
     AS ranked WHERE place > $2)";
pub(crate) const TOP_MISSES: &str = "SELECT query, count, last_at FROM search_misses \
     WHERE guild_id = $1 ORDER BY count DESC, last_at DESC, query LIMIT $2";

/// Subscriptions made before tracks join the given one.
pub(crate) const ASSIGN_UNTRACKED: &str = "UPDATE subscriptions SET track = $1 WHERE track IS NULL";

/// `$1` is the guild (0 = direct messages).
pub(crate) const SET_MEMBER_TRACK: &str = "INSERT INTO member_tracks (guild_id, user_id, \
     track, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (guild_id, user_id) DO UPDATE \
     SET track = excluded.track, updated_at = excluded.updated_at";
/// The choice made in guild `$1`, else the member's latest choice anywhere.
pub(crate) const MEMBER_TRACK: &str = "SELECT track FROM member_tracks WHERE user_id = $2 \
     ORDER BY CASE WHEN guild_id = $1 THEN 0 ELSE 1 END, updated_at DESC, guild_id LIMIT 1";
pub(crate) const CLEAR_MEMBER_TRACK: &str =
    "DELETE FROM member_tracks WHERE guild_id = $1 AND user_id = $2";
pub(crate) const SET_CHANNEL_TRACK: &str = "INSERT INTO channel_tracks (channel_id, guild_id, \
     track, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (channel_id) DO UPDATE \
     SET guild_id = excluded.guild_id, track = excluded.track, updated_at = excluded.updated_at";
pub(crate) const CHANNEL_TRACK: &str = "SELECT track FROM channel_tracks WHERE channel_id = $1";
pub(crate) const CHANNEL_TRACKS: &str =
    "SELECT channel_id, track FROM channel_tracks WHERE guild_id = $1 ORDER BY channel_id";
pub(crate) const CLEAR_CHANNEL_TRACK: &str = "DELETE FROM channel_tracks WHERE channel_id = $1";

pub(crate) const RECORD_VERSION: &str = "INSERT INTO curriculum_versions (replica, hash, \
     loaded_at) VALUES ($1, $2, $3) ON CONFLICT (replica) DO UPDATE \
     SET hash = excluded.hash, loaded_at = excluded.loaded_at";
/// Keeps the `$1` latest loads.
pub(crate) const CAP_VERSIONS: &str = "DELETE FROM curriculum_versions WHERE replica NOT IN \
     (SELECT replica FROM curriculum_versions ORDER BY loaded_at DESC, replica LIMIT $1)";
pub(crate) const VERSIONS: &str =
    "SELECT replica, hash, loaded_at FROM curriculum_versions ORDER BY loaded_at DESC, replica";

/// `search_misses.guild_id` (and `member_tracks.guild_id`) for direct messages.
pub(crate) fn guild_key(guild_id: Option<i64>) -> i64 {
    guild_id.unwrap_or(0)
}

/// A foreign-key violation: the subscription was deleted under us.
pub(crate) fn is_fk_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.kind() == sqlx::error::ErrorKind::ForeignKeyViolation)
}
