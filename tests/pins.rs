//! Living pins end to end: `/pin` through `App::handle`, the real REST client against the fake
//! Discord (which validates every request against the OpenAPI spec and keeps pinned state), and a
//! real store. A reload edits changed cards in place; a removed module's pin says so and gets
//! its card back when the module returns; a deleted pin is forgotten; two replicas edit each pin
//! once. Issue 17's reload scenarios (rename, half-written save, quick reloads) are in
//! `reload_tracks.rs`.

#[path = "pins/kit.rs"]
mod kit;
mod support;

use std::sync::Arc;
use std::time::Duration;

use curriculum_bot::app::App;
use curriculum_bot::pins::{refresh_pins, RefreshReport};
use curriculum_bot::reply::pincard::pin_card;
use curriculum_bot::store::Store;
use kit::*;
use support::fake_discord::{FakeDiscord, Fault, Options};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pinned_card_is_edited_in_place_after_a_reload() {
    let w = world().await;
    let who = moderator(&w.fake);
    let id = pin(&w.app, &w.fake, 1).await;
    let other = pin(&w.app, &w.fake, 2).await;
    assert_eq!(duration(&message(&w.fake, id)), "6-8 weeks");
    let first_picture = picture(&w, &message(&w.fake, id));
    let listed = run(&w.app, "/pin list", &who).await;
    assert_eq!(listed.matches("✅ current").count(), 2, "{listed}");

    // A moderator changes Module 1's duration on disk and reloads.
    edit_overview(
        &w.data,
        "MLOps Fundamentals (6-8 weeks)",
        "MLOps Fundamentals (9-12 weeks)",
    );
    let reply = run(&w.app, "/curriculum reload", &who).await;
    assert!(reply.contains("Reloaded ("), "{reply}");
    let path = |m: u64| format!("/channels/{}/messages/{m}", w.fake.channel_id());
    let edited = |m: u64| {
        let (fake, path) = (&w.fake, path(m));
        async move {
            let t = std::time::Instant::now();
            while t.elapsed() < T
                && !fake
                    .requests_to("PATCH /channels/*/messages/*")
                    .iter()
                    .any(|r| r.path == path && r.status == 200)
            {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    };
    edited(id).await;
    edited(other).await;

    // In place: same message, new card, new picture, still pinned.
    let now = message(&w.fake, id);
    assert_eq!(duration(&now), "9-12 weeks");
    assert!(now["edited_timestamp"].is_string());
    assert_eq!(now["pinned"], true);
    assert!(w.fake.pins(w.fake.channel_id()).contains(&id));
    assert_eq!(
        w.fake.message_count(w.fake.channel_id()),
        2,
        "nothing new posted"
    );
    let new_picture = picture(&w, &now);
    assert_ne!(new_picture, first_picture, "the timeline was redrawn");
    // Module 2's card text is the same, but the track's timeline it carries changed.
    let other_now = message(&w.fake, other);
    assert!(other_now["edited_timestamp"].is_string());
    assert_eq!(picture(&w, &other_now), new_picture);
    assert_eq!(edits(&w.fake), 2);

    // The store knows the pins are current again; a second refresh edits nothing.
    wait_current(&w, id, 1).await;
    wait_current(&w, other, 2).await;
    let again = refresh(&w, &w.app.catalog()).await;
    assert_eq!((again.edited, again.current), (0, 2));
    assert_eq!(edits(&w.fake), 2);
    let listed = run(&w.app, "/pin list", &who).await;
    assert_eq!(listed.matches("✅ current").count(), 2, "{listed}");

    // A change that leaves the timeline alone (Module 1's focus) edits Module 1's card only.
    edit_overview(
        &w.data,
        "Core concepts and lifecycle",
        "Core concepts and culture",
    );
    let reply = run(&w.app, "/curriculum reload", &who).await;
    assert!(reply.contains("Reloaded ("), "{reply}");
    wait_current(&w, id, 1).await;
    assert_eq!(edits(&w.fake), 3);
    let fields = message(&w.fake, id)["embeds"][0]["fields"].to_string();
    assert!(fields.contains("Core concepts and culture"), "{fields}");
    assert_eq!(picture(&w, &message(&w.fake, id)), new_picture);
    w.fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pin_list_shows_outdated_pins_and_needs_manage_messages() {
    let w = world().await;
    pin(&w.app, &w.fake, 3).await;
    // Served catalog changed without a refresh yet (e.g. another replica's reload).
    w.app.replace_catalog(with_weeks(load(&w.data), 3, 30, 31));
    let listed = run(&w.app, "/pin list", &moderator(&w.fake)).await;
    assert!(
        listed.contains("Module 3 (`mlops-engineering`)"),
        "{listed}"
    );
    assert!(listed.contains("🔄 outdated"), "{listed}");
    let member = curriculum_bot::reply::ask::Asker {
        moderator: false,
        ..moderator(&w.fake)
    };
    let refused = run(&w.app, "/pin list", &member).await;
    assert!(refused.contains("Manage Messages"), "{refused}");
}

/// Regression (issue 17): a removed module's pin said so and was forgotten, so when the module
/// came back (the second half of a save) the pin stayed a notice. Now it stays tracked and gets
/// its card back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_modules_pin_says_so_stays_tracked_and_comes_back() {
    let w = world().await;
    let id = pin(&w.app, &w.fake, 4).await;
    let kept = pin(&w.app, &w.fake, 1).await;
    let report = refresh(&w, &without_module(load(&w.data), 4)).await;
    // Module 1's card is edited too: the timeline it carries lost a bar.
    assert_eq!((report.removed, report.current, report.edited), (1, 0, 1));
    let now = message(&w.fake, id);
    let text = now["content"].as_str().unwrap_or("");
    assert!(
        text.contains("Module 4") && text.contains("no longer in the curriculum"),
        "{text}"
    );
    assert_eq!(now["embeds"], serde_json::json!([]), "the old card is gone");
    assert_eq!(now["attachments"], serde_json::json!([]), "and its picture");
    assert_eq!(now["pinned"], true);
    let ids: Vec<i64> = tracked(&w).await.iter().map(|p| p.message_id).collect();
    assert_eq!(ids, vec![id as i64, kept as i64], "both still tracked");
    w.app.replace_catalog(without_module(load(&w.data), 4));
    let listed = run(&w.app, "/pin list", &moderator(&w.fake)).await;
    assert!(listed.contains("module or track is missing"), "{listed}");
    assert_eq!(listed.matches("✅ current").count(), 1, "{listed}");
    w.app.replace_catalog(load(&w.data));
    // The notice is current: the next refresh with the module still gone edits nothing.
    let again = refresh(&w, &without_module(load(&w.data), 4)).await;
    assert_eq!((again.current, again.edited, again.removed), (2, 0, 0));
    assert_eq!(edits(&w.fake), 2);
    // The module returns: both cards are edited back to the served one.
    let back = refresh(&w, &load(&w.data)).await;
    assert_eq!((back.edited, back.removed), (2, 0));
    let restored = message(&w.fake, id);
    assert_eq!(duration(&restored), "6-8 weeks");
    assert_eq!(restored["pinned"], true);
    picture(&w, &restored);
    wait_current(&w, id, 4).await;
    w.fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_pin_is_forgotten_not_retried() {
    let w = world().await;
    let id = pin(&w.app, &w.fake, 2).await;
    // A person deletes the card.
    let rest = rest(&w.fake, 45);
    let path = format!("/channels/{}/messages/{id}", w.fake.channel_id());
    rest.call(reqwest::Method::DELETE, &path, None, false)
        .await
        .expect("deleted");
    let changed = with_weeks(load(&w.data), 2, 10, 11);
    let report = refresh(&w, &changed).await;
    assert_eq!((report.forgotten, report.edited), (1, 0));
    let refused = w.fake.requests_to("PATCH /channels/*/messages/*");
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].status, 404);
    assert!(tracked(&w).await.is_empty());
    // Forgotten: no second attempt.
    assert_eq!(refresh(&w, &changed).await, RefreshReport::default());
    assert_eq!(w.fake.requests_to("PATCH /channels/*/messages/*").len(), 1);
    w.fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pins_in_a_lost_channel_are_forgotten_and_failures_retried() {
    let w = world().await;
    let (a, b, c) = (
        pin(&w.app, &w.fake, 1).await,
        pin(&w.app, &w.fake, 1).await,
        pin(&w.app, &w.fake, 1).await,
    );
    let route = "PATCH /channels/*/messages/*";
    w.fake.inject(route, Fault::unknown_channel(), 1);
    w.fake
        .inject(route, Fault::error(403, 50001, "Missing Access"), 1);
    // A 500 on every attempt of the third: the client gives up, the pin waits for next time.
    w.fake
        .inject(route, Fault::error(500, 0, "Internal Server Error"), 6);
    let changed = with_weeks(load(&w.data), 1, 40, 41);
    let report = refresh(&w, &changed).await;
    assert_eq!((report.forgotten, report.failed, report.edited), (2, 1, 0));
    let left = tracked(&w).await;
    assert_eq!(left.len(), 1);
    assert!([a, b, c].contains(&(left[0].message_id as u64)));
    assert_eq!(left[0].claimed_by, None, "released for the next refresh");
    let report = refresh(&w, &changed).await;
    assert_eq!((report.edited, report.forgotten), (1, 0));
    assert_eq!(
        duration(&message(&w.fake, left[0].message_id as u64)),
        "40-41 weeks"
    );
    w.fake.assert_no_violations();
}

/// Where the bot may not attach files, a card goes up (and is edited) without its picture, and
/// still counts as current; when the interaction says so up front, no upload is even tried.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_attach_files_a_card_goes_up_without_its_picture() {
    use support::fake_discord::perms;
    let w = world().await;
    let who = moderator(&w.fake);
    let channel = w.fake.channel_id();
    w.fake
        .set_bot_permissions(channel, perms::BOT & !perms::ATTACH_FILES);
    // Without app_permissions (unknown) the upload is tried, refused (50013) and the card
    // re-posted bare.
    let defs = curriculum_bot::reply::registry::definitions(&w.app.catalog().curriculum);
    let pin_as = |line: &str, perms: Option<u64>| {
        let mut i = curriculum_bot::reply::ask::interaction(line, &defs, &who).unwrap();
        i.app_permissions = perms.map(|p| p.to_string());
        let app = &w.app;
        async move { curriculum_bot::reply::render::text(&app.handle(&i).await.response) }
    };
    let reply = pin_as("/pin module 1", None).await;
    assert!(reply.contains("without the roadmap picture"), "{reply}");
    assert!(reply.contains("Attach Files"), "{reply}");
    let cards = w.fake.messages(channel);
    assert_eq!(cards.len(), 1, "one card posted");
    let card = &cards[0];
    assert_eq!(card["attachments"], serde_json::json!([]));
    assert!(card["embeds"][0]["image"].is_null(), "no broken picture");
    assert_eq!(card["pinned"], true);
    let listed = run(&w.app, "/pin list", &who).await;
    assert!(listed.contains("✅ current"), "{listed}");
    assert!(listed.contains("without its roadmap picture"), "{listed}");
    let refused = |fake: &FakeDiscord| {
        let all = fake.requests();
        all.iter().filter(|r| r.status == 403).count()
    };
    assert_eq!(refused(&w.fake), 1);

    // A change: the edit with the picture is refused, the bare edit goes through.
    let changed = with_weeks(load(&w.data), 1, 20, 22);
    let report = refresh(&w, &changed).await;
    assert_eq!(report.edited, 1, "{report:?}");
    let id: u64 = card["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(duration(&message(&w.fake, id)), "20-22 weeks");
    assert_eq!(refused(&w.fake), 2);
    assert_eq!(
        refresh(&w, &changed).await.current,
        1,
        "current without its picture"
    );

    // With app_permissions saying so, the card is posted bare at once: no refused upload.
    let text = pin_as("/pin module 2", Some(perms::BOT & !perms::ATTACH_FILES)).await;
    assert!(text.contains("without the roadmap picture"), "{text}");
    assert_eq!(refused(&w.fake), 2);
    assert_eq!(w.fake.messages(channel).len(), 2);
    w.fake.assert_no_violations();
}

/// Regression: a lost answer to the card's post (created, then a 502) was retried without a
/// nonce, and the channel got two cards. Now the retry carries the same nonce: one card.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_to_the_cards_post_leaves_one_card() {
    let w = world().await;
    let route = "POST /channels/*/messages";
    w.fake.inject(route, Fault::created_then_502(), 1);
    let id = pin(&w.app, &w.fake, 1).await; // asserts one card posted
    let posts = w.fake.requests_to(route);
    assert_eq!(posts.len(), 2, "the post was tried again");
    assert_eq!(
        posts[0].body.as_ref().unwrap()["nonce"],
        posts[1].body.as_ref().unwrap()["nonce"]
    );
    assert!(w.fake.pins(w.fake.channel_id()).contains(&id));
    let tracked = tracked(&w).await;
    assert_eq!(tracked.len(), 1);
    assert_eq!(tracked[0].message_id, id as i64);
    w.fake.assert_no_violations();
}

/// `n` pins of Module 1 and 2 made through `/pin`, then both replicas refresh at once.
async fn race(fake: &FakeDiscord, stores: [Arc<dyn Store>; 2], data: &std::path::Path, n: u32) {
    let first = App::new(load(data), rest(fake, 45), stores[0].clone());
    for k in 0..n {
        pin(&first, fake, 1 + k % 2).await;
    }
    let changed = Arc::new(with_weeks(with_weeks(load(data), 1, 14, 15), 2, 16, 17));
    let run = |store: Arc<dyn Store>, name: &'static str| {
        let (discord, cat) = (rest(fake, 45), changed.clone());
        tokio::spawn(async move { refresh_pins(&*store, &*discord, &cat, name).await })
    };
    let a = run(stores[0].clone(), "replica-a");
    let b = run(stores[1].clone(), "replica-b");
    let (a, b) = (a.await.unwrap().unwrap(), b.await.unwrap().unwrap());
    eprintln!("replica a: {a:?}\nreplica b: {b:?}");
    assert_eq!(
        a.edited + b.edited,
        u64::from(n),
        "each pin edited by one replica"
    );
    assert_eq!(edits(fake), n as usize, "one PATCH per pin");
    let mut patched: Vec<String> = fake
        .requests_to("PATCH /channels/*/messages/*")
        .into_iter()
        .map(|r| r.path)
        .collect();
    patched.sort();
    patched.dedup();
    assert_eq!(patched.len(), n as usize, "no pin edited twice");
    for p in stores[0].list_pins(fake.guild_id() as i64).await.unwrap() {
        let card = pin_card(&changed, &p.track, p.module).unwrap();
        assert_eq!(p.hash, card.hash());
        assert_eq!(p.claimed_by, None);
    }
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_refreshes_racing_on_sqlite_edit_each_pin_once() {
    let fake = FakeDiscord::start(Options::default()).await;
    let dir = temp_dir("pins-race");
    let data = copy_seed(&dir);
    let store = sqlite_store(&dir).await;
    race(&fake, [store.clone(), store], &data, 24).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_on_postgres_edit_each_pin_once() {
    let Some(base) = support::postgres::database_url() else {
        return;
    };
    let pg = support::postgres::Schema::create(&base, "pins").await;
    let db = &pg.url;
    let open = || async {
        curriculum_bot::store::open(db, &Default::default())
            .await
            .unwrap()
    };
    let stores = [open().await, open().await];
    let fake = FakeDiscord::start(Options::default()).await;
    let dir = temp_dir("pins-pg");
    let data = copy_seed(&dir);
    race(&fake, stores, &data, 24).await;
    let _ = std::fs::remove_dir_all(&dir);
    pg.drop().await;
}

/// `/pin module <x>` and `/pin list` are subcommands; a bare `module` option (how `/pin` was
/// registered before) still means `/pin module`.
#[test]
fn pin_subcommands_and_the_old_shape_parse() {
    use curriculum_bot::reply::command::{parse, Command};
    use curriculum_bot::reply::Interaction;
    let command = |options: serde_json::Value| -> Command {
        let i: Interaction = serde_json::from_value(serde_json::json!({
            "type": 2, "data": { "name": "pin", "options": options }
        }))
        .expect("an interaction");
        parse(&i).expect("parses")
    };
    let old = serde_json::json!([{ "name": "module", "type": 3, "value": "2" }]);
    let sub = serde_json::json!([{ "name": "module", "type": 1, "options": old }]);
    let list = serde_json::json!([{ "name": "list", "type": 1 }]);
    let two = Command::Pin { module: "2".into() };
    assert_eq!(command(old), two);
    assert_eq!(command(sub), two);
    assert_eq!(command(list), Command::PinList);
    let empty = serde_json::json!([{ "name": "module", "type": 1 }]);
    let i: Interaction = serde_json::from_value(serde_json::json!({
        "type": 2, "data": { "name": "pin", "options": empty }
    }))
    .unwrap();
    assert!(parse(&i).is_err(), "the module is required");
}
