//! Persistent storage for reminders: one [`Store`] trait, a SQLite and a PostgreSQL backend.
//!
//! [`open`] picks the backend from `DATABASE_URL` (`sqlite:` or `postgres://`), runs the
//! migrations (`migrations/sqlite`, `migrations/postgres`: the same logical schema) and returns
//! an `Arc<dyn Store>`.
//!
//! Delivery protocol (nothing lost, nothing duplicated): a worker **claims** a delivery keyed by
//! (subscription, slot instant) with a lease, sends, then **marks it sent** while advancing the
//! subscription in the same transaction. A claim whose lease expired is taken over by another
//! worker; a sent delivery is never claimed again. On 429/5xx the worker [`Store::release`]s it
//! for a later retry; when the target is gone it calls [`Store::mark_failed_pause`]. Sends are
//! recorded as attempted ([`Store::mark_attempted`], in groups) just before they go out. A claim
//! whose send may have reached Discord without being marked (attempted and then taken over, or
//! released with [`Store::release_unknown`]) comes back with `unknown_since` set: delivery
//! reconciles it against the channel before sending again.
//!
//! - SQLite: one instance per database file, enforced by an OS lock on `<db>-lock` (released by
//!   the OS even on SIGKILL). All writes go through one connection (single writer, so every
//!   transaction behaves like `BEGIN IMMEDIATE`); reads use a separate pool (WAL).
//! - PostgreSQL: several workers; [`Store::claim_due_batch`] uses `FOR UPDATE SKIP LOCKED` and
//!   `INSERT … ON CONFLICT DO UPDATE … WHERE` the lease expired.
//!
//! Decisions: a user has at most one DM subscription overall (not one per guild; subscribing
//! again from anywhere replaces it, keeping its id); a channel has at most one group
//! subscription. `skip` moves only `next_due_at` (the plan week stays); `resume` takes a fresh
//! `next_due_at` so a resumed subscription doesn't fire late.
//!
//! Tracks (issue 8) are stored as slugs; which exist is the site's business. A member's track is
//! kept per guild (DMs count as one guild); where they chose none, their latest choice made
//! anywhere applies (one bot serves one site, so it names a track of the same site). A channel's
//! track is kept per channel. Subscriptions made before tracks have none until the app calls
//! [`Store::assign_untracked_subscriptions`] at start-up.

pub mod checkins;
mod error;
mod imp;
mod lock;
mod pins;
mod postgres;
mod sql;
mod sqlite;
mod track_refs;
mod types;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

pub use checkins::{NewCheckin, ProgressRows};
pub use error::StoreError;
pub use pins::{NewPin, Pin, MAX_HASH_CHARS};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use track_refs::TrackRefs;
pub use types::{
    normalize_query, After, ChannelTrack, CurriculumVersion, Delivery, DeliveryKey, DeliveryStatus,
    Lease, NewSubscription, Schedule, SearchMiss, Slot, Subscription, Target, MAX_MISSES_PER_GUILD,
    MAX_MISS_QUERY_CHARS, MAX_REPLICAS_KEPT, MAX_TRACK_CHARS, MISS_MAX_AGE_SECS,
};

/// `DATABASE_URL` when none is set: a file under `data/`, created with its directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/curriculum-bot.db?mode=rwc";

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Connection settings; `Default` suits the bot.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// Pool size (SQLite: the read pool; writes use one connection).
    pub max_connections: u32,
    /// How long to wait for a pooled connection.
    pub acquire_timeout: Duration,
    /// SQLite `busy_timeout`.
    pub busy_timeout: Duration,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(10),
            busy_timeout: Duration::from_secs(5),
        }
    }
}

/// Opens the store named by `database_url` (see [`DEFAULT_DATABASE_URL`]) and runs migrations.
pub async fn open(database_url: &str, opts: &OpenOptions) -> Result<Arc<dyn Store>> {
    let url = database_url.trim();
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::open(url, opts).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::open(url, opts).await?))
    } else {
        let scheme = url.split_once(':').map_or("", |(s, _)| s);
        Err(StoreError::InvalidUrl(if scheme.is_empty() {
            "expected sqlite:PATH or postgres://…, got no scheme".to_string()
        } else {
            format!("expected sqlite:PATH or postgres://…, got the scheme {scheme:?}")
        }))
    }
}

