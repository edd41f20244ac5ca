//! Living pins (issue 10): every module card `/pin` posts is recorded with the content hash of
//! its card and roadmap picture; after a reload (and at start-up) [`refresh_pins`] edits each
//! pin whose card changed in place (`PATCH`, so it stays pinned, re-uploading the picture),
//! tells a pin whose module was removed so and stops tracking it, and forgets pins whose message
//! or channel is gone (10008, 10003, 50001). Pictures are drawn off the async runtime.
//! Edits go through the `Discord` port (the paced REST client) and are claimed in the store with
//! a lease, so with several replicas each pin is edited once. `/pin list` is [`list::list`].

pub mod list;
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
use std::sync::Arc;

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
    /// Pins whose module was removed: edited to say so and no longer tracked.
    pub removed: u64,
    /// Pins whose message or channel is gone: no longer tracked.
    pub forgotten: u64,
    /// Pins already showing the current card.
    pub current: u64,
    /// Pins another replica holds (it edits them).
    pub skipped: u64,
    /// Edits that failed for now (5xx, transport); the next refresh tries again.
    pub failed: u64,
}

/// The current card of a pin, or `None` when its module (or track) is gone.
pub fn current_card(catalog: &Catalog, pin: &Pin) -> Option<PinCard> {
    pin_card(catalog, &pin.track, pin.module)
}

/// What a pin whose module was removed is edited to.
pub fn removed_notice(catalog: &Catalog, pin: &Pin) -> Message {
    let c = &catalog.curriculum;
    let track = c.tracks.iter().find(|t| t.slug == pin.track);
    let name = track.map_or_else(
        || format!("`{}`", pin.track),
        |t| format!("**{}**", t.label),
    );
    Message::text(format!(
        "📌 This card showed Module {} of {name}, which is no longer in the curriculum. \
         Moderators can unpin it, or `/pin module` another one.",
        pin.module
    ))
    .within_limits()
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
    let mut report = RefreshReport::default();
    let mut after = 0;
    loop {
        let now = unix_now();
        let page = store.pins_to_refresh(after, BATCH, now).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        let stale: Vec<i64> = page
            .iter()
            .filter(|p| current_card(catalog, p).is_none_or(|c| !c.shown_by(&p.hash)))
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
            edits.push(refresh_one(store, discord, catalog, replica, pin));
        }
        let mut done = futures_util::stream::iter(edits).buffer_unordered(IN_FLIGHT);
        while let Some(outcome) = done.next().await {
            report.count(outcome?);
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
}

impl RefreshReport {
    fn count(&mut self, o: Outcome) {
        let n = match o {
            Outcome::Edited => &mut self.edited,
            Outcome::Removed => &mut self.removed,
            Outcome::Forgotten => &mut self.forgotten,
            Outcome::Current => &mut self.current,
            Outcome::Failed => &mut self.failed,
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
    let card = current_card(catalog, pin);
    if card.as_ref().is_some_and(|c| c.shown_by(&pin.hash)) {
        // Another replica edited it between our look and our claim.
        store.release_pin(pin.id, replica).await?;
        return Ok(Outcome::Current);
    }
    let (channel, message) = (pin.channel_id.to_string(), pin.message_id.to_string());
    // The card with its picture (drawn once per SVG and catalog), or the removal notice.
    let (edited, hash) = match &card {
        Some(card) => edit_card(discord, &channel, &message, card, catalog).await,
        None => {
            let notice = removed_notice(catalog, pin);
            (
                discord.edit_message(&channel, &message, &notice).await,
                None,
            )
        }
    };
    Ok(match (edited, hash) {
        (Ok(()), Some(hash)) => {
            store
                .mark_pin_current(pin.id, replica, &hash, unix_now())
                .await?;
            Outcome::Edited
        }
        (Ok(()), None) => {
            store.forget_pin(pin.id).await?;
            Outcome::Removed
        }
        (Err(e), _) if is_gone(&e) => {
            tracing::info!(pin = pin.id, error = %e, "a living pin is gone: no longer tracked");
            store.forget_pin(pin.id).await?;
            Outcome::Forgotten
        }
        (Err(e), _) => {
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
) -> (Result<(), RestError>, Option<String>) {
    let send = |m: Message| async move { discord.edit_message(channel, message, &m).await };
    let (edited, shown, _) = send_card(card, catalog, send).await;
    (edited, Some(shown.hash()))
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

/// Refreshes the pins in the background (after a successful reload, at start-up) and logs what
/// it did. Call it with the catalog just swapped in.
pub fn spawn_refresh(
    store: Arc<dyn Store>,
    discord: Arc<dyn Discord>,
    catalog: Arc<Catalog>,
) -> tokio::task::JoinHandle<Option<RefreshReport>> {
    tokio::spawn(async move {
        match refresh_pins(&*store, &*discord, &catalog, replica_id()).await {
            Ok(r) => {
                tracing::info!(?r, "living pins refreshed");
                Some(r)
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not refresh the living pins");
                None
            }
        }
    })
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
