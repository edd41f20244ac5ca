//! Tracks that went missing (issue 17): a reload never changes a stored track slug. After a
//! reload (and at start-up) [`follow`] pauses the subscriptions of a track the site no longer has
//! (their owners are told at their next command) and resumes those whose track is back; the
//! reload's reply and the log say how many subscriptions, members, channels and pins point at a
//! missing track. [`rename`] maps an old slug to a new one (`/curriculum reload rename:old=new`).

use crate::curriculum::Curriculum;
use crate::reminders::commands::slot_of;
use crate::reminders::content::{missing_track, missing_track_pause};
use crate::reminders::schedule::next_after;
use crate::store::{Store, StoreError, TrackRefs};

/// What points at missing tracks, and what [`follow`] changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Followed {
    /// Per missing track, what still points at it (kept, waiting for it to return).
    pub missing: Vec<TrackRefs>,
    /// Subscriptions paused now because their track is missing.
    pub paused: u64,
    /// Subscriptions resumed now because their track is back.
    pub resumed: u64,
}

impl Followed {
    /// One line for a reply or the log; `None` when nothing points at a missing track and
    /// nothing resumed.
    pub fn line(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.missing.is_empty() {
            let tracks: Vec<String> = self.missing.iter().map(describe).collect();
            parts.push(format!(
                "Pointing at a missing track: {}. Kept and paused until it is back (or a \
                 moderator maps it: `/curriculum reload rename:old=new`)",
                tracks.join("; ")
            ));
        }
        if self.paused > 0 {
            parts.push(format!(
                "{} paused now",
                plural(self.paused, "subscription")
            ));
        }
        if self.resumed > 0 {
            parts.push(format!(
                "{} resumed: their track is back",
                plural(self.resumed, "subscription")
            ));
        }
        (!parts.is_empty()).then(|| parts.join(". ") + ".")
    }
}

/// A slug shown as code (a backtick in it can't end the span).
fn code(slug: &str) -> String {
    format!("`{}`", slug.replace('`', "'"))
}

fn plural(n: u64, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// `` `slug` (2 subscriptions, 1 member, 0 channels, 3 pins) ``
fn describe(r: &TrackRefs) -> String {
    format!(
        "{} ({}, {}, {}, {})",
        code(&r.track),
        plural(r.subscriptions, "subscription"),
        plural(r.members, "member"),
        plural(r.channels, "channel"),
        plural(r.pins, "pin")
    )
}

/// What points at tracks `c` doesn't have.
pub async fn missing(store: &dyn Store, c: &Curriculum) -> Result<Vec<TrackRefs>, StoreError> {
    let refs = store.track_refs().await?;
    Ok(refs
        .into_iter()
        .filter(|r| missing_track(c, Some(&r.track)).is_some())
        .collect())
}

/// Pauses the subscriptions of tracks `c` lacks and resumes (at the week they reached, next slot
/// after `now`) those paused so whose track `c` has again.
pub async fn follow(store: &dyn Store, c: &Curriculum, now: i64) -> Result<Followed, StoreError> {
    let mut out = Followed::default();
    for r in store.track_refs().await? {
        let (reason, notice) = missing_track_pause(&r.track);
        if missing_track(c, Some(&r.track)).is_some() {
            out.paused += store.pause_track(&r.track, &reason, &notice, now).await?;
            out.missing.push(r);
            continue;
        }
        for s in store.paused_for(&r.track, &reason).await? {
            let Some(slot) = slot_of(&s) else { continue };
            let at = jiff::Timestamp::from_second(now).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
            let next = next_after(&slot, at).as_second();
            let back = format!(
                "Your weekly reminders are back on: your track {} is in the curriculum again. \
                 The next one is <t:{next}:F>, at plan week {}.",
                code(&r.track),
                s.week
            );
            if store.resume_paused(s.id, &reason, next, &back, now).await? {
                out.resumed += 1;
            }
        }
    }
    Ok(out)
}

/// Why a `rename:old=new` can't be done, or what it moved.
pub async fn rename(
    store: &dyn Store,
    c: &Curriculum,
    old: &str,
    new: &str,
    now: i64,
) -> Result<TrackRefs, String> {
    let Some(t) = c.track_by_name(new) else {
        return Err(format!(
            "there is no track {} to map {} to",
            code(new),
            code(old)
        ));
    };
    if c.track_by_name(old).is_some() {
        return Err(format!(
            "{} is still a track of the curriculum: nothing to map",
            code(old)
        ));
    }
    let slug = &c.tracks[t].slug;
    store
        .rename_track(old, slug, now)
        .await
        .map_err(|e| format!("mapping {} to {} failed: {e}", code(old), code(slug)))
}

/// `old=new` of a `rename:` option.
pub fn parse_rename(text: &str) -> Result<(String, String), String> {
    let wrong = || {
        format!(
            "`rename` is `old=new` (two track slugs), not {}",
            code(text)
        )
    };
    let (old, new) = text.split_once('=').ok_or_else(wrong)?;
    let (old, new) = (old.trim(), new.trim());
    if old.is_empty() || new.is_empty() {
        return Err(wrong());
    }
    Ok((old.to_string(), new.to_string()))
}
