//! The store's records and arguments: subscriptions, deliveries (claims), search misses.
//!
//! All instants are unix seconds UTC (`i64`); Discord snowflakes are `i64`.

use super::StoreError;

/// Where a reminder goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A direct message to the subscription's owner.
    Dm,
    /// A study-group post in `channel_id`, mentioning `role_id` (and only it) when set.
    Channel {
        channel_id: i64,
        role_id: Option<i64>,
    },
}

/// The weekly local wall-clock slot of a subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// 0 = Monday … 6 = Sunday.
    pub weekday: u8,
    pub hour: u8,
    pub minute: u8,
    /// IANA time-zone name, validated by the caller.
    pub tz: String,
}

/// What `/remind subscribe` stores. `next_due_at` is computed by the caller (pure schedule code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubscription {
    pub guild_id: Option<i64>,
    pub owner_user_id: i64,
    pub target: Target,
    pub schedule: Schedule,
    pub pathway: Option<String>,
    /// The track's slug. Replacing a subscription with `None` keeps the track it had.
    pub track: Option<String>,
    /// The plan week the next reminder is about (>= 1).
    pub week: u32,
    pub next_due_at: i64,
}

/// A stored subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub id: i64,
    pub guild_id: Option<i64>,
    pub owner_user_id: i64,
    pub target: Target,
    pub schedule: Schedule,
    pub pathway: Option<String>,
    /// The track's slug; `None` for a subscription made before tracks (see
    /// [`Store::assign_untracked_subscriptions`](super::Store::assign_untracked_subscriptions)).
    pub track: Option<String>,
    /// The plan week the next reminder is about (>= 1).
    pub week: u32,
    /// The instant of the next weekly slot.
    pub next_due_at: i64,
    /// `None` = active.
    pub paused_reason: Option<String>,
    /// Paused because the target is gone (not by the member).
    pub paused_by_system: bool,
    /// Something to tell the owner the next time they use the bot.
    pub notice_pending: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Subscription {
    pub fn is_active(&self) -> bool {
        self.paused_reason.is_none()
    }
}

/// The key of a delivery: the slot instant identifies the calendar week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeliveryKey {
    pub subscription_id: i64,
    pub due_at: i64,
}

/// The slot a delivery is about, as planned by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub due_at: i64,
    pub week: u32,
    /// Sent after its slot (after downtime); the reminder says when it was due.
    pub late: bool,
}

impl Slot {
    /// The slot exactly as the subscription has it scheduled (not late).
    pub fn scheduled(sub: &Subscription) -> Slot {
        Slot {
            due_at: sub.next_due_at,
            week: sub.week,
            late: false,
        }
    }
}

/// Who claims, at what time, and until when the claim holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease<'a> {
    pub worker: &'a str,
    pub now: i64,
    /// After this instant another worker may take the delivery over.
    pub until: i64,
}

/// Where a subscription goes after a sent reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// Advance to the next slot and plan week.
    Advance { next_due_at: i64, week: u32 },
    /// That was the completion message: the subscription ends (is deleted).
    End,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    Claimed,
    Sent,
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Claimed => "claimed",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Failed => "failed",
        }
    }
}

/// A delivery record; a claim is a delivery with status `Claimed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub key: DeliveryKey,
    pub week: u32,
    pub late: bool,
    pub status: DeliveryStatus,
    /// `None` after [`Store::release`](super::Store::release).
    pub claimed_by: Option<String>,
    pub lease_until: i64,
    /// How many times it was claimed (1 on the first claim).
    pub attempts: u32,
    pub message_id: Option<i64>,
    pub sent_at: Option<i64>,
    /// When the current claim was taken (unix seconds).
    pub claimed_at: i64,
    /// When this claim's send was about to go out ([`Store::mark_attempted`]); `None` before.
    ///
    /// [`Store::mark_attempted`]: super::Store::mark_attempted
    pub attempted_at: Option<i64>,
    /// Set when an earlier attempt may have created the message at Discord with an unknown
    /// outcome (a crash or stall under a lease that was taken over, a 5xx, a timeout): no such
    /// message can be older than this instant (unix seconds). `None` for a first attempt.
    pub unknown_since: Option<i64>,
}

