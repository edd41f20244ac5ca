//! Exactly once in study-group channels, end to end through the fake Discord with a nonce memory
//! of 1 s: a group reminder whose create answer is lost in a busy channel (150 messages before
//! the attempt and 150 after it, with look-alike buttons from another bot and a member) is found
//! by reading forward and not posted again (one reminder, one role ping); a channel without Read
//! Message History is refused at `/remind subscribe`; and when the permission is removed later,
//! an unverifiable resend is held past the nonce window (no second message) and reported in
//! `/remind status`.

mod harness;
mod reminders_kit;
mod support;

use curriculum_bot::delivery::{self, DeliveryConfig};
use reminders_kit::*;
use serde_json::{json, Value};
use std::time::Duration;
use support::fake_discord::{perms, FakeDiscord, Fault, Options};

/// The fake forgets nonces after a second.
async fn setup_short_nonce() -> (FakeDiscord, harness::Bot) {
    let opts = Options {
        nonce_window: Duration::from_secs(1),
        ..Options::default()
    };
    let fake = FakeDiscord::start(opts).await;
    let bot = harness::start(&fake, Some(fake.guild_id())).await;
    assert!(
        fake.wait_ready(Duration::from_secs(10)).await,
        "bot connects"
    );
    (fake, bot)
}

/// A study group in `#study-group` mentioning the Study Group role, due now.
async fn due_group(fake: &FakeDiscord, bot: &harness::Bot) -> curriculum_bot::store::Subscription {
    let ids = fake.ids().clone();
    let opts = sub(
        "subscribe",
        json!([
            { "name": "channel", "type": 7, "value": ids.study.to_string() },
            { "name": "role", "type": 8, "value": ids.study_role.to_string() }
        ]),
    );
    let cb = remind(fake, opts, &fake.moderator()).await;
    assert!(
        !content(&cb).contains("Nothing was saved"),
        "{}",
        content(&cb)
    );
    let s = bot
        .app
        .store
        .get_group(ids.study as i64)
        .await
        .unwrap()
        .unwrap();
    force_due(bot, &s).await;
    bot.app
        .store
        .get_group(ids.study as i64)
        .await
        .unwrap()
        .unwrap()
}

/// The ids of the bot's messages in `channel` that ping `role`.
fn role_pinging(fake: &FakeDiscord, channel: u64, role: u64) -> Vec<String> {
    let bot = fake.bot_user_id().to_string();
    fake.messages(channel)
        .iter()
        .filter(|m| m["author"]["id"].as_str() == Some(bot.as_str()))
        .filter(|m| {
            m["mention_roles"]
                .as_array()
                .is_some_and(|r| r.contains(&Value::from(role.to_string())))
        })
        .filter_map(|m| m["id"].as_str().map(str::to_string))
        .collect()
}

fn role_pings(fake: &FakeDiscord, channel: u64, role: u64) -> usize {
    role_pinging(fake, channel, role).len()
}

/// Members' chatter and look-alikes: another bot's and a member's message with the reminder's
/// very buttons.
fn chatter(fake: &FakeDiscord, due_at: i64, n: usize) {
    let ids = fake.ids().clone();
    let row = json!([{ "type": 1, "components": [{
        "type": 2, "style": 2, "label": "Done this week",
        "custom_id": format!("rem|done|group|{due_at}")
    }]}]);
    fake.post_as(ids.study, ids.bot_user + 7, "a bot", row.clone());
    fake.post_as(ids.study, ids.member, "me too", row);
    for i in 0..n {
        let who = [ids.member, ids.owner, ids.moderator][i % 3];
        fake.post_as(ids.study, who, &format!("message {i}"), json!([]));
    }
}

/// Waits out the fake's one-second nonce memory (a time condition, not a synchronisation).
async fn nonce_forgotten() {
    tokio::time::sleep(Duration::from_millis(1_200)).await;
}

