//! Reconciliation in study-group channels, under paused time, with a nonce memory (10 s) shorter
//! than the retry backoff so Discord's dedupe can't hide a double: a busy channel (150 messages
//! in the minute before the attempt), look-alikes (other bots' and members' messages with the
//! same buttons, an older reminder, another slot's), a channel without Read Message History, and
//! a reminder a moderator deleted.

use super::*;
use crate::ports::{permission, Discord};
use crate::reminders::content::{button_id, reminder, Audience};
use crate::store::{DeliveryStatus, Store};

const NONCE_WINDOW: i64 = 10;
const CHANNEL: i64 = 700;
const ROLE: i64 = 70;

fn gave_up(status: u16) -> RestError {
    RestError::GaveUp {
        status,
        attempts: 6,
    }
}

fn group() -> Target {
    Target::Channel {
        channel_id: CHANNEL,
        role_id: Some(ROLE),
    }
}

/// A subscribed group in `CHANNEL`, the loop started an hour before its slot.
async fn group_rig() -> (Rig, Subscription) {
    let rig = Rig::new(MONDAY_9 - HOUR).await;
    rig.discord.set_nonce_window(NONCE_WINDOW);
    let s = rig
        .subscribe(1, &slot(Weekday::Monday, 9, 0, "UTC"), 1, group())
        .await;
    (rig, s)
}

/// Sleeps (paused time) until the slot less `before` seconds.
async fn until_slot_less(rig: &Rig, before: i64) {
    let wait = MONDAY_9 - before - rig.clock.now();
    tokio::time::sleep(Duration::from_secs(wait.max(0) as u64)).await;
}

/// 150 members' messages, then look-alikes of the reminder that are not it: another bot's and a
/// member's with its very buttons, last week's reminder and another slot's, by the bot.
fn busy_with_look_alikes(rig: &Rig) {
    let channel = CHANNEL.to_string();
    for i in 0..150 {
        rig.discord
            .post_as(&channel, &format!("{}", 6000 + i % 7), &[]);
    }
    let same = [button_id("done", true, MONDAY_9)];
    rig.discord.post_as(&channel, "5000", &same);
    rig.discord.post_as(&channel, "6001", &same);
    let bot = testkit::BOT_USER;
    rig.discord
        .post_as(&channel, bot, &[button_id("done", true, MONDAY_9 - WEEK)]);
    rig.discord
        .post_as(&channel, bot, &[button_id("done", true, MONDAY_9 + HOUR)]);
}

#[tokio::test(start_paused = true)]
async fn a_lost_answer_in_a_busy_channel_is_found_past_the_first_page() {
    let (mut rig, s) = group_rig().await;
    rig.discord
        .lose_next(&CHANNEL.to_string(), vec![gave_up(502)]);
    until_slot_less(&rig, 30).await;
    busy_with_look_alikes(&rig);
    rig.start();
    let d = rig.until_marked(key(&s)).await;
    let sent = rig.discord.sent_to(&CHANNEL.to_string());
    assert_eq!(
        sent.len(),
        1,
        "one reminder, one role ping: {:?}",
        rig.summary()
    );
    assert_eq!(
        sent[0].message.allowed_mentions.roles,
        vec![ROLE.to_string()]
    );
    assert_eq!(
        d.message_id,
        sent[0].id.parse().ok(),
        "marked with its own id"
    );
    assert_eq!(rig.count("messages_after"), 2, "read forward, two pages");
    assert_eq!(rig.app.metrics.reminders_reconciled.get(), 1);
    assert_eq!(rig.app.metrics.reminders_resent.get(), 0);
}

