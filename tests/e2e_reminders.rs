//! Reminders end to end against the fake Discord: subscribing (and refusing bad input while
//! storing nothing), study groups, and managing a subscription with its buttons. Delivery is in
//! `e2e_delivery.rs`.

mod harness;
mod reminders_kit;
mod support;

use curriculum_bot::delivery::{self, DeliveryConfig};
use reminders_kit::*;
use serde_json::json;
use support::fake_discord::perms;

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
