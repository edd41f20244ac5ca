//! `/remind` scripts at a fixed `now` against the in-memory Discord and a real SQLite store: each
//! step's reply (rendered as text), then the requests Discord saw and what was stored.
//! `UPDATE_EXPECT=1 cargo test --lib reminders::commands` updates the snapshots.

use super::{handle, RemindCtx};
use crate::delivery::Clock;
use crate::reply::ask::{interaction, Asker};
use crate::reply::interaction::{AUTOCOMPLETE, MESSAGE_COMPONENT};
use crate::reply::{command, registry, render, Interaction};
use crate::store::Store;
use crate::testkit::{self, MemDiscord};
use expect_test::{expect, Expect};
use jiff::Timestamp;

/// Wednesday 2026-03-04 12:00 UTC.
const NOW: i64 = 1_772_625_600;
const GUILD: &str = "500";
const STUDY: &str = "600";

/// `who` is `member`, `other` (another member), `mod` (Manage Channels), `dm` (the member, in
/// a DM), `otherdm` (the other member, in a DM) or `intruder` (Manage Channels in channel 901 of
/// another server, 900); `closed:` before it closes the member's DMs first.
fn asker(who: &str) -> Asker {
    let (user, moderator, guild, channel) = match who {
        "member" => ("1001", false, Some(GUILD), STUDY),
        "other" => ("1002", false, Some(GUILD), STUDY),
        "mod" => ("1003", true, Some(GUILD), STUDY),
        "dm" => ("1001", false, None, "5000001001"),
        "otherdm" => ("1002", false, None, "5000001002"),
        "intruder" => ("2001", true, Some("900"), "901"),
        _ => panic!("unknown invoker {who}"),
    };
    Asker {
        user_id: user.into(),
        guild_id: guild.map(str::to_string),
        channel_id: channel.into(),
        moderator,
    }
}

/// Like Discord: a channel option comes with `resolved` data holding the invoker's computed
/// permissions there (here: their permissions where they are).
fn resolve_channels(i: &mut Interaction) {
    let Some(perms) = i.member.as_ref().and_then(|m| m.permissions.clone()) else {
        return;
    };
    let Some(d) = i.data.as_mut() else { return };
    let mut channels = serde_json::Map::new();
    for o in d.options.iter().flat_map(|o| o.options.iter()) {
        if let (7, Some(serde_json::Value::String(id))) = (o.kind, &o.value) {
            let c = serde_json::json!({"id": id, "type": 0, "name": "c", "permissions": perms});
            channels.insert(id.clone(), c);
        }
    }
    if !channels.is_empty() {
        d.resolved = Some(serde_json::json!({ "channels": channels }));
    }
}

/// `set NAME=VALUE /remind …`: the subcommand's option NAME set to the raw text VALUE (what a
/// hand-made request could send), added when absent.
fn set_raw(i: &mut Interaction, set: &str) {
    let (name, value) = set.split_once('=').expect("NAME=VALUE");
    let sub = &mut i.data.as_mut().expect("data").options[0].options;
    sub.retain(|o| o.name != name);
    sub.push(crate::reply::interaction::CommandOption {
        name: name.into(),
        kind: if name == "role" { 8 } else { 7 },
        value: Some(value.into()),
        options: Vec::new(),
        focused: None,
    });
}

/// `/remind …` as typed, `button rem|…`, or `complete OPTION TEXT`.
fn build(input: &str, who: &Asker, defs: &[serde_json::Value]) -> Interaction {
    if let Some(id) = input.strip_prefix("button ") {
        let mut i = interaction("/help", defs, who).expect("builds");
        i.kind = MESSAGE_COMPONENT;
        let data = i.data.get_or_insert_with(Default::default);
        data.custom_id = Some(id.to_string());
        data.component_type = Some(2);
        return i;
    }
    if let Some(rest) = input.strip_prefix("complete ") {
        let (option, typed) = rest.split_once(' ').unwrap_or((rest, ""));
        let line = format!("/remind subscribe {option}:{typed}");
        let mut i = interaction(&line, defs, who).expect("builds");
        i.kind = AUTOCOMPLETE;
        if let Some(d) = i.data.as_mut() {
            for o in &mut d.options[0].options {
                o.focused = Some(o.name == option);
            }
        }
        return i;
    }
    if let Some(rest) = input.strip_prefix("set ") {
        let (set, line) = rest.split_once(' ').expect("set NAME=VALUE /remind …");
        let mut i = interaction(line, defs, who).expect("builds");
        set_raw(&mut i, set);
        return i;
    }
    let mut i = interaction(input, defs, who).expect("builds");
    resolve_channels(&mut i);
    i
}

