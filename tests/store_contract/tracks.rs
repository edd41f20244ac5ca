//! Contract tests of tracks (members', channels', subscriptions') and of bounded search misses.

use std::sync::Arc;

use curriculum_bot::store::{
    Store, StoreError, MAX_MISSES_PER_GUILD, MAX_TRACK_CHARS, MISS_MAX_AGE_SECS,
};
use expect_test::expect;

use super::check;
use super::fixture::*;

/// A store call's outcome on one line.
fn shown<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Ok(v) => format!("{v:?}"),
        Err(e @ StoreError::Invalid(_)) => e.to_string(),
        Err(e) => format!("unexpected {e}"),
    }
}

/// Slugs the store must refuse, with what each is.
fn bad_tracks() -> [String; 5] {
    [
        String::new(),
        "  ".into(),
        " mlops".into(),
        "ml\nops".into(),
        "x".repeat(MAX_TRACK_CHARS + 1),
    ]
}

/// The member's track, as `what: track`.
async fn look(store: &Arc<dyn Store>, what: &str, guild: Option<i64>, user: i64) -> String {
    format!("{what}: {}", shown(store.member_track(guild, user).await))
}

/// A slug for the log: quoted, long ones by their length.
fn label(track: &str) -> String {
    match track.chars().count() {
        n if n > 12 => format!("<{n} chars>"),
        _ => format!("{track:?}"),
    }
}

