//! Sends bounded by the lease, deterministically under paused time: a create that pacing holds
//! past its start deadline gives the claim back having sent nothing; a send still in flight when
//! its lease ran out is not sent again by its own worker; a known failure before any read keeps
//! the outcome unknown.

use super::*;
use crate::store::{DeliveryStatus, Store};

/// A nine-second lease: a send must start with three seconds of it left.
fn short_lease(rig: &Rig) -> DeliveryConfig {
    DeliveryConfig {
        lease_secs: 9,
        clock: rig.clock,
        ..DeliveryConfig::default()
    }
}

async fn due_dm(rig: &Rig, user: i64) -> Subscription {
    let s = rig
        .subscribe(user, &slot(Weekday::Monday, 9, 0, "UTC"), 1, Target::Dm)
        .await;
    let wait = MONDAY_9 - rig.clock.now();
    tokio::time::sleep(Duration::from_secs(wait as u64)).await;
    s
}

#[tokio::test(start_paused = true)]
async fn a_create_held_past_its_start_deadline_gives_the_claim_back_unsent() {
    let rig = Rig::new(MONDAY_9 - HOUR).await;
    let s = due_dm(&rig, 81).await;
    // Pacing holds every create 8 s: past the 6 s a nine-second lease allows.
    rig.discord.delay_starts(Duration::from_secs(8));
    let cfg = short_lease(&rig);
    assert_eq!(tick(&rig.app, &cfg).await.unwrap(), 1);
    assert!(rig.discord.sent().is_empty(), "held back, not sent late");
    assert_eq!(rig.count("late create_message"), 1);
    let d = rig.store.delivery(key(&s)).await.unwrap().unwrap();
    assert_eq!(d.status, DeliveryStatus::Claimed);
    assert_eq!(d.claimed_by, None, "given back");
    assert!(d.lease_until <= rig.clock.now(), "at once");
    assert_eq!(d.unknown_since, None, "nothing was created");
    // Unhindered, the next claim sends it, as a first attempt (no read).
    rig.discord.delay_starts(Duration::ZERO);
    assert_eq!(tick(&rig.app, &cfg).await.unwrap(), 1);
    assert_eq!(rig.discord.sent_to(&dm_channel_of(81)).len(), 1);
    assert_eq!(rig.count("messages_after"), 0);
}

#[tokio::test(start_paused = true)]
async fn a_send_in_flight_past_its_lease_is_not_sent_again_by_its_worker() {
    let rig = Rig::new(MONDAY_9 - HOUR).await;
    let s = due_dm(&rig, 82).await;
    // Discord forgets nonces at once here, and answers (and creates) 20 s after the start.
    rig.discord.set_nonce_window(0);
    rig.discord.delay_answers(Duration::from_secs(20));
    let cfg = short_lease(&rig);
    let first = tokio::spawn({
        let (app, cfg) = (rig.app.clone(), cfg.clone());
        async move { tick(&app, &cfg).await }
    });
    // The lease runs out while the create is on its way; the same worker claims it again.
    tokio::time::sleep(Duration::from_secs(12)).await;
    assert_eq!(tick(&rig.app, &cfg).await.unwrap(), 1, "claimed again");
    first.await.unwrap().unwrap();
    assert_eq!(
        rig.discord.sent_to(&dm_channel_of(82)).len(),
        1,
        "the claim in flight was not sent twice"
    );
    let d = rig.store.delivery(key(&s)).await.unwrap().unwrap();
    assert_eq!(d.status, DeliveryStatus::Sent);
}

#[tokio::test(start_paused = true)]
async fn a_known_failure_before_any_read_keeps_the_outcome_unknown() {
    let rig = Rig::new(MONDAY_9 - HOUR).await;
    let s = due_dm(&rig, 83).await;
    let cfg = DeliveryConfig {
        clock: rig.clock,
        ..DeliveryConfig::default()
    };
    // The first create's answer is lost (it was created); the retry can't even open the DM.
    let channel = dm_channel_of(83);
    rig.discord.lose_next(
        &channel,
        vec![RestError::GaveUp {
            status: 502,
            attempts: 6,
        }],
    );
    assert_eq!(tick(&rig.app, &cfg).await.unwrap(), 1);
    let now = rig.clock.now();
    let lease = Lease {
        worker: "local",
        now: now + 60,
        until: now + 180,
    };
    tokio::time::sleep(Duration::from_secs(60)).await;
    let plan = move |s: &Subscription| plan_slot(s, now + 60, 900);
    let claimed = rig.store.claim_due_batch(&lease, 10, &plan).await.unwrap();
    let (sub, d) = &claimed[0];
    assert!(d.unknown_since.is_some());
    rig.discord
        .fail_next("dm 83", vec![discord_error(400, 50035)]);
    let how = Sending {
        clock: rig.clock,
        guard: 1,
        in_flight: InFlight::default(),
    };
    // No DM channel in hand: it is opened again, and that fails with a 4xx.
    assert!(deliver(&rig.app, sub, d, None, &how)
        .await
        .unwrap()
        .is_none());
    let after = rig.store.delivery(key(&s)).await.unwrap().unwrap();
    assert!(
        after.unknown_since.is_some(),
        "still to be read before a resend"
    );
    assert_eq!(rig.discord.sent_to(&channel).len(), 1);
}
