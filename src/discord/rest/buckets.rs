//! Per-route rate-limit buckets, as Discord describes them on every answer
//! (`X-RateLimit-Remaining`, `X-RateLimit-Reset-After`). A route is its method and path with the
//! ids replaced, except the major parameter (`/channels/{id}`, `/guilds/{id}`,
//! `/webhooks/{id}/{token}`), which Discord limits separately. While a route's bucket is unknown
//! (first use, or after its reset) one request goes alone and the others wait for its headers;
//! when a bucket has no requests left, senders wait for its reset instead of asking and
//! collecting 429s (10,000 invalid requests in ten minutes ban the IP). Requests in flight are
//! counted against the bucket as they leave.

use reqwest::header::HeaderMap;
use reqwest::Method;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Past this many routes, buckets whose window has passed are dropped.
const PRUNE_AT: usize = 4096;
/// How long others wait for a probe's answer before one of them probes again.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);
/// How often a sender waiting for a probe looks again.
const PROBE_POLL: Duration = Duration::from_millis(10);

#[derive(Debug, Clone, Copy)]
struct Bucket {
    remaining: u32,
    reset_at: Instant,
    /// One request is out to learn the bucket; nobody else goes until it answers.
    probing: bool,
}

impl Bucket {
    fn probe(now: Instant) -> Bucket {
        Bucket {
            remaining: 0,
            reset_at: now + PROBE_TIMEOUT,
            probing: true,
        }
    }
}

#[derive(Default)]
pub(super) struct Buckets {
    routes: Mutex<HashMap<String, Bucket>>,
}

impl Buckets {
    fn routes(&self) -> std::sync::MutexGuard<'_, HashMap<String, Bucket>> {
        self.routes.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until the route's bucket has a request left, and takes it.
    pub(super) async fn acquire(&self, method: &Method, path: &str) {
        let key = route_key(method, path);
        loop {
            let wait = {
                let mut routes = self.routes();
                let now = Instant::now();
                match routes.get_mut(&key) {
                    // Unknown, refilled, or a probe that never answered: this one probes.
                    None => {
                        routes.insert(key.clone(), Bucket::probe(now));
                        None
                    }
                    Some(b) if now >= b.reset_at => {
                        *b = Bucket::probe(now);
                        None
                    }
                    Some(b) if b.probing => Some(now + PROBE_POLL),
                    Some(b) if b.remaining == 0 => Some(b.reset_at),
                    Some(b) => {
                        b.remaining -= 1;
                        None
                    }
                }
            };
            match wait {
                Some(at) => tokio::time::sleep_until(at).await,
                None => return,
            }
        }
    }

    /// Records what an answer's headers say about the route's bucket. Answers still in flight
    /// from the same window can't give back requests this side already counted.
    pub(super) fn update(&self, method: &Method, path: &str, status: u16, headers: &HeaderMap) {
        let num = |name: &str| -> Option<f64> { headers.get(name)?.to_str().ok()?.parse().ok() };
        let key = route_key(method, path);
        let global = status == 429 && headers.contains_key("x-ratelimit-global");
        let (Some(remaining), Some(reset_after), false) = (
            num("x-ratelimit-remaining"),
            num("x-ratelimit-reset-after"),
            global,
        ) else {
            // Nothing learnt: let the others go rather than wait for the probe to time out.
            let mut routes = self.routes();
            if routes.get(&key).is_some_and(|b| b.probing) {
                routes.remove(&key);
            }
            return;
        };
        let now = Instant::now();
        let mut bucket = Bucket {
            remaining: remaining.max(0.0) as u32,
            reset_at: now + Duration::from_secs_f64(reset_after.clamp(0.0, 60.0)),
            probing: false,
        };
        let routes = self.routes();
        if let Some(old) = routes.get(&key) {
            if !old.probing && now < old.reset_at {
                bucket.remaining = bucket.remaining.min(old.remaining);
            }
        }
        drop(routes);
        self.set(key, bucket);
    }

    /// A route 429: nothing more on this route for `wait`.
    pub(super) fn exhaust(&self, method: &Method, path: &str, wait: Duration) {
        let bucket = Bucket {
            remaining: 0,
            reset_at: Instant::now() + wait,
            probing: false,
        };
        self.set(route_key(method, path), bucket);
    }

    fn set(&self, key: String, bucket: Bucket) {
        let mut routes = self.routes();
        if routes.len() >= PRUNE_AT {
            let now = Instant::now();
            routes.retain(|_, b| b.reset_at > now);
        }
        routes.insert(key, bucket);
    }
}

