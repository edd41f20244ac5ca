//! Fault injection for the fake's REST side: route matchers, faults (lost answers included), the
//! global rate limit and per-route buckets with Discord's headers.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::json;

/// Inject a fault for every matching request, not just a few.
pub const ALWAYS: u32 = u32::MAX;

/// What the fake answers instead of the real response.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// 429 with `Retry-After` (header in whole seconds, rounded up, as Discord sends it; the
    /// body's `retry_after` is the exact float). `global` selects the global limit's headers
    /// (`X-RateLimit-Global: true`, `X-RateLimit-Scope: global`) over a per-route bucket's
    /// (`X-RateLimit-Scope: user`, `X-RateLimit-Remaining: 0`).
    RateLimited { retry_after: f64, global: bool },
    /// 500 with Discord's JSON error body.
    ServerError,
    /// 502 with an HTML body, as Cloudflare answers when the origin is down.
    BadGateway,
    /// Any JSON error, e.g. 403 / 50007 "Cannot send messages to this user".
    Error {
        status: u16,
        code: u64,
        message: String,
    },
    /// Answers normally, but only after this delay.
    Delay(Duration),
    /// The request takes effect (the message is created), then the answer is lost: `Some(status)`
    /// answers that 5xx instead, `None` closes the connection without an answer.
    LostAnswer(Option<u16>),
}

impl Fault {
    /// 429 on the route's own bucket.
    pub fn rate_limited(retry_after: f64) -> Fault {
        Fault::RateLimited {
            retry_after,
            global: false,
        }
    }

    /// 429 on the global limit.
    pub fn global_rate_limited(retry_after: f64) -> Fault {
        Fault::RateLimited {
            retry_after,
            global: true,
        }
    }

    /// 403 / 50007: the user's DMs are closed (or they share no server with the bot).
    pub fn cannot_message_user() -> Fault {
        Fault::error(403, 50007, "Cannot send messages to this user")
    }

    /// 404 / 10003: the channel is gone.
    pub fn unknown_channel() -> Fault {
        Fault::error(404, 10003, "Unknown Channel")
    }

    /// 403 / 50013: the bot lacks a permission.
    pub fn missing_permissions() -> Fault {
        Fault::error(403, 50013, "Missing Permissions")
    }

    /// Created, then answered with a 502 from the edge.
    pub fn created_then_502() -> Fault {
        Fault::LostAnswer(Some(502))
    }

    /// Created, then the connection closes without an answer.
    pub fn created_then_closed() -> Fault {
        Fault::LostAnswer(None)
    }

    pub fn error(status: u16, code: u64, message: &str) -> Fault {
        Fault::Error {
            status,
            code,
            message: message.to_owned(),
        }
    }
}

/// Which requests a fault applies to: `"[METHOD] PATH"`, where PATH is relative to `/api/v10`
/// and a `*` or `{name}` segment matches any one segment. Examples: `"POST /channels/*/messages"`,
/// `"/interactions/{id}/{token}/callback"` (any method), `"* /channels/42/messages"`.
#[derive(Clone, Debug)]
pub struct RouteMatcher {
    method: Option<String>,
    segments: Vec<String>,
}

impl RouteMatcher {
    pub fn parse(pattern: &str) -> RouteMatcher {
        let (method, path) = match pattern.trim().split_once(' ') {
            Some((m, p)) => (Some(m.trim().to_ascii_uppercase()), p.trim()),
            None => (None, pattern.trim()),
        };
        RouteMatcher {
            method: method.filter(|m| m != "*"),
            segments: segments(path),
        }
    }

    pub fn matches(&self, method: &str, path: &str) -> bool {
        if self.method.as_deref().is_some_and(|m| m != method) {
            return false;
        }
        let path = segments(path);
        path.len() == self.segments.len()
            && self.segments.iter().zip(&path).all(|(want, got)| {
                want == "*" || (want.starts_with('{') && want.ends_with('}')) || want == got
            })
    }
}

