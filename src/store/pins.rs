//! Living pins (issue 10): the module cards `/pin` posted, with the content hash of each card as
//! last posted or edited, so a reload can edit exactly the pins whose card changed.
//!
//! Editing is claimed like a delivery: [`Store::claim_pins`](super::Store::claim_pins) gives a
//! worker a lease on pins nobody else holds (PostgreSQL: `FOR UPDATE SKIP LOCKED`), the worker
//! edits the message, then [`Store::mark_pin_current`](super::Store::mark_pin_current) stores the
//! new hash and ends the lease. A lease that expires (a crashed replica) frees the pin again.

use super::types::validate_track;
use super::StoreError;

/// A card `/pin` posted and pinned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPin<'a> {
    pub guild_id: i64,
    pub channel_id: i64,
    pub message_id: i64,
    /// The track's slug.
    pub track: &'a str,
    /// The module's number within its track.
    pub module: u32,
    /// The content hash of the card as posted.
    pub hash: &'a str,
}

/// A recorded (living) pin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    pub id: i64,
    pub guild_id: i64,
    pub channel_id: i64,
    pub message_id: i64,
    pub track: String,
    pub module: u32,
    /// The content hash of the card as last posted or edited.
    pub hash: String,
    /// The worker editing it, while its lease holds.
    pub claimed_by: Option<String>,
    pub lease_until: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The longest content hash accepted.
pub const MAX_HASH_CHARS: usize = 128;

/// A pins row as both backends return it.
#[derive(sqlx::FromRow)]
pub(crate) struct PinRow {
    id: i64,
    guild_id: i64,
    channel_id: i64,
    message_id: i64,
    track: String,
    module: i32,
    hash: String,
    claimed_by: Option<String>,
    lease_until: i64,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<PinRow> for Pin {
    type Error = StoreError;
    fn try_from(r: PinRow) -> Result<Pin, StoreError> {
        let module = u32::try_from(r.module)
            .map_err(|_| StoreError::Corrupt(format!("pin {}: module {}", r.id, r.module)))?;
        Ok(Pin {
            id: r.id,
            guild_id: r.guild_id,
            channel_id: r.channel_id,
            message_id: r.message_id,
            track: r.track,
            module,
            hash: r.hash,
            claimed_by: r.claimed_by,
            lease_until: r.lease_until,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// Checks a pin before it is stored; returns the module as stored.
pub(crate) fn validate_pin(pin: &NewPin<'_>) -> Result<i32, StoreError> {
    validate_track(pin.track)?;
    validate_hash(pin.hash)?;
    i32::try_from(pin.module)
        .map_err(|_| StoreError::Invalid(format!("module number {} is too large", pin.module)))
}

pub(crate) fn validate_hash(hash: &str) -> Result<&str, StoreError> {
    let ok = !hash.is_empty()
        && hash.len() <= MAX_HASH_CHARS
        && hash.chars().all(|c| c.is_ascii_alphanumeric());
    match ok {
        true => Ok(hash),
        false => Err(StoreError::Invalid(format!(
            "a content hash is 1 to {MAX_HASH_CHARS} ASCII letters and digits, not {hash:?}"
        ))),
    }
}

/// Posting the same message again (it can't be, but a retried effect could) replaces its record.
pub(crate) const RECORD_PIN: &str = "INSERT INTO pins (guild_id, channel_id, message_id, track, \
     module, hash, claimed_by, lease_until, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, NULL, 0, $7, $7) ON CONFLICT (message_id) DO UPDATE \
     SET guild_id = excluded.guild_id, channel_id = excluded.channel_id, track = excluded.track, \
     module = excluded.module, hash = excluded.hash, claimed_by = NULL, lease_until = 0, \
     updated_at = excluded.updated_at RETURNING *";
pub(crate) const LIST_PINS: &str = "SELECT * FROM pins WHERE guild_id = $1 ORDER BY id";
/// Pins after id `$1` that no live lease holds at `$3`, by id.
pub(crate) const PINS_TO_REFRESH: &str = "SELECT * FROM pins WHERE id > $1 \
     AND (claimed_by IS NULL OR lease_until <= $3) ORDER BY id LIMIT $2";
/// `$1` worker, `$2` lease end, `$3` now; `{ids}` and `{lock}` are filled in per call/backend.
pub(crate) const CLAIM_PINS: &str = "UPDATE pins SET claimed_by = $1, lease_until = $2 \
     WHERE id IN (SELECT id FROM pins WHERE id IN ({ids}) \
     AND (claimed_by IS NULL OR lease_until <= $3 OR claimed_by = $1) ORDER BY id{lock}) \
     RETURNING *";
pub(crate) const MARK_PIN_CURRENT: &str = "UPDATE pins SET hash = $3, claimed_by = NULL, \
     lease_until = 0, updated_at = $4 WHERE id = $1 AND claimed_by = $2";
pub(crate) const RELEASE_PIN: &str =
    "UPDATE pins SET claimed_by = NULL, lease_until = 0 WHERE id = $1 AND claimed_by = $2";
pub(crate) const FORGET_PIN: &str = "DELETE FROM pins WHERE id = $1";

/// The inherent pin methods of a backend (`impl_store!` delegates the `Store` ones here).
macro_rules! impl_pins {
    ($ty:ty) => {
        impl $ty {
            async fn record_pin_in(&self, pin: &NewPin<'_>, now: i64) -> R<Pin> {
                let module = validate_pin(pin)?;
                let row = sqlx::query_as::<_, PinRow>(pins::RECORD_PIN)
                    .bind(pin.guild_id)
                    .bind(pin.channel_id)
                    .bind(pin.message_id)
                    .bind(pin.track)
                    .bind(module)
                    .bind(pin.hash)
                    .bind(now)
                    .fetch_one(&self.write)
                    .await?;
                row.try_into()
            }

            async fn pins_where(&self, stmt: &'static str, a: i64, b: i64, c: i64) -> R<Vec<Pin>> {
                let rows = sqlx::query_as::<_, PinRow>(stmt)
                    .bind(a)
                    .bind(b)
                    .bind(c)
                    .fetch_all(&self.read)
                    .await?;
                rows.into_iter().map(Pin::try_from).collect()
            }

            async fn claim_pins_in(&self, ids: &[i64], lease: &Lease<'_>) -> R<Vec<Pin>> {
                let lock = match self.backend() {
                    $crate::store::Backend::Postgres => " FOR UPDATE SKIP LOCKED",
                    $crate::store::Backend::Sqlite => "",
                };
                let mut claimed = Vec::new();
                for chunk in ids.chunks(500) {
                    let marks: Vec<String> =
                        (4..4 + chunk.len()).map(|i| format!("${i}")).collect();
                    let text = pins::CLAIM_PINS
                        .replace("{ids}", &marks.join(", "))
                        .replace("{lock}", lock);
                    let mut q = sqlx::query_as::<_, PinRow>(&text)
                        .bind(lease.worker)
                        .bind(lease.until)
                        .bind(lease.now);
                    for id in chunk {
                        q = q.bind(*id);
                    }
                    for row in q.fetch_all(&self.write).await? {
                        claimed.push(Pin::try_from(row)?);
                    }
                }
                claimed.sort_by_key(|p| p.id);
                Ok(claimed)
            }
        }
    };
}

pub(crate) use impl_pins;
