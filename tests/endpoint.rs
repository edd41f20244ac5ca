//! The HTTP interactions endpoint over real HTTP on 127.0.0.1: signatures (strictly verified,
//! each failure with its own message), PING, a command, health and metrics.

mod endpoint_kit;

use curriculum_bot::discord::endpoint::{self, AuthError};
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde_json::{json, Value};

struct Server {
    url: String,
    key: SigningKey,
    http: reqwest::Client,
}

async fn start() -> Server {
    start_with(endpoint_kit::key().verifying_key()).await
}

/// Serves with `verifying` (any key, even one the settings would refuse).
async fn start_with(verifying: VerifyingKey) -> Server {
    let state = endpoint_kit::offline(verifying).await;
    let (addr, _) = endpoint_kit::serve(state, Default::default(), std::future::pending()).await;
    Server {
        url: format!("http://{addr}"),
        key: endpoint_kit::key(),
        http: reqwest::Client::new(),
    }
}

fn now() -> i64 {
    endpoint_kit::unix_now()
}

impl Server {
    async fn post(&self, body: &[u8], sig: Option<String>, ts: Option<String>) -> (u16, Value) {
        let mut req = self
            .http
            .post(format!("{}/interactions", self.url))
            .body(body.to_vec());
        if let Some(s) = sig {
            req = req.header("X-Signature-Ed25519", s);
        }
        if let Some(t) = ts {
            req = req.header("X-Signature-Timestamp", t);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    fn sign(&self, key: &SigningKey, ts: i64, body: &[u8]) -> (Option<String>, Option<String>) {
        let (sig, ts) = endpoint_kit::sign(key, ts, body);
        (Some(sig), Some(ts))
    }

    async fn signed(&self, body: &[u8]) -> (u16, Value) {
        let (s, t) = self.sign(&self.key, now(), body);
        self.post(body, s, t).await
    }
}

fn resource_body() -> Vec<u8> {
    json!({
        "id": "1", "application_id": "2", "type": 2, "token": "t", "channel_id": "3", "guild_id": "4",
        "member": { "user": { "id": "5", "username": "u" }, "permissions": "0", "roles": [] },
        "data": { "id": "6", "name": "resource", "type": 1, "options": [{ "name": "query", "type": 3, "value": "mlflow" }] }
    })
    .to_string()
    .into_bytes()
}

#[tokio::test]
async fn ping_and_a_command_with_a_valid_signature() {
    let s = start().await;
    let (status, v) = s
        .signed(br#"{"id":"1","application_id":"2","type":1,"token":"t"}"#)
        .await;
    assert_eq!((status, v), (200, json!({"type": 1})));
    let (status, v) = s.signed(&resource_body()).await;
    assert_eq!(status, 200);
    assert_eq!(v["type"], 4);
    let titles: Vec<&str> = v["data"]["embeds"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["title"].as_str())
        .collect();
    assert!(
        titles.contains(&"MLflow Documentation") && titles.contains(&"MLflow Quickstart"),
        "{titles:?}"
    );
}

#[tokio::test]
async fn bad_signatures_are_refused_with_401() {
    let s = start().await;
    let body = resource_body();
    let other = SigningKey::from_bytes(&[9u8; 32]);
    let (good_sig, good_ts) = s.sign(&s.key, now(), &body);
    type Case = (&'static str, Vec<u8>, Option<String>, Option<String>);
    let cases: Vec<Case> = vec![
        (
            "invalid hex",
            body.clone(),
            Some("zz".repeat(64)),
            good_ts.clone(),
        ),
        (
            "wrong length",
            body.clone(),
            Some("ab".repeat(10)),
            good_ts.clone(),
        ),
        (
            "flipped bit",
            body.clone(),
            good_sig
                .clone()
                .map(|s| format!("{}{}", if s.starts_with('0') { "1" } else { "0" }, &s[1..])),
            good_ts.clone(),
        ),
        (
            "wrong key",
            body.clone(),
            s.sign(&other, now(), &body).0,
            good_ts.clone(),
        ),
        (
            "stale timestamp",
            body.clone(),
            s.sign(&s.key, now() - 3600, &body).0,
            Some((now() - 3600).to_string()),
        ),
        (
            "future timestamp",
            body.clone(),
            s.sign(&s.key, now() + 3600, &body).0,
            Some((now() + 3600).to_string()),
        ),
        (
            "tampered body",
            {
                let mut b = body.clone();
                b.extend_from_slice(b" ");
                b
            },
            good_sig.clone(),
            good_ts.clone(),
        ),
        ("missing signature", body.clone(), None, good_ts.clone()),
        ("missing timestamp", body.clone(), good_sig.clone(), None),
        (
            "timestamp not a number",
            body.clone(),
            good_sig.clone(),
            Some("soon".into()),
        ),
    ];
    for (name, b, sig, ts) in cases {
        let (status, _) = s.post(&b, sig, ts).await;
        assert_eq!(status, 401, "{name}");
    }
    let (status, _) = s.post(&body, good_sig, good_ts).await;
    assert_eq!(status, 200, "the untampered request still passes");
}

#[tokio::test]
async fn oversized_and_malformed_bodies_are_refused() {
    let s = start().await;
    let big = vec![b'x'; endpoint::MAX_BODY + 1];
    let (status, _) = s.signed(&big).await;
    assert_eq!(status, 413);
    let (status, v) = s.signed(b"{not json").await;
    assert_eq!(status, 400, "{v}");
}

#[tokio::test]
async fn health_and_metrics() {
    let s = start().await;
    s.signed(&resource_body()).await;
    let h = s
        .http
        .get(format!("{}/healthz", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(h.status().as_u16(), 200);
    let body = h.text().await.unwrap();
    // The version served: 16 hex digits, the same in /healthz and /metrics.
    let hash = body
        .lines()
        .nth(1)
        .and_then(|l| l.strip_prefix("curriculum "))
        .unwrap_or_default()
        .to_string();
    assert!(body.starts_with("ok\n") && hash.len() == 16, "{body}");
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()), "{body}");
    let m = s
        .http
        .get(format!("{}/metrics", s.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        m.contains(r#"curriculum_bot_interactions_total{command="resource",outcome="ok"} 1"#),
        "{m}"
    );
    assert!(
        m.contains("curriculum_bot_interaction_seconds_bucket"),
        "{m}"
    );
    let info = format!("curriculum_bot_curriculum_version_info{{version=\"{hash}\"}} 1");
    assert!(m.contains(&info), "{m}");
}

/// The identity point `0100…00`: with it as the public key, `R` = identity and `s` = 0 make a
/// signature that plain (cofactored-or-not) verification accepts for every message.
fn identity_key() -> VerifyingKey {
    let mut bytes = [0u8; 32];
    bytes[0] = 1;
    VerifyingKey::from_bytes(&bytes).unwrap()
}

fn small_order_forgery() -> String {
    let mut sig = [0u8; 64];
    sig[0] = 1; // R = the identity; s = 0
    hex::encode(sig)
}

fn report_as_administrator() -> Vec<u8> {
    json!({
        "id": "1", "application_id": "2", "type": 2, "token": "t", "channel_id": "3", "guild_id": "4",
        "member": { "user": { "id": "5", "username": "mallory" }, "permissions": "8", "roles": [] },
        "data": { "id": "6", "name": "report", "type": 1 }
    })
    .to_string()
    .into_bytes()
}

#[test]
fn the_small_order_forgery_is_refused_by_strict_verification() {
    let key = identity_key();
    let body = report_as_administrator();
    let ts = now().to_string();
    let mut msg = ts.clone().into_bytes();
    msg.extend_from_slice(&body);
    let sig: [u8; 64] = hex::decode(small_order_forgery())
        .unwrap()
        .try_into()
        .unwrap();
    // The trick is real: the lenient check accepts it for this (or any) message...
    use ed25519_dalek::Verifier;
    assert!(key
        .verify(&msg, &ed25519_dalek::Signature::from_bytes(&sig))
        .is_ok());
    // ...and ours does not.
    let got = endpoint::verify(&key, Some(&small_order_forgery()), Some(&ts), &body, now());
    assert_eq!(got, Err(AuthError::BadSignature));
    // The settings refuse such a key outright.
    assert!(endpoint::public_key(&hex::encode(key.to_bytes()))
        .unwrap_err()
        .starts_with("DISCORD_PUBLIC_KEY"));
}

#[tokio::test]
async fn a_forged_report_under_a_weak_key_gets_401() {
    let s = start_with(identity_key()).await;
    let (status, v) = s
        .post(
            &report_as_administrator(),
            Some(small_order_forgery()),
            Some(now().to_string()),
        )
        .await;
    assert_eq!(status, 401, "{v}");
    assert_eq!(v["error"], "invalid request signature");
}

#[tokio::test]
async fn each_signature_problem_says_what_it_is() {
    let s = start().await;
    let body = resource_body();
    let (sig, ts) = s.sign(&s.key, now(), &body);
    let cases = [
        (
            sig.clone(),
            Some("soon".to_string()),
            "X-Signature-Timestamp is not a number",
        ),
        (
            sig.clone(),
            Some("17e8".to_string()),
            "X-Signature-Timestamp is not a number",
        ),
        (Some("zz".repeat(64)), ts.clone(), "malformed signature"),
        (None, ts.clone(), "missing X-Signature-Ed25519"),
    ];
    for (sig, ts, want) in cases {
        let (status, v) = s.post(&body, sig, ts).await;
        assert_eq!(status, 401);
        let got = v["error"].as_str().unwrap_or_default();
        assert!(got.starts_with(want), "{got} (wanted {want})");
    }
    // A header with bytes that aren't visible ASCII is unreadable, not missing.
    let resp = s
        .http
        .post(format!("{}/interactions", s.url))
        .header("X-Signature-Ed25519", sig.unwrap())
        .header(
            "X-Signature-Timestamp",
            reqwest::header::HeaderValue::from_bytes("17\u{e9}".as_bytes()).unwrap(),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(
        v["error"],
        "the X-Signature-Timestamp header has characters other than visible ASCII"
    );
}
