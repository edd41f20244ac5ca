//! Failures in the delivery loop: gone targets pause once with a notice, transient failures back
//! off and retry without spinning, DM channels are cached, and a crash between send and mark is
//! resumed with the same nonce.

use super::*;
use crate::ports::Discord;
use crate::store::{DeliveryKey, DeliveryStatus, NewSubscription, Store};
use std::sync::atomic::Ordering;

#[tokio::test(start_paused = true)]
async fn a_gone_target_pauses_with_a_notice_and_is_never_retried() {
    let mut rig = Rig::new(MONDAY_9 - HOUR).await;
    let monday = slot(Weekday::Monday, 9, 0, "UTC");
    let group = |channel_id| Target::Channel {
        channel_id,
        role_id: None,
    };
    let closed = rig.subscribe(51, &monday, 1, Target::Dm).await;
    let deleted = rig.subscribe(52, &monday, 1, group(6_001)).await;
    let no_access = rig.subscribe(53, &monday, 1, group(6_002)).await;
    let fine = rig.subscribe(54, &monday, 1, Target::Dm).await;
    rig.discord.close_dms(51);
    rig.discord.break_channel("6001", discord_error(404, 10003));
    rig.discord.break_channel("6002", discord_error(403, 50001));
    rig.start();
    rig.run_until_sent(3).await; // three weeks of the one that works
    assert_eq!(rig.discord.sent_to(&dm_channel_of(54)).len(), 3);
    let tries = |c: &str| {
        let r = format!("create_message {c}");
        rig.discord.requests().iter().filter(|x| **x == r).count()
    };
    for channel in [dm_channel_of(51), "6001".into(), "6002".into()] {
        assert_eq!(tries(&channel), 1, "{channel} tried once, never again");
    }
    let mut reasons = Vec::new();
    for s in [&closed, &deleted, &no_access, &fine] {
        reasons.push(rig.store.get(s.id).await.unwrap().unwrap().paused_reason);
    }
    assert_eq!(reasons[0].as_deref(), Some("DMs are closed"));
    assert_eq!(reasons[1].as_deref(), Some("the channel no longer exists"));
    assert!(reasons[2]
        .as_deref()
        .unwrap_or("")
        .starts_with("access lost"));
    assert_eq!(reasons[3], None);
    let notices = rig.store.take_notices(51).await.unwrap();
    assert!(
        notices.len() == 1 && notices[0].contains("can't DM you"),
        "{notices:?}"
    );
    assert!(
        rig.store.take_notices(51).await.unwrap().is_empty(),
        "told once"
    );
    assert!(rig.store.take_notices(52).await.unwrap()[0].contains("no longer exists"));
}

#[tokio::test(start_paused = true)]
async fn transient_failures_back_off_and_retry_without_spinning() {
    let mut rig = Rig::new(MONDAY_9 - HOUR).await;
    let s = rig
        .subscribe(61, &slot(Weekday::Monday, 9, 0, "UTC"), 1, Target::Dm)
        .await;
    let gave_up = |status| RestError::GaveUp {
        status,
        attempts: 6,
    };
    rig.discord
        .fail_next(&dm_channel_of(61), vec![gave_up(502), gave_up(429)]);
    rig.start();
    rig.run_until_sent(1).await;
    let sent = rig.discord.sent();
    // Released for 30 s after the first try, 60 s after the second.
    assert_eq!(sent[0].at, MONDAY_9 + 90);
    let key = DeliveryKey {
        subscription_id: s.id,
        due_at: MONDAY_9,
    };
    assert_eq!(sent[0].nonce, Some(nonce(key)));
    let d = rig.store.delivery(key).await.unwrap().unwrap();
    assert_eq!((d.status, d.attempts), (DeliveryStatus::Sent, 3));
    let calls = rig.store.calls.load(Ordering::Relaxed);
    assert!(
        calls < 200,
        "{calls} store calls in 90 s of retrying: the loop spins"
    );
}

#[tokio::test(start_paused = true)]
async fn dm_channels_are_opened_once_then_each_reminder_is_one_request() {
    let mut rig = Rig::new(MONDAY_9 - HOUR).await;
    let monday = slot(Weekday::Monday, 9, 0, "UTC");
    rig.subscribe(71, &monday, 1, Target::Dm).await;
    rig.subscribe(72, &monday, 1, Target::Dm).await;
    rig.store.put_dm_channel(72, 4_242).await.unwrap();
    rig.start();
    rig.run_until_sent(6).await;
    let mut requests = rig.discord.requests();
    requests.sort();
    let c71 = dm_channel_of(71);
    assert_eq!(
        requests,
        [
            "create_dm 71".to_string(),
            "create_message 4242".to_string(),
            "create_message 4242".to_string(),
            "create_message 4242".to_string(),
            format!("create_message {c71}"),
            format!("create_message {c71}"),
            format!("create_message {c71}"),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_crash_between_send_and_mark_is_resumed_with_the_same_nonce() {
    let mut rig = Rig::new(MONDAY_9 + MIN).await;
    let s = rig
        .subscribe(81, &slot(Weekday::Monday, 9, 0, "UTC"), 4, Target::Dm)
        .await;
    // Make it due now, claim it as the crashed process did, and send it without marking.
    let mut new_week = rig.store.get(s.id).await.unwrap().unwrap();
    new_week.next_due_at = MONDAY_9;
    let resub = NewSubscription {
        guild_id: new_week.guild_id,
        owner_user_id: 81,
        target: Target::Dm,
        schedule: new_week.schedule.clone(),
        pathway: None,
        track: None,
        week: 4,
        next_due_at: MONDAY_9,
    };
    rig.store.subscribe(&resub, MONDAY_9).await.unwrap();
    let claimed = rig.claim_now().await;
    let (_, d) = claimed.into_iter().next().expect("claimed");
    let first = rig
        .discord
        .create_message(
            &dm_channel_of(81),
            &crate::reply::Message::text("week 4"),
            Some(&nonce(d.key)),
        )
        .await
        .unwrap();
    rig.start();
    let mut status = None;
    for _ in 0..100 {
        status = rig.store.delivery(d.key).await.unwrap();
        if status
            .as_ref()
            .is_some_and(|d| d.status == DeliveryStatus::Sent)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    rig.stop_loop().await;
    let status = status.expect("the delivery exists");
    assert_eq!(
        (status.status, status.message_id),
        (DeliveryStatus::Sent, first.parse().ok())
    );
    let sent = rig.discord.sent();
    assert_eq!(sent.len(), 1, "the resend was deduplicated by its nonce");
    assert_eq!(sent[0].id, first);
    let posts = rig
        .discord
        .requests()
        .iter()
        .filter(|r| r.starts_with("create_message"))
        .count();
    assert_eq!(posts, 2, "sent again after the restart");
    let after = rig.store.get(s.id).await.unwrap().unwrap();
    assert_eq!((after.week, after.next_due_at), (5, MONDAY_9 + WEEK));
}