impl From<&str> for RouteMatcher {
    fn from(pattern: &str) -> Self {
        RouteMatcher::parse(pattern)
    }
}

fn segments(path: &str) -> Vec<String> {
    let path = path.split('?').next().unwrap_or("");
    let path = path.strip_prefix("/api/v10").unwrap_or(path);
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// One injected fault with its remaining count.
#[derive(Debug)]
pub struct Injection {
    pub matcher: RouteMatcher,
    pub fault: Fault,
    pub remaining: u32,
}

/// Takes the first live injection matching the request, decrementing its count.
pub fn take_fault(list: &mut Vec<Injection>, method: &str, path: &str) -> Option<Fault> {
    let i = list
        .iter()
        .position(|inj| inj.remaining > 0 && inj.matcher.matches(method, path))?;
    let fault = list[i].fault.clone();
    if list[i].remaining != ALWAYS {
        list[i].remaining -= 1;
    }
    list.retain(|inj| inj.remaining > 0);
    Some(fault)
}

/// Discord's global limit, enforced as a token bucket: `per_second` sustained, `burst` at once.
#[derive(Debug)]
pub struct GlobalLimit {
    per_second: f64,
    burst: f64,
    tokens: f64,
    refreshed: Instant,
    pub stats: GlobalLimitStats,
}

/// What the global limit saw: requests let through and requests refused with a global 429.
#[derive(Clone, Debug, Default)]
pub struct GlobalLimitStats {
    pub allowed: u64,
    pub rejected: u64,
    pub first_allowed: Option<Instant>,
    pub last_allowed: Option<Instant>,
}

impl GlobalLimitStats {
    /// Requests per second between the first and the last request let through.
    pub fn achieved_rate(&self) -> Option<f64> {
        let span = self.last_allowed?.duration_since(self.first_allowed?);
        (span > Duration::ZERO && self.allowed > 1)
            .then(|| (self.allowed - 1) as f64 / span.as_secs_f64())
    }
}

impl GlobalLimit {
    pub fn new(per_second: u32, burst: u32) -> GlobalLimit {
        GlobalLimit {
            per_second: f64::from(per_second.max(1)),
            burst: f64::from(burst.max(1)),
            tokens: f64::from(burst.max(1)),
            refreshed: Instant::now(),
            stats: GlobalLimitStats::default(),
        }
    }

    /// Takes a token, or returns the seconds until one is available.
    pub fn admit(&mut self, now: Instant) -> Result<(), f64> {
        let elapsed = now.saturating_duration_since(self.refreshed).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.burst);
        self.refreshed = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            self.stats.allowed += 1;
            self.stats.first_allowed.get_or_insert(now);
            self.stats.last_allowed = Some(now);
            Ok(())
        } else {
            self.stats.rejected += 1;
            Err((1.0 - self.tokens) / self.per_second)
        }
    }
}

/// Whether a route counts against the global limit (interaction endpoints do not).
pub fn counts_globally(path: &str) -> bool {
    let path = path.strip_prefix("/api/v10").unwrap_or(path);
    !(path.starts_with("/interactions/") || path.starts_with("/webhooks/"))
}

