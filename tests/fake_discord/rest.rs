//! The fake's REST routes and faults answer like Discord's: commands, DMs, nonce dedupe, closed
//! DMs, deleted channels, pings, pins, interaction callbacks and webhooks, injected faults and
//! the enforced global rate limit.

use std::time::Duration;

use expect_test::expect;
use serde_json::json;

use crate::support::fake_discord::{perms, FakeDiscord, Fault, InteractionKind, Options};
use crate::SECOND;

/// Discord's error code from a failed serenity call.
fn code<T: std::fmt::Debug>(result: serenity::Result<T>) -> isize {
    match result {
        Err(serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(e))) => {
            e.error.code
        }
        other => panic!("expected a Discord error, got {other:?}"),
    }
}

#[tokio::test]
async fn rest_routes_behave_like_discord() {
    let opts = Options {
        interaction_deadline: Duration::from_millis(300),
        ..Options::default()
    };
    let fake = FakeDiscord::start(opts).await;
    let (http, ids) = (fake.serenity_http(), fake.ids().clone());
    let cmd = json!({"name": "pin", "description": "Pin a module card", "default_member_permissions": "8192",
                     "options": [{"type": 3, "name": "module", "description": "Which", "required": true, "autocomplete": true}]});
    assert_eq!(
        http.create_global_commands(&json!([cmd]))
            .await
            .expect("global")
            .len(),
        1
    );
    let guild = http
        .create_guild_commands(
            ids.guild.into(),
            &json!([cmd, {"name": "plan", "description": "Plan"}]),
        )
        .await
        .expect("guild");
    assert_eq!(
        (
            guild.len(),
            fake.global_commands().len(),
            fake.guild_commands(ids.guild).len()
        ),
        (2, 1, 2)
    );
    assert_eq!(
        code(
            http.create_global_commands(&json!([{"name": "Bad Name", "description": "x"}]))
                .await
        ),
        50035
    );
    assert_eq!(fake.take_violations().len(), 1);

    // DMs: one channel per user; nonce + enforce_nonce returns the first message.
    let dm = http
        .create_private_channel(&json!({"recipient_id": "77"}))
        .await
        .expect("dm");
    assert_eq!(
        http.create_private_channel(&json!({"recipient_id": "77"}))
            .await
            .expect("dm")
            .id,
        dm.id
    );
    let once = json!({"content": "Week 1", "nonce": "sub7-w1", "enforce_nonce": true});
    let first = http
        .send_message(dm.id, vec![], &once)
        .await
        .expect("first");
    let again = http
        .send_message(dm.id, vec![], &once)
        .await
        .expect("retry");
    assert_eq!((first.id, fake.message_count(dm.id)), (again.id, 1));
    http.send_message(
        dm.id,
        vec![],
        &json!({"content": "Week 1", "nonce": "sub7-w1"}),
    )
    .await
    .expect("no enforce");
    assert_eq!(fake.dm_messages(77_u64).len(), 2);
    fake.close_dms(77_u64);
    assert_eq!(
        code(
            http.send_message(dm.id, vec![], &json!({"content": "x"}))
                .await
        ),
        50007
    );
    assert_eq!(
        code(
            http.send_message(ids.general.into(), vec![], &json!({"embeds": []}))
                .await
        ),
        50006
    );
    assert_eq!(fake.take_violations().len(), 1);
    fake.delete_channel(ids.study);
    assert_eq!(
        code(
            http.send_message(ids.study.into(), vec![], &json!({"content": "x"}))
                .await
        ),
        10003
    );

    // Pings follow allowed_mentions; pins work on both routes and need the permission.
    let text = format!("@everyone <@&{}> <@{}>", ids.study_role, ids.member);
    let allowed = json!({"parse": [], "roles": [ids.study_role.to_string()]});
    let card = http
        .send_message(
            ids.general.into(),
            vec![],
            &json!({"content": text, "allowed_mentions": allowed}),
        )
        .await
        .expect("card");
    assert_eq!(
        (
            card.mention_everyone,
            card.mention_roles.len(),
            card.mentions.len()
        ),
        (false, 1, 0)
    );
    http.pin_message(ids.general.into(), card.id, None)
        .await
        .expect("deprecated pin route");
    let url = format!(
        "{}/api/v10/channels/{}/messages/pins/{}",
        fake.base_url(),
        ids.general,
        card.id
    );
    let auth = format!("Bot {}", fake.token());
    let put = reqwest::Client::new()
        .put(&url)
        .header("authorization", &auth)
        .send()
        .await
        .expect("put");
    assert_eq!(
        (put.status().as_u16(), fake.pins(ids.general)),
        (204, vec![card.id.get()])
    );
    fake.set_bot_permissions(ids.general, perms::MEMBER);
    assert_eq!(
        code(http.pin_message(ids.general.into(), card.id, None).await),
        50013
    );

    // A button click answered with UPDATE_MESSAGE edits the message it was on, and
    // `?with_response=true` returns the callback resource.
    let click = InteractionKind::Component {
        custom_id: "page:2".into(),
        component_type: 2,
        values: vec![],
        message: serde_json::to_value(&card).expect("json"),
    };
    let (id, payload) = fake.build_interaction(&click, &fake.member());
    let url = format!(
        "{}/api/v10/interactions/{id}/{}/callback?with_response=true",
        fake.base_url(),
        payload["token"].as_str().expect("token")
    );
    let update =
        json!({"type": 7, "data": {"content": "page 2", "allowed_mentions": {"parse": []}}});
    let resp = reqwest::Client::new()
        .post(&url)
        .json(&update)
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status().as_u16(), 200);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["resource"]["message"]["content"], "page 2");
    assert_eq!(fake.messages(ids.general)[0]["content"], "page 2");

    // Interaction callbacks: defer, edit @original, followup; a second ack or a late one fails.
    let (id, payload) = fake.build_interaction(
        &InteractionKind::Command {
            name: "plan".into(),
            options: json!([]),
        },
        &fake.member(),
    );
    let token = payload["token"].as_str().expect("token").to_owned();
    http.create_interaction_response(
        id.into(),
        &token,
        &json!({"type": 5, "data": {"flags": 64}}),
        vec![],
    )
    .await
    .expect("defer");
    assert!(
        fake.wait_reply(id, Duration::from_millis(50))
            .await
            .is_none(),
        "deferred: no reply yet"
    );
    http.edit_original_interaction_response(&token, &json!({"content": "Phase 1"}), vec![])
        .await
        .expect("edit");
    let reply = fake.wait_reply(id, SECOND).await.expect("reply");
    assert_eq!(
        (reply["content"].as_str(), reply["flags"].as_u64()),
        (Some("Phase 1"), Some(64))
    );
    http.create_followup_message(&token, &json!({"content": "more"}), vec![])
        .await
        .expect("followup");
    assert_eq!(fake.followups(id).len(), 1);
    assert_eq!(
        code(
            http.create_interaction_response(
                id.into(),
                &token,
                &json!({"type": 4, "data": {"content": "x"}}),
                vec![]
            )
            .await
        ),
        40060
    );
    let (late, payload) = fake.build_interaction(
        &InteractionKind::Command {
            name: "plan".into(),
            options: json!([]),
        },
        &fake.member(),
    );
    tokio::time::sleep(Duration::from_millis(350)).await;
    let token = payload["token"].as_str().expect("token");
    assert_eq!(
        code(
            http.create_interaction_response(
                late.into(),
                token,
                &json!({"type": 4, "data": {"content": "x"}}),
                vec![]
            )
            .await
        ),
        10062
    );
    let violations = fake.take_violations();
    assert!(
        violations.len() == 2
            && violations[0].contains("twice")
            && violations[1].contains("deadline"),
        "{violations:#?}"
    );
}

