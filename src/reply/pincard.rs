//! PURE. The card `/pin` posts and living pins keep true: the module's card, without paging
//! buttons, carrying the track's roadmap picture (`attachment://roadmap.png`, no marker: a pin is
//! everyone's). [`PinCard::hash`] says whether a pinned card is current; it covers the picture's
//! SVG, so a change to the track's timeline re-edits its pins. Pictures are drawn once per SVG
//! and kept in the catalog's [`Pictures`] (a memo: the same SVG always gives the same PNG).

use super::message::{EmbedImage, Message};
use super::roadmap::{self as answer, FILE_NAME};
use super::{modules, Catalog};
use crate::roadmap::{png, svg};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// PNGs drawn for pins, by their SVG text. Bounded: cleared when it holds this many.
const PICTURES_MAX: usize = 512;

/// A drawn picture: PNG bytes, or `None` when the SVG can't be drawn.
pub type Drawn = Option<Arc<[u8]>>;

/// The catalog's memo of pin pictures, by SVG text.
#[derive(Default)]
pub struct Pictures(Mutex<HashMap<Arc<str>, Drawn>>);

impl Pictures {
    /// The PNG of `svg` if drawn before (`Some(None)`: it can't be drawn).
    pub fn known(&self, svg: &str) -> Option<Drawn> {
        self.0.lock().ok().and_then(|map| map.get(svg).cloned())
    }

    /// Remembers what `svg` gave.
    pub fn remember(&self, svg: Arc<str>, drawn: Drawn) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= PICTURES_MAX {
                map.clear();
            }
            map.insert(svg, drawn);
        }
    }

    /// The PNG of `svg`, drawn now unless drawn before; `None` when it can't be drawn.
    fn png(&self, svg: &Arc<str>) -> Drawn {
        if let Some(known) = self.known(svg) {
            return known;
        }
        // Drawn outside the lock: two pins of different tracks draw at once.
        let drawn = draw(svg);
        self.remember(svg.clone(), drawn.clone());
        drawn
    }
}

/// Draws `svg` as PNG (CPU only, tens of milliseconds: async callers run it off the runtime).
pub fn draw(svg: &str) -> Drawn {
    png::png(svg).ok().map(Arc::from)
}

/// A module card as pinned, with the picture it carries.
#[derive(Debug, Clone, PartialEq)]
pub struct PinCard {
    /// The card; its embed shows `attachment://roadmap.png` when there is a picture.
    pub message: Message,
    /// The SVG of the track's roadmap, when the track has something to draw.
    pub svg: Option<Arc<str>>,
}

