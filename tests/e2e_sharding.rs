//! Gateway sharding: two bot clients, each given an inclusive shard range of the same total
//! (as two processes with SHARD_RANGE=0-1 and 2-3 would be), identify every shard exactly once
//! and together answer every guild. (The fake's extra guild ids all fall on one shard, so this
//! shows coverage, not the spread.)

mod harness;
mod support;

use serde_json::json;
use std::time::Duration;
use support::fake_discord::{perms, FakeDiscord, Options};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_shard_ranges_cover_every_guild() {
    let opts = Options {
        shards: 4,
        extra_guilds: 7,
        ..Options::default()
    };
    let fake = FakeDiscord::start(opts).await;
    // Like SHARD_COUNT=4 with SHARD_RANGE=0-1 in one process and 2-3 in the other.
    let _a = harness::start_sharded(&fake, None, Some((0, 1, 4))).await;
    let _b = harness::start_sharded(&fake, None, Some((2, 3, 4))).await;
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
            assert!(fake.sessions().iter().all(|s| s.shard[1] == 4));
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "shards 0..=3 each identify once: {shards:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let guilds: Vec<u64> = fake.world().guilds.iter().map(|g| g.id).collect();
    for g in guilds {
        let mut who = fake.invoker(fake.ids().member, perms::MEMBER);
        who.guild = Some(g);
        who.channel = fake
            .world()
            .guilds
            .iter()
            .find(|x| x.id == g)
            .unwrap()
            .channels[0]
            .id;
        let id = fake.send_command_as("plan", json!([]), &who).await;
        let cb = fake.wait_callback(id, Duration::from_secs(5)).await;
        assert!(cb.is_some_and(|c| c.kind() == 4), "guild {g} answered");
    }
    fake.assert_no_violations();
}