/// The curriculum version a replica serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurriculumVersion {
    pub replica: String,
    pub hash: String,
    pub loaded_at: i64,
}

/// Replicas whose versions are kept (the latest loads); older rows are dropped when one is
/// recorded, so restarts never grow the table.
pub const MAX_REPLICAS_KEPT: i64 = 64;

/// A replica id or content hash fit to store: 1-128 printable ASCII characters.
pub(crate) fn validate_label<'a>(what: &str, v: &'a str) -> Result<&'a str, StoreError> {
    if v.is_empty() || v.len() > 128 || !v.chars().all(|c| c.is_ascii_graphic()) {
        return Err(StoreError::Invalid(format!(
            "a {what} is 1-128 printable ASCII characters"
        )));
    }
    Ok(v)
}

/// A channel tied to a track by its moderators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelTrack {
    pub channel_id: i64,
    pub track: String,
}

/// The longest track slug stored, in characters.
pub const MAX_TRACK_CHARS: usize = 100;

/// A search that found nothing, counted per guild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchMiss {
    pub query: String,
    pub count: u64,
    pub last_at: i64,
}

/// The longest normalized query stored, in characters.
pub const MAX_MISS_QUERY_CHARS: usize = 200;
/// The most distinct misses kept per guild: recording one more evicts the least frequent (the
/// least recent among equals).
pub const MAX_MISSES_PER_GUILD: u32 = 500;
/// A miss not seen for this long (90 days, in seconds) is dropped.
pub const MISS_MAX_AGE_SECS: i64 = 90 * 24 * 3600;