impl PinCard {
    /// The content hash of what the card shows (FNV-1a 64 over its JSON and the picture's SVG,
    /// hex): stable across builds and machines, so replicas and restarts agree on which pins
    /// are current.
    pub fn hash(&self) -> String {
        let json = serde_json::to_string(&self.message).unwrap_or_default();
        let svg = self.svg.as_deref().unwrap_or("");
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in json.bytes().chain([0]).chain(svg.bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{h:016x}")
    }

    /// The card without its picture: what is posted where the bot may not attach files.
    pub fn bare(&self) -> PinCard {
        PinCard {
            message: without_picture(self.message.clone()),
            svg: None,
        }
    }

    /// Whether a pin recorded with `hash` shows this card, with its picture or (posted where the
    /// bot may not attach files) without it.
    pub fn shown_by(&self, hash: &str) -> bool {
        self.hash() == hash || (self.svg.is_some() && self.bare().hash() == hash)
    }

    /// The message to post or edit to: the card with its picture uploaded as `roadmap.png`
    /// (drawn once per catalog and SVG). Without a picture when it can't be drawn.
    pub fn message(&self, cat: &Catalog) -> Message {
        self.with_png(self.svg.as_ref().and_then(|s| cat.pictures.png(s)))
    }

    /// The message to post with `png` (this card's picture, drawn by the caller) uploaded, or
    /// without a picture when there is none.
    pub fn with_png(&self, png: Drawn) -> Message {
        match png {
            Some(png) => self.message.clone().with_file(FILE_NAME, png.to_vec()),
            None => without_picture(self.message.clone()),
        }
    }
}

fn without_picture(mut m: Message) -> Message {
    for e in &mut m.embeds {
        e.image = None;
    }
    m
}

/// The card `/pin` posts for module `number` of track `track` (a slug), as the curriculum has it
/// now; `None` when that module (or track) is gone. Living pins are edited to match it.
pub fn pin_card(cat: &Catalog, track: &str, number: u32) -> Option<PinCard> {
    let c = &cat.curriculum;
    let t = c.tracks.iter().position(|t| t.slug == track)?;
    let mi = c.tracks[t].module(c, number)?;
    Some(card(cat, mi))
}

/// The pinned card of module `mi` (an index into the curriculum's modules).
pub fn card(cat: &Catalog, mi: usize) -> PinCard {
    let c = &cat.curriculum;
    let t = c.modules[mi].track;
    let track = c.tracks.get(t);
    let drawable = track.is_some_and(|t| !(t.modules.is_empty() && t.plan.is_empty()));
    let svg: Option<Arc<str>> = drawable.then(|| svg::build(&answer::input(cat, t, None)).into());
    let mut message = Message {
        // No paging buttons: they would page for whoever clicks.
        components: Vec::new(),
        ..modules::card(cat, mi, 0)
    };
    if svg.is_some() {
        if let Some(e) = message.embeds.first_mut() {
            e.image = Some(EmbedImage {
                url: format!("attachment://{FILE_NAME}"),
            });
        }
    }
    PinCard { message, svg }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit;

    #[test]
    fn a_pinned_card_carries_its_tracks_roadmap() {
        let cat = testkit::catalog();
        let slug = cat.curriculum.tracks[0].slug.clone();
        let card = pin_card(&cat, &slug, 1).expect("module 1");
        let m = card.message(&cat);
        assert_eq!(m.files.len(), 1);
        assert_eq!(m.files[0].name, "roadmap.png");
        assert!(m.files[0].bytes.starts_with(b"\x89PNG"));
        assert_eq!(m.attachments[0].filename, "roadmap.png");
        let image = m.embeds[0].image.as_ref().expect("the embed shows it");
        assert_eq!(image.url, "attachment://roadmap.png");
        assert!(m.components.is_empty(), "no paging buttons on a pin");
        // Drawn once: a second card of the same track reuses the picture.
        let again = pin_card(&cat, &slug, 2).expect("module 2").message(&cat);
        assert_eq!(again.files[0].bytes, m.files[0].bytes);
        assert_eq!(cat.pictures.0.lock().unwrap().len(), 1);
    }

    #[test]
    fn the_hash_follows_the_picture_not_just_the_card() {
        let cat = testkit::catalog();
        let slug = cat.curriculum.tracks[0].slug.clone();
        let card = pin_card(&cat, &slug, 1).expect("module 1");
        let mut redrawn = card.clone();
        redrawn.svg = Some(format!("{}<!-- -->", card.svg.as_deref().unwrap()).into());
        assert_ne!(card.hash(), redrawn.hash());
        assert_eq!(card.hash(), pin_card(&cat, &slug, 1).unwrap().hash());
        assert_ne!(card.hash(), pin_card(&cat, &slug, 2).unwrap().hash());
    }

    #[test]
    fn a_bare_card_is_still_current_but_another_card_is_not() {
        let cat = testkit::catalog();
        let slug = cat.curriculum.tracks[0].slug.clone();
        let card = pin_card(&cat, &slug, 1).expect("module 1");
        let bare = card.bare();
        assert!(bare.message(&cat).files.is_empty());
        assert!(bare.message(&cat).embeds[0].image.is_none());
        assert_ne!(bare.hash(), card.hash());
        assert!(card.shown_by(&card.hash()) && card.shown_by(&bare.hash()));
        let other = pin_card(&cat, &slug, 2).expect("module 2");
        assert!(!other.shown_by(&card.hash()) && !other.shown_by(&bare.hash()));
    }

    #[test]
    fn a_card_without_a_picture_shows_no_image() {
        let cat = testkit::catalog();
        let slug = cat.curriculum.tracks[0].slug.clone();
        let mut card = pin_card(&cat, &slug, 1).expect("module 1");
        card.svg = Some("<not svg".into());
        let m = card.message(&cat);
        assert!(m.files.is_empty() && m.attachments.is_empty());
        assert!(m.embeds[0].image.is_none(), "no dangling attachment://");
    }
}
