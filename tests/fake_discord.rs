//! Tests of the fake Discord itself: spec validation catches bad bodies, every payload it sends
//! deserializes into serenity 0.12.5's models, its REST routes and faults behave like Discord's,
//! and a real serenity `Client` connects, receives READY and interactions, and survives a dropped
//! gateway with a RESUME.

mod support;

#[path = "fake_discord/attachments.rs"]
mod attachments;
#[path = "fake_discord/client.rs"]
mod client;
#[path = "fake_discord/rest.rs"]
mod rest;
#[path = "fake_discord/strict.rs"]
mod strict;

use std::time::Duration;

use expect_test::{expect, Expect};
use serde_json::{json, Value};
use serenity::model::prelude::*;
use support::fake_discord::gateway::dispatch_frame;
use support::fake_discord::spec::{spec, RouteMatch};
use support::fake_discord::{payloads, perms, FakeDiscord, InteractionKind, Options};

pub const SECOND: Duration = Duration::from_secs(1);

/// Matches `method path?query` to an operation and validates `body` against it: one line per
/// request, `operation template: ok` or the problems found.
fn check_requests(cases: &[(&str, &str, Value)], expect: Expect) {
    let spec = spec();
    let mut out = String::new();
    for (method, target, body) in cases {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let raw = if body.is_null() {
            Vec::new()
        } else {
            body.to_string().into_bytes()
        };
        let line = match spec.match_route(method, path) {
            RouteMatch::Found(op) => {
                let problems = spec.check_request(&op, query, "application/json", &raw);
                let verdict = if problems.is_empty() {
                    "ok".to_owned()
                } else {
                    problems.join("\n    ")
                };
                format!(
                    "{method} {target} -> {} {}: {verdict}",
                    op.operation_id, op.template
                )
            }
            other => format!("{method} {target} -> {other:?}"),
        };
        out.push_str(&line);
        out.push('\n');
    }
    expect.assert_eq(&out);
}