/// Lower-cases, collapses white space and caps the length; `None` when nothing is left.
pub fn normalize_query(query: &str) -> Option<String> {
    let joined = query
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let capped: String = joined.chars().take(MAX_MISS_QUERY_CHARS).collect();
    let trimmed = capped.trim_end();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// A subscriptions row as both backends return it.
#[derive(sqlx::FromRow)]
pub(crate) struct SubRow {
    id: i64,
    guild_id: Option<i64>,
    owner_user_id: i64,
    kind: String,
    channel_id: Option<i64>,
    role_id: Option<i64>,
    weekday: i32,
    hour: i32,
    minute: i32,
    tz: String,
    pathway: Option<String>,
    track: Option<String>,
    week: i32,
    next_due_at: i64,
    paused_reason: Option<String>,
    paused_by_system: bool,
    notice_pending: Option<String>,
    created_at: i64,
    updated_at: i64,
}

fn narrow<T: TryFrom<i32>>(what: &str, v: i32) -> Result<T, StoreError> {
    T::try_from(v).map_err(|_| StoreError::Corrupt(format!("{what} = {v} is out of range")))
}

impl TryFrom<SubRow> for Subscription {
    type Error = StoreError;
    fn try_from(r: SubRow) -> Result<Self, StoreError> {
        let target = match (r.kind.as_str(), r.channel_id) {
            ("dm", _) => Target::Dm,
            ("channel", Some(channel_id)) => Target::Channel {
                channel_id,
                role_id: r.role_id,
            },
            (kind, _) => {
                return Err(StoreError::Corrupt(format!(
                    "subscription {}: kind {kind:?} without a usable target",
                    r.id
                )))
            }
        };
        Ok(Subscription {
            id: r.id,
            guild_id: r.guild_id,
            owner_user_id: r.owner_user_id,
            target,
            schedule: Schedule {
                weekday: narrow("weekday", r.weekday)?,
                hour: narrow("hour", r.hour)?,
                minute: narrow("minute", r.minute)?,
                tz: r.tz,
            },
            pathway: r.pathway,
            track: r.track,
            week: narrow("week", r.week)?,
            next_due_at: r.next_due_at,
            paused_reason: r.paused_reason,
            paused_by_system: r.paused_by_system,
            notice_pending: r.notice_pending,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// A deliveries row as both backends return it.
#[derive(sqlx::FromRow)]
pub(crate) struct DeliveryRow {
    subscription_id: i64,
    due_at: i64,
    week: i32,
    status: String,
    claimed_by: Option<String>,
    lease_until: i64,
    attempts: i32,
    message_id: Option<i64>,
    late: bool,
    sent_at: Option<i64>,
    claimed_at: i64,
    attempted_at: Option<i64>,
    unknown_since: Option<i64>,
}

impl TryFrom<DeliveryRow> for Delivery {
    type Error = StoreError;
    fn try_from(r: DeliveryRow) -> Result<Self, StoreError> {
        let status = match r.status.as_str() {
            "claimed" => DeliveryStatus::Claimed,
            "sent" => DeliveryStatus::Sent,
            "failed" => DeliveryStatus::Failed,
            other => return Err(StoreError::Corrupt(format!("delivery status {other:?}"))),
        };
        Ok(Delivery {
            key: DeliveryKey {
                subscription_id: r.subscription_id,
                due_at: r.due_at,
            },
            week: narrow("week", r.week)?,
            late: r.late,
            status,
            claimed_by: r.claimed_by,
            lease_until: r.lease_until,
            attempts: narrow("attempts", r.attempts)?,
            message_id: r.message_id,
            sent_at: r.sent_at,
            claimed_at: r.claimed_at,
            attempted_at: r.attempted_at,
            unknown_since: r.unknown_since,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct MissRow {
    query: String,
    count: i64,
    last_at: i64,
}

impl From<MissRow> for SearchMiss {
    fn from(r: MissRow) -> Self {
        SearchMiss {
            query: r.query,
            count: u64::try_from(r.count).unwrap_or(0),
            last_at: r.last_at,
        }
    }
}

/// Checks what the schema's CHECK constraints would reject, with a readable message.
pub(crate) fn validate(new: &NewSubscription) -> Result<(), StoreError> {
    let s = &new.schedule;
    week_i32(new.week)?;
    if let Some(track) = &new.track {
        validate_track(track)?;
    }
    let problem = if s.weekday > 6 {
        format!("weekday {} is not 0 (Monday) to 6 (Sunday)", s.weekday)
    } else if s.hour > 23 || s.minute > 59 {
        format!("{:02}:{:02} is not a time of day", s.hour, s.minute)
    } else if s.tz.trim().is_empty() {
        "the time zone is empty".to_string()
    } else {
        return Ok(());
    };
    Err(StoreError::Invalid(problem))
}

/// A track slug as stored: not empty, no surrounding white space or control characters, at
/// most [`MAX_TRACK_CHARS`] characters. Which slugs exist is the site's business, not the store's.
pub(crate) fn validate_track(track: &str) -> Result<&str, StoreError> {
    let problem = if track.chars().count() > MAX_TRACK_CHARS {
        format!("a track slug has at most {MAX_TRACK_CHARS} characters")
    } else if track.trim().is_empty() {
        "the track is empty".to_string()
    } else if track.trim() != track || track.chars().any(char::is_control) {
        format!("the track {track:?} has white space around it or control characters")
    } else {
        return Ok(track);
    };
    Err(StoreError::Invalid(problem))
}

/// A plan week as stored (>= 1, fits the INTEGER column).
pub(crate) fn week_i32(week: u32) -> Result<i32, StoreError> {
    match i32::try_from(week) {
        Ok(w) if w >= 1 => Ok(w),
        _ => Err(StoreError::Invalid(format!(
            "week {week} is not a plan week (1 or more)"
        ))),
    }
}

/// A limit as bound to SQL.
pub(crate) fn limit_i64(limit: u32) -> i64 {
    i64::from(limit)
}

#[cfg(test)]
mod tests;
