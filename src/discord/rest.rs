//! Discord's REST API, paced by us: serenity's limiter is off so that `DISCORD_API_URL` works, so
//! this client keeps under the global limit (governor), keeps each route's bucket from running
//! dry (`X-RateLimit-Remaining` / `-Reset-After`, in `buckets`), honours `Retry-After` on every
//! 429 (global ones pause every sender), retries 5xx with backoff, and maps Discord's error codes.

mod buckets;
mod perms;
mod port;

use crate::ports::RestError;
use crate::reply::{Message, Response};
use buckets::Buckets;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde_json::{json, Value};
use std::num::NonZeroU32;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// A request body: JSON, or multipart (`payload_json` + `files[n]`) when files are uploaded.
#[derive(Clone, Copy)]
pub(crate) enum Body<'a> {
    Json(&'a Value),
    Form(&'a Value, &'a [crate::reply::message::File]),
}

impl<'a> Body<'a> {
    /// `json`, sent as multipart when there are `files` to upload.
    pub(crate) fn with_files(json: &'a Value, files: &'a [crate::reply::message::File]) -> Self {
        match files {
            [] => Body::Json(json),
            files => Body::Form(json, files),
        }
    }
}

/// A message as a request body: its JSON without `flags` (those are fixed when an interaction
/// is answered, not by a post or an edit).
pub(crate) fn message_json(message: &Message) -> Value {
    let mut json = serde_json::to_value(message).unwrap_or(Value::Null);
    if let Some(o) = json.as_object_mut() {
        o.remove("flags");
    }
    json
}

/// Which failures the client retries by itself.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Resend {
    /// 429s, connection failures, 5xx and timeouts (idempotent calls, or a duplicate is benign).
    Always,
    /// Only failures that certainly did nothing (429s, not connected): a 5xx or a timeout is
    /// returned as an unknown outcome for the caller to reconcile.
    KnownOnly,
}

/// Settings of the REST client.
#[derive(Debug, Clone)]
pub struct RestConfig {
    /// e.g. `https://discord.com`; `/api/v10` is appended.
    pub base_url: String,
    pub token: String,
    /// Requests per second over all routes but interaction callbacks.
    pub global_per_second: u32,
    pub max_attempts: u32,
}

pub struct Rest {
    http: reqwest::Client,
    api: String,
    auth: String,
    limiter: DefaultDirectRateLimiter,
    /// Set by a global 429: nobody sends before this instant.
    paused_until: Mutex<Option<Instant>>,
    /// Per-route buckets, as Discord's headers describe them.
    buckets: Buckets,
    max_attempts: u32,
    /// The bot's user id, fetched once.
    me: tokio::sync::OnceCell<String>,
    /// Guild id → its roles and the bot's roles there (`perms`).
    roles: Mutex<std::collections::HashMap<String, perms::GuildRoles>>,
}