/// The storage operations of the reminder loop and the slash commands.
#[async_trait]
pub trait Store: Send + Sync {
    fn backend(&self) -> Backend;
    /// The database answers (for `/healthz`).
    async fn ping(&self) -> Result<()>;
    /// Closes the pools (checkpoints SQLite's WAL). Other calls fail afterwards.
    async fn close(&self);

    // ---- subscriptions ----
    /// Creates or replaces: one DM subscription per user, one group subscription per channel.
    /// Replacing keeps the id and creation time (and the track when `new.track` is `None`) and
    /// makes the subscription active again.
    async fn subscribe(&self, new: &NewSubscription, now: i64) -> Result<Subscription>;
    async fn get(&self, id: i64) -> Result<Option<Subscription>>;
    async fn get_dm(&self, user_id: i64) -> Result<Option<Subscription>>;
    async fn get_group(&self, channel_id: i64) -> Result<Option<Subscription>>;
    /// Paused group subscriptions of a guild (for moderators' `/remind status`).
    async fn paused_groups(&self, guild_id: i64) -> Result<Vec<Subscription>>;
    /// Pause by the member. `false` when there is no such subscription.
    async fn pause(&self, id: i64, reason: &str, now: i64) -> Result<bool>;
    /// Active again from `next_due_at` (a fresh slot, so nothing fires late).
    async fn resume(&self, id: i64, next_due_at: i64, now: i64) -> Result<bool>;
    /// Deletes the subscription and its deliveries.
    async fn unsubscribe(&self, id: i64) -> Result<bool>;
    async fn set_week(&self, id: i64, week: u32, now: i64) -> Result<bool>;
    /// Moves a subscription to another track (a member's `/track`), keeping its week and time.
    async fn set_subscription_track(&self, id: i64, track: &str, now: i64) -> Result<bool>;
    /// Skips a week: moves `next_due_at`, keeps the plan week.
    async fn skip(&self, id: i64, next_due_at: i64, now: i64) -> Result<bool>;
    /// Returns and clears the notices pending for the user's subscriptions.
    async fn take_notices(&self, user_id: i64) -> Result<Vec<String>>;

    // ---- deliveries ----
    /// Active subscriptions with `next_due_at <= now`, earliest first.
    async fn due(&self, now: i64, limit: u32) -> Result<Vec<Subscription>>;
    /// Claims one delivery: inserts it, or takes it over when it is unsent and its lease expired
    /// (or `lease.worker` already holds it). `None` if it is sent, failed or held by another.
    async fn claim(&self, sub_id: i64, slot: Slot, lease: &Lease<'_>) -> Result<Option<Delivery>>;
    /// Claims up to `limit` due subscriptions for `lease.worker`; concurrent workers never get
    /// the same one. Subscriptions with a live claim (anyone's) are left alone. An expired
    /// unsent claim is taken over with its own slot; otherwise `plan` picks the slot
    /// (e.g. [`Slot::scheduled`], or the current week's slot, late, after downtime).
    async fn claim_due_batch(
        &self,
        lease: &Lease<'_>,
        limit: u32,
        plan: &(dyn for<'s> Fn(&'s Subscription) -> Slot + Sync),
    ) -> Result<Vec<(Subscription, Delivery)>>;
    /// In one transaction: the delivery becomes sent and the subscription moves on (unless it was
    /// already moved past this slot). Idempotent: `false` if it was already sent.
    async fn mark_sent(
        &self,
        key: DeliveryKey,
        message_id: i64,
        sent_at: i64,
        after: After,
    ) -> Result<bool>;
    /// [`Store::mark_sent`] for several deliveries in one transaction (one disk sync); returns
    /// how many were newly marked. A group is marked in lock order of its items.
    async fn mark_sent_many(&self, items: &[(DeliveryKey, i64, i64, After)]) -> Result<u64>;
    /// The target is gone: the delivery fails for good and the subscription is paused by the
    /// system with `reason`, leaving `notice` for its owner. `false` if it wasn't claimed.
    async fn mark_failed_pause(
        &self,
        key: DeliveryKey,
        reason: &str,
        notice: &str,
        now: i64,
    ) -> Result<bool>;
    /// Gives the claim up until `retry_at` after a send that certainly created nothing (a 429
    /// to the end, a 4xx): then any worker may claim it again, as a first attempt.
    async fn release(&self, key: DeliveryKey, retry_at: i64) -> Result<bool>;
    /// Records, in one transaction, that the sends of these claims are about to go out: a crash
    /// or takeover after this leaves their outcome unknown (before it, they are known unsent).
    async fn mark_attempted(&self, keys: &[DeliveryKey], now: i64) -> Result<u64>;
    /// Gives the claim up until `retry_at` after a send whose outcome is unknown (a 5xx, a
    /// timeout, a lost connection) or a failed reconciliation read: the next claim comes back
    /// with [`Delivery::unknown_since`] set, so it is reconciled before any resend.
    async fn release_unknown(&self, key: DeliveryKey, retry_at: i64) -> Result<bool>;
    /// Claims `worker` holds and hasn't finished (to resume after a crash), earliest first.
    async fn unsent_claims(&self, worker: &str) -> Result<Vec<Delivery>>;
    async fn delivery(&self, key: DeliveryKey) -> Result<Option<Delivery>>;
    /// Deletes finished (sent or failed) deliveries due before `before`; returns how many.
    async fn prune_deliveries(&self, before: i64) -> Result<u64>;

