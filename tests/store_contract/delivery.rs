//! Contract tests of the delivery lifecycle: sent, late, final, failed (paused), released.

use std::sync::Arc;

use curriculum_bot::store::{After, Slot};
use expect_test::expect;

use super::fixture::*;
use super::{check, lines};

pub async fn mark_sent_is_idempotent(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let a = store.subscribe(&dm(10, T0), T0).await.unwrap();
    let b = store.subscribe(&dm(11, T0), T0).await.unwrap();
    let mut log = Vec::new();
    for s in [&a, &b] {
        let claimed = store
            .claim(s.id, Slot::scheduled(s), &lease("w1", T0))
            .await
            .unwrap();
        log.push(claimed.as_ref().map_or("not claimed".into(), delivery_line));
    }
    log.push(format!(
        "sent: {}",
        store
            .mark_sent(key(&a), 111, T0 + 5, next_week(&a))
            .await
            .unwrap()
    ));
    let later = After::Advance {
        next_due_at: T0 + 2 * WEEK,
        week: 3,
    };
    log.push(format!(
        "again: {}",
        store.mark_sent(key(&a), 222, T0 + 6, later).await.unwrap()
    ));
    let reclaim = store
        .claim(a.id, Slot::scheduled(&a), &lease("w2", T0 + 999))
        .await
        .unwrap();
    log.push(format!("reclaim: {reclaim:?}"));
    // Skipped while in flight: the send doesn't move the subscription back.
    store.skip(b.id, T0 + WEEK, T0 + 1).await.unwrap();
    log.push(format!(
        "skipped b sent: {}",
        store
            .mark_sent(key(&b), 333, T0 + 7, next_week(&b))
            .await
            .unwrap()
    ));
    for s in [&a, &b] {
        log.push(delivery_line(
            &store.delivery(key(s)).await.unwrap().unwrap(),
        ));
        log.push(sub_line(&store.get(s.id).await.unwrap().unwrap()));
    }
    log.push(format!(
        "due now: {}",
        store.due(T0 + 10, 10).await.unwrap().len()
    ));
    log.push(format!(
        "pruned: {}",
        store.prune_deliveries(T0 + 1).await.unwrap()
    ));
    check(
        log.join("\n"),
        expect![[r#"
        sub#1 due=T+0 week=1 late=false Claimed by=Some("w1") lease=T+60 attempts=1 message=None sent=None
        sub#2 due=T+0 week=1 late=false Claimed by=Some("w1") lease=T+60 attempts=1 message=None sent=None
        sent: true
        again: false
        reclaim: None
        skipped b sent: true
        sub#1 due=T+0 week=1 late=false Sent by=Some("w1") lease=T+60 attempts=1 message=Some(111) sent=Some("T+5")
        dm owner=10 guild=Some(1) day=0 09:00 UTC pathway=None week=2 next=T+604800 active notice=None created=T+0 updated=T+5
        sub#2 due=T+0 week=1 late=false Sent by=Some("w1") lease=T+60 attempts=1 message=Some(333) sent=Some("T+7")
        dm owner=11 guild=Some(1) day=0 09:00 UTC pathway=None week=1 next=T+604800 active notice=None created=T+0 updated=T+1
        due now: 0
        pruned: 2"#]],
    );
}

pub async fn late_and_final_reminders(fx: Arc<Fixture>) {
    let store = fx.open().await;
    // Down for three weeks: one late reminder for the current week, not a burst.
    let late = store.subscribe(&dm(10, T0), T0).await.unwrap();
    let last = store.subscribe(&dm(11, T0 + 3 * WEEK), T0).await.unwrap();
    let now = T0 + 3 * WEEK + 100;
    let plan = |s: &curriculum_bot::store::Subscription| {
        let missed = (now - s.next_due_at) / WEEK;
        Slot {
            due_at: s.next_due_at + missed * WEEK,
            week: s.week + missed as u32,
            late: missed > 0,
        }
    };
    let batch = store
        .claim_due_batch(&lease("w1", now), 10, &plan)
        .await
        .unwrap();
    let mut log: Vec<String> = batch.iter().map(|(_, d)| delivery_line(d)).collect();
    let (d_late, d_last) = (batch[0].1.key, batch[1].1.key);
    let advance = After::Advance {
        next_due_at: T0 + 4 * WEEK,
        week: 5,
    };
    log.push(format!(
        "late sent: {}",
        store.mark_sent(d_late, 1, now + 1, advance).await.unwrap()
    ));
    log.push(format!(
        "final sent: {}",
        store
            .mark_sent(d_last, 2, now + 2, After::End)
            .await
            .unwrap()
    ));
    log.push(format!(
        "final again: {}",
        store
            .mark_sent(d_last, 2, now + 2, After::End)
            .await
            .unwrap()
    ));
    log.push(sub_line(&store.get(late.id).await.unwrap().unwrap()));
    log.push(format!("ended: {:?}", store.get(last.id).await.unwrap()));
    check(
        log.join("\n"),
        expect![[r#"
        sub#1 due=T+1814400 week=4 late=true Claimed by=Some("w1") lease=T+1814560 attempts=1 message=None sent=None
        sub#2 due=T+1814400 week=1 late=false Claimed by=Some("w1") lease=T+1814560 attempts=1 message=None sent=None
        late sent: true
        final sent: true
        final again: false
        dm owner=10 guild=Some(1) day=0 09:00 UTC pathway=None week=5 next=T+2419200 active notice=None created=T+0 updated=T+1814501
        ended: None"#]],
    );
}

pub async fn failure_pauses_and_notifies(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let g = store
        .subscribe(&group(500, Some(7), 10, T0), T0)
        .await
        .unwrap();
    let d = store.subscribe(&dm(10, T0), T0).await.unwrap();
    store
        .claim(g.id, Slot::scheduled(&g), &lease("w1", T0))
        .await
        .unwrap();
    let notice = "Your group reminder in <#500> is paused: the channel is gone.";
    let mut log = vec![
        format!(
            "failed: {}",
            store
                .mark_failed_pause(key(&g), "channel gone (10003)", notice, T0 + 1)
                .await
                .unwrap()
        ),
        format!(
            "again: {}",
            store
                .mark_failed_pause(key(&g), "other", "other", T0 + 2)
                .await
                .unwrap()
        ),
        format!(
            "unclaimed: {}",
            store
                .mark_failed_pause(key(&d), "x", "x", T0 + 2)
                .await
                .unwrap()
        ),
        format!(
            "reclaim: {:?}",
            store
                .claim(g.id, Slot::scheduled(&g), &lease("w2", T0 + 999))
                .await
                .unwrap()
        ),
        delivery_line(&store.delivery(key(&g)).await.unwrap().unwrap()),
    ];
    store.pause(d.id, "member", T0 + 3).await.unwrap();
    log.push(format!("due: {:?}", store.due(T0 + 10, 10).await.unwrap()));
    log.extend(store.paused_groups(1).await.unwrap().iter().map(sub_line));
    log.push(format!(
        "guild 2: {:?}",
        store.paused_groups(2).await.unwrap()
    ));
    log.push(format!(
        "notices: {:?}",
        store.take_notices(10).await.unwrap()
    ));
    log.push(format!(
        "notices again: {:?}",
        store.take_notices(10).await.unwrap()
    ));
    store.resume(g.id, T0 + WEEK, T0 + 4).await.unwrap();
    log.push(sub_line(&store.get(g.id).await.unwrap().unwrap()));
    log.push(sub_line(&store.get(d.id).await.unwrap().unwrap()));
    check(
        log.join("\n"),
        expect![[r#"
        failed: true
        again: false
        unclaimed: false
        reclaim: None
        sub#1 due=T+0 week=1 late=false Failed by=Some("w1") lease=T+60 attempts=1 message=None sent=None
        due: []
        channel=500 role=Some(7) owner=10 guild=Some(1) day=0 09:00 UTC pathway=None week=1 next=T+0 paused(channel gone (10003), system) notice=Some("Your group reminder in <#500> is paused: the channel is gone.") created=T+0 updated=T+1
        guild 2: []
        notices: ["Your group reminder in <#500> is paused: the channel is gone."]
        notices again: []
        channel=500 role=Some(7) owner=10 guild=Some(1) day=0 09:00 UTC pathway=None week=1 next=T+604800 active notice=None created=T+0 updated=T+4
        dm owner=10 guild=Some(1) day=0 09:00 UTC pathway=None week=1 next=T+0 paused(member) notice=None created=T+0 updated=T+3"#]],
    );
}

pub async fn release_retries_later(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let s = store.subscribe(&dm(10, T0), T0).await.unwrap();
    let slot = Slot::scheduled(&s);
    store.claim(s.id, slot, &lease("w1", T0)).await.unwrap();
    let plan = Slot::scheduled;
    let log = [
        format!(
            "released: {}",
            store.release(key(&s), T0 + 100).await.unwrap()
        ),
        format!("w1 unsent: {:?}", store.unsent_claims("w1").await.unwrap()),
        format!(
            "w1 early: {:?}",
            store
                .claim(s.id, slot, &lease("w1", T0 + 50))
                .await
                .unwrap()
        ),
        format!(
            "batch early: {:?}",
            store
                .claim_due_batch(&lease("w2", T0 + 50), 10, &plan)
                .await
                .unwrap()
        ),
        format!(
            "w2 later: {:?}",
            store
                .claim(s.id, slot, &lease("w2", T0 + 100))
                .await
                .unwrap()
                .as_ref()
                .map(delivery_line)
        ),
        format!(
            "w2 unsent: {}",
            lines(&store.unsent_claims("w2").await.unwrap(), delivery_line)
        ),
    ];
    store
        .mark_sent(key(&s), 5, T0 + 101, next_week(&s))
        .await
        .unwrap();
    let after_sent = store.release(key(&s), T0 + 200).await.unwrap();
    check(
        format!("{}\nrelease sent: {after_sent}", log.join("\n")),
        expect![[r#"
        released: true
        w1 unsent: []
        w1 early: None
        batch early: []
        w2 later: Some("sub#1 due=T+0 week=1 late=false Claimed by=Some(\"w2\") lease=T+160 attempts=2 message=None sent=None")
        w2 unsent: sub#1 due=T+0 week=1 late=false Claimed by=Some("w2") lease=T+160 attempts=2 message=None sent=None

        release sent: false"#]],
    );
}

/// Whether a claim's outcome is unknown (so delivery reads the channel before sending again):
/// only after an attempt was recorded and then taken over, or released as unknown.
pub async fn unknown_outcomes_are_remembered(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let s = store.subscribe(&dm(10, T0), T0).await.unwrap();
    let slot = Slot::scheduled(&s);
    let at = |t: Option<i64>| t.map_or("-".to_string(), rel);
    let mut log = Vec::new();
    let line = |what: &str, d: Option<curriculum_bot::store::Delivery>| match d {
        Some(d) => format!(
            "{what}: by={} attempts={} claimed={} attempted={} unknown={}",
            d.claimed_by.unwrap_or_default(),
            d.attempts,
            rel(d.claimed_at),
            at(d.attempted_at),
            at(d.unknown_since)
        ),
        None => format!("{what}: not claimed"),
    };
    let claim = |w: &'static str, t: i64| {
        let store = store.clone();
        async move { store.claim(s.id, slot, &lease(w, t)).await.unwrap() }
    };
    log.push(line("first claim", claim("w1", T0).await));
    log.push(line(
        "takeover, never attempted",
        claim("w2", T0 + 61).await,
    ));
    let attempted = store.mark_attempted(&[key(&s)], T0 + 62).await.unwrap();
    let again = store.mark_attempted(&[key(&s)], T0 + 63).await.unwrap();
    log.push(format!("attempts recorded: {attempted} then {again}"));
    log.push(line(
        "takeover after the attempt",
        claim("w3", T0 + 200).await,
    ));
    store.release(key(&s), T0 + 300).await.unwrap();
    log.push(line("after a known failure", claim("w3", T0 + 300).await));
    store.mark_attempted(&[key(&s)], T0 + 301).await.unwrap();
    store.release_unknown(key(&s), T0 + 400).await.unwrap();
    log.push(line("after a lost answer", claim("w1", T0 + 400).await));
    store.release_unknown(key(&s), T0 + 500).await.unwrap();
    log.push(line("after a failed read", claim("w1", T0 + 500).await));
    store
        .mark_sent(key(&s), 9, T0 + 501, next_week(&s))
        .await
        .unwrap();
    let sent = store.mark_attempted(&[key(&s)], T0 + 502).await.unwrap();
    log.push(format!("attempt after sent: {sent}"));
    check(
        log.join("\n"),
        expect![[r#"
        first claim: by=w1 attempts=1 claimed=T+0 attempted=- unknown=-
        takeover, never attempted: by=w2 attempts=2 claimed=T+61 attempted=- unknown=-
        attempts recorded: 1 then 0
        takeover after the attempt: by=w3 attempts=3 claimed=T+200 attempted=- unknown=T+62
        after a known failure: by=w3 attempts=4 claimed=T+300 attempted=- unknown=-
        after a lost answer: by=w1 attempts=5 claimed=T+400 attempted=- unknown=T+301
        after a failed read: by=w1 attempts=6 claimed=T+500 attempted=- unknown=T+301
        attempt after sent: 0"#]],
    );
}
