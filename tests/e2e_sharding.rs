//! Gateway sharding: two bot clients, each given an inclusive shard range of the same total
//! (as two processes with SHARD_RANGE=0-1 and 2-3 would be), identify every shard exactly once
//! and together answer every guild. The fake's guilds spread over all four shards by Discord's
//! formula `(guild_id >> 22) % shard_count`, and every shard's session carries traffic.

mod harness;
mod support;

use serde_json::json;
use std::collections::BTreeMap;
use std::time::Duration;
use support::fake_discord::{perms, FakeDiscord, Options, World};

const SHARDS: u32 = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_shard_ranges_cover_every_guild() {
    let opts = Options {
        shards: SHARDS,
        extra_guilds: 7,
        ..Options::default()
    };
    let fake = FakeDiscord::start(opts).await;
    let guilds: Vec<(u64, u64)> = (fake.world().guilds.iter())
        .map(|g| (g.id, g.channels[0].id))
        .collect();
    // Two guilds per shard: the spread is in the data, not only in the assertion below.
    let mut per_shard = BTreeMap::new();
    for (g, _) in &guilds {
        *per_shard.entry(World::shard_of(*g, SHARDS)).or_insert(0) += 1;
    }
    assert_eq!(per_shard, BTreeMap::from([(0, 2), (1, 2), (2, 2), (3, 2)]));

    // Like SHARD_COUNT=4 with SHARD_RANGE=0-1 in one process and 2-3 in the other.
    let _a = harness::start_sharded(&fake, None, Some((0, 1, SHARDS))).await;
    let _b = harness::start_sharded(&fake, None, Some((2, 3, SHARDS))).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let mut shards: Vec<u32> = fake
            .sessions()
            .iter()
            .filter(|s| s.connected)
            .map(|s| s.shard[0])
            .collect();
        shards.sort();
        if shards == vec![0, 1, 2, 3] {
            assert!(fake.sessions().iter().all(|s| s.shard[1] == SHARDS));
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "shards 0..=3 each identify once: {shards:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for (g, channel) in &guilds {
        let mut who = fake.invoker(fake.ids().member, perms::MEMBER);
        (who.guild, who.channel) = (Some(*g), *channel);
        let id = fake.send_command_as("plan", json!([]), &who).await;
        let cb = fake.wait_callback(id, Duration::from_secs(5)).await;
        assert!(cb.is_some_and(|c| c.kind() == 4), "guild {g} answered");
    }
    // Each guild's command went to the session of its shard, and every shard carried two.
    let mut traffic = BTreeMap::new();
    for d in fake.dispatches("INTERACTION_CREATE") {
        let guild: u64 = d.data["guild_id"].as_str().unwrap().parse().unwrap();
        assert_eq!(
            d.shard,
            [World::shard_of(guild, SHARDS), SHARDS],
            "guild {guild}"
        );
        *traffic.entry(d.shard[0]).or_insert(0) += 1;
    }
    assert_eq!(traffic, per_shard, "interactions per shard");
    fake.assert_no_violations();
}