    // ---- caches and counters ----
    async fn dm_channel(&self, user_id: i64) -> Result<Option<i64>>;
    /// The cached DM channels of several users at once (one query per 500 users).
    async fn dm_channels(&self, users: &[i64]) -> Result<std::collections::HashMap<i64, i64>>;
    async fn put_dm_channel(&self, user_id: i64, channel_id: i64) -> Result<()>;
    /// Counts a search with no result (`guild_id` `None` = DMs); the query is normalized with
    /// [`normalize_query`] and ignored when empty. Bounded: misses of any guild not seen for
    /// [`MISS_MAX_AGE_SECS`] before `now` are dropped, and the guild keeps its
    /// [`MAX_MISSES_PER_GUILD`] most frequent (then most recent) misses.
    async fn record_miss(&self, guild_id: Option<i64>, query: &str, now: i64) -> Result<()>;
    /// The most frequent misses, then the most recent.
    async fn top_misses(&self, guild_id: Option<i64>, limit: u32) -> Result<Vec<SearchMiss>>;

    // ---- tracks (slugs, at most MAX_TRACK_CHARS; see the module notes) ----
    /// Subscriptions made before tracks (no track) join `track`; returns how many. Nothing else
    /// about them changes. The app calls it at start-up with the site's one track.
    async fn assign_untracked_subscriptions(&self, track: &str) -> Result<u64>;
    /// Remembers the member's track in a guild (`None` = direct messages).
    async fn set_member_track(
        &self,
        guild_id: Option<i64>,
        user_id: i64,
        track: &str,
        now: i64,
    ) -> Result<()>;
    /// The member's track in that guild, else their latest choice made anywhere.
    async fn member_track(&self, guild_id: Option<i64>, user_id: i64) -> Result<Option<String>>;
    /// Forgets the choice made in that guild; `false` when there was none.
    async fn clear_member_track(&self, guild_id: Option<i64>, user_id: i64) -> Result<bool>;
    /// Ties a channel to a track (replacing its previous one).
    async fn set_channel_track(
        &self,
        guild_id: i64,
        channel_id: i64,
        track: &str,
        now: i64,
    ) -> Result<()>;
    async fn channel_track(&self, channel_id: i64) -> Result<Option<String>>;
    /// The guild's channels tied to a track, by channel id.
    async fn channel_tracks(&self, guild_id: i64) -> Result<Vec<ChannelTrack>>;
    /// Unties the channel; `false` when it wasn't tied.
    async fn clear_channel_track(&self, channel_id: i64) -> Result<bool>;

