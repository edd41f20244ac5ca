//! The HTTP interactions endpoint over real HTTP on 127.0.0.1: signatures, PING, a command,
//! health and metrics.

use curriculum_bot::cli::offline_app;
use curriculum_bot::config::Settings;
use curriculum_bot::discord::endpoint::{self, Endpoint, HealthCheck};
use curriculum_bot::load::load_catalog;
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Value};
use std::sync::Arc;

struct Server {
    url: String,
    key: SigningKey,
    http: reqwest::Client,
}

async fn start() -> Server {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let settings = Settings::from_vars(|_| None).unwrap();
    let (cat, _) = load_catalog(&root.join("data/curriculum"), &settings).unwrap();
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let health: HealthCheck = Arc::new(|| Box::pin(async { Ok(()) }));
    let state = Endpoint {
        app: offline_app(cat).await.unwrap(),
        key: key.verifying_key(),
        health,
        followup: None,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(endpoint::serve(listener, state, std::future::pending()));
    Server {
        url,
        key,
        http: reqwest::Client::new(),
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
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
        let mut msg = ts.to_string().into_bytes();
        msg.extend_from_slice(body);
        (
            Some(hex::encode(key.sign(&msg).to_bytes())),
            Some(ts.to_string()),
        )
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
}
