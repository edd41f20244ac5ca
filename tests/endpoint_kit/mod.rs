//! Shared by the endpoint tests: signing requests as Discord does, an endpoint answering from the
//! seed curriculum with no REST behind it, and serving an endpoint on 127.0.0.1.
#![allow(dead_code)]

use curriculum_bot::cli::offline_app;
use curriculum_bot::config::Settings;
use curriculum_bot::discord::endpoint::{self, Endpoint, HealthCheck, ServeOptions};
use curriculum_bot::discord::rest::{Rest, RestConfig};
use curriculum_bot::load::load_catalog;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::task::JoinHandle;

/// The key tests sign with.
pub fn key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32])
}

pub fn unix_now() -> i64 {
    curriculum_bot::app::unix_now()
}

/// Discord's headers for `body` sent at `ts`: (X-Signature-Ed25519, X-Signature-Timestamp).
pub fn sign(key: &SigningKey, ts: i64, body: &[u8]) -> (String, String) {
    let mut msg = ts.to_string().into_bytes();
    msg.extend_from_slice(body);
    (hex::encode(key.sign(&msg).to_bytes()), ts.to_string())
}

/// An always-healthy check.
pub fn healthy() -> HealthCheck {
    Arc::new(|| Box::pin(async { Ok(()) }))
}

/// An endpoint over the seed curriculum that checks signatures with `verifying`. Its REST
/// client points nowhere: what these tests ask is answered in time, so nothing is deferred.
pub async fn offline(verifying: VerifyingKey) -> Endpoint {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let settings = Settings::from_vars(|_| None).unwrap();
    let (cat, _) = load_catalog(&root.join("data/curriculum"), &settings).unwrap();
    let rest = Rest::new(&RestConfig {
        base_url: "http://127.0.0.1:9".into(),
        token: "unused".into(),
        global_per_second: 1,
        max_attempts: 1,
    })
    .unwrap();
    Endpoint {
        app: offline_app(cat).await.unwrap(),
        key: verifying,
        health: healthy(),
        rest: Arc::new(rest),
        deadlines: Default::default(),
        pending: Default::default(),
    }
}

/// Serves `state` on 127.0.0.1 until `stop` resolves.
pub async fn serve(
    state: Endpoint,
    opts: ServeOptions,
    stop: impl Future<Output = ()> + Send + 'static,
) -> (SocketAddr, JoinHandle<std::io::Result<()>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    (
        addr,
        tokio::spawn(endpoint::serve(listener, state, opts, stop)),
    )
}
