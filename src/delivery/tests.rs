//! The delivery loop under tokio's paused clock, against the in-memory Discord and a real SQLite
//! store: it sleeps until each slot and sends exactly then, wakes early when poked, sends one late
//! reminder after downtime and ends after the last week. Failures are in `faults`.

use super::*;
use crate::ports::RestError;
use crate::reminders::plan::ts;
use crate::reminders::schedule::{self, WeeklySlot};
use crate::store::{NewSubscription, Schedule, Store};
use crate::testkit::{self, discord_error, dm_channel_of, Inhibited, MemDiscord};
use expect_test::{expect, Expect};
use jiff::civil::Weekday;
use tokio::sync::Notify;

mod faults;
mod groups;
mod lease;
mod reconcile;

const MIN: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;
const WEEK: i64 = 7 * DAY;
/// Monday 2026-01-05 09:00 UTC.
const MONDAY_9: i64 = 1_767_603_600;

struct Rig {
    clock: Clock,
    discord: Arc<MemDiscord>,
    store: Arc<Inhibited>,
    app: Arc<App>,
    stop: Arc<Notify>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Rig {
    async fn new(start: i64) -> Rig {
        let clock = Clock::starting_at(start);
        let discord = MemDiscord::new(clock);
        let store = testkit::store().await;
        let app = testkit::app(discord.clone(), store.clone());
        Rig {
            clock,
            discord,
            store,
            app,
            stop: Arc::new(Notify::new()),
            task: None,
        }
    }

    fn start(&mut self) {
        let cfg = DeliveryConfig {
            idle: Duration::from_secs(DAY as u64),
            clock: self.clock,
            ..DeliveryConfig::default()
        };
        let stop = self.stop.clone();
        let app = self.app.clone();
        self.task = Some(tokio::spawn(async move {
            run(app, cfg, async move { stop.notified().await }).await
        }));
    }

    /// Waits until `n` messages were sent in all (at most a simulated year), then stops the loop.
    async fn run_until_sent(&mut self, n: usize) {
        let waited = tokio::time::timeout(
            Duration::from_secs(52 * WEEK as u64),
            self.discord.wait_sent(n),
        )
        .await;
        assert!(
            waited.is_ok(),
            "{n} messages in a year: {:?}",
            self.summary()
        );
        // Shutdown cancels a round in flight: let the last sends be marked first.
        for _ in 0..1000 {
            if self.store.unsent_claims("local").await.unwrap().is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.stop_loop().await;
    }

    async fn stop_loop(&mut self) {
        self.stop.notify_one();
        if let Some(t) = self.task.take() {
            t.await.expect("the loop stops cleanly");
        }
    }

    async fn subscribe(
        &self,
        user: i64,
        slot: &WeeklySlot,
        week: u32,
        target: Target,
    ) -> Subscription {
        let now = self.clock.now();
        let new = NewSubscription {
            guild_id: Some(1),
            owner_user_id: user,
            target,
            schedule: Schedule {
                weekday: slot.weekday().to_monday_zero_offset() as u8,
                hour: slot.hour() as u8,
                minute: slot.minute() as u8,
                tz: slot.tz_name().to_string(),
            },
            pathway: None,
            track: None,
            week,
            next_due_at: schedule::next_after(slot, ts(now)).as_second(),
        };
        self.store.subscribe(&new, now).await.expect("subscribed")
    }

    /// Claims everything due now for worker `local` with a two-minute lease, as a process that
    /// then crashes would.
    async fn claim_now(&self) -> Vec<(Subscription, Delivery)> {
        let now = self.clock.now();
        let lease = Lease {
            worker: "local",
            now,
            until: now + 120,
        };
        let plan = move |s: &Subscription| plan_slot(s, now, 900);
        self.store.claim_due_batch(&lease, 10, &plan).await.unwrap()
    }

    /// How many of the in-memory Discord's requests start with `prefix`.
    fn count(&self, prefix: &str) -> usize {
        let requests = self.discord.requests();
        requests.iter().filter(|r| r.starts_with(prefix)).count()
    }

    /// Waits (paused time) until `key` is marked sent, then stops the loop.
    async fn until_marked(&mut self, key: crate::store::DeliveryKey) -> Delivery {
        for _ in 0..2_000 {
            let d = self.store.delivery(key).await.unwrap();
            if let Some(d) = d.filter(|d| d.status == crate::store::DeliveryStatus::Sent) {
                self.stop_loop().await;
                return d;
            }
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
        panic!(
            "{key:?} was not marked sent in ~3 hours: {:?}",
            self.summary()
        );
    }

    fn summary(&self) -> Vec<(String, i64)> {
        self.discord
            .sent()
            .into_iter()
            .map(|s| (s.channel, s.at))
            .collect()
    }
}

fn slot(day: Weekday, hour: i8, minute: i8, tz: &str) -> WeeklySlot {
    WeeklySlot::new(day, hour, minute, tz).expect("a valid slot")
}

/// The delivery of `s`'s Monday 09:00 slot.
fn key(s: &Subscription) -> crate::store::DeliveryKey {
    crate::store::DeliveryKey {
        subscription_id: s.id,
        due_at: MONDAY_9,
    }
}

fn title(m: &crate::reply::Message) -> String {
    m.embeds[0].title.clone().unwrap_or_default()
}

/// Each send as "local wall time in its zone · title · late?", in send order.
fn check_sends(rig: &Rig, zones: &[(&str, &str)], expect: Expect) {
    let mut sends = rig.discord.sent();
    sends.sort_by_key(|s| (s.at, s.channel.clone()));
    let mut out = String::new();
    for s in sends {
        let tz = zones
            .iter()
            .find(|(c, _)| *c == s.channel)
            .map_or("UTC", |(_, z)| *z);
        let local = ts(s.at).in_tz(tz).expect("zone");
        let late = s.message.embeds[0].footer.is_some();
        out.push_str(&format!(
            "{:<19} {} · {}{}\n",
            tz,
            local.strftime("%a %F %H:%M %Z"),
            title(&s.message),
            if late { " · late" } else { "" }
        ));
    }
    expect.assert_eq(&out);
}

#[tokio::test(start_paused = true)]
async fn sends_each_week_at_local_wall_time_across_dst() {
    // Friday 2026-02-20 00:00 UTC; eight weeks cover New York's and London's spring-forward and
    // Lord Howe's 30-minute fall-back.
    let mut rig = Rig::new(1_771_545_600).await;
    let subs = [
        (11, slot(Weekday::Sunday, 2, 30, "America/New_York")),
        (12, slot(Weekday::Sunday, 1, 30, "Europe/London")),
        (13, slot(Weekday::Sunday, 1, 45, "Australia/Lord_Howe")),
        (14, slot(Weekday::Friday, 18, 30, "Asia/Kathmandu")),
    ];
    let mut zones = Vec::new();
    for (user, s) in &subs {
        rig.subscribe(*user, s, 1, Target::Dm).await;
        zones.push((dm_channel_of(*user), s.tz_name().to_string()));
    }
    rig.start();
    rig.run_until_sent(subs.len() * 8).await;
    let zones: Vec<(&str, &str)> = zones
        .iter()
        .map(|(c, z)| (c.as_str(), z.as_str()))
        .collect();
    check_sends(
        &rig,
        &zones,
        expect![[r#"
            Asia/Kathmandu      Fri 2026-02-20 18:30 +0545 · Week 1 of your learning plan
            Australia/Lord_Howe Sun 2026-02-22 01:45 +11 · Week 1 of your learning plan
            Europe/London       Sun 2026-02-22 01:30 GMT · Week 1 of your learning plan
            America/New_York    Sun 2026-02-22 02:30 EST · Week 1 of your learning plan
            Asia/Kathmandu      Fri 2026-02-27 18:30 +0545 · Week 2 of your learning plan
            Australia/Lord_Howe Sun 2026-03-01 01:45 +11 · Week 2 of your learning plan
            Europe/London       Sun 2026-03-01 01:30 GMT · Week 2 of your learning plan
            America/New_York    Sun 2026-03-01 02:30 EST · Week 2 of your learning plan
            Asia/Kathmandu      Fri 2026-03-06 18:30 +0545 · Week 3 of your learning plan
            Australia/Lord_Howe Sun 2026-03-08 01:45 +11 · Week 3 of your learning plan
            Europe/London       Sun 2026-03-08 01:30 GMT · Week 3 of your learning plan
            America/New_York    Sun 2026-03-08 03:00 EDT · Week 3 of your learning plan
            Asia/Kathmandu      Fri 2026-03-13 18:30 +0545 · Week 4 of your learning plan
            Australia/Lord_Howe Sun 2026-03-15 01:45 +11 · Week 4 of your learning plan
            Europe/London       Sun 2026-03-15 01:30 GMT · Week 4 of your learning plan
            America/New_York    Sun 2026-03-15 02:30 EDT · Week 4 of your learning plan
            Asia/Kathmandu      Fri 2026-03-20 18:30 +0545 · Week 5 of your learning plan
            Australia/Lord_Howe Sun 2026-03-22 01:45 +11 · Week 5 of your learning plan
            Europe/London       Sun 2026-03-22 01:30 GMT · Week 5 of your learning plan
            America/New_York    Sun 2026-03-22 02:30 EDT · Week 5 of your learning plan
            Asia/Kathmandu      Fri 2026-03-27 18:30 +0545 · Week 6 of your learning plan
            Australia/Lord_Howe Sun 2026-03-29 01:45 +11 · Week 6 of your learning plan
            Europe/London       Sun 2026-03-29 02:00 BST · Week 6 of your learning plan
            America/New_York    Sun 2026-03-29 02:30 EDT · Week 6 of your learning plan
            Asia/Kathmandu      Fri 2026-04-03 18:30 +0545 · Week 7 of your learning plan
            Australia/Lord_Howe Sun 2026-04-05 01:45 +11 · Week 7 of your learning plan
            Europe/London       Sun 2026-04-05 01:30 BST · Week 7 of your learning plan
            America/New_York    Sun 2026-04-05 02:30 EDT · Week 7 of your learning plan
            Asia/Kathmandu      Fri 2026-04-10 18:30 +0545 · Week 8 of your learning plan
            Australia/Lord_Howe Sun 2026-04-12 01:45 +1030 · Week 8 of your learning plan
            Europe/London       Sun 2026-04-12 01:30 BST · Week 8 of your learning plan
            America/New_York    Sun 2026-04-12 02:30 EDT · Week 8 of your learning plan
        "#]],
    );
}

#[tokio::test(start_paused = true)]
async fn a_new_subscription_wakes_the_sleeping_loop() {
    let start = MONDAY_9 - HOUR; // 08:00
    let mut rig = Rig::new(start).await;
    rig.start();
    // The loop sleeps (nothing due, up to a day); ten minutes later a reminder for 08:30 arrives.
    tokio::time::sleep(Duration::from_secs(10 * MIN as u64)).await;
    rig.subscribe(21, &slot(Weekday::Monday, 8, 30, "UTC"), 1, Target::Dm)
        .await;
    rig.app.wake_delivery();
    rig.run_until_sent(1).await;
    assert_eq!(rig.summary(), [(dm_channel_of(21), start + 30 * MIN)]);
}

#[tokio::test(start_paused = true)]
async fn after_downtime_one_late_reminder_for_the_current_week_then_on_time() {
    // Down from Monday 5 January 09:00 to Monday 26 January 10:00: three slots missed.
    let now = MONDAY_9 + 3 * WEEK + HOUR;
    let mut rig = Rig::new(MONDAY_9 - HOUR).await;
    let s = rig
        .subscribe(31, &slot(Weekday::Monday, 9, 0, "UTC"), 2, Target::Dm)
        .await;
    assert_eq!(s.next_due_at, MONDAY_9);
    rig.clock = Clock::starting_at(now);
    rig.discord = MemDiscord::new(rig.clock);
    rig.app = testkit::app(rig.discord.clone(), rig.store.clone());
    rig.start();
    rig.run_until_sent(2).await;
    let sent = rig.discord.sent();
    assert_eq!(sent.len(), 2, "no burst of missed weeks");
    assert_eq!(
        (sent[0].at, title(&sent[0].message)),
        (now, "Week 5 of your learning plan".into())
    );
    let said = sent[0].message.embeds[0]
        .description
        .clone()
        .unwrap_or_default();
    assert!(
        said.contains(&format!("due <t:{}:F>", MONDAY_9 + 3 * WEEK)),
        "{said}"
    );
    assert!(sent[0].message.embeds[0].footer.is_some(), "marked late");
    assert_eq!(
        (sent[1].at, title(&sent[1].message)),
        (MONDAY_9 + 4 * WEEK, "Week 6 of your learning plan".into())
    );
    assert!(sent[1].message.embeds[0].footer.is_none(), "on time again");
}

#[tokio::test(start_paused = true)]
async fn the_last_week_is_followed_by_the_completion_message_and_the_end() {
    let mut rig = Rig::new(MONDAY_9 - HOUR).await;
    let last = crate::reminders::content::last_week(&rig.app.catalog().curriculum);
    let s = rig
        .subscribe(41, &slot(Weekday::Monday, 9, 0, "UTC"), last, Target::Dm)
        .await;
    rig.start();
    rig.run_until_sent(2).await;
    let sent = rig.discord.sent();
    assert_eq!(
        title(&sent[0].message),
        format!("Week {last} of your learning plan")
    );
    assert!(title(&sent[1].message).contains("end of the learning path"));
    // No live buttons on the last one: a disabled one carries the delivery's identity.
    let buttons = &sent[1].message.components[0].components;
    assert!(buttons.len() == 1 && buttons[0].disabled == Some(true));
    let id = buttons[0].custom_id.as_deref().unwrap_or("");
    let due = s.next_due_at + WEEK;
    assert!(crate::reminders::content::is_button_of(id, due), "{id}");
    assert_eq!(
        rig.store.get(s.id).await.unwrap(),
        None,
        "the subscription ended"
    );
}
