//! Ownership of subscriptions across servers, channels and users (issue 11, item 5), and the
//! checks on ids and echoes of `/remind` (item 7). Same scripts as `tests.rs`:
//! `UPDATE_EXPECT=1 cargo test --lib reminders::commands` updates the snapshots.

use super::access::NOT_YOURS;
use super::tests::{check, run};
use crate::reminders::content::{reminder, Audience};
use expect_test::expect;

/// Subscription #1 is the member's DM one, #2 the study group of channel 600 in server 500.
const SETUP: [(&str, &str); 2] = [
    ("member", "/remind subscribe"),
    ("mod", "/remind subscribe channel:<#600> role:<@&700>"),
];

#[test]
fn buttons_act_for_the_subscriber_only() {
    check(
        &[
            ("member", "/remind subscribe start_week:4"),
            ("mod", "/remind subscribe channel:<#600> role:<@&700>"),
            ("otherdm", "button rem|done|dm"),
            ("other", "button rem|pause|dm"),
            ("mod", "button rem|unsub|dm"),
            ("dm", "button rem|done|dm"),
            ("dm", "button rem|pause|dm"),
            ("other", "button rem|pause|group"),
            ("member", "button rem|unsub|group"),
            ("mod", "button rem|pause|group"),
            ("dm", "button rem|unsub|dm"),
            ("dm", "button rem|unsub|dm"),
            ("member", "button rem|nope|dm"),
            ("member", "button rem|done|x"),
        ],
        expect![[r#"
            > member: /remind subscribe start_week:4 [ephemeral]
            (only you can see this)
            Subscribed: I'll remind you by DM every **Monday 09:00 (UTC)** on track **MLOps Engineering**, starting at plan week 4.
            Next reminders: <t:1773046800:F>, <t:1773651600:F>, <t:1774256400:F>
            > mod: /remind subscribe channel:<#600> role:<@&700> [ephemeral]
            (only you can see this)
            Subscribed: I'll remind <#600>, mentioning <@&700>, every **Monday 09:00 (UTC)** on track **MLOps Engineering**, starting at plan week 1.
            Next reminders: <t:1773046800:F>, <t:1773651600:F>, <t:1774256400:F>
            > otherdm: button rem|done|dm [ephemeral] [error]
            (only you can see this)
            There's no reminder here that you can manage. (A study group's reminder is managed in its server, with **Manage Channels** on its channel.)
            > other: button rem|pause|dm [ephemeral] [error]
            (only you can see this)
            There's no reminder here that you can manage. (A study group's reminder is managed in its server, with **Manage Channels** on its channel.)
            > mod: button rem|unsub|dm [ephemeral] [error]
            (only you can see this)
            There's no reminder here that you can manage. (A study group's reminder is managed in its server, with **Manage Channels** on its channel.)
            > dm: button rem|done|dm [ephemeral]
            (only you can see this)
            Nice work on week 3! See you next week.
            > dm: button rem|pause|dm [ephemeral]
            (only you can see this)
            Paused. `/remind resume` starts them again.
            > other: button rem|pause|group [ephemeral] [error]
            (only you can see this)
            There's no reminder here that you can manage. (A study group's reminder is managed in its server, with **Manage Channels** on its channel.)
            > member: button rem|unsub|group [ephemeral] [error]
            (only you can see this)
            There's no reminder here that you can manage. (A study group's reminder is managed in its server, with **Manage Channels** on its channel.)
            > mod: button rem|pause|group [ephemeral]
            (only you can see this)
            Paused. `/remind resume` starts them again.
            > dm: button rem|unsub|dm [ephemeral]
            (only you can see this)
            Unsubscribed. No more reminders.
            Your check-ins are kept for `/progress me`; **Forget my check-ins** deletes them (so does `/progress forget`).

            [Forget my check-ins]
            > dm: button rem|unsub|dm [ephemeral] [error]
            (only you can see this)
            There's no reminder here that you can manage. (A study group's reminder is managed in its server, with **Manage Channels** on its channel.)
            > member: button rem|nope|dm [ephemeral] [error]
            (only you can see this)
            That button has expired.
            > member: button rem|done|x [ephemeral] [error]
            (only you can see this)
            That button has expired.
            = discord: ["create_dm 1001", "create_message 5000001001"]
            = group 600: #2 Channel { channel_id: 600, role_id: Some(700) } Schedule { weekday: 0, hour: 9, minute: 0, tz: "UTC" } week 1 next 1773046800 paused Some("paused from a reminder") pathway None
        "#]],
    );
}