    /// Records that `replica` serves the curriculum with content hash `hash`, loaded at
    /// `loaded_at` (one row per replica; only the [`MAX_REPLICAS_KEPT`] latest are kept).
    async fn record_curriculum_version(
        &self,
        replica: &str,
        hash: &str,
        loaded_at: i64,
    ) -> Result<()>;
    /// The versions replicas serve, latest load first.
    async fn curriculum_versions(&self) -> Result<Vec<CurriculumVersion>>;
    // ---- living pins (module cards posted by `/pin`; see `pins`) ----
    /// Records a posted and pinned card (replacing the record of the same message).
    async fn record_pin(&self, pin: &NewPin<'_>, now: i64) -> Result<Pin>;
    /// The guild's living pins, oldest first.
    async fn list_pins(&self, guild_id: i64) -> Result<Vec<Pin>>;
    /// Up to `limit` pins with an id above `after_id` that no live lease holds at `now`, by id
    /// (a page of the pins a refresh looks at).
    async fn pins_to_refresh(&self, after_id: i64, limit: u32, now: i64) -> Result<Vec<Pin>>;
    /// Claims those of `ids` that nobody else holds (or whose lease expired) for `lease.worker`
    /// until `lease.until`; concurrent workers never get the same pin. Returns them as stored now.
    async fn claim_pins(&self, ids: &[i64], lease: &Lease<'_>) -> Result<Vec<Pin>>;
    /// The pin was edited: it now shows the card hashing to `hash`; the claim ends. `false` when
    /// `worker` doesn't hold it.
    async fn mark_pin_current(&self, id: i64, worker: &str, hash: &str, now: i64) -> Result<bool>;
    /// Gives a claimed pin up unchanged (the edit failed for now).
    async fn release_pin(&self, id: i64, worker: &str) -> Result<bool>;
    /// Stops tracking the pin (its message or channel is gone, or its module was removed).
    async fn forget_pin(&self, id: i64) -> Result<bool>;

    // ---- check-ins (issue 19; see `checkins`) ----
    /// Records a check-in; `false` when that member already checked in for that week of that
    /// subscription (the database decides, so concurrent clicks and replicas agree).
    async fn check_in(&self, c: &NewCheckin<'_>) -> Result<bool>;
    /// The plan weeks `user_id` checked in for on `subscription_id`, ascending.
    async fn checkin_weeks(&self, subscription_id: i64, user_id: i64) -> Result<Vec<u32>>;
    /// Who checked in for `week` of `subscription_id`, earliest first.
    async fn week_checkins(&self, subscription_id: i64, week: u32) -> Result<Vec<i64>>;
    /// `(week, check-ins)` for the weeks `first..=last` of `subscription_id` that have any.
    async fn week_checkin_counts(
        &self,
        subscription_id: i64,
        first: u32,
        last: u32,
    ) -> Result<Vec<(u32, u64)>>;
    /// Distinct members who ever checked in on `subscription_id` (a group's denominator).
    async fn checkin_members(&self, subscription_id: i64) -> Result<u64>;
    /// Deletes every check-in of `user_id`; returns how many there were.
    async fn forget_checkins(&self, user_id: i64) -> Result<u64>;
    /// The plan week of the latest reminder sent for `subscription_id`.
    async fn last_sent_week(&self, subscription_id: i64) -> Result<Option<u32>>;
    /// Counts an unsubscribe (track, kind, plan week) for `/report`'s "where learners stop";
    /// call it before deleting the subscription (its deliveries say the week it stopped at).
    async fn record_unsubscribe(&self, s: &Subscription, now: i64) -> Result<()>;
    /// What `/report` shows about progress in `guild` (with direct-message subscriptions).
    async fn progress_rows(&self, guild: Option<i64>, now: i64) -> Result<ProgressRows>;
    // ---- tracks that went missing (see `track_refs` and `reload::tracks`) ----
    /// How many subscriptions, members, channels and pins point at each track slug in use.
    async fn track_refs(&self) -> Result<Vec<TrackRefs>>;
    /// Pauses (as the bot) the running subscriptions of `track`, with `reason` and a pending
    /// `notice` for their owners; returns how many.
    async fn pause_track(&self, track: &str, reason: &str, notice: &str, now: i64) -> Result<u64>;
    /// The subscriptions of `track` the bot paused with `reason`.
    async fn paused_for(&self, track: &str, reason: &str) -> Result<Vec<Subscription>>;
    /// Resumes one of those (only while still paused by the bot with `reason`), next due at
    /// `next_due_at`, leaving `notice` for its owner.
    async fn resume_paused(
        &self,
        id: i64,
        reason: &str,
        next_due_at: i64,
        notice: &str,
        now: i64,
    ) -> Result<bool>;
    /// Every subscription, member's and channel's choice and pin of track `old` now follows
    /// `new` (one transaction); returns how many moved.
    async fn rename_track(&self, old: &str, new: &str, now: i64) -> Result<TrackRefs>;
}
