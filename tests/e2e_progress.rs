//! Progress end to end (issue 19): the real bot over the gateway against the fake Discord. A
//! study group's reminder goes out at its slot; two members with the group's role check in and
//! the reminder is edited in place to `✅ 2 checked in` (pinging nobody); a second click and a
//! click by a member without the role leave it at 2; the DM learner checks in; `/progress me`
//! answers with the picture; after a restart `/progress group` still shows 2; `/report` shows
//! check-ins; `/progress forget` drops the group's count to 1.

mod harness;
mod reminders_kit;
mod support;

use curriculum_bot::delivery::{self, DeliveryConfig};
use reminders_kit::*;
use serde_json::{json, Value};
use std::sync::Arc;
use support::fake_discord::{perms, FakeDiscord, Invoker};

const LONG: std::time::Duration = std::time::Duration::from_secs(15);

fn in_channel(mut who: Invoker, channel: u64) -> Invoker {
    who.channel = channel;
    who
}

async fn click(fake: &FakeDiscord, custom_id: &str, message: &Value, who: &Invoker) -> String {
    let id = fake.send_component(custom_id, message, who).await;
    let cb = fake.wait_callback(id, T).await.expect("answered");
    assert!(cb.ephemeral(), "{}", cb.body);
    content(&cb.body)
}

/// A `/progress` subcommand's reply: its text and embeds, as one string.
async fn progress(fake: &FakeDiscord, sub: &str, options: Value, who: &Invoker) -> (String, Value) {
    let id = fake
        .send_command_as(
            "progress",
            json!([{ "name": sub, "type": 1, "options": options }]),
            who,
        )
        .await;
    let answered = fake.wait_callback(id, LONG).await;
    let body = match answered.unwrap_or_else(|| panic!("/progress {sub} answered")) {
        cb if cb.kind() == 5 => fake.wait_reply(id, LONG).await.expect("the deferred reply"),
        cb => cb.body["data"].clone(),
    };
    (body.to_string(), body)
}

