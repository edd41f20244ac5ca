//! Issue 17, end to end through the fake Discord (real REST client, real SQLite store, the
//! bot's own handler): a track renamed on disk (a subscriber mid-track keeps the track and is
//! paused, then resumes when the folder returns; or a moderator maps the slug), a half-written
//! save under the watcher with a living pin, and two quick reloads with 12 pins.

use std::sync::Arc;

use curriculum_bot::app::App;
use curriculum_bot::watch::{self, Debounce};

#[path = "pins/kit.rs"]
mod kit;
mod support;

use std::time::{Duration, Instant};

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

/// Waits (at most [`T`]) until `done` holds.
async fn until(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let start = Instant::now();
    while !done().await {
        assert!(start.elapsed() < T, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
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

/// Starts the watcher as the bot does (`auto_reload`, swapping in and refreshing pins), posting
/// to `#general`; returns the stop signal and the task.
fn watch(
    app: &Arc<App>,
    w: &World,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (app, log) = (app.clone(), w.fake.channel_id().to_string());
    let d = Debounce {
        quiet: Duration::from_millis(300),
        max: Duration::from_secs(5),
    };
    let reload = move || {
        let (app, log) = (app.clone(), log.clone());
        async move {
            let ctx = app.reload_ctx();
            let swap = |cat| app.swap_catalog(cat);
            let current = || app.catalog();
            curriculum_bot::moderation::auto_reload(&ctx, &*app.discord, Some(&log), current, swap)
                .await;
        }
    };
    let root = w.data.join("curriculum");
    let stopped = async move {
        let _ = stopped.await;
    };
    let task = watch::spawn(&root, d, stopped, reload).expect("watching");
    (stop, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_written_save_is_held_and_its_living_pin_never_touched() {
    let w = world().await;
    let app = shared(&w);
    let id = pin(&app, &w.fake, 3).await;
    let channel = w.fake.channel_id();
    let (stop, task) = watch(&app, &w);
    let page = w
        .data
        .join("curriculum")
        .join(TRACK)
        .join("getting-started.md");
    let full = std::fs::read_to_string(&page).unwrap();
    let cut = full
        .find("## Learning Path Structure")
        .expect("the module list");
    // The first half of a save: the module list isn't written yet.
    std::fs::write(&page, &full[..cut]).unwrap();
    until("the watcher holds the reload", async || {
        app.metrics.reloads("held") == 1
    })
    .await;
    let posted = until_posted(&w, channel, "Held:").await;
    assert!(
        posted.contains(&format!("Held: {TRACK} would lose 5 modules; "))
            && posted.contains("; `/curriculum reload force:true` applies it"),
        "{posted}"
    );
    assert_eq!(app.catalog().curriculum.tracks[0].modules.len(), 5);
    // The second half: the same curriculum as served, a reload without changes, not posted.
    let posts = w.fake.message_count(channel);
    std::fs::write(&page, &full).unwrap();
    until("the watcher reloads", async || {
        app.metrics.reloads("reloaded") == 1
    })
    .await;
    let _ = stop.send(());
    task.await.unwrap();
    assert_eq!(
        w.fake.message_count(channel),
        posts,
        "no changes: nothing posted"
    );
    assert_eq!(edits(&w.fake), 0, "the living pin was never edited");
    let pins = tracked(&w).await;
    assert_eq!(pins.len(), 1);
    assert_eq!(pins[0].message_id, id as i64);
    assert_eq!(duration(&message(&w.fake, id)), "8-10 weeks");
    w.fake.assert_no_violations();
}

/// The content of the first message in `channel` containing `needle`, waiting for it.
async fn until_posted(w: &World, channel: u64, needle: &str) -> String {
    let mut found = String::new();
    until("the post", async || {
        let all = w.fake.messages(channel);
        let hit = all.iter().filter_map(|m| m["content"].as_str());
        match hit.into_iter().find(|t| t.contains(needle)) {
            Some(t) => {
                found = t.to_string();
                true
            }
            None => false,
        }
    })
    .await;
    found
}

/// Regression: two reloads in quick succession ran two refreshes at once under one replica id,
/// and the older catalog's edits landed last (8 of 12 pins stayed outdated).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_quick_reloads_leave_all_12_pins_current() {
    let w = world().await;
    let mods = moderator(&w.fake);
    let mut ids = Vec::new();
    for k in 0..12u32 {
        ids.push((pin(&w.app, &w.fake, 1 + k % 5).await, 1 + k % 5));
    }
    edit_overview(
        &w.data,
        "MLOps Fundamentals (6-8 weeks)",
        "MLOps Fundamentals (9-12 weeks)",
    );
    let first = run(&w.app, "/curriculum reload", &mods).await;
    assert!(first.contains("Reloaded ("), "{first}");
    edit_overview(
        &w.data,
        "MLOps Fundamentals (9-12 weeks)",
        "MLOps Fundamentals (13-15 weeks)",
    );
    let second = run(&w.app, "/curriculum reload", &mods).await;
    assert!(
        second.contains("Module 1 duration: 9-12 weeks → 13-15 weeks"),
        "{second}"
    );
    // Discord's per-channel limit on edits (5 per 5 s in the fake) paces this: wait long.
    let want: Vec<(u64, String)> = {
        let cat = w.app.catalog();
        let card = |m| curriculum_bot::reply::pincard::pin_card(&cat, TRACK, m).unwrap();
        ids.iter().map(|&(id, m)| (id, card(m).hash())).collect()
    };
    let start = Instant::now();
    loop {
        let pins = tracked(&w).await;
        let current = want
            .iter()
            .filter(|(id, hash)| {
                pins.iter()
                    .any(|p| p.message_id == *id as i64 && p.hash == *hash)
            })
            .count();
        if current == 12 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "{current} of 12 current"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!("{} edits for 12 pins and two reloads", edits(&w.fake));
    for &(id, module) in &ids {
        let shown = duration(&message(&w.fake, id));
        if module == 1 {
            assert_eq!(shown, "13-15 weeks", "pin {id}");
        }
    }
    let pictures: std::collections::BTreeSet<Vec<u8>> = ids
        .iter()
        .map(|&(id, _)| picture(&w, &message(&w.fake, id)))
        .collect();
    assert_eq!(pictures.len(), 1, "every card carries the newest timeline");
    w.fake.assert_no_violations();
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
