//! `curriculum-bot serve`: Discord's HTTP interactions endpoint (`POST /interactions`), plus
//! `/healthz` and `/metrics`. Stateless: any number of replicas can sit behind a load balancer.
//! Every request's Ed25519 signature is checked before anything else is read; answers that take
//! long are deferred ([`super::deadline`]) and finished over REST.

use super::deadline::{self, Answer, Deadlines};
use super::rest::Rest;
pub use super::server::ServeOptions;
use crate::app::App;
use crate::reply::{interaction::PING, Interaction};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use ed25519_dalek::{Signature, VerifyingKey};
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
    #[error("the {0} header has characters other than visible ASCII")]
    UnreadableHeader(&'static str),
    #[error("X-Signature-Timestamp is not a number of seconds")]
    BadTimestamp,
    #[error("malformed signature: X-Signature-Ed25519 must be 128 hex characters")]
    Malformed,
    #[error("signature timestamp is too far from now")]
    Stale,
    #[error("invalid request signature")]
    BadSignature,
}

/// Parses `DISCORD_PUBLIC_KEY` (64 hex characters), refusing weak keys
/// ([`crate::config::strict_public_key`]).
pub fn public_key(hex_key: &str) -> Result<VerifyingKey, String> {
    crate::config::strict_public_key(hex_key).map_err(|e| format!("DISCORD_PUBLIC_KEY {e}"))
}

/// A signature header as text: `Ok(None)` when absent, an error naming it when it isn't ASCII.
pub fn header_text<'a>(
    headers: &'a HeaderMap,
    name: &'static str,
) -> Result<Option<&'a str>, AuthError> {
    headers
        .get(name)
        .map(|v| v.to_str().map_err(|_| AuthError::UnreadableHeader(name)))
        .transpose()
}

/// Checks Discord's signature over `timestamp || body` (strictly: no small-order or
/// non-canonical `R`, no weak key), and that the timestamp is fresh.
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
    let ts_num: i64 = ts.trim().parse().map_err(|_| AuthError::BadTimestamp)?;
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
    key.verify_strict(&msg, &Signature::from_bytes(&sig))
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
    /// Finishes deferred answers (edits their original response).
    pub rest: Arc<Rest>,
    pub deadlines: Deadlines,
    /// Answers still being finished after their acknowledgement: [`serve`] waits for them at
    /// shutdown.
    pub pending: deadline::TaskTracker,
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
    let received = tokio::time::Instant::now();
    let checked = header_text(&headers, "X-Signature-Ed25519").and_then(|sig| {
        let ts = header_text(&headers, "X-Signature-Timestamp")?;
        verify(&s.key, sig, ts, &body, crate::app::unix_now())
    });
    if let Err(e) = checked {
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
    match deadline::respond(s.app.clone(), i.clone(), received, s.deadlines).await {
        // A reply with files (`/roadmap`'s picture) can't be a multipart HTTP response: defer it
        // and upload it by editing the original response.
        Answer::Now(out) => match (
            crate::discord::multipart::deferred_for(&out.response),
            out.response.message().cloned(),
        ) {
            (Some(ack), Some(m)) => {
                let rest = s.rest.clone();
                s.pending.spawn(async move {
                    let (app, token) = (&i.application_id, &i.token);
                    let shown = deadline::show(&rest, app, token, m.is_ephemeral(), &m).await;
                    if let Err(e) = shown {
                        tracing::error!(error = %e, command = i.name(), "could not upload a reply");
                    }
                });
                json(StatusCode::OK, ack)
            }
            _ => json(StatusCode::OK, out.response.to_json()),
        },
        Answer::Later(deferred) => {
            let ack = deferred.ack();
            let pending = s.pending.clone();
            pending.spawn(async move {
                if let Err(e) = deadline::finish(&s.rest, deferred).await {
                    tracing::error!(error = %e, "could not finish a deferred answer");
                }
            });
            json(StatusCode::OK, ack)
        }
    }
}

async fn healthz(State(s): State<Endpoint>) -> Response {
    let cat = s.app.catalog();
    if cat.curriculum.pages.is_empty() {
        return (StatusCode::SERVICE_UNAVAILABLE, "curriculum not loaded\n").into_response();
    }
    // Which curriculum this replica serves, so replicas behind one balancer can be compared.
    let v = s.app.reload.version();
    let version = format!(
        "curriculum {}\nloaded_at {}\nreplica {}\n",
        v.hash, v.loaded_at, s.app.reload.replica
    );
    match (s.health)().await {
        Ok(()) => (StatusCode::OK, format!("ok\n{version}")).into_response(),
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

/// Serves until `shutdown` resolves, with [`ServeOptions`]' timeouts, connection cap and
/// shutdown deadline; then finishes the deferred answers still in flight (within what is left of
/// the same deadline) before returning.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Endpoint,
    opts: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let pending = state.pending.clone();
    let asked = Arc::new(std::sync::OnceLock::new());
    let mark = asked.clone();
    let shutdown = async move {
        shutdown.await;
        let _ = mark.set(tokio::time::Instant::now());
    };
    let served = super::server::serve(listener, router(state), opts, shutdown).await;
    // Within the same deadline, counted from the shutdown request.
    let spent = asked.get().map_or(Default::default(), |at| at.elapsed());
    deadline::drain(&pending, opts.shutdown_deadline.saturating_sub(spent)).await;
    served
}