pub async fn member_tracks(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let mut log = Vec::new();
    log.push(look(&store, "nothing chosen", Some(1), 10).await);
    store
        .set_member_track(Some(1), 10, "mlops-engineering", T0)
        .await
        .unwrap();
    log.push(look(&store, "guild 1", Some(1), 10).await);
    log.push(look(&store, "guild 2 falls back", Some(2), 10).await);
    log.push(look(&store, "DMs fall back", None, 10).await);
    log.push(look(&store, "another member", Some(1), 11).await);
    store
        .set_member_track(Some(2), 10, "devops", T0 + 1)
        .await
        .unwrap();
    log.push(look(&store, "guild 1 keeps its own", Some(1), 10).await);
    log.push(look(&store, "guild 3 takes the latest", Some(3), 10).await);
    store
        .set_member_track(Some(1), 10, "data-science", T0 + 2)
        .await
        .unwrap();
    log.push(look(&store, "guild 1 replaced", Some(1), 10).await);
    log.push(look(&store, "now the latest", Some(3), 10).await);
    store
        .set_member_track(None, 10, "security", T0 + 3)
        .await
        .unwrap();
    log.push(look(&store, "DMs", None, 10).await);
    log.push(look(&store, "guild 2 keeps its own", Some(2), 10).await);
    let cleared = store.clear_member_track(Some(1), 10).await;
    log.push(format!("clear guild 1: {}", shown(cleared)));
    let again = store.clear_member_track(Some(1), 10).await;
    log.push(format!("clear again: {}", shown(again)));
    log.push(look(&store, "guild 1 falls back", Some(1), 10).await);
    for bad in bad_tracks() {
        let refused = store.set_member_track(Some(1), 12, &bad, T0 + 9).await;
        log.push(format!("set {}: {}", label(&bad), shown(refused)));
    }
    log.push(look(&store, "refusals stored nothing", Some(1), 12).await);
    let longest = "x".repeat(MAX_TRACK_CHARS);
    store
        .set_member_track(Some(1), 12, &longest, T0)
        .await
        .unwrap();
    let got = store.member_track(Some(1), 12).await.unwrap();
    assert_eq!(got.as_deref(), Some(longest.as_str()));
    check(
        log.join("\n"),
        expect![[r#"
            nothing chosen: None
            guild 1: Some("mlops-engineering")
            guild 2 falls back: Some("mlops-engineering")
            DMs fall back: Some("mlops-engineering")
            another member: None
            guild 1 keeps its own: Some("mlops-engineering")
            guild 3 takes the latest: Some("devops")
            guild 1 replaced: Some("data-science")
            now the latest: Some("data-science")
            DMs: Some("security")
            guild 2 keeps its own: Some("devops")
            clear guild 1: true
            clear again: false
            guild 1 falls back: Some("security")
            set "": invalid input: the track is empty
            set "  ": invalid input: the track is empty
            set " mlops": invalid input: the track " mlops" has white space around it or control characters
            set "ml\nops": invalid input: the track "ml\nops" has white space around it or control characters
            set <101 chars>: invalid input: a track slug has at most 100 characters
            refusals stored nothing: None"#]],
    );
}

pub async fn channel_tracks(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let mut log = Vec::new();
    for (guild, channel, track) in [(1, 501, "devops"), (1, 500, "mlops"), (2, 600, "data")] {
        store
            .set_channel_track(guild, channel, track, T0)
            .await
            .unwrap();
    }
    store
        .set_channel_track(1, 500, "data-science", T0 + 1)
        .await
        .unwrap();
    for channel in [500, 501, 600, 502] {
        let got = store.channel_track(channel).await;
        log.push(format!("<#{channel}>: {}", shown(got)));
    }
    for guild in [1, 2, 3] {
        let got = store.channel_tracks(guild).await;
        log.push(format!("guild {guild}: {}", shown(got)));
    }
    for channel in [501, 501] {
        let cleared = store.clear_channel_track(channel).await;
        log.push(format!("clear <#{channel}>: {}", shown(cleared)));
    }
    for bad in bad_tracks() {
        let refused = store.set_channel_track(1, 700, &bad, T0).await;
        log.push(format!("set {}: {}", label(&bad), shown(refused)));
    }
    let after = (
        store.channel_track(700).await,
        store.channel_tracks(1).await,
    );
    log.push(format!("after: {}", shown(after.0)));
    log.push(format!("guild 1: {}", shown(after.1)));
    check(
        log.join("\n"),
        expect![[r#"
            <#500>: Some("data-science")
            <#501>: Some("devops")
            <#600>: Some("data")
            <#502>: None
            guild 1: [ChannelTrack { channel_id: 500, track: "data-science" }, ChannelTrack { channel_id: 501, track: "devops" }]
            guild 2: [ChannelTrack { channel_id: 600, track: "data" }]
            guild 3: []
            clear <#501>: true
            clear <#501>: false
            set "": invalid input: the track is empty
            set "  ": invalid input: the track is empty
            set " mlops": invalid input: the track " mlops" has white space around it or control characters
            set "ml\nops": invalid input: the track "ml\nops" has white space around it or control characters
            set <101 chars>: invalid input: a track slug has at most 100 characters
            after: None
            guild 1: [ChannelTrack { channel_id: 500, track: "data-science" }]"#]],
    );
}

pub async fn subscription_tracks(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let mut log = Vec::new();
    let tracked = |track: Option<&str>, next| {
        let mut new = dm(10, next);
        new.track = track.map(str::to_string);
        new
    };
    let first = store
        .subscribe(&tracked(Some("mlops-engineering"), T0), T0)
        .await
        .unwrap();
    log.push(format!("made: {:?}", first.track));
    let kept = store
        .subscribe(&tracked(None, T0 + 1), T0 + 1)
        .await
        .unwrap();
    log.push(format!("replaced without one: {:?}", kept.track));
    let moved = store
        .subscribe(&tracked(Some("devops"), T0 + 2), T0 + 2)
        .await
        .unwrap();
    log.push(format!("replaced with another: {:?}", moved.track));
    assert_eq!(first.id, moved.id);
    let untracked = store
        .subscribe(&group(500, None, 11, T0), T0)
        .await
        .unwrap();
    log.push(format!("group without one: {:?}", untracked.track));
    for bad in bad_tracks() {
        let mut new = group(501, None, 11, T0);
        new.track = Some(bad.clone());
        let refused = store.subscribe(&new, T0).await.map(|s| s.id);
        log.push(format!("subscribe {}: {}", label(&bad), shown(refused)));
        let assign = store.assign_untracked_subscriptions(&bad).await;
        log.push(format!("assign {}: {}", label(&bad), shown(assign)));
    }
    let assigned = store
        .assign_untracked_subscriptions("mlops-engineering")
        .await;
    log.push(format!("assign: {}", shown(assigned)));
    let again = store.assign_untracked_subscriptions("other").await;
    log.push(format!("assign again: {}", shown(again)));
    let (dm10, group500) = (store.get_dm(10).await, store.get_group(500).await);
    log.push(format!("dm: {}", shown(dm10.map(|s| s.map(|s| s.track)))));
    log.push(format!(
        "group: {}",
        shown(group500.map(|s| s.map(|s| s.track)))
    ));
    let due = store.due(T0 + 10, 10).await.unwrap();
    let due: Vec<_> = due
        .iter()
        .map(|s| (s.owner_user_id, s.track.clone()))
        .collect();
    log.push(format!("due: {due:?}"));
    assert_eq!(
        store.get_group(501).await.unwrap(),
        None,
        "refused subscriptions stored nothing"
    );
    check(
        log.join("\n"),
        expect![[r#"
            made: Some("mlops-engineering")
            replaced without one: Some("mlops-engineering")
            replaced with another: Some("devops")
            group without one: None
            subscribe "": invalid input: the track is empty
            assign "": invalid input: the track is empty
            subscribe "  ": invalid input: the track is empty
            assign "  ": invalid input: the track is empty
            subscribe " mlops": invalid input: the track " mlops" has white space around it or control characters
            assign " mlops": invalid input: the track " mlops" has white space around it or control characters
            subscribe "ml\nops": invalid input: the track "ml\nops" has white space around it or control characters
            assign "ml\nops": invalid input: the track "ml\nops" has white space around it or control characters
            subscribe <101 chars>: invalid input: a track slug has at most 100 characters
            assign <101 chars>: invalid input: a track slug has at most 100 characters
            assign: 1
            assign again: 0
            dm: Some(Some("devops"))
            group: Some(Some("mlops-engineering"))
            due: [(11, Some("mlops-engineering")), (10, Some("devops"))]"#]],
    );
}

/// A guild's misses, most frequent first, as `query×count@time`.
async fn misses_of(store: &Arc<dyn Store>, guild: Option<i64>) -> Vec<String> {
    let top = store.top_misses(guild, 10_000).await.unwrap();
    top.iter()
        .map(|m| format!("{}×{}@{}", m.query, m.count, rel(m.last_at)))
        .collect()
}

pub async fn search_misses_are_capped_and_aged(fx: Arc<Fixture>) {
    let store = fx.open().await;
    let cap = usize::try_from(MAX_MISSES_PER_GUILD).unwrap();
    let record = |guild, q: String, at| {
        let store = store.clone();
        async move { store.record_miss(guild, &q, at).await.unwrap() }
    };
    for at in [0, 1, 2] {
        record(Some(1), "popular".into(), T0 + at).await;
    }
    record(Some(1), "second".into(), T0 + 1).await;
    record(Some(1), "second".into(), T0 + 3).await;
    for (guild, q, at) in [(2, "zig", 5), (2, "old", 49), (2, "edge", 50)] {
        record(Some(guild), q.into(), T0 + at).await;
    }
    // Fill guild 1 up to the cap with misses seen once, the oldest first.
    for i in 0..cap - 2 {
        record(Some(1), format!("q{i:04}"), T0 + 100 + i as i64).await;
    }
    let full = misses_of(&store, Some(1)).await;
    assert_eq!(full.len(), cap);
    // One more: the least frequent and least recent (q0000) goes, the newcomer stays.
    record(Some(1), "newcomer".into(), T0 + 10_000).await;
    // Seen again: no eviction.
    record(Some(1), "q0001".into(), T0 + 10_001).await;
    let capped = misses_of(&store, Some(1)).await;
    assert_eq!(capped.len(), cap);
    let query = |m: &String| m.split('×').next().unwrap_or_default().to_string();
    let kept: Vec<String> = capped.iter().map(query).collect();
    let gone: Vec<String> = full
        .iter()
        .map(query)
        .filter(|q| !kept.contains(q))
        .collect();
    let head = &capped[..4];
    let tail = &capped[cap - 2..];
    let guild2 = misses_of(&store, Some(2)).await;
    // 90 days after T0+50: what was last seen before T0+50 ages out, in every guild.
    record(None, "late".into(), T0 + 50 + MISS_MAX_AGE_SECS).await;
    let aged: Vec<String> = misses_of(&store, Some(1)).await;
    let aged_head = &aged[..3];
    let shown = format!(
        "evicted: {gone:?}\nguild 1 head: {head:?}\nguild 1 tail: {tail:?}\nguild 2: {guild2:?}\n\
         after 90 days: guild 1 has {} ({aged_head:?}…); guild 2 {:?}; DMs {:?}",
        aged.len(),
        misses_of(&store, Some(2)).await,
        misses_of(&store, None).await,
    );
    check(
        shown,
        expect![[r#"
        evicted: ["q0000"]
        guild 1 head: ["popular×3@T+2", "q0001×2@T+10001", "second×2@T+3", "newcomer×1@T+10000"]
        guild 1 tail: ["q0003×1@T+103", "q0002×1@T+102"]
        guild 2: ["edge×1@T+50", "old×1@T+49", "zig×1@T+5"]
        after 90 days: guild 1 has 498 (["q0001×2@T+10001", "newcomer×1@T+10000", "q0497×1@T+597"]…); guild 2 ["edge×1@T+50"]; DMs ["late×1@T+7776050"]"#]],
    );
}
