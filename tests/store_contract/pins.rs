//! Contract tests of living pins: recording, listing per guild, claims for editing (exclusive,
//! leased, taken over after expiry), marking current, releasing and forgetting.

use std::sync::Arc;

use curriculum_bot::store::{Backend, NewPin, Pin, StoreError};
use expect_test::expect;

use super::check;
use super::fixture::*;

fn new_pin(guild: i64, message: i64, module: u32) -> NewPin<'static> {
    NewPin {
        guild_id: guild,
        channel_id: guild * 10,
        message_id: message,
        track: "mlops-engineering",
        module,
        hash: "aaaa",
    }
}

/// A pin on one line, times relative to T0.
fn show(p: &Pin) -> String {
    format!(
        "guild {} channel {} message {} {}#{} hash {} claimed {:?} lease {}",
        p.guild_id,
        p.channel_id,
        p.message_id,
        p.track,
        p.module,
        p.hash,
        p.claimed_by,
        if p.lease_until == 0 {
            0
        } else {
            p.lease_until - T0
        }
    )
}

pub async fn living_pins(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let a = store.record_pin(&new_pin(1, 100, 1), T0).await.unwrap();
    store.record_pin(&new_pin(2, 200, 2), T0).await.unwrap();
    let again = NewPin {
        module: 3,
        hash: "bbbb",
        ..new_pin(1, 101, 3)
    };
    store.record_pin(&again, T0 + 1).await.unwrap();
    // The same message recorded again replaces its record (same id).
    let replaced = NewPin {
        hash: "cccc",
        ..new_pin(1, 100, 1)
    };
    assert_eq!(store.record_pin(&replaced, T0 + 2).await.unwrap().id, a.id);
    let bad = [
        NewPin {
            track: " x",
            ..new_pin(1, 300, 1)
        },
        NewPin {
            hash: "",
            ..new_pin(1, 301, 1)
        },
        NewPin {
            hash: "not hex!",
            ..new_pin(1, 302, 1)
        },
        NewPin {
            module: u32::MAX,
            ..new_pin(1, 303, 1)
        },
    ];
    let mut out = String::new();
    for p in &bad {
        match store.record_pin(p, T0).await {
            Err(e @ StoreError::Invalid(_)) => out += &format!("refused: {e}\n"),
            other => panic!("{other:?}"),
        }
    }
    for g in [1, 2, 3] {
        for p in store.list_pins(g).await.unwrap() {
            out += &(show(&p) + "\n");
        }
    }
    assert!(store.forget_pin(a.id).await.unwrap());
    assert!(!store.forget_pin(a.id).await.unwrap());
    out += &format!(
        "after forgetting: {}\n",
        store.list_pins(1).await.unwrap().len()
    );
    check(
        out,
        expect![[r#"
            refused: invalid input: the track " x" has white space around it or control characters
            refused: invalid input: a content hash is 1 to 128 ASCII letters and digits, not ""
            refused: invalid input: a content hash is 1 to 128 ASCII letters and digits, not "not hex!"
            refused: invalid input: module number 4294967295 is too large
            guild 1 channel 10 message 100 mlops-engineering#1 hash cccc claimed None lease 0
            guild 1 channel 10 message 101 mlops-engineering#3 hash bbbb claimed None lease 0
            guild 2 channel 20 message 200 mlops-engineering#2 hash aaaa claimed None lease 0
            after forgetting: 1
        "#]],
    );
}

pub async fn pin_claims_are_leased(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let mut ids = Vec::new();
    for m in 0..3 {
        ids.push(
            store
                .record_pin(&new_pin(1, 100 + m, 1), T0)
                .await
                .unwrap()
                .id,
        );
    }
    let mut out = String::new();
    let mut log = |what: &str, pins: &[Pin]| {
        let ms: Vec<i64> = pins.iter().map(|p| p.message_id).collect();
        out += &format!("{what}: {ms:?}\n");
    };
    log(
        "a claims 2",
        &store.claim_pins(&ids[..2], &lease("a", T0)).await.unwrap(),
    );
    log(
        "b claims all",
        &store.claim_pins(&ids, &lease("b", T0 + 1)).await.unwrap(),
    );
    log(
        "to refresh",
        &store.pins_to_refresh(0, 10, T0 + 1).await.unwrap(),
    );
    log(
        "a again",
        &store.claim_pins(&ids, &lease("a", T0 + 2)).await.unwrap(),
    );
    // Only the holder marks; marking ends the claim.
    assert!(!store
        .mark_pin_current(ids[0], "b", "dddd", T0 + 3)
        .await
        .unwrap());
    assert!(store
        .mark_pin_current(ids[0], "a", "dddd", T0 + 3)
        .await
        .unwrap());
    assert!(store.release_pin(ids[1], "a").await.unwrap());
    assert!(!store.release_pin(ids[1], "a").await.unwrap());
    log(
        "to refresh",
        &store.pins_to_refresh(0, 10, T0 + 4).await.unwrap(),
    );
    log(
        "page after",
        &store.pins_to_refresh(ids[0], 1, T0 + 4).await.unwrap(),
    );
    // b's claim on the third expires at T0 + 61: a takes it over then, not before.
    log(
        "a at +60",
        &store
            .claim_pins(&ids[2..], &lease("a", T0 + 60))
            .await
            .unwrap(),
    );
    log(
        "a at +61",
        &store
            .claim_pins(&ids[2..], &lease("a", T0 + 61))
            .await
            .unwrap(),
    );
    for p in store.list_pins(1).await.unwrap() {
        out += &(show(&p) + "\n");
    }
    check(
        out,
        expect![[r#"
            a claims 2: [100, 101]
            b claims all: [102]
            to refresh: []
            a again: [100, 101]
            to refresh: [100, 101]
            page after: [101]
            a at +60: []
            a at +61: [102]
            guild 1 channel 10 message 100 mlops-engineering#1 hash dddd claimed None lease 0
            guild 1 channel 10 message 101 mlops-engineering#1 hash aaaa claimed None lease 0
            guild 1 channel 10 message 102 mlops-engineering#1 hash aaaa claimed Some("a") lease 121
        "#]],
    );
}

/// Eight workers claim the same 200 pins at once: each pin goes to exactly one.
pub async fn pin_claims_are_exclusive(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let mut ids = Vec::new();
    for m in 0..200 {
        ids.push(
            store
                .record_pin(&new_pin(1, 1000 + m, 1), T0)
                .await
                .unwrap()
                .id,
        );
    }
    let ids = Arc::new(ids);
    let mut workers = Vec::new();
    for w in 0..8 {
        let store = match store.backend() {
            Backend::Postgres => fx.open().await,
            Backend::Sqlite => store.clone(),
        };
        let ids = ids.clone();
        workers.push(tokio::spawn(async move {
            let name = format!("w{w}");
            let mut mine = Vec::new();
            for chunk in ids.chunks(25) {
                let got = store.claim_pins(chunk, &lease(&name, T0)).await.unwrap();
                assert!(got
                    .iter()
                    .all(|p| p.claimed_by.as_deref() == Some(name.as_str())));
                mine.extend(got.into_iter().map(|p| p.id));
            }
            mine
        }));
    }
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.unwrap());
    }
    all.sort_unstable();
    let n = all.len();
    all.dedup();
    assert_eq!(n, all.len(), "a pin was claimed twice");
    assert_eq!(all, *ids, "every pin was claimed");
}