#[test]
fn a_moderator_of_another_server_cannot_manage_a_study_group() {
    let attempts = [
        "/remind pause channel:<#600>",
        "/remind unsubscribe channel:<#600>",
        "/remind resume channel:<#600>",
        "/remind skip channel:<#600>",
        "/remind week channel:<#600> number:9",
        "/remind status channel:<#600>",
        "/remind preview channel:<#600>",
        "/remind subscribe channel:<#600> day:fri",
        "button rem|pause|2",
        "button rem|unsub|2",
        "button rem|pause|group",
        "button rem|unsub|1",
    ];
    let mut script = SETUP.to_vec();
    script.extend(attempts.iter().map(|a| ("intruder", *a)));
    let (replies, out) = run(&script);
    for (attempt, reply) in attempts.iter().zip(&replies[2..]) {
        assert!(
            reply.contains(NOT_YOURS),
            "{attempt} must be refused: {reply}"
        );
    }
    // Nothing changed: still active, same schedule, same week.
    let stored = out
        .lines()
        .filter(|l| l.starts_with("= "))
        .collect::<Vec<_>>();
    expect![[r#"
        [
            "= discord: [\"create_dm 1001\", \"create_message 5000001001\"]",
            "= dm 1001: #1 Dm Schedule { weekday: 0, hour: 9, minute: 0, tz: \"UTC\" } week 1 next 1773046800 paused None pathway None",
            "= group 600: #2 Channel { channel_id: 600, role_id: Some(700) } Schedule { weekday: 0, hour: 9, minute: 0, tz: \"UTC\" } week 1 next 1773046800 paused None pathway None",
        ]
    "#]]
    .assert_debug_eq(&stored);
}

#[test]
fn not_yours_and_does_not_exist_get_the_same_refusal() {
    let mut script = SETUP.to_vec();
    script.extend([
        ("intruder", "/remind pause channel:<#600>"), // exists, another server's
        ("intruder", "/remind pause channel:<#901>"), // doesn't exist
        ("other", "/remind pause channel:<#600>"),    // exists, no Manage Channels
        ("intruder", "button rem|pause|2"),           // exists
        ("intruder", "button rem|pause|99"),          // doesn't exist
        ("intruder", "button rem|pause|group"),
        ("other", "button rem|pause|group"),
        ("otherdm", "button rem|pause|1"),
        ("otherdm", "button rem|pause|3"),
    ]);
    let (replies, _) = run(&script);
    let refusals = &replies[2..];
    assert!(refusals.iter().all(|r| r == &refusals[0]), "{refusals:#?}");
    assert!(refusals[0].contains(NOT_YOURS));
}

#[test]
fn old_buttons_with_ids_work_for_their_owner_only() {
    let mut script = SETUP.to_vec();
    script.extend([
        ("dm", "button rem|done|2"),     // not the member's subscription
        ("other", "button rem|pause|2"), // no Manage Channels
        ("mod", "button rem|done|1"),    // the group's channel holds #2, not #1
        ("dm", "button rem|pause|1"),
        ("mod", "button rem|pause|2"),
    ]);
    let (replies, out) = run(&script);
    assert!(
        replies[2..5].iter().all(|r| r.contains(NOT_YOURS)),
        "{replies:#?}"
    );
    assert!(
        replies[5..].iter().all(|r| r.contains("Paused.")),
        "{replies:#?}"
    );
    assert_eq!(
        out.matches("paused Some(\"paused from a reminder\")")
            .count(),
        2,
        "{out}"
    );
}

#[test]
fn reminder_buttons_carry_no_subscription_id() {
    let c = crate::testkit::catalog().curriculum;
    for audience in [Audience::Learner, Audience::Group { role: Some(700) }] {
        let r = reminder(&c, None, 3, None, 1_800_000_000, false, audience);
        let ids: Vec<&str> = r.message.components[0]
            .components
            .iter()
            .filter_map(|b| b.custom_id.as_deref())
            .collect();
        assert_eq!(ids.len(), 3);
        for id in ids {
            // Only the slot (the due second, the delivery's identity) is a number.
            let (scope, slot) = id.rsplit_once('|').expect("four parts");
            assert!(!scope.chars().any(|c| c.is_ascii_digit()), "{id}");
            assert_eq!(slot, "1800000000", "{id}");
            assert!(super::access::parse_button(id).is_some(), "{id}");
        }
    }
}

#[test]
fn bad_channel_and_role_ids_are_refused() {
    let (_, out) = run(&[
        ("mod", "set channel=-5 /remind subscribe"),
        ("mod", "set channel=general /remind subscribe"),
        ("mod", "set channel=99999999999999999999 /remind subscribe"),
        ("mod", "set role=0 /remind subscribe channel:<#600>"),
        ("mod", "set channel=+600 /remind pause"),
    ]);
    expect![[r#"
        > mod: set channel=-5 /remind subscribe [ephemeral] [error]
        (only you can see this)
        `channel` must be a channel of this server, picked from the list (not a typed number or name). Nothing was saved.
        > mod: set channel=general /remind subscribe [ephemeral] [error]
        (only you can see this)
        `channel` must be a channel of this server, picked from the list (not a typed number or name). Nothing was saved.
        > mod: set channel=99999999999999999999 /remind subscribe [ephemeral] [error]
        (only you can see this)
        `channel` must be a channel of this server, picked from the list (not a typed number or name). Nothing was saved.
        > mod: set role=0 /remind subscribe channel:<#600> [ephemeral] [error]
        (only you can see this)
        `role` must be a role of this server, picked from the list (not a typed number or name). Nothing was saved.
        > mod: set channel=+600 /remind pause [ephemeral] [error]
        (only you can see this)
        `channel` must be a channel of this server, picked from the list (not a typed number or name).
        = discord: []
    "#]]
    .assert_eq(&out);
}

#[test]
fn subscribe_echoes_are_escaped() {
    let (replies, _) = run(&[
        ("member", "/remind subscribe day:**@everyone**"),
        ("member", "/remind subscribe time:[x](https://evil.example)"),
        ("member", "/remind subscribe timezone:<@&700>_`x`"),
        (
            "member",
            "/remind subscribe pathway:[x](https://evil.example)",
        ),
    ]);
    expect![[r#"
        [
            "(only you can see this)\n“\\*\\*@\u{200b}everyone\\*\\*” is not a weekday: use a name such as `monday` or `mon`. Nothing was saved.",
            "(only you can see this)\n“\\[x\\]\\(https://evil.example\\)” is not a time: use `HH:MM` (24-hour, e.g. `09:00`, `18:30`) or `9am`/`9:30pm`. Nothing was saved.",
            "(only you can see this)\n“\\<@\u{200b}&700\\>\\_\\`x\\`” is not a known time zone: use an IANA name such as `Europe/London`, `America/New_York` or `UTC` (the autocomplete lists them). Nothing was saved.",
            "(only you can see this)\nthere is no pathway “\\[x\\]\\(https://evil.example\\)”; choose one of: Software Engineers, Data Scientists, DevOps Engineers. Nothing was saved.",
        ]
    "#]]
    .assert_debug_eq(&replies);
}