impl Rest {
    pub fn new(cfg: &RestConfig) -> Result<Rest, RestError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .user_agent("DiscordBot (https://github.com/curriculum-bot, 0.1)")
            .build()
            .map_err(|e| RestError::Transport(e.to_string()))?;
        let (rate, burst) = pacing(cfg.global_per_second);
        Ok(Rest {
            http,
            api: format!("{}/api/v10", cfg.base_url.trim_end_matches('/')),
            auth: format!("Bot {}", cfg.token),
            limiter: RateLimiter::direct(Quota::per_second(rate).allow_burst(burst)),
            paused_until: Mutex::new(None),
            buckets: Buckets::default(),
            max_attempts: cfg.max_attempts.max(1),
            me: tokio::sync::OnceCell::new(),
            roles: Mutex::default(),
        })
    }

    /// Waits for the global limiter on tokio's timer (governor's own `until_ready` would park on
    /// a timer thread of its own for every request).
    async fn pace(&self) {
        use governor::clock::{Clock, DefaultClock};
        let clock = DefaultClock::default();
        while let Err(not_until) = self.limiter.check() {
            tokio::time::sleep(not_until.wait_time_from(clock.now())).await;
        }
    }

    /// One call with pacing and retries. `exempt`: interaction callbacks don't count globally.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        exempt: bool,
    ) -> Result<Value, RestError> {
        self.call_with(method, path, body.map(Body::Json), exempt)
            .await
    }

    /// [`Rest::call`] with a JSON or a multipart body (rebuilt for every attempt).
    pub(crate) async fn call_with(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Body<'_>>,
        exempt: bool,
    ) -> Result<Value, RestError> {
        self.attempts(method, path, body, exempt, (Resend::Always, None))
            .await
    }

    /// The call with its retries. `start_by`: each request must leave before this instant,
    /// else the call gives up ([`RestError::Late`]) without sending it.
    async fn attempts(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Body<'_>>,
        exempt: bool,
        (resend, start_by): (Resend, Option<Instant>),
    ) -> Result<Value, RestError> {
        let url = format!("{}{path}", self.api);
        let mut backoff = Duration::from_millis(250);
        let mut last_status = 0;
        for _attempt in 0..self.max_attempts {
            let waits = async {
                let pause = *self.paused_until.lock().await;
                if let Some(until) = pause {
                    tokio::time::sleep_until(until).await;
                }
                self.buckets.acquire(&method, path).await;
                if !exempt {
                    self.pace().await;
                }
            };
            let on_time = match start_by {
                Some(t) => tokio::time::timeout_at(t, waits).await.is_ok() && Instant::now() <= t,
                None => {
                    waits.await;
                    true
                }
            };
            if !on_time {
                tracing::info!(%path, "could not start before its deadline; not sent");
                return Err(RestError::Late);
            }
            let mut req = self
                .http
                .request(method.clone(), &url)
                .header("Authorization", &self.auth);
            req = match body {
                Some(Body::Json(b)) => req.json(b),
                Some(Body::Form(json, files)) => req.multipart(super::multipart::form(json, files)),
                None => req,
            };
            let resp = match req.send().await {
                Ok(r) => r,
                // Not connected: nothing was sent. A timeout may have been acted on.
                Err(e) if e.is_timeout() && resend == Resend::KnownOnly => {
                    return Err(RestError::Transport(e.to_string()));
                }
                Err(e) if e.is_timeout() || e.is_connect() => {
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(8));
                    continue;
                }
                Err(e) => return Err(RestError::Transport(e.to_string())),
            };
            let status = resp.status().as_u16();
            last_status = status;
            self.buckets.update(&method, path, status, resp.headers());
            if status == 429 {
                let global = resp.headers().contains_key("x-ratelimit-global");
                let header = header_secs(resp.headers().get("retry-after"));
                let body: Value = resp.json().await.unwrap_or(Value::Null);
                let secs = body["retry_after"].as_f64().or(header).unwrap_or(1.0);
                let wait = Duration::from_secs_f64(secs.clamp(0.0, 60.0));
                let global = global || body["global"].as_bool() == Some(true);
                tracing::warn!(%path, global, ?wait, "rate limited by Discord");
                if global {
                    *self.paused_until.lock().await = Some(Instant::now() + wait);
                } else {
                    self.buckets.exhaust(&method, path, wait);
                }
                if start_by.is_some_and(|t| Instant::now() + wait > t) {
                    tracing::info!(%path, "held past its deadline by a 429; not sent");
                    return Err(RestError::Late);
                }
                tokio::time::sleep(wait).await;
                continue;
            }
            if status >= 500 && resend == Resend::KnownOnly {
                // The message may exist: the caller reconciles before any resend.
                tracing::warn!(%path, status, "Discord server error; outcome unknown");
                return Err(RestError::Unanswered(status));
            }
            if status >= 500 {
                tracing::warn!(%path, status, "Discord server error; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(8));
                continue;
            }
            if status == 204 {
                return Ok(Value::Null);
            }
            let ok = (200..300).contains(&status);
            // A body cut off (the connection lost mid-answer) leaves the outcome unknown.
            let bytes = match resp.bytes().await {
                Ok(b) => b,
                Err(e) => return Err(RestError::Transport(format!("answer lost: {e}"))),
            };
            let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            if ok {
                return Ok(body);
            }
            return Err(RestError::Discord {
                status,
                code: body["code"].as_u64().unwrap_or(0),
                message: body["message"].as_str().unwrap_or("").to_string(),
            });
        }
        Err(RestError::GaveUp {
            status: last_status,
            attempts: self.max_attempts,
        })
    }

    pub async fn interaction_callback(
        &self,
        id: &str,
        token: &str,
        response: &Response,
    ) -> Result<(), RestError> {
        let path = format!("/interactions/{id}/{token}/callback");
        let json = response.to_json();
        let body = Body::with_files(&json, response.files());
        self.call_with(reqwest::Method::POST, &path, Some(body), true)
            .await
            .map(|_| ())
    }

    pub async fn create_dm(&self, user: &str) -> Result<String, RestError> {
        let v = self
            .call(
                reqwest::Method::POST,
                "/users/@me/channels",
                Some(&json!({ "recipient_id": user })),
                false,
            )
            .await?;
        id_of(&v)
    }

    pub async fn pin_message(&self, channel: &str, message: &str) -> Result<(), RestError> {
        let path = format!("/channels/{channel}/messages/pins/{message}");
        self.call(reqwest::Method::PUT, &path, None, false)
            .await
            .map(|_| ())
    }

    /// Replaces a message's content, embeds, components and attachments (a pinned message stays
    /// pinned): the edit's files are uploaded (multipart) in place of the old ones.
    pub async fn edit(
        &self,
        channel: &str,
        message: &str,
        edit: &Message,
    ) -> Result<(), RestError> {
        let mut body = message_json(edit);
        if let Some(o) = body.as_object_mut() {
            // Without a content key Discord would keep the old text beside the new embed.
            o.entry("content").or_insert_with(|| json!(""));
            // Attachments not listed are removed: an edit without files drops the old picture.
            o.entry("attachments").or_insert_with(|| json!([]));
        }
        let path = format!("/channels/{channel}/messages/{message}");
        let body = Body::with_files(&body, &edit.files);
        self.call_with(reqwest::Method::PATCH, &path, Some(body), false)
            .await
            .map(|_| ())
    }

    /// The application's id, from `GET /applications/@me`.
    pub async fn application_id(&self) -> Result<String, RestError> {
        let v = self
            .call(reqwest::Method::GET, "/applications/@me", None, false)
            .await?;
        id_of(&v)
    }

    /// Registers all commands, in one guild when `guild` is set (instant) or globally.
    pub async fn register_commands(
        &self,
        application: &str,
        guild: Option<&str>,
        defs: &[Value],
    ) -> Result<usize, RestError> {
        let path = match guild {
            Some(g) => format!("/applications/{application}/guilds/{g}/commands"),
            None => format!("/applications/{application}/commands"),
        };
        let v = self
            .call(
                reqwest::Method::PUT,
                &path,
                Some(&Value::from(defs.to_vec())),
                false,
            )
            .await?;
        Ok(v.as_array().map_or(0, Vec::len))
    }
}