#[tokio::test]
async fn faults_answer_like_discord() {
    let fake = FakeDiscord::start(Options::default()).await;
    let client = reqwest::Client::new();
    let me = format!("{}/api/v10/users/@me", fake.base_url());
    let auth = format!("Bot {}", fake.token());
    let faults = [
        Fault::rate_limited(0.25),
        Fault::global_rate_limited(1.5),
        Fault::ServerError,
        Fault::BadGateway,
        Fault::cannot_message_user(),
        Fault::unknown_channel(),
        Fault::Delay(Duration::from_millis(30)),
    ];
    let mut out = String::new();
    for fault in faults {
        fake.inject("GET /users/@me", fault, 1);
        let resp = client
            .get(&me)
            .header("authorization", &auth)
            .send()
            .await
            .expect("send");
        let h = |k: &str| {
            resp.headers()
                .get(k)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-")
                .to_owned()
        };
        let line = format!(
            "{} retry-after={} global={} scope={} type={}",
            resp.status().as_u16(),
            h("retry-after"),
            h("x-ratelimit-global"),
            h("x-ratelimit-scope"),
            h("content-type")
        );
        let body = resp.text().await.expect("body");
        out.push_str(&format!(
            "{line}\n    {}\n",
            body.chars()
                .take(90)
                .collect::<String>()
                .replace("\r\n", " ")
        ));
    }
    let ok = client
        .get(&me)
        .header("authorization", &auth)
        .send()
        .await
        .expect("send");
    let wrong = client
        .get(&me)
        .header("authorization", "Bot nope")
        .send()
        .await
        .expect("send");
    let unknown = client
        .get(format!("{}/api/v10/nowhere", fake.base_url()))
        .send()
        .await
        .expect("send");
    out.push_str(&format!(
        "after: {} wrong token: {} unknown route: {}\n",
        ok.status(),
        wrong.status(),
        unknown.status()
    ));
    expect![[r#"
        429 retry-after=1 global=- scope=user type=application/json
            {"code":0,"global":false,"message":"You are being rate limited.","retry_after":0.25}
        429 retry-after=2 global=true scope=global type=application/json
            {"code":0,"global":true,"message":"You are being rate limited.","retry_after":1.5}
        500 retry-after=- global=- scope=- type=application/json
            {"code":0,"message":"500: Internal Server Error"}
        502 retry-after=- global=- scope=- type=text/html
            <html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502 Bad Gateway</
        403 retry-after=- global=- scope=- type=application/json
            {"code":50007,"message":"Cannot send messages to this user"}
        404 retry-after=- global=- scope=- type=application/json
            {"code":10003,"message":"Unknown Channel"}
        200 retry-after=- global=- scope=- type=application/json
            {"accent_color":null,"avatar":null,"avatar_decoration_data":null,"banner":null,"bot":true,
        after: 200 OK wrong token: 401 Unauthorized unknown route: 404 Not Found
    "#]].assert_eq(&out);
    assert_eq!(
        fake.take_violations().len(),
        2,
        "wrong token and unknown route are violations"
    );

    // The enforced global limit: a burst of 2, then 5/s; interaction routes do not count.
    fake.set_global_limit(5, 2);
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(
            client
                .get(&me)
                .header("authorization", &auth)
                .send()
                .await
                .expect("send")
                .status()
                .as_u16(),
        );
    }
    let stats = fake.global_limit_stats();
    assert_eq!(
        (&statuses[..2], stats.allowed + stats.rejected),
        (&[200, 200][..], 6),
        "{statuses:?}"
    );
    assert!(stats.rejected >= 3, "{stats:?}");
    let cb = format!("{}/api/v10/interactions/1/x/callback", fake.base_url());
    let resp = client
        .post(&cb)
        .json(&json!({"type": 1}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        (
            resp.status().as_u16(),
            fake.global_limit_stats().allowed + fake.global_limit_stats().rejected
        ),
        (404, 6)
    );
    assert_eq!(
        fake.take_violations(),
        ["POST /interactions/1/x/callback: callback for an unknown interaction or token"]
    );
}