pub(super) fn check(script: &[(&str, &str)], expect: Expect) {
    expect.assert_eq(&run(script).1);
}

/// Runs `script`: each step's reply text, and the whole transcript with what Discord saw and
/// what was stored.
pub(super) fn run(script: &[(&str, &str)]) -> (Vec<String>, String) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let discord = MemDiscord::new(Clock::starting_at(NOW));
        let store = testkit::store().await;
        let catalog = testkit::catalog();
        let delivery = tokio::sync::Notify::new();
        let ctx = RemindCtx {
            store: &*store,
            discord: &*discord,
            catalog: &catalog,
            delivery: &delivery,
            tracks: &Default::default(),
        };
        let defs = registry::definitions(&catalog.curriculum);
        let now = Timestamp::from_second(NOW).expect("now");
        let mut out = String::new();
        let mut replies = Vec::new();
        for (who, input) in script {
            let who = match who.strip_prefix("closed:") {
                Some(w) => {
                    discord.close_dms(1001);
                    w
                }
                None => who,
            };
            let i = build(input, &asker(who), &defs);
            let cmd = command::parse(&i).expect("parses");
            let reply = handle(&ctx, &i, &cmd, now).await;
            let eph = reply.response.message().is_some_and(|m| m.is_ephemeral());
            let text = render::text(&reply.response).trim_end().to_string();
            out.push_str(&format!(
                "> {who}: {input}{}{}\n{text}\n",
                if eph { " [ephemeral]" } else { "" },
                if reply.failed { " [error]" } else { "" },
            ));
            replies.push(text);
        }
        out.push_str(&format!("= discord: {:?}\n", discord.requests()));
        for user in [1001, 1002, 1003] {
            if let Some(s) = store.get_dm(user).await.expect("reads") {
                out.push_str(&format!("= dm {user}: {}\n", stored(&s)));
            }
        }
        if let Some(s) = store.get_group(600).await.expect("reads") {
            out.push_str(&format!("= group 600: {}\n", stored(&s)));
        }
        (replies, out)
    })
}

fn stored(s: &crate::store::Subscription) -> String {
    format!(
        "#{} {:?} {:?} week {} next {} paused {:?} pathway {:?}",
        s.id, s.target, s.schedule, s.week, s.next_due_at, s.paused_reason, s.pathway
    )
}

