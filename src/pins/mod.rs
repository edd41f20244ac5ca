//! Living pins (issue 10): every module card `/pin` posts is recorded with the content hash of
//! its card and roadmap picture; after a reload (and at start-up) [`refresh_pins`] edits each
//! pin whose card changed in place (`PATCH`, so it stays pinned, re-uploading the picture),
//! tells a pin whose module or track is missing so and keeps tracking it (the card returns with
//! its module), and forgets pins whose message or channel is gone (10008, 10003, 50001). Pictures are drawn off the async runtime.
//! Edits go through the `Discord` port (the paced REST client) and are claimed in the store with
//! a lease, so with several replicas each pin is edited once. `/pin list` is [`list::list`].

pub mod list;
mod serial;
#[cfg(test)]
mod tests;

use crate::ports::{
    post_once, Discord, RestError, MISSING_ACCESS, MISSING_PERMISSIONS, UNKNOWN_CHANNEL,
    UNKNOWN_MESSAGE,
};
use crate::reply::handle::PinnedCard;
use crate::reply::pincard::{self, pin_card, PinCard};
use crate::reply::{Catalog, Message};
use crate::store::{Lease, NewPin, Pin, Store, StoreError};
use futures_util::StreamExt;
pub use serial::Refresher;

/// Pins looked at (and claimed) per round.
const BATCH: u32 = 100;
/// Edits in flight at once.
const IN_FLIGHT: usize = 8;
/// How long a claim holds: longer than editing a batch at 1 request per second.
const LEASE_SECS: i64 = 600;

/// What a refresh did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RefreshReport {
    /// Pins edited to show their module's new card.
    pub edited: u64,
    /// Pins whose module or track is missing: edited to say so, still tracked (the card comes
    /// back when it returns).
    pub removed: u64,
    /// Pins whose message or channel is gone: no longer tracked.
    pub forgotten: u64,
    /// Pins already showing the current card.
    pub current: u64,
    /// Pins another replica holds (it edits them), or left to a newer catalog's refresh.
    pub skipped: u64,
    /// Edits that failed for now (5xx, transport); the next refresh tries again.
    pub failed: u64,
}

/// The current card of a pin, or `None` when its module (or track) is gone.
pub fn current_card(catalog: &Catalog, pin: &Pin) -> Option<PinCard> {
    pin_card(catalog, &pin.track, pin.module)
}

/// What a pin should show: its module's current card, or (its module or track is missing) the
/// notice saying so, which stays tracked and is replaced by the card when the module returns.
pub fn wanted(catalog: &Catalog, pin: &Pin) -> PinCard {
    current_card(catalog, pin).unwrap_or_else(|| PinCard {
        message: removed_notice(catalog, pin),
        svg: None,
    })
}

/// What a pin whose module (or whole track) is missing is edited to.
pub fn removed_notice(catalog: &Catalog, pin: &Pin) -> Message {
    let c = &catalog.curriculum;
    let text = match c.tracks.iter().find(|t| t.slug == pin.track) {
        Some(t) => format!(
            "📌 This card showed Module {} of **{}**, which is no longer in the curriculum. \
             It comes back here by itself if the module returns; moderators can unpin it, or \
             `/pin module` another one.",
            pin.module, t.label
        ),
        None => format!(
            "📌 This card showed Module {} of the track `{}`, which is not in the curriculum right \
             now (renamed or removed). It comes back here by itself when the track returns.",
            pin.module, pin.track
        ),
    };
    Message::text(text).within_limits()
}

/// How a card went up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Posted {
    /// The card as given.
    Card,
    /// The bot may not attach files here (50013 to the upload): posted without the picture.
    PictureRefused,
}

/// `/pin`'s effect: posts `card` in `channel` (without its picture if the upload is refused),
/// pins it and records it as living. Posted with [`post_once`]: never twice.
pub async fn post(
    store: &dyn Store,
    discord: &dyn Discord,
    catalog: &Catalog,
    channel: &str,
    card: &PinCard,
    pinned: &PinnedCard,
) -> Result<Posted, RestError> {
    let send = |m: Message| async move { post_once(discord, channel, &m).await };
    let (posted, shown, refused) = send_card(card, catalog, send).await;
    let id = posted?;
    discord.pin(channel, &id).await?;
    record(store, pinned, channel, &id, &shown.hash()).await;
    Ok(match refused {
        false => Posted::Card,
        true => Posted::PictureRefused,
    })
}

