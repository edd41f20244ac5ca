//! Living pins: editing 1,000 pins after a reload, through the real `refresh_pins` and REST
//! client, against the fake Discord enforcing Discord's global limit (50 requests/s) with the
//! bot paced at its default `REST_PER_SECOND` (40/s). Prints requests per pin, 429s and the time
//! against the ideal (pins ÷ pace), then one markdown row for BENCHMARKS.md. Each edit uploads
//! the card's roadmap picture again (multipart), as a real refresh does.
//! `cargo bench --bench pins` (`PINS=200` for a quicker run; `PINS_LIMIT=2000 PINS_PACE=1990`
//! for the fan-out benchmark's budget).

#[path = "../tests/support/mod.rs"]
mod support;

use curriculum_bot::discord::rest::{Rest, RestConfig};
use curriculum_bot::pins::refresh_pins;
use curriculum_bot::reply::pincard::pin_card;
use curriculum_bot::reply::Catalog;
use curriculum_bot::store::{self, NewPin};
use std::time::Instant;
use support::fake_discord::{FakeDiscord, Options};

/// Discord's global limit, and the bot's default pace under it (`PINS_LIMIT`, `PINS_PACE`).
const LIMIT: u32 = 50;
const PACE: u32 = 40;

fn var(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    run().await;
}

fn catalog() -> Catalog {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let settings = curriculum_bot::config::Settings::from_vars(|k| match k {
        "ALIASES_PATH" => Some(root.join("data/aliases.txt").display().to_string()),
        _ => None,
    })
    .unwrap();
    let path = root.join("data/curriculum");
    curriculum_bot::load::load_catalog(&path, &settings)
        .unwrap()
        .0
}

fn rest(fake: &FakeDiscord, per_second: u32) -> Rest {
    let cfg = RestConfig {
        base_url: fake.base_url().into(),
        token: fake.token().into(),
        global_per_second: per_second,
        max_attempts: 6,
    };
    Rest::new(&cfg).unwrap()
}

async fn run() {
    let n = var("PINS", 1_000) as usize;
    let (limit, pace) = (var("PINS_LIMIT", LIMIT), var("PINS_PACE", PACE));
    // The cards all sit in the fake's one channel; real pins are spread over many channels, so
    // the fake's per-channel bucket (5 per 5 s) is off here: this measures the global budget.
    let opts = Options {
        check_on_drop: false,
        check_responses: false,
        route_limit: None,
        ..Options::default()
    };
    let fake = FakeDiscord::start(opts).await;
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("bench-pins-{}", std::process::id()));
    let url = format!("sqlite://{}/bot.db?mode=rwc", dir.display());
    let store = store::open(&url, &Default::default()).await.unwrap();

    // Seed: n cards of the seed's modules posted (fast, before the limit is on) and recorded.
    let old = catalog();
    let track = old.curriculum.tracks[0].slug.clone();
    let numbers: Vec<u32> = old.curriculum.tracks[0]
        .modules
        .iter()
        .map(|&m| old.curriculum.modules[m].number)
        .collect();
    let seeder = rest(&fake, 5_000);
    let channel = fake.channel_id();
    for k in 0..n {
        let module = numbers[k % numbers.len()];
        let card = pin_card(&old, &track, module).unwrap();
        let id = seeder
            .send(&channel.to_string(), &card.message(&old), None)
            .await
            .unwrap();
        let hash = card.hash();
        let pin = NewPin {
            guild_id: fake.guild_id() as i64,
            channel_id: channel as i64,
            message_id: id.parse().unwrap(),
            track: &track,
            module,
            hash: &hash,
        };
        store.record_pin(&pin, 0).await.unwrap();
    }

    // The reload: every module's duration changed, so every card differs.
    let mut new = catalog();
    for m in &mut new.curriculum.modules {
        m.weeks = Some(curriculum_bot::curriculum::Span { min: 50, max: 60 });
    }
    // Discord counts per second: bursts up to the limit pass (as in the fan-out benchmark).
    fake.set_global_limit(limit, limit);
    // Baseline: the same client, PATCHing one message back to back with a card and its picture
    // (no store, no drawing).
    let bare = pin_card(&old, &track, numbers[0]).unwrap().message(&old);
    let first = fake.messages(channel)[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let base_n = (n / 5).max(20);
    let baseline = rest(&fake, pace);
    let t = Instant::now();
    for _ in 0..base_n {
        baseline
            .edit(&channel.to_string(), &first, &bare)
            .await
            .unwrap();
    }
    let base_rate = base_n as f64 / t.elapsed().as_secs_f64();
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let before_requests = fake.requests().len();
    let before = fake.global_limit_stats();
    let bot = rest(&fake, pace);
    let t = Instant::now();
    let report = refresh_pins(&*store, &bot, &new, "bench").await.unwrap();
    let secs = t.elapsed().as_secs_f64();
    let after = fake.global_limit_stats();
    assert_eq!(report.edited, n as u64, "{report:?}");
    // Every card now shows its new picture: one roadmap.png each, the embed pointing at it.
    for m in fake.messages(channel) {
        let a = m["attachments"].as_array().unwrap();
        assert_eq!(a.len(), 1, "one picture per card");
        assert_eq!(m["embeds"][0]["image"]["url"], a[0]["url"]);
    }
    let violations = fake.take_violations();
    assert!(violations.is_empty(), "{violations:?}");
    let requests = fake.requests().len() - before_requests;
    let rejected = after.rejected - before.rejected;
    let ideal = n as f64 / f64::from(pace);
    println!("editing {n} living pins, fake global limit {limit}/s, bot paced at {pace}/s");
    println!("{report:?}");
    println!(
        "{requests} requests = {:.3} per pin, 429s: {rejected}, {secs:.2} s vs ideal {ideal:.2} s ({:.1}%)",
        requests as f64 / n as f64,
        100.0 * secs / ideal
    );
    let rate = n as f64 / secs;
    println!(
        "pins: {rate:.1}/s; baseline (bare PATCHes, same client): {base_rate:.1}/s; pins reach {:.1}% of it",
        100.0 * rate / base_rate
    );
    println!();
    println!("| benchmark | pins | time | ideal (pins ÷ pace) | client's bare rate | requests per pin | 429s |");
    println!("|---|---|---|---|---|---|---|");
    println!(
        "| living pins: edit after a reload ({pace}/s under {limit}/s) | {n} | {secs:.2} s | {ideal:.2} s | {:.1} s ({base_rate:.1}/s) | {:.3} | {rejected} |",
        n as f64 / base_rate,
        requests as f64 / n as f64
    );
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
