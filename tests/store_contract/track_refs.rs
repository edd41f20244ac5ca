//! Contract tests of what points at a track slug (issue 17): counts per slug, pausing a missing
//! track's running subscriptions, resuming them (compare-and-set) and mapping a slug to another.

use std::sync::Arc;

use curriculum_bot::store::{NewPin, Store, Subscription};
use expect_test::expect;

use super::fixture::*;
use super::{check, lines};

async fn subscribe(store: &Arc<dyn Store>, user: i64, track: &str) -> Subscription {
    let mut new = dm(user, T0 + WEEK);
    new.track = Some(track.into());
    new.week = 40;
    store.subscribe(&new, T0).await.unwrap()
}

async fn refs(store: &Arc<dyn Store>) -> String {
    lines(&store.track_refs().await.unwrap(), |r| format!("{r:?}"))
}

pub async fn missing_tracks(fx: Arc<Fixture>) {
    let store = fx.open().await;
    subscribe(&store, 10, "kept").await;
    let gone = subscribe(&store, 11, "gone").await;
    let paused = subscribe(&store, 12, "gone").await;
    store.pause(paused.id, "member", T0).await.unwrap();
    store
        .set_member_track(Some(1), 11, "gone", T0)
        .await
        .unwrap();
    store.set_member_track(None, 11, "kept", T0).await.unwrap();
    store.set_channel_track(1, 500, "gone", T0).await.unwrap();
    let pin = NewPin {
        guild_id: 1,
        channel_id: 500,
        message_id: 900,
        track: "gone",
        module: 2,
        hash: "aaaa",
    };
    store.record_pin(&pin, T0).await.unwrap();
    let before = refs(&store).await;

    let (reason, notice) = ("track gone", "Your reminders are paused");
    let n = store
        .pause_track("gone", reason, notice, T0 + 1)
        .await
        .unwrap();
    let held = store.paused_for("gone", reason).await.unwrap();
    let notices = store.take_notices(11).await.unwrap();
    let back = "Back on";
    let first = store
        .resume_paused(gone.id, reason, T0 + WEEK, back, T0 + 2)
        .await
        .unwrap();
    let again = store
        .resume_paused(gone.id, reason, T0 + WEEK, back, T0 + 3)
        .await
        .unwrap();
    let member_paused = store.resume_paused(paused.id, reason, T0, back, T0).await;
    let moved = store.rename_track("gone", "renamed", T0 + 4).await.unwrap();
    let subs = [
        store.get(gone.id).await.unwrap().unwrap(),
        store.get(paused.id).await.unwrap().unwrap(),
    ];
    let bad = store.rename_track("renamed", " x", T0).await.is_err();
    check(
        format!(
            "{before}paused {n}: {:?}\nnotices {notices:?}\nresumed {first}, again {again}, \
             member's pause {member_paused:?}\nmoved {moved:?}\n{}{}bad slug refused {bad}\n",
            held.iter().map(|s| s.owner_user_id).collect::<Vec<_>>(),
            lines(&subs, |s| format!(
                "{} {}",
                s.track.as_deref().unwrap_or("-"),
                sub_line(s)
            )),
            refs(&store).await,
        ),
        expect![[r#"
            TrackRefs { track: "gone", subscriptions: 2, members: 1, channels: 1, pins: 1 }
            TrackRefs { track: "kept", subscriptions: 1, members: 1, channels: 0, pins: 0 }
            paused 1: [11]
            notices ["Your reminders are paused"]
            resumed true, again false, member's pause Ok(false)
            moved TrackRefs { track: "renamed", subscriptions: 2, members: 1, channels: 1, pins: 1 }
            renamed dm owner=11 guild=Some(1) day=0 09:00 UTC pathway=None week=40 next=T+604800 active notice=Some("Back on") created=T+0 updated=T+4
            renamed dm owner=12 guild=Some(1) day=0 09:00 UTC pathway=None week=40 next=T+604800 paused(member) notice=None created=T+0 updated=T+4
            TrackRefs { track: "kept", subscriptions: 1, members: 1, channels: 0, pins: 0 }
            TrackRefs { track: "renamed", subscriptions: 2, members: 1, channels: 1, pins: 1 }
            bad slug refused true
        "#]],
    );
}