fn done_button(message: &Value) -> String {
    message["components"][0]["components"]
        .as_array()
        .expect("buttons")
        .iter()
        .filter_map(|b| b["custom_id"].as_str())
        .find(|c| c.starts_with("rem|done|"))
        .expect("Done this week")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_ins_count_live_survive_a_restart_and_can_be_forgotten() {
    let fake = FakeDiscord::start(Default::default()).await;
    let ids = fake.ids().clone();
    let dir = std::env::temp_dir().join(format!("cb-e2e-progress-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let url = format!("sqlite://{}/bot.db?mode=rwc", dir.display());
    let open = || async {
        curriculum_bot::store::open(&url, &Default::default())
            .await
            .unwrap()
    };
    let start = |store| {
        harness::start_on(
            &fake,
            Some(ids.guild),
            None,
            Default::default(),
            harness::catalog(),
            store,
            harness::rest_client(&fake),
        )
    };
    let bot = start(open().await);
    assert!(fake.wait_ready(LONG).await, "bot connects");

    // The study group (role: Study Group) and a learner by DM subscribe.
    let group_opts = sub(
        "subscribe",
        json!([
            { "name": "channel", "type": 7, "value": ids.study.to_string() },
            { "name": "role", "type": 8, "value": ids.study_role.to_string() },
        ]),
    );
    assert!(content(&remind(&fake, group_opts, &fake.moderator()).await).contains("Subscribed"));
    let learner = fake.member();
    assert!(
        content(&remind(&fake, sub("subscribe", json!([])), &learner).await).contains("Subscribed")
    );

    // The group's reminder goes out at its slot.
    let group = bot
        .app
        .store
        .get_group(ids.study as i64)
        .await
        .unwrap()
        .unwrap();
    force_due(&bot, &group).await;
    delivery::tick(&bot.app, &DeliveryConfig::default())
        .await
        .unwrap();
    let reminder = fake
        .messages(ids.study)
        .last()
        .cloned()
        .expect("the group's reminder");
    let done = done_button(&reminder);
    assert!(done.starts_with("rem|done|group|"), "{done}");
    let reminder_id: u64 = reminder["id"].as_str().unwrap().parse().unwrap();

    // Two members with the role check in: the reminder is edited to show both.
    let alice = in_channel(fake.invoker(ids.alice, perms::MEMBER), ids.study);
    let carol = in_channel(fake.invoker(ids.carol, perms::MEMBER), ids.study);
    let said = click(&fake, &done, &reminder, &alice).await;
    assert!(said.contains("Checked in for plan week 1"), "{said}");
    assert!(click(&fake, &done, &reminder, &carol)
        .await
        .contains("Checked in"));
    let two = format!("✅ 2 checked in: <@{}>, <@{}>", ids.alice, ids.carol);
    let edited = fake
        .wait_message_where(reminder_id, LONG, |m| {
            m["content"].as_str().is_some_and(|c| c.contains(&two))
        })
        .await
        .unwrap_or_else(|| panic!("edited to show both: {}", fake.messages(ids.study)[0]));
    let content_now = edited["content"].as_str().unwrap();
    assert!(
        content_now.starts_with(&format!("<@&{}> ", ids.study_role)),
        "{content_now}"
    );
    assert_eq!(
        edited["embeds"], reminder["embeds"],
        "the reminder itself is kept"
    );
    let buttons = |m: &Value| -> Vec<Value> {
        let row = m["components"][0]["components"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        row.iter()
            .map(|b| json!([b["custom_id"], b["label"]]))
            .collect()
    };
    assert_eq!(buttons(&edited), buttons(&reminder), "and its buttons");
    assert_eq!(
        edited["mentions"],
        json!([]),
        "the line pings nobody: {edited}"
    );

    // The same member again, and a member without the role: still 2.
    let again = click(&fake, &done, &edited, &alice).await;
    assert!(again.contains("already checked in"), "{again}");
    let outsider = in_channel(fake.member(), ids.study);
    let refused = click(&fake, &done, &edited, &outsider).await;
    assert!(
        refused.contains(&format!("This reminder is for <@&{}>", ids.study_role)),
        "{refused}"
    );
    // Pause stays with moderators.
    let pause = done.replace("|done|", "|pause|");
    assert!(click(&fake, &pause, &edited, &alice)
        .await
        .contains("no reminder here that you can manage"));
    assert_eq!(
        bot.app
            .store
            .week_checkins(group.id, 1)
            .await
            .unwrap()
            .len(),
        2
    );

    // The DM learner checks in on their reminder.
    let dm = bot
        .app
        .store
        .get_dm(learner.user as i64)
        .await
        .unwrap()
        .unwrap();
    force_due(&bot, &dm).await;
    delivery::tick(&bot.app, &DeliveryConfig::default())
        .await
        .unwrap();
    let dm_reminder = fake
        .dm_messages(learner.user)
        .last()
        .cloned()
        .expect("the DM reminder");
    let in_dm = fake.dm_invoker(learner.user);
    let said = click(&fake, &done_button(&dm_reminder), &dm_reminder, &in_dm).await;
    assert!(said.contains("Checked in for plan week 1"), "{said}");

    // `/progress me` answers with the picture and the tally.
    let uploads = fake.uploads().len();
    let (me, body) = progress(&fake, "me", json!([]), &in_dm).await;
    assert!(me.contains("1 of 1") && me.contains("streak"), "{me}");
    assert_eq!(
        body["embeds"][0]["image"]["url"], "attachment://progress.png",
        "{me}"
    );
    assert_eq!(
        fake.uploads().len(),
        uploads + 1,
        "the picture was uploaded"
    );

    // A restart on the same database: the group's count is still 2.
    bot.shutdown.notify_one();
    let _ = bot.task.await;
    bot.app.store.close().await;
    let app = Arc::try_unwrap(bot.app).ok().expect("the old bot is gone");
    drop(app);
    let identified = fake.gateway_stats().identifies;
    let bot = start(open().await);
    let mut waited = 0;
    while fake.gateway_stats().identifies <= identified || !fake.wait_ready(LONG).await {
        // Waiting on an observable event (the new session), polled.
        assert!(waited < 300, "the restarted bot connects");
        waited += 1;
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let channel = json!([{ "name": "channel", "type": 7, "value": ids.study.to_string() }]);
    let (shown, _) = progress(&fake, "group", channel.clone(), &alice).await;
    assert!(shown.contains("Week 1: 2 checked in"), "{shown}");

    // `/report` shows check-ins (the group's two and the learner's one, this week).
    let owner = fake.invoker(ids.owner, perms::MEMBER | perms::ADMINISTRATOR);
    let id = fake.send_command_as("report", json!([]), &owner).await;
    let report = fake
        .wait_callback(id, LONG)
        .await
        .expect("answered")
        .body
        .to_string();
    assert!(report.contains("Searches that found nothing"), "{report}");
    assert!(report.contains("Check-ins per week"), "{report}");
    assert!(
        report.contains("**1** learner by DM, **1** study group"),
        "{report}"
    );
    assert!(
        report.contains(": 3 ("),
        "three check-ins this week: {report}"
    );

    // Carol forgets her check-ins: the group's count drops to 1.
    let (forgot, _) = progress(&fake, "forget", json!([]), &carol).await;
    assert!(forgot.contains("Forgot your 1 check-in"), "{forgot}");
    let (shown, _) = progress(&fake, "group", channel, &alice).await;
    assert!(shown.contains("Week 1: 1 checked in"), "{shown}");
    bot.shutdown.notify_one();
    fake.assert_no_violations();
    let _ = std::fs::remove_dir_all(&dir);
}
