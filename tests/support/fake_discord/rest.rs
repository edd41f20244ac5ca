//! The REST server: every request under `/api/v10` goes through one pipeline — route matching
//! against the spec, authorization, request validation, injected faults, the global rate limit,
//! the route's bucket, then the route's behaviour — and is recorded with its status. Every answer
//! carries its bucket's `X-RateLimit-*` headers; a lost-answer fault lets the route act, then
//! answers a 5xx or closes the connection.

use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::State as AxState;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::Value;

use super::faults::{counts_globally, fault_response, limited, rate_limited, take_fault, Fault};
use super::payloads::{error_body, invalid_form_body};
use super::spec::{self, multipart_payload_json, Operation, RouteMatch};
use super::state::{RecordedRequest, Shared};
use super::{gateway, routes, webhooks};

/// What a route answers: status and optional JSON body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Option<Value>,
}

impl Reply {
    pub fn ok(body: Value) -> Reply {
        Reply {
            status: 200,
            body: Some(body),
        }
    }

    pub fn created(body: Value) -> Reply {
        Reply {
            status: 201,
            body: Some(body),
        }
    }

    pub fn no_content() -> Reply {
        Reply {
            status: 204,
            body: None,
        }
    }

    pub fn error(status: u16, code: u64, message: &str) -> Reply {
        Reply {
            status,
            body: Some(error_body(code, message)),
        }
    }
}

/// A matched request, as routes see it.
pub struct Request<'a> {
    pub op: &'a Operation,
    pub body: &'a Value,
    pub query: &'a str,
    /// The files of a multipart body.
    pub uploads: &'a [super::multipart::Upload],
}

impl Request<'_> {
    /// A path parameter parsed as a snowflake (0 when absent or malformed; the spec check has
    /// already recorded a malformed one).
    pub fn id(&self, name: &str) -> u64 {
        self.op
            .params
            .get(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    pub fn param(&self, name: &str) -> &str {
        self.op.params.get(name).map_or("", String::as_str)
    }

    pub fn query_flag(&self, name: &str) -> bool {
        self.query
            .split('&')
            .any(|p| p == format!("{name}=true") || p == format!("{name}=True"))
    }
}

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/gateway", get(gateway::upgrade))
        .fallback(handle)
        .with_state(shared)
}

