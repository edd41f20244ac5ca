//! Unit tests of posting a card over the in-memory Discord: what is recorded is what shows.

use super::{post, Posted};
use crate::delivery::Clock;
use crate::reply::handle::PinnedCard;
use crate::reply::pincard::pin_card;
use crate::store::Store;
use crate::testkit;

fn pinned(track: &str) -> PinnedCard {
    PinnedCard {
        guild: "100000000000000001".into(),
        track: track.into(),
        module: 1,
        title: "MLOps Fundamentals".into(),
    }
}

#[tokio::test]
async fn a_card_is_recorded_as_it_shows_with_or_without_its_picture() {
    let (cat, store) = (testkit::catalog(), testkit::store().await);
    let discord = testkit::MemDiscord::new(Clock::System);
    let slug = cat.curriculum.tracks[0].slug.clone();
    let card = pin_card(&cat, &slug, 1).expect("module 1");
    let channel = "200000000000000001";
    let posted = post(&*store, &*discord, &cat, channel, &card, &pinned(&slug)).await;
    assert_eq!(posted.unwrap(), Posted::Card);
    // A picture that can't be drawn: the card goes up without it and is recorded so.
    let mut broken = card.clone();
    broken.svg = Some("<not svg".into());
    let posted = post(&*store, &*discord, &cat, channel, &broken, &pinned(&slug)).await;
    assert_eq!(posted.unwrap(), Posted::Card);
    let recorded = store.list_pins(100000000000000001).await.unwrap();
    let hashes: Vec<&str> = recorded.iter().map(|p| p.hash.as_str()).collect();
    assert_eq!(hashes, [card.hash(), broken.bare().hash()]);
    assert_ne!(
        hashes[1],
        broken.hash(),
        "not recorded as showing a picture"
    );
    let sent = discord.sent_to(channel);
    assert_eq!(sent.len(), 2);
}
