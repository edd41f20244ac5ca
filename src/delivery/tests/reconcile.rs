//! Unknown outcomes under paused time, with a nonce memory shorter than the retry backoff (so
//! Discord's dedupe can't hide a double): a reminder created but answered with an error, or sent
//! by a crashed process, is found in its channel and not sent again; one that was never created
//! is sent again with the same nonce; a failed read sends nothing. First attempts never read.

use super::*;
use crate::ports::Discord;
use crate::reminders::content::{reminder, Audience};
use crate::store::Store;

/// Discord forgets nonces after 10 s here; retries come 30 s later.
const NONCE_WINDOW: i64 = 10;

fn gave_up(status: u16) -> RestError {
    RestError::GaveUp {
        status,
        attempts: 6,
    }
}

#[tokio::test(start_paused = true)]
async fn a_lost_answer_is_found_in_the_channel_and_not_sent_again() {
    let mut rig = Rig::new(MONDAY_9 - HOUR).await;
    rig.discord.set_nonce_window(NONCE_WINDOW);
    let monday = slot(Weekday::Monday, 9, 0, "UTC");
    let lost = rig.subscribe(91, &monday, 1, Target::Dm).await;
    let fine = rig.subscribe(92, &monday, 1, Target::Dm).await;
    rig.discord
        .lose_next(&dm_channel_of(91), vec![gave_up(502)]);
    rig.start();
    let d = rig.until_marked(key(&lost)).await;
    let sent = rig.discord.sent_to(&dm_channel_of(91));
    assert_eq!(sent.len(), 1, "created once, never again");
    assert_eq!(d.message_id, sent[0].id.parse().ok(), "marked with its id");
    assert_eq!(rig.discord.sent_to(&dm_channel_of(92)).len(), 1);
    assert_eq!(rig.count("create_message"), 2, "no resend");
    assert_eq!(
        rig.discord
            .requests()
            .iter()
            .filter(|r| r.starts_with("messages_after"))
            .collect::<Vec<_>>(),
        [&format!("messages_after {}", dm_channel_of(91))],
        "one read, for the unknown outcome only"
    );
    assert_eq!(rig.app.metrics.reminders_reconciled.get(), 1);
    assert_eq!(rig.app.metrics.reminders_resent.get(), 0);
    let next = rig.store.get(lost.id).await.unwrap().unwrap();
    assert_eq!((next.week, next.next_due_at), (2, MONDAY_9 + WEEK));
    let _ = fine;
}

#[tokio::test(start_paused = true)]
async fn an_unknown_outcome_not_found_is_sent_again_with_the_same_nonce() {
    let mut rig = Rig::new(MONDAY_9 - HOUR).await;
    rig.discord.set_nonce_window(NONCE_WINDOW);
    let s = rig
        .subscribe(93, &slot(Weekday::Monday, 9, 0, "UTC"), 1, Target::Dm)
        .await;
    // A 502 to the end, and this time Discord had created nothing.
    rig.discord
        .fail_next(&dm_channel_of(93), vec![gave_up(502)]);
    rig.start();
    rig.until_marked(key(&s)).await;
    let sent = rig.discord.sent_to(&dm_channel_of(93));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].nonce, Some(nonce(key(&s))), "the same nonce");
    assert_eq!(sent[0].at, MONDAY_9 + 30, "after the backoff");
    assert_eq!(rig.count("create_message"), 2);
    assert_eq!(rig.count("messages_after"), 1);
    assert_eq!(rig.app.metrics.reminders_reconciled.get(), 0);
    assert_eq!(rig.app.metrics.reminders_resent.get(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_429_to_the_end_is_a_known_failure_and_is_not_read_for() {
    let mut rig = Rig::new(MONDAY_9 - HOUR).await;
    let s = rig
        .subscribe(94, &slot(Weekday::Monday, 9, 0, "UTC"), 1, Target::Dm)
        .await;
    rig.discord
        .fail_next(&dm_channel_of(94), vec![gave_up(429)]);
    rig.start();
    rig.until_marked(key(&s)).await;
    assert_eq!(rig.count("create_message"), 2);
    assert_eq!(rig.count("messages_after"), 0, "nothing could exist");
}

#[tokio::test(start_paused = true)]
async fn a_failed_read_sends_nothing_until_a_read_answers() {
    let mut rig = Rig::new(MONDAY_9 - HOUR).await;
    rig.discord.set_nonce_window(NONCE_WINDOW);
    let s = rig
        .subscribe(95, &slot(Weekday::Monday, 9, 0, "UTC"), 1, Target::Dm)
        .await;
    let channel = dm_channel_of(95);
    rig.discord.lose_next(&channel, vec![gave_up(503)]);
    rig.discord
        .fail_next_reads(&channel, vec![RestError::Transport("reset".into())]);
    rig.start();
    rig.until_marked(key(&s)).await;
    assert_eq!(rig.discord.sent_to(&channel).len(), 1);
    assert_eq!(rig.count("create_message"), 1, "never sent blind");
    assert_eq!(rig.count("messages_after"), 2);
    assert_eq!(rig.app.metrics.reminders_reconciled.get(), 1);
}

#[tokio::test(start_paused = true)]
async fn after_a_crash_longer_than_the_nonce_memory_sent_claims_are_not_doubled() {
    let mut rig = Rig::new(MONDAY_9 - HOUR).await;
    rig.discord.set_nonce_window(NONCE_WINDOW);
    let monday = slot(Weekday::Monday, 9, 0, "UTC");
    let sent_before = rig.subscribe(96, &monday, 3, Target::Dm).await;
    let attempted = rig.subscribe(97, &monday, 3, Target::Dm).await;
    let not_attempted = rig.subscribe(98, &monday, 3, Target::Dm).await;
    tokio::time::sleep(Duration::from_secs(HOUR as u64)).await;
    // The crashed process claimed all three, recorded two attempts and sent one of them (the
    // real reminder, with its nonce).
    let now = rig.clock.now();
    let claimed = rig.claim_now().await;
    assert_eq!(claimed.len(), 3);
    let keys = [key(&sent_before), key(&attempted)];
    assert_eq!(rig.store.mark_attempted(&keys, now).await.unwrap(), 2);
    let (_, d) = claimed
        .iter()
        .find(|(s, _)| s.id == sent_before.id)
        .unwrap();
    let r = reminder(
        &rig.app.catalog().curriculum,
        None,
        d.week,
        None,
        d.key.due_at,
        d.late,
        Audience::Learner,
    );
    let first = rig
        .discord
        .create_message(&dm_channel_of(96), &r.message, Some(&nonce(d.key)))
        .await
        .unwrap();
    // Down for a minute: Discord has forgotten the nonce.
    tokio::time::sleep(Duration::from_secs(60)).await;
    rig.start();
    let marked = rig.until_marked(key(&sent_before)).await;
    for s in [&attempted, &not_attempted] {
        rig.start();
        rig.until_marked(key(s)).await;
    }
    assert_eq!(marked.message_id, first.parse().ok());
    assert_eq!(
        rig.discord.sent_to(&dm_channel_of(96)).len(),
        1,
        "not doubled"
    );
    assert_eq!(rig.discord.sent_to(&dm_channel_of(97)).len(), 1, "not lost");
    assert_eq!(rig.discord.sent_to(&dm_channel_of(98)).len(), 1, "not lost");
    assert_eq!(
        rig.count("messages_after"),
        2,
        "one read per attempted claim, none for the claim never attempted"
    );
    assert_eq!(rig.app.metrics.reminders_reconciled.get(), 1);
    assert_eq!(rig.app.metrics.reminders_resent.get(), 1);
}