#[test]
fn subscribe_defaults_and_replacing() {
    check(
        &[
            ("member", "/remind subscribe"),
            ("member", "/remind subscribe day:fri time:18:30 timezone:asia/kathmandu start_week:3 pathway:devops engineers"),
            ("member", "/remind status"),
            ("dm", "/remind preview"),
        ],
        expect![[r#"
            > member: /remind subscribe [ephemeral]
            (only you can see this)
            Subscribed: I'll remind you by DM every **Monday 09:00 (UTC)** on track **MLOps Engineering**, starting at plan week 1.
            Next reminders: <t:1773046800:F>, <t:1773651600:F>, <t:1774256400:F>
            > member: /remind subscribe day:fri time:18:30 timezone:asia/kathmandu start_week:3 pathway:devops engineers [ephemeral]
            (only you can see this)
            Subscribed: I'll remind you by DM every **Friday 18:30 (Asia/Kathmandu)** on track **MLOps Engineering**, starting at plan week 3 on the DevOps Engineers pathway.
            Next reminders: <t:1772801100:F>, <t:1773405900:F>, <t:1774010700:F>
            This replaces your previous subscription.
            > member: /remind status [ephemeral]
            (only you can see this)
            Every **Friday 18:30 (Asia/Kathmandu)** by DM on track **mlops-engineering**, plan week 3: active; next <t:1772801100:F>.
            > dm: /remind preview [ephemeral]
            (only you can see this)
            Your weekly check-in is here.

            ## Week 3 of your learning plan
               The timeline puts you in **[Module 1: MLOps Fundamentals](https://chasingcloudcareers.com/docs/mlops-engineering/mlops-fundamentals)** — Core concepts and lifecycle.
               Pathway: **DevOps Engineers** (8-12 months, learning ML lifecycle and model deployment).
               Weeks 2-4: Core Skills Development:
                 • Build automated ML training pipelines
                 • Practice model deployment and containerization
                 • Implement basic monitoring and logging
                 ↳ [MLOps Tutorial](https://github.com/GokuMohandas/Made-With-ML)
                 ↳ [Docker ML Tutorial](https://docs.docker.com/language/python/)
                 ↳ [Kubernetes ML Example](https://github.com/kubeflow/examples)
            = discord: ["create_dm 1001", "create_message 5000001001", "create_dm 1001", "create_message 5000001001"]
            = dm 1001: #1 Dm Schedule { weekday: 4, hour: 18, minute: 30, tz: "Asia/Kathmandu" } week 3 next 1772801100 paused None pathway Some("DevOps Engineers")
        "#]],
    );
}

#[test]
fn bad_input_stores_nothing() {
    check(
        &[
            ("member", "/remind subscribe timezone:Europe/Londn"),
            ("member", "/remind subscribe time:25:99"),
            ("member", "/remind subscribe start_week:0"),
            ("member", "/remind subscribe start_week:10000"),
            ("member", "/remind subscribe day:someday"),
            ("member", "/remind subscribe pathway:Astronauts"),
            ("member", "/remind subscribe role:<@&700>"),
            ("closed:member", "/remind subscribe"),
            ("member", "/remind week number:3"),
        ],
        expect![[r#"
            > member: /remind subscribe timezone:Europe/Londn [ephemeral] [error]
            (only you can see this)
            “Europe/Londn” is not a known time zone. Did you mean `Europe/London`? Nothing was saved.
            > member: /remind subscribe time:25:99 [ephemeral] [error]
            (only you can see this)
            “25:99” is not a valid time: the hour must be 00–23. Nothing was saved.
            > member: /remind subscribe start_week:0 [ephemeral] [error]
            (only you can see this)
            `start_week` must be from 1 to 48: **MLOps Engineering** is 48 weeks long. Nothing was saved.
            > member: /remind subscribe start_week:10000 [ephemeral] [error]
            (only you can see this)
            `start_week` must be from 1 to 48: **MLOps Engineering** is 48 weeks long. Nothing was saved.
            > member: /remind subscribe day:someday [ephemeral] [error]
            (only you can see this)
            “someday” is not a weekday: use a name such as `monday` or `mon`. Nothing was saved.
            > member: /remind subscribe pathway:Astronauts [ephemeral] [error]
            (only you can see this)
            there is no pathway “Astronauts”; choose one of: Software Engineers, Data Scientists, DevOps Engineers. Nothing was saved.
            > member: /remind subscribe role:<@&700> [ephemeral] [error]
            (only you can see this)
            A role goes with a study-group `channel`. Nothing was saved.
            > member: /remind subscribe [ephemeral] [error]
            (only you can see this)
            I can't send you DMs, so nothing was saved. Open them in this server's menu → **Privacy Settings** → allow **Direct Messages**, then run `/remind subscribe` again.
            > member: /remind week number:3 [ephemeral] [error]
            (only you can see this)
            You have no reminder subscription. Start one with `/remind subscribe`.
            = discord: ["create_dm 1001", "create_message 5000001001"]
        "#]],
    );
}

#[test]
fn managing_my_subscription() {
    check(
        &[
            (
                "member",
                "/remind subscribe day:mon time:09:00 timezone:Europe/London",
            ),
            ("member", "/remind skip"),
            ("member", "/remind week number:7"),
            ("member", "/remind week number:0"),
            ("member", "/remind pause"),
            ("member", "/remind status"),
            ("member", "/remind resume"),
            ("member", "/remind unsubscribe"),
            ("member", "/remind status"),
        ],
        expect![[r#"
            > member: /remind subscribe day:mon time:09:00 timezone:Europe/London [ephemeral]
            (only you can see this)
            Subscribed: I'll remind you by DM every **Monday 09:00 (Europe/London)** on track **MLOps Engineering**, starting at plan week 1.
            Next reminders: <t:1773046800:F>, <t:1773651600:F>, <t:1774256400:F>
            > member: /remind skip [ephemeral]
            (only you can see this)
            Skipped one week. Next reminder: <t:1773651600:F>
            > member: /remind week number:7 [ephemeral]
            (only you can see this)
            You're now at plan week 7.
            > member: /remind week number:0 [ephemeral] [error]
            (only you can see this)
            `number` must be a week from 1 to 520. Nothing was changed.
            > member: /remind pause [ephemeral]
            (only you can see this)
            Paused. `/remind resume` starts them again.
            > member: /remind status [ephemeral]
            (only you can see this)
            Every **Monday 09:00 (Europe/London)** by DM on track **mlops-engineering**, plan week 7: **paused** (paused by the member).
            > member: /remind resume [ephemeral]
            (only you can see this)
            Resumed. Next reminders: <t:1773046800:F>, <t:1773651600:F>, <t:1774256400:F>
            > member: /remind unsubscribe [ephemeral]
            (only you can see this)
            Unsubscribed. No more reminders.
            Your check-ins are kept for `/progress me`; **Forget my check-ins** deletes them (so does `/progress forget`).

            [Forget my check-ins]
            > member: /remind status [ephemeral] [error]
            (only you can see this)
            You have no reminder subscription. Start one with `/remind subscribe`.
            = discord: ["create_dm 1001", "create_message 5000001001"]
        "#]],
    );
}

#[test]
fn study_groups_and_their_moderators() {
    check(
        &[
            ("member", "/remind subscribe channel:<#600> role:<@&700>"),
            ("mod", "/remind subscribe channel:<#600> role:<@&500>"),
            (
                "mod",
                "/remind subscribe channel:<#600> role:<@&700> day:thu time:17:00",
            ),
            (
                "mod",
                "/remind subscribe channel:<#600> role:<@&700> day:tue",
            ),
            ("member", "/remind pause channel:<#600>"),
            ("mod", "/remind pause channel:<#600>"),
            ("mod", "/remind status"),
            ("member", "/remind status"),
        ],
        expect![[r#"
            > member: /remind subscribe channel:<#600> role:<@&700> [ephemeral] [error]
            (only you can see this)
            Study-group reminders need **Manage Channels** on that channel. Nothing was saved.
            > mod: /remind subscribe channel:<#600> role:<@&500> [ephemeral] [error]
            (only you can see this)
            Pick the study group's role, not @everyone. Nothing was saved.
            > mod: /remind subscribe channel:<#600> role:<@&700> day:thu time:17:00 [ephemeral]
            (only you can see this)
            Subscribed: I'll remind <#600>, mentioning <@&700>, every **Thursday 17:00 (UTC)** on track **MLOps Engineering**, starting at plan week 1.
            Next reminders: <t:1772730000:F>, <t:1773334800:F>, <t:1773939600:F>
            > mod: /remind subscribe channel:<#600> role:<@&700> day:tue [ephemeral]
            (only you can see this)
            Subscribed: I'll remind <#600>, mentioning <@&700>, every **Tuesday 09:00 (UTC)** on track **MLOps Engineering**, starting at plan week 1.
            Next reminders: <t:1773133200:F>, <t:1773738000:F>, <t:1774342800:F>
            This replaces the channel's previous study-group reminder.
            > member: /remind pause channel:<#600> [ephemeral] [error]
            (only you can see this)
            There's no reminder here that you can manage. (A study group's reminder is managed in its server, with **Manage Channels** on its channel.)
            > mod: /remind pause channel:<#600> [ephemeral]
            (only you can see this)
            Paused. `/remind resume` starts them again.
            > mod: /remind status [ephemeral]
            (only you can see this)
            This channel: Every **Tuesday 09:00 (UTC)** in <#600> for <@&700> on track **mlops-engineering**, plan week 1: **paused** (paused by the member).
            > member: /remind status [ephemeral] [error]
            (only you can see this)
            You have no reminder subscription. Start one with `/remind subscribe`.
            = discord: []
            = group 600: #1 Channel { channel_id: 600, role_id: Some(700) } Schedule { weekday: 1, hour: 9, minute: 0, tz: "UTC" } week 1 next 1773133200 paused Some("paused by the member") pathway None
        "#]],
    );
}

#[test]
fn autocomplete_of_zones_and_pathways() {
    check(
        &[
            ("member", "complete timezone europe/lo"),
            ("member", "complete timezone kathm"),
            ("member", "complete pathway data"),
        ],
        expect![[r#"
            > member: complete timezone europe/lo
            - Europe/London (Europe/London)
            - Europe/Oslo (Europe/Oslo)
            > member: complete timezone kathm
            - Asia/Kathmandu (Asia/Kathmandu)
            > member: complete pathway data
            - Data Scientists (Data Scientists)
            = discord: []
        "#]],
    );
}
