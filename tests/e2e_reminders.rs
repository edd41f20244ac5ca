//! Reminders end to end against the fake Discord: subscribing (and refusing bad input while
//! storing nothing), delivery with nonces, and the faults 50007, 10003, 429 and 502.

mod harness;
mod support;

use curriculum_bot::delivery::{self, DeliveryConfig};
use curriculum_bot::store::{NewSubscription, Schedule, Target};
use serde_json::{json, Value};
use std::time::Duration;
use support::fake_discord::{perms, FakeDiscord, Fault};

const T: Duration = Duration::from_secs(5);

async fn setup() -> (FakeDiscord, harness::Bot) {
    harness::setup().await
}

fn sub(name: &str, options: Value) -> Value {
    json!([{ "name": name, "type": 1, "options": options }])
}

fn content(cb: &Value) -> String {
    cb["data"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn remind(fake: &FakeDiscord, options: Value, who: &support::fake_discord::Invoker) -> Value {
    let id = fake.send_command_as("remind", options, who).await;
    fake.wait_callback(id, T).await.expect("answered").body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribing_sends_a_welcome_dm_and_lists_the_next_three_times() {
    let (fake, bot) = setup().await;
    let member = fake.member();
    let cb = remind(&fake, sub("subscribe", json!([])), &member).await;
    let text = content(&cb);
    assert!(
        text.contains("Monday 09:00") && text.contains("UTC"),
        "defaults stated: {text}"
    );
    assert_eq!(
        text.matches(":F>").count(),
        3,
        "three upcoming times: {text}"
    );
    assert_eq!(cb["data"]["flags"], 64);
    assert_eq!(fake.dm_messages(member.user).len(), 1, "welcome DM");
    let stored = bot
        .app
        .store
        .get_dm(member.user as i64)
        .await
        .unwrap()
        .expect("stored");
    assert_eq!((stored.week, stored.schedule.tz.as_str()), (1, "UTC"));
    let cb = remind(
        &fake,
        sub(
            "subscribe",
            json!([
                { "name": "day", "type": 3, "value": "fri" },
                { "name": "time", "type": 3, "value": "18:30" },
                { "name": "timezone", "type": 3, "value": "Asia/Kathmandu" },
                { "name": "start_week", "type": 4, "value": 3 },
            ]),
        ),
        &member,
    )
    .await;
    assert!(
        content(&cb).contains("Friday 18:30") && content(&cb).contains("Asia/Kathmandu"),
        "{}",
        content(&cb)
    );
    let stored = bot
        .app
        .store
        .get_dm(member.user as i64)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.week, 3);
    let cb = remind(&fake, sub("status", json!([])), &member).await;
    assert!(content(&cb).contains("plan week 3"), "{}", content(&cb));
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_and_closed_dms_store_nothing() {
    let (fake, bot) = setup().await;
    let member = fake.member();
    for (opts, says) in [
        (
            json!([{ "name": "timezone", "type": 3, "value": "Europe/Londn" }]),
            "Europe/London",
        ),
        (
            json!([{ "name": "time", "type": 3, "value": "25:99" }]),
            "25:99",
        ),
        (
            json!([{ "name": "start_week", "type": 4, "value": 0 }]),
            "start_week",
        ),
        (
            json!([{ "name": "start_week", "type": 4, "value": 10000 }]),
            "start_week",
        ),
        (
            json!([{ "name": "pathway", "type": 3, "value": "Astronauts" }]),
            "no pathway",
        ),
    ] {
        let cb = remind(&fake, sub("subscribe", opts.clone()), &member).await;
        assert_eq!(cb["data"]["flags"], 64, "{opts}");
        assert!(
            content(&cb).contains(says) && content(&cb).contains("Nothing was saved"),
            "{opts}: {}",
            content(&cb)
        );
    }
    fake.close_dms(member.user);
    let cb = remind(&fake, sub("subscribe", json!([])), &member).await;
    assert!(
        content(&cb).contains("Privacy Settings"),
        "{}",
        content(&cb)
    );
    assert!(
        bot.app
            .store
            .get_dm(member.user as i64)
            .await
            .unwrap()
            .is_none(),
        "nothing stored"
    );
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn study_groups_need_manage_channels_and_mention_only_their_role() {
    let (fake, bot) = setup().await;
    let ids = fake.ids().clone();
    let opts = sub(
        "subscribe",
        json!([
            { "name": "channel", "type": 7, "value": ids.study.to_string() },
            { "name": "role", "type": 8, "value": ids.study_role.to_string() },
        ]),
    );
    let cb = remind(&fake, opts.clone(), &fake.member()).await;
    assert!(content(&cb).contains("Manage Channels"), "{}", content(&cb));
    assert!(bot
        .app
        .store
        .get_group(ids.study as i64)
        .await
        .unwrap()
        .is_none());
    let everyone = sub(
        "subscribe",
        json!([
            { "name": "channel", "type": 7, "value": ids.study.to_string() },
            { "name": "role", "type": 8, "value": ids.guild.to_string() },
        ]),
    );
    let cb = remind(&fake, everyone, &fake.moderator()).await;
    assert!(content(&cb).contains("not @everyone"), "{}", content(&cb));
    assert!(bot
        .app
        .store
        .get_group(ids.study as i64)
        .await
        .unwrap()
        .is_none());
    let cb = remind(&fake, opts, &fake.moderator()).await;
    assert!(content(&cb).contains("Subscribed"), "{}", content(&cb));
    // Make it due now and deliver.
    let s = bot
        .app
        .store
        .get_group(ids.study as i64)
        .await
        .unwrap()
        .unwrap();
    force_due(&bot, &s).await;
    delivery::tick(&bot.app, &DeliveryConfig::default())
        .await
        .unwrap();
    let posted = fake.messages(ids.study);
    assert_eq!(posted.len(), 1);
    assert_eq!(
        posted[0]["mention_roles"],
        json!([ids.study_role.to_string()]),
        "{}",
        posted[0]
    );
    assert_eq!(posted[0]["mention_everyone"], false);
    fake.assert_no_violations();
}

async fn force_due(bot: &harness::Bot, s: &curriculum_bot::store::Subscription) {
    let now = curriculum_bot::app::unix_now();
    let new = NewSubscription {
        guild_id: s.guild_id,
        owner_user_id: s.owner_user_id,
        target: s.target.clone(),
        schedule: s.schedule.clone(),
        pathway: s.pathway.clone(),
        track: s.track.clone(),
        week: s.week,
        next_due_at: now - 5,
    };
    bot.app.store.subscribe(&new, now).await.unwrap();
}

async fn dm_subscriber(bot: &harness::Bot, user: u64, week: u32) {
    let now = curriculum_bot::app::unix_now();
    let new = NewSubscription {
        guild_id: None,
        owner_user_id: user as i64,
        target: Target::Dm,
        schedule: Schedule {
            weekday: 0,
            hour: 9,
            minute: 0,
            tz: "UTC".into(),
        },
        pathway: Some("Data Scientists".into()),
        track: None,
        week,
        next_due_at: now - 5,
    };
    bot.app.store.subscribe(&new, now).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delivers_once_with_a_nonce_and_advances_the_week() {
    let (fake, bot) = setup().await;
    let user = fake.ids().member;
    dm_subscriber(&bot, user, 2).await;
    let cfg = DeliveryConfig::default();
    assert_eq!(delivery::tick(&bot.app, &cfg).await.unwrap(), 1);
    assert_eq!(
        delivery::tick(&bot.app, &cfg).await.unwrap(),
        0,
        "not due again this week"
    );
    let dms = fake.dm_messages(user);
    assert_eq!(dms.len(), 1);
    assert!(
        dms[0]["embeds"][0]["title"]
            .as_str()
            .unwrap()
            .contains("Week 2"),
        "{}",
        dms[0]
    );
    let sends = fake.requests_to("POST /channels/*/messages");
    assert_eq!(sends.len(), 1);
    assert_eq!(sends[0].body.as_ref().unwrap()["enforce_nonce"], true);
    let s = bot.app.store.get_dm(user as i64).await.unwrap().unwrap();
    assert_eq!(s.week, 3);
    assert!(s.next_due_at > curriculum_bot::app::unix_now());
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_dms_pause_the_subscription_and_the_member_is_told() {
    let (fake, bot) = setup().await;
    let user = fake.ids().member;
    dm_subscriber(&bot, user, 1).await;
    fake.close_dms(user);
    delivery::tick(&bot.app, &DeliveryConfig::default())
        .await
        .unwrap();
    let s = bot.app.store.get_dm(user as i64).await.unwrap().unwrap();
    assert_eq!(s.paused_reason.as_deref(), Some("DMs are closed"));
    assert_eq!(
        delivery::tick(&bot.app, &DeliveryConfig::default())
            .await
            .unwrap(),
        0,
        "not retried"
    );
    let id = fake.send_command("plan", json!([]), perms::MEMBER).await;
    let cb = fake.wait_callback(id, T).await.unwrap();
    assert!(
        content(&cb.body).contains("can't DM you"),
        "told next time: {}",
        cb.body
    );
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_channel_pauses_the_group_and_moderators_see_it() {
    let (fake, bot) = setup().await;
    let ids = fake.ids().clone();
    let opts = sub(
        "subscribe",
        json!([{ "name": "channel", "type": 7, "value": ids.study.to_string() }]),
    );
    remind(&fake, opts, &fake.moderator()).await;
    let s = bot
        .app
        .store
        .get_group(ids.study as i64)
        .await
        .unwrap()
        .unwrap();
    force_due(&bot, &s).await;
    fake.delete_channel(ids.study);
    delivery::tick(&bot.app, &DeliveryConfig::default())
        .await
        .unwrap();
    let s = bot
        .app
        .store
        .get_group(ids.study as i64)
        .await
        .unwrap()
        .unwrap();
    assert!(s
        .paused_reason
        .as_deref()
        .unwrap()
        .contains("no longer exists"));
    let cb = remind(&fake, sub("status", json!([])), &fake.moderator()).await;
    assert!(content(&cb).contains("paused"), "{}", content(&cb));
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_and_bad_gateways_are_retried_never_dropped() {
    let (fake, bot) = setup().await;
    let (a, b) = (fake.ids().member, fake.ids().moderator);
    dm_subscriber(&bot, a, 1).await;
    dm_subscriber(&bot, b, 1).await;
    fake.inject("POST /channels/*/messages", Fault::rate_limited(0.2), 1);
    fake.inject("POST /channels/*/messages", Fault::BadGateway, 1);
    delivery::tick(&bot.app, &DeliveryConfig::default())
        .await
        .unwrap();
    // The 429 was retried at once; the 502 is an unknown outcome, left for its retry time.
    let delivered = fake.dm_messages(a).len() + fake.dm_messages(b).len();
    assert_eq!(delivered, 1);
    assert!(fake.requests_to("GET /channels/*/messages").is_empty());
    // At its retry time the channel is read first (nothing there: the 502 created nothing),
    // then the reminder is sent.
    let later = DeliveryConfig {
        clock: delivery::Clock::starting_at(curriculum_bot::app::unix_now() + 3600),
        ..DeliveryConfig::default()
    };
    delivery::tick(&bot.app, &later).await.unwrap();
    assert_eq!(fake.dm_messages(a).len(), 1);
    assert_eq!(fake.dm_messages(b).len(), 1);
    assert_eq!(fake.requests_to("GET /channels/*/messages").len(), 1);
    let statuses: Vec<u16> = fake
        .requests_to("POST /channels/*/messages")
        .iter()
        .map(|r| r.status)
        .collect();
    assert!(
        statuses.contains(&429) && statuses.contains(&502),
        "{statuses:?}"
    );
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn managing_a_subscription_and_its_buttons() {
    let (fake, bot) = setup().await;
    let member = fake.member();
    remind(&fake, sub("subscribe", json!([])), &member).await;
    let id = bot
        .app
        .store
        .get_dm(member.user as i64)
        .await
        .unwrap()
        .unwrap()
        .id;
    let week = |n: i64| sub("week", json!([{ "name": "number", "type": 4, "value": n }]));
    assert!(content(&remind(&fake, week(5), &member).await).contains("plan week 5"));
    assert!(content(&remind(&fake, week(0), &member).await).contains("Nothing was changed"));
    let before = bot.app.store.get(id).await.unwrap().unwrap().next_due_at;
    assert!(content(&remind(&fake, sub("skip", json!([])), &member).await).contains("Skipped"));
    let after = bot.app.store.get(id).await.unwrap().unwrap();
    assert_eq!(
        after.next_due_at - before,
        7 * 24 * 3600,
        "one week later (UTC)"
    );
    assert_eq!(after.week, 5, "skipping keeps the plan week");
    let preview = remind(&fake, sub("preview", json!([])), &member).await;
    assert_eq!(preview["data"]["flags"], 64);
    assert!(
        preview["data"]["embeds"][0]["title"]
            .as_str()
            .unwrap()
            .contains("Week 5"),
        "{preview}"
    );
    remind(&fake, sub("pause", json!([])), &member).await;
    assert!(bot
        .app
        .store
        .get(id)
        .await
        .unwrap()
        .unwrap()
        .paused_reason
        .is_some());
    assert!(content(&remind(&fake, sub("resume", json!([])), &member).await).contains(":F>"));
    assert!(bot
        .app
        .store
        .get(id)
        .await
        .unwrap()
        .unwrap()
        .paused_reason
        .is_none());

    // The buttons on a delivered reminder act for the subscriber only.
    force_due(&bot, &bot.app.store.get(id).await.unwrap().unwrap()).await;
    delivery::tick(&bot.app, &DeliveryConfig::default())
        .await
        .unwrap();
    let message = fake
        .dm_messages(member.user)
        .last()
        .cloned()
        .expect("reminder");
    // Its buttons name no subscription id: the click's user and channel say whose it is.
    let ids: Vec<String> = message["components"][0]["components"]
        .as_array()
        .expect("buttons")
        .iter()
        .map(|b| b["custom_id"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(ids.len(), 3, "{message}");
    // Only the last part, the slot (the due second: the delivery's identity), is a number.
    assert!(
        ids.iter().all(|c| c
            .rsplit_once('|')
            .is_some_and(|(scope, slot)| !scope.chars().any(|ch| ch.is_ascii_digit())
                && slot.parse::<i64>().is_ok_and(|t| t > 1_000_000_000))),
        "{ids:?}"
    );
    let pause = ids.iter().find(|c| c.contains("pause")).expect("pause");
    let unsub = ids.iter().find(|c| c.contains("unsub")).expect("unsub");
    let stranger = fake.invoker(fake.ids().moderator, perms::MODERATOR);
    let click = fake.send_component(pause, &message, &stranger).await;
    let cb = fake.wait_callback(click, T).await.unwrap();
    assert!(cb.ephemeral() && content(&cb.body).contains("no reminder here that you can manage"));
    assert!(bot
        .app
        .store
        .get(id)
        .await
        .unwrap()
        .unwrap()
        .paused_reason
        .is_none());
    let in_dm = fake.dm_invoker(member.user);
    let click = fake.send_component(pause, &message, &in_dm).await;
    fake.wait_callback(click, T).await.unwrap();
    assert!(bot
        .app
        .store
        .get(id)
        .await
        .unwrap()
        .unwrap()
        .paused_reason
        .is_some());
    let click = fake.send_component(unsub, &message, &in_dm).await;
    fake.wait_callback(click, T).await.unwrap();
    assert!(
        bot.app.store.get(id).await.unwrap().is_none(),
        "unsubscribed"
    );
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_loop_wakes_on_notify_and_stops_on_shutdown() {
    let (fake, bot) = setup().await;
    let stop = std::sync::Arc::new(tokio::sync::Notify::new());
    let stopped = stop.clone();
    let cfg = DeliveryConfig {
        idle: Duration::from_secs(3600),
        ..Default::default()
    };
    let task = tokio::spawn(delivery::run(bot.app.clone(), cfg, async move {
        stopped.notified().await
    }));
    tokio::time::sleep(Duration::from_millis(300)).await; // idle: asleep for up to an hour
    let user = fake.ids().member;
    dm_subscriber(&bot, user, 1).await;
    bot.app.wake_delivery();
    let woken = std::time::Instant::now();
    while fake.dm_messages(user).is_empty() && woken.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        fake.dm_messages(user).len(),
        1,
        "woken by notify, not by the hour-long sleep"
    );
    stop.notify_one();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("stops on shutdown")
        .unwrap();
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_week_3_reminder_names_the_module_pages_section_for_week_3() {
    let (fake, bot) = harness::setup_site().await;
    let user = fake.ids().member;
    // Subscribe through the command with the track option; the track is stored.
    let options = sub(
        "subscribe",
        json!([
            { "name": "start_week", "type": 4, "value": 3 },
            { "name": "track", "type": 3, "value": "data-engineering" }
        ]),
    );
    let cb = remind(&fake, options, &fake.member()).await;
    assert!(content(&cb).contains("plan week 3"), "{}", content(&cb));
    let s = bot.app.store.get_dm(user as i64).await.unwrap().unwrap();
    assert_eq!(s.track.as_deref(), Some("data-engineering"));
    force_due(&bot, &s).await;
    let cfg = DeliveryConfig::default();
    assert_eq!(delivery::tick(&bot.app, &cfg).await.unwrap(), 1);
    let dms = fake.dm_messages(user);
    let reminder = dms.last().expect("a reminder").to_string();
    // Module 1 (4-6 weeks) has two sections: Querying for weeks 1-3, Modelling after.
    assert!(reminder.contains("Module 1: SQL Basics"), "{reminder}");
    assert!(reminder.contains("This week in Module 1"), "{reminder}");
    assert!(reminder.contains("Querying"), "{reminder}");
    assert!(!reminder.contains("Modelling Primer"), "{reminder}");
    assert!(reminder.contains("Weeks 3-4: First Queries"), "{reminder}");
    fake.assert_no_violations();
}