/// The limiter's rate and burst for `per_second`: a small burst (1/200 s worth) absorbs timer
/// lateness, and the rate leaves room for it, so no second ever holds more than `per_second`
/// (+1) sends: a burst on top of the full rate is what tipped a fake at 2,000/s into 429s when
/// the bot was paced at 1,990/s. At Discord's own 50/s it is the rate itself with a burst of 1.
fn pacing(per_second: u32) -> (NonZeroU32, NonZeroU32) {
    let per_second = per_second.max(1);
    let burst = (per_second / 200).max(1);
    let rate = per_second - burst + 1;
    let nz = |n: u32| NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
    (nz(rate), nz(burst))
}

fn header_secs(h: Option<&reqwest::header::HeaderValue>) -> Option<f64> {
    h?.to_str().ok()?.trim().parse().ok()
}

pub(crate) fn id_of(v: &Value) -> Result<String, RestError> {
    v["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| RestError::Transport("Discord's answer had no id".into()))
}

#[cfg(test)]
mod tests {
    /// No second holds more than the configured rate (+1): burst + rate stays within it.
    #[test]
    fn pacing_never_adds_a_burst_on_top_of_the_rate() {
        for per_second in [1, 40, 50, 199, 200, 1_990, 2_000, 50_000] {
            let (rate, burst) = super::pacing(per_second);
            assert!(burst.get() + rate.get() <= per_second + 1, "{per_second}");
            assert!(
                rate.get() * 100 >= per_second * 99,
                "{per_second}: rate kept"
            );
        }
        assert_eq!(
            super::pacing(40),
            (40.try_into().unwrap(), 1.try_into().unwrap())
        );
    }
}