#[tokio::test(start_paused = true)]
async fn look_alikes_are_not_taken_for_a_reminder_that_was_never_created() {
    let (mut rig, s) = group_rig().await;
    // A 502 to the end, and this time nothing was created.
    rig.discord
        .fail_next(&CHANNEL.to_string(), vec![gave_up(502)]);
    until_slot_less(&rig, 30).await;
    busy_with_look_alikes(&rig);
    rig.start();
    rig.until_marked(key(&s)).await;
    let sent = rig.discord.sent_to(&CHANNEL.to_string());
    assert_eq!(sent.len(), 1, "sent again once: {:?}", rig.summary());
    assert_eq!(rig.app.metrics.reminders_reconciled.get(), 0);
    assert_eq!(rig.app.metrics.reminders_resent.get(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_page_bound_reached_before_the_attempt_window_ends_decides_nothing() {
    let (mut rig, s) = group_rig().await;
    rig.discord
        .fail_next(&CHANNEL.to_string(), vec![gave_up(502)]);
    until_slot_less(&rig, 30).await;
    let channel = CHANNEL.to_string();
    for _ in 0..usize::from(READ_LIMIT) * MAX_PAGES + 1 {
        rig.discord.post_as(&channel, "6000", &[]);
    }
    rig.start();
    for _ in 0..200 {
        if rig.count("messages_after") >= 2 * MAX_PAGES {
            break;
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    rig.stop_loop().await;
    let reads = rig.count("messages_after");
    assert!(
        reads >= 2 * MAX_PAGES && reads % MAX_PAGES == 0,
        "{reads} reads"
    );
    assert_eq!(
        rig.count("create_message"),
        1,
        "never resent on a partial read"
    );
    let d = rig.store.delivery(key(&s)).await.unwrap().unwrap();
    assert_eq!(d.status, DeliveryStatus::Claimed);
    assert!(d.unknown_since.is_some(), "still unknown");
}

#[tokio::test(start_paused = true)]
async fn without_read_message_history_a_resend_waits_for_the_nonce_or_is_held() {
    let (mut rig, s) = group_rig().await;
    let channel = CHANNEL.to_string();
    let view_send = permission::VIEW_CHANNEL | permission::SEND_MESSAGES;
    rig.discord.set_permissions(&channel, view_send);
    // The crashed process claimed it, recorded the attempt and sent it; down for ten minutes.
    until_slot_less(&rig, 0).await;
    let now = rig.clock.now();
    let claimed = rig.claim_now().await;
    let (_, d) = &claimed[0];
    rig.store.mark_attempted(&[d.key], now).await.unwrap();
    let r = reminder(
        &rig.app.catalog().curriculum,
        None,
        d.week,
        None,
        d.key.due_at,
        d.late,
        Audience::Group { role: Some(ROLE) },
    );
    rig.discord
        .create_message(&channel, &r.message, Some(&nonce(d.key)))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(600)).await;
    rig.start();
    // Held: read for nothing, sent nothing, counted; retried after its backoff.
    for _ in 0..100 {
        if rig.app.metrics.reminders_unverifiable.get() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    assert!(rig.app.metrics.reminders_unverifiable.get() >= 2);
    assert_eq!(rig.discord.sent_to(&channel).len(), 1, "no second message");
    assert_eq!(
        rig.count("messages_after"),
        0,
        "an empty list proves nothing"
    );
    let held = rig.store.delivery(key(&s)).await.unwrap().unwrap();
    assert_eq!(held.status, DeliveryStatus::Claimed);
    assert!(held.unknown_since.is_some(), "still unknown");
    // Read Message History granted again: the next retry reads, finds it, sends nothing.
    rig.discord
        .set_permissions(&channel, view_send | permission::READ_MESSAGE_HISTORY);
    rig.until_marked(key(&s)).await;
    assert_eq!(rig.discord.sent_to(&channel).len(), 1);
    assert_eq!(rig.app.metrics.reminders_reconciled.get(), 1);
}

#[tokio::test(start_paused = true)]
async fn without_read_message_history_a_lost_answer_is_resent_under_its_nonce() {
    let (mut rig, s) = group_rig().await;
    // Discord remembers the nonce for three minutes here; the retry comes after 30 s.
    rig.discord.set_nonce_window(180);
    let channel = CHANNEL.to_string();
    let view_send = permission::VIEW_CHANNEL | permission::SEND_MESSAGES;
    rig.discord.set_permissions(&channel, view_send);
    rig.discord.lose_next(&channel, vec![gave_up(502)]);
    rig.start();
    let d = rig.until_marked(key(&s)).await;
    let sent = rig.discord.sent_to(&channel);
    assert_eq!(sent.len(), 1, "the resend returned the first message");
    assert_eq!(d.message_id, sent[0].id.parse().ok());
    assert_eq!(rig.count("create_message"), 2);
    assert_eq!(rig.count("messages_after"), 0);
    assert_eq!(rig.app.metrics.reminders_unverifiable.get(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_reminder_deleted_after_it_was_marked_is_not_posted_again() {
    let (mut rig, s) = group_rig().await;
    rig.start();
    let d = rig.until_marked(key(&s)).await;
    rig.discord.delete(&d.message_id.unwrap().to_string());
    rig.start();
    tokio::time::sleep(Duration::from_secs(DAY as u64)).await;
    rig.stop_loop().await;
    assert_eq!(rig.discord.sent_to(&CHANNEL.to_string()).len(), 1);
    assert_eq!(rig.count("messages_after"), 0, "nothing to reconcile");
}

#[tokio::test(start_paused = true)]
async fn a_reminder_deleted_before_a_lost_answer_is_read_back_is_posted_again() {
    // The documented limit: with its answer lost, a deleted reminder can't be told from one
    // never created; it is sent again (once).
    let (mut rig, s) = group_rig().await;
    let channel = CHANNEL.to_string();
    rig.discord.lose_next(&channel, vec![gave_up(502)]);
    rig.start();
    rig.discord.wait_sent(1).await;
    let first = rig.discord.sent_to(&channel)[0].id.clone();
    rig.discord.delete(&first);
    rig.until_marked(key(&s)).await;
    assert_eq!(rig.discord.sent_to(&channel).len(), 2);
    assert_eq!(rig.app.metrics.reminders_resent.get(), 1);
}