/// `POST /channels/123/messages/456?x=1` → `POST /channels/123/messages/:id`.
fn route_key(method: &Method, path: &str) -> String {
    let path = path.split('?').next().unwrap_or("");
    let segments: Vec<&str> = path.split('/').collect();
    let mut key = method.as_str().to_string();
    for (i, seg) in segments.iter().enumerate().skip(1) {
        let major = matches!(segments.get(1), Some(&"channels" | &"guilds" | &"webhooks"))
            && (i == 2 || (i == 3 && segments[1] == "webhooks"));
        let id = !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit());
        key.push('/');
        key.push_str(if id && !major { ":id" } else { seg });
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_keep_only_their_major_parameter() {
        let k = |m: Method, p: &str| route_key(&m, p);
        assert_eq!(
            k(Method::POST, "/channels/12/messages"),
            "POST/channels/12/messages"
        );
        assert_eq!(
            k(Method::PUT, "/channels/12/messages/pins/34"),
            "PUT/channels/12/messages/pins/:id"
        );
        assert_eq!(
            k(Method::GET, "/channels/12/messages?after=5&limit=100"),
            "GET/channels/12/messages"
        );
        assert_eq!(k(Method::GET, "/users/@me"), "GET/users/@me");
        assert_eq!(
            k(Method::POST, "/webhooks/9/tok/messages/77"),
            "POST/webhooks/9/tok/messages/:id"
        );
        assert_ne!(
            k(Method::POST, "/channels/1/messages"),
            k(Method::POST, "/channels/2/messages")
        );
    }

    fn headers(remaining: &str, reset_after: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-remaining", remaining.parse().unwrap());
        h.insert("x-ratelimit-reset-after", reset_after.parse().unwrap());
        h
    }

    #[tokio::test(start_paused = true)]
    async fn an_empty_bucket_waits_for_its_reset_and_others_do_not() {
        let b = Buckets::default();
        let path = "/channels/1/messages";
        b.acquire(&Method::POST, path).await; // the probe
        b.update(&Method::POST, path, 200, &headers("1", "2.5"));
        let t0 = Instant::now();
        b.acquire(&Method::POST, path).await; // the last one left
        assert_eq!(t0.elapsed(), Duration::ZERO);
        b.acquire(&Method::POST, "/channels/2/messages").await;
        assert_eq!(t0.elapsed(), Duration::ZERO, "another channel's bucket");
        b.acquire(&Method::POST, path).await;
        assert_eq!(t0.elapsed(), Duration::from_millis(2500));
    }

    #[tokio::test(start_paused = true)]
    async fn an_unknown_bucket_sends_one_request_until_it_answers() {
        let b = std::sync::Arc::new(Buckets::default());
        let path = "/channels/1/messages";
        b.acquire(&Method::POST, path).await;
        let waiter = {
            let b = b.clone();
            tokio::spawn(async move {
                let t0 = Instant::now();
                b.acquire(&Method::POST, path).await;
                t0.elapsed()
            })
        };
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!waiter.is_finished(), "waits for the probe's answer");
        b.update(&Method::POST, path, 200, &headers("4", "5"));
        let waited = waiter.await.unwrap();
        assert!(waited >= Duration::from_millis(300) && waited < Duration::from_millis(400));
    }

    #[tokio::test(start_paused = true)]
    async fn late_answers_do_not_give_back_counted_requests() {
        let b = Buckets::default();
        let path = "/channels/1/messages";
        b.acquire(&Method::POST, path).await;
        b.update(&Method::POST, path, 200, &headers("2", "5"));
        b.acquire(&Method::POST, path).await;
        b.acquire(&Method::POST, path).await;
        // The answer to the first of those says one is left: the second is already out.
        b.update(&Method::POST, path, 200, &headers("1", "4.9"));
        let t0 = Instant::now();
        b.acquire(&Method::POST, path).await;
        assert!(
            t0.elapsed() >= Duration::from_millis(4900),
            "{:?}",
            t0.elapsed()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_route_429_holds_the_route_for_its_retry_after() {
        let b = Buckets::default();
        let path = "/channels/1/messages";
        b.exhaust(&Method::POST, path, Duration::from_secs(3));
        let t0 = Instant::now();
        b.acquire(&Method::POST, path).await;
        assert_eq!(t0.elapsed(), Duration::from_secs(3));
    }
}
