//! Issue 17, end to end through the fake Discord (real REST client, real SQLite store, the
//! bot's own handler): a track renamed on disk (a subscriber mid-track keeps the track and is
//! paused, then resumes when the folder returns; or a moderator maps the slug; a due reminder of
//! a missing track is paused, not sent). The half-written save and the quick reloads are in
//! `reload_pins.rs`.

use std::sync::Arc;

use curriculum_bot::app::App;

#[path = "pins/kit.rs"]
mod kit;
mod support;

use curriculum_bot::reply::ask::Asker;
use curriculum_bot::store::Subscription;
use kit::*;

const TRACK: &str = "mlops-engineering";

/// A member of the fake's guild (no moderator rights).
fn member(w: &World) -> Asker {
    Asker {
        user_id: "100000000000000005".into(),
        moderator: false,
        ..moderator(&w.fake)
    }
}

async fn dm(w: &World) -> Subscription {
    let s = w.app.store.get_dm(100000000000000005).await.unwrap();
    s.expect("the member's subscription")
}

fn rename_track_folder(w: &World, from: &str, to: &str) {
    let root = w.data.join("curriculum");
    std::fs::rename(root.join(from), root.join(to)).expect("rename the track's folder");
}

/// Everything pointing at the track: a subscriber at week 40 of 48, the member's and the
/// channel's choice, a living pin.
async fn tracked_world() -> (World, u64) {
    let w = world().await;
    let who = member(&w);
    let reply = run(&w.app, "/remind subscribe start_week:40", &who).await;
    assert!(reply.to_lowercase().contains("week 40"), "{reply}");
    assert_eq!(dm(&w).await.track.as_deref(), Some(TRACK));
    let guild = Some(w.fake.guild_id() as i64);
    let store = &w.app.store;
    store
        .set_member_track(guild, 100000000000000005, TRACK, 1)
        .await
        .unwrap();
    let channel = w.fake.channel_id() as i64;
    store
        .set_channel_track(w.fake.guild_id() as i64, channel, TRACK, 1)
        .await
        .unwrap();
    let id = pin(&w.app, &w.fake, 2).await;
    (w, id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renamed_track_pauses_its_subscriber_and_resumes_when_the_folder_returns() {
    let (w, pinned) = tracked_world().await;
    let mods = moderator(&w.fake);
    rename_track_folder(&w, TRACK, "mlops");

    // Held first: the reload would remove a track with modules.
    let held = run(&w.app, "/curriculum reload", &mods).await;
    assert!(
        held.contains(&format!(
            "Held: {TRACK} would be removed with its 5 modules; `/curriculum reload force:true` applies it"
        )),
        "{held}"
    );
    assert!(w.app.catalog().curriculum.track_by_name(TRACK).is_some());
    assert!(dm(&w).await.paused_reason.is_none(), "held: nothing paused");

    // Forced: the old slug is kept everywhere and counted; the subscription pauses.
    let forced = run(&w.app, "/curriculum reload force:true", &mods).await;
    assert!(forced.contains("Reloaded ("), "{forced}");
    assert!(
        forced.contains(&format!(
            "Pointing at a missing track: `{TRACK}` (1 subscription, 1 member, 1 channel, 1 pin)"
        )),
        "{forced}"
    );
    assert!(forced.contains("1 subscription paused now"), "{forced}");
    let s = dm(&w).await;
    assert_eq!(
        (s.track.as_deref(), s.week, s.paused_by_system),
        (Some(TRACK), 40, true)
    );
    assert!(s.paused_reason.as_deref().unwrap().contains(TRACK));
    let store = &w.app.store;
    let guild = Some(w.fake.guild_id() as i64);
    let channel = w.fake.channel_id() as i64;
    let kept = store.member_track(guild, 100000000000000005).await.unwrap();
    assert_eq!(kept.as_deref(), Some(TRACK));
    let kept = store.channel_track(channel).await.unwrap();
    assert_eq!(kept.as_deref(), Some(TRACK));
    // The pin says its track is missing, and stays tracked.
    until("the pin says its track is missing", async || {
        let m = message(&w.fake, pinned);
        m["content"]
            .as_str()
            .is_some_and(|t| t.contains("not in the curriculum right now"))
    })
    .await;
    let pins = tracked(&w).await;
    assert_eq!(pins.len(), 1);
    assert_eq!(pins[0].track, TRACK);
    // Told at the next use, never congratulated.
    let next = run(&w.app, "/help", &member(&w)).await;
    assert!(
        next.contains(&format!("your track `{TRACK}` is not in the curriculum")),
        "{next}"
    );
    assert!(!next.contains("Congratulations"), "{next}");

    // The folder returns: everything resumes where it was.
    rename_track_folder(&w, "mlops", TRACK);
    let back = run(&w.app, "/curriculum reload force:true", &mods).await;
    assert!(back.contains("1 subscription resumed"), "{back}");
    let s = dm(&w).await;
    assert_eq!(
        (s.track.as_deref(), s.week, s.paused_reason.as_deref()),
        (Some(TRACK), 40, None)
    );
    assert!(!s.paused_by_system);
    let told = run(&w.app, "/help", &member(&w)).await;
    assert!(told.contains("reminders are back on"), "{told}");
    until("the pin shows its card again", async || {
        duration(&message(&w.fake, pinned)) == "8-10 weeks"
    })
    .await;
    wait_current(&w, pinned, 2).await;
    w.fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moderator_maps_the_old_slug_to_the_renamed_track() {
    let (w, pinned) = tracked_world().await;
    let mods = moderator(&w.fake);
    rename_track_folder(&w, TRACK, "mlops");
    let bad = run(&w.app, "/curriculum reload force:true rename:mlops", &mods).await;
    assert!(bad.contains("`rename` is `old=new`"), "{bad}");
    let nowhere = run(
        &w.app,
        "/curriculum reload force:true rename:mlops-engineering=nowhere",
        &mods,
    )
    .await;
    assert!(nowhere.contains("there is no track"), "{nowhere}");
    assert!(w.app.catalog().curriculum.track_by_name(TRACK).is_some());

    let mapped = run(
        &w.app,
        "/curriculum reload force:true rename:mlops-engineering=mlops",
        &mods,
    )
    .await;
    assert!(
        mapped.contains("Now following `mlops`: 1 subscription, 1 member, 1 channel, 1 pin."),
        "{mapped}"
    );
    assert!(!mapped.contains("missing track"), "{mapped}");
    let s = dm(&w).await;
    assert_eq!(
        (s.track.as_deref(), s.week, s.paused_reason.as_deref()),
        (Some("mlops"), 40, None)
    );
    let pins = tracked(&w).await;
    assert_eq!(pins[0].track, "mlops");
    // The pin follows the renamed track: current, still its module's card, never a notice.
    until("the pin is current", async || {
        let p = tracked(&w).await;
        let card = curriculum_bot::pins::wanted(&w.app.catalog(), &p[0]);
        card.shown_by(&p[0].hash) && p[0].claimed_by.is_none()
    })
    .await;
    assert_eq!(duration(&message(&w.fake, pinned)), "8-10 weeks");
    w.fake.assert_no_violations();
}

/// Regression: start-up's "assign" gives untracked subscriptions the first track; it must never
/// move one whose track is merely missing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_up_never_moves_a_subscription_whose_track_is_missing() {
    let (w, _) = tracked_world().await;
    rename_track_folder(&w, TRACK, "mlops");
    w.app.replace_catalog(load(&w.data));
    assert_eq!(w.app.assign_untracked().await.unwrap(), 0);
    let followed = curriculum_bot::reload::tracks::follow(
        &*w.app.store,
        &w.app.catalog().curriculum,
        curriculum_bot::app::unix_now(),
    )
    .await
    .unwrap();
    assert_eq!(followed.paused, 1);
    let s = dm(&w).await;
    assert_eq!((s.track.as_deref(), s.week), (Some(TRACK), 40));
    assert!(s.paused_reason.is_some());
}

/// An `Arc` app (the watcher's reload outlives a borrow) over the world's store and Discord.
fn shared(w: &World) -> Arc<App> {
    let (store, discord) = (w.app.store.clone(), w.app.discord.clone());
    let app = App::new(load(&w.data), discord, store);
    Arc::new(app.with_source(w.data.join("curriculum"), settings(&w.data)))
}

/// Regression: a week-40 learner of a renamed track was sent another track's reminder (or
/// "Congratulations on finishing the path!"). A replica that hasn't paused it yet (a `deliver`
/// worker, a send racing the reload) pauses it at the send instead: nothing is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_due_reminder_of_a_missing_track_is_paused_not_sent() {
    let (w, _) = tracked_world().await;
    let app = shared(&w);
    rename_track_folder(&w, TRACK, "mlops");
    app.replace_catalog(load(&w.data));
    let s = dm(&w).await;
    assert!(s.paused_reason.is_none(), "nobody paused it yet");
    let dms = || w.fake.dm_messages(100000000000000005_u64).len();
    let before = dms();
    let cfg = curriculum_bot::delivery::DeliveryConfig {
        clock: curriculum_bot::delivery::Clock::starting_at(s.next_due_at + 60),
        ..Default::default()
    };
    let claimed = curriculum_bot::delivery::tick(&app, &cfg).await.unwrap();
    assert_eq!(claimed, 1);
    assert_eq!(dms(), before, "nothing sent");
    let s = dm(&w).await;
    assert_eq!((s.track.as_deref(), s.week), (Some(TRACK), 40));
    assert!(s.paused_by_system);
    assert!(s.paused_reason.as_deref().unwrap().contains(TRACK));
    let told = run(&app, "/help", &member(&w)).await;
    assert!(told.contains("not in the curriculum right now"), "{told}");
    assert!(!told.contains("Congratulations"), "{told}");
}
