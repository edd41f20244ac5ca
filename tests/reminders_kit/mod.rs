//! Helpers of the reminder end-to-end tests: the bot on the fake Discord, `/remind` commands,
//! and subscriptions made due at once.
#![allow(dead_code)]

use crate::harness;
use crate::support::fake_discord::{FakeDiscord, Invoker};
use curriculum_bot::store::{NewSubscription, Schedule, Target};
use serde_json::{json, Value};
use std::time::Duration;

pub const T: Duration = Duration::from_secs(5);

pub async fn setup() -> (FakeDiscord, harness::Bot) {
    harness::setup().await
}

pub fn sub(name: &str, options: Value) -> Value {
    json!([{ "name": name, "type": 1, "options": options }])
}

pub fn content(cb: &Value) -> String {
    cb["data"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

pub async fn remind(fake: &FakeDiscord, options: Value, who: &Invoker) -> Value {
    let id = fake.send_command_as("remind", options, who).await;
    fake.wait_callback(id, T).await.expect("answered").body
}

pub async fn force_due(bot: &harness::Bot, s: &curriculum_bot::store::Subscription) {
    let now = curriculum_bot::app::unix_now();
    let new = NewSubscription {
        guild_id: s.guild_id,
        owner_user_id: s.owner_user_id,
        target: s.target.clone(),
        schedule: s.schedule.clone(),
        pathway: s.pathway.clone(),
        track: s.track.clone(),
        week: s.week,
        next_due_at: now - 5,
    };
    bot.app.store.subscribe(&new, now).await.unwrap();
}

pub async fn dm_subscriber(bot: &harness::Bot, user: u64, week: u32) {
    let now = curriculum_bot::app::unix_now();
    let new = NewSubscription {
        guild_id: None,
        owner_user_id: user as i64,
        target: Target::Dm,
        schedule: Schedule {
            weekday: 0,
            hour: 9,
            minute: 0,
            tz: "UTC".into(),
        },
        pathway: Some("Data Scientists".into()),
        track: None,
        week,
        next_due_at: now - 5,
    };
    bot.app.store.subscribe(&new, now).await.unwrap();
}