async fn handle(
    AxState(shared): AxState<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    let method = method.as_str().to_owned();
    let query = uri.query().unwrap_or("").to_owned();
    let Some(path) = uri.path().strip_prefix("/api/v10").map(str::to_owned) else {
        let what = format!("{method} {}: not under /api/v10", uri.path());
        shared.update(|s| s.violation(what));
        return respond(
            404,
            &[],
            Some(error_body(0, "404: Not Found")).map(|b| b.to_string()),
        );
    };
    let content_type = header(&headers, "content-type");
    let body = parse_body(&content_type, &raw);
    let mut uploads = Vec::new();
    if content_type.starts_with("multipart/form-data") {
        let (files, problems) = super::multipart::check(&path, &content_type, &raw, body.as_ref());
        let problems = problems
            .into_iter()
            .map(|p| format!("{method} {path}: {p}"));
        uploads.clone_from(&files);
        shared.update(|s| (s.uploads.extend(files), s.violations.extend(problems)));
    }
    let mut rec = RecordedRequest {
        method: method.clone(),
        path: path.clone(),
        query: query.clone(),
        body: body.clone(),
        status: 0,
        operation: None,
        fault: None,
        at: Instant::now(),
    };
    let finish = |mut rec: RecordedRequest, status: u16, violations: Vec<String>| {
        rec.status = status;
        shared.update(|s| {
            if matches!(status, 401 | 403 | 429) {
                s.invalid_requests += 1;
            }
            s.violations.extend(violations);
            s.requests.push(rec);
        });
    };

    let spec = spec::spec();
    let op = match spec.match_route(&method, &path) {
        RouteMatch::Found(op) => op,
        other => {
            let (status, text) = match other {
                RouteMatch::MethodNotAllowed(_) => (405, "405: Method Not Allowed"),
                _ => (404, "404: Not Found"),
            };
            finish(
                rec,
                status,
                vec![format!("{method} {path}: no such route in the spec")],
            );
            return respond(status, &[], Some(error_body(0, text).to_string()));
        }
    };
    rec.operation = Some(op.operation_id.clone());
    let mut violations: Vec<String> = spec
        .check_request(&op, &query, &content_type, &raw)
        .into_iter()
        .map(|p| format!("{method} {path} ({}): {p}", op.operation_id))
        .collect();
    let request_invalid = !violations.is_empty();

    let open_route = path.starts_with("/interactions/") || path.starts_with("/webhooks/");
    let auth = header(&headers, "authorization");
    if !open_route && auth != format!("Bot {}", shared.world.token) {
        violations.push(format!(
            "{method} {path}: Authorization is not `Bot <token>`"
        ));
        finish(rec, 401, violations);
        return respond(
            401,
            &[],
            Some(error_body(0, "401: Unauthorized").to_string()),
        );
    }

    // Injected faults, then the global limit, answer before the route does.
    let fault = shared.update(|s| take_fault(&mut s.injections, &method, &path));
    if let Some(Fault::Delay(d)) = &fault {
        tokio::time::sleep(*d).await;
    }
    if let Some((status, hdrs, text)) = fault.as_ref().and_then(fault_response) {
        rec.fault = fault.as_ref().map(|f| format!("{f:?}"));
        finish(rec, status, violations);
        return respond(status, &hdrs, Some(text));
    }
    if counts_globally(&path) {
        let limited = shared.update(|s| s.global_limit.as_mut().map(|l| l.admit(Instant::now())));
        if let Some(Err(wait)) = limited {
            let (status, hdrs, text) = rate_limited(wait, true);
            rec.fault = Some("global rate limit".into());
            finish(rec, status, violations);
            return respond(status, &hdrs, Some(text));
        }
    }
    let major = major_parameter(&op);
    let bucket = shared.update(|s| {
        s.route_limits
            .admit(&method, &op.template, major.as_deref(), Instant::now())
    });
    let bucket = match bucket {
        Ok(b) => b,
        Err(b) => {
            let (status, hdrs, text) = limited(b.reset_after, false, &b);
            rec.fault = Some("route rate limit".into());
            finish(rec, status, violations);
            return respond(status, &hdrs, Some(text));
        }
    };
    if request_invalid {
        finish(rec, 400, violations.clone());
        return respond(400, &[], Some(invalid_form_body(&violations).to_string()));
    }

    let null = Value::Null;
    let req = Request {
        op: &op,
        body: body.as_ref().unwrap_or(&null),
        query: &query,
        uploads: &uploads,
    };
    let (reply, route_violations) = match routes::handle(&shared, &req) {
        Some(out) => out,
        None => match webhooks::handle(&shared, &req) {
            Some(out) => out,
            None => (
                Reply::error(404, 0, "404: Not Found"),
                vec![format!(
                    "{method} {path} ({}): not implemented by the fake",
                    op.operation_id
                )],
            ),
        },
    };
    violations.extend(
        route_violations
            .into_iter()
            .map(|v| format!("{method} {path}: {v}")),
    );
    let checked = reply.body.clone().unwrap_or(Value::Null);
    let checked_problems = match shared.opts.check_responses {
        true => spec.check_response(&op, reply.status, &checked),
        false => Vec::new(),
    };
    violations.extend(
        checked_problems
            .into_iter()
            .map(|p| format!("fake bug: {method} {path} ({}): {p}", op.operation_id)),
    );
    if let Some(Fault::LostAnswer(status)) = fault {
        rec.fault = Some(format!("{:?}", Fault::LostAnswer(status)));
        finish(rec, status.unwrap_or(0), violations);
        return lost_answer(status);
    }
    finish(rec, reply.status, violations);
    respond(
        reply.status,
        &bucket.headers(),
        reply.body.map(|b| b.to_string()),
    )
}

/// The route's major parameter(s): Discord keeps a bucket per channel, guild, webhook and
/// interaction.
fn major_parameter(op: &Operation) -> Option<String> {
    let parts: Vec<&str> = [
        "channel_id",
        "guild_id",
        "webhook_id",
        "webhook_token",
        "interaction_id",
        "interaction_token",
    ]
    .iter()
    .filter_map(|k| op.params.get(*k).map(String::as_str))
    .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// The answer to a request whose effect happened: a 5xx from the edge, or a connection closed
/// before the answer (a body that fails at once: the client never gets a whole answer).
fn lost_answer(status: Option<u16>) -> Response {
    match status {
        Some(status) => respond(
            status,
            &[("content-type", "text/html".into())],
            Some(format!(
                "<html><body>{status}: the answer was lost</body></html>"
            )),
        ),
        None => Response::builder()
            .status(StatusCode::OK)
            .header("content-type", "application/json")
            .body(Body::new(Cut))
            .unwrap_or_else(|_| Response::new(Body::empty())),
    }
}

/// A response body that fails on its first read: hyper drops the connection.
struct Cut;

impl http_body::Body for Cut {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        std::task::Poll::Ready(Some(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "fake discord: connection closed before the answer",
        ))))
    }
}

fn header(headers: &HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// The JSON body, or the `payload_json` part of a multipart body.
fn parse_body(content_type: &str, raw: &[u8]) -> Option<Value> {
    if raw.is_empty() {
        return None;
    }
    if content_type.starts_with("multipart/form-data") {
        return multipart_payload_json(content_type, raw)
            .and_then(|t| serde_json::from_str(&t).ok());
    }
    serde_json::from_slice(raw).ok()
}

fn respond(status: u16, headers: &[(&'static str, String)], body: Option<String>) -> Response {
    let mut builder = Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    let has_type = headers.iter().any(|(k, _)| *k == "content-type");
    for (k, v) in headers {
        builder = builder.header(*k, v.as_str());
    }
    if body.is_some() && !has_type {
        builder = builder.header("content-type", "application/json");
    }
    builder
        .body(body.map_or_else(Body::empty, Body::from))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}