fn an_hour_later() -> DeliveryConfig {
    DeliveryConfig {
        clock: delivery::Clock::starting_at(curriculum_bot::app::unix_now() + 3600),
        ..DeliveryConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_in_a_busy_channel_is_one_reminder_and_one_ping() {
    let (fake, bot) = setup_short_nonce().await;
    let ids = fake.ids().clone();
    let s = due_group(&fake, &bot).await;
    chatter(&fake, s.next_due_at, 150);
    fake.inject("POST /channels/*/messages", Fault::LostAnswer(Some(502)), 1);
    delivery::tick(&bot.app, &DeliveryConfig::default())
        .await
        .unwrap();
    assert_eq!(role_pings(&fake, ids.study, ids.study_role), 1, "created");
    chatter(&fake, s.next_due_at, 150);
    nonce_forgotten().await;
    delivery::tick(&bot.app, &an_hour_later()).await.unwrap();
    assert_eq!(
        role_pings(&fake, ids.study, ids.study_role),
        1,
        "one reminder, one role ping"
    );
    let reads = fake.requests_to("GET /channels/*/messages");
    assert!(reads.len() >= 2, "read forward: {} pages", reads.len());
    assert_eq!(bot.app.metrics.reminders_reconciled.get(), 1);
    assert_eq!(bot.app.metrics.reminders_resent.get(), 0);
    let d = bot
        .app
        .store
        .get_group(ids.study as i64)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.week, s.week + 1, "marked sent, the week advanced");
    let key = curriculum_bot::store::DeliveryKey {
        subscription_id: s.id,
        due_at: s.next_due_at,
    };
    let marked = bot.app.store.delivery(key).await.unwrap().unwrap();
    let real = role_pinging(&fake, ids.study, ids.study_role);
    assert_eq!(
        marked.message_id.map(|m| m.to_string()).as_slice(),
        real.as_slice(),
        "marked with the reminder's own id, not a look-alike's"
    );
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channel_without_read_message_history_is_refused_naming_it() {
    let (fake, bot) = setup_short_nonce().await;
    let ids = fake.ids().clone();
    fake.set_bot_permissions(ids.study, perms::BOT & !perms::READ_MESSAGE_HISTORY);
    let opts = sub(
        "subscribe",
        json!([{ "name": "channel", "type": 7, "value": ids.study.to_string() }]),
    );
    let cb = remind(&fake, opts, &fake.moderator()).await;
    let text = content(&cb);
    assert!(text.contains("Read Message History"), "{text}");
    assert!(
        !text.contains("Send Messages"),
        "only what is missing: {text}"
    );
    assert!(text.contains("Nothing was saved"), "{text}");
    assert!(bot
        .app
        .store
        .get_group(ids.study as i64)
        .await
        .unwrap()
        .is_none());
    fake.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_removed_later_holds_the_resend_and_moderators_are_told() {
    let (fake, bot) = setup_short_nonce().await;
    let ids = fake.ids().clone();
    let s = due_group(&fake, &bot).await;
    fake.inject("POST /channels/*/messages", Fault::LostAnswer(Some(502)), 1);
    delivery::tick(&bot.app, &DeliveryConfig::default())
        .await
        .unwrap();
    assert_eq!(role_pings(&fake, ids.study, ids.study_role), 1, "created");
    // A moderator takes Read Message History away: reads now list nothing, and say nothing.
    fake.set_overwrite(ids.study, ids.bot_user, 1, (0, perms::READ_MESSAGE_HISTORY));
    nonce_forgotten().await;
    delivery::tick(&bot.app, &an_hour_later()).await.unwrap();
    assert_eq!(
        role_pings(&fake, ids.study, ids.study_role),
        1,
        "held: no second message"
    );
    assert!(fake.requests_to("GET /channels/*/messages").is_empty());
    assert_eq!(bot.app.metrics.reminders_unverifiable.get(), 1);
    let held = bot
        .app
        .store
        .get_group(ids.study as i64)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(held.week, s.week, "not marked sent");
    let mut here = fake.moderator();
    here.channel = ids.study;
    let cb = remind(&fake, sub("status", json!([])), &here).await;
    let text = content(&cb);
    assert!(text.contains("held"), "{text}");
    assert!(text.contains("Read Message History"), "{text}");
    fake.assert_no_violations();
}