#[test]
fn spec_validation_passes_good_requests_and_catches_bad_ones() {
    let cb = "/interactions/1150000000000000555/aW50ZXJhY3Rpb246/callback";
    let with_response = format!("{cb}?with_response=true");
    let bad_query = format!("{cb}?with_response=maybe&bogus=1");
    let command = json!({"name": "resource", "description": "Find a resource", "options": [
        {"type": 3, "name": "query", "description": "What", "required": true, "autocomplete": true}]});
    check_requests(
        &[
            (
                "POST",
                "/channels/42/messages",
                json!({"content": "hi", "nonce": "w1", "enforce_nonce": true}),
            ),
            ("POST", "/channels/42/messages", json!({"content": 5})),
            ("POST", "/channels/abc/messages", json!({"content": "x"})),
            (
                "POST",
                cb,
                json!({"type": 4, "data": {"content": "x", "flags": 64, "allowed_mentions": {"parse": []}}}),
            ),
            (
                "POST",
                cb,
                json!({"type": 4, "data": {"embeds": [{"title": "t".repeat(257)}]}}),
            ),
            (
                "POST",
                cb,
                json!({"type": 8, "data": {"choices": [{"name": "", "value": "a"}]}}),
            ),
            ("POST", cb, json!({"type": 42})),
            ("POST", &with_response, json!({"type": 5})),
            ("POST", &bad_query, json!({"type": 5})),
            ("PUT", "/applications/1/commands", json!([command])),
            (
                "PUT",
                "/applications/1/commands",
                json!([{"name": "pin", "description": "Pin", "default_member_permissions": "8192"}]),
            ),
            (
                "PUT",
                "/applications/1/commands",
                json!([{"name": "pin", "description": "Pin", "default_member_permissions": "manage"}]),
            ),
            (
                "PUT",
                "/applications/1/guilds/2/commands",
                json!([{"name": "Bad Name!", "description": "x"}]),
            ),
            (
                "POST",
                "/users/@me/channels",
                json!({"recipient_id": "1150000000000000202"}),
            ),
            ("PUT", "/channels/1/pins/2", Value::Null),
            ("PUT", "/channels/1/messages/pins/2", json!({"x": 1})),
            (
                "PATCH",
                "/webhooks/1/tok/messages/@original",
                json!({"content": "edited"}),
            ),
            ("GET", "/channels/1/nonsense", Value::Null),
        ],
        expect![[r#"
            POST /channels/42/messages -> create_message /channels/{channel_id}/messages: ok
            POST /channels/42/messages -> create_message /channels/{channel_id}/messages: body at `/content`: 5 is not of types "null", "string"
            POST /channels/abc/messages -> create_message /channels/{channel_id}/messages: path channel_id at ``: "abc" does not match "^(0|[1-9][0-9]*)$"
            POST /interactions/1150000000000000555/aW50ZXJhY3Rpb246/callback -> create_interaction_response /interactions/{interaction_id}/{interaction_token}/callback: ok
            POST /interactions/1150000000000000555/aW50ZXJhY3Rpb246/callback -> create_interaction_response /interactions/{interaction_id}/{interaction_token}/callback: body at `/data/embeds/0/title`: value is longer than 256 characters
            POST /interactions/1150000000000000555/aW50ZXJhY3Rpb246/callback -> create_interaction_response /interactions/{interaction_id}/{interaction_token}/callback: body at `/data/choices/0/name`: "" is shorter than 1 character
            POST /interactions/1150000000000000555/aW50ZXJhY3Rpb246/callback -> create_interaction_response /interactions/{interaction_id}/{interaction_token}/callback: body at `/type`: 42 is not one of 4 or 5
                body at `/type`: 42 is not valid under any of the schemas listed in the 'oneOf' keyword
            POST /interactions/1150000000000000555/aW50ZXJhY3Rpb246/callback?with_response=true -> create_interaction_response /interactions/{interaction_id}/{interaction_token}/callback: ok
            POST /interactions/1150000000000000555/aW50ZXJhY3Rpb246/callback?with_response=maybe&bogus=1 -> create_interaction_response /interactions/{interaction_id}/{interaction_token}/callback: query with_response at ``: "maybe" is not of type "boolean"
                query parameter `bogus` is not declared by the operation
            PUT /applications/1/commands -> bulk_set_application_commands /applications/{application_id}/commands: ok
            PUT /applications/1/commands -> bulk_set_application_commands /applications/{application_id}/commands: ok
            PUT /applications/1/commands -> bulk_set_application_commands /applications/{application_id}/commands: body at `/0/default_member_permissions`: "manage" does not match "^[0-9]{1,20}$"
            PUT /applications/1/guilds/2/commands -> bulk_set_guild_application_commands /applications/{application_id}/guilds/{guild_id}/commands: ok
            POST /users/@me/channels -> create_dm /users/@me/channels: ok
            PUT /channels/1/pins/2 -> deprecated_create_pin /channels/{channel_id}/pins/{message_id}: ok
            PUT /channels/1/messages/pins/2 -> create_pin /channels/{channel_id}/messages/pins/{message_id}: the operation takes no request body, got 7 bytes
            PATCH /webhooks/1/tok/messages/@original -> update_original_webhook_message /webhooks/{webhook_id}/{webhook_token}/messages/@original: ok
            GET /channels/1/nonsense -> NotFound
        "#]],
    );
}

/// Deserializes `value` as `T`, failing with serde's message.
fn model<T: serde::de::DeserializeOwned>(what: &str, value: Value) -> T {
    serde_json::from_value(value).unwrap_or_else(|e| panic!("{what} does not deserialize: {e}"))
}

/// A dispatch frame as serenity's shard reads it.
fn event(name: &str, data: Value) -> Event {
    let frame = dispatch_frame(name, 7, data);
    match serde_json::from_str::<GatewayEvent>(&frame) {
        Ok(GatewayEvent::Dispatch(7, event)) => event,
        Ok(other) => panic!("{name}: unexpected {other:?}"),
        Err(e) => panic!("{name} does not deserialize: {e}"),
    }
}

#[tokio::test]
async fn every_payload_deserializes_into_serenity_models() {
    let fake = FakeDiscord::start(Options::default()).await;
    let world = fake.world();
    let ids = fake.ids().clone();
    let ready = event(
        "READY",
        payloads::ready(world, "abc", &fake.gateway_url(), [0, 1]),
    );
    let Event::Ready(ready) = ready else {
        panic!("READY became {ready:?}")
    };
    assert_eq!(
        (ready.ready.application.id.get(), ready.ready.guilds.len()),
        (ids.application, 1)
    );
    let guild = event(
        "GUILD_CREATE",
        payloads::guild_create(world, &world.guilds[0]),
    );
    assert!(
        matches!(guild, Event::GuildCreate(g) if g.guild.channels.len() == 2 && g.guild.roles.len() == 4)
    );
    assert!(matches!(event("RESUMED", json!({})), Event::Resumed(_)));

    let opts = json!([{"name": "channel", "type": 7, "value": ids.study.to_string()},
                      {"name": "role", "type": 8, "value": ids.study_role.to_string()},
                      {"name": "who", "type": 6, "value": ids.moderator.to_string()}]);
    let cases = [
        InteractionKind::Command {
            name: "remind".into(),
            options: opts,
        },
        InteractionKind::Autocomplete {
            name: "resource".into(),
            options: json!([{"name": "query", "type": 3, "value": "mlf", "focused": true}]),
        },
    ];
    for (kind, who) in cases
        .iter()
        .flat_map(|k| [(k, fake.moderator()), (k, fake.dm_invoker(ids.member))])
    {
        let (id, payload) = fake.build_interaction(kind, &who);
        match event("INTERACTION_CREATE", payload) {
            Event::InteractionCreate(e) => match (&e.interaction, kind) {
                (Interaction::Command(c), InteractionKind::Command { .. }) => {
                    assert_eq!(c.id.get(), id);
                    assert_eq!(c.data.options.len(), 3);
                    assert_eq!(
                        c.member.as_ref().map(|m| m.permissions),
                        who.guild
                            .map(|_| Some(Permissions::from_bits_truncate(perms::MODERATOR)))
                    );
                    assert_eq!(
                        c.data.resolved.channels.len()
                            + c.data.resolved.roles.len()
                            + c.data.resolved.users.len(),
                        3
                    );
                }
                (Interaction::Autocomplete(a), InteractionKind::Autocomplete { .. }) => {
                    assert_eq!(a.data.autocomplete().map(|o| o.value), Some("mlf"));
                }
                other => panic!("wrong interaction: {other:?}"),
            },
            other => panic!("not an interaction: {other:?}"),
        }
    }

    // REST bodies, deserialized by serenity's own Http (and checked against the spec by the fake).
    let http = fake.serenity_http();
    let dm = http
        .create_private_channel(&json!({"recipient_id": ids.member.to_string()}))
        .await
        .expect("create DM");
    let body = json!({"content": "card", "components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "Next", "custom_id": "page:2"}]}]});
    let msg = http
        .send_message(dm.id, vec![], &body)
        .await
        .expect("send message");
    assert_eq!((msg.channel_id, msg.author.id.get()), (dm.id, ids.bot_user));
    let click = InteractionKind::Component {
        custom_id: "page:2".into(),
        component_type: 2,
        values: vec![],
        message: serde_json::to_value(&msg).expect("json"),
    };
    let (_, payload) = fake.build_interaction(&click, &fake.member());
    assert!(
        matches!(event("INTERACTION_CREATE", payload), Event::InteractionCreate(e) if matches!(&e.interaction, Interaction::Component(c) if c.data.custom_id == "page:2" && c.message.id == msg.id))
    );
    assert!(matches!(
        http.get_channel(dm.id).await.expect("channel"),
        Channel::Private(_)
    ));
    assert!(matches!(
        http.get_channel(ids.general.into()).await.expect("channel"),
        Channel::Guild(_)
    ));
    assert_eq!(
        http.get_current_user().await.expect("me").id.get(),
        ids.bot_user
    );
    assert_eq!(
        http.get_current_application_info()
            .await
            .expect("app")
            .id
            .get(),
        ids.application
    );
    assert_eq!(
        http.get_gateway().await.expect("gateway").url,
        fake.gateway_url()
    );
    assert_eq!(http.get_bot_gateway().await.expect("bot gateway").shards, 1);
    for (status, code, text) in [
        (403, 50007, "Cannot send messages to this user"),
        (404, 10003, "Unknown Channel"),
    ] {
        let e: serenity::http::DiscordJsonError =
            model("error body", payloads::error_body(code, text));
        assert_eq!((e.code, status), (code as isize, status));
    }
    fake.assert_no_violations();
}

/// A violation nobody asserted on fails the test: dropping the fake panics with the list.
#[test]
fn unread_violations_fail_the_test_when_the_fake_is_dropped() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let fake = rt.block_on(FakeDiscord::start(Options::default()));
    let status = rt.block_on(async {
        let url = format!("{}/api/v10/no/such/route", fake.base_url());
        let resp = reqwest::Client::new()
            .get(url)
            .header("Authorization", format!("Bot {}", fake.token()))
            .send()
            .await
            .expect("send");
        resp.status().as_u16()
    });
    assert_eq!((status, fake.violations().len()), (404, 1));
    let dropped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(fake)));
    let message = dropped.expect_err("the drop panics");
    let text = message.downcast_ref::<String>().expect("a panic message");
    assert!(
        text.contains("1 violation(s)") && text.contains("GET /no/such/route"),
        "{text}"
    );
}