/// Sends `card` through `send` with its picture, or again without it where the bot may not
/// attach files (50013 to the upload). Returns the outcome, the card as it now shows (bare when
/// the picture was refused or couldn't be drawn) and whether the picture was refused.
async fn send_card<T, F, Fut>(
    card: &PinCard,
    catalog: &Catalog,
    send: F,
) -> (Result<T, RestError>, PinCard, bool)
where
    F: Fn(Message) -> Fut,
    Fut: std::future::Future<Output = Result<T, RestError>>,
{
    let full = render(card, catalog).await;
    let drawn = !full.files.is_empty();
    match send(full).await {
        Err(e) if e.code() == Some(MISSING_PERMISSIONS) && drawn => {
            let bare = card.bare();
            (send(bare.message(catalog)).await, bare, true)
        }
        other if drawn => (other, card.clone(), false),
        // A picture that couldn't be drawn: the card shows without it.
        other => (other, card.bare(), false),
    }
}

/// The card's message with its picture, drawn off the async runtime the first time per SVG.
async fn render(card: &PinCard, catalog: &Catalog) -> Message {
    let Some(svg) = card.svg.clone() else {
        return card.with_png(None);
    };
    let png = match catalog.pictures.known(&svg) {
        Some(known) => known,
        None => {
            let text = svg.clone();
            // Off the async threads within a time budget; a picture not drawn in time is not
            // remembered as undrawable.
            match crate::drawing::off_runtime(move || pincard::draw(&text)).await {
                Ok(drawn) => {
                    catalog.pictures.remember(svg, drawn.clone());
                    drawn
                }
                Err(e) => {
                    tracing::warn!(error = %e, "a pinned card's picture was not drawn");
                    None
                }
            }
        }
    };
    card.with_png(png)
}

/// Records a card `/pin` just posted and pinned, showing the card of `hash`. A failure is
/// logged, not shown: the card is up.
async fn record(store: &dyn Store, card: &PinnedCard, channel: &str, id: &str, hash: &str) {
    let ids = (card.guild.parse(), channel.parse(), id.parse());
    let (Ok(guild_id), Ok(channel_id), Ok(message_id)) = ids else {
        tracing::warn!(
            channel,
            id,
            "a pinned card with ids that aren't numbers: not tracked"
        );
        return;
    };
    let pin = NewPin {
        guild_id,
        channel_id,
        message_id,
        track: &card.track,
        module: card.module,
        hash,
    };
    if let Err(e) = store.record_pin(&pin, unix_now()).await {
        tracing::warn!(error = %e, channel, id, "could not record a living pin");
    }
}

/// The message or channel is gone for good (deleted by a person, channel deleted or lost).
fn is_gone(e: &RestError) -> bool {
    let codes = [UNKNOWN_MESSAGE, UNKNOWN_CHANNEL, MISSING_ACCESS];
    e.code().is_some_and(|c| codes.contains(&c))
        || matches!(e, RestError::Discord { status: 404, .. })
}

/// Edits every recorded pin whose card changed since it was posted or last edited, as
/// `replica` (a worker id unique among the replicas sharing the store).
pub async fn refresh_pins(
    store: &dyn Store,
    discord: &dyn Discord,
    catalog: &Catalog,
    replica: &str,
) -> Result<RefreshReport, StoreError> {
    refresh_pins_until(store, discord, catalog, replica, &|| false).await
}