/// Status, headers and body of an answer built by hand.
pub type RawResponse = (u16, Vec<(&'static str, String)>, String);

/// Status, headers and body for a fault that replaces the response.
pub fn fault_response(fault: &Fault) -> Option<RawResponse> {
    match fault {
        Fault::RateLimited {
            retry_after,
            global,
        } => Some(rate_limited(*retry_after, *global)),
        Fault::ServerError => Some((
            500,
            vec![("content-type", "application/json".into())],
            json!({"message": "500: Internal Server Error", "code": 0}).to_string(),
        )),
        Fault::BadGateway => Some((
            502,
            vec![("content-type", "text/html".into())],
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
             <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n\
             </body>\r\n</html>\r\n"
                .into(),
        )),
        Fault::Error {
            status,
            code,
            message,
        } => Some((
            *status,
            vec![("content-type", "application/json".into())],
            json!({"message": message, "code": code}).to_string(),
        )),
        Fault::Delay(_) | Fault::LostAnswer(_) => None,
    }
}

/// A 429 as Discord sends it (an injected one: its bucket is made up).
pub fn rate_limited(retry_after: f64, global: bool) -> RawResponse {
    let bucket = BucketState {
        bucket: "fakebucket0000".into(),
        limit: 5,
        remaining: 0,
        reset_after: retry_after,
    };
    limited(retry_after, global, &bucket)
}

/// A 429 for `bucket` (or the global limit), with `Retry-After` and the `retry_after` body.
pub fn limited(retry_after: f64, global: bool, bucket: &BucketState) -> RawResponse {
    let whole = retry_after.max(0.0).ceil() as u64;
    let mut headers = vec![
        ("content-type", "application/json".to_owned()),
        ("retry-after", whole.max(1).to_string()),
    ];
    if global {
        headers.push(("x-ratelimit-global", "true".into()));
        headers.push(("x-ratelimit-scope", "global".into()));
    } else {
        headers.extend(bucket.headers());
        headers.push(("x-ratelimit-scope", "user".into()));
    }
    let body = json!({
        "message": "You are being rate limited.",
        "retry_after": retry_after,
        "global": global,
        "code": 0,
    });
    (429, headers, body.to_string())
}

/// What a route's bucket looks like after a request: Discord's `X-RateLimit-*` headers.
#[derive(Clone, Debug, PartialEq)]
pub struct BucketState {
    /// `X-RateLimit-Bucket`: one hash per route template (its major parameter splits it).
    pub bucket: String,
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the bucket refills.
    pub reset_after: f64,
}

impl BucketState {
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let reset = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64())
            + self.reset_after;
        vec![
            ("x-ratelimit-bucket", self.bucket.clone()),
            ("x-ratelimit-limit", self.limit.to_string()),
            ("x-ratelimit-remaining", self.remaining.to_string()),
            ("x-ratelimit-reset", format!("{reset:.3}")),
            (
                "x-ratelimit-reset-after",
                format!("{:.3}", self.reset_after),
            ),
        ]
    }
}

/// Per-route buckets: `limit` requests per `window` for each route and major parameter, the
/// window starting at a bucket's first request. Routes without a major parameter (e.g. opening a
/// DM) are only under the global limit: Discord publishes no figure for them.
#[derive(Debug, Default)]
pub struct RouteLimits {
    limit: Option<(u32, Duration)>,
    /// Key → (requests taken, window start).
    buckets: HashMap<String, (u32, Instant)>,
    /// Requests refused with a route 429.
    pub rejected: u64,
}

impl RouteLimits {
    pub fn new(limit: Option<(u32, Duration)>) -> RouteLimits {
        RouteLimits {
            limit,
            ..RouteLimits::default()
        }
    }

    /// Counts a request on the route `template` of `method` with major parameter `major`:
    /// `Ok` with the bucket after it, or `Err` with the bucket when it is exhausted.
    pub fn admit(
        &mut self,
        method: &str,
        template: &str,
        major: Option<&str>,
        now: Instant,
    ) -> Result<BucketState, BucketState> {
        let hash = template.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        let bucket = format!("{hash:016x}");
        let (Some((limit, window)), Some(major)) = (self.limit, major) else {
            // Unlimited here (only the global limit applies): the headers say so.
            return Ok(BucketState {
                bucket,
                limit: 10_000,
                remaining: 9_999,
                reset_after: 1.0,
            });
        };
        let key = format!("{method} {template} {major}");
        let entry = self.buckets.entry(key).or_insert((0, now));
        if now.duration_since(entry.1) >= window {
            *entry = (0, now);
        }
        let reset_after = window
            .saturating_sub(now.duration_since(entry.1))
            .as_secs_f64();
        let mut state = BucketState {
            bucket,
            limit,
            remaining: 0,
            reset_after,
        };
        if entry.0 >= limit {
            self.rejected += 1;
            return Err(state);
        }
        entry.0 += 1;
        state.remaining = limit - entry.0;
        Ok(state)
    }
}
