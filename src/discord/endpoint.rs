//! `curriculum-bot serve`: Discord's HTTP interactions endpoint (`POST /interactions`), plus
//! `/healthz` and `/metrics`. Stateless: any number of replicas can sit behind a load balancer.
//! Every request's Ed25519 signature is checked before anything else is read.

use crate::app::App;
use crate::reply::{interaction::PING, Interaction};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The largest interaction body accepted; Discord's are a few KiB.
pub const MAX_BODY: usize = 64 * 1024;
/// How far a signature timestamp may be from our clock.
pub const MAX_SKEW_SECS: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("missing X-Signature-Ed25519 or X-Signature-Timestamp")]
    MissingHeaders,
    #[error("malformed signature")]
    Malformed,
    #[error("signature timestamp is too far from now")]
    Stale,
    #[error("invalid request signature")]
    BadSignature,
}

/// Parses `DISCORD_PUBLIC_KEY` (64 hex characters).
pub fn public_key(hex_key: &str) -> Result<VerifyingKey, String> {
    let bytes: [u8; 32] = hex::decode(hex_key.trim())
        .map_err(|e| format!("DISCORD_PUBLIC_KEY is not hex: {e}"))?
        .try_into()
        .map_err(|_| "DISCORD_PUBLIC_KEY must be 32 bytes (64 hex characters)".to_string())?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|e| format!("DISCORD_PUBLIC_KEY is not a valid key: {e}"))
}

/// Checks Discord's signature over `timestamp || body`, and that the timestamp is fresh.
pub fn verify(
    key: &VerifyingKey,
    signature_hex: Option<&str>,
    timestamp: Option<&str>,
    body: &[u8],
    now_unix: i64,
) -> Result<(), AuthError> {
    let (Some(sig), Some(ts)) = (signature_hex, timestamp) else {
        return Err(AuthError::MissingHeaders);
    };
    let ts_num: i64 = ts.trim().parse().map_err(|_| AuthError::Malformed)?;
    if (now_unix - ts_num).abs() > MAX_SKEW_SECS {
        return Err(AuthError::Stale);
    }
    let sig: [u8; 64] = hex::decode(sig.trim())
        .map_err(|_| AuthError::Malformed)?
        .try_into()
        .map_err(|_| AuthError::Malformed)?;
    let mut msg = Vec::with_capacity(ts.len() + body.len());
    msg.extend_from_slice(ts.as_bytes());
    msg.extend_from_slice(body);
    key.verify(&msg, &Signature::from_bytes(&sig))
        .map_err(|_| AuthError::BadSignature)
}

/// Answers whether the service is healthy (database reachable, curriculum loaded).
pub type HealthCheck =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send + Sync>;

#[derive(Clone)]
pub struct Endpoint {
    pub app: Arc<App>,
    pub key: VerifyingKey,
    pub health: HealthCheck,
    /// Fills in deferred replies (`PATCH …/@original`): a reply with files (`/roadmap`'s
    /// picture) can't be a multipart HTTP response, so it is deferred and uploaded by this.
    pub followup: Option<Arc<crate::discord::rest::Rest>>,
}

pub fn router(state: Endpoint) -> Router {
    Router::new()
        .route("/interactions", post(interactions))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}

fn json(status: StatusCode, v: serde_json::Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        v.to_string(),
    )
        .into_response()
}

async fn interactions(State(s): State<Endpoint>, headers: HeaderMap, body: Bytes) -> Response {
    let h = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Err(e) = verify(
        &s.key,
        h("x-signature-ed25519"),
        h("x-signature-timestamp"),
        &body,
        crate::app::unix_now(),
    ) {
        return json(
            StatusCode::UNAUTHORIZED,
            serde_json::json!({ "error": e.to_string() }),
        );
    }
    let i: Interaction = match serde_json::from_slice(&body) {
        Ok(i) => i,
        Err(e) => {
            return json(
                StatusCode::BAD_REQUEST,
                serde_json::json!({ "error": format!("not an interaction: {e}") }),
            )
        }
    };
    if i.kind == PING {
        return json(StatusCode::OK, serde_json::json!({ "type": 1 }));
    }
    let out = s.app.handle(&i).await;
    if let Some(deferred) = crate::discord::multipart::deferred_for(&out.response) {
        if let (Some(rest), Some(m)) = (s.followup.clone(), out.response.message().cloned()) {
            tokio::spawn(crate::discord::multipart::fill_deferred(rest, i, m));
            return json(StatusCode::OK, deferred);
        }
        let plain = crate::discord::multipart::without_files(out.response);
        return json(StatusCode::OK, plain.to_json());
    }
    json(StatusCode::OK, out.response.to_json())
}

async fn healthz(State(s): State<Endpoint>) -> Response {
    let cat = s.app.catalog();
    if cat.curriculum.pages.is_empty() {
        return (StatusCode::SERVICE_UNAVAILABLE, "curriculum not loaded\n").into_response();
    }
    match (s.health)().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, format!("unhealthy: {e}\n")).into_response(),
    }
}

async fn metrics(State(s): State<Endpoint>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        s.app.metrics.render(),
    )
        .into_response()
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Endpoint,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
