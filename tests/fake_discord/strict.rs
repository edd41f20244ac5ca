//! The fake is as strict as Discord where exactly-once delivery depends on it: nonce memory
//! expires, a lost answer still creates the message, reading a channel honours `after` and
//! `limit` and needs the right permissions, and each route has a bucket with Discord's headers
//! and a 429 with `retry_after` when it runs dry.

use std::time::Duration;

use serde_json::{json, Value};

use crate::support::fake_discord::{perms, FakeDiscord, Fault, Options};

/// A raw REST call: status, headers and JSON body.
async fn call(
    fake: &FakeDiscord,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut req = reqwest::Client::new()
        .request(method, format!("{}/api/v10{path}", fake.base_url()))
        .header("Authorization", format!("Bot {}", fake.token()));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("the fake answers");
    let (status, headers) = (resp.status().as_u16(), resp.headers().clone());
    (status, headers, resp.json().await.unwrap_or(Value::Null))
}

fn post(content: &str, nonce: Option<&str>) -> Value {
    let mut b = json!({ "content": content, "components": [{"type": 1, "components": [
        {"type": 2, "style": 2, "label": "Go", "custom_id": format!("rem|done|1|{content}")}]}]});
    if let Some(n) = nonce {
        b["nonce"] = json!(n);
        b["enforce_nonce"] = json!(true);
    }
    b
}

fn header<'h>(h: &'h reqwest::header::HeaderMap, name: &str) -> &'h str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

#[tokio::test]
async fn nonce_memory_expires_and_lost_answers_still_create() {
    let opts = Options {
        nonce_window: Duration::from_millis(400),
        route_limit: None,
        ..Options::default()
    };
    let fake = FakeDiscord::start(opts).await;
    let path = format!("/channels/{}/messages", fake.channel_id());
    let first = call(
        &fake,
        reqwest::Method::POST,
        &path,
        Some(post("1", Some("n"))),
    )
    .await;
    let again = call(
        &fake,
        reqwest::Method::POST,
        &path,
        Some(post("1", Some("n"))),
    )
    .await;
    assert_eq!(
        first.2["id"], again.2["id"],
        "deduplicated within the window"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let later = call(
        &fake,
        reqwest::Method::POST,
        &path,
        Some(post("1", Some("n"))),
    )
    .await;
    assert_ne!(first.2["id"], later.2["id"], "forgotten after the window");
    assert_eq!(fake.message_count(fake.channel_id()), 2);

    fake.inject("POST /channels/*/messages", Fault::created_then_502(), 1);
    let lost = call(&fake, reqwest::Method::POST, &path, Some(post("2", None))).await;
    assert_eq!(lost.0, 502);
    assert_eq!(
        fake.message_count(fake.channel_id()),
        3,
        "created all the same"
    );
    fake.inject("POST /channels/*/messages", Fault::created_then_closed(), 1);
    let closed = reqwest::Client::new()
        .post(format!("{}/api/v10{path}", fake.base_url()))
        .header("Authorization", format!("Bot {}", fake.token()))
        .json(&post("3", None))
        .send()
        .await;
    let body = match closed {
        Ok(resp) => resp.bytes().await.map(|_| ()),
        Err(e) => Err(e),
    };
    assert!(body.is_err(), "no whole answer");
    assert_eq!(
        fake.message_count(fake.channel_id()),
        4,
        "created all the same"
    );
    fake.assert_no_violations();
}

#[tokio::test]
async fn reading_a_channel_honours_after_and_limit_and_permissions() {
    let opts = Options {
        route_limit: None,
        ..Options::default()
    };
    let fake = FakeDiscord::start(opts).await;
    let c = fake.channel_id();
    let path = format!("/channels/{c}/messages");
    let mut ids = Vec::new();
    for i in 0..5 {
        let (_, _, m) = call(
            &fake,
            reqwest::Method::POST,
            &path,
            Some(post(&i.to_string(), None)),
        )
        .await;
        ids.push(m["id"].as_str().unwrap().to_string());
    }
    let read = |q: String| {
        let fake = &fake;
        let path = format!("{path}?{q}");
        async move { call(fake, reqwest::Method::GET, &path, None).await }
    };
    let (status, _, page) = read(format!("after={}&limit=2", ids[1])).await;
    assert_eq!(status, 200);
    let got: Vec<&str> = page
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        got,
        [ids[3].as_str(), ids[2].as_str()],
        "the two right after, newest first"
    );
    let buttons = &page[0]["components"][0]["components"][0];
    assert_eq!(
        buttons["custom_id"], "rem|done|1|3",
        "the app's own components come back"
    );
    assert_eq!(page[0]["author"]["id"], fake.bot_user_id().to_string());
    let (_, _, latest) = read("limit=3".into()).await;
    assert_eq!(latest[0]["id"], ids[4].as_str());
    assert_eq!(latest.as_array().unwrap().len(), 3);

    fake.set_bot_permissions(c, perms::VIEW_CHANNEL | perms::SEND_MESSAGES);
    let (status, _, none) = read(format!("after={}", ids[0])).await;
    assert_eq!(
        (status, none),
        (200, json!([])),
        "no Read Message History: empty, no error"
    );
    fake.set_bot_permissions(c, 0);
    let (status, _, err) = read("limit=1".into()).await;
    assert_eq!((status, err["code"].as_u64()), (403, Some(50001)));
    fake.assert_no_violations();
}

#[tokio::test]
async fn routes_have_buckets_with_discords_headers() {
    let opts = Options {
        route_limit: Some((3, Duration::from_secs(2))),
        ..Options::default()
    };
    let fake = FakeDiscord::start(opts).await;
    let path = format!("/channels/{}/messages", fake.channel_id());
    let mut remaining = Vec::new();
    let mut bucket = String::new();
    for i in 0..3 {
        let (status, h, _) = call(
            &fake,
            reqwest::Method::POST,
            &path,
            Some(post(&i.to_string(), None)),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(header(&h, "x-ratelimit-limit"), "3");
        let after: f64 = header(&h, "x-ratelimit-reset-after").parse().unwrap();
        assert!(after > 0.0 && after <= 2.0, "{after}");
        assert!(header(&h, "x-ratelimit-reset").parse::<f64>().is_ok());
        bucket = header(&h, "x-ratelimit-bucket").to_string();
        remaining.push(header(&h, "x-ratelimit-remaining").to_string());
    }
    assert_eq!(remaining, ["2", "1", "0"]);
    let (status, h, body) = call(&fake, reqwest::Method::POST, &path, Some(post("x", None))).await;
    assert_eq!(status, 429);
    assert_eq!(header(&h, "x-ratelimit-scope"), "user");
    assert_eq!(header(&h, "x-ratelimit-bucket"), bucket);
    assert_eq!(header(&h, "x-ratelimit-remaining"), "0");
    assert!(
        body["retry_after"]
            .as_f64()
            .is_some_and(|r| r > 0.0 && r <= 2.0),
        "{body}"
    );
    assert_eq!(body["global"], false);
    // Another channel has its own bucket.
    let dm = fake.dm_invoker(fake.ids().member).channel;
    let (status, _, _) = call(
        &fake,
        reqwest::Method::POST,
        &format!("/channels/{dm}/messages"),
        Some(post("y", None)),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!((fake.route_limited(), fake.invalid_requests()), (1, 1));
    assert_eq!(fake.message_count(fake.channel_id()), 3);
    fake.assert_no_violations();
}