/// [`refresh_pins`] that stops early (leaving the pins it hasn't started for the next refresh,
/// counted as skipped) once `superseded` says a newer catalog's refresh is waiting.
pub async fn refresh_pins_until(
    store: &dyn Store,
    discord: &dyn Discord,
    catalog: &Catalog,
    replica: &str,
    superseded: &(dyn Fn() -> bool + Sync),
) -> Result<RefreshReport, StoreError> {
    let mut report = RefreshReport::default();
    let mut after = 0;
    loop {
        let now = unix_now();
        let page = store.pins_to_refresh(after, BATCH, now).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        let stale: Vec<i64> = page
            .iter()
            .filter(|p| !wanted(catalog, p).shown_by(&p.hash))
            .map(|p| p.id)
            .collect();
        report.current += (page.len() - stale.len()) as u64;
        if stale.is_empty() {
            continue;
        }
        let lease = Lease {
            worker: replica,
            now,
            until: now + LEASE_SECS,
        };
        let claimed = store.claim_pins(&stale, &lease).await?;
        report.skipped += (stale.len() - claimed.len()) as u64;
        // A few edits in flight, so REST latency doesn't eat the budget (the client paces).
        let mut edits = Vec::with_capacity(claimed.len());
        for pin in &claimed {
            edits.push(async move {
                if superseded() {
                    store.release_pin(pin.id, replica).await?;
                    return Ok(Outcome::Skipped);
                }
                refresh_one(store, discord, catalog, replica, pin).await
            });
        }
        let mut done = futures_util::stream::iter(edits).buffer_unordered(IN_FLIGHT);
        while let Some(outcome) = done.next().await {
            report.count(outcome?);
        }
        if superseded() {
            break;
        }
    }
    Ok(report)
}

/// What became of one claimed pin.
enum Outcome {
    Edited,
    Removed,
    Forgotten,
    Current,
    Failed,
    Skipped,
}

impl RefreshReport {
    fn count(&mut self, o: Outcome) {
        let n = match o {
            Outcome::Edited => &mut self.edited,
            Outcome::Removed => &mut self.removed,
            Outcome::Forgotten => &mut self.forgotten,
            Outcome::Current => &mut self.current,
            Outcome::Failed => &mut self.failed,
            Outcome::Skipped => &mut self.skipped,
        };
        *n += 1;
    }
}

/// Edits one claimed pin and settles its record.
async fn refresh_one(
    store: &dyn Store,
    discord: &dyn Discord,
    catalog: &Catalog,
    replica: &str,
    pin: &Pin,
) -> Result<Outcome, StoreError> {
    let card = wanted(catalog, pin);
    if card.shown_by(&pin.hash) {
        // Another replica edited it between our look and our claim.
        store.release_pin(pin.id, replica).await?;
        return Ok(Outcome::Current);
    }
    let missing = current_card(catalog, pin).is_none();
    let (channel, message) = (pin.channel_id.to_string(), pin.message_id.to_string());
    // The card with its picture (drawn once per SVG and catalog), or the notice.
    let (edited, hash) = edit_card(discord, &channel, &message, &card, catalog).await;
    Ok(match edited {
        Ok(()) => {
            store
                .mark_pin_current(pin.id, replica, &hash, unix_now())
                .await?;
            match missing {
                true => Outcome::Removed,
                false => Outcome::Edited,
            }
        }
        Err(e) if is_gone(&e) => {
            tracing::info!(pin = pin.id, error = %e, "a living pin is gone: no longer tracked");
            store.forget_pin(pin.id).await?;
            Outcome::Forgotten
        }
        Err(e) => {
            tracing::warn!(pin = pin.id, error = %e, "could not edit a living pin; next refresh");
            store.release_pin(pin.id, replica).await?;
            Outcome::Failed
        }
    })
}

/// Edits a pin to `card`; where the bot may not attach files (50013 to the upload), to the card
/// without its picture. Returns the outcome and the hash of what the pin now shows.
async fn edit_card(
    discord: &dyn Discord,
    channel: &str,
    message: &str,
    card: &PinCard,
    catalog: &Catalog,
) -> (Result<(), RestError>, String) {
    let send = |m: Message| async move { discord.edit_message(channel, message, &m).await };
    let (edited, shown, _) = send_card(card, catalog, send).await;
    (edited, shown.hash())
}

/// This process's replica id for pin claims (unique per process).
pub fn replica_id() -> &'static str {
    static ID: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        format!("pins-{}-{nanos:x}", std::process::id())
    })
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
